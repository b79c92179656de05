#!/usr/bin/env python3
"""`askdocs serve` against hostile and unlucky clients, through raw sockets on the release binary:

  slow      hundreds of slowloris connections (a header byte a second), body tricklers and silent
            connections while a normal client keeps asking: the normal requests must all succeed quickly
            and every slow connection must be closed by the server soon after --read-timeout.
  limits    a 100 KB header, a 100 KB URL, a body over the limit (427 KB, which no valid request
            reaches), a huge declared Content-Length, and raw `..` paths: 400/400/400/400/404, never a
            file from disk.
  shutdown  SIGTERM with requests in flight (heads read, bodies half sent) and a reindex over HTTP: every
            one gets a complete 200 and the server exits 0; then SIGTERM at random moments of a --watch
            reindex of Cranfield (1,400 pages): afterwards the index passes integrity_check and holds
            exactly the old or the new corpus.

    python3 scripts/server_stress.py [--slow 300] [--read-timeout 2] [--shutdown-trials 3]
    python3 scripts/server_stress.py --slow 300 --read-timeout 10 --shutdown-trials 20   # the README's long run
"""
import argparse, asyncio, json, os, random, resource, shutil, signal, socket, sqlite3, statistics
import subprocess, sys, tempfile, threading, time, urllib.parse

from ab_corpora import build_corpora
from index_state import fingerprint, integrity

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--askdocs", default=os.path.join(REPO, ".build/release/askdocs"))
ap.add_argument("--slow", type=int, default=300, help="slowloris connections")
ap.add_argument("--read-timeout", type=float, default=2.0, help="the server's --read-timeout for the slow test")
ap.add_argument("--shutdown-trials", type=int, default=3, help="SIGTERMs during a --watch reindex")
ap.add_argument("--only", choices=["slow", "limits", "shutdown"])
ap.add_argument("--seed", type=int)
args = ap.parse_args()
seed = args.seed if args.seed is not None else random.randrange(1 << 30)
rng = random.Random(seed)
work = tempfile.mkdtemp(prefix="askdocs-stress-")
failures = []

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
needed = args.slow * 2 + 512
if soft < needed:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard) if hard != resource.RLIM_INFINITY else needed, hard))


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message, flush=True)
    return condition


def start_server(corpus, index, *extra):
    server = subprocess.Popen([args.askdocs, "serve", "--no-vectors", "--port", "0", "--log-level", "warning", "--corpus", corpus,
                               "--index", index, *extra], stdout=subprocess.PIPE,
                              stderr=open(os.path.join(work, "serve.log"), "ab"), start_new_session=True)
    line = server.stdout.readline().decode()  # "askdocs: serving http://127.0.0.1:PORT/ …" once listening
    if "serving" not in line:
        sys.exit(f"the server did not start: {line!r}")
    return server, int(line.split("http://127.0.0.1:")[1].split("/")[0])


def stop_server(server, timeout=30):
    os.killpg(server.pid, signal.SIGTERM)
    return server.wait(timeout=timeout)


def exchange(port, raw, timeout=10, timings=None):
    """Sends raw bytes, reads until the server closes or the timeout; returns what came back (and puts
    the seconds to the first byte and to the close in `timings`)."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading everything we meant to send
        data, first = b"", None
        try:
            while chunk := s.recv(65536):
                first = first or time.monotonic() - start
                data += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        if timings is not None:
            timings.extend([first, time.monotonic() - start])
        return data


def get(port, path, timeout=10):
    """One request on its own connection; (status, body, seconds)."""
    start = time.monotonic()
    data = exchange(port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(), timeout)
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.1 ") else None
    return status, body, time.monotonic() - start


def shipped_corpus():
    corpus = os.path.join(work, "corpus-shipped")
    if not os.path.isdir(corpus):
        shutil.copytree(os.path.join(REPO, "Corpus"), corpus)
    return corpus


# -- slow clients ----------------------------------------------------------------------------------------

async def slow_client(port, kind, opened, closed_after):
    """Opens a connection and trickles a byte a second (or nothing) until the server closes it."""
    start = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as e:
        closed_after.append((kind, None, f"connect: {e}"))
        return
    opened.append(kind)
    if kind == "header":
        writer.write(b"GET /api/ask?q=orm HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        trickle = b"a" * 10_000
    elif kind == "body":
        writer.write(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 10000\r\n\r\n{\"question\": \"")
        trickle = b"a" * 10_000
    else:  # silent: connects and says nothing
        trickle = b""
    i = 0
    while True:
        try:
            await writer.drain()
            got = await asyncio.wait_for(reader.read(65536), timeout=1.0)
            if not got:  # EOF: the server closed it
                break
            # A response would mean the server waited for the slow request and served it.
            closed_after.append((kind, time.monotonic() - start, "answered: " + got[:40].decode(errors="replace")))
            writer.close()
            return
        except asyncio.TimeoutError:
            pass
        except (ConnectionResetError, BrokenPipeError):
            break
        if time.monotonic() - start > 120:
            closed_after.append((kind, None, "still open after 120 s"))
            writer.close()
            return
        if trickle:
            writer.write(trickle[i:i + 1])
            i += 1
    closed_after.append((kind, time.monotonic() - start, None))
    writer.close()


def normal_requests(port, stop, latencies, errors):
    question = "/api/ask?q=" + urllib.parse.quote("which is fastest with a database?")
    while not stop.is_set():
        try:
            status, body, seconds = get(port, question, timeout=5)
            if status == 200 and b"FastAPI" in body:
                latencies.append(seconds)
            else:
                errors.append(f"status {status}")
        except OSError as e:
            errors.append(str(e))
        time.sleep(0.05)


def test_slow_clients():
    index = os.path.join(work, "slow.sqlite")
    server, port = start_server(shipped_corpus(), index, "--cache", "0", "--read-timeout", str(args.read_timeout))
    # Latency with no attack, for comparison.
    baseline = sorted(get(port, "/api/ask?q=" + urllib.parse.quote("which is fastest with a database?"))[2]
                      for _ in range(40))
    kinds = ["header"] * args.slow + ["body"] * max(1, args.slow // 6) + ["silent"] * max(1, args.slow // 6)
    latencies, errors, opened, closed_after = [], [], [], []
    stop = threading.Event()
    normal = threading.Thread(target=normal_requests, args=(port, stop, latencies, errors))

    async def attack():
        tasks = [asyncio.create_task(slow_client(port, kind, opened, closed_after)) for kind in kinds]
        await asyncio.sleep(0.5)  # connections are open and trickling before the normal client measures
        normal.start()
        await asyncio.gather(*tasks)

    asyncio.run(attack())
    stop.set()
    normal.join()
    exit_code = stop_server(server)

    def pct(xs, p):
        return sorted(xs)[min(len(xs) - 1, int(len(xs) * p))] * 1000 if xs else float("nan")
    times = [t for _, t, problem in closed_after if t is not None and problem is None]
    problems = [(k, problem) for k, _, problem in closed_after if problem]
    limit = args.read_timeout + 1.5  # the timer's granularity plus this script's one-second polling
    print(f"slow clients: {len(opened)} of {len(kinds)} connections opened ({kinds.count('header')} header "
          f"tricklers, {kinds.count('body')} body tricklers, {kinds.count('silent')} silent), read timeout "
          f"{args.read_timeout:g} s; closed by the server after {min(times, default=0):.1f}–{max(times, default=0):.1f} s "
          f"(median {statistics.median(times) if times else 0:.1f} s)")
    print(f"  normal requests during the attack: {len(latencies)} ok, {len(errors)} failed, "
          f"p50 {pct(latencies, 0.5):.1f} ms, p99 {pct(latencies, 0.99):.1f} ms, max {pct(latencies, 1.0):.1f} ms "
          f"(without attack: p50 {pct(baseline, 0.5):.1f} ms, max {pct(baseline, 1.0):.1f} ms)")
    check(len(opened) == len(kinds), f"only {len(opened)} of {len(kinds)} slow connections opened")
    check(not problems, f"slow connections not closed properly: {problems[:5]}")
    check(times and max(times) <= limit, f"a slow connection lasted {max(times, default=0):.1f} s > {limit} s")
    check(not errors, f"normal requests failed during the attack: {errors[:5]}")
    check(len(latencies) >= 10, f"only {len(latencies)} normal requests completed")
    check(pct(latencies, 0.99) < 250, f"normal-request p99 {pct(latencies, 0.99):.0f} ms during the attack")
    check(exit_code == 0, f"server exit code {exit_code} after SIGTERM")


# -- limits ----------------------------------------------------------------------------------------------

def status_of(data):
    return int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1 ") else None


def test_limits():
    # A refused body leaves the connection open (keep-alive) until the read timeout closes it.
    server, port = start_server(shipped_corpus(), os.path.join(work, "limits.sqlite"),
                                "--read-timeout", str(args.read_timeout))
    pad = "a" * (100 * 1024)
    cases = [
        ("100 KB header", f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: {pad}\r\n\r\n".encode(), 400),
        ("100 KB URL", f"GET /api/ask?q={pad} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 400),
        ("101 headers", ("GET /healthz HTTP/1.1\r\nHost: x\r\n" + "".join(f"X-{i}: y\r\n" for i in range(101))
                         + "\r\n").encode(), 400),
        ("body over the limit", b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 437537\r\n\r\n" + b"a" * 437537, 400),
        ("10 GB declared", b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 10737418240\r\n\r\n{", 400),
        ("raw ../ path", b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
        ("encoded ../ path", b"GET /..%2f..%2fetc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
        ("absolute-form URL", b"GET http://x/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404),
    ]
    for name, raw, expected in cases:
        timings = []
        data = exchange(port, raw, timeout=15, timings=timings)
        got = status_of(data)
        first = f"{timings[0] * 1000:.0f} ms" if timings[0] is not None else "never"
        print(f"limits: {name}: {got} after {first}, connection closed after {timings[1]:.1f} s")
        check(got == expected, f"{name}: expected {expected}, got {data[:80]!r}")
        check(timings[0] is not None and timings[0] < 1, f"{name}: no prompt answer")
        check(timings[1] < args.read_timeout + 2, f"{name}: the connection stayed open {timings[1]:.1f} s")
        check(b"root:" not in data, f"{name}: /etc/passwd leaked")
    check(get(port, "/healthz")[0] == 200, "the server stopped answering after the limit cases")
    check(stop_server(server) == 0, "server exit code after SIGTERM")


# -- graceful shutdown -----------------------------------------------------------------------------------


def point_corpus_at(target):
    link, tmp = os.path.join(work, "corpus"), os.path.join(work, "corpus.next")
    if os.path.lexists(tmp):
        os.remove(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, link)
    return link


def content_state(index):
    """The index's content fingerprint, or what is wrong with it."""
    problem = integrity(index)
    if problem:
        return problem
    try:
        return fingerprint(index)[0]
    except sqlite3.Error as e:
        return f"{type(e).__name__}: {e}"


def post_in_two_halves(port, body, results, i, ready):
    """Sends the head and half the body, waits for the go, sends the rest; records the response."""
    head = (f"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
            s.sendall(head + body[:len(body) // 2])
            ready.wait()
            s.sendall(body[len(body) // 2:])
            data = b""
            while chunk := s.recv(65536):
                data += chunk
                head_part, _, rest = data.partition(b"\r\n\r\n")
                length = [int(l.split(b":")[1]) for l in head_part.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    break
            head_part, _, rest = data.partition(b"\r\n\r\n")
            results[i] = (status_of(data), json.loads(rest) if rest else None)
    except Exception as e:  # noqa: BLE001 — any failure is this request's result
        results[i] = (None, repr(e))


def test_shutdown():
    a, b = build_corpora(work, REPO, rng)[:2]
    corpus = point_corpus_at(a)
    pristine = os.path.join(work, "A.sqlite")
    subprocess.run([args.askdocs, "index", "--no-vectors", "--corpus", corpus, "--index", pristine], check=True, capture_output=True)
    expected_b = os.path.join(work, "B.sqlite")
    subprocess.run([args.askdocs, "index", "--no-vectors", "--corpus", b, "--index", expected_b], check=True, capture_output=True)
    expected = {content_state(pristine): "A", content_state(expected_b): "B"}
    # The same corpus at another path must give the same fingerprint (paths are relative).
    check(len(expected) == 2, "corpora A and B index identically")

    # 1. In-flight requests: 16 POSTs with their heads read and bodies half sent, plus a reindex over HTTP
    #    of the A→B change, when SIGTERM arrives.
    index = os.path.join(work, "inflight.sqlite")
    shutil.copy(pristine, index)
    token = "stress-token-" + os.urandom(8).hex()
    env_server = subprocess.Popen([args.askdocs, "serve", "--no-vectors", "--port", "0", "--log-level", "warning", "--cache", "0",
                                   "--corpus", corpus, "--index", index], stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(work, "serve.log"), "ab"), start_new_session=True,
                                  env=dict(os.environ, ASKDOCS_TOKEN=token))
    port = int(env_server.stdout.readline().decode().split("http://127.0.0.1:")[1].split("/")[0])
    questions = ["what is the boundary layer on a flat plate?", "heat transfer at hypersonic speed",
                 "buckling of thin cylindrical shells under axial load", "which is fastest with a database?"]
    results, ready = {}, threading.Event()
    threads = [threading.Thread(target=post_in_two_halves, args=(
        port, json.dumps({"question": questions[i % len(questions)]}).encode(), results, i, ready)) for i in range(16)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # heads read by the server
    point_corpus_at(b)
    reindex_result = {}

    def reindex():
        raw = (f"POST /api/reindex HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\n"
               "Connection: close\r\n\r\n").encode()
        data = exchange(port, raw, timeout=60)
        reindex_result["status"] = status_of(data)
        reindex_result["body"] = data.partition(b"\r\n\r\n")[2]
    rt = threading.Thread(target=reindex)
    rt.start()
    time.sleep(0.15)  # the reindex is under way (it takes 0.5–1 s)
    sigterm_at = time.monotonic()
    os.killpg(env_server.pid, signal.SIGTERM)
    time.sleep(0.3)
    ready.set()
    for t in threads:
        t.join()
    rt.join()
    exit_code = env_server.wait(timeout=60)
    exit_seconds = time.monotonic() - sigterm_at
    ok = [r for r in results.values() if r[0] == 200 and isinstance(r[1], dict) and "answer" in r[1]]
    summary = json.loads(reindex_result.get("body") or b"{}") if reindex_result.get("status") == 200 else {}
    state = expected.get(content_state(index), content_state(index))
    print(f"shutdown: SIGTERM with 16 half-sent POST /api/ask and a reindex in flight: {len(ok)}/16 complete 200s, "
          f"reindex {reindex_result.get('status')} ({summary.get('summary', '')}), server exit {exit_code} "
          f"{exit_seconds:.1f} s after SIGTERM, index holds {state}")
    check(len(ok) == 16, f"in-flight requests lost: {[r for r in results.values() if r not in ok][:3]}")
    check(reindex_result.get("status") == 200, f"the in-flight reindex got {reindex_result}")
    check(exit_code == 0, f"exit code {exit_code}")
    check(state == "B", f"after a completed reindex the index holds {state}")

    # 2. SIGTERM at random moments of a --watch reindex A → B.
    outcomes = []
    for trial in range(args.shutdown_trials):
        point_corpus_at(a)
        index = os.path.join(work, f"watch-{trial}.sqlite")
        shutil.copy(pristine, index)
        server, port = start_server(corpus, index, "--watch", "--log-level", "info")
        point_corpus_at(b)
        # The watcher notices within 0.4 s, waits 0.15 s for the burst to settle, then reindexes for
        # 0.5–1 s: this spreads the signals over before, during and after the reindex.
        delay = rng.uniform(0.3, 2.0)
        time.sleep(delay)
        sigterm_at = time.monotonic()
        exit_code = stop_server(server, timeout=60)
        exit_seconds = time.monotonic() - sigterm_at
        state = expected.get(content_state(index), content_state(index))
        outcomes.append(state)
        print(f"shutdown: --watch trial {trial + 1}: SIGTERM {delay:.2f} s after the swap, exit {exit_code} after "
              f"{exit_seconds:.2f} s, index holds {state}")
        log_tail = open(os.path.join(work, "serve.log"), errors="replace").read().splitlines()[-4:]
        check(exit_code == 0, f"trial {trial}: exit code {exit_code}; log: {log_tail}")
        check(state in ("A", "B"), f"trial {trial}: index holds {state}")
    print(f"shutdown: {len(outcomes)} SIGTERMs during --watch: {outcomes.count('A')} kept A, "
          f"{outcomes.count('B')} committed B, {len(outcomes) - outcomes.count('A') - outcomes.count('B')} other")


try:
    print(f"seed {seed}")
    if args.only in (None, "limits"):
        test_limits()
    if args.only in (None, "slow"):
        test_slow_clients()
    if args.only in (None, "shutdown"):
        test_shutdown()
finally:
    shutil.rmtree(work, ignore_errors=True)
print("server stress: " + ("ok" if not failures else f"{len(failures)} failures"))
sys.exit(1 if failures else 0)
