#!/usr/bin/env python3
"""Runs the Python peers of etl on the pages of one of its extraction benchmarks.

    python peers.py DATA --out DIR [--peers NAME,NAME] [--limit N] [--pages PAGES] [--input str|bytes]

DATA is a benchmark folder: the article set (html/<id>.html.gz and ground-truth.json) or the snippet
set (manifest.jsonl and pages.tar.xz; its pages are read from PAGES/<id>.html, the folder that
pages.tar.xz unpacks to (`pages/`), or, without --pages, unpacked to a temporary folder first; the
page URLs come from the manifest). For each peer this starts a separate worker process (so that its
peak memory is its own), which reads every page into memory (gzip-compressed), extracts one page as
a warm-up, then, page by page, decompresses and decodes the page (untimed) and times only the
extraction call.

Decoding (--input str, the default): the article set is UTF-8 throughout. A snippet-set page is
decoded as UTF-8 when it is valid UTF-8 (a byte-order mark dropped), else with the charset that its
<meta> declares (as a browser reads it: ISO-8859-1 and ASCII as windows-1252, GB2312 as GB18030),
else as windows-1252; bytes invalid in that charset become U+FFFD. --input bytes hands the peers
the raw bytes instead where they take them (trafilatura, readability) and lets each detect the
charset itself; the others still get the str. It writes DIR/<peer>.json (predictions,
{id: text}) and DIR/<peer>.timing.json, and the parent writes DIR/peers.json with every peer's
timing. Run the whole script under `taskset -c 0` to pin it (and so every worker) to one core.

A page where a peer raises counts as an empty prediction and as one error. The workers refuse any
network connection, so a peer that tries one fails that page instead of waiting for the network.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import json
import logging
import os
import re
import resource
import socket
import subprocess
import sys
import tarfile
import tempfile
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

        def extract(html: str | bytes, url: str) -> str:
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

    def extract(html: str | bytes, url: str) -> str:
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


# The peers that take the page's bytes and detect its charset themselves (--input bytes).
TAKE_BYTES = {"trafilatura", "trafilatura-precision", "trafilatura-fast", "readability"}

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

def is_snippet_set(data: Path) -> bool:
    return (data / "manifest.jsonl").is_file()


def load_pages(data: Path, limit: int | None, pages: Path | None = None) -> list[tuple[str, str, bytes]]:
    """(id, url, gzip bytes) for every page, sorted by id. The pages stay compressed in memory
    (6 MB rather than 31 MB of text for the article set) so that a peer's peak memory is mostly its
    own; each is decompressed and decoded just before its timed extraction call."""
    if is_snippet_set(data):
        manifest = [json.loads(line) for line in (data / "manifest.jsonl").read_text(encoding="utf-8").split("\n")
                    if line.strip()]
        manifest.sort(key=lambda item: item["id"])
        if limit:
            manifest = manifest[:limit]
        # A `hard::<file>` entry has no address: the peers get none.
        return [(item["id"], "" if item.get("url", "").startswith("hard::") else item.get("url", ""),
                 gzip.compress((pages / f"{item['id']}.html").read_bytes(), compresslevel=1))
                for item in manifest]
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    paths = sorted((data / "html").glob("*.html.gz"))
    if limit:
        paths = paths[:limit]
    return [(path.name[: -len(".html.gz")], truth.get(path.name[: -len(".html.gz")], {}).get("url", ""),
             path.read_bytes()) for path in paths]


META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# The WHATWG Encoding Standard's labels where Python's codec of the same name differs.
BROWSER_CHARSET = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
                   "iso8859-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-9": "cp1254",
                   "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "tis-620": "cp874",
                   "iso-8859-11": "cp874", "ks_c_5601-1987": "cp949", "euc-kr": "cp949"}


def declared_charset(raw: bytes) -> str | None:
    """The Python codec of the charset the page's first <meta charset> or http-equiv declares."""
    match = META_CHARSET.search(raw[:8192])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    label = BROWSER_CHARSET.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(raw: bytes) -> str:
    """UTF-8 when the page is valid UTF-8, else its declared charset, else windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return raw.decode(declared_charset(raw) or "cp1252", errors="replace")


def decode(compressed: bytes) -> str:
    return decode_html(gzip.decompress(compressed))


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


def worker(name: str, data: Path, out: Path, limit: int | None, pages_dir: Path | None,
           input_kind: str) -> int:
    refuse_network()
    logging.disable(logging.CRITICAL)  # peers log warnings for odd pages; they are not errors
    label, distribution, extracts = PEERS[name]
    pages = load_pages(data, limit, pages_dir)
    extract = MAKERS[name]()
    prepare = gzip.decompress if input_kind == "bytes" and name in TAKE_BYTES else decode
    try:  # warm-up: first-call imports, caches, compiled patterns; not timed, not kept
        extract(prepare(pages[0][2]), pages[0][1])
    except Exception:
        pass
    predictions: dict[str, str] = {}
    errors: list[dict] = []
    seconds = 0.0
    for page_id, url, compressed in pages:
        html = prepare(compressed)
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
        "input": "bytes" if prepare is gzip.decompress else "str",
    }
    if extracts:
        (out / f"{name}.json").write_text(json.dumps(predictions, ensure_ascii=False, sort_keys=True),
                                          encoding="utf-8")
    (out / f"{name}.timing.json").write_text(json.dumps(timing, indent=1), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="benchmark folder (html/*.html.gz and ground-truth.json, "
                        "or manifest.jsonl and pages.tar.xz)")
    parser.add_argument("--out", type=Path, required=True, help="folder for predictions and timings")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated, of: " + ", ".join(PEERS))
    parser.add_argument("--limit", type=int, help="only the first N pages (for a quick try)")
    parser.add_argument("--pages", type=Path, help="snippet set: the folder of <id>.html that pages.tar.xz "
                        "unpacks to (default: unpack it to a temporary folder)")
    parser.add_argument("--input", choices=("str", "bytes"), default="str",
                        help="give the peers a str decoded as described above (default), or the raw bytes "
                        "where they take them (trafilatura, readability)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    snippets = is_snippet_set(args.data)
    if snippets:
        if not (args.data / "pages.tar.xz").is_file() and not args.pages:
            parser.error(f"{args.data} has a manifest.jsonl but no pages.tar.xz (and no --pages was given)")
    elif not (args.data / "ground-truth.json").is_file() or not (args.data / "html").is_dir():
        parser.error(f"{args.data} has neither ground-truth.json and html/ nor manifest.jsonl and pages.tar.xz")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.worker:
        return worker(args.worker, args.data, args.out, args.limit, args.pages, args.input)
    scratch = None
    if snippets and not args.pages:
        scratch = tempfile.TemporaryDirectory(prefix="etl-bench-snippets-")
        with tarfile.open(args.data / "pages.tar.xz") as archive:
            archive.extractall(scratch.name, filter="data")
        args.pages = Path(scratch.name) / "pages"

    names = [n.strip() for n in args.peers.split(",") if n.strip()]
    unknown = [n for n in names if n not in PEERS]
    if unknown:
        parser.error(f"unknown peers: {', '.join(unknown)}")
    results = []
    for name in names:
        command = [sys.executable, os.path.abspath(__file__), str(args.data), "--out", str(args.out),
                   "--worker", name, "--input", args.input] + (["--limit", str(args.limit)] if args.limit else []) \
            + (["--pages", str(args.pages)] if args.pages else [])
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
    if scratch:
        scratch.cleanup()
    return 0 if all("failed" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
