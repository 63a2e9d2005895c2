# mk/oracle.mk — real BusyBox built for this PC, the oracle of the
# differential shell test (tests/integration/test_diffsh.py, tests/diff/).
#
#   make oracle     build/oracle/busybox-1.35.0/busybox: static x86-64, defconfig
#
# The source is the firmware's own pin (package/busybox/busybox.hash, fetched
# by scripts/fetch.sh into $(DL)); the firmware's patches are not applied: the
# oracle is upstream 1.35.0 as `make defconfig` builds it. The build time in
# its banner is pinned (SOURCE_DATE_EPOCH, read by BusyBox's kconfig), so
# `busybox` and ash's banner print the same bytes on every machine:
# "BusyBox v1.35.0 (2022-01-01 12:00:00 UTC) multi-call binary."

ORACLE_D        := $(BUILD)/oracle/busybox-1.35.0
ORACLE_BB       := $(ORACLE_D)/busybox
ORACLE_EPOCH    := 1641038400

.PHONY: oracle
oracle: $(ORACLE_BB)

$(ORACLE_BB): $(DL)/busybox.hash.ok mk/oracle.mk
	@$(call fw_unpack,busybox_1.35.0.orig.tar.bz2,package/busybox/busybox.hash,$(ORACLE_D)/src)
	+$(MAKE) -s -C $(ORACLE_D)/src HOSTCC=gcc defconfig >/dev/null
	sed -i 's/^# CONFIG_STATIC is not set$$/CONFIG_STATIC=y/' $(ORACLE_D)/src/.config
	grep -qx 'CONFIG_STATIC=y' $(ORACLE_D)/src/.config
	yes '' | SOURCE_DATE_EPOCH=$(ORACLE_EPOCH) $(MAKE) -s -C $(ORACLE_D)/src HOSTCC=gcc oldconfig >/dev/null
	+SOURCE_DATE_EPOCH=$(ORACLE_EPOCH) $(MAKE) -s -C $(ORACLE_D)/src HOSTCC=gcc \
		KCONFIG_NOTIMESTAMP= busybox >/dev/null 2>$(ORACLE_D)/build.log || \
		{ tail -30 $(ORACLE_D)/build.log >&2; exit 1; }
	cp $(ORACLE_D)/src/busybox $@.new
	@# a built oracle is smoke-tested before anything trusts it
	test "$$($@.new sh -c 'echo $$((6*7))')" = 42
	mv $@.new $@

# make test runs the differential test against it
test: $(ORACLE_BB)
