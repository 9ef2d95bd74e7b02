"""The fault board itself (tests/support/board_server.py) does what its docstring promises.

Plain urllib from sync code: the server must be usable without an event loop.
"""
from __future__ import annotations

import gzip
import re
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.support.board_server import LEGACY_PAGES, BoardServer, robots_txt

pytest_plugins = ("tests.support.fixtures",)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_listings_paginate_and_link_every_advert(board_server: BoardServer) -> None:
    linked: set[str] = set()
    page = 1
    while True:
        status, _, body = get(board_server.url(f"/jobs/?page={page}"))
        assert status == 200
        linked |= {board_server.url(p) for p in re.findall(r'href="(/jobs/[^"]+\.html)"', body.decode())}
        if b'rel="next"' not in body:
            break
        page += 1
    assert page > 1 and linked == set(board_server.advert_urls())
    assert get(board_server.url(f"/jobs/?page={page + 1}"))[0] == 404


def test_advert_pages_carry_json_ld_and_chrome(board_server: BoardServer) -> None:
    status, headers, body = get(board_server.advert_urls("dating")[0])
    text = body.decode("utf-8")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert 'application/ld+json' in text and "<nav" in text and "<footer>" in text and 'class="similar"' in text


def test_sitemap_and_robots(make_board: Any) -> None:
    board = make_board(robots=robots_txt(crawl_delay=0.5))
    robots = get(board.url("/robots.txt"))[2].decode()
    assert "Crawl-delay: 0.5" in robots and f"Sitemap: {board.base_url}/sitemap.xml" in robots
    assert get(board.url("/sitemap.xml"))[2].count(b"<loc>") == len(board.adverts)


def test_conditional_requests_and_the_request_log(board_server: BoardServer) -> None:
    url = board_server.url("/jobs/")
    _, headers, _ = get(url)
    assert get(url, **{"If-None-Match": headers["etag"]})[0] == 304
    assert get(url, **{"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert get(url, **{"If-None-Match": '"other"'})[0] == 200
    logged = board_server.requests_to("/jobs/")
    assert [r.headers.get("if-none-match") for r in logged] == [None, headers["etag"], None, '"other"']
    assert [r.answer for r in logged] == [200, 304, 304, 200]


def test_own_pages_win_and_counters_are_per_url(make_board: Any) -> None:
    board = make_board(pages={"/jobs/": (200, {"Content-Type": "text/plain"}, "mine")})
    assert get(board.url("/jobs/"))[2] == b"mine"
    board.add("/extra", 201, body=b"<p>x</p>")
    assert get(board.url("/extra"))[:1] == (201,)
    assert [get(board.url("/fault/503?times=1&key=a"))[0] for _ in range(2)] == [503, 200]
    assert get(board.url("/fault/503?times=1&key=b"))[0] == 503


def test_retry_after_header(board_server: BoardServer) -> None:
    assert get(board_server.url("/fault/429?retry_after=7"))[1]["retry-after"] == "7"
    assert get(board_server.url("/fault/429?retry_after=7&date=1"))[1]["retry-after"].endswith("GMT")


@pytest.mark.parametrize("name", sorted(LEGACY_PAGES))
def test_legacy_pages_declare_no_charset_in_the_header(board_server: BoardServer, name: str) -> None:
    _, headers, body = get(board_server.url(f"/legacy/{name}"))
    page = LEGACY_PAGES[name]
    assert headers["content-type"] == "text/html"
    assert (f'charset="{page.encoding}"'.encode() in body) == page.meta
    assert page.text in body.decode(page.encoding)


def test_bomb_is_small_on_the_wire(board_server: BoardServer) -> None:
    _, headers, body = get(board_server.url("/fault/bomb?encoding=gzip&mb=8"))
    assert headers["content-encoding"] == "gzip" and len(body) < 64 * 1024
    assert len(gzip.decompress(body)) == 8 * 2**20


def test_stop_wakes_sleeping_handlers() -> None:
    board = BoardServer().start()
    threading.Timer(0.2, board.stop).start()
    with pytest.raises(OSError):  # stopped while this request sleeps: it is never answered
        get(board.url("/fault/slow?seconds=30"))
    assert board.errors == []
