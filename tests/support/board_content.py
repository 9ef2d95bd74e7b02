"""What the test board serves: adverts, pages in legacy charsets, broken HTML, compressed bodies.

Pure data and HTML builders, no server: `board_server.BoardServer` serves them, and other
tests (extraction, charsets) may read them directly, e.g. ``LEGACY_PAGES[name].text`` is what
a correct decoder must produce from ``LEGACY_PAGES[name].html()``.
"""
from __future__ import annotations

import gzip
import html
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import brotli  # type: ignore[import-untyped]  # no stubs

LAST_MODIFIED = "Mon, 06 Jan 2025 08:00:00 GMT"


def robots_txt(*, crawl_delay: float | None = None, disallow: tuple[str, ...] = ("/private/", "/fault/forbidden"),
               sitemap: bool = True) -> str:
    """A robots.txt for `BoardServer(robots=...)`; ``{base}`` becomes the server's base URL."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow)]
    lines += [f"Crawl-delay: {crawl_delay:g}"] if crawl_delay is not None else []
    lines += ["", "Sitemap: {base}/sitemap.xml"] if sitemap else []
    return "\n".join(lines) + "\n"


DEFAULT_ROBOTS = robots_txt()  # no Crawl-delay, so polite tests stay fast; ask for one with robots_txt()
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6300010000050001" "0d0a2db40000000049454e44ae426082")


@dataclass(frozen=True, slots=True)
class Page:
    """A canned answer: what `add()` and `pages=` take (a ``(status, headers, body)`` tuple also works)."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def of(cls, value: Page | tuple[int, Mapping[str, str], bytes | str]) -> Page:
        if isinstance(value, Page):
            return value
        status, headers, body = value
        return cls(status, dict(headers), body.encode("utf-8") if isinstance(body, str) else body)


@dataclass(frozen=True, slots=True)
class BoardAdvert:
    id: str
    lang: str
    kind: str  # job or dating
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class LegacyPage:
    """A page in a legacy charset: `text` is what a correct decoder must produce."""

    lang: str
    encoding: str
    meta: bool  # charset declared in <meta>; never in the Content-Type header
    text: str

    def html(self) -> bytes:
        meta = f'<meta charset="{self.encoding}">' if self.meta else ""
        page = (f"<!DOCTYPE html><html lang=\"{self.lang}\"><head>{meta}<title>{self.text[:30]}</title></head>"
                f"<body><article><h1>{self.text[:30]}</h1><p>{self.text}</p></article></body></html>")
        return page.encode(self.encoding)


_LV = ("Darbs Norvēģijā: zivju pārstrāde, alga 3000 EUR mēnesī, dzīvoklis un ceļš apmaksāts. "
       "Zvaniet Ļenai, ķiršu dārzs, ūdens, žurnāls, čeks.")
_RU = "Работа в Польше на складе, зарплата от 1500 евро, жильё бесплатно. Ёлки, щётки, объявление, подъезд."
_UK = "Робота в Чехії на заводі, зарплата від 1200 євро, житло надаємо. Їжа, ґанок, Євген, пісня, подвір'я."
LEGACY_PAGES: dict[str, LegacyPage] = {
    f"{lang}-{enc}{'-meta' if meta else ''}": LegacyPage(lang, enc, meta, text)
    for lang, text, encodings in (("lv", _LV, ("windows-1257", "iso-8859-13")),
                                  ("ru", _RU, ("windows-1251", "koi8-r")),
                                  ("uk", _UK, ("windows-1251", "koi8-u")))
    for enc in encodings for meta in (False, True)
}

MALFORMED_HTML = b"""<html><head><title>Darbs <b>Vacija</title><meta charset=utf-8>
<body><div class=advert><h1>Noliktavas darbinieki<h1><p>Alga 2000 EUR <b>neto<i> dienas</b></i>
<p>Dzivoklis apmaksats <div id="contact>Zvaniet +371 20000000</p></span></div></div></div>
<table><tr><td>Nav ligumu<td>Pases <script>document.write("</div>")</script>
<!-- unclosed comment <p>hidden
"""


# Fictional adverts (people, firms and numbers made up), benign and red-flag, in each language.
ADVERTS: tuple[BoardAdvert, ...] = (
    BoardAdvert("lv-101", "lv", "job", "Pārdevējs-konsultants veikalā Rīgā",
                "Būvniecības preču veikals meklē pārdevēju-konsultantu.\nDarba līgums, alga no 1200 EUR bruto, "
                "apmācība uz vietas.\nCV sūtiet uz darbs@buvpreces-example.lv"),
    BoardAdvert("lv-102", "lv", "job", "Darbs Norvēģijā bez valodas zināšanām, 4000 EUR",
                "Steidzami vajadzīgas jaunas meitenes līdz 25 gadiem darbam viesnīcā Norvēģijā.\n"
                "Pieredze nav vajadzīga, lidojumu apmaksājam, pasi glabās darba devējs.\n"
                "Rakstiet WhatsApp +371 20 000 001"),
    BoardAdvert("lv-103", "lv", "job", "Autovadītājs C kategorija",
                "Loģistikas uzņēmums pieņem darbā autovadītāju ar C kategoriju. Darbs Latvijā, līgums, "
                "alga 1600 EUR bruto."),
    BoardAdvert("ru-101", "ru", "job", "Кладовщик на склад в Риге",
                "Требуется кладовщик на склад. Официальное трудоустройство, зарплата от 1300 евро брутто.\n"
                "График 5/2, обучение на месте."),
    BoardAdvert("ru-102", "ru", "job", "Работа в Германии, жильё и билеты бесплатно",
                "Срочно! Девушки 18-25 лет на высокооплачиваемую работу в Германии, 5000 евро в месяц.\n"
                "Документы оформим сами, паспорт отдадите менеджеру. Пишите в Telegram @fastjob_example"),
    BoardAdvert("uk-101", "uk", "job", "Бухгалтер у логістичну компанію",
                "Логістична компанія шукає бухгалтера. Офіційне працевлаштування, зарплата 1400 євро брутто, "
                "гнучкий графік."),
    BoardAdvert("uk-102", "uk", "job", "Робота в Польщі без досвіду, житло безкоштовно",
                "Терміново потрібні працівники на завод у Польщі. Оплата 3000 євро, аванс одразу.\n"
                "За оформлення документів — внесок 300 євро. Viber +380 50 000 0002"),
    BoardAdvert("en-101", "en", "job", "Warehouse operative, Riga",
                "Warehouse operative wanted for a logistics centre in Riga. Employment contract, "
                "EUR 1,300 gross per month, paid overtime."),
    BoardAdvert("en-102", "en", "job", "Hostesses wanted in Dubai, EUR 6,000 a month",
                "Young attractive girls wanted as hostesses in Dubai. No experience needed, we pay the flight, "
                "your passport stays with the agency for visa. Send photos on WhatsApp."),
    BoardAdvert("lv-151", "lv", "dating", "Meklēju draugu pastaigām",
                "Esmu Anna, 34, mīlu kalnus un kino. Meklēju draugu pastaigām Rīgā."),
    BoardAdvert("ru-151", "ru", "dating", "Познакомлюсь с девушкой, переезд ко мне в Эмираты",
                "Богатый мужчина познакомится с молодой девушкой 18-22 лет. Оплачу билет и визу, "
                "жить будешь у меня. Фото в Telegram."),
)


def load_adverts(*paths: Path) -> tuple[BoardAdvert, ...]:
    """Adverts from JSONL files (id, lang, kind, title, text), e.g. a corpus, to serve instead of ADVERTS."""
    rows = (json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line)
    return tuple(BoardAdvert(r["id"], r["lang"], r.get("kind", "job"), r.get("title", ""), r["text"]) for r in rows)


def section(kind: str) -> str:
    return "jobs" if kind == "job" else "dating"


def nav() -> str:
    return ('<header><nav class="menu"><a href="/">Sākums</a> <a href="/jobs/">Darbs</a> '
            '<a href="/dating/">Iepazīšanās</a> <a href="/private/login">Ienākt</a></nav>'
            '<div class="banner">Reklāma: kredīts 5 minūtēs!</div></header>')


def html_page(title: str, body: str, head: str = "") -> Page:
    page = (f'<!DOCTYPE html><html lang="lv"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"{head}</head><body>{body}<footer>© Darba Sludinājumi SIA · Noteikumi · Sīkdatnes</footer>"
            "</body></html>")
    return Page(200, {"Content-Type": "text/html; charset=utf-8"}, page.encode("utf-8"))


def advert_page(advert: BoardAdvert, others: list[BoardAdvert]) -> Page:
    """An advert with JSON-LD, navigation, a banner, a footer and a "similar adverts" box."""
    ld = {"@context": "https://schema.org", "@type": "JobPosting" if advert.kind == "job" else "Person",
          "title": advert.title, "description": advert.text, "datePosted": "2025-01-06",
          "identifier": advert.id, "inLanguage": advert.lang}
    data = json.dumps(ld, ensure_ascii=False).replace("<", "\\u003c")  # no "</script>" inside
    head = f'<script type="application/ld+json">{data}</script>'
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in advert.text.split("\n"))
    links = "".join(f'<li><a href="/{section(a.kind)}/{a.id}.html">{html.escape(a.title)}</a></li>'
                    for a in others)
    body = (f'{nav()}<main><article class="advert" id="{advert.id}"><h1>{html.escape(advert.title)}</h1>'
            f'<div class="advert-body">{paragraphs}</div><p class="posted">2025-01-06</p></article>'
            f'<aside class="similar"><h2>Līdzīgi sludinājumi</h2><ul>{links}</ul></aside></main>')
    return html_page(advert.title, body, head)


def sitemap(base: str, adverts: Sequence[BoardAdvert]) -> Page:
    urls = "".join(f"<url><loc>{base}/{section(a.kind)}/{a.id}.html</loc><lastmod>2025-01-06</lastmod></url>"
                   for a in adverts)
    body = ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
    return Page(200, {"Content-Type": "application/xml"}, body.encode())


@lru_cache(maxsize=8)
def bomb(encoding: str, mebibytes: int) -> bytes:
    """`mebibytes` MiB of zeros, compressed (a few KB, or about 1 KB per MiB for gzip/deflate)."""
    zeros = bytes(mebibytes * 2**20)
    if encoding == "br":
        compressed: bytes = brotli.compress(zeros, quality=5)
        return compressed
    return gzip.compress(zeros, 6) if encoding == "gzip" else zlib.compress(zeros, 6)


def encode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "deflate-raw":
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return compressor.compress(body) + compressor.flush()
    if encoding == "br":
        compressed: bytes = brotli.compress(body)
        return compressed
    raise ValueError(encoding)


def listing_page(adverts: Sequence[BoardAdvert], kind: str, page: int, per_page: int) -> Page | None:
    """Page `page` (from 1) of the adverts of one kind, with prev/next links; None past the end."""
    items = [a for a in adverts if a.kind == kind]
    pages = max(1, -(-len(items) // per_page))
    if not 1 <= page <= pages:
        return None
    chunk = items[(page - 1) * per_page: page * per_page]
    links = "".join(f'<li class="advert"><a href="/{section(kind)}/{a.id}.html">{html.escape(a.title)}</a></li>'
                    for a in chunk)
    prev_next = (f'<a rel="prev" href="?page={page - 1}">&laquo;</a>' if page > 1 else "") + (
        f'<a rel="next" class="next" href="?page={page + 1}">&raquo;</a>' if page < pages else "")
    return html_page(f"Sludinājumi, lapa {page}", f'{nav()}<ul class="adverts">{links}</ul>'
                                                   f'<nav class="pagination">{prev_next}</nav>')


def similar(adverts: Sequence[BoardAdvert], advert: BoardAdvert) -> list[BoardAdvert]:
    """The "similar adverts" box: page chrome that extraction must leave out."""
    return [a for a in adverts if a.kind == advert.kind and a.id != advert.id][:3]


OK_PAGE = html_page("Darbs", "<p>Viss kārtībā.</p>")
NOT_FOUND_PAGE = Page(404, {"Content-Type": "text/html"}, b"<h1>404</h1>")
ENCODED_PAGE = html_page("Saspiests", "<p>Šī lapa ir saspiesta.</p>")
CANNED: dict[str, Page] = {
    "image": Page(200, {"Content-Type": "image/png"}, PNG),
    "no-content-type": Page(200, {}, b"<html><body><p>Bez Content-Type</p></body></html>"),
    "malformed": Page(200, {"Content-Type": "text/html; charset=utf-8"}, MALFORMED_HTML),
    "forbidden": html_page("Aizliegts", "<p>robots.txt says no.</p>"),
}
