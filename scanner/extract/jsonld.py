"""schema.org JSON-LD: adverts that a page describes in its own structured data.

Input: the texts of ``<script type="application/ld+json">`` blocks. Output:
`Structured` records for JobPosting (job boards) and ProfilePage / Person /
Offer (dating boards). Broken JSON, odd nesting and hostile depth are skipped,
never raised.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from .text import html_to_text

MAX_JSONLD_CHARS = 1_000_000
MAX_DEPTH = 12

ADVERT_TYPES: Mapping[str, frozenset[str]] = {
    "job": frozenset({"JobPosting"}),
    "dating": frozenset({"ProfilePage", "Person", "Offer"}),
    "unknown": frozenset({"JobPosting"}),
}
_COMMENT = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")


@dataclass(frozen=True, slots=True)
class Structured:
    """What one schema.org object says about an advert (`description` as plain text)."""

    type: str
    title: str = ""
    description: str = ""
    identifier: str = ""
    url: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)


def read_jsonld(scripts: Iterable[str], kind: str) -> list[Structured]:
    """The advert objects (of the types wanted for `kind`) in these script texts."""
    wanted = ADVERT_TYPES.get(kind, ADVERT_TYPES["unknown"])
    found: list[Structured] = []
    for text in scripts:
        for obj in _objects(_load(text)):
            kind_name = _type_of(obj, wanted)
            try:
                if kind_name:
                    found.append(_structured(kind_name, obj))
            except RecursionError:  # {"name": {"name": ...}} nested past the stack
                continue
    # A ProfilePage wraps its Person: keep the outer one only.
    if any(s.type == "ProfilePage" for s in found):
        found = [s for s in found if s.type != "Person"]
    return found


def _load(text: str) -> Any:
    if len(text) > MAX_JSONLD_CHARS:
        return None
    for candidate in (text, _COMMENT.sub("", text.strip())):
        try:
            # strict=False: raw newlines and tabs inside strings are common in the wild.
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _objects(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object in the data, outer ones first (lists and @graph walked)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "itemListElement", "item"):
            if key in data:
                yield from _objects(data[key], depth + 1)


def _type_of(obj: Mapping[str, Any], wanted: frozenset[str]) -> str:
    types = obj.get("@type")
    for name in types if isinstance(types, list) else [types]:
        if isinstance(name, str):
            short = name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            if short in wanted:
                return short
    return ""


def _structured(type_name: str, obj: Mapping[str, Any]) -> Structured:
    if type_name == "ProfilePage":
        person = obj.get("mainEntity") if isinstance(obj.get("mainEntity"), dict) else {}
        merged = {**person, **{k: v for k, v in obj.items() if k not in person or k == "url"}}
        return _structured_person(merged, "ProfilePage")
    if type_name == "Person":
        return _structured_person(obj, "Person")
    if type_name == "Offer":
        return _structured_offer(obj)
    return _structured_job(obj)


def _structured_job(obj: Mapping[str, Any]) -> Structured:
    org = obj.get("hiringOrganization")
    contact = obj.get("applicationContact")
    fields = {
        "employer": _name(org),
        "pay": _salary(obj.get("baseSalary") or obj.get("estimatedSalary")),
        "location": _places(obj.get("jobLocation")) or _text(obj.get("applicantLocationRequirements")),
        "contact": _contact(contact) or _contact(org),
        "posted": _text(obj.get("datePosted")),
    }
    return Structured(type="JobPosting", title=_text(obj.get("title")) or _text(obj.get("name")),
                      description=html_to_text(_text(obj.get("description"))),
                      identifier=_identifier(obj.get("identifier")),
                      url=_text(obj.get("url")), fields={k: v for k, v in fields.items() if v})


def _structured_person(obj: Mapping[str, Any], type_name: str) -> Structured:
    about = html_to_text(_text(obj.get("description")) or _text(obj.get("about")))
    fields = {
        "location": _places(obj.get("homeLocation")) or _places(obj.get("address")),
        "contact": _contact(obj),
        "posted": _text(obj.get("dateCreated")) or _text(obj.get("datePublished")),
    }
    return Structured(type=type_name, title=_text(obj.get("name")) or _text(obj.get("headline")),
                      description=about, identifier=_identifier(obj.get("identifier")),
                      url=_text(obj.get("url")), fields={k: v for k, v in fields.items() if v})


def _structured_offer(obj: Mapping[str, Any]) -> Structured:
    price = _text(obj.get("price"))
    fields = {
        "employer": _name(obj.get("seller") or obj.get("offeredBy")),
        "pay": f"{price} {_text(obj.get('priceCurrency'))}".strip() if price else "",
        "location": _places(obj.get("areaServed") or obj.get("availableAtOrFrom")),
        "contact": _contact(obj.get("seller") or obj.get("offeredBy")),
        "posted": _text(obj.get("validFrom")),
    }
    return Structured(type="Offer", title=_text(obj.get("name")),
                      description=html_to_text(_text(obj.get("description"))),
                      identifier=_identifier(obj.get("identifier") or obj.get("sku")), url=_text(obj.get("url")),
                      fields={k: v for k, v in fields.items() if v})


# --- small readers for schema.org values: each takes anything and returns a string --------

def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or value.get("value"))
    if isinstance(value, list):
        return ", ".join(t for t in (_text(v) for v in value[:10]) if t)
    return ""


def _name(value: Any) -> str:
    return _text(value.get("name")) if isinstance(value, dict) else _text(value)


def _identifier(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("value")) or _text(value.get("@id")) or _text(value.get("name"))
    return _text(value[0] if isinstance(value, list) and value else value)


def _salary(value: Any) -> str:
    """``{"currency": "EUR", "value": {"minValue": 1200, "maxValue": 1500, "unitText": "MONTH"}}``
    -> ``"1200–1500 EUR/MONTH"``."""
    if not isinstance(value, dict):
        return _text(value)
    inner = value.get("value")
    currency = _text(value.get("currency"))
    unit = _text(value.get("unitText"))
    if isinstance(inner, dict):
        low, high = _text(inner.get("minValue")), _text(inner.get("maxValue"))
        amount = f"{low}–{high}" if low and high and low != high else (low or high or _text(inner.get("value")))
        unit = _text(inner.get("unitText")) or unit
    else:
        amount = _text(inner)
    text = " ".join(p for p in (amount, currency) if p)
    return f"{text}/{unit}" if text and unit else text


def _places(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    return "; ".join(p for p in (_place(v) for v in items[:10]) if p)


def _place(value: Any) -> str:
    if not isinstance(value, dict):
        return _text(value)
    address = value.get("address", value)
    if not isinstance(address, dict):
        return _text(address) or _text(value.get("name"))
    parts = [_text(address.get(k)) for k in ("streetAddress", "addressLocality", "addressRegion", "addressCountry")]
    return ", ".join(dict.fromkeys(p for p in parts if p)) or _text(value.get("name"))


def _contact(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(c for c in (_contact(v) for v in value[:5]) if c)
    if not isinstance(value, dict):
        return ""
    parts = [_text(value.get(k)) for k in ("telephone", "email") if k in value]
    return ", ".join(p for p in parts if p)
