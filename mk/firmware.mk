# mk/firmware.mk — the firmware, included from the top Makefile.
#
#   make TARGET=mipsel          toolchain, libraries, BusyBox, dropbear and the
#   make TARGET=mips            decoy for little / big-endian MIPS (build/<target>/)
#   make TARGET=mipsel LIBC=musl   the decoy against musl instead (build/mipsel-musl/)
#   make image                  the Malta image (TARGET=mipsel): build/mipsel/image/
#   make run-image              boot it; telnet/ssh forwarded to 127.0.0.1 only
#   make fw-units               cross-built unit tests, run under qemu-user by make test
#   make fw-sources             fetch and verify every pinned source
#
# Sources come from Debian's archive only (scripts/fetch.sh: private apt
# lists from this machine's own sources, exact versions) and are checked against package/*/*.hash and
# toolchain/*/*.hash before use. Every output is under $(BUILD).

FW_TARGET := $(or $(TARGET),mipsel)
LIBC      ?= uclibc
JOBS      ?= 2
DL        := $(BUILD)/dl
TC        := $(BUILD)/toolchain

# The decoy for a router: small, static, stripped, no floating point.
# Static non-PIC code (FW_CODEMODEL): MIPS abicalls code reaches every call
# and global through the GOT; the decoy and lwIP without it are ~10% smaller
# (docs/firmware.md). uClibc-ng stays abicalls; static links mix the two.
# The decoy's own code is MIPS16e (FW_ISA=mips16, the default): the 16-bit
# encoding every MIPS32 core of the cheap routers this targets has (24K,
# 24KE, 34K, 74K, 1004K; QEMU's Malta 24Kf), ~25% smaller than MIPS32 code
# (the mipsel decoy 543,700 -> 440,416 bytes). lwIP, built here from its
# pinned source, is MIPS16e too (with PPPoE in: 514,820 -> 485,156 bytes);
# the other libraries stay MIPS32, built with -minterlink-mips16 so their
# calls into our hooks switch mode.
# FW_ISA=mips32 builds it all as MIPS32 (for a core without MIPS16e).
FW_ISA ?= mips16
FW_CODEMODEL := -mno-abicalls -fno-pic -minterlink-mips16
FW_ISAFLAGS := $(if $(filter mips16,$(FW_ISA)),-mips16,)
FW_CFLAGS  := $(STD) $(WARN) $(INC) $(LWIP_CPPFLAGS) $(OPTIONS) -Os -ffunction-sections -fdata-sections \
	$(FW_CODEMODEL) $(FW_ISAFLAGS)
FW_LDFLAGS := -static -Wl,--gc-sections
# Libraries the decoy links are built the same way (no -Werror: not ours).
FW_LIBCFLAGS := -Os -ffunction-sections -fdata-sections
# mbedTLS and zlib are linked into the decoy: built in its code model too
# (14.5 KB less on mipsel, docs/wan.md). Their stamps depend on .libcode, rewritten only when this
# changes, so a changed code model rebuilds them.
# They are MIPS16e too (FW_ISA), but for mbedTLS's bignum.c: its multiply
# loop is MIPS32 inline assembly (bn_mul.h, MBEDTLS_HAVE_ASM), the inner loop
# of every P-256 and RSA operation; it stays MIPS32 (FW_MBEDTLS_MIPS32, built
# first, so the library's own make finds it done). Sizes and the handshake's
# cost: docs/firmware.md.
FW_LIBCODE := $(FW_CODEMODEL) $(FW_ISAFLAGS)
FW_MBEDTLS_MIPS32 := $(if $(FW_ISAFLAGS),bignum.o,)
# zlib serves the store's sealed segments (src/decoy/store/seal.c): zlib
# streams, both ways. NO_GZIP: no gzip wrapper in deflate/inflate (seal.c
# asks for windowBits 15, zlib's own format); Z_TESTW=0 leaves W undefined in
# crc32.c, so CRC-32 runs a byte at a time without the 4 KB braid table.
FW_ZLIB_DEFS := -DNO_GZIP -DZ_TESTW=0

# The decoy's own objects must never hold an FP instruction. The linked
# binary is checked too (libc included): uClibc-ng passes (built without
# float support); musl's printf does not — FP_CHECK=warn builds it anyway,
# for boards whose kernel has the FPU emulator.
FP_CHECK ?= fail

FW_HASHES := $(wildcard package/*/*.hash toolchain/*/*.hash)

.PHONY: firmware fw-sources fw-units image run-image fw-test-deps fw-force
fw-force:

ifneq ($(TARGET),)
all: firmware
endif

# --- sources ---------------------------------------------------------------
# One stamp per hash file; the consumer re-verifies right before unpacking.
define fw_fetch
$(DL)/$(notdir $(1)).ok: $(1) scripts/fetch.sh scripts/apt-sources.sh
	@sh scripts/fetch.sh $(DL) $(1)
	@touch $$@
endef
$(foreach h,$(FW_HASHES),$(eval $(call fw_fetch,$(h))))
fw-sources: $(foreach h,$(FW_HASHES),$(DL)/$(notdir $(h)).ok)

# unpack DL-FILE HASH-FILE DIR: verify, extract into a fresh DIR, then apply
# the package's patches (package/<name>/*.patch, in order), as Buildroot does
fw_unpack = sh scripts/fetch.sh $(DL) $(2) >/dev/null && rm -rf $(3) && mkdir -p $(3) && \
	tar -xf $(DL)/$(1) -C $(3) --strip-components=1 && \
	for p in $(sort $(wildcard $(dir $(2))*.patch)); do patch -s -d $(3) -p1 < $$p || exit 1; done

# --- toolchains --------------------------------------------------------------
$(TC)/uclibc-%/.done: $(DL)/uclibc-ng.hash.ok toolchain/uclibc-ng/build.sh \
		toolchain/uclibc-ng/uclibc-ng.config
	@sh scripts/fetch.sh $(DL) toolchain/uclibc-ng/uclibc-ng.hash >/dev/null
	+JOBS=$(JOBS) sh toolchain/uclibc-ng/build.sh $* $(DL)/uClibc-ng-1.0.35.tar.xz $(TC)/uclibc-$*
	@touch $@

$(TC)/musl-mipsel/.done: $(DL)/musl.hash.ok toolchain/musl/setup.sh
	@sh scripts/fetch.sh $(DL) toolchain/musl/musl.hash >/dev/null
	sh toolchain/musl/setup.sh mipsel $(DL)/musl-dev_1.2.3-1_mipsel.deb $(TC)/musl-mipsel
	@touch $@

# --- one variant: $(1) = build/$(1)/, $(2) = mipsel | mips, $(3) = uclibc | musl
define fw_variant
$(1)_D     := $(BUILD)/$(1)
$(1)_S     := $(BUILD)/$(1)/staging
$(1)_TC    := $(TC)/$(3)-$(2)/.done
$(1)_CC    := $(abspath $(TC))/$(3)-$(2)/bin/$(2)-$(3)-gcc
$(1)_CROSS := $(2)-linux-gnu-
$(1)_OBJ   := $(LIB_SRC:%.c=$(BUILD)/$(1)/obj/%.o)
$(1)_UNITS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/$(1)/%)
$(1)_ENDIANDEF := $(if $(filter mips,$(2)),-DWORDS_BIGENDIAN=1,)

# mbedTLS: SHA-256, HMAC, base64 and the uplink's TLS 1.2 client, with our
# own trimmed config (package/mbedtls/config.h) over the default one.
$(BUILD)/$(1)/staging/.libcode: fw-force
	@mkdir -p $$(dir $$@)
	@echo '$(FW_LIBCODE) $(FW_ZLIB_DEFS)' | cmp -s - $$@ || echo '$(FW_LIBCODE) $(FW_ZLIB_DEFS)' > $$@

$(BUILD)/$(1)/staging/.mbedtls: $(DL)/mbedtls.hash.ok $(TC)/$(3)-$(2)/.done package/mbedtls/config.h \
		$(BUILD)/$(1)/staging/.libcode
	@$$(call fw_unpack,mbedtls_2.28.3.orig.tar.gz,package/mbedtls/mbedtls.hash,$$($(1)_D)/src/mbedtls)
	cp package/mbedtls/config.h $$($(1)_D)/src/mbedtls/include/mbedtls/config.h
	$(if $(FW_MBEDTLS_MIPS32),+$$(MAKE) -s -C $$($(1)_D)/src/mbedtls/library CC=$$($(1)_CC) \
		CFLAGS="$(FW_LIBCFLAGS) $(FW_CODEMODEL)" $(FW_MBEDTLS_MIPS32))
	+$$(MAKE) -s -C $$($(1)_D)/src/mbedtls/library CC=$$($(1)_CC) AR=$$($(1)_CROSS)ar \
		CFLAGS="$(FW_LIBCFLAGS) $(FW_LIBCODE)" libmbedcrypto.a libmbedx509.a libmbedtls.a
	@mkdir -p $$($(1)_S)/lib $$($(1)_S)/include
	cp $$($(1)_D)/src/mbedtls/library/*.a $$($(1)_S)/lib/
	rm -rf $$($(1)_S)/include/mbedtls && cp -r $$($(1)_D)/src/mbedtls/include/mbedtls $$($(1)_S)/include/
	@touch $$@

# zlib: static only (the store's sealed segments use it: src/decoy/store/seal.c).
$(BUILD)/$(1)/staging/.zlib: $(DL)/zlib.hash.ok $(TC)/$(3)-$(2)/.done $(BUILD)/$(1)/staging/.libcode
	@$$(call fw_unpack,zlib_1.2.13.dfsg.orig.tar.bz2,package/zlib/zlib.hash,$$($(1)_D)/src/zlib)
	cd $$($(1)_D)/src/zlib && CC=$$($(1)_CC) CHOST=$(2)-linux-gnu CFLAGS="$(FW_LIBCFLAGS) $(FW_LIBCODE) $(FW_ZLIB_DEFS)" \
		./configure --static --prefix=$$(abspath $$($(1)_S)) >/dev/null
	+$$(MAKE) -s -C $$($(1)_D)/src/zlib libz.a
	+$$(MAKE) -s -C $$($(1)_D)/src/zlib install >/dev/null
	@touch $$@

# cmocka for the unit tests under qemu-user (one file; no cmake needed).
$(BUILD)/$(1)/staging/.cmocka: $(DL)/cmocka.hash.ok $(TC)/$(3)-$(2)/.done
	@$$(call fw_unpack,cmocka_1.1.5.orig.tar.xz,package/cmocka/cmocka.hash,$$($(1)_D)/src/cmocka)
	@mkdir -p $$($(1)_S)/lib $$($(1)_S)/include
	cd $$($(1)_D)/src/cmocka && $$($(1)_CC) -Os -std=gnu99 -Iinclude $$($(1)_ENDIANDEF) \
		-DHAVE_SIGNAL_H -DHAVE_SETJMP_H -DHAVE_STDARG_H -DHAVE_STDDEF_H -DHAVE_STDINT_H \
		-DHAVE_INTTYPES_H -DHAVE_STRINGS_H -DHAVE_MALLOC_H -DHAVE_TIME_H -DHAVE_UNISTD_H \
		-DHAVE_SIGLONGJMP -DHAVE_STRSIGNAL -DHAVE_CLOCK_GETTIME -DHAVE_CLOCK_REALTIME \
		-DHAVE_STRUCT_TIMESPEC -DHAVE_SNPRINTF -DHAVE_VSNPRINTF -c src/cmocka.c -o cmocka.o
	$$($(1)_CROSS)ar rcs $$($(1)_S)/lib/libcmocka.a $$($(1)_D)/src/cmocka/cmocka.o
	cp $$($(1)_D)/src/cmocka/include/cmocka.h $$($(1)_S)/include/
	@touch $$@

# The decoy.
$(BUILD)/$(1)/obj/%.o: %.c $(HDRS) $(BUILD)/$(1)/staging/.mbedtls $(BUILD)/$(1)/staging/.zlib | $(LWIP_STAMP)
	@mkdir -p $$(dir $$@)
	$$($(1)_CC) $(FW_CFLAGS) -I$$($(1)_S)/include -c $$< -o $$@

$(BUILD)/$(1)/libtanuki.a: $$($(1)_OBJ)
	@rm -f $$@
	$$($(1)_CROSS)ar rcs $$@ $$^

# tanuki.elf keeps the symbols (for addr2line), tanuki.map says which library
# each byte came from; tanuki is what ships.
$(BUILD)/$(1)/tanuki: $(BUILD)/$(1)/obj/src/decoy/main.o $(BUILD)/$(1)/libtanuki.a $(call lwip_lib,$(1))
	$$($(1)_CC) $(FW_CFLAGS) $(FW_LDFLAGS) -Wl,-Map=$$@.map $$^ -o $$@.elf -L$$($(1)_S)/lib -lmbedtls -lmbedx509 -lmbedcrypto -lz
	@sh scripts/check-fp.sh $$($(1)_CROSS)objdump $(BUILD)/$(1)/libtanuki.a $(BUILD)/$(1)/obj/src/decoy/main.o
	@sh scripts/check-fp.sh $$($(1)_CROSS)objdump $$@.elf || [ "$(FP_CHECK)" = warn ]
	$$($(1)_CROSS)strip -s -R .comment -R .note -o $$@ $$@.elf
	@echo "firmware: $$@ $$$$(stat -c %s $$@) bytes"

$(BUILD)/$(1)/test_%: tests/unit/test_%.c $(BUILD)/$(1)/libtanuki.a $(call lwip_lib,$(1)) $(BUILD)/$(1)/staging/.cmocka
	$$($(1)_CC) $(FW_CFLAGS) -I$$($(1)_S)/include $(FW_LDFLAGS) $$< $(BUILD)/$(1)/libtanuki.a $(call lwip_lib,$(1)) \
		-o $$@ -L$$($(1)_S)/lib -lcmocka -lmbedtls -lmbedx509 -lmbedcrypto -lz

# The uplink's handshake arithmetic on this build's mbedTLS (make bench runs
# it under qemu-user: tests/bench/tlsbench.c).
$(BUILD)/$(1)/tlsbench: tests/bench/tlsbench.c $(BUILD)/$(1)/staging/.mbedtls
	$$($(1)_CC) $(FW_CFLAGS) -I$$($(1)_S)/include $(FW_LDFLAGS) $$< -o $$@ -L$$($(1)_S)/lib -lmbedcrypto

# BusyBox: allnoconfig plus our fragment, static.
$(BUILD)/$(1)/busybox/.done: $(DL)/busybox.hash.ok $(TC)/$(3)-$(2)/.done package/busybox/busybox.fragment
	@$$(call fw_unpack,busybox_1.35.0.orig.tar.bz2,package/busybox/busybox.hash,$$($(1)_D)/src/busybox)
	+$$(MAKE) -s -C $$($(1)_D)/src/busybox HOSTCC=gcc allnoconfig >/dev/null
	sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p; s/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1/p' package/busybox/busybox.fragment > $$($(1)_D)/src/busybox/fragkeys
	grep -v -w -f $$($(1)_D)/src/busybox/fragkeys $$($(1)_D)/src/busybox/.config > $$($(1)_D)/src/busybox/.config.new || true
	grep -E '^CONFIG_|^# CONFIG_.* is not set' package/busybox/busybox.fragment >> $$($(1)_D)/src/busybox/.config.new
	mv $$($(1)_D)/src/busybox/.config.new $$($(1)_D)/src/busybox/.config
	yes '' | $$(MAKE) -s -C $$($(1)_D)/src/busybox HOSTCC=gcc oldconfig >/dev/null
	@for k in $$$$(grep '^CONFIG_.*=y' package/busybox/busybox.fragment); do \
		grep -qx "$$$$k" $$($(1)_D)/src/busybox/.config || { echo "busybox: $$$$k did not stick" >&2; exit 1; }; done
	+$$(MAKE) -s -C $$($(1)_D)/src/busybox HOSTCC=gcc CROSS_COMPILE=$$($(1)_CROSS) \
		CC=$$($(1)_CC) busybox >/dev/null
	rm -rf $$($(1)_D)/busybox && mkdir -p $$($(1)_D)/busybox
	+$$(MAKE) -s -C $$($(1)_D)/src/busybox HOSTCC=gcc CROSS_COMPILE=$$($(1)_CROSS) CC=$$($(1)_CC) \
		CONFIG_PREFIX=$$(abspath $$($(1)_D))/busybox/root install >/dev/null
	cp $$($(1)_D)/src/busybox/busybox $$($(1)_D)/busybox/
	@touch $$@

# dropbear: server, scp and dropbearkey in one static binary; key logins only.
$(BUILD)/$(1)/dropbear/.done: $(DL)/dropbear.hash.ok $(TC)/$(3)-$(2)/.done package/dropbear/localoptions.h
	@$$(call fw_unpack,dropbear_2022.83.orig.tar.bz2,package/dropbear/dropbear.hash,$$($(1)_D)/src/dropbear)
	cp package/dropbear/localoptions.h $$($(1)_D)/src/dropbear/
	cd $$($(1)_D)/src/dropbear && CC=$$($(1)_CC) CFLAGS="$(FW_LIBCFLAGS)" LDFLAGS="-Wl,--gc-sections" \
		./configure --host=$(2)-linux-gnu --disable-zlib --disable-harden \
		--disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp --disable-wtmpx \
		--disable-pututline --disable-pututxline >/dev/null
	+$$(MAKE) -s -C $$($(1)_D)/src/dropbear PROGRAMS="dropbear dropbearkey scp" MULTI=1 >/dev/null
	rm -rf $$($(1)_D)/dropbear && mkdir -p $$($(1)_D)/dropbear
	$$($(1)_CROSS)strip -s -R .comment -o $$($(1)_D)/dropbear/dropbearmulti \
		$$($(1)_D)/src/dropbear/dropbearmulti
	@touch $$@

.PHONY: firmware-$(1)
firmware-$(1): $(BUILD)/$(1)/tanuki $(BUILD)/$(1)/busybox/.done $(BUILD)/$(1)/dropbear/.done \
	$(BUILD)/$(1)/staging/.zlib
endef

$(eval $(call fw_variant,mipsel,mipsel,uclibc))
$(eval $(call fw_variant,mips,mips,uclibc))
$(eval $(call fw_variant,mipsel-musl,mipsel,musl))

FW_VARIANT := $(FW_TARGET)$(if $(filter musl,$(LIBC)),-musl,)
firmware: firmware-$(FW_VARIANT)

# Unit tests of both endiannesses (uClibc-ng); tests/run.py runs them under
# qemu-user.
fw-units: $(mipsel_UNITS) $(mips_UNITS) $(BUILD)/mipsel/tanuki $(BUILD)/mips/tanuki

# --- the image ---------------------------------------------------------------
include board/qemu-malta/board.mk

fw-test-deps: fw-units image
