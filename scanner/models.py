"""Frozen records passed between the pipeline stages.

fetch -> FetchResult -> extract -> Advert -> normalize/language/match -> Finding
-> score -> ScanResult -> store. Offsets (``start``/``end``) always index the
*original* advert text (``Advert.text``), never a normalized copy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

Lang = Literal["lv", "ru", "uk", "en", "other"]
LANGS: tuple[str, ...] = ("lv", "ru", "uk", "en")
Kind = Literal["job", "dating", "unknown"]
FORMS: tuple[str, ...] = ("labour", "sexual", "marriage", "begging_crime", "documents", "fee_scam")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One HTTP exchange as the fetcher saw it."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    fetched_at: str  # ISO 8601, UTC
    elapsed: float = 0.0
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True, slots=True)
class Advert:
    """One advert's text and what is known about where it came from."""

    id: str
    text: str
    title: str = ""
    kind: Kind = "unknown"
    lang: str | None = None  # a hint; detection decides when None
    url: str | None = None
    source: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)  # employer, pay, location, contact, posted

    @property
    def full_text(self) -> str:
        """Title and body as one text: the string every offset indexes."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the text in one language (offsets into the original text)."""

    start: int
    end: int
    lang: str
    confidence: float
    method: str  # "script", "letters", "words", "lingua", "hint", "advert"


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str  # phone, email, telegram, whatsapp, viber, signal, instagram, url
    value: str  # normalized: E.164 for phones, lower-case handle or address
    start: int
    end: int
    obfuscated: bool = False  # written with words, symbols or look-alike letters


# Rough rates for pay thresholds (not for accounting): euros per unit of each currency, and
# how many of each pay period make a month.
EUR_PER_UNIT = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "PLN": 0.23, "RUB": 0.011, "UAH": 0.023, "NOK": 0.086,
                "SEK": 0.088, "DKK": 0.134, "CHF": 1.05, "CZK": 0.04, "ISK": 0.0067, "AED": 0.25,
                "ILS": 0.25, "TRY": 0.027, "QAR": 0.25, "SAR": 0.25}
PER_MONTH = {"hour": 168.0, "day": 22.0, "week": 4.33, "month": 1.0, "year": 1 / 12, "unknown": 1.0}


@dataclass(frozen=True, slots=True)
class Pay:
    amount_min: float
    amount_max: float
    currency: str  # ISO 4217
    period: str  # hour, day, week, month, year, unknown
    start: int
    end: int

    @property
    def monthly_eur(self) -> float:
        """The upper amount as a monthly figure in euros (rough, for thresholds only)."""
        return self.amount_max * EUR_PER_UNIT.get(self.currency, 1.0) * PER_MONTH[self.period]


@dataclass(frozen=True, slots=True)
class AgeLimit:
    low: int | None
    high: int | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """Facts read from the text that are not red flags by themselves."""

    contacts: tuple[Contact, ...] = ()
    pay: tuple[Pay, ...] = ()
    ages: tuple[AgeLimit, ...] = ()
    employer_id: str | None = None  # a registration number found in the text
    mixed_script_words: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule hit, explained: what fired, where, how strongly and why."""

    rule: str
    category: str
    start: int
    end: int
    text: str
    lang: str
    weight: float  # after context
    base_weight: float
    title: str
    source: str  # the first reference of the rule (URL)
    reason: str = ""  # e.g. which pattern matched, which context changed the weight


@dataclass(frozen=True, slots=True)
class CategoryScore:
    category: str
    weight: float
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Combination:
    id: str
    title: str
    categories: tuple[str, ...]
    bonus: float
    flag: bool = False


@dataclass(frozen=True, slots=True)
class Score:
    value: float  # in [0, 1]
    flagged: bool
    form: str  # one of FORMS, or "none"
    categories: tuple[CategoryScore, ...]
    combinations: tuple[Combination, ...]
    form_scores: Mapping[str, float] = field(default_factory=dict)
    damped: tuple[tuple[str, float], ...] = ()  # (category, factor) that scaled the score down


@dataclass(frozen=True, slots=True)
class ScanResult:
    advert: Advert
    text: str  # the text that was scanned (Advert.full_text); offsets index this
    lang: str
    segments: tuple[Segment, ...]
    findings: tuple[Finding, ...]
    evidence: Evidence
    score: Score
    ruleset: str  # hash of the rule set that produced this result

    @property
    def flagged(self) -> bool:
        return self.score.flagged

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `redflag scan` and of stored scan results."""
        return {
            "id": self.advert.id,
            "flagged": self.score.flagged,
            "score": round(self.score.value, 4),
            "lang": self.lang,
            "form": self.score.form,
            "kind": self.advert.kind,
            "matches": [
                {"rule": f.rule, "category": f.category, "start": f.start, "end": f.end, "text": f.text,
                 "lang": f.lang, "weight": round(f.weight, 4), "base_weight": round(f.base_weight, 4),
                 "title": f.title, "source": f.source, "reason": f.reason}
                for f in self.findings
            ],
            "categories": {c.category: round(c.weight, 4) for c in self.score.categories},
            "combinations": [c.id for c in self.score.combinations],
            "damped": {category: factor for category, factor in self.score.damped},
            "contacts": [{"kind": c.kind, "value": c.value, "start": c.start, "end": c.end,
                          "obfuscated": c.obfuscated} for c in self.evidence.contacts],
            "segments": [{"start": s.start, "end": s.end, "lang": s.lang} for s in self.segments],
            "ruleset": self.ruleset,
        }
