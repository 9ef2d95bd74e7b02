"""Sources: the boards to crawl, read from a TOML file or made from one URL.

Stage: configuration at the edge of the crawl. Input: a sources file
(``[[source]]`` tables) or a URL given on the command line. Output: frozen
`Source` records. No side effects beyond reading the file.

The smallest entry needs three keys; everything else has a default::

    [[source]]
    name = "example"
    start_urls = ["https://board.example/jobs/"]
    kind = "job"        # or "dating"

The file is validated with pydantic (unknown keys are errors) and *every*
problem is reported at once, each naming the file, the source and the key,
with a "did you mean" for misspelt keys.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import soupsieve
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from .discover import normalize_url
from .errors import ConfigError
from .models import Kind

FIELD_NAMES: tuple[str, ...] = ("employer", "pay", "location", "contact", "posted")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# Selectors are checked twice: soupsieve parses strictly ("a[href" is an error there,
# an empty match in lexbor), and lexbor, which runs them, reports a selector it cannot
# run only when it is used, which a crawl should not be the first to do.
_PROBE = LexborHTMLParser("<p></p>")


class SourcesError(ConfigError):
    """A sources file is invalid; carries every problem found, each naming file, source and key."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in sources file {path}"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "problems": self.problems}


# --- the records the crawler uses ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Selectors:
    """CSS selectors for the parts of an advert page (None = find it generically)."""

    title: str | None = None
    body: str | None = None
    employer: str | None = None
    pay: str | None = None
    location: str | None = None
    contact: str | None = None
    posted: str | None = None

    def fields(self) -> dict[str, str]:
        """The selectors of `Advert.fields` entries that are set."""
        return {name: sel for name in FIELD_NAMES if (sel := getattr(self, name))}


@dataclass(frozen=True, slots=True)
class Politeness:
    """Per-source overrides of the politeness settings (None = use `Settings`)."""

    min_delay: float | None = None
    polite: bool | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One board to crawl."""

    name: str
    start_urls: tuple[str, ...]
    kind: Kind = "unknown"
    lang: str | None = None  # a hint for language detection
    link_selector: str | None = None  # links to follow; default: content links of the page
    next_selector: str | None = None  # pagination links; default: rel=next and pager links
    advert_url_patterns: tuple[str, ...] = ()  # regexes searched in the full URL
    exclude_url_patterns: tuple[str, ...] = ()
    selectors: Selectors = field(default_factory=Selectors)
    max_pages: int | None = None  # None = Settings.max_pages
    politeness: Politeness = field(default_factory=Politeness)
    sitemaps: bool = True  # read robots.txt sitemaps and /sitemap.xml

    def is_advert_url(self, url: str) -> bool:
        """True when an advert URL pattern matches (always False without patterns)."""
        return any(_compiled(p).search(url) for p in self.advert_url_patterns)

    def is_excluded(self, url: str) -> bool:
        return any(_compiled(p).search(url) for p in self.exclude_url_patterns)


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --- the file schema (pydantic, at the edge only) -----------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _SelectorsModel(_Strict):
    title: str | None = None
    body: str | None = None
    employer: str | None = None
    pay: str | None = None
    location: str | None = None
    contact: str | None = None
    posted: str | None = None

    @field_validator("*")
    @classmethod
    def _css(cls, value: str | None) -> str | None:
        return _check_selector(value)


class _PolitenessModel(_Strict):
    min_delay: float | None = Field(default=None, ge=0, le=3600)
    polite: bool | None = None


class _SourceModel(_Strict):
    name: str
    start_urls: list[str] = Field(min_length=1)
    kind: Literal["job", "dating", "unknown"]
    lang: Literal["lv", "ru", "uk", "en"] | None = None
    link_selector: str | None = None
    next_selector: str | None = None
    advert_url_patterns: list[str] = []
    exclude_url_patterns: list[str] = []
    selectors: _SelectorsModel = _SelectorsModel()
    max_pages: int | None = Field(default=None, ge=1)
    politeness: _PolitenessModel = _PolitenessModel()
    sitemaps: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use 1-64 letters, digits, '.', '_' or '-' (it prefixes advert ids)")
        return value

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        return [_check_url(v) for v in values]

    @field_validator("link_selector", "next_selector")
    @classmethod
    def _css(cls, value: str | None) -> str | None:
        return _check_selector(value)

    @field_validator("advert_url_patterns", "exclude_url_patterns")
    @classmethod
    def _regexes(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regular expression {value!r}: {exc}") from exc
        return values


class _FileModel(_Strict):
    source: list[_SourceModel] = Field(min_length=1)


def _check_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL with a host")
    return normalize_url(value.strip())


def _check_selector(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        soupsieve.compile(value)
        _PROBE.css(value)
    except (SelectolaxError, soupsieve.SelectorSyntaxError, ValueError) as exc:
        reason = str(exc).splitlines()[0]
        raise ValueError(f"bad CSS selector {value!r}: {reason}") from exc
    return value


# --- loading ------------------------------------------------------------------------------

def load_sources(path: str | Path) -> tuple[Source, ...]:
    """Read and validate a sources file; raises `SourcesError` listing every problem."""
    data = _read_toml(Path(path))
    try:
        model = _FileModel.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(err, data, str(path)) for err in exc.errors(include_url=False)]
        raise SourcesError(str(path), problems + _duplicate_names(data, str(path))) from None
    problems = _duplicate_names(data, str(path))
    if problems:
        raise SourcesError(str(path), problems)
    return tuple(_to_source(m) for m in model.source)


def source_from_url(url: str, kind: str = "unknown") -> Source:
    """A source for `redflag crawl URL`: every option at its default, named after the host."""
    if kind not in ("job", "dating", "unknown"):
        raise ConfigError(f"unknown advert kind {kind!r} (use job, dating or unknown)")
    try:
        start = _check_url(url)
    except ValueError as exc:
        raise ConfigError(f"cannot crawl {url!r}: {exc}") from None
    host = urlsplit(start).hostname or "site"
    name = host.removeprefix("www.")[:64]
    return Source(name=name, start_urls=(start,), kind=kind)  # type: ignore[arg-type]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"sources file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from None


def _to_source(m: _SourceModel) -> Source:
    return Source(
        name=m.name, start_urls=tuple(dict.fromkeys(m.start_urls)), kind=m.kind, lang=m.lang,
        link_selector=m.link_selector, next_selector=m.next_selector,
        advert_url_patterns=tuple(m.advert_url_patterns), exclude_url_patterns=tuple(m.exclude_url_patterns),
        selectors=Selectors(**m.selectors.model_dump()), max_pages=m.max_pages,
        politeness=Politeness(**m.politeness.model_dump()), sitemaps=m.sitemaps,
    )


# --- turning pydantic's errors into our messages ------------------------------------------

_KNOWN_KEYS: dict[tuple[str, ...], list[str]] = {
    (): list(_FileModel.model_fields),
    ("source",): list(_SourceModel.model_fields),
    ("source", "selectors"): list(_SelectorsModel.model_fields),
    ("source", "politeness"): list(_PolitenessModel.model_fields),
}


def _problem(err: Any, data: dict[str, Any], path: str) -> str:
    loc = tuple(err["loc"])
    where = _where(loc, data)
    keys = tuple(str(x) for x in loc if not isinstance(x, int))
    key = ".".join(keys[1:] if keys[:1] == ("source",) and len(keys) > 1 else keys)
    if err["type"] == "extra_forbidden":
        known = _KNOWN_KEYS.get(keys[:-1], [])
        return f"{path}: {where}: unknown key {key!r}{_did_you_mean(keys[-1], known)}"
    if loc == ("source",) and err["type"] in ("list_type", "too_short", "missing"):
        return f"{path}: no sources: add at least one [[source]] table (with double brackets)"
    if err["type"] == "missing":
        return f"{path}: {where}: missing key {key!r}"
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{path}: {where}: {key}: {message}"


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    if len(loc) < 2 or loc[0] != "source" or not isinstance(loc[1], int):
        return "top level"
    entries = data.get("source")
    entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"source {name!r}" if isinstance(name, str) else f"source #{loc[1] + 1}"


def _did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"


def _duplicate_names(data: dict[str, Any], path: str) -> list[str]:
    entries = data.get("source")
    if not isinstance(entries, list):
        return []
    names = [e.get("name") for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    return [f"{path}: source {n!r}: the name is used by {names.count(n)} sources; names must be unique"
            for n in repeated]
