"""scanner.fetch against a misbehaving local board (tests/support/board_server.py).

Every server runs on 127.0.0.1 (allow_private=True) except in the address guard's own
tests. Delays and timeouts are cut to fractions of a second via Settings; the few
timing checks are lower bounds the fetcher itself guarantees (it waited at least the
delay it was told to) or generous upper bounds whose point is "it did not hang".
"""
from __future__ import annotations

import asyncio
import ipaddress
import itertools
import random
import socket
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from scanner.errors import (
    BlockedAddressError,
    FetchConnectionError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    InvalidUrlError,
    RedirectLoopError,
    RobotsForbiddenError,
    TooLargeError,
    UnsupportedContentError,
)
from scanner.fetch import Fetcher, blocked_reason
from scanner.fetch.guard import AddressGuard, GuardedResolver
from scanner.fetch.politeness import backoff_seconds, retry_after_seconds
from scanner.models import FetchResult
from scanner.settings import Settings
from tests.support.board_server import ENCODED_PAGE, LEGACY_PAGES, MALFORMED_HTML, BoardServer, Page, bomb, robots_txt

# The fixtures live in tests/support/fixtures.py, shared with the crawler tests.
pytest_plugins = ("tests.support.fixtures",)

MB = 2**20


def fetch_one(settings: Settings, url: str, stats: Counter[str] | None = None, **kwargs: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(settings, stats=stats) as fetcher:
            return await fetcher.fetch(url, **kwargs)
    return asyncio.run(go())


def fetch_all(settings: Settings, urls: list[str],
              stats: Counter[str] | None = None) -> list[FetchResult | BaseException]:
    async def go() -> list[FetchResult | BaseException]:
        async with Fetcher(settings, stats=stats) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(u) for u in urls), return_exceptions=True)
    return asyncio.run(go())


def arrivals(board: BoardServer, prefix: str) -> list[float]:
    return sorted(r.at for r in board.requests_to(prefix))


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def wait_until_finished(board: BoardServer, prefix: str, seconds: float = 10.0) -> None:
    """The server notices a cut connection a moment after the client has moved on."""
    deadline = time.monotonic() + seconds
    while not all(r.finished for r in board.requests_to(prefix)) and time.monotonic() < deadline:
        time.sleep(0.01)


# --- the ordinary page ----------------------------------------------------------------------------

def test_a_board_page_comes_back_whole_with_lower_case_headers(board_server: BoardServer,
                                                                board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    url = board_server.advert_urls()[1]
    result = fetch_one(board_settings, url, stats)
    assert (result.url, result.final_url, result.status, result.not_modified) == (url, url, 200, False)
    assert "JobPosting" in result.body.decode("utf-8") and result.content_type == "text/html"
    assert all(name == name.lower() for name in result.headers) and "etag" in result.headers
    fetched_at = datetime.fromisoformat(result.fetched_at)
    assert fetched_at.utcoffset() == timedelta(0) and abs(datetime.now(UTC) - fetched_at) < timedelta(minutes=1)
    assert stats["fetch/status/200"] == 2 and stats["fetch/request"] == 2  # robots.txt and the page


def test_fetch_bytes_counts_what_came_over_the_wire(board_server: BoardServer, board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    result = fetch_one(board_settings.with_overrides(polite=False), board_server.url("/jobs/"), stats)
    assert stats == Counter({"fetch/request": 1, "fetch/status/200": 1, "fetch/bytes": len(result.body)})


def test_sends_the_user_agent_from_settings_and_asks_for_compression(board_server: BoardServer,
                                                                     board_settings: Settings) -> None:
    settings = board_settings.with_overrides(user_agent="redflag-test/1 (+https://example.org/contact)")
    fetch_one(settings, board_server.url("/jobs/"))
    sent = board_server.requests_to("/jobs/")[0].headers
    assert sent["user-agent"] == "redflag-test/1 (+https://example.org/contact)"
    assert {"gzip", "deflate", "br"} <= {e.strip() for e in sent["accept-encoding"].split(",")}



def test_any_httpx_transport_can_carry_the_requests(board_settings: Settings) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<p>mock</p>")

    async def go() -> FetchResult:
        settings = board_settings.with_overrides(polite=False)
        async with Fetcher(settings, transport=httpx.MockTransport(answer)) as fetcher:
            return await fetcher.fetch("https://board.test/jobs/1")
    assert asyncio.run(go()).body == b"<p>mock</p>"
    assert seen[0].headers["user-agent"] == board_settings.user_agent

# --- conditional requests --------------------------------------------------------------------------

def test_etag_gives_304_with_an_empty_body(board_server: BoardServer, board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    url = board_server.url("/jobs/")
    first = fetch_one(board_settings, url)
    again = fetch_one(board_settings, url, stats, etag=first.headers["etag"])
    assert (again.status, again.not_modified, again.body) == (304, True, b"")
    assert board_server.requests_to("/jobs/")[-1].headers["if-none-match"] == first.headers["etag"]
    assert stats["fetch/304"] == 1 and stats["fetch/status/304"] == 1


def test_last_modified_gives_304(board_server: BoardServer, board_settings: Settings) -> None:
    url = board_server.url("/jobs/")
    first = fetch_one(board_settings, url)
    again = fetch_one(board_settings, url, last_modified=first.headers["last-modified"])
    assert again.not_modified
    assert board_server.requests_to("/jobs/")[-1].headers["if-modified-since"] == first.headers["last-modified"]


def test_a_stale_etag_gets_the_new_page(board_server: BoardServer, board_settings: Settings) -> None:
    result = fetch_one(board_settings, board_server.url("/jobs/"), etag='"an-old-version"')
    assert result.status == 200 and not result.not_modified and result.body


# --- robots.txt ------------------------------------------------------------------------------------

def test_robots_disallow_is_obeyed_and_counted(board_server: BoardServer, board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    url = board_server.url("/private/admin")
    with pytest.raises(RobotsForbiddenError, match="/private/admin.*robots.txt"):
        fetch_one(board_settings, url, stats)
    assert board_server.requests_to("/private/") == []
    assert stats["robots/forbidden"] == 1 and stats["fetch/error/robots_forbidden"] == 1


def test_robots_is_fetched_once_per_site(board_server: BoardServer, board_settings: Settings) -> None:
    results = fetch_all(board_settings, board_server.advert_urls()[:4] + [board_server.url("/private/x")])
    assert [type(r).__name__ for r in results] == ["FetchResult"] * 4 + ["RobotsForbiddenError"]
    assert len(board_server.requests_to("/robots.txt")) == 1


def test_crawl_delay_spaces_requests_to_a_host(make_board: Any, board_settings: Settings) -> None:
    board = make_board(robots=robots_txt(crawl_delay=0.3))
    fetch_all(board_settings, board.advert_urls()[:3])
    assert all(gap >= 0.3 - 0.02 for gap in gaps(arrivals(board, "/jobs/")))


def test_min_delay_wins_over_a_shorter_crawl_delay(make_board: Any, board_settings: Settings) -> None:
    board = make_board(robots="User-agent: *\nCrawl-delay: 0.01\n")
    fetch_all(board_settings.with_overrides(min_delay=0.25), board.advert_urls()[:3])
    times = arrivals(board, "/")  # robots.txt included: it waits its turn too
    assert len(times) == 4 and all(gap >= 0.25 - 0.02 for gap in gaps(times))


def test_robots_rules_for_our_user_agent_win(make_board: Any, board_settings: Settings) -> None:
    board = make_board(robots="User-agent: *\nDisallow:\n\nUser-agent: redflag-scanner\nDisallow: /jobs/\n")
    with pytest.raises(RobotsForbiddenError):
        fetch_one(board_settings, board.advert_urls()[0])
    assert fetch_one(board_settings, board.url("/dating/")).status == 200


def test_missing_robots_allows_everything(make_board: Any, board_settings: Settings) -> None:
    board = make_board(robots=None)
    assert fetch_one(board_settings, board.url("/private/admin")).status == 200


def test_robots_answering_5xx_keeps_us_off_the_site(make_board: Any, board_settings: Settings) -> None:
    board = make_board(robots=Page(503, {"Content-Type": "text/plain"}, b"down"))
    with pytest.raises(RobotsForbiddenError, match="unavailable: HTTP 503"):
        fetch_one(board_settings, board.url("/jobs/"))
    assert len(board.requests_to("/robots.txt")) == board_settings.max_retries + 1
    assert board.requests_to("/jobs/") == []


def test_robots_sitemaps(board_server: BoardServer, board_settings: Settings) -> None:
    async def go(settings: Settings) -> list[str]:
        async with Fetcher(settings) as fetcher:
            return await fetcher.robots_sitemaps(board_server.url("/jobs/"))
    assert asyncio.run(go(board_settings)) == [board_server.url("/sitemap.xml")]
    assert asyncio.run(go(board_settings.with_overrides(polite=False))) == [board_server.url("/sitemap.xml")]


def test_polite_off_reads_no_robots_and_waits_for_nothing(make_board: Any, board_settings: Settings) -> None:
    board = make_board(robots="User-agent: *\nDisallow: /\nCrawl-delay: 30\n")
    results = fetch_all(board_settings.with_overrides(polite=False, min_delay=30.0), board.advert_urls()[:3])
    assert all(isinstance(r, FetchResult) for r in results)
    assert board.requests_to("/robots.txt") == []


# --- one at a time per host, a limit overall ---------------------------------------------------------

def slow_urls(board: BoardServer, count: int, seconds: float) -> list[str]:
    return [board.url(f"/fault/slow?seconds={seconds}&key={i}") for i in range(count)]


def test_polite_sends_one_request_at_a_time_per_host(make_board: Any, board_settings: Settings) -> None:
    board = make_board(robots=None)
    fetch_all(board_settings, slow_urls(board, 3, 0.1))
    assert board.max_in_flight == 1


def test_polite_still_fetches_different_hosts_side_by_side(make_board: Any, board_settings: Settings) -> None:
    try:
        second = make_board(robots=None, host="127.0.0.2")  # another host name on the same machine
    except OSError:
        pytest.skip("127.0.0.2 is not a loopback address here (Linux has all of 127/8)")
    first = make_board(robots=None)
    fetch_all(board_settings, slow_urls(first, 1, 1.0) + slow_urls(second, 1, 1.0))
    (a,), (b,) = arrivals(first, "/fault/slow"), arrivals(second, "/fault/slow")
    assert abs(a - b) < 1.0  # the second host did not wait for the first one's 1 s answer


def test_impolite_is_still_held_to_the_concurrency_limit(make_board: Any, board_settings: Settings) -> None:
    board = make_board()
    fetch_all(board_settings.with_overrides(polite=False, concurrency=2), slow_urls(board, 6, 0.1))
    assert board.max_in_flight == 2


# --- retries -----------------------------------------------------------------------------------------

def test_429_with_retry_after_is_retried_until_it_passes(board_server: BoardServer, board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    result = fetch_one(board_settings, board_server.url("/fault/429?times=2&retry_after=0.1"), stats)
    assert result.status == 200
    assert len(board_server.requests_to("/fault/429")) == 3
    assert stats["fetch/retry"] == 2 and stats["fetch/status/429"] == 2
    assert all(gap >= 0.1 - 0.02 for gap in gaps(arrivals(board_server, "/fault/429")))


def test_retry_after_as_an_http_date(board_server: BoardServer, board_settings: Settings) -> None:
    assert fetch_one(board_settings, board_server.url("/fault/429?times=1&retry_after=1&date=1")).status == 200


def test_retry_after_is_capped(board_server: BoardServer, board_settings: Settings) -> None:
    started = time.monotonic()
    result = fetch_one(board_settings.with_overrides(max_retry_after=0.1),
                       board_server.url("/fault/429?times=1&retry_after=3600"))
    assert result.status == 200 and time.monotonic() - started < 10  # did not wait an hour


@pytest.mark.parametrize("status", [503, 500])
def test_server_errors_are_retried(board_server: BoardServer, board_settings: Settings, status: int) -> None:
    assert fetch_one(board_settings, board_server.url(f"/fault/{status}?times=2")).status == 200
    assert len(board_server.requests_to(f"/fault/{status}")) == 3


def test_retries_run_out_with_the_last_status(board_server: BoardServer, board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    url = board_server.url("/fault/503?times=99")
    with pytest.raises(HttpStatusError, match="HTTP 503") as caught:
        fetch_one(board_settings, url, stats)
    assert caught.value.status == 503 and url in caught.value.message
    assert len(board_server.requests_to("/fault/503")) == board_settings.max_retries + 1
    assert stats["fetch/error/http_status"] == 1 and stats["fetch/retry"] == board_settings.max_retries


@pytest.mark.parametrize("status", [404, 410, 403])
def test_client_errors_are_not_retried(make_board: Any, board_settings: Settings, status: int) -> None:
    board = make_board(pages={"/gone": Page(status, {"Content-Type": "text/html"}, b"no")})
    with pytest.raises(HttpStatusError) as caught:
        fetch_one(board_settings, board.url("/gone"))
    assert caught.value.status == status and len(board.requests_to("/gone")) == 1


def test_a_429_slows_the_host_down_for_the_rest_of_the_run(board_server: BoardServer,
                                                           board_settings: Settings) -> None:
    settings = board_settings.with_overrides(backoff_base=0.2, max_host_delay=1.0)

    async def go() -> None:
        async with Fetcher(settings) as fetcher:
            await fetcher.fetch(board_server.url("/fault/429?times=1&retry_after=0"))
            for url in board_server.advert_urls()[:2]:
                await fetcher.fetch(url)
    asyncio.run(go())
    times = arrivals(board_server, "/jobs/")
    assert len(times) == 2 and times[1] - times[0] >= 0.2 - 0.02


def test_a_connection_reset_mid_body_is_retried(board_server: BoardServer, board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    assert fetch_one(board_settings, board_server.url("/fault/reset?times=1"), stats).status == 200
    assert stats["fetch/retry"] == 1


def test_resets_that_never_stop_end_in_a_connection_error(board_server: BoardServer,
                                                          board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    url = board_server.url("/fault/reset?times=99")
    with pytest.raises(FetchConnectionError, match="gave up after 2 retries") as caught:
        fetch_one(board_settings, url, stats)
    assert url in str(caught.value) and stats["fetch/error/connection"] == 1


def test_a_closed_port_is_a_connection_error(board_settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket is closed
    with pytest.raises(FetchConnectionError):
        fetch_one(board_settings.with_overrides(polite=False), f"http://127.0.0.1:{port}/")


# --- timeouts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["slow", "trickle", "stall"])
def test_a_slow_server_times_out_without_hanging(board_server: BoardServer, board_settings: Settings,
                                                 fault: str) -> None:
    stats: Counter[str] = Counter()
    settings = board_settings.with_overrides(timeout=0.5)  # trickle sends every 0.1 s: only the deadline stops it
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match=f"/fault/{fault}"):
        fetch_one(settings, board_server.url(f"/fault/{fault}?seconds=5"), stats)
    assert time.monotonic() - started < 4
    assert len(board_server.requests_to(f"/fault/{fault}")) == 1 and stats["fetch/error/timeout"] == 1


# --- redirects ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_followed(board_server: BoardServer, board_settings: Settings, status: int) -> None:
    url = board_server.url(f"/fault/redirect?n=2&status={status}")
    result = fetch_one(board_settings, url)
    assert result.status == 200 and result.url == url
    assert result.final_url == board_server.url(f"/fault/redirect?n=0&status={status}")


def test_a_redirect_loop_is_caught(board_server: BoardServer, board_settings: Settings) -> None:
    stats: Counter[str] = Counter()
    with pytest.raises(RedirectLoopError, match="loop"):
        fetch_one(board_settings, board_server.url("/fault/loop/a"), stats)
    assert len(board_server.requests_to("/fault/loop/")) == 2 and stats["fetch/error/redirects"] == 1


def test_too_many_redirects(board_server: BoardServer, board_settings: Settings) -> None:
    with pytest.raises(RedirectLoopError, match="more than 3 redirects"):
        fetch_one(board_settings.with_overrides(max_redirects=3), board_server.url("/fault/redirect?n=10"))
    assert len(board_server.requests_to("/fault/redirect")) == 4


def test_every_hop_is_checked_against_robots(board_server: BoardServer, board_settings: Settings) -> None:
    with pytest.raises(RobotsForbiddenError, match="/private/secret"):
        fetch_one(board_settings, board_server.url("/fault/redirect-to?url=/private/secret"))
    assert board_server.requests_to("/private/") == []


def test_every_hop_is_checked_against_the_address_guard(board_server: BoardServer,
                                                        board_settings: Settings) -> None:
    settings = board_settings.with_overrides(allow_private=False, allow_hosts=("127.0.0.1",))
    target = f"http://localhost:{board_server.port}/jobs/"
    with pytest.raises(BlockedAddressError, match="localhost"):
        fetch_one(settings, board_server.url(f"/fault/redirect-to?url={target}"))
    assert board_server.requests_to("/jobs/") == []


def test_a_redirect_to_another_scheme_is_refused(board_server: BoardServer, board_settings: Settings) -> None:
    with pytest.raises(InvalidUrlError, match="only http and https"):
        fetch_one(board_settings, board_server.url("/fault/redirect-to?url=file:///etc/passwd"))


# --- size, compression, content types -------------------------------------------------------------------

@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_oversized_body_is_refused_without_reading_it(board_server: BoardServer, board_settings: Settings,
                                                         declared: bool) -> None:
    stats: Counter[str] = Counter()
    path = f"/fault/oversized?bytes={200 * MB}&length={int(declared)}"
    with pytest.raises(TooLargeError, match="over the limit of 1000000"):
        fetch_one(board_settings, board_server.url(path), stats)
    wait_until_finished(board_server, "/fault/oversized")
    (logged,) = board_server.requests_to("/fault/oversized")
    assert logged.body_bytes < 200 * MB  # the server could not push it all: we stopped reading
    assert stats["fetch/error/too_large"] == 1


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_compression_bomb_stops_at_the_cap(board_server: BoardServer, board_settings: Settings,
                                             encoding: str) -> None:
    url = board_server.url(f"/fault/bomb?encoding={encoding}&mb=128")
    bomb(encoding, 128)  # built now: the server shares this process, and tracemalloc would count it
    fetch_one(board_settings.with_overrides(polite=False), board_server.url("/jobs/"))  # warm imports
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError, match="decompressed"):
            fetch_one(board_settings.with_overrides(polite=False), url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * MB  # 128 MiB inflated would need far more; the cap is 1 MB


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw", "br"])
def test_compressed_pages_are_decoded(board_server: BoardServer, board_settings: Settings, encoding: str) -> None:
    stats: Counter[str] = Counter()
    result = fetch_one(board_settings.with_overrides(polite=False),
                       board_server.url(f"/fault/encoded?encoding={encoding}"), stats)
    assert result.body == ENCODED_PAGE.body
    assert stats["fetch/bytes"] < len(ENCODED_PAGE.body)  # counted as sent, compressed


@pytest.mark.parametrize("content_type", [
    "text/html; charset=utf-8", "application/xhtml+xml", "application/xml", "text/xml",
    "application/json", "application/ld+json", "text/plain", "TEXT/HTML",
])
def test_page_types_we_read(make_board: Any, board_settings: Settings, content_type: str) -> None:
    board = make_board(pages={"/p": Page(200, {"Content-Type": content_type}, b"{}")})
    assert fetch_one(board_settings, board.url("/p")).body == b"{}"


@pytest.mark.parametrize("path", ["/fault/image", "/pdf"])
def test_other_types_are_refused(make_board: Any, board_settings: Settings, path: str) -> None:
    stats: Counter[str] = Counter()
    board = make_board(pages={"/pdf": Page(200, {"Content-Type": "application/pdf"}, b"%PDF-1.4")})
    with pytest.raises(UnsupportedContentError, match=r"content type '(image/png|application/pdf)'") as caught:
        fetch_one(board_settings, board.url(path), stats)
    assert caught.value.kind == "content_type" and stats["fetch/error/content_type"] == 1


def test_a_page_without_content_type_is_let_through(board_server: BoardServer, board_settings: Settings) -> None:
    assert fetch_one(board_settings, board_server.url("/fault/no-content-type")).body.startswith(b"<html>")


def test_an_unknown_content_encoding_is_refused(make_board: Any, board_settings: Settings) -> None:
    board = make_board(pages={"/z": Page(200, {"Content-Type": "text/html", "Content-Encoding": "zstd"}, b"xx")})
    with pytest.raises(UnsupportedContentError, match="zstd"):
        fetch_one(board_settings, board.url("/z"))


def test_a_corrupt_compressed_body_is_refused(make_board: Any, board_settings: Settings) -> None:
    board = make_board(pages={"/bad": Page(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                                           b"this is not gzip at all")})
    with pytest.raises(UnsupportedContentError, match="not valid gzip"):
        fetch_one(board_settings, board.url("/bad"))


# --- legacy charsets, broken HTML, traps: bytes pass through untouched ------------------------------------

@pytest.mark.parametrize("name", sorted(LEGACY_PAGES))
def test_legacy_charset_pages_arrive_byte_for_byte(board_server: BoardServer, board_settings: Settings,
                                                   name: str) -> None:
    result = fetch_one(board_settings, board_server.url(f"/legacy/{name}"))
    page = LEGACY_PAGES[name]
    assert result.body == page.html() and result.headers["content-type"] == "text/html"
    assert page.text in result.body.decode(page.encoding)


def test_malformed_html_arrives_as_sent(board_server: BoardServer, board_settings: Settings) -> None:
    assert fetch_one(board_settings, board_server.url("/fault/malformed")).body == MALFORMED_HTML


def test_the_pagination_trap_is_endless_but_each_page_is_one_fetch(board_server: BoardServer,
                                                                   board_settings: Settings) -> None:
    results = fetch_all(board_settings, [board_server.url(f"/fault/pagination?page={n}") for n in (1, 2, 500)])
    bodies = [r.body for r in results if isinstance(r, FetchResult)]
    assert len(bodies) == 3 and b"page=501" in bodies[2]
    assert len(board_server.requests_to("/fault/pagination")) == 3


# --- URLs and the address guard ---------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["ftp://example.org/file", "file:///etc/passwd", "http://", "not a url",
                                 "javascript:alert(1)"])
def test_only_http_and_https_urls(board_settings: Settings, url: str) -> None:
    stats: Counter[str] = Counter()
    with pytest.raises(InvalidUrlError):
        fetch_one(board_settings, url, stats)
    assert stats["fetch/error/invalid_url"] == 1


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "not globally routable"), ("255.255.255.255", "reserved"),
    ("::1", "loopback"), ("::", "unspecified"), ("fe80::1", "link-local"), ("fc00::1", "private"),
    ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::", "loopback"), ("64:ff9b::a00:1", "private"), ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "private"),
])
def test_the_guard_knows_non_public_addresses(address: str, reason: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_the_guard_lets_public_addresses_through(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "[::1]", "0.0.0.0"])
def test_private_hosts_are_refused_before_any_request(board_server: BoardServer, board_settings: Settings,
                                                      host: str) -> None:
    stats: Counter[str] = Counter()
    url = f"http://{host}:{board_server.port}/jobs/"
    with pytest.raises(BlockedAddressError, match="allow_private") as caught:
        fetch_one(board_settings.with_overrides(allow_private=False), url, stats)
    assert url in str(caught.value)
    assert board_server.log == [] and stats["fetch/error/blocked_address"] == 1 and stats["fetch/request"] == 0


def test_allow_hosts_lets_one_private_host_through(board_server: BoardServer, board_settings: Settings) -> None:
    settings = board_settings.with_overrides(allow_private=False, allow_hosts=("127.0.0.1",))
    assert fetch_one(settings, board_server.url("/jobs/")).status == 200


def test_the_resolver_hands_aiohttp_only_checked_addresses() -> None:
    async def go(guard: AddressGuard) -> list[Any]:
        return await GuardedResolver(guard).resolve("localhost", 80)
    with pytest.raises(BlockedAddressError):
        asyncio.run(go(AddressGuard(allow_private=False)))
    answers = asyncio.run(go(AddressGuard(allow_private=False, allow_hosts=("localhost",))))
    assert answers and all(ipaddress.ip_address(a["host"]).is_loopback and a["port"] == 80 for a in answers)


def test_an_unknown_host_is_a_connection_error(board_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(host: str, *args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)  # no DNS query leaves the machine
    with pytest.raises(FetchConnectionError, match="cannot resolve host 'adverts.example'"):
        fetch_one(board_settings.with_overrides(allow_private=False), "http://adverts.example/jobs/")


# --- pure helpers -----------------------------------------------------------------------------------------

def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2025, 1, 6, 8, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Mon, 06 Jan 2025 08:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Mon, 06 Jan 2025 07:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("-5") is None


def test_backoff_doubles_with_jitter() -> None:
    rng = random.Random(7)
    for attempt in range(5):
        assert 0.5 * 2**attempt <= backoff_seconds(attempt, 1.0, rng) <= 1.5 * 2**attempt


def test_fetch_errors_carry_their_counter_kind() -> None:
    kinds = {cls.kind for cls in (BlockedAddressError, RobotsForbiddenError, TooLargeError, FetchTimeoutError,
                                  UnsupportedContentError, RedirectLoopError, FetchConnectionError, InvalidUrlError)}
    assert len(kinds) == 8 and all(issubclass(cls, FetchError) for cls in (FetchConnectionError, InvalidUrlError))


def test_the_board_server_saw_no_unexpected_errors(board_server: BoardServer, board_settings: Settings) -> None:
    urls = [board_server.url(p) for p in ("/", "/jobs/", "/jobs/?page=2", "/dating/", "/sitemap.xml",
                                          "/fault/reset?times=1", "/fault/encoded?encoding=br")]
    assert all(isinstance(r, FetchResult) for r in fetch_all(board_settings, urls))
    assert board_server.errors == []

