#!/usr/bin/env python3
"""Counts answer-or-abstain decisions on a probe set (Tests/QA/probes/*.jsonl: question, folder, answerable)
for one or more askdocs binaries side by side, and lists the items on which they differ.

    python3 scripts/abstention_probe.py Tests/QA/probes/hyphenated-words.jsonl .build/release/askdocs OTHER_BINARY
        [--index-dir DIR] [--max-wrongly-abstained N] [--min-unanswerable-abstained N]

Each folder gets its own index, DIR/<folder with / as _>.sqlite (built on first use, vectors included), so a
second run, or a second binary, reuses it. With the two limits (CI), it exits 1 when a binary abstains on more
answerable questions, or on fewer unanswerable ones, than allowed.
"""
import argparse, json, os, tempfile

from probe_folders import ask_batch, by_folder, index_path

ap = argparse.ArgumentParser()
ap.add_argument("probe")
ap.add_argument("binaries", nargs="+")
ap.add_argument("--index-dir", default=os.path.join(tempfile.gettempdir(), "askdocs-probe-indexes"))
ap.add_argument("--max-wrongly-abstained", type=int)
ap.add_argument("--min-unanswerable-abstained", type=int)
args = ap.parse_args()
failed = []
os.makedirs(args.index_dir, exist_ok=True)
items = [json.loads(line) for line in open(args.probe) if line.strip()]
results = {}
for binary in args.binaries:
    decided = {}
    for folder, asked in by_folder(items):
        answers = ask_batch(binary, index_path(args.index_dir, folder), folder, [i["question"] for i in asked])
        for item, answer in zip(asked, answers):
            decided[item["id"]] = answer["abstained"]
    results[binary] = decided
    answerable = [i for i in items if i["answerable"]]
    unanswerable = [i for i in items if not i["answerable"]]
    wrong = sum(decided[i['id']] for i in answerable)
    caught = sum(decided[i['id']] for i in unanswerable)
    print(f"{binary}: answerable wrongly abstained {wrong} of {len(answerable)}, "
          f"unanswerable abstained {caught} of {len(unanswerable)}")
    if args.max_wrongly_abstained is not None and wrong > args.max_wrongly_abstained:
        failed.append(f"{binary}: {wrong} answerable questions abstained, more than {args.max_wrongly_abstained}")
    if args.min_unanswerable_abstained is not None and caught < args.min_unanswerable_abstained:
        failed.append(f"{binary}: {caught} unanswerable questions abstained, fewer than {args.min_unanswerable_abstained}")
for item in items:
    seen = [results[b][item["id"]] for b in args.binaries]
    if len(set(seen)) > 1:
        kind = "answerable" if item["answerable"] else "unanswerable"
        print(f"  differs: {item['id']} ({kind}) {['abstains' if s else 'answers' for s in seen]}: {item['question'][:90]}")
if failed:
    print("\n".join(failed))
    raise SystemExit(1)
