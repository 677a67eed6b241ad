#!/usr/bin/env bash
# Persian fields benchmark (issue #15): the release etl over the Persian demo pages and the Persian
# fixture pages, each record's fields compared with the hand-checked expectations, then the ZWNJ
# restoration benchmark.
#
#   Benchmarks/persian/run.sh [ZWNJ_FOLDER]
#
# Pages: pipelines/demo-pages/*.html, Tests/Fixtures/profiles/*.html, Tests/Fixtures/charset/persian-*.html,
# Tests/Fixtures/comments/*.html.
# Expectations: Tests/Fixtures/demo-expected.json (demo pages, also read by the tests) and
# Tests/Fixtures/persian-expected.json (fixture pages); see compare.py for how fields are compared.
# Steps: html, article (comments and blocks on, as by default), category: the shipped steps with no
# site-specific option; the `persian` normaliser is left out so the text is compared as the page wrote it.
# ZWNJ_FOLDER: the JSON articles for Benchmarks/zwnj/run.sh (default ../shared/reference/persian-text/sampleCorpus
# beside the checkout); skipped with a note when missing.
#
# Environment (optional): ETL_BIN  a built etl (default .build-release/release/etl, built here);
# BENCH_BIN is passed on to Benchmarks/zwnj/run.sh.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ZWNJ_FOLDER="${1:-$ROOT/../shared/reference/persian-text/sampleCorpus}"
if [ -z "${ETL_BIN:-}" ]; then
    "$ROOT/scripts/build-release" etl
    ETL_BIN="$ROOT/.build-release/release/etl"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/pipeline.json" <<JSON
{
  "name": "persian-fields-benchmark",
  "sources": [
    { "use": "files", "glob": "$ROOT/pipelines/demo-pages/*.html" },
    { "use": "files", "glob": "$ROOT/Tests/Fixtures/profiles/*.html" },
    { "use": "files", "glob": "$ROOT/Tests/Fixtures/charset/persian-*.html" },
    { "use": "files", "glob": "$ROOT/Tests/Fixtures/comments/*.html" }
  ],
  "fetch": ["file"],
  "steps": ["html", { "use": "article", "comments": true, "blocks": true }, "category"],
  "sinks": [{ "use": "jsonl", "path": "$WORK/articles.jsonl" }],
  "deadLetters": { "use": "jsonl", "path": "$WORK/dead-letters.jsonl" }
}
JSON
echo "etl: $("$ETL_BIN" --version 2>/dev/null || echo "$ETL_BIN") at $(cd "$ROOT" && git rev-parse --short HEAD)"
status=0
"$ETL_BIN" run "$WORK/pipeline.json" > "$WORK/run.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    echo "etl run exited $status (dead letters: $(wc -l < "$WORK/dead-letters.jsonl" 2>/dev/null || echo 0))" >&2
    tail -20 "$WORK/run.log" >&2
fi
echo
echo "## Fields"
python3 "$HERE/compare.py" "$ROOT" "$WORK/articles.jsonl"
echo
echo "## ZWNJ restoration"
if [ -d "$ZWNJ_FOLDER" ]; then
    "$ROOT/Benchmarks/zwnj/run.sh" "$ZWNJ_FOLDER"
else
    echo "(skipped: $ZWNJ_FOLDER is not a folder; give the ZWNJ corpus as the first argument)"
fi
