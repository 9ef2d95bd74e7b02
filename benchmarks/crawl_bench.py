"""Crawl throughput (issue 3, "Must show" 4): our whole pipeline beside a minimal Scrapy spider.

    python -m benchmarks crawl [--pages 2000] [--size 60000] [--concurrency 16] [--rounds 3]
                               [--processes N] [--no-scrapy] [--stage-pages 300] [--json]

A static board is generated (`build_board`): N advert pages of ~`size` bytes, one per
generated advert (`benchmarks.corpus_gen`: lv/ru/uk/en, job and dating, red-flag and
benign, recombined from `corpora/`), each in the chrome of a real classifieds page: cookie
banner, header with a category menu and a search form, breadcrumbs, ad banners, the advert
with its options table and contact links, a "similar adverts" block of other adverts, a
sidebar, a footer of link columns, inline CSS, scripts and an inline JSON state blob; every
other job advert carries schema.org JSON-LD. Listing pages (20 adverts each) with numbered
pagination and rel=next, a home page, robots.txt with a Sitemap line and a sitemap.xml of
every advert. Every answer has an ETag and a Last-Modified and answers 304 to a matching
conditional request.

A raw asyncio server in another process serves the board from memory (HTTP/1.1 keep-alive,
one write per answer, TCP_NODELAY). Each round then runs, on the same board:

1. `aiohttp raw`: ClientSession.get + read of every advert URL: the ceiling of client and
   server together, to show the server is not the bottleneck;
2. `Scrapy`: a minimal spider in its own process (CrawlerProcess; the same concurrency, also
   per domain; robots.txt off, no delays, no autothrottle, HTTP cache off, LOG_LEVEL WARNING)
   that only fetches every advert URL; timed from spider open to close;
3. `ours, first run`: `run_crawl` (what `redflag crawl URL --kind job --allow-private`
   calls) with politeness off and the same concurrency into a fresh SQLite database, in its
   own process: robots.txt, sitemap, listings, pagination, every advert fetched, extracted,
   scanned and stored. The `Scanner` is built before the clock starts (the CLI builds it
   before the crawl too; its build time is printed);
4. `ours, re-run`: the same crawl again with nothing changed: conditional requests, 304s,
   nothing extracted or scanned.
After the rounds, a stage split (`--stage-pages`, one core, its own process): CPU ms per
advert page of extraction, scanning, packing the body for the archive and the store writes.

Figures: pages/s; `ours / Scrapy` is Scrapy's time over ours for the same N adverts (ours
also fetches the listings and sitemap, and is not credited for them), target >= 1.0; `re-run
/ first` is the re-run's time over the first run's, target <= 0.10. Rounds alternate who goes
first; the verdict uses the median of the per-round ratios. `--processes` sets our worker
processes (default: `run_crawl`'s, one per CPU). The load average is printed with
every row: on a shared 2-core machine compare only quiet runs. Nothing is asserted: the exit
status is 0 however slow. Results go to bench-out/crawl.json.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import importlib.util
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench-out" / "crawl.json"
PER_PAGE = 20  # adverts per listing page
SCRAPY_TARGET = 1.0  # ours / Scrapy, at least
RERUN_TARGET = 0.10  # re-run time / first-run time, at most
LAST_MODIFIED = "Mon, 06 Jan 2025 08:00:00 GMT"


# --- the board ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Ui:
    """A board's chrome in one language."""

    site: str
    home: str
    jobs: str
    similar: str  # the heading over other adverts (the extractor knows these words)
    pay: str
    place: str
    phone: str
    search: str
    cookies: str
    accept: str
    next: str
    rights: str
    categories: tuple[str, ...]
    cities: tuple[str, ...]


UI = {
    "lv": _Ui("Sludinājumi.lv", "Sākums", "Darbs", "Līdzīgi sludinājumi", "Alga", "Vieta", "Tālrunis", "Meklēt",
              "Šī vietne izmanto sīkdatnes, lai uzlabotu jūsu pieredzi.", "Piekrītu", "Nākamā",
              "Visas tiesības aizsargātas.",
              ("Būvniecība", "Ražošana", "Tirdzniecība", "Transports", "Loģistika", "Ēdināšana", "Skaistumkopšana",
               "Medicīna", "Izglītība", "IT", "Apsardze", "Lauksaimniecība", "Tūrisms", "Finanses", "Darbs ārzemēs",
               "Sezonas darbi", "Mājkalpotājas", "Šoferi", "Pavāri", "Apkopēji", "Auklītes", "Celtnieki"),
              ("Rīga", "Daugavpils", "Liepāja", "Jelgava", "Jūrmala", "Ventspils", "Rēzekne", "Valmiera", "Ogre")),
    "ru": _Ui("Объявления.lv", "Главная", "Работа", "Похожие объявления", "Зарплата", "Место", "Телефон", "Поиск",
              "Этот сайт использует файлы cookie.", "Согласен", "Следующая", "Все права защищены.",
              ("Строительство", "Производство", "Торговля", "Транспорт", "Логистика", "Общепит", "Красота",
               "Медицина", "Образование", "IT", "Охрана", "Сельское хозяйство", "Туризм", "Финансы",
               "Работа за границей", "Сезонная работа", "Домработницы", "Водители", "Повара", "Уборщики"),
              ("Рига", "Даугавпилс", "Лиепая", "Елгава", "Юрмала", "Вентспилс", "Резекне", "Валмиера", "Огре")),
    "uk": _Ui("Оголошення.ua", "Головна", "Робота", "Схожі вакансії", "Зарплата", "Місто", "Телефон", "Пошук",
              "Цей сайт використовує файли cookie.", "Погоджуюсь", "Наступна", "Усі права захищені.",
              ("Будівництво", "Виробництво", "Торгівля", "Транспорт", "Логістика", "Харчування", "Краса",
               "Медицина", "Освіта", "IT", "Охорона", "Сільське господарство", "Туризм", "Фінанси",
               "Робота за кордоном", "Сезонна робота", "Домробітниці", "Водії", "Кухарі", "Прибиральники"),
              ("Київ", "Львів", "Одеса", "Харків", "Дніпро", "Вінниця", "Полтава", "Чернівці", "Ужгород")),
    "en": _Ui("Classifieds.example", "Home", "Jobs", "Similar jobs", "Salary", "Location", "Phone", "Search",
              "This site uses cookies to improve your experience.", "Accept", "Next", "All rights reserved.",
              ("Construction", "Manufacturing", "Retail", "Transport", "Logistics", "Catering", "Beauty",
               "Healthcare", "Education", "IT", "Security", "Agriculture", "Tourism", "Finance", "Jobs abroad",
               "Seasonal work", "Housekeeping", "Drivers", "Cooks", "Cleaners"),
              ("London", "Manchester", "Leeds", "Bristol", "Glasgow", "Dublin", "Cork", "Belfast", "Cardiff")),
}
_CSS = "".join(f".c{i}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}px;color:#{i * 2654435761 % 0xFFFFFF:06x};"
               f"font-size:{10 + i % 9}px}}" for i in range(120))


@dataclass(frozen=True, slots=True)
class Board:
    """The board's answers by request target ("/ad/7.html", "/jobs/?page=2"), ``BASE`` for the origin."""

    pages: dict[str, tuple[str, bytes]]  # target -> (content type, body)
    adverts: tuple[str, ...]  # advert paths, in order
    listings: int


def build_board(n: int, size: int, seed: int = 2024) -> Board:
    """`n` advert pages of about `size` bytes, listings, home, robots.txt and sitemap (seeded)."""
    from benchmarks.corpus_gen import generate

    ads = generate(n, seed)
    rng = random.Random(seed)
    paths = tuple(f"/ad/{i}.html" for i in range(n))
    pages: dict[str, tuple[str, bytes]] = {}
    for i, ad in enumerate(ads):
        similar = [(paths[j], ads[j]) for j in rng.sample(range(n), min(n, 24)) if j != i][:20]
        target = int(size * rng.uniform(0.9, 1.1))
        pages[paths[i]] = ("text/html; charset=utf-8", _advert_page(i, ad, similar, rng, target).encode())
    listings = max(1, -(-n // PER_PAGE))
    for k in range(1, listings + 1):
        rows = [(paths[i], ads[i]) for i in range((k - 1) * PER_PAGE, min(n, k * PER_PAGE))]
        pages[f"/jobs/?page={k}"] = ("text/html; charset=utf-8", _listing_page(k, listings, rows, rng).encode())
    pages["/"] = ("text/html; charset=utf-8", _shell(UI["lv"], UI["lv"].site, '<h1>Sludinājumi</h1><p><a href='
                                                     '"/jobs/?page=1">Darba sludinājumi</a></p>', rng).encode())
    pages["/robots.txt"] = ("text/plain", b"User-agent: *\nDisallow: /admin/\n\nSitemap: BASE/sitemap.xml\n")
    urls = "".join(f"<url><loc>BASE{p}</loc><lastmod>2025-01-06</lastmod></url>" for p in paths)
    sitemap = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}'
    pages["/sitemap.xml"] = ("application/xml", (sitemap + "</urlset>").encode())
    return Board(pages, paths, listings)


def _menu(ui: _Ui, rng: random.Random) -> str:
    return "".join(f'<li class="menu-item"><a href="/cat/{c}/{j}/"><span class="icon c{j}"></span>'
                   f'<span class="label">{html.escape(ui.categories[c])} · {html.escape(ui.cities[j])}</span> '
                   f'<span class="count">({rng.randint(1, 999)})</span></a></li>'
                   for c in range(len(ui.categories)) for j in range(3))


def _footer(ui: _Ui) -> str:
    columns = "".join(f'<div class="footer-col"><h4>{html.escape(c)}</h4><ul>'
                      + "".join(f'<li><a href="/info/{k}/{j}/">{html.escape(ui.cities[j])}</a></li>' for j in range(6))
                      + "</ul></div>" for k, c in enumerate(ui.categories[:10]))
    return f'<footer class="site-footer">{columns}<p class="copyright">© 2025 {ui.site}. {ui.rights}</p></footer>'


def _shell(ui: _Ui, title: str, content: str, rng: random.Random, head: str = "", sidebar: str = "") -> str:
    config = json.dumps({"site": ui.site, "ab": {f"exp{i}": rng.random() < 0.5 for i in range(40)},
                         "slots": [{"id": f"slot-{i}", "size": [300, 250], "refresh": 30} for i in range(12)]})
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta property="og:title" content="{html.escape(title)}"><meta property="og:site_name" '
            f'content="{ui.site}"><link rel="stylesheet" href="/static/site.css"><style>{_CSS}</style>'
            f"<script>window.__CONFIG__={config};</script>{head}</head><body>"
            f'<div class="cookie-banner" id="cookie-consent">{ui.cookies} <button>{ui.accept}</button></div>'
            f'<header class="site-header"><a class="logo" href="/"><img src="/static/logo.svg" alt="{ui.site}"></a>'
            f'<form class="search-form" action="/search/"><input name="q" placeholder="{ui.search}">'
            f'<button>{ui.search}</button></form><nav class="main-menu"><ul>{_menu(ui, rng)}</ul></nav></header>'
            f'<div class="banner banner-top"><a href="/go/{rng.randint(1, 99)}"><img src="/b/top.jpg" alt="Reklāma">'
            "</a></div>"
            f'<div class="breadcrumbs"><a href="/">{ui.home}</a> › <a href="/jobs/?page=1">{ui.jobs}</a></div>'
            f'<div class="layout"><main>{content}</main><aside class="sidebar">{sidebar}'
            f'<div class="banner"><a href="/go/{rng.randint(100, 199)}">Kredīts 15 minūtēs!</a></div></aside></div>'
            f'{_footer(ui)}<script src="/static/app.js" defer></script>'
            f'<script>(function(){{var q=window.dataLayer=window.dataLayer||[];q.push({{"page":"{rng.random()}"}});'
            "})();</script></body></html>")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())


def _advert_page(i: int, ad: Any, similar: list[tuple[str, Any]], rng: random.Random, size: int) -> str:
    ui = UI[ad.lang]
    city, pay = rng.choice(ui.cities), rng.randint(600, 4000)
    head = ""
    if ad.kind == "job" and i % 2 == 0:
        data = {"@context": "https://schema.org", "@type": "JobPosting", "title": ad.title, "description": ad.text,
                "identifier": ad.id, "datePosted": "2025-01-06", "hiringOrganization": {"name": "—"},
                "jobLocation": {"address": {"addressLocality": city}}}
        head = ('<script type="application/ld+json">'
                + json.dumps(data, ensure_ascii=False).replace("<", "\\u003c") + "</script>")
    items = "".join(f'<li class="similar-item"><a href="{p}"><img src="/i/{k}.jpg" alt=""><span class="t">'
                    f"{html.escape(a.title)}</span></a><p>{html.escape(a.text[:160])}</p>"
                    f'<span class="price">{rng.randint(600, 4000)} EUR</span></li>' for k, (p, a) in enumerate(similar))
    article = (f'<article class="advert" id="ad-{i}"><h1>{html.escape(ad.title)}</h1>'
               f'<div class="advert-meta">#{100000 + i} · 2025-01-06 · {rng.randint(10, 9999)}</div>'
               f'<div class="advert-text">{_paragraphs(ad.text)}</div><table class="advert-options">'
               f"<tr><td>{ui.pay}:</td><td>{pay} EUR</td></tr><tr><td>{ui.place}:</td><td>{city}</td></tr>"
               f'<tr><td>{ui.phone}:</td><td><a href="tel:+3712{i:07d}">+371 2{i:07d}</a></td></tr></table>'
               '<div class="share-buttons"><a href="https://facebook.com/sharer">Facebook</a> '
               '<a href="https://x.com/share">X</a></div></article>'
               f'<section class="similar-ads"><h2>{ui.similar}</h2><ul>{items}</ul></section>')
    sidebar = "".join(f'<a class="popular" href="/cat/{k}/">{html.escape(c)}</a> ' for k, c in enumerate(ui.categories))
    page = _shell(ui, f"{ad.title} — {city} — {ui.site}", article, rng, head, sidebar)
    missing = size - len(page.encode())
    if missing > 0:  # real boards ship their client-side state inline; it makes up the rest
        state = [{"id": rng.randint(1, 10**6), "v": rng.random()} for _ in range(missing // 32 + 1)]
        blob = json.dumps(state)[: max(0, missing - 60)]
        page = page.replace("</body>", f'<script type="application/json" id="__STATE__">"{blob}"</script></body>')
    return page


def _listing_page(k: int, total: int, rows: list[tuple[str, Any]], rng: random.Random) -> str:
    ui = UI["lv"]
    items = "".join(f'<tr class="listing-row"><td><img src="/i/{p[4:-5]}.jpg" alt=""></td><td><a class="title" '
                    f'href="{p}">{html.escape(a.title)}</a><div class="snippet">{html.escape(a.text[:140])}</div></td>'
                    f'<td>{rng.choice(ui.cities)}</td><td>{rng.randint(600, 4000)} EUR</td></tr>' for p, a in rows)
    numbers = sorted({1, total, *range(max(1, k - 3), min(total, k + 3) + 1)})
    pager = " ".join(f'<a href="/jobs/?page={m}">{m}</a>' if m != k else f"<b>{m}</b>" for m in numbers)
    if k < total:
        pager += f' <a rel="next" href="/jobs/?page={k + 1}">{ui.next} »</a>'
    return _shell(ui, f"{ui.jobs} — {k}", f'<h1>{ui.jobs}</h1><table class="listing">{items}</table>'
                                          f'<div class="pager">{pager}</div>', rng)


# --- the server (a separate process) --------------------------------------------------------------

class _Protocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive GET from memory; 304 on a matching If-None-Match / If-Modified-Since."""

    def __init__(self, answers: dict[bytes, tuple[bytes, bytes, bytes]]) -> None:
        self.answers = answers  # target -> (200 head, body, etag)
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            request, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            assert self.transport is not None
            self.transport.write(self._answer(request))

    def _answer(self, request: bytes) -> bytes:
        lines = request.split(b"\r\n")
        target = lines[0].split(b" ")[1] if lines[0].count(b" ") >= 2 else b""
        found = self.answers.get(target)
        if found is None:
            return b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nnot found"
        head, body, etag = found
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines[1:])}
        if headers.get(b"if-none-match") == etag or headers.get(b"if-modified-since") == LAST_MODIFIED.encode():
            return b"HTTP/1.1 304 Not Modified\r\nETag: " + etag + b"\r\nContent-Length: 0\r\n\r\n"
        return head + body


def _serve(port: int, pages: int, size: int, conn: Any) -> None:
    board = build_board(pages, size)
    base = f"http://127.0.0.1:{port}".encode()
    answers = {}
    for target, (ctype, body) in board.pages.items():
        body = body.replace(b"BASE", base) if target in ("/robots.txt", "/sitemap.xml") else body
        etag = b'"' + hashlib.sha1(body).hexdigest()[:20].encode() + b'"'
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nETag: %s\r\nLast-Modified: %s\r\nContent-Length: %d\r\n\r\n"
                % (ctype.encode(), etag, LAST_MODIFIED.encode(), len(body)))
        answers[target.encode()] = (head, body, etag)
    sizes = [len(board.pages[p][1]) for p in board.adverts]
    listing = [len(b) for t, (_, b) in board.pages.items() if t.startswith("/jobs/")]

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Protocol(answers), "127.0.0.1", port, backlog=1024)
        conn.send({"adverts": board.adverts, "listings": board.listings, "advert_kb": statistics.mean(sizes) / 1000,
                   "listing_kb": statistics.mean(listing) / 1000, "min_kb": min(sizes) / 1000,
                   "max_kb": max(sizes) / 1000})
        await server.serve_forever()

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the contenders --------------------------------------------------------------------------------

async def _raw_aiohttp(urls: list[str], concurrency: int) -> dict[str, Any]:
    import aiohttp

    todo = iter(urls)
    received = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        async def worker() -> None:
            nonlocal received
            for url in todo:
                async with session.get(url) as response:
                    received += len(await response.read())

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "pages": len(urls), "pages_per_s": len(urls) / seconds, "bytes": received}


def _scrapy_child(url_file: str, concurrency: int) -> None:
    """Runs in its own process: fetch every URL in `url_file`, nothing else; one JSON line out."""
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    urls = Path(url_file).read_text().split()
    times: dict[str, float] = {}
    got = {"pages": 0, "bytes": 0}

    class FetchOnly(scrapy.Spider):
        name = "fetch_only"

        async def start(self) -> Any:  # Scrapy >= 2.13
            for request in self.start_requests():
                yield request

        def start_requests(self) -> Any:  # older Scrapy
            for url in urls:
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

        def parse(self, response: Any) -> None:
            got["pages"] += 1
            got["bytes"] += len(response.body)

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False, "HTTPCACHE_ENABLED": False, "LOG_LEVEL": "WARNING",
    })
    crawler = process.create_crawler(FetchOnly)
    crawler.signals.connect(lambda: times.setdefault("open", time.perf_counter()), signals.spider_opened, weak=False)
    crawler.signals.connect(lambda: times.setdefault("close", time.perf_counter()), signals.spider_closed, weak=False)
    cpu = time.process_time()
    process.crawl(crawler)
    process.start()
    seconds = times["close"] - times["open"]
    print(json.dumps({"seconds": seconds, "pages": got["pages"], "pages_per_s": got["pages"] / seconds,
                      "bytes": got["bytes"], "cpu_share": (time.process_time() - cpu) / seconds,
                      "scrapy": scrapy.__version__}))


class _NoScan:
    """A scanner that finds nothing at once: what the crawl costs without the engine."""

    ruleset = types.SimpleNamespace(hash="no-scan")

    def scan(self, advert: Any) -> Any:
        from scanner.models import Evidence, ScanResult, Score

        return ScanResult(advert, advert.full_text, advert.lang or "und", (), (), Evidence(),
                          Score(0.0, False, "none", (), ()), "no-scan")


def _ours_child(url: str, concurrency: int, max_pages: int, db: str, processes: str, no_scan: str = "") -> None:
    """Runs in its own process, like the CLI: build the Scanner, then crawl twice (timed)."""
    from scanner.crawl import run_crawl
    from scanner.pipeline import Scanner
    from scanner.settings import Settings
    from scanner.sources import source_from_url

    settings = Settings(polite=False, min_delay=0.0, allow_private=True, concurrency=concurrency,
                        max_pages=max_pages, db=db)
    began = time.perf_counter()
    scanner: Any = _NoScan() if no_scan else Scanner(settings)
    build = time.perf_counter() - began
    source = source_from_url(url, "job")
    runs = []
    for _ in range(2):
        cpu, workers, began = time.process_time(), _children_cpu(), time.perf_counter()
        options: dict[str, Any] = {"processes": int(processes)} if processes else {}  # older crawls lack it
        summary = run_crawl([source], db, scanner, settings, **options)
        seconds = time.perf_counter() - began
        totals = summary.totals()
        runs.append({"seconds": seconds, "status": summary.status, "fetched": totals["fetched"],
                     "pages_per_s": totals["fetched"] / seconds, "not_modified": totals["not_modified"],
                     "adverts": totals["adverts"], "flagged": totals["flagged"], "errors": totals["errors"],
                     "main_cpu_share": (time.process_time() - cpu) / seconds,
                     "workers_cpu_share": (_children_cpu() - workers) / seconds})
    print(json.dumps({"scanner_build_s": build, "first": runs[0], "rerun": runs[1],
                      "db_mb": os.path.getsize(db) / 1e6}))


def _stages_child(pages: int, size: int) -> None:
    """Runs in its own process: CPU ms per page of each stage of ours, one after the other on one
    core, on `pages` pages of a board like the one served (after 50 pages of warm-up)."""
    from scanner.extract import extract_page
    from scanner.models import FetchResult
    from scanner.pipeline import Scanner
    from scanner.settings import Settings
    from scanner.sources import source_from_url
    from scanner.store import Store, pack_body

    board = build_board(pages + 50, size)
    base = "http://127.0.0.1:8000"
    results = [FetchResult(base + p, base + p, 200, {"content-type": board.pages[p][0], "etag": '"e"'},
                           board.pages[p][1], "2025-01-06T08:00:00+00:00") for p in board.adverts]
    source, scanner = source_from_url(base + "/", "job"), Scanner(Settings())
    for result in results[:50]:
        scanner.scan(extract_page(result, source).adverts[0])
    results = results[50:]
    spent: dict[str, float] = {}

    def timed(stage: str, work: Any, items: list[Any]) -> list[Any]:
        began = time.process_time()
        out = [work(x) for x in items]
        spent[stage] = (time.process_time() - began) / len(items) * 1000
        return out

    found = timed("extract", lambda r: extract_page(r, source), results)
    scans = timed("scan", scanner.scan, [page.adverts[0] for page in found])
    packed = timed("pack", lambda r: pack_body(r.body), results)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "s.db") as store:
        run = store.start_run("bench")
        began = time.process_time()
        for k in range(0, len(results), 50):
            with store.transaction():
                for result, scan, body in zip(results[k:k + 50], scans[k:k + 50], packed[k:k + 50]):
                    with store.savepoint():
                        sha = store.save_page(result, source="bench", advert_ids=[scan.advert.id], packed=body)
                        store.record_fetch(result.url, run=run, source="bench", status=200, size=len(result.body))
                        store.save_scan(scan, source="bench", page=sha, run=run)
        spent["store"] = (time.process_time() - began) / len(results) * 1000
    print(json.dumps({"pages": len(results), "cpu_ms_per_page": spent}))


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the crawl's worker processes)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child(code: str, *args: Any) -> dict[str, Any]:
    load = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=REPO, capture_output=True, text=True,
                          check=False, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {proc.stderr[-3000:]}")
    doc: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    doc["load"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    return doc


def _scrapy(urls: list[str], concurrency: int, folder: str) -> dict[str, Any]:
    url_file = Path(folder) / "urls.txt"
    url_file.write_text("\n".join(urls))
    return _child("import sys; from benchmarks.crawl_bench import _scrapy_child; "
                  "_scrapy_child(sys.argv[1], int(sys.argv[2]))", url_file, concurrency)


def _ours(base: str, concurrency: int, max_pages: int, db: Path, processes: int | None,
          no_scan: bool = False) -> dict[str, Any]:
    return _child("import sys; from benchmarks.crawl_bench import _ours_child; "
                  "_ours_child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6])",
                  base + "/", concurrency, max_pages, db, "" if processes is None else processes,
                  "1" if no_scan else "")


def _stages(pages: int, size: int) -> dict[str, Any]:
    return _child("import sys; from benchmarks.crawl_bench import _stages_child; "
                  "_stages_child(int(sys.argv[1]), int(sys.argv[2]))", pages, size)


def _raw(urls: list[str], concurrency: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    doc = asyncio.run(_raw_aiohttp(urls, concurrency))
    doc["load"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    return doc


# --- main ----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="advert pages on the board")
    parser.add_argument("--size", type=int, default=60_000, help="bytes per advert page (about)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, help="worker processes of our crawl (default: as run_crawl)")
    parser.add_argument("--no-scrapy", action="store_true", help="skip Scrapy (e.g. while profiling ours)")
    parser.add_argument("--stage-pages", type=int, default=300, help="pages for the per-stage CPU split (0: skip)")
    parser.add_argument("--stub-row", action=argparse.BooleanOptionalAction, default=True,
                        help="also crawl once with a scanner that does nothing (the crawl without the engine)")
    parser.add_argument("--json", action="store_true", help="print the JSON document instead of the table")
    args = parser.parse_args(argv)
    port = _free_port()
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    server = context.Process(target=_serve, args=(port, args.pages, args.size, there), daemon=True)
    began = time.perf_counter()
    server.start()
    try:
        if not here.poll(300):
            raise SystemExit("the benchmark server did not start")
        board = here.recv()
        built = time.perf_counter() - began
        base = f"http://127.0.0.1:{port}"
        urls = [base + p for p in board["adverts"]]
        max_pages = args.pages + board["listings"] + 100
        rounds = _rounds(args, base, urls, max_pages)
        stub = _stub_run(args, base, max_pages) if args.stub_row else None
    finally:
        server.terminate()
        server.join()
    stages = _stages(args.stage_pages, args.size) if args.stage_pages else None
    doc = _document(args, board, built, rounds, stages, stub)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(doc, indent=2, ensure_ascii=False) if args.json else _table(doc))
    return 0


def _rounds(args: argparse.Namespace, base: str, urls: list[str], max_pages: int) -> list[dict[str, Any]]:
    rounds = []
    if not args.no_scrapy and importlib.util.find_spec("scrapy") is None:
        print("Scrapy is not installed (`pip install -e '.[bench]'`): its rows are skipped", file=sys.stderr)
        args.no_scrapy = True
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as folder:
        _raw(urls[:200], args.concurrency)  # warms the server's pages and the loopback path
        for round_no in range(args.rounds):
            found: dict[str, Any] = {"raw": _raw(urls, args.concurrency)}
            order = ["ours", "scrapy"] if round_no % 2 == 0 else ["scrapy", "ours"]
            for name in order:
                if name == "scrapy" and not args.no_scrapy:
                    found["scrapy"] = _scrapy(urls, args.concurrency, folder)
                elif name == "ours":
                    found["ours"] = _ours(base, args.concurrency, max_pages, Path(folder) / f"crawl-{round_no}.db",
                                          args.processes)
            rounds.append(found)
            print(f"round {round_no + 1}/{args.rounds}: {_round_line(found)}", file=sys.stderr, flush=True)
    return rounds


def _stub_run(args: argparse.Namespace, base: str, max_pages: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as folder:
        return _ours(base, args.concurrency, max_pages, Path(folder) / "stub.db", args.processes, no_scan=True)


def _ratios(found: dict[str, Any]) -> dict[str, float | None]:
    ours = found["ours"]
    scrapy = found.get("scrapy")
    vs = scrapy["seconds"] / ours["first"]["seconds"] if scrapy else None
    return {"ours_vs_scrapy": vs, "rerun_vs_first": ours["rerun"]["seconds"] / ours["first"]["seconds"]}


def _round_line(found: dict[str, Any]) -> str:
    r = _ratios(found)
    scrapy = f"scrapy {found['scrapy']['pages_per_s']:.0f}/s, " if "scrapy" in found else ""
    vs = f"ours/scrapy {r['ours_vs_scrapy']:.2f}, " if r["ours_vs_scrapy"] is not None else ""
    return (f"raw {found['raw']['pages_per_s']:.0f}/s, {scrapy}ours {found['ours']['first']['pages_per_s']:.0f}/s, "
            f"{vs}re-run/first {r['rerun_vs_first']:.3f}, load {os.getloadavg()[0]:.2f}")


def _document(args: argparse.Namespace, board: dict[str, Any], built: float, rounds: list[dict[str, Any]],
              stages: dict[str, Any] | None, stub: dict[str, Any] | None) -> dict[str, Any]:
    ratios = [_ratios(found) for found in rounds]
    vs: list[float] = [v for r in ratios if (v := r["ours_vs_scrapy"]) is not None]
    rerun: list[float] = [v for r in ratios if (v := r["rerun_vs_first"]) is not None]
    summary = {
        "ours_vs_scrapy_median": statistics.median(vs) if vs else None,
        "rerun_vs_first_median": statistics.median(rerun),
        "ours_vs_scrapy_pass": (statistics.median(vs) >= SCRAPY_TARGET) if vs else None,
        "rerun_pass": statistics.median(rerun) <= RERUN_TARGET,
        "ours_cpu_ms_per_page": statistics.median(_cpu_ms(f["ours"]["first"]) for f in rounds),
        "best_pages_per_s": {
            "raw_aiohttp": max(f["raw"]["pages_per_s"] for f in rounds),
            "scrapy": max(f["scrapy"]["pages_per_s"] for f in rounds) if vs else None,
            "ours_first": max(f["ours"]["first"]["pages_per_s"] for f in rounds),
            "ours_rerun": max(f["ours"]["rerun"]["pages_per_s"] for f in rounds)},
    }
    return {"benchmark": "crawl", "pages": args.pages, "size": args.size, "concurrency": args.concurrency,
            "rounds": args.rounds, "board": {k: v for k, v in board.items() if k != "adverts"},
            "board_build_s": built, "cpus": os.cpu_count(), "targets": {"ours_vs_scrapy": SCRAPY_TARGET,
                                                                       "rerun_vs_first": RERUN_TARGET},
            "summary": summary, "per_round": [{**found, **_ratios(found)} for found in rounds], "stages": stages,
            "scan_stubbed": stub,
            "load_after": os.getloadavg()}


def _cpu_ms(run: dict[str, Any]) -> float:
    """CPU milliseconds per fetched page, the crawler and its workers together."""
    return (run["main_cpu_share"] + run["workers_cpu_share"]) * run["seconds"] / run["fetched"] * 1000


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def _table(doc: dict[str, Any]) -> str:
    board = doc["board"]
    lines = [f"board: {doc['pages']} advert pages of {board['advert_kb']:.1f} KB on average "
             f"({board['min_kb']:.0f}-{board['max_kb']:.0f} KB), {board['listings']} listing pages of "
             f"{board['listing_kb']:.0f} KB, sitemap, robots.txt; built in {doc['board_build_s']:.1f} s; "
             f"concurrency {doc['concurrency']}; {doc['cpus']} CPUs",
             f"{'round':<6}{'contender':<22}{'seconds':>9}{'pages/s':>9}{'load before/after':>19}  notes"]
    for k, found in enumerate(doc["per_round"], 1):
        raw, ours = found["raw"], found["ours"]
        rows = [("aiohttp raw", raw["seconds"], raw["pages_per_s"], raw["load"], "ceiling: client + server")]
        if "scrapy" in found:
            s = found["scrapy"]
            rows.append(("Scrapy fetch only", s["seconds"], s["pages_per_s"], s["load"],
                         f"scrapy {s['scrapy']}, cpu share {s['cpu_share']:.2f}"))
        first, rerun = ours["first"], ours["rerun"]
        rows.append(("ours, first run", first["seconds"], first["pages_per_s"], ours["load"],
                     f"{first['fetched']} pages, adverts {first['adverts']['new']} new, {first['flagged']} flagged, "
                     f"errors {first['errors'] or 0}, cpu share main {first['main_cpu_share']:.2f} + workers "
                     f"{first['workers_cpu_share']:.2f}"))
        rows.append(("ours, re-run", rerun["seconds"], rerun["pages_per_s"], ours["load"],
                     f"{rerun['not_modified']} x 304, adverts {rerun['adverts']['new']} new / "
                     f"{rerun['adverts']['unchanged']} unchanged"))
        for name, seconds, rate, load, note in rows:
            lines.append(f"{k:<6}{name:<22}{seconds:>9.2f}{rate:>9.0f}{load[0]:>13.2f}{load[1]:>6.2f}  {note}")
        vs = found["ours_vs_scrapy"]
        lines.append(f"{'':<6}ours / Scrapy {'-' if vs is None else f'{vs:.2f}'}; re-run / first "
                     f"{found['rerun_vs_first']:.3f}; Scanner built in {ours['scanner_build_s']:.1f} s (not timed); "
                     f"database {ours['db_mb']:.0f} MB")
    s = doc["summary"]
    vs = s["ours_vs_scrapy_median"]
    lines.append(f"ours / Scrapy (median of rounds): {'-' if vs is None else f'{vs:.2f}'} "
                 f"(target >= {SCRAPY_TARGET:.1f})  {_mark(s['ours_vs_scrapy_pass'])}")
    lines.append(f"re-run / first run (median of rounds): {s['rerun_vs_first_median']:.3f} "
                 f"(target <= {RERUN_TARGET:.2f})  {_mark(s['rerun_pass'])}")
    best = s["best_pages_per_s"]
    lines.append("best pages/s: " + ", ".join(f"{k} {v:.0f}" for k, v in best.items() if v is not None)
                 + f"; load average now {os.getloadavg()[0]:.2f}; written to {OUT.relative_to(REPO)}")
    lines.append(f"ours, first run: {s['ours_cpu_ms_per_page']:.1f} ms of CPU per page (crawler + workers, median)")
    if doc["scan_stubbed"]:
        stub = doc["scan_stubbed"]["first"]
        lines.append(f"ours, first run with a scanner that does nothing: {stub['seconds']:.2f} s, "
                     f"{stub['pages_per_s']:.0f} pages/s, {_cpu_ms(stub):.1f} ms of CPU per page (the crawl without "
                     f"the engine)")
    if doc["stages"]:
        cpu = doc["stages"]["cpu_ms_per_page"]
        lines.append(f"  stages one by one on one core ({doc['stages']['pages']} advert pages, CPU ms per page): "
                     + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()) + f" = {sum(cpu.values()):.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
