"""Generic main text: an advert's words without the page around them.

Input: a parsed page (selectolax/lexbor tree, mutated in place). Output: text with
one line per block (paragraphs, list items, table cells, ``<br>``), chosen as the
densest content block once page chrome is gone.

Chrome is removed in three passes: by tag (script, style, nav, aside, form ...;
header and footer only outside an article or main), by ``id``/``class``/``role``
words (navigation, menus, banners, cookie notices, share bars, comments,
"similar/related adverts", ads), and by headings that announce similar adverts
in lv/ru/uk/en ("Līdzīgi sludinājumi", "Похожие объявления", ...). A block with
most of the page's text or the page's ``h1`` is never removed by its name alone.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Nodes are compared and used as keys by `mem_id` only: LexborNode.__eq__ serializes
# both subtrees to HTML, which made a page of 50,000 links take minutes.

__all__ = ["Block", "remove_chrome", "main_block", "block_text", "blocks_text", "html_to_text", "inline_text"]

_BREAK = "\ue000"  # a private-use character marks block edges until whitespace is collapsed
_BLOCKS = ("address, article, blockquote, caption, dd, details, div, dl, dt, fieldset, figcaption, figure, "
           "h1, h2, h3, h4, h5, h6, hr, li, main, ol, p, pre, section, summary, table, td, th, tr, ul, br")
_CHROME_TAGS = ("script, style, noscript, iframe, frame, nav, aside, svg, template, button, select, textarea, "
                "input, object, embed, canvas, video, audio, map, dialog, link, meta")
# Attribute checks are done in Python: lexbor's attribute selectors cost more than the whole parse.
_CHROME_ATTRS = "[hidden], [aria-hidden], [role], [style]"
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "search",
                           "dialog", "alertdialog", "tablist"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Elements whose id/class is read: the containers chrome comes in (not every span and link).
_NAMED = "div, section, ul, ol, table, dl, p"
# Whole class tokens / ids that are chrome (matched exactly: "advert-header" keeps its title).
_CHROME_TOKENS = frozenset({
    "header", "site-header", "page-header", "main-header", "top-header", "global-header", "footer",
    "ad", "ads", "adv", "adsbox", "ad-slot", "ad-unit", "ad-container", "ad-wrapper", "adblock",
    "promo", "promos", "tags", "tag-cloud", "copyright", "login", "signin", "search", "search-form",
    "searchbox", "share", "social", "comment", "comments", "pager",
})
# Word prefixes inside class tokens / ids ("main-navigation", "similarAds", "lidzigie-sludinajumi").
_CHROME_STEMS = (
    "nav", "menu", "breadcrumb", "banner", "cookie", "consent", "gdpr", "sharing", "sharebar",
    "social", "comments", "related", "similar", "recommend", "sidebar", "masthead", "paginat",
    "pagination", "newsletter", "subscri", "popup", "modal", "lidzig", "reklam", "pohozh", "poxozh",
    "advertis", "adsbygoogle", "adsense", "footer", "toolbar", "topbar", "disqus", "cookiebar",
)
# Whole words inside class tokens / ids ("share-buttons", "social-links", "top-banners").
_CHROME_WORDS = frozenset({"share", "social", "comments", "cookies", "banners", "advertisement"})
_WORD_SPLIT = re.compile(r"[-_\s]+")
_NAME_HINT = re.compile("|".join(sorted({*_CHROME_STEMS, *_CHROME_TOKENS, *_CHROME_WORDS})))
# Headings that open a block of other adverts; matched in headings of at most 80 characters.
_SIMILAR_HEADING = re.compile(
    r"^\W*(?:\w+\s+)?(?:līdzīg\w* (?:sludinājum|vakanc|piedāvājum|profil)|citi sludinājumi|citas vakances|"
    r"jūs varētu interesēt|jums varētu patikt|"
    r"(?:похожие|другие) (?:объявлен|ваканс|анкет|предложен)|вас (?:может|могут) заинтересовать|"
    r"смотрите также|(?:схожі|подібні|інші) (?:оголошен|вакансі|анкет|пропозиці)|вас може зацікавити|"
    r"дивіться також|(?:similar|related|other) (?:ads|adverts|jobs|listings|vacancies|profiles|offers)|"
    r"you may also like|see also)", re.I)
_WS = re.compile(r"[ \t\r\n\f\v]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MAX_CANDIDATES = 5_000  # more block elements than this is hostile: take the whole body
_MAX_WALK = 64  # ancestor steps when crediting link text to blocks
_KEEP_SHARE = 0.9
_SIBLING_MAX_LINKS = 0.3


@dataclass(frozen=True, slots=True)
class Block:
    """The chosen content: one element, or an element with some of its siblings,
    and its measures (characters, not bytes)."""

    nodes: tuple[LexborNode, ...]
    chars: int  # visible text, whitespace left out
    link_chars: int  # of which inside links

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 1.0


# --- chrome -------------------------------------------------------------------------------

def remove_chrome(tree: LexborHTMLParser) -> None:
    """Remove page chrome from the tree in place (see the module docstring)."""
    body = tree.body
    if body is None:
        return
    for node in tree.css(_CHROME_TAGS):
        node.decompose()
    for node in tree.css(_CHROME_ATTRS):
        if _hidden_or_chrome_role(node.attributes):
            node.decompose()
    for node in tree.css("header, footer"):
        if not _inside(node, ("article", "main")):
            node.decompose()
    total = len(body.text(strip=True)) or 1
    for node in tree.css("form"):
        if len(node.text(strip=True)) < 0.5 * total:  # ASP.NET pages wrap everything in one form
            node.decompose()
    keep = _holders(tree)
    headings = tree.css("h2, h3, h4, h5, h6, b, strong")
    for node in tree.css(_NAMED):
        names = _names(node)
        if _chrome_name(names) and node.mem_id not in keep and len(node.text(strip=True)) <= 0.5 * total:
            node.decompose()
        elif "title" in names or "head" in names:
            headings.append(node)
    _remove_similar_sections(headings, total)


def _names(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('id') or ''} {attrs.get('class') or ''}".lower() if attrs else ""


def _holders(tree: LexborHTMLParser) -> set[int]:
    """Elements holding the content (main, article, h1, the description) and their
    ancestors, by `mem_id`: wrappers named after something they hold ("has-sidebar")
    must survive."""
    holders: set[int] = set()
    for node in tree.css("main, article, h1, [role=main], [itemprop=description]"):
        current: LexborNode | None = node
        for _ in range(_MAX_WALK):
            if current is None or current.mem_id in holders:
                break
            holders.add(current.mem_id)
            current = current.parent
    return holders


def _hidden_or_chrome_role(attrs: dict[str, str | None]) -> bool:
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    if (attrs.get("role") or "").lower() in _CHROME_ROLES:
        return True
    return bool(_HIDDEN_STYLE.search(attrs.get("style") or ""))


def _chrome_name(names: str) -> bool:
    """True for id/class names of page chrome (`names` lower-cased, space-separated)."""
    if not names or not _NAME_HINT.search(names):
        return False
    for token in names.split():
        if token in _CHROME_TOKENS:
            return True
        for word in _WORD_SPLIT.split(token):
            if word in _CHROME_WORDS or word.startswith(_CHROME_STEMS):
                return True
    return False


def _remove_similar_sections(headings: list[LexborNode], total: int) -> None:
    """Headings such as "Līdzīgi sludinājumi": drop the section they open (their parent
    when they open it, else the heading and everything after it)."""
    for heading in headings:
        text = heading.text(strip=False).strip()
        if len(text) > 80 or not _SIMILAR_HEADING.search(text):
            continue
        parent = heading.parent
        if parent is not None and parent.tag not in ("body", "main", "article", "html") \
                and _only_heading_before(heading) and len(parent.text(strip=True)) < 0.5 * total:
            parent.decompose()
        else:
            _remove_from(heading)


def _only_heading_before(heading: LexborNode) -> bool:
    node = heading.prev
    while node is not None:
        if node.is_element_node or (node.is_text_node and (node.text_content or "").strip()):
            return False
        node = node.prev
    return True


def _remove_from(node: LexborNode) -> None:
    """Remove a node and everything after it among its siblings."""
    doomed = [node]
    sibling = node.next
    while sibling is not None:
        doomed.append(sibling)
        sibling = sibling.next
    for item in doomed:
        item.decompose()


def _inside(node: LexborNode, tags: tuple[str, ...]) -> bool:
    parent = node.parent
    for _ in range(_MAX_WALK):
        if parent is None:
            return False
        if parent.tag in tags or (parent.attributes.get("role") == "main"):
            return True
        parent = parent.parent
    return False


# --- the densest block --------------------------------------------------------------------

def main_block(tree: LexborHTMLParser) -> Block | None:
    """The densest block: most text outside links, weighed by (1 - link density)^2.

    Then the smallest block that keeps 90 % of that score, so page text around the
    content (a title bar, a copyright line) stays out; then its siblings that are
    text rather than links (a details table next to the description) come back in.
    """
    body = tree.body
    if body is None:
        return None
    candidates = tree.css("div, section, article, main, td, li, dd, blockquote, [role=main]")
    if len(candidates) > _MAX_CANDIDATES:
        candidates = []
    links = _link_chars(tree, body)
    blocks = [_measure(node, links) for node in [body, *candidates]]
    scores = [_score(b) for b in blocks]
    top = max(scores)
    chosen = min((b for b, score in zip(blocks, scores) if score >= _KEEP_SHARE * top), key=lambda b: b.chars)
    return _with_siblings(chosen, links)


def _measure(node: LexborNode, links: dict[int, int]) -> Block:
    return Block((node,), len(node.text(strip=True)), links.get(node.mem_id, 0))


def _with_siblings(block: Block, links: dict[int, int]) -> Block:
    """Add the siblings that are mostly text and smaller than the block itself."""
    node = block.nodes[0]
    if node.tag in ("body", "html"):
        return block
    before: list[Block] = []
    after: list[Block] = []
    for step, found in (("prev", before), ("next", after)):
        sibling = getattr(node, step)
        while sibling is not None:
            if sibling.is_element_node or sibling.is_text_node:
                part = _measure(sibling, links)
                if part.chars and part.chars <= block.chars and part.link_density <= _SIBLING_MAX_LINKS:
                    found.append(part)
            sibling = getattr(sibling, step)
    parts = [*reversed(before), block, *after]
    return Block(tuple(p.nodes[0] for p in parts), sum(p.chars for p in parts), sum(p.link_chars for p in parts))


def _score(block: Block) -> float:
    plain = block.chars - block.link_chars
    return plain * (1.0 - block.link_density) ** 2


def _link_chars(tree: LexborHTMLParser, body: LexborNode) -> dict[int, int]:
    """Characters of link text inside each element (by `mem_id`), credited up the ancestor chain."""
    counts: dict[int, int] = {}
    body_id = body.mem_id
    for anchor in tree.css("a[href]"):
        size = len(anchor.text(strip=True))
        if not size:
            continue
        node = anchor
        for _ in range(_MAX_WALK):
            if node is None:
                break
            key = node.mem_id
            counts[key] = counts.get(key, 0) + size
            if key == body_id:
                break
            node = node.parent
    return counts


# --- text ---------------------------------------------------------------------------------

def block_text(node: LexborNode) -> str:
    """The node's text with a line break at every block edge; mutates the tree.

    Whitespace inside lines collapses as a browser would; empty lines are dropped.
    """
    if node.is_text_node:
        return clean_lines(node.text_content or "")
    if node.tag in ("br", "hr"):
        return ""
    for block in node.css(_BLOCKS):
        if block.tag == "br":
            block.insert_after(_BREAK)
        else:
            block.insert_before(_BREAK)
            block.insert_after(_BREAK)
    return clean_lines(node.text(separator=""))


def blocks_text(nodes: tuple[LexborNode, ...]) -> str:
    """`block_text` of several nodes, one after the other."""
    return "\n".join(t for t in (block_text(n) for n in nodes) if t)


def clean_lines(raw: str) -> str:
    """Collapse whitespace, turn break marks into newlines, drop empty lines and control characters."""
    text = _CONTROL.sub("", _WS.sub(" ", raw))
    lines = (line.strip() for line in text.split(_BREAK))
    return "\n".join(line for line in lines if line)


def inline_text(node: LexborNode) -> str:
    """The node's text on one line (titles, field values): inline markup joins words as
    written ("Rī<b>ga</b>" is "Rīga"), block edges and ``<br>`` become spaces."""
    return " ".join(block_text(node).split("\n"))


def html_to_text(text: str) -> str:
    """Text of an HTML fragment (a JSON-LD description), lines kept; plain text passes through."""
    if "<" not in text and "&lt;" in text:  # HTML escaped once more than it should be
        text = html.unescape(text)
    if "<" not in text:
        return clean_lines(html.unescape(text).replace("\n", _BREAK))
    tree = LexborHTMLParser(text)
    for node in tree.css("script, style"):
        node.decompose()
    return block_text(tree.body) if tree.body is not None else ""
