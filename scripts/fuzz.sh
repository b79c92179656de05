#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (libFuzzer + AddressSanitizer, release) and runs each for SECONDS
# (default 60) on a scratch copy of its seeds in Fuzz/Seeds/<target>, so the seeds in git stay as they are.
# Prints each target's executions and coverage; exits non-zero if any target crashed, timed out, ran out
# of memory or printed a sanitizer report (the input is kept and its path printed).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: question html markdown text askbody
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[ $# -gt 0 ] && shift
all=(question html markdown text askbody)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

declare -A executable=([question]=QuestionFuzzer [html]=HTMLFuzzer [markdown]=MarkdownFuzzer
                       [text]=TextFuzzer [askbody]=AskBodyFuzzer)
for t in "${targets[@]}"; do
  [ -n "${executable[$t]:-}" ] || { echo "unknown target '$t' (targets: ${all[*]})" >&2; exit 2; }
done

# lld: gold fails with an internal error when linking the libFuzzer driver.
swift build --package-path Fuzz --scratch-path Fuzz/.build -c release -Xswiftc -sanitize=fuzzer,address \
    -Xswiftc -use-ld=lld 2>&1 \
  | grep -vE '^\[[0-9]+/[0-9]+\]|^(Compiling|Building|Write|Linking|Planning|Fetching|Fetched|Computing|Computed|Creating working copy|Working copy of)|which are unhandled|^    /.*/checkouts/'
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "fuzz build failed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/askdocs-fuzz.XXXXXX")
failed=0
printf '%-9s %8s %12s %8s %8s %7s  %s\n' target seconds execs exec/s cov ft result
for t in "${targets[@]}"; do
  mkdir -p "$work/$t/corpus" "$work/$t/crashes"
  cp Fuzz/Seeds/"$t"/* "$work/$t/corpus/"
  # Leak checking is off: memory errors are what ASan is here for, and leak reports of caches that
  # Swift's runtime and Foundation keep for the process's life would make the smoke run flaky.
  # Swift's own backtracer is off: ASan's report is the one to read, and the two would interleave.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
    "Fuzz/.build/release/${executable[$t]}" "$work/$t/corpus" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=10 -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$work/$t/crashes/" \
    > "$work/$t/log" 2>&1
  rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/$t/log" | grep -oE '[0-9]+$' || true)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$work/$t/log" | grep -oE '[0-9]+$' || true)
  last=$(grep -E '^#[0-9]+.*cov: ' "$work/$t/log" | tail -n 1)
  cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
  ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
  result=ok
  if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|libFuzzer)|SUMMARY: |runtime error|FUZZ INVARIANT' "$work/$t/log" \
     || [ -n "$(ls -A "$work/$t/crashes")" ]; then
    result="FAILED (exit $rc)"
    failed=1
  fi
  printf '%-9s %8s %12s %8s %8s %7s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result"
  if [ "$result" != ok ]; then
    grep -m 5 -E 'ERROR|SUMMARY|FUZZ INVARIANT|Fatal error|runtime error' "$work/$t/log" | sed 's/^/    /'
    echo "    log: $work/$t/log; input(s): $(ls "$work/$t/crashes" | sed "s|^|$work/$t/crashes/|" | tr '\n' ' ')"
  fi
done
[ $failed -eq 0 ] && rm -rf "$work"
exit $failed
