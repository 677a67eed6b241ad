#!/usr/bin/env python3
"""Runs the Python peers of etl on the article-extraction benchmark's pages.

    python peers.py DATA --out DIR [--peers NAME,NAME] [--limit N]

DATA is the benchmark folder (html/<id>.html.gz and ground-truth.json). For each peer this starts
a separate worker process (so that its peak memory is its own), which reads every page into memory
(gzip-compressed), extracts one page as a warm-up, then, page by page, decompresses and decodes the
page (UTF-8, untimed) and times only the extraction call. It writes DIR/<peer>.json (predictions,
{id: text}) and DIR/<peer>.timing.json, and the parent writes DIR/peers.json with every peer's
timing. Run the whole script under `taskset -c 0` to pin it (and so every worker) to one core.

A page where a peer raises counts as an empty prediction and as one error. The workers refuse any
network connection, so a peer that tries one fails that page instead of waiting for the network.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import resource
import socket
import subprocess
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

# name -> (label for the table, distribution whose version is reported, whether it extracts text)
PEERS = {
    "trafilatura": ("trafilatura {v} (default)", "trafilatura", True),
    "trafilatura-precision": ("trafilatura {v} (favor_precision)", "trafilatura", True),
    "trafilatura-fast": ("trafilatura {v} (fast)", "trafilatura", True),
    "readability": ("readability-lxml {v}", "readability-lxml", True),
    "newspaper4k": ("newspaper4k {v}", "newspaper4k", True),
    "resiliparse": ("resiliparse {v} (main_content)", "resiliparse", True),
    "boilerpy3": ("boilerpy3 {v} (ArticleExtractor)", "boilerpy3", True),
    "visible-text": ("all visible text (lxml {v})", "lxml", True),
    "lxml-parse": ("lxml {v} parse only (no extraction)", "lxml", False),
}


# ---------------------------------------------------------------------------------------------
# Peers: make(page_url_by_id) returns extract(html, url) -> text. Imports happen here, untimed.

def make_trafilatura(**options):
    def make():
        import trafilatura

        def extract(html: str, url: str) -> str:
            return trafilatura.extract(html, include_comments=False, **options) or ""
        return extract
    return make


# Elements after which a reader sees a line break. text_content() alone glues "end</p><p>Start"
# into one token "endStart", which costs readability about 0.005 F1 on this benchmark; the
# benchmark's own runner converts readability's HTML with html-text, which separates blocks too.
BLOCKS = {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
          "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
          "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}


def make_readability():
    import lxml.html
    from readability import Document

    def extract(html: str, url: str) -> str:
        summary = Document(html).summary()
        if not summary.strip():
            return ""
        root = lxml.html.fromstring(summary)
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag in BLOCKS:
                element.text = "\n" + (element.text or "")
                element.tail = "\n" + (element.tail or "")
        return root.text_content()
    return extract


def make_newspaper4k():
    from newspaper import Article, Config

    config = Config()
    config.fetch_images = False        # no image downloads (no network)
    config.follow_meta_refresh = False  # the default, stated: never follow a refresh to the network
    config.memorize_articles = False

    def extract(html: str, url: str) -> str:
        article = Article(url, config=config)
        article.download(input_html=html)
        article.parse()
        return article.text or ""
    return extract


def make_resiliparse():
    from resiliparse.extract.html2text import extract_plain_text

    def extract(html: str, url: str) -> str:
        return extract_plain_text(html, main_content=True) or ""
    return extract


def make_boilerpy3():
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor()

    def extract(html: str, url: str) -> str:
        return extractor.get_content(html) or ""
    return extract


INVISIBLE = ("script", "style", "noscript", "template", "head", "title")


def utf8_parser():
    """libxml2's HTML parser told the input is UTF-8. Given bytes without that, libxml2 reads a page
    whose only declaration is <meta charset="utf-8"> as Latin-1 (5 of these 181 pages)."""
    import lxml.html
    return lxml.html.HTMLParser(encoding="utf-8")


def make_visible_text():
    """Every text node of the page but those of scripts, styles and the head: the recall ceiling."""
    import lxml.html
    parser = utf8_parser()

    def extract(html: str, url: str) -> str:
        root = lxml.html.fromstring(html.encode("utf-8"), parser=parser)
        for element in list(root.iter(*INVISIBLE)):
            element.drop_tree()
        return " ".join(root.itertext())
    return extract


def make_lxml_parse():
    """Only the libxml2 HTML parse that lxml-based peers start with: a floor for their time."""
    import lxml.html
    parser = utf8_parser()

    def extract(html: str, url: str) -> str:
        lxml.html.fromstring(html.encode("utf-8"), parser=parser)
        return ""
    return extract


MAKERS = {
    "trafilatura": make_trafilatura(),
    "trafilatura-precision": make_trafilatura(favor_precision=True),
    "trafilatura-fast": make_trafilatura(fast=True),
    "readability": make_readability,
    "newspaper4k": make_newspaper4k,
    "resiliparse": make_resiliparse,
    "boilerpy3": make_boilerpy3,
    "visible-text": make_visible_text,
    "lxml-parse": make_lxml_parse,
}


# ---------------------------------------------------------------------------------------------

def load_pages(data: Path, limit: int | None) -> list[tuple[str, str, bytes]]:
    """(id, url, gzip bytes) for every page, sorted by id. The pages stay compressed in memory
    (6 MB rather than 31 MB of text) so that a peer's peak memory is mostly its own; each is
    decompressed and decoded just before its timed extraction call."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    paths = sorted((data / "html").glob("*.html.gz"))
    if limit:
        paths = paths[:limit]
    return [(path.name[: -len(".html.gz")], truth.get(path.name[: -len(".html.gz")], {}).get("url", ""),
             path.read_bytes()) for path in paths]


def decode(compressed: bytes) -> str:
    return gzip.decompress(compressed).decode("utf-8")


def refuse_network() -> None:
    def refuse(*args, **kwargs):
        raise OSError("network access is disabled in the extraction benchmark")
    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def worker(name: str, data: Path, out: Path, limit: int | None) -> int:
    refuse_network()
    logging.disable(logging.CRITICAL)  # peers log warnings for odd pages; they are not errors
    label, distribution, extracts = PEERS[name]
    pages = load_pages(data, limit)
    extract = MAKERS[name]()
    try:  # warm-up: first-call imports, caches, compiled patterns; not timed, not kept
        extract(decode(pages[0][2]), pages[0][1])
    except Exception:
        pass
    predictions: dict[str, str] = {}
    errors: list[dict] = []
    seconds = 0.0
    for page_id, url, compressed in pages:
        html = decode(compressed)
        start = time.perf_counter()
        try:
            text = extract(html, url)
        except Exception as error:  # noqa: BLE001 - a failing page is an empty prediction
            seconds += time.perf_counter() - start
            text = ""
            errors.append({"id": page_id, "error": f"{type(error).__name__}: {error}"[:300],
                           "where": traceback.format_exc(limit=-1).strip().splitlines()[-2:][0][:200]})
        else:
            seconds += time.perf_counter() - start
        predictions[page_id] = text if isinstance(text, str) else ""
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    timing = {
        "peer": name,
        "label": label.format(v=version_of(distribution)),
        "version": version_of(distribution),
        "extracts": extracts,
        "pages": len(pages),
        "errors": len(errors),
        "error_pages": errors,
        "seconds": seconds,
        "pages_per_s": len(pages) / seconds if seconds > 0 else None,
        "peak_mb": peak_kb / 1024,
        "cpus": sorted(os.sched_getaffinity(0)),
    }
    if extracts:
        (out / f"{name}.json").write_text(json.dumps(predictions, ensure_ascii=False, sort_keys=True),
                                          encoding="utf-8")
    (out / f"{name}.timing.json").write_text(json.dumps(timing, indent=1), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="benchmark folder (html/*.html.gz, ground-truth.json)")
    parser.add_argument("--out", type=Path, required=True, help="folder for predictions and timings")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated, of: " + ", ".join(PEERS))
    parser.add_argument("--limit", type=int, help="only the first N pages (for a quick try)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file() or not (args.data / "html").is_dir():
        parser.error(f"{args.data} has no ground-truth.json and html/ folder")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.worker:
        return worker(args.worker, args.data, args.out, args.limit)

    names = [n.strip() for n in args.peers.split(",") if n.strip()]
    unknown = [n for n in names if n not in PEERS]
    if unknown:
        parser.error(f"unknown peers: {', '.join(unknown)}")
    results = []
    for name in names:
        command = [sys.executable, os.path.abspath(__file__), str(args.data), "--out", str(args.out),
                   "--worker", name] + (["--limit", str(args.limit)] if args.limit else [])
        started = time.perf_counter()
        finished = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - started
        timing_path = args.out / f"{name}.timing.json"
        if finished.returncode != 0 or not timing_path.is_file():
            print(f"  {name:<22} FAILED (exit {finished.returncode}): "
                  f"{finished.stderr.strip().splitlines()[-1:] or ''}", file=sys.stderr)
            results.append({"peer": name, "label": name, "failed": finished.stderr[-2000:]})
            continue
        timing = json.loads(timing_path.read_text(encoding="utf-8"))
        timing["process_wall_s"] = wall
        results.append(timing)
        rate = timing["pages_per_s"]
        print(f"  {timing['label']:<40} {rate:8.1f} pages/s  peak {timing['peak_mb']:6.1f} MB  "
              f"errors {timing['errors']}", file=sys.stderr)
    (args.out / "peers.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if all("failed" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
