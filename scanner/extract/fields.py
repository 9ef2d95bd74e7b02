"""Advert fields found without selectors: labelled lines, contact links, microdata.

Input: advert text or a parsed page. Output: ``{"employer": ..., "pay": ...,
"location": ..., "contact": ..., "posted": ...}`` entries that were found.
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .jsonld import Structured
from .text import block_text, inline_text

__all__ = ["labelled_fields", "contact_links", "posted_meta", "read_microdata"]

MAX_VALUE_CHARS = 200
MAX_LINES = 400

_LABELS: Mapping[str, str] = {
    "employer": r"darba devējs|uzņēmums|kompānija|работодатель|компания|фирма|организация|роботодавець|"
                r"компанія|фірма|організація|employer|company|hiring organi[sz]ation",
    "pay": r"alga|atalgojums|darba samaksa|samaksa|зарплата|заработная плата|з/п|оплата труда|оплата|оклад|"
           r"заробітна плата|заробіток|salary|pay|wage|wages",
    "location": r"darba vieta|atrašanās vieta|vieta|pilsēta|reģions|adrese|место работы|местоположение|"
                r"город|регион|адрес|місце роботи|місто|регіон|адреса|location|city|address",
    "contact": r"kontakti|kontaktinformācija|kontaktpersona|tālrunis|tālr\.|telefons|tel\.|e-pasts|контакты|"
               r"контактное лицо|телефон|тел\.|эл\. почта|e-mail|email|контакти|контактна особа|ел\. пошта|"
               r"contacts?|phone|telephone",
    "posted": r"publicēts|ievietots|pievienots|datums|опубликовано|размещено|добавлено|дата публикации|"
              r"дата размещения|дата|опубліковано|розміщено|додано|posted|published|date posted|date",
}
_ANY_LABEL = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _LABELS.items())
# "Alga: 1200 EUR" (one or two more words may sit between the label and the colon) ...
_INLINE = re.compile(rf"^(?:{_ANY_LABEL})(?:\s+[\w./-]+){{0,2}}\s*[:：]\s*(?P<value>\S.*)$", re.I)
# ... or "Alga" / "Alga:" alone on a line (a table cell, a <dt>) with the value on the next.
_ALONE = re.compile(rf"^(?:{_ANY_LABEL})\s*[:：]?$", re.I)
MAX_CONTACTS = 5
_CONTACT_LINKS = ("a[href^='tel:' i], a[href^='mailto:' i], a[href*='wa.me/' i], a[href*='api.whatsapp.com' i], "
                  "a[href*='t.me/' i], a[href^='viber:' i], a[href^='skype:' i]")


def labelled_fields(text: str) -> dict[str, str]:
    """Fields from lines such as "Alga: 1200 EUR" or "Работодатель" followed by "ООО Ромашка"."""
    found: dict[str, str] = {}
    lines = text.split("\n", MAX_LINES)[:MAX_LINES]
    for i, line in enumerate(lines):
        line = line.strip()
        if len(line) > MAX_VALUE_CHARS + 40:
            continue
        if match := _INLINE.match(line):
            name, value = _group(match), match.group("value")
        elif (match := _ALONE.match(line)) and i + 1 < len(lines):
            name, value = _group(match), lines[i + 1].strip()
            if _ALONE.match(value) or _INLINE.match(value):
                continue
        else:
            continue
        if name not in found and 0 < len(value) <= MAX_VALUE_CHARS:
            found[name] = value
    return found


def _group(match: re.Match[str]) -> str:
    return next(name for name in _LABELS if match.group(name))


def contact_links(nodes: Iterable[LexborNode]) -> list[str]:
    """Phones, e-mails and messenger handles linked inside these elements (the advert's
    main block: never the site's own footer address), first seen first."""
    values: list[str] = []
    for node in nodes:
        for anchor in node.css(_CONTACT_LINKS):
            value = _contact_value(anchor.attributes.get("href") or "")
            if value and value not in values:
                values.append(value)
    return values[:MAX_CONTACTS]


def _contact_value(href: str) -> str:
    href = href.strip()
    scheme = href.split(":", 1)[0].lower()
    if scheme in ("tel", "mailto", "viber", "skype"):
        return href.split(":", 1)[1].split("?", 1)[0].strip()
    if "api.whatsapp.com" in href.lower():  # share buttons use ?text=, chats use ?phone=
        return href if "phone=" in href else ""
    path = urlsplit(href).path.strip("/")
    return href.split("?", 1)[0] if path else ""  # wa.me/?text=... is a share button


def posted_meta(tree: LexborHTMLParser) -> str:
    """The publication date a page states in its metadata."""
    node = tree.css_first("meta[property='article:published_time'][content], meta[itemprop=datePosted][content]")
    return (node.attributes.get("content") or "").strip() if node is not None else ""


def read_microdata(tree: LexborHTMLParser) -> Structured | None:
    """A schema.org JobPosting written as microdata (itemprop attributes) instead of JSON-LD."""
    scope = tree.css_first("[itemscope][itemtype*='schema.org/JobPosting' i]")
    if scope is None:
        return None

    def prop(name: str) -> str:
        node = scope.css_first(f"[itemprop={name}]")
        if node is None:
            return ""
        attrs = node.attributes
        if name in ("hiringOrganization",) and (inner := node.css_first("[itemprop=name]")) is not None:
            return inline_text(inner)
        return (attrs.get("content") or attrs.get("datetime") or inline_text(node)).strip()

    description = scope.css_first("[itemprop=description]")
    fields = {"employer": prop("hiringOrganization"), "pay": prop("baseSalary"),
              "location": prop("jobLocation"), "posted": prop("datePosted")}
    return Structured(type="JobPosting", title=prop("title"),
                      description=block_text(description) if description is not None else "",
                      identifier=prop("identifier"), fields={k: v for k, v in fields.items() if v})
