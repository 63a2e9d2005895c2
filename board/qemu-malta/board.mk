# board/qemu-malta/board.mk — the Malta image (included by mk/firmware.mk).
MALTA_KVER := 6.1.0-50-4kc-malta
MALTA_KDEB := linux-image-$(MALTA_KVER)_6.1.176-1_mipsel.deb
MALTA_KDIR := $(BUILD)/kernel/$(MALTA_KVER)
IMG        := $(BUILD)/mipsel/image
# The owner's key: the test's own unless AUTHORIZED_KEYS names another file.
AUTHORIZED_KEYS ?= $(IMG)/owner_key.pub
FLASH_MB   ?= 8

$(MALTA_KDIR)/.done: $(DL)/linux.hash.ok
	@sh scripts/fetch.sh $(DL) package/linux/linux.hash >/dev/null
	rm -rf $(MALTA_KDIR) && mkdir -p $(MALTA_KDIR)
	dpkg-deb -x $(DL)/$(MALTA_KDEB) $(MALTA_KDIR)
	depmod -b $(MALTA_KDIR) $(MALTA_KVER)
	@touch $@

$(IMG)/owner_key.pub:
	@mkdir -p $(IMG)
	ssh-keygen -q -t ed25519 -N '' -C tanuki-owner -f $(IMG)/owner_key

MALTA_INPUTS := $(shell find rootfs board/qemu-malta personas -type f 2>/dev/null)

# caprun (src/image/caprun.c): starts the decoy as its user with CAP_NET_RAW
# alone when the config gives it the WAN port (rootfs/usr/lib/tanuki/run).
$(BUILD)/mipsel/caprun: src/image/caprun.c board/qemu-malta/board.mk $(TC)/uclibc-mipsel/.done
	$(mipsel_CC) $(STD) $(WARN) -Os -ffunction-sections -fdata-sections -static -s \
		-Wl,--gc-sections -o $@ $<

$(IMG)/rootfs.cpio.gz: $(MALTA_KDIR)/.done $(BUILD)/mipsel/tanuki $(BUILD)/mipsel/busybox/.done \
		$(BUILD)/mipsel/dropbear/.done $(BUILD)/mipsel/caprun $(AUTHORIZED_KEYS) $(MALTA_INPUTS) \
		scripts/mkimage.sh scripts/mkcpio.py
	sh scripts/mkimage.sh $(BUILD)/mipsel board/qemu-malta $(MALTA_KDIR) $(MALTA_KVER) \
		$(AUTHORIZED_KEYS) $(IMG)

$(IMG)/vmlinux: $(MALTA_KDIR)/.done
	@mkdir -p $(IMG)
	cp $(MALTA_KDIR)/boot/vmlinuz-$(MALTA_KVER) $@

# Erased flash: all 0xff (jffs2 mounts it as empty).
$(IMG)/flash.img:
	@mkdir -p $(IMG)
	tr '\000' '\377' < /dev/zero | head -c $$(($(FLASH_MB) * 1024 * 1024)) > $@

image: $(IMG)/rootfs.cpio.gz $(IMG)/vmlinux $(IMG)/flash.img
	@ls -l $(IMG)/rootfs.cpio.gz $(IMG)/vmlinux $(IMG)/flash.img

# make run-image: boot it; captures persist in $(IMG)/flash-run.img.
run-image: image
	@[ -f $(IMG)/flash-run.img ] || cp $(IMG)/flash.img $(IMG)/flash-run.img
	sh scripts/qemu-run.sh $(IMG) $(IMG)/flash-run.img $(or $(TELNET_PORT),2323) $(or $(SSH_PORT),2222)
