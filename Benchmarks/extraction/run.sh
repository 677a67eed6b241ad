#!/usr/bin/env bash
# Extraction benchmarks: etl against its Python peers on one core, on one or both sets.
#
#   Benchmarks/extraction/run.sh FOLDER [FOLDER]
#
# Each FOLDER is a benchmark set, told apart by its files:
#   the article set   html/<id>.html.gz and ground-truth.json (181 pages, shingle metric; also timed)
#   the snippet set   manifest.jsonl and pages.tar.xz (495 pages, with/without snippets)
# Prints the tables and writes Benchmarks/extraction/results.md; predictions and raw timings go to
# Benchmarks/extraction/results/articles/ and results/snippets/ (see report.py diff for them).
#
# Environment (all optional):
#   ETL_RUNS       timed whole runs of etl per set; its pages/s is their median (default 5)
#   ETL_BIN        etl binary (default .build-release/release/etl, built (incrementally) by this script)
#   ETL_BUILD      0 = do not build etl and etl-bench-parse; skip them when missing (default 1)
#   PARSE_BIN      in-process timer of a bare libxml2 parse and of etl's html + article steps
#                  (default .build-release/release/etl-bench-parse, built with etl; article set only)
#   PIPELINE       etl pipeline, relative to the repository (default pipelines/extract-pages.json)
#   PEERS          comma-separated subset of the Python peers (default: all; see peers.py --help)
#   SNIPPET_PEERS  the same for the snippet set only (default: PEERS)
#   BEST_OF        the peers "the best peer" of a page is chosen from (default
#                  trafilatura,readability,resiliparse; all = every extractor that ran)
#   PYTHON         Python used to create the venv (default python3)
set -euo pipefail

usage() {
    echo "usage: $0 FOLDER [FOLDER]   (each FOLDER: html/<id>.html.gz + ground-truth.json," >&2
    echo "       or manifest.jsonl + pages.tar.xz; at most one of each kind)" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
ARTICLES_DATA="" SNIPPETS_DATA="" DATAS=()
for folder in "$@"; do
    if [ -f "$folder/ground-truth.json" ] && [ -d "$folder/html" ] && [ -z "$ARTICLES_DATA" ]; then
        ARTICLES_DATA="$(cd "$folder" && pwd)"; DATAS+=("$ARTICLES_DATA")
    elif [ -f "$folder/manifest.jsonl" ] && [ -f "$folder/pages.tar.xz" ] && [ -z "$SNIPPETS_DATA" ]; then
        SNIPPETS_DATA="$(cd "$folder" && pwd)"; DATAS+=("$SNIPPETS_DATA")
    else
        echo "$folder: not a benchmark set, or a second one of its kind" >&2
        usage
    fi
done
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
COMMAND="$0 $*"
for var in ETL_RUNS ETL_BIN ETL_BUILD PARSE_BIN PIPELINE PEERS SNIPPET_PEERS BEST_OF; do
    if [ -n "${!var:-}" ]; then COMMAND="$var=${!var} $COMMAND"; fi
done
TMP="${TMPDIR:-/tmp}"
PAGES_DIR="$TMP/etl-bench-pages"            # the article set, decompressed
SNIPPET_DIR="$TMP/etl-bench-snippets"       # the snippet set's pages.tar.xz, unpacked (pages/<id>.html)
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
STARTED="$(now)"

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
    # The pip that venv bundles with Python 3.11 (23.x) fails to resolve lxml[html-clean] against
    # lxml[html_clean] ("Internal issue: Candidate is not for this requirement"); a current one does not.
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    echo "$WANT" > "$STAMP"
fi
PY="$VENV/bin/python"

# (b) etl and etl-bench-parse, built once for both sets.
ETL_OK=1
if [ ! -f "$ROOT/$PIPELINE" ]; then
    note "etl skipped: the pipeline $PIPELINE does not exist yet."
    ETL_OK=0
elif [ "${ETL_BUILD:-1}" != 0 ]; then
    # A release build in its own scratch folder, so that it never fights the debug build's.
    echo "Building etl and etl-bench-parse (scripts/build-release: release, Swift runtime linked in)" >&2
    if ! "$ROOT/scripts/build-release" etl etl-bench-parse; then
        note "etl skipped: the release build failed."
        ETL_OK=0
    fi
fi
if [ "$ETL_OK" = 1 ] && [ ! -x "$ETL_BIN" ]; then
    note "etl skipped: $ETL_BIN is missing."
    ETL_OK=0
fi

# run_etl KIND PAGES_GLOB PAGE_COUNT STEPS: ETL_RUNS quiet runs (default 5) for the wall time (their
# median) and peak memory (the first run's); with STEPS=1 one more with the summary, for the step times.
# The median, not one run: a whole run of the 181 pages takes about 0.6 s, and on a shared machine one
# timing of that length varied by 15-20% from run to run (the peers are timed over all their pages
# after a warm-up page, which evens out the same noise).
run_etl() {
    local kind="$1" glob="$2" count="$3" steps="$4" out="$RESULTS/$1"
    [ "$ETL_OK" = 1 ] || return 0
    echo "Running etl on the $kind set ($ETL_BIN), ${ETL_RUNS:-5} times" >&2
    local start end status=0 walls=() run
    for run in $(seq "${ETL_RUNS:-5}"); do
        rm -rf "$ETL_OUT"
        local time_file="$out/etl.time.txt"
        [ "$run" = 1 ] || time_file="$out/etl.time.$run.txt"
        start="$(now)"
        (cd "$ROOT" && export OUT="$ETL_OUT" PAGES="$glob" &&
            timer "$time_file" taskset -c 0 "$ETL_BIN" run "$PIPELINE" --quiet) || status=$?
        end="$(now)"
        walls+=("$("$PY" -c "print($end - $start)")")
        [ "$status" = 0 ] || break
    done
    local wall
    wall="$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(( (${#walls[@]} + 1) / 2 ))p")"
    echo "  etl wall seconds: ${walls[*]} (median $wall)" >&2
    if [ ! -f "$ETL_OUT/articles.jsonl" ]; then
        note "etl wrote no $ETL_OUT/articles.jsonl on the $kind set (exit $status): no etl row."
        return 0
    fi
    cp "$ETL_OUT/articles.jsonl" "$out/etl-articles.jsonl"
    rm -rf "$ETL_OUT"
    if [ "$steps" = 1 ]; then
        # The step seconds in etl's summary are per-record wall time summed; with several records in
        # flight on one core they add up to more than the run took, so this run has one in flight.
        "$PY" -c 'import json, sys; p = json.load(open(sys.argv[1])); p["concurrency"] = 1; json.dump(p, open(sys.argv[2], "w"))' \
            "$ROOT/$PIPELINE" "$TMP/etl-bench-steps.json"
        (cd "$ROOT" && OUT="$ETL_OUT" PAGES="$glob" taskset -c 0 \
            "$ETL_BIN" run "$TMP/etl-bench-steps.json" > "$out/etl.summary.txt" 2> "$out/etl.summary.stderr.txt") || true
        rm -rf "$ETL_OUT"
    fi
    local summary=()
    if [ "$steps" = 1 ]; then summary=(--summary-file "$out/etl.summary.txt"); fi
    "$PY" "$HERE/report.py" etl "$out/etl-articles.jsonl" --pages "$count" \
        --wall "$wall" \
        --time-file "$out/etl.time.txt" "${summary[@]}" \
        --exit-code "$status" --binary "$ETL_BIN" --repo "$ROOT" --out "$out"
}

# (c) The article set: pages decompressed; etl (timed, with step times); the libxml2 floor; peers.
if [ -n "$ARTICLES_DATA" ]; then
    mkdir -p "$RESULTS/articles"
    rm -rf "$PAGES_DIR"
    mkdir -p "$PAGES_DIR"
    for page in "$ARTICLES_DATA"/html/*.html.gz; do
        gzip -dc "$page" > "$PAGES_DIR/$(basename "$page" .gz)"
    done
    PAGE_COUNT="$(find "$PAGES_DIR" -name '*.html' | wc -l)"
    echo "Article set: $PAGE_COUNT pages in $PAGES_DIR" >&2
    run_etl articles "$PAGES_DIR/*.html" "$PAGE_COUNT" 1

    # The floor: libxml2 parsing alone, from Swift.
    A="$RESULTS/articles"
    if [ -x "$PARSE_BIN" ]; then
        echo "Running $PARSE_BIN" >&2
        # The parse and etl's html cleaner + article extractor take turns in one process (pages in
        # memory, best of 5 each), so that their ratio is measured under the same load.
        if timer "$A/libxml2-parse.time.txt" taskset -c 0 \
            "$PARSE_BIN" --mode parse,extract --repeat 5 "$PAGES_DIR"/*.html > "$A/parse-and-steps.out.txt"; then
            cp "$A/libxml2-parse.time.txt" "$A/etl-steps.time.txt"
            grep '^parse:' "$A/parse-and-steps.out.txt" > "$A/libxml2-parse.out.txt" || true
            grep '^extract:' "$A/parse-and-steps.out.txt" > "$A/etl-steps.out.txt" || true
            "$PY" "$HERE/report.py" parse "$A/libxml2-parse.out.txt" \
                --time-file "$A/libxml2-parse.time.txt" --out "$A" \
                || note "the libxml2 parse row is missing: etl-bench-parse printed no pages/s."
            "$PY" "$HERE/report.py" parse "$A/etl-steps.out.txt" --peer etl-steps \
                --label "etl html + article, in process (etl-bench-parse --mode extract)" \
                --time-file "$A/etl-steps.time.txt" --out "$A" \
                || note "the in-process etl row is missing: etl-bench-parse printed no pages/s."
        else
            note "the libxml2 parse and in-process etl rows are missing: $PARSE_BIN failed."
        fi
    else
        note "the libxml2 parse row (etl-bench-parse) is missing: $PARSE_BIN does not exist yet."
    fi

    # The Python peers, each in its own process, on core 0.
    echo "Running the Python peers on the article set" >&2
    taskset -c 0 "$PY" "$HERE/peers.py" "$ARTICLES_DATA" --out "$A" ${PEERS:+--peers "$PEERS"} \
        || note "some peers failed as a whole on the article set; see $A/peers.json."
fi

# (d) The snippet set: pages.tar.xz unpacked; etl (one timed run); peers. Quality is what it is for.
if [ -n "$SNIPPETS_DATA" ]; then
    S="$RESULTS/snippets"
    mkdir -p "$S"
    rm -rf "$SNIPPET_DIR"
    mkdir -p "$SNIPPET_DIR"
    tar -xJf "$SNIPPETS_DATA/pages.tar.xz" -C "$SNIPPET_DIR"
    SNIPPET_COUNT="$(find "$SNIPPET_DIR/pages" -name '*.html' | wc -l)"
    echo "Snippet set: $SNIPPET_COUNT pages in $SNIPPET_DIR/pages" >&2
    run_etl snippets "$SNIPPET_DIR/pages/*.html" "$SNIPPET_COUNT" 0
    echo "Running the Python peers on the snippet set" >&2
    SNIPPET_PEERS="${SNIPPET_PEERS:-${PEERS:-}}"
    taskset -c 0 "$PY" "$HERE/peers.py" "$SNIPPETS_DATA" --pages "$SNIPPET_DIR/pages" --out "$S" \
        ${SNIPPET_PEERS:+--peers "$SNIPPET_PEERS"} \
        || note "some peers failed as a whole on the snippet set; see $S/peers.json."
fi

# (e) The tables.
"$PY" "$HERE/report.py" table "${DATAS[@]}" --results "$RESULTS" --command "$COMMAND" \
    --markdown "$HERE/results.md" ${BEST_OF:+--best-of "$BEST_OF"}
echo >&2
echo "Wrote $HERE/results.md (predictions and timings in $RESULTS/<set>) in" \
    "$("$PY" -c "print(round($(now) - $STARTED))") s" >&2
