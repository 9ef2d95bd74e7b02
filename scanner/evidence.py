"""Stage: evidence. Input: normalized text. Output: `Evidence` (offsets in the normalized text).

Facts that are not red flags by themselves but that rules reason over: phone numbers
and messenger handles (also when spaced, split by symbols or spelled in words),
e-mails, pay amounts with currency and period, required ages, and whether the
employer is identified (company form or registration number).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import phonenumbers

from .models import AgeLimit, Contact, Pay

NUMBER_WORDS = {  # en, lv (also typed with digraphs: "seshi", "septinji"), ru, uk, and ru/uk in Latin letters
    "0": "zero nulle nulles ноль нуль нуля nol nul",
    "1": "one viens vienu один одна адин odin odyn",
    "2": "two divi два две дві dva dve dvi",
    "3": "three tris trīs triis три tri try",
    "4": "four cetri četri chetri cheetri четыре чотири chetyre chotyry",
    "5": "five pieci пять пʼять pyat pʼyat",
    "6": "six sesi seši seshi шесть шість shest shist",
    "7": "seven septini septiņi septinji семь сім sem sim",
    "8": "eight astoni astoņi astonji восемь вісім vosem visim",
    "9": "nine devini deviņi devinji девять девʼять devyat devʼyat",
}
WORD_DIGIT = {w: d for d, words in NUMBER_WORDS.items() for w in words.split()}
_ITEM = r"(?:\d|" + "|".join(sorted(map(re.escape, WORD_DIGIT), key=len, reverse=True)) + r")"
_SEP = r"[ \t\u00a0\u2000-\u200a\u202f\-\u2013\u2014.()/~*_|·•,:+#=]{0,4}"  # not a line break: the next line is another thing
_PHONE_RUN = re.compile(rf"(?<![\w\d])(?:\+|00)?{_ITEM}(?:{_SEP}{_ITEM}){{7,15}}(?![\w\d])")
_PHONE_RUN_DIGITS = re.compile(rf"(?<![\w\d])(?:\+|00)?\d(?:{_SEP}\d){{7,15}}(?![\w\d])")
_WORDS = re.compile(r"[^\W\d_][^\W\d_'’]*")
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
_ODD_SEP = re.compile(r"[~*_|·•#=]")

_MESSENGERS = {
    "telegram": r"telegram|телеграм\w*|телеграмм\w*|телеге|телега|tg|тг|телега",
    "whatsapp": r"whats\s?app|whatsap|watsapp|watsap|vatsap\w*|vacap\w*|vocap\w*|вотсап\w*|ватсап\w*|вацап\w*|воцап\w*|вотс\s?ап"
                r"|wa(?=\s?:?\s?\+?\d)",  # "WA +44 79..."
    "viber": r"viber|вайбер\w*|вайбере|вибер\w*",
    "signal": r"signal(?=\s*[:@+\d])",
    "wechat": r"wechat|weixin|вичат|вічат|вичате|вічаті",  # Chinese-run businesses recruit on it
}
_TELEGRAM = re.compile(rf"(?<!\w)(?:{_MESSENGERS['telegram']})(?!\w)")
# Every name as one flat alternation that starts with a letter each, and no look-behind:
# then the regex engine skips ahead to the names' first letters instead of trying the
# whole pattern at every position (a third of the time of one look-behind before all the
# names). `_word_starts` does what the look-behind did; `_MESSENGER_KIND` names the match.
_ANY_MESSENGER = re.compile("|".join(rf"{alt}(?!\w)" for v in _MESSENGERS.values() for alt in v.split("|")))
_MESSENGER_KIND = [(k, re.compile(rf"(?:{v})(?!\w)")) for k, v in _MESSENGERS.items()]
_WORD_CHAR = re.compile(r"\w")


def _word_starts(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    r"""`rx.finditer(text)` for matches that start a word: what a leading `(?<!\w)` gives."""
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        at = m.start()
        if at and _WORD_CHAR.match(text, at - 1):
            pos = at + 1  # as the look-behind would: the next try is one character on
            continue
        yield m
        pos = m.end()
_EMAIL_ANCHOR = re.compile(r"@|\(at\)|\[at\]| at | собака ")
_TME = re.compile(r"(?:https?://)?(?:t\.me|telegram\.me)/([a-z0-9_]{4,32})")
_WAME = re.compile(r"(?:https?://)?wa\.me/(\+?\d{7,15})")
_HANDLE = re.compile(r"(?<![\w.@])@([a-z][a-z0-9_.]{3,31})(?![\w@])")
_DOT = r"(?:\.|\s?\(dot\)\s?|\s?\[dot\]\s?|\s(?:dot|точка|punkts)\s)"
# "name@mail.lv", "name (at) mail (dot) lv", "name собака mail.ru"; a bare " at " counts only
# with a spelled-out dot ("name at gmail dot com"), so "online at firm.co.uk" is no e-mail.
_EMAIL = re.compile(
    rf"[a-z0-9._%+-]+\s?(?:@|\(at\)|\[at\]|\{{at\}}|\sсобака\s)\s?[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}[a-z]{{2,12}}\b"
    rf"|[a-z0-9._%+-]+\sat\s[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*\s(?:dot|точка|punkts)\s[a-z]{{2,6}}\b")
_PLATFORM_AT = re.compile(r"(?:instagram|insta|ig|telegram|tg|tiktok|facebook|fb|viber|whatsapp|signal|twitter|dm|pm|dms)\s@")
# A word and a space before "@" is no local part written to evade filters: "from @firm.co.uk"
_DOMAIN_MENTION = re.compile(r"(?:from|via|to|on|by|at|us|only|email|e-mail|mail|write|contact)\s@")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+")

_AMOUNT = r"\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MULT = r"(?:\s?(?:k(?!č)|к|тыс\.?|тис\.?|tūkst\.?|tukst\.?|thousand|000))?"  # "165 Kč" is no "165k"
_CUR = (r"€|eur(?:o|os)?|eiro|evro|yevro|jevro|евро|євро|эвро|\$|usd|dollars?|dollar\w*|долл\w*|dolār\w*|£|gbp|"
        r"pounds?|фунт\w*|funt\w*|₽|руб\w*|rub\w*|₴|грн|hrn|uah|гривен\w*|гривн\w*|hryven\w*|pln|zł|zlot\w*|"
        r"злот\w*|nok|sek|dkk|isk|kč|kr\.?|крон\w*|chf|czk|aed|dirhams?|дирхам\w*|dirkham\w*|"
        r"₪|shekels?|шекел\w*|nis\b|ils\b|₺|liras?|лир\w*|лір\w*|qar\b|sar\b|riyals?|риал\w*|ріал\w*")
_RANGE_SEP = r"\s?(?:-|–|—|līdz|lidz|до|to|по)\s?"
_PAY = re.compile(
    rf"(?P<pre>(?P<cur1>{_CUR})\s?)?(?:no|от|від|from)?\s?(?P<a>{_AMOUNT}){_MULT}"
    rf"(?:{_RANGE_SEP}(?:{_CUR})?\s?(?P<b>{_AMOUNT}){_MULT})?"  # "£12.60–£14.20/hr" too
    rf"\s?(?P<cur2>{_CUR})?(?P<tail>[^\n\d]{{0,22}})")
_PERIODS = [
    ("hour", r"/\s?h\b|/\s?st\b|\bh\b|hour|hr\b|stund|(?<![^\W\d_])час|почас|годин|\bhod\b|\bchas|\bhodyn"),
    ("day", r"dien|(?<!тиж)день|дня|day|daily|ежеднев|щодня|сутки|смен|shift|maiņ|main|\bden\b|\bdnya|shchodnya|smen"),
    ("week", r"nedēļ|nedel|недел|тижд|week|tyzhd"),
    ("month", r"mēn|men\.|mēnes|menes|месяц|мес\.|мес\b|місяц|міс\.|міс\b|month|/m\b|p/m|\bpm\b|mo\b|mesyac|misyac|misiats"),
    ("year", r"gadā|gada\b|год\b|в год|рік|year|annum|p\.a\.|/y\b"),
]
_PERIOD_RE = [(name, re.compile(p)) for name, p in _PERIODS]
_CURRENCY_CODE = [
    ("EUR", r"€|eur|eiro|evro|евро|євро|эвро"), ("USD", r"\$|usd|dollar|долл|dolār"),
    ("GBP", r"£|gbp|pound|фунт|funt"), ("RUB", r"₽|руб|rub"), ("UAH", r"₴|грн|hrn|uah|гривен|гривн|hryven"),
    ("PLN", r"pln|zł|zlot|злот"),
    ("NOK", r"nok|kr|крон"), ("SEK", r"sek"), ("DKK", r"dkk"), ("CHF", r"chf"), ("CZK", r"czk|kč"), ("ISK", r"isk"),
    ("AED", r"aed|dirham|дирхам"), ("ILS", r"₪|shekel|шекел|nis|ils"), ("TRY", r"₺|lira|лир|лір"),
    ("QAR", r"qar"), ("SAR", r"sar|riyal|риал|ріал"),
]

# Word-initial only: "wages" is no "age", and "you" is no "y.o." ("show you the ropes. 30-38 hrs")
_AGE_WORD = r"(?<![^\W\d_])(?:vecum\w*|vecuma|gadu vecum\w*|age[ds]?|aged|возраст\w*|вік\w*|віком|лет|років|рок\w*|gad\w*|years?|y\.o\.?|yo(?!\w))"
# "female 20–28", "девушки 18-24": a range right after a word for women is their age
# (not a head count: "20–25 workers" has the number first)
_WOMEN_WORD = (r"(?:female|females|girl|girls|ladies|women|meitenes|meitenēm|meitenem|meiteni|sievietes|sievietēm|"
               r"девушки|девушек|девушкам|девушку|девочки|девочку|женщины|женщин|дівчата|дівчат|дівчатам|дівчину|"
               r"жінки|жінок|"
               # a girlfriend sought in a dating advert ("meklēju draudzeni 14-17", "ищу подругу 16-20")
               r"girlfriend|draudzeni|draudzene|draudzenes|подругу|подружку|"
               # and young men ("young guys 17-21", "парни 18-25"): a range right after them is their age too
               r"guys|boys|lads|puiši|puišus|puišiem|парни|парней|парням|ребята|хлопці|хлопців|хлопцям)")
_AGE_WORD_RE = re.compile(rf"{_AGE_WORD}|{_WOMEN_WORD}")
_AGE_PATTERNS = [  # each needs an age word: windows without one are skipped
    re.compile(rf"{_AGE_WORD}\D{{0,14}}?(?:no|от|від|from)?\s?(?P<lo>\d{{2}})\s?(?:-|–|—|līdz|lidz|до|to)\s?(?P<hi>\d{{2}})(?!\d)"),
    re.compile(rf"(?:no|от|від|from)?\s?(?<!\d)(?P<lo>\d{{2}})\s?(?:-|–|—|līdz|lidz|до|to)\s?(?P<hi>\d{{2}})\s?{_AGE_WORD}"),
    re.compile(rf"(?:до|līdz|lidz|under|up to|not older than|не старше|не старші)\s(?P<hi>\d{{2}})\s?{_AGE_WORD}"),
    re.compile(rf"{_AGE_WORD}\D{{0,10}}?(?:до|līdz|lidz|under|up to)\s(?P<hi>\d{{2}})(?!\d)"),
    re.compile(rf"(?<!\w){_WOMEN_WORD}\s?[,:]?\s?(?:aged\s)?(?P<lo>\d{{2}})\s?(?:-|–|—)\s?(?P<hi>\d{{2}})(?!\d|[.,:]\d)"),
]

# Every alternative ends in a run of at least six digits or three groups of three (_SIX_DIGITS, a fast gate).
_REG_NUMBER = re.compile(
    r"(?:reģ|reg|registr\w*|reģistr\w*)\.?\s?(?:nr|№|no|numurs|number|kods)?\.?\s?:?\s?(?P<n1>[45]\d{10})"
    r"|(?P<n2>\b[45]000\d{7}\b|\b[45]010\d{7}\b|\b[45]020\d{7}\b)"
    r"|(?:инн|огрн|єдрпоу|едрпоу|іпн|рнокпп)\s?:?\s?(?P<n3>\d{8,13})"
    r"|(?:company\s(?:no|number|reg\w*)|crn|cro|kvk|nip|regon|org\.?\s?(?:nr|no)|registration\s(?:no|number)|ičo|ico|krs|cvr|y-tunnus)\.?\s?:?\s?(?P<n4>[a-z]{0,2}\d{6,10}|\d{3}\s\d{3}\s\d{3}\b)"
    r"|(?:kt|kennitala)\.?\s?:?\s?(?P<n5>\d{6}-?\d{4})",  # an Icelandic company's kennitala
    )
_SIX_DIGITS = re.compile(r"\d{6}|\d{3}\s\d{3}\s\d{3}")  # a Norwegian "org.nr. 918 443 207" is spaced
# A recruitment agency's licence number ("NVA licence Nr. 2019/41", "лицензия ГАЗ № 152",
# "GLAA licence no. 1234"): the State Employment Agency (NVA) licenses agencies that place
# workers abroad, and a licence number names the agency as a registration number does.
_LICENCE_NUMBER = re.compile(
    r"(?:licen[cs]\w*|лицензи\w*|ліцензі\w*|licenzij\w*)(?:\s[^\W\d]{1,20}){0,4}\s?"
    r"(?:nr|no|№|#|number|numurs|номер)\.?\s?:?\s?\d[\d/.-]*")
_COMPANY_FORM = re.compile(  # the shared look-behind tested once: see _ANY_MESSENGER
    r"(?<!\w)(?:(?:sia|ik|biedrība|biedriba|ооо|оао|зао|фоп|ltd|llc|gmbh|ggmbh|b\.v\.|sp\.\s?z\s?o\.o\.|uab|oü|inc|"
    r"plc|a/s|aps|oy|oyj|nhs trust|nhs foundation trust|s\.r\.o\.|sro|kft|srl|s\.r\.l\.|sarl|bv|ehf)(?!\w)|(?:тов|ао|as|пп)\s?[\"«„“])"
    # "Acme Limited" but not "limited places" or "limited time" (the look-behind comes after
    # the word, so that the scan skips every position that does not start with an "l")
    r"|limited(?<=\w\slimited)(?!\w)(?!\s+(?:places|time|offer|spots|number|availability|period|edition|seats|"
    r"vacancies|positions|budget|english|experience))")


@dataclass(frozen=True, slots=True)
class WorkTime:
    """Stated working time: `hours` a day or `days` a week (the upper figure of a range), or
    a plain "no days off", or `week` hours a week ("60 hours a week", "норма 60 годин на тиждень")."""

    hours: float | None
    days: float | None
    start: int
    end: int
    week: float | None = None


@dataclass(frozen=True, slots=True)
class RawEvidence:
    contacts: tuple[Contact, ...]
    pay: tuple[Pay, ...]
    ages: tuple[AgeLimit, ...]
    employer_id: str | None
    company_form: bool
    identity_spans: tuple[tuple[int, int], ...] = ()  # where the employer is identified
    work_time: tuple[WorkTime, ...] = ()  # stated hours a day and days a week
    contract_spans: tuple[tuple[int, int], ...] = ()  # "darba līgums", "written contract" (not negated)


def extract_evidence(text: str) -> RawEvidence:
    """Read contacts, pay, ages and employer identity from normalized (lower-case) text."""
    regs = list(_REG_NUMBER.finditer(text)) if _SIX_DIGITS.search(text) else []
    employer_id = next((g for g in regs[0].groups() if g), None) if regs else None
    forms = list(_COMPANY_FORM.finditer(text))
    licences = list(_LICENCE_NUMBER.finditer(text)) if "lic" in text or "лиценз" in text or "ліценз" in text else []
    numbers = [m.span() for m in _DIGITS.finditer(text)]
    return RawEvidence(
        contacts=tuple(sorted(extract_contacts(text, numbers), key=lambda c: (c.start, c.end))),
        pay=tuple(extract_pay(text, numbers)),
        ages=tuple(extract_ages(text, numbers)),
        employer_id=employer_id,
        company_form=bool(forms),
        identity_spans=tuple((m.start(), m.end()) for m in (*regs, *forms, *licences)),
        work_time=tuple(extract_work_time(text, numbers)),
        contract_spans=tuple(extract_contracts(text)),
    )


def _phone_digits(run: str) -> tuple[str, bool]:
    words = re.findall(_ITEM, run)
    digits = "".join(WORD_DIGIT.get(w, w) for w in words)
    spelled = any(not w.isdigit() for w in words)
    return digits, spelled


@lru_cache(maxsize=50_000)
def _parse_phone(digits: str, plus: bool) -> str | None:
    """E.164 for a digit string: international when written so, else the likeliest
    national format by length and prefix (LV 8 digits, UA 0xx, RU 8/7, UK 07)."""
    if plus:
        candidates = [("+" + digits, None)]
    elif digits.startswith("00"):
        candidates = [("+" + digits[2:], None)]
    elif len(digits) == 8:
        candidates = [(digits, "LV")]
    elif len(digits) == 11 and digits[0] in "78":
        candidates = [(digits, "RU"), ("+" + digits, None)]
    elif len(digits) in (10, 11) and digits[0] == "0":
        candidates = [(digits, "UA"), (digits, "GB")]
    else:
        candidates = [("+" + digits, None), (digits, "LV")]
    for number, region in candidates:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def extract_phones(text: str, numbers: list[tuple[int, int]] | None = None) -> list[Contact]:
    out = []
    # The number-word regex is slow; use it only when a number word is present at all.
    spelled = not WORD_DIGIT.keys().isdisjoint(_WORDS.findall(text))
    runs = _PHONE_RUN.finditer(text) if spelled else \
        (m for a, b in _digit_clusters(_numbers(text, numbers), len(text)) for m in _PHONE_RUN_DIGITS.finditer(text, a, b))
    for m in runs:
        run = m.group()
        if _DATE.fullmatch(run.strip()):
            continue
        digits, spelled = _phone_digits(run)
        if not 8 <= len(digits) <= 15:
            continue
        value = _parse_phone(digits, run.lstrip().startswith("+"))
        if value is None:
            continue
        groups = len(re.findall(r"\d+", run))
        obfuscated = spelled or bool(_ODD_SEP.search(run)) or groups >= 7
        out.append(Contact("phone", value, m.start(), m.end(), obfuscated))
    return out


def _digit_clusters(numbers: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Where a phone of digits can be: runs of digits at most four characters apart (the
    most a phone's separator spans) with eight digits or more in all, widened by the "+"
    before and the character after (which the phone's look-ahead must see)."""
    out: list[tuple[int, int]] = []
    start = end = digits = 0
    for a, b in numbers:
        if digits and a - end <= 4:
            end, digits = b, digits + b - a
            continue
        if digits >= 8:
            out.append((max(0, start - 1), min(size, end + 1)))
        start, end, digits = a, b, b - a
    if digits >= 8:
        out.append((max(0, start - 1), min(size, end + 1)))
    return out


def extract_contacts(text: str, numbers: list[tuple[int, int]] | None = None) -> list[Contact]:
    """Phones, messenger handles and mentions, e-mails and URLs (normalized text offsets)."""
    out = extract_phones(text, numbers)
    for m in (_TME.finditer(text) if ".me/" in text else ()):
        out.append(Contact("telegram", "@" + m.group(1).lower(), m.start(), m.end()))
    for m in (_WAME.finditer(text) if "wa.me/" in text else ()):
        out.append(Contact("whatsapp", "+" + m.group(1).lstrip("+"), m.start(), m.end()))
    taken = [(c.start, c.end) for c in out]
    for m in (_HANDLE.finditer(text) if "@" in text else ()):
        if any(a <= m.start() < b for a, b in taken):
            continue
        around = text[max(0, m.start() - 40):m.end() + 30]
        kind = "instagram" if re.search(r"insta", around) else \
            "telegram" if _TELEGRAM.search(around) else "handle"
        out.append(Contact(kind, "@" + m.group(1).lower().rstrip("."), m.start(), m.end()))
    for m in _word_starts(_ANY_MESSENGER, text):
        kind = next((k for k, rx in _MESSENGER_KIND if (n := rx.match(text, m.start())) and n.end() == m.end()), "messenger")
        out.append(Contact(kind, "", m.start(), m.end()))
    anchors = (m.span() for m in _EMAIL_ANCHOR.finditer(text))
    emails = (m for a, b in _windows(anchors, len(text), 64, 64) for m in _EMAIL.finditer(text, a, b))
    for m in emails:
        raw = m.group()
        if _PLATFORM_AT.match(raw):  # "Instagram @name.studio.riga" is a handle, not an e-mail
            continue
        if _DOMAIN_MENTION.match(raw):  # "staff only email from @firm.co.uk" names a domain, no address
            continue
        value = re.sub(r"\s*(?:\(at\)|\[at\]|\{at\}| at | собака )\s*", "@", raw)
        value = re.sub(r"\s*(?:\(dot\)|\[dot\]| dot | точка | punkts )\s*", ".", value).replace(" ", "").lower()
        out.append(Contact("email", value, m.start(), m.end(), obfuscated=value != raw.lower()))
    for m in (_URL.finditer(text) if "www." in text or "http" in text else ()):
        if not re.match(r"(?:https?://)?(?:t\.me|telegram\.me|wa\.me)/", m.group()):
            out.append(Contact("url", m.group().rstrip(".,;)").lower(), m.start(), m.end()))
    return out


def _amount(raw: str, tail: str) -> float:
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+", raw):
        value = float(re.sub(r"[ .,]", "", raw))
    else:
        value = float(raw.replace(",", ".").replace(" ", ""))
    return value


def _currency(text: str) -> str | None:
    for code, rx in _CURRENCY_CODE:
        if re.search(rx, text):
            return code
    return None


_DIGITS = re.compile(r"\d+")


def _numbers(text: str, numbers: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    """Spans of the text's digit runs, unless the caller found them already."""
    return [m.span() for m in _DIGITS.finditer(text)] if numbers is None else numbers


def _windows(anchors: Iterable[tuple[int, int]], size: int, before: int, after: int) -> list[tuple[int, int]]:
    """Merged windows around anchor spans (in text order) in a text of `size` characters."""
    spans: list[tuple[int, int]] = []
    for start, end in anchors:
        a, b = max(0, start - before), min(size, end + after)
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return spans


def extract_pay(text: str, numbers: list[tuple[int, int]] | None = None) -> list[Pay]:
    out = []
    for a, b in _windows(_numbers(text, numbers), len(text), 30, 40):
        out.extend(_pay_in(text, a, b))
    return out


# Literals only (no character class), so that the search can skip to their first letters.
_CUR_HINT = re.compile(r"€|\$|£|₽|₴|eur|eir|evr|евр|євр|эвр|usd|dol|долл|gbp|pound|фунт|funt|руб|rub|грн|hrn|uah|гривн|"
                       r"гривен|hryven|pln|zł|zlot|злот|nok|sek|dkk|isk|kč|kr|крон|chf|czk|aed|dirham|дирхам|dirkham|"
                       r"₪|shekel|шекел|nis|ils|₺|lira|лир|лір|qar|sar|riyal|риал|ріал")


# Words after an amount that start something else than its period, and a clause break:
# "1450–1800 € брутто, ночные часы доплачиваются" is a monthly wage, not an hourly one.
# where a pay's own tail ends: "€2,600–3,200 net including daily allowances" is no daily pay
_TAIL_STOP = re.compile(r"depend|atkarīb|atkarib|зависим|залежн|plus\b|\+|overtime|virsstund|сверхуроч|понаднормов|"
                        r"includ|incl\.|ieskaitot|включая|включно|враховуючи|[,;]\s"
                        # a lump sum for the whole job: "100 € par visu vai stundas likmi" is no hourly rate
                        r"|par visu\b|за вс[её]\b|за всю робот|за всю работ|for everything|for the whole job|for the lot\b"
                        # a sentence ending right after the amount: "pēc pārbaudes laika 1350 €. Maiņas pa 8
                        # stundām" is no hourly rate (a period abbreviated later, "12 € st. dienā", stays)
                        r"|^\s?\.\s")


def _pay_in(text: str, a: int, b: int) -> list[Pay]:
    out: list[Pay] = []
    if _CUR_HINT.search(text, a, b) is None:
        return out
    pos = a
    while (m := _PAY.search(text, pos, b)) is not None:
        # the next search starts after this amount, not after its tail: "5/2 schedule, €6.50/h"
        # must not lose the "€" to the tail of "2"
        pos = m.end("b") if m.group("b") else m.end("a")
        cur_text = (m.group("cur1") or "") + " " + (m.group("cur2") or "")
        currency = _currency(cur_text) if cur_text.strip() else None
        if currency is None:
            continue
        whole = m.group()
        mult = 1000.0 if re.search(r"\d\s?(?:k|к|тыс|тис|tūkst|tukst|thousand)\b", whole) else 1.0
        lo = _amount(m.group("a"), "") * mult
        hi = _amount(m.group("b"), "") * mult if m.group("b") else lo
        if lo <= 0 or lo > 10_000_000:
            continue
        tail = _TAIL_STOP.split(m.group("tail") or "", maxsplit=1)[0]  # "up to 4,000 EUR depending on hours"
        start = m.start("pre") if m.group("pre") else m.start("a")
        period = _period(tail[:22])
        if period == "unknown":  # "hourly rate €14–16", "stundas likme 16–19 €": the period came first
            period = _lead_period(text, start)
        end = m.end("cur2") if m.group("cur2") else m.end("b") if m.group("b") else m.end("a")
        if period == "unknown" and _MONTHS_A_YEAR.match(text, end):  # "CHF 4,400 x 13": a monthly wage, 13 a year
            period = "month"
        out.append(Pay(min(lo, hi), max(lo, hi), currency, period, start, end))
        pos = max(pos, end)
    return out


# A rate named just before its amount ("hourly rate: from €14", "rate per hour 14 eur",
# "stundas likme 16 €", "погодинна ставка 14 євро", "месячная зарплата 900 €"): the rate word,
# then at most a word for rate or pay, then the amount. Not "monthly bonus €200".
_LEAD_PERIOD = re.compile(
    r"(?<![^\W\d_])(?:(?P<w>hourly|per hour|an hour|daily|per day|weekly|per week|monthly|per month|yearly|annual|per year"
    r"|почасов\w*|погодинн\w*|за час|за годину|дневн\w*|денн\w*|недельн\w*|тижнев\w*|месячн\w*|місячн\w*|годов\w*|річн\w*)"
    r"\s(?:(?:rate|wage|pay|salary|ставка|оплата|зарплата|заработная плата|заробітна плата)\s?)?"
    # a Latvian period word must name the rate too: "3 dienas 100 €" is a course's price
    r"|(?P<lv>stundas|stundu|dienas|nedēļas|nedelas|mēneša|meneša|menesa)\s(?:likme|alga|samaksa|apmaksa)\s?)"
    r"(?:is\s|:\s?|[–—-]\s?)?(?:(?:from|no|от|від)\s)?$")
_LEAD_WORDS = {"дневн": "day", "денн": "day", "недельн": "week", "тижнев": "week", "месячн": "month", "місячн": "month",
               "годов": "year", "річн": "year", "annual": "year", "yearly": "year"}


_MONTHS_A_YEAR = re.compile(r"\s?[x×]\s?1[234](?![\d.,]\d)")


def _lead_period(text: str, start: int) -> str:
    """The period of a rate named just before the amount that starts at `start`."""
    m = _LEAD_PERIOD.search(text, max(0, start - 40), start)
    if m is None:
        return "unknown"
    word = m.group("w") or m.group("lv")
    return next((p for stem, p in _LEAD_WORDS.items() if word.startswith(stem)), None) or _period(word)


def _period(tail: str) -> str:
    """The period named first after an amount: in "70 €/міс. Особам з тимчасовим захистом"
    the month comes before the "час" inside "тимчасовим"."""
    found = [(m.start(), name) for name, rx in _PERIOD_RE if (m := rx.search(tail))]
    return min(found)[1] if found else "unknown"


def extract_ages(text: str, numbers: list[tuple[int, int]] | None = None) -> list[AgeLimit]:
    out: list[AgeLimit] = []
    # an age is a run of exactly two digits (what `(?<!\d)\d{2}(?!\d)` would find)
    two_digits = (span for span in _numbers(text, numbers) if span[1] - span[0] == 2)
    windows = [(a, b) for a, b in _windows(two_digits, len(text), 40, 30) if _AGE_WORD_RE.search(text, a, b)]
    for rx in _AGE_PATTERNS:
        for m in (m for a, b in windows for m in rx.finditer(text, a, b)):
            lo = int(m.group("lo")) if "lo" in rx.groupindex and m.group("lo") else None
            hi = int(m.group("hi"))
            if not 14 <= hi <= 80 or (lo is not None and not 14 <= lo < hi):
                continue
            if any(a.start <= m.start() < a.end or m.start() <= a.start < m.end() for a in out):
                continue
            out.append(AgeLimit(lo, hi, m.start(), m.end()))
    return out


_RANGE_DASH = r"\s?(?:-|–|—|līdz|lidz|до|to)\s?"
# An hours word and the preposition before its period ("hours a", "часов в", "st./")
_HOURS_PER = r"(?:h|st\.?|stund\w*|час\w*|ч\.?|годин\w*|год\.?|hours?|hrs?)\s?(?:/|per|a|в|на|par|за)?\s?"
_HOURS_A_DAY = re.compile(
    rf"(?<!\d)(?P<a>\d{{1,2}})(?:{_RANGE_DASH}(?P<b>\d{{1,2}}))?\s?{_HOURS_PER}"
    r"(?:dien\w*|день|сутки|добу|day|daily|ежедневно|щодня|щоденно|кожен день|кожного дня|каждый день|every day|katru dienu)")  # not "a shift": 12-hour shifts on a 2/2 rota are ordinary
# Hours a week ("60 hours a week", "60 годин на тиждень", "60 stundas nedēļā"): two digits only
_HOURS_A_WEEK = re.compile(
    rf"(?<!\d)(?P<a>\d{{2}})(?:{_RANGE_DASH}(?P<b>\d{{2}}))?\s?{_HOURS_PER}"
    r"(?:ned\w*|нед\w*|тиж\w*|week|wk)")
_DAYS_A_WEEK = re.compile(
    rf"(?<!\d)(?P<a>[1-7])(?:{_RANGE_DASH}(?P<b>[1-7]))?\s?"
    r"(?:dien\w*|дн\w*|days?)\s?(?:/|per|a|в|на|par)?\s?(?:ned\w*|нед\w*|тиж\w*|week|wk)")
# A shift's length ("11-12h shifts", "12-часовые смены"): not a working day by itself (a
# 12-hour shift on a 2/2 rota is ordinary), but it is one beside five or more days a week.
_SHIFT_LENGTH = re.compile(
    rf"(?<!\d)(?P<a>\d{{1,2}})(?:{_RANGE_DASH}(?P<b>\d{{1,2}}))?\s?-?\s?(?:h|hours?|hrs?|hour|st\.?|stundu|часов\w*|часовы\w*|годин\w*)"
    r"\s?-?\s?(?:shifts?|maiņ\w*|main\w*|смен\w*|змін\w*)")
# The same with the shift first ("shifts of 10–12 hours", "смены по 12 часов", "maiņas pa 12
# stundām"), or the working day ("work is 10-12 hours", "рабочий день 12 часов", "darba diena
# 12 stundas"): searched from a little before each number, since the shift word comes first.
_SHIFT_OF = re.compile(
    r"(?<![^\W\d_])(?:shifts?|смен[аыу]?|змін[аиу]?|maiņ[aā]s?|mainas|work|working day|workday|work day|"
    r"рабочий день|робочий день|работаем|працюємо|darba diena|strādājam|stradajam)\s"
    # "shifts of 10-12 hours", "shifts are normally 11-12 hours", "смены обычно по 12 часов"
    r"(?:(?:of|по|pa|are|is|last|usually|normally|often|typically|обычно|зазвичай|parasti)\s){0,2}"
    rf"(?P<a>\d{{1,2}})(?:{_RANGE_DASH}(?P<b>\d{{1,2}}))?\s?"
    r"(?:h\b|hours?|hrs?|час\w*|годин\w*|stund\w*|st\.?)")
_SHIFT_OF_LEAD = 28  # characters before a number where "shifts are normally " may start
# "6 днів по 10-12 годин", "6 days of 10 hours", "6 dienas pa 11 stundām": both figures at once
_DAYS_BY_HOURS = re.compile(
    rf"(?<!\d)(?P<d>[1-7])\s?(?:дн\w*|days?|dien\w*)\s?(?:по|of|x|×|pa)\s?(?P<a>\d{{1,2}})(?:{_RANGE_DASH}(?P<b>\d{{1,2}}))?\s?"
    r"(?:годин\w*|час\w*|hours?|hrs?|h\b|stund\w*|st\.?)")
_NO_DAYS_OFF = re.compile(r"bez brīvdienām|bez brivdienam|без выходн(?:ых|ого|ой)(?!\w)|без вихідн(?:их|ого|ий)(?!\w)|(?:не мають|не має|немає|нема) вихідн\w*|bez vyh?k?odnyh|bez vykhodnykh|bez vykhidnykh|no days off|7/7"
                          r"|vyh?k?odn[yi]h net"  # "vyhodnyh net" (выходных нет) in Latin letters
                          # one day off a month is a seven-day week for the other three
                          r"|(?:one|1) day off (?:a|per|each|in a) month|(?:viena|1) brīv(?:diena|a diena|ā diena) (?:mēnesī|mēnesi)"
                          r"|brīvdiena (?:viena|vienu reizi|1 reizi) mēnesī"
                          r"|(?:один|1) выходной (?:в месяц|(?:один |1 )?раз в месяц)|выходной (?:один|1) раз в месяц"
                          r"|(?:один|1) вихідний (?:на місяць|(?:один |1 )?раз на місяць)|вихідний (?:один|1) раз на місяць"
                          # "no days off" said as a fact of the place: "выходных не бывает", "brīvdienu nav"
                          r"|выходных (?:не бывает|нет)|вихідних (?:не буває|немає|нема)|brīvdienu (?:\w+ )?nav|there are no days off"
                          # "выходных первые полгода нет", "вихідний не передбачений"
                          r"|выходн(?:ых|ой) (?:\w+ ){0,3}(?:нет|не предусмотрен\w*)(?!\w)|вихідн(?:их|ий) (?:\w+ ){0,3}(?:немає|нема|не передбачен\w*)(?!\w)"
                          # a worker asked for as one "who doesn't need days off"
                          r"|(?:donʼt|dont|do not|doesnʼt|does not) need (?:any )?days off|(?<!\w)no day off(?! (?:a|per|each) month)")  # normalize writes ' as ʼ


# Words that end a working day without a clock time: midnight (24:00), and "no 6:00 līdz vēlam
# vakaram", "from 6am till late evening" (read as ten at night)
_MIDNIGHT = frozenset(("midnight", "pusnaktij", "полуночи", "півночі"))
_LATE_EVENING = ("late evening", "late at night", "late night", "vēlam vakaram", "vēlai naktij", "vēla vakara",
                 "позднего вечера", "поздней ночи", "пізнього вечора", "пізньої ночі")
_DAY_ENDS = "|".join((*sorted(_MIDNIGHT), *_LATE_EVENING))
# A working day as clock times ("7am to midnight", "07:00–23:00", "с 7:00 до 23:00"): at
# least one side must read as a time (a colon, am/pm, midnight) so "10-12 EUR" is no shift.
# European adverts write minutes after a dot too ("6.00 to 22.00", "8.30–20.00"); a dot reads
# as a time only before :00, :15, :30 or :45 and not beside a currency ("€6.00–22.00", "6.00-8.00 EUR").
_CLOCK = r"(?P<{n}>\d{{1,2}})(?:[:.](?P<{n}m>(?<=:)[0-5]\d|(?<=\.)(?:00|15|30|45)))?(?:\s?(?P<{n}p>am|pm|a\.m\.|p\.m\.))?"
_SHIFT = re.compile(  # the text is case-folded, so "EUR" reads "eur"
    r"(?<![\d:.,€$£])(?<!eur )" + _CLOCK.format(n="a") + r"\s?(?:-|–|—|to|till|until|līdz|до)\s?(?:"
    + _CLOCK.format(n="b") + rf"|(?P<mid>{_DAY_ENDS}))(?![\d:])"
    rf"(?!\s?(?:{_CUR}|zl|ron|lei)(?!\w))")
# opening hours are not one person's working day
_OPENING = re.compile(r"(?:open|opening|atvērt|atvert|открыт|відкрит|работаем|працюємо|darba laiks)\w*\W+(?:\w+\W+){0,3}$")
# "7 days, 8am till close": a bare "7 days" between punctuation or before clock times is the working week, unless
# it is a period ("within 7 days", "7 days' notice", "a 7 days trial")
_SEVEN_DAYS = re.compile(r"(?<!\d)7\s?(?:days|dienas|дней|днів|dni)(?=\s?[,.;:!)]|\s*$|\s+(?:a|per|in a|of the|no)\s+(?:week|nedēļ|недел|тижд)"
                         # or the working day's clock times: "7 days 8am till 8pm", "7 dienas 8:00-20:00"
                         r"|\s+(?:from\s+|no\s+|с\s+|з\s+)?\d{1,2}(?::\d\d|\s?(?:am|pm|a\.m\.|p\.m\.)))"
                         # "all 7 days" is a whole week whatever follows it
                         r"|(?<=\ball )7\s?days|(?<=\bvisas )7\s?dienas|(?<=\bвсе )7\s?дней|(?<=\bвсі )7\s?днів")
_NOT_A_WEEK = re.compile(r"(?:within|in|after|for|every|last|next|trial|notice|return|first|during|laikā|pēc|через|в течение|протягом|за|після)\W*$")
# Days a week in words ("six or seven days a week", "septiņas dienas nedēļā"): the number
# passes above look only just after digits.
_DAY_WORDS = {"six": 6, "seven": 7, "sešas": 6, "sesas": 6, "septiņas": 7, "septinas": 7, "шесть": 6, "семь": 7,
              "шість": 6, "сім": 7}
_DAY_WORD = "|".join(_DAY_WORDS)
_WORD_DAYS = re.compile(
    rf"(?<!\w)(?:(?:{_DAY_WORD})\s(?:or|to|vai|līdz|lidz|или|до|або|чи)\s)?"
    rf"(?P<n>{_DAY_WORD})\s(?:days|dienas|дней|днів)\s"
    r"(?:(?:a|per|in a|each|every|в|на)\s)?(?:week|nedēļā|nedela|nedēļu|неделю|тиждень)")
_LONG_SHIFT = 14  # a 12-hour shift on a 2/2 rota is ordinary; 14 and more a day is not
_DAY_SHIFT = 8  # shorter clock times are part-time hours, not a working day


def _clock(hour: str, minutes: str | None, ampm: str | None) -> float:
    h = float(hour) + (float(minutes) / 60 if minutes else 0.0)
    if ampm and ampm[0] == "p" and h < 12:
        h += 12
    if ampm and ampm[0] == "a" and h >= 12:
        h -= 12
    return h


def _shift_hours(m: re.Match[str]) -> float | None:
    timed = m.group("am") or m.group("ap") or m.group("mid") or m.group("bm") or m.group("bp")
    if not timed or int(m.group("a")) > 24 or (m.group("b") and int(m.group("b")) > 24):
        return None
    start = _clock(m.group("a"), m.group("am"), m.group("ap"))
    mid = m.group("mid")
    end = (24.0 if mid in _MIDNIGHT else 22.0) if mid else _clock(m.group("b"), m.group("bm"), m.group("bp"))
    if not m.group("ap") and not m.group("am") and (m.group("bp") or "")[:1] == "p" and start + 12 < end:
        start += 12  # "2–5pm": the "pm" is the start's too (14:00 to 17:00, not 2:00 to 17:00)
    if end <= start:  # past midnight: "22:00–6:00", "7am to 1am"; "8:00–2:00" is a 12-hour clock misread
        if not (m.group("bp") or start >= 12):
            return None
        end += 24
    return end - start


# Words without which no pattern above can match (each pattern names a day, a week, a shift
# or a working day, or `_SHIFT` a clock time, which `_shift_hours` needs): searched for in
# a number's window before the patterns are.
_WORK_TIME_HINT = re.compile(
    r"dien|день|сутки|добу|day|daily|ежедневно|щодня|щоденно|кожен|кожного|каждый|ned|нед|тиж|week|wk|дн|dni|shift|maiņ|main|смен|змін|work|рабочий день|робочий день"
    rf"|работаем|працюємо|darba diena|strādājam|stradajam|:[0-5]\d|\d\s?(?:am|pm|a\.m\.|p\.m\.)|{_DAY_ENDS}")


_NO_DAYS_OFF_HINTS = ("brīvdien", "brivdien", "brīva diena", "brīvā diena", "выходн", "вихідн", "vyhodn", "vykhodn", "vykhidn", "vyhkodn", "days off", "day off", "7/7")


def extract_work_time(text: str, numbers: list[tuple[int, int]] | None = None) -> list[WorkTime]:
    """Hours a day ("12 st./dienā", "10-12 часов в день") and days a week ("6-7 dienas
    nedēļā", "7 days a week"); "no days off" counts as seven days. The figures are only
    looked for just after the text's numbers."""
    out: list[WorkTime] = []
    shifts: list[WorkTime] = []
    short = [span for span in _numbers(text, numbers) if span[1] - span[0] <= 2]
    for a, b in _windows(short, len(text), 0, 40):
        # Every pattern below needs one of these words, or a clock time, in its window: one
        # search spares seven regex passes after a number that is a price, a phone or a date.
        if _WORK_TIME_HINT.search(text, max(0, a - _SHIFT_OF_LEAD), b) is None:
            continue
        for m in _HOURS_A_DAY.finditer(text, a, b):
            top = int(m.group("b") or m.group("a"))
            if 1 <= top <= 24:
                out.append(WorkTime(float(top), None, m.start(), m.end()))
        for m in _DAYS_A_WEEK.finditer(text, a, b):
            out.append(WorkTime(None, float(m.group("b") or m.group("a")), m.start(), m.end()))
        for m in _HOURS_A_WEEK.finditer(text, a, b):
            top = int(m.group("b") or m.group("a"))
            if 30 <= top <= 100:
                out.append(WorkTime(None, None, m.start(), m.end(), week=float(top)))
        for m in _DAYS_BY_HOURS.finditer(text, a, b):
            top = int(m.group("b") or m.group("a"))
            if 1 <= top <= 24:
                out += [WorkTime(None, float(m.group("d")), m.start(), m.end()), WorkTime(float(top), None, m.start(), m.end())]
        for m in _SEVEN_DAYS.finditer(text, a, b):
            if not _NOT_A_WEEK.search(text, max(0, m.start() - 12), m.start()):
                out.append(WorkTime(None, 7.0, m.start(), m.end()))
        for m in chain(_SHIFT_LENGTH.finditer(text, a, b), _SHIFT_OF.finditer(text, max(0, a - _SHIFT_OF_LEAD), b)):
            top = int(m.group("b") or m.group("a"))
            if 1 <= top <= 24:
                shifts.append(WorkTime(float(top), None, m.start(), m.end()))
        for m in _SHIFT.finditer(text, a, b):
            hours = _shift_hours(m)
            if hours is None or not _DAY_SHIFT <= hours <= 20 or _OPENING.search(text, max(0, m.start() - 40), m.start()):
                continue
            # a 14-hour day is long by itself; a 10-hour one is long only beside a 6-day week
            (out if hours >= _LONG_SHIFT else shifts).append(WorkTime(hours, None, m.start(), m.end()))
    if any(word in text for word in _DAY_WORDS):  # the text is lower-case (normalized)
        out += [WorkTime(None, float(_DAY_WORDS[m.group("n")]), m.start(), m.end()) for m in _WORD_DAYS.finditer(text)]
    if any(hint in text for hint in _NO_DAYS_OFF_HINTS):
        out += [WorkTime(None, 7.0, m.start(), m.end()) for m in _NO_DAYS_OFF.finditer(text)]
    if shifts and any(w.days is not None and w.days >= 5 for w in out):
        # a shift that is also read as hours a day ("працюємо 12 годин на добу") counts once
        out += [s for s in shifts if not any(w.hours is not None and w.start < s.end and s.start < w.end for w in out)]
    # a total order: two readings of one span ("6 днів по 12 годин": days and hours) would
    # otherwise come out in set order, which changes from run to run (hash(None) is an address)
    return sorted(set(out), key=lambda w: (w.start, w.end, w.hours or 0.0, w.days or 0.0, w.week or 0.0))


# A written employment contract, named as such (not "contract on arrival", not "no contract").
_CONTRACT = re.compile(
    r"(?:darba|rakstisk\w*|rakstveida)\s+l(?:ii|[iī])gum\w*|l[iī]gum\w*\s+(?:uz nenoteiktu|uz noteiktu) laiku"
    r"|\d+\s?(?:mēnešu|menesu|gada)\s+l[iī]gum\w*|(?:контракт|договор)\w*\s+на\s+\d+\s+(?:месяц|год)\w*"
    r"|\d+[- ](?:month|year)\s+contract|contract\s+for\s+\d+\s+(?:months|years)"
    r"|l[iī]gum\w*\s+uz\s+\d+\s+(?:mēneš\w*|menes\w*|gad\w*)|договір\w*\s+на\s+\d+\s+(?:місяц\w*|рік|роки|років)"
    # "with a contract", "under a contract": a contract named without its kind
    r"|ar\s+(?:darba\s+)?l[iī]gumu|по\s+(?:трудовому\s+)?договору|за\s+(?:трудовим\s+)?договором"
    r"|with\s+a\s+(?:written\s+)?contract|under\s+(?:a\s+)?contract"
    r"|contracts?\s+(?:from|of)\s+\d+\s?(?:to|-|–)\s?\d+\s?(?:hrs|hours|h)\b"  # "contracts from 24 to 40 hrs"
    # sick pay and holiday pay: the lawful terms only a written contract brings
    r"|больничные,?\s+отпускные|лікарняні,?\s+відпускні|slimības\s+lapas,?\s+atvaļinājum\w*|sick\s+pay\s+and\s+holiday\s+pay"
    r"|(?:трудов|письменн|официальн)\w*\s+договор\w*|(?:трудов|письмов)\w*\s+договір|договір\s+(?:про|з)\s+роботу"
    r"|(?:trudov|pysmov|pismenn|ofitsialn)\w*\s+dogov\w*"
    # "Офіційно, договір": official work with a contract, said as two words
    r"|(?:официально|офіційно|oficiāli|oficiali),?\s+(?:договор|договір|līgums|ligums)\w*"
    r"|(?:written|employment|work|signed|fixed-term|permanent|official)\s+(?:employment\s+)?contract|contract of employment"
    r"|employment agreement|договір\s+підряду|договор\w*\s+подряда|uzņēmuma\s+l[iī]gum\w*|(?:service|freelance)\s+contract"
    # a royalty (copyright) contract: the written contract of a model, photographer or author
    r"|autoratl[iī]dz[iī]bas\s+l[iī]gum\w*|авторск\w*\s+договор\w*|авторськ\w*\s+договір\w*"
    # a contract named by the language it is written in is a written one
    r"|договір\w*\s+(?:латиською|англійською|українською|російською|двома мовами)"
    r"|договор\w*\s+на\s+(?:латышском|русском|английском|украинском|двух языках)"
    r"|l[iī]gum\w*\s+(?:\w+\s+(?:un|vai)\s+)?(?:latviešu|latviesu|angļu|anglu|krievu|norvēģu|vācu|holandiešu|zviedru|somu|dāņu|poļu)(?:\s+(?:un|vai)\s+\w+)?\s+valod\w*"
    # a contract the worker gets before leaving
    r"|l[iī]gum\w*\s+pirms\s+(?:izbraukšanas|izbrauksanas|brauciena|izbraukuma)"
    r"|договор\w*\s+до\s+(?:выезда|отъезда|поездки)|договір\w*\s+до\s+(?:виїзду|від'їзду|поїздки)"
    r"|contract\s+before\s+(?:departure|you\s+travel|you\s+leave)"
    r"|contract\s+in\s+(?:latvian|english|russian|ukrainian|your language|two languages)"
    r"|(?:send|sends|sent|email|receive|get)\s+(?:you\s+)?(?:the|your|a)\s+contract"
    # a collective agreement sets pay by law-backed terms; pension and holiday pay come with a contract
    r"|collective\s+(?:labour\s+|bargaining\s+)?agreement|kopl[iī]gum\w*|коллективн\w*\s+договор\w*|колективн\w*\s+договор\w*"
    r"|holiday\s+pay\s+(?:and|\+|&)\s+pension|pension\s+(?:and|\+|&)\s+holiday\s+pay"
    # "договор с первого дня": a contract from the first day
    r"|договор\w*\s+с\s+первого\s+дня|договір\s+з\s+першого\s+дня|l(?:ii|[iī])gum\w*\s+no\s+pirm(?:aa|[aā])s\s+dienas"
    r"|contract\s+from\s+(?:day\s+(?:one|1)|the\s+first\s+day)")
# "signed on arrival" is no contract the worker can read before leaving
_ON_ARRIVAL = re.compile(r"uz vietas|pēc ierašanās|pec ierasanas|pēc atbraukšanas|на месте|по приезду|после приезда|"
                         r"после прибытия|на місці|після прибуття|після приїзду|по приїзду|on arrival|after arrival|"
                         r"upon arrival|when you arrive")
_NEGATED = re.compile(r"(?:bez|без|no|without|nav|нет|немає|not)\s+(?:\w+\s+)?$")


_CONTRACT_HINTS = ("līgum", "ligum", "liigum", "договор", "договір", "контракт", "dogov", "contract", "agreement",
                   "больничн", "лікарнян", "slimības", "sick pay", "collective", "koplīgum", "kopligum",
                   "коллективн", "колективн", "holiday pay")


def extract_contracts(text: str) -> list[tuple[int, int]]:
    """Spans that name a written employment contract, unless negated just before ("bez darba līguma")."""
    anchors = sorted((i, i + len(hint)) for hint in _CONTRACT_HINTS for i in _find_all(text, hint))
    spans = (m.span() for a, b in _windows(anchors, len(text), 30, 30) for m in _CONTRACT.finditer(text, a, b))
    return [(a, b) for a, b in spans
            if not _NEGATED.search(text, max(0, a - 16), a) and not _ON_ARRIVAL.search(text, b, _sentence_end(text, b, 60))]


_SENTENCE_END = re.compile(r"[.!?\n]\s")


def _sentence_end(text: str, start: int, limit: int) -> int:
    """Where the sentence around `start` ends, at most `limit` characters on: "darba līgumu,
    viss oficiāli. Var dzīvot mūsu mājiņā uz vietas" signs no contract "on the spot"."""
    m = _SENTENCE_END.search(text, start, start + limit)
    return m.start() if m else start + limit


def _find_all(text: str, needle: str) -> Iterable[int]:
    i = text.find(needle)
    while i != -1:
        yield i
        i = text.find(needle, i + 1)
