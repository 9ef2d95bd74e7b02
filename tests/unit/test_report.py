"""Report: digest content (escaped, grouped, counted, charted), alerts to local receivers, export."""
from __future__ import annotations

import csv
import io
import json
from email import message_from_bytes
from pathlib import Path

import pytest

from scanner.models import Advert, Evidence, Finding, ScanResult, Score
from scanner.report import (alert_items, build_digest, chart_svg, highlight, render_html, safe_link, send_alerts,
                            write_digest, write_export)
from scanner.settings import Settings
from scanner.store import Store
from tests.support.receivers import SmtpReceiver, WebhookReceiver

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def scanned(id: str, text: str, *, score: float, form: str = "labour", lang: str = "lv", source: str = "board",
            url: str | None = None, title: str = "Darbs") -> ScanResult:
    ad = Advert(id=id, text=text, title=title, kind="job", url=url or f"https://board.example/{id}", source=source)
    full = ad.full_text
    start = full.index("pase") if "pase" in full else 0
    finding = Finding("RF0401", "document_retention", start, start + 4, full[start:start + 4], lang, 0.6, 0.6,
                      "Passport kept", "https://ref.example/passport")
    return ScanResult(ad, full, lang, (), (finding,), Evidence(), Score(score, score >= 0.5, form, (), ()), "rs1")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "r.db") as s:
        yield s  # type: ignore[misc]


def fill(store: Store) -> int:
    run = store.start_run("nightly")
    store.save_scan(scanned("a1", "Darbs Norvēģijā, pase paliek pie mums " + HOSTILE, score=0.9,
                            title="Darbs <b>Norvēģijā</b>"), run=run)
    store.save_scan(scanned("a2", "Работа, pase у менеджера", score=0.6, form="sexual", lang="ru",
                            source="other", url="javascript:alert(3)"), run=run)
    store.save_scan(scanned("a3", "Pārdevējs Rīgā", score=0.1, form="none"), run=run)
    store.finish_run(run, status="ok", counters={"fetched": 3})
    return run


def test_digest_holds_new_flagged_adverts_with_counts_and_a_30_day_chart(store: Store) -> None:
    digest = build_digest(store, fill(store))
    assert [i.id for i in digest.items] == ["a1", "a2"] and {i.change for i in digest.items} == {"new"}
    assert digest.counts("form") == {"labour": 1, "sexual": 1}
    assert digest.counts("lang") == {"lv": 1, "ru": 1} and digest.counts("source") == {"board": 1, "other": 1}
    assert digest.counts("category") == {} or all(isinstance(v, int) for v in digest.counts("category").values())
    assert len(digest.per_day) == 30 and digest.per_day[-1][1] == 2 and sum(n for _, n in digest.per_day) == 2


def test_digest_html_escapes_hostile_text_and_links_only_http(store: Store) -> None:
    page = render_html(build_digest(store, fill(store)))
    assert "<script>" not in page and "onerror=" not in page.replace("onerror=&quot;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Darbs &lt;b&gt;Norvēģijā&lt;/b&gt;" in page
    assert 'href="javascript:' not in page and 'href="https://board.example/a1"' in page
    assert '<mark title="RF0401 document_retention: Passport kept">pase</mark>' in page
    assert "Content-Security-Policy" in page and "<svg" in page
    assert page.index("labour · board") < page.index("sexual · other")  # grouped by form, then source


def test_digest_covers_runs_since_the_last_digest_and_marks_changes(store: Store, tmp_path: Path) -> None:
    first = fill(store)
    files = write_digest(build_digest(store, first), tmp_path / "digests")
    store.set_run_digest(first, str(files.html))
    assert json.loads(files.json.read_text())["flagged"] == 2
    second = store.start_run("nightly")
    store.save_scan(scanned("a1", "Darbs Norvēģijā, pase jāatdod", score=0.95), run=second)
    digest = build_digest(store, second)
    assert [(i.id, i.change) for i in digest.items] == [("a1", "changed")] and digest.after_run == first


def test_highlight_never_emits_raw_markup() -> None:
    text = 'x <a href="javascript:evil()">pase</a> & "quotes"'
    start = text.index("pase")
    out = highlight(text, [{"start": start, "end": start + 4, "rule": "<r>", "category": "c", "title": '"t"'}])
    assert "<a " not in out and "&lt;a href=&quot;javascript:evil()&quot;&gt;" in out
    assert '<mark title="&lt;r&gt; c: &quot;t&quot;">pase</mark>' in out
    assert highlight("abc", [{"start": 5, "end": 9}]) == "abc"  # offsets out of range are ignored


def test_safe_link_and_chart() -> None:
    assert safe_link("JavaScript:alert(1)", "x") == "x"
    assert safe_link('https://a.example/?q="><script>', "y").count("<script>") == 0
    svg = chart_svg([("2025-01-01", 0), ("2025-01-02", 4)])
    assert svg.count("<rect") == 2 and "2025-01-02: 4" in svg


# --- alerts ----------------------------------------------------------------------------------------

def test_alerts_go_to_a_local_webhook_and_smtp_server(store: Store) -> None:
    digest = build_digest(store, fill(store))
    with WebhookReceiver() as hook, SmtpReceiver() as smtp:
        settings = Settings(alert_score=0.75, webhook_url=hook.url, smtp_host="127.0.0.1", smtp_port=smtp.port,
                            smtp_to=("analyst@ngo.example",))
        result = send_alerts(digest, settings, digest_path="/tmp/digest.html")
    assert (result.adverts, result.webhook, result.email, result.errors) == (1, True, True, ())
    [(headers, body)] = hook.posts
    payload = json.loads(body)
    assert headers["content-type"] == "application/json" and payload["count"] == 1
    assert payload["adverts"][0]["id"] == "a1" and "text" not in payload["adverts"][0]
    [(sender, rcpts, data)] = smtp.messages
    mail = message_from_bytes(data)
    assert sender == "redflag@localhost" and rcpts == ["analyst@ngo.example"]
    assert "1 flagged advert" in mail["Subject"] and "https://board.example/a1" in mail.get_payload(decode=True).decode()


def test_a_failing_receiver_is_reported_not_raised(store: Store) -> None:
    digest = build_digest(store, fill(store))
    with WebhookReceiver(status=500) as hook:
        result = send_alerts(digest, Settings(webhook_url=hook.url, alert_score=0.5, smtp_host="127.0.0.1",
                                              smtp_port=1, smtp_to=("a@b.example",)), timeout=2)
    assert result.adverts == 2 and not result.webhook and not result.email and len(result.errors) == 2


def test_no_alert_below_the_score(store: Store) -> None:
    digest = build_digest(store, fill(store))
    assert alert_items(digest, 0.99) == []
    assert send_alerts(digest, Settings(alert_score=0.99, webhook_url="http://127.0.0.1:1/")).adverts == 0


# --- export ----------------------------------------------------------------------------------------

def test_export_jsonl_and_csv(store: Store) -> None:
    fill(store)
    out = io.StringIO()
    assert write_export(store.export(flagged=True), out, "jsonl") == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {"id", "url", "source", "kind", "title", "text", "lang", "flagged", "score", "form", "matches",
            "first_seen", "last_seen", "status"} <= set(rows[0]) and rows[0]["matches"][0]["rule"] == "RF0401"
    out = io.StringIO()
    write_export(store.export(), out, "csv")
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(table) == 3 and json.loads(table[0]["matches"])[0]["rule"] == "RF0401" and HOSTILE in table[0]["text"]
