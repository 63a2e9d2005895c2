"""A minimal writer of MaxMind DB files (format 2.0, as the public "MaxMind
DB File Format Specification" describes it), for the hub's GeoIP tests: a
few test networks (198.18.0.0/15, 2001:db8::/32) mapped to small maps, in
an IPv6 tree with 24-bit records; IPv4 networks live at ::a.b.c.d/96+n,
where readers look IPv4 addresses up.

    write_mmdb(path, "GeoLite2-Country",
               {"198.18.1.0/24": {"country": {"iso_code": "JP",
                                              "names": {"en": "Japan"}}}})

Values: dict (map), list (array), str (utf8_string), bool, and int
(uint32, or uint64 when larger; the key "autonomous_system_number" and
friends are uint32 as in MaxMind's databases).
"""
import ipaddress
import struct
import time

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"

# data types (the control byte's top 3 bits; 8+ are "extended")
T_POINTER, T_UTF8, T_DOUBLE, T_BYTES, T_U16, T_U32, T_MAP = 1, 2, 3, 4, 5, 6, 7
T_I32, T_U64, T_U128, T_ARRAY, T_CONTAINER, T_END, T_BOOL, T_FLOAT = 8, 9, 10, 11, 12, 13, 14, 15


def _control(typ, size):
    """The control byte(s) of a field of `typ` with `size` (bytes or
    entries), then the extended type byte, then the size's extra bytes."""
    if size < 29:
        first, extra = size, b""
    elif size < 29 + 256:
        first, extra = 29, bytes([size - 29])
    elif size < 285 + 65536:
        first, extra = 30, struct.pack(">H", size - 285)
    else:
        first, extra = 31, struct.pack(">I", size - 65821)[1:]
    if typ <= 7:
        return bytes([(typ << 5) | first]) + extra
    return bytes([first, typ - 7]) + extra


def _uint(typ, v):
    raw = v.to_bytes((v.bit_length() + 7) // 8, "big") if v else b""
    return _control(typ, len(raw)) + raw


def encode(v, typ=None):
    """One value in the data section's encoding (no pointers)."""
    if isinstance(v, bool):
        return _control(T_BOOL, 1 if v else 0)
    if isinstance(v, int):
        if typ is None:
            typ = T_U32 if v < 2 ** 32 else T_U64
        return _uint(typ, v)
    if isinstance(v, str):
        raw = v.encode("utf-8")
        return _control(T_UTF8, len(raw)) + raw
    if isinstance(v, bytes):
        return _control(T_BYTES, len(v)) + v
    if isinstance(v, dict):
        out = _control(T_MAP, len(v))
        for k, x in v.items():
            out += encode(k) + encode(x, META_TYPES.get(k))
        return out
    if isinstance(v, list):
        return _control(T_ARRAY, len(v)) + b"".join(encode(x) for x in v)
    raise TypeError(type(v))


# the metadata's integer keys have fixed types in the spec
META_TYPES = {"node_count": T_U32, "record_size": T_U16, "ip_version": T_U16,
              "binary_format_major_version": T_U16, "binary_format_minor_version": T_U16,
              "build_epoch": T_U64}


def _bits(net):
    """The network's prefix as a list of bits of its 128-bit IPv6 form."""
    n = ipaddress.ip_network(net)
    if n.version == 4:
        addr, plen = int(n.network_address), 96 + n.prefixlen
    else:
        addr, plen = int(n.network_address), n.prefixlen
    return [(addr >> (127 - i)) & 1 for i in range(plen)]


def build(db_type, networks, record_size=24, corrupt=False):
    """The file's bytes. corrupt: every data record points past the data
    section (a damaged file whose metadata still reads)."""
    assert record_size == 24
    data = b""
    offsets = {}
    leaves = []
    for net, value in networks.items():
        blob = encode(value)
        if blob not in offsets:
            offsets[blob] = len(data)
            data += blob
        leaves.append((_bits(net), offsets[blob]))
    # the tree: nodes as [left, right]; an entry is ("node", i), ("data",
    # offset) or None (no data)
    nodes = [[None, None]]
    for bits, off in leaves:
        cur = 0
        for depth, b in enumerate(bits):
            if depth == len(bits) - 1:
                assert nodes[cur][b] is None, "overlapping networks"
                nodes[cur][b] = ("data", off)
                break
            e = nodes[cur][b]
            if e is None:
                nodes.append([None, None])
                e = nodes[cur][b] = ("node", len(nodes) - 1)
            assert e[0] == "node", "overlapping networks"
            cur = e[1]
    count = len(nodes)

    def rec(e):
        if e is None:
            return count
        if e[0] == "node":
            return e[1]
        return count + 16 + (e[1] + (1 << 20) if corrupt else e[1])

    tree = b"".join(struct.pack(">I", rec(l))[1:] + struct.pack(">I", rec(r))[1:]
                    for l, r in nodes)
    meta = {"binary_format_major_version": 2, "binary_format_minor_version": 0,
            "build_epoch": int(time.time()), "database_type": db_type,
            "description": {"en": "tanuki test database (198.18.0.0/15, 2001:db8::/32)"},
            "ip_version": 6, "languages": ["en"], "node_count": count,
            "record_size": record_size}
    return tree + b"\0" * 16 + data + METADATA_MARKER + encode(meta)


def write_mmdb(path, db_type, networks, **kw):
    with open(path, "wb") as f:
        f.write(build(db_type, networks, **kw))
    return path


def country(cc, name):
    return {"country": {"iso_code": cc, "names": {"en": name}}}


def asn(number, org):
    return {"autonomous_system_number": number, "autonomous_system_organization": org}
