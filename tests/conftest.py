"""Shared fixtures: one compiled Scanner for the whole session (rules compile once)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from scanner.pipeline import Scanner
from scanner.rules.loader import load_rules
from scanner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

# CI draws the same hypothesis examples on every run, so a red build means the change broke
# something; local runs draw new ones each time (and REDFLAG_EXAMPLES=20000 searches long).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def ruleset():
    return load_rules(ROOT / "patterns")


@pytest.fixture(scope="session")
def scanner(ruleset):
    return Scanner(Settings(patterns_dir=str(ROOT / "patterns")), ruleset)
