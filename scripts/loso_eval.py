#!/usr/bin/env python3
"""Leave-one-set-out, end to end: for each development set, fit the fusion weights on the other sets'
rows (scripts/fit_fusion.py), run `askdocs eval` on the held-out set with those weights (ASKDOCS_FUSION),
and print its figures beside words alone (--no-vectors) and the shipped weights. The figure that counts
for a set is the one from the model fitted without it.

    python3 scripts/loso_eval.py [--askdocs .build/release/askdocs] [--work /tmp/askdocs-loso] [SET...]

Rows and indexes are kept in --work, so a second run re-embeds nothing. Sets: the QA sets of Tests/QA over
the Debian folders named in SETS, and Cranfield and CISI from ../shared/benchmarks.
"""
import argparse, os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit_fusion

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
SETS = {
    "python-stdlib-dev": "/usr/share/doc/python3.11/html/library",
    "postgresql-dev": "/usr/share/doc/postgresql-doc-15/html",
    "sqlite-dev": "/usr/share/doc/sqlite3",
    "python-howto-dev": "/usr/share/doc/python3.11/html/howto",
    "git-dev": "/usr/share/doc/git-doc",
    "celery-dev": "/usr/share/doc/python-celery-doc/html",
    "cranfield": None,
    "cisi": None,
}


def run(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return r.stdout


def rows_file(a, name):
    path = os.path.join(a.work, name + ".jsonl")
    if not os.path.exists(path):
        index = os.path.join(a.work, name + ".sqlite")
        if SETS[name] is None:
            out = run([a.askdocs, "eval", "features", "--retrieval", os.path.join(SHARED, "benchmarks", name),
                       "--index", index, "--name", name])
        else:
            out = run([a.askdocs, "eval", "features", "--qa", os.path.join(REPO, "Tests/QA", name + ".jsonl"),
                       "--corpus", SETS[name], "--index", index, "--name", name])
        open(path, "w").write(out)
    return path


def evaluate(a, name, extra, env=None):
    index = os.path.join(a.work, name + ".sqlite")
    if SETS[name] is None:
        out = run([a.askdocs, "eval", "retrieval", os.path.join(SHARED, "benchmarks", name), "--index", index] + extra, env)
        return {"nDCG@10": float(re.search(r"nDCG@10\s+([\d.]+)", out).group(1))}
    out = run([a.askdocs, "eval", "qa", os.path.join(REPO, "Tests/QA", name + ".jsonl"), "--corpus", SETS[name],
               "--index", index] + extra, env)
    grab = lambda pattern: float(re.search(pattern, out).group(1))
    return {"answer": grab(r"answer accuracy ([\d.]+)"), "chunk first": grab(r"answer chunk first ([\d.]+)"),
            "page first": grab(r"hit@1 ([\d.]+)"), "false abst.": grab(r"false abstentions ([\d.]+)"),
            "abstained": grab(r"abstention accuracy ([\d.]+)")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="*", default=list(SETS))
    ap.add_argument("--askdocs", default=os.path.join(REPO, ".build/release/askdocs"))
    ap.add_argument("--work", default="/tmp/askdocs-loso")
    ap.add_argument("--l2", type=float, default=fit_fusion.L2)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    groups = fit_fusion.load([rows_file(a, name) for name in SETS])
    for name in a.sets:
        w = fit_fusion.fit([g for g in groups if g[0] != name], a.l2)
        env = {"ASKDOCS_FUSION": ",".join(f"{x:.6f}" for x in w)}
        words = evaluate(a, name, ["--no-vectors"])
        shipped = evaluate(a, name, [])
        held = evaluate(a, name, [], env)
        for key in words:
            print(f"{name:<18} {key:<12} words {words[key]:.3f}   fitted without it {held[key]:.3f}   shipped {shipped[key]:.3f}",
                  flush=True)


if __name__ == "__main__":
    main()
