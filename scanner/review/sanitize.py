"""Archived pages made safe to look at: structure and text only.

The raw bytes stay untouched in the store (their SHA-256 is the evidence); what an
analyst sees is this copy, cleaned by nh3 (ammonia) down to a handful of text tags with
no attributes at all: no scripts, styles, event handlers, links, images, frames or
forms, so nothing runs and nothing is loaded. The app serves it from its own route
with ``Content-Security-Policy: sandbox; default-src 'none'`` inside a sandboxed iframe,
a second and third wall should the cleaner ever miss something.
"""
from __future__ import annotations

import nh3
from markupsafe import escape

from ..extract.charset import decode_html

TEXT_TAGS = {
    "p", "br", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "b", "strong", "i", "em", "u", "s",
    "small", "sub", "sup", "pre", "code", "blockquote", "hr", "section", "article", "header", "footer",
    "main", "nav", "aside", "address", "time", "abbr", "a",
}
# Elements dropped with everything inside them (their content is code or foreign markup, not text).
DROP_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
                     "textarea", "select", "title", "head"}


def clean_html(html: str) -> str:
    """An HTML fragment with only `TEXT_TAGS`, no attributes, no comments."""
    return nh3.clean(html, tags=TEXT_TAGS, clean_content_tags=DROP_WITH_CONTENT, attributes={},
                     strip_comments=True, link_rel=None, url_schemes=set())


def sanitized_page(body: bytes, content_type: str | None = None, *, sha256: str = "", fetched_at: str = "") -> str:
    """A whole document around the cleaned page, with a banner naming the archived copy."""
    cleaned = clean_html(decode_html(body, content_type))
    banner = (f"<p><b>Archived copy</b>, sanitized for viewing (scripts, styles, links and images removed). "
              f"SHA-256 of the original bytes: <code>{escape(sha256)}</code>; fetched {escape(fetched_at)}.</p><hr>")
    return f"<!doctype html>\n<html><head><meta charset=\"utf-8\"></head><body>{banner}{cleaned}</body></html>\n"
