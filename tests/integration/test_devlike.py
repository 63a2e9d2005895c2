"""The device as a detector or a bot looks at it (issue 16): a living
/proc (self, the process table, load, the session's own connection), PIDs
that advance, and the terminal's timing. potsnitch's telnet checks look for
exactly these (cat /proc/self/exe, ls /proc/self/fd, a constant load)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import mirai  # noqa: E402
from tanuki_test import Conn, Daemon  # noqa: E402


def _cmd(c, line):
    c.send(line + "\r\n")
    out = mirai.read_prompt(c)
    echo = line.encode() + b"\r\n"
    assert out.startswith(echo), out
    return out[len(echo):-2]  # without the echo and the "# " prompt


def test_proc_self_is_the_running_command():
    with Daemon() as d:
        c = Conn(d.port)
        mirai.login(c, "root", "xc3511")
        mirai.read_prompt(c)
        exe = _cmd(c, "cat /proc/self/exe")
        assert exe.startswith(b"\x7fELF\x01\x01\x01"), exe[:16]  # the persona's ARM ELF
        assert _cmd(c, "ls /proc/self/fd") == b"0  1  2  3\r\n"
        assert _cmd(c, "cat /proc/self/cmdline") == b"cat\x00/proc/self/cmdline\x00"
        shpid = int(_cmd(c, "echo $$"))
        st1 = _cmd(c, "cat /proc/self/status").decode()
        st2 = _cmd(c, "cat /proc/self/status").decode()
        # (the pty turned the tabs into spaces)
        pid1 = int(re.search(r"\nPid: +(\d+)", st1).group(1))
        pid2 = int(re.search(r"\nPid: +(\d+)", st2).group(1))
        assert st1.startswith("Name:   cat\r\n"), st1
        assert re.search(r"\nPPid:  +%d\r\n" % shpid, st1), st1
        assert shpid < pid1 < pid2, (shpid, pid1, pid2)
        # the shell is in ps under the pid $$ says, its /proc entry too
        ps = _cmd(c, "ps").decode()
        assert re.search(r"^ *%d root .* -sh\r$" % shpid, ps, re.M), ps
        assert _cmd(c, "cat /proc/%d/cmdline" % shpid) == b"-sh\x00"
        assert _cmd(c, "ls -l /proc/%d/exe" % shpid).endswith(b"exe -> /bin/busybox\r\n")
        assert b"/bin/busybox" in _cmd(c, "cat /proc/self/maps")
        c.close()


def test_load_uptime_and_connections_are_alive():
    with Daemon() as d:
        c = Conn(d.port)
        mirai.login(c, "root", "xc3511")
        mirai.read_prompt(c)
        up = _cmd(c, "uptime").decode()
        m = re.search(r"load average: (\d+\.\d\d), (\d+\.\d\d), (\d+\.\d\d)\r\n$", up)
        assert m, up
        assert m.groups() != ("0.00", "0.00", "0.00"), up
        la = _cmd(c, "cat /proc/loadavg").decode().split()
        # one model behind both; it moves every 5 s, as the kernel's does, so
        # a boundary may pass between the two reads: then /proc/loadavg is
        # what `uptime` says right after it
        up2 = _cmd(c, "uptime").decode()
        m2 = re.search(r"load average: (\d+\.\d\d), (\d+\.\d\d), (\d+\.\d\d)\r\n$", up2)
        assert m2, up2
        assert la[:3] in (list(m.groups()), list(m2.groups())), (la, up, up2)
        secs = float(_cmd(c, "cat /proc/uptime").split()[0])
        assert secs > 2 * 86400  # the persona booted days before the unit's first start
        tcp = _cmd(c, "cat /proc/net/tcp").decode().split("\r\n")
        assert all(len(row) == 149 for row in tcp if row), tcp
        # telnetd listens where we came in; our own connection is there,
        # established, with our port
        assert any(": 00000000:%04X 00000000:0000 0A " % d.port in row for row in tcp), tcp
        port = c.sock.getsockname()[1]
        assert any(("0100007F:%04X 0100007F:%04X 01 " % (d.port, port)) in row
                   for row in tcp), (port, tcp)
        ns = _cmd(c, "netstat -an").decode()
        assert ("\r\ntcp        0      0 0.0.0.0:%-5d           0.0.0.0:*               LISTEN"
                % d.port) in ns, ns
        assert ("127.0.0.1:%d" % port) in ns and "ESTABLISHED" in ns, ns
        c.close()


def test_files_umask_owner_and_ls_layout():
    """umask 022 (new files -rw-r--r--), files belong to who made them (the
    login user, or root after su), ls -l's size column is 9 wide and
    directories show their link count and their file system's size."""
    with Daemon(persona="zyxel-pk5001z") as d:
        c = Conn(d.port)
        mirai.login(c, "admin", "CenturyL1nk")
        mirai.read_prompt(c)
        assert _cmd(c, "umask") == b"0022\r\n"
        out = _cmd(c, "cd /tmp; echo abc > f; mkdir d; ls -l").decode()
        assert "\r\n-rw-r--r--    1 admin    admin            4 " in out, out
        assert "\r\ndrwxr-xr-x    2 admin    admin           40 " in out, out  # tmpfs: 40
        assert out.startswith("total 4\r\n"), out  # one 4 KiB page of tmpfs
        c.send(b"su\r\n")
        c.read_until(b"Password: ")
        c.send(b"zyad5001\r\n")
        mirai.read_prompt(c)
        out = _cmd(c, "umask 077; echo x > /tmp/r; ls -l /tmp/r").decode()
        assert out.startswith("-rw-------    1 root     root             2 "), out
        c.close()
