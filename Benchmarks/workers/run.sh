#!/usr/bin/env bash
# Workers benchmark: one pipeline run by 1, 2 and 4 `etl run` workers sharing a PostgreSQL state
# (issue #14), on a fetch-bound crawl (many loopback hosts with a delay) and a CPU-bound one
# (re-extraction of saved pages); pages/s and the database's statements and milliseconds per page
# (pg_stat_statements). Starts its own PostgreSQL and HTTP servers on loopback.
#
#   Benchmarks/workers/run.sh [PAGES_DIR] [workers.py options: --workers 1,2,4 --hosts 40 ...]
#
# PAGES_DIR: saved pages for the CPU-bound run (default ../shared/benchmarks/article-extraction/html
# beside the checkout). SKIP_BUILD=1 uses the release binary as it is.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PAGES="${1:-$ROOT/../shared/benchmarks/article-extraction/html}"
shift || true
if [ ! -d "$PAGES" ]; then
    echo "usage: $0 [PAGES_DIR] [options]   (PAGES_DIR holds saved .html pages)" >&2
    exit 2
fi
if [ "${SKIP_BUILD:-0}" != "1" ]; then
    "$ROOT/scripts/build-release" etl
fi
exec python3 "$HERE/workers.py" "$ROOT/.build-release/release/etl" "$PAGES" "$@"
