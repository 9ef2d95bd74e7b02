"""The naive engine the benchmark compares ours with: what the obvious spaCy build costs.

Per language a blank spaCy pipeline with spaCy's stock lemmatizer (pymorphy3 for ru and uk,
lookup tables from spacy-lookups-data for en; spaCy has none for lv, so simplemma runs on
every token as a component) and spaCy's token `Matcher` with ~200 LOWER/LEMMA patterns
made from the rule files' phrases and near alternatives. No caches of our own.
"""
from __future__ import annotations

from collections import defaultdict

import spacy
from spacy.matcher import Matcher

from scanner.rules.loader import RuleSet


def _simplemma_component() -> str:
    """spaCy has no Latvian lemmatizer: simplemma on every token, as a pipeline component."""
    name = "simplemma_lv_lemmatizer"
    if not spacy.Language.has_factory(name):
        import simplemma

        @spacy.Language.component(name)
        def _lemmatize(doc: spacy.tokens.Doc) -> spacy.tokens.Doc:
            for token in doc:
                token.lemma_ = simplemma.lemmatize(token.text, lang="lv")
            return doc

    return name


def pipeline(lang: str) -> spacy.Language:
    """A blank spaCy pipeline for `lang` with spaCy's stock lemmatizer for it."""
    nlp = spacy.blank(lang)
    if lang in ("ru", "uk"):
        nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    elif lang == "en":
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})  # tables from spacy-lookups-data
    else:
        nlp.add_pipe(_simplemma_component())
    nlp.initialize()
    return nlp


def rule_phrases(ruleset: RuleSet, lang: str, limit: int) -> list[tuple[str, str]]:
    """Up to `limit` (rule id, phrase) pairs: every phrase and near alternative of the
    language's rules, taken in turn from each rule so that every rule is represented."""
    per_rule: list[list[tuple[str, str]]] = []
    for rule in ruleset.active:
        alts = dict.fromkeys(alt for p in rule.patterns_for(lang) if p.kind != "feature" for g in p.groups for alt in g)
        if alts:
            per_rule.append([(rule.id, a) for a in alts])
    out: list[tuple[str, str]] = []
    depth = 0
    while len(out) < limit and any(depth < len(r) for r in per_rule):
        out.extend(r[depth] for r in per_rule if depth < len(r))
        depth += 1
    return out[:limit]


def token_pattern(nlp: spacy.Language, phrase: str) -> list[dict[str, str]]:
    """LEMMA for content words (as this pipeline lemmatizes them), LOWER for short ones."""
    return [{"LEMMA": t.lemma_} if t.is_alpha and len(t) > 3 else {"LOWER": t.lower_}
            for t in nlp(phrase.lower()) if not t.is_space]


def token_matcher(nlp: spacy.Language, ruleset: RuleSet, lang: str, limit: int) -> tuple[Matcher, int]:
    """spaCy's token Matcher with up to `limit` patterns, one label per rule; (matcher, patterns)."""
    matcher = Matcher(nlp.vocab)
    by_rule: dict[str, list[list[dict[str, str]]]] = defaultdict(list)
    for rule_id, phrase in rule_phrases(ruleset, lang, limit):
        pattern = token_pattern(nlp, phrase)
        if pattern:
            by_rule[rule_id].append(pattern)
    for rule_id, patterns in by_rule.items():
        matcher.add(rule_id, patterns)
    return matcher, sum(len(p) for p in by_rule.values())
