"""The review app in headless Chromium: keyboard triage, verdicts, clusters, bundles, and
120 XSS payloads that must not run (a dialog trap, a window flag the payloads would set,
and a listener for Content-Security-Policy violations, which would mean injected markup
got as far as the browser)."""
from __future__ import annotations

import json
import re
import zipfile

import pytest

from scanner.store import Store

from .conftest import Served, login

TRAP = """
window.__csp = 0;
document.addEventListener('securitypolicyviolation', function () { window.__csp += 1; });
"""


@pytest.fixture
def trapped(page):  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(TRAP)
    page.dialogs = dialogs
    return page


def _clean(page) -> None:  # type: ignore[no-untyped-def]
    state = page.evaluate("""() => ({
        xss: window.__xss === undefined ? null : window.__xss,
        pwned: window.pwned === undefined ? null : window.pwned,
        csp: window.__csp,
        badLinks: Array.from(document.querySelectorAll('[href],[src],[action],[formaction]'))
            .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action')
                      || e.getAttribute('formaction') || '')
            .filter(v => /^\\s*(javascript|data|vbscript):/i.test(v)),
        scripts: Array.from(document.scripts).map(s => s.getAttribute('src')),
    })""")
    assert state == {"xss": None, "pwned": None, "csp": 0, "badLinks": [], "scripts": ["/static/review.js"]}, \
        (page.url, state)
    assert page.dialogs == []


def test_login_required_and_wrong_password(page, served: Served) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{served.url}/adverts/a1")
    assert "/login" in page.url
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "wrong user name or password" in page.inner_text("p.error")


def test_keyboard_triage_sets_each_verdict(page, served: Served) -> None:  # type: ignore[no-untyped-def]
    login(page, served)
    order = page.eval_on_selector_all("tr.queue-row", "rows => rows.map(r => r.dataset.id)")[:4]
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.eval_on_selector("tr.queue-row.selected", "r => r.dataset.id") == order[0]
    page.keyboard.press("Enter")
    page.wait_for_selector("h1.advert-title")
    assert page.inner_text("dd.advert-id") == order[0]
    for key, status, expected in (("c", "confirmed", order[1]), ("d", "dismissed", order[2]),
                                  ("e", "escalated", order[3])):
        with page.expect_navigation():
            page.keyboard.press(key)
        assert page.inner_text("p.saved") == f"Saved: {status}."
        assert page.inner_text("dd.advert-id") == expected
    page.fill("textarea[name=note]", "looked again")
    page.evaluate("document.activeElement.blur()")
    with page.expect_navigation():
        page.keyboard.press("r")  # reopen the fourth: it stays in the queue, the next one opens
    assert page.inner_text("p.saved") == "Saved: reopened."
    with page.expect_navigation():
        page.keyboard.press("k")  # back to the reopened advert
    assert page.inner_text("dd.advert-id") == order[3]
    with Store(served.db) as store:
        got = dict(store.conn.execute("SELECT advert_id, status FROM reviews WHERE user = 'ana'").fetchall())
        note = store.conn.execute("SELECT note FROM verdicts ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert got == {order[0]: "confirmed", order[1]: "dismissed", order[2]: "escalated", order[3]: "reopened"}
    assert note == "looked again"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "global-search"


def test_open_cluster_and_export_bundle(page, served: Served) -> None:  # type: ignore[no-untyped-def]
    login(page, served)
    page.goto(f"{served.url}/adverts/a2")
    page.click("a.cluster-link")
    page.wait_for_url(re.compile(r".*/clusters/a2$"))
    ids = page.eval_on_selector_all("tr.queue-row", "rows => rows.map(r => r.dataset.id)")
    assert set(ids) == {"a1", "a2", "a3"}
    with page.expect_download() as info:
        page.click("#cluster-bundle")
    path = info.value.path()
    zf = zipfile.ZipFile(path)
    manifest = json.loads(zf.read("manifest.json"))
    assert sorted(manifest["adverts"]) == ["a1", "a2", "a3"] and manifest["user"] == "ana"
    assert any(f["sha256"] == served.page_sha for f in manifest["files"])


def test_archived_page_shows_but_cannot_run(trapped, served: Served) -> None:  # type: ignore[no-untyped-def]
    login(trapped, served)
    trapped.goto(f"{served.url}/adverts/a1")
    frame = trapped.frame_locator("iframe.archive")
    assert "Pasi atstāsi pie mums" in frame.locator("body").inner_text()
    _clean(trapped)


def test_xss_payloads_never_run(trapped, served: Served) -> None:  # type: ignore[no-untyped-def]
    login(trapped, served)
    seen: set[str] = set()
    url: str | None = f"{served.url}/queue?verdict=all"
    while url:
        trapped.goto(url)
        _clean(trapped)
        seen |= set(trapped.eval_on_selector_all("tr.queue-row", "rows => rows.map(r => r.dataset.id)"))
        nxt = trapped.query_selector("a.next-page")
        url = nxt.get_attribute("href") if nxt else None
        url = f"{served.url}{url}" if url else None
    hostile = sorted(i for i in seen if i.startswith("x"))
    assert len(hostile) >= 100
    for advert_id in hostile:
        trapped.goto(f"{served.url}/adverts/{advert_id}")
        trapped.keyboard.press("/")  # the shortcut script runs over hostile pages too
        _clean(trapped)
    unsafe = trapped.eval_on_selector_all("span.unsafe-url", "s => s.length")
    assert unsafe >= 1
