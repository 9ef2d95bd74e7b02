"""Red flags survive spelling tricks (issue 2, "Normalization"): every dev advert of the
sets below is rewritten with each trick of its language (tests/support/spelling.py) and
scanned again. Of the red-flag adverts caught as written, at least KEPT must still be
caught; of the benign adverts left alone as written, at most NEWLY_FLAGGED may be flagged.

Look-alike letters are allowed more benign flags: a word mixing Latin and Cyrillic letters
is itself a sign of filter evasion (third_party_control), and no honest poster writes a
third of their words that way. Measured on the code that added this test (dev, extra and
extra1 to extra30): kept 0.979 to 1.000 per language and trick, newly flagged 0 to 0.003
(look-alikes 0.057 to 0.097).
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from scanner.evaluate import read_corpus
from scanner.models import Advert
from tests.support.spelling import TRICKS, variants

ROOT = Path(__file__).resolve().parents[2]
SETS = ["dev", "extra", *(f"extra{n}" for n in range(1, 31))]
KEPT = 0.95
NEWLY_FLAGGED = 0.05
NEWLY_FLAGGED_LOOKALIKES = 0.20


def _flagged(scanner, row: dict, text: str) -> bool:
    return scanner.scan(Advert(id=row["id"], text=text, title="", kind=row.get("kind") or "unknown")).score.flagged


@pytest.fixture(scope="module")
def outcome(scanner) -> dict[tuple[str, str], list[int]]:
    """(lang, trick) -> [red-flag caught as written, still caught, benign clean as written, now flagged]."""
    files = [f for name in SETS for f in sorted((ROOT / "corpora" / name).glob("*.jsonl"))]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in read_corpus(files):
        lang = row.get("lang")
        if lang not in TRICKS:
            continue
        as_written = _flagged(scanner, row, row["text"])
        if as_written != (row["label"] == "redflag"):
            continue  # a miss or a false alarm as written says nothing about the trick
        for trick, text in variants(row["text"], lang):
            now = _flagged(scanner, row, text)
            c = counts[(lang, trick)]
            if as_written:
                c[0] += 1
                c[1] += now
            else:
                c[2] += 1
                c[3] += now
    return counts


CASES = [(lang, trick) for lang, tricks in TRICKS.items() for trick in tricks]


@pytest.mark.parametrize("lang, trick", CASES)
def test_red_flag_adverts_stay_caught(outcome, lang: str, trick: str) -> None:
    caught, kept, _, _ = outcome[(lang, trick)]
    assert caught >= 100, f"too few {lang} red-flag adverts to measure ({caught})"
    assert kept / caught >= KEPT, f"{lang} {trick}: {kept} of {caught} still caught"


@pytest.mark.parametrize("lang, trick", CASES)
def test_benign_adverts_stay_clean(outcome, lang: str, trick: str) -> None:
    _, _, clean, flagged = outcome[(lang, trick)]
    ceiling = NEWLY_FLAGGED_LOOKALIKES if trick == "look-alikes" else NEWLY_FLAGGED
    assert clean >= 100, f"too few {lang} benign adverts to measure ({clean})"
    assert flagged / clean <= ceiling, f"{lang} {trick}: {flagged} of {clean} now flagged"
