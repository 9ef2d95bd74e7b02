"""The whole story of one advert: normalize, find languages, read evidence, match
rules, explain, score. `Scanner` holds what is expensive to build (compiled rules,
lemma caches); `scan_text` is the one-call library entry point.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Iterator, TypeVar

from .evidence import RawEvidence, extract_evidence
from .language import Sentence, advert_language, detect_sentences
from .models import Advert, AgeLimit, Contact, Evidence, Finding, Pay, ScanResult, Score, Segment
from .normalize import NormText, normalize_text
from .rules.features import FeatureInput
from .rules.loader import RuleSet, load_rules
from .rules.match import Hit, Matcher
from .score import score_advert
from .settings import Settings

_Spanned = TypeVar("_Spanned", Contact, Pay, AgeLimit)


class Scanner:
    """Scans adverts with one compiled rule set. Build once, reuse for many adverts."""

    def __init__(self, settings: Settings | None = None, ruleset: RuleSet | None = None) -> None:
        self.settings = settings or Settings()
        self.ruleset = ruleset or load_rules(self.settings.patterns_dir)
        self.matcher = Matcher(self.ruleset)

    def scan(self, advert: Advert) -> ScanResult:
        text = advert.full_text[: self.settings.max_text_chars]
        norm = normalize_text(text)
        sentences = detect_sentences(norm.text, advert.lang, self.settings.lingua_min_chars)
        lang = advert.lang or advert_language(sentences)
        raw = extract_evidence(norm.text)
        features = FeatureInput(norm, raw, advert.kind, advert.fields)
        hits = self.matcher.match(norm.text, sentences, advert.kind, features, lang)
        findings = tuple(sorted((self._explain(h, norm) for h in hits), key=lambda f: (f.start, f.rule)))
        score = self.score(findings, advert.kind)
        return ScanResult(advert, text, lang, _segments(sentences, norm), findings,
                          _evidence(raw, norm), score, self.ruleset.hash)

    def score(self, findings: tuple[Finding, ...], kind: str, threshold: float | None = None) -> Score:
        """The findings scored with this scanner's settings (`threshold` overrides its own)."""
        return score_advert(findings, self.ruleset, kind=kind, min_categories=self.settings.min_categories,
                            threshold=self.settings.score_threshold if threshold is None else threshold)

    def scan_many(self, adverts: Iterable[Advert]) -> Iterator[ScanResult]:
        for advert in adverts:
            yield self.scan(advert)

    @staticmethod
    def _explain(hit: Hit, norm: NormText) -> Finding:
        start, end = norm.to_orig(hit.start, hit.end)
        rule = hit.rule
        return Finding(rule.id, rule.category, start, end, norm.original[start:end], hit.lang, hit.weight,
                       rule.weight, rule.title, rule.references[0], hit.reason)


def _segments(sentences: list[Sentence], norm: NormText) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for s in sentences:
        start, end = norm.to_orig(s.start, s.end)
        if out and out[-1].lang == s.lang:
            last = out[-1]
            out[-1] = Segment(last.start, end, last.lang, min(last.confidence, s.confidence), last.method)
        else:
            out.append(Segment(start, end, s.lang, s.confidence, s.method))
    return tuple(out)


def _evidence(raw: RawEvidence, norm: NormText) -> Evidence:
    def moved(item: _Spanned) -> _Spanned:
        """The item with its span in the original text."""
        start, end = norm.to_orig(item.start, item.end)
        return replace(item, start=start, end=end)

    return Evidence(tuple(map(moved, raw.contacts)), tuple(map(moved, raw.pay)), tuple(map(moved, raw.ages)),
                    raw.employer_id, tuple(norm.to_orig(a, b) for a, b in norm.mixed_script))


@lru_cache(maxsize=4)
def default_scanner(patterns_dir: str | None = None) -> Scanner:
    settings = Settings() if patterns_dir is None else Settings(patterns_dir=patterns_dir)
    return Scanner(settings)


def scan_text(text: str, *, lang: str | None = None, kind: str = "unknown", title: str = "",
              advert_id: str = "text", scanner: Scanner | None = None) -> ScanResult:
    """Scan one text with the bundled rules: ``scan_text("Darbs ārzemēs ...").flagged``."""
    advert = Advert(id=advert_id, text=text, title=title, kind=kind, lang=lang)  # type: ignore[arg-type]
    return (scanner or default_scanner()).scan(advert)
