#!/usr/bin/env python3
"""Fits the answer-or-abstain model (AskDocsCore's AbstentionModel) on the rows that
`askdocs eval abstention` prints, and reports leave-one-set-out cross-validation: for each set, how many
of its unanswerable questions the model fitted without it abstains on, and how many answerable ones it
wrongly abstains on, beside the word rules it replaces. Logistic regression; answerable and unanswerable
questions weigh the same in all, each set the same within each; a small L2 penalty (not on the bias).

usage: fit_abstention.py ROWS.jsonl... [--l2 0.01]
Rows: `askdocs eval abstention --qa SET --corpus DIR --name NAME`, run with ASKDOCS_ABSTENTION set to never
abstain ("-100,0,0,0,0,0,0,0") so that every row has the answer the evidence was weighed for. The weights it
prints are tried with ASKDOCS_ABSTENTION=...; the model is not the default (see Tests/QA/README.md).
"""
import argparse, collections, json
import numpy as np

L2 = 0.01
NAMES = ["bias", "coverageMargin", "topSimilarity", "bestSimilarity", "absentName", "unknownWord",
         "unsupportedCorrection", "concepts"]


def load(paths):
    rows = []
    for path in paths:
        for line in open(path):
            r = json.loads(line)
            rows.append((r["set"], r["qid"], np.array(r["f"], dtype=np.float64), float(r["label"])))
    return rows


def fit(rows, l2=L2, iterations=3000, lr=0.05):
    X = np.array([r[2] for r in rows])
    y = np.array([r[3] for r in rows])
    sets = [r[0] for r in rows]
    count = collections.Counter((s, l) for s, l in zip(sets, y))
    classes = collections.Counter(y)
    nsets = {l: len({s for s, ll in zip(sets, y) if ll == l}) for l in classes}
    sample = np.array([0.5 / (nsets[l] * count[(s, l)]) for s, l in zip(sets, y)])
    w = np.zeros(X.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    penalty = np.ones_like(w)
    penalty[0] = 0
    for t in range(1, iterations + 1):
        p = 1 / (1 + np.exp(-(X @ w)))
        grad = X.T @ (sample * (p - y)) + 2 * l2 * penalty * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def rules(x):
    return (x[NAMES.index("absentName")] > 0 or x[NAMES.index("unknownWord")] > 0 or x[NAMES.index("coverageMargin")] < 0
            or x[NAMES.index("unsupportedCorrection")] > 0)


def report(rows, decide):
    un = [decide(r[2]) for r in rows if r[3] == 1]
    an = [decide(r[2]) for r in rows if r[3] == 0]
    return sum(un), len(un), sum(an), len(an)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", nargs="+")
    ap.add_argument("--l2", type=float, default=L2)
    a = ap.parse_args()
    rows = load(a.rows)
    sets = list(dict.fromkeys(r[0] for r in rows))
    print(f"{'held-out set':<20} {'unanswerable abstained: rules':>30} {'model':>6}   {'answerable abstained: rules':>28} {'model':>6}")
    total = collections.Counter()
    for held in sets:
        w = fit([r for r in rows if r[0] != held], a.l2)
        test = [r for r in rows if r[0] == held]
        u0, nu, f0, na = report(test, rules)
        u1, _, f1, _ = report(test, lambda x: x @ w > 0)
        total.update({"u0": u0, "u1": u1, "nu": nu, "f0": f0, "f1": f1, "na": na})
        print(f"{held:<20} {f'{u0}/{nu}':>30} {f'{u1}/{nu}':>6}   {f'{f0}/{na}':>28} {f'{f1}/{na}':>6}")
        print(f"    ASKDOCS_ABSTENTION={','.join(f'{x:.4f}' for x in w)}  (fitted without it)")
    t = total
    print(f"{'pooled':<20} {t['u0']}/{t['nu']} = {t['u0']/t['nu']:.3f} -> {t['u1']}/{t['nu']} = {t['u1']/t['nu']:.3f}"
          f"   false: {t['f0']}/{t['na']} = {t['f0']/t['na']:.3f} -> {t['f1']}/{t['na']} = {t['f1']/t['na']:.3f}")
    w = fit(rows, a.l2)
    print("weights fitted on all sets: " + ", ".join(f"{n} {x:+.3f}" for n, x in zip(NAMES, w)))
    print("ASKDOCS_ABSTENTION=" + ",".join(f"{x:.4f}" for x in w))


if __name__ == "__main__":
    main()
