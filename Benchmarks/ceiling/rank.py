#!/usr/bin/env python3
"""Re-rank AskDocs' top-100 passages with the cached embeddings and score every ordering.

Usage: venv/bin/python rank.py   (needs emb/minilm.npz, optionally emb/e5.npz)
Writes runs/<collection>.<ordering>.trec for Cranfield/CISI and scores them with
../shared/benchmarks/evaluate.py; prints a JSON summary and writes results.json.
"""
import json, os, re, subprocess, sys
import numpy as np
from embed import passage_string, key, HERE
SHARED = os.environ.get("ASKDOCS_SHARED", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared"))

QA = ["seed", "py", "pg", "sqlite", "howto"]
IR = {"cranfield": SHARED + "/benchmarks/cranfield/qrels.tsv",
      "cisi": SHARED + "/benchmarks/cisi/qrels.tsv"}
EVAL = SHARED + "/benchmarks/evaluate.py"
RRF_K = 60
WEIGHTS = (0.3, 0.5, 0.7)

EMB = {}
for m in ("minilm", "e5", "e5qa20"):
    p = os.path.join(HERE, "emb", m + ".npz")
    if os.path.exists(p):
        z = np.load(p)
        EMB[m] = {k: z[k] for k in z.files}


def neural_scores(model, q, results):
    E = EMB[model]
    qv = E[key(q)]
    return np.array([float(E[key(passage_string(r))] @ qv) for r in results])


def order_by(scores):
    # highest first; ties keep AskDocs' order (stable sort on -score)
    return list(np.argsort(-np.asarray(scores), kind="stable"))


def minmax(a):
    a = np.asarray(a, dtype=float)
    lo, hi = a.min(), a.max()
    return np.zeros_like(a) if hi - lo < 1e-12 else (a - lo) / (hi - lo)


def rrf(*orders):
    n = len(orders[0])
    s = np.zeros(n)
    for o in orders:
        for rank, i in enumerate(o, 1):
            s[i] += 1.0 / (RRF_K + rank)
    return order_by(s)


def _fused(q, results, models, suffix=""):
    """Orderings of `results` for the given models (keys of EMB)."""
    n = len(results)
    base = list(range(n))
    ad = np.array([r["score"] for r in results], dtype=float)
    out = {}
    neural = {}
    for m in models:
        label = ("e5" if m.startswith("e5") else m) + suffix
        ns = neural_scores(m, q, results)
        no = order_by(ns)
        neural[label] = no
        out[label] = no
        out[f"rrf(askdocs,{label})"] = rrf(base, no)
        for w in WEIGHTS:
            out[f"lin{w}({label})"] = order_by(w * minmax(ns) + (1 - w) * minmax(ad))
    if len(neural) == 2:
        out["rrf(askdocs," + ",".join(neural) + ")"] = rrf(base, *neural.values())
    return out


def orderings(q, results, qa=False):
    out = {"askdocs": list(range(len(results)))}
    out.update(_fused(q, results, [m for m in ("minilm", "e5") if m in EMB]))
    if qa and "e5qa20" in EMB:
        # re-rank only AskDocs' top 20 (the rest keeps AskDocs' order): e5 was too slow for 100
        K = 20
        head = results[:K]
        for name, o in _fused(q, head, ["minilm", "e5qa20"], "@20").items():
            out[name] = list(o) + list(range(len(head), len(results)))
    return out


# ---------------- QA metrics ----------------
def is_right(item, r):
    if not (r.get("section") or "").endswith(item["section"]):
        return False
    src = r.get("source") or ""
    return any(src == s or src.endswith("/" + s) for s in item["sources"])


def has_all(item, text):
    t = (text or "").lower()
    return all(p.lower() in t for p in item["must_contain"])


def min_window(item, text):
    """Shortest span (chars) of text containing one occurrence of every must_contain phrase."""
    t = (text or "").lower()
    occ = []  # (start, end, phrase index)
    for j, p in enumerate(item["must_contain"]):
        p = p.lower()
        hits = [(m.start(), m.start() + len(p), j) for m in re.finditer(re.escape(p), t)]
        if not hits:
            return None
        occ += hits
    k = len(item["must_contain"])
    if k == 0:
        return 0
    occ.sort()
    best, cnt, have, lo = None, 0, {}, 0
    for hi in range(len(occ)):
        j = occ[hi][2]
        have[j] = have.get(j, 0) + 1
        if have[j] == 1:
            cnt += 1
        while cnt == k:
            span = max(e for s, e, _ in occ[lo:hi + 1]) - occ[lo][0]
            best = span if best is None else min(best, span)
            jj = occ[lo][2]
            have[jj] -= 1
            if have[jj] == 0:
                cnt -= 1
            lo += 1
    return best


def qa_eval(name):
    items = [json.loads(l) for l in open(os.path.join(HERE, "dumps", name + ".jsonl"))]
    items = [x for x in items if x["item"].get("kind") != "unanswerable"]
    N = len(items)
    agg, oracle = {}, {"section@100": 0, "fullchunk@100": 0, "window500": 0}
    per_item = {}
    for x in items:
        it, res = x["item"], x["results"]
        right = [is_right(it, r) for r in res]
        full = [right[i] and has_all(it, res[i].get("text")) for i in range(len(res))]
        oracle["section@100"] += any(right)
        oracle["fullchunk@100"] += any(full)
        w = [min_window(it, res[i].get("text")) for i in range(len(res)) if right[i]]
        oracle["window500"] += any(v is not None and v <= 500 for v in w)
        for oname, o in orderings(it["question"], res, qa=True).items():
            a = agg.setdefault(oname, {"section@1": 0, "section@5": 0, "fullchunk@1": 0, "fullchunk@5": 0})
            a["section@1"] += bool(o) and right[o[0]]
            a["section@5"] += any(right[i] for i in o[:5])
            a["fullchunk@1"] += bool(o) and full[o[0]]
            a["fullchunk@5"] += any(full[i] for i in o[:5])
            per_item.setdefault(it["id"], {})[oname] = [int(bool(o) and right[o[0]]), int(bool(o) and full[o[0]])]
    return {"n": N, "orderings": agg, "oracle": oracle, "per_item": per_item}


# ---------------- IR runs ----------------
def ir_eval(name):
    os.makedirs(os.path.join(HERE, "runs"), exist_ok=True)
    qs = [json.loads(l) for l in open(os.path.join(HERE, "dumps", name + ".jsonl"))]
    runs = {}
    for x in qs:
        qid, res = x["query"]["_id"], x["results"]
        for oname, o in orderings(x["query"]["text"], res).items():
            docs = []
            for i in o:
                d = res[i]["source"]
                d = d[:-3] if d.endswith(".md") else d
                d = d.rsplit("/", 1)[-1]
                if d not in docs:
                    docs.append(d)
            runs.setdefault(oname, []).extend(
                f"{qid} Q0 {d} {r} {len(docs) - r + 1} {re.sub(r'[^A-Za-z0-9.]+', '_', oname)}"
                for r, d in enumerate(docs, 1))
    out = {}
    for oname, lines in runs.items():
        fn = os.path.join(HERE, "runs", f"{name}.{re.sub(r'[^A-Za-z0-9.]+', '_', oname)}.trec")
        open(fn, "w").write("\n".join(lines) + "\n")
        j = json.loads(subprocess.run([sys.executable, EVAL, IR[name], fn, "--json"],
                                      capture_output=True, text=True, check=True).stdout)
        out[oname] = {"run": os.path.relpath(fn, HERE), "eval": j}
    return out


if __name__ == "__main__":
    res = {"models": list(EMB), "qa": {n: qa_eval(n) for n in QA}, "ir": {n: ir_eval(n) for n in IR}}
    json.dump(res, open(os.path.join(HERE, "results.json"), "w"), indent=1)
    print("wrote results.json", file=sys.stderr)
