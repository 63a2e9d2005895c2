import hashlib, random, json
MIRAI = [("root","xc3511"),("root","vizxv"),("root","admin"),("admin","admin"),("root","888888"),("root","xmhdipc"),("root","default"),("root","juantech"),("root","123456"),("root","54321"),("support","support"),("root",""),("admin","password"),("root","root"),("root","12345"),("user","user"),("admin",""),("root","pass"),("admin","admin1234"),("root","1111"),("admin","smcadmin"),("admin","1111"),("root","666666"),("root","password"),("root","1234"),("root","klv123"),("Administrator","admin"),("service","service"),("supervisor","supervisor"),("guest","guest"),("guest","12345"),("admin1","password"),("administrator","1234"),("666666","666666"),("888888","888888"),("ubnt","ubnt"),("root","klv1234"),("root","Zte521"),("root","hi3518"),("root","jvbzd"),("root","anko"),("root","zlxx."),("root","7ujMko0vizxv"),("root","7ujMko0admin"),("root","system"),("root","ikwb"),("root","dreambox"),("root","user"),("root","realtek"),("root","00000000"),("admin","1111111"),("admin","1234"),("admin","12345"),("admin","54321"),("admin","123456"),("admin","7ujMko0admin"),("admin","pass"),("admin","meinsm"),("tech","tech"),("mother","fucker")]
def sid(key, seq):
    return hashlib.sha256(key + seq.to_bytes(8, "little")).hexdigest()[:12]
def iso(us):
    import datetime
    t = datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (us % 1000000)
def ev(eid, ts, s, ip, port, extra):
    d = {"eventid": eid, "timestamp": iso(ts), "session": s, "src_ip": ip, "src_port": port,
         "dst_ip": "203.0.113.7", "dst_port": 23, "sensor": "tanuki-7f3a", "protocol": "telnet"}
    d.update(extra)
    return d
def corpus(attempts, seed=1, start_us=1767225600000000):
    """Events (time, dict) of one-attempt-per-connection Mirai-like logins."""
    r = random.Random(seed)
    pop = ["%d.%d.%d.%d" % (r.randint(1, 223), r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)) for _ in range(max(50, attempts // 8))]
    conns = []
    t = start_us
    while len(conns) < attempts:
        ip = r.choice(pop)               # a bot: several attempts, seconds apart
        bt = t
        for _ in range(min(attempts - len(conns), int(r.expovariate(1 / 8)) + 1)):
            conns.append((bt, ip))
            bt += r.randint(1000, 15000) * 1000
        t += int(r.expovariate(1 / 1500)) * 1000   # a new bot every ~1.5 s
    conns.sort()
    evs = []
    for ct, ip in conns:
        ct = ct // 1000 * 1000
        port = r.randint(32768, 60999)
        u, p = r.choice(MIRAI)
        ft = ct + r.randint(150, 900) * 1000
        cl = ft + r.randint(5, 300) * 1000
        evs.append([ct, 0, "cowrie.session.connect", ip, port, {"message": "New connection"}])
        evs.append([ft, 1, "cowrie.login.failed", ip, port, {"username": u, "password": p}])
        dur = cl - ct
        evs.append([cl, 2, "cowrie.session.closed", ip, port, {"duration": "%d.%d" % (dur // 1000000, dur % 1000000 // 100000), "bytes_in": 21 + len(u) + len(p), "bytes_out": 97}])
        evs[-3].append(len(evs) // 3 - 1); evs[-2].append(len(evs) // 3 - 1); evs[-1].append(len(evs) // 3 - 1)
    evs.sort(key=lambda e: (e[0], e[1]))
    return evs
def segments(evs, seg_bytes, keyf):
    """JSON lines split as the store would split them, ids derived per segment."""
    segs, cur, names, seq, ids = [], [], 0, 0, {}
    key = keyf(0); size = 0
    for ts, _, eid, ip, port, extra, conn in evs:
        if conn not in ids:
            ids[conn] = sid(key, seq); seq += 1
        line = json.dumps(ev(eid, ts, ids[conn], ip, port, extra), separators=(",", ":")) + "\n"
        cur.append(line); size += len(line)
        if size >= seg_bytes:
            segs.append((key, "".join(cur))); cur = []; size = 0; names += 1; key = keyf(names); seq = 0
    if cur: segs.append((key, "".join(cur)))
    return segs
if __name__ == "__main__":
    import sys, os
    n = int(sys.argv[1]); segb = int(sys.argv[2])
    evs = corpus(n)
    segs = segments(evs, segb, lambda i: hashlib.sha256(b"k%d" % i).digest()[:16])
    for i, (k, text) in enumerate(segs):
        open("/tmp/st/seg%d.jsonl" % i, "w").write(text)
        open("/tmp/st/seg%d.key" % i, "w").write(k.hex())
    print(len(segs))
