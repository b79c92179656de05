#!/bin/bash
# HTTP side by side on distinct questions (BENCHMARKS.md, section 9): AskDocs with vectors, AskDocs with words
# alone, and the FastAPI peer (2 uvicorn workers), alternating three times, each for 8 s of
# `wrk -t2 -c32` cycling Benchmarks/questions.txt through /api/ask, AskDocs' answer cache off.
#
#   Benchmarks/http_side_by_side.sh INDEX PEER_INDEX
# INDEX: an AskDocs index with its vectors (askdocs index --corpus DIR --index INDEX);
# PEER_INDEX: the naive peer's index of the same folder (../shared/peers/naive_askdocs.py index).
set -u
INDEX=$1
PEER_INDEX=$2
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
PEERS=${PEERS:-$REPO/../shared/peers}
B=$REPO/.build/release/askdocs
WORK=$(mktemp -d)
python3 - "$HERE/questions.txt" "$WORK/paths.txt" <<'PY'
import sys, urllib.parse
qs = [l.strip() for l in open(sys.argv[1]) if l.strip()]
open(sys.argv[2], "w").write("\n".join("/api/ask?q=" + urllib.parse.quote(q) for q in qs) + "\n")
PY
run() { # name port cmd...
  name=$1; port=$2; shift 2
  setsid "$@" > $WORK/$name.log 2>&1 &
  pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/api/search?q=x" > /dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/api/ask?q=warmup" > /dev/null
  out=$(PATHS=$WORK/paths.txt wrk -t2 -c32 -d8s --timeout 10s --latency -s "$HERE/cycle.lua" "http://127.0.0.1:$port/")
  rps=$(echo "$out" | grep Requests/sec | awk '{print $2}')
  p50=$(echo "$out" | grep -E "^\s+50%" | awk '{print $2}')
  p99=$(echo "$out" | grep -E "^\s+99%" | awk '{print $2}')
  err=$(echo "$out" | grep -E "Non-2xx|Socket errors" | tr '\n' ' ')
  rss=$(grep VmHWM /proc/$pid/status 2>/dev/null | awk '{print $2}')
  kids=$(pgrep -g $pid 2>/dev/null | while read k; do grep VmHWM /proc/$k/status 2>/dev/null | awk '{print $2}'; done | paste -sd+ | bc)
  echo "$name req/s $rps p50 $p50 p99 $p99 rssKB ${kids:-$rss} $err"
  kill -- -$pid 2>/dev/null; wait $pid 2>/dev/null; sleep 1
}
for i in 1 2 3; do
  run askdocs-vectors 18080 "$B" serve --index "$INDEX" --no-update --port 18080 --cache 0 --log-level error
  run askdocs-words 18081 "$B" serve --index "$INDEX" --no-update --no-vectors --port 18081 --cache 0 --log-level error
  ( cd "$PEERS" && PEER_INDEX=$PEER_INDEX run fastapi-peer 18083 "$REPO/.venv-peers/bin/uvicorn" fastapi_peer:app --host 127.0.0.1 --port 18083 --workers 2 --loop uvloop --http httptools --no-access-log )
done
rm -rf "$WORK"
