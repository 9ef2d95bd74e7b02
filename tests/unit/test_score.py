from __future__ import annotations

from scanner.models import Finding
from scanner.score import score_advert


def _f(category: str, weight: float, rule: str = "RF9999") -> Finding:
    return Finding(rule, category, 0, 1, "x", "lv", weight, weight, "t", "https://example.org")


def test_one_indicator_alone_never_flags(ruleset) -> None:
    s = score_advert([_f("debt_advance", 0.9)], ruleset)
    assert not s.flagged and s.form == "none"


def test_context_only_categories_add_nothing_alone(ruleset) -> None:
    s = score_advert([_f("free_housing_travel", 0.15), _f("no_requirements", 0.15), _f("work_abroad", 0.1)], ruleset)
    assert s.value == 0.0 and not s.flagged


def test_two_strong_indicators_flag_and_name_the_form(ruleset) -> None:
    s = score_advert([_f("debt_advance", 0.4), _f("document_retention", 0.4), _f("free_housing_travel", 0.15)], ruleset)
    assert s.flagged and s.form == "labour"
    assert 0.0 <= s.value <= 1.0


def test_strongest_hit_per_category_counts_once(ruleset) -> None:
    one = score_advert([_f("upfront_fee", 0.4), _f("vague_job", 0.2)], ruleset)
    two = score_advert([_f("upfront_fee", 0.4), _f("upfront_fee", 0.3), _f("vague_job", 0.2)], ruleset)
    assert one.value == two.value


def test_combination_bonus(ruleset) -> None:
    base = [_f("demographic_targeting", 0.3), _f("hostess_dancer_model", 0.3)]
    s = score_advert(base, ruleset)
    assert any(c.id == "CB04" for c in s.combinations)
    assert s.form == "sexual"


def test_threshold_and_min_categories_are_settings(ruleset) -> None:
    findings = [_f("debt_advance", 0.3), _f("vague_job", 0.3)]
    assert not score_advert(findings, ruleset, threshold=0.6).flagged
    assert score_advert(findings, ruleset, threshold=0.4).flagged
    assert not score_advert(findings, ruleset, threshold=0.4, min_categories=3).flagged
