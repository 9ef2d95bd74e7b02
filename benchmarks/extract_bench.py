"""Extraction speed on a realistic ~60 KB Latvian board advert page, one core.

    .venv/bin/python -m benchmarks extract [--seconds 3] [--pages 40] [--strict]

Prints pages per CPU second for `extract_page` (decode, parse, JSON-LD, chrome removal, densest
block, fields, links, pagination) beside baselines: BeautifulSoup + lxml
``get_text()`` (what the hot path must not be), lxml.html and selectolax doing
parse + text only, and the ratios. The pages differ in ids, links and numbers so
no cache can serve a repeat. Target (issue 3): >= 300 pages/s for extract_page.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bs4 import BeautifulSoup  # noqa: E402
from lxml import html as lxml_html  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from scanner.extract import extract_page  # noqa: E402
from scanner.models import FetchResult  # noqa: E402
from scanner.sources import source_from_url  # noqa: E402

TARGET = 300.0
CATEGORIES = ["Būvniecība", "Ražošana", "Tirdzniecība", "Transports", "Loģistika", "Ēdināšana", "Skaistumkopšana",
              "Medicīna", "Izglītība", "IT", "Apsardze", "Lauksaimniecība", "Tūrisms", "Finanses", "Darbs ārzemēs",
              "Sezonas darbi", "Mājkalpotājas", "Šoferi", "Pavāri", "Apkopēji", "Auklītes", "Celtnieki"]
CITIES = ["Rīga", "Daugavpils", "Liepāja", "Jelgava", "Jūrmala", "Ventspils", "Rēzekne", "Valmiera", "Ogre", "Cēsis"]
SENTENCES = [
    "Meklējam atbildīgu un strādīgu darbinieku pastāvīgam darbam mūsu uzņēmumā.",
    "Piedāvājam stabilu atalgojumu, sociālās garantijas un draudzīgu kolektīvu.",
    "Pienākumos ietilpst preču pieņemšana, izvietošana un inventarizācija noliktavā.",
    "Darba laiks maiņās pa divpadsmit stundām, iespējamas virsstundas un brīvdienu darbs.",
    "Priekšroka kandidātiem ar pieredzi līdzīgā amatā un B kategorijas autovadītāja apliecību.",
    "Nodrošinām bezmaksas apmācību uz vietas un darba apģērbu.",
    "Alga tiek izmaksāta divas reizes mēnesī, oficiāli, ar visiem nodokļiem.",
    "Ļoti gaidām arī kandidātus bez pieredzes, ja ir vēlme mācīties un strādāt.",
    "Dzīvošana tiek nodrošināta darba devēja dienesta viesnīcā par simbolisku samaksu.",
    "Zvaniet darbdienās no deviņiem līdz septiņpadsmitiem vai rakstiet uz e-pastu.",
]


def build_page(seed: int) -> bytes:
    """A board advert page of ~60 KB: the shape of a real Latvian classifieds page."""
    rnd = random.Random(seed)
    ad_id = 100_000 + seed
    style = ".x{margin:0;padding:0}" * 150
    script = "var cfg={" + ",".join(f'"k{i}":"{rnd.random():.8f}"' for i in range(250)) + "};"
    menu = "".join(f'<li class="menu-item"><a href="/lv/{c.lower()}/{i}/"><span class="ico"></span>'
                   f'<span class="label">{c} {i}</span> <span class="count">({rnd.randint(1, 999)})</span></a></li>'
                   for c in CATEGORIES for i in range(8))
    text = "".join(f"<p>{' '.join(rnd.sample(SENTENCES, 4))}</p>" for _ in range(6))
    similar = "".join(f'<tr class="row"><td class="img"><img src="/i/{ad_id + i}.jpg" alt=""></td>'
                      f'<td class="msg"><a href="/lv/msg/{ad_id + i}.html">{rnd.choice(CATEGORIES)} — '
                      f'{rnd.choice(CITIES)}</a><div class="snippet">{rnd.choice(SENTENCES)}</div></td>'
                      f'<td class="price">{rnd.randint(700, 3000)} EUR</td></tr>' for i in range(1, 41))
    footer = "".join(f'<li><a href="/lv/info/{i}/">Informācija {i}</a></li>' for i in range(80))
    page = f"""<!DOCTYPE html><html lang="lv"><head><meta charset="utf-8">
<title>{rnd.choice(CATEGORIES)} — {rnd.choice(CITIES)} — Sludinājumi</title>
<style>{style}</style><script>{script}</script></head><body>
<div class="cookie-consent">Šī vietne izmanto sīkdatnes. <button>Piekrītu</button></div>
<div id="header"><a href="/"><img src="/logo.png" alt="Sludinājumi"></a>
<ul class="main-menu">{menu}</ul></div>
<div class="banner-top"><a href="/go/{seed}">Reklāma: Kredīts 15 minūtēs bez ķīlas!</a></div>
<table class="page"><tr><td class="left">
<div class="breadcrumbs"><a href="/">Sākums</a> / <a href="/lv/work/">Darbs</a></div>
<h1>{rnd.choice(CATEGORIES)} {rnd.choice(CITIES)} — vakance Nr. {ad_id}</h1>
<div id="msg_div_msg">{text}</div>
<table class="options_list">
<tr><td class="ads_opt_name">Alga:</td><td class="ads_opt">{rnd.randint(700, 3000)} EUR</td></tr>
<tr><td class="ads_opt_name">Vieta:</td><td class="ads_opt">{rnd.choice(CITIES)}</td></tr>
<tr><td class="ads_opt_name">Tālrunis:</td><td class="ads_opt">2{rnd.randint(1000000, 9999999)}</td></tr>
</table>
<div class="share-buttons"><a href="https://facebook.com/sharer?u={ad_id}">Facebook</a></div>
<h2>Līdzīgi sludinājumi</h2><table class="similar">{similar}</table>
</td><td class="right"><div class="sidebar">{menu[:4000]}</div></td></tr></table>
<div id="footer"><ul>{footer}</ul><p>© 2024 Sludinājumi. Visas tiesības aizsargātas.</p></div>
</body></html>"""
    return page.encode("utf-8")


def results(pages: list[bytes]) -> list[FetchResult]:
    return [FetchResult(url=f"https://sludinajumi.example.lv/lv/msg/{i}.html",
                        final_url=f"https://sludinajumi.example.lv/lv/msg/{i}.html", status=200,
                        headers={"content-type": "text/html; charset=utf-8"}, body=body,
                        fetched_at="2024-01-01T00:00:00Z") for i, body in enumerate(pages)]


def rates(contenders: dict[str, Callable[[int], object]], count: int, seconds: float) -> dict[str, float]:
    """Pages per CPU second of this process for each contender, cycling through `count`
    pages. CPU time, not wall time, so other processes on the machine do not count; the
    contenders take turns in slices of ~0.25 s so load and frequency changes hit all alike."""
    done = dict.fromkeys(contenders, 0)
    spent = dict.fromkeys(contenders, 0.0)
    while any(t < seconds for t in spent.values()):
        for name, work in contenders.items():
            if spent[name] >= seconds:
                continue
            start = time.process_time()
            while (elapsed := time.process_time() - start) < 0.25:
                work(done[name] % count)
                done[name] += 1
            spent[name] += elapsed
    return {name: done[name] / spent[name] for name in contenders}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--pages", type=int, default=40, help="distinct pages to cycle through")
    parser.add_argument("--strict", action="store_true", help="exit 1 when extract_page misses the target")
    args = parser.parse_args(argv)
    pages = [build_page(seed) for seed in range(args.pages)]
    fetched = results(pages)
    texts = [p.decode("utf-8") for p in pages]
    source = source_from_url("https://sludinajumi.example.lv/lv/work/", kind="job")
    sample = extract_page(fetched[0], source)
    assert sample.is_advert and "Līdzīgi" not in sample.adverts[0].text, "the benchmark page must extract cleanly"
    size = sum(map(len, pages)) / len(pages) / 1024
    print(f"page: {size:.1f} KB on average, {len(pages)} distinct pages, >= {args.seconds:.0f} CPU s each, one core")
    runs = rates({
        "extract_page (selectolax)": lambda i: extract_page(fetched[i], source),
        "BeautifulSoup+lxml get_text": lambda i: BeautifulSoup(texts[i], "lxml").get_text(),
        "lxml.html parse+text_content": lambda i: lxml_html.fromstring(texts[i]).text_content(),
        "selectolax parse+text": lambda i: LexborHTMLParser(texts[i]).text(),
    }, len(pages), args.seconds)
    ours, soup = runs["extract_page (selectolax)"], runs["BeautifulSoup+lxml get_text"]
    for name, value in runs.items():
        print(f"{name:32s} {value:8.1f} pages/s   {value / soup:5.1f}x BeautifulSoup   {value / ours:5.2f}x extract_page")
    verdict = "meets" if ours >= TARGET else "MISSES"
    print(f"extract_page {verdict} the target of {TARGET:.0f} pages/s per core ({ours:.0f} pages/s)")
    return 1 if args.strict and ours < TARGET else 0  # timings fail a run only when asked to


if __name__ == "__main__":
    sys.exit(main())
