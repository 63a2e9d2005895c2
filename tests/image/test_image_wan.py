"""The image's WAN port (issue 17): the Malta guest's second NIC (eth1) on
the decoy's lwIP, its kernel without an address there.

Topology (namespaces this test makes, addresses from 198.18.0.0/15 only;
tests/integration/test_wan.py's Pair and test_wan_ppp.py's PPPoE side):

  host:     QEMU; the LAN side as in test_image.py (user networking,
            restrict=on, ssh and telnet forwarded from 127.0.0.1 only)
  decoy ns: the TAP that is the guest's eth1 (opened here, its file
            descriptor handed to QEMU: WAN_FD) bridged with the veth end;
            no address, IPv6 off; a packet socket keeps every frame the
            guest sends there
  attacker: the veth's other end on a bridge with 198.18.0.1/24, a real
            dnsmasq handing out 198.18.0.50-59 and the attacker's clients;
            on the same bridge the PPPoE server guest (Debian's
            pppoe-server and pppd, tests/lib/pppoe_vm.py, booted while the
            Malta guest boots), its routed side 198.18.2.2 behind 198.18.2.1

One Malta boot: a DHCP lease (dnsmasq's lease file names the guest's WAN
MAC), a Mirai-style login over the WAN side, the store pulled over the LAN
side with scp showing that session with the WAN addresses; the guest
kernel's own part on eth1 (none); then `proto static`, then `proto pppoe`
(CHAP, a login over the PPP link), each by the owner's reconfigure over ssh
and init's respawn of the decoy.
"""
import fcntl
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, HERE)
import tanuki_test as tt  # noqa: E402
from test_image import IMG, VM, _attack  # noqa: E402
from pppoe_vm import PppoeServer  # noqa: E402
from test_wan import Pair, in_netns, login, sh  # noqa: E402
from test_wan_ppp import ppp_topology  # noqa: E402

PPP_USER, PPP_SECRET = "tanuki", "s3cret"
WAN_MAC = "52:54:00:12:34:57"  # scripts/qemu-run.sh's default
LAN_MAC = "52:54:00:12:34:56"
TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def open_tap(netns, name):
    """A TAP device in netns, alive while the returned descriptor is."""
    with in_netns(netns):
        fd = os.open("/dev/net/tun", os.O_RDWR)
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    os.set_inheritable(fd, True)
    return fd


class Tap:
    """Every frame the guest sends on its WAN port, seen on the TAP."""

    def __init__(self, netns, ifname):
        with in_netns(netns):
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                      socket.htons(ETH_P_ALL))
            self.sock.bind((ifname, ETH_P_ALL))
        self.sock.settimeout(0.2)
        self.frames = []  # (time, frame) from the guest
        self.lock = threading.Lock()
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                data, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:  # ENETDOWN before the TAP is up
                if self.stop:
                    return
                time.sleep(0.05)
                continue
            if addr[2] != PACKET_OUTGOING:  # written by QEMU: the guest sent it
                with self.lock:
                    self.frames.append((time.time(), data))

    def guest_frames(self):
        with self.lock:
            return list(self.frames)

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


def mac(b):
    return ":".join("%02x" % x for x in b)


def guest_sh(vm, cmd):
    """A command in the guest over ssh (the LAN side); its output."""
    p = vm.ssh(cmd)
    assert p.returncode == 0, (cmd, p.stdout, p.stderr, vm.console())
    return p.stdout


def rp_filter_drops(vm):
    """TcpExt IPReversePathFilter of the guest's kernel."""
    out = guest_sh(vm, "cat /proc/net/netstat").splitlines()
    for head, val in zip(out[0::2], out[1::2]):
        if head.startswith("TcpExt:"):
            return int(dict(zip(head.split(), val.split()))["IPReversePathFilter"])
    raise AssertionError(out)


def arp_request(ifname, ip):
    """A broadcast ARP who-has for ip, from ifname's address and MAC."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    src = s.getsockname()[4]
    s.send(b"\xff" * 6 + src + b"\x08\x06" +
           struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + src + socket.inet_aton("198.18.0.1") +
           b"\0" * 6 + socket.inet_aton(ip) + b"\0" * 18)
    s.close()


def wait_lease(leases, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            for line in open(leases):
                f = line.split()
                if len(f) >= 4 and f[1] == WAN_MAC:
                    return f
        except FileNotFoundError:
            pass
        time.sleep(0.25)
    raise AssertionError("no lease for %s" % WAN_MAC)


def _start(srv):
    try:
        srv.start()
        return None
    except AssertionError as e:
        return e


def wan_login(host, password, timeout=60.0):
    """A telnet login attempt from the attacker namespace until the decoy
    answers on host."""
    deadline = time.time() + timeout
    while True:
        try:
            c = login(host, 23, "root", password)
            c.read_until(b"Login incorrect")
            c.close()
            return
        except (AssertionError, OSError):
            assert time.time() < deadline, "no telnet login at %s" % host
            time.sleep(0.5)


def test_image_wan_dhcp_static_pppoe():
    for f in ("vmlinux", "rootfs.cpio.gz", "flash.img", "owner_key"):
        assert os.path.exists(os.path.join(IMG, f)), \
            "%s missing: run `make image` (make test does)" % os.path.join(IMG, f)
    work = tempfile.mkdtemp(prefix="tanuki-image-wan-")
    flash = os.path.join(work, "flash.img")
    shutil.copy(os.path.join(IMG, "flash.img"), flash)
    leases = os.path.join(work, "leases")
    with Pair() as p:
        # the attacker's side: the PPPoE server guest's TAPs and a bridge
        # with the veth end (test_wan_ppp's), and 198.18.0.1 on that bridge
        # for DHCP and the static address; the server boots meanwhile
        ppp_wan, ppp_lan = ppp_topology(p)
        abr = "tb" + p.att[3:]
        sh("ip", "-n", p.att, "addr", "add", "198.18.0.1/24", "dev", abr)
        srv = PppoeServer(p.att, ppp_wan, ppp_lan, auth="chap", user=PPP_USER,
                          secret=PPP_SECRET)
        srv_err = []
        srv_boot = threading.Thread(target=lambda: srv_err.append(_start(srv)), daemon=True)
        srv_boot.start()
        tag = p.dec[3:]
        tap, br = "tm" + tag, "bm" + tag
        fd = open_tap(p.dec, tap)
        cap = Tap(p.dec, tap)
        sh("ip", "-n", p.dec, "link", "add", br, "type", "bridge")
        for dev in (p.dif, tap):
            sh("ip", "-n", p.dec, "link", "set", dev, "master", br)
        for dev in (tap, br):
            sh("ip", "-n", p.dec, "link", "set", dev, "up")
        dns = subprocess.Popen(
            ["ip", "netns", "exec", p.att, "dnsmasq", "--no-daemon", "--conf-file=/dev/null",
             "--port=0", "--interface=" + abr, "--bind-interfaces", "--user=root",
             "--group=root", "--dhcp-range=198.18.0.50,198.18.0.59,255.255.255.0,1h",
             "--dhcp-option=3,198.18.0.1", "--dhcp-leasefile=" + leases,
             "--pid-file=" + os.path.join(work, "pid"), "--log-dhcp"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "dnsmasq.log"), "wb"))
        vm = None
        try:
            vm = VM(flash, work, wan_fd=fd)
            try:
                vm.start()
            finally:
                os.close(fd)  # QEMU holds the TAP now (or failed to start)
            # 1. the lease: dnsmasq hands the guest's WAN MAC an address
            # (option 12: the persona's hostname), the decoy logs it
            lease = wait_lease(leases)
            ip = lease[2]
            assert re.match(r"198\.18\.0\.5\d$", ip) and lease[3] == "HG532e", lease
            # 2. a Mirai-style session over the WAN side, to the leased address
            with in_netns(p.att):
                _attack(23, host=ip, probe="tanuki-image-wan")
            # 3. the guest kernel: no address on eth1, IPv6 and ARP off, strict
            # reverse-path filter; the decoy holds CAP_NET_RAW alone
            out = guest_sh(vm, "ip addr show dev eth1; "
                                   "cat /proc/sys/net/ipv6/conf/eth1/disable_ipv6 "
                                   "/proc/sys/net/ipv4/conf/eth1/rp_filter; "
                                   "grep -E '^Cap(Eff|Amb)|^Uid' /proc/$(pidof tanuki)/status")
            assert "inet" not in out and WAN_MAC in out and "NOARP" in out, out
            lines = out.splitlines()
            assert "1\n1" in out and "CapEff:\t0000000000002000" in lines, out
            assert "CapAmb:\t0000000000002000" in lines, out
            assert [x for x in lines if x.startswith("Uid:")][0].split()[1] != "0", out
            # 4. the guest kernel sends nothing on eth1 itself: with the
            # decoy frozen, an ARP request, TCP SYNs (22, 23), ICMP echo and
            # UDP to the WAN address, and a SYN to an address of the guest's
            # own kernel (198.18.3.3 on its lo, for the test: a kernel takes
            # any packet for one of its addresses on any port unless the
            # reverse-path filter drops it) get no frame back; eth1's
            # transmit counter (every frame the driver sent, the kernel's
            # and lwIP's) stands still and equals the frames the TAP saw
            # from the guest; the filter counted its drops (without rcS's
            # `arp off` the kernel answers the ARP request for 198.18.3.3
            # on eth1; without rp_filter it takes the SYN)
            guest_sh(vm, "ip addr add 198.18.3.3/32 dev lo && kill -STOP $(pidof tanuki)")
            time.sleep(0.5)
            tx0 = int(guest_sh(vm, "cat /sys/class/net/eth1/statistics/tx_packets"))
            rpf0 = rp_filter_drops(vm)
            seen0 = len(cap.guest_frames())
            assert seen0 == tx0, (seen0, tx0)
            t_probe = time.time()
            sh("ip", "-n", p.att, "neigh", "replace", ip, "lladdr", WAN_MAC, "dev", abr,
               "nud", "permanent")
            sh("ip", "-n", p.att, "route", "add", "198.18.3.3/32", "via", ip)
            with in_netns(p.att):
                for host, port in ((ip, 22), (ip, 23), ("198.18.3.3", 22)):
                    s = socket.socket()
                    s.settimeout(1.5)
                    try:
                        s.connect((host, port))
                        raise AssertionError("the frozen guest accepted %s:%d" % (host, port))
                    except OSError:
                        pass
                    finally:
                        s.close()
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.sendto(b"x", (ip, 9))
                u.close()
                arp_request(abr, ip)
                arp_request(abr, "198.18.3.3")
            sh("ip", "netns", "exec", p.att, "ping", "-c", "2", "-W", "1", ip, check=False)
            time.sleep(1)
            tx1 = int(guest_sh(vm, "cat /sys/class/net/eth1/statistics/tx_packets"))
            late = [f for t, f in cap.guest_frames() if t >= t_probe]
            assert tx1 == tx0 and not late, (tx0, tx1, [f[:42].hex() for f in late])
            # the SYN to the kernel's own address opened nothing (its answer
            # would have left by eth0, into QEMU's restricted user network)
            tcp = guest_sh(vm, "cat /proc/net/tcp")
            assert "030312C6:" not in tcp.upper(), tcp
            rpf1 = rp_filter_drops(vm)
            assert rpf1 > rpf0, (rpf0, rpf1)
            guest_sh(vm, "ip addr del 198.18.3.3/32 dev lo")
            sh("ip", "-n", p.att, "route", "del", "198.18.3.3/32")
            sh("ip", "-n", p.att, "neigh", "del", ip, "dev", abr)
            guest_sh(vm, "kill -CONT $(pidof tanuki)")
            # every frame from the guest's WAN port: its MAC, ARP or IPv4
            # from 0.0.0.0 (DHCP) or the lease, never IPv6
            for _, f in cap.guest_frames():
                assert mac(f[6:12]) == WAN_MAC, f[:42].hex()
                etype = f[12:14]
                assert etype in (b"\x08\x06", b"\x08\x00"), f[:42].hex()
                if etype == b"\x08\x00":
                    assert socket.inet_ntoa(f[26:30]) in ("0.0.0.0", ip), f[:42].hex()
            # 5. the store, over the LAN side with scp: the session with the
            # WAN addresses, and the lease
            deadline = time.time() + 30
            while True:
                evs = vm.scp_store(os.path.join(work, "pull1"))
                conns = [e for e in tt.by_id(evs, "cowrie.session.connect")
                         if e.get("dst_ip") == ip]
                cmds = [e for e in tt.by_id(evs, "cowrie.command.input")
                        if "tanuki-image-wan" in e.get("input", "")]
                if (conns and cmds) or time.time() > deadline:
                    break
                time.sleep(2)
            assert conns and cmds, [e["eventid"] for e in evs]
            c = conns[-1]
            assert (c["src_ip"], c["dst_port"]) == ("198.18.0.1", 23), c
            assert cmds[-1]["session"] == c["session"], (cmds, c)
            addr = tt.by_id(evs, "tanuki.wan.address")[-1]
            assert (addr["proto"], addr["ipaddr"], addr["gateway"], addr["ifname"]) == \
                ("dhcp", ip, "198.18.0.1", "eth1"), addr
            # 6. proto static: the owner's reconfigure over ssh, init respawns
            # the decoy; a login at the static address
            conf = guest_sh(vm, "cat /etc/config/tanuki")
            assert "\toption proto 'dhcp'\n" in conf, conf
            conf = conf.replace("\toption proto 'dhcp'\n", "\toption proto 'static'\n"
                                "\toption ipaddr '198.18.0.2'\n\toption netmask '255.255.255.0'\n"
                                "\toption gateway '198.18.0.1'\n")
            # the config is in the initramfs (RAM): rewrite, then let init
            # respawn the decoy
            p2 = vm.ssh("cat > /etc/config/tanuki && tanuki check -c /etc/config/tanuki && "
                        "killall tanuki", stdin=conf)
            assert p2.returncode == 0, (p2.stdout, p2.stderr, vm.console())
            with in_netns(p.att):
                wan_login("198.18.0.2", "static-wan")
            deadline = time.time() + 30
            while True:
                evs = vm.scp_store(os.path.join(work, "pull2"))
                fails = [e for e in tt.by_id(evs, "cowrie.login.failed")
                         if e.get("password") == "static-wan"]
                if fails or time.time() > deadline:
                    break
                time.sleep(2)
            assert fails, [e["eventid"] for e in evs]
            addr = tt.by_id(evs, "tanuki.wan.address")[-1]
            assert (addr["proto"], addr["ipaddr"]) == ("static", "198.18.0.2"), addr
            conn = [e for e in tt.by_id(evs, "cowrie.session.connect")
                    if e["session"] == fails[-1]["session"]]
            assert conn and conn[0]["dst_ip"] == "198.18.0.2", conn
            out = guest_sh(vm, "ip addr show dev eth1")
            assert "inet" not in out, out
            # 7. proto pppoe against Debian's pppoe-server and pppd (in the
            # x86 guest, tests/lib/pppoe_vm.py): CHAP login, the address
            # from pppd's pool, an attacker's login over the PPP link
            srv_boot.join(180)
            assert srv_err == [None], srv_err
            conf = guest_sh(vm, "cat /etc/config/tanuki")
            conf = conf.replace("\toption proto 'static'\n\toption ipaddr '198.18.0.2'\n"
                                "\toption netmask '255.255.255.0'\n"
                                "\toption gateway '198.18.0.1'\n",
                                "\toption proto 'pppoe'\n\toption username '%s'\n"
                                "\toption password '%s'\n" % (PPP_USER, PPP_SECRET))
            assert "'pppoe'" in conf, conf
            p2 = vm.ssh("cat > /etc/config/tanuki && tanuki check -c /etc/config/tanuki && "
                        "killall tanuki", stdin=conf)
            assert p2.returncode == 0, (p2.stdout, p2.stderr, vm.console())
            with in_netns(p.att):
                wan_login("198.18.1.10", "pppoe-wan", timeout=90)
            deadline = time.time() + 30
            while True:
                evs = vm.scp_store(os.path.join(work, "pull3"))
                fails = [e for e in tt.by_id(evs, "cowrie.login.failed")
                         if e.get("password") == "pppoe-wan"]
                if fails or time.time() > deadline:
                    break
                time.sleep(2)
            assert fails, [e["eventid"] for e in evs]
            up = [e for e in tt.by_id(evs, "tanuki.wan.ppp") if e.get("state") == "up"]
            assert up and (up[-1]["auth"], up[-1]["ipaddr"], up[-1]["peer"]) == \
                ("chap", "198.18.1.10", "198.18.1.1"), up
            conn = [e for e in tt.by_id(evs, "cowrie.session.connect")
                    if e["session"] == fails[-1]["session"]]
            assert conn and (conn[0]["src_ip"], conn[0]["dst_ip"]) == \
                ("198.18.2.1", "198.18.1.10"), conn
            log = srv.pppd_log()
            assert 'name = "%s"]' % PPP_USER in log and "sent [CHAP Success" in log, log[-2000:]
            # from the first PPPoE discovery frame on, the guest's WAN port
            # carried PPPoE only (the kernel has no PPPoE and no address)
            frames = [f for _, f in cap.guest_frames()]
            first = [i for i, f in enumerate(frames) if f[12:14] == b"\x88\x63"]
            assert first, "no PPPoE discovery frame from the guest"
            other = [f[:20].hex() for f in frames[first[0]:]
                     if f[12:14] not in (b"\x88\x63", b"\x88\x64") or mac(f[6:12]) != WAN_MAC]
            assert not other, other
            out = guest_sh(vm, "ip addr show dev eth1")
            assert "inet" not in out, out
            n = len(cap.guest_frames())
            print("      image WAN: boot %.1fs, lease %s, static, PPPoE %s by %s; %d frames "
                  "from the guest's eth1, all from %s" % (
                      vm.boot_s, ip, up[-1]["ipaddr"], up[-1]["auth"], n, WAN_MAC), flush=True)
            vm.reboot_and_wait()
            shutil.rmtree(work, ignore_errors=True)
        finally:
            if vm:
                vm.kill()
            cap.close()
            dns.terminate()
            dns.wait(10)
            srv_boot.join(180)
            srv.close()
