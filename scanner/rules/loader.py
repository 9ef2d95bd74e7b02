"""Load and validate the rule set: rule files, categories and combinations.

Every problem in every file is collected and raised together as one `RuleError`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import RuleError
from ..models import FORMS
from .schema import KINDS, Rule, RuleModel, rule_from_model

SPECIAL_FILES = ("categories.yml", "combinations.yml", "context.yml")


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    group: str
    title: str
    forms: Mapping[str, float]
    context_only: bool
    damp: float = 1.0  # < 1: the advert's whole score is multiplied by it when this category is present


@dataclass(frozen=True, slots=True)
class CombinationRule:
    id: str
    title: str
    all: tuple[str, ...]
    any: tuple[str, ...]
    bonus: float
    flag: bool  # enough to flag on its own (with the score at the threshold)
    kinds: tuple[str, ...]  # the advert kinds it applies to


@dataclass(frozen=True, slots=True)
class GlobalContext:
    """A sentence frame that changes every hit near it (patterns/context.yml)."""

    id: str
    title: str
    factor: float
    window: int
    terms: Mapping[str, tuple[str, ...]]  # per language
    scope: str = "sentence"  # "sentence": near the hit; "advert": anywhere, with min_terms distinct terms
    min_terms: int = 1
    # advert frames only: alarm words a lure borrows as readily as a warning does ("beware of
    # fraudsters", "scam alert"); they count towards min_terms only beside a term that is not weak
    weak_terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # advert frames only: words with which a writer turns from the warning to an offer of
    # their own ("but if you want to really earn, our club needs ..."); hits after the first
    # such turn that follows a frame term are not changed by the frame
    turn_terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    categories: Mapping[str, Category]
    combinations: tuple[CombinationRule, ...]
    hash: str  # sha256 over every rule file's bytes, first 16 hex digits
    contexts: tuple[GlobalContext, ...] = ()

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def active(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.status != "deprecated")


class _CategoryModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group: str
    title: str
    forms: dict[str, float]
    context_only: bool = False
    damp: float = Field(1.0, gt=0.0, le=1.0)


class _CombinationModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    all: list[str] = Field(..., min_length=1)
    any: list[str] = Field(default_factory=list)
    bonus: float = Field(..., ge=0.0, le=1.0)
    flag: bool = False
    kinds: list[Literal[KINDS]] = Field(default_factory=lambda: list(KINDS))  # type: ignore[valid-type]


class _GlobalContextModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    factor: float = Field(..., ge=0.0, le=3.0)
    window: int = Field(10, ge=0, le=40)
    near: dict[str, list[str]]
    scope: Literal["sentence", "advert"] = "sentence"
    min_terms: int = Field(1, ge=1, le=10)
    weak: dict[str, list[str]] = Field(default_factory=dict)
    turn: dict[str, list[str]] = Field(default_factory=dict)


def _load_contexts(root: Path, problems: list[str]) -> tuple[GlobalContext, ...]:
    path = root / "context.yml"
    if not path.exists():
        return ()
    out = []
    for raw in (_read_yaml(path, problems) or {}).get("contexts") or []:
        try:
            m = _GlobalContextModel.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(path, exc))
            continue
        bad = [lang for lang in (*m.near, *m.weak, *m.turn) if lang not in ("lv", "ru", "uk", "en")]
        if bad:
            problems.append(f"{path}: {m.id}: unknown languages {bad}")
        if m.weak and m.scope != "advert":
            problems.append(f"{path}: {m.id}: weak terms are for advert frames (scope: advert) only")
        if m.turn and m.scope != "advert":
            problems.append(f"{path}: {m.id}: turn terms are for advert frames (scope: advert) only")
        out.append(GlobalContext(m.id, m.title, m.factor, m.window, _per_language(m.near),
                                 m.scope, m.min_terms, _per_language(m.weak), _per_language(m.turn)))
    return tuple(out)


def _per_language(terms: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(words) for lang, words in terms.items()}


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        problems.append(f"{path}: cannot read YAML: {str(exc).splitlines()[0]}")
        return None


def _pydantic_problems(path: Path, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err["loc"]) or "(file)"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{path}: {where}: {msg}")
    return out


def _load_categories(root: Path, problems: list[str]) -> dict[str, Category]:
    data = _read_yaml(root / "categories.yml", problems) or {}
    out: dict[str, Category] = {}
    for cid, raw in (data.get("categories") or {}).items():
        try:
            m = _CategoryModel.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(root / "categories.yml", exc))
            continue
        bad = [f for f in m.forms if f not in FORMS]
        if bad:
            problems.append(f"{root / 'categories.yml'}: {cid}: unknown forms {bad} (use {', '.join(FORMS)})")
        if m.damp < 1.0 and not m.context_only:
            problems.append(f"{root / 'categories.yml'}: {cid}: a category that damps the score must be context_only")
        out[cid] = Category(cid, m.group, m.title, dict(m.forms), m.context_only, m.damp)
    if not out:
        problems.append(f"{root / 'categories.yml'}: no categories")
    return out


def _load_combinations(root: Path, categories: Mapping[str, Category], problems: list[str]) -> tuple[CombinationRule, ...]:
    path = root / "combinations.yml"
    if not path.exists():
        return ()
    data = _read_yaml(path, problems) or {}
    out = []
    for raw in data.get("combinations") or []:
        try:
            m = _CombinationModel.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(path, exc))
            continue
        unknown = [c for c in (*m.all, *m.any) if c not in categories]
        if unknown:
            problems.append(f"{path}: {m.id}: unknown categories {unknown}")
        if m.flag and all(categories[c].context_only for c in m.all if c in categories):
            problems.append(f"{path}: {m.id}: a combination that flags needs a non-context category in `all`")
        out.append(CombinationRule(m.id, m.title, tuple(m.all), tuple(m.any), m.bonus, m.flag, tuple(m.kinds)))
    return tuple(out)


def _load_rule(path: Path, root: Path, categories: Mapping[str, Category], problems: list[str]) -> Rule | None:
    raw = _read_yaml(path, problems)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(f"{path}: a rule file must be a mapping, got {type(raw).__name__}")
        return None
    try:
        model = RuleModel.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(path, exc))
        return None
    if model.category not in categories:
        problems.append(f"{path}: category {model.category!r} is not in categories.yml")
    if path.parent.name != model.category:
        problems.append(f"{path}: rule of category {model.category!r} must live in patterns/{model.category}/")
    if not path.name.startswith(model.id + "-"):
        problems.append(f"{path}: file name must start with the rule id ({model.id}-...)")
    return rule_from_model(model, str(path.relative_to(root.parent) if root.parent in path.parents else path))


def load_rules(patterns_dir: str | Path) -> RuleSet:
    """Load every rule under `patterns_dir`; raise RuleError listing all problems."""
    root = Path(patterns_dir)
    if not root.is_dir():
        raise RuleError([f"{root}: rule folder not found"])
    problems: list[str] = []
    categories = _load_categories(root, problems)
    combinations = _load_combinations(root, categories, problems)
    contexts = _load_contexts(root, problems)
    files = sorted(p for p in root.rglob("*.yml") if p.name not in SPECIAL_FILES)
    digest = hashlib.sha256()
    rules: list[Rule] = []
    for path in [*(root / name for name in SPECIAL_FILES), *files]:
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in files:
        rule = _load_rule(path, root, categories, problems)
        if rule is not None:
            rules.append(rule)
    for attr in ("id", "name"):
        seen: dict[str, str] = {}
        for r in rules:
            value = getattr(r, attr)
            if value in seen:
                problems.append(f"{r.path}: duplicate {attr} {value!r} (also in {seen[value]})")
            seen[value] = r.path
    if problems:
        raise RuleError(problems)
    return RuleSet(tuple(sorted(rules, key=lambda r: r.id)), categories, combinations, digest.hexdigest()[:16],
                   contexts)
