"""Building review databases for tests: hand-made scan results (independent of rule changes),
accounts, and a logged-in Starlette TestClient."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from scanner.models import (
    Advert,
    CategoryScore,
    Contact,
    Evidence,
    FetchResult,
    Finding,
    ScanResult,
    Score,
    Segment,
)
from scanner.review.app import create_app
from scanner.review.auth import Limits, add_user, disable_user
from scanner.store import Store

PASSWORD = "correct horse battery"
RULESET = "test-ruleset"
PAGE = (b"<html><head><title>t</title><script>window.pwned=1</script><link rel=stylesheet href=http://evil.test/x.css>"
        b"</head><body><h1 onclick=\"window.pwned=1\">Darbs</h1><img src=http://evil.test/p.png onerror=alert(1)>"
        b"<p>Pasi atst\xc4\x81si pie mums</p><iframe src=http://evil.test></iframe></body></html>")
FAST = Limits(per_user=5, per_ip=20)


def result(advert_id: str, text: str, *, title: str = "", url: str | None = None, source: str = "board",
           phrases: Sequence[tuple[str, str, str]] = (("RF0107", "document_retention", "pasi"),),
           score: float = 0.8, flagged: bool = True, form: str = "labour", lang: str = "lv",
           contacts: Iterable[tuple[str, str]] = (), fields: dict[str, str] | None = None,
           ruleset: str = RULESET) -> ScanResult:
    """A ScanResult with one finding per (rule, category, phrase) found in the advert's full text."""
    advert = Advert(id=advert_id, text=text, title=title, kind="job", lang=lang, url=url, source=source,
                    fields=fields or {})
    full = advert.full_text
    findings = []
    for rule, category, phrase in phrases:
        start = full.lower().find(phrase.lower())
        start, end = (start, start + len(phrase)) if start >= 0 else (0, 0)
        findings.append(Finding(rule, category, start, end, full[start:end], lang, 0.4, 0.4, f"title of {rule}",
                                "https://example.org/source", "test"))
    cats = tuple(CategoryScore(c, 0.4, (r,)) for r, c, _ in phrases)
    found = tuple(Contact(kind, value, 0, 0) for kind, value in contacts)
    return ScanResult(advert, full, lang, (Segment(0, len(full), lang, 1.0, "hint"),), tuple(findings),
                      Evidence(contacts=found), Score(score, flagged, form, cats, ()), ruleset)


def archived(store: Store, url: str, body: bytes = PAGE) -> str:
    return store.save_page(FetchResult(url=url, final_url=url, status=200, headers={"content-type": "text/html"},
                                       body=body, fetched_at="2025-01-02T03:04:05+00:00"))


@dataclass
class ReviewDb:
    path: str
    page_sha: str

    def store(self) -> Store:
        return Store(self.path)


def build_db(tmp_path: Path, extra: Iterable[ScanResult] = ()) -> ReviewDb:
    """A small board: flagged adverts (two share a phone, two are near-copies), one not flagged, users."""
    path = str(tmp_path / "review.db")
    with Store(path) as store:
        sha = archived(store, "https://board.example/a/1")
        base = ("Darbs ārzemēs noliktavā, dzīvoklis bez maksas. Pasi atstāsi pie mums glabāšanā. Ceļu apmaksājam, "
                "atstrādāsi no algas. Alga 3000 eiro mēnesī, valoda nav vajadzīga. Zvani tagad.")
        store.save_scan(result("a1", base, title="Darbs Vācijā", url="https://board.example/a/1",
                               contacts=[("phone", "+37120000001")], fields={"location": "Rīga"}, score=0.91), page=sha)
        store.save_scan(result("a2", base.replace("3000", "3500"), title="Darbs Norvēģijā",
                               url="https://board.example/a/2", fields={"location": "Daugavpils"}, score=0.85))
        store.save_scan(result("a3", "Работа в Германии, паспорт оставите у нас. Telegram @rabota_de",
                               title="Работа", lang="ru", contacts=[("phone", "+37120000001"),
                                                                   ("telegram", "@rabota_de")],
                               phrases=[("RF0107", "document_retention", "паспорт оставите у нас")], score=0.7,
                               form="labour"))
        store.save_scan(result("a4", "Hostess work abroad, young girls only, high pay.", title="Hostess", lang="en",
                               phrases=[("RF0301", "gender_age_restriction", "young girls only")], score=0.6,
                               form="sexual"))
        store.save_scan(result("plain", "Pārdevējs veikalā Rīgā, SIA Veikals, reģ. nr. 40003000000.",
                               title="Pārdevējs", phrases=[], score=0.05, flagged=False, form="none"))
        for r in extra:
            store.save_scan(r)
        add_user(store, "ana", "analyst", PASSWORD)
        add_user(store, "boss", "admin", PASSWORD)
        add_user(store, "old", "analyst", PASSWORD)
        disable_user(store, "old")
    return ReviewDb(path, sha)


def hostile_adverts() -> list[ScanResult]:
    """One advert per XSS payload, the payload in its title, text, URL, fields, contacts and matches."""
    from .xss_payloads import PAYLOADS

    out = []
    for n, payload in enumerate(PAYLOADS):
        text = f"Pasi atstāsi pie mums glabāšanā. {payload} Zvani."
        phrases = [("RF0107", "document_retention", "Pasi atstāsi"), (f"RF9<{n}>", 'cat"><script>', payload)]
        out.append(result(f"x{n:03d}", text, title=f"T{n} {payload}", url=payload, source=f"src{n % 3}",
                          phrases=phrases, contacts=[("telegram", payload), ("phone", "+37120000009")],
                          fields={"location": payload, "employer": payload}, score=0.5 + (n % 30) / 100))
    return out


def client(db: str, *, limits: Limits = FAST) -> TestClient:
    app = create_app(db, secure_cookies=False, limits=limits, sync_interval=None)
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def login(c: TestClient, name: str = "ana", password: str = PASSWORD) -> Any:
    page = c.get("/login")
    return c.post("/login", data={"username": name, "password": password, "csrf_token": csrf(page.text),
                                  "next": "/queue"})


def logged_in(db: str, name: str = "ana") -> TestClient:
    c = client(db)
    response = login(c, name)
    assert response.status_code == 303, response.text
    return c


__all__ = ["FAST", "PAGE", "PASSWORD", "ReviewDb", "archived", "build_db", "client", "csrf", "hostile_adverts",
           "logged_in", "login",
           "result"]
