#!/usr/bin/env python3
"""Compares etl's records of the Persian pages with their hand-checked expectations (issue #15).

    compare.py ROOT ARTICLES.JSONL

Expectations, one source of truth per page:
  Tests/Fixtures/demo-expected.json     the demo pages (pipelines/demo-pages/NAME)
  Tests/Fixtures/persian-expected.json  the Persian fixture pages (Tests/Fixtures/PATH)
Each page's entry gives the fields; `paragraphs` stands for `body` (joined by blank lines) and, unless
the entry has its own `blocks`, for the blocks too (one paragraph block each, no links). A field the
entry leaves out is not counted for that page. null / [] expected means the output must have none
(a missing field counts as none). `taxonomy` is compared on major and minor; `blocks` on type, text,
level, links and rows; `comments` on author, published and text.
Prints the table (Markdown) and then every miss.
"""
import json
import os
import sys
import urllib.parse

FIELDS = ["title", "pretitle", "lead", "body", "published", "modified", "authors", "category", "taxonomy",
          "tags", "canonicalUrl", "images", "comments", "blocks", "language", "newsId", "site"]


def expectations(root):
    pages = {}
    with open(os.path.join(root, "Tests/Fixtures/demo-expected.json"), encoding="utf-8") as f:
        for name, entry in json.load(f).items():
            pages[os.path.join(root, "pipelines/demo-pages", name)] = ("demo-pages/" + name, entry)
    with open(os.path.join(root, "Tests/Fixtures/persian-expected.json"), encoding="utf-8") as f:
        for path, entry in json.load(f).items():
            if path.startswith("//"):
                continue
            pages[os.path.join(root, "Tests/Fixtures", path)] = ("Fixtures/" + path, entry)
    return pages


def expected_value(entry, field):
    if field == "body":
        return "\n\n".join(entry["paragraphs"]) if "paragraphs" in entry else KeyError
    if field == "blocks":
        if "blocks" in entry:
            return entry["blocks"]
        return [{"type": "paragraph", "text": p} for p in entry["paragraphs"]] if "paragraphs" in entry else KeyError
    return entry.get(field, KeyError)


def normal(field, value):
    """The part of a value that is compared; None for "none"."""
    if value in (None, [], ""):
        return None
    if field == "taxonomy":
        return {"major": value.get("major"), "minor": value.get("minor")}
    if field == "blocks":
        return [{k: b[k] for k in ("type", "text", "level", "links", "rows") if b.get(k) not in (None, [])} for b in value]
    if field == "comments":
        return [{k: c.get(k) for k in ("author", "published", "text")} for c in value]
    return value


def short(value, width=90):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[:width] + "…"


def first_difference(expected, got):
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return f"{len(expected)} items expected, {len(got)} got; expected {short(expected)}, got {short(got)}"
        for index, (e, g) in enumerate(zip(expected, got)):
            if e != g:
                if isinstance(e, dict) and isinstance(g, dict):
                    key = next(k for k in sorted(set(e) | set(g)) if e.get(k) != g.get(k))
                    return f"item {index}, {key}: expected {short(e.get(key), 200)}, got {short(g.get(key), 200)}"
                return f"item {index}: expected {short(e)}, got {short(g)}"
    if isinstance(expected, str) and isinstance(got, str):
        i = next((i for i, (a, b) in enumerate(zip(expected, got)) if a != b), min(len(expected), len(got)))
        return f"differs at character {i}: expected …{expected[max(0, i - 20):i + 40]!r}, got …{got[max(0, i - 20):i + 40]!r}"
    return f"expected {short(expected)}, got {short(got)}"


def main():
    root, articles = sys.argv[1], sys.argv[2]
    pages = expectations(root)
    records = {}
    with open(articles, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            path = urllib.parse.unquote(urllib.parse.urlparse(record["url"]).path)
            records[os.path.realpath(path)] = record
    rows, misses = [], []
    for field in FIELDS:
        counted = exact = with_value = 0
        for path, (label, entry) in sorted(pages.items(), key=lambda item: item[1][0]):
            expected = expected_value(entry, field)
            if expected is KeyError:
                continue
            counted += 1
            expected = normal(field, expected)
            with_value += expected is not None
            record = records.get(os.path.realpath(path))
            got = normal(field, record.get(field)) if record else "(no record)"
            if got == expected:
                exact += 1
            else:
                misses.append((field, label, first_difference(expected, got)))
        rows.append((field, exact, counted, with_value))
    print("| field | pages exact / pages | pages with a value expected |")
    print("|---|---|---|")
    for field, exact, counted, with_value in rows:
        print(f"| `{field}` | {exact} / {counted} | {with_value} |")
    total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"| all fields | {total[0]} / {total[1]} | |")
    print()
    print(f"{len(records)} records, {len(pages)} pages expected; misses: {len(misses)}")
    for field, label, why in misses:
        print(f"- {field} on {label}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
