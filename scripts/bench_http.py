#!/usr/bin/env python3
"""HTTP throughput and latency with wrk: `askdocs serve` beside the FastAPI peer (../shared/peers), in one
run, on the same corpus. Distinct questions (the corpus' query set, AskDocs' answer cache off), one
repeated question (cache on), and FastAPI's constant JSON hello for reference.

    python3 scripts/bench_http.py [--corpus DIR] [--queries queries.jsonl] [--duration 10] [--connections 64]

Needs wrk (Debian) and the peers' PyPI packages (a venv at .venv-peers is made if missing).
"""
import argparse, json, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.parse, urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
ap = argparse.ArgumentParser()
ap.add_argument("--corpus", default=os.path.join(SHARED, "benchmarks/cranfield/corpus-md"))
ap.add_argument("--queries", default=os.path.join(SHARED, "benchmarks/cranfield/queries.jsonl"))
ap.add_argument("--duration", type=int, default=10)
ap.add_argument("--connections", type=int, default=64)
ap.add_argument("--threads", type=int, default=2)
args = ap.parse_args()

work = tempfile.mkdtemp(prefix="askdocs-bench-")
venv = os.path.join(REPO, ".venv-peers")
if not os.path.exists(os.path.join(venv, "bin", "uvicorn")):
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "-r",
                    os.path.join(SHARED, "peers/requirements.txt")], check=True)
askdocs = os.path.join(REPO, ".build/release/askdocs")
subprocess.run(["swift", "build", "-c", "release", "--product", "askdocs"], cwd=REPO, check=True,
               stdout=subprocess.DEVNULL)

questions = [(lambda o: o.get("text") or o.get("question"))(json.loads(l)) for l in open(args.queries) if l.strip()]
paths = os.path.join(work, "paths.txt")
with open(paths, "w") as f:
    for q in questions:
        f.write("/api/ask?q=" + urllib.parse.quote(" ".join(q.split())[:900]) + "\n")
lua = os.path.join(work, "cycle.lua")
with open(lua, "w") as f:
    f.write("""
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
""")

def wait_ready(port):
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=x", timeout=1).read()
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"server on {port} did not start")

def wrk(port, path=None, script=False):
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    if script:
        cmd += ["-s", lua]
    out = subprocess.run(cmd + [f"http://127.0.0.1:{port}{path or '/'}"], capture_output=True, text=True,
                         env=dict(os.environ, PATHS=paths)).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def ms(label):
        # The latency distribution's own line, not a "+/- Stdev" column that also ends in "50%".
        m = re.search(r"^\s+" + label + r"\s+([\d.]+)(us|ms|s)", out, re.M)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"),
            "errors": (errors.group(1) if errors else "0") + ("; non-2xx " + non2xx.group(1) if non2xx else "")}

def rss_kb(pid):
    try:
        return int(re.search(r"VmHWM:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))
    except Exception:
        return 0

def start(cmd, env=None, cwd=None):
    return subprocess.Popen(cmd, env=dict(os.environ, **(env or {})), cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)

def stop(p):
    os.killpg(p.pid, signal.SIGTERM)
    p.wait(timeout=20)

results = []
# AskDocs: index once, then a server with the cache off (distinct questions) and one with it on.
index = os.path.join(work, "askdocs.sqlite")
subprocess.run([askdocs, "index", "--corpus", args.corpus, "--index", index], check=True, stderr=subprocess.DEVNULL)
for cache, label, kwargs in (("0", "distinct questions", {"script": True}),
                             ("2048", "one repeated question", {"path": paths and open(paths).readline().strip()})):
    p = start([askdocs, "serve", "--index", index, "--port", "18080", "--cache", cache], env={"LOG_LEVEL": "error"})
    wait_ready(18080)
    r = wrk(18080, **kwargs)
    r["rss_mb"] = rss_kb(p.pid) / 1024
    stop(p)
    results.append(("AskDocs (Hummingbird)", label, r))

# The FastAPI peer over its own FTS5 index of the same corpus.
peer_index = os.path.join(work, "peer.sqlite")
peers = os.path.join(SHARED, "peers")
subprocess.run([sys.executable, os.path.join(peers, "naive_askdocs.py"), "index", "--corpus", args.corpus,
                "--index", peer_index], check=True, stdout=subprocess.DEVNULL)
p = start([os.path.join(venv, "bin", "uvicorn"), "fastapi_peer:app", "--host", "127.0.0.1", "--port", "18083",
           "--workers", "2", "--loop", "uvloop", "--http", "httptools", "--no-access-log"],
          env={"PEER_INDEX": peer_index}, cwd=peers)
wait_ready(18083)
for label, kwargs in (("distinct questions", {"script": True}),
                      ("one repeated question", {"path": open(paths).readline().strip()}),
                      ("constant JSON hello", {"path": "/hello"})):
    results.append(("FastAPI peer (uvicorn, 2 workers)", label, wrk(18083, **kwargs)))
stop(p)
shutil.rmtree(work, ignore_errors=True)

print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s on {os.path.basename(os.path.dirname(args.corpus)) or args.corpus}, "
      f"{len(questions)} distinct questions; {os.cpu_count()} cores shared by servers and wrk")
print(f"{'server':36} {'load':24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'RSS MB':>7}  errors")
for server, label, r in results:
    rss = f"{r['rss_mb']:.0f}" if "rss_mb" in r else ""
    print(f"{server:36} {label:24} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {rss:>7}  {r['errors']}")
def find(server, label):
    return next(r for s, l, r in results if s.startswith(server) and l == label)
a, f = find("AskDocs", "distinct questions"), find("FastAPI", "distinct questions")
print(f"\ndistinct questions: AskDocs {a['rps'] / f['rps']:.1f}x FastAPI's req/s, p99 {a['p99']:.1f} vs {f['p99']:.1f} ms")
r, h = find("AskDocs", "one repeated question"), find("FastAPI", "constant JSON hello")
print(f"repeated question: AskDocs {r['rps'] / h['rps']:.1f}x FastAPI's constant hello")
