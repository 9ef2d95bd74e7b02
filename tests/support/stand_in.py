"""A stand-in for `Scanner` in crawl tests: instant, deterministic, and it records what it scanned.

Run as a module it is a crawler child process for kill tests:
``python -m tests.support.stand_in DB URL`` crawls URL into DB with `run_crawl`.
"""
from __future__ import annotations

import sys
from types import SimpleNamespace

from scanner.models import Advert, Evidence, ScanResult, Score

WORDS = ("паспорт", "pasi", "passport")


class StandInScanner:
    """Flags adverts that mention a passport."""

    ruleset = SimpleNamespace(hash="stand-in-rules")

    def __init__(self) -> None:
        self.scanned: list[str] = []

    def scan(self, advert: Advert) -> ScanResult:
        self.scanned.append(advert.id)
        hit = any(w in advert.full_text.lower() for w in WORDS)
        score = Score(0.9 if hit else 0.0, hit, "labour" if hit else "none", (), ())
        return ScanResult(advert, advert.full_text, advert.lang or "lv", (), (), Evidence(), score, "stand-in-rules")


def main(db: str, url: str) -> None:
    from scanner.crawl import run_crawl
    from scanner.settings import Settings
    from scanner.sources import source_from_url

    settings = Settings(allow_private=True, min_delay=0.0, timeout=5.0, concurrency=4)
    run_crawl([source_from_url(url, "job")], db, StandInScanner(), settings)  # type: ignore[arg-type]


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
