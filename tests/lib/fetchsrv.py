"""Payload servers for the fetcher's tests: HTTP, TFTP, FTP and DNS, each
bound to 127.0.0.1 on a free port and run in a thread. Loopback only: these
are the only hosts a test's URLs point at (the WAN tests bind them to
198.18.0.1 inside a namespace they made: `host`)."""
import http.server
import socket
import socketserver
import struct
import threading
import time


class _Http(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        srv = self.server
        srv.hits.append(self.path)
        route = srv.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            return
        kind, arg = route
        try:
            if kind == "file":
                self.send_response(200)
                self.send_header("Content-Length", str(len(arg)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(arg)
            elif kind == "slow":  # (seconds, bytes): answers late, then whole
                time.sleep(arg[0])
                self.send_response(200)
                self.send_header("Content-Length", str(len(arg[1])))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(arg[1])
            elif kind == "close":  # close-delimited, HTTP/1.0 style
                self.wfile.write(b"HTTP/1.0 200 OK\r\n\r\n" + arg)
                self.close_connection = True
            elif kind == "chunked":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                for i in range(0, len(arg), 1000):
                    c = arg[i:i + 1000]
                    self.wfile.write(b"%x;ext=1\r\n" % len(c) + c + b"\r\n")
                self.wfile.write(b"0\r\nX-Trailer: y\r\n\r\n")
            elif kind == "redirect":
                self.send_response(302)
                self.send_header("Location", arg)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
            elif kind == "endless":
                self.wfile.write(b"HTTP/1.0 200 OK\r\n\r\n")
                deadline = time.time() + 20
                while time.time() < deadline:
                    self.wfile.write(b"\x00" * 16384)
            elif kind == "drip":
                self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Length: 10000\r\n\r\n")
                deadline = time.time() + 20
                while time.time() < deadline:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.3)
            elif kind == "huge":
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n")
                self.wfile.write(b"\x7fELF" + b"\x00" * 1000)
                time.sleep(2)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class _ThreadingHTTP(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def http_server(routes, host="127.0.0.1", port=0):
    srv = _ThreadingHTTP((host, port), _Http)
    srv.routes = routes
    srv.hits = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


class Tftp:
    """RRQ only. files: name -> bytes, or "silent" (never answers) or
    "stall" (sends block 1 of a long file, then nothing)."""

    def __init__(self, files, host="127.0.0.1", port=0):
        self.files = files
        self.host = host
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.port = self.sock.getsockname()[1]
        self.requests = []
        self.stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                pkt, peer = self.sock.recvfrom(1024)
            except socket.timeout:
                continue
            except OSError:
                return
            if pkt[:2] != b"\x00\x01":
                continue
            name = pkt[2:].split(b"\x00")[0].decode("latin-1")
            self.requests.append(name)
            threading.Thread(target=self._serve, args=(name, peer), daemon=True).start()

    def _serve(self, name, peer):
        data = self.files.get(name)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((self.host, 0))
        s.settimeout(1.0)
        try:
            if data is None:
                s.sendto(b"\x00\x05\x00\x01File not found\x00", peer)
                return
            if data == "silent":
                return
            if data == "stall":
                s.sendto(b"\x00\x03\x00\x01" + b"A" * 512, peer)
                return
            block = 1
            off = 0
            while True:
                chunk = data[off:off + 512]
                pkt = struct.pack(">HH", 3, block) + chunk
                for _ in range(5):
                    s.sendto(pkt, peer)
                    try:
                        ack, _ = s.recvfrom(16)
                    except socket.timeout:
                        continue
                    if ack[:2] == b"\x00\x04" and struct.unpack(">H", ack[2:4])[0] == block:
                        break
                else:
                    return
                if len(chunk) < 512:
                    return
                off += 512
                block += 1
        finally:
            s.close()

    def close(self):
        self.stop = True
        self.sock.close()


class Ftp:
    """USER/PASS/TYPE/PASV/RETR on 127.0.0.1; PASV always names 127.0.0.1.
    users: None takes any login; else {user: password}, and a wrong one
    gets "530 Login incorrect." as vsftpd says it. `log` keeps every
    command line as received (USER and PASS included)."""

    def __init__(self, files, users=None, host="127.0.0.1"):
        self.files = files
        self.users = users
        self.host = host
        self.lsock = socket.socket()
        self.lsock.bind((host, 0))
        self.lsock.listen(8)
        self.port = self.lsock.getsockname()[1]
        self.log = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(c,), daemon=True).start()

    def _session(self, c):
        f = c.makefile("rwb", buffering=0)
        data_l = None
        user = None
        try:
            f.write(b"220-tiny ftpd\r\n220 ready\r\n")
            for line in f:
                cmd = line.decode("latin-1").strip()
                self.log.append(cmd)
                verb, _, arg = cmd.partition(" ")
                verb = verb.upper()
                if verb == "USER":
                    user = arg
                    f.write(b"331 password please\r\n")
                elif verb == "PASS":
                    if self.users is not None and self.users.get(user) != arg:
                        f.write(b"530 Login incorrect.\r\n")
                        continue
                    f.write(b"230 ok\r\n")
                elif verb == "TYPE":
                    f.write(b"200 binary\r\n")
                elif verb == "PASV":
                    data_l = socket.socket()
                    data_l.bind((self.host, 0))
                    data_l.listen(1)
                    p = data_l.getsockname()[1]
                    f.write(b"227 Entering Passive Mode (127,0,0,1,%d,%d)\r\n" % (p >> 8, p & 255))
                elif verb == "RETR":
                    body = self.files.get(arg)
                    if body is None or data_l is None:
                        f.write(b"550 no such file\r\n")
                        continue
                    f.write(b"150 opening\r\n")
                    data_l.settimeout(5)
                    d, _ = data_l.accept()
                    d.sendall(body)
                    d.close()
                    f.write(b"226 done\r\n")
                elif verb == "QUIT":
                    f.write(b"221 bye\r\n")
                    break
                else:
                    f.write(b"502 no\r\n")
        except OSError:
            pass
        finally:
            c.close()

    def close(self):
        self.lsock.close()


class Dns:
    """A records from `names` (name -> dotted IPv4); NXDOMAIN otherwise."""

    def __init__(self, names):
        self.names = {k.lower(): v for k, v in names.items()}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.queries = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                q, peer = self.sock.recvfrom(512)
            except OSError:
                return
            if len(q) < 17:
                continue
            i, labels = 12, []
            while q[i]:
                labels.append(q[i + 1:i + 1 + q[i]].decode("latin-1"))
                i += 1 + q[i]
            qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
            name = ".".join(labels).lower()
            self.queries.append((name, qtype, peer[1]))
            question = q[12:i + 5]
            ip = self.names.get(name)
            if ip and qtype == 1:
                ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(ip)
                r = q[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, 1, 0, 0) + question + ans
            elif ip:
                r = q[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, 0, 0, 0) + question
            else:
                r = q[:2] + b"\x81\x83" + struct.pack(">HHHH", 1, 0, 0, 0) + question
            self.sock.sendto(r, peer)

    def close(self):
        self.sock.close()
