#!/usr/bin/env python3
"""Builds Sources/Plugins/Text/Resources/persian-lexicon.txt from hazm's word and verb lists (MIT).

Usage: build-lexicon.py [HAZM_DATA_DIR]
Without an argument, downloads the hazm wheel (`pip download hazm==0.10.0 --no-deps`) into a
temporary folder and reads hazm/data/words.dat and hazm/data/verbs.dat from it.

What it keeps:
  [verbs]  one "past present" stem pair a line (verbs.dat, "past#present").
  [adjectives] words tagged AJ: the stems that take تر/ترین/تری.
  [tagged] words with a part-of-speech tag (dictionary words rather than corpus spellings).
  [words]  every word of words.dat (first column), with its ZWNJs as hazm spells them, except
           untagged corpus entries that are a known word glued to a suffix that takes a ZWNJ
           (for example «لقمههای», «حکایتهای») or می/نمی glued to a verb («میشود»): those are the very mistakes the restorer repairs,
           and keeping them would make the restorer believe the glued form is a real word.
Nothing here comes from the evaluation articles in ../shared/reference/persian-text/ (beside the checkout).
"""
import pathlib
import subprocess
import sys
import tempfile
import zipfile

HAZM_VERSION = "0.10.0"
ZWNJ = "\u200c"
NON_JOINING = set("اآأإدذرزژوؤةۀء")
PLURAL_SUFFIXES = ["هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایت", "هایش", "های", "ها"]
COMPARATIVE_SUFFIXES = ["ترین", "تری", "تر"]
AFTER_HEH_SUFFIXES = ["ای", "ام", "ات", "اش", "اید", "ایم", "اند"]
PERSONAL_ENDINGS = ["ند", "ید", "یم", "م", "ی", "د", ""]
# Kept glued although they are «آن»/«این» + ها: news sites write them glued far more often than not.
GLUED_ON_PURPOSE = {"آنها", "اینها"}
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "Sources/Plugins/Text/Resources/persian-lexicon.txt"


def hazm_data() -> pathlib.Path:
    if len(sys.argv) > 1:
        return pathlib.Path(sys.argv[1])
    folder = pathlib.Path(tempfile.mkdtemp(prefix="hazm-"))
    subprocess.run([sys.executable, "-m", "pip", "download", f"hazm=={HAZM_VERSION}", "--no-deps",
                    "-d", str(folder)], check=True)
    wheel = next(folder.glob("hazm-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder / "wheel")
    return folder / "wheel/hazm/data"


def glued_suffix_form(word: str, tagged: set, words: set) -> bool:
    """Whether an untagged word is a known word glued to a suffix that normally takes a ZWNJ."""
    for suffix in PLURAL_SUFFIXES + COMPARATIVE_SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 2 and stem in words and stem[-1] not in NON_JOINING:
            # «بیشترین» stays: «بیشتر» is a tagged word, so the superlative is written glued too.
            if suffix in COMPARATIVE_SUFFIXES and stem + "تر" in tagged:
                return False
            return True
    for suffix in AFTER_HEH_SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 2 and stem.endswith("ه") and stem in words:
            return True
    return False


def glued_verb_form(word: str, stems: set) -> bool:
    """Whether an untagged word is می/نمی + a verb stem (+ a personal ending), such as «میشود»."""
    for prefix in ("نمی", "می"):
        if not word.startswith(prefix):
            continue
        rest = word[len(prefix):]
        for ending in PERSONAL_ENDINGS:
            if rest.endswith(ending) and len(rest) > len(ending):
                stem = rest[: len(rest) - len(ending)]
                if stem in stems or (ending and stem.endswith("ی") and stem[:-1] in stems and stem[-2:-1] in ("ا", "آ", "و")):
                    return True
    return False


def main() -> None:
    data = hazm_data()
    entries = []
    for line in (data / "words.dat").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts and parts[0]:
            entries.append((parts[0], parts[2] if len(parts) > 2 else "0"))
    words = {word for word, _ in entries}
    tagged = {word for word, tag in entries if tag != "0"}
    verbs = []
    stems = set()
    for line in (data / "verbs.dat").read_text(encoding="utf-8").splitlines():
        past, _, present = line.partition("#")
        verbs.append(f"{past or '-'} {present or '-'}")
        stems |= {stem for stem in (past, present) if stem}
    kept = sorted(word for word in words
                  if word in tagged or ZWNJ in word or word in GLUED_ON_PURPOSE
                  or not (glued_suffix_form(word, tagged, words) or glued_verb_form(word, stems)))
    # Adjectives (tag AJ): the only stems that take تر/ترین/تری as a comparative.
    adjectives = sorted({word for word, tag in entries if "AJ" in tag.split(",") and ZWNJ not in word})
    # Words with a part-of-speech tag: dictionary words, as opposed to untagged corpus spellings.
    tagged_plain = sorted(word for word in tagged if ZWNJ not in word)
    header = [
        f"# Persian lexicon for etl's ZWNJ restorer, built by Benchmarks/zwnj/build-lexicon.py",
        f"# from hazm {HAZM_VERSION} (https://github.com/roshan-research/hazm, MIT licence; see LEXICON-LICENSE.md):",
        "# hazm/data/verbs.dat (past#present stems) and hazm/data/words.dat (first column only).",
        f"# {len(verbs)} verb stem pairs, {len(adjectives)} adjectives (tag AJ), {len(tagged_plain)} tagged words, {len(kept)} words",
        f"# ({len(words) - len(kept)} untagged glued forms such as «میشود», «لقمههای» left out).",
    ]
    OUTPUT.write_text("\n".join(header + ["[verbs]"] + verbs + ["[adjectives]"] + adjectives + ["[tagged]"] + tagged_plain + ["[words]"] + kept) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
