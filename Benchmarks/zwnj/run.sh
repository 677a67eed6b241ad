#!/usr/bin/env bash
# ZWNJ restoration benchmark: strip every U+200C from the Persian reference articles, restore them with
# etl's restorer (the `persian` transform's restoreZwnj rule), and compare word by word with the original.
#
#   Benchmarks/zwnj/run.sh [FOLDER] [--all]
#
# FOLDER holds the JSON articles (title + content paragraphs), searched recursively; default
# ../shared/reference/persian-text/sampleCorpus (beside the checkout). --all lists every miss and every false change instead of the most frequent.
# Prints recall (original words with a ZWNJ that come back exactly) and false changes (original words
# without a ZWNJ that come back different).
#
# Environment (optional): BENCH_BIN  a built etl-bench-zwnj (default: built here, release, in .build-release).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
FOLDER="${1:-$ROOT/../shared/reference/persian-text/sampleCorpus}"
shift || true
if [ ! -d "$FOLDER" ]; then
    echo "usage: $0 [FOLDER] [--all]   (FOLDER holds the JSON articles)" >&2
    exit 2
fi
if [ -z "${BENCH_BIN:-}" ]; then
    "$ROOT/scripts/build-release" etl-bench-zwnj
    BENCH_BIN="$ROOT/.build-release/release/etl-bench-zwnj"
fi
exec "$BENCH_BIN" "$FOLDER" "$@"
