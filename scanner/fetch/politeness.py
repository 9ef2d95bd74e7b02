"""Politeness state: robots.txt rules per site, pacing per host, retry waits.

Pure bookkeeping, no I/O: the fetcher fetches robots.txt and sleeps, these
records decide what is allowed and how long to wait.
"""
from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from protego import Protego

# Statuses worth asking again: the server is busy or broken, not refusing.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 507, 508, 520, 521, 522, 523, 524})
SLOW_DOWN_STATUSES = frozenset({429, 503})
_SECONDS = re.compile(r"\d+(\.\d+)?")


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """One site's robots.txt, or why there is none to obey."""

    parser: Protego
    unavailable: str = ""  # e.g. "HTTP 503"; RFC 9309 then disallows the whole site

    @classmethod
    def parse(cls, text: str) -> RobotsRules:
        return cls(Protego.parse(text))

    @classmethod
    def allow_all(cls) -> RobotsRules:
        return cls(Protego.parse(""))

    @classmethod
    def unreachable(cls, why: str) -> RobotsRules:
        return cls(Protego.parse("User-agent: *\nDisallow: /\n"), unavailable=why)

    def can_fetch(self, url: str, user_agent: str) -> bool:
        return self.parser.can_fetch(url, user_agent)

    def delay(self, user_agent: str) -> float:
        """Seconds between requests asked for by Crawl-delay or Request-rate (0 when none)."""
        crawl_delay = self.parser.crawl_delay(user_agent) or 0.0
        rate = self.parser.request_rate(user_agent)
        rate_delay = rate.seconds / rate.requests if rate and rate.requests else 0.0
        return max(crawl_delay, rate_delay)

    @property
    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps)


@dataclass(slots=True)
class HostPace:
    """One host's queue: a request at a time, `delay` seconds apart, later after a 429/503."""

    delay: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ready_at: float = 0.0  # time.monotonic() before which no request may start

    async def wait_turn(self) -> None:
        pause = self.ready_at - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)

    def done(self) -> None:
        self.ready_at = max(self.ready_at, time.monotonic() + self.delay)

    def slow_down(self, wait: float, *, floor: float, ceiling: float) -> None:
        """The host asked us to back off: pause it for `wait` and double its delay for the run."""
        self.delay = min(max(self.delay * 2, floor), ceiling)
        self.ready_at = max(self.ready_at, time.monotonic() + wait)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(attempt: int, base: float, rng: random.Random) -> float:
    """Exponential backoff for retry number `attempt` (0-based), jittered to 50-150 %."""
    return base * 2.0**attempt * rng.uniform(0.5, 1.5)
