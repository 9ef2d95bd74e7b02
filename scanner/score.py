"""Stage: score. Input: findings and the rule set. Output: `Score`.

One indicator alone means little (98% of ordinary work-abroad adverts have one, per
Volodko et al.), so: within a category only the strongest hit counts; categories
combine as a noisy-OR (1 − Π(1 − w)); combinations from patterns/combinations.yml add
a bonus (some only in adverts of the kinds they name); context-only categories count only
beside a real indicator; and an advert is flagged only with a score at the threshold AND
at least `min_categories` distinct non-context categories (or a combination marked `flag`,
which is several indicators in one: a strong category together with its typical
companions). A category with `damp` below 1 (a lawful advert: employer, registration
number, pay and a written contract, all outside the lure sentences) multiplies the score
by it. Adding red-flag findings can only raise the score (monotone): the damping finding
is read only from sentences in which no rule fired.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from .models import FORMS, CategoryScore, Combination, Finding, Score
from .rules.loader import RuleSet


def category_scores(findings: Iterable[Finding]) -> dict[str, CategoryScore]:
    best: dict[str, float] = {}
    rules: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        best[f.category] = max(best.get(f.category, 0.0), f.weight)
        rules[f.category].add(f.rule)
    return {c: CategoryScore(c, w, tuple(sorted(rules[c]))) for c, w in best.items()}


# A category whose strongest hit a negation or warning frame damped below this is still
# explained and still adds its small weight, but no longer counts as an indicator that is
# present (for the indicator count and for combinations).
PRESENT = 0.105


def score_advert(findings: Iterable[Finding], ruleset: RuleSet, *, threshold: float = 0.5,
                 min_categories: int = 2, kind: str = "unknown") -> Score:
    findings = list(findings)
    cats = category_scores(findings)
    context_only = {c for c in cats if ruleset.categories[c].context_only}
    real = [c for c in cats if c not in context_only and cats[c].weight >= PRESENT]
    counted = [cats[c] for c in cats if real and (c in real or c in context_only)]
    rest = 1.0
    for c in counted:
        rest *= 1.0 - c.weight
    value = 1.0 - rest if counted else 0.0
    present = {c for c in cats if cats[c].weight >= PRESENT}
    combos = tuple(
        Combination(cb.id, cb.title, cb.all + tuple(c for c in cb.any if c in present), cb.bonus, cb.flag)
        for cb in ruleset.combinations
        if real and kind in cb.kinds and present.issuperset(cb.all) and (not cb.any or not present.isdisjoint(cb.any))
    )
    value = min(1.0, value + sum(c.bonus for c in combos))
    # Categories that damp (an advert that meets Darba likums s. 32: employer, registration
    # number, pay and a written contract) scale the whole score down, once each.
    damped = tuple((c, ruleset.categories[c].damp) for c in sorted(cats) if ruleset.categories[c].damp < 1.0)
    for _category, factor in damped:
        value *= factor
    # A combination marked `flag` is itself several indicators (e.g. money offered for a
    # marriage plus a paid trip), so it may stand in for the category count.
    flagged = value >= threshold - 1e-9 and (len(real) >= min_categories or any(c.flag for c in combos))
    form_scores = {form: 0.0 for form in FORMS}
    for c in counted:
        for form, affinity in ruleset.categories[c.category].forms.items():
            form_scores[form] += c.weight * affinity
    form = max(form_scores, key=lambda f: form_scores[f]) if flagged and any(form_scores.values()) else "none"
    ordered = tuple(sorted(cats.values(), key=lambda c: -c.weight))
    return Score(value, flagged, form, ordered, combos, {k: round(v, 4) for k, v in form_scores.items()}, damped)
