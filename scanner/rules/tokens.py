"""Tokens and term lookup for the match stage (part of rules/match).

`ChunkTokenizer` gives exactly the tokens of spaCy's tokenizer at a fraction of its
cost. spaCy splits a text on whitespace first and then cuts each whitespace-delimited
chunk into tokens by its affix rules, chunk by chunk; so a chunk's tokens never depend
on its neighbours. A chunk of letters and digits only is one token; any other chunk is
handed to spaCy once and its tokens are remembered. Building no `Doc` per advert saves
~0.3 ms of the ~0.4 ms spaCy spends on an 800-character advert.

`KeyPhraseMatcher` is what spaCy's `PhraseMatcher` does over one token attribute,
on plain lists of key strings: a trie of key sequences, walked from every token.
It returns the same matches in the same order ((label, start, end), by start, then by
end), without a `Doc` to fill first.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

# Maximal runs of non-space characters, and the whitespace runs that make tokens. spaCy keeps
# one space after a token as that token's trailing whitespace, so a lone " " between two
# chunks is no token and is not matched at all (half of all runs in a text): a run that
# starts with a space makes a token only when it is longer, or at the very start.
_WS = r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\x1c-\x1f\x85]"
_CHUNK = re.compile(rf"\S+| {_WS}+|(?!\ ){_WS}+|^ ")
# A word with plain punctuation around it ("(word),", "+371", "€500"): every character
# of the punctuation class is both a prefix and a suffix of the lean tokenizer
# (rules/match.py), so spaCy cuts each off as a token of its own.
_AFFIXED = re.compile(r"(?P<pre>{p}*)(?P<core>[^\W_]*)(?P<suf>{p}*)")
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

    def __init__(self, tokenizer: Callable[[str], Doc], punct: str) -> None:
        self._tokenizer = tokenizer
        self._affixed = re.compile(_AFFIXED.pattern.format(p=punct))
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
            found = self._affix_split(chunk) or tuple((t.idx, t.text) for t in self._tokenizer(chunk))
            self._cache[chunk] = found
        return found

    def _affix_split(self, chunk: str) -> tuple[tuple[int, str], ...]:
        """A word with punctuation around it, split as spaCy would; () for anything else."""
        m = self._affixed.fullmatch(chunk)
        if m is None:
            return ()
        pre, core, suf = m.group("pre", "core", "suf")
        head = tuple(enumerate(pre))
        tail = tuple((m.start("suf") + i, ch) for i, ch in enumerate(suf))
        return head + ((len(pre), core),) + tail if core else head + tail


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

    def __call__(self, keys: Sequence[str]) -> list[tuple[int, int, int]]:
        """(label, start, end) of every match, by start and then by end."""
        out: list[tuple[int, int, int]] = []
        root, n = self._root, len(keys)
        for i, key in enumerate(keys):
            node = root.get(key)
            j = i + 1
            while node is not None:
                labels = node.get(_END)
                if labels is not None:
                    out.extend((label, i, j) for label in labels)
                if j == n:
                    break
                node = node.get(keys[j])
                j += 1
        return out

