#!/usr/bin/env python3
"""`askdocs serve --watch` under load: wrk asks distinct questions while posts are added, changed and
removed in the corpus every half second. Passes when wrk sees no socket errors (connect, read, write or
timeout) and no non-2xx response, and the last post written is answered from; prints req/s, p50 and p99.

    python3 scripts/watch_under_load.py [--seconds 10] [--connections 64]
    python3 scripts/watch_under_load.py --seconds 60 --connections 256     # the long run in the README
"""
import argparse, os, re, resource, shutil, signal, subprocess, sys, tempfile, threading, time, urllib.parse, urllib.request, json

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--seconds", type=int, default=10)
ap.add_argument("--connections", type=int, default=64)
ap.add_argument("--timeout", default="10s", help="wrk's per-request timeout; a request slower than this is an error")
args = ap.parse_args()

# Each connection is a descriptor in wrk and in the server (both inherit this limit).
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
needed = args.connections * 2 + 256
if soft < needed:
    if hard != resource.RLIM_INFINITY and hard < needed:
        sys.exit(f"ulimit -n is {soft} (hard {hard}); {args.connections} connections need about {needed}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))

work = tempfile.mkdtemp(prefix="askdocs-watch-")
corpus = os.path.join(work, "corpus")
shutil.copytree(os.path.join(REPO, "Corpus"), corpus)
cranfield = os.path.join(os.path.dirname(REPO), "shared/benchmarks/cranfield/corpus-md")
if os.path.isdir(cranfield):  # more to reindex, so readers overlap with real writes
    for name in sorted(os.listdir(cranfield))[:400]:
        shutil.copy(os.path.join(cranfield, name), corpus)
askdocs = os.path.join(REPO, ".build/release/askdocs")
# The cache is off so that every request really reads the index while reindexes commit.
server = subprocess.Popen([askdocs, "serve", "--watch", "--no-vectors", "--cache", "0", "--port", "18095", "--corpus", corpus,
                           "--index", os.path.join(work, "index.sqlite")],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
server.stdout.readline()  # "serving …" once the index is current and the port is bound

questions = ["which is fastest with a database?", "what does flask give you out of the box?",
             "how many companies use django in production?", "what is litestar",
             "boundary layer on a flat plate", "heat transfer at hypersonic speed"]
paths = os.path.join(work, "paths.txt")
with open(paths, "w") as f:
    for q in questions:
        f.write("/api/ask?q=" + urllib.parse.quote(q) + "\n")
lua = os.path.join(work, "cycle.lua")
with open(lua, "w") as f:
    f.write('local p = {}\nfor l in io.lines(os.getenv("PATHS")) do p[#p + 1] = l end\nlocal i = 0\n'
            'request = function() i = i % #p + 1 return wrk.format("GET", p[i]) end\n')

stop = threading.Event()
written = []
def churn():
    n = 0
    while not stop.is_set():
        n += 1
        name = os.path.join(corpus, f"post-{n}.md")
        with open(name, "w") as f:
            f.write(f"# Post {n}\n\nThe churn marker number {n} says the watcher indexed post {n}.\n\n"
                    + "Padding sentence about caches and queues. " * 50 + "\n")
        written.append(n)
        if n > 2 and n % 3 == 0:
            os.remove(os.path.join(corpus, f"post-{n - 2}.md"))
        time.sleep(0.5)
t = threading.Thread(target=churn)
t.start()
out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", args.timeout,
                      "--latency", "-s", lua,
                      "http://127.0.0.1:18095"], capture_output=True, text=True,
                     env=dict(os.environ, PATHS=paths)).stdout
stop.set()
t.join()
time.sleep(2.5)
last = written[-1]
answer = json.load(urllib.request.urlopen("http://127.0.0.1:18095/api/ask?q=" + urllib.parse.quote(
    f"what does churn marker number {last} say?")))["answer"]
os.killpg(server.pid, signal.SIGTERM)
exit_code = server.wait(timeout=20)
shutil.rmtree(work, ignore_errors=True)

rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
if not rps:
    sys.exit("wrk gave no summary:\n" + out)
requests = re.search(r"(\d+) requests in", out).group(1)
# The latency distribution's own lines: "+/- Stdev" columns such as "62.50%" end in "50%" too.
p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
errors = re.search(r"Socket errors: (.*)", out)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(f"wrk -t2 -c{args.connections} {args.seconds}s on /api/ask (cache off) during --watch reindexes of "
      f"{len(written)} writes: {requests} requests, {rps.group(1)} req/s, p50 {p50}, p99 {p99}, "
      f"socket errors: {errors.group(1) if errors else 'none'}, non-2xx: {non2xx.group(1) if non2xx else 0}; "
      f"last post answered: {f'post {last}' in answer}; exit on SIGTERM: {exit_code}")
ok = exit_code == 0 and not errors and not non2xx and f"post {last}" in answer
sys.exit(0 if ok else 1)
