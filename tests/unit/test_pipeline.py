from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner import scan_text
from scanner.models import Advert

ROOT = Path(__file__).resolve().parents[2]


def test_every_finding_points_at_the_original_text(scanner) -> None:
    text = "Darbs ĀRZEMĒS!\u200b Dzīvoklis bez maksas. Pasi atstāsi pie mums. Raksti WhatsApp +371 26123456"
    result = scanner.scan(Advert(id="a", text=text, kind="job"))
    assert result.findings
    for f in result.findings:
        assert result.text[f.start:f.end] == f.text
        assert f.source.startswith("http")
        assert f.category in scanner.ruleset.categories


def test_scan_text_library_call() -> None:
    result = scan_text("Работа в Германии, жильё бесплатно, паспорт оставите у работодателя. "
                       "Билет в долг, отработаешь. Пишите в телеграм @rabota_de", kind="job")
    assert result.lang == "ru"
    assert result.flagged and result.score.form == "labour"
    doc = result.to_dict()
    assert json.loads(json.dumps(doc, ensure_ascii=False))["id"] == "text"
    assert {"rule", "category", "start", "end", "text", "lang", "weight"} <= set(doc["matches"][0])


def test_mixed_language_advert_scanned_per_part(scanner) -> None:
    text = ("Darbs Vācijā, dzīvoklis bez maksas, alga 5000 EUR mēnesī.\n"
            "Паспорт оставите у работодателя, билет в долг.")
    result = scanner.scan(Advert(id="m", text=text, kind="job"))
    assert {s.lang for s in result.segments} == {"lv", "ru"}
    assert {f.lang for f in result.findings if f.end > f.start} >= {"lv", "ru"}


def test_negation_stops_upfront_fee(scanner) -> None:
    fee = scanner.scan(Advert(id="f", text="Reģistrācijas maksa 50 EUR, samaksa pirms izbraukšanas.", lang="lv"))
    free = scanner.scan(Advert(id="g", text="Reģistrācija bez maksas, nekādu maksājumu kandidātiem.", lang="lv"))
    assert "upfront_fee" in {f.category for f in fee.findings}
    assert "upfront_fee" not in {f.category for f in free.findings}


def test_a_negation_does_not_reach_across_a_clause_break(scanner) -> None:
    # The negation after "so"/"чтобы"/"щоб"/"lai" is about losing the passport, not keeping it.
    cases = [("en", "The manager holds all passports so nobody loses them."),
             ("ru", "Паспорт хранится у бригадира, чтобы никто его не потерял."),
             ("uk", "Паспорт зберігається у бригадира, щоб ніхто його не загубив."),
             ("lv", "Pasi glabās brigadieris, lai neviens to nepazaudē.")]
    for lang, kept in cases:
        result = scanner.scan(Advert(id=lang, text=kept, kind="job", lang=lang))
        assert "RF0107" in {f.rule for f in result.findings}, kept
    # the same negation words without the break still lower the hit
    plain = scanner.scan(Advert(id="n", text="The manager holds all passports: nobody loses them.", kind="job", lang="en"))
    assert "RF0107" not in {f.rule for f in plain.findings if f.weight > 0}


def test_empty_and_whitespace_text(scanner) -> None:
    for text in ("", "   \n\t", "😀😀😀", "12345"):
        result = scanner.scan(Advert(id="e", text=text))
        assert not result.flagged


def test_warning_frame_lowers_quoted_lures(scanner) -> None:
    lure = "Pasi atstāsi pie mums glabāšanā, ceļu apmaksājam, atstrādāsi no algas."
    warning = "Uzmanieties: ja jums piedāvā darbu, kur pasi atstāsi pie viņiem glabāšanā, nepiekrītiet."
    a = scanner.scan(Advert(id="a", text=lure, kind="job", lang="lv"))
    b = scanner.scan(Advert(id="b", text=warning, kind="job", lang="lv"))
    retention = [f for f in b.findings if f.category == "document_retention"]
    assert any(f.category == "document_retention" for f in a.findings)
    assert all("CX01" in f.reason for f in retention)
    assert b.score.value < a.score.value


def test_a_flagging_combination_stands_in_for_a_second_category(scanner) -> None:
    text = "Fiktīvas laulības par 3000 eiro, ceļš uz Īriju un dzīvošana apmaksāta."
    result = scanner.scan(Advert(id="m", text=text, kind="dating", lang="lv"))
    assert {c.id for c in result.score.combinations} >= {"CB05"}
    assert result.flagged and result.score.form == "marriage"


def test_pay_inside_a_lure_sentence_is_no_pay_statement(scanner) -> None:
    lure_only = scanner.scan(Advert(id="p", text="Darbs Norvēģijā. Alga 6000 EUR, dzīvoklis bez maksas.", kind="job"))
    honest = scanner.scan(Advert(id="q", text="Darbs Norvēģijā. Alga 1800–2100 EUR bruto mēnesī.", kind="job"))
    assert "missing_pay" in {f.category for f in lure_only.findings}
    assert "missing_pay" not in {f.category for f in honest.findings}


def test_forced_begging_is_its_own_form(scanner) -> None:
    text = ("Благотворительный проект приглашает людей с инвалидностью на работу в Германии: сбор пожертвований "
            "на улицах с табличкой. Проезд и жильё обеспечиваем, документы хранит наш сопровождающий.")
    result = scanner.scan(Advert(id="b", text=text, kind="job"))
    assert result.flagged and result.score.form == "begging_crime"


_AWARENESS_TEXTS = [
    # a warning that quotes several lures and says where to report them
    ("job", "Памятка: как распознать опасную вакансию. Насторожиться стоит, если вам пишут: «дорогу оплатим, потом "
            "рассчитаешься», «паспорт на время оформления оставишь у бригадира», «за бронь места — небольшой взнос». "
            "Настоящий работодатель называет фирму и даёт договор до выезда. Сообщите в полицию по 112."),
    # a journalist's story quotes the lure in full (pay, free housing, passports taken, deductions);
    # its reporting phrases are an awareness frame like a warning's
    ("job", "Sergei (not his real name), 44, saw a post: tree planting in Sweden, 150 € a day, housing and travel "
            "paid by the firm, leave in two days, contract given there. In Sweden the foreman took the passports on "
            "the first evening, and the travel, food and rent were deducted from wages. Support workers we spoke to "
            "say the pattern is familiar."),
    # an NGO's post that quotes paid-marriage messages and gives its helpline
    ("dating", "Someone offered you 3,000 EUR to 'just sign papers' and marry a stranger? Read this first. We keep "
               "seeing messages like 'marriage for papers, 3,000 EUR, flight paid', 'we'll keep your passport safe "
               "during the trip'. If you or a friend got such an offer, call our free, confidential line."),
    # a group's moderators quote a courier lure and a deposit lure and say what happens after
    ("job", "Mods here again: people keep writing to members with 'quick money, drop off small parcels, cash "
            "the same evening, no questions' and 'rate hotels, 250€/day, just a 40 USDT deposit'. Couriers end "
            "up in jail and deposits never come back. Forward such DMs to the group admin."),
    # a dating profile that turns down the sponsor offers it quotes
    ("dating", "Марина, 27. Не ищу спонсора. Мне не интересны предложения «содержания», «поездок в Дубай, всё "
               "оплачено» и «подработки для красивых девушек» – такие сообщения удаляю, не читая. Сама плачу за "
               "свои путешествия."),
    # weak alarm words ("beware of fraudsters", "be careful") beside the police's own advice
    ("job", "Police warning: beware of fraudsters. Adverts promise 'a refundable visa processing fee of 390 EUR, "
            "free accommodation, no experience needed, write on WhatsApp only'. Be careful and call 112."),
]


@pytest.mark.parametrize("kind, text", _AWARENESS_TEXTS)
def test_an_awareness_text_quoting_lures_is_not_flagged(scanner, kind: str, text: str) -> None:
    result = scanner.scan(Advert(id="w", text=text, kind=kind))  # type: ignore[arg-type]
    assert not result.flagged
    assert any("CX02" in f.reason for f in result.findings)


def test_damped_categories_do_not_count_as_present(ruleset) -> None:
    from scanner.models import Finding
    from scanner.score import score_advert

    def f(cat: str, w: float) -> Finding:
        return Finding("RF9999", cat, 0, 1, "x", "ru", w, w, "t", "https://example.org")

    assert not score_advert([f("upfront_fee", 0.08), f("document_retention", 0.08), f("debt_advance", 0.08)],
                            ruleset).flagged


def test_an_awareness_frame_counts_a_repeated_term_once(ruleset) -> None:
    """min_terms counts distinct terms: a term listed twice (or two spellings with one
    key) must not make one occurrence look like two."""
    from dataclasses import replace

    from scanner.pipeline import Scanner

    frame = next(c for c in ruleset.contexts if c.scope == "advert")
    text = ("Работа в Германии, жильё бесплатно, паспорт оставите у работодателя. Билет в долг, отработаешь. "
            "Сообщите знакомым, обсудим в группе.")

    def damped(terms: tuple[str, ...]) -> bool:
        rs = replace(ruleset, contexts=(replace(frame, terms={"ru": terms}, min_terms=2),))
        result = Scanner(ruleset=rs).scan(Advert(id="t", text=text, kind="job"))
        return any(frame.id in f.reason for f in result.findings)

    assert not damped(("сообщите", "сообщите", "сообщим"))
    assert damped(("сообщите", "в группе"))


def test_a_lures_own_words_never_count_for_an_advert_frame(ruleset) -> None:
    """"Sign as a board member, only on paper" is a straw-man lure, not a charity's board:
    a frame term inside a lure's span does not count, so the lure cannot damp itself."""
    from scanner.pipeline import Scanner

    charity = next(c for c in ruleset.contexts if c.id == "CX03")
    lure = "Sign as board member of a small company, only on paper, you do nothing. Registered charity, nothing to check."
    result = Scanner(ruleset=ruleset).scan(Advert(id="t", text=lure, kind="job"))
    assert "board members" in charity.terms["en"] and "registered charity" in charity.terms["en"]
    assert not any("CX03" in f.reason for f in result.findings)
    assert any(f.category == "strawman_documents" for f in result.findings)


def test_a_permitted_charity_collection_is_damped(scanner) -> None:
    text = ("Draudze rīko ziedojumu vākšanu pie lielveikaliem. Vākšanai saņemta pašvaldības atļauja Nr. 3-12/184; "
            "katrs brīvprātīgais saņems aizzīmogotu ziedojumu kasti. Ceļa izdevumus kompensējam.")
    result = scanner.scan(Advert(id="c", text=text, kind="job"))
    assert not result.flagged
    assert any("CX03" in f.reason for f in result.findings)


def test_a_registration_number_in_a_sentence_of_another_language_still_identifies_the_employer(scanner) -> None:
    text = ("Darbs noliktavā Rīgā, alga 1200 EUR mēnesī, darba līgums. "
            "Arbeitgeber: Lager Nord GmbH (Handelsregister HRB 12345, Reg. Nr. 40103123456).")
    result = scanner.scan(Advert(id="r", text=text, kind="job"))
    assert not any(f.rule == "RF0905" for f in result.findings)


def test_a_company_named_beside_its_job_title_identifies_the_employer(scanner) -> None:
    # "комплектовщиков" fires only the context-only high-risk-sector rule: no lure in that sentence
    text = "Логистическая компания SIA «Kravu Centrs» ищет комплектовщиков на склад. Зарплата 1250 € брутто."
    result = scanner.scan(Advert(id="k", text=text, kind="job"))
    assert not any(f.rule == "RF0905" for f in result.findings)
    # a company named inside a lure sentence is no lawful statement of the employer
    lure = "SIA «Kravu Centrs» ищет девушек 18-25 для работы в ночном клубе за границей."
    assert any(f.rule == "RF0905" for f in scanner.scan(Advert(id="l", text=lure, kind="job")).findings)


def test_a_latvian_phrase_typed_without_diacritics_matches(scanner) -> None:
    # "kopa" alone is a noun ("set"), which simplemma lemmatizes apart from "kopā" (together):
    # a rule phrase written with diacritics must still find the phrase typed without them
    written = scanner.scan(Advert(id="w", text="Laulība tikai uz papīra, dzīvot kopā nevajag.", lang="lv"))
    typed = scanner.scan(Advert(id="t", text="Lauliba tikai uz papira, dzivot kopa nevajag.", lang="lv"))
    assert "RF0251" in {f.rule for f in written.findings}
    assert {f.rule for f in written.findings} <= {f.rule for f in typed.findings}



def test_a_channel_the_advert_refuses_is_no_messenger_contact(scanner) -> None:
    refused = scanner.scan(Advert(id="r", text="Apply on our website; we do not recruit through WhatsApp or Telegram.",
                                  kind="job", lang="en"))
    offered = scanner.scan(Advert(id="o", text="Apply through WhatsApp or Telegram.", kind="job", lang="en"))
    assert "RF0903" not in {f.rule for f in refused.findings}
    assert "RF0903" in {f.rule for f in offered.findings}


def test_a_red_flag_sentence_with_its_own_call_invitation_keeps_the_messenger_contact(scanner) -> None:
    # "write PM or call" clears the messenger lure of its own sentence only
    base = "Darbs Vācijā, dzīvoklis bez maksas, alga 3000 EUR. Sazināties tikai WhatsApp +371 26123456."
    more = base + "\nRakstiet PM vai zvaniet 26 40 91 33"
    before = scanner.scan(Advert(id="b", text=base, kind="job"))
    after = scanner.scan(Advert(id="a", text=more, kind="job"))
    assert "RF0903" in {f.rule for f in before.findings}
    assert "RF0903" in {f.rule for f in after.findings}
    assert after.score.value >= before.score.value


def test_a_small_figure_inside_a_high_pay_offer_does_not_read_as_stated_terms(scanner) -> None:
    # "4000 € (1000 € at once, the rest after the papers)": the 1000 € is part of the offer, not
    # a plausible wage, so adding the sentence must not bring the stated-terms damping (found by
    # a monotonicity sweep: this advert's score fell from 1.0 to 0.75)
    lines = (ROOT / "corpora" / "extra18" / "ru.jsonl").read_text(encoding="utf-8").splitlines()
    base = next(json.loads(line)["text"] for line in lines if '"ru-r31"' in line)  # a dev hostess advert
    added = base + "\nSamaksa 4000 € (1000 € uzreiz, pārējo pēc papīriem) + ceļš un viesnīca apmaksāti."
    before = scanner.scan(Advert(id="b", text=base, kind="job")).score
    after = scanner.scan(Advert(id="a", text=added, kind="job")).score
    assert not after.damped
    assert after.value >= before.value


_LURES_THAT_SOUND_LIKE_WARNINGS = [
    # "Якщо тебе зупинила поліція" (if the police stop you) is a courier's risk, not the
    # advice "зупиніться" (stop and check) of a warning; "будь уважним" is a boss's order
    ("Кур'єр, 1000 € на тиждень. Забираєш пакунки й розкладаєш їх по районах за інструкцією куратора, "
     "фотографуєш точку з координатами. Якщо пакунок загубився або тебе зупинила поліція – вартість "
     "покриваєш сам, тому будь уважним. Що всередині пакунків – не твоя справа, менше знаєш – краще спиш."),
    # "не советуем" is advice and "переписку удалять" a deletion, but neither is a
    # moderator's or an adviser's warning
    ("Нужны ребята от 17 лет на доставку небольших посылок по Риге. Забираешь товар в условленном месте, "
     "раскладываешь по точкам, отправляешь фото с координатами. Оплата от 120 € в день, выплаты каждый "
     "день в USDT. Лишних вопросов не задаём и тебе не советуем. Переписку удалять — обязательное правило. "
     "Пиши боту в телеграм."),
    # "beware of fraudsters", "scam alert" and "be careful" are weak frame terms: a lure
    # uses them as readily as a warning does, so alone they damp nothing
    ("SCAM ALERT: beware of fraudsters using our name, be careful out there. Official employment notice: "
     "you are shortlisted for Canada. To confirm your position each candidate must pay a refundable visa "
     "processing fee of 390 EUR within 72 hours to the processing agent's account. Free accommodation, "
     "no experience needed. Write on WhatsApp only."),
]


@pytest.mark.parametrize("text", _LURES_THAT_SOUND_LIKE_WARNINGS)
def test_a_lure_that_sounds_like_a_warning_is_no_awareness_text(scanner, text: str) -> None:
    result = scanner.scan(Advert(id="c", text=text, kind="job"))
    assert result.flagged
    assert not any("CX02" in f.reason for f in result.findings)


# A warning that turns into the writer's own offer: the frame covers the warning, not the
# lure after the turn ("but if you want to really earn, our club needs hostesses").
_WARNINGS_THAT_TURN_INTO_LURES = [
    ("lv", "Meitenes, neuzķerieties uz tiem, kas sola modeļa karjeru Milānā, tur visi ir krāpnieki, es pati tā "
           "pazaudēju naudu. Nekad nemaksājiet par reģistrāciju! Bet ja gribat reāli nopelnīt, mūsu klubam Cīrihē "
           "vajag hostešu. Darbs vakaros, jāsēž ar viesiem pie galdiņa, no katras pudeles tev procenti. Ar "
           "klientiem ārpus kluba – tikai ja pati gribi, bet par to maksā ļoti labi. Biļeti nopērk klubs, "
           "dzīvoklis virs kluba, atdosi no pirmajām algām. Raksti man privāti."),
    ("uk", "Обережно з кредитами на ваше ім'я! Зараз багато шахраїв оформлюють кредити на чужі документи. Ніколи не "
           "надсилайте фото паспорта незнайомим! А от якщо потрібен законний підробіток – наша фірма шукає "
           "українців з PESEL: реєструємо на вас фірму, ви віддали нам картку і доступ до інтернет-банку, "
           "а ми платимо 500 zł щомісяця. Пишіть у Viber."),
]


@pytest.mark.parametrize("lang, text", _WARNINGS_THAT_TURN_INTO_LURES)
def test_a_warning_that_turns_into_an_offer_damps_only_the_warning(scanner, lang: str, text: str) -> None:
    result = scanner.scan(Advert(id="t", text=text, kind="job"))
    assert result.flagged, [(f.rule, f.weight, f.reason[-60:]) for f in result.findings]
    turn = text.index("Bet ja" if lang == "lv" else "А от якщо")
    after = [f for f in result.findings if f.start >= turn and f.weight > 0]
    assert after and not any("CX02" in f.reason for f in after)


def test_a_turn_term_before_the_warning_does_not_end_it(scanner) -> None:
    """The turn counts only after a frame term: an awareness text that opens with "our club
    needs ..." as a quote stays an awareness text."""
    text = ("'Our club needs hostesses in Zurich, ticket paid, repay from your first wages' – police warning: "
            "adverts like this are debt bondage. Do not pay for a job, check the agency on the state register, "
            "report them to the police and share this with your friends.")
    result = scanner.scan(Advert(id="t", text=text, kind="job"))
    assert not result.flagged


@pytest.mark.parametrize("text", [
    "Our agency price for full package: 5,800 USD (LMIA + job offer + work permit documents).",
    "Kopējā maksa par programmu – 5 800 €, ieskaitot darba atļauju.",
    "Стоимость пакета: 5800 € (виза, приглашение, оформление).",
])
def test_a_price_the_reader_pays_is_no_high_pay(scanner, text: str) -> None:
    # blind extra698 en-ug09: the agency's price was read as a wage of 5,336 EUR a month
    rules = {f.rule for f in scanner.scan(Advert(id="p", text=text, kind="job")).findings}
    assert "RF0901" not in rules
    wage = text.replace("price for full package", "salary").replace("Kopējā maksa par programmu", "Alga")
    wage = wage.replace("Стоимость пакета", "Зарплата")
    assert "RF0901" in {f.rule for f in scanner.scan(Advert(id="w", text=wage + " Per month.", kind="job")).findings}


def _job_rules(scanner, text: str) -> set[str]:
    """The rule ids that fire on `text` scanned as a job advert."""
    return {f.rule for f in scanner.scan(Advert(id="j", text=text, kind="job")).findings}


@pytest.mark.parametrize("trade, other", [
    ("Нужен гипсокартонщик", "Нужен разнорабочий"),  # blind extra777 ru-qxw31: an Israeli drywaller's day rate
    ("Шукаємо обвальника м'яса", "Шукаємо пакувальника"),  # blind extra755 uk-qxa26: a Dutch deboner's wage
    ("We need an experienced tiler", "We need a cleaner"),
])
def test_a_finishing_trade_or_deboner_is_paid_a_trades_rate(scanner, trade: str, other: str) -> None:
    pay = " 3600 EUR per month."
    assert "RF0901" not in _job_rules(scanner, trade + "." + pay)
    assert "RF0901" in _job_rules(scanner, other + "." + pay)


def test_a_butler_is_paid_as_a_profession(scanner) -> None:
    # blind extra785 ru-qwe11: a Geneva butler's 9,000-10,000 CHF gross read as unrealistic pay
    pay = " Условия: 9000–10 000 CHF брутто в месяц."
    assert "RF0901" not in _job_rules(scanner, "Частная семья ищет дворецкого." + pay)
    assert "RF0901" in _job_rules(scanner, "Частная семья ищет уборщицу." + pay)


def test_a_fee_paid_through_an_untraceable_channel_flags(scanner) -> None:
    # a fee alone is one indicator and does not flag; asked by Western Union or onto a
    # private card it is a fee scam's signature (CB36; blind extra698 en-ug31)
    fee = "To reserve your place you need to pay a 390 € processing fee. "
    alone = scanner.scan(Advert(id="f", text=fee + "Write to us for details.", kind="job")).score
    paid = scanner.scan(Advert(id="p", text=fee + "Payment only by Western Union, the name of the recipient we give in private.",
                               kind="job")).score
    assert not alone.flagged
    assert paid.flagged and paid.form == "fee_scam"
    assert "CB36" in {c.id for c in paid.combinations}


def test_a_youth_job_with_the_parents_consent_is_no_age_targeting(scanner) -> None:
    # blind extra737 uk-qyi29: a lawful teenage job flagged for its age window
    text = "Пекарня в Лодзі шукає підлітка 15–17 років, який уміє знімати відео. Оплата 300 zł за тиждень."
    consent = text + " Договір підписуємо з батьками."
    assert "RF0902" in _job_rules(scanner, text)
    assert "RF0902" not in _job_rules(scanner, consent)
