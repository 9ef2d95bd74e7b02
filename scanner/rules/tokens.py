"""Tokens and term lookup for the match stage (part of rules/match).

`ChunkTokenizer` gives exactly the tokens of spaCy's tokenizer at a fraction of its
cost, on NFKC-normalized text (all the scanner tokenizes: normalize runs first, and NFKC
unfolds the enclosed alphanumerics such as "①" that are letters to `str.isalnum` but
punctuation to the lean tokenizer). spaCy splits a text on whitespace first and then cuts each whitespace-delimited
chunk into tokens by its affix rules, chunk by chunk; so a chunk's tokens never depend
on its neighbours. A chunk of letters and digits only is one token; any other chunk is
split once by the lean tokenizer's own rules (prefixes, suffixes, infixes; it has no
special cases) and its tokens are remembered. Building no `Doc` per advert saves ~0.3 ms
of the ~0.4 ms spaCy spends on an 800-character advert, and splitting new chunks without
spaCy another ~0.2 ms on a night's worth of new adverts (every address, range and
bracketed number is a new chunk); the tests check both against spaCy itself.

`KeyPhraseMatcher` is what spaCy's `PhraseMatcher` does over one token attribute,
on plain lists of key strings: a trie of key sequences, walked from every token.
It returns the same matches in the same order ((label, start, end), by start, then by
end), without a `Doc` to fill first.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence, Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

# Maximal runs of non-space characters, and the whitespace runs that make tokens. spaCy keeps
# one space after a token as that token's trailing whitespace, so a lone " " between two
# chunks is no token and is not matched at all (half of all runs in a text): a run that
# starts with a space makes a token only when it is longer, or at the very start.
_WS = r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\x1c-\x1f\x85]"
_CHUNK = re.compile(rf"\S+| {_WS}+|(?!\ ){_WS}+|^ ")
# A chunk is punctuation, a core, punctuation ("(word),", "+371", "€500", "30–40."): every
# character of the punctuation class is both a prefix and a suffix of the lean tokenizer
# (rules/match.py), so spaCy cuts each off as a token of its own, then splits the core
# at its infixes.
_AFFIXED = re.compile(r"(?P<pre>{p}*)(?P<core>.*?)(?P<suf>{p}*)", re.DOTALL)
CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text's tokens: start offset and text of each (whitespace tokens included)."""

    starts: list[int]
    words: list[str]

    def __len__(self) -> int:
        return len(self.words)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens start..end-1."""
        return self.starts[start], self.starts[end - 1] + len(self.words[end - 1])


class ChunkTokenizer:
    """spaCy's tokenizer, called once per distinct chunk that is not a plain word."""

    def __init__(self, tokenizer: Callable[[str], Doc], punct: str,
                 infix_finditer: Callable[[str], Iterator[re.Match[str]]] | None = None) -> None:
        self._tokenizer = tokenizer
        self._affixed = re.compile(_AFFIXED.pattern.format(p=punct), re.DOTALL)
        self._infixes = infix_finditer
        self._cache: dict[str, tuple[tuple[int, str], ...]] = {}

    def __call__(self, text: str) -> Tokens:
        starts: list[int] = []
        words: list[str] = []
        split = self._split
        for m in _CHUNK.finditer(text):
            chunk, at = m.group(), m.start()
            if chunk.isalnum():  # no affix or infix character: one token
                starts.append(at)
                words.append(chunk)
            elif chunk[0] == " " and at:
                # the rest of a whitespace run after a token's one trailing space is one token
                starts.append(at + 1)
                words.append(chunk[1:])
            elif chunk.isspace():
                starts.append(at)
                words.append(chunk)
            else:
                for rel, word in split(chunk):
                    starts.append(at + rel)
                    words.append(word)
        return Tokens(starts, words)

    def _split(self, chunk: str) -> tuple[tuple[int, str], ...]:
        found = self._cache.get(chunk)
        if found is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            found = self._affix_split(chunk) if self._infixes else ()
            found = found or tuple((t.idx, t.text) for t in self._tokenizer(chunk))
            self._cache[chunk] = found
        return found

    def _affix_split(self, chunk: str) -> tuple[tuple[int, str], ...]:
        """The chunk split as spaCy's `Tokenizer` splits it when it has no special cases:
        prefixes off, suffixes off, then the core cut at its infixes (an infix at the
        core's very start is not a cut)."""
        m = self._affixed.fullmatch(chunk)
        if m is None:  # pragma: no cover - the pattern matches every string
            return ()
        pre, core, suf = m.group("pre", "core", "suf")
        out = list(enumerate(pre))
        at = len(pre)
        if core:
            start = 0
            for infix in self._infixes(core):  # type: ignore[misc]
                a, b = infix.span()
                if a == 0:
                    continue
                if a != start:
                    out.append((at + start, core[start:a]))
                if a != b:
                    out.append((at + a, core[a:b]))
                start = b
            if start < len(core):
                out.append((at + start, core[start:]))
        at = m.start("suf")
        out += ((at + i, ch) for i, ch in enumerate(suf))
        return tuple(out)


_END = ""  # no key is empty: every key starts with its language ("lv:")


class KeyPhraseMatcher:
    """Finds every added key sequence in a list of keys."""

    def __init__(self) -> None:
        self._root: dict[str, Any] = {}  # key -> node; a node holds its labels under _END

    def add(self, label: int, keys: Sequence[str]) -> None:
        node = self._root
        for key in keys:
            node = node.setdefault(key, {})
        node.setdefault(_END, []).append(label)

    def __call__(self, keys: Sequence[str], joins: AbstractSet[int] = frozenset()) -> list[tuple[int, int, int]]:
        """(label, start, end) of every match, by start and then by end. A token whose index
        is in `joins` (a hyphen inside a word: "out-of-town") is passed over inside a match
        when no term goes on with it, so a term's words also match hyphenated."""
        out: list[tuple[int, int, int]] = []
        root, n = self._root, len(keys)
        # most tokens start no term: find those that do in one comprehension, walk from them
        for i in [i for i, key in enumerate(keys) if key in root]:
            node = root[keys[i]]
            j = i + 1
            while node is not None:
                labels = node.get(_END)
                if labels is not None:
                    out.extend((label, i, j) for label in labels)
                if j == n:
                    break
                step = node.get(keys[j])
                if step is None and j in joins and j + 1 < n:
                    j += 1
                    step = node.get(keys[j])
                node = step
                j += 1
        return out

