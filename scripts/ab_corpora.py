"""The two corpora the reliability scripts move an index between (crash_reindex.py, server_stress.py):
A and B differ by files removed, changed and added, so that a reindex from one to the other is long
enough to interrupt and every kind of change is in it."""

import os, shutil


def build_corpora(work, repo, rng):
    """Corpus A (Cranfield's 1,400 pages, or generated pages of a similar size) and B: a quarter of A
    removed, half changed, a quarter's worth added. Returns (a, b, pages, quarter, changed)."""
    a, b = os.path.join(work, "A"), os.path.join(work, "B")
    source = os.path.join(os.path.dirname(repo), "shared/benchmarks/cranfield/corpus-md")
    os.makedirs(a)
    if os.path.isdir(source):
        for name in sorted(os.listdir(source)):
            shutil.copy2(os.path.join(source, name), a)
    else:  # generated pages of a similar size
        words = ("flow pressure wing shock boundary layer heat transfer buckling load plate cylinder nozzle "
                 "turbulent laminar supersonic hypersonic velocity profile").split()
        for n in range(1400):
            body = " ".join(rng.choice(words) for _ in range(600))
            with open(os.path.join(a, f"{n}.md"), "w") as f:
                f.write(f"# Page {n}\n\n{body} .\n")
    names = sorted(os.listdir(a))
    shuffled = names[:]
    rng.shuffle(shuffled)
    quarter = len(names) // 4
    removed, changed = set(shuffled[:quarter]), shuffled[quarter:quarter + 2 * quarter]
    os.makedirs(b)
    for name in names:
        if name not in removed:
            shutil.copy2(os.path.join(a, name), b)  # mtime kept: unchanged files are not re-read
    for i, name in enumerate(changed):
        with open(os.path.join(b, name), "a") as f:
            f.write(f"\n\n## Revision {i}\n\nA revised estimate of the buckling load replaces figure {i} of this "
                    f"report; the supplementary measurements of the shock standoff distance agree within {i % 9} "
                    "per cent.\n")
    for i in range(quarter):
        donor = open(os.path.join(a, names[(i * 7) % len(names)])).read()
        with open(os.path.join(b, f"added-{i}.md"), "w") as f:
            f.write(f"# Added report {i}\n\nSupplementary measurements of the shock standoff distance, set {i}.\n\n"
                    + donor.split("\n", 1)[-1])
    return a, b, len(names), quarter, len(changed)
