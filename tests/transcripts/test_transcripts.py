"""Transcript tests: bytes in, exact bytes out, prompts included.

Each tests/transcripts/<persona>/*.t file is a conversation with a daemon
playing that persona, on a fixed unit seed (so hostnames, MACs and PIDs are
the same every run). Lines:
    # comment
    < b'...'      bytes the server must send next, exactly (a Python literal)
    > b'...'      bytes the client sends
    ~ MS          wait MS milliseconds
    = closed      the server must close the connection now
A transcript may set the failure delay with a first line `! fail_delay_ms N`.
"""
import ast
import glob
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from tanuki_test import Conn, Daemon  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def run_transcript(path):
    persona = os.path.basename(os.path.dirname(path))
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f]
    delay = 0
    if lines and lines[0].startswith("! fail_delay_ms"):
        delay = int(lines[0].split()[2])
    with Daemon(persona=persona, seed=b"transcript-unit", fail_delay_ms=delay) as d:
        c = Conn(d.port)
        for no, line in enumerate(lines, 1):
            if not line or line[0] in "#!":
                continue
            op, arg = line[0], line[1:].strip()
            where = "%s:%d" % (os.path.relpath(path, HERE), no)
            if op == ">":
                c.send(ast.literal_eval(arg))
            elif op == "<":
                want = ast.literal_eval(arg)
                got = c.fill(len(want))
                assert got == want, "%s: want %r\n got %r\n then %r" % (
                    where, want, got, c.buf[c.pos + len(want):][:120])
                c.pos += len(want)
            elif op == "~":
                time.sleep(int(arg) / 1000.0)
            elif op == "=":
                assert c.wait_closed(10), "%s: not closed" % where
                extra = c.buf[c.pos:]
                assert not extra, "%s: bytes before close: %r" % (where, extra)
        c.close()


def _make(path):
    def t():
        run_transcript(path)
    return t


for _p in sorted(glob.glob(os.path.join(HERE, "*", "*.t"))):
    _name = "test_%s_%s" % (os.path.basename(os.path.dirname(_p)).replace("-", "_"),
                            os.path.basename(_p)[:-2].replace("-", "_"))
    globals()[_name] = _make(_p)
