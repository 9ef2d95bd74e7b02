"""Every rule file loads, covers what the taxonomy asks, and every example in it holds."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.errors import RuleError
from scanner.rules.examples import example_cases, run_example
from scanner.rules.loader import load_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = load_rules(ROOT / "patterns")
CASES = [pytest.param(rule, lang, expect, i, text, id=f"{rule.id}-{lang}-{expect.replace('_', '')}-{i}")
         for rule in RULES.active for lang, expect, i, text in example_cases(rule)]


@pytest.mark.parametrize("rule, lang, expect, index, text", CASES)
def test_rule_example(scanner, rule, lang, expect, index, text) -> None:
    result = run_example(scanner, rule, lang, expect, index, text)
    assert result.ok, f"{result.case_id}: {text!r} fired {result.fired}"


def test_at_least_25_categories_in_all_four_languages() -> None:
    covered = {}
    for rule in RULES.active:
        covered.setdefault(rule.category, set()).update(rule.languages)
    full = sorted(c for c, langs in covered.items() if langs >= {"lv", "ru", "uk", "en"})
    assert len(full) >= 25, full


def test_every_rule_has_examples_in_every_language_it_claims() -> None:
    for rule in RULES.active:
        match = dict(rule.examples_match)
        assert set(rule.languages) <= set(match), rule.id


def test_rule_set_hash_is_stable() -> None:
    assert load_rules(ROOT / "patterns").hash == RULES.hash


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    (patterns / "upfront_fee" / "RF0999-broken.yml").write_text("id: RF0999\nname: [unclosed\n", encoding="utf-8")
    bad = patterns / "vague_job" / "RF0998-bad.yml"
    bad.write_text(
        "id: RF0998\nname: bad_rule\ntitle: t\ncategory: vague_job\nstatus: test\nweight: 2\n"
        "languages: [lv, ua]\nreferences: [not-a-url]\ndescription: d\npatterns: {lv: [{phrase: 'x'}]}\n"
        "examples: {match: {lv: ['x']}, no_match: {}}\nsurprise: 1\n", encoding="utf-8")
    with pytest.raises(RuleError) as err:
        load_rules(patterns)
    text = "\n".join(err.value.problems)
    assert "RF0999-broken.yml" in text and "RF0998-bad.yml" in text
    assert "weight" in text and "surprise" in text and "references" in text


def test_a_rule_in_the_wrong_folder_is_reported(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    src = next((patterns / "missing_pay").glob("*.yml"))
    shutil.move(src, patterns / "vague_job" / src.name)
    with pytest.raises(RuleError, match="must live in patterns/missing_pay/"):
        load_rules(patterns)


def test_weak_terms_in_a_sentence_frame_are_reported(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    path = patterns / "context.yml"
    text = path.read_text(encoding="utf-8")
    # CX01 is a sentence frame: weak terms only mean something beside other terms of an advert frame
    path.write_text(text.replace("  - id: CX01\n", "  - id: CX01\n    weak: {en: [beware]}\n", 1), encoding="utf-8")
    with pytest.raises(RuleError, match="CX01: weak terms are for advert frames"):
        load_rules(patterns)
