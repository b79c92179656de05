#!/usr/bin/env python3
"""What the answers to a probe set's answerable questions say (Tests/QA/probes/*.jsonl with `file` and
`must_contain`, as the asker's-code sets have): how many answers hold one of the documented answer's
phrases, and how many cite the file that holds it, for one or more askdocs binaries side by side.
abstention_probe.py scores the decisions; this scores what was answered.

    python3 scripts/probe_answers.py Tests/QA/probes/askers-code.jsonl OLD_BINARY NEW_BINARY [--index-dir DIR]

Indexes are found or built as abstention_probe.py names them, so the two scripts share them.
"""
import argparse, json, os, tempfile

from probe_folders import ask_batch, by_folder, index_path

ap = argparse.ArgumentParser()
ap.add_argument("probe")
ap.add_argument("binaries", nargs="+")
ap.add_argument("--index-dir", default=os.path.join(tempfile.gettempdir(), "askdocs-probe-indexes"))
args = ap.parse_args()
os.makedirs(args.index_dir, exist_ok=True)
items = [json.loads(line) for line in open(args.probe) if line.strip()]
answerable = [i for i in items if i["answerable"] and i.get("file") and i.get("must_contain")]
for binary in args.binaries:
    phrase = cites = 0
    for folder, asked in by_folder(answerable):
        answers = ask_batch(binary, index_path(args.index_dir, folder), folder, [i["question"] for i in asked])
        for item, answer in zip(asked, answers):
            if answer["abstained"]:
                continue
            text = (answer.get("answer") or "").lower()
            cited = " ".join((c.get("source") or "") + " " + (c.get("url") or "") for c in answer.get("citations", []))
            phrase += any(m.lower() in text for m in item["must_contain"])
            cites += item["file"].split("/")[-1] in cited
    print(f"{binary}: answer holds a phrase of the documented answer {phrase} of {len(answerable)}, "
          f"cites its file {cites} of {len(answerable)}")
