"""The web app over HTTP: log-in wall, sessions, CSRF, headers, pages, verdicts, exports."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile

import pytest
from starlette.routing import Mount, Route

from scanner.review.auth import Limits
from scanner.store import Store

from .helpers import PASSWORD, ReviewDb, client, csrf, logged_in, login

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def _paths(c) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every route of the app with a concrete path, and its methods."""
    out = []
    for route in c.app.routes:
        if isinstance(route, Mount):
            continue
        assert isinstance(route, Route)
        path = route.path.replace("{advert_id:path}", "a1").replace("{sha256:str}", "0" * 64)
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                out.append((method, path))
    return out


def test_every_route_but_login_needs_a_session(db: ReviewDb) -> None:
    c = client(db.path)
    checked = 0
    for method, path in _paths(c):
        if path in ("/login", "/favicon.ico"):
            continue
        response = c.request(method, path, data={"status": "confirmed", "csrf_token": "x", "format": "csv"})
        assert response.status_code in (303, 403), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login?next="), path
        assert "Darbs" not in response.text and "Работа" not in response.text
        checked += 1
    assert checked >= 15
    with Store(db.path) as store:
        assert store.conn.execute("SELECT count(*) FROM verdicts").fetchone()[0] == 0


def test_no_export_or_bundle_without_login(db: ReviewDb) -> None:
    c = client(db.path)
    for path in ("/export", "/adverts/a1/bundle", "/clusters/a1/bundle"):
        response = c.post(path, data={"format": "csv", "status": "all"})
        assert response.status_code == 403 and b"PK" not in response.content


def test_forged_cookie_is_not_a_session(db: ReviewDb) -> None:
    c = client(db.path)
    c.cookies.set("rf_session", "A" * 43)
    assert c.get("/queue").status_code == 303


def test_login_logout(db: ReviewDb) -> None:
    c = client(db.path)
    response = login(c)
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    page = c.get("/queue")
    assert page.status_code == 200 and "Darbs Vācijā" in page.text
    assert c.post("/logout", data={"csrf_token": csrf(page.text)}).status_code == 303
    assert c.get("/queue").status_code == 303


def test_secure_cookie_by_default() -> None:
    from scanner.review.web import Config

    secure = Config("x.db").cookie(Config("x.db").session_cookie, "t", 60)
    assert secure.startswith("__Host-rf_session=t") and "; Secure" in secure and "HttpOnly" in secure


def test_logout_needs_csrf(db: ReviewDb) -> None:
    c = logged_in(db.path)
    assert c.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    assert c.get("/queue").status_code == 200


def test_login_form_needs_its_csrf_token(db: ReviewDb) -> None:
    c = client(db.path)
    c.get("/login")
    response = c.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403 and "set-cookie" not in response.headers or \
        "rf_session=" not in response.headers.get("set-cookie", "")


def test_disabled_user_cannot_log_in(db: ReviewDb) -> None:
    c = client(db.path)
    response = login(c, "old")
    assert response.status_code == 401 and "rf_session=" not in response.headers.get("set-cookie", "")
    assert c.get("/queue").status_code == 303


def test_wrong_password_and_rate_limit(db: ReviewDb) -> None:
    c = client(db.path, limits=Limits(per_user=3, per_ip=50))
    for _ in range(3):
        assert login(c, "ana", "not the password").status_code == 401
    response = login(c, "ana", PASSWORD)
    assert response.status_code == 429 and "too many" in response.text.lower()
    assert c.get("/queue").status_code == 303


def test_rate_limit_per_address(db: ReviewDb) -> None:
    c = client(db.path, limits=Limits(per_user=50, per_ip=3))
    for n in range(3):
        assert login(c, f"user{n}", "not the password").status_code == 401
    assert login(c, "boss", PASSWORD).status_code == 429


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_site(db: ReviewDb, target: str) -> None:
    c = client(db.path)
    page = c.get("/login")
    response = c.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": csrf(page.text),
                                      "next": target})
    assert response.headers["location"] == "/queue"


def test_security_headers_on_every_page(db: ReviewDb) -> None:
    c = logged_in(db.path)
    for path in ("/queue", "/search?q=darbs", "/adverts/a1", "/rules", "/links", "/clusters/a1", "/export", "/login"):
        response = c.get(path)
        assert response.status_code in (200, 303), path
        assert response.headers["content-security-policy"].startswith(CSP), path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
    assert "frame-src 'self'" in c.get("/adverts/a1").headers["content-security-policy"]
    assert "frame-src" not in c.get("/queue").headers["content-security-policy"]


def test_every_post_form_carries_a_csrf_token_and_no_get_form_does(db: ReviewDb) -> None:
    c = logged_in(db.path, "boss")
    for path in ("/queue", "/search?q=darbs", "/adverts/a1", "/rules", "/links", "/clusters/a1", "/export", "/audit"):
        html = c.get(path).text
        forms = re.findall(r"<form\b[^>]*>.*?</form>", html, re.DOTALL)
        assert forms, path
        for form in forms:
            if 'method="post"' in form:
                assert 'name="csrf_token"' in form, (path, form[:80])
            else:
                assert "csrf_token" not in form, (path, form[:80])


def test_queue_shows_flagged_unreviewed_by_score_and_filters(db: ReviewDb) -> None:
    c = logged_in(db.path)
    html = c.get("/queue").text
    ids = re.findall(r'data-id="([^"]+)"', html)
    assert ids == ["a1", "a2", "a3", "a4"]
    assert "plain" not in ids
    assert re.findall(r'data-id="([^"]+)"', c.get("/queue?lang=ru").text) == ["a3"]
    assert re.findall(r'data-id="([^"]+)"', c.get("/queue?form=sexual").text) == ["a4"]
    assert re.findall(r'data-id="([^"]+)"', c.get("/queue?category=gender_age_restriction").text) == ["a4"]
    assert re.findall(r'data-id="([^"]+)"', c.get("/queue?score_min=0.8&score_max=0.9").text) == ["a2"]
    assert re.findall(r'data-id="([^"]+)"', c.get("/queue?q=hostess").text) == ["a4"]
    assert re.findall(r'data-id="([^"]+)"', c.get("/queue?source=nowhere").text) == []
    assert re.findall(r'data-id="([^"]+)"', c.get("/queue?status=active&since=2000-01-01").text) == ids
    assert re.findall(r'data-id="([^"]+)"', c.get("/queue?until=2000-01-01").text) == []
    newest = re.findall(r'data-id="([^"]+)"', c.get("/queue?sort=newest").text)
    assert sorted(newest) == sorted(ids) and newest[0] == "a4"


@pytest.mark.parametrize("query", ["sort=evil", "verdict=x", "since=yesterday", "score_min=abc", "status=deleted"])
def test_bad_filters_are_400_not_500(db: ReviewDb, query: str) -> None:
    c = logged_in(db.path)
    assert c.get(f"/queue?{query}").status_code == 400


def test_fts_syntax_in_search_is_harmless(db: ReviewDb) -> None:
    c = logged_in(db.path)
    for q in ['"', "NEAR(", "a OR", "*", "title:x", "-", "Работа"]:
        assert c.get("/search", params={"q": q}).status_code == 200
    assert 'data-id="plain"' in c.get("/search?q=veikal*").text  # search covers unflagged adverts too


def test_queue_pages_by_cursor(db: ReviewDb) -> None:
    from scanner.review.queries import QueueFilter, queue

    with Store(db.path) as store:
        first = queue(store, QueueFilter(), limit=2)
        second = queue(store, QueueFilter(after=first.next_after), limit=2)
    assert [r["id"] for r in first.rows + second.rows] == ["a1", "a2", "a3", "a4"] and not second.next_after


def test_advert_page_explains_the_flag(db: ReviewDb) -> None:
    c = logged_in(db.path)
    html = c.get("/adverts/a1").text
    assert '<mark class="hit cat-document_retention"' in html and ">Pasi</mark>" in html
    assert "RF0107" in html and "document_retention" in html and "https://example.org/source" in html
    assert db.page_sha in html and "2025-01-02T03:04:05" in html
    assert 'sandbox=""' in html and f"/adverts/a1/archive/{db.page_sha}" in html
    assert "+37120000001" in html and 'href="/adverts/a3"' in html  # shared phone
    assert 'href="/adverts/a2"' in html  # near-duplicate text
    assert "Rīga" in html


def test_archive_is_sanitized_and_sandboxed(db: ReviewDb) -> None:
    c = logged_in(db.path)
    response = c.get(f"/adverts/a1/archive/{db.page_sha}")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert csp.startswith("sandbox; default-src 'none'")
    body = response.text.lower()
    for bad in ("<script", "onclick", "onerror", "<img", "<iframe", "<link", "evil.test", "pwned"):
        assert bad not in body, bad
    assert "pasi atstāsi pie mums" in body and db.page_sha in body
    assert c.get("/adverts/a2/archive/" + db.page_sha).status_code == 404  # not a2's page
    assert c.get("/adverts/a1/archive/" + "f" * 64).status_code == 404


def test_unknown_advert_is_404(db: ReviewDb) -> None:
    c = logged_in(db.path)
    assert c.get("/adverts/nope").status_code == 404
    assert c.get("/clusters/nope").status_code == 404


def test_verdict_flow_moves_to_the_next_advert(db: ReviewDb) -> None:
    c = logged_in(db.path)
    page = c.get("/adverts/a1")
    response = c.post("/adverts/a1/verdict", data={"status": "confirmed", "note": "same phone as a3",
                                                   "csrf_token": csrf(page.text), "context": ""})
    assert response.status_code == 303 and response.headers["location"].startswith("/adverts/a2?")
    assert "Saved: confirmed" in c.get(response.headers["location"]).text
    assert 'data-id="a1"' not in c.get("/queue").text
    assert 'data-id="a1"' in c.get("/queue?verdict=confirmed").text
    html = c.get("/adverts/a1").text
    assert "same phone as a3" in html and "ana" in html


def test_verdict_without_valid_csrf_is_refused_and_changes_nothing(db: ReviewDb) -> None:
    c = logged_in(db.path)
    other = logged_in(db.path, "boss")  # a real token, but of another session
    with Store(db.path) as store:
        before = store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    for token in (None, "", "forged-token"):
        data = {"status": "dismissed", "note": "x"}
        if token is not None:
            data["csrf_token"] = token
        assert c.post("/adverts/a1/verdict", data=data).status_code == 403
    token = csrf(other.get("/queue").text)
    assert c.post("/adverts/a1/verdict", data={"status": "dismissed", "csrf_token": token}).status_code == 403
    with Store(db.path) as store:
        assert store.conn.execute("SELECT count(*) FROM verdicts").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        assert store.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_bad_verdict_status_is_400(db: ReviewDb) -> None:
    c = logged_in(db.path)
    token = csrf(c.get("/queue").text)
    assert c.post("/adverts/a1/verdict", data={"status": "deleted", "csrf_token": token}).status_code == 400


def test_rules_page_shows_precision(db: ReviewDb) -> None:
    c = logged_in(db.path)
    token = csrf(c.get("/queue").text)
    for advert, status in (("a1", "confirmed"), ("a2", "dismissed"), ("a3", "escalated")):
        c.post(f"/adverts/{advert}/verdict", data={"status": status, "csrf_token": token})
    html = c.get("/rules").text
    row = re.search(r'<tr id="rule-rf0107">(.*?)</tr>', html, re.DOTALL).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells == ["3", "3", "1", "1", "1", "0.67"]


def test_links_and_cluster_pages(db: ReviewDb) -> None:
    c = logged_in(db.path)
    assert "+37120000001" in c.get("/links").text
    html = c.get("/clusters/a3").text
    assert set(re.findall(r'data-id="([^"]+)"', html)) == {"a1", "a2", "a3"}
    assert "Rīga" in html and "Daugavpils" in html and "near-duplicate" in html


def test_export_csv_and_jsonl_of_reviewed(db: ReviewDb) -> None:
    c = logged_in(db.path)
    token = csrf(c.get("/export").text)
    c.post("/adverts/a1/verdict", data={"status": "escalated", "note": "=HYPERLINK(\"x\")", "csrf_token": token})
    response = c.post("/export", data={"format": "csv", "status": "reviewed", "csrf_token": token})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == ["a1"] and rows[0]["verdict"] == "escalated"
    assert rows[0]["verdict_note"].startswith("'=")  # no formula runs in a spreadsheet
    lines = c.post("/export", data={"format": "jsonl", "status": "escalated", "csrf_token": token}).text.splitlines()
    assert json.loads(lines[0])["verdict_user"] == "ana"
    assert c.post("/export", data={"format": "csv", "status": "reviewed", "csrf_token": "no"}).status_code == 403


def test_bundle_zip_with_manifest(db: ReviewDb) -> None:
    c = logged_in(db.path)
    token = csrf(c.get("/adverts/a1").text)
    c.post("/adverts/a1/verdict", data={"status": "escalated", "note": "referred", "csrf_token": token})
    response = c.post("/adverts/a1/bundle", data={"csrf_token": token})
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    names = zf.namelist()
    manifest = json.loads(zf.read("manifest.json"))
    for entry in manifest["files"]:
        assert hashlib.sha256(zf.read(entry["path"])).hexdigest() == entry["sha256"]
    raw = [n for n in names if n.endswith(".bin")]
    assert raw and hashlib.sha256(zf.read(raw[0])).hexdigest() == db.page_sha
    folder = raw[0].split("/pages/")[0]
    assert json.loads(zf.read(f"{folder}/verdicts.json"))[0]["note"] == "referred"
    assert json.loads(zf.read(f"{folder}/matches.json"))["matches"][0]["source"] == "https://example.org/source"
    assert any(r["action"] == "verdict" for r in json.loads(zf.read(f"{folder}/audit.json")))
    cluster = c.post("/clusters/a1/bundle", data={"csrf_token": token})
    assert len(json.loads(zipfile.ZipFile(io.BytesIO(cluster.content)).read("manifest.json"))["adverts"]) == 3
    assert c.post("/adverts/a1/bundle", data={"csrf_token": "bad"}).status_code == 403


def test_audit_page_is_for_admins(db: ReviewDb) -> None:
    assert logged_in(db.path, "ana").get("/audit").status_code == 403
    html = logged_in(db.path, "boss").get("/audit").text
    assert "login" in html and "user_add" in html


def test_ids_with_slashes_and_unicode_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .helpers import build_db, result

    odd = "https://board.example/ad?id=7&x=ā/ü"
    db = build_db(tmp_path, [result(odd, "Pasi atstāsi pie mums.", title="Odd id")])
    c = logged_in(db.path)
    html = c.get("/queue").text
    href = re.search(r'href="(/adverts/https[^"?]+)', html).group(1)
    assert c.get(href.replace("&amp;", "&")).status_code == 200
