"""Links: where a crawl can go from a page.

Input: a parsed page, its URL and its source. Output: absolute, normalized,
fragment-free same-site URLs worth fetching, and the page's pagination links.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..discover import is_trap_url, normalize_url, same_site
from ..sources import Source

__all__ = ["base_url", "resolve", "page_links", "selector_links", "next_pages", "worded_next_pages",
           "largest_shape_group"]

MAX_LINKS = 2_000
_SKIP_PREFIXES = ("#", "javascript:", "mailto:", "tel:", "data:", "sms:", "viber:", "whatsapp:", "skype:",
                  "tg:", "callto:", "fax:", "about:", "file:", "ftp:", "blob:")
_SKIP_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z|gz|tgz|"
    r"tar|mp3|mp4|m4a|ogg|avi|mov|webm|css|js|json|xml|rss|atom|woff2?|ttf|eot|apk|exe|dmg|msi)$", re.I)
_SKIP_PATH = re.compile(
    r"/(?:login|logout|signin|sign-in|signup|sign-up|register|registration|cart|basket|checkout|print|"
    r"share|password|auth|oauth|wp-admin|wp-login\.php|cdn-cgi|favorites|favourites)(?:[/.?]|$)", re.I)
_NEXT_TEXT = re.compile(
    r"^\W*(?:nākam\w*|nākoš\w*|tālāk|следующ\w*|далее|вперед|вперёд|наступн\w*|далі|next|older)\b\W*"
    r"(?:lapa|lappuse|страница|сторінка|page)?\W*$|^[»›→>]{1,2}$", re.I)
_NEXT_LABEL = re.compile(r"^\W*(?:nākam|nākoš|следующ|наступн|next)", re.I)
# Links in a pager (pagination, pager, paging; WordPress's page-numbers). Case-sensitive
# and without a bare "pag", which every "page-wrapper" has: lexbor's attribute matching
# costs about half a parse, and each candidate costs a text() call.
_PAGER = ("[class*=paginat] a[href], [class*=pager] a[href], [class*=paging] a[href], [id*=paginat] a[href], "
          "[id*=pager] a[href], a[class*=page-numbers][href]")
_DIGITS = re.compile(r"\d+")


def base_url(tree: LexborHTMLParser, page_url: str) -> str:
    """The URL relative links resolve against (``<base href>`` when present)."""
    node = tree.css_first("base[href]")
    href = (node.attributes.get("href") or "").strip() if node is not None else ""
    return resolve(href, page_url) or page_url if href else page_url


def resolve(href: str, base: str) -> str | None:
    """An href as an absolute normalized http(s) URL, or None for anything else."""
    href = href.strip()
    if not href or href[:12].lower().startswith(_SKIP_PREFIXES):
        return None
    try:
        url = normalize_url(urljoin(base, href))
    except ValueError:
        return None
    return url if url.startswith(("http://", "https://")) else None


def _worth_following(url: str, page_url: str, source: Source) -> bool:
    if url == page_url or not same_site(url, page_url) or source.is_excluded(url) or is_trap_url(url):
        return False
    path = urlsplit(url).path
    return not _SKIP_EXT.search(path) and not _SKIP_PATH.search(path)


def _hrefs(nodes: Iterable[LexborNode]) -> list[str]:
    hrefs: list[str] = []
    for node in nodes:
        anchor = node if node.attributes.get("href") is not None else node.css_first("a[href]")
        if anchor is not None:
            hrefs.append(anchor.attributes.get("href") or "")
    return hrefs


def _urls(hrefs: Iterable[str], page_url: str, base: str, source: Source) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for href in dict.fromkeys(hrefs):
        url = resolve(href, base)
        if url and url not in seen and _worth_following(url, page_url, source):
            seen[url] = None
            if len(seen) >= MAX_LINKS:
                break
    return tuple(seen)


def page_links(tree: LexborHTMLParser | LexborNode, page_url: str, base: str, source: Source) -> tuple[str, ...]:
    """Every same-site link worth following in the tree (or under the node)."""
    return _urls(_hrefs(tree.css("a[href], area[href]")), page_url, base, source)


def selector_links(tree: LexborHTMLParser, page_url: str, base: str, source: Source) -> tuple[str, ...]:
    """Links picked by the source's `link_selector` (the element or the first link inside it)."""
    return _urls(_hrefs(tree.css(source.link_selector or "a[href]")), page_url, base, source)


def next_pages(tree: LexborHTMLParser, page_url: str, base: str, source: Source) -> tuple[str, ...]:
    """Pagination links: the source's `next_selector`; else rel=next and the links of a
    pager whose text is a page number or a "next" word."""
    if source.next_selector:
        return _urls(_hrefs(tree.css(source.next_selector)), page_url, base, source)
    found = _urls(_hrefs(tree.css("link[rel~=next i][href], a[rel~=next i][href]")), page_url, base, source)
    pager = [a for a in tree.css(_PAGER) if _is_page_link(a)]
    return tuple(dict.fromkeys(found + _urls(_hrefs(pager), page_url, base, source)))


def worded_next_pages(tree: LexborHTMLParser | LexborNode, page_url: str, base: str,
                      source: Source) -> tuple[str, ...]:
    """Links anywhere whose whole text is a "next" word ("Nākamā »", "Следующая", "Next"):
    the last resort for listings without rel=next or a named pager."""
    words = [a for a in tree.css("a[href]") if _NEXT_TEXT.match(a.text(strip=True)[:40])]
    return _urls(_hrefs(words), page_url, base, source)


def _is_page_link(anchor: LexborNode) -> bool:
    text = anchor.text(strip=True)[:40]
    if text.isdigit() or _NEXT_TEXT.match(text):
        return True
    attrs = anchor.attributes
    label = attrs.get("aria-label") or attrs.get("title") or ""
    return bool(_NEXT_LABEL.match(label)) or "next" in (attrs.get("rel") or "").lower().split()


def largest_shape_group(urls: Iterable[str]) -> int:
    """How many URLs share the most common shape (folder, extension, query keys,
    digits ignored): the rows of a listing look alike, an advert's links do not."""
    shapes: Counter[tuple[str, str, str]] = Counter()
    for url in urls:
        parts = urlsplit(url)
        folder, _, last = parts.path.rpartition("/")
        extension = last.rpartition(".")[2] if "." in last else ""
        keys = ",".join(sorted(q.split("=", 1)[0] for q in parts.query.split("&") if q))
        shapes[(_DIGITS.sub("0", folder), extension, keys)] += 1
    return max(shapes.values(), default=0)
