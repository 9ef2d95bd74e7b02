from __future__ import annotations

import pytest

from scanner.evidence import (extract_ages, extract_contacts, extract_contracts, extract_evidence, extract_pay,
                              extract_work_time)
from scanner.normalize import normalize_text


def _n(text: str) -> str:
    return normalize_text(text).text


@pytest.mark.parametrize("text, value, obfuscated", [
    ("Zvani +371 26 123 456", "+37126123456", False),
    ("tel. 2 6 1 2 3 4 5 6", "+37126123456", True),
    ("divi seši viens divi 3 4 5 6", "+37126123456", True),
    # Latvian typed with digraphs: "seshi" (seši), "septinji" (septiņi), "triis" (trīs), "astonji" (astoņi)
    ("divi seshi, septinji nulle, triis viens, astonji pieci", "+37126703185", True),
    # groups split by en dashes: "2 six 4 1 – 8 0 3 – five"
    ("call 2 six 4 1 – 8 0 3 – five", "+37126418035", True),
    ("Тел 2~6~1~2~3~4~5~6", "+37126123456", True),
    ("звони: два шесть 1 2 3 4 5 6", "+37126123456", True),
    ("+380 (67) 123-45-67", "+380671234567", False),
    ("8 916 123 45 67", "+79161234567", False),
])
def test_phones_normalized_to_e164(text: str, value: str, obfuscated: bool) -> None:
    phones = [c for c in extract_contacts(_n(text)) if c.kind == "phone"]
    assert [(c.value, c.obfuscated) for c in phones] == [(value, obfuscated)]


def test_a_phone_number_ends_at_the_line_end() -> None:
    text = "Call: plus three seven one, two nine, five five, one three, zero eight\n100% legal"
    phones = [c for c in extract_contacts(_n(text)) if c.kind == "phone"]
    assert [(p.value, p.obfuscated) for p in phones] == [("+37129551308", True)]


def test_dates_and_registration_numbers_are_not_phones() -> None:
    assert not [c for c in extract_contacts(_n("2024-05-12, reģ. nr. 40103123456")) if c.kind == "phone"]


@pytest.mark.parametrize("text, found", [
    ("caur licencētu aģentūru (nva licence nr. 2019/41), līgums", "licence nr. 2019/41"),
    ("лицензия государственного агентства занятости № 152", "лицензия государственного агентства занятости № 152"),
    ("glaa licence no. 1234", "licence no. 1234"),
])
def test_an_agency_licence_number_identifies_the_employer(text: str, found: str) -> None:
    spans = extract_evidence(text).identity_spans
    assert [text[a:b] for a, b in spans] == [found]
    assert not extract_evidence("licensed agency, no fees").identity_spans


def test_an_email_with_a_long_top_level_domain() -> None:
    found = {(c.kind, c.value) for c in extract_contacts(_n("WhatsApp +45 20 00 18 44 or e-mail job@nbpark.example"))}
    assert ("email", "job@nbpark.example") in found


def test_whatsapp_written_as_wa_before_a_number() -> None:
    assert ("whatsapp", "") in {(c.kind, c.value) for c in extract_contacts("rakstit wa +31 6 84 22 09 17")}
    assert not [c for c in extract_contacts("washington, wa state") if c.kind == "whatsapp"]


def test_wechat_is_a_messenger_contact() -> None:
    from scanner import scan_text

    assert ("wechat", "") in {(c.kind, c.value) for c in extract_contacts(_n("Send a photo to Mrs. Lin on WeChat: lin_tipp"))}
    assert not [c for c in extract_contacts(_n("we chat over coffee on Saturdays")) if c.kind == "wechat"]
    found = scan_text("Kitchen helper wanted. Message Mrs. Lin on WeChat: lin_tipp", kind="job").findings
    assert any(f.rule == "RF0903" and "wechat" in f.reason for f in found)


def test_a_domain_named_after_a_word_is_no_obfuscated_email() -> None:
    """"our staff only email from @firm.co.uk" names the firm's domain; "info @ firm.lv"
    is an address with spaces, written to dodge filters."""
    emails = [c for c in extract_contacts(_n("Our staff only email from @meridianethical.co.uk.")) if c.kind == "email"]
    assert emails == []
    [email] = [c for c in extract_contacts(_n("Write to info @ firm.lv")) if c.kind == "email"]
    assert (email.value, email.obfuscated) == ("info@firm.lv", True)


def test_messenger_handles_and_emails() -> None:
    found = {(c.kind, c.value) for c in extract_contacts(_n(
        "Пишите @Rabota_EU в телеграм, t.me/jobs_eu, wa.me/37126123456, job (at) gmail (dot) com"))}
    assert {("telegram", "@rabota_eu"), ("telegram", "@jobs_eu"), ("whatsapp", "+37126123456"),
            ("email", "job@gmail.com")} <= found


@pytest.mark.parametrize("text, low, high, currency, period", [
    ("Alga 1200–1500 EUR bruto mēnesī", 1200, 1500, "EUR", "month"),
    ("зарплата от 3000 до 5000 евро в месяц", 3000, 5000, "EUR", "month"),
    ("€25/h", 25, 25, "EUR", "hour"),
    ("70-100 $ в час", 70, 100, "USD", "hour"),
    ("2 000 EUR mēnesī", 2000, 2000, "EUR", "month"),
    # thirteen (or twelve, fourteen) salaries a year: a monthly wage
    ("Salary CHF 4,400 x 13 at 100%, paid monthly", 4400, 4400, "CHF", "month"),
    ("£24,000 per year", 24000, 24000, "GBP", "year"),
    ("approx. ISK 470,000 gross per month", 470000, 470000, "ISK", "month"),
    ("165 Kč за годину брутто", 165, 165, "CZK", "hour"),  # "165 Kč" is no "165k"
    ("гуртожиток 3 500 Kč/міс", 3500, 3500, "CZK", "month"),
    ("£12.60–£14.20/hr", 12.6, 14.2, "GBP", "hour"),  # the currency repeated in a range
    ("full-time, 5/2 schedule, €6.50/h gross", 6.5, 6.5, "EUR", "hour"),  # "5/2" must not swallow the "€"
    # a clause break ends the amount's tail: the "hours" after it are another subject
    ("Зарплата 1450–1800 € брутто, ночные часы доплачиваются", 1450, 1800, "EUR", "unknown"),
    # the period named first wins; "час" inside "тимчасовим" (temporary) is no hour
    ("кімнати від 70 €/міс. Особам з тимчасовим захистом", 70, 70, "EUR", "month"),
    ("500 € особам з тимчасовим захистом", 500, 500, "EUR", "unknown"),
    # what a pay includes is no period: "daily allowances" do not make it a daily pay
    ("Salary €2,600–3,200 net including daily allowances", 2600, 3200, "EUR", "unknown"),
    # a rate named before its amount
    ("hourly rate €14–16 gross", 14, 16, "EUR", "hour"),
    ("stundas likme 16–19 € bruto", 16, 19, "EUR", "hour"),
    ("Погодинна ставка 14–16 євро, працюємо 50 годин на тиждень", 14, 16, "EUR", "hour"),
    ("месячная зарплата: от 900 €", 900, 900, "EUR", "month"),
    ("Rate per hour 14 EUR", 14, 14, "EUR", "hour"),
    # not a bonus named by its period, and not a Latvian period word without a rate word
    ("monthly bonus €200", 200, 200, "EUR", "unknown"),
    ("kurss 5 dienas 900 €", 900, 900, "EUR", "unknown"),
    # Gulf, Israel and Turkey, where care and domestic work is recruited for
    ("Оплата 350 лир в час, выплата каждую пятницу", 350, 350, "TRY", "hour"),
    ("Зарплата 6000 шекелей в месяц", 6000, 6000, "ILS", "month"),
    ("Оплата 5500 шекелів на місяць", 5500, 5500, "ILS", "month"),
    ("Salary: QAR 1,000 per month basic", 1000, 1000, "QAR", "month"),
    ("1500 riyals a month", 1500, 1500, "SAR", "month"),
])
def test_pay(text: str, low: float, high: float, currency: str, period: str) -> None:
    [pay] = extract_pay(_n(text))
    assert (pay.amount_min, pay.amount_max, pay.currency, pay.period) == (low, high, currency, period)


@pytest.mark.parametrize("text, low, high", [
    ("Возраст 18-28 лет", 18, 28),
    ("vecums līdz 30 gadiem", None, 30),
    ("girls aged 18 to 25", 18, 25),
    ("Дівчата віком 18–25 років", 18, 25),
    ("easy job for young guys 17-21", 17, 21),
    ("puisis 24g, mekleju draudzeni 14-17g", 14, 17),  # a girlfriend sought in a dating advert
    ("Ищу подругу 16-20, пиши", 16, 20),
])
def test_ages(text: str, low: int | None, high: int) -> None:
    [age] = extract_ages(_n(text))
    assert (age.low, age.high) == (low, high)


def test_working_hours_are_not_ages() -> None:
    assert extract_ages(_n("Darba laiks 8–17, pieredze 2 gadi")) == []
    # an age word must start a word: "you" is no "y.o.", "brigadieris" no "gadi", "wages" no "age"
    assert extract_ages(_n("we'll show you the ropes. 30-38 hrs a week")) == []
    assert extract_ages(_n("Visu kārto brigadieris. Alga 18-20 eur/h")) == []
    assert extract_ages(_n("wages 20-30 per hour")) == []


@pytest.mark.parametrize("text, identified", [
    ('SIA "Baltic Build", reģ. nr. 40103123456', True),
    ("ООО «Ромашка» ищет", True),
    ("ТОВ «Будсервіс» шукає", True),
    ("Acme Ltd is hiring", True),
    ("Havbris Fiskeri (org.nr. 918 443 207) is hiring", True),  # a Norwegian number in groups of three
    ("Hótel Skógafoss (kt. 540318-1290) is hiring", True),  # an Icelandic kennitala
    ("Agentura Práce Morava s.r.o. hledá", True),  # normalized to "sro."
    ("Klinikum Oberfranken gGmbH recruits nurses", True),  # a German non-profit GmbH
    ("Finbarr Care (CRO 612457) is recruiting", True),  # an Irish Companies Registration Office number
    ("Northmoor Teaching Hospitals NHS Foundation Trust is recruiting", True),  # an English NHS trust
    ("Fjordbua (org. no. 921 604 358) runs a café", True),  # a Norwegian number as "org. no."
    ("Work as a cleaner, call me", False),
])
def test_employer_identity(text: str, identified: bool) -> None:
    ev = extract_evidence(_n(text))
    assert bool(ev.employer_id or ev.company_form) is identified


@pytest.mark.parametrize("text,hours,days", [
    ("Gaļas fabrika, 12 st./dienā, 6-7 dienas ned.", [12.0], [7.0]),
    ("Работа 10–12 часов в день, 6 дней в неделю", [12.0], [6.0]),
    ("Працюємо 12 годин на добу без вихідних", [12.0], [7.0]),
    ("8 hours a day, 5 days a week", [8.0], [5.0]),
    ("графік 6 днів по 10-12 годин", [12.0], [6.0]),  # both figures in one phrase
    ("6 dienas pa 11 stundām", [11.0], [6.0]),
    ("No days off in the season", [], [7.0]),
    ("We're open 7 days so we need lads who don't need days off", [], [7.0]),
    ("our best man do 14-15 hour, no day off", [], [7.0]),
    ("Work 10-12 hours daily, Sunday also if project urgent.", [12.0], []),
    ("Платим 7 евро на годину, робота 12 годин кожен день.", [12.0], []),
    # no day off said as a rule of the job, with words between
    ("Выходных первые полгода нет, дальше — как решит семья.", [], [7.0]),
    ("Вихідний не передбачений, бо підопічна не може лишатися сама.", [], [7.0]),
    ("Выходной в субботу, в воскресенье тоже.", [], []),
    ("Vyhodnyh net but you can rest when she sleeps", [], [7.0]),
    ("12-hour shifts on a 2/2 rota, 20 EUR a day", [], []),
    # a shift's length counts beside five or more days a week, not alone
    ("Hotel cleaning, 11-12h shifts 6 days/wk.", [12.0], [6.0]),
    ("12-часовые смены, 6 дней в неделю", [12.0], [6.0]),
    ("12 stundu maiņas, 3 dienas nedēļā", [], [3.0]),
    ("Shifts of 10–12 hours, 6 days a week, overtime as needed", [12.0], [6.0]),
    ("Смены по 12 часов, 6 дней в неделю", [12.0], [6.0]),
    ("Зміни по 11 годин, 6 днів на тиждень", [11.0], [6.0]),
    ("Maiņas pa 12 stundām, 6 dienas nedēļā", [12.0], [6.0]),
    ("Shifts of 12 hours on a 2/2 rota", [], []),
    ("Salary 600 EUR plus room. One day off per month.", [], [7.0]),
    ("Один выходной в месяц, жильё бесплатно", [], [7.0]),
    ("Two days off a week, one day off per year for your birthday", [], []),
    ("Life is busy – 7am to midnight, seven days", [17.0], []),
    ("Смена с 7:00 до 23:00 без выходных", [16.0], [7.0]),
    ("Darbs no 6:00 līdz 22:00", [16.0], []),
    # minutes after a dot, as many European adverts write them; not prices
    ("Working from 6.00 to 22.00, every day have job.", [16.0], []),
    ("Работа с 7.30 до 23.00 без выходных", [15.5], [7.0]),
    ("Pay 6.00-22.00 EUR per hour", [], []),
    ("Cena €6.00–22.00 par stundu", [], []),
    ("Hourly rate 10.50-12.50, 5 days a week", [], [5.0]),
    ("Working hours 8:00-20:00 on a 2/2 rota", [], []),
    ("Open 7:00–23:00 every day", [], []),
    ("Pay 10-12 EUR/h, 8:00–2:00 at weekends", [], []),
    ("Hand car wash, room upstairs. 7 days, 8am till close.", [], [7.0]),
    # the working day's clock times right after "7 days" make it the working week, and
    # beside a week of five days or more a clock-time day of 8 hours or more counts too
    ("Car wash, £50 a day cash, 7 days 8am till 8pm.", [12.0], [7.0]),
    ("Darbs 7 dienas 8:00-20:00, dzīvošana uz vietas", [12.0], [7.0]),
    ("Hours 7am till 7pm, 6 days a week.", [12.0], [6.0]),
    ("Shop open 8am-8pm, 6 days a week.", [], [6.0]),  # opening hours are no working day
    ("Office hours 9:00-17:00, Monday to Friday.", [], []),  # no week stated: a day alone is not counted
    ("Work 6 days a week, shift 10-11 hours.", [11.0], [6.0]),
    ("Delivery in 7 days 10 parcels max", [], []),
    ("Walk in with your CV Tue–Thu 2–5pm", [], []),  # 14:00 to 17:00, not 2:00 to 17:00
    ("Refund within 7 days. Delivery in 7 days, guaranteed.", [], []),
    # "all 7 days" is a whole week, whatever word follows it
    ("Means you work all 7 days but you make double", [], [7.0]),
    ("Strādāsi visas 7 dienas, bet nopelnīsi divreiz vairāk", [], [7.0]),
    ("Работаешь все 7 дней но зарабатываешь вдвое", [], [7.0]),
    ("Тестовий період 7 днів потім договір", [], []),
    # the shift word may stand a few words before its length
    ("Shifts are normally 11–12 hours, 6 days a week.", [12.0], [6.0]),
    # so may the working day, which like a shift counts only beside a week of five days or more
    ("Work is 10-12 hours, 6 days per week, sometimes Sunday also.", [12.0], [6.0]),
    ("Рабочий день 12 часов, 6 дней в неделю.", [12.0], [6.0]),
    ("Darba diena 12 stundas, 6 dienas nedēļā.", [12.0], [6.0]),
    ("Працюємо 11 годин, 6 днів на тиждень.", [11.0], [6.0]),
    ("Work is 10 hours on a 2/2 rota", [], []),
    # the word must start there: homework is no working day
    ("Homework 10 hours, 6 days a week of lessons.", [], [6.0]),
    # days a week in words
    ("Shifts are normally 11–12 hours, six or seven days a week.", [12.0], [7.0]),
    ("Strādājam sešas dienas nedēļā.", [], [6.0]),
    ("Работаем семь дней в неделю.", [], [7.0]),
    ("Seven days in Rome: a guided tour", [], []),
    # one day off a month is a seven-day week; "till late evening" ends at ten at night
    ("Strādā no 6:00 līdz vēlam vakaram, 1 brīva diena mēnesī.", [16.0], [7.0]),
    ("Выходной один раз в месяц.", [], [7.0]),
    ("Вихідний 1 раз на місяць.", [], [7.0]),
    ("Work from 6am till late evening.", [16.0], []),
    ("Kafejnīca atvērta no 8:00 līdz vēlam vakaram.", [], []),  # opening hours
    # "без выходной" as non-native writers put it; "the cows have no day off"
    ("Работа каждый день, без выходной.", [], [7.0]),
    ("Робота кожен день, корови не мають вихідний.", [], [7.0]),
])
def test_work_time(text: str, hours: list[float], days: list[float]) -> None:
    found = extract_work_time(_n(text))
    assert [w.hours for w in found if w.hours is not None] == hours
    assert [w.days for w in found if w.days is not None] == days
    assert extract_evidence(_n(text)).work_time == tuple(found)


@pytest.mark.parametrize("text, week", [
    ("норма 60 годин на тиждень", [60.0]),
    ("up to 72 hours a week in season", [72.0]),
    ("38–40 stundas nedēļā", [40.0]),
    ("5 days a week, 8 hours a day", []),
    ("3 hours a week of language lessons", []),  # two digits only: no working week
])
def test_hours_a_week(text: str, week: list[float]) -> None:
    assert [w.week for w in extract_work_time(_n(text)) if w.week is not None] == week


def test_a_ukrainian_week_is_not_a_day() -> None:
    (pay,) = extract_pay(_n("Далі 300 £ на тиждень"))  # "тиждень" ends in "день"
    assert pay.period == "week"


def test_a_pay_period_does_not_come_from_the_next_sentence() -> None:
    # blind extra709 lv-qzg22: "1350 €. Maiņas pa 8 stundām" was read as 1350 € an hour
    (pay,) = extract_pay(_n("Pēc pārbaudes laika 1350 €. Maiņas pa 8 stundām."))
    assert pay.period == "unknown"
    (pay,) = extract_pay(_n("Alga 12 €/st. Maiņas pa 8 stundām."))  # an abbreviation keeps its period
    assert pay.period == "hour"


@pytest.mark.parametrize("text", [
    "Piedāvāju 100 € par visu vai stundas likmi pēc vienošanās.",  # blind extra752 lv-qyx14
    "Плачу 200 € за всё, или почасово по договорённости.",
    "£80 for the whole job or an hourly rate if you prefer.",
])
def test_a_lump_sum_for_the_whole_job_is_no_hourly_rate(text: str) -> None:
    (pay,) = extract_pay(_n(text))
    assert pay.period == "unknown"


def test_a_currency_code_needs_its_word_boundary() -> None:
    assert extract_pay(_n("7 sarkanie karogi, 12 qarib")) == []


def test_a_period_word_after_depending_on_is_not_the_pay_period() -> None:
    (pay,) = extract_pay(_n("Salary up to 4,000 EUR depending on hours. Your contract is with us."))
    assert pay.period == "unknown" and pay.amount_max == 4000.0
    (hourly,) = extract_pay(_n("Maksājam 12 EUR/h plus virsstundas"))
    assert hourly.period == "hour"


@pytest.mark.parametrize("text, named", [
    ("Slēdzam darba līgumu, viss oficiāli.", ["darba līgumu"]),
    ("darba liigums no pirmaas dienas", ["darba liigums"]),  # digraphs for long vowels
    ("Līgums uz 8 mēnešiem, alga 2 600 USD", ["Līgums uz 8 mēnešiem"]),
    ("Līgumu latviešu un angļu valodā saņemsi e-pastā", ["Līgumu latviešu un angļu valodā"]),
    ("vari strādāt caur partneruzņēmumu ar līgumu", ["ar līgumu"]),
    ("Līgumu norvēģu un latviešu valodā saņemat", ["Līgumu norvēģu un latviešu valodā"]),
    ("Работа по договору, оплата дважды в месяц", ["по договору"]),
    ("Contract for 6 months, signed before departure", ["Contract for 6 months"]),
    ("£12.60/hr, contracts from 24 to 40 hrs, paid fortnightly", ["contracts from 24 to 40 hrs"]),
    ("Официально, больничные, отпускные — всё по закону", ["больничные, отпускные"]),
    ("Pay according to the collective agreement, DKK 155 per hour", ["collective agreement"]),
    ("approx. DKK 155 per hour + holiday pay and pension", ["holiday pay and pension"]),
    ("Alga saskaņā ar koplīgumu", ["koplīgumu"]),
    # a model's or an author's royalty contract is a written contract too
    ("180 EUR par dienu saskaņā ar autoratlīdzības līgumu", ["autoratlīdzības līgumu"]),
    ("Оплата по авторскому договору, 200 евро за съёмку", ["авторскому договору"]),
    ("Strādājam bez līguma", []),
    ("Офіційно, договір, 7€/год брутто на картку.", ["Офіційно, договір"]),
    ("Официально договор, оплата дважды в месяц", ["Официально договор"]),
    ("Офіційно не оформлюємо, договору немає", []),
    # signed "on the spot" is no contract to read before leaving, but a later sentence's
    # "uz vietas" (on site: the housing) says nothing about the contract
    ("Darba līgumu parakstīsim uz vietas.", []),
    ("Slēdzam darba līgumu, viss oficiāli. Var dzīvot mūsu mājiņā uz vietas bez maksas.", ["darba līgumu"]),
])
def test_contracts(text: str, named: list[str]) -> None:
    norm = _n(text)
    assert [norm[a:b] for a, b in extract_contracts(norm)] == [n.lower() for n in named]


def test_two_readings_of_one_span_come_out_in_a_fixed_order() -> None:
    # days and hours read from one span used to come out in set order, which varies between runs
    found = extract_work_time(_n("Graphic: 6 days of 12 hours."))
    assert [(w.hours, w.days) for w in found] == [(None, 6.0), (12.0, None)]
