#!/usr/bin/env python3
"""fwd.py PORT — what QEMU's guestfwd=…-cmd: runs for each TCP connection
the guest opens to the forwarded address: stdin/stdout <-> 127.0.0.1:PORT.
The image test uses it to let the decoy in the VM reach a tanuki-hub the
test runs on the host's loopback (restrict=on stays on: only this explicit
forward exists). Loopback only."""
import os
import select
import socket
import sys


def main():
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
    fin, fout = sys.stdin.fileno(), sys.stdout.fileno()
    open_in = True
    while True:
        r, _, _ = select.select([s] + ([fin] if open_in else []), [], [], 60)
        if not r:
            return
        if fin in r:
            data = os.read(fin, 65536)
            if not data:
                open_in = False
                s.shutdown(socket.SHUT_WR)
            else:
                s.sendall(data)
        if s in r:
            data = s.recv(65536)
            if not data:
                return
            os.write(fout, data)


if __name__ == "__main__":
    main()
