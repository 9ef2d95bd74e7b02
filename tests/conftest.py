"""Shared fixtures: one compiled Scanner for the whole session (rules compile once)."""
from __future__ import annotations

from pathlib import Path

import pytest

from scanner.pipeline import Scanner
from scanner.rules.loader import load_rules
from scanner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def ruleset():
    return load_rules(ROOT / "patterns")


@pytest.fixture(scope="session")
def scanner(ruleset):
    return Scanner(Settings(patterns_dir=str(ROOT / "patterns")), ruleset)
