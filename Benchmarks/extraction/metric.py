#!/usr/bin/env python3
"""The article-extraction benchmark's metric (scrapinghub/article-extraction-benchmark).

Per page: tokenise the true and the predicted article body with the Unicode regex ``\\w+``; form
every 4-token shingle (a text shorter than 4 tokens gives one shorter shingle, an empty text none);
count shingles as multisets; tp = sum min(true, pred), fp = sum max(0, pred - true),
fn = sum max(0, true - pred); divide the three by their sum so that every page weighs the same.

Page precision = tp / (tp + fp), page recall = tp / (tp + fn); both are 1 when fp = fn = 0 and 0
when the denominator's parts are both 0. Benchmark precision = mean over pages with tp + fp > 0,
recall = mean over pages with tp + fn > 0, F1 = 2PR / (P + R) of the two means. Accuracy = share of
pages whose token lists are identical.

Usage:
    python3 metric.py DATA PREDICTIONS.json [PREDICTIONS.json ...] [--json]
    python3 metric.py --self-test

DATA is the benchmark folder (holding ground-truth.json) or the ground-truth.json file itself.
A predictions file is ``{"<id>": "<body text>", ...}``; an id that is missing counts as an empty
prediction (values of the form ``{"articleBody": "..."}`` are accepted too). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

# Same pattern and flags as the benchmark's own evaluate.py: `re`'s Unicode \w (letters, digits and
# the underscore of every script). The flags other than UNICODE do not change what \w+ matches.
TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
SHINGLE = 4


def tokenize(text: str | None) -> list[str]:
    return TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE) -> Counter:
    tokens = tokenize(text)
    counts: Counter = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i:i + n])
        if shingle:  # an empty text has no shingle at all
            counts[shingle] += 1
    return counts


def page_tp_fp_fn(true: str | None, pred: str | None) -> tuple[float, float, float]:
    """Shingle tp, fp, fn of one page, normalised to sum 1 (all 0 when both texts are empty)."""
    true_counts, pred_counts = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in true_counts.keys() | pred_counts.keys():
        t, p = true_counts.get(key, 0), pred_counts.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return tp, fp, fn


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_accuracy(true: str | None, pred: str | None) -> float:
    return float(tokenize(true) == tokenize(pred))


def metrics_from_pages(pages: list[tuple[float, float, float]], accuracies: list[float]) -> dict:
    precisions = [precision_score(*page) for page in pages if page[0] + page[1] > 0]
    recalls = [recall_score(*page) for page in pages if page[0] + page[2] > 0]
    # The upstream script fails on an empty mean; 0 is the only sensible value for "no page counted".
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {
        "f1": f1,
        "precision": precision,
        "recall": recall,
        "accuracy": statistics.fmean(accuracies) if accuracies else 0.0,
        "pages": len(pages),
        "pages_in_precision": len(precisions),
        "pages_in_recall": len(recalls),
    }


def evaluate(truth: dict[str, str], predictions: dict[str, str]) -> dict:
    """truth and predictions map page id to body text; a page missing from predictions is empty."""
    pages, accuracies = [], []
    for page_id in sorted(truth):
        true, pred = truth[page_id], predictions.get(page_id) or ""
        pages.append(page_tp_fp_fn(true, pred))
        accuracies.append(page_accuracy(true, pred))
    result = metrics_from_pages(pages, accuracies)
    result["missing"] = sum(1 for page_id in truth if page_id not in predictions)
    result["empty"] = sum(1 for page_id in truth if not tokenize(predictions.get(page_id)))
    return result


def load_truth(path: str | Path) -> dict[str, str]:
    path = Path(path)
    if path.is_dir():
        path = path / "ground-truth.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {page_id: (item.get("articleBody") or "") for page_id, item in data.items()}


def load_predictions(path: str | Path) -> dict[str, str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: not a predictions file (want a JSON object {{id: text}})")
    out = {}
    for page_id, value in data.items():
        if isinstance(value, dict):
            value = value.get("articleBody")
        out[page_id] = value if isinstance(value, str) else ""
    return out


# ---------------------------------------------------------------------------------------------
# Self-test: every expected number below is worked out by hand in the comment beside it.

def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-12


def self_test() -> int:
    failures = []

    def check(name: str, got, want) -> None:
        ok = _close(got, want) if isinstance(want, float) else got == want
        if not ok:
            failures.append(f"{name}: got {got!r}, want {want!r}")

    # Tokens: Unicode words; punctuation and spaces split; the apostrophe splits "don't".
    check("tokens", tokenize("Привет, мир! 東京 don't  x_1"), ["Привет", "мир", "東京", "don", "t", "x_1"])
    check("tokens none", tokenize(None), [])

    # "a b c d e": shingles abcd, bcde. A 2-token text gives one 2-token shingle; empty gives none.
    check("shingles 5", shingles("a b c d e"), Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}))
    check("shingles 2", shingles("hello world"), Counter({("hello", "world"): 1}))
    check("shingles 0", shingles(""), Counter())

    # Identical: tp 2, fp 0, fn 0 -> (1, 0, 0); P = R = 1.
    check("identical", page_tp_fp_fn("a b c d e", "a, b. c d e"), (1.0, 0.0, 0.0))

    # Prediction misses the last token: true {abcd, bcde}, pred {abcd} -> tp 1, fn 1 -> (.5, 0, .5);
    # P = .5/.5 = 1, R = .5/1 = .5.
    page = page_tp_fp_fn("a b c d e", "a b c d")
    check("truncated", page, (0.5, 0.0, 0.5))
    check("truncated P", precision_score(*page), 1.0)
    check("truncated R", recall_score(*page), 0.5)

    # Multisets: "x x x x x" has 2 copies of xxxx, "x x x x x x" has 3 -> tp 2, fp 1, fn 0 ->
    # (2/3, 1/3, 0); P = 2/3, R = 1.
    page = page_tp_fp_fn("x x x x x", "x x x x x x")
    check("multiset", page, (2 / 3, 1 / 3, 0.0))
    check("multiset P", precision_score(*page), 2 / 3)
    check("multiset R", recall_score(*page), 1.0)

    # Extra boilerplate: true "a b c d" (abcd), pred "z a b c d" (zabc, abcd) -> tp 1, fp 1 ->
    # (.5, .5, 0); P = .5, R = 1.
    page = page_tp_fp_fn("a b c d", "z a b c d")
    check("extra", page, (0.5, 0.5, 0.0))
    check("extra P", precision_score(*page), 0.5)

    # Empty prediction: tp 0, fp 0, fn 1 -> (0, 0, 1): left out of precision, recall 0.
    page = page_tp_fp_fn("a b c d", "")
    check("empty pred", page, (0.0, 0.0, 1.0))
    check("empty pred R", recall_score(*page), 0.0)
    # Both empty: all 0, P = R = 1 by the fp = fn = 0 rule, but the page is in neither mean.
    check("both empty", page_tp_fp_fn("", "  ...  "), (0.0, 0.0, 0.0))
    check("both empty P", precision_score(0.0, 0.0, 0.0), 1.0)
    # Disjoint: "a b c d" vs "e f g h" -> (0, .5, .5); P = 0, R = 0.
    check("disjoint", page_tp_fp_fn("a b c d", "e f g h"), (0.0, 0.5, 0.5))

    # Accuracy compares token lists: punctuation and spacing do not matter, case does.
    check("accuracy punct", page_accuracy("Hello, world!", "Hello world"), 1.0)
    check("accuracy case", page_accuracy("Hello world", "hello world"), 0.0)

    # Aggregate over 4 pages:
    #   p1 identical            (1, 0, 0)      P 1    R 1    acc 1
    #   p2 truncated            (.5, 0, .5)    P 1    R .5   acc 0
    #   p3 missing prediction   (0, 0, 1)      -      R 0    acc 0
    #   p4 extra boilerplate    (.5, .5, 0)    P .5   R 1    acc 0
    # P = (1 + 1 + .5) / 3 = 5/6, R = (1 + .5 + 0 + 1) / 4 = 5/8, F1 = 2PR/(P+R) = (50/48)/(35/24) = 5/7.
    truth = {"p1": "a b c d e", "p2": "a b c d e", "p3": "a b c d", "p4": "a b c d"}
    preds = {"p1": "a b c d e", "p2": "a b c d", "p4": "z a b c d", "other": "ignored"}
    result = evaluate(truth, preds)
    check("P", result["precision"], 5 / 6)
    check("R", result["recall"], 5 / 8)
    check("F1", result["f1"], 5 / 7)
    check("accuracy", result["accuracy"], 0.25)
    check("pages in P", result["pages_in_precision"], 3)
    check("pages in R", result["pages_in_recall"], 4)
    check("missing", result["missing"], 1)

    if failures:
        print("self-test FAILED:\n  " + "\n  ".join(failures))
        print(f"0 passed, {len(failures)} failed")
        return 1
    print("metric self-test: all hand-computed cases match")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", help="benchmark folder or its ground-truth.json")
    parser.add_argument("predictions", nargs="*", help="predictions JSON files {id: text}")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--self-test", action="store_true", help="run the hand-computed cases")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.data or not args.predictions:
        parser.error("give the data folder and at least one predictions file (or --self-test)")
    truth = load_truth(args.data)
    results = {}
    for path in args.predictions:
        predictions = load_predictions(path)
        extra = sorted(set(predictions) - set(truth))
        if extra:
            print(f"warning: {path}: {len(extra)} ids not in the ground truth are ignored", file=sys.stderr)
        results[Path(path).stem] = evaluate(truth, predictions)
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        for name, r in results.items():
            print(f"{name:<28} F1 {r['f1']:.3f}  precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
                  f"accuracy {r['accuracy']:.3f}  ({r['pages']} pages, {r['empty']} empty)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
