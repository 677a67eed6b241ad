#!/usr/bin/env python3
"""An etl `process` step in plain Python (standard library only).

etl writes each record to standard input as one line of JSON (what the jsonl sink would write:
url, provenance and fields). This program answers every line with one line, in the same order:

  * the record's fields as a JSON object (changed as it likes),
  * null, to drop the record,
  * {"$error": "reason"}, to send the record to the dead letters with that reason.

It adds `words` (words in the body), `readingMinutes` (at 200 words a minute) and `script` (the
writing system most of the title and body letters are in), and drops records whose body has fewer
than --min-words words. Diagnostics go to standard error, which etl writes to its log.
"""
import argparse
import json
import math
import sys
import unicodedata


def script_of(text):
    """The writing system of most letters of `text` ("Arabic", "Latin", ...), or None."""
    counts = {}
    for character in text:
        if character.isalpha():
            name = unicodedata.name(character, "")
            system = name.split(" ")[0] if name else "UNKNOWN"
            counts[system] = counts.get(system, 0) + 1
    if not counts:
        return None
    return max(counts, key=counts.get).title()


def annotate(record, min_words):
    """The answer for one record: the record with its new fields, None to drop it, or an error."""
    body = record.get("body")
    if not isinstance(body, str) or not body.strip():
        return {"$error": "the record has no body (run the html and article steps before this one)"}
    words = len(body.split())
    if words < min_words:
        return None
    record["words"] = words
    record["readingMinutes"] = math.ceil(words / 200)
    record["script"] = script_of((record.get("title") or "") + " " + body)
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-words", type=int, default=0, help="drop records with fewer words in their body")
    arguments = parser.parse_args()
    # Lines in and out are UTF-8, whatever the locale says.
    source = open(sys.stdin.fileno(), "r", encoding="utf-8", closefd=False)
    for line in source:
        answer = annotate(json.loads(line), arguments.min_words)
        # One line per record, flushed at once: etl waits for it before it sends the next.
        sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8") + b"\n")
        sys.stdout.buffer.flush()
    # End of input: the run is over. Exit (status 0).


if __name__ == "__main__":
    main()
