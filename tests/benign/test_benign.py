"""Benign baseline: every indicator hit on an ordinary dev advert is a known, explained
false positive. Context-only categories (sector, housing provided, "no experience") and
hits damped below presence are expected on ordinary adverts and are not listed."""
from __future__ import annotations

from pathlib import Path

import yaml

from scanner.corpus import read_jsonl
from scanner.models import Advert
from scanner.score import PRESENT

ROOT = Path(__file__).resolve().parents[2]
KNOWN = yaml.safe_load((Path(__file__).parent / "known_false_positives.yml").read_text(encoding="utf-8"))["known"]


def test_every_hit_on_a_benign_advert_is_a_known_false_positive(scanner) -> None:
    known = {(k["advert"], k["rule"]) for k in KNOWN}
    assert all(k["why"].strip() for k in KNOWN)
    seen: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "corpora" / "dev").glob("*.jsonl")):
        for row in read_jsonl(path):
            if row["label"] != "benign":
                continue
            result = scanner.scan(Advert(id=str(row["id"]), text=str(row["text"]), title=str(row["title"]),
                                         kind=str(row["kind"])))  # type: ignore[arg-type]
            for f in result.findings:
                if not scanner.ruleset.categories[f.category].context_only and f.weight >= PRESENT:
                    seen.add((str(row["id"]), f.rule))
    assert sorted(seen - known) == [], "new false positives: fix the rule or list them with a reason"
    assert sorted(known - seen) == [], "listed false positives no longer fire: remove them from the list"
