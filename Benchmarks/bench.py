#!/usr/bin/env python3
"""AskDocs beside its peers on real documentation: index build, incremental reindex, query latency, cold
start, HTTP and scaling. Run it through `Benchmarks/run` (which installs what it needs); it writes
Benchmarks/results.md, Benchmarks/results.json and Benchmarks/scaling.png. Not part of `swift test`.

    Benchmarks/run [--runs 3] [--only build,build-python,incremental,query,cold,http,scaling] [--work /tmp/askdocs-bench]

Every speed figure is set beside a peer or a limit measured in the same run on the same data. Runs are
repeated (--runs) and reported as median (min–max): the machines are 2-core and noisy.
"""
import argparse, datetime, json, os, platform, random, re, shutil, signal, sqlite3, statistics
import subprocess, sys, time, urllib.parse, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(REPO), "shared")
PEERS = os.path.join(SHARED, "peers")
ASKDOCS = os.path.join(REPO, ".build/release/askdocs")
VENV_PY = os.path.join(REPO, ".venv-peers/bin/python")

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--only", default="build,build-python,incremental,query,cold,http,scaling")
ap.add_argument("--work", default="/tmp/askdocs-bench")
ap.add_argument("--scales", default="1,2,4,8")
ap.add_argument("--http-seconds", type=int, default=10)
ap.add_argument("--questions", type=int, default=1000, help="heading-derived questions (the QA sets' are added)")
args = ap.parse_args()
SECTIONS = args.only.split(",")
SCALES = [int(s) for s in args.scales.split(",")]
os.makedirs(args.work, exist_ok=True)
results = json.load(open(os.path.join(HERE, "results.json"))) if os.path.exists(os.path.join(HERE, "results.json")) else {}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def med(xs):
    """'median (min–max)' of a list."""
    return statistics.median(xs), min(xs), max(xs)


def fmt(t, unit="", digits=1):
    m, lo, hi = t
    f = f"{{:.{digits}f}}"
    return f"{f.format(m)}{unit} ({f.format(lo)}–{f.format(hi)})"


def percentile(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    i = int(k)
    return xs[i] if i + 1 >= len(xs) else xs[i] + (xs[i + 1] - xs[i]) * (k - i)


def timed(cmd, **kw):
    """Runs a command under GNU time: (wall s, CPU s, peak RSS MB, stdout)."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %S %M"] + cmd, capture_output=True, text=True, **kw)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    line = [l for l in out.stderr.splitlines() if l.startswith("TIME ")][-1].split()
    return float(line[1]), float(line[2]) + float(line[3]), int(line[4]) / 1024, out.stdout


# ---------------------------------------------------------------------------------------------------------
# Corpora: Debian's documentation packages, copied (the scanner does not follow links), and k× versions.

PACKAGES = {  # name: (Debian package, source folder, whether to flatten *.html out of a deeper tree)
    "python": ("python3.11-doc", "/usr/share/doc/python3.11/html"),
    "postgresql": ("postgresql-doc-15", "/usr/share/doc/postgresql-doc-15/html"),
    "sqlite": ("sqlite3-doc", "/usr/share/doc/sqlite3"),
    "git": ("git-doc", "/usr/share/doc/git-doc"),
}
def base_corpus():
    """The documentation folders as Debian installs them, whole (Sphinx's _sources, _static and index pages,
    git's AsciiDoc sources beside their pages): every system gets the same files and does its own skipping.
    Symbolic links are copied as links (the scanners do not follow them)."""
    root = os.path.join(args.work, "corpora", "1x-whole")
    if os.path.exists(os.path.join(root, ".complete")):
        return root
    shutil.rmtree(root, ignore_errors=True)
    for name, (_, source) in PACKAGES.items():
        shutil.copytree(source, os.path.join(root, name), symlinks=True)
    open(os.path.join(root, ".complete"), "w").close()
    return root


def changed_copy(base, k):
    """The base corpus under renamed folders (copyK/...), one word changed in every paragraph: the first
    word of five letters or more is spelled backwards, so every other word keeps its frequency (k× in the
    k× corpus, as in k similar manuals) and the copy's text still differs from the original's."""
    root = os.path.join(args.work, "corpora", f"copy{k}")
    if os.path.exists(os.path.join(root, ".complete")):
        return root
    shutil.rmtree(root, ignore_errors=True)
    para = re.compile(r"(<p\b[^>]*>[^<]*?)\b([A-Za-z]{5,})\b")
    for dirpath, _, files in os.walk(base):
        for fn in files:
            if not fn.endswith(".html"):
                continue
            src = os.path.join(dirpath, fn)
            html = open(src, encoding="utf-8", errors="surrogateescape").read()
            dest = os.path.join(root, os.path.relpath(src, base))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(para.sub(lambda m: m.group(1) + m.group(2)[::-1], html))
    open(os.path.join(root, ".complete"), "w").close()
    return root


def scaled_corpus(k):
    """1× plus k−1 changed copies, as hard links (no extra disk; the scanner sees regular files)."""
    base = base_corpus()
    if k == 1:
        return base
    root = os.path.join(args.work, "corpora", f"{k}x")
    if os.path.exists(os.path.join(root, ".complete")):
        return root
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for name in PACKAGES:
        subprocess.run(["cp", "-al", os.path.join(base, name), os.path.join(root, name)], check=True)
    for i in range(1, k):
        copy = changed_copy(base, i)
        subprocess.run(["cp", "-al", copy, os.path.join(root, f"copy{i}")], check=True)
        os.remove(os.path.join(root, f"copy{i}", ".complete"))
    open(os.path.join(root, ".complete"), "w").close()
    return root


def wall_ms(cmd):
    """A whole process's wall time in ms (GNU time rounds to 10 ms, too coarse for a reindex)."""
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000


def corpus_mb(root):
    total = 0
    for dirpath, _, files in os.walk(root):
        total += sum(os.lstat(os.path.join(dirpath, f)).st_size for f in files if not f.startswith("."))
    return total / 1e6


def html_files(root):
    return sum(1 for _, _, files in os.walk(root) for f in files if f.endswith(".html"))


def askdocs_index(corpus, index, fresh=True):
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(index + suffix):
                os.remove(index + suffix)
    return timed([ASKDOCS, "index", "--corpus", corpus, "--index", index])


def indexed(k):
    """An up-to-date AskDocs index of the k× corpus (built once, reused by later sections)."""
    index = os.path.join(args.work, f"askdocs-{k}x.sqlite")
    corpus = scaled_corpus(k)
    if not os.path.exists(index):
        wall, cpu, rss, _ = askdocs_index(corpus, index)
        results.setdefault("scaling_build", {})[str(k)] = {"wall": [wall], "cpu": [cpu], "rss": [rss]}
    return corpus, index


# ---------------------------------------------------------------------------------------------------------
# Questions: derived from the base corpus' headings (a question a reader of that section would ask), plus
# the repository's QA sets. Committed as Benchmarks/questions.txt so that runs compare like with like.

QUESTIONS = os.path.join(HERE, "questions.txt")
GENERIC = {"note", "notes", "example", "examples", "see also", "description", "parameters", "synopsis",
           "options", "table of contents", "navigation", "contents", "footnotes", "overview", "introduction",
           "summary", "details", "return value", "returns", "usage", "discussion", "syntax", "compatibility"}


def natural_case(h):
    """'Functions Associated with the COPY Command' → 'functions associated with the COPY command'."""
    words = []
    for w in h.split():
        plain = w.isalpha() and (w[1:].islower() or len(w) == 1)
        words.append(w.lower() if plain else w)
    return " ".join(words)


def make_questions(index):
    db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    headings = set()
    numbering = re.compile(r"^(?:(?:Chapter|Appendix|Part)\s+[\dA-Z]+\.?\s*|(?:[A-Z]\.)?\d+(?:\.\d+)*\.?\s+)")
    for (stored,) in db.execute("SELECT DISTINCT headings FROM chunks"):
        h = stored.split(" › ")[-1] if stored else ""
        h = numbering.sub("", re.sub(r"[¶#]\s*$", "", h)).strip()
        words = re.findall(r"[A-Za-z][\w.()-]*", h)
        if (1 <= len(words) <= 8 and h.lower() not in GENERIC and len(h) <= 70 and h[:1].isalpha()
                and not re.search(r"[\[\]{}<>=]", h)):
            headings.add(h)
    rng = random.Random(7)
    picked = rng.sample(sorted(headings), min(args.questions, len(headings)))
    out = []
    for h in picked:
        first = h.split()[0]
        natural = natural_case(h)
        if first.lower() in ("how", "what", "why", "when", "where", "which", "who", "can", "is", "do", "does"):
            q = natural[0].lower() + natural[1:] + "?"
        elif re.search(r"\(\)$|^[\w.]+\.\w+$|^[a-z_]+$", h):
            q = rng.choice(["what does {} do?", "how do I use {}?", "{} example"]).format(h)
        elif first.lower().endswith("ing") and len(first) > 5:
            q = rng.choice(["how do I go about {}?", "{}", "what should I know about {}?"]).format(natural)
        else:
            q = rng.choice(["what is {}?", "how does {} work?", "{}", "tell me about {}", "explain {}"]).format(natural)
        out.append(q)
    for qa in (os.path.join(REPO, "Tests/QA/python-stdlib-dev.jsonl"), os.path.join(SHARED, "qa/seed-dev.jsonl")):
        if os.path.exists(qa):
            out += [json.loads(l)["question"] for l in open(qa) if l.strip()]
    with open(QUESTIONS, "w") as f:
        f.write("\n".join(" ".join(q.split()) for q in out) + "\n")


def questions():
    return [l.rstrip("\n") for l in open(QUESTIONS) if l.strip()]


# ---------------------------------------------------------------------------------------------------------
# 0. The corpora themselves.

def section_corpora():
    base = base_corpus()
    _, index = indexed(1)
    db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    rows = db.execute("""
        SELECT substr(d.path, 1, instr(d.path, '/') - 1) AS package, count(DISTINCT d.id), count(*),
               sum(length(CAST(c.body AS BLOB)))
        FROM chunks c JOIN documents d ON d.id = c.document_id GROUP BY package ORDER BY package""").fetchall()
    table = []
    for package, docs, chunks, text_bytes in rows:
        folder = os.path.join(base, package)
        table.append({"package": PACKAGES[package][0], "pages": html_files(folder), "indexed": docs,
                      "html_mb": corpus_mb(folder), "text_mb": text_bytes / 1e6, "chunks": chunks})
    results["corpora"] = table
    if not os.path.exists(QUESTIONS):
        make_questions(index)


# ---------------------------------------------------------------------------------------------------------
# 1. Full index build on the base corpus.

def export_chunks(index, path):
    db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    with open(path, "w", encoding="utf-8") as f:
        for title, headings, body in db.execute("SELECT title, headings, body FROM chunks ORDER BY id"):
            f.write(json.dumps({"text": f"{title}\n{headings}\n{body}"}) + "\n")


BARE_INSERT = """
import sqlite3, sys, time
src, dest = sys.argv[1], sys.argv[2]
db = sqlite3.connect(dest)
db.execute("ATTACH ? AS src", (src,))
db.execute("CREATE VIRTUAL TABLE f USING fts5(title, headings, body, tokenize='porter unicode61 remove_diacritics 2')")
db.execute("CREATE TEMP TABLE texts AS SELECT title, headings, body FROM src.chunks")  # read first: not timed
t = time.perf_counter()
db.execute("INSERT INTO f SELECT title, headings, body FROM texts")  # one statement: SQLite's own loop
db.commit()
print(time.perf_counter() - t)
"""


def section_build():
    corpus, index = indexed(1)
    mb = corpus_mb(corpus)
    text_mb = sum(r["text_mb"] for r in results["corpora"])
    chunks_file = os.path.join(args.work, "chunks-1x.jsonl")
    export_chunks(index, chunks_file)
    rows = {}

    def add(name, wall, cpu, rss, input_mb):
        r = rows.setdefault(name, {"wall": [], "cpu": [], "rss": [], "input_mb": input_mb})
        r["wall"].append(wall), r["cpu"].append(cpu), r["rss"].append(rss)

    results["peer_queries"] = {}
    scratch = os.path.join(args.work, "build-scratch.sqlite")
    for run in range(args.runs):
        log(f"build: run {run + 1}/{args.runs}")
        wall, cpu, rss, _ = askdocs_index(corpus, scratch)
        add("AskDocs (`askdocs index`, from the HTML)", wall, cpu, rss, mb)
        if os.path.exists(scratch):
            os.remove(scratch)
        wall, cpu, rss, _ = timed([sys.executable, os.path.join(PEERS, "naive_askdocs.py"), "index",
                                   "--corpus", corpus, "--index", scratch])
        add("naive peer (`naive_askdocs.py index`, from the HTML)", wall, cpu, rss, mb)
        os.remove(scratch)
        wall, cpu, rss, out = timed([sys.executable, "-c", BARE_INSERT, index, scratch])
        add("bare-insert limit (AskDocs' chunk texts, one INSERT … SELECT into FTS5)", float(out), cpu, rss, text_mb)
        os.remove(scratch)
        for engine in ("bm25s", "tantivy"):
            _, _, rss, out = timed([VENV_PY, os.path.join(HERE, "retrieval_peers.py"), engine, chunks_file,
                                    QUESTIONS])
            r = json.loads(out)
            add(f"{engine} (AskDocs' chunk texts, in memory)", r["build_wall_s"], r["build_cpu_s"], rss, text_mb)
            results.setdefault("peer_queries", {}).setdefault(engine, []).append(r["query_ms"])
    results["build"] = rows


def section_build_python():
    """One Debian docs folder as installed (python3.11-doc's html: 1,000 files, half of them Sphinx's
    _sources copies), AskDocs and the naive peer alternating."""
    corpus = os.path.join(base_corpus(), "python")
    scratch = os.path.join(args.work, "build-python.sqlite")
    rows = {}
    for run in range(args.runs):
        log(f"build-python: run {run + 1}/{args.runs}")
        for name, cmd in (("AskDocs (`askdocs index`)", None),
                          ("naive peer (`naive_askdocs.py index`)",
                           [sys.executable, os.path.join(PEERS, "naive_askdocs.py"), "index", "--corpus", corpus,
                            "--index", scratch])):
            wall, cpu, rss, _ = askdocs_index(corpus, scratch) if cmd is None else timed(cmd)
            r = rows.setdefault(name, {"wall": [], "cpu": [], "rss": []})
            r["wall"].append(wall), r["cpu"].append(cpu), r["rss"].append(rss)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(scratch + suffix):
                    os.remove(scratch + suffix)
    files = sum(len(f) for _, _, f in os.walk(corpus))
    results["build_python"] = {"files": files, "rows": rows}


# ---------------------------------------------------------------------------------------------------------
# 2. Incremental reindex, whole process, on the largest corpus.

def section_incremental():
    k = max(SCALES)
    corpus, index = indexed(k)
    subprocess.run([ASKDOCS, "index", "--corpus", corpus, "--index", index], check=True, capture_output=True)
    target = os.path.join(corpus, "python", "tutorial", "classes.html")
    original = open(target, encoding="utf-8").read()
    added = os.path.join(corpus, "python", "bench-added-post.html")
    cases = {"nothing changed": [], "one file changed": [], "one file added": [], "one file removed": []}
    try:
        for run in range(max(args.runs, 5)):
            cases["nothing changed"].append(wall_ms([ASKDOCS, "index", "--corpus", corpus, "--index", index]))
            # A hard-linked file is shared with smaller corpora: replace it rather than write through it.
            os.remove(target)
            with open(target, "w", encoding="utf-8") as f:
                f.write(original.replace("</body>", f"<p>Benchmark edit {run}.</p></body>"))
            cases["one file changed"].append(wall_ms([ASKDOCS, "index", "--corpus", corpus, "--index", index]))
            with open(added, "w") as f:
                f.write(f"<html><head><title>Added post {run}</title></head><body><h1>Added post {run}</h1>"
                        f"<p>A new post about benchmark number {run}.</p></body></html>")
            cases["one file added"].append(wall_ms([ASKDOCS, "index", "--corpus", corpus, "--index", index]))
            os.remove(added)
            cases["one file removed"].append(wall_ms([ASKDOCS, "index", "--corpus", corpus, "--index", index]))
    finally:
        os.remove(target)
        with open(target, "w", encoding="utf-8") as f:
            f.write(original)
        if os.path.exists(added):
            os.remove(added)
        subprocess.run([ASKDOCS, "index", "--corpus", corpus, "--index", index], capture_output=True)
    # Floors: what looking at every file's size and mtime costs any program (GNU find, one stat per file),
    # and what `askdocs index` costs as a process when there is one file to look at.
    shipped = os.path.join(args.work, "shipped-incremental.sqlite")
    subprocess.run([ASKDOCS, "index", "--corpus", os.path.join(REPO, "Corpus"), "--index", shipped], check=True,
                   capture_output=True)
    floors = {"`find -printf '%s %T@'` over the same tree (a stat per file, no index)": [],
              "`askdocs index`, nothing changed, on the shipped 1-file corpus (process floor)": []}
    for run in range(max(args.runs, 5)):
        t = time.perf_counter()
        subprocess.run(["find", corpus, "-type", "f", "-printf", "%s %T@\n"], check=True, stdout=subprocess.DEVNULL)
        floors[next(iter(floors))].append((time.perf_counter() - t) * 1000)
        floors[list(floors)[1]].append(wall_ms([ASKDOCS, "index", "--corpus", os.path.join(REPO, "Corpus"),
                                                "--index", shipped]))
    db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    files, chunks = db.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks)").fetchone()
    results["incremental"] = {"scale": k, "floors": floors, "files": files, "chunks": chunks, "mb": corpus_mb(corpus),
                              "index_mb": os.path.getsize(index) / 1e6,
                              "cases": cases}


# ---------------------------------------------------------------------------------------------------------
# 3. Query latency in process.

BARE_QUERY = """
import sqlite3, sys, time, json
index, expressions = sys.argv[1], [l.rstrip("\\n") for l in open(sys.argv[2])]
db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
sql = '''SELECT c.id, d.path, c.title, c.headings, c.anchor, c.kind, c.body, f.rank,
                c.title_stems, c.heading_stems, c.body_stems, c.entry
         FROM (SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ?1 ORDER BY rank LIMIT ?2) AS f
         JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.id = c.document_id ORDER BY f.rank'''
for e in expressions[:20]:
    if e: db.execute(sql, (e, 100)).fetchall()
out = []
for e in expressions:
    t = time.perf_counter()
    if e: db.execute(sql, (e, 100)).fetchall()
    out.append((time.perf_counter() - t) * 1e3)
print(json.dumps(out))
"""

NAIVE_QUERY = """
import sqlite3, sys, time, json
sys.path.insert(0, sys.argv[1])
import naive_askdocs as naive
db = sqlite3.connect(f"file:{sys.argv[2]}?mode=ro", uri=True)
qs = [l.rstrip("\\n") for l in open(sys.argv[3]) if l.strip()]
for q in qs[:20]: naive.answer(db, q)
out = {"search": [], "ask": []}
for q in qs:
    t = time.perf_counter(); naive.search(db, q, 10); out["search"].append((time.perf_counter() - t) * 1e3)
    t = time.perf_counter(); naive.answer(db, q); out["ask"].append((time.perf_counter() - t) * 1e3)
print(json.dumps(out))
"""


def askdocs_query_times(index, command):
    qfile = os.path.join(args.work, "questions-warmup.txt")
    with open(qfile, "w") as f:
        f.write("\n".join(questions()[:20] + questions()) + "\n")
    tfile = os.path.join(args.work, f"timings-{command}.tsv")
    subprocess.run([ASKDOCS, command, "--index", index, "--no-update", "--json", "--batch", qfile,
                    "--timings", tfile], check=True, stdout=subprocess.DEVNULL)
    lines = [l.split("\t", 1) for l in open(tfile).read().splitlines()][20:]
    return [float(ms) for ms, _ in lines], [e for _, e in lines]


def naive_index(corpus):
    """The naive peer's index of the 1× corpus (built once, shared by the query and HTTP sections)."""
    peer_index = os.path.join(args.work, "naive-1x.sqlite")
    if not os.path.exists(peer_index):
        subprocess.run([sys.executable, os.path.join(PEERS, "naive_askdocs.py"), "index", "--corpus", corpus,
                        "--index", peer_index], check=True)
    return peer_index


def query_row(times_per_run):
    return {"p50": [percentile(t, 50) for t in times_per_run], "p99": [percentile(t, 99) for t in times_per_run],
            "n": len(times_per_run[0])}


def section_query():
    corpus, index = indexed(1)
    peer_index = naive_index(corpus)
    runs = {k: [] for k in ("askdocs search", "askdocs ask", "bare", "naive search", "naive ask")}
    for run in range(args.runs):
        log(f"query: run {run + 1}/{args.runs}")
        t, expressions = askdocs_query_times(index, "search")
        runs["askdocs search"].append(t)
        runs["askdocs ask"].append(askdocs_query_times(index, "ask")[0])
        efile = os.path.join(args.work, "expressions.txt")
        with open(efile, "w") as f:
            f.write("\n".join(expressions) + "\n")
        runs["bare"].append(json.loads(subprocess.run([sys.executable, "-c", BARE_QUERY, index, efile],
                                                      capture_output=True, text=True, check=True).stdout))
        naive = json.loads(subprocess.run([sys.executable, "-c", NAIVE_QUERY, PEERS, peer_index, QUESTIONS],
                                          capture_output=True, text=True, check=True).stdout)
        runs["naive search"].append(naive["search"])
        runs["naive ask"].append(naive["ask"])
    if "peer_queries" not in results:
        chunks_file = os.path.join(args.work, "chunks-1x.jsonl")
        export_chunks(index, chunks_file)
        for engine in ("bm25s", "tantivy"):
            out = subprocess.run([VENV_PY, os.path.join(HERE, "retrieval_peers.py"), engine, chunks_file, QUESTIONS],
                                 capture_output=True, text=True, check=True).stdout
            results.setdefault("peer_queries", {}).setdefault(engine, []).append(json.loads(out)["query_ms"])
    results["query"] = {
        "AskDocs `search` (top 10, reranked)": query_row(runs["askdocs search"]),
        "bare-query limit (AskDocs' own MATCH statements, Python sqlite3 loop)": query_row(runs["bare"]),
        "AskDocs `ask` (answer + citations)": query_row(runs["askdocs ask"]),
        "naive peer search (Python, FTS5 OR)": query_row(runs["naive search"]),
        "naive peer ask": query_row(runs["naive ask"]),
        "bm25s top 10 (in memory)": query_row(results["peer_queries"]["bm25s"]),
        "tantivy top 10 (in memory)": query_row(results["peer_queries"]["tantivy"]),
    }


# ---------------------------------------------------------------------------------------------------------
# 4. Cold start: `askdocs ask` as a whole process on the shipped corpus.

def section_cold():
    index = os.path.join(args.work, "shipped.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index + suffix):
            os.remove(index + suffix)
    subprocess.run([ASKDOCS, "index", "--corpus", os.path.join(REPO, "Corpus"), "--index", index], check=True,
                   capture_output=True)
    peer_index = os.path.join(args.work, "naive-shipped.sqlite")
    subprocess.run([sys.executable, os.path.join(PEERS, "naive_askdocs.py"), "index", "--corpus",
                    os.path.join(REPO, "Corpus"), "--index", peer_index], check=True)
    q = "which is fastest with a database?"
    export = os.path.join(args.work, "hyperfine.json")
    commands = {
        "AskDocs `askdocs ask` (checks the corpus for changes first, the default)": f"{ASKDOCS} ask --index {index} '{q}'",
        "AskDocs `askdocs ask --no-update`": f"{ASKDOCS} ask --no-update --index {index} '{q}'",
        "naive peer `naive_askdocs.py ask`": f"{sys.executable} {PEERS}/naive_askdocs.py ask --index {peer_index} '{q}'",
        "`true` (process spawn floor)": "true",
    }
    rows = {}
    for run in range(args.runs):
        subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", "40", "--export-json", export]
                       + list(commands.values()), check=True, capture_output=True)
        for name, r in zip(commands, json.load(open(export))["results"]):
            rows.setdefault(name, []).append(r["median"] * 1000)
    results["cold"] = rows


# ---------------------------------------------------------------------------------------------------------
# 5. HTTP with wrk.

CYCLE_LUA = os.path.join(HERE, "cycle.lua")  # also used by http_side_by_side.sh


def wait_ready(port, proc):
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"server on {port} exited")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=x", timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"server on {port} did not start")


def group_rss_mb(pgid):
    """Peak RSS (VmHWM) summed over the server's processes (uvicorn and gunicorn fork workers)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.getpgid(int(pid)) != pgid:
                continue
            total += int(re.search(r"VmHWM:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))
        except Exception:
            pass
    return total / 1024


def wrk(port, connections, paths_file=None, path=None):
    lua = CYCLE_LUA
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{args.http_seconds}s", "--timeout", "10s", "--latency"]
    if paths_file:
        cmd += ["-s", lua]
    out = subprocess.run(cmd + [f"http://127.0.0.1:{port}{path or '/'}"], capture_output=True, text=True,
                         env=dict(os.environ, PATHS=paths_file or "")).stdout

    def ms(label):
        m = re.search(r"^\s+" + label + r"\s+([\d.]+)(us|ms|s)\b", out, re.M)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50%"), "p99": ms("99%"),
            "errors": (sum(int(x) for x in errors.groups()) if errors else 0) + (int(non2xx.group(1)) if non2xx else 0)}


def section_http():
    corpus, index = indexed(1)
    peer_index = naive_index(corpus)
    qs = questions()
    paths = {}
    for endpoint in ("search", "ask"):
        paths[endpoint] = os.path.join(args.work, f"paths-{endpoint}.txt")
        with open(paths[endpoint], "w") as f:
            f.write("\n".join(f"/api/{endpoint}?q=" + urllib.parse.quote(q) for q in qs) + "\n")
    repeated = "which is fastest with a database?"
    venv_bin = os.path.dirname(VENV_PY)
    servers = {
        "AskDocs": lambda cache: ([ASKDOCS, "serve", "--index", index, "--port", "18080", "--cache", cache],
                                  {"LOG_LEVEL": "error"}, REPO, 18080),
        "FastAPI peer": lambda cache: ([os.path.join(venv_bin, "uvicorn"), "fastapi_peer:app", "--host", "127.0.0.1",
                                        "--port", "18083", "--workers", "2", "--loop", "uvloop", "--http", "httptools",
                                        "--no-access-log"], {"PEER_INDEX": peer_index}, PEERS, 18083),
        "Flask peer": lambda cache: ([os.path.join(venv_bin, "gunicorn"), "-w", "2", "-b", "127.0.0.1:18084",
                                      "flask_peer:app"], {"PEER_INDEX": peer_index}, PEERS, 18084),
    }
    rows = []
    for run in range(args.runs):
        for server, make in servers.items():
            for load in ("distinct", "repeated"):
                # AskDocs' answer cache is off for distinct questions: each request does the work.
                cmd, env, cwd, port = make("0" if load == "distinct" else "2048")
                p = subprocess.Popen(cmd, env=dict(os.environ, **env), cwd=cwd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
                try:
                    wait_ready(port, p)
                    for endpoint in ("search", "ask"):
                        for c in (64, 256):
                            log(f"http: run {run + 1}, {server}, {load}, /api/{endpoint}, c={c}")
                            if load == "distinct":
                                r = wrk(port, c, paths_file=paths[endpoint])
                            else:
                                r = wrk(port, c, path=f"/api/{endpoint}?q=" + urllib.parse.quote(repeated))
                            r.update(server=server, load=load, endpoint=endpoint, connections=c, run=run,
                                     rss_mb=group_rss_mb(p.pid))
                            rows.append(r)
                finally:
                    os.killpg(p.pid, signal.SIGTERM)
                    p.wait(timeout=30)
    results["http"] = rows


# ---------------------------------------------------------------------------------------------------------
# 6. Scaling: build time and query p50 at 1×, 2×, 4×, 8×.

def section_scaling():
    rows = {}
    for k in SCALES:
        corpus, index = indexed(k)
        log(f"scaling: {k}x, full build")
        wall, cpu, rss, _ = askdocs_index(corpus, index)  # fresh, in this run, for every size alike
        build = {"wall": [wall], "cpu": [cpu], "rss": [rss]}
        search_t, ask_t = [], []
        for run in range(args.runs):
            log(f"scaling: {k}x, query run {run + 1}/{args.runs}")
            search_t.append(askdocs_query_times(index, "search")[0])
            ask_t.append(askdocs_query_times(index, "ask")[0])
        db = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        files, chunks = db.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks)").fetchone()
        rows[str(k)] = {"files": files, "chunks": chunks, "mb": corpus_mb(corpus), "build": build,
                        "index_mb": os.path.getsize(index) / 1e6,
                        "search": query_row(search_t), "ask": query_row(ask_t)}
    results["scaling"] = rows
    json.dump(results, open(os.path.join(HERE, "results.json"), "w"), indent=1)
    plot_scaling(rows)


PLOT = """
import json, statistics, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows, out = json.load(open(sys.argv[1])), sys.argv[2]
ks = sorted(int(k) for k in rows)
fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
walls = [statistics.median(rows[str(k)]["build"]["wall"]) for k in ks]
a.plot(ks, walls, "o-", label="AskDocs full build")
a.plot(ks, [walls[0] * k for k in ks], "--", color="grey", label="linear from 1×")
a.set_xlabel("corpus size (× base)"), a.set_ylabel("seconds"), a.set_title("Index build (wall)")
a.set_xticks(ks), a.legend()
for key, label in (("search", "search p50"), ("ask", "ask p50")):
    b.plot(ks, [statistics.median(rows[str(k)][key]["p50"]) for k in ks], "o-", label=label)
b.plot(ks, [statistics.median(rows[str(k)]["ask"]["p99"]) for k in ks], "o:", label="ask p99")
b.set_xlabel("corpus size (× base)"), b.set_ylabel("ms"), b.set_title("Query latency, in process")
b.set_xticks(ks), b.legend()
base = rows[str(ks[0])]
fig.suptitle(f"AskDocs scaling: 1× = {base['files']:,} files, {base['chunks']:,} chunks")
fig.tight_layout()
fig.savefig(out, dpi=110)
"""


def plot_scaling(rows):
    """matplotlib lives in the peers' virtual environment, not in the system Python that runs this."""
    data = os.path.join(args.work, "scaling.json")
    json.dump(rows, open(data, "w"))
    subprocess.run([VENV_PY, "-c", PLOT, data, os.path.join(HERE, "scaling.png")], check=True)


# ---------------------------------------------------------------------------------------------------------
# The report.

def report():
    L = []
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1)) / 1e6
    sqlite_version = sqlite3.sqlite_version
    L.append(f"Machine: {os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, {platform.platform()}, SQLite "
             f"{sqlite_version}, Python {platform.python_version()}. Written {results.get('written', '?')} by "
             f"`Benchmarks/run {results.get('argv', '')}`; median (min–max) of {results.get('runs', '?')} runs unless "
             "noted.\n")
    if "corpora" in results:
        L.append("### Corpora\n")
        L.append("| package | HTML pages | files indexed | HTML MB | text MB | chunks |\n|---|---:|---:|---:|---:|---:|")
        for r in results["corpora"]:
            L.append(f"| {r['package']} | {r['pages']:,} | {r['indexed']:,} | {r['html_mb']:.1f} | {r['text_mb']:.1f} | {r['chunks']:,} |")
        t = results["corpora"]
        L.append(f"| **1× (all four)** | {sum(r['pages'] for r in t):,} | {sum(r['indexed'] for r in t):,} | "
                 f"{sum(r['html_mb'] for r in t):.1f} | {sum(r['text_mb'] for r in t):.1f} | {sum(r['chunks'] for r in t):,} |\n")
    if "build" in results:
        L.append("### 1. Full index build (1× corpus)\n")
        L.append("| system | wall s | CPU s | peak RSS MB | input MB/s | AskDocs is |\n|---|---:|---:|---:|---:|---:|")
        ours = statistics.median(next(r for n, r in results["build"].items() if n.startswith("AskDocs"))["wall"])
        for name, r in results["build"].items():
            w = med(r["wall"])
            ratio = "" if name.startswith("AskDocs") else "about as fast" if abs(w[0] / ours - 1) < 0.05 else (
                f"{w[0] / ours:.1f}× faster" if w[0] > ours else f"{ours / w[0]:.1f}× slower")
            L.append(f"| {name} | {fmt(w, '', 2)} | {fmt(med(r['cpu']), '', 2)} | {fmt(med(r['rss']), '', 0)} | "
                     f"{r['input_mb'] / w[0]:.1f} | {ratio} |")
        L.append("")
    if "build_python" in results:
        b = results["build_python"]
        L.append(f"### 1b. Full index build, python3.11-doc's html folder as installed ({b['files']:,} files)\n")
        L.append("| system | wall s | CPU s | peak RSS MB |\n|---|---:|---:|---:|")
        for name, r in b["rows"].items():
            L.append(f"| {name} | {fmt(med(r['wall']), '', 2)} | {fmt(med(r['cpu']), '', 2)} | {fmt(med(r['rss']), '', 0)} |")
        a, n = (statistics.median(r["wall"]) for r in b["rows"].values())
        ratios = [y / x for x, y in zip(*(r["wall"] for r in b["rows"].values()))]
        L.append(f"\nAskDocs is {n / a:.1f}× faster (median of run-by-run ratios {statistics.median(ratios):.1f}×, "
                 f"{min(ratios):.1f}–{max(ratios):.1f}).\n")
    if "incremental" in results:
        r = results["incremental"]
        L.append(f"### 2. Incremental reindex, whole process (`askdocs index`), {r['scale']}× corpus: "
                 f"{r['files']:,} files, {r['chunks']:,} chunks, {r['mb']:.0f} MB of HTML, index {r['index_mb']:.0f} MB\n")
        L.append("| change | wall ms |\n|---|---:|")
        for case, ts in r["cases"].items():
            L.append(f"| {case} | {fmt(med(ts), '', 0)} |")
        for case, ts in r.get("floors", {}).items():
            L.append(f"| *floor:* {case} | {fmt(med(ts), '', 0)} |")
        L.append("")
    if "query" in results:
        L.append(f"### 3. Query latency in process, 1× corpus, {results['query'][next(iter(results['query']))]['n']:,} "
                 "questions (Benchmarks/questions.txt)\n")
        L.append("| system | p50 ms | p99 ms |\n|---|---:|---:|")
        for name, r in results["query"].items():
            L.append(f"| {name} | {fmt(med(r['p50']), '', 2)} | {fmt(med(r['p99']), '', 2)} |")
        q = results["query"]
        ratios = [a / b for a, b in zip(q["AskDocs `search` (top 10, reranked)"]["p50"],
                                        q["bare-query limit (AskDocs' own MATCH statements, Python sqlite3 loop)"]["p50"])]
        L.append(f"\n`search` p50 ÷ bare-query p50, run by run (each pair measured back to back): "
                 f"{fmt(med(ratios), '×', 2)}.\n")
    if "cold" in results:
        L.append("### 4. Cold start: one question as a whole process, shipped corpus (hyperfine -N, 40 runs each)\n")
        L.append("| command | median ms |\n|---|---:|")
        for name, ts in results["cold"].items():
            L.append(f"| {name} | {fmt(med(ts), '', 1)} |")
        L.append("")
    if "http" in results:
        L.append(f"### 5. HTTP, wrk -t2 -d{args.http_seconds}s, 1× corpus (wrk shares the 2 cores with the server)\n")
        L.append("| load | endpoint | c | AskDocs req/s | p50 / p99 ms | FastAPI req/s | p50 / p99 ms | Flask req/s | "
                 "p50 / p99 ms | AskDocs ÷ FastAPI | errors (A/Fa/Fl) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        rows = results["http"]
        for load in ("distinct", "repeated"):
            for endpoint in ("search", "ask"):
                for c in (64, 256):
                    cell = {}
                    for server in ("AskDocs", "FastAPI peer", "Flask peer"):
                        rs = [r for r in rows if (r["server"], r["load"], r["endpoint"], r["connections"]) ==
                              (server, load, endpoint, c)]
                        cell[server] = rs
                    if not all(cell.values()):
                        continue

                    def c3(server):
                        rs = cell[server]
                        return (f"{fmt(med([r['rps'] for r in rs]), '', 0)} | "
                                f"{statistics.median(r['p50'] for r in rs):.1f} / {statistics.median(r['p99'] for r in rs):.0f}")
                    ratio = statistics.median(r["rps"] for r in cell["AskDocs"]) / statistics.median(
                        r["rps"] for r in cell["FastAPI peer"])
                    errs = "/".join(str(sum(r["errors"] for r in cell[s])) for s in cell)
                    L.append(f"| {load} | /api/{endpoint} | {c} | {c3('AskDocs')} | {c3('FastAPI peer')} | "
                             f"{c3('Flask peer')} | {ratio:.1f}× | {errs} |")
        L.append("")
        L.append("Peak RSS under this load (all processes of the server): " + ", ".join(
            f"{s} {max(r['rss_mb'] for r in rows if r['server'] == s):.0f} MB" for s in ("AskDocs", "FastAPI peer", "Flask peer")) + ".\n")
    if "scaling" in results:
        L.append("### 6. Scaling (AskDocs; the k× corpus is 1× plus k−1 renamed copies, one word changed per paragraph)\n")
        L.append("| size | files | chunks | HTML MB | index MB | build s | s per 1× | search p50 / p99 ms | ask p50 / p99 ms |\n"
                 "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        base_wall = None
        for k, r in sorted(results["scaling"].items(), key=lambda kv: int(kv[0])):
            w = statistics.median(r["build"]["wall"])
            base_wall = base_wall or w
            L.append(f"| {k}× | {r['files']:,} | {r['chunks']:,} | {r['mb']:.0f} | {r['index_mb']:.0f} | {w:.1f} | "
                     f"{w / int(k):.1f} | {statistics.median(r['search']['p50']):.2f} / {statistics.median(r['search']['p99']):.1f} | "
                     f"{statistics.median(r['ask']['p50']):.2f} / {statistics.median(r['ask']['p99']):.1f} |")
        L.append("\n![scaling](scaling.png)\n")
    open(os.path.join(HERE, "results.md"), "w").write("\n".join(L) + "\n")
    print("\n".join(L))


def section_scaled_corpora():
    for k in SCALES:
        scaled_corpus(k)


STEPS = {"report": lambda: plot_scaling(results["scaling"]) if "scaling" in results else None, "corpora": section_scaled_corpora, "build": section_build, "build-python": section_build_python, "incremental": section_incremental, "query": section_query,
         "cold": section_cold, "http": section_http, "scaling": section_scaling}
if SECTIONS != ["report"]:  # `--only report` re-renders results.md from results.json
    results["written"] = datetime.date.today().isoformat()
    results["argv"] = " ".join(sys.argv[1:])
    results["runs"] = args.runs
section_corpora()
for name in SECTIONS:
    log(f"== {name}")
    started = time.time()
    STEPS[name]()
    log(f"== {name}: {time.time() - started:.0f} s")
    json.dump(results, open(os.path.join(HERE, "results.json"), "w"), indent=1)
report()
