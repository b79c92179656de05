#!/usr/bin/env python3
"""Indexes a documentation folder as installed and checks that no search result cites what a generator wrote
besides the pages: Sphinx's _sources/_static/_images/_modules, generated index and search pages, or a text
source beside its built page. Prints the skip counts per reason. Words alone (--no-vectors): this checks
what is scanned, not how it ranks, and embedding a 27,000-chunk folder would take minutes.

    python3 scripts/cited_files_check.py FOLDER QUESTIONS [--askdocs .build/release/askdocs]

QUESTIONS is a file with one question per line, or a QA set (.jsonl) whose questions are used.
"""
import argparse, json, os, re, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("folder")
ap.add_argument("questions")
ap.add_argument("--askdocs", default=".build/release/askdocs")
a = ap.parse_args()

if a.questions.endswith(".jsonl"):
    questions = [json.loads(l)["question"] for l in open(a.questions) if l.strip()]
else:
    questions = [l.rstrip("\n") for l in open(a.questions) if l.strip()]
with tempfile.TemporaryDirectory() as tmp:
    index = os.path.join(tmp, "index.sqlite")
    summary = json.loads(subprocess.run([a.askdocs, "index", "--no-vectors", "--corpus", a.folder, "--index", index, "--json"],
                                        capture_output=True, text=True, check=True).stdout)
    print(f"{a.folder}: {summary['documents']} documents, skipped by reason: {summary['skippedByReason']}")
    batch = os.path.join(tmp, "questions.txt")
    open(batch, "w").write("\n".join(q.replace("\n", " ") for q in questions) + "\n")
    out = subprocess.run([a.askdocs, "search", "--index", index, "--no-update", "--no-vectors", "--json", "--limit", "10",
                          "--batch", batch], capture_output=True, text=True, check=True).stdout
sources = [r["source"] for l in out.splitlines() if l.strip() for r in json.loads(l)["results"]]
generated = re.compile(r"(^|/)(_sources|_static|_images|_modules|_downloads)/|(^|/)(genindex[^/]*|search|py-modindex)\.html$")
# A text file whose same-named page was indexed is that page's source.
pages = {os.path.splitext(s)[0] for s in sources if s.endswith(".html")}
bad = sorted({s for s in sources if generated.search(s) or (s.endswith(".txt") and os.path.splitext(s)[0] in pages)})
print(f"{len(sources)} results for {len(questions)} questions; citing generated files: {len(bad)} {bad[:10]}")
sys.exit(1 if bad or not sources else 0)
