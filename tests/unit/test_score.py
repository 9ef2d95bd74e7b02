from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scanner.errors import RuleError
from scanner.models import Finding
from scanner.rules.loader import load_rules
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


def test_a_combination_limited_to_dating_adverts_applies_only_there(ruleset) -> None:
    # A courier run or an account in her name is enough in a dating advert (CB32, CB33),
    # but a job advert still needs a second indicator.
    for category in ("courier_driver_crime", "strawman_documents"):
        found = [_f(category, 0.4)]
        dating = score_advert(found, ruleset, kind="dating")
        job = score_advert(found, ruleset, kind="job")
        assert dating.flagged and any("dating" in c.title.lower() for c in dating.combinations)
        assert not job.flagged and job.combinations == ()


def test_forced_labour_indicators_together_flag_and_crime_work_needs_no_named_employer(ruleset) -> None:
    # passports kept and wages held back: two ILO indicators, one combination (CB10)
    held = [_f("document_retention", 0.42), _f("withheld_wages", 0.25)]
    s = score_advert(held, ruleset, kind="job")
    assert s.flagged and any(c.id == "CB10" for c in s.combinations)
    # money-mule or courier work from an employer who gives no name (CB06); with a name it
    # stays one indicator
    mule = [_f("courier_driver_crime", 0.4), _f("missing_employer", 0.12)]
    assert score_advert(mule, ruleset, kind="job").flagged
    assert not score_advert(mule[:1], ruleset, kind="job").flagged


def test_a_combination_with_unknown_kinds_is_a_rule_problem(tmp_path) -> None:
    root = tmp_path / "patterns"
    shutil.copytree(Path(__file__).resolve().parents[2] / "patterns", root)
    combos = root / "combinations.yml"
    combos.write_text(combos.read_text(encoding="utf-8").replace("kinds: [dating]", "kinds: [datin]", 1),
                      encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(str(root))
    assert "combinations.yml" in str(info.value) and "kinds" in str(info.value)


def test_threshold_and_min_categories_are_settings(ruleset) -> None:
    findings = [_f("debt_advance", 0.3), _f("vague_job", 0.3)]
    assert not score_advert(findings, ruleset, threshold=0.6).flagged
    assert score_advert(findings, ruleset, threshold=0.4).flagged
    assert not score_advert(findings, ruleset, threshold=0.4, min_categories=3).flagged


def test_a_lawful_advert_damps_the_score_and_says_so(ruleset) -> None:
    found = [_f("debt_advance", 0.4), _f("upfront_fee", 0.4)]
    plain = score_advert(found, ruleset)
    lawful = score_advert([*found, _f("lawful_advert", 0.0, "RF0908")], ruleset)
    factor = ruleset.categories["lawful_advert"].damp
    assert 0.0 < factor < 1.0
    assert abs(lawful.value - plain.value * factor) < 1e-9
    assert lawful.damped == (("lawful_advert", factor),) and plain.damped == ()


def test_a_damping_category_must_be_context_only(tmp_path) -> None:
    import shutil
    from pathlib import Path

    import pytest

    from scanner.errors import RuleError
    from scanner.rules.loader import load_rules

    root = tmp_path / "patterns"
    shutil.copytree(Path(__file__).resolve().parents[2] / "patterns", root)
    cats = root / "categories.yml"
    cats.write_text(cats.read_text(encoding="utf-8").replace("context_only: true, damp: 0.7", "damp: 0.7"),
                    encoding="utf-8")
    with pytest.raises(RuleError, match="must be context_only"):
        load_rules(root)
