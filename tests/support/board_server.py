"""A job board on 127.0.0.1 that also misbehaves on purpose, for tests.

One `http.server` thread on a free port; works from sync and async tests alike::

    with BoardServer() as board:
        board.url("/jobs/")                           # a real-looking listing (pages 1-3)
        board.add("/mine.html", 200, {"Content-Type": "text/html"}, "<p>my page</p>")
        board.url("/fault/429?times=2&retry_after=0.1")
        board.requests_to("/fault/429")               # what was asked, headers included

Content: `/` (home), `/jobs/?page=N`, `/jobs/<id>.html` (JSON-LD JobPosting, page chrome),
`/dating/`, `/dating/<id>.html`, `/sitemap.xml`, `/robots.txt` (``robots=robots_txt(crawl_delay=0.2)``,
a `Page`, or None for a 404), `/private/...` (disallowed), built from the fictional `ADVERTS`
(or ``adverts=load_adverts(path)``). Your own pages, with `add()` or ``pages={path: (status,
headers, body)}``, win over everything else. Every 200 page has an ETag and a Last-Modified and
answers 304 to If-None-Match / If-Modified-Since (``conditional=False`` turns that off).
The request log (`log`, `requests_to(prefix)`) has each request as it arrived, headers included.

Fault routes; counters of "the first `times` requests" are kept per full path and query, so
add e.g. ``&key=test_name`` to get a fresh counter:

  /fault/429?times=1&retry_after=1&date=0  429 + Retry-After (seconds, or an HTTP date with date=1), then a page
  /fault/503?times=1&retry_after=          503 (Retry-After only when given), then a page
  /fault/500?times=1                       500, then a page
  /fault/slow?seconds=5                    sleeps before answering at all (`max_in_flight` counts overlaps)
  /fault/trickle?seconds=5                 sends the body a few bytes every 0.1 s for `seconds`
  /fault/stall?seconds=5                   sends half the body, then nothing for `seconds`
  /fault/reset?times=1                     headers and part of the body, then a TCP reset; then a page
  /fault/loop/a, /fault/loop/b             redirect to each other
  /fault/redirect?n=3&status=302           a chain of n redirects, then a page
  /fault/redirect-to?url=URL&status=302    one redirect to any URL
  /fault/pagination?page=1                 a listing whose "next" link never ends
  /fault/oversized?bytes=50000000&length=1 a huge page; length=0 sends it chunked, without Content-Length
  /fault/bomb?encoding=gzip&mb=64          a few KB that decompress to `mb` MiB (gzip, deflate, br)
  /fault/encoded?encoding=gzip             an ordinary page, compressed (gzip, deflate, deflate-raw, br)
  /fault/image                             a PNG (image/png)
  /fault/no-content-type                   a page without a Content-Type header
  /fault/malformed                         broken HTML (unclosed and crossed tags, stray quotes)
  /legacy/<name>                           LEGACY_PAGES: legacy charsets, Content-Type without charset
"""
from __future__ import annotations

import hashlib
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, urlsplit

from .board_content import (
    ADVERTS,
    CANNED,
    DEFAULT_ROBOTS,
    ENCODED_PAGE,
    LAST_MODIFIED,
    LEGACY_PAGES,
    MALFORMED_HTML,
    NOT_FOUND_PAGE,
    OK_PAGE,
    BoardAdvert,
    LegacyPage,
    Page,
    advert_page,
    bomb,
    encode,
    html_page,
    listing_page,
    load_adverts,
    nav,
    robots_txt,
    section,
    similar,
    sitemap,
)

# Re-exported: tests import the content they assert on from here, next to the server.
__all__ = ["ADVERTS", "ENCODED_PAGE", "LEGACY_PAGES", "MALFORMED_HTML", "BoardAdvert", "BoardServer", "LegacyPage",
           "LoggedRequest", "Page", "bomb", "load_adverts", "robots_txt"]


@dataclass(slots=True)
class LoggedRequest:
    """Logged when the request arrives; `answer`, `body_bytes` and `finished` are filled in as it ends."""

    method: str
    target: str  # path and query as sent
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    at: float  # time.monotonic() when the request arrived
    answer: int = 0  # status sent (0 when nothing was sent)
    body_bytes: int = 0  # body bytes the server managed to hand to the socket
    finished: bool = False


class BoardServer:
    """The server; start with ``with BoardServer() as board:`` or `start()` / `stop()`."""

    def __init__(self, pages: Mapping[str, Page | tuple[int, Mapping[str, str], bytes | str]] | None = None, *,
                 robots: str | Page | None = DEFAULT_ROBOTS, adverts: tuple[BoardAdvert, ...] | None = None,
                 per_page: int = 5, conditional: bool = True, host: str = "127.0.0.1") -> None:
        self.pages = {path: Page.of(page) for path, page in (pages or {}).items()}
        self.robots = robots
        self.adverts = ADVERTS if adverts is None else adverts
        self.per_page = per_page
        self.conditional = conditional
        self.host = host
        self.port = 0
        self.log: list[LoggedRequest] = []
        self.errors: list[BaseException] = []  # unexpected handler errors; tests may assert it stays empty
        self.max_in_flight = 0  # most /fault/slow requests waiting at once (a concurrency probe)
        self._in_flight = 0
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        self._stopping.clear()
        self._server = _Server((self.host, 0), _Handler, self)
        self.port = self._server.server_address[1]
        # A short poll interval: stop() waits for the next poll, and tests start and stop many servers.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=f"board-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- for tests ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def add(self, path: str, status: int = 200, headers: Mapping[str, str] | None = None,
            body: bytes | str = b"") -> str:
        """Serve `body` at `path` (exact path, or path and query); returns its URL."""
        self.pages[path] = Page.of((status, headers or {"Content-Type": "text/html; charset=utf-8"}, body))
        return self.url(path)

    def requests_to(self, prefix: str, settle: float = 2.0) -> list[LoggedRequest]:
        """Logged requests whose path and query start with `prefix`, oldest first (settled)."""
        return [r for r in self.settled_log(settle=settle) if r.target.startswith(prefix)]

    def settled_log(self, start: int = 0, settle: float = 2.0) -> list[LoggedRequest]:
        """The log from entry `start` on, once every entry in it is marked finished.

        A client can hold the whole answer before the handler thread has noted how it ended,
        so wait (at most `settle` seconds) for the handler threads to catch up."""
        deadline = time.monotonic() + settle
        while True:
            with self._lock:
                found = self.log[start:]
            if all(r.finished for r in found) or time.monotonic() >= deadline:
                return found
            time.sleep(0.005)

    def advert_urls(self, kind: str = "job") -> list[str]:
        return [self.url(f"/{section(kind)}/{a.id}.html") for a in self.adverts if a.kind == kind]

    def nth_time(self, target: str) -> int:
        """Count one more request for `target` and return the count (1 for the first)."""
        with self._lock:
            self._counts[target] = self._counts.get(target, 0) + 1
            return self._counts[target]

    def in_flight(self, change: int) -> None:
        with self._lock:
            self._in_flight += change
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.log.append(entry)

    def sleep(self, seconds: float) -> bool:
        """Sleep unless the server stops first; False when it is stopping."""
        return not self._stopping.wait(seconds)

    # --- content ------------------------------------------------------------------------------

    def board_page(self, path: str, query: Mapping[str, str]) -> Page | None:
        """The board's own pages (home, listings, adverts, sitemap, robots), or None."""
        if path == "/robots.txt":
            return self._robots_page()
        if path == "/":
            return html_page("Darba un iepazīšanās sludinājumi", nav() + '<p><a href="/jobs/">Darbs</a> '
                             '<a href="/dating/">Iepazīšanās</a></p>')
        if path == "/sitemap.xml":
            return sitemap(self.base_url, self.adverts)
        for kind in ("job", "dating"):
            prefix = f"/{section(kind)}/"
            if path == prefix:
                page = query.get("page", "1")
                return listing_page(self.adverts, kind, int(page), self.per_page) if page.isdigit() else None
            if path.startswith(prefix) and path.endswith(".html"):
                advert = next((a for a in self.adverts if a.id == path[len(prefix):-5] and a.kind == kind), None)
                return advert_page(advert, similar(self.adverts, advert)) if advert else None
        if path.startswith("/private/"):
            return html_page("Admin", "<p>Nothing for crawlers here.</p>")
        return None

    def _robots_page(self) -> Page:
        if isinstance(self.robots, Page):
            return self.robots
        if self.robots is None:
            return Page(404, {"Content-Type": "text/plain"}, b"not found")
        return Page(200, {"Content-Type": "text/plain; charset=utf-8"},
                    self.robots.replace("{base}", self.base_url).encode())


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], board: BoardServer) -> None:
        self.board = board
        self.connections: set[socket.socket] = set()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake handler threads still parked on a keep-alive connection."""
        for conn in list(self.connections):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)) and exc is not None:
            self.board.errors.append(exc)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real servers
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body would
    # wait ~40 ms for the client's delayed ACK. Real servers set TCP_NODELAY too.
    disable_nagle_algorithm = True
    server_version = "BoardServer/1.0"
    timeout = 30  # an idle keep-alive connection is dropped after this
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # silence: the request log is `board.log`
        return None

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        board = self.server.board
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        entry = LoggedRequest(self.command, self.path, parts.path, query,
                              {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
        board.record(entry)
        self._head_only = head
        self._status = self._sent = 0
        try:
            self._route(board, parts.path, query)
        finally:
            entry.answer, entry.body_bytes, entry.finished = self._status, self._sent, True

    # --- routing ------------------------------------------------------------------------------

    def _route(self, board: BoardServer, path: str, query: dict[str, str]) -> None:
        page = board.pages.get(self.path) or board.pages.get(path)
        fault = self._FAULTS.get(path.removeprefix("/fault/")) if path.startswith("/fault/") else None
        legacy = LEGACY_PAGES.get(path.removeprefix("/legacy/")) if path.startswith("/legacy/") else None
        if page is not None:
            self._page(page)
        elif fault is not None:
            fault(self, board, query)
        elif legacy is not None:
            self._page(Page(200, {"Content-Type": "text/html"}, legacy.html()))
        else:
            self._page(board.board_page(path, query) or NOT_FOUND_PAGE)

    def _busy(self, board: BoardServer, query: dict[str, str]) -> None:
        """429, 503 or 500 for the first `times` requests of this exact URL, then a page."""
        status = int(urlsplit(self.path).path.rsplit("/", 1)[1])
        if board.nth_time(self.path) > int(query.get("times", "1")):
            self._page(OK_PAGE)
        else:
            self._page(Page(status, self._retry_after(status, query), b"busy"))

    def _slow(self, board: BoardServer, query: dict[str, str]) -> None:
        board.in_flight(+1)
        try:
            awake = board.sleep(float(query.get("seconds", "5")))
        finally:
            board.in_flight(-1)  # before answering, so a client never sees an answer still counted
        if awake:
            self._page(OK_PAGE)

    def _trickle(self, board: BoardServer, query: dict[str, str]) -> None:
        body = self._start_body()
        steps = max(1, int(float(query.get("seconds", "5")) / 0.1))
        size = max(1, len(body) // steps)
        for start in range(0, len(body), size):
            if not board.sleep(0.1):
                return
            self._write(body[start:start + size])

    def _stall(self, board: BoardServer, query: dict[str, str]) -> None:
        body = self._start_body()
        self._write(body[: len(body) // 2])
        board.sleep(float(query.get("seconds", "5")))
        self.close_connection = True

    def _reset(self, board: BoardServer, query: dict[str, str]) -> None:
        """Promise 20,000 bytes, send 1,000, then a TCP RST (SO_LINGER 0); later requests get a page."""
        if board.nth_time(self.path) > int(query.get("times", "1")):
            return self._page(OK_PAGE)
        self._start(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": "20000"})
        self._write(b"<html><body>" + b"x" * 988)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _loop(self, board: BoardServer, query: dict[str, str]) -> None:
        self._redirect("/fault/loop/b" if self.path.startswith("/fault/loop/a") else "/fault/loop/a", 302)

    def _redirect_chain(self, board: BoardServer, query: dict[str, str]) -> None:
        n, status = int(query.get("n", "3")), int(query.get("status", "302"))
        if n > 0:
            self._redirect(f"/fault/redirect?n={n - 1}&status={status}", status)
        else:
            self._page(OK_PAGE)

    def _redirect_to(self, board: BoardServer, query: dict[str, str]) -> None:
        self._redirect(query["url"], int(query.get("status", "302")))

    def _pagination(self, board: BoardServer, query: dict[str, str]) -> None:
        page = int(query.get("page", "1")) if query.get("page", "1").isdigit() else 1
        body = (f'<ul><li><a href="/jobs/trap-{page}-a.html">Darbs {page}a</a></li>'
                f'<li><a href="/jobs/trap-{page}-b.html">Darbs {page}b</a></li></ul>'
                f'<a rel="next" class="next" href="/fault/pagination?page={page + 1}">Nākamā</a>')
        self._page(html_page(f"Lapa {page}", body))

    def _oversized(self, board: BoardServer, query: dict[str, str]) -> None:
        size, declare = int(query.get("bytes", str(50 * 2**20))), query.get("length", "1") == "1"
        length = {"Content-Length": str(size)} if declare else {"Transfer-Encoding": "chunked"}
        self._start(200, {"Content-Type": "text/html", **length})
        block = b"<p>" + b"a" * 65529 + b"</p>"  # 64 KiB
        sent = 0
        while sent < size:
            piece = block[: size - sent]
            self._write(piece if declare else b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        if not declare:
            self._write(b"0\r\n\r\n")

    def _bomb(self, board: BoardServer, query: dict[str, str]) -> None:
        encoding = query.get("encoding", "gzip")
        data = bomb(encoding, int(query.get("mb", "64")))
        self._page(Page(200, {"Content-Type": "text/html", "Content-Encoding": encoding}, data), conditional=False)

    def _encoded(self, board: BoardServer, query: dict[str, str]) -> None:
        encoding = query.get("encoding", "gzip")
        header = "deflate" if encoding == "deflate-raw" else encoding
        self._page(Page(200, {**ENCODED_PAGE.headers, "Content-Encoding": header}, encode(ENCODED_PAGE.body, encoding)))

    def _canned(self, board: BoardServer, query: dict[str, str]) -> None:
        self._page(CANNED[urlsplit(self.path).path.removeprefix("/fault/")])

    @staticmethod
    def _retry_after(status: int, query: dict[str, str]) -> dict[str, str]:
        headers = {"Content-Type": "text/plain"}
        seconds = query.get("retry_after", "1" if status == 429 else "")
        if seconds and query.get("date") == "1":
            headers["Retry-After"] = formatdate(time.time() + float(seconds), usegmt=True)
        elif seconds:
            headers["Retry-After"] = seconds
        return headers

    _FAULTS: ClassVar[dict[str, Callable[[_Handler, BoardServer, dict[str, str]], None]]] = {
        "429": _busy, "503": _busy, "500": _busy, "slow": _slow, "trickle": _trickle, "stall": _stall,
        "reset": _reset, "loop/a": _loop, "loop/b": _loop, "redirect": _redirect_chain,
        "redirect-to": _redirect_to, "pagination": _pagination, "oversized": _oversized, "bomb": _bomb,
        "encoded": _encoded, "image": _canned, "no-content-type": _canned, "malformed": _canned,
        "forbidden": _canned,
    }

    # --- answers ------------------------------------------------------------------------------

    def _page(self, page: Page, *, conditional: bool = True) -> None:
        headers = dict(page.headers)
        if page.status == 200 and conditional and self.server.board.conditional:
            headers.setdefault("ETag", '"' + hashlib.sha256(page.body).hexdigest()[:16] + '"')
            headers.setdefault("Last-Modified", LAST_MODIFIED)
            if self._not_modified(headers):
                self._start(304, {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")})
                return
        self._start(page.status, {**headers, "Content-Length": str(len(page.body))})
        if not self._head_only:
            self._write(page.body)

    def _not_modified(self, headers: Mapping[str, str]) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or headers["ETag"] in tags
        since = self.headers.get("If-Modified-Since")
        try:
            return since is not None and parsedate_to_datetime(since) >= parsedate_to_datetime(headers["Last-Modified"])
        except (TypeError, ValueError):
            return False

    def _start(self, status: int, headers: Mapping[str, str]) -> None:
        self._status = status
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status == 304:
            self.send_header("Content-Length", "0")
        self.end_headers()

    def _start_body(self) -> bytes:
        """Headers of a 200 page whose body the caller sends slowly; returns that body."""
        body = b"<html><body>" + b"<p>lorem ipsum</p>" * 200 + b"</body></html>"
        self._start(200, {"Content-Type": "text/html", "Content-Length": str(len(body))})
        self.wfile.flush()
        return body

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        self._sent += len(data)

    def _redirect(self, location: str, status: int) -> None:
        self._page(Page(status, {"Location": location, "Content-Type": "text/html"}, b"<a>moved</a>"))
