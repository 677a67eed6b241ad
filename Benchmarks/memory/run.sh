#!/bin/sh
# Peak memory of a run over 8 copies of a generated 13 MB page (a million <p>), concurrency 8
# (issue #10). Usage: Benchmarks/memory/run.sh [BUDGET_BYTES] — from the package root, after
# `swift build --scratch-path .build`. Writes into ${WORK:-/tmp/etl-memory}.
set -eu
WORK=${WORK:-/tmp/etl-memory}
BUDGET=${1:-67108864}
mkdir -p "$WORK/pages" "$WORK/out"
python3 - "$WORK/pages" <<'PY'
import sys
parts = ['<html><head><meta charset="utf-8"><title>A million paragraphs</title></head><body><article><h1>A million paragraphs</h1>\n']
parts += [f"<p>l{i % 10000}</p>\n" for i in range(1_000_000)]
parts.append("</article></body></html>\n")
page = "".join(parts)
for n in range(1, 9):
    open(f"{sys.argv[1]}/page{n}.html", "w").write(page)
PY
cat > "$WORK/pipeline.json" <<JSON
{
  "sources": [{ "use": "files", "glob": "$WORK/pages/*.html" }],
  "steps": ["html", "article"],
  "sinks": [{ "use": "jsonl", "path": "$WORK/out/articles.jsonl" }],
  "deadLetters": { "use": "jsonl", "path": "$WORK/out/dead.jsonl" },
  "concurrency": 8,
  "maxBytesInFlight": $BUDGET
}
JSON
/usr/bin/time -v .build/debug/etl run "$WORK/pipeline.json" 2>&1 | grep -E "written|Elapsed|Maximum resident"
