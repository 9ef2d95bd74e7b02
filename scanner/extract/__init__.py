"""Extract: one fetched page -> the advert on it (if any) and where to go next.

Stage: extract (after fetch, before normalize). Input: a `FetchResult` and the
`Source` it came from. Output: a `Page`. No side effects; raises `ExtractError`
and nothing else, and only for pages with nothing to read (empty, binary, over
MAX_PAGE_BYTES, nested deeper than MAX_DEPTH); malformed HTML is read as a browser
would read it.

Bytes become text by `decode_html`: byte-order mark, HTTP charset, ``<meta>``
charset, then detection tuned for windows-1257 / ISO-8859-13 / windows-1251 /
KOI8-R / KOI8-U (see `scanner.extract.charset`).

The evidence cascade, field by field (title, text, employer, pay, location,
contact, posted); the first step that yields a value wins:

1. Per-site CSS selectors from the sources file (``[source.selectors]``).
2. schema.org structured data: JSON-LD ``JobPosting`` (title, description as
   text, hiringOrganization.name, baseSalary, jobLocation, datePosted,
   identifier, applicationContact); for dating sources ``ProfilePage`` /
   ``Person`` / ``Offer``; then JobPosting microdata (``itemprop``).
3. Generic extraction: page chrome removed (scripts, styles, navigation, page
   header and footer, asides, small forms, iframes; elements whose id/class/role
   say menu, banner, cookie notice, share bar, comments, ads, "similar/related
   adverts"; sections under a "Līdzīgi sludinājumi" / "Похожие объявления" /
   "Схожі вакансії" / "Similar jobs" heading), then the densest block (text
   outside links x (1 - link density)^2), one line per block. Title: an ``h1`` in
   that block, in ``article``/``main``, ``og:title``, any other ``h1``, ``<title>``. Fields: labelled lines ("Alga: 1200
   EUR", "Работодатель" over "ООО Ромашка") in lv/ru/uk/en, phone / e-mail /
   messenger links inside the main block (never the site's own footer address),
   publication-date meta.

Advert or listing: one structured advert object makes an advert (several make a
listing); else the source's ``advert_url_patterns`` decide when it has them;
else a match of the body selector; else the main block must hold at least
MIN_ADVERT_CHARS characters outside links, with a link density at most
MAX_LINK_DENSITY and fewer than MIN_LISTING_LINKS content links of one URL
shape (a listing's rows look alike).

Advert ids are ``"<source>:<16 hex>"``: a SHA-256 of the JSON-LD identifier when
there is one, else of the canonical URL (the normalized final URL; a
``rel=canonical`` is trusted only when it names the same path).
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field, replace
from typing import Mapping
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..discover import normalize_url, same_site
from ..errors import ExtractError
from ..models import Advert, FetchResult
from ..sources import Selectors, Source
from .charset import decode_html, detect_encoding
from .fields import contact_links, labelled_fields, posted_meta, read_microdata
from .jsonld import Structured, read_jsonld
from .links import (base_url, largest_shape_group, next_pages, page_links, resolve, selector_links,
                    worded_next_pages)
from .text import Block, block_text, blocks_text, inline_text, main_block, remove_chrome

__all__ = ["Page", "extract_page", "decode_html", "detect_encoding", "advert_id"]

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 20_000_000  # the fetcher caps bodies too; this guards other callers
MAX_TEXT_CHARS = 200_000  # longer advert texts are cut (scanning cuts further, see Settings.max_text_chars)
MAX_DEPTH = 3_000  # lexbor's parse time grows with the cube of nesting depth: 80,000 levels take 18 s
_DEPTH_CHECK_TAGS = 6_000  # fewer tags than this cannot nest deep enough to be slow
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9]*)")
# Elements that never nest by themselves: void ones and those a new sibling closes.
_FLAT = frozenset({b"br", b"img", b"input", b"meta", b"link", b"hr", b"area", b"base", b"col", b"embed",
                   b"param", b"source", b"track", b"wbr", b"p", b"li", b"td", b"th", b"tr", b"option",
                   b"dt", b"dd", b"script", b"style"})
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13))
MIN_ADVERT_CHARS = 120
MAX_LINK_DENSITY = 0.35
MIN_LISTING_LINKS = 6
_BINARY_MAGIC = {b"%PDF": "PDF", b"\x89PNG": "PNG", b"GIF8": "GIF", b"\xff\xd8\xff": "JPEG", b"PK\x03\x04": "ZIP",
                 b"\x1f\x8b": "gzip", b"RIFF": "RIFF", b"OggS": "Ogg", b"ID3": "MP3", b"wOF": "WOFF",
                 b"\x00\x00\x01\x00": "ICO", b"7z\xbc\xaf": "7z", b"Rar!": "RAR", b"\x7fELF": "ELF", b"MZ": "EXE"}


@dataclass(frozen=True, slots=True)
class Page:
    """What one fetched page holds for the crawl."""

    url: str  # the normalized final URL
    adverts: tuple[Advert, ...] = ()  # usually 0 or 1; listing pages give 0
    links: tuple[str, ...] = ()  # same-site links worth following: absolute, normalized
    next_pages: tuple[str, ...] = ()  # pagination
    is_advert: bool = False
    jsonld: bool = False  # schema.org JSON-LD advert data was found
    method: str = ""  # where the advert text came from: "selectors", "jsonld", "microdata", "generic"


@dataclass(frozen=True, slots=True)
class _Picked:
    """Values found by one step of the cascade."""

    title: str = ""
    text: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)


def extract_page(result: FetchResult, source: Source) -> Page:
    """The advert(s), links and pagination of one fetched page (see the module docstring)."""
    url = result.final_url or result.url
    _check_body(result.body, url, _header(result.headers, "content-type"))
    try:
        return _extract(result, source, url)
    except ExtractError:
        raise
    except Exception as exc:  # the promise to callers: one bad page raises ExtractError, never a crash
        raise ExtractError(f"{url}: cannot extract: {type(exc).__name__}: {exc}") from exc


def advert_id(source: str, url: str, identifier: str = "") -> str:
    """``"<source>:<16 hex>"`` from the JSON-LD identifier when given, else the canonical URL."""
    key = f"id:{identifier}" if identifier else url
    return f"{source}:{hashlib.sha256(key.encode('utf-8', 'replace')).hexdigest()[:16]}"


def _extract(result: FetchResult, source: Source, url: str) -> Page:
    tree = LexborHTMLParser(decode_html(result.body, _header(result.headers, "content-type")))
    page_url = _normalized(url)
    base = base_url(tree, page_url)
    structured = read_jsonld((s.text() for s in tree.css("script[type*='ld+json' i]")), source.kind)
    jsonld = bool(structured)
    if not structured and (micro := read_microdata(tree)) is not None:
        structured = [micro]
    selected = _by_selectors(tree, source.selectors)
    if source.selectors.body and not selected.text:
        log.debug("source %s: body selector %r matched nothing on %s", source.name, source.selectors.body, url)
    title, posted = _page_title(tree), posted_meta(tree)
    pagination = next_pages(tree, page_url, base, source)
    chosen = selector_links(tree, page_url, base, source) if source.link_selector else None
    canonical = _canonical(tree, page_url)
    remove_chrome(tree)
    content = page_links(tree, page_url, base, source)
    block = main_block(tree)
    one = structured[0] if len(structured) == 1 else None
    listed = tuple(u for s in structured if s.url and (u := resolve(s.url, base)) and u != page_url
                   and same_site(u, page_url))
    if not _is_advert(source, page_url, structured, selected, block, content):
        links = chosen if chosen is not None else _advert_links(content, source)
        pagination = pagination or worded_next_pages(tree, page_url, base, source)
        return Page(url=page_url, links=_unique(links + listed, pagination), next_pages=pagination, jsonld=jsonld)
    # An advert page's own links: those of its main block (menus and "similar adverts" are gone).
    elements = [n for n in block.nodes if n.is_element_node] if block is not None else []
    own = tuple(u for n in elements for u in page_links(n, page_url, base, source))
    links = chosen if chosen is not None else _advert_links(own, source)
    generic = _Picked(title=_block_title(block) or title, fields={"contact": ", ".join(contact_links(elements)), "posted": posted})
    if not selected.text and not (one and one.description) and block is not None:
        generic = replace(generic, text=blocks_text(block.nodes))
    advert, method = _advert(source, canonical, selected, one, generic, jsonld)
    return Page(url=page_url, adverts=(advert,) if advert else (), links=_unique(links + listed, pagination),
                next_pages=pagination, is_advert=advert is not None, jsonld=jsonld, method=method)


def _unique(links: tuple[str, ...], pagination: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(u for u in dict.fromkeys(links) if u not in pagination)


def _check_body(body: bytes, url: str, content_type: str) -> None:
    if not body or not body.strip():
        raise ExtractError(f"{url}: empty body")
    if len(body) > MAX_PAGE_BYTES:
        raise ExtractError(f"{url}: body of {len(body)} bytes is over the {MAX_PAGE_BYTES} byte limit")
    for magic, kind in _BINARY_MAGIC.items():
        if body.startswith(magic):
            raise ExtractError(f"{url}: body is {kind} data, not HTML")
    if "utf-16" in content_type.lower() or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return
    head = body[:4096]
    control = len(head.translate(None, _NOT_CONTROL))
    if control > 0.1 * len(head):
        raise ExtractError(f"{url}: body looks binary ({control} control bytes in the first {len(head)}), not HTML")
    if body.count(b"<") > _DEPTH_CHECK_TAGS and (depth := _nesting(body)) > MAX_DEPTH:
        raise ExtractError(f"{url}: elements nest {depth} deep (limit {MAX_DEPTH}); a page like this is hostile")


def _nesting(body: bytes) -> int:
    """Roughly how deep the page's elements nest (open minus closed tags, at most)."""
    depth = deepest = 0
    for close, name in _TAG.findall(body):
        name = name.lower()
        if name in _FLAT:
            continue
        depth = max(depth - 1, 0) if close else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), "")
    return value or ""


def _normalized(url: str) -> str:
    try:
        return normalize_url(url)
    except ValueError:
        return url


def _canonical(tree: LexborHTMLParser, page_url: str) -> str:
    """rel=canonical when it only drops query noise from this page's own path, else the page URL
    (a site-wide canonical pointing at the home page must not merge every advert into one)."""
    node = tree.css_first("link[rel~=canonical i][href]")
    url = resolve(node.attributes.get("href") or "", page_url) if node is not None else None
    if url and same_site(url, page_url) and urlsplit(url).path == urlsplit(page_url).path:
        return url
    return page_url


# --- the cascade --------------------------------------------------------------------------

def _by_selectors(tree: LexborHTMLParser, selectors: Selectors) -> _Picked:
    """Step 1: the source's own selectors, each applied to the untouched page."""
    title = _first_text(tree, selectors.title)
    text = ""
    if selectors.body:
        text = "\n".join(t for t in (block_text(n) for n in tree.css(selectors.body)) if t)
    fields = {name: value for name, sel in selectors.fields().items() if (value := _first_text(tree, sel))}
    return _Picked(title=title, text=text, fields=fields)


def _first_text(tree: LexborHTMLParser, selector: str | None) -> str:
    if not selector:
        return ""
    node = tree.css_first(selector)
    return inline_text(node) if node is not None else ""


def _page_title(tree: LexborHTMLParser) -> str:
    """Step 3's title when the main block has no h1: an h1 of article/main, og:title,
    an h1 outside the page header, then <title> (read before chrome removal)."""
    for node in tree.css("article h1, main h1, [role=main] h1"):
        if text := inline_text(node):
            return text
    meta = tree.css_first("meta[property='og:title'][content]")
    if meta is not None and (text := (meta.attributes.get("content") or "").strip()):
        return text
    for node in tree.css("h1"):
        if (text := inline_text(node)) and not _in_page_chrome(node):
            return text
    node = tree.css_first("title")
    return inline_text(node) if node is not None else ""


def _block_title(block: Block | None) -> str:
    """The first h1 inside the main block (an old site's logo h1 sits outside it)."""
    for node in block.nodes if block is not None else ():
        h1 = node if node.tag == "h1" else node.css_first("h1") if node.is_element_node else None
        if h1 is not None and (text := inline_text(h1)):
            return text
    return ""


def _in_page_chrome(node: LexborNode) -> bool:
    parent = node.parent
    for _ in range(64):
        if parent is None:
            return False
        if parent.tag in ("header", "nav", "footer", "aside"):
            return True
        if parent.tag in ("article", "main", "body"):
            return False
        parent = parent.parent
    return False


def _advert_links(links: tuple[str, ...], source: Source) -> tuple[str, ...]:
    """With advert URL patterns, only links to adverts; without, every content link."""
    if not source.advert_url_patterns:
        return links
    return tuple(u for u in links if source.is_advert_url(u))


def _is_advert(source: Source, page_url: str, structured: list[Structured], selected: _Picked,
               block: Block | None, content: tuple[str, ...]) -> bool:
    if structured:
        return len(structured) == 1
    if source.advert_url_patterns:
        return source.is_advert_url(page_url)
    if selected.text:
        return True
    if block is None:
        return False
    return (block.chars - block.link_chars >= MIN_ADVERT_CHARS and block.link_density <= MAX_LINK_DENSITY
            and largest_shape_group(content) < MIN_LISTING_LINKS)


def _advert(source: Source, url: str, selected: _Picked, one: Structured | None, generic: _Picked,
            jsonld: bool) -> tuple[Advert | None, str]:
    steps: list[tuple[str, str, str, Mapping[str, str]]] = [
        ("selectors", selected.title, selected.text, selected.fields)]
    if one is not None:
        steps.append(("jsonld" if jsonld else "microdata", one.title, one.description, one.fields))
    steps.append(("generic", generic.title, generic.text, generic.fields))
    title = next((t for _, t, _, _ in steps if t), "")
    method, text = next(((m, x) for m, _, x, _ in steps if x), ("", ""))
    if not title and not text:
        return None, ""
    text = _drop_title_line(text, title)
    fields: dict[str, str] = {}
    for _, _, _, found in steps:
        fields.update({k: v for k, v in found.items() if v and k not in fields})
    fields.update({k: v for k, v in labelled_fields(text).items() if k not in fields})
    identifier = one.identifier if one is not None else ""
    advert = Advert(id=advert_id(source.name, url, identifier), text=text[:MAX_TEXT_CHARS], title=title[:500],
                    kind=source.kind, lang=source.lang, url=url, source=source.name, fields=fields)
    return advert, method


def _drop_title_line(text: str, title: str) -> str:
    first, _, rest = text.partition("\n")
    return rest if title and first.strip() == title.strip() else text
