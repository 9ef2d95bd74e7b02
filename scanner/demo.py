"""Demo: a job and dating board made from `corpora/`, served on 127.0.0.1, crawled end to end.

Stage: a showcase over the whole pipeline (serve -> crawl -> scan -> store -> digest).
Input: the corpus JSONL files. Output: a `DemoResult` (figures, top flagged adverts, the
digest files). Side effects: a local HTTP server in a background thread while it runs,
a database and digest files.

The board (`DemoBoard`) has what real boards have: robots.txt with a Sitemap line and a
Disallow, a sitemap index, listing pages with pagination, advert pages in four layouts:
  * ``jsonld``: schema.org JSON-LD (JobPosting / Person), UTF-8 declared in the header;
  * ``table``: a label/value table, UTF-8 in a ``<meta>`` only;
  * ``legacy``: windows-1257 (Latvian) or windows-1251 (Russian, Ukrainian), declared
    nowhere (no header charset, no meta): the decoder has to work it out;
  * ``cards``: a page heavy with chrome (menus, banners, "similar adverts") around the text;
and a dating section. Every page has an ETag, so the second crawl is all 304s.
"""
from __future__ import annotations

import hashlib
import html
import json
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from .crawl import RunSummary, run_crawl
from .pipeline import Scanner
from .report import DigestFiles, build_digest, write_digest
from .settings import PACKAGE_ROOT, Settings
from .sources import Source
from .store import Store

PER_PAGE = 20
LAYOUTS = ("jsonld", "table", "legacy", "cards")
LEGACY = {"lv": "windows-1257", "ru": "windows-1251", "uk": "windows-1251", "en": "windows-1252"}
SECTIONS = {"job": "darbs", "dating": "iepazisanas"}


@dataclass(frozen=True, slots=True)
class DemoAdvert:
    id: str
    lang: str
    kind: str
    title: str
    text: str
    label: str  # redflag or benign (the corpus label, for the summary only; never served)
    form: str
    layout: str

    @property
    def path(self) -> str:
        return f"/{SECTIONS[self.kind]}/{self.id}.html"


def load_corpus(paths: Iterable[Path]) -> tuple[DemoAdvert, ...]:
    rows = [json.loads(line) for path in sorted(paths) for line in path.read_text("utf-8").splitlines() if line]
    return tuple(DemoAdvert(r["id"], r["lang"], r.get("kind", "job"), r.get("title", ""), r["text"],
                            r.get("label", "-"), r.get("form", "none"), LAYOUTS[i % len(LAYOUTS)])
                 for i, r in enumerate(rows))


def corpus_files(root: Path = PACKAGE_ROOT / "corpora") -> list[Path]:
    return sorted(root.glob("dev/*.jsonl")) + sorted(root.glob("test/*.jsonl"))


# --- the board -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class DemoBoard:
    """The board's pages, built once; `serve()` puts them on 127.0.0.1 in a daemon thread."""

    def __init__(self, adverts: tuple[DemoAdvert, ...]) -> None:
        self.adverts = adverts
        self.by_path = {a.path: a for a in adverts}
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "serve() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        board = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in two writes; with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms a page on Linux loopback).
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                board.requests += 1
                answer = board.answer(self.path, self.headers.get("If-None-Match"))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: Any) -> None:  # the crawl keeps its own log
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-board", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def answer(self, target: str, if_none_match: str | None = None) -> Response:
        page = self.page(target)
        if page.status != 200:
            return page
        etag = '"' + hashlib.sha256(page.body).hexdigest()[:20] + '"'
        if if_none_match and etag in {t.strip() for t in if_none_match.split(",")}:
            return Response(304, {"ETag": etag}, b"")
        return Response(200, {**page.headers, "ETag": etag}, page.body)

    def page(self, target: str) -> Response:
        parts = urlsplit(target)
        path, query = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if path == "/robots.txt":
            text = f"User-agent: *\nDisallow: /admin/\n\nSitemap: {self.base_url}/sitemap.xml\n"
            return Response(200, {"Content-Type": "text/plain; charset=utf-8"}, text.encode())
        if path == "/sitemap.xml":
            return _xml(_sitemap_index(self.base_url, ("jobs",)))
        if path == "/sitemap-jobs.xml":
            return _xml(_urlset(self.base_url, [a.path for a in self.adverts if a.kind == "job"]))
        if path == "/":
            return _utf8(_shell("Sludinājumi", '<p><a href="/darbs/">Darbs</a> · <a href="/iepazisanas/">'
                                               'Iepazīšanās</a></p>'))
        for kind, section in SECTIONS.items():
            if path == f"/{section}/":
                return self._listing(kind, section, query.get("lapa", "1"))
        advert = self.by_path.get(path)
        return _advert_page(advert, self._similar(advert)) if advert else _not_found()

    def _listing(self, kind: str, section: str, number: str) -> Response:
        items = [a for a in self.adverts if a.kind == kind]
        pages = max(1, -(-len(items) // PER_PAGE))
        page = int(number) if number.isdigit() else 0
        if not 1 <= page <= pages:
            return _not_found()
        rows = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a> <span class="lang">{a.lang}</span></li>'
                       for a in items[(page - 1) * PER_PAGE: page * PER_PAGE])
        pager = "".join(f'<a href="/{section}/?lapa={n}">{n}</a> ' for n in range(1, pages + 1) if n != page)
        if page < pages:
            pager += f'<a rel="next" href="/{section}/?lapa={page + 1}">Nākamā »</a>'
        return _utf8(_shell(f"{section} {page}", f'<ul class="adverts">{rows}</ul><nav class="pagination">{pager}</nav>'))

    def _similar(self, advert: DemoAdvert) -> list[DemoAdvert]:
        same = [a for a in self.adverts if a.kind == advert.kind and a.lang == advert.lang and a.id != advert.id]
        return same[:4]


def _shell(title: str, content: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html><head><title>{html.escape(title)}</title>{head}</head><body>'
            '<header><nav class="menu"><a href="/">Sākums</a> <a href="/darbs/">Darbs</a> '
            '<a href="/iepazisanas/">Iepazīšanās</a> <a href="/admin/login">Ienākt</a></nav>'
            '<div class="banner">Reklāma: kredīts 5 minūtēs!</div></header>'
            f'<main>{content}</main><footer>© Demo Sludinājumi · Noteikumi · Sīkdatnes</footer></body></html>')


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())


def _advert_page(advert: DemoAdvert, similar: list[DemoAdvert]) -> Response:
    title, body = html.escape(advert.title), _paragraphs(advert.text)
    aside = ('<aside class="similar"><h2>Līdzīgi sludinājumi</h2><ul>'
             + "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>' for a in similar) + "</ul></aside>")
    if advert.layout == "jsonld":
        kind = "JobPosting" if advert.kind == "job" else "Person"
        data = {"@context": "https://schema.org", "@type": kind, "title": advert.title, "description": advert.text,
                "identifier": advert.id, "datePosted": "2025-01-06", "inLanguage": advert.lang}
        if kind == "Person":
            data = {**data, "name": advert.title}
        head = ('<script type="application/ld+json">'
                + json.dumps(data, ensure_ascii=False).replace("<", "\\u003c") + "</script>")
        page = _shell(advert.title, f"<article><h1>{title}</h1>{body}</article>{aside}", head)
        return _utf8(page)
    if advert.layout == "table":
        page = _shell(advert.title, f'<div class="ad"><h1>{title}</h1><table><tr><th>Publicēts</th>'
                                    f'<td>2025-01-06</td></tr><tr><th>Apraksts</th><td>{body}</td></tr></table></div>'
                                    f"{aside}", '<meta charset="utf-8">')
        return Response(200, {"Content-Type": "text/html"}, page.encode("utf-8"))
    if advert.layout == "legacy":  # the charset is declared nowhere
        page = _shell(advert.title, f"<div id=\"sludinajums\"><h1>{title}</h1>{body}</div>{aside}")
        encoded = page.encode(LEGACY[advert.lang], "xmlcharrefreplace")
        return Response(200, {"Content-Type": "text/html"}, encoded)
    cards = ('<div class="cookie-notice">Mēs izmantojam sīkdatnes. <a href="/">Labi</a></div>'
             '<div class="share">Dalīties: <a href="/">FB</a> <a href="/">X</a></div>')
    page = _shell(advert.title, f'{cards}<div class="card"><h1>{title}</h1><div class="card-body">{body}</div>'
                                f'<p class="contact-note">Sazinieties ar autoru.</p></div>{aside}')
    return _utf8(page)


def _utf8(page: str) -> Response:
    return Response(200, {"Content-Type": "text/html; charset=utf-8"}, page.encode("utf-8"))


def _xml(text: str) -> Response:
    return Response(200, {"Content-Type": "application/xml"}, text.encode("utf-8"))


def _not_found() -> Response:
    return Response(404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>404</h1>")


def _sitemap_index(base: str, names: Iterable[str]) -> str:
    items = "".join(f"<sitemap><loc>{base}/sitemap-{n}.xml</loc></sitemap>" for n in names)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'


def _urlset(base: str, paths: Iterable[str]) -> str:
    items = "".join(f"<url><loc>{base}{p}</loc><lastmod>2025-01-06</lastmod></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'


# --- the demo run --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DemoResult:
    db: str
    board_url: str
    adverts_served: int
    first: RunSummary
    second: RunSummary  # the same board again: conditional requests only
    seconds: float
    stored: int
    flagged: int
    per_form: Mapping[str, int]
    per_lang: Mapping[str, tuple[int, int]]  # lang -> (flagged, stored)
    labels: Mapping[str, int]  # tp, fp, fn, tn against the corpus labels
    titles_ok: Mapping[str, tuple[int, int]]  # layout -> (titles read exactly, adverts)
    top: tuple[Mapping[str, Any], ...]
    files: DigestFiles

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, "db": self.db, "board": self.board_url, "adverts_served": self.adverts_served,
                "seconds": round(self.seconds, 2), "stored": self.stored, "flagged": self.flagged,
                "per_form": dict(self.per_form), "per_lang": {k: list(v) for k, v in self.per_lang.items()},
                "labels": dict(self.labels), "titles_ok": {k: list(v) for k, v in self.titles_ok.items()},
                "first_crawl": self.first.to_dict(), "second_crawl": self.second.to_dict(),
                "top": list(self.top), "digest": {"html": str(self.files.html), "json": str(self.files.json)}}


def demo_settings(base: Settings, db: str, digest_dir: str) -> Settings:
    """Polite crawling stays on (robots.txt is obeyed); only the delays are turned down for 127.0.0.1."""
    return replace(base, db=db, digest_dir=digest_dir, allow_hosts=("127.0.0.1",), min_delay=0.0, concurrency=8,
                   timeout=10.0, backoff_base=0.05, max_retries=1)


def demo_sources(base_url: str) -> tuple[Source, ...]:
    """Two sources on one board: the job section (with the sitemap) and the dating section."""
    return (Source(name="demo-jobs", start_urls=(f"{base_url}/darbs/",), kind="job",
                   exclude_url_patterns=("/iepazisanas/",)),
            Source(name="demo-dating", start_urls=(f"{base_url}/iepazisanas/",), kind="dating", sitemaps=False,
                   exclude_url_patterns=("/darbs/",)))


def run_demo(settings: Settings | None = None, *, db: str | None = None, top: int = 5,
             corpora: Iterable[Path] | None = None) -> DemoResult:
    """Serve the demo board, crawl it twice into `db` (a temporary folder by default), write the digest."""
    started = time.monotonic()
    folder = Path(db).parent if db else Path(tempfile.mkdtemp(prefix="redflag-demo-"))
    db = db or str(folder / "demo.db")
    settings = demo_settings(settings or Settings(), db, str(folder / "digests"))
    scanner = Scanner(settings)
    adverts = load_corpus(corpora or corpus_files())
    with DemoBoard(adverts) as board:
        sources = demo_sources(board.base_url)
        first = run_crawl(sources, db, scanner, settings, command="demo")
        second = run_crawl(sources, db, scanner, settings, command="demo")
        base_url = board.base_url
    with Store(db) as store:
        digest = build_digest(store, second.run_id)
        files = write_digest(digest, settings.digest_dir)
        store.set_run_digest(second.run_id, str(files.html))
        rows = list(store.export())
    return _result(db, base_url, adverts, first, second, rows, files, time.monotonic() - started, top)


def _result(db: str, base_url: str, adverts: tuple[DemoAdvert, ...], first: RunSummary, second: RunSummary,
            rows: list[dict[str, Any]], files: DigestFiles, seconds: float, top: int) -> DemoResult:
    by_path = {a.path: a for a in adverts}
    served = {row["id"]: by_path.get(urlsplit(row["url"] or "").path) for row in rows}
    flagged = [r for r in rows if r["flagged"]]
    per_form: dict[str, int] = {}
    for r in flagged:
        per_form[r["form"]] = per_form.get(r["form"], 0) + 1
    per_lang = {lang: (sum(r["flagged"] for r in rows if r["lang"] == lang), sum(r["lang"] == lang for r in rows))
                for lang in sorted({r["lang"] or "-" for r in rows})}
    labels = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    titles: dict[str, list[int]] = {layout: [0, 0] for layout in LAYOUTS}
    for r in rows:
        source = served.get(r["id"])
        if source is None:
            continue
        red = source.label == "redflag"
        labels[("t" if r["flagged"] == red else "f") + ("p" if r["flagged"] else "n")] += 1
        titles[source.layout][0] += int(" ".join(r["title"].split()) == " ".join(source.title.split()))
        titles[source.layout][1] += 1
    best = sorted(flagged, key=lambda r: -r["score"])[:top]
    top_rows = tuple({"id": r["id"], "url": r["url"], "title": r["title"], "lang": r["lang"], "score": r["score"],
                      "form": r["form"], "evidence": [{"rule": m["rule"], "category": m["category"], "text": m["text"]}
                                                      for m in r["matches"]]} for r in best)
    return DemoResult(db, base_url, len(adverts), first, second, seconds, len(rows), len(flagged),
                      dict(sorted(per_form.items(), key=lambda kv: -kv[1])), per_lang, labels,
                      {k: (v[0], v[1]) for k, v in titles.items()}, top_rows, files)
