#!/usr/bin/env python3
"""Render results.json as Markdown tables (tables.md)."""
import json, os
HERE = os.path.dirname(os.path.abspath(__file__))
R = json.load(open(os.path.join(HERE, "results.json")))
M = ["section@1", "section@5", "fullchunk@1", "fullchunk@5"]
out = []

out.append("### QA sets (answerable items only)\n")
pool = {}
for name, v in R["qa"].items():
    n = v["n"]
    o = v["oracle"]
    out.append(f"#### {name} (n = {n})\n")
    out.append(f"Oracle over the 100 candidates: a right section present {o['section@100']}/{n}; "
               f"a right passage with all must_contain phrases {o['fullchunk@100']}/{n}; "
               f"**extractive oracle (all phrases within 500 chars of one right passage) {o['window500']}/{n} "
               f"= {o['window500']/n:.3f}**\n")
    out.append("| ordering | " + " | ".join(M) + " |")
    out.append("|---|" + "---:|" * len(M))
    for oname, a in v["orderings"].items():
        out.append(f"| {oname} | " + " | ".join(f"{a[m]}/{n} ({a[m]/n:.3f})" for m in M) + " |")
        p = pool.setdefault(oname, {m: 0 for m in M})
        for m in M:
            p[m] += a[m]
    for k in o:
        pool.setdefault("_oracle", {}).setdefault(k, 0)
        pool["_oracle"][k] += o[k]
    out.append("")

N4 = sum(R["qa"][k]["n"] for k in ("py", "pg", "sqlite", "howto"))
NA = sum(v["n"] for v in R["qa"].values())
out.append(f"#### Pooled over all five QA sets (n = {NA})\n")
o = pool.pop("_oracle")
out.append(f"Extractive oracle {o['window500']}/{NA} = {o['window500']/NA:.3f}; right section among the 100: "
           f"{o['section@100']}/{NA}\n")
out.append("| ordering | " + " | ".join(M) + " |")
out.append("|---|" + "---:|" * len(M))
for oname, a in pool.items():
    out.append(f"| {oname} | " + " | ".join(f"{a[m]}/{NA} ({a[m]/NA:.3f})" for m in M) + " |")
out.append("")

out.append("### Cranfield / CISI (document = its best passage among AskDocs' top-100 passages)\n")
IM = ["nDCG@10", "MAP", "P@10", "MRR@10", "R@100"]
for name, v in R["ir"].items():
    nq = next(iter(v.values()))["eval"]["n_queries"]
    out.append(f"#### {name} ({nq} judged queries)\n")
    out.append("| ordering | " + " | ".join(IM) + " | run file |")
    out.append("|---|" + "---:|" * len(IM) + "---|")
    for oname, a in v.items():
        e = a["eval"]
        out.append(f"| {oname} | " + " | ".join(f"{e[m]:.4f}" for m in IM) + f" | `{a['run']}` |")
    out.append("")
open(os.path.join(HERE, "tables.md"), "w").write("\n".join(out) + "\n")
print("\n".join(out))

# ---- compact version for REPORT.md ----
KEEP = ["askdocs", "minilm", "rrf(askdocs,minilm)", "lin0.3(minilm)", "lin0.5(minilm)", "lin0.7(minilm)",
        "e5@20", "rrf(askdocs,e5@20)", "lin0.5(e5@20)", "rrf(askdocs,minilm@20,e5@20)"]
c = []
for name, v in list(R["qa"].items()) + [("pooled (all five)", {"n": NA, "orderings": None})]:
    n = v["n"]
    oo = v["oracle"] if "oracle" in v else o
    c.append(f"**{name}** (n = {n}; extractive oracle {oo['window500']}/{n} = {oo['window500']/n:.2f})\n")
    c.append("| ordering | sec@1 | sec@5 | full@1 | full@5 |")
    c.append("|---|---:|---:|---:|---:|")
    rows = v["orderings"] if v["orderings"] else {k: pool[k] for k in KEEP}
    for oname in KEEP:
        a = rows[oname]
        c.append(f"| {oname} | " + " | ".join(f"{a[m]}/{n} ({a[m]/n:.2f})" for m in M) + " |")
    c.append("")
IM2 = ["nDCG@10", "MAP", "P@10", "MRR@10"]
for name, v in R["ir"].items():
    c.append(f"**{name}** (document = best passage among AskDocs' top-100 passages)\n")
    c.append("| ordering | " + " | ".join(IM2) + " |")
    c.append("|---|" + "---:|" * len(IM2))
    for oname, a in v.items():
        c.append(f"| {oname} | " + " | ".join(f"{a['eval'][m]:.4f}" for m in IM2) + " |")
    c.append("")
open(os.path.join(HERE, "tables_compact.md"), "w").write("\n".join(c) + "\n")
