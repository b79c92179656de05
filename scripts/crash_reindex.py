#!/usr/bin/env python3
"""Crash safety of the index (issue #6): SIGKILL `askdocs index` at random moments while it moves the index
between two corpora, and check after every kill that the file is intact (SQLite's and FTS5's integrity
checks) and holds exactly the old corpus or exactly the new one, never a mix. Then a last `index` must
complete, and damaged copies of the index must give one line naming `askdocs index --full`, which recovers.

    python3 scripts/crash_reindex.py [--kills 100] [--watch-kills 0] [--seed N] [--askdocs PATH]

Corpus A is Cranfield's 1,400 pages (../shared/benchmarks/cranfield/corpus-md, else generated pages);
B removes a quarter of them, changes half and adds a quarter more. The corpus folder the index records is a
symbolic link swapped atomically (rename(2)) between A and B, and only while no indexer runs, so each run
sees one corpus whole. "Exactly one corpus" is checked two ways against clean indexes of A and B: a
fingerprint of every document (path, content hash) and chunk (heading path, text), and the results of a
fixed handful of searches. `--watch-kills N` then does the same N times to `askdocs serve --watch`: swap,
SIGKILL the server while it reindexes, check, restart. These loops rank by words alone (`--no-vectors`), so
that a kill lands in the text pass. `--vector-kills N` SIGKILLs `askdocs index` N times during its second
pass, the chunk vectors: after each kill the file is intact, every stored vector belongs to a chunk, and
none is lost; a last run completes it, with the vectors of an uninterrupted run. Exit status 1 on any
failure.
"""
import argparse, json, math, os, random, re, shutil, signal, sqlite3, struct, subprocess, sys, tempfile, time

from ab_corpora import build_corpora
from index_state import fingerprint, integrity

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--kills", type=int, default=100, help="SIGKILLs of `askdocs index` (default 100)")
ap.add_argument("--watch-kills", type=int, default=0, help="SIGKILLs of `askdocs serve --watch` mid-reindex")
ap.add_argument("--vector-kills", type=int, default=0,
                help="SIGKILLs of `askdocs index` during its vector pass (needs the model: askdocs model install)")
ap.add_argument("--seed", type=int, default=None)
ap.add_argument("--askdocs", default=os.path.join(REPO, ".build/release/askdocs"))
ap.add_argument("--keep", action="store_true", help="keep the work folder")
args = ap.parse_args()
seed = args.seed if args.seed is not None else random.randrange(1 << 30)
rng = random.Random(seed)
askdocs = args.askdocs
work = tempfile.mkdtemp(prefix="askdocs-crash-")
failures = []

QUESTIONS = ["what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft",
             "heat conduction in composite slabs", "boundary layer on a flat plate at hypersonic speed",
             "revised estimate of the buckling load", "supplementary measurements of the shock standoff distance"]


def fail(message):
    failures.append(message)
    print("FAIL: " + message, flush=True)


# -- the two corpora -------------------------------------------------------------------------------------


def point_corpus_at(target):
    """Swaps the corpus link atomically: a reader sees the old target or the new one, nothing between."""
    link = os.path.join(work, "corpus")
    tmp = link + ".next"
    if os.path.lexists(tmp):
        os.remove(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, link)


# -- what an index holds ---------------------------------------------------------------------------------

def answers(index):
    """The sources and sections of the top 5 results for each question, in order."""
    batch = os.path.join(work, "questions.txt")
    with open(batch, "w") as f:
        f.write("\n".join(QUESTIONS) + "\n")
    out = subprocess.run([askdocs, "search", "--json", "--no-update", "--no-vectors", "--limit", "5", "--index", index,
                          "--batch", batch], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return "search failed: " + out.stderr.strip()[:300]
    return [[(r["source"], r["section"]) for r in json.loads(line)["results"]]
            for line in out.stdout.splitlines()]


def run_index(corpus, index, timeout=120, vectors=False):
    return subprocess.run([askdocs, "index", "--corpus", corpus, "--index", index] + ([] if vectors else ["--no-vectors"]),
                          capture_output=True, text=True, timeout=timeout)


# -- the kill loop over `askdocs index` ------------------------------------------------------------------

def state_of(index, expected):
    """'A' or 'B' when the index holds exactly that corpus; else a description of what is wrong."""
    problem = integrity(index)
    if problem:
        return None, "integrity: " + problem
    fp = fingerprint(index)
    for name, (efp, eanswers) in expected.items():
        if fp == efp:
            got = answers(index)
            if got != eanswers:
                return None, f"fingerprint of {name} but other search results: {got!r:.300}"
            return name, None
    return None, f"mixed or unknown content: {fp[1]} documents, fingerprint {fp[0]}"


def index_kill_loop(a, b, expected, duration):
    index = os.path.join(work, "index.sqlite")
    corpus = os.path.join(work, "corpus")
    target = {"A": a, "B": b}
    point_corpus_at(a)
    r = run_index(corpus, index)
    if r.returncode != 0:
        fail("first index of A: " + r.stderr.strip())
        return
    current, why = state_of(index, expected)
    if current != "A":
        fail(f"after indexing A: {why}")
        return
    outcomes = {"kept the old corpus": 0, "committed the new corpus": 0, "finished before the kill": 0}
    phases = {"first third": 0, "second third": 0, "last third": 0}
    wal_at_kill = []
    runs = 0
    # Runs that end before their kill still count as checks, but not as kills: go on until --kills
    # SIGKILLs have landed in running indexers (or twice that many runs).
    while len(wal_at_kill) < args.kills and runs < 2 * args.kills:
        runs += 1
        goal = "B" if current == "A" else "A"
        point_corpus_at(target[goal])
        delay = rng.uniform(0, duration * 1.05)  # up to just past the commit
        fraction = delay / duration
        phase = "first third" if fraction < 1 / 3 else "second third" if fraction < 2 / 3 else "last third"
        proc = subprocess.Popen([askdocs, "index", "--no-vectors", "--corpus", corpus, "--index", index],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            wal = os.path.join(index + "-wal")
            wal_at_kill.append(os.path.getsize(wal) if os.path.exists(wal) else 0)
            proc.send_signal(signal.SIGKILL)
            phases[phase] += 1
        stderr = proc.communicate()[1].decode(errors="replace")
        if finished and proc.returncode != 0:
            fail(f"run {runs}: index exited {proc.returncode} on its own: {stderr.strip()[:300]}")
        state, why = state_of(index, expected)
        if state is None:
            fail(f"run {runs} at {delay:.3f} s ({'finished' if finished else 'killed'}), corpus {goal}: {why}")
            # Go on from a known state, so that one failure does not hide what follows.
            shutil.copy(os.path.join(work, f"clean-{current}.sqlite"), index)
            for suffix in ("-wal", "-shm"):
                if os.path.exists(index + suffix):
                    os.remove(index + suffix)
            continue
        if finished:
            outcomes["finished before the kill"] += 1
        elif state == goal:
            outcomes["committed the new corpus"] += 1
        else:
            outcomes["kept the old corpus"] += 1
        current = state
        if runs % 10 == 0:
            print(f"  {runs} runs: {outcomes}", flush=True)
    # The last run must complete and land on the corpus it was given.
    goal = "B" if current == "A" else "A"
    point_corpus_at(target[goal])
    r = run_index(corpus, index)
    state, why = state_of(index, expected)
    if r.returncode != 0 or state != goal:
        fail(f"final index onto {goal}: exit {r.returncode}, {why or state}: {r.stderr.strip()[:300]}")
    else:
        print(f"final index onto {goal}: completed, " + r.stdout.strip())
    killed = wal_at_kill
    print(f"index: {runs} runs, {len(killed)} SIGKILLed before they ended; outcomes {outcomes}")
    print(f"  kills by moment, in thirds of an unkilled run's {duration:.2f} s: {phases}")
    if killed:
        print(f"  WAL at the kill: {sum(1 for w in killed if w > 0)} with frames (max {max(killed) // 1024} KB)")
    return index


# -- `askdocs serve --watch` killed while it reindexes -----------------------------------------------------

def watch_kill_loop(a, b, expected, duration):
    index = os.path.join(work, "watch.sqlite")
    corpus = os.path.join(work, "corpus")
    target = {"A": a, "B": b}
    point_corpus_at(a)
    r = run_index(corpus, index)
    current, why = state_of(index, expected)
    if r.returncode != 0 or current != "A":
        fail(f"watch: first index of A: {why or r.stderr.strip()}")
        return
    outcomes = {"kept the old corpus": 0, "committed the new corpus": 0}
    for k in range(args.watch_kills):
        server = subprocess.Popen([askdocs, "serve", "--watch", "--no-vectors", "--port", "0", "--corpus", corpus, "--index", index,
                                   "--log-level", "warning"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = server.stdout.readline().decode()
        if not re.search(r"serving http://[^:]+:(\d+)/", line):
            fail(f"watch {k + 1}: no serving line: {line!r}")
            server.kill()
            server.wait()
            continue
        goal = "B" if current == "A" else "A"
        point_corpus_at(target[goal])
        # The watcher polls every 0.4 s and waits for two scans to agree (~0.15 s) before reindexing.
        delay = rng.uniform(0.3, 0.6 + duration * 1.1)
        time.sleep(delay)
        server.send_signal(signal.SIGKILL)
        server.wait()
        state, why = state_of(index, expected)
        if state is None:
            fail(f"watch kill {k + 1} at {delay:.3f} s, corpus {goal}: {why}")
            return
        outcomes["committed the new corpus" if state == goal else "kept the old corpus"] += 1
        current = state
    # Restarted once more and left alone, the server catches up with the corpus it watches.
    server = subprocess.Popen([askdocs, "serve", "--watch", "--no-vectors", "--port", "0", "--corpus", corpus, "--index", index,
                               "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    server.stdout.readline()
    goal = "B" if current == "A" else "A"
    point_corpus_at(target[goal])
    deadline = time.time() + 30
    state = None
    while time.time() < deadline and state != goal:
        time.sleep(0.5)
        if integrity(index) is None and fingerprint(index) == expected[goal][0]:
            state = goal
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=10)
    if state != goal:
        fail(f"watch: the restarted server did not catch up with corpus {goal}")
    print(f"watch: {args.watch_kills} servers SIGKILLed at a random moment after the swap (while noticing "
          f"it and reindexing); outcomes {outcomes}; "
          f"restarted server caught up: {state == goal}")


# -- the vector pass killed -----------------------------------------------------------------------------

def stored_vectors(index):
    """{(path, ordinal): int8 values as floats} and the count of vectors whose chunk is gone."""
    db = sqlite3.connect(index)
    try:
        orphans = db.execute("SELECT count(*) FROM chunk_vectors WHERE chunk_id NOT IN (SELECT id FROM chunks)").fetchone()[0]
        out = {}
        for path, ordinal, blob in db.execute("SELECT d.path, c.ordinal, v.vector FROM chunk_vectors v "
                                              "JOIN chunks c ON c.id = v.chunk_id JOIN documents d ON d.id = c.document_id"):
            scale = struct.unpack("<f", blob[:4])[0]
            out[(path, ordinal)] = [scale * b for b in struct.unpack(f"{len(blob) - 4}b", blob[4:])]
        return out, orphans
    finally:
        db.close()


def vector_kill_loop(a):
    """SIGKILLs `askdocs index` while it embeds: no kill loses a committed batch or leaves a vector without
    its chunk, and the run that finally completes holds what an uninterrupted one does."""
    corpus = os.path.join(work, "corpus")
    point_corpus_at(a)
    clean = os.path.join(work, "vectors-clean.sqlite")
    t = time.time()
    r = run_index(corpus, clean, timeout=900, vectors=True)
    duration = time.time() - t
    reference, _ = stored_vectors(clean)
    if r.returncode != 0 or not reference:
        print("vectors: no vectors written (is the model installed? askdocs model install); kills skipped")
        return
    index = os.path.join(work, "vectors.sqlite")
    r = run_index(corpus, index)  # text only: every kill below lands in the vector pass
    before = 0
    for k in range(args.vector_kills):
        proc = subprocess.Popen([askdocs, "index", "--corpus", corpus, "--index", index],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # A fifth to a half of a whole pass: past the first batch's commit (a tenth of the pass or less),
        # so that every run resumes from batches the one before committed, and short of the end.
        delay = rng.uniform(0.2, 0.5) * duration
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        problem = integrity(index)
        vectors, orphans = stored_vectors(index)
        if problem or orphans or len(vectors) < before:
            fail(f"vector kill {k + 1} at {delay:.2f} s: integrity {problem}, {orphans} orphan vectors, "
                 f"{len(vectors)} vectors after {before}")
            return
        print(f"  vector kill {k + 1} at {delay:.2f} s: {len(vectors)} of {len(reference)} chunks embedded, intact")
        before = len(vectors)
    r = run_index(corpus, index, timeout=900, vectors=True)
    vectors, orphans = stored_vectors(index)
    worst = min((sum(x * y for x, y in zip(vectors[key], ref)) /
                 max(1e-9, math.sqrt(sum(x * x for x in vectors[key]) * sum(y * y for y in ref)))
                 for key, ref in reference.items() if key in vectors), default=0)
    if r.returncode != 0 or orphans or set(vectors) != set(reference) or worst < 0.999:
        fail(f"vectors after resuming: exit {r.returncode}, {len(vectors)} of {len(reference)} chunks, "
             f"{orphans} orphans, lowest cosine with the uninterrupted run {worst:.4f}")
    else:
        print(f"vectors: {args.vector_kills} kills during a {duration:.1f} s pass; the resumed run completed "
              f"({r.stdout.strip().splitlines()[-1]}); all {len(vectors)} vectors match an uninterrupted run "
              f"(lowest cosine {worst:.4f})")


# -- damaged files --------------------------------------------------------------------------------------

def damaged_index_checks(index, corpus):
    """A damaged copy gives one line naming `askdocs index --full` (no stack trace), and --full recovers."""
    size = os.path.getsize(index)
    damages = {
        "truncated to half": lambda f: f.truncate(size // 2),
        "header garbled": lambda f: (f.seek(0), f.write(bytes(range(7, 107)))),
        "garbage in a middle page": lambda f: (f.seek((size // 4096 // 2) * 4096), f.write(bytes(4096 * [0xA5]))),
    }
    for name, damage in damages.items():
        copy = os.path.join(work, "damaged.sqlite")
        shutil.copy(index, copy)
        with open(copy, "r+b") as f:
            damage(f)
        lines = []
        for command in (["search", "--no-update", "--no-vectors", "boundary layer"],
                        ["ask", "--no-update", "--no-vectors", "heat conduction in slabs"]):
            r = subprocess.run([askdocs, *command, "--index", copy], capture_output=True, text=True, timeout=60)
            if r.returncode == 0:
                continue  # this damage is on pages these queries do not read
            err = r.stderr.strip()
            lines.append(err)
            if "askdocs index --full" not in err or len(err.splitlines()) != 1:
                fail(f"damaged index ({name}), {command[0]}: exit {r.returncode}, stderr {err[:400]!r}")
        r = subprocess.run([askdocs, "index", "--full", "--no-vectors", "--corpus", corpus, "--index", copy],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0 or integrity(copy) is not None:
            fail(f"damaged index ({name}): index --full did not recover: {r.stderr.strip()[:300]}")
        print(f"damaged index, {name}: {lines[0] if lines else '(unnoticed by the queries)'}; "
              f"index --full: {'recovered' if r.returncode == 0 else 'FAILED'}")
        for suffix in ("", "-wal", "-shm", ".damaged"):
            if os.path.exists(copy + suffix):
                os.remove(copy + suffix)


def main():
    if not os.path.exists(askdocs):
        sys.exit(f"no binary at {askdocs}; run `swift build -c release` first")
    started = time.time()
    print(f"work folder {work}, seed {seed}")
    a, b, pages, quarter, changed = build_corpora(work, REPO, rng)
    print(f"corpus A: {pages} pages; B: {quarter} removed, {changed} changed, {quarter} added")
    expected = {}
    for name, folder in (("A", a), ("B", b)):
        clean = os.path.join(work, f"clean-{name}.sqlite")
        point_corpus_at(folder)
        r = run_index(os.path.join(work, "corpus"), clean)
        if r.returncode != 0:
            sys.exit(f"clean index of {name} failed: {r.stderr}")
        expected[name] = (fingerprint(clean), answers(clean))
    if expected["A"][0] == expected["B"][0] or expected["A"][1] == expected["B"][1]:
        sys.exit("A and B must index (and answer) differently for the check to mean anything")
    # How long a run that switches corpora takes, unkilled: the window the kills are spread over.
    timing = os.path.join(work, "timing.sqlite")
    shutil.copy(os.path.join(work, "clean-A.sqlite"), timing)
    point_corpus_at(b)
    t = time.time()
    r = run_index(os.path.join(work, "corpus"), timing)
    duration = time.time() - t
    print(f"a clean switch A -> B takes {duration:.2f} s: {r.stdout.strip()}")
    if duration < 0.5:
        print("warning: the switch is shorter than 0.5 s; kills land in a narrow window")

    index = index_kill_loop(a, b, expected, duration)
    if args.watch_kills:
        watch_kill_loop(a, b, expected, duration)
    if index:
        damaged_index_checks(index, os.path.join(work, "corpus"))
    if args.vector_kills:
        vector_kill_loop(a)

    print(f"summary: {args.kills} index kills, {args.watch_kills} watch kills, {args.vector_kills} vector kills, "
          f"{len(failures)} failures "
          f"(integrity, mixed content, errors), "
          f"{time.time() - started:.0f} s (seed {seed})")
    if not args.keep and not failures:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


main()
