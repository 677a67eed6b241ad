#!/usr/bin/env python3
"""The metrics of etl's two extraction benchmarks.

The article set (scrapinghub/article-extraction-benchmark: ground-truth.json + html/) has a
shingle metric:

Per page: tokenise the true and the predicted article body with the Unicode regex ``\\w+``; form
every 4-token shingle (a text shorter than 4 tokens gives one shorter shingle, an empty text none);
count shingles as multisets; tp = sum min(true, pred), fp = sum max(0, pred - true),
fn = sum max(0, true - pred); divide the three by their sum so that every page weighs the same.

Page precision = tp / (tp + fp), page recall = tp / (tp + fn); both are 1 when fp = fn = 0 and 0
when the denominator's parts are both 0. Benchmark precision = mean over pages with tp + fp > 0,
recall = mean over pages with tp + fn > 0, F1 = 2PR / (P + R) of the two means. Accuracy = share of
pages whose token lists are identical.

The snippet set (manifest.jsonl + pages.tar.xz, after trafilatura's evaluation data) has its own:
fold white space to single spaces and trim, in the extracted text and in the snippets; per page a
`with` snippet found as a substring is a true positive, one not found a false negative, a `without`
snippet found a false positive; sum over pages; precision = TP / (TP + FP), recall = TP / (TP + FN),
F1 = 2TP / (2TP + FP + FN). An empty or missing extraction misses every `with` snippet of its page.

Usage:
    python3 metric.py DATA PREDICTIONS.json [PREDICTIONS.json ...] [--json]
    python3 metric.py --self-test

DATA is a benchmark folder of either kind (told apart by its files), or its ground-truth.json or
manifest.jsonl itself. A predictions file is ``{"<id>": "<body text>", ...}``; an id that is missing
counts as an empty prediction (values of the form ``{"articleBody": "..."}`` are accepted too).
Standard library only.
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
# The snippet set.

ARTICLES, SNIPPETS = "articles", "snippets"


def set_kind(data: str | Path) -> str:
    """ARTICLES for a folder with ground-truth.json and html/ (or that file), SNIPPETS for one with
    manifest.jsonl and pages.tar.xz (or the manifest itself)."""
    path = Path(data)
    if path.is_file():
        if path.name.endswith(".jsonl"):
            return SNIPPETS
        if path.name.endswith(".json"):
            return ARTICLES
    elif (path / "manifest.jsonl").is_file():
        return SNIPPETS
    elif (path / "ground-truth.json").is_file():
        return ARTICLES
    raise SystemExit(f"{data}: neither an article set (ground-truth.json, html/) "
                     "nor a snippet set (manifest.jsonl, pages.tar.xz)")


def normalize_space(text: str | None) -> str:
    """White space (Unicode's, as str.split sees it: also no-break spaces) folded to one space, trimmed."""
    return " ".join((text or "").split())


def load_manifest(path: str | Path) -> dict[str, dict]:
    """{id: {"url", "with", "without"}} of a snippet set, the snippets normalised."""
    path = Path(path)
    if path.is_dir():
        path = path / "manifest.jsonl"
    manifest = {}
    # Lines end at "\n" only: str.splitlines() would also split at a U+2028 inside a JSON string.
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            item = json.loads(line)
            manifest[item["id"]] = {"url": item.get("url", ""),
                                    "with": [normalize_space(s) for s in item.get("with", [])],
                                    "without": [normalize_space(s) for s in item.get("without", [])]}
    return manifest


def snippet_page(item: dict, pred: str | None) -> dict:
    """One page's snippet counts, and the snippets missed (`with` not found) and kept (`without` found)."""
    text = normalize_space(pred)
    missed = [s for s in item["with"] if not text or s not in text]
    kept = [s for s in item["without"] if text and s in text]
    tp = len(item["with"]) - len(missed)
    return {"tp": tp, "fn": len(missed), "fp": len(kept), "tn": len(item["without"]) - len(kept),
            "missed": missed, "kept": kept}


def snippet_page_score(page: dict) -> float:
    """A page's share of snippets judged right (`with` found, `without` absent); 1 without snippets."""
    total = page["tp"] + page["fn"] + page["fp"] + page["tn"]
    return (page["tp"] + page["tn"]) / total if total else 1.0


def snippet_totals(tp: int, fp: int, fn: int) -> dict:
    return {"f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def evaluate_snippets(manifest: dict[str, dict], predictions: dict[str, str]) -> dict:
    """manifest from load_manifest; predictions map page id to text (a missing page is empty)."""
    tp = fp = fn = 0
    for page_id, item in manifest.items():
        page = snippet_page(item, predictions.get(page_id))
        tp, fp, fn = tp + page["tp"], fp + page["fp"], fn + page["fn"]
    result = snippet_totals(tp, fp, fn)
    result["pages"] = len(manifest)
    result["missing"] = sum(1 for page_id in manifest if page_id not in predictions)
    result["empty"] = sum(1 for page_id in manifest if not normalize_space(predictions.get(page_id)))
    return result


# ---------------------------------------------------------------------------------------------
# Either set.

def load_set(data: str | Path) -> tuple[str, dict]:
    """(kind, truth): truth is {id: body} for the article set, {id: item} for the snippet set."""
    kind = set_kind(data)
    return kind, (load_truth(data) if kind == ARTICLES else load_manifest(data))


def evaluate_set(kind: str, truth: dict, predictions: dict[str, str]) -> dict:
    return evaluate(truth, predictions) if kind == ARTICLES else evaluate_snippets(truth, predictions)


def page_f1(true: str | None, pred: str | None) -> tuple[float, float, float]:
    """(F1, precision, recall) of one page of the article set (0 when the page has no shingle at all
    on one side and something on the other; 1 when both sides are empty)."""
    page = page_tp_fp_fn(true, pred)
    precision, recall = precision_score(*page), recall_score(*page)
    return (2 * precision * recall / (precision + recall) if precision + recall else 0.0), precision, recall


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

    # The snippet metric. White space folds (also a no-break space), in text and snippets alike.
    check("normalize", normalize_space("  a\n\t b\u00a0 c  "), "a b c")
    manifest = {
        # s1: both `with` found (one only once white space is folded), one `without` found:
        #     tp 2, fn 0, fp 1, tn 1; page score (2 + 1) / 4 = .75.
        "s1": {"with": ["Main  text one", "second part"], "without": ["Share this", "Menu"]},
        # s2: one `with` of two found, no `without`: tp 1, fn 1, fp 0, tn 1.
        "s2": {"with": ["found here", "lost there"], "without": ["Cookie"]},
        # s3: no prediction: both `with` missed, and the `without` is not counted as found.
        "s3": {"with": ["alpha", "beta"], "without": ["gamma"]},
        # s4: empty prediction, the same: tp 0, fn 1, fp 0.
        "s4": {"with": ["delta"], "without": []},
    }
    manifest = {k: {"with": [normalize_space(s) for s in v["with"]],
                    "without": [normalize_space(s) for s in v["without"]]} for k, v in manifest.items()}
    preds = {"s1": "Main text\none. Then the second part. Share this!",
             "s2": "It was found   here.", "s4": "  \n "}
    page = snippet_page(manifest["s1"], preds["s1"])
    check("s1 counts", (page["tp"], page["fn"], page["fp"], page["tn"]), (2, 0, 1, 1))
    check("s1 kept", page["kept"], ["Share this"])
    check("s1 score", snippet_page_score(page), 0.75)
    check("s2 missed", snippet_page(manifest["s2"], preds["s2"])["missed"], ["lost there"])
    # Totals: tp 2 + 1 = 3, fp 1, fn 0 + 1 + 2 + 1 = 4 -> P = 3/4, R = 3/7, F1 = 6 / (6 + 1 + 4) = 6/11.
    result = evaluate_snippets(manifest, preds)
    check("snippet tp fp fn", (result["tp"], result["fp"], result["fn"]), (3, 1, 4))
    check("snippet P", result["precision"], 3 / 4)
    check("snippet R", result["recall"], 3 / 7)
    check("snippet F1", result["f1"], 6 / 11)
    check("snippet missing, empty", (result["missing"], result["empty"]), (1, 2))
    # F1 = 2PR / (P + R) as well: 2 * 3/4 * 3/7 / (3/4 + 3/7) = (9/14) / (33/28) = 6/11.
    check("snippet F1 = 2PR/(P+R)", 2 * result["precision"] * result["recall"]
          / (result["precision"] + result["recall"]), 6 / 11)

    if failures:
        print("self-test FAILED:\n  " + "\n  ".join(failures))
        print(f"0 passed, {len(failures)} failed")
        return 1
    print("metric self-test: all hand-computed cases match (shingle and snippet metrics)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", help="benchmark folder, or its ground-truth.json or manifest.jsonl")
    parser.add_argument("predictions", nargs="*", help="predictions JSON files {id: text}")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--self-test", action="store_true", help="run the hand-computed cases")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.data or not args.predictions:
        parser.error("give the data folder and at least one predictions file (or --self-test)")
    kind, truth = load_set(args.data)
    results = {}
    for path in args.predictions:
        predictions = load_predictions(path)
        extra = sorted(set(predictions) - set(truth))
        if extra:
            print(f"warning: {path}: {len(extra)} ids not in the ground truth are ignored", file=sys.stderr)
        results[Path(path).stem] = evaluate_set(kind, truth, predictions)
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        for name, r in results.items():
            if kind == ARTICLES:
                print(f"{name:<28} F1 {r['f1']:.3f}  precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
                      f"accuracy {r['accuracy']:.3f}  ({r['pages']} pages, {r['empty']} empty)")
            else:
                print(f"{name:<28} F1 {r['f1']:.3f}  precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
                      f"(TP {r['tp']} FP {r['fp']} FN {r['fn']}; {r['pages']} pages, {r['empty']} empty)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
