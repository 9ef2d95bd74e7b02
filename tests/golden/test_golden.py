"""Quality gate on the held-out test part of the corpora (never used to write rules).

`floors.json` pins the corpus hash and, per language, a recall floor and a
false-positive ceiling, plus a form-accuracy floor. Floors only ratchet up: every
entry in `history` must be at least as strict as the one before it. A floor may go
down only on purpose: the entry that lowers it says why in `lowered_because` (and the
commit says so too); REDFLAG_LOWER_FLOORS=1 skips the check while trying a change out.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scanner.corpus import corpus_hash
from scanner.evaluate import evaluate, read_corpus

ROOT = Path(__file__).resolve().parents[2]
TEST_FILES = sorted((ROOT / "corpora" / "test").glob("*.jsonl"))
FLOORS = json.loads((Path(__file__).parent / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def evaluation(scanner):
    return evaluate(scanner, read_corpus(TEST_FILES)).to_dict()


def test_corpus_is_the_pinned_one() -> None:
    assert corpus_hash(TEST_FILES) == FLOORS["corpus_hash"], "test corpus changed: re-pin on purpose"


@pytest.mark.parametrize("lang", ["lv", "ru", "uk", "en"])
def test_recall_and_false_positive_rate(evaluation, lang: str) -> None:
    m = evaluation["lang"][lang]
    floor = FLOORS["current"][lang]
    assert m["recall"] >= floor["recall"], (lang, m)
    assert m["fpr"] <= floor["fpr"], (lang, m)


def test_form_accuracy(evaluation) -> None:
    assert evaluation["overall"]["form_accuracy"] >= FLOORS["current"]["form_accuracy"]


def test_floors_only_ratchet_up() -> None:
    if os.environ.get("REDFLAG_LOWER_FLOORS") == "1":
        pytest.skip("lowering floors on purpose")
    entries = [*FLOORS["history"], FLOORS["current"]]
    for before, after in zip(entries, entries[1:]):
        if after.get("lowered_because"):
            continue
        for lang in ("lv", "ru", "uk", "en"):
            assert after[lang]["recall"] >= before[lang]["recall"], lang
            assert after[lang]["fpr"] <= before[lang]["fpr"], lang
        assert after["form_accuracy"] >= before["form_accuracy"]
