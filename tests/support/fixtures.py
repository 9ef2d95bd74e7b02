"""pytest fixtures around `BoardServer`; import them into a conftest.py (``from tests.support.fixtures import *``)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from scanner.settings import Settings

from .board_server import BoardServer

__all__ = ["board_server", "board_settings", "make_board"]


@pytest.fixture
def board_server() -> Iterator[BoardServer]:
    """A fresh board on 127.0.0.1 with the default content, robots.txt and fault routes."""
    with BoardServer() as server:
        yield server


@pytest.fixture
def make_board() -> Iterator[Callable[..., BoardServer]]:
    """Start boards with your own pages / robots.txt / host: ``make_board(pages={...}, robots="...")``."""
    started: list[BoardServer] = []

    def start(*args: Any, **kwargs: Any) -> BoardServer:
        started.append(BoardServer(*args, **kwargs).start())
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def board_settings() -> Settings:
    """Settings for crawling a local board quickly: loopback allowed, short delays, timeouts and backoff."""
    return Settings(allow_private=True, min_delay=0.0, timeout=2.0, backoff_base=0.01, max_retries=2,
                    max_retry_after=1.0, max_host_delay=0.5, max_bytes=1_000_000)
