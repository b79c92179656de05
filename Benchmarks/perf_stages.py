#!/usr/bin/env python3
"""Where a question's time goes: the inclusive ("children") share of a `perf record` profile per pipeline
stage (BENCHMARKS.md, section 8). Each stage is the function that does it; its share includes what it calls
(SQLite for the SQL stages). Swift symbols are demangled with `swift demangle`.

    perf record -F 999 --call-graph dwarf,16384 -o perf.data \
        .build/release/askdocs ask --no-update --index INDEX --batch QUESTIONS > /dev/null
    python3 Benchmarks/perf_stages.py perf.data
"""
import re, subprocess, sys
data = sys.argv[1]
report = subprocess.run(["perf", "report", "-i", data, "--children", "--stdio", "--sort", "sym", "-g", "none",
                         "--percent-limit", "0.3"], capture_output=True, text=True).stdout
demangled = subprocess.run(["swift", "demangle", "--simplified"], input=report, capture_output=True, text=True).stdout
rows = []
for line in demangled.splitlines():
    m = re.match(r"\s+([\d.]+)%\s+([\d.]+)%\s+\[\.\]\s+(.*)", line)
    if m:
        rows.append((float(m.group(1)), float(m.group(2)), m.group(3)))
stages = [
    ("whole question (Engine.ask)", r"Engine\.ask\("),
    ("follow-up resolution", r"Engine\.standalone"),
    ("query analysis", r"QueryAnalyzer\.analyze"),
    ("term statistics (fts5vocab)", r"SearchIndex\.statistics"),
    ("words stemmed otherwise", r"countWordsStemmedOtherwise"),
    ("dictionary (hunspell)", r"englishWords"),
    ("typo correction", r"typoCorrections"),
    ("candidates (FTS5 MATCH)", r"SearchIndex\.candidates\(matching"),
    ("dense candidates by id", r"SearchIndex\.candidates\(ids"),
    ("query embedding", r"SentenceEncoder\.embed|BertModel\."),
    ("nearest neighbours scan", r"ChunkVectors\.nearest"),
    ("vectors read into memory", r"readyVectors"),
    ("rerank (PassageRanker.rank)", r"PassageRanker\.rank"),
    ("relevance feedback", r"RelevanceFeedback\.(rerank|expansionPool|select)"),
    ("sibling headings", r"Engine\.alternatives"),
    ("hybrid fusion", r"HybridRanker\.fuse"),
    ("next chunk in section", r"nextChunk"),
    ("absent identifiers", r"Engine\.absentIdentifiers"),
    ("answer composition", r"AnswerComposer\.compose"),
    ("sentence splitting", r"SentenceSplitter\."),
    ("JSON output", r"JSONOutput\.encode"),
    ("sqlite3_step (all SQL)", r"^sqlite3_step$"),
    ("malloc/free", r"^(malloc|free|_int_malloc|_int_free|cfree)$"),
    ("swift retain/release", r"^swift_(retain|release|bridgeObjectRetain|bridgeObjectRelease)$"),
    ("sgemm (OpenBLAS)", r"sgemm"),
]
for name, pattern in stages:
    matched = [r for r in rows if re.search(pattern, r[2])]
    if matched:
        best = max(matched, key=lambda r: r[0])
        print(f"{name:32s} {best[0]:6.1f}%  ({best[2][:90]})")
    else:
        print(f"{name:32s}    —")
