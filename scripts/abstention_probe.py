#!/usr/bin/env python3
"""Counts answer-or-abstain decisions on a probe set (Tests/QA/probes/*.jsonl: question, folder, answerable)
for one or more askdocs binaries side by side, and lists the items on which they differ.

    python3 scripts/abstention_probe.py Tests/QA/probes/hyphenated-words.jsonl .build/release/askdocs OTHER_BINARY
        [--index-dir DIR]

Each folder gets its own index, DIR/<folder with / as _>.sqlite (built on first use, vectors included), so a
second run, or a second binary, reuses it.
"""
import argparse, json, os, subprocess, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("probe")
ap.add_argument("binaries", nargs="+")
ap.add_argument("--index-dir", default=os.path.join(tempfile.gettempdir(), "askdocs-probe-indexes"))
args = ap.parse_args()
os.makedirs(args.index_dir, exist_ok=True)
items = [json.loads(line) for line in open(args.probe) if line.strip()]
results = {}
for binary in args.binaries:
    decided = {}
    for folder in sorted({i["folder"].rstrip("/") for i in items}):
        asked = [i for i in items if i["folder"].rstrip("/") == folder]
        index = os.path.join(args.index_dir, folder.strip("/").replace("/", "_") + ".sqlite")
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(i["question"].replace("\n", " ") for i in asked) + "\n")
        run = subprocess.run([binary, "ask", "--index", index, "--corpus", folder, "--batch", f.name, "--json"],
                             capture_output=True, text=True, check=True)
        os.unlink(f.name)
        for item, line in zip(asked, run.stdout.splitlines()):
            decided[item["id"]] = json.loads(line)["abstained"]
    results[binary] = decided
    answerable = [i for i in items if i["answerable"]]
    unanswerable = [i for i in items if not i["answerable"]]
    print(f"{binary}: answerable wrongly abstained {sum(decided[i['id']] for i in answerable)} of {len(answerable)}, "
          f"unanswerable abstained {sum(decided[i['id']] for i in unanswerable)} of {len(unanswerable)}")
for item in items:
    seen = [results[b][item["id"]] for b in args.binaries]
    if len(set(seen)) > 1:
        kind = "answerable" if item["answerable"] else "unanswerable"
        print(f"  differs: {item['id']} ({kind}) {['abstains' if s else 'answers' for s in seen]}: {item['question'][:90]}")
