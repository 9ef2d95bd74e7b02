"""A crawl of a board that misbehaves on purpose: every fault lands in the fetch log, the crawl completes."""
from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

from scanner.crawl import crawl
from scanner.discover import normalize_url
from scanner.pipeline import Scanner
from scanner.settings import Settings
from scanner.sources import Source
from scanner.store import Store
from tests.support.board_content import LEGACY_PAGES, robots_txt
from tests.support.board_server import BoardServer

# fault route -> the error kind the fetch log must show (None: the crawler recovers and gets the page)
FAULTS: dict[str, str | None] = {
    "/fault/429?times=1&retry_after=0.1": None,
    "/fault/503?times=5": "http_status",
    "/fault/slow?seconds=4": "timeout",
    "/fault/reset?times=5": "connection",
    "/fault/loop/a": "redirects",
    "/fault/oversized?bytes=3000000": "too_large",
    "/fault/bomb?encoding=gzip&mb=64": "too_large",
    "/fault/image": "content_type",
    "/fault/forbidden": "robots_forbidden",
    "/private/admin": "robots_forbidden",
}
OTHERS = ("/fault/pagination?page=1", "/fault/malformed", "/fault/no-content-type", "/fault/encoded?encoding=br")


def test_every_fault_is_logged_and_the_crawl_completes(tmp_path: Path, crawl_settings: Settings,
                                                       scanner: Scanner) -> None:
    legacy = tuple(f"/legacy/{name}" for name in LEGACY_PAGES)
    with BoardServer() as board, Store(tmp_path / "f.db") as store:
        urls = tuple(normalize_url(board.url(p)) for p in ("/jobs/", *FAULTS, *OTHERS, *legacy))
        source = Source(name="faulty", start_urls=urls, kind="job", max_pages=120)
        started = time.monotonic()
        summary = asyncio.run(crawl([source], store, scanner, crawl_settings))
        seconds = time.monotonic() - started
        log = {url: (status, error) for url, status, error in
               store.conn.execute("SELECT url, status, error FROM fetch_log ORDER BY id")}
        texts = "\n".join(r["title"] + "\n" + r["text"] for r in store.export())
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not board.errors
    for path, kind in FAULTS.items():
        status, error = log[normalize_url(board.url(path))]
        assert error == kind, (path, status, error)
        if kind is None:
            assert status == 200
    for path in OTHERS:  # fetched (or refused) and recorded, whatever the outcome
        assert normalize_url(board.url(path)) in log
    trap_pages = sum("/fault/pagination" in url for url in log)
    assert 1 < trap_pages < 120 and summary.counters["crawl/limit_reached"] > 0
    for page in LEGACY_PAGES.values():  # decoded right without a charset in the header
        assert page.text[:60] in texts
    assert summary.status == "ok" and summary.sources[0].status == "partial"  # finished, with page errors
    assert summary.totals()["adverts"]["new"] >= 9 and seconds < 20


def test_crawl_delay_and_disallow_are_obeyed(tmp_path: Path, crawl_settings: Settings, scanner: Scanner) -> None:
    home = '<html><body><a href="/a.html">a</a> <a href="/b.html">b</a> <a href="/private/x">x</a></body></html>'
    page = (200, {"Content-Type": "text/html; charset=utf-8"}, "<html><body><p>short</p></body></html>")
    pages = {"/": (200, {"Content-Type": "text/html; charset=utf-8"}, home), "/a.html": page, "/b.html": page}
    with BoardServer(pages, robots=robots_txt(crawl_delay=0.25), adverts=()) as board, \
            Store(tmp_path / "d.db") as store:
        source = Source(name="slow", start_urls=(normalize_url(board.url("/")),), kind="job", sitemaps=False)
        asyncio.run(crawl([source], store, scanner, crawl_settings))
        times = [r.at for r in board.log if r.path != "/robots.txt"]
        errors = dict(store.conn.execute("SELECT url, error FROM fetch_log"))
    assert len(times) == 3 and all(b - a >= 0.2 for a, b in itertools.pairwise(times))
    assert errors[board.url("/private/x")] == "robots_forbidden" and not board.requests_to("/private/")
