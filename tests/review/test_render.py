"""Safe links, highlighting, diffs and archived-page sanitizing."""
from __future__ import annotations

import pytest

from scanner.review.render import highlight, place_hits, safe_url, word_diff
from scanner.review.sanitize import clean_html, sanitized_page


@pytest.mark.parametrize("url", ["https://board.example/a?x=1&y=2", "http://x.lv/", "HTTPS://X.LV/a"])
def test_safe_urls(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", " javascript:alert(1)", "JaVaScRiPt:x", "java\tscript:x",
                                 "data:text/html,x", "vbscript:x", "//evil.test/", "/relative", "ftp://x/",
                                 "https://", "http:///path", "https://x.lv/\n", "", None, 42, "https://[::1"])
def test_unsafe_urls(url: object) -> None:
    assert safe_url(url) is None


def test_overlapping_hits_are_all_marked() -> None:
    text = "abc def ghi"
    hits = place_hits(text, [{"start": 0, "end": 7, "text": "abc def", "rule": "R1", "category": "x", "weight": 0.5},
                             {"start": 4, "end": 11, "text": "def ghi", "rule": "R2", "category": "y", "weight": 0.2},
                             {"start": 0, "end": 0, "text": "", "rule": "R3", "category": "z", "weight": 0.1},
                             {"start": 3, "end": 99, "text": "nope", "rule": "R4", "category": "z", "weight": 0.1}])
    assert [h.placed for h in hits] == [True, True, False, False]
    out = str(highlight(text, hits))
    assert out.count("<mark") == 3 and 'data-hits="1 2"' in out and 'id="hit-1"' in out and 'id="hit-2"' in out
    assert out.replace("</mark>", "").count("def") == 1


def test_hit_whose_text_no_longer_matches_is_not_placed() -> None:
    assert not place_hits("hello world", [{"start": 0, "end": 5, "text": "HELLO"}])[0].placed


def test_word_diff() -> None:
    assert word_diff("alga 3000 eiro", "alga 3500 eiro") == [("same", "alga "), ("del", "3000"), ("ins", "3500"),
                                                              ("same", " eiro")]
    long_a, long_b = "x\n" * 5000, "x\n" * 4999 + "y\n"
    assert ("ins", "y\n") in word_diff(long_a, long_b)


def test_clean_html_keeps_text_only() -> None:
    out = clean_html('<p class="a" onclick="x()">Hi <a href="javascript:x">link</a><img src="http://e/x.png">'
                     '<script>bad()</script><style>p{}</style></p>')
    assert out == "<p>Hi <a>link</a></p>"


def test_sanitized_page_decodes_legacy_charsets() -> None:
    body = "<p>Работа за границей</p>".encode("cp1251")
    assert "Работа за границей" in sanitized_page(body, "text/html; charset=windows-1251", sha256="ab")
