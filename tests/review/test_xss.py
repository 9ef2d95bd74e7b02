"""More than 100 XSS payloads in the title, text, URL, fields, contacts, matches and notes of
stored adverts: every page that shows them must keep them as text. Checked two ways: no
payload with markup characters appears unescaped, and a parse of each page finds only the
app's own markup (its one script, its stylesheet, its sandboxed iframe; no event handler,
style attribute or non-http(s) link anywhere)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scanner.review.audit import set_verdict
from scanner.store import Store

from .helpers import build_db, hostile_adverts, logged_in
from .xss_payloads import PAYLOADS

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster", "cite"}
FORBIDDEN_TAGS = {"object", "embed", "svg", "math", "base", "style", "img", "video", "audio", "source", "isindex",
                  "template", "noscript", "marquee", "details", "frame", "frameset", "applet", "x", "image"}


class PageChecker(HTMLParser):
    """Collects every deviation from the app's own markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name, value in a.items():
            if name.startswith("on") or name == "style" or name == "srcdoc":
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRS and not _allowed_url(value):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "script" and a.get("src") != "/static/review.js":
            self.problems.append(f"<script {a}>")
        if tag == "link" and (a.get("rel") != "stylesheet" or a.get("href") != "/static/review.css"):
            self.problems.append(f"<link {a}>")
        if tag == "meta" and ("http-equiv" in a or (a.keys() - {"charset", "name", "content"})):
            self.problems.append(f"<meta {a}>")
        if tag == "iframe" and (a.get("sandbox") != "" or not a.get("src", "").startswith("/adverts/")):
            self.problems.append(f"<iframe {a}>")
        if tag == "a" and a.get("href", "").startswith("http") and a.get("rel") != "noopener noreferrer nofollow":
            self.problems.append(f"<a {a}> without rel")


def _allowed_url(value: str) -> bool:
    squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
    if squeezed.startswith(("javascript:", "data:", "vbscript:", "//")):
        return False
    return value.startswith(("/", "#", "http://", "https://"))


def check_page(html: str, where: str) -> None:
    checker = PageChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, f"{where}: {checker.problems[:5]}"
    for payload in PAYLOADS:
        if re.search(r"[<>\"']", payload):
            assert payload not in html, f"{where}: payload unescaped: {payload[:60]!r}"
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', html)).lower()


@pytest.fixture(scope="module")
def xss_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = build_db(tmp_path_factory.mktemp("xss"), hostile_adverts())
    with Store(db.path) as store:
        for n, payload in enumerate(PAYLOADS[:40]):
            set_verdict(store, f"x{n:03d}", "confirmed" if n % 2 else "reopened", "ana", note=payload)
    return db.path


def test_there_are_more_than_100_payloads() -> None:
    assert len(PAYLOADS) > 100 and len(set(PAYLOADS)) == len(PAYLOADS)


def test_queue_and_search_pages(xss_db: str) -> None:
    c = logged_in(xss_db, "boss")
    seen: set[str] = set()
    for start in ("/queue?verdict=all", "/search?q=Pasi", "/queue?sort=newest"):
        url: str | None = start
        while url:
            html = c.get(url).text
            check_page(html, url)
            seen |= set(re.findall(r'data-id="(x\d+)"', html))
            nxt = re.search(r'<a rel="next" class="next-page" href="([^"]+)"', html)
            url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert len(seen) == len(PAYLOADS)


def test_every_advert_page(xss_db: str) -> None:
    c = logged_in(xss_db)
    for n, payload in enumerate(PAYLOADS):
        response = c.get(f"/adverts/x{n:03d}")
        assert response.status_code == 200
        check_page(response.text, f"advert x{n:03d}")
        if payload.startswith(("{{", "{%")):
            assert payload.replace("'", "&#39;") in response.text  # template syntax shown, not evaluated
    assert "T77 49" not in c.get("/queue?verdict=all").text


def test_javascript_urls_are_text_not_links(xss_db: str) -> None:
    c = logged_in(xss_db)
    n = PAYLOADS.index("javascript:window.__xss=1;alert(1)")
    html = c.get(f"/adverts/x{n:03d}").text
    assert '<span class="unsafe-url"' in html and "javascript:window.__xss=1;alert(1)" in html
    assert not re.search(r"href=\"\s*javascript", html, re.IGNORECASE)


def test_cluster_links_rules_audit_and_archive(xss_db: str) -> None:
    c = logged_in(xss_db, "boss")
    for url in ("/clusters/x000", "/links", "/rules", "/audit", "/export"):
        response = c.get(url)
        assert response.status_code == 200, url
        check_page(response.text, url)


def test_highlight_never_inserts_raw_text() -> None:
    from scanner.review.render import highlight, place_hits

    for payload in PAYLOADS:
        text = f"a {payload} b"
        hits = place_hits(text, [{"start": 2, "end": 2 + len(payload), "text": payload, "rule": "<r>",
                                  "category": '"><x>', "weight": 1}])
        out = str(highlight(text, hits))
        checker = PageChecker()
        checker.feed(out)
        assert not checker.problems and (not re.search(r"[<>\"']", payload) or payload not in out)


def test_archived_hostile_pages_are_neutralised(tmp_path: Path) -> None:
    from scanner.review.sanitize import sanitized_page

    body = "".join(f"<div>{p}</div>" for p in PAYLOADS).encode("utf-8")
    out = sanitized_page(body, "text/html", sha256="0" * 64)
    lowered = out.lower().split("<hr>", 1)[1]
    for bad in ("<script", "onerror", "onload", "onclick", "onfocus", "<iframe", "<img", "<svg", "<meta", "<base",
                "<link", "<style", "<object", "<embed", "href=", "src=", "style="):
        assert bad not in lowered, bad
