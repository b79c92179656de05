#!/usr/bin/env python3
"""Issue #17's faults, on the release binary, each printing its figures:

  writers   rounds of 2-5 writers started together on one index (CLI `index`, the automatic update of
            `ask` and `search`, `POST /api/reindex`) while a `serve --watch` server over the same corpus
            reindexes too; the corpus changes before each round (pages edited, added, removed). Every
            writer must succeed (no SQLite text, no UNIQUE or "already exists" errors) and the index must
            equal a clean build of the corpus after each round.
  full      an index on a 6 MB tmpfs that fills up: `ask` answers from the old index after one warning
            line, `index` fails with one line naming the full disk, `serve` starts and reports it in
            /healthz (503); freeing space lets the next `index` finish.
  readonly  an index on a read-only bind mount (folder) and a read-only bind-mounted file: `search` and
            `ask` answer with one line saying it is read-only.
  unmount   `serve --watch` over a corpus on a tmpfs that is unmounted: the index keeps its documents,
            /healthz says degraded with the reason, answers keep coming.
  garble    pages of a live server's index garbled: answers are 503 without paths or SQL, /healthz is 503
            with the damage; `askdocs index --full` beside the running server brings both back to 200.

Mounting needs root (CI has it); without it those faults are skipped with a line saying so.

    python3 scripts/fault_probe.py                  # all, 100 rounds of writers
    python3 scripts/fault_probe.py --rounds 10      # the short run .ci/run makes
    python3 scripts/fault_probe.py --only writers
"""

import argparse, json, os, random, shutil, signal, subprocess, sys, tempfile, time, urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from index_state import fingerprint, integrity

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--askdocs", default=os.path.join(REPO, ".build/release/askdocs"))
parser.add_argument("--rounds", type=int, default=100)
parser.add_argument("--only", choices=["writers", "full", "readonly", "unmount", "garble"])
parser.add_argument("--seed", type=int, default=None)
args = parser.parse_args()
seed = args.seed if args.seed is not None else random.randrange(1 << 30)
rng = random.Random(seed)
work = tempfile.mkdtemp(prefix="askdocs-faults-")
TOKEN = "fault-probe-token-0123456789"
failures = []
mounts = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"  FAIL: {message}", flush=True)
    return condition


def askdocs(*arguments, timeout=300):
    r = subprocess.run([args.askdocs, *arguments], capture_output=True, text=True, timeout=timeout, cwd=work)
    return r.returncode, r.stdout, r.stderr


def mount(*arguments):
    subprocess.run(["mount", *arguments], check=True)
    mounts.append(arguments[-1])


def umount(point):
    subprocess.run(["umount", "-l", point], check=False, stderr=subprocess.DEVNULL)  # twice is harmless
    if point in mounts:
        mounts.remove(point)


def is_root():
    return os.geteuid() == 0 and shutil.which("mount") is not None


def page(n, revision=0):
    words = ("flow pressure wing shock boundary layer heat transfer buckling load plate cylinder nozzle turbulent "
             "laminar supersonic hypersonic velocity profile").split()
    local = random.Random(n * 1000 + revision)
    body = "\n\n".join(" ".join(local.choice(words) for _ in range(60)) + " ." for _ in range(4))
    return f"# Report {n}\n\n## Findings of report {n}\n\n{body}\n\nRevision {revision} of report {n}.\n"


def make_corpus(folder, pages=300):
    os.makedirs(folder, exist_ok=True)
    for n in range(pages):
        with open(os.path.join(folder, f"report-{n}.md"), "w") as f:
            f.write(page(n))


def build(corpus, index, pages):
    """`pages` generated pages in `corpus`, indexed into `index` (words only); a failure is a failure."""
    make_corpus(corpus, pages)
    code, _, err = askdocs("index", "--no-vectors", "--corpus", corpus, "--index", index)
    check(code == 0, f"building {index}: {err}")


def bind_read_only(source, target):
    """`source` (a file or folder) seen read-only at `target`."""
    mount("--bind", source, target)
    subprocess.run(["mount", "-o", "remount,ro,bind", target], check=True)


def start_server(corpus, index, *extra, env=None):
    environment = dict(os.environ, **(env or {}))
    server = subprocess.Popen([args.askdocs, "serve", "--no-vectors", "--port", "0", "--log-level", "warning",
                               "--corpus", corpus, "--index", index, *extra], stdout=subprocess.PIPE,
                              stderr=open(os.path.join(work, "serve.log"), "ab"), start_new_session=True,
                              env=environment, cwd=work)
    line = server.stdout.readline().decode()
    if "serving" not in line:
        raise SystemExit(f"the server did not start: {line!r}; see {work}/serve.log")
    return server, int(line.split("http://127.0.0.1:")[1].split("/")[0])


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    return server.wait(timeout=60)


def http(port, path, method="GET", token=None, timeout=120):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


RAW_ERRORS = ("SQLite error", "UNIQUE constraint", "already exists", "INSERT", "SELECT", "(in: ")


def clean_fingerprint(corpus):
    clean = os.path.join(work, "clean.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(clean + suffix):
            os.remove(clean + suffix)
    code, out, err = askdocs("index", "--no-vectors", "--corpus", corpus, "--index", clean)
    assert code == 0, err
    return fingerprint(clean)


def writers():
    print(f"== writers: {args.rounds} rounds of 2-5 concurrent writers beside a serve --watch (seed {seed})", flush=True)
    corpus, index = os.path.join(work, "writers-corpus"), os.path.join(work, "writers.sqlite")
    build(corpus, index, 300)
    server, port = start_server(corpus, index, "--watch", env={"ASKDOCS_TOKEN": TOKEN})
    kinds = ["index", "ask", "search", "http"]
    counts = {k: 0 for k in kinds}
    errors, mismatches, waits = 0, 0, 0
    next_page = 300
    started = time.monotonic()
    try:
        for round_number in range(args.rounds):
            names = sorted(os.listdir(corpus))
            for name in rng.sample(names, min(len(names), rng.randint(5, 60))):
                with open(os.path.join(corpus, name), "a") as f:
                    f.write(f"\n\nAddendum {round_number}: the measured drag of model {name} changed.\n")
            for name in rng.sample(names, rng.randint(0, 5)):
                os.remove(os.path.join(corpus, name))
            for _ in range(rng.randint(0, 5)):
                with open(os.path.join(corpus, f"report-{next_page}.md"), "w") as f:
                    f.write(page(next_page))
                next_page += 1
            chosen = [rng.choice(kinds) for _ in range(rng.randint(2, 5))]

            def run(kind):
                counts[kind] += 1
                if kind == "http":
                    status, body = http(port, "/api/reindex", "POST", token=TOKEN, timeout=600)
                    return kind, status == 200, body
                if kind == "index":
                    code, out, err = askdocs("index", "--no-vectors", "--index", index)
                elif kind == "ask":
                    code, out, err = askdocs("ask", "--no-vectors", "--index", index, "what changed in the drag of the model?")
                else:
                    code, out, err = askdocs("search", "--no-vectors", "--index", index, "buckling load")
                return kind, code == 0 and not any(e in err for e in RAW_ERRORS), err

            with ThreadPoolExecutor(len(chosen)) as pool:
                for kind, ok, detail in pool.map(run, chosen):
                    if "waiting for it to finish" in detail:
                        waits += 1
                    if not check(ok, f"round {round_number}: {kind} failed: {detail.strip()[:300]}"):
                        errors += 1
            expected = clean_fingerprint(corpus)
            got = fingerprint(index)
            if not check(got == expected, f"round {round_number}: index {got} differs from a clean build {expected}"):
                mismatches += 1
        problems = integrity(index)
        check(problems is None, f"integrity after the rounds: {problems}")
    finally:
        check(stop_server(server) == 0, "the watch server did not exit 0 on SIGTERM")
    seconds = time.monotonic() - started
    writers_run = sum(counts.values())
    print(f"writers: {args.rounds} rounds, {writers_run} writers ({counts['index']} index, {counts['ask']} ask, "
          f"{counts['search']} search, {counts['http']} HTTP reindex) beside a --watch server; "
          f"{errors} errors, {mismatches} rounds differing from a clean build, {waits} waited for the lock; "
          f"{seconds:.0f} s", flush=True)


def full_disk():
    print("== full disk: an index on a 6 MB tmpfs that fills up", flush=True)
    disk = os.path.join(work, "disk")
    os.makedirs(disk)
    mount("-t", "tmpfs", "-o", "size=6m", "tmpfs", disk)
    try:
        corpus, index = os.path.join(work, "full-corpus"), os.path.join(disk, "askdocs.sqlite")
        build(corpus, index, 100)
        before = fingerprint(index)
        make_corpus(corpus, 250)  # more than the disk has left once the filler is in, less than it has without
        with open(os.path.join(disk, "filler"), "wb") as f:
            f.write(b"\0" * (int(os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize) - 200_000))
        code, out, err = askdocs("search", "--no-vectors", "--index", index, "buckling load")
        lines = [l for l in err.splitlines() if l.strip()]
        check(code == 0 and "Report" in out, f"search on a full disk: exit {code}, {out[:200]} {err}")
        check(any("is full" in l for l in lines) and not any(e in err for e in RAW_ERRORS), f"search's warning: {err}")
        print(f"full: search answered (exit {code}) after {len(lines)} line(s) on stderr: {lines[-1] if lines else ''}")
        code, out, err = askdocs("index", "--no-vectors", "--index", index)
        check(code != 0 and "is full" in err and len(err.strip().splitlines()) <= 2
              and not any(e in err for e in RAW_ERRORS), f"index on a full disk: exit {code}: {err}")
        print(f"full: index exits {code}: {err.strip().splitlines()[-1] if err.strip() else ''}")
        check(fingerprint(index) == before and integrity(index) is None, "the index changed or broke on the full disk")
        server, port = start_server(corpus, index)
        try:
            status, body = http(port, "/healthz")
            check(status == 503 and "full" in body, f"/healthz on a full disk: {status} {body}")
            asked = http(port, "/api/ask?q=buckling+load")
            check(asked[0] == 200, f"/api/ask on a full disk: {asked}")
            print(f"full: serve started; /healthz {status} {json.loads(body).get('status')}; /api/ask {asked[0]}")
        finally:
            stop_server(server)
        os.remove(os.path.join(disk, "filler"))
        code, out, err = askdocs("index", "--no-vectors", "--index", index)
        check(code == 0, f"index after freeing space: {err}")
        print(f"full: after freeing space, index exits {code}: {out.strip().splitlines()[-1] if out.strip() else err}")
    finally:
        umount(disk)


def read_only():
    print("== read-only: an index on a read-only bind mount, and a read-only bind-mounted file", flush=True)
    corpus, source = os.path.join(work, "ro-corpus"), os.path.join(work, "ro-source")
    os.makedirs(source)
    index = os.path.join(source, "askdocs.sqlite")
    build(corpus, index, 50)
    view = os.path.join(work, "ro-view")
    os.makedirs(view)
    bind_read_only(source, view)
    try:
        for command in (["search", "--no-vectors", "buckling load"], ["ask", "--no-vectors", "what is the buckling load?"]):
            code, out, err = askdocs(command[0], "--index", os.path.join(view, "askdocs.sqlite"), *command[1:])
            check(code == 0 and out.strip() and "read-only" in err and len(err.strip().splitlines()) == 1,
                  f"{command[0]} on a read-only folder: exit {code} {err}")
            print(f"readonly folder: {command[0]} exits {code}; stderr: {err.strip()}")
    finally:
        umount(view)
    with open(os.path.join(corpus, "report-0.md"), "a") as f:
        f.write("\n\nA late revision that the read-only index cannot take in.\n")
    target = os.path.join(work, "ro-file.sqlite")
    open(target, "w").close()
    bind_read_only(index, target)
    try:
        code, out, err = askdocs("search", "--no-vectors", "--index", target, "buckling load")
        check(code == 0 and out.strip() and "read-only" in err and len(err.strip().splitlines()) <= 2,
              f"search on a read-only file: exit {code} {err}")
        print(f"readonly file: search exits {code}; stderr: {err.strip()}")
    finally:
        umount(target)


def unmount():
    print("== unmount: serve --watch over a corpus on a tmpfs that is unmounted", flush=True)
    point, index = os.path.join(work, "mnt"), os.path.join(work, "unmount.sqlite")
    os.makedirs(point)
    mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", point)
    build(point, index, 80)
    server, port = start_server(point, index, "--watch")
    try:
        before = json.loads(http(port, "/healthz")[1])["documents"]
        umount(point)
        time.sleep(3)
        status, body = http(port, "/healthz")
        health = json.loads(body)
        asked = http(port, "/api/ask?q=buckling+load")
        check(health["documents"] == before == 80, f"documents after the unmount: {health}")
        check(status == 503 and "holds no documents now" in health.get("updateError", ""), f"/healthz: {status} {body}")
        check(asked[0] == 200 and "Report" in asked[1], f"/api/ask after the unmount: {asked[0]}")
        print(f"unmount: {before} documents before, {health['documents']} 3 s after; /healthz {status} "
              f"{health['status']}: {health.get('updateError', '')[:90]}…; /api/ask {asked[0]}")
    finally:
        stop_server(server)
        umount(point)


def garble():
    print("== garble: pages of a live server's index garbled, then rebuilt beside it", flush=True)
    corpus, index = os.path.join(work, "garble-corpus"), os.path.join(work, "garble.sqlite")
    build(corpus, index, 200)
    server, port = start_server(corpus, index, "--no-update")
    try:
        size = os.path.getsize(index)
        with open(index, "r+b") as f:
            for offset in range(size // 3, size - 8192, 4096 * 3):
                f.seek(offset)
                f.write(os.urandom(4096))
        statuses, leaks = [], 0
        for n in range(40):
            status, body = http(port, f"/api/search?q=report+{n}+findings")
            statuses.append(status)
            leaks += any(s in body for s in (index, "SQLite", "SELECT"))
        damaged = statuses.count(503)
        check(damaged > 0, f"no request met the damage: {statuses}")
        check(all(s in (200, 503) for s in statuses) and leaks == 0, f"statuses {statuses}, {leaks} leaked paths or SQL")
        status, body = http(port, "/healthz")
        check(status == 503 and "damaged" in body, f"/healthz after the damage: {status} {body}")
        print(f"garble: {damaged} of 40 searches 503 (the rest 200), {leaks} bodies with a path or SQL; /healthz {status}")
        code, out, err = askdocs("index", "--full", "--no-vectors", "--index", index, "--corpus", corpus)
        check(code == 0, f"index --full beside the server: {err}")
        deadline, status = time.monotonic() + 15, 0
        while time.monotonic() < deadline:
            status, body = http(port, "/healthz")
            if status == 200:
                break
            time.sleep(0.5)
        after = [http(port, f"/api/search?q=report+{n}+findings")[0] for n in range(40)]
        check(status == 200 and all(s == 200 for s in after), f"after the rebuild: /healthz {status}, searches {set(after)}")
        print(f"garble: after `index --full` beside the server, /healthz {status} and {after.count(200)} of 40 searches 200")
    finally:
        stop_server(server)


def main():
    try:
        faults = {"writers": writers, "full": full_disk, "readonly": read_only, "unmount": unmount, "garble": garble}
        for name, probe in faults.items():
            if args.only and args.only != name:
                continue
            if name in ("full", "readonly", "unmount") and not is_root():
                print(f"== {name}: skipped (mounting needs root)")
                continue
            probe()
    finally:
        for point in list(mounts):
            umount(point)
    if failures:
        print(f"{len(failures)} failure(s); work folder kept: {work}")
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print("all faults held")


main()
