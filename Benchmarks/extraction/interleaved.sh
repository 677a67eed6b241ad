#!/usr/bin/env bash
# etl's whole process against trafilatura's extraction calls on the article set, in alternating
# pairs, so that both see the same moment of a shared machine: one `etl run` of the pages, then one
# pass of trafilatura (default) over them in memory (peers.py), and the ratio of their pages/s.
#
#   Benchmarks/extraction/interleaved.sh ARTICLE_SET [PAIRS]     (default 6 pairs)
#
# Run Benchmarks/extraction/run.sh once before: it builds etl (scripts/build-release), makes the
# peers' venv and decompresses the pages to $TMPDIR/etl-bench-pages. Both run on core 0.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 ARTICLE_SET [PAIRS]" >&2; exit 2; }
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$(cd "$1" && pwd)"
PAIRS="${2:-6}"
TMP="${TMPDIR:-/tmp}"
PAGES_DIR="$TMP/etl-bench-pages"
PY="$HERE/.venv/bin/python"
ETL="$ROOT/.build-release/release/etl"
for needed in "$PY" "$ETL"; do [ -x "$needed" ] || { echo "$needed is missing: run run.sh first" >&2; exit 1; }; done
COUNT="$(find "$PAGES_DIR" -name '*.html' | wc -l)"
[ "$COUNT" -gt 0 ] || { echo "no pages in $PAGES_DIR: run run.sh first" >&2; exit 1; }
OUT_DIR="$(mktemp -d "$TMP/etl-interleaved.XXXXXX")"
trap 'rm -rf "$OUT_DIR"' EXIT
ratios=()
for pair in $(seq "$PAIRS"); do
    start="$(date +%s.%N)"
    (cd "$ROOT" && OUT="$OUT_DIR/etl" PAGES="$PAGES_DIR/*.html" taskset -c 0 "$ETL" run pipelines/extract-pages.json --quiet)
    end="$(date +%s.%N)"
    taskset -c 0 "$PY" "$HERE/peers.py" "$DATA" --out "$OUT_DIR" --peers trafilatura > /dev/null 2>&1
    line="$("$PY" -c '
import json, sys
count, start, end, path = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
etl = count / (end - start)
peer = json.load(open(path))["pages_per_s"]
print(f"{etl / peer:.2f} etl {end - start:.3f} s = {etl:.0f} pages/s, trafilatura (default) {peer:.1f} pages/s")
' "$COUNT" "$start" "$end" "$OUT_DIR/trafilatura.timing.json")"
    echo "pair $pair: ${line#* }   ratio ${line%% *}×"
    ratios+=("${line%% *}")
done
echo "ratios: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -g | sed -n "$(( (PAIRS + 1) / 2 ))p")×"
