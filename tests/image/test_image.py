"""The firmware image on the emulated Malta board (qemu-system-mipsel):
boot it, play a Mirai-style login and a few commands against the decoy
inside the VM over the forwarded telnet port, pull the store off the flash
with a real scp client through dropbear (the owner's key), reboot, and
check the captures survived on the flash; then attack again, cut the power
(kill QEMU) after the store's group commit, boot again and check again.

Only 127.0.0.1 is used: QEMU forwards two loopback ports into the guest and
runs its user network with restrict=on. `make test` builds the image first
(`make image`); without it this test fails and says so.
"""
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import mirai  # noqa: E402
import tanuki_test as tt  # noqa: E402

IMG = os.path.join(tt.BUILD, "mipsel", "image")
KEY = os.path.join(IMG, "owner_key")
PERSONA = "huawei-hg532"     # rootfs/etc/config/tanuki
BOOT_TIMEOUT = 120           # seconds; a cold TCG boot takes ~5-10 s
SSH_OPTS = ["-i", KEY, "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
            "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20"]


class VM:
    """One boot of the image on a given flash file."""

    def __init__(self, flash, work, hub_port=None, wan_fd=None):
        self.flash = flash
        self.work = work
        self.hub_port = hub_port
        self.wan_fd = wan_fd  # an open TAP (the guest's eth1), else no cable
        self.tport = tt.free_port()
        self.sport = tt.free_port()
        self.serial = os.path.join(work, "serial-%d.log" % self.tport)
        self.proc = None
        self.boot_s = None

    def start(self):
        t0 = time.time()
        env = dict(os.environ)
        if self.hub_port:
            env["HUB_FWD"] = str(self.hub_port)
        if self.wan_fd is not None:
            env["WAN_FD"] = str(self.wan_fd)
        self.proc = subprocess.Popen(
            ["sh", os.path.join(tt.TOP, "scripts", "qemu-run.sh"), IMG, self.flash,
             str(self.tport), str(self.sport), "file:" + self.serial],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=env, pass_fds=() if self.wan_fd is None else (self.wan_fd,))
        # QEMU's forwarder accepts at once; the decoy is up when bytes come back.
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("qemu exited %s: %s\n%s" % (
                    self.proc.returncode, self.proc.stderr.read().decode(), self.console()))
            if time.time() - t0 > BOOT_TIMEOUT:
                raise AssertionError("decoy never answered; console:\n" + self.console())
            try:
                s = socket.create_connection(("127.0.0.1", self.tport), 1)
                s.settimeout(1.5)
                got = s.recv(64)
                s.close()
                if got:
                    break
            except OSError:
                pass
            time.sleep(0.25)
        self.boot_s = time.time() - t0
        return self

    def console(self):
        try:
            with open(self.serial, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def ssh(self, cmd, timeout=60, stdin=None):
        p = subprocess.run(["ssh", "-p", str(self.sport)] + SSH_OPTS + ["root@127.0.0.1", cmd],
                           capture_output=True, text=True, timeout=timeout, input=stdin)
        return p

    def scp_store(self, dest):
        """Pulls the whole store (/overlay/tanuki) with the legacy scp
        protocol (the image has no sftp-server), then reads it on the PC as
        the owner does: `tanuki export --store DIR` of the PC build, sealed
        and open segments together."""
        os.makedirs(dest, exist_ok=True)
        p = subprocess.run(["scp", "-O", "-r", "-P", str(self.sport)] + SSH_OPTS +
                           ["root@127.0.0.1:/overlay/tanuki", dest],
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, "scp failed: %s\n%s" % (p.stderr, self.console())
        x = subprocess.run([tt.BINARY, "export", "--store", os.path.join(dest, "tanuki")],
                           capture_output=True, timeout=120, env=dict(os.environ, **tt.SAN_ENV))
        assert x.returncode == 0, x.stderr
        return [json.loads(line) for line in x.stdout.splitlines() if line.strip()]

    def reboot_and_wait(self, timeout=60):
        # -no-reboot: QEMU exits when the guest reboots, after rcK ran
        self.ssh("reboot", timeout=30)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("guest did not reboot; console:\n" + self.console())

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _attack(port, host="127.0.0.1", probe="tanuki-image-test"):
    """A Mirai-style session: login, the shell escape, two commands."""
    user, pw, _ = tt.persona_info(PERSONA)["creds"][0]
    c = tt.Conn(port, host=host, timeout=30)
    mirai.login(c, user, pw)
    mirai.enter_shell(c)
    out = mirai.token_cmd(c, "/bin/busybox cat /proc/mounts", timeout=30)
    mirai.token_cmd(c, "cd /tmp; echo %s > probe" % probe, timeout=30)
    c.close()
    return out


def test_image_boot_attack_scp_reboot_powercut():
    for f in ("vmlinux", "rootfs.cpio.gz", "flash.img", "owner_key"):
        assert os.path.exists(os.path.join(IMG, f)), \
            "%s missing: run `make image` (make test does)" % os.path.join(IMG, f)
    work = tempfile.mkdtemp(prefix="tanuki-image-")
    flash = os.path.join(work, "flash.img")
    shutil.copy(os.path.join(IMG, "flash.img"), flash)
    vm = VM(flash, work).start()
    try:
        _attack(vm.tport)
        free = vm.ssh("free -k; grep VmRSS /proc/$(pidof tanuki)/status")
        assert free.returncode == 0, "ssh failed: %s\n%s" % (free.stderr, vm.console())
        # the event log is written within 1 s and synced to flash every 5 s
        deadline = time.time() + 30
        while True:
            evs = vm.scp_store(os.path.join(work, "pull1"))
            ok = (tt.by_id(evs, "cowrie.login.success") and
                  any("tanuki-image-test" in e.get("input", "")
                      for e in tt.by_id(evs, "cowrie.command.input")))
            if ok or time.time() > deadline:
                break
            time.sleep(2)
        assert ok, "events missing from the store: %s" % [e["eventid"] for e in evs]
        sessions = {e["session"] for e in tt.by_id(evs, "cowrie.login.success")}
        assert all(e["sensor"] == "tanuki-malta" for e in evs)
        boot1 = vm.boot_s
        vm.reboot_and_wait()
        assert "rcK: flash unmounted" in vm.console(), vm.console()

        vm2 = VM(flash, work).start()
        vm = vm2
        evs2 = vm.scp_store(os.path.join(work, "pull2"))
        again = {e["session"] for e in tt.by_id(evs2, "cowrie.login.success")}
        assert sessions <= again, ("captures lost across the reboot", sessions, again)

        # a power cut: attack, let the group commit pass (sync_s 5), pull
        # the plug (kill QEMU), boot again: the synced session must be there
        _attack(vm.tport)
        deadline = time.time() + 30
        while True:
            evs = vm.scp_store(os.path.join(work, "pull3"))
            new = {e["session"] for e in tt.by_id(evs, "cowrie.login.success")} - again
            if new or time.time() > deadline:
                break
            time.sleep(1)
        assert new, "second attack never reached the store"
        time.sleep(7)
        vm.kill()
        vm3 = VM(flash, work).start()
        vm = vm3
        evs3 = vm.scp_store(os.path.join(work, "pull4"))
        after = {e["session"] for e in tt.by_id(evs3, "cowrie.login.success")}
        assert (again | new) <= after, ("synced captures lost in a power cut", new, after)
        vm.reboot_and_wait()
        used = [" ".join(line.split()) for line in free.stdout.splitlines()
                if line.startswith(("Mem:", "VmRSS:"))]
        print("      image: decoy answered %.1fs after QEMU start (reboot %.1fs, after a "
              "power cut %.1fs); guest free -k %s" % (
                  boot1, vm2.boot_s, vm3.boot_s, "; tanuki ".join(used)), flush=True)
        shutil.rmtree(work, ignore_errors=True)
    finally:
        vm.kill()


def test_image_uplink_to_hub():
    """The router build's uplink (uClibc-ng, trimmed mbedTLS, the guest's
    kernel entropy and clock) sends to a tanuki-hub the test runs on the
    host's loopback; QEMU forwards only 10.0.2.100:8443 to it
    (tests/image/fwd.py). The hub's counts equal the store pulled by scp."""
    sys.path.insert(0, os.path.join(tt.TOP, "tests", "integration"))
    import test_hub
    assert os.path.exists(os.path.join(IMG, "flash.img")), "run `make image` (make test does)"
    work = tempfile.mkdtemp(prefix="tanuki-image-up-")
    flash = os.path.join(work, "flash.img")
    shutil.copy(os.path.join(IMG, "flash.img"), flash)
    hub = test_hub.Hub()
    secret, pin = hub.enroll("malta")
    hub.start()
    vm = VM(flash, work, hub_port=hub.port).start()
    try:
        # the image's WAN port (eth1) is the decoy's lwIP; this hub is behind
        # QEMU's user net on eth0, the owner's LAN: `via lan` (docs/hub.md)
        section = ("\nconfig uplink 'hub'\n\toption url 'https://10.0.2.100:8443/v1/ingest'\n"
                   "\toption pin '%s'\n\toption device 'malta'\n\toption secret '%s'\n"
                   "\toption interval_s '2'\n\toption via 'lan'\n" % (pin, secret))
        # the config is in the initramfs (RAM): append, then let init respawn
        p = vm.ssh("cat >> /etc/config/tanuki && tanuki check -c /etc/config/tanuki && "
                   "killall tanuki", stdin=section)
        assert p.returncode == 0, (p.stdout, p.stderr, vm.console())
        deadline = time.time() + 60
        while True:  # the respawned decoy answers again
            try:
                c = tt.Conn(vm.tport, timeout=5)
                c.read_until((b"ogin", b"sername"), 5)
                c.close()
                break
            except (AssertionError, OSError):
                assert time.time() < deadline, vm.console()
                time.sleep(0.5)
        _attack(vm.tport)
        deadline = time.time() + 90
        while True:
            tot = hub.api("/v1/totals")
            evs = vm.scp_store(os.path.join(work, "pull"))
            want = {}
            for e in evs:
                if e["eventid"].startswith("cowrie."):
                    want[e["eventid"]] = want.get(e["eventid"], 0) + 1
            got = {k: v for k, v in tot["by_event"].items() if k.startswith("cowrie.")}
            if want and got == want:
                break
            assert time.time() < deadline, (got, want, hub.stderr()[-2000:], vm.console())
            time.sleep(2)
        dev = hub.api("/v1/devices")["devices"]
        assert dev[0]["device"] == "malta" and dev[0]["persona"] == PERSONA, dev
        assert "refused" not in hub.stderr(), hub.stderr()
        print("      image uplink: %d summaries from the guest, %s" % (
            tot["summaries"], got), flush=True)
        vm.reboot_and_wait()
        shutil.rmtree(work, ignore_errors=True)
    finally:
        vm.kill()
        hub.__exit__(None, None, None)
