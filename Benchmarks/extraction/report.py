#!/usr/bin/env python3
"""Helpers of run.sh (etl's output into predictions, the results tables), and a diff tool.

    python report.py etl ARTICLES.jsonl --pages N --wall SECONDS [--time-file F] [--summary-file F]
                     [--exit-code N] --out RESULTS/KIND
    python report.py parse OUTPUT.txt [--time-file F] --out RESULTS/KIND
    python report.py table DATA [DATA ...] --results RESULTS --command "..." --markdown results.md
    python report.py diff DATA A [B] [--peer NAME] [--page ID] [--limit N]

DATA is a benchmark folder: the article set (ground-truth.json, html/) or the snippet set
(manifest.jsonl, pages.tar.xz); KIND is `articles` or `snippets`, told apart by those files.
`etl` writes RESULTS/KIND/etl.json ({id: body}, the id being the file name of the page's file:// URL
without .html) and etl.timing.json (pages/s from the process's wall time, peak RSS from
`/usr/bin/time -v`, and the html and article steps' seconds from etl's summary table when given).
`parse` reads the pages/s that etl-bench-parse prints. `table` scores every predictions file in
RESULTS/KIND of each DATA with metric.py, prints the tables and the pages where etl loses most to
the best peer, and writes them to results.md.

`diff` is for a developer: with one predictions source A it lists the pages A gets wrong (snippet
set: the `with` snippets missed and the `without` snippets kept; article set: the pages by F1, with
the longest stretch of the true text missed and of extra text kept); with two, A (before) and B
(after), it lists the pages whose score changed and the totals of both. A or B is a predictions
file ({id: text}), etl's articles.jsonl (or the OUT folder holding it), or a results folder (its
etl.json, or --peer NAME's; RESULTS/KIND is chosen when given RESULTS). Standard library only.
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
    for line in Path(args.articles).read_text(encoding="utf-8").split("\n"):
        # Not splitlines(): a body may hold a U+2028 or U+0085, which JSON leaves unescaped.
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


# ---------------------------------------------------------------------------------------------
# Pages: one page's score, the text one side has and the other lacks.

BASELINES = {"visible-text", "lxml-parse"}  # not extractors: never "the best peer"
LOSS_ROWS = 15
# "The best peer" of a page: the best of these on it (the peers), unless --best-of says otherwise.
BEST_OF = ("trafilatura", "readability", "resiliparse")
ID_CHARS = 12  # the article set's ids are 64 hex digits; diff --page takes any unique prefix
KIND_TITLE = {metric.ARTICLES: "Article set", metric.SNIPPETS: "Snippet set"}


def clip(text: str, width: int = 80) -> str:
    text = metric.normalize_space(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def md(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("*", "\\*")


def page_detail(kind: str, truth_item, pred: str | None) -> dict:
    """Article set: {"score": F1, "f1", "precision", "recall"}. Snippet set: metric.snippet_page's
    counts and lists, with "score" = the snippets judged right (`with` found, `without` absent)."""
    if kind == metric.ARTICLES:
        f1, precision, recall = metric.page_f1(truth_item, pred or "")
        return {"score": f1, "f1": f1, "precision": precision, "recall": recall}
    page = metric.snippet_page(truth_item, pred)
    page["score"] = page["tp"] + page["tn"]
    page["total"] = page["tp"] + page["fn"] + page["fp"] + page["tn"]
    return page


def unshared(text: str, other: str) -> list[str]:
    """The stretches of `text` (longest first) whose tokens are in no 4-token shingle that `other`
    has too (shingles matched as multisets, left to right): what `text` has and `other` lacks."""
    matches = list(metric.TOKEN_RE.finditer(text or ""))
    if not matches:
        return []
    tokens = [m.group(0) for m in matches]
    available = metric.shingles(other)
    covered = [False] * len(tokens)
    for i in range(max(1, len(tokens) - metric.SHINGLE + 1)):
        shingle = tuple(tokens[i:i + metric.SHINGLE])
        if available.get(shingle, 0) > 0:
            available[shingle] -= 1
            for j in range(i, i + len(shingle)):
                covered[j] = True
    runs, start = [], None
    for i, done in enumerate(covered + [True]):
        if not done and start is None:
            start = i
        elif done and start is not None:
            runs.append((i - start, text[matches[start].start():matches[i - 1].end()]))
            start = None
    runs.sort(key=lambda run: -run[0])
    return [metric.normalize_space(stretch) for _, stretch in runs]


def host(url: str) -> str:
    if url.startswith("hard::"):
        return url
    name = urlparse(url).netloc
    return name[4:] if name.startswith("www.") else name


# ---------------------------------------------------------------------------------------------
# The tables.

def load_run(kind: str, truth: dict, folder: Path) -> tuple[dict, dict, dict]:
    """(timings, predictions, scores) of every row in one set's results folder."""
    timings, predictions, scores = {}, {}, {}
    for path in sorted(folder.glob("*.timing.json")):
        timing = json.loads(path.read_text(encoding="utf-8"))
        timings[timing["peer"]] = timing
    for name in timings:
        path = folder / f"{name}.json"
        if path.is_file():
            predictions[name] = metric.load_predictions(path)
            scores[name] = metric.evaluate_set(kind, truth, predictions[name])
    return timings, predictions, scores


def ordered_rows(timings: dict, scores: dict) -> tuple[list, list, list]:
    """(peers by F1, the visible-text baseline, the parse-only floors)."""
    peers = [t for name, t in timings.items() if name != "etl" and t.get("extracts", False)]
    peers.sort(key=lambda t: -(scores.get(t["peer"], {}).get("f1") or 0))
    floors = [t for name, t in timings.items() if name != "etl" and not t.get("extracts", False)]
    visible = [t for t in peers if t["peer"] in BASELINES]
    return [t for t in peers if t["peer"] not in BASELINES], visible, floors


def error_notes(timings: dict) -> list[str]:
    notes = []
    for timing in timings.values():
        if timing.get("error_pages"):
            kinds = sorted({e["error"].splitlines()[0].split(". ")[0][:100] for e in timing["error_pages"]})
            pages = "1 page" if timing["errors"] == 1 else f"{timing['errors']} pages"
            notes.append(f"{timing['label']}: {pages} raised ({'; '.join(kinds)}); "
                         "each counts as an empty prediction.")
    etl = timings.get("etl")
    if etl and etl.get("exit_code"):
        notes.append(f"etl exited {etl['exit_code']}: {etl.get('errors')} pages had no article (dead letters).")
    return notes


def whole_process_line(folder: Path, timings: dict) -> str:
    """etl's whole process against each extracting peer's whole worker process (peers.json's
    process_wall_s: Python start-up, imports, reading and decompressing the pages, extraction, writing
    the predictions), or "" without both."""
    etl = timings.get("etl")
    try:
        peers = json.loads((folder / "peers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not etl or not etl.get("seconds"):
        return ""
    parts = [f"{p['label']} {p['process_wall_s'] / etl['seconds']:.1f}× ({p['process_wall_s']:.2f} s)"
             for p in peers if p.get("extracts") and p.get("process_wall_s") and p["peer"] not in BASELINES]
    if not parts:
        return ""
    return (f"Whole process against whole process (each peer's worker process: Python start-up, imports, "
            f"reading the pages, extraction, writing its predictions), etl taking {etl['seconds']:.2f} s: "
            + "; ".join(parts) + ".")


def articles_table(timings: dict, scores: dict) -> str:
    etl = timings.get("etl")
    etl_rate = etl.get("pages_per_s") if etl else None
    etl_steps_rate = etl.get("steps_pages_per_s") if etl else None
    rows = []

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
    peers, visible, floors = ordered_rows(timings, scores)
    for timing in peers + visible + floors:
        score = scores.get(timing["peer"]) if timing.get("extracts", False) else None
        add(timing["label"], score, timing.get("pages_per_s"), timing.get("peak_mb"), timing.get("errors"))
    header = ["extractor", "F1", "precision", "recall", "accuracy", "pages/s", "peak MB", "errors",
              "etl speed ×" + (" (wall)" if etl_steps_rate else "")]
    if etl_steps_rate:
        header.append("etl speed × (steps)")
    return markdown_table(header, rows)


def snippets_table(timings: dict, scores: dict) -> str:
    rows = []

    def add(label, score, timing):
        rows.append([label, fmt(score and score["f1"]), fmt(score and score["precision"]),
                     fmt(score and score["recall"])]
                    + [str(score[key]) if score else "—" for key in ("tp", "fp", "fn")]
                    + [str(score["empty"]) if score else "—", fmt_rate(timing.get("pages_per_s")),
                       "—" if timing.get("errors") is None else str(timing["errors"])])

    if "etl" in timings:
        add("**etl** (whole process, wall time)", scores.get("etl"), timings["etl"])
    peers, visible, _ = ordered_rows(timings, scores)
    for timing in peers + visible:
        add(timing["label"], scores.get(timing["peer"]), timing)
    header = ["extractor", "F1", "precision", "recall", "TP", "FP", "FN", "empty pages", "pages/s", "errors"]
    return markdown_table(header, rows)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def losses(kind: str, truth: dict, predictions: dict, peers: list[str]) -> list[dict]:
    """Pages where the best of `peers` (the first of them on a tie) beats etl, biggest loss first:
    F1 on the article set, snippets judged right on the snippet set."""
    out = []
    for page in sorted(truth):
        etl = page_detail(kind, truth[page], predictions["etl"].get(page))
        best_name, best = None, None
        for name in peers:
            detail = page_detail(kind, truth[page], predictions[name].get(page))
            if best is None or detail["score"] > best["score"]:
                best_name, best = name, detail
        if best is not None and best["score"] - etl["score"] > 1e-9:
            out.append({"id": page, "peer": best_name, "loss": best["score"] - etl["score"],
                        "etl": etl, "best": best, "etl_text": predictions["etl"].get(page) or ""})
    out.sort(key=lambda row: (-row["loss"], row["id"]))
    return out


def loss_section(kind: str, data: str, truth: dict, urls: dict, predictions: dict, timings: dict, scores: dict,
                 best_of: list[str] | None) -> str:
    if "etl" not in predictions:
        return ""
    peers = [t["peer"] for t in ordered_rows(timings, scores)[0] if t["peer"] in predictions
             and (not best_of or t["peer"] in best_of)]
    if not peers:
        return ""
    rows_all = losses(kind, truth, predictions, peers)
    rows, cells = rows_all[:LOSS_ROWS], []
    for row in rows:
        page = f"{row['id']} ({md(host(urls.get(row['id'], '')))})" if urls.get(row["id"]) else row["id"]
        etl, best = row["etl"], row["best"]
        if kind == metric.ARTICLES:
            page = f"{row['id'][:ID_CHARS]} ({md(host(urls.get(row['id'], '')))})" if urls.get(row["id"]) \
                else row["id"][:ID_CHARS]
            true = truth[row["id"]]
            sides = [("misses", unshared(true, row["etl_text"]), best["recall"] - etl["recall"]),
                     ("keeps", unshared(row["etl_text"], true), best["precision"] - etl["precision"])]
            sides.sort(key=lambda side: -side[2])  # the side where etl is further behind first
            lost = next((f"{verb} “{md(clip(stretches[0]))}”" for verb, stretches, _ in sides if stretches), "")
            cells.append([page, row["peer"], fmt(best["f1"], 2), fmt(etl["f1"], 2),
                          fmt(etl["precision"], 2), fmt(etl["recall"], 2), lost])
        else:
            first = (f"misses “{md(clip(etl['missed'][0]))}”" if etl["missed"]
                     else f"keeps “{md(clip(etl['kept'][0]))}”" if etl["kept"] else "")
            cells.append([page, row["peer"], f"{best['score']} / {etl['score']} of {etl['total']}",
                          f"{etl['fn']} of {etl['tp'] + etl['fn']}", f"{etl['fp']} of {etl['fp'] + etl['tn']}",
                          first])
    if kind == metric.ARTICLES:
        header = ["page", "best peer", "peer F1", "etl F1", "etl P", "etl R", "what etl lost (its longest stretch)"]
        measure = "page F1 (best peer's − etl's)"
    else:
        header = ["page", "best peer", "snippets right (peer / etl)", "`with` etl missed",
                  "`without` etl kept", "first snippet etl missed (or kept)"]
        measure = "snippets judged right (best peer's − etl's)"
    total_loss = sum(row["loss"] for row in rows_all)
    lines = [f"### {KIND_TITLE[kind]}: pages where etl loses most to the best peer", "",
             f"{len(rows_all)} of {len(truth)} pages have a peer ahead of etl (peers: {', '.join(peers)}); "
             f"the {len(rows)} biggest by {measure}"
             + (f"; over all {len(rows_all)}, etl is {total_loss:.0f} snippets behind" if kind == metric.SNIPPETS else "")
             + f". Any page in full: `python3 Benchmarks/extraction/report.py diff {data} "
             f"Benchmarks/extraction/results --page ID`.", ""]
    return "\n".join(lines + [markdown_table(header, cells)]) if cells else "\n".join(lines[:2])


def command_table(args) -> int:
    results_root = Path(args.results)
    best_of = None if args.best_of == "all" else [name.strip() for name in args.best_of.split(",") if name.strip()]
    now = datetime.datetime.now().astimezone()
    sections, all_notes, etl_line = [], [], None
    notes_path = results_root / "notes.txt"
    if notes_path.is_file():
        all_notes = [line.strip() for line in notes_path.read_text().splitlines() if line.strip()]
    for data in args.data:
        kind, truth = metric.load_set(data)
        folder = results_root / kind
        timings, predictions, scores = load_run(kind, truth, folder) if folder.is_dir() else ({}, {}, {})
        etl = timings.get("etl")
        if etl and not etl_line:
            etl_line = f"etl: {etl.get('binary', '?')}, repository at {etl.get('commit', '?')}."
        if kind == metric.ARTICLES:
            urls = {}
            try:
                urls = {k: v.get("url", "") for k, v in json.loads(
                    (Path(data) / "ground-truth.json").read_text(encoding="utf-8")).items()}
            except (OSError, ValueError, AttributeError):
                pass
            about = (f"{len(truth)} pages of the article-extraction benchmark (scrapinghub/article-extraction-benchmark"
                     " at commit 4a3bc979, MIT), `" + str(data) + "`. Its shingle metric: F1, precision and recall "
                     "are means over pages, accuracy the share of pages extracted token for token.")
            table = articles_table(timings, scores)
            reading = ("pages/s counts only the extraction calls for the Python peers (pages already in memory, "
                       "after a warm-up page), but the whole `etl run` process (start-up, reading the files, writing "
                       "JSONL; the median of ETL_RUNS runs, 5 by default) for etl's first row; \"etl speed ×\" is etl's pages/s divided by the row's (above 1: "
                       "etl is faster). Peak MB is each process's maximum resident set.")
        else:
            urls = {k: v["url"] for k, v in truth.items()}
            about = (f"{len(truth)} multilingual pages with `with` / `without` snippets (after trafilatura's "
                     "evaluation set), `" + str(data) + "`. Its snippet metric: counts summed over pages, "
                     "F1 = 2TP / (2TP + FP + FN); \"empty pages\" had no text at all.")
            table = snippets_table(timings, scores)
            reading = ("pages/s as in the article set (etl: the whole process); quality, not speed, is what this set "
                       "is for.")
        if not etl:
            all_notes.insert(0, f"{KIND_TITLE[kind]}: etl was not run (see below): its row is missing.")
        all_notes += [f"{KIND_TITLE[kind]}: {note}" for note in error_notes(timings)]
        whole = whole_process_line(folder, timings)
        if whole:
            reading += " " + whole
        sections += [f"## {KIND_TITLE[kind]} ({len(truth)} pages)", "", about, "", table, "", reading, "",
                     loss_section(kind, data, truth, urls, predictions, timings, scores, best_of), ""]
        (folder if folder.is_dir() else results_root).joinpath("summary.json").write_text(
            json.dumps({"kind": kind, "data": str(data), "scores": scores, "timings": timings}, indent=1),
            encoding="utf-8")
    text = "\n".join([
        "# Extraction benchmarks: etl and its peers",
        "",
        f"Command: `{args.command}`",
        "",
        f"Date: {now:%Y-%m-%d %H:%M %Z}. Machine: {machine()}.",
    ] + ([etl_line] if etl_line else []) + [
        "Everything pinned to one core (`taskset -c 0`). Timings on a shared machine are noisy: compare the "
        "ratios within one run, not absolute numbers across runs.",
        "",
    ] + sections + (["Notes:", ""] + [f"- {note}" for note in all_notes] + [""] if all_notes else []))
    text = relative_paths(text)
    Path(args.markdown).write_text(text, encoding="utf-8")
    print(text)
    return 0


def relative_paths(text: str) -> str:
    """Paths of this machine as the repository sees them: its own files relative to its root (where
    the commands run), the folders beside it as ../NAME; results.md is committed and read elsewhere."""
    root = Path(__file__).resolve().parents[2]
    return text.replace(str(root) + "/", "").replace(str(root.parent) + "/", "../")


# ---------------------------------------------------------------------------------------------
# diff: what one run gets wrong, or what changed between two.

def load_source(source: str, kind: str, peer: str | None) -> tuple[str, dict[str, str]]:
    """(label, {id: text}) from a predictions file, etl's articles.jsonl or its OUT folder, or a
    results folder (RESULTS or RESULTS/KIND: its etl.json, or PEER.json)."""
    path = Path(source)
    if path.is_dir():
        if (path / kind).is_dir():
            path = path / kind
        if (path / "articles.jsonl").is_file() and not peer:
            path = path / "articles.jsonl"
        else:
            path = path / f"{peer or 'etl'}.json"
    if not path.is_file():
        raise SystemExit(f"{source}: no predictions there (looked for {path})")
    if path.suffix == ".jsonl":
        predictions = {}
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                record = json.loads(line)
                body = record.get("body")
                predictions[page_id(record.get("url") or "")] = body if isinstance(body, str) else ""
        return str(path), predictions
    return str(path), metric.load_predictions(path)


def totals_line(kind: str, label: str, truth: dict, predictions: dict) -> str:
    r = metric.evaluate_set(kind, truth, predictions)
    extra = (f"accuracy {r['accuracy']:.3f}" if kind == metric.ARTICLES
             else f"TP {r['tp']}  FP {r['fp']}  FN {r['fn']}")
    return (f"F1 {r['f1']:.4f}  precision {r['precision']:.4f}  recall {r['recall']:.4f}  {extra}  "
            f"({r['empty']} empty of {r['pages']})  {label}")


def print_page_errors(kind: str, page: str, truth_item, url: str, text: str, width: int, every: bool) -> None:
    detail = page_detail(kind, truth_item, text)
    if kind == metric.SNIPPETS:
        print(f"{page}  {detail['score']}/{detail['total']} right: missed {detail['fn']} of "
              f"{detail['tp'] + detail['fn']} with, kept {detail['fp']} of {detail['fp'] + detail['tn']} without  {url}")
        for snippet in detail["missed"]:
            print(f"    - missed with:   “{clip(snippet, width)}”")
        for snippet in detail["kept"]:
            print(f"    + kept without:  “{clip(snippet, width)}”")
        if every:
            for snippet in truth_item["with"]:
                if snippet not in detail["missed"]:
                    print(f"      found with:    “{clip(snippet, width)}”")
            print(f"    text ({len(metric.normalize_space(text))} characters): “{clip(text or '', 4 * width)}”")
        return
    print(f"{page}  F1 {detail['f1']:.3f}  P {detail['precision']:.3f}  R {detail['recall']:.3f}  {url}")
    missed, extra = unshared(truth_item, text), unshared(text, truth_item)
    for stretch in missed[: None if every else 1]:
        print(f"    - missed ({len(metric.tokenize(stretch))} tokens): “{clip(stretch, width)}”")
    for stretch in extra[: None if every else 1]:
        print(f"    + extra ({len(metric.tokenize(stretch))} tokens): “{clip(stretch, width)}”")
    if not every and (len(missed) > 1 or len(extra) > 1):
        print(f"      ({len(missed)} missed and {len(extra)} extra stretches in all; --page {page[:ID_CHARS]} lists them)")


def print_change(kind: str, page: str, truth_item, url: str, before: str, after: str, width: int) -> None:
    a, b = page_detail(kind, truth_item, before), page_detail(kind, truth_item, after)
    if kind == metric.SNIPPETS:
        print(f"{page}  {a['score']} → {b['score']} of {a['total']} right  {url}")
        for snippet in truth_item["with"]:
            if (snippet in a["missed"]) != (snippet in b["missed"]):
                print(f"    {'+ now finds with:  ' if snippet in a['missed'] else '- now misses with: '}  "
                      f"“{clip(snippet, width)}”")
        for snippet in truth_item["without"]:
            if (snippet in a["kept"]) != (snippet in b["kept"]):
                print(f"    {'+ now drops without' if snippet in a['kept'] else '- now keeps without'}: "
                      f"“{clip(snippet, width)}”")
        return
    print(f"{page}  F1 {a['f1']:.3f} → {b['f1']:.3f}  (P {a['precision']:.3f} → {b['precision']:.3f}, "
          f"R {a['recall']:.3f} → {b['recall']:.3f})  {url}")
    gone, new = unshared(before, after), unshared(after, before)
    if gone:
        print(f"    - dropped ({len(metric.tokenize(gone[0]))} tokens): “{clip(gone[0], width)}”")
    if new:
        print(f"    + added ({len(metric.tokenize(new[0]))} tokens): “{clip(new[0], width)}”")


def command_diff(args) -> int:
    kind, truth = metric.load_set(args.data)
    if kind == metric.SNIPPETS:
        urls = {k: v["url"] for k, v in truth.items()}
    else:
        urls = {k: v.get("url", "") for k, v in json.loads(
            (Path(args.data) / "ground-truth.json" if Path(args.data).is_dir() else Path(args.data))
            .read_text(encoding="utf-8")).items()}
    label_a, a = load_source(args.a, kind, args.peer)
    pages = sorted(truth)
    if args.page:
        pages = [page for page in pages if page == args.page] or [page for page in pages if page.startswith(args.page)]
        if len(pages) != 1:
            raise SystemExit(f"{args.page}: " + ("not a page" if not pages else f"the prefix of {len(pages)} pages")
                             + f" of {args.data}")
    width = args.width
    if args.b is None:
        print(f"{KIND_TITLE[kind]}, {len(truth)} pages: {totals_line(kind, label_a, truth, a)}")
        wrong = []
        for page in pages:
            detail = page_detail(kind, truth[page], a.get(page))
            bad = detail["f1"] < 1 - 1e-9 if kind == metric.ARTICLES else detail["score"] < detail["total"]
            if bad or args.page:
                key = detail["f1"] if kind == metric.ARTICLES else detail["score"] - detail["total"]
                wrong.append((key, page))
        wrong.sort()
        shown = wrong if args.page or not args.limit else wrong[: args.limit]
        if not args.page:
            print(f"{len(wrong)} pages not perfect" + (f"; the {len(shown)} worst:" if len(shown) < len(wrong) else ":"))
        for _, page in shown:
            print_page_errors(kind, page, truth[page], urls.get(page, ""), a.get(page) or "", width, bool(args.page))
        return 0
    label_b, b = load_source(args.b, kind, args.peer_b or args.peer)
    print(f"A: {totals_line(kind, label_a, truth, a)}")
    print(f"B: {totals_line(kind, label_b, truth, b)}")
    changes, tiny = [], 0
    for page in pages:
        da = page_detail(kind, truth[page], a.get(page))
        db = page_detail(kind, truth[page], b.get(page))
        delta = db["score"] - da["score"]
        if abs(delta) >= (args.min_change if kind == metric.ARTICLES else 1):
            changes.append((delta, page))
        elif (a.get(page) or "") != (b.get(page) or ""):
            tiny += 1
    worse = sorted(c for c in changes if c[0] < 0)
    better = sorted((c for c in changes if c[0] > 0), key=lambda c: (-c[0], c[1]))
    unit = "snippets judged right" if kind == metric.SNIPPETS else "F1"
    print(f"{len(better)} pages better, {len(worse)} worse (B against A, by the page's {unit}); {tiny} more "
          + ("pages' text changed, their score did not" if kind == metric.SNIPPETS
             else f"pages' text changed, their F1 by less than {args.min_change} (--min-change)"))
    for title, group in (("worse in B", worse), ("better in B", better)):
        if not group:
            continue
        shown = group if not args.limit else group[: args.limit]
        print(f"\n{title}: {len(group)} pages" + (f" (the first {len(shown)})" if len(shown) < len(group) else ""))
        for _, page in shown:
            print_change(kind, page, truth[page], urls.get(page, ""), a.get(page) or "", b.get(page) or "", width)
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
    table = sub.add_parser("table", help="score everything and write the tables")
    table.add_argument("data", nargs="+", help="benchmark folders; each set's results are in RESULTS/KIND")
    table.add_argument("--results", required=True, help="the results folder (holding articles/, snippets/)")
    table.add_argument("--command", required=True)
    table.add_argument("--markdown", required=True)
    table.add_argument("--best-of", default=",".join(BEST_OF),
                       help="the peers that \"the best peer\" is chosen from, page by page (default "
                       f"{','.join(BEST_OF)}; all = every extractor that ran)")
    table.set_defaults(func=command_table)
    diff = sub.add_parser("diff", help="what a run gets wrong (A), or what changed from A to B, page by page",
                          description="What predictions A get wrong, page by page, or (with B) which pages "
                          "got better or worse from A to B. A and B: a predictions file {id: text}, etl's "
                          "articles.jsonl or the OUT folder holding it, or a results folder (RESULTS or "
                          "RESULTS/KIND; its etl.json, or --peer NAME's).")
    diff.add_argument("data", help="benchmark folder (article set or snippet set)")
    diff.add_argument("a", help="the predictions (or, with B, the ones before)")
    diff.add_argument("b", nargs="?", help="the predictions after")
    diff.add_argument("--peer", help="in a results folder, PEER.json instead of etl.json (A, and B unless --peer-b)")
    diff.add_argument("--peer-b", help="in a results folder given as B, PEER.json")
    diff.add_argument("--page", help="only this page, in full")
    diff.add_argument("--limit", type=int, default=40, help="pages shown per list (default 40, 0 = all)")
    diff.add_argument("--width", type=int, default=160, help="characters of a snippet or stretch shown (160)")
    diff.add_argument("--min-change", type=float, default=0.005,
                      help="article set: smallest change of page F1 listed (default 0.005)")
    diff.set_defaults(func=command_diff)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
