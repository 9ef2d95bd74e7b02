"""The rule file schema (pydantic, at the edge) and the frozen rule records built from it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..models import LANGS
from .features import FEATURES as FEATURE_FUNCTIONS

STATUSES = ("experimental", "test", "stable", "deprecated")
FEATURES = tuple(FEATURE_FUNCTIONS)  # a rule may name any feature the code defines, and only those
KINDS = ("job", "dating", "unknown")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _words(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise ValueError("empty phrase")
    return value


class PatternModel(_Strict):
    phrase: str | None = None
    near: list[list[str]] | None = None
    feature: Literal[FEATURES] | None = None  # type: ignore[valid-type]
    params: dict[str, float] = Field(default_factory=dict)
    window: int = Field(5, ge=0, le=40)
    ordered: bool = False
    weight: float | None = Field(None, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _one_kind(self) -> PatternModel:
        given = [k for k in ("phrase", "near", "feature") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a pattern needs exactly one of phrase, near, feature (got {given or 'none'})")
        if self.near is not None:
            if not self.near or any(not group for group in self.near):
                raise ValueError("near needs at least one non-empty group")
            for group in self.near:
                for alt in group:
                    if not isinstance(alt, str) or not alt.strip():
                        raise ValueError(f"near alternatives must be non-empty strings, got {alt!r}")
        if self.phrase is not None and not self.phrase.strip():
            raise ValueError("empty phrase")
        return self


class ContextModel(_Strict):
    near: list[str]
    window: int = Field(6, ge=0, le=40)
    factor: float = Field(..., ge=0.0, le=3.0)

    @field_validator("near")
    @classmethod
    def _nonempty(cls, v: list[str]) -> list[str]:
        if not v or any(not isinstance(x, str) or not x.strip() for x in v):
            raise ValueError("context near needs non-empty strings")
        return v


class ExamplesModel(_Strict):
    match: dict[str, list[str]] = Field(default_factory=dict)
    no_match: dict[str, list[str]] = Field(default_factory=dict)


class RuleModel(_Strict):
    id: str
    name: str
    title: str
    category: str
    status: Literal[STATUSES]  # type: ignore[valid-type]
    weight: float = Field(..., ge=0.0, le=1.0)
    kinds: list[Literal[KINDS]] = Field(default_factory=lambda: list(KINDS))  # type: ignore[valid-type]
    languages: list[str]
    references: list[str] = Field(..., min_length=1)
    description: str
    falsepositives: list[str] = Field(default_factory=list)
    patterns: dict[str, list[PatternModel]]
    context: dict[str, list[ContextModel]] = Field(default_factory=dict)
    examples: ExamplesModel

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not re.fullmatch(r"RF\d{4}", v):
            raise ValueError(f"id must look like RF0123, got {v!r}")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError(f"name must be snake_case, got {v!r}")
        return v

    @field_validator("references")
    @classmethod
    def _refs(cls, v: list[str]) -> list[str]:
        for ref in v:
            if not re.match(r"https?://", ref):
                raise ValueError(f"references must be URLs, got {ref!r}")
        return v

    @model_validator(mode="after")
    def _per_language(self) -> RuleModel:
        problems = []
        for lang in self.languages:
            if lang not in LANGS:
                problems.append(f"unknown language {lang!r} (use one of {', '.join(LANGS)}; Ukrainian is 'uk')")
                continue
            feature_only = all(p.feature for p in self.patterns.get(lang, []))
            if not self.patterns.get(lang):
                problems.append(f"no patterns for language {lang!r}")
            if len(self.examples.match.get(lang, [])) < 2:
                problems.append(f"needs at least 2 examples.match for {lang!r}")
            if len(self.examples.no_match.get(lang, [])) < 2 and not feature_only:
                problems.append(f"needs at least 2 examples.no_match for {lang!r}")
        for section, keys in (("patterns", self.patterns), ("context", self.context),
                              ("examples.match", self.examples.match), ("examples.no_match", self.examples.no_match)):
            for lang in keys:
                if lang not in self.languages:
                    problems.append(f"{section} has language {lang!r} not listed in languages")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: str  # phrase | near | feature
    groups: tuple[tuple[str, ...], ...]  # alternatives per group (phrase: one group, one alternative)
    window: int
    ordered: bool
    feature: str | None
    params: tuple[tuple[str, float], ...]
    weight: float | None

    def describe(self) -> str:
        if self.kind == "feature":
            return f"feature {self.feature}"
        if self.kind == "phrase":
            return f'phrase "{self.groups[0][0]}"'
        return "near " + " + ".join("/".join(g) for g in self.groups) + f" (window {self.window})"


@dataclass(frozen=True, slots=True)
class Context:
    terms: tuple[str, ...]
    window: int
    factor: float


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    title: str
    category: str
    status: str
    weight: float
    kinds: tuple[str, ...]
    languages: tuple[str, ...]
    references: tuple[str, ...]
    description: str
    falsepositives: tuple[str, ...]
    patterns: tuple[tuple[str, tuple[Pattern, ...]], ...]  # (lang, patterns)
    context: tuple[tuple[str, tuple[Context, ...]], ...]
    examples_match: tuple[tuple[str, tuple[str, ...]], ...]
    examples_no_match: tuple[tuple[str, tuple[str, ...]], ...]
    path: str

    def patterns_for(self, lang: str) -> tuple[Pattern, ...]:
        return dict(self.patterns).get(lang, ())

    def context_for(self, lang: str) -> tuple[Context, ...]:
        return dict(self.context).get(lang, ())


def rule_from_model(m: RuleModel, path: str) -> Rule:
    def pattern(p: PatternModel) -> Pattern:
        if p.phrase is not None:
            groups: tuple[tuple[str, ...], ...] = ((p.phrase.strip(),),)
            kind = "phrase"
        elif p.near is not None:
            groups = tuple(tuple(a.strip() for a in g) for g in p.near)
            kind = "near"
        else:
            groups, kind = (), "feature"
        return Pattern(kind, groups, p.window, p.ordered, p.feature, tuple(sorted(p.params.items())), p.weight)

    return Rule(
        id=m.id, name=m.name, title=m.title, category=m.category, status=m.status, weight=m.weight,
        kinds=tuple(m.kinds), languages=tuple(m.languages), references=tuple(m.references),
        description=m.description.strip(), falsepositives=tuple(m.falsepositives),
        patterns=tuple((lang, tuple(pattern(p) for p in ps)) for lang, ps in m.patterns.items()),
        context=tuple((lang, tuple(Context(tuple(c.near), c.window, c.factor) for c in cs))
                      for lang, cs in m.context.items()),
        examples_match=tuple((k, tuple(v)) for k, v in m.examples.match.items()),
        examples_no_match=tuple((k, tuple(v)) for k, v in m.examples.no_match.items()),
        path=path,
    )
