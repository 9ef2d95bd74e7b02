"""Review tests: a cheaper scrypt cost (the stored parameters travel with each hash, so
verification still runs the real algorithm) and a ready-made database."""
from __future__ import annotations

from pathlib import Path

import pytest

from scanner.review import auth

from .helpers import ReviewDb, build_db


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(auth.SCRYPT, "n", 2**10)


@pytest.fixture
def db(tmp_path: Path) -> ReviewDb:
    return build_db(tmp_path)
