# mk/lwip.mk — lwIP for the WAN side (included after mk/firmware.mk).
#
# Debian's lwip source (package/lwip/lwip.hash) is unpacked once under
# $(BUILD)/src/lwip; each variant compiles the core it needs (IPv4, TCP,
# UDP, DHCP, ARP, ICMP, Ethernet) with our lwipopts.h
# (src/decoy/net/lwip/) into $(BUILD)/<variant>/liblwip.a. lwIP is not our
# code: it is built without -Werror, like mbedTLS.
comma := ,
ifeq ($(LWIP),1)

LWIP_SRC := core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c \
	core/netif.c core/pbuf.c core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c \
	core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
	core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c core/dns.c
# PPPoE (PPPOE=1): LCP, PAP, CHAP-MD5 (MD5 from lwIP's polarssl subset: the
# firmware's mbedTLS has no MD5), IPCP
ifeq ($(PPPOE),1)
LWIP_SRC += netif/ppp/ppp.c netif/ppp/pppoe.c netif/ppp/lcp.c netif/ppp/fsm.c netif/ppp/ipcp.c \
	netif/ppp/auth.c netif/ppp/upap.c netif/ppp/chap-new.c netif/ppp/chap-md5.c \
	netif/ppp/magic.c netif/ppp/utils.c netif/ppp/polarssl/md5.c
endif
LWIP_HDRS := $(wildcard src/decoy/net/lwip/*.h src/decoy/net/lwip/arch/*.h) src/decoy/bounds.h
LWIP_LIBFLAGS := -std=gnu99 -D_GNU_SOURCE $(INC) $(LWIP_CPPFLAGS)

$(LWIP_STAMP): $(DL)/lwip.hash.ok $(wildcard package/lwip/*.patch)
	@$(call fw_unpack,lwip_2.1.3+dfsg1.orig.tar.xz,package/lwip/lwip.hash,$(BUILD)/src/lwip)
	@touch $@

# lwip_variant VARIANT CC CFLAGS AR [EXTRA-PREREQUISITE]
define lwip_variant
$(BUILD)/$(1)/lwip/%.o: $(LWIP_STAMP) $(LWIP_HDRS) $(5)
	@mkdir -p $$(dir $$@)
	$(2) $(3) $(LWIP_LIBFLAGS) -c $(BUILD)/src/lwip/src/$$*.c -o $$@

$(BUILD)/$(1)/liblwip.a: $(LWIP_SRC:%.c=$(BUILD)/$(1)/lwip/%.o)
	@rm -f $$@
	$(4) rcs $$@ $$^
endef

# lwIP's asserts: on in the ASan build (the integration tests), off where
# attackers reach it (an assert must not stop a decoy) and in the fuzz
# build, which checks lwIP as the firmware runs it, ASan/UBSan watching
$(eval $(call lwip_variant,host,$(CC),-O2 -g -DLWIP_NOASSERT,$(AR)))
$(eval $(call lwip_variant,asan,$(CC),-O1 -g -fno-omit-frame-pointer -fsanitize=address$(comma)undefined -fno-sanitize-recover=undefined,$(AR)))
# (the fuzz build skips lwIP's checksum checks: random frames reach TCP)
$(eval $(call lwip_variant,fuzz,$(CLANG),-O1 -g -fsanitize=fuzzer-no-link$(comma)address$(comma)undefined -DTANUKI_LWIP_FUZZ -DLWIP_NOASSERT,$(AR)))
# the fuzz targets' GCC replay (tests/lib/replay.c) links lwIP as the fuzz
# build has it, under GCC's ASan/UBSan
$(eval $(call lwip_variant,replay,$(CC),-O1 -g -fno-omit-frame-pointer -fsanitize=address$(comma)undefined -fno-sanitize-recover=undefined -DTANUKI_LWIP_FUZZ -DLWIP_NOASSERT,$(AR)))
# the firmware: small, no asserts (an lwIP assert must not stop a router)
$(foreach v,mipsel:mipsel:uclibc mips:mips:uclibc mipsel-musl:mipsel:musl,$(eval $(call \
	lwip_variant,$(word 1,$(subst :, ,$(v))),$(abspath $(TC))/$(word 3,$(subst :, ,$(v)))-$(word 2,$(subst :, ,$(v)))/bin/$(word 2,$(subst :, ,$(v)))-$(word 3,$(subst :, ,$(v)))-gcc,$(FW_LIBCFLAGS) $(FW_CODEMODEL) $(FW_ISAFLAGS) -DLWIP_NOASSERT,$(word 2,$(subst :, ,$(v)))-linux-gnu-ar,$(TC)/$(word 3,$(subst :, ,$(v)))-$(word 2,$(subst :, ,$(v)))/.done)))

endif
