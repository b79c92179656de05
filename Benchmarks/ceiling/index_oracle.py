#!/usr/bin/env python3
"""Index-wide extractive oracle (a chunk's section label = its heading path, or the page title when
it has none, as in the dumps): does ANY indexed chunk of the right document+section hold all
must_contain phrases within 500 chars? (Separates candidate-generation misses from chunking/label
misses.)  Uses the idx-<set>.sqlite indexes dump.py left here (read-only)."""
import json, os, sqlite3
from rank import min_window, HERE
tot = {}
for name in ["seed", "py", "pg", "sqlite", "howto"]:
    db = sqlite3.connect(f"file:{os.path.join(HERE, 'idx-' + name + '.sqlite')}?mode=ro", uri=True)
    rows = db.execute("select d.path, coalesce(nullif(c.headings, ''), c.title), c.body from chunks c join documents d on d.id=c.document_id").fetchall()
    n = ok = anywhere = 0
    misses = []
    for line in open(os.path.join(HERE, "dumps", name + ".jsonl")):
        it = json.loads(line)["item"]
        if it.get("kind") == "unanswerable":
            continue
        n += 1
        right = [b for p, h, b in rows if h.endswith(it["section"]) and any(p == s or p.endswith("/" + s) for s in it["sources"])]
        w = [min_window(it, b) for b in right]
        good = any(v is not None and v <= 500 for v in w)
        ok += good
        anywhere += any(v is not None for v in w)
        if not good:
            misses.append(f"{it['id']} (right chunks in index: {len(right)})")
    print(f"{name}: index-wide window500 oracle {ok}/{n}; all phrases in one right chunk {anywhere}/{n}; misses: {', '.join(misses) or '-'}")
