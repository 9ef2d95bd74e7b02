"""Fixtures for crawl integration tests: fast local boards and settings for 127.0.0.1."""
from __future__ import annotations

import pytest

from scanner.settings import Settings
from tests.support import board_server


@pytest.fixture(autouse=True)
def no_nagle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test board writes headers and body separately; with Nagle on, each page waits ~40 ms for
    the client's delayed ACK. TCP_NODELAY, as real servers set it, keeps these tests quick."""
    monkeypatch.setattr(board_server._Handler, "disable_nagle_algorithm", True)


@pytest.fixture
def crawl_settings() -> Settings:
    return Settings(allow_private=True, min_delay=0.0, timeout=2.0, backoff_base=0.01, max_retries=1,
                    max_retry_after=1.0, max_host_delay=0.5, max_bytes=1_000_000, concurrency=4)
