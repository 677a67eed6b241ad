#!/usr/bin/env python3
"""Helpers of run.sh: turn etl's output into predictions, and write the results table.

    python report.py etl ARTICLES.jsonl --pages N --wall SECONDS [--time-file F] [--summary-file F]
                     [--exit-code N] --out RESULTS
    python report.py parse OUTPUT.txt [--time-file F] --out RESULTS
    python report.py table DATA RESULTS --command "..." --markdown results.md

`etl` writes RESULTS/etl.json ({id: body}, the id being the file name of the page's file:// URL
without .html) and RESULTS/etl.timing.json (pages/s from the process's wall time, peak RSS from
`/usr/bin/time -v`, and the html and article steps' seconds from etl's summary table when given).
`parse` reads the pages/s that etl-bench-parse prints. `table` scores every predictions file in
RESULTS with metric.py and prints and writes the table. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, str(Path(__file__).resolve().parent))
import metric  # noqa: E402


def parse_time_v(path: str | None) -> dict:
    """Peak RSS (MB) and wall seconds from the report of GNU `/usr/bin/time -v`."""
    if not path or not Path(path).is_file():
        return {}
    text = Path(path).read_text(errors="replace")
    out = {}
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if match:
        out["peak_mb"] = int(match.group(1)) / 1024
    match = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if match:
        seconds = 0.0
        for part in match.group(1).split(":"):
            seconds = seconds * 60 + float(part)
        out["time_wall_s"] = seconds
    match = re.search(r"User time \(seconds\): ([\d.]+)", text)
    if match:
        out["user_s"] = float(match.group(1))
    match = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if match:
        out["system_s"] = float(match.group(1))
    return out


def parse_summary(path: str | None) -> dict[str, float]:
    """Seconds per step from the table `etl run` prints without --quiet:
    `  step  in  out  skipped  failed  seconds  ms/record`."""
    if not path or not Path(path).is_file():
        return {}
    steps = {}
    for line in Path(path).read_text(errors="replace").splitlines():
        cells = line.split()
        if len(cells) == 7 and cells[0] != "step":
            try:
                steps[cells[0]] = float(cells[5])
            except ValueError:
                continue
    return steps


def page_id(url: str) -> str:
    name = os.path.basename(unquote(urlparse(url).path) if "://" in url else url)
    return name[: -len(".html")] if name.endswith(".html") else name


def command_etl(args) -> int:
    predictions: dict[str, str] = {}
    bad_lines = 0
    for line in Path(args.articles).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            bad_lines += 1
            continue
        body = record.get("body")
        predictions[page_id(record.get("url") or "")] = body if isinstance(body, str) else ""
    out = Path(args.out)
    (out / "etl.json").write_text(json.dumps(predictions, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    steps = parse_summary(args.summary_file)
    timing = {
        "peer": "etl",
        "label": "etl",
        "pages": args.pages,
        "written": len(predictions),
        "errors": args.pages - len(predictions),
        "bad_lines": bad_lines,
        "exit_code": args.exit_code,
        "seconds": args.wall,
        "pages_per_s": args.pages / args.wall if args.wall > 0 else None,
        "steps": steps,
        **parse_time_v(args.time_file),
    }
    if args.binary and Path(args.binary).is_file():
        built = datetime.datetime.fromtimestamp(Path(args.binary).stat().st_mtime).astimezone()
        timing["binary"] = f"{args.binary} (built {built:%Y-%m-%d %H:%M %Z})"
    if args.repo:
        head = subprocess.run(["git", "-C", args.repo, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", args.repo, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        if head:
            timing["commit"] = head + (" with uncommitted changes" if dirty else "")
    extraction = sum(steps.get(name, 0.0) for name in ("html", "article"))
    if extraction > 0:
        timing["steps_seconds"] = extraction
        timing["steps_pages_per_s"] = args.pages / extraction
    (out / "etl.timing.json").write_text(json.dumps(timing, indent=1), encoding="utf-8")
    print(f"  etl: {len(predictions)} of {args.pages} pages written, {timing['pages_per_s'] or 0:.1f} pages/s "
          f"(wall), exit {args.exit_code}", file=sys.stderr)
    return 0


def command_parse(args) -> int:
    text = Path(args.output).read_text(errors="replace")
    match = re.search(r"([\d.]+)\s*pages/s", text) or re.search(r"([\d.]+)", text)
    if not match:
        print(f"  etl-bench-parse printed no pages/s: {text.strip()[:200]!r}", file=sys.stderr)
        return 1
    peer = args.peer or "libxml2-parse"
    label = args.label or "libxml2 parse only (etl-bench-parse)"
    timing = {"peer": peer, "label": label,
              "pages_per_s": float(match.group(1)), "errors": 0, **parse_time_v(args.time_file)}
    (Path(args.out) / f"{peer}.timing.json").write_text(json.dumps(timing, indent=1), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------------------------

def fmt(value, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def fmt_rate(value) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def ratio(etl_rate, rate) -> str:
    if not etl_rate or not rate:
        return "—"
    value = etl_rate / rate
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, AttributeError):
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return f"{cpu}, nproc {nproc}{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def command_table(args) -> int:
    truth = metric.load_truth(args.data)
    results = Path(args.results)
    timings = {}
    for path in sorted(results.glob("*.timing.json")):
        timing = json.loads(path.read_text(encoding="utf-8"))
        timings[timing["peer"]] = timing
    scores = {}
    for name in timings:
        predictions_path = results / f"{name}.json"
        if predictions_path.is_file():
            scores[name] = metric.evaluate(truth, metric.load_predictions(predictions_path))

    etl = timings.get("etl")
    etl_rate = etl.get("pages_per_s") if etl else None
    etl_steps_rate = etl.get("steps_pages_per_s") if etl else None

    rows = []  # (label, score, pages/s, peak MB, errors, timing)

    def add(label, score, rate, peak, errors):
        rows.append([label, fmt(score and score["f1"]), fmt(score and score["precision"]),
                     fmt(score and score["recall"]), fmt(score and score["accuracy"]), fmt_rate(rate),
                     fmt(peak, 0), "—" if errors is None else str(errors), ratio(etl_rate, rate)]
                    + ([ratio(etl_steps_rate, rate)] if etl_steps_rate else []))

    if etl:
        add("**etl** (whole process, wall time)", scores.get("etl"), etl_rate, etl.get("peak_mb"), etl.get("errors"))
        if etl_steps_rate:
            add("etl (html + article steps only, one page in flight)", scores.get("etl"), etl_steps_rate, None,
                etl.get("errors"))
    peers = [t for name, t in timings.items() if name != "etl" and t.get("extracts", False)]
    peers.sort(key=lambda t: -(scores.get(t["peer"], {}).get("f1") or 0))
    floors = [t for name, t in timings.items() if name != "etl" and not t.get("extracts", False)]
    visible = [t for t in peers if t["peer"] == "visible-text"]
    peers = [t for t in peers if t["peer"] != "visible-text"]
    for timing in peers + visible + floors:
        score = scores.get(timing["peer"]) if timing.get("extracts", False) else None
        add(timing["label"], score, timing.get("pages_per_s"), timing.get("peak_mb"), timing.get("errors"))

    header = ["extractor", "F1", "precision", "recall", "accuracy", "pages/s", "peak MB", "errors",
              "etl speed ×" + (" (wall)" if etl_steps_rate else "")]
    if etl_steps_rate:
        header.append("etl speed × (steps)")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    table = "\n".join(lines)

    notes = []
    notes_path = results / "notes.txt"
    if notes_path.is_file():
        notes = [line.strip() for line in notes_path.read_text().splitlines() if line.strip()]
    if not etl:
        notes.insert(0, "etl was not run (see below): its rows and the speed ratios are missing.")
    for timing in timings.values():
        if timing.get("error_pages"):
            kinds = sorted({e["error"].splitlines()[0].split(". ")[0][:100] for e in timing["error_pages"]})
            notes.append(f"{timing['label']}: {timing['errors']} pages raised ({'; '.join(kinds)}); "
                         "each counts as an empty prediction.")
    if etl and etl.get("exit_code"):
        notes.append(f"etl exited {etl['exit_code']}: {etl.get('errors')} pages had no article (dead letters).")

    now = datetime.datetime.now().astimezone()
    text = "\n".join([
        "# Article extraction: etl and its peers",
        "",
        f"Date: {now:%Y-%m-%d %H:%M %Z}. Machine: {machine()}.",
        f"Command: `{args.command}`",
    ] + ([f"etl: {etl.get('binary', '?')}, repository at {etl.get('commit', '?')}."] if etl else []) + [
        f"Data: {len(truth)} pages of the article-extraction benchmark (scrapinghub/article-extraction-benchmark"
        " at commit 4a3bc979, MIT). Everything pinned to one core (`taskset -c 0`).",
        "",
        table,
        "",
        "How to read it: F1, precision and recall are the benchmark's shingle metric (means over pages), "
        "accuracy the share of pages extracted token for token; pages/s counts only the extraction calls "
        "for the Python peers (pages already in memory, after a warm-up page), but the whole `etl run` "
        "process (start-up, reading the files, writing JSONL) for etl's first row; "
        "\"etl speed ×\" is etl's pages/s divided by the row's (above 1: etl is faster). "
        "Peak MB is each process's maximum resident set. Timings on a shared machine are noisy: "
        "compare the ratios within one run, not absolute numbers across runs.",
    ] + (["", "Notes:", ""] + [f"- {note}" for note in notes] if notes else []) + [""])
    Path(args.markdown).write_text(text, encoding="utf-8")
    (results / "summary.json").write_text(json.dumps({"scores": scores, "timings": timings}, indent=1),
                                          encoding="utf-8")
    print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command_name", required=True)
    etl = sub.add_parser("etl", help="etl's articles.jsonl -> predictions and timing")
    etl.add_argument("articles")
    etl.add_argument("--pages", type=int, required=True)
    etl.add_argument("--wall", type=float, required=True)
    etl.add_argument("--time-file")
    etl.add_argument("--summary-file")
    etl.add_argument("--exit-code", type=int, default=0)
    etl.add_argument("--binary", help="the etl binary, for its build time in the report")
    etl.add_argument("--repo", help="the repository, for its commit in the report")
    etl.add_argument("--out", required=True)
    etl.set_defaults(func=command_etl)
    parse = sub.add_parser("parse", help="etl-bench-parse's output -> timing")
    parse.add_argument("output")
    parse.add_argument("--time-file")
    parse.add_argument("--out", required=True)
    parse.add_argument("--peer", help="row id (default libxml2-parse)")
    parse.add_argument("--label", help="row label")
    parse.set_defaults(func=command_parse)
    table = sub.add_parser("table", help="score everything and write the table")
    table.add_argument("data")
    table.add_argument("results")
    table.add_argument("--command", required=True)
    table.add_argument("--markdown", required=True)
    table.set_defaults(func=command_table)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
