"""Discover: which URLs a crawl should visit next.

Stage: between fetch and extract, on URLs only. Input: sitemap bytes, links found
on pages. Output: normalized URLs (`normalize_url`), `Sitemap` records, and a
`PaginationGuard` that says when a chain of "next page" links has become a trap.
No side effects: nothing here fetches.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Iterable, Literal
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from lxml import etree

from .errors import ExtractError

MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit, after decompression
MAX_URL_CHARS = 2_000

# Query parameters that only track where a click came from; dropping them merges
# the same advert reached from a newsletter, an ad and a listing page.
_TRACKING = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "ysclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "_openstat", "_hsenc", "_hsmi", "mkt_tok", "spm",
})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in paths and queries; everything else is %-encoded, so
# "/darbs/šuvēja" and "/darbs/%C5%A1uv%C4%93ja" normalize to the same string.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/?:@!$'()*+,;=%-._~"
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")


# --- URLs ---------------------------------------------------------------------------------

@lru_cache(maxsize=65_536)  # links repeat on every page and every run
def normalize_url(url: str) -> str:
    """One spelling per URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters (utm_*, fbclid, ...), sorted query, "/" for an empty path.

    Raises ValueError for a URL that cannot be parsed (e.g. a broken IPv6 host).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    netloc = host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    if parts.username or parts.password:
        netloc = f"{parts.username or ''}{':' + parts.password if parts.password else ''}@{netloc}"
    path = _percent(quote(parts.path, safe=_PATH_SAFE)) or ("/" if netloc else "")
    query = _query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _host(host: str) -> str:
    host = host.rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _query(query: str) -> str:
    """Drop tracking parameters and sort the rest, keeping each item as written
    (``?12345`` stays ``?12345``: some boards read the raw query string)."""
    items = []
    for item in query.split("&"):
        key = unquote_plus(item.split("=", 1)[0]).lower()
        if item and not key.startswith("utm_") and key not in _TRACKING:
            items.append((key, _percent(quote(item, safe=_QUERY_SAFE))))
    return "&".join(text for _, text in sorted(items))


def _percent(text: str) -> str:
    return _PERCENT.sub(lambda m: m.group(0).upper(), text)


def site_key(host: str) -> str:
    """The host without a leading "www." or "m.": what `same_site` compares."""
    host = host.lower().rstrip(".")
    for prefix in ("www.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix):]
    return host


def same_site(url: str, base: str) -> bool:
    """True when `url` is http(s) on the base's host or one of its subdomains.

    "www." and "m." are ignored on both sides. A parent domain of the base does
    not count (without the public suffix list, "lv" cannot be told from "ss.lv").
    """
    try:
        target, origin = urlsplit(url), urlsplit(base)
        host, base_host = target.hostname, origin.hostname
    except ValueError:
        return False
    if target.scheme not in ("http", "https") or not host or not base_host:
        return False
    key, base_key = site_key(host), site_key(base_host)
    return key == base_key or key.endswith("." + base_key)


def is_trap_url(url: str, *, max_chars: int = MAX_URL_CHARS, max_repeats: int = 3) -> bool:
    """URLs that crawlers get lost in: very long ones, or paths that repeat a segment
    (``/a/b/a/b/a/b/``, made by relative links on pages that answer every path)."""
    if len(url) > max_chars:
        return True
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return any(segments.count(s) > max_repeats for s in set(segments))


# --- sitemaps -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    lastmod: str | None = None  # as written in the sitemap (W3C datetime)

    @property
    def lastmod_at(self) -> datetime | None:
        """`lastmod` parsed, or None when missing or unreadable."""
        if not self.lastmod:
            return None
        try:
            return datetime.fromisoformat(self.lastmod.replace("Z", "+00:00"))
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A sitemap: page URLs ("urlset") or further sitemaps ("sitemapindex")."""

    kind: Literal["urlset", "sitemapindex"]
    entries: tuple[SitemapEntry, ...] = ()

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(e.url for e in self.entries)


# No entity expansion, no DTD loading, no network: a sitemap is untrusted input.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False, recover=True, remove_comments=True)


def parse_sitemap(body: bytes) -> Sitemap:
    """Read an XML sitemap or sitemap index, gzip-compressed or not, or a plain-text
    sitemap (one URL a line). Raises ExtractError when it is none of these."""
    data = _gunzip(body) if body[:2] == b"\x1f\x8b" else body
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ExtractError("sitemap is empty")
    if not stripped.startswith(b"<"):
        return _text_sitemap(stripped)
    try:
        root = etree.fromstring(stripped, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"sitemap is not XML: {exc}") from None
    if root is None:
        raise ExtractError("sitemap is not XML: no root element")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ExtractError(f"sitemap root is <{kind}>, not <urlset> or <sitemapindex>")
    child = "url" if kind == "urlset" else "sitemap"
    entries = (_entry(el) for el in root if isinstance(el.tag, str) and etree.QName(el).localname == child)
    return Sitemap(kind=kind, entries=tuple(e for e in entries if e is not None))  # type: ignore[arg-type]


def _entry(element: etree._Element) -> SitemapEntry | None:
    values = {etree.QName(c).localname: (c.text or "").strip() for c in element if isinstance(c.tag, str)}
    loc = values.get("loc", "")
    if not loc.startswith(("http://", "https://")):
        return None
    return SitemapEntry(url=loc, lastmod=values.get("lastmod") or None)


def _text_sitemap(data: bytes) -> Sitemap:
    lines = data.decode("utf-8", "replace").splitlines()
    urls = [ln.strip() for ln in lines if ln.strip().startswith(("http://", "https://"))]
    if not urls and lines:
        raise ExtractError("sitemap is neither XML nor a list of URLs")
    return Sitemap(kind="urlset", entries=tuple(SitemapEntry(url=u) for u in urls))


def _gunzip(body: bytes) -> bytes:
    """Decompress with a ceiling, so a gzip bomb costs at most MAX_SITEMAP_BYTES."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_SITEMAP_BYTES + 1)
    except zlib.error as exc:
        raise ExtractError(f"sitemap is not valid gzip: {exc}") from None
    if len(data) > MAX_SITEMAP_BYTES:
        raise ExtractError(f"sitemap is larger than {MAX_SITEMAP_BYTES} bytes once decompressed")
    if not inflater.eof:
        raise ExtractError("sitemap is not valid gzip: the stream is cut short")
    return data


def sitemap_candidates(start_url: str, robots_sitemaps: Iterable[str] = ()) -> tuple[str, ...]:
    """Sitemaps to try for a site: those robots.txt lists, else /sitemap.xml."""
    listed = [u for u in robots_sitemaps if same_site(u, start_url)]
    if listed:
        return tuple(dict.fromkeys(normalize_url(u) for u in listed))
    parts = urlsplit(normalize_url(start_url))
    return (urlunsplit((parts.scheme, parts.netloc, "/sitemap.xml", "", "")),)


# --- pagination traps ---------------------------------------------------------------------

@dataclass(slots=True)
class PaginationGuard:
    """Decides when to stop following one chain of "next page" links.

    Feed it every page of the chain with the advert links found there. It stops
    the chain after `max_idle` pages in a row that add no new advert link, when a
    page repeats the link set (or the content hash) of an earlier page (``?page=999``
    answering with the last page again), or after `max_pages` pages. `reason` says
    which, for the crawl's counters.
    """

    max_idle: int = 3
    max_pages: int = 1_000
    pages: int = 0
    idle: int = 0
    reason: str = ""
    _seen_links: set[str] = field(default_factory=set)
    _fingerprints: set[str] = field(default_factory=set)

    def visit(self, links: Iterable[str], content_hash: str | None = None) -> bool:
        """Record one page of the chain; False when the chain should not be followed further.

        `content_hash` (e.g. of the page's extracted text) catches a repeat that the
        links alone miss; leave it out when pages carry timestamps or tokens.
        """
        if self.reason:
            return False
        page_links = sorted(set(links))
        self.pages += 1
        fingerprints = {hashlib.sha1("\n".join(page_links).encode("utf-8", "replace")).hexdigest()} \
            if page_links else set()
        if content_hash:
            fingerprints.add("content:" + content_hash)
        new = [u for u in page_links if u not in self._seen_links]
        self._seen_links.update(new)
        self.idle = 0 if new else self.idle + 1
        if fingerprints & self._fingerprints:
            self.reason = "repeated_page"
        elif self.idle >= self.max_idle:
            self.reason = "no_new_links"
        elif self.pages >= self.max_pages:
            self.reason = "max_pages"
        self._fingerprints.update(fingerprints)
        return not self.reason
