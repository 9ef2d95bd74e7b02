"""Code features that rules can name (`feature: NAME`): evidence from numbers and contacts.

Each feature reads the advert's normalized text and `RawEvidence` and returns hits as
(start, end, reason) in normalized offsets; an empty span (0, 0) marks something the
advert leaves out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping

from ..evidence import RawEvidence
from ..language import split_sentences
from ..models import Contact, Pay
from ..normalize import NormText

MESSENGER_KINDS = ("telegram", "whatsapp", "viber", "signal", "wechat")
Hit = tuple[int, int, str]


PAY_HIGH_MONTHLY_EUR = 3500.0
# Where wages are higher (the UK, Norway, Switzerland, Denmark, Sweden, Iceland), the same work pays more:
# a groundworker's "£150–£180/day" is about 4,600 EUR a month and ordinary there.
HIGH_WAGE_CURRENCIES = ("GBP", "NOK", "CHF", "DKK", "SEK", "ISK")
HIGH_WAGE_FACTOR = 1.5
# A salary stated by the year is how formal and professional adverts state pay (lures name
# it by the hour, day, week or month): "€34,000–€42,000 a year" is an ordinary German wage.
YEARLY_FACTOR = 1.5


def pay_line(p: Pay, base: float = PAY_HIGH_MONTHLY_EUR, wage_factor: float = HIGH_WAGE_FACTOR,
             yearly_factor: float = YEARLY_FACTOR) -> float:
    """The monthly euros from which `p` is high pay for unskilled work: `base`, raised by
    the larger of the high-wage factor (a wage rate in a high-wage currency) and the
    yearly factor (a salary stated by the year)."""
    wage = p.currency in HIGH_WAGE_CURRENCIES and p.period != "unknown"
    return base * max(wage_factor if wage else 1.0, yearly_factor if p.period == "year" else 1.0)


@dataclass(frozen=True, slots=True)
class FeatureInput:
    norm: NormText
    evidence: RawEvidence
    kind: str
    fields: Mapping[str, str]
    # Sentences (normalized spans) where a text rule fired. What a lure sentence says
    # about pay is no lawful statement of it, so `missing_pay` only counts pay found
    # elsewhere (`missing_employer` reads a company name clear of lures: the sentence
    # that names it usually names the job too); adding a red-flag sentence can
    # therefore never remove a "missing" finding, and scores stay monotone.
    tainted: tuple[tuple[int, int], ...] = ()
    # Sentences where a rule of a real (not context-only) category fired, each with that
    # category ("" for a sentence in no language the rules read): a lawful advert's employer,
    # pay and contract are read outside these only.
    lure_sentences: tuple[tuple[int, int, str], ...] = ()
    # Sentences where any rule fired, not counting sentences in an unread language: a
    # registration number is a number in any language.
    hit_sentences: tuple[tuple[int, int], ...] = ()

    def clean(self, start: int) -> bool:
        return not any(a <= start < b for a, b in self.tainted)

    def outside_lures(self, start: int) -> bool:
        return not any(a <= start < b for a, b, _category in self.lure_sentences)

    def clear_of_lures(self, start: int, but: str = "") -> bool:
        """Whether evidence at `start` may clear or weaken a finding (a skilled trade, an
        e-mail address, an invitation to call): not when a lure fired in its sentence (one of
        category `but` aside), so adding a lure sentence can never lower a score. A sentence
        in a language the rules do not read holds no lure they saw."""
        return not any(a <= start < b and category not in ("", but) for a, b, category in self.lure_sentences)

    def same_messenger_sentence(self, a: int, b: int) -> bool:
        """Whether offsets `a` and `b` lie in one sentence whose only lure is a messenger one."""
        found = [category for x, y, category in self.lure_sentences if x <= a < y and x <= b < y]
        return bool(found) and all(category == "messenger_only" for category in found)

    def said_clear_of_lures(self, pattern: re.Pattern[str], but: str = "") -> bool:
        return any(self.clear_of_lures(m.start(), but) for m in pattern.finditer(self.norm.text))


# Skilled work that is paid well: the threshold is for unskilled work ("unrealistically
# high pay for unskilled work"), so a licensed trade, a C/E licence or a profession raises it.
# Professions among them (software and engineering) have ordinary pay higher again: a Berlin
# backend engineer's 88,000 EUR a year is no lure.
_PROFESSIONS = (r"programmētāj\w*|programmer\w*|developer\w*|программист\w*|програміст\w*|"
                r"izstrādātāj\w*|разработчик\w*|розробник\w*|"
                r"inženier\w*|engineer\w*|инженер\w*|інженер\w*|"
                # butlers: a Geneva house manager's 9,000-10,000 CHF gross is the profession's pay
                r"дворецк\w*|батлер\w*|butler\w*|мажордом\w*|majordom\w*")
_SKILLED = re.compile(r"(?<!\w)(?:c/e|c\+e|ce kat\w*|95\. kod\w*|95 kod\w*|code 95|код 95|tahogr\w*|tachogr\w*|"
                      r"тахограф\w*|metinātāj\w*|metinataj\w*|welder\w*|сварщик\w*|зварювальник\w*|elektriķ\w*|"
                      r"electrician\w*|электрик\w*|електрик\w*|"
                      # carpenters and plumbers: an Irish carpenter's 20-24 EUR an hour is the trade's rate
                      r"carpenter\w*|joiner\w*|plumber\w*|galdniek\w*|namdar\w*|santehniķ\w*|santehnik\w*|"
                      r"плотник\w*|столяр\w*|сантехник\w*|тесл[яі]\w*|сантехнік\w*|"
                      # finishing trades and meat deboners: an Israeli drywaller's 550-650 ILS a day, a Dutch
                      # deboner's 3,000-3,600 EUR under the meat-sector agreement are the trades' rates
                      r"гипсокартонщик\w*|гіпсокартонник\w*|штукатур\w*|плиточник\w*|"
                      r"flīzētāj\w*|flizetaj\w*|apmetēj\w*|tiler\w*|plasterer\w*|drywall\w*|"
                      r"обвальщик\w*|обвальник\w*|atkaulotāj\w*|deboner\w*|"
                      # nurses: a German clinic's 3,600-3,900 EUR gross is a nurse's ordinary tariff pay
                      rf"nurses?(?!\w)|medmās\w*|medmas\w*|медс[её]ст\w*|медбрат\w*|"
                      # analysts: a compliance analyst's 3,200-4,300 EUR gross is ordinary pay
                      rf"analyst\w*|analītiķ\w*|analitik\w*|аналитик\w*|аналітик\w*|{_PROFESSIONS})")
_PROFESSION = re.compile(rf"(?<!\w)(?:{_PROFESSIONS})")


# A stated working day of at most this many hours is part-time: a monthly, weekly or daily
# pay is then compared as the full-time (8-hour) pay it stands for. Under one hour a day is
# no job description ("1 hour a day on your phone" is itself a lure phrase, matched elsewhere).
_PART_DAY_HOURS = 4.0
_MIN_DAY_HOURS = 1.0
_PART_DAY_REACH = 100  # characters between the pay and the stated hours
# hours of free time or rest are no working day ("Free time: 2 hours a day")
_OFF_DUTY = re.compile(r"(?<!\w)(?:free time|time off|rest|break|brīv\w* laik\w*|atpūt\w*|pārtraukum\w*|"
                       r"свободн\w* врем\w*|отдых\w*|перерыв\w*|вільн\w* час\w*|відпочин\w*|перерв\w*)"
                       r"[^.!?\n]{0,12}$", re.IGNORECASE)
_SCALED_PERIODS = frozenset({"day", "week", "month"})
# An amount named as a price ("Our agency price for full package: 5,800 USD", "Kopējā maksa –
# 590 €", "стоимость пакета 3000 €") is what the reader pays, not a wage. Not "fee" or
# "package": a model's "fee €7,000 for 10 days" and a "salary package" are earnings.
_PRICE_LEAD = re.compile(r"(?<!\w)(?:price|prices|maksa|cena|цена|стоимост\w*|вартіст\w*|ціна)"
                         r"[^.!?\n]{0,25}$", re.IGNORECASE)
_PRICE_REACH = 40  # characters before an amount where its price word may stand
# A short engagement: a job of one day ("each model works one day", "one-day shoot"), a
# shoot or an event of up to five days ("Shoot: 2 days in a studio", "Зйомка 1 день") or a
# rate "per fair day". Its day rate is a fee for those days, not a wage to be read as
# twenty-two days a month.
_SHORT = r"(?:[1-5]|one|two|three|four|five|один|одна|два|дві|три|viena|vienu|vienas|divas|divu|trīs|tris|triju)"
_SHORT_ENGAGEMENT = re.compile(
    r"(?<!\w)(?:works? (?:only )?(?:1|one) day(?!\s?(?:a|per|each|every|in|and|on|off|/)\b)"
    # a shoot or an event of a few days ("Shoot: 2 days in a studio", "Зйомка 1 день")
    r"|(?:shoot|shooting|event|gig|exhibition|expo|зйомк\w*|съ[её]мк\w*|фотосесі\w*|фотосесси\w*|fotosesij\w*|"
    r"выставк\w*|виставк\w*|izstād\w*|"
    rf"filmēšan\w*|pasākum\w*)\W+(?:\w+\W+){{0,3}}?{_SHORT}\s?(?:days?|день|дня|дні|днів|дней|diena|dienu|dienas)"
    rf"|{_SHORT}[\s-]?(?:days?|денн\w*|дневн\w*|dienas|dienu)[\s-](?:shoot|event|job|gig|зйомк\w*|съ[её]мк\w*|fotosesij\w*|pasākum\w*)"
    # a day rate for a stated few days ("Fee €220 per day for 3 days"), not days a week
    rf"|(?:a|per) day for {_SHORT}\s?days?(?!\s?(?:a|per|each|every|in|/)\b)"
    # a rate per day of a fair or a shoot is a fee for event work
    r"|per (?:fair|event|shoot|shooting|show|festival|exhibition) day"
    r"|par (?:fotosesijas|filmēšanas|pasākuma|izstādes) dienu"
    # models paid per booking: a day rate for a gig, not a daily wage
    r"|paid per booking)(?!\w)")


# A pay with no period named, at or above this many euros, is a yearly salary when it is a
# range or a profession's pay; a single lump sum ("€20,000 for the wedding") stays as it is.
_YEARLY_EUR = 20_000


def pay_high(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    base = params.get("monthly_eur", PAY_HIGH_MONTHLY_EUR)
    factor = params.get("high_wage_factor", HIGH_WAGE_FACTOR)
    yearly = params.get("yearly_factor", YEARLY_FACTOR)
    skilled: bool | None = None  # looked up only once a pay is over the unskilled threshold
    profession = False
    out = []
    # A day of a few hours next to the pay ("2-3 hours a day around the school runs.
    # GUARANTEED £2,000 a month") makes it a full-time wage of over 6,000 EUR: such pay is
    # compared as full-time pay. Hours further off are about something else (a course, free
    # time), and a longer day stated anywhere is the real one.
    text = x.norm.text
    days = [(w.start, w.hours) for w in x.evidence.work_time
            if w.hours is not None and not _OFF_DUTY.search(text, max(0, w.start - 30), w.start)]
    part_day = params.get("part_day_hours", _PART_DAY_HOURS)
    part_time = bool(days) and all(hours <= part_day for _, hours in days)
    short_engagement: bool | None = None  # looked up only once a day rate is found
    for p in x.evidence.pay:
        if _PRICE_LEAD.search(text, max(0, p.start - _PRICE_REACH), p.start):
            continue
        if p.period == "day":
            if short_engagement is None:
                short_engagement = _SHORT_ENGAGEMENT.search(text) is not None
            if short_engagement:
                continue
        day = None
        if part_time and p.period in _SCALED_PERIODS:
            day = max((hours for at, hours in days if abs(at - p.start) <= _PART_DAY_REACH), default=None)
        scale = 8.0 / day if day is not None and day >= _MIN_DAY_HOURS else 1.0
        # a lump sum with no period ("£4,000 + free holiday") is no wage rate
        threshold = pay_line(p, base, factor, yearly) / scale
        if p.monthly_eur < threshold:
            continue
        if skilled is None:
            skilled = x.said_clear_of_lures(_SKILLED)
            profession = skilled and x.said_clear_of_lures(_PROFESSION)
        monthly = p.monthly_eur
        if p.period == "unknown" and monthly >= _YEARLY_EUR and (skilled or p.amount_min < p.amount_max):
            # "Salary £26,500–£28,000", "£68,000–£78,000 depending on experience", a nurse's
            # "£31,049 rising to £37,796": yearly
            monthly /= 12
        if profession:
            threshold *= params.get("profession_factor", params.get("skilled_factor", 1.0))
        elif skilled:
            threshold *= params.get("skilled_factor", 1.0)
        if monthly >= threshold:
            if scale != 1.0:
                out.append((p.start, p.end, f"pay of about {monthly:,.0f} EUR a month for {day:g} hours a day "
                                            f"(about {monthly * scale:,.0f} full-time; threshold {threshold * scale:,.0f})"))
            else:
                out.append((p.start, p.end, f"pay of about {monthly:,.0f} EUR a month (threshold {threshold:,.0f})"))
    return out


# Programmes whose age window is set by law or by the programme, not by an employer's
# preference: au pair schemes (18–30), the European Solidarity Corps (18–30), student
# work-and-travel visas.
LEGAL_AGE_PROGRAMMES = ("au pair", "au-pair", "aupair", "solidarity corps", "solidaritātes korpus",
                        "корпус солидарности", "корпус солідарності", "work and travel", "work & travel",
                        # working-holiday visas have legal age windows (Canada's IEC: 18-35)
                        "working holiday", "youth mobility", "international experience canada",
                        # the US J-1 Summer Work Travel programme is for full-time students
                        "j-1", "summer work travel", "summer work and travel",
                        # youth jobs taken with the parents' consent, and state summer-job programmes for
                        # pupils: a minor's age window set by law, not by an employer's preference
                        "з батьками", "разом із батьками", "згода батьків", "згодою батьків", "з дозволу батьків",
                        "с согласия родителей", "вместе с родителями", "ar vecāku piekrišanu", "kopā ar vecākiem",
                        "with parental consent", "parents' consent", "літньої зайнятості школярів",
                        "летней занятости школьников", "skolēnu vasaras nodarbinātīb")
_LEGAL_AGE_PROGRAMME = re.compile("|".join(re.escape(name) for name in LEGAL_AGE_PROGRAMMES))


def age_limit(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    max_high = params.get("max_high", 40.0)
    limits = [(a.start, a.end, f"age limited to {a.low or '?'}–{a.high}")
              for a in x.evidence.ages if a.high is not None and a.high <= max_high
              # "children under 15 are not allowed in the field" limits children, not workers
              and (a.low is not None or a.high >= 18)]
    return [] if limits and x.said_clear_of_lures(_LEGAL_AGE_PROGRAMME) else limits


def minor_sought(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    """An age range that reaches below 18 ("ищу девушку 17-22"): in a dating advert, a minor sought."""
    adult = params.get("adult", 18.0)
    return [(a.start, a.end, f"age range {a.low}–{a.high} includes minors")
            for a in x.evidence.ages if a.low is not None and a.low < adult]


# An invitation to call: the advert is not reachable through a messenger only.
# (Latvian, Russian and Ukrainian only: English lures say "call or WhatsApp" as often as
# lawful adverts do.)
_CALL_INVITE = re.compile(r"(?<!\w)(?:zvan(?:i|iet|īt|it|ot)|piezvan\w*|"
                          r"atzvanīsim|atzvanīšu|atzvanisim|"
                          r"звоните|звони|позвоните|позвони|перезвоним|перезвоню|"
                          r"телефонуйте|телефонуй|дзвоніть|дзвони|зателефонуйте|передзвонимо|передзвоню)(?!\w)")


_CALL_STEMS = ("zvan", "звон", "телефону", "дзвон", "зателеф", "передзвон")  # a cheap gate before the regex


# "we do not recruit through WhatsApp or Telegram": a channel the advert refuses is no contact
_REFUSED_CHANNEL = re.compile(
    r"(?:do not|don't|dont|never|we don't)\s(?:recruit|hire|contact|communicate|ask|offer jobs|work)\w*"
    r"(?:\s[^\W\d]+){0,3}\s(?:through|via|over|on|in|by)(?:\s[^\W\d]+){0,3}\s?$"
    r"|(?:nekad|mēs ne|mes ne)\s?\w*\s(?:caur|pa|ar)\s?$"
    r"|(?:не|никогда не|ніколи не)\s(?:набираем|набираємо|нанимаем|ищем|шукаємо|связываемся|зв'язуємося|пишем|пишемо)\w*"
    r"(?:\s[^\W\d]+){0,2}\s(?:через|в|у|по)(?:\s[^\W\d]+){0,3}\s?$")


def messenger_contact(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    """A messenger as the way to get in touch, unless the advert also gives an e-mail address,
    a web address or an invitation to call (when there is a phone to call). That evidence
    clears every messenger contact when it is clear of lures; inside a sentence whose only
    lure is the messenger one ("zvaniet vai rakstiet WhatsApp", "CV to jobs@firm.co.uk or
    WhatsApp us") it clears only the messengers of that sentence. So a red-flag sentence
    added elsewhere with its own "write PM or call" cannot clear the messenger contact of
    the rest of the advert."""
    contacts = x.evidence.contacts
    text = x.norm.text
    hits = [c for c in contacts if c.kind in MESSENGER_KINDS
            and not _REFUSED_CHANNEL.search(text, max(0, c.start - 60), c.start)]
    if not hits:
        return []
    clearing = [c.start for c in contacts if c.kind in ("email", "url")]
    if params.get("call_invite_clears", 0.0) and any(stem in text for stem in _CALL_STEMS):
        # a phone to call: one written out, or only spaced digit by digit (ordinary posters
        # space digits too), not one spelled in words or broken by odd signs
        if any(c.kind == "phone" and (not c.obfuscated or _spaced_only(x, c.start, c.end)) for c in contacts):
            clearing += [m.start() for m in _CALL_INVITE.finditer(text)]
    if any(x.clear_of_lures(at) for at in clearing):
        return []
    hits = [c for c in hits if not any(x.same_messenger_sentence(at, c.start) for at in clearing)]
    return [(c.start, c.end, f"contact through {c.kind}" + (f" {c.value}" if c.value else "")) for c in hits[:1]]


_LETTER_OR_ODD_SIGN = re.compile(r"[^\W\d_]|[~*_|·•#=]")


def _spaced_only(x: FeatureInput, start: int, end: int) -> bool:
    """A phone obfuscated only by spaces between its digits ("2 9 8 1 6 3 0 2"): no number
    words, no odd symbols. Ordinary posters space digits too (74 red-flag against 24 benign
    dev adverts), so it is a weaker sign than spelling a number out (48 against 5)."""
    return _LETTER_OR_ODD_SIGN.search(x.norm.text, start, end) is None


def _obfuscated(x: FeatureInput, *, spaced: bool) -> list[Contact]:
    """Obfuscated contacts: those only spaced out digit by digit (`spaced`) or all the others."""
    return [c for c in x.evidence.contacts
            if c.obfuscated and (c.kind == "phone" and _spaced_only(x, c.start, c.end)) == spaced]


def disguised_starts(x: FeatureInput) -> list[int]:
    """Where a contact is disguised (spelled in words, broken by odd signs), as
    `obfuscated_contact` reports it. Known before any feature runs, so the match stage can
    count these sentences as lure sentences. Not a word with one look-alike letter: posters
    slip into the other keyboard layout by accident ("пoдатки сплачуємо")."""
    return [c.start for c in _obfuscated(x, spaced=False)]


def obfuscated_contact(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    hits = [(c.start, c.end, f"{c.kind} written to evade filters ({c.value})") for c in _obfuscated(x, spaced=False)]
    mixed = x.norm.mixed_script
    if len(mixed) >= params.get("min_mixed_words", 1):
        hits += [(a, b, "word mixes Latin and Cyrillic look-alike letters") for a, b in mixed]
    return hits


def spaced_contact(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    return [(c.start, c.end, f"phone with its digits spaced out ({c.value})") for c in _obfuscated(x, spaced=True)]


def long_hours(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    """Excessive working time (an ILO indicator of forced labour): `hours` a day or more,
    `days` a week or more, or `weekly` hours a week or more, stated as such or as hours a day
    times days a week."""
    hours, days, weekly = params.get("hours", 12.0), params.get("days", 7.0), params.get("weekly", 60.0)
    out = []
    for w in x.evidence.work_time:
        if w.hours is not None and w.hours >= hours:
            out.append((w.start, w.end, f"{w.hours:g} hours a day"))
        elif w.days is not None and w.days >= days:
            out.append((w.start, w.end, f"{w.days:g} days a week"))
        elif w.week is not None and w.week >= weekly:
            out.append((w.start, w.end, f"{w.week:g} hours a week"))
    if not out:  # "6 days a week, 11 hours a day" is 66 hours
        per_day = max((w.hours for w in x.evidence.work_time if w.hours is not None), default=0.0)
        per_week = [w for w in x.evidence.work_time if w.days is not None]
        if per_week and per_day * max(w.days or 0.0 for w in per_week) >= weekly:
            w = per_week[0]
            out.append((w.start, w.end, f"about {per_day * (w.days or 0.0):g} hours a week"))
    return out


def missing_employer(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    text = x.norm.text
    identified = any(x.clear_of_lures(a) or (any(ch.isdigit() for ch in text[a:b])
                                    and not any(s <= a < e for s, e in x.hit_sentences))
                     for a, b in x.evidence.identity_spans)
    if x.kind != "job" or identified or x.fields.get("employer"):
        return []
    return [(0, 0, "no employer name with a company form and no registration number")]


def _plausible_line(p: Pay) -> float:
    """Monthly euros from which a stated pay is no plausible wage range (a law-abiding
    advert's pay); only a yearly salary raises the line here."""
    return pay_line(p, wage_factor=1.0)


def missing_pay(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    """A plausible pay figure outside the lure sentences; an unrealistic one is no pay range."""
    stated = any(x.clean(p.start) and p.monthly_eur < _plausible_line(p) for p in x.evidence.pay)
    if x.kind != "job" or stated or x.fields.get("pay"):
        return []
    return [(0, 0, "no plausible pay amount or range stated outside the lure")]


def _beside_high_pay(text: str, pays: tuple[Pay, ...]) -> set[int]:
    """Starts of the pay figures in the same sentence as one over the high-pay line ("4000 €
    (1000 € at once, the rest after the papers)"): part of that offer, not a plausible wage."""
    highs = [p.start for p in pays if p.monthly_eur >= _plausible_line(p)]
    if not highs:
        return set()
    spans = split_sentences(text)
    offers = [(a, b) for a, b in spans if any(a <= at < b for at in highs)]
    return {p.start for p in pays if any(a <= p.start < b for a, b in offers)}


def _terms_stated(x: FeatureInput) -> tuple[bool, tuple[int, int] | None]:
    """Outside the lure sentences of a job advert: is the employer's registration (or licence)
    number stated, and where is a written contract named if a plausible pay figure is stated too."""
    text = x.norm.text
    ok = x.outside_lures
    registered = any(ok(a) and any(ch.isdigit() for ch in text[a:b]) for a, b in x.evidence.identity_spans)
    offer = _beside_high_pay(text, x.evidence.pay)
    paid = any(ok(p.start) and p.monthly_eur < _plausible_line(p) and p.start not in offer for p in x.evidence.pay)
    contract = next(((a, b) for a, b in x.evidence.contract_spans if ok(a)), None) if paid else None
    return registered, contract


def lawful_advert(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    """A job advert that states what Darba likums s. 32 asks for, outside the lure sentences:
    the employer with a registration number, a plausible pay figure, and a written contract."""
    if x.kind != "job":
        return []
    registered, contract = _terms_stated(x)
    if not (registered and contract):
        return []
    return [(contract[0], contract[1], "employer registration number, pay and a written contract stated")]


def stated_terms(x: FeatureInput, params: Mapping[str, float]) -> list[Hit]:
    """Half of `lawful_advert`: a plausible pay figure and a written contract outside the lure
    sentences, without the employer's registration number (which would make it lawful_advert)."""
    if x.kind != "job":
        return []
    registered, contract = _terms_stated(x)
    if registered or not contract:
        return []
    return [(contract[0], contract[1], "pay and a written contract stated (no registration number)")]


FEATURES: dict[str, Callable[[FeatureInput, Mapping[str, float]], list[Hit]]] = {
    "pay_high": pay_high,
    "age_limit": age_limit,
    "minor_sought": minor_sought,
    "messenger_contact": messenger_contact,
    "obfuscated_contact": obfuscated_contact,
    "spaced_contact": spaced_contact,
    "missing_employer": missing_employer,
    "long_hours": long_hours,
    "lawful_advert": lawful_advert,
    "stated_terms": stated_terms,
    "missing_pay": missing_pay,
}
