"""Stage: normalize. Input: the advert's text. Output: `NormText`.

Unicode NFKC, zero-width and format characters removed, lower case, and
look-alike letters folded to the script of their word ("раbота" with a Latin
"a" reads "работа"; "m0ney" reads "money"). `NormText.to_orig` maps any span
of the normalized text back to the exact span of the original. No side effects.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# Latin letters (lower case, after case folding) that look like a Cyrillic letter.
LAT_TO_CYR = dict(zip("aeopcxykmtbhi", "аеорсхукмтвні"))
CYR_TO_LAT = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "к": "k", "м": "m",
              "т": "t", "в": "b", "н": "h", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w"}
# Digits written for letters inside Cyrillic words.
DIGIT_TO_CYR = {"0": "о", "3": "з", "4": "ч", "6": "б"}
UNAMBIGUOUS_CYR = set("бгґджзийлпфцчшщъыьэюяєїё")
UNAMBIGUOUS_LAT = set("dfgjlnqrsuvwzāčēģīķļņšūž")

_WORD = re.compile(r"[^\W_]+(?:[@$][^\W_]+)*", re.UNICODE)
_CYR = re.compile(r"[\u0400-\u04ff]")
_LAT = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_SLOW = re.compile(r"[\u00ad\u0300-\u036f\u0483-\u0489\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                   r"\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]")


@dataclass(frozen=True, slots=True)
class NormText:
    """Normalized text with a map back to the original.

    ``starts[i]``/``ends[i]`` are the original span of normalized character i;
    ``None`` means the two texts align one to one.
    """

    text: str
    original: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None
    mixed_script: tuple[tuple[int, int], ...] = ()  # normalized spans of words mixing scripts

    def to_orig(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def from_orig(self, pos: int) -> int:
        """The normalized index of an original position (the first char at or after it)."""
        if self.starts is None:
            return pos
        return bisect_right(self.starts, pos - 1)


# An apostrophe inside a word is part of it (Ukrainian "обов'язково", translit "zhil'e"):
# make it the letter-like U+02BC so the tokenizer keeps the word whole.
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’`](?=[^\W\d_])")
# So is one at the end of a Latin word after a consonant that takes the soft sign: translit
# "sobirat'", "mat'", "den'" ("t'" is "ть"); not after "s" (the English possessive
# "workers'"), and not on a line where a single quote opens a word before it ('go out').
_FINAL_SOFT_SIGN = re.compile(r"(?:(?<=\s)|^)([a-zA-Z]*[tdlnrzvTDLNRZV])['’](?=[\s,.;:!?)]|$)", re.M)
_OPENING_QUOTE = re.compile(r"(?:(?<=\s)|^)['’`](?=[^\W\d_])", re.M)


def _soft_sign(m: re.Match[str]) -> str:
    # neither sub ever changes an opening quote, so this stays true on a second pass
    line = m.string.rfind("\n", 0, m.start()) + 1
    return m.group() if _OPENING_QUOTE.search(m.string, line, m.start()) else m.group(1) + "ʼ"


def _mark_apostrophes(text: str) -> str:
    """Inner apostrophes as "ʼ"; most texts have no apostrophe at all, and finding that out
    with `in` is twenty times faster than the regex's scan. A dollar sign that starts a
    word of letters ("$ugar", "$ponsor") is the letter s written to dodge filters."""
    while True:  # each makes the other possible: "a`$aa", "$a`a"; every round changes one more for good
        before = text
        if "$" in text:
            text = _DOLLAR_S.sub("s", text)
        if "'" in text or "’" in text or "`" in text:
            text = _INNER_APOSTROPHE.sub("ʼ", text)
            text = _FINAL_SOFT_SIGN.sub(_soft_sign, text)
        if text == before or "$" not in text:
            return text


_DOLLAR_S = re.compile(r"(?<![\w$])\$(?=[^\W\d_]{2})")


# Letters spaced out to dodge filters ("R E N T", "s-e-x", "e.s.c.o.r.t"): three or more
# single letters, each followed by the same one separator, are read as one word ("и т.д."
# mixes two separators and stays as written).
_SPACED = re.compile(r"(?<![^\W\d_])[^\W\d_](?P<sep>[ .\-_*·])(?:[^\W\d_](?P=sep))+[^\W\d_](?![^\W\d_])")


def normalize_text(text: str) -> NormText:
    """Normalize `text` for matching; every span can be mapped back with `to_orig`."""
    spaced = _SPACED.search(text) is not None
    if not spaced and unicodedata.is_normalized("NFKC", text) and not _SLOW.search(text):
        lowered = text.lower()
        if len(lowered) == len(text):
            folded, mixed = _mark_and_fold(lowered)
            return NormText(folded, text, None, None, mixed)
    chars, starts, ends = _join_spaced(*_slow_normalize(text))  # NFKC can make a separator ("\xa0" -> " ")
    folded, mixed = _mark_and_fold("".join(chars))
    return NormText(folded, text, tuple(starts), tuple(ends), mixed)


def _join_spaced(chars: list[str], starts: list[int], ends: list[int]) -> tuple[list[str], list[int], list[int]]:
    """Drop the separators between spaced-out letters; the letters keep their offsets."""
    joined = "".join(chars)
    drop = {m.start() + i for m in _SPACED.finditer(joined) for i in range(1, m.end() - m.start(), 2)}
    if not drop:
        return chars, starts, ends
    keep = [i for i in range(len(chars)) if i not in drop]
    return [chars[i] for i in keep], [starts[i] for i in keep], [ends[i] for i in keep]


def _mark_and_fold(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Apostrophes, then look-alikes, until neither changes anything: folding "a'0aї" makes
    the "0" a letter, so the apostrophe becomes inner only then. Each round marks at least
    one more apostrophe or dollar for good, so the loop ends; both steps keep the length."""
    marked = _mark_apostrophes(text)
    folded, mixed = _fold_lookalikes(marked)
    while folded != marked and ("'" in folded or "’" in folded or "`" in folded or "$" in folded):
        again = _mark_apostrophes(folded)
        if again == folded:
            break
        marked = again
        folded, more = _fold_lookalikes(again)
        mixed += more
    return folded, mixed


_PLAIN = re.compile(r"[\x20-\x7e\u00a0-\u00ac\u00ae-\u02af\u0370-\u0482\u048a-\u052f\n\t]+")


def _slow_normalize(text: str) -> tuple[list[str], list[int], list[int]]:
    """NFKC and lower case with an exact map back; runs of ordinary letters are copied
    whole, only the characters around special ones are handled one cluster at a time."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _PLAIN.match(text, pos)
        if m is not None:
            end = m.end()
            # a plain run may end in a base letter that a combining mark follows: leave it
            if end < n and unicodedata.combining(text[end]):
                end -= 1
            if end > pos:
                run = text[pos:end]
                lowered = run.lower()
                if len(lowered) == len(run) and unicodedata.is_normalized("NFKC", run):
                    chars.extend(lowered)
                    starts.extend(range(pos, end))
                    ends.extend(range(pos + 1, end + 1))
                    pos = end
                    continue
        pos = _one_cluster(text, pos, chars, starts, ends)
    return chars, starts, ends


def _one_cluster(text: str, a: int, chars: list[str], starts: list[int], ends: list[int]) -> int:
    b = a + 1
    while b < len(text) and unicodedata.combining(text[b]):
        b += 1
    cluster = text[a:b]
    if _SLOW.fullmatch(cluster[0]) or unicodedata.category(cluster[0]) == "Cf":
        return b
    # Marks NFKC cannot compose (Russian stress accents, "i̇" from "İ") are dropped.
    for ch in unicodedata.normalize("NFKC", cluster).lower():
        if unicodedata.category(ch) != "Cf" and not unicodedata.combining(ch):
            chars.append(ch)
            starts.append(a)
            ends.append(b)
    return b


_L = r"a-z\u00c0-\u024f"
_C = r"\u0400-\u04ff"
# Only words with a script switch inside them (or digits inside Cyrillic) need folding;
# finding the switch first is a cheap two-character search.
_SWITCH = re.compile(rf"[{_C}][{_L}]|[{_L}][{_C}]|[{_C}]\d|\d[{_C}]")
_WORD_CHARS = re.compile(r"[^\W_]+")


def _suspect_words(text: str) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    if not _CYR.search(text):  # every switch has a Cyrillic side; the search is ~40x faster
        return out
    for s in _SWITCH.finditer(text):
        if out and out[-1].end() > s.start():
            continue
        left = s.start()
        while left > 0 and (text[left - 1].isalnum()):
            left -= 1
        m = _WORD_CHARS.match(text, left)
        if m is not None:
            out.append(m)
    return out


def _fold_lookalikes(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Fold look-alike letters and digits in each word to that word's script."""
    suspects = _suspect_words(text)
    if not suspects:
        return text, ()
    out = list(text)
    mixed: list[tuple[int, int]] = []
    for m in suspects:
        word = m.group()
        new = _fold_word(word)
        if new is not word:
            out[m.start():m.end()] = new
            if _CYR.search(word) and _LAT.search(word):
                mixed.append((m.start(), m.end()))
    return "".join(out), tuple(mixed)


def _word_script(word: str) -> str | None:
    cyr = sum(1 for ch in word if "\u0400" <= ch <= "\u04ff")
    lat = sum(1 for ch in word if ch.isalpha() and ch.isascii() or "\u00c0" <= ch <= "\u024f")
    if not cyr and not lat:
        return None
    strong_cyr = any(ch in UNAMBIGUOUS_CYR for ch in word)
    strong_lat = any(ch in UNAMBIGUOUS_LAT for ch in word)
    if strong_cyr != strong_lat:
        return "cyr" if strong_cyr else "lat"
    return "cyr" if cyr > lat else "lat"


def _fold_word(word: str) -> str:
    has_cyr = _CYR.search(word) is not None
    has_lat = _LAT.search(word) is not None
    digits = sum(ch in "0123456789@$" for ch in word)
    letters = len(word) - digits
    if not (has_cyr and has_lat) and not (digits and letters > digits and re.search(r"\D", word)):
        return word
    script = _word_script(word)
    # Digits inside Cyrillic words are look-alikes ("з4работок"); inside Latin words they
    # depend on the language ("sro4no" is Russian, "m0ney" English): the key maker decides.
    digit_map = DIGIT_TO_CYR if script == "cyr" and not re.search(r"\d\d", word) else {}
    letter_map = LAT_TO_CYR if script == "cyr" else CYR_TO_LAT if script == "lat" else {}
    table = {**letter_map, **digit_map}
    new = "".join(table.get(ch, ch) for ch in word)
    return word if new == word else new
