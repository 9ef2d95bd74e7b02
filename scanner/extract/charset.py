"""Turn a page's bytes into text, right even for legacy Latvian and Cyrillic pages.

Order of evidence (`decode_html`):

1. a byte-order mark (as browsers do: a BOM cannot be there by accident);
2. the charset of the HTTP Content-Type header;
3. ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` / ``<?xml encoding?>``
   in the first 8 KB;
4. detection: valid UTF-8 first; then a letter-frequency score over the legacy
   encodings of our languages (windows-1257 / ISO-8859-13 for Latvian,
   windows-1251 / KOI8-R / KOI8-U for Russian and Ukrainian, windows-1252 for
   Western and windows-1250 for Polish/Czech pages); charset-normalizer only when
   none of them fits.

A declared UTF-8 that the bytes clearly are not (old templates that kept a UTF-8
header over windows-1251 content) falls through to the next step. charset-normalizer
alone was measured wrong on short Latvian pages (cp1250, mac_latin2), hence step 4's
own scorer. Its limit: a page whose only Cyrillic is a word or two (under ~8 letters)
can read as KOI8 or as windows-1251 equally well; letter frequencies decide, and may
be wrong. Undecodable bytes become U+FFFD; nothing here raises on bytes.
"""
from __future__ import annotations

import codecs
import math
import re
from collections import Counter

import charset_normalizer

__all__ = ["decode_html", "detect_encoding", "charset_label"]

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:+-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]{0,500}?charset\s*=\s*[\"']?\s*([\w.:+-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([\w.:+-]+)", re.I)
_NON_ASCII_RUN = re.compile(rb"[A-Za-z]?[\x80-\xff]+[A-Za-z]?")
# Codecs that consume their BOM ("utf-16-le" would leave U+FEFF at the start of the text).
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_WINDOW = 8192
_SAMPLE_RUNS = 200  # runs of non-ASCII bytes scored per candidate: plenty (20 letters already decide)

# WHATWG maps these labels to other encodings; Python's codec names differ for some.
_ALIASES = {
    "latin1": "cp1252", "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252",
    "us-ascii": "cp1252", "iso-8859-9": "cp1254", "tis-620": "cp874", "gb2312": "gbk",
    "koi8": "koi8-r", "koi8r": "koi8-r", "koi8u": "koi8-u", "koi8-ru": "koi8-u", "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8", "x-mac-cyrillic": "mac-cyrillic", "sjis": "shift_jis",
    "iso-8859-8-i": "iso-8859-8", "cyrillic": "iso-8859-5",
}
_WINDOWS = re.compile(r"^(?:win|windows|cp|ms)-?(\d{3,4})$")


def charset_label(label: str) -> str | None:
    """The Python codec for a charset label (``"Windows-1257"`` -> ``"cp1257"``), or None."""
    name = label.strip().strip("\"'").lower().replace("_", "-").removeprefix("x-")
    name = _ALIASES.get(name, name)
    if match := _WINDOWS.match(name):
        name = f"cp{match.group(1)}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The page's text, decoded by the first trustworthy evidence (see the module docstring)."""
    return body.decode(detect_encoding(body, content_type), "replace")


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The Python codec name `decode_html` uses for these bytes."""
    for prefix, name in _BOMS:
        if body.startswith(prefix):
            return name
    for name in (_from_header(content_type), _from_markup(body)):
        if name and (name != "utf-8" or _mostly_utf8(body)):
            return name
    if _mostly_utf8(body):
        return "utf-8"
    return _guess_legacy(body)


def _from_header(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return charset_label(match.group(1)) if match else None


def _from_markup(body: bytes) -> str | None:
    head = body[:_META_WINDOW]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    name = charset_label(match.group(1).decode("ascii", "replace"))
    # A page that can say "charset" in ASCII is not UTF-16/32, whatever it claims (WHATWG).
    return "utf-8" if name and name.startswith(("utf-16", "utf-32")) else name


def _mostly_utf8(body: bytes) -> bool:
    """Valid UTF-8, or nearly: a truncated character or two must not make a UTF-8
    page look like windows-1257 (legacy text fails on almost every non-ASCII byte)."""
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        pass
    text = body[:65536].decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 8 and good >= 8 * bad


# --- legacy encodings: a letter-frequency score ------------------------------------------

def _model(freqs: str) -> dict[str, float]:
    """Log-probabilities of the non-ASCII letters of a language, from "letter:weight" pairs.

    Case is left out on purpose: a KOI8-R page read as windows-1251 (or back) swaps
    the case of every letter, so an all-caps headline would look like the wrong
    decoding. Case enters the score only as lower-to-upper switches inside words.
    """
    pairs = [(p.split(":")[0], float(p.split(":")[1])) for p in freqs.split()]
    total = sum(w for _, w in pairs)
    return {letter: math.log(weight / total * 0.97) for letter, weight in pairs}


_LV = _model("ā:40 ē:17 ī:16 š:12 ū:5 ž:3 č:4 ņ:4 ļ:4 ķ:1.5 ģ:1")
_RU = _model("о:11 е:8.5 а:8 и:7.4 н:6.7 т:6.3 с:5.5 р:4.7 в:4.5 л:4.4 к:3.5 м:3.2 д:3 п:2.8 у:2.6 я:2 "
             "ы:1.9 ь:1.7 г:1.7 з:1.7 б:1.6 ч:1.4 й:1.2 х:1 ж:0.9 ш:0.7 ю:0.6 ц:0.5 щ:0.4 э:0.3 ф:0.3 "
             "ъ:0.04 ё:0.1")
_UK = _model("о:9.4 а:7.2 н:6.5 и:6.1 і:5.9 в:4.6 т:5 е:4.9 р:4.8 с:4.2 л:3.6 к:3.5 у:3.3 д:3.3 м:3.1 "
             "п:2.8 я:2.3 з:2.2 ь:1.8 г:1.6 б:1.6 ч:1.3 х:1.2 й:1.1 ц:1 ю:0.9 ж:0.9 ї:0.8 ш:0.8 щ:0.6 "
             "є:0.4 ф:0.3 ґ:0.05")
_WEST = _model("é:20 ü:5 ö:5 ä:5 ß:2 à:3 è:3 ç:2 ñ:2 á:3 í:2 ó:3 ú:1 â:1 ê:1 ô:1 î:1 û:1 ë:1 ï:1 "
               "å:1 ø:1 æ:1 ã:1 õ:1")
_CE = _model("ą:1 ć:0.4 ę:1.1 ł:1.8 ń:0.2 ó:0.8 ś:0.7 ź:0.1 ż:0.8 á:1 č:0.5 ď:0.05 é:0.6 ě:0.8 í:0.8 "
             "ň:0.05 ř:0.6 š:0.4 ť:0.05 ú:0.1 ů:0.25 ý:0.5 ž:0.5")
# Typographic characters every language uses; they score the same in every model,
# and only a wrong decoding turns them into something else.
_NEUTRAL = frozenset("«»„“”‘’‚–—…€№°§©®™·•\xa0×±\xad²³½¼£")
_NEUTRAL_LOGP = math.log(0.03)
_UNKNOWN_LOGP = math.log(1e-6)
_CONTROL_LOGP = math.log(1e-8)  # C1 controls and U+FFFD: bytes the encoding does not have
_MIXED_LOGP = math.log(1e-4)  # a Cyrillic letter touching a Latin one inside a word
_CAMEL_LOGP = math.log(1e-3)  # an upper-case letter right after a lower-case one
_RUN_LOGP = math.log(0.05)  # each accented Latin letter past two in a row: Cyrillic read as Latin

_CYR = "а-яёіїєґА-ЯЁІЇЄҐ"
_MIXED = re.compile(f"[A-Za-z][{_CYR}]|[{_CYR}][A-Za-z]")
_LOWER = "a-zà-ÿāēīšūžčņļķģąįęėųłśźżćń" + "а-яёіїєґ"
_CAMEL = re.compile(f"[{_LOWER}][A-ZÀ-ÞĀĒĪŠŪŽČŅĻĶĢĄĮĘĖŲŁŚŹŻĆŃА-ЯЁІЇЄҐ]")
_LATIN_RUN = re.compile("[À-ÖØ-öø-ž]{3,}")

# (codec, language models it may carry, prior): the boards we crawl are Latvian and
# Cyrillic, so a page of one ambiguous letter ("ķ" or "í"?) should be read as ours.
# On a tie the first wins.
_CANDIDATES: tuple[tuple[str, tuple[dict[str, float], ...], float], ...] = (
    ("cp1257", (_LV,), 0.0),
    ("iso8859-13", (_LV,), 0.0),
    ("cp1251", (_RU, _UK), 0.0),
    ("koi8-u", (_RU, _UK), 0.0),
    ("cp1252", (_WEST,), math.log(0.2)),
    ("cp1250", (_CE,), math.log(0.1)),  # Polish and Czech: not scanned, but boards there carry our adverts
)
_MIN_FIT = 0.6  # share of non-ASCII characters the winning model must know


def _guess_legacy(body: bytes) -> str:
    sample = b" ".join(m.group(0) for _, m in zip(range(_SAMPLE_RUNS), _NON_ASCII_RUN.finditer(body)))
    best_name, best_score, best_fit = "cp1252", -math.inf, 0.0
    for name, models, prior in _CANDIDATES:
        text = sample.decode(name, "replace")
        chars = Counter(text)
        penalty = prior + len(_CAMEL.findall(text)) * _CAMEL_LOGP
        for model in models:
            score, fit = _score(chars, model)
            if model is _RU or model is _UK:
                score += len(_MIXED.findall(text)) * _MIXED_LOGP
            else:
                score += sum(len(run) - 2 for run in _LATIN_RUN.findall(text)) * _RUN_LOGP
            if score + penalty > best_score:
                best_name, best_score, best_fit = name, score + penalty, fit
    if best_fit < _MIN_FIT:
        return _charset_normalizer(body) or best_name
    return best_name


def _score(chars: Counter[str], model: dict[str, float]) -> tuple[float, float]:
    score, known, total = 0.0, 0, 0
    for char, count in chars.items():
        if char < "\x80":
            continue
        total += count
        if (lower := char.lower()) in model:
            score += count * model[lower]
            known += count
        elif char in _NEUTRAL:
            score += count * _NEUTRAL_LOGP
            known += count
        elif "\x80" <= char <= "\x9f" or char == "\ufffd":
            score += count * _CONTROL_LOGP
        else:
            score += count * _UNKNOWN_LOGP
    return score, (known / total if total else 1.0)


def _charset_normalizer(body: bytes) -> str | None:
    match = charset_normalizer.from_bytes(body[:200_000]).best()
    return charset_label(match.encoding) if match else None
