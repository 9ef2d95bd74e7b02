"""scanner.extract: charsets, the evidence cascade, chrome removal, links, hostile input.

Fixtures are board pages written for these tests (tests/fixtures/pages/README.md),
in the charsets real boards use: UTF-8, windows-1257, ISO-8859-13, windows-1251, KOI8-R.
"""
from __future__ import annotations

import codecs
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import ExtractError
from scanner.extract import MAX_DEPTH, Page, advert_id, decode_html, detect_encoding, extract_page
from scanner.extract.charset import charset_label
from scanner.extract.fields import labelled_fields
from scanner.extract.text import html_to_text
from scanner.models import FetchResult
from scanner.sources import Selectors, Source, source_from_url

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def fetched(body: bytes | str, url: str = "https://board.example/ad/1", content_type: str | None = "text/html",
            final_url: str | None = None) -> FetchResult:
    data = body.encode("utf-8") if isinstance(body, str) else body
    headers = {"content-type": content_type} if content_type is not None else {}
    return FetchResult(url=url, final_url=final_url or url, status=200, headers=headers, body=data,
                       fetched_at="2024-03-01T00:00:00+00:00")


def page_of(name: str, url: str, content_type: str | None = "text/html", kind: str = "job",
            source: Source | None = None) -> Page:
    source = source or replace(source_from_url(url, kind=kind), name="board")
    return extract_page(fetched((PAGES / name).read_bytes(), url, content_type), source)


def only_advert(page: Page):
    assert page.is_advert and len(page.adverts) == 1, page
    return page.adverts[0]


# --- charsets -----------------------------------------------------------------------------

def visible_text(name: str, encoding: str) -> str:
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", (PAGES / name).read_bytes().decode(encoding), flags=re.S)
    return re.sub(r"\s+", " ", text)


CORPUS = {
    "lv": visible_text("lv_cp1257_advert.html", "cp1257") + visible_text("lv_portal_advert.html", "utf-8"),
    "ru": visible_text("ru_cp1251_classified.html", "cp1251") + visible_text("ru_koi8r_meta.html", "koi8-r"),
    "uk": visible_text("uk_cp1251_short.html", "cp1251") + visible_text("uk_jsonld_job.html", "utf-8"),
}


@pytest.mark.parametrize(("lang", "encoding"), [
    ("lv", "windows-1257"), ("lv", "iso-8859-13"), ("ru", "windows-1251"), ("ru", "koi8-r"),
    ("uk", "windows-1251"), ("uk", "koi8-u"),
])
def test_detection_without_any_declared_charset(lang: str, encoding: str) -> None:
    """Every 20-160 character window of real-looking text with at least 8 letters outside
    ASCII, served with no charset at all. (Fewer letters can be honestly ambiguous: "фон"
    in windows-1251 is "ТНМ" in KOI8-R.)"""
    failures, tried = [], 0
    text = CORPUS[lang]
    for size in (20, 40, 80, 160):
        for start in range(0, len(text) - size, 29):
            window = text[start:start + size]
            try:
                body = f"<html><body><p>{window}</p></body></html>".encode(encoding)
            except UnicodeEncodeError:  # a character this charset does not have (e.g. "–" in ISO-8859-13)
                continue
            if sum(not c.isascii() and c.isalpha() for c in window) < 8:
                continue
            tried += 1
            if decode_html(body, None) != body.decode(encoding):
                failures.append((window, detect_encoding(body)))
    assert tried > 100
    assert not failures, failures[:5]


@pytest.mark.parametrize(("text", "encoding"), [
    ("Wir suchen Mitarbeiter für unsere Bäckerei in München, Größe egal.", "windows-1252"),
    ("Poszukujemy pracowników do zbioru truskawek, zakwaterowanie bezpłatne, płatność co tydzień.",
     "windows-1250"),
    ("Meklējam šoferi", "windows-1257"),
    ("СРОЧНО ТРЕБУЮТСЯ ГРУЗЧИКИ", "koi8-r"),
    ("Їжа", "windows-1251"),
])
def test_detection_of_short_and_other_pages(text: str, encoding: str) -> None:
    assert text in decode_html(f"<p>{text}</p>".encode(encoding), None)


def test_header_charset_wins_over_meta() -> None:
    body = '<meta charset="koi8-r"><p>Работа</p>'.encode("cp1251")
    assert "Работа" in decode_html(body, 'text/html; charset="Windows-1251"')


@pytest.mark.parametrize("markup", [
    '<meta charset="windows-1257">',
    "<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=windows-1257'>",
    '<?xml version="1.0" encoding="windows-1257"?>',
    '<meta charset="cp1257">',
])
def test_meta_and_xml_declarations(markup: str) -> None:
    body = f"{markup}<p>Ā</p>".encode("cp1257")  # one letter: detection alone could not be sure
    assert detect_encoding(body) == "cp1257"
    assert "Ā" in decode_html(body)


def test_bom_wins_and_is_dropped() -> None:
    assert decode_html(codecs.BOM_UTF8 + "<p>ļ</p>".encode(), "text/html; charset=windows-1251") == "<p>ļ</p>"
    assert decode_html("<p>ї</p>".encode("utf-16"), None) == "<p>ї</p>"


def test_a_page_that_says_utf_16_in_ascii_is_utf_8() -> None:
    assert decode_html('<meta charset="utf-16"><p>Rīga</p>'.encode()) == '<meta charset="utf-16"><p>Rīga</p>'


def test_declared_utf8_over_legacy_bytes_falls_through_to_detection() -> None:
    body = "<p>Требуются девушки для работы за границей, жильё бесплатно</p>".encode("cp1251")
    assert "жильё" in decode_html(body, "text/html; charset=utf-8")


def test_a_few_broken_bytes_in_utf8_stay_utf8() -> None:
    body = ("<p>" + "Darba sludinājums Rīgā, alga 1200 eiro mēnesī. " * 5 + "</p>").encode() + b"\xc5"
    text = decode_html(body)
    assert "sludinājums Rīgā" in text and text.endswith("\ufffd")


@pytest.mark.parametrize(("label", "codec"), [
    ("Windows-1257", "cp1257"), ("x-cp1251", "cp1251"), ("win-1251", "cp1251"), ("KOI8-R", "koi8-r"),
    ("koi8u", "koi8-u"), ("ISO-8859-1", "cp1252"), ("latin1", "cp1252"), ("utf8", "utf-8"), ("nonsense", None),
])
def test_charset_labels(label: str, codec: str | None) -> None:
    assert charset_label(label) == codec


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600), st.one_of(st.none(), st.text(max_size=40)))
def test_decode_never_raises(body: bytes, content_type: str | None) -> None:
    assert isinstance(decode_html(body, content_type), str)


# --- fixture pages: text without chrome, right letters, fields ------------------------------

def test_latvian_portal_page() -> None:
    page = page_of("lv_portal_advert.html",
                   "https://darbs.example.lv/vakance/12345-suveja-razotne-riga?utm_source=fb&utm_medium=x",
                   "text/html; charset=utf-8")
    advert = only_advert(page)
    assert page.method == "generic" and not page.jsonld
    assert advert.title == "Šuvēja ražotnē Rīgā"
    assert advert.url == "https://darbs.example.lv/vakance/12345-suveja-razotne-riga"
    assert advert.id == advert_id("board", advert.url) and advert.id.startswith("board:")
    assert advert.kind == "job" and advert.source == "board"
    for words in ("ģimenes uzņēmums", "šuvēju ar pieredzi", "Ļoti draudzīgs kolektīvs",
                  "apģērbu detaļu šūšana pēc tehnoloģiskās kartes;", "+371 29 123 456"):
        assert words in advert.text
    for chrome in ("sīkdatnes", "Sākums", "Pieslēgties", "Reklāma", "Ātrie kredīti", "Līdzīgi sludinājumi",
                   "Šuvēja Jelgavā", "Komentāri", "pusslodzi", "Populārākās", "Visas tiesības", "Dalīties",
                   "Ziņot par pārkāpumu", "Meklēt"):
        assert chrome not in advert.text, chrome
    assert not advert.text.startswith(advert.title)  # the h1 is the title, not the first line again
    assert "\n" in advert.text and "kārtībā.\nMēs piedāvājam" in advert.text  # blocks are lines
    assert dict(advert.fields) == {
        "employer": 'SIA "Ziemeļu šūšana"', "pay": "1200–1400 EUR mēnesī (bruto)",
        "location": "Rīga, Katlakalna iela 9", "posted": "12.03.2024",
        "contact": "darbs@ziemelususana.example.lv, +37129123456"}
    assert page.links == ("https://darbs.example.lv/uznemumi/ziemelu-susana/",)  # menus and similar ads are gone


@pytest.mark.parametrize("name", ["lv_cp1257_advert.html", "lv_iso8859_13_advert.html"])
def test_legacy_latvian_page_without_any_charset(name: str) -> None:
    advert = only_advert(page_of(name, "http://sludinajumi.example.lv/lv/work/building/aabba.html", None))
    assert advert.title == "Sludinājumi - Darbs - Celtniecība - Rīga"  # no h1: <title>
    for words in ("„Būvmeistars” aicina darbā mūrniekus", "Ģirtu vai Māri", "Ņemiet līdzi", "Svešvalodu"):
        assert words in advert.text
    for chrome in ("Nekustamais īpašums", "Iesniegt sludinājumu", "Citi sludinājumi", "flīzētāji", "©"):
        assert chrome not in advert.text, chrome
    assert advert.fields["location"] == "Rīga, Pierīga" and advert.fields["contact"] == "29 876 543"
    assert advert.fields["pay"].startswith("9") and advert.fields["pay"].endswith("12 EUR/st.")


def test_russian_classified_in_windows_1251_without_charset_header() -> None:
    page = page_of("ru_cp1251_classified.html", "https://obyavleniya.example/rabota/za-granicej/1000.html", None)
    advert = only_advert(page)
    assert advert.title == "Работа в Германии для девушек, высокий заработок"
    for words in ("Жильё предоставляем", "Паспорт на время оформления хранится у нас", "ночные клубы"):
        assert words in advert.text
    for chrome in ("Недвижимость", "Кредит без справок", "Главная", "Похожие объявления", "Сбор клубники",
                   "Поделиться", "Все права защищены", "ads@obyavleniya.example"):
        assert chrome not in advert.text, chrome
    assert advert.fields["pay"] == "от 3000 евро в месяц"
    assert advert.fields["employer"] == "Частное лицо"
    assert advert.fields["location"] == "Берлин, Мюнхен"
    assert advert.fields["contact"] == "+37120000001, https://t.me/rabota_de_girls"  # not the site's own e-mail


def test_koi8r_page_with_meta_charset() -> None:
    advert = only_advert(page_of("ru_koi8r_meta.html", "http://doska.example/vac/77.html", None))
    assert advert.title == "ТРЕБУЮТСЯ РАБОЧИЕ НА МЯСОКОМБИНАТ В ПОЛЬШЕ"
    assert "обвальщиками, упаковщиками и грузчиками" in advert.text
    assert "стоимость услуг 300 евро, оплата до выезда" in advert.text
    for chrome in ("ДОСКА ОБЪЯВЛЕНИЙ", "Подать объявление", "Все права защищены", "admin@doska"):
        assert chrome not in advert.text, chrome
    assert advert.fields == {"employer": "Агентство «Евроработа»", "pay": "20 злотых/час",
                             "location": "Польша, Лодзь"}


def test_short_ukrainian_page_in_windows_1251() -> None:
    advert = only_advert(page_of("uk_cp1251_short.html", "http://robota.example/v/1", "text/html"))
    assert advert.title == "Доглядальниця для літньої жінки (Італія)"
    assert "Знання італійської мови не обов'язкове" in advert.text and "Виїзд за наш рахунок" in advert.text
    assert advert.fields["pay"] == "1100 євро на місяць"


def test_ukrainian_jobposting_json_ld() -> None:
    page = page_of("uk_jsonld_job.html", "https://robota.example.ua/vacancy/88412", "text/html; charset=UTF-8")
    advert = only_advert(page)
    assert page.jsonld and page.method == "jsonld"
    assert advert.title == "Оператор виробничої лінії (Польща)"
    assert advert.id == advert_id("board", advert.url, "VAC-88412")
    assert advert.text.startswith("Запрошуємо на роботу операторів виробничої лінії на завод побутової хімії")
    assert "обслуговування лінії розливу;\nконтроль якості" in advert.text  # <li> -> lines
    assert "їжу за пільговою ціною" in advert.text and "Ґданськ" in advert.text
    assert "Схожі вакансії" not in advert.text and "cookie" not in advert.text
    assert dict(advert.fields) == {
        "employer": "ТОВ «Європейський Кадровий Центр»", "pay": "27–32 PLN/HOUR", "location": "Ґданськ, PL",
        "contact": "+380 67 123 45 67, hr@ekc.example.ua", "posted": "2024-03-01"}


def test_dating_profile_page() -> None:
    page = page_of("dating_profile.html", "https://znakomstva.example/profile/550071", kind="dating")
    advert = only_advert(page)
    assert page.jsonld and advert.kind == "dating"
    assert advert.title == "Алина, 19"
    assert advert.text.startswith("Привет! Ищу серьёзного и щедрого мужчину")
    assert advert.id == advert_id("board", advert.url, "550071")
    assert advert.fields["location"] == "Даугавпилс, LV"
    assert advert.fields["contact"] == "https://wa.me/37120000002"
    assert advert.fields["posted"].startswith("2024-02-20")


def test_dating_profile_is_read_generically_by_a_job_source() -> None:
    """A job source does not take Person/ProfilePage data; the page text is still read."""
    page = page_of("dating_profile.html", "https://znakomstva.example/profile/550071", kind="job")
    advert = only_advert(page)
    assert not page.jsonld and page.method == "generic"
    assert "Готова к переезду за границу" in advert.text and "Знакомства.example ©" not in advert.text


def test_listing_page_with_pagination() -> None:
    page = page_of("lv_listing_page3.html", "https://darbs.example.lv/vakances/?page=3")
    assert not page.is_advert and page.adverts == ()
    assert len(page.links) == 12 and all("/vakance/105" in u for u in page.links)
    assert "https://darbs.example.lv/vakance/10508-viesm%C4%ABle" in page.links
    assert page.next_pages[0] == "https://darbs.example.lv/vakances/?page=4"  # rel=next, utm_source dropped
    assert set(page.next_pages) == {f"https://darbs.example.lv/vakances/?page={n}" for n in (1, 2, 4, 5, 107)}
    assert not set(page.links) & set(page.next_pages)


def test_malformed_html_extracts_what_is_there() -> None:
    advert = only_advert(page_of("malformed.html", "https://fermas.example.lv/a/1"))
    assert "Vajadzīgi strādnieki uz fermu Īrijā — samaksa 2000 EUR!" in advert.text
    assert "работа на ферме, жильё бесплатно" in advert.text
    assert "junk" not in advert.text and "hidden" not in advert.text  # script and comment
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", advert.text)
    assert "\u202e" in advert.text and "\u200b" in advert.text  # obfuscation stays for later stages
    assert advert.fields["pay"] == "2000 EUR" and advert.fields["contact"] == "fermas@example.lv"


# --- the cascade: selectors > JSON-LD > generic ---------------------------------------------

RU_URL = "https://obyavleniya.example/rabota/za-granicej/1000.html"


def test_selectors_win_and_fields_come_from_them() -> None:
    selectors = Selectors(title="h1.title", body=".description", employer=".company-name", pay=".salary",
                          location=".city", posted=".date")
    source = Source(name="ob", start_urls=(RU_URL,), kind="job", selectors=selectors)
    page = page_of("ru_cp1251_classified.html", RU_URL, None, source=source)
    advert = only_advert(page)
    assert page.method == "selectors"
    assert advert.text.startswith("Приглашаем молодых девушек") and advert.text.endswith("на звонки не отвечаем.")
    assert "Зарплата:" not in advert.text  # only the body selector's text
    assert dict(advert.fields) == {"employer": "Частное лицо", "pay": "от 3000 евро в месяц",
                                   "location": "Берлин, Мюнхен", "posted": "14 февраля 2024",
                                   "contact": "+37120000001, https://t.me/rabota_de_girls"}  # the generic step


def test_selectors_that_match_nothing_fall_back() -> None:
    source = Source(name="ob", start_urls=(RU_URL,), kind="job", selectors=Selectors(title=".gone", body=".gone"))
    page = page_of("ru_cp1251_classified.html", RU_URL, None, source=source)
    assert page.method == "generic" and "Паспорт на время" in only_advert(page).text


def test_selectors_beat_json_ld_field_by_field() -> None:
    url = "https://robota.example.ua/vacancy/88412"
    source = Source(name="r", start_urls=(url,), kind="job", selectors=Selectors(pay=".vacancy-salary"))
    advert = only_advert(page_of("uk_jsonld_job.html", url, source=source))
    assert advert.fields["pay"] == "27–32 PLN/год" and advert.fields["employer"].startswith("ТОВ")


def test_advert_url_patterns_decide_and_filter_links() -> None:
    url = "https://darbs.example.lv/vakances/?page=3"
    source = Source(name="d", start_urls=(url,), kind="job", advert_url_patterns=(r"/vakance/1050[1-3]-",))
    page = page_of("lv_listing_page3.html", url, source=source)
    assert not page.is_advert and len(page.links) == 3
    advert_url = "https://darbs.example.lv/vakance/12345-suveja-razotne-riga"
    assert not page_of("lv_portal_advert.html", advert_url, source=source).is_advert


def test_link_and_next_selectors() -> None:
    url = "https://darbs.example.lv/vakances/?page=3"
    source = Source(name="d", start_urls=(url,), kind="job", link_selector="li.job-row:nth-child(-n+2)",
                    next_selector="a.next")
    page = page_of("lv_listing_page3.html", url, source=source)
    assert page.links == ("https://darbs.example.lv/vakance/10501-pav%C4%81rs",
                          "https://darbs.example.lv/vakance/10502-aukl%C4%ABte")
    assert page.next_pages == ("https://darbs.example.lv/vakances/?page=4",)


def test_exclude_patterns_drop_links() -> None:
    url = "https://darbs.example.lv/vakances/?page=3"
    source = Source(name="d", start_urls=(url,), kind="job", exclude_url_patterns=(r"1050[0-9]-",))
    page = page_of("lv_listing_page3.html", url, source=source)
    assert {u.rsplit("/", 1)[1][:5] for u in page.links} == {"10510", "10511", "10512"}


# --- JSON-LD and microdata details ----------------------------------------------------------

def jobposting(**values: object) -> str:
    data = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Noliktavas darbinieks",
            "description": "<p>Darbs noliktavā Rīgā.</p><p>Alga &amp; prēmijas.</p>", **values}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def html_page(head: str = "", body: str = "<p>Lapas teksts.</p>") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_json_ld_values_in_their_many_shapes() -> None:
    head = jobposting(**{"@type": ["Thing", "http://schema.org/JobPosting"], "identifier": "A-1",
                         "hiringOrganization": "SIA Noliktava", "baseSalary": 1200,
                         "jobLocation": [{"address": "Rīga"}, {"address": {"addressLocality": "Ogre"}}]})
    advert = only_advert(extract_page(fetched(html_page(head)), source_from_url("https://board.example/")))
    assert advert.text == "Darbs noliktavā Rīgā.\nAlga & prēmijas."
    assert dict(advert.fields) == {"employer": "SIA Noliktava", "pay": "1200", "location": "Rīga; Ogre"}


def test_json_ld_escaped_html_and_comments_and_lists() -> None:
    data = [{"@type": "Organization", "name": "X"},
            {"@type": "JobPosting", "title": "Pavārs", "description": "&lt;p&gt;Gatavot &lt;b&gt;zupas&lt;/b&gt;&lt;/p&gt;",
             "baseSalary": {"currency": "EUR", "value": {"value": 9, "unitText": "HOUR"}}}]
    head = f'<script type="application/ld+json"><!-- {json.dumps(data)} --></script>'
    advert = only_advert(extract_page(fetched(html_page(head)), source_from_url("https://board.example/")))
    assert advert.title == "Pavārs" and advert.text == "Gatavot zupas" and advert.fields["pay"] == "9 EUR/HOUR"


def test_broken_json_ld_is_skipped() -> None:
    head = '<script type="application/ld+json">{"@type": "JobPosting", "title": "X",,}</script>'
    body = "<div><p>" + "Darbs ar labu algu un dzīvošanu Rīgā. " * 6 + "</p></div>"
    page = extract_page(fetched(html_page(head, body)), source_from_url("https://board.example/"))
    assert not page.jsonld and page.method == "generic" and "labu algu" in only_advert(page).text


def test_several_postings_make_a_listing_that_links_them() -> None:
    head = jobposting(url="/ad/7") + jobposting(url="https://board.example/ad/8") + jobposting(url="https://x.test/9")
    page = extract_page(fetched(html_page(head)), source_from_url("https://board.example/"))
    assert not page.is_advert and page.adverts == () and page.jsonld
    assert page.links == ("https://board.example/ad/7", "https://board.example/ad/8")


def test_identifier_keeps_the_id_across_urls() -> None:
    source = source_from_url("https://board.example/")
    one = only_advert(extract_page(fetched(html_page(jobposting(identifier="X9")), "https://board.example/a"), source))
    two = only_advert(extract_page(fetched(html_page(jobposting(identifier="X9")), "https://board.example/b"), source))
    assert one.id == two.id == advert_id(source.name, "", "X9")


def test_id_follows_the_canonical_url() -> None:
    source = source_from_url("https://board.example/")
    body = "<div><p>" + "Vakance ar labu algu. " * 10 + "</p></div>"
    same_path = '<link rel="canonical" href="https://board.example/ad/1">'
    home = '<link rel="canonical" href="https://board.example/">'
    plain = only_advert(extract_page(fetched(html_page("", body), "https://board.example/ad/1"), source))
    tracked = only_advert(extract_page(fetched(html_page(same_path, body), "https://board.example/ad/1?ref=list"),
                                       source))
    misconfigured = only_advert(extract_page(fetched(html_page(home, body), "https://board.example/ad/1"), source))
    assert plain.id == tracked.id == misconfigured.id
    assert plain.url == tracked.url == misconfigured.url == "https://board.example/ad/1"


def test_microdata_job_posting() -> None:
    body = """<div itemscope itemtype="https://schema.org/JobPosting">
      <h2 itemprop="title">Metinātājs</h2>
      <div itemprop="hiringOrganization" itemscope><span itemprop="name">SIA Metāls</span></div>
      <span itemprop="baseSalary">1600 EUR</span><span itemprop="jobLocation">Ventspils</span>
      <time itemprop="datePosted" datetime="2024-02-01">1. februāris</time>
      <div itemprop="description"><p>Metināšana kuģu būvētavā.</p><p>Darba apģērbs.</p></div></div>"""
    page = extract_page(fetched(html_page("", body)), source_from_url("https://board.example/"))
    advert = only_advert(page)
    assert page.method == "microdata" and not page.jsonld
    assert advert.title == "Metinātājs" and advert.text == "Metināšana kuģu būvētavā.\nDarba apģērbs."
    assert dict(advert.fields) == {"employer": "SIA Metāls", "pay": "1600 EUR", "location": "Ventspils",
                                   "posted": "2024-02-01"}


# --- generic details ----------------------------------------------------------------------

def test_title_falls_back_to_og_title_then_title() -> None:
    body = "<div><p>" + "Darbs Rīgā ar labu algu. " * 8 + "</p></div>"
    source = source_from_url("https://board.example/")
    og = html_page('<meta property="og:title" content="OG virsraksts"><title>T</title>', body)
    assert only_advert(extract_page(fetched(og), source)).title == "OG virsraksts"
    assert only_advert(extract_page(fetched(html_page("<title> T  virsraksts </title>", body)), source)).title \
        == "T virsraksts"


def test_a_page_of_links_is_not_an_advert() -> None:
    rows = "".join(f'<li><a href="/lv/msg/{i}.html">Darbs nr. {i} Rīgā ar labu algu</a></li>' for i in range(30))
    page = extract_page(fetched(html_page("", f"<ul>{rows}</ul>")), source_from_url("https://board.example/"))
    assert not page.is_advert and len(page.links) == 30


def test_listing_without_rel_next_finds_a_next_word() -> None:
    rows = "".join(f'<p><a href="/ad/{i}">Vakance {i}</a> — apraksts par darbu</p>' for i in range(10))
    body = f'{rows}<p><a href="/list?p=2">Nākamā lapa »</a></p>'
    page = extract_page(fetched(html_page("", body), "https://board.example/list"),
                        source_from_url("https://board.example/"))
    assert not page.is_advert and page.next_pages == ("https://board.example/list?p=2",)


def test_hidden_and_aria_chrome_is_dropped() -> None:
    text = "Darbs fermā Īrijā, dzīvošana bez maksas, alga laba. " * 4
    body = (f'<div role="navigation">Izvēlne</div><div hidden>Slēpts</div><div style="display: none">Neredzams</div>'
            f'<div class="x"><p>{text}</p></div><div role="contentinfo">Kājene</div>')
    advert = only_advert(extract_page(fetched(html_page("", body)), source_from_url("https://board.example/")))
    assert advert.text == text.strip()


def test_a_wrapper_named_like_chrome_keeps_its_content() -> None:
    text = "Vajadzīgi celtnieki darbam Norvēģijā, ceļš apmaksāts. " * 4
    body = f'<div class="page has-sidebar"><h1>Celtnieki</h1><div class="content"><p>{text}</p></div></div>'
    advert = only_advert(extract_page(fetched(html_page("", body)), source_from_url("https://board.example/")))
    assert advert.title == "Celtnieki" and advert.text == text.strip()


@pytest.mark.parametrize(("text", "expected"), [
    ("Alga: 1200 EUR\nVieta: Rīga", {"pay": "1200 EUR", "location": "Rīga"}),
    ("Alga mēnesī: 900", {"pay": "900"}),
    ("Зарплата\n1000 евро\nГород:\nРига", {"pay": "1000 евро", "location": "Рига"}),
    ("Роботодавець: ТОВ Х\nТелефон: 067 000", {"employer": "ТОВ Х", "contact": "067 000"}),
    ("Salary: 10 GBP/hour\nEmployer: ACME Ltd", {"pay": "10 GBP/hour", "employer": "ACME Ltd"}),
    ("Vieta ir lieliska un alga laba", {}),
    ("Alga:\nVieta:\nRīga", {"location": "Rīga"}),
])
def test_labelled_fields(text: str, expected: dict[str, str]) -> None:
    assert labelled_fields(text) == expected


def test_html_to_text() -> None:
    assert html_to_text("Rinda 1\nRinda  2 &amp; 3") == "Rinda 1\nRinda 2 & 3"
    assert html_to_text("<ul><li>a</li><li>b<br>c</li></ul><script>x()</script>") == "a\nb\nc"
    assert html_to_text("") == ""


# --- errors and hostile input ---------------------------------------------------------------

@pytest.mark.parametrize(("body", "message"), [
    (b"", "empty body"),
    (b" \n\t ", "empty body"),
    (b"%PDF-1.7\n...", "PDF"),
    (b"\x89PNG\r\n\x1a\n....", "PNG"),
    (b"\x1f\x8b\x08\x00\x00", "gzip"),
    (b"\x00\x01\x02\x03" * 100, "binary"),
    (b"<div>" * (MAX_DEPTH + 5000), "nest"),
])
def test_pages_with_nothing_to_read_raise_extract_error(body: bytes, message: str) -> None:
    with pytest.raises(ExtractError, match=message) as caught:
        extract_page(fetched(body), source_from_url("https://board.example/"))
    assert "https://board.example/ad/1" in caught.value.message


def test_hostile_pages_stay_fast() -> None:
    source = source_from_url("https://board.example/")
    links = "".join(f'<a href="/p/{i}">l{i}</a>' for i in range(20_000))
    page = extract_page(fetched(links), source)
    assert len(page.links) == 2_000  # capped
    deep_json = '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000 + "</script>"
    assert not extract_page(fetched(deep_json + "<p>x</p>"), source).jsonld
    nested = '{"name":' * 3_000 + '"x"' + "}" * 3_000
    jsonld = f'<script type="application/ld+json">{{"@type":"JobPosting","title":{nested}}}</script>'
    assert isinstance(extract_page(fetched(jsonld), source), Page)
    huge = extract_page(fetched("<p>" + "ā" * 400_000 + "</p>"), source)
    assert len(huge.adverts[0].text) == 200_000


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=2_000),
    st.text(max_size=2_000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(["<div>", "</div>", "<p>", "<a href='/x'>", "</a>", "<h1>", "Rīga ", "ж", "<br>",
                              "<script>", '<script type="application/ld+json">', "{", "}", "<table><tr><td>",
                              "Alga:", "\x00", "<!--", "&amp;", "&#0;", "<meta charset=koi8-r>", "\ufeff"]),
             max_size=200).map(lambda parts: "".join(parts).encode("utf-8", "surrogatepass")),
))
def test_extract_page_raises_nothing_but_extract_error(body: bytes) -> None:
    try:
        page = extract_page(fetched(body), source_from_url("https://board.example/"))
    except ExtractError as exc:
        assert exc.message
        return
    assert isinstance(page, Page)
    for advert in page.adverts:
        assert isinstance(advert.text, str) and advert.id.startswith("board.example:")
