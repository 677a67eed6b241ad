#!/usr/bin/env python3
"""An etl `process-sink` in plain Python: a tab-separated report of the records.

etl writes each record to standard input as one line of JSON and waits for the answer to it:
{"ok": true} once the record is safely written (etl records it as done in its state only after
that), or {"ok": false, "error": "reason"} to send it to the dead letters.

At the end of a run that succeeded, standard input ends: the report is put in place and the
program exits with status 0. At the end of a run that failed, it gets SIGTERM instead: it removes
its unfinished file, and the last good report stays as it was.
"""
import json
import os
import signal
import sys

COLUMNS = ["url", "title", "words", "readingMinutes", "script", "published"]


def cell(value):
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\n", " ")


def main():
    if len(sys.argv) != 2:
        print("usage: report.py REPORT.tsv", file=sys.stderr)
        return 2
    target = sys.argv[1]
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    partial = f"{target}.partial"
    output = open(partial, "w", encoding="utf-8")

    def discard(signum, frame):
        output.close()
        os.remove(partial)
        print("report.py: the run failed; the last report stays", file=sys.stderr)
        sys.exit(0)

    signal.signal(signal.SIGTERM, discard)
    output.write("\t".join(COLUMNS) + "\n")
    source = open(sys.stdin.fileno(), "r", encoding="utf-8", closefd=False)
    for line in source:
        record = json.loads(line)
        if not record.get("title"):
            answer = {"ok": False, "error": "a report row needs a title"}
        else:
            output.write("\t".join(cell(record.get(column)) for column in COLUMNS) + "\n")
            output.flush()
            os.fsync(output.fileno())  # safe before it is acknowledged
            answer = {"ok": True}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    output.close()
    os.replace(partial, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
