#!/usr/bin/env python3
"""Retrieval quality of `askdocs search` on a BEIR-style folder (corpus-md/, queries.jsonl, qrels.tsv),
scored by ../shared/benchmarks/evaluate.py (trec_eval-exact).

    python3 scripts/retrieval_eval.py ../shared/benchmarks/cranfield [--askdocs PATH] [--limit 1000]

Indexes corpus-md/ into a temporary index, runs every query through `search --batch --json`, keeps each
document's best chunk (a document ranks where its best passage ranks), writes a TREC run, scores it."""
import argparse, json, os, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("collection")
ap.add_argument("--askdocs", default=".build/release/askdocs")
ap.add_argument("--limit", type=int, default=1000)
ap.add_argument("--run", help="also keep the TREC run here")
ap.add_argument("--evaluate", default=os.path.join(os.path.dirname(__file__), "../../shared/benchmarks/evaluate.py"))
a = ap.parse_args()

col = a.collection
with tempfile.TemporaryDirectory() as tmp:
    index = os.path.join(tmp, "index.sqlite")
    subprocess.run([a.askdocs, "index", "--corpus", os.path.join(col, "corpus-md"), "--index", index],
                   check=True, stdout=subprocess.DEVNULL)
    queries = [json.loads(l) for l in open(os.path.join(col, "queries.jsonl"))]
    batch = os.path.join(tmp, "q.txt")
    with open(batch, "w") as f:
        for q in queries:
            f.write(" ".join(q["text"].split()) + "\n")
    out = subprocess.run([a.askdocs, "search", "--index", index, "--no-update", "--json", "--limit", str(a.limit),
                          "--batch", batch], check=True, capture_output=True, text=True).stdout.splitlines()
    assert len(out) == len(queries)
    run = a.run or os.path.join(tmp, "run.trec")
    with open(run, "w") as f:
        for q, line in zip(queries, out):
            seen, rank = set(), 0
            for r in json.loads(line)["results"]:
                doc = os.path.splitext(os.path.basename(r["source"]))[0]
                if doc in seen:
                    continue
                seen.add(doc)
                rank += 1
                # Scores strictly decreasing in rank order, so trec_eval's tie rule never reorders.
                f.write(f"{q['_id']} Q0 {doc} {rank} {1000 - rank * 1e-3:.6f} askdocs\n")
    res = subprocess.run([sys.executable, a.evaluate, os.path.join(col, "qrels.tsv"), run],
                         check=True, capture_output=True, text=True)
    print(os.path.basename(os.path.normpath(col)), res.stdout.strip())
