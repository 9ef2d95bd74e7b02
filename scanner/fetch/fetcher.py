"""The polite fetcher: one URL in, one `FetchResult` out, or a `FetchError` saying why not.

For each hop of a request (the URL, then every redirect target):
1. only http and https, with a host (`InvalidUrlError`);
2. the address guard (`BlockedAddressError`);
3. robots.txt of that site, fetched once per run, when polite (`RobotsForbiddenError`);
4. the host's turn: one request at a time per host, Crawl-delay / min_delay apart (polite only),
   and at most `concurrency` requests in flight overall (always);
5. the exchange under a total deadline of `timeout` seconds (`FetchTimeoutError`);
   429/5xx and broken connections are retried with jittered exponential backoff or the
   server's Retry-After; 429/503 also slow that host down for the rest of the run;
6. the body only for 2xx answers of an accepted type, capped at `max_bytes` on the wire
   and after decompression (`UnsupportedContentError`, `TooLargeError`);
7. redirects followed by hand, at most `max_redirects`, loops refused (`RedirectLoopError`).
A final 4xx/5xx raises `HttpStatusError` (its `.status` tells a gone advert, 404/410, apart).
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from types import TracebackType
from typing import Self

import httpx

from ..errors import (
    FetchConnectionError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    InvalidUrlError,
    RedirectLoopError,
    RobotsForbiddenError,
)
from ..models import FetchResult
from ..settings import Settings
from .body import ACCEPT_ENCODING, check_content_type, check_declared_length, read_capped
from .guard import AddressGuard, GuardedResolver
from .politeness import RETRY_STATUSES, SLOW_DOWN_STATUSES, HostPace, RobotsRules, backoff_seconds, retry_after_seconds
from .transport import AiohttpTransport

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,application/ld+json;q=0.9,"
          "application/json;q=0.8,text/plain;q=0.5")
# Broken or refused connections: worth another try. A read that timed out is not
# (the same page will be as slow again); a connect that timed out is.
_TRANSIENT = (httpx.ConnectTimeout, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class _Transient(Exception):
    """A connection-level failure that the retry loop may try again."""


class Fetcher:
    """Fetches pages politely; use as ``async with Fetcher(settings) as fetcher:``.

    `stats` (Scrapy-style counters) is updated in place when given; `transport`
    replaces the aiohttp-backed one (tests and benchmarks; the resolver pinning of
    the address guard then falls away, the guard's check before each hop stays);
    `rng` makes the backoff jitter reproducible.

    Counters: fetch/request (every request sent, robots.txt and retries included),
    fetch/status/<code>, fetch/304, fetch/retry, fetch/bytes (body bytes as sent,
    before decompression), fetch/error/<kind> (once per failed `fetch`), robots/forbidden.
    `FetchResult.body` is decompressed; its headers are the server's, Content-Encoding included.
    """

    def __init__(self, settings: Settings, *, stats: Counter[str] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None, rng: random.Random | None = None) -> None:
        self.settings = settings
        self.stats: Counter[str] = stats if stats is not None else Counter()
        self._guard = AddressGuard(allow_private=settings.allow_private, allow_hosts=settings.allow_hosts,
                                   timeout=settings.timeout)
        resolver = None if settings.allow_private else GuardedResolver(self._guard)
        self._transport = transport or AiohttpTransport(max_connections=settings.concurrency, resolver=resolver)
        self._slots = asyncio.Semaphore(max(1, settings.concurrency))
        self._paces: dict[str, HostPace] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._rng = rng or random.Random()
        self._headers = {"user-agent": settings.user_agent, "accept": ACCEPT, "accept-encoding": ACCEPT_ENCODING}
        self._timeout = httpx.Timeout(settings.timeout).as_dict()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET `url`, conditionally when `etag` / `last_modified` (from an earlier result) are given."""
        started = time.monotonic()
        conditional = {k: v for k, v in (("if-none-match", etag), ("if-modified-since", last_modified)) if v}
        try:
            final_url, answer = await self._follow(url, conditional, obey_robots=self.settings.polite,
                                                   check_type=True)
            if answer.status >= 300 and answer.status != 304:
                where = f" (redirected to {final_url})" if final_url != url else ""
                raise HttpStatusError(f"{url}: HTTP {answer.status}{where}", answer.status)
        except FetchError as exc:
            self.stats[f"fetch/error/{exc.kind}"] += 1
            raise
        return FetchResult(url=url, final_url=final_url, status=answer.status, headers=answer.headers,
                           body=answer.body, fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                           elapsed=time.monotonic() - started, not_modified=answer.status == 304)

    async def robots_sitemaps(self, url: str) -> list[str]:
        """The Sitemap: lines of the robots.txt of `url`'s site (fetched once, polite or not)."""
        parsed = _parse(url)
        await self._guard.check(_host(parsed), url)
        return (await self._rules_for(parsed)).sitemaps

    # --- one hop after another -------------------------------------------------------------

    async def _follow(self, url: str, headers: dict[str, str], *, obey_robots: bool,
                      check_type: bool) -> tuple[str, _Answer]:
        seen: set[httpx.URL] = set()
        current = url
        for _ in range(self.settings.max_redirects + 1):
            parsed = await self._admit(current, obey_robots=obey_robots)
            seen.add(parsed)
            answer = await self._with_retries(parsed, headers, check_type=check_type)
            target = _redirect_target(parsed, answer)
            if target is None:
                return current, answer
            if target in seen:
                raise RedirectLoopError(f"{url}: redirect loop ({current} -> {target})")
            current = str(target)
        raise RedirectLoopError(f"{url}: more than {self.settings.max_redirects} redirects")

    async def _admit(self, url: str, *, obey_robots: bool) -> httpx.URL:
        """Check one hop before it is requested; returns the parsed URL (without fragment)."""
        parsed = _parse(url)
        await self._guard.check(_host(parsed), url)
        if obey_robots and not (rules := await self._rules_for(parsed)).can_fetch(url, self.settings.user_agent):
            self.stats["robots/forbidden"] += 1
            why = f" (robots.txt unavailable: {rules.unavailable})" if rules.unavailable else ""
            raise RobotsForbiddenError(f"{url}: disallowed by {_origin(parsed)}/robots.txt{why}")
        return parsed

    # --- robots.txt ----------------------------------------------------------------------------

    async def _rules_for(self, parsed: httpx.URL) -> RobotsRules:
        origin = _origin(parsed)
        if origin not in self._robots:
            async with self._robots_locks.setdefault(origin, asyncio.Lock()):
                if origin not in self._robots:
                    self._robots[origin] = rules = await self._load_robots(origin)
                    pace = self._pace(_host(parsed))
                    pace.delay = max(pace.delay, rules.delay(self.settings.user_agent))
        return self._robots[origin]

    async def _load_robots(self, origin: str) -> RobotsRules:
        """RFC 9309: 4xx means no rules; 5xx, 429 or no answer means the whole site is off limits."""
        try:
            _, answer = await self._follow(f"{origin}/robots.txt", {}, obey_robots=False, check_type=False)
        except FetchError as exc:
            log.warning("robots.txt of %s unavailable, site skipped: %s", origin, exc.message)
            return RobotsRules.unreachable(exc.kind)
        if answer.status == 429 or answer.status >= 500:
            log.warning("robots.txt of %s answered HTTP %d, site skipped", origin, answer.status)
            return RobotsRules.unreachable(f"HTTP {answer.status}")
        if not 200 <= answer.status < 300:
            return RobotsRules.allow_all()
        return RobotsRules.parse(answer.body.decode("utf-8", "replace"))

    # --- retries, pacing, the exchange -----------------------------------------------------------

    async def _with_retries(self, url: httpx.URL, headers: dict[str, str], *, check_type: bool) -> _Answer:
        attempt = 0
        while True:
            try:
                answer = await self._paced(url, headers, check_type=check_type)
            except _Transient as exc:
                if attempt >= self.settings.max_retries:
                    raise FetchConnectionError(f"{url}: {exc} (gave up after {attempt} retries)") from exc
                wait, why = backoff_seconds(attempt, self.settings.backoff_base, self._rng), str(exc)
            else:
                if answer.status not in RETRY_STATUSES or attempt >= self.settings.max_retries:
                    return answer
                wait, why = self._retry_wait(url, answer, attempt), f"HTTP {answer.status}"
            attempt += 1
            self.stats["fetch/retry"] += 1
            log.info("retry %d of %s in %.2fs: %s", attempt, url, wait, why)
            await asyncio.sleep(wait)

    def _retry_wait(self, url: httpx.URL, answer: _Answer, attempt: int) -> float:
        asked = retry_after_seconds(answer.headers.get("retry-after"))
        wait = (backoff_seconds(attempt, self.settings.backoff_base, self._rng) if asked is None
                else min(asked, self.settings.max_retry_after))
        if self.settings.polite and answer.status in SLOW_DOWN_STATUSES:
            self._pace(_host(url)).slow_down(wait, floor=self.settings.backoff_base,
                                             ceiling=self.settings.max_host_delay)
        return wait

    def _pace(self, host: str) -> HostPace:
        if host not in self._paces:
            self._paces[host] = HostPace(delay=self.settings.min_delay)
        return self._paces[host]

    async def _paced(self, url: httpx.URL, headers: dict[str, str], *, check_type: bool) -> _Answer:
        if not self.settings.polite:
            return await self._exchange(url, headers, check_type=check_type)
        pace = self._pace(_host(url))
        async with pace.lock:
            await pace.wait_turn()
            try:
                return await self._exchange(url, headers, check_type=check_type)
            finally:
                pace.done()

    async def _exchange(self, url: httpx.URL, headers: dict[str, str], *, check_type: bool) -> _Answer:
        request = httpx.Request("GET", url, headers={**self._headers, **headers},
                                extensions={"timeout": self._timeout})
        async with self._slots:
            self.stats["fetch/request"] += 1
            try:
                async with asyncio.timeout(self.settings.timeout):
                    response = await self._transport.handle_async_request(request)
                    try:
                        return await self._read(url, response, check_type=check_type)
                    finally:
                        await response.aclose()
            except (TimeoutError, httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout) as exc:
                raise FetchTimeoutError(f"{url}: no complete answer within {self.settings.timeout:g}s") from exc
            except _TRANSIENT as exc:
                raise _Transient(f"{type(exc).__name__}: {exc}") from exc
            except httpx.UnsupportedProtocol as exc:
                raise InvalidUrlError(f"{url}: {exc}") from exc

    async def _read(self, url: httpx.URL, response: httpx.Response, *, check_type: bool) -> _Answer:
        status = response.status_code
        headers = dict(response.headers.items())  # keys come lower-cased; repeats joined by ", "
        self.stats[f"fetch/status/{status}"] += 1
        if status == 304:
            self.stats["fetch/304"] += 1
        if not 200 <= status < 300:
            return _Answer(status, headers, b"")
        if check_type:
            check_content_type(url, headers)
        check_declared_length(url, headers, self.settings.max_bytes)
        if response.is_stream_consumed:  # the transport read and decoded it already (httpx.MockTransport)
            chunks, encoding = _one_chunk(response.content), ""
        else:
            chunks, encoding = response.aiter_raw(), headers.get("content-encoding", "")
        body = await read_capped(url, chunks, encoding=encoding, max_bytes=self.settings.max_bytes)
        self.stats["fetch/bytes"] += body.wire_bytes
        return _Answer(status, headers, body.data)


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


@lru_cache(maxsize=65_536)  # a re-run parses the same URLs again; httpx.URL is immutable
def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InvalidUrlError(f"{url}: not a valid URL ({exc})") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidUrlError(f"{url}: only http and https URLs with a host are fetched")
    return parsed.copy_with(fragment=None) if parsed.fragment else parsed


def _host(parsed: httpx.URL) -> str:
    """The host as DNS sees it (IDNA-encoded, IPv6 without brackets), lower-case."""
    return parsed.raw_host.decode("ascii").lower()


def _origin(parsed: httpx.URL) -> str:
    host = f"[{_host(parsed)}]" if ":" in parsed.host else _host(parsed)
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{host}{port}"


def _redirect_target(url: httpx.URL, answer: _Answer) -> httpx.URL | None:
    location = answer.headers.get("location")
    if answer.status not in REDIRECT_STATUSES or not location:
        return None
    try:
        return url.join(location).copy_with(fragment=None)
    except httpx.InvalidURL as exc:
        raise InvalidUrlError(f"{url}: redirect to an unreadable Location {location!r}") from exc
