#!/usr/bin/env python3
"""List answerable QA items that fail the extractive oracle, with the reason."""
import json, os
from rank import is_right, has_all, min_window, HERE
for name in ["seed", "py", "pg", "sqlite", "howto"]:
    for line in open(os.path.join(HERE, "dumps", name + ".jsonl")):
        x = json.loads(line); it, res = x["item"], x["results"]
        if it.get("kind") == "unanswerable": continue
        right = [r for r in res if is_right(it, r)]
        w = [min_window(it, r.get("text")) for r in right]
        if any(v is not None and v <= 500 for v in w): continue
        if not right:
            why = "no right section among the 100 candidates"
        elif all(v is None for v in w):
            # which phrases are missing from the best right passage
            miss = min(([p for p in it["must_contain"] if p.lower() not in (r.get("text") or "").lower()] for r in right), key=len)
            why = f"{len(right)} right passage(s), none has all phrases (missing e.g. {miss})"
        else:
            why = f"phrases all present but >500 chars apart (min span {min(v for v in w if v is not None)})"
        print(f"- {it['id']} [{it['kind']}] section='{it['section']}' must_contain={it['must_contain']}: {why}")
