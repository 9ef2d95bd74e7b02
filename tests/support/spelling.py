"""Spelling tricks applied to whole adverts, the way posters dodge filters (issue 2,
"Normalization"): Latvian without diacritics or with typed digraphs ("aa", "sh"), Russian
and Ukrainian in Latin letters (a scholarly-looking scheme and an informal one each, the
Ukrainian first one being the national transliteration of 2010), and look-alike letters
from the other script inside words. Written independently of scanner/, so a test built on
them checks the scanner against spellings it was not written from.
"""
from __future__ import annotations

import random
from collections.abc import Iterator

LV_PLAIN = dict(zip("āčēģīķļņšūž", "acegiklnsuz"))
LV_DIGRAPH = {"ā": "aa", "ē": "ee", "ī": "ii", "ū": "uu", "š": "sh", "č": "ch", "ž": "zh",
              "ķ": "k", "ļ": "l", "ņ": "n", "ģ": "g"}
RU_LATIN = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
            "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
            "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
            "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"}
RU_LATIN_INFORMAL = {**RU_LATIN, "х": "kh", "ц": "c", "й": "j", "ю": "ju", "я": "ja", "ь": "'", "щ": "shch"}
UK_NATIONAL = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
               "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
               "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
               "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "ʼ": "", "’": ""}
UK_LATIN_INFORMAL = {**UK_NATIONAL, "є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "х": "h", "г": "g"}
CYRILLIC_LOOKALIKES = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k",
                       "м": "m", "т": "t", "н": "h", "в": "b", "і": "i"}
LATIN_LOOKALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
                    "k": "к", "m": "м", "t": "т"}

TRICKS = {
    "lv": {"no diacritics": LV_PLAIN, "typed digraphs": LV_DIGRAPH, "look-alikes": LATIN_LOOKALIKES},
    "ru": {"Latin letters": RU_LATIN, "informal Latin": RU_LATIN_INFORMAL, "look-alikes": CYRILLIC_LOOKALIKES},
    "uk": {"Latin letters": UK_NATIONAL, "informal Latin": UK_LATIN_INFORMAL, "look-alikes": CYRILLIC_LOOKALIKES},
    "en": {"look-alikes": LATIN_LOOKALIKES},
}


def transliterate(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        new = table.get(low)
        if new is None:
            out.append(ch)
        else:
            out.append(new.capitalize() if ch != low else new)
    return "".join(out)


def lookalikes(text: str, table: dict[str, str], rng: random.Random, share: float = 0.3) -> str:
    """One letter swapped for its look-alike in about `share` of the words."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if rng.random() < share:
            spots = [j for j, ch in enumerate(word) if ch.lower() in table]
            if spots:
                j = rng.choice(spots)
                new = table[word[j].lower()]
                words[i] = word[:j] + (new.upper() if word[j] != word[j].lower() else new) + word[j + 1:]
    return " ".join(words)


def variants(text: str, lang: str, seed: int = 7) -> Iterator[tuple[str, str]]:
    """(trick, rewritten text) for every trick of `lang`; look-alikes are seeded per text."""
    for trick, table in TRICKS.get(lang, {}).items():
        if trick == "look-alikes":
            yield trick, lookalikes(text, table, random.Random(f"{seed}:{text[:80]}"))
        else:
            yield trick, transliterate(text, table)
