#!/usr/bin/env python3
"""Workers benchmark: one pipeline run by 1, 2 and 4 `etl run` workers sharing a PostgreSQL state.

Two workloads, each from an empty database per measurement:
- fetch-bound: HOSTS loopback hosts (127.0.1.1, 127.0.1.2, ...), PAGES pages each, answering after
  LATENCY seconds, with a per-host delay of DELAY seconds; each worker has concurrency 4, so one
  worker is bound by its transfers in flight and the hosts' delays bound them all together.
- CPU-bound: re-extraction of saved pages (the 181 pages of the article-extraction set, COPIES
  times under different names) from files, html + article, into the postgres sink.

For each run: pages/s (the last worker's end), and the database's cost per page from
pg_stat_statements (statements and server milliseconds, all statements of the run together). A
first row per workload runs one worker with its state in a SQLite file (no frontier, no shared
politeness; the sink still in PostgreSQL): what sharing costs one worker.

Usage: workers.py ETL_BINARY PAGES_DIR [--workers 1,2,4] [--hosts 40] [--pages 15]
Prints a Markdown table on stdout. Starts its own PostgreSQL (initdb in a temporary folder, as the
postgres user when run as root) on a free port of 127.0.0.1; every server is on loopback.
"""
import argparse, gzip, http.server, json, os, pwd, shutil, socket, socketserver, subprocess, sys, tempfile, threading, time, glob

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1] if glob.glob("/usr/lib/postgresql/*/bin") else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="etl-workers-bench-")
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)

    def run(self, *args):
        command = [os.path.join(PG_BIN, args[0])] + list(args[1:])
        if self.as_root:
            command = ["/usr/sbin/runuser", "-u", "postgres", "--"] + command
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        data = os.path.join(self.folder, "data")
        self.run("initdb", "-D", data, "-U", "etl", "--auth=trust")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c fsync=on -c max_connections=100"
        self.run("pg_ctl", "-D", data, "-o", options, "-l", os.path.join(self.folder, "log"), "-w", "start")
        self.sql("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")

    def url(self, database):
        return f"postgres://etl@127.0.0.1:{self.port}/{database}"

    def sql(self, database, statement):
        out = subprocess.run(["psql", "-At", "-q", self.url(database), "-c", statement], check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def stop(self):
        try:
            self.run("pg_ctl", "-D", os.path.join(self.folder, "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def serve_hosts(count, latency, page):
    servers = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if self.path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                time.sleep(latency)
                body, kind = page, "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    port = free_port()
    for index in range(count):
        address = f"127.0.1.{index + 1}"
        server = Server((address, port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return [f"http://127.0.1.{index + 1}:{port}" for index in range(count)], servers


def run_workers(etl, pipeline_path, workers, environment):
    started = time.monotonic()
    processes = [
        subprocess.Popen([etl, "run", pipeline_path, "--quiet", "--worker", f"w{index}"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for index in range(workers)
    ]
    for process in processes:
        _, error = process.communicate()
        if process.returncode != 0:
            sys.exit(f"a worker failed ({process.returncode}): {error.decode()[-2000:]}")
    return time.monotonic() - started


def measure(postgres, etl, name, pipeline, workers, folder, expected, shared=True):
    database = f"{name.replace('-', '_')}_{workers}{'' if shared else '_alone'}"
    postgres.sql("postgres", f"CREATE DATABASE {database}")
    url = postgres.url(database)
    document = json.loads(json.dumps(pipeline).replace("$DATABASE", url))
    if not shared:
        # The baseline: the same run with its state in a SQLite file, so no frontier and no ledger.
        document["state"] = os.path.join(folder, f"{database}.sqlite")
    path = os.path.join(folder, f"{database}.json")
    with open(path, "w") as file:
        json.dump(document, file)
    environment = dict(os.environ, OUT=folder)
    postgres.sql("postgres", "SELECT pg_stat_statements_reset()")
    seconds = run_workers(etl, path, workers, environment)
    written = int(postgres.sql(database, "SELECT count(*) FROM articles"))
    if written != expected:
        sys.exit(f"{name} with {workers} workers wrote {written} pages, not {expected}")
    calls, milliseconds = postgres.sql(
        "postgres",
        f"SELECT sum(calls), sum(total_exec_time) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '{database}'",
    ).split("|")
    return seconds, float(calls) / written, float(milliseconds) / written


def read(path):
    """A saved page's bytes, gunzipped when its name ends in .gz."""
    with open(path, "rb") as file:
        data = file.read()
    return gzip.decompress(data) if path.endswith(".gz") else data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("etl")
    parser.add_argument("pages")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--pages-per-host", type=int, default=15)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--copies", type=int, default=4)
    arguments = parser.parse_args()
    counts = [int(n) for n in arguments.workers.split(",")]
    saved = sorted(glob.glob(os.path.join(arguments.pages, "*.html")) + glob.glob(os.path.join(arguments.pages, "*.html.gz")))
    if not saved:
        sys.exit(f"no .html or .html.gz pages in {arguments.pages}")

    postgres = Postgres()
    folder = tempfile.mkdtemp(prefix="etl-workers-out-")
    try:
        postgres.start()
        page = read(saved[0])
        bases, _ = serve_hosts(arguments.hosts, arguments.latency, page)
        urls = [f"{base}/news/{n}" for n in range(arguments.pages_per_host) for base in bases]
        fetch_pipeline = {
            "sources": [{"use": "urls", "urls": urls}],
            "fetch": [{"use": "http", "delay": arguments.delay, "retries": 0}],
            "steps": ["html", "article"],
            "state": "$DATABASE",
            "sinks": [{"use": "postgres", "url": "$DATABASE", "table": "articles"}],
            "deadLetters": {"use": "jsonl", "path": "${OUT}/dead.jsonl", "mode": "append"},
            "concurrency": 4,
        }
        copies = os.path.join(folder, "pages")
        os.makedirs(copies)
        for index, source in enumerate(saved):
            body = read(source)
            for copy in range(arguments.copies):
                with open(os.path.join(copies, f"{copy}-{index}.html"), "wb") as file:
                    file.write(body)
        cpu_pipeline = {
            "sources": [{"use": "files", "glob": os.path.join(copies, "*.html")}],
            "fetch": ["file"],
            "steps": ["html", {"use": "article", "requireBody": False}],
            "state": "$DATABASE",
            "sinks": [{"use": "postgres", "url": "$DATABASE", "table": "articles"}],
            "deadLetters": {"use": "jsonl", "path": "${OUT}/dead.jsonl", "mode": "append"},
            "concurrency": 2,
        }
        rows = []
        for name, pipeline, expected in [
            ("fetch-bound", fetch_pipeline, len(urls)),
            ("cpu-bound", cpu_pipeline, len(saved) * arguments.copies),
        ]:
            seconds, queries, milliseconds = measure(postgres, arguments.etl, name, pipeline, 1, folder, expected, shared=False)
            alone = expected / seconds
            rows.append(f"| {name} | 1, state in SQLite (no frontier) | {expected} | {seconds:.1f} | {alone:.1f} | | {queries:.1f} | {milliseconds:.2f} |")
            print(rows[-1], file=sys.stderr)
            base = None
            for workers in counts:
                seconds, queries, milliseconds = measure(postgres, arguments.etl, name, pipeline, workers, folder, expected)
                rate = expected / seconds
                base = base or rate
                rows.append(f"| {name} | {workers} | {expected} | {seconds:.1f} | {rate:.1f} | {rate / base:.2f}× | {queries:.1f} | {milliseconds:.2f} |")
                print(rows[-1], file=sys.stderr)
        print(f"fetch-bound: {arguments.hosts} hosts × {arguments.pages_per_host} pages, {arguments.latency} s per answer, delay {arguments.delay} s, concurrency 4 per worker")
        print(f"cpu-bound: {len(saved)} saved pages × {arguments.copies} from files, html + article, concurrency 2 per worker")
        print()
        print("| workload | workers | pages | seconds | pages/s | vs 1 worker | statements per page | DB ms per page |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))
    finally:
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
