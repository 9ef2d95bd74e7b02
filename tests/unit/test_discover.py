"""scanner.discover: URL normalization, same-site checks, sitemaps, pagination traps."""
from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.discover import (
    MAX_SITEMAP_BYTES,
    PaginationGuard,
    is_trap_url,
    normalize_url,
    parse_sitemap,
    same_site,
    sitemap_candidates,
)
from scanner.errors import ExtractError

# --- normalize_url ------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTPS://Board.Example.LV/Jobs/?b=2&a=1#top", "https://board.example.lv/Jobs/?a=1&b=2"),
    ("https://board.example/", "https://board.example/"),
    ("https://board.example", "https://board.example/"),
    ("http://board.example:80/a", "http://board.example/a"),
    ("https://board.example:443/a", "https://board.example/a"),
    ("https://board.example:8443/a", "https://board.example:8443/a"),
    ("https://board.example/a?utm_source=fb&utm_medium=cpc&id=7&fbclid=XYZ&gclid=1", "https://board.example/a?id=7"),
    ("https://board.example/a?UTM_Campaign=x", "https://board.example/a"),
    ("https://board.example/view.php?12345", "https://board.example/view.php?12345"),
    ("https://board.example/a?q=a+b&q=c", "https://board.example/a?q=a+b&q=c"),
    ("https://board.example/darbs/šuvēja", "https://board.example/darbs/%C5%A1uv%C4%93ja"),
    ("https://board.example/darbs/%c5%a1uv%c4%93ja", "https://board.example/darbs/%C5%A1uv%C4%93ja"),
    ("https://darbs.rīga.lv/x", "https://darbs.xn--rga-uta.lv/x"),
    ("https://board.example./x", "https://board.example/x"),
])
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def test_normalize_url_raises_value_error_on_a_broken_host() -> None:
    with pytest.raises(ValueError):
        normalize_url("http://[::1/x")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc/?&=#%.-_:Šž1 ", max_size=30))
def test_normalize_url_is_idempotent(path: str) -> None:
    try:
        once = normalize_url("https://Board.Example/" + path)
    except ValueError:
        return
    assert normalize_url(once) == once


# --- same_site / traps --------------------------------------------------------------------


@pytest.mark.parametrize(("url", "base", "expected"), [
    ("https://board.example/a", "https://board.example/jobs/", True),
    ("http://www.board.example/a", "https://board.example/", True),
    ("https://m.board.example/a", "https://www.board.example/", True),
    ("https://jobs.board.example/a", "https://board.example/", True),
    ("https://board.example.evil.test/a", "https://board.example/", False),
    ("https://evilboard.example/a", "https://board.example/", False),
    ("https://example/a", "https://board.example/", False),  # a parent domain is another site
    ("mailto:x@board.example", "https://board.example/", False),
    ("ftp://board.example/a", "https://board.example/", False),
    ("http://[::1/x", "https://board.example/", False),
])
def test_same_site(url: str, base: str, expected: bool) -> None:
    assert same_site(url, base) is expected


def test_is_trap_url() -> None:
    assert not is_trap_url("https://board.example/lv/work/abc.html")
    assert is_trap_url("https://board.example/a/b/a/b/a/b/a/b/")
    assert is_trap_url("https://board.example/?" + "x" * 3000)


# --- sitemaps -----------------------------------------------------------------------------

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://board.example/vakance/1</loc><lastmod>2024-03-01T10:00:00Z</lastmod></url>
  <url><loc> https://board.example/vakance/2 </loc><lastmod>2024-03-02</lastmod><priority>0.5</priority></url>
  <url><loc>https://board.example/vakance/3</loc><lastmod>not a date</lastmod></url>
  <url><loc>javascript:alert(1)</loc></url>
  <!-- a comment -->
</urlset>"""
INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://board.example/sitemap-jobs.xml.gz</loc><lastmod>2024-03-01</lastmod></sitemap>
  <sitemap><loc>https://board.example/sitemap-dating.xml</loc></sitemap>
</sitemapindex>"""


def test_parse_sitemap_urlset_with_lastmod() -> None:
    sitemap = parse_sitemap(URLSET)
    assert sitemap.kind == "urlset"
    assert sitemap.urls == ("https://board.example/vakance/1", "https://board.example/vakance/2",
                            "https://board.example/vakance/3")
    first, second, third = sitemap.entries
    assert first.lastmod == "2024-03-01T10:00:00Z" and first.lastmod_at is not None
    assert first.lastmod_at.year == 2024 and first.lastmod_at.utcoffset() is not None
    assert second.lastmod_at is not None and second.lastmod_at.day == 2
    assert third.lastmod == "not a date" and third.lastmod_at is None


def test_parse_sitemap_index_and_gzip() -> None:
    index = parse_sitemap(gzip.compress(INDEX))
    assert index.kind == "sitemapindex"
    assert index.urls == ("https://board.example/sitemap-jobs.xml.gz", "https://board.example/sitemap-dating.xml")
    assert index.entries[0].lastmod == "2024-03-01" and index.entries[1].lastmod is None


def test_parse_sitemap_without_namespace_and_as_plain_text() -> None:
    bare = parse_sitemap(b"<urlset><url><loc>https://b.example/1</loc></url></urlset>")
    assert bare.urls == ("https://b.example/1",)
    text = parse_sitemap(b"\xef\xbb\xbfhttps://b.example/1\nhttps://b.example/2\n\n")
    assert text.kind == "urlset" and text.urls == ("https://b.example/1", "https://b.example/2")


def test_parse_sitemap_does_not_expand_entities() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"<urlset><url><loc>https://b.example/&x;</loc></url></urlset>")
    assert "root:" not in "".join(parse_sitemap(xxe).urls)


@pytest.mark.parametrize(("body", "message"), [
    (b"", "empty"),
    (b"<html><body>Not found</body></html>", "not <urlset>"),
    (b"\x1f\x8b\x08\x00garbage", "gzip"),
    (b"just words, no urls", "neither XML nor"),
    (b"<<<>>>", "XML"),
])
def test_parse_sitemap_rejects_what_is_not_a_sitemap(body: bytes, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        parse_sitemap(body)


def test_parse_sitemap_refuses_a_gzip_bomb() -> None:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * 1_000_000
    bomb = b"".join(compressor.compress(chunk) for _ in range(MAX_SITEMAP_BYTES // len(chunk) + 2))
    bomb += compressor.flush()
    assert len(bomb) < 200_000
    with pytest.raises(ExtractError, match="larger than"):
        parse_sitemap(bomb)


def test_sitemap_candidates() -> None:
    listed = ["https://board.example/sm.xml", "https://other.example/sm.xml", "https://board.example/sm.xml"]
    assert sitemap_candidates("https://board.example/jobs/", listed) == ("https://board.example/sm.xml",)
    assert sitemap_candidates("https://Board.example/jobs/?p=1") == ("https://board.example/sitemap.xml",)


# --- pagination guard ---------------------------------------------------------------------


def test_guard_follows_a_chain_that_keeps_giving() -> None:
    guard = PaginationGuard()
    for page in range(10):
        assert guard.visit([f"https://b.example/ad/{page}-{i}" for i in range(20)])
    assert guard.reason == "" and guard.pages == 10


def test_guard_stops_when_a_page_repeats() -> None:
    guard = PaginationGuard(max_idle=5)
    assert guard.visit(["https://b.example/ad/1", "https://b.example/ad/2"])
    assert guard.visit(["https://b.example/ad/3"])
    assert not guard.visit(["https://b.example/ad/2", "https://b.example/ad/1"])  # ?page=999 = the last page
    assert guard.reason == "repeated_page"
    assert not guard.visit(["https://b.example/ad/99"])  # stays stopped


def test_guard_stops_after_idle_pages() -> None:
    guard = PaginationGuard(max_idle=3)
    assert guard.visit(["https://b.example/ad/1"])
    assert guard.visit([])
    assert guard.visit(["https://b.example/ad/1", "https://b.example/x"]) is True  # one new link resets
    assert guard.visit(["https://b.example/ad/1", "https://b.example/x", "https://b.example/y"])
    assert guard.visit(["https://b.example/y"])  # idle 1
    assert guard.visit(["https://b.example/x", "https://b.example/y"])  # idle 2
    assert not guard.visit(["https://b.example/ad/1", "https://b.example/y"])  # idle 3
    assert guard.reason == "no_new_links"


def test_guard_stops_at_max_pages() -> None:
    guard = PaginationGuard(max_pages=3)
    assert guard.visit(["https://b.example/1"]) and guard.visit(["https://b.example/2"])
    assert not guard.visit(["https://b.example/3"])
    assert guard.reason == "max_pages"


def test_guard_stops_when_the_content_hash_repeats() -> None:
    guard = PaginationGuard(max_idle=10)
    assert guard.visit([], content_hash="a") and guard.visit([], content_hash="b")
    assert not guard.visit([], content_hash="a")
    assert guard.reason == "repeated_page"
