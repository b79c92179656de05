#!/usr/bin/env python3
"""Scores `askdocs ask --batch --json` (or any program speaking the same contract) on a QA set in the
format of ../shared/qa/seed-dev.jsonl: answer accuracy (not abstained, concise, every must_contain phrase,
right citation), abstention on unanswerable items, false abstentions.

    python3 scripts/qa_check.py QA.jsonl -- .build/release/askdocs ask --index Index/askdocs.sqlite

With --require-all, exits 1 unless every item is right (as .ci/run does for the seed set). With
--page-first, also runs the program's `search` (the command with `ask` replaced) and reports how often the
top result is the right page.
"""
import json, subprocess, sys, tempfile, os

CONCISE = 500

def main():
    args = sys.argv[1:]
    sep = args.index("--")
    qa_path, cmd = args[0], args[sep + 1:]
    verbose = "-v" in args[:sep]
    require_all = "--require-all" in args[:sep]
    items = [json.loads(l) for l in open(qa_path) if l.strip()]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for it in items:
            f.write(it["question"].replace("\n", " ") + "\n")
        batch = f.name
    out = subprocess.run(cmd + ["--json", "--batch", batch], capture_output=True, text=True, check=True).stdout
    os.unlink(batch)
    answers = [json.loads(l) for l in out.splitlines() if l.strip()]
    assert len(answers) == len(items), (len(answers), len(items))
    # Right page first: the same program's `search` (the command with `ask` replaced), top result's source.
    top_sources = None
    if "--page-first" in args[:sep] and "ask" in cmd:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            for it in items:
                f.write(it["question"].replace("\n", " ") + "\n")
            batch = f.name
        search = [("search" if c == "ask" else c) for c in cmd] + ["--json", "--limit", "1", "--batch", batch]
        lines = subprocess.run(search, capture_output=True, text=True, check=True).stdout.splitlines()
        os.unlink(batch)
        top_sources = [(json.loads(l).get("results") or [{}])[0].get("source") for l in lines if l.strip()]
    ok = cites = ans_n = unans_n = abst_ok = false_abst = 0
    for it, a in zip(items, answers):
        text = a.get("answer", "")
        sections = [c.get("section", "") for c in a.get("citations", [])]
        if it["kind"] == "unanswerable":
            unans_n += 1
            good = a.get("abstained") and not a.get("citations")
            abst_ok += bool(good)
            problem = "" if good else "answered an unanswerable question"
        else:
            ans_n += 1
            missing = [m for m in it["must_contain"] if m.lower() not in text.lower()]
            cite_ok = any(it["section"] and s.endswith(it["section"]) for s in sections)
            concise = len(text) <= CONCISE
            good = not a.get("abstained") and not missing and concise and cite_ok
            ok += good
            cites += cite_ok
            false_abst += bool(a.get("abstained"))
            problem = "; ".join(p for p in [
                "abstained" if a.get("abstained") else "",
                f"missing {missing}" if missing else "",
                "" if concise else f"too long ({len(text)})",
                "" if cite_ok else f"cited {sections}"] if p)
        if verbose or problem:
            print(f"{'OK ' if not problem else 'BAD'} {it['id']}: {it['question']}\n    -> {text[:300]}\n    {problem}")
    if top_sources is not None:
        firsts = [src in it["sources"] for it, src in zip(items, top_sources) if it["kind"] != "unanswerable"]
        print(f"right page first {sum(firsts)}/{len(firsts)} = {sum(firsts) / max(len(firsts), 1):.3f}")
    print(f"answer accuracy {ok}/{ans_n} = {ok / max(ans_n, 1):.3f}; citation accuracy {cites / max(ans_n, 1):.3f}; "
          f"abstention {abst_ok}/{unans_n}; false abstentions {false_abst}/{ans_n}")
    if require_all and (ok < ans_n or abst_ok < unans_n):
        sys.exit(1)

main()
