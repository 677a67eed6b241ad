#!/usr/bin/env bash
# Article-extraction benchmark: etl against its Python peers on one core.
#
#   Benchmarks/extraction/run.sh FOLDER
#
# FOLDER holds the benchmark's html/<id>.html.gz and ground-truth.json. Prints the table and writes
# Benchmarks/extraction/results.md; predictions and raw timings go to Benchmarks/extraction/results/.
#
# Environment (all optional):
#   ETL_BIN    etl binary (default .build-release/release/etl, built (incrementally) by this script)
#   ETL_BUILD  0 = do not build etl and etl-bench-parse; skip them when missing (default 1)
#   PARSE_BIN  in-process timer of a bare libxml2 parse and of etl's html + article steps
#              (default .build-release/release/etl-bench-parse, built with etl)
#   PIPELINE   etl pipeline, relative to the repository (default pipelines/extract-pages.json)
#   PEERS      comma-separated subset of the Python peers (default: all; see peers.py --help)
#   PYTHON     Python used to create the venv (default python3)
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1/ground-truth.json" ] || [ ! -d "$1/html" ]; then
    echo "usage: $0 FOLDER   (FOLDER holds html/<id>.html.gz and ground-truth.json)" >&2
    exit 2
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA="$(cd "$1" && pwd)"
COMMAND="$0 $*"
for var in ETL_BIN ETL_BUILD PARSE_BIN PIPELINE PEERS; do
    if [ -n "${!var:-}" ]; then COMMAND="$var=${!var} $COMMAND"; fi
done
TMP="${TMPDIR:-/tmp}"
PAGES_DIR="$TMP/etl-bench-pages"
ETL_OUT="$TMP/etl-bench-out"
RESULTS="$HERE/results"
VENV="$HERE/.venv"
ETL_BIN="${ETL_BIN:-$ROOT/.build-release/release/etl}"
PARSE_BIN="${PARSE_BIN:-$ROOT/.build-release/release/etl-bench-parse}"
PIPELINE="${PIPELINE:-pipelines/extract-pages.json}"
# GNU time gives the peak resident set; without it the etl and parse rows have no peak MB.
timer() { if [ -x /usr/bin/time ]; then /usr/bin/time -v -o "$1" "${@:2}"; else "${@:2}"; fi; }

note() { echo "note: $*" >&2; echo "$*" >> "$RESULTS/notes.txt"; }
now() { date +%s.%N; }

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# (a) The peers' venv, installed once per requirements.txt.
if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating $VENV" >&2
    "${PYTHON:-python3}" -m venv "$VENV"
fi
STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    echo "Installing the pinned peers into $VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    echo "$WANT" > "$STAMP"
fi
PY="$VENV/bin/python"

# (b) The pages, decompressed, for etl's file source and etl-bench-parse.
rm -rf "$PAGES_DIR"
mkdir -p "$PAGES_DIR"
for page in "$DATA"/html/*.html.gz; do
    gzip -dc "$page" > "$PAGES_DIR/$(basename "$page" .gz)"
done
PAGE_COUNT="$(find "$PAGES_DIR" -name '*.html' | wc -l)"
echo "$PAGE_COUNT pages in $PAGES_DIR" >&2

# (c) etl: one quiet run for the wall time and peak memory, one with the summary for step times.
run_etl() {
    if [ ! -f "$ROOT/$PIPELINE" ]; then
        note "etl skipped: the pipeline $PIPELINE does not exist yet."
        return
    fi
    if [ "${ETL_BUILD:-1}" != 0 ]; then
        # A release build in its own scratch folder, so that it never fights the debug build's.
        echo "Building etl and etl-bench-parse (swift build -c release --scratch-path .build-release)" >&2
        if ! (cd "$ROOT" && swift build -c release --scratch-path .build-release --product etl >&2 \
                && swift build -c release --scratch-path .build-release --product etl-bench-parse >&2); then
            note "etl skipped: the release build failed."
            return
        fi
    fi
    if [ ! -x "$ETL_BIN" ]; then
        note "etl skipped: $ETL_BIN is missing."
        return
    fi
    echo "Running etl ($ETL_BIN)" >&2
    rm -rf "$ETL_OUT"
    local start end status=0
    start="$(now)"
    (cd "$ROOT" && export OUT="$ETL_OUT" PAGES="$PAGES_DIR/*.html" &&
        timer "$RESULTS/etl.time.txt" taskset -c 0 "$ETL_BIN" run "$PIPELINE" --quiet) || status=$?
    end="$(now)"
    if [ ! -f "$ETL_OUT/articles.jsonl" ]; then
        note "etl wrote no $ETL_OUT/articles.jsonl (exit $status): no etl row."
        return
    fi
    cp "$ETL_OUT/articles.jsonl" "$RESULTS/etl-articles.jsonl"
    # The step seconds in etl's summary are per-record wall time summed; with several records in
    # flight on one core they add up to more than the run took, so this run has one in flight.
    rm -rf "$ETL_OUT"
    "$PY" -c 'import json, sys; p = json.load(open(sys.argv[1])); p["concurrency"] = 1; json.dump(p, open(sys.argv[2], "w"))' \
        "$ROOT/$PIPELINE" "$TMP/etl-bench-steps.json"
    (cd "$ROOT" && OUT="$ETL_OUT" PAGES="$PAGES_DIR/*.html" taskset -c 0 \
        "$ETL_BIN" run "$TMP/etl-bench-steps.json" > "$RESULTS/etl.summary.txt" 2> "$RESULTS/etl.summary.stderr.txt") || true
    rm -rf "$ETL_OUT"
    "$PY" "$HERE/report.py" etl "$RESULTS/etl-articles.jsonl" --pages "$PAGE_COUNT" \
        --wall "$("$PY" -c "print($end - $start)")" \
        --time-file "$RESULTS/etl.time.txt" --summary-file "$RESULTS/etl.summary.txt" \
        --exit-code "$status" --binary "$ETL_BIN" --repo "$ROOT" --out "$RESULTS"
}
run_etl

# (d) The floor: libxml2 parsing alone, from Swift.
if [ -x "$PARSE_BIN" ]; then
    echo "Running $PARSE_BIN" >&2
    # The parse and etl's html cleaner + article extractor take turns in one process (pages in
    # memory, best of 5 each), so that their ratio is measured under the same load.
    if timer "$RESULTS/libxml2-parse.time.txt" taskset -c 0 \
        "$PARSE_BIN" --mode parse,extract --repeat 5 "$PAGES_DIR"/*.html > "$RESULTS/parse-and-steps.out.txt"; then
        cp "$RESULTS/libxml2-parse.time.txt" "$RESULTS/etl-steps.time.txt"
        grep '^parse:' "$RESULTS/parse-and-steps.out.txt" > "$RESULTS/libxml2-parse.out.txt" || true
        grep '^extract:' "$RESULTS/parse-and-steps.out.txt" > "$RESULTS/etl-steps.out.txt" || true
        "$PY" "$HERE/report.py" parse "$RESULTS/libxml2-parse.out.txt" \
            --time-file "$RESULTS/libxml2-parse.time.txt" --out "$RESULTS" \
            || note "the libxml2 parse row is missing: etl-bench-parse printed no pages/s."
        "$PY" "$HERE/report.py" parse "$RESULTS/etl-steps.out.txt" --peer etl-steps \
            --label "etl html + article, in process (etl-bench-parse --mode extract)" \
            --time-file "$RESULTS/etl-steps.time.txt" --out "$RESULTS" \
            || note "the in-process etl row is missing: etl-bench-parse printed no pages/s."
    else
        note "the libxml2 parse and in-process etl rows are missing: $PARSE_BIN failed."
    fi
else
    note "the libxml2 parse row (etl-bench-parse) is missing: $PARSE_BIN does not exist yet."
fi

# (e) The Python peers, each in its own process, on core 0.
echo "Running the Python peers" >&2
taskset -c 0 "$PY" "$HERE/peers.py" "$DATA" --out "$RESULTS" ${PEERS:+--peers "$PEERS"} \
    || note "some peers failed as a whole; see $RESULTS/peers.json."

# (f) The table.
"$PY" "$HERE/report.py" table "$DATA" "$RESULTS" --command "$COMMAND" --markdown "$HERE/results.md"
echo >&2
echo "Wrote $HERE/results.md (predictions and timings in $RESULTS)" >&2
