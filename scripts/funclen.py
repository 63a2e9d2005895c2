#!/usr/bin/env python3
"""funclen.py — list C functions in src/ longer than N lines (default 100),
from the line of the name to the closing brace; a report for reviewers
(docs/internals.md, "Habits"), not part of `make test`.

    python3 scripts/funclen.py [N] [DIR...]
"""
import re, sys, os
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 100
roots = sys.argv[2:] or ["src"]
out = []
for root in roots:
    for dp, dn, fn in os.walk(root):
        for f in fn:
            if not f.endswith(".c"): continue
            p = os.path.join(dp, f)
            lines = open(p, errors="replace").read().split("\n")
            i = 0
            while i < len(lines):
                l = lines[i]
                # function body opens with '{' in column 0
                if l.startswith("{"):
                    # find name: scan back for identifier followed by '('
                    j = i - 1; name = "?"
                    while j >= 0 and j > i - 8:
                        m = re.search(r"([A-Za-z_]\w*)\s*\(", lines[j])
                        if m and not lines[j].startswith((" ", "\t")):
                            name = m.group(1); break
                        j -= 1
                    start = j if j >= 0 else i
                    k = i + 1
                    while k < len(lines) and not lines[k].startswith("}"):
                        k += 1
                    n = k - start + 1
                    if n > limit and name != "?" :
                        out.append((n, p, start + 1, name))
                    i = k
                i += 1
for n, p, s, name in sorted(out, reverse=True):
    print(f"{n:5d} {p}:{s} {name}")
