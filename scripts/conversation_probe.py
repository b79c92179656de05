#!/usr/bin/env python3
"""Conversations over documentation nobody tuned on (Tests/QA/probes/conversations.jsonl: each item's
`history` is the earlier turns, `question` the last, `corpus` the folder): `askdocs eval qa` asks the
earlier turns in order and then the last with that conversation, as the REPL and the chat page do. Prints,
for one or more binaries side by side, how many last turns were answered right (every `must_contain`
phrase, from the right page), cited the right section, and wrongly abstained, and the items on which the
binaries differ.

    python3 scripts/conversation_probe.py Tests/QA/probes/conversations.jsonl OLD NEW [--index-dir DIR]

Indexes are found or built as abstention_probe.py names them (the folder's path, "/" → "_").
"""
import argparse, json, os, re, subprocess, tempfile

from probe_folders import by_folder, index_path

ap = argparse.ArgumentParser()
ap.add_argument("probe")
ap.add_argument("binaries", nargs="+")
ap.add_argument("--index-dir", default=os.path.join(tempfile.gettempdir(), "askdocs-probe-indexes"))
ap.add_argument("--min-right", type=int, help="exit 1 if the last binary answers fewer right")
ap.add_argument("--no-vectors", action="store_true", help="words alone, as without the model")
args = ap.parse_args()
os.makedirs(args.index_dir, exist_ok=True)
items = [json.loads(line) for line in open(args.probe) if line.strip()]
results = {}
for binary in args.binaries:
    verdicts = {}
    for folder, asked in by_folder(items, key="corpus"):
        index = index_path(args.index_dir, folder)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.write("".join(json.dumps(i) + "\n" for i in asked))
        run = subprocess.run([binary, "eval", "qa", f.name, "--corpus", folder, "--index", index, "--verbose"]
                             + (["--no-vectors"] if args.no_vectors else []),
                             capture_output=True, text=True, check=True)
        os.unlink(f.name)
        for line in run.stdout.splitlines():
            m = re.match(r"(ok|BAD) +(\S+): ", line)
            if m:
                verdicts[m.group(2)] = m.group(1)
                continue
            # The problems line under a BAD item: "abstained", or "missing [...]; cited [...] instead of ...".
            if line.startswith("    ") and not line.startswith("    ->") and verdicts:
                last = list(verdicts)[-1]
                problems = line.strip().split("; ")
                if "abstained" in problems:
                    verdicts[last] += " abstained"
                if any(p.startswith("cited ") and " instead of " in p for p in problems):
                    verdicts[last] += " wrong-section"
    results[binary] = verdicts
    right = sum(v.startswith("ok") for v in verdicts.values())
    abstained = sum("abstained" in v for v in verdicts.values())
    section = sum("wrong-section" not in v and "abstained" not in v for v in verdicts.values())
    print(f"{binary}: last turn answered right {right} of {len(items)}, in the right section {section}, "
          f"wrongly abstained {abstained}")
if len(args.binaries) > 1:
    first, last = results[args.binaries[0]], results[args.binaries[-1]]
    for item in items:
        a, b = first.get(item["id"], "?"), last.get(item["id"], "?")
        if a.split()[0] != b.split()[0]:
            print(f"  {item['id']}: {a} -> {b}   {' / '.join(item['history'] + [item['question']])}")
if args.min_right is not None:
    right = sum(v.startswith("ok") for v in results[args.binaries[-1]].values())
    raise SystemExit(0 if right >= args.min_right else f"{right} answered right, fewer than {args.min_right}")
