"""A real PPPoE server for the WAN tests: Debian's pppoe-server and pppd in
a small KVM guest.

Why a guest: pppd needs the kernel's PPP driver (/dev/ppp: ppp_generic,
ppp_async for pppoe-server's pty sessions), and the kernel the tests run on
may have none (this VM's has CONFIG_PPP unset and no modules). The guest
boots Debian's own kernel (linux-image-amd64) with the host's root file
system shared read-only over 9p, so the pppoe-server, pppd and pppoe that
run are the host's Debian binaries, unmodified. Its configuration (pppd's
options, pap-/chap-secrets) lives in a private folder shared read-write and
bind-mounted over the guest's /etc/ppp: no file of the host is changed.

Two NICs, both TAP devices the caller made in its namespace: `wan` carries
PPPoE (bridge it with the decoy's veth), `lan` is the guest's routed side
(198.18.2.2/24; the guest forwards between it and the PPP link). Commands
reach the guest through the shared folder (cmd.N files a guest loop runs);
nothing listens on a network.
"""
import glob
import os
import shutil
import subprocess
import tempfile
import time

GUEST_INIT = r"""#!/bin/sh
# stage 2 (the host's root, read-only): the server
set -u
S=/mnt
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mkdir -p /dev/pts
mount -t devpts -o ptmxmode=0666 devpts /dev/pts
mount -t 9p -o trans=virtio,version=9p2000.L share $S
mount --bind $S/etc-ppp /etc/ppp
ip link set lo up
ip link set eth0 up
ip link set eth1 up
ip addr add 198.18.2.2/24 dev eth1
echo 1 > /proc/sys/net/ipv4/ip_forward
/usr/sbin/pppoe-server -I eth0 -L 198.18.1.1 -R 198.18.1.10 -N 2 -C tanuki-test-ac \
	-O /etc/ppp/pppoe-server-options -X /run/pppoe-server.pid > $S/server.out 2>&1
echo ready > $S/ready
n=0
while :; do
	if [ -e $S/cmd.$n ]; then
		sh $S/cmd.$n > $S/cmd.$n.out 2>&1
		echo $? > $S/cmd.$n.rc
		n=$((n + 1))
	fi
	sleep 0.2
done
"""

STAGE1 = r"""#!/bin/busybox sh
# stage 1 (initramfs): the modules, then the host's root over 9p
/bin/busybox mkdir -p /proc /dev /newroot
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
for m in $(/bin/busybox cat /modules.list); do /bin/busybox insmod /mods/$m; done
/bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /newroot
/bin/busybox mount --move /dev /newroot/dev
/bin/busybox umount /proc
exec /bin/busybox switch_root /newroot /bin/sh @SHARE@/../guest-init.sh
"""

MODULES = ["virtio_pci", "virtio_net", "9pnet_virtio", "9p", "ppp_generic", "ppp_async",
           "pppox", "pppoe"]


def kernel():
    """The newest Debian kernel in /boot with its modules."""
    for vmlinuz in sorted(glob.glob("/boot/vmlinuz-*"), reverse=True):
        ver = vmlinuz[len("/boot/vmlinuz-"):]
        if os.path.exists("/lib/modules/%s/modules.dep" % ver):
            return vmlinuz, ver
    raise AssertionError("no Debian kernel in /boot (linux-image-amd64; scripts/deps.sh)")


def module_files(ver, names):
    """Module files for names and what they depend on, in load order."""
    base = "/lib/modules/" + ver
    dep = {}
    with open(base + "/modules.dep") as f:
        for line in f:
            k, v = line.split(":", 1)
            dep[k] = v.split()
    byname = {os.path.basename(k).split(".ko")[0].replace("-", "_"): k for k in dep}
    order = []

    def add(path):
        for d in dep[path]:
            add(d)
        if path not in order:
            order.append(path)
    for n in names:
        add(byname[n])
    return [os.path.join(base, p) for p in order]


def make_initrd(tmp, share):
    vmlinuz, ver = kernel()
    root = os.path.join(tmp, "initrd-root")
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "mods"))
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    names = []
    for path in module_files(ver, MODULES):
        name = os.path.basename(path)
        if name.endswith(".ko.xz"):
            import lzma
            name = name[:-3]
            with lzma.open(path) as src, open(os.path.join(root, "mods", name), "wb") as dst:
                dst.write(src.read())
        else:
            shutil.copy(path, os.path.join(root, "mods", name))
        names.append(name)
    with open(os.path.join(root, "modules.list"), "w") as f:
        f.write("\n".join(names) + "\n")
    with open(os.path.join(root, "init"), "w") as f:
        f.write(STAGE1.replace("@SHARE@", share))
    os.chmod(os.path.join(root, "init"), 0o755)
    initrd = os.path.join(tmp, "initrd.cpio")
    files = subprocess.run(["/bin/busybox", "find", "."], cwd=root, check=True,
                           capture_output=True).stdout
    with open(initrd, "wb") as out:
        subprocess.run(["/bin/busybox", "cpio", "-o", "-H", "newc"], cwd=root, input=files,
                       stdout=out, stderr=subprocess.DEVNULL, check=True)
    return vmlinuz, initrd


class PppoeServer:
    """pppoe-server + pppd in a KVM guest, started in namespace `netns` on
    the TAP devices wan_tap and lan_tap (made by the caller)."""

    def __init__(self, netns, wan_tap, lan_tap, auth="chap", user="tanuki", secret="s3cret"):
        self.netns, self.wan_tap, self.lan_tap = netns, wan_tap, lan_tap
        self.tmp = tempfile.mkdtemp(prefix="tanuki-pppoe-")
        self.share = os.path.join(self.tmp, "share")
        self.etc = os.path.join(self.share, "etc-ppp")
        os.makedirs(self.etc)
        with open(os.path.join(self.tmp, "guest-init.sh"), "w") as f:
            f.write(GUEST_INIT)
        self.vmlinuz, self.initrd = make_initrd(self.tmp, self.share)
        self.user = user
        self.set_auth(auth, secret)
        with open(os.path.join(self.etc, "options"), "w") as f:
            f.write("")
        self.proc = None
        self.ncmd = 0
        self.boots = 0

    def set_auth(self, auth, secret):
        """pppd's options for the next session: require-pap or
        require-chap, the account's secret."""
        with open(os.path.join(self.etc, "pppoe-server-options"), "w") as f:
            f.write("auth\nrequire-%s\nname tanuki-bras\nms-dns 198.18.1.53\n"
                    "ms-dns 198.18.1.54\nlcp-echo-interval 1\nlcp-echo-failure 3\n"
                    "debug\nlogfile /etc/ppp/pppd.log\n" % auth)
        for name in ("pap-secrets", "chap-secrets"):
            path = os.path.join(self.etc, name)
            with open(path, "w") as f:
                f.write('"%s" * "%s" *\n' % (self.user, secret))
            os.chmod(path, 0o600)

    def pppd_log(self):
        try:
            with open(os.path.join(self.etc, "pppd.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def console(self):
        try:
            with open(os.path.join(self.tmp, "console.%d.log" % self.boots),
                      errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self, timeout=180.0):
        ready = os.path.join(self.share, "ready")
        if os.path.exists(ready):
            os.unlink(ready)
        self.boots += 1
        self.ncmd = 0
        for f in glob.glob(os.path.join(self.share, "cmd.*")):
            os.unlink(f)
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, "qemu-system-x86_64", "-accel", "tcg", "-m", "256", "-smp", "1", "-display", "none", "-monitor", "none",
             "-no-reboot", "-serial", "file:" + os.path.join(self.tmp,
                                                             "console.%d.log" % self.boots),
             "-kernel", self.vmlinuz, "-initrd", self.initrd,
             "-append", "console=ttyS0 panic=-1 net.ifnames=0 loglevel=4 mitigations=off",
             "-fsdev", "local,id=r,path=/,security_model=none,readonly=on",
             "-device", "virtio-9p-pci,fsdev=r,mount_tag=hostroot",
             "-fsdev", "local,id=s,path=%s,security_model=none" % self.share,
             "-device", "virtio-9p-pci,fsdev=s,mount_tag=share",
             "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no" % self.wan_tap,
             "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:18:00:01,csum=off,guest_csum=off",
             "-netdev", "tap,id=n1,ifname=%s,script=no,downscript=no" % self.lan_tap,
             "-device", "virtio-net-pci,netdev=n1,mac=52:54:00:18:00:02,csum=off,guest_csum=off"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.tmp, "qemu.%d.err" % self.boots), "wb"))
        deadline = time.time() + timeout
        while not os.path.exists(ready):
            if self.proc.poll() is not None or time.time() > deadline:
                err = open(os.path.join(self.tmp, "qemu.%d.err" % self.boots)).read()
                self.kill()
                raise AssertionError("the PPPoE server guest did not come up:\n%s\n%s" %
                                     (err, self.console()[-3000:]))
            time.sleep(0.2)
        return self

    def run(self, cmd, timeout=30.0):
        """A shell command in the guest; returns (rc, output)."""
        n = self.ncmd
        self.ncmd += 1
        path = os.path.join(self.share, "cmd.%d" % n)
        with open(path + ".tmp", "w") as f:
            f.write(cmd + "\n")
        os.rename(path + ".tmp", path)
        deadline = time.time() + timeout
        while not os.path.exists(path + ".rc"):
            assert self.proc.poll() is None and time.time() < deadline, \
                ("guest command", cmd, self.console()[-2000:])
            time.sleep(0.1)
        time.sleep(0.05)
        with open(path + ".out", errors="replace") as f:
            out = f.read()
        with open(path + ".rc") as f:
            return int(f.read().strip() or "0"), out

    def kill(self):
        """The server goes away at once (no PADT, no LCP terminate)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def close(self):
        self.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)
