#!/usr/bin/env python3
"""Paired comparisons vs AskDocs' own order: per-query nDCG@10 (two-sided paired randomisation
test, 20k sign flips) and per-item fullchunk@1 wins/losses (QA, pooled)."""
import json, random, subprocess, sys, os
SHARED = os.environ.get("ASKDOCS_SHARED", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared"))
HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = SHARED + "/benchmarks/evaluate.py"
Q = {"cranfield": SHARED + "/benchmarks/cranfield/qrels.tsv", "cisi": SHARED + "/benchmarks/cisi/qrels.tsv"}
R = json.load(open(os.path.join(HERE, "results.json")))

def perq(qrels, run):
    j = json.loads(subprocess.run([sys.executable, EVAL, qrels, os.path.join(HERE, run), "--per-query", "--json"],
                                  capture_output=True, text=True, check=True).stdout)
    return {q: v["nDCG@10"] for q, v in j["per_query"].items()}

rng = random.Random(0)
for name, qrels in Q.items():
    base = perq(qrels, R["ir"][name]["askdocs"]["run"])
    for o, a in R["ir"][name].items():
        if o == "askdocs": continue
        other = perq(qrels, a["run"])
        d = [other[q] - base[q] for q in base]
        obs = abs(sum(d))
        hits = sum(abs(sum(x if rng.random() < .5 else -x for x in d)) >= obs - 1e-12 for _ in range(20000))
        w = sum(x > 1e-12 for x in d); l = sum(x < -1e-12 for x in d)
        print(f"{name:9s} {o:22s} delta nDCG@10 {sum(d)/len(d):+.4f}  better/worse queries {w}/{l}  p={hits/20000:.3f}")

items = {}
for s, v in R["qa"].items():
    for iid, per in v["per_item"].items():
        items[iid] = per
names = next(iter(items.values())).keys()
for o in names:
    if o == "askdocs": continue
    w = sum(p[o][1] > p["askdocs"][1] for p in items.values())
    l = sum(p[o][1] < p["askdocs"][1] for p in items.values())
    print(f"QA pooled fullchunk@1 {o:30s} wins/losses vs askdocs {w}/{l}")
