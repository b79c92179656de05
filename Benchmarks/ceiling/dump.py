#!/usr/bin/env python3
"""Writes dumps/<set>.jsonl: AskDocs' top-100 passages (`askdocs search --json --limit 100`) for every
question of the QA sets and every query of Cranfield and CISI, with the index of each kept here as
idx-<set>.sqlite. What embed.py and rank.py read.

    python3 Benchmarks/ceiling/dump.py [ASKDOCS_BINARY]     (default .build/release/askdocs)

The QA corpora come from Debian (python3.11-doc, postgresql-doc-15, sqlite3-doc) as in .ci/run."""
import json, os, subprocess, sys
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SHARED = os.environ.get("ASKDOCS_SHARED", os.path.join(ROOT, "..", "shared"))
B = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "askdocs")
QA = {"seed": (SHARED + "/qa/seed-dev.jsonl", ROOT + "/Corpus"),
      "py": (ROOT + "/Tests/QA/python-stdlib-dev.jsonl", "/usr/share/doc/python3.11/html/library"),
      "pg": (ROOT + "/Tests/QA/postgresql-dev.jsonl", "/usr/share/doc/postgresql-doc-15/html"),
      "sqlite": (ROOT + "/Tests/QA/sqlite-dev.jsonl", "/usr/share/doc/sqlite3"),
      "howto": (ROOT + "/Tests/QA/python-howto-dev.jsonl", "/usr/share/doc/python3.11/html/howto")}
IR = {"cranfield": SHARED + "/benchmarks/cranfield/corpus-md", "cisi": SHARED + "/benchmarks/cisi/corpus-md"}


def search(name, corpus, questions):
    index = os.path.join(HERE, f"idx-{name}.sqlite")
    subprocess.run([B, "index", "--corpus", corpus, "--index", index], check=True, capture_output=True)
    out = subprocess.run([B, "search", "--index", index, "--no-update", "--json", "--limit", "100", "--batch", "-"],
                         input="\n".join(q.replace("\n", " ") for q in questions) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(out) == len(questions), (name, len(out), len(questions))
    return [json.loads(line)["results"] for line in out]


os.makedirs(os.path.join(HERE, "dumps"), exist_ok=True)
for name, (path, corpus) in QA.items():
    items = [json.loads(l) for l in open(path) if l.strip()]
    with open(os.path.join(HERE, "dumps", name + ".jsonl"), "w") as f:
        for item, results in zip(items, search(name, corpus, [i["question"] for i in items])):
            f.write(json.dumps({"item": item, "results": results}) + "\n")
for name, corpus in IR.items():
    queries = [json.loads(l) for l in open(os.path.join(os.path.dirname(corpus), "queries.jsonl"))]
    with open(os.path.join(HERE, "dumps", name + ".jsonl"), "w") as f:
        for q, results in zip(queries, search(name, corpus, [q["text"] for q in queries])):
            f.write(json.dumps({"query": q, "results": results}) + "\n")
print("dumps written to", os.path.join(HERE, "dumps"))
