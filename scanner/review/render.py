"""Turning hostile advert data into safe HTML pieces: highlighted text, links, diffs.

Every piece of advert text passes through `markupsafe.escape` before it is joined to
markup; the markup itself comes only from constants here. Links are made only from
http/https URLs with a host; anything else (javascript:, data:, vbscript:, relative,
malformed) is shown as escaped text by the templates.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_CLASS = re.compile(r"[^a-z0-9_-]")


def safe_url(url: object) -> str | None:
    """`url` if it is an absolute http(s) URL with a host and no whitespace or control characters, else None."""
    if not isinstance(url, str) or not url or len(url) > 4000 or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def css_class(value: object) -> str:
    return _CLASS.sub("", str(value).lower())[:40]


@dataclass(frozen=True, slots=True)
class Hit:
    """A match placed in the text (or not, when its offsets no longer fit the text)."""

    n: int
    match: Mapping[str, Any]
    placed: bool


def place_hits(text: str, matches: Iterable[Mapping[str, Any]]) -> list[Hit]:
    """Number the matches and check each one's span against the text it claims to quote."""
    out = []
    for n, m in enumerate(matches, 1):
        start, end = m.get("start"), m.get("end")
        ok = (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)
              and (not m.get("text") or text[start:end] == m.get("text")))
        out.append(Hit(n, m, ok))
    return out


def highlight(text: str, hits: list[Hit]) -> Markup:
    """The text with every placed hit wrapped in <mark>; overlapping hits split into nested-free pieces."""
    placed = [h for h in hits if h.placed]
    bounds = sorted({0, len(text), *(h.match["start"] for h in placed), *(h.match["end"] for h in placed)})
    first: dict[int, int] = {}  # hit number -> the piece where its anchor goes
    pieces: list[str] = []
    for a, b in pairwise(bounds):
        covering = [h for h in placed if h.match["start"] <= a and b <= h.match["end"]]
        piece = str(escape(text[a:b]))
        if not covering:
            pieces.append(piece)
            continue
        anchors = "".join(f'<span id="hit-{h.n}"></span>' for h in covering if first.setdefault(h.n, a) == a)
        label = "; ".join(f"#{h.n} {h.match.get('rule', '')} {h.match.get('category', '')} "
                          f"w={float(h.match.get('weight') or 0):.2f}" for h in covering)
        classes = " ".join(sorted({"cat-" + css_class(h.match.get("category", "")) for h in covering}))
        pieces.append(f'{anchors}<mark class="hit {classes}" title="{escape(label)}" '
                      f'data-hits="{escape(" ".join(str(h.n) for h in covering))}">{piece}</mark>')
    return Markup("".join(pieces))


# --- diffs ------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
MAX_TOKENS = 4000


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces from `old` to `new`: op is "same", "del" or "ins". Long texts are diffed by line."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(a) > MAX_TOKENS or len(b) > MAX_TOKENS:
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("ins", "".join(b[j1:j2])))
    return out
