#!/usr/bin/env bash
# The WARC benchmark: etl's WARC reader and `warc` source against FastWARC (resiliparse's WARC
# reader) reading the same WARC.gz of N pages, which etl's `warc` sink made by crawling a private
# nginx on 127.0.0.1: in process (etl-bench-warc against FastWARC's loop timed inside Python, both
# one thread, best of REPEATS passes) and as whole processes; then the end-to-end re-extraction rate (warc → html → article) against fetching the same pages
# again from loopback (http → html → article), both on one core; and peak memory reading the file
# and the same file twice over (memory must not grow with the file).
#
#   Benchmarks/warc/run.sh [N]        (default: 10000)
#
# Environment: SKIP_BUILD=1 skips `swift build` (the binaries must exist); SCRATCH names the build
# folder (default .build-release); REPEATS (default 3) runs each reader that many times and keeps
# the fastest. Writes Benchmarks/warc/results.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
N="${1:-10000}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: N must be a positive integer, not '$N'" >&2; exit 2; }
REPEATS="${REPEATS:-3}"
FASTWARC_VERSION=2.0.1
WARCIO_VERSION=1.8.1
VENV="$HERE/.venv"
SCRATCH="${SCRATCH:-.build-release}"
ETL="$ROOT/$SCRATCH/release/etl"
BENCH="$ROOT/$SCRATCH/release/etl-bench-warc"
COMMAND="Benchmarks/warc/run.sh $*"
log() { echo "[warc-bench] $*" >&2; }

NGINX="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "run.sh: nginx is missing (apt-get install -y nginx-light)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "run.sh: taskset is missing (util-linux)" >&2; exit 1; }

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import fastwarc, warcio" 2>/dev/null; then
    log "installing fastwarc $FASTWARC_VERSION and warcio $WARCIO_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "fastwarc==$FASTWARC_VERSION" "warcio==$WARCIO_VERSION"
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building etl (release; incremental)"
    swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product etl >&2
    swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product etl-bench-warc >&2
fi
[ -x "$ETL" ] || { echo "run.sh: $ETL is missing" >&2; exit 1; }
[ -x "$BENCH" ] || { echo "run.sh: $BENCH is missing" >&2; exit 1; }

# --- A site of N news pages (the demo pages, each made unique) behind nginx ---------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/etl-warc-bench.XXXXXX")"
NGINX_PID=""
cleanup() {
    if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
chmod 755 "$WORK"
log "generating $N pages in $WORK/www"
python3 - "$WORK/www" "$N" "$ROOT/pipelines/demo-pages" <<'PY'
import os, sys
root, count, demo = sys.argv[1], int(sys.argv[2]), sys.argv[3]
# Bytes: one demo page is windows-1256.
pages = [open(os.path.join(demo, name), "rb").read() for name in sorted(os.listdir(demo)) if name.endswith(".html")]
os.makedirs(os.path.join(root, "news"))
for i in range(count):
    if True:
        page = pages[i % len(pages)].replace(b"</body>", f"<!-- page {i} --></body>".encode())
        with open(os.path.join(root, "news", f"p{i:06d}.html"), "wb") as f:
            f.write(page)
PY
chmod -R a+rX "$WORK/www"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
for i in $(seq 0 $((N - 1))); do printf 'http://127.0.0.1:%s/news/p%06d.html\n' "$PORT" "$i"; done > "$WORK/urls.txt"
mkdir -p "$WORK/nginx/logs"
USER_LINE=""; [ "$(id -u)" -eq 0 ] && USER_LINE="user nobody nogroup;"
cat > "$WORK/nginx/nginx.conf" <<CONF
$USER_LINE
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    default_type text/html;
    gzip on;
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server { listen 127.0.0.1:$PORT; root $WORK/www; }
}
CONF
# nginx on the second core, etl and the readers on the first.
taskset -c 1 "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/news/p000000.html" && break; sleep 0.1; done

pipeline() {  # NAME SOURCE STEPS SINKS
    cat > "$WORK/$1.json" <<JSON
{"name": "$1", "sources": [$2], "fetch": [{"use": "http", "delay": 0, "robots": false, "concurrency": 32, "perHost": 32}],
 "steps": $3, "sinks": [$4], "deadLetters": {"use": "jsonl", "path": "$WORK/$1-dead.jsonl"}, "concurrency": 32}
JSON
    echo "$WORK/$1.json"
}
# Runs a command on core 0; prints "seconds peak-KiB".
timed() { /usr/bin/time -f "%e %M" -o "$WORK/time" taskset -c 0 "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }; cat "$WORK/time"; }
best() {  # REPEATS × command → fastest "seconds peak"
    local result="" line
    for _ in $(seq 1 "$REPEATS"); do
        line="$(timed "$@")"
        if [ -z "$result" ] || awk -v a="${line%% *}" -v b="${result%% *}" 'BEGIN { exit !(a < b) }'; then result="$line"; fi
    done
    echo "$result"
}

log "archiving $N pages with the warc sink"
ARCHIVE="$(pipeline archive "{\"use\": \"urls\", \"file\": \"$WORK/urls.txt\"}" '[]' "{\"use\": \"warc\", \"path\": \"$WORK/warc/bench-{n}.warc.gz\", \"maxSize\": 100000000000}")"
"$ETL" run "$ARCHIVE" --quiet 2>"$WORK/archive.log" || { tail -5 "$WORK/archive.log" >&2; exit 1; }
WARC="$WORK/warc/bench-00000.warc.gz"
cat "$WARC" "$WARC" > "$WORK/twice.warc.gz"
SIZE_MB="$(du -m "$WARC" | cut -f1)"
"$VENV/bin/python" -m warcio.cli check "$WARC" >/dev/null || { echo "run.sh: warcio check failed on $WARC" >&2; exit 1; }

# FastWARC iterating the responses and reading each payload: "decoded" takes out the chunks
# (auto_decode="transfer") and the gzip content coding (zlib), as etl does; "none" reads them as
# stored. (auto_decode="all" stops after the first chunked gzip response with FastWARC 2.0.1.)
# With a third argument it makes that many passes and prints the fastest pass's seconds, timed
# around the loop (no interpreter start-up, no import), as etl-bench-warc times etl's reader.
cat > "$WORK/fastwarc_read.py" <<'PY'
import sys, time, zlib
from fastwarc.warc import ArchiveIterator, WarcRecordType
decoded = sys.argv[2] == "decoded"
best = None
for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
    start = time.perf_counter()
    count = 0
    size = 0
    for record in ArchiveIterator(sys.argv[1], record_types=WarcRecordType.response, parse_http=True,
                                  auto_decode="transfer" if decoded else "none"):
        payload = record.reader.read()
        if decoded and record.http_headers.get("Content-Encoding") == "gzip":
            payload = zlib.decompress(payload, 47)
        size += len(payload)
        count += 1
    seconds = time.perf_counter() - start
    best = seconds if best is None else min(best, seconds)
print(count, size, f"{best:.3f}" if len(sys.argv) > 3 else "")
PY

log "reading in process: etl-bench-warc (raw, decoded, record) and FastWARC's loop (raw, decoded), best of $REPEATS passes each"
# "raw": header, block and HTTP head of each response, payload as stored; "decoded": chunks and
# gzip taken out; "record": the warc source's record, body decoded to text. FastWARC's two rows
# right after etl's, on the same core.
# etl-bench-warc prints "MODE: RECORDS records, best of R: SECONDS s, RATE records/s, BYTES payload bytes".
BENCH_OUT="$(taskset -c 0 "$BENCH" --mode raw,decoded,record --repeat "$REPEATS" "$WARC")"
read -r FWI_COUNT FWI_RAW_BYTES FWI_RAW_S <<< "$(taskset -c 0 "$VENV/bin/python" "$WORK/fastwarc_read.py" "$WARC" none "$REPEATS")"
read -r _ FWI_DEC_BYTES FWI_DEC_S <<< "$(taskset -c 0 "$VENV/bin/python" "$WORK/fastwarc_read.py" "$WARC" decoded "$REPEATS")"
field() { echo "$BENCH_OUT" | awk -v mode="$1:" -v n="$2" '$1 == mode { print $n }'; }
BENCH_RAW_S="$(field raw 7)"; BENCH_DEC_S="$(field decoded 7)"; BENCH_REC_S="$(field record 7)"
[ "$(field raw 2)" = "$N" ] && [ "$FWI_COUNT" = "$N" ] || { echo "run.sh: in process, etl read $(field raw 2) responses and FastWARC $FWI_COUNT, expected $N" >&2; exit 1; }
[ "$(field raw 11)" = "$FWI_RAW_BYTES" ] && [ "$(field decoded 11)" = "$FWI_DEC_BYTES" ] || {
    echo "run.sh: payload bytes differ: etl raw $(field raw 11), decoded $(field decoded 11); FastWARC raw $FWI_RAW_BYTES, decoded $FWI_DEC_BYTES" >&2; exit 1; }

log "reading as whole processes: etl warc source (no steps) and FastWARC, $REPEATS runs each"
READ="$(pipeline read "{\"use\": \"warc\", \"glob\": \"$WARC\"}" '[]' '{"use": "jsonl", "path": "/dev/null"}')"
READ2="$(pipeline read-twice "{\"use\": \"warc\", \"glob\": \"$WORK/twice.warc.gz\"}" '[]' '{"use": "jsonl", "path": "/dev/null"}')"
ETL_READ="$(best "$ETL" run "$READ" --quiet)"
ETL_READ2="$(timed "$ETL" run "$READ2" --quiet)"
FW_READ="$(best "$VENV/bin/python" "$WORK/fastwarc_read.py" "$WARC" decoded)"
FW_RAW="$(best "$VENV/bin/python" "$WORK/fastwarc_read.py" "$WARC" none)"
FW_COUNT="$(taskset -c 0 "$VENV/bin/python" "$WORK/fastwarc_read.py" "$WARC" decoded | cut -d' ' -f1)"
[ "$FW_COUNT" = "$N" ] || { echo "run.sh: FastWARC read $FW_COUNT responses, expected $N" >&2; exit 1; }

log "end to end on one core: re-extraction from the archive, and fetching again from loopback"
REEXTRACT="$(pipeline reextract "{\"use\": \"warc\", \"glob\": \"$WARC\"}" '["html", "article"]' "{\"use\": \"jsonl\", \"path\": \"$WORK/reextracted.jsonl\"}")"
REFETCH="$(pipeline refetch "{\"use\": \"urls\", \"file\": \"$WORK/urls.txt\"}" '["html", "article"]' "{\"use\": \"jsonl\", \"path\": \"$WORK/refetched.jsonl\"}")"
ETL_REEXTRACT="$(best "$ETL" run "$REEXTRACT" --quiet)"
ETL_REFETCH="$(best "$ETL" run "$REFETCH" --quiet)"
[ "$(wc -l < "$WORK/reextracted.jsonl")" = "$N" ] || { echo "run.sh: re-extraction wrote $(wc -l < "$WORK/reextracted.jsonl") records, expected $N" >&2; exit 1; }

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
read -r ETL_S ETL_K <<< "$ETL_READ"; read -r ETL2_S ETL2_K <<< "$ETL_READ2"; read -r FW_S FW_K <<< "$FW_READ"; read -r FWR_S FWR_K <<< "$FW_RAW"
read -r RE_S RE_K <<< "$ETL_REEXTRACT"; read -r RF_S RF_K <<< "$ETL_REFETCH"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }  # time of the other / time of etl
RAW_RATIO="$(ratio "$FWI_RAW_S" "$BENCH_RAW_S")"; DEC_RATIO="$(ratio "$FWI_DEC_S" "$BENCH_DEC_S")"
RATIO="$(ratio "$FW_S" "$ETL_S")"; RAW_PROCESS_RATIO="$(ratio "$FWR_S" "$ETL_S")"
{
    echo "# WARC benchmark"
    echo
    echo "\`$COMMAND\` — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, one core (taskset -c 0) for the timed process, nginx on the other."
    echo "The file: $N pages (the five demo pages, each made unique), archived by the \`warc\` sink from nginx on 127.0.0.1 (gzip content encoding): $SIZE_MB MB, one gzip member per record, \`warcio check\` passes. Best of $REPEATS runs."
    echo
    echo "Reading in process, one thread, no start-up (etl: \`etl-bench-warc\`; FastWARC $FASTWARC_VERSION: its loop timed inside Python); both read the same $N responses and the same payload bytes:"
    echo
    echo "| reader: per response record | seconds | records/s |"
    echo "|---|---:|---:|"
    echo "| etl \`WARCReader\`: header, block, HTTP head parsed, payload as stored (\`--mode raw\`) | $BENCH_RAW_S | $(rate "$N" "$BENCH_RAW_S") |"
    echo "| FastWARC: \`parse_http=True\`, \`auto_decode=\"none\"\`, \`reader.read()\` (payload as stored) | $FWI_RAW_S | $(rate "$N" "$FWI_RAW_S") |"
    echo "| etl: the same, payload decoded: chunks and gzip taken out (\`--mode decoded\`) | $BENCH_DEC_S | $(rate "$N" "$BENCH_DEC_S") |"
    echo "| FastWARC: the same, \`auto_decode=\"transfer\"\` and \`zlib.decompress\` (payload decoded) | $FWI_DEC_S | $(rate "$N" "$FWI_DEC_S") |"
    echo "| etl: the \`warc\` source's record, body decoded to text (chunks, gzip, charset) (\`--mode record\`) | $BENCH_REC_S | $(rate "$N" "$BENCH_REC_S") |"
    echo
    echo "Whole processes (start-up included):"
    echo
    echo "| task | seconds | pages/s | peak MB |"
    echo "|---|---:|---:|---:|"
    echo "| read: etl \`warc\` source, no steps, jsonl to /dev/null (whole \`etl run\`) | $ETL_S | $(rate "$N" "$ETL_S") | $(mb "$ETL_K") |"
    echo "| read: FastWARC $FASTWARC_VERSION, iterate responses, read each payload decoded (chunks and gzip taken out) | $FW_S | $(rate "$N" "$FW_S") | $(mb "$FW_K") |"
    echo "| read: FastWARC $FASTWARC_VERSION, the same, payloads as stored | $FWR_S | $(rate "$N" "$FWR_S") | $(mb "$FWR_K") |"
    echo "| read the file twice over (2×$N records, $((2 * SIZE_MB)) MB): etl | $ETL2_S | $(rate $((2 * N)) "$ETL2_S") | $(mb "$ETL2_K") |"
    echo "| re-extract: \`warc\` → html → article → jsonl | $RE_S | $(rate "$N" "$RE_S") | $(mb "$RE_K") |"
    echo "| fetch again: \`urls\` → http (loopback) → html → article → jsonl | $RF_S | $(rate "$N" "$RF_S") | $(mb "$RF_K") |"
    echo
    echo "Reading: etl's reader at **${RAW_RATIO}×** FastWARC's records per second with payloads as stored, in process (target ≥ 0.5×), and ${DEC_RATIO}× with payloads decoded. The whole \`etl run\` (start-up, reading, decoding each body to text: chunks, gzip, charset; the runner handing each record to a sink) at ${RATIO}× FastWARC's whole process with payloads decoded and ${RAW_PROCESS_RATIO}× with payloads as stored. Peak memory reading twice the file: $(mb "$ETL2_K") MB against $(mb "$ETL_K") MB."
} > "$HERE/results.md"
cat "$HERE/results.md"
