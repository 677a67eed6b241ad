#!/usr/bin/env bash
# The fetch benchmark: etl against `curl --parallel --parallel-max 64` and Scrapy 2.19 on the same N
# small pages served by a private nginx on 127.0.0.1, in one run; pages/s and peak memory.
#
#   Benchmarks/fetch/run.sh [N...]        (default: 1000 10000)
#
# Environment: REPEATS (default 1) runs each tool that many times per N and keeps the fastest run;
# SKIP_BUILD=1 skips `swift build` (the binary must exist). Writes Benchmarks/fetch/results.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
for n in "${SIZES[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: N must be a positive integer, not '$n'" >&2; exit 2; }
done
REPEATS="${REPEATS:-1}"
SCRAPY_VERSION=2.19.0
VENV="$HERE/.venv"
ETL="$ROOT/.build-release/release/etl"
COMMAND="Benchmarks/fetch/run.sh $*"
[ $# -gt 0 ] || COMMAND="Benchmarks/fetch/run.sh"
[ "$REPEATS" = 1 ] || COMMAND="REPEATS=$REPEATS $COMMAND"

log() { echo "[fetch-bench] $*" >&2; }

# --- What is missing -------------------------------------------------------------------------
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    log "installing nginx"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get install -y nginx-light >/dev/null 2>&1 \
        || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y nginx-light >/dev/null 2>&1; } \
        || $SUDO apt-get install -y nginx >/dev/null
    # A package install may start the system nginx (port 80); this benchmark never uses it.
fi
NGINX="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 1; }
command -v curl >/dev/null || { echo "run.sh: curl is missing" >&2; exit 1; }

if [ ! -x "$VENV/bin/scrapy" ] || [ "$("$VENV/bin/python" -c 'import scrapy; print(scrapy.__version__)' 2>/dev/null)" != "$SCRAPY_VERSION" ]; then
    log "installing Scrapy $SCRAPY_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "scrapy==$SCRAPY_VERSION"
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building etl (release; incremental)"
    scripts/build-release etl
fi
[ -x "$ETL" ] || { echo "run.sh: $ETL is missing" >&2; exit 1; }

# --- Pages and server ------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/etl-fetch-bench.XXXXXX")"
NGINX_PID=""
cleanup() {
    if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
chmod 755 "$WORK"   # nginx's workers may run as nobody

MAX=0
for n in "${SIZES[@]}"; do [ "$n" -gt "$MAX" ] && MAX=$n; done
log "generating $MAX pages in $WORK/www"
python3 - "$WORK/www" "$MAX" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
os.makedirs(root)
filler = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
          "incididunt ut labore et dolore magna aliqua. ")
for i in range(1, count + 1):
    head = f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page {i}</title></head>\n<body><article><h1>Page {i}</h1>\n"
    body, k = "", 0
    while len(head) + len(body) < 1950:
        body += f"<p>{i}.{k} {filler}</p>\n"
        k += 1
    page = (head + body)[:1980] + "\n</article></body></html>\n"
    with open(os.path.join(root, f"p{i:06d}.html"), "w", encoding="utf-8") as f:
        f.write(page)
PY
chmod -R a+rX "$WORK/www"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
mkdir -p "$WORK/nginx/logs"
USER_LINE=""; [ "$(id -u)" -eq 0 ] && USER_LINE="user nobody nogroup;"
cat > "$WORK/nginx/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    default_type text/html;
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$PORT;
        server_name localhost;
        root $WORK/www;
    }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 1 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/p000001.html" && break
    sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/p000001.html" || { echo "run.sh: nginx did not start:" >&2; cat "$WORK/nginx/logs/error.log" >&2; exit 1; }
log "nginx on 127.0.0.1:$PORT (pid $NGINX_PID)"

# --- Runs ------------------------------------------------------------------------------------
RESULTS="$WORK/results.tsv"   # tool  N  seconds  peakKB  all(yes/no)  note
: > "$RESULTS"

# measure NAME OUTFILE CMD...: runs CMD under /usr/bin/time -v; sets SECONDS_TAKEN, PEAK_KB, STATUS.
measure() {
    local name=$1 out=$2; shift 2
    local start end
    start=$(date +%s%N)
    set +e
    /usr/bin/time -v -o "$out.time" "$@" > "$out.stdout" 2> "$out.stderr"
    STATUS=$?
    set -e
    end=$(date +%s%N)
    SECONDS_TAKEN=$(python3 -c "print(($end - $start) / 1e9)")
    PEAK_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out.time")
    if grep -q 'Command exited with non-zero status' "$out.time"; then
        STATUS=$(awk '/Command exited with non-zero status/ {print $NF}' "$out.time")
    fi
}

record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"; }

for n in "${SIZES[@]}"; do
    URLS="$WORK/urls-$n.txt"
    for i in $(seq 1 "$n"); do printf 'http://127.0.0.1:%s/p%06d.html\n' "$PORT" "$i"; done > "$URLS"
    CURLCONF="$WORK/curl-$n.conf"
    {
        echo 'fail'
        echo 'silent'
        echo 'write-out = "%{http_code}\n"'
        sed 's/.*/url = "&"\noutput = "\/dev\/null"/' "$URLS"
    } > "$CURLCONF"

    for r in $(seq 1 "$REPEATS"); do
        # etl
        OUT="$WORK/etl-$n-$r"; mkdir -p "$OUT"
        log "N=$n run $r: etl"
        URLS="$URLS" OUT="$OUT" measure etl "$OUT/run" "$ETL" run "$HERE/fetch-only.json" --quiet
        lines=$(wc -l < "$OUT/fetched.jsonl" 2>/dev/null || echo 0)
        dead=$(wc -l < "$OUT/dead.jsonl" 2>/dev/null || echo 0)
        all=no; [ "$STATUS" -eq 0 ] && [ "$lines" -eq "$n" ] && all=yes
        record etl "$n" "$SECONDS_TAKEN" "$PEAK_KB" "$all" "exit $STATUS, $lines fetched, $dead dead"
        [ "$all" = yes ] || { log "etl: exit $STATUS, $lines lines, $dead dead letters"; tail -n 5 "$OUT/run.stderr" >&2 || true; }
        rm -rf "$OUT/fetched.jsonl"

        # curl
        OUT="$WORK/curl-$n-$r"; mkdir -p "$OUT"
        log "N=$n run $r: curl"
        measure curl "$OUT/run" curl --parallel --parallel-immediate --parallel-max 64 --config "$CURLCONF"
        ok=$(grep -c '^200$' "$OUT/run.stdout" || true)
        all=no; [ "$STATUS" -eq 0 ] && [ "$ok" -eq "$n" ] && all=yes
        record curl "$n" "$SECONDS_TAKEN" "$PEAK_KB" "$all" "exit $STATUS, $ok × 200"
        [ "$all" = yes ] || log "curl: exit $STATUS, $ok responses with 200"

        # Scrapy
        OUT="$WORK/scrapy-$n-$r"; mkdir -p "$OUT"
        log "N=$n run $r: scrapy"
        URLS="$URLS" measure scrapy "$OUT/run" "$VENV/bin/scrapy" runspider "$HERE/spider.py"
        line=$(grep '^SCRAPY_RESULT' "$OUT/run.stdout" || true)
        ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<< "$line"); ok=${ok:-0}
        all=no; [ "$STATUS" -eq 0 ] && [ "$ok" -eq "$n" ] && all=yes
        record scrapy "$n" "$SECONDS_TAKEN" "$PEAK_KB" "$all" "exit $STATUS, $ok × 200"
        [ "$all" = yes ] || { log "scrapy: exit $STATUS, $line"; tail -n 5 "$OUT/run.stderr" >&2 || true; }
    done
done

# --- Table -----------------------------------------------------------------------------------
python3 - "$RESULTS" "$HERE/results.md" "$COMMAND" "$(nproc)" "$REPEATS" "$("$VENV/bin/python" -c 'import scrapy; print(scrapy.__version__)')" "$(curl --version | head -n 1 | cut -d' ' -f1-2)" "$("$NGINX" -v 2>&1 | sed 's/.*: //')" <<'PY'
import sys, datetime, collections
path, target, command, nproc, repeats, scrapy_v, curl_v, nginx_v = sys.argv[1:9]
best = {}
notes = {}
for line in open(path, encoding="utf-8"):
    tool, n, secs, kb, ok, note = line.rstrip("\n").split("\t")
    n, secs, kb = int(n), float(secs), int(kb or 0)
    key = (tool, n)
    # Keep the fastest run; "all fetched" must hold for every run.
    prev = best.get(key)
    if prev is None or secs < prev[0]:
        best[key] = (secs, kb, prev[2] if prev else ok == "yes")
    best[key] = (best[key][0], max(best[key][1], kb), best[key][2] and ok == "yes")
    notes.setdefault(key, []).append(note)
sizes = sorted({n for _, n in best})
rate = lambda k: k[1] / best[k][0]
out = []
out.append("# Fetch benchmark results\n")
out.append(f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
out.append(f"- nproc: {nproc} (other work may run on the machine: compare ratios, not absolute rates)")
out.append(f"- Command: `{command}`" + (f" ({repeats} runs per tool and N, in turn; the fastest kept)" if repeats != "1" else " (one run per tool and N)"))
out.append(f"- Peers: {curl_v} `--parallel --parallel-immediate --parallel-max 64`; Scrapy {scrapy_v} (64 concurrent, 64 per domain); etl 64 transfers, 64 per host; nginx {nginx_v}, 1 worker, on 127.0.0.1")
out.append("")
out.append("| Tool | N | Seconds | Pages/s | Peak MB | All fetched |")
out.append("|---|---:|---:|---:|---:|---|")
for n in sizes:
    for tool in ("etl", "curl", "scrapy"):
        k = (tool, n)
        if k not in best: continue
        secs, kb, ok = best[k]
        out.append(f"| {'Scrapy' if tool == 'scrapy' else tool} | {n:,} | {secs:.2f} | {rate(k):,.0f} | {kb/1024:.1f} | {'yes' if ok else 'no'} |")
out.append("")
out.append("| N | etl / curl (pages/s) | etl / Scrapy (pages/s) | etl / curl (peak MB) | etl / Scrapy (peak MB) |")
out.append("|---:|---:|---:|---:|---:|")
for n in sizes:
    e, c, s = ("etl", n), ("curl", n), ("scrapy", n)
    if e not in best: continue
    f = lambda a, b, fn: f"{fn(a)/fn(b):.2f}×" if b in best and fn(b) else "–"
    out.append(f"| {n:,} | {f(e, c, rate)} | {f(e, s, rate)} | {f(e, c, lambda k: best[k][1])} | {f(e, s, lambda k: best[k][1])} |")
out.append("")
if len(sizes) >= 2 and ("etl", sizes[0]) in best and ("etl", sizes[-1]) in best:
    lo, hi = best[("etl", sizes[0])][1], best[("etl", sizes[-1])][1]
    out.append(f"etl peak memory, {sizes[-1]:,} pages vs {sizes[0]:,}: {hi/1024:.1f} MB vs {lo/1024:.1f} MB ({hi/lo:.2f}×).")
    out.append("")
out.append("Targets: etl ≥ 0.8× curl and ≥ 3× Scrapy in pages/s; etl's peak memory flat from 1,000 to 10,000 pages.")
out.append("")
out.append("Runs (tool, N: outcome):")
out.append("")
for k in sorted(notes, key=lambda k: (k[1], k[0])):
    out.append(f"- {k[0]}, {k[1]:,}: " + "; ".join(notes[k]))
text = "\n".join(out) + "\n"
open(target, "w", encoding="utf-8").write(text)
print(text)
PY
