"""A seeded benchmark corpus of adverts, recombined from the labelled samples in corpora/.

The 336 sample adverts are too few and too short (~550 characters) to measure the
engine: after one pass every word sits in a cache. So each generated advert is built
like a real one, from the sentences of same-language sample adverts of the same kind
and label (an opening sentence, middle sentences, a closing contact line), to a target
length drawn around 800 characters, and then varied the way real boards vary:

- numbers (pay, ages, hours) scaled, phone numbers and registration numbers redrawn;
- e-mail addresses, handles, domains, brand names in quotes and first names replaced
  by made-up names (a long tail of words no dictionary knows);
- typos in ~2.5 % of words; whole adverts written without Latvian diacritics or in
  Latin-script Russian/Ukrainian, a few with Latin look-alike letters in Cyrillic words;
- some Latvian adverts with Russian sentences mixed in (and the other way round).

Same corpora and seed, same corpus: `corpus_hash` fingerprints the result.

    python -m benchmarks.corpus_gen [--n 10000] [--seed 2024] [--out FILE.jsonl]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("corpora/dev", "corpora/test")
LANGS = ("lv", "ru", "uk", "en")
DEFAULT_N = 10_000
DEFAULT_SEED = 2024
MEAN_LENGTH = 800  # characters of title + "\n" + text
TYPO_RATE = 0.025  # share of words (4+ letters) given one typo

_SENT_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[\"«„“(0-9A-ZĀ-ŽА-ЯЁІЇЄҐ\U0001F300-\U0001FAFF])")
_ABBREVIATION = re.compile(r"(?:^|[\s(])[^\W\d_]{1,3}\.$")
_BULLET = re.compile(r"^\s*(?:[–\-•*·✅✔📅💶📞📍🔹▪]|\d+[.)])")
_PHONE = r"\+?\d[\d \-()]{6,}\d"
_NUMBER_OR_PHONE = re.compile(rf"(?P<phone>{_PHONE})|(?P<num>\d+)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.(?P<tld>[a-z]{2,4})\b")
_HANDLE = re.compile(r"(?<![\w.@])@(?P<h>[A-Za-z_][\w_]{2,})")
_DOMAIN = re.compile(r"\b(?:t\.me/|wa\.me/)?[\w-]{3,}\.(?P<tld>lv|com|ru|ua|net|org|eu|uk|me|io)\b(?!@)")
_TLD = re.compile(r"\.(?:lv|com|ru|ua|net|org|eu|uk|me|io)\b")
_QUOTED = re.compile(r"(?P<o>[«„“\"])(?P<name>[A-ZĀ-ŽА-ЯЁІЇЄҐ][^»”\"“\n]{1,38})(?P<c>[»”\"“])")
_WORDS = re.compile(r"[^\W\d_]{4,}")
_ANY_WORD = re.compile(r"[^\W\d_]+")
_CYR_WORD = re.compile(r"[\u0400-\u04ff]{4,}")

FIRST_NAMES = {
    "lv": ("Andris", "Ilze", "Jānis", "Anna", "Līga", "Kristaps", "Mārtiņš", "Inga", "Laura", "Edgars", "Agnese",
           "Pēteris", "Zane", "Dace", "Raivis", "Elīna"),
    "ru": ("Анна", "Ольга", "Сергей", "Дмитрий", "Наталья", "Ирина", "Алексей", "Марина", "Елена", "Андрей",
           "Катя", "Игорь", "Виктория", "Светлана"),
    "uk": ("Олена", "Оксана", "Тарас", "Андрій", "Ірина", "Наталія", "Олег", "Марія", "Катерина", "Богдан",
           "Юлія", "Світлана", "Микола"),
    "en": ("John", "Anna", "Mark", "Sarah", "David", "Emma", "Andris", "Ilze", "Kate", "James", "Laura", "Peter",
           "Linda", "Tom"),
}
_FIRST_NAME = {lang: re.compile(r"\b(?:" + "|".join(names) + r")\b") for lang, names in FIRST_NAMES.items()}
_LATIN_SYLLABLES = ("ka", "ri", "lo", "me", "nu", "sta", "vi", "ber", "dan", "go", "li", "mar", "nor", "pe", "ros",
                    "sa", "tel", "ul", "ven", "zi", "tra", "kon", "bal", "dis")
_CYR_SYLLABLES = ("ка", "ри", "ло", "ме", "ну", "ста", "ви", "бер", "дан", "го", "ли", "мар", "нор", "пе", "рос",
                  "са", "тел", "ул", "вен", "зи", "тра", "кон", "бал", "дис")
_NAME_ENDINGS = {"lv": ("s", "is", "a", "e", "iņš", "ne", "ārs"), "en": ("", "son", "ley", "ton", "a", "er"),
                 "ru": ("", "а", "ов", "ин", "ко", "ий"), "uk": ("", "а", "енко", "ук", "ій", "ич")}

_RU_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "'", "э": "e", "ю": "yu",
    "я": "ya"})
_UK_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ж": "zh", "з": "z", "и": "y",
    "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "yu",
    "я": "ya", "'": "", "’": ""})
_LV_DIGRAPHS = str.maketrans({"ā": "aa", "ē": "ee", "ī": "ii", "ū": "uu", "š": "sh", "č": "ch", "ž": "zh",
                              "ģ": "gj", "ķ": "kj", "ļ": "lj", "ņ": "nj"})
_LOOKALIKE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y"}


@dataclass(frozen=True, slots=True)
class GenAdvert:
    """One generated advert; `lang` is the language it was built from (the main one)."""

    id: str
    lang: str
    kind: str
    label: str
    title: str
    text: str
    mixed: bool = False  # sentences of a second language mixed in

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(slots=True)
class _Pools:
    """Sentences of the sample adverts, by (lang, kind, label)."""

    titles: dict[tuple[str, str, str], list[str]]
    openers: dict[tuple[str, str, str], list[str]]
    middles: dict[tuple[str, str, str], list[str]]
    closers: dict[tuple[str, str, str], list[str]]
    by_lang: dict[str, list[str]]
    kinds: list[str]  # one entry per sample advert, to draw kinds in the samples' proportion


def load_samples(root: Path = REPO) -> list[dict[str, object]]:
    """Every labelled sample advert under corpora/dev and corpora/test, in file order."""
    rows: list[dict[str, object]] = []
    for part in SOURCES:
        for path in sorted((root / part).glob("*.jsonl")):
            rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


def split_sentences(text: str) -> list[str]:
    """Lines, and sentences within lines (a break only before a capital, a digit or an emoji)."""
    out: list[str] = []
    for line in text.split("\n"):
        parts = [p.strip() for p in _SENT_BREAK.split(line) if p.strip()]
        for i, part in enumerate(parts):
            if i and _ABBREVIATION.search(out[-1]):  # "ул. Брівібас", "(м. Київ", "reģ. Nr."
                out[-1] += " " + part
            else:
                out.append(part)
    return out


def _pools(samples: list[dict[str, object]]) -> _Pools:
    pools = _Pools(defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list), [])
    for row in samples:
        key = (str(row["lang"]), str(row["kind"]), str(row["label"]))
        sentences = split_sentences(str(row["text"]))
        if not sentences:
            continue
        pools.titles[key].append(str(row.get("title") or ""))
        pools.openers[key].append(sentences[0])
        if len(sentences) > 1:
            pools.closers[key].append(sentences[-1])
        pools.middles[key].extend(sentences[1:-1] or sentences)
        pools.by_lang[key[0]].extend(sentences)
        pools.kinds.append(key[1])
    return pools


class _Varier:
    """Varies one sentence: numbers, contacts, names, typos (one random stream for all)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def made_up_name(self, lang: str, capital: bool = True) -> str:
        syllables = _CYR_SYLLABLES if lang in ("ru", "uk") else _LATIN_SYLLABLES
        word = "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 3)))
        word += self.rng.choice(_NAME_ENDINGS[lang])
        return word.capitalize() if capital else word

    def made_up_handle(self) -> str:
        word = "".join(self.rng.choice(_LATIN_SYLLABLES) for _ in range(self.rng.randint(2, 3)))
        return word + (str(self.rng.randint(1, 99)) if self.rng.random() < 0.4 else "")

    def sentence(self, s: str, lang: str) -> str:
        factor = self.rng.uniform(0.75, 1.35)  # one factor per sentence keeps ranges ordered
        if "@" in s:
            s = _EMAIL.sub(lambda m: f"{self.made_up_handle()}@{self.made_up_handle()}.{m['tld']}", s)
            s = _HANDLE.sub(lambda m: "@" + self.made_up_handle(), s)
        if _TLD.search(s):
            s = _DOMAIN.sub(lambda m: self._domain(m), s)
        s = _NUMBER_OR_PHONE.sub(lambda m: self._number(m, factor), s)
        s = _QUOTED.sub(lambda m: self._brand(m, lang), s)
        return _FIRST_NAME[lang].sub(lambda m: self.made_up_name(lang) if self.rng.random() < 0.8 else m.group(), s)

    def _domain(self, m: re.Match[str]) -> str:
        prefix = "t.me/" if m.group().startswith("t.me/") else "wa.me/" if m.group().startswith("wa.me/") else ""
        return f"{prefix}{self.made_up_handle()}.{m['tld']}" if not prefix else prefix + self.made_up_handle()

    def _brand(self, m: re.Match[str], lang: str) -> str:
        if self.rng.random() < 0.3 or len(m["name"].split()) > 4:
            return m.group()
        words = " ".join(self.made_up_name(lang) for _ in range(self.rng.randint(1, 2)))
        return m["o"] + words + m["c"]

    def _number(self, m: re.Match[str], factor: float) -> str:
        if m["phone"] is not None:
            return self._phone(m["phone"])
        raw = m["num"]
        n = int(raw)
        if len(raw) > 6 or (len(raw) == 4 and 1900 <= n <= 2100) or raw.startswith("0"):
            return raw
        if n <= 12:
            return raw if self.rng.random() < 0.5 else str(max(1, n + self.rng.choice((-2, -1, 1, 2))))
        zeros = len(raw) - len(raw.rstrip("0"))
        step = 10 ** min(zeros, len(raw) - 1)
        return str(max(step, round(n * factor / step) * step))

    def _phone(self, phone: str) -> str:
        """Keep the first four digits (country and network code), redraw the rest."""
        digits_seen = 0
        out = []
        for ch in phone:
            if ch.isdigit():
                digits_seen += 1
                out.append(ch if digits_seen <= 4 else str(self.rng.randint(0, 9)))
            else:
                out.append(ch)
        return "".join(out)

    def typos(self, text: str, rate: float) -> str:
        return _WORDS.sub(lambda m: self._typo(m.group()) if self.rng.random() < rate else m.group(), text)

    def _typo(self, word: str) -> str:
        i = self.rng.randint(1, len(word) - 2)
        kind = self.rng.randrange(4)
        if kind == 0:  # swap two neighbours
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if kind == 1:  # drop a letter
            return word[:i] + word[i + 1:]
        if kind == 2:  # double a letter
            return word[:i] + word[i] + word[i:]
        return word[:i] + self.rng.choice(word) + word[i + 1:]  # a letter of the word in the wrong place


def _strip_diacritics(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def _translit(text: str, lang: str) -> str:
    table = _UK_TRANSLIT if lang == "uk" else _RU_TRANSLIT
    return "".join(ch.translate(table) if ch.islower() else ch.lower().translate(table).capitalize() for ch in text)


def _lookalikes(text: str, rng: random.Random) -> str:
    def fold(m: re.Match[str]) -> str:
        word = m.group()
        spots = [i for i, ch in enumerate(word) if ch in _LOOKALIKE]
        if not spots or rng.random() > 0.1:
            return word
        i = rng.choice(spots)
        return word[:i] + _LOOKALIKE[word[i]] + word[i + 1:]

    return _CYR_WORD.sub(fold, text)


def _spelling(text: str, lang: str, rng: random.Random) -> str:
    """Whole-advert spelling habits of real posters (see corpora/README.md, `tricks`)."""
    r = rng.random()
    if lang == "lv" and r < 0.08:
        return _strip_diacritics(text)
    if lang == "lv" and r < 0.10:
        return text.translate(_LV_DIGRAPHS)
    if lang in ("ru", "uk") and r < 0.05:
        return _translit(text, lang)
    if lang in ("ru", "uk") and r < 0.08:
        return _lookalikes(text, rng)
    return text


def _join(sentences: list[str], rng: random.Random) -> str:
    out = sentences[0]
    for s in sentences[1:]:
        newline = _BULLET.match(s) or rng.random() < 0.3
        out += ("\n" if newline else " ") + s
    return out


def _body(pools: _Pools, key: tuple[str, str, str], title: str, mixed_with: str | None,
          rng: random.Random) -> list[str]:
    """Sentences of one advert, stopping where the length is closest to its target."""
    lang, kind, label = key
    target = min(1500, max(350, round(rng.gauss(MEAN_LENGTH, 170))))
    opener = rng.choice(pools.openers[key])
    closer = rng.choice(pools.closers[key]) if pools.closers[key] and rng.random() < 0.85 else None
    middles: list[str] = []
    size = len(title) + 1 + len(opener) + (len(closer) + 1 if closer else 0)
    while True:
        r = rng.random()
        if mixed_with and r < 0.4:
            pool = pools.middles.get((mixed_with, kind, label)) or pools.by_lang[mixed_with]
        elif r < 0.85:
            pool = pools.middles[key]
        else:
            pool = pools.by_lang[lang]
        s = rng.choice(pool)
        if abs(size + 1 + len(s) - target) >= abs(size - target) and middles:
            break
        middles.append(s)
        size += 1 + len(s)
        if len(middles) > 40:
            break
    return [opener, *middles, *([closer] if closer else [])]


def generate(n: int = DEFAULT_N, seed: int = DEFAULT_SEED, root: Path = REPO) -> list[GenAdvert]:
    """`n` adverts, languages in turn (so any prefix is a fair mix), kinds and labels in the
    samples' proportions; the same `n`, `seed` and corpora give the same adverts."""
    rng = random.Random(seed)
    pools = _pools(load_samples(root))
    varier = _Varier(rng)
    out: list[GenAdvert] = []
    for i in range(n):
        lang = LANGS[i % len(LANGS)]
        kind = rng.choice(pools.kinds)
        label = "redflag" if rng.random() < 0.5 else "benign"
        key = (lang, kind, label)
        mixed_with = ("ru" if lang == "lv" and rng.random() < 0.08 else
                      "lv" if lang == "ru" and rng.random() < 0.05 else None)
        title = varier.sentence(rng.choice(pools.titles[key]), lang)
        sentences = [varier.sentence(s, lang) for s in _body(pools, key, title, mixed_with, rng)]
        text = varier.typos(_join(sentences, rng), TYPO_RATE)
        title, text = _spelling(title + "\n" + text, lang, rng).split("\n", 1)
        out.append(GenAdvert(f"gen-{lang}-{i:05d}", lang, kind, label, title, text, mixed_with is not None))
    return out


def corpus_hash(adverts: list[GenAdvert]) -> str:
    digest = hashlib.sha256()
    for a in adverts:
        digest.update(f"{a.id}\x00{a.title}\x00{a.text}\x01".encode())
    return digest.hexdigest()[:16]


def _vocabulary(texts: list[str]) -> int:
    return len({w.lower() for t in texts for w in _ANY_WORD.findall(t)})


def stats(adverts: list[GenAdvert], root: Path = REPO) -> dict[str, object]:
    """Count, lengths, mix and vocabulary (distinct lower-cased words) beside the samples'."""
    lengths = [len(a.full_text) for a in adverts]
    samples = load_samples(root)
    by_lang = defaultdict(list)
    for a in adverts:
        by_lang[a.lang].append(a.full_text)
    sample_by_lang = defaultdict(list)
    for row in samples:
        sample_by_lang[str(row["lang"])].append(f"{row.get('title') or ''}\n{row['text']}")
    return {
        "count": len(adverts),
        "mean_chars": round(statistics.fmean(lengths), 1) if lengths else 0.0,
        "median_chars": statistics.median(lengths) if lengths else 0,
        "min_chars": min(lengths, default=0),
        "max_chars": max(lengths, default=0),
        "langs": dict(sorted(Counter(a.lang for a in adverts).items())),
        "kinds": dict(sorted(Counter(a.kind for a in adverts).items())),
        "labels": dict(sorted(Counter(a.label for a in adverts).items())),
        "mixed_language": sum(a.mixed for a in adverts),
        "distinct_words": {lang: _vocabulary(by_lang[lang]) for lang in LANGS},
        "sample_adverts": len(samples),
        "sample_distinct_words": {lang: _vocabulary(sample_by_lang[lang]) for lang in LANGS},
        "corpus_hash": corpus_hash(adverts),
    }


def format_stats(s: dict[str, object]) -> str:
    words = s["distinct_words"]
    sample_words = s["sample_distinct_words"]
    assert isinstance(words, dict) and isinstance(sample_words, dict)
    vocab = ", ".join(f"{lang} {words[lang]:,} (samples {sample_words[lang]:,})" for lang in LANGS)
    return (f"corpus: {s['count']:,} adverts from {s['sample_adverts']} samples, mean {s['mean_chars']} chars "
            f"(median {s['median_chars']}, {s['min_chars']}–{s['max_chars']}), hash {s['corpus_hash']}\n"
            f"  languages {s['langs']}, kinds {s['kinds']}, labels {s['labels']}, "
            f"mixed-language {s['mixed_language']}\n"
            f"  distinct words: {vocab}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="adverts to generate")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="write the corpus as JSONL (redflag scan --input reads it)")
    args = parser.parse_args()
    adverts = generate(args.n, args.seed)
    print(format_stats(stats(adverts)))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as f:
            for a in adverts:
                row = {k: v for k, v in asdict(a).items() if k != "mixed"}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"written: {args.out}")


if __name__ == "__main__":
    main()
