#!/usr/bin/env python3
"""An etl `process-source` in plain Python: local pages found by a glob pattern.

Each line written to standard output is one record: a JSON object with at least "url"; its other
members become the record's fields. etl reads the lines as they come (the pipeline starts while
this program still runs) and fetches each URL with its fetchers. Exit with status 0 when done; any
other status is a failure of the source, reported with the end of standard error.
"""
import glob
import json
import pathlib
import sys


def main():
    if len(sys.argv) != 2:
        print("usage: pages.py GLOB", file=sys.stderr)
        return 2
    paths = sorted(glob.glob(sys.argv[1], recursive=True))
    if not paths:
        print(f"pages.py: no file matches {sys.argv[1]!r}", file=sys.stderr)
        return 1
    for path in paths:
        page = pathlib.Path(path).resolve()
        record = {"url": page.as_uri(), "collection": page.parent.name, "fileBytes": page.stat().st_size}
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
