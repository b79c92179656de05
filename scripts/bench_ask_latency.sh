#!/usr/bin/env bash
# `ask` latency on a documentation corpus of about 2,000 pages (issue #4: p50 <= 10 ms): the HTML of
# Debian's python3.11-doc, postgresql-doc-15 and git-doc copied into one folder, indexed, then the
# Python QA set asked in process (askdocs eval qa prints p50/p99). Not part of `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(python3.11-doc postgresql-doc-15 git-doc)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
swift build -c release --product askdocs 2>&1 | tail -n 1
corpus=$(mktemp -d /tmp/askdocs-docs-XXXX)
trap 'rm -rf "$corpus"' EXIT
# Copies, not symbolic links: the corpus scanner does not follow links.
cp -r /usr/share/doc/python3.11/html "$corpus/python"
cp -rL /usr/share/doc/postgresql-doc-15/html "$corpus/postgresql"
mkdir -p "$corpus/git" && find /usr/share/doc/git-doc -name "*.html" -exec cp -L {} "$corpus/git/" \;
pages=$(find "$corpus" -name '*.html' | wc -l)
mb=$(du -sm "$corpus" | cut -f1)
echo "corpus: $pages HTML pages, $mb MB"
/usr/bin/time -f "index build: %e s wall, %M KB peak RSS" .build/release/askdocs index --corpus "$corpus" --index "$corpus.sqlite" 2>&1 | tail -n 2
# The Python set's sources are relative to the library folder; here only the latency line matters.
for run in 1 2 3; do
  .build/release/askdocs eval qa Tests/QA/python-stdlib-dev.jsonl --corpus "$corpus" --index "$corpus.sqlite" | tail -n 1
done
rm -f "$corpus.sqlite"*
