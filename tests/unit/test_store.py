"""Store: migrations, round trips, idempotent saves, versions, gone-marking, purge, locks, FTS."""
from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.errors import ConfigError, LockedError, StoreError
from scanner.models import Advert, Evidence, FetchResult, Finding, ScanResult, Score
from scanner.store import MIGRATIONS, RETAIN_IF, Migration, Store, content_hash, keep_if, pack_body, run_lock
from scanner.store import database as store_db


def advert(id: str = "a1", text: str = "Darbs Norvēģijā, pase paliek pie mums", **kw: object) -> Advert:
    base = {"title": "Darbs", "kind": "job", "url": f"https://board.example/{id}", "source": "board"}
    return Advert(id=id, text=text, **{**base, **kw})  # type: ignore[arg-type]


def result(ad: Advert, *, flagged: bool = False, score: float = 0.1, ruleset: str = "rs1") -> ScanResult:
    finding = Finding("RF0101", "work_abroad", 0, 5, ad.full_text[:5], "lv", 0.3, 0.3, "Work abroad",
                      "https://ref.example/1")
    return ScanResult(ad, ad.full_text, "lv", (), (finding,) if flagged else (), Evidence(),
                      Score(score, flagged, "labour" if flagged else "none", (), ()), ruleset)


def fetched(url: str = "https://board.example/a1", body: bytes = b"<html>advert</html>") -> FetchResult:
    return FetchResult(url, url, 200, {"etag": '"e1"', "last-modified": "Mon, 06 Jan 2025 08:00:00 GMT",
                                       "content-type": "text/html"}, body, "2025-01-06T08:00:00+00:00")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "t.db") as s:
        yield s  # type: ignore[misc]


def counts(store: Store) -> tuple[int, int, int]:
    return store.count("adverts"), store.count("advert_versions"), store.count("scans")


# --- schema ---------------------------------------------------------------------------------------

def test_new_database_is_migrated_with_wal_and_foreign_keys(store: Store) -> None:
    assert store.schema_version() == MIGRATIONS[-1].version
    assert {"sources", "runs", "fetch_log", "pages", "adverts", "advert_versions", "scans", "adverts_fts"} <= set(
        store.db.table_names())
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(StoreError), store.transaction():  # a scan of a missing advert breaks a foreign key
        store.conn.execute("INSERT INTO scans (advert_id, version, ruleset, score, flagged, form, lang, "
                           "scanned_at) VALUES ('nope', 1, 'r', 0, 0, 'none', 'lv', 'now')")


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    Store(tmp_path / "t.db").close()
    with Store(tmp_path / "t.db") as again:
        assert again.count("schema_version") == len(MIGRATIONS)


def test_a_later_migration_applies_once_and_keeps_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(tmp_path / "t.db") as s:
        s.save_scan(result(advert()))
    later = MIGRATIONS[-1].version + 1
    notes = Migration(later, "notes", "CREATE TABLE test_notes (advert_id TEXT REFERENCES adverts(id), "
                                      "note TEXT);\nCREATE INDEX test_notes_advert ON test_notes (advert_id);")
    monkeypatch.setattr(store_db, "MIGRATIONS", (*MIGRATIONS, notes))
    with Store(tmp_path / "t.db") as s:
        assert s.schema_version() == later and "test_notes" in s.db.table_names()
        assert s.count("adverts") == 1


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    Store(tmp_path / "t.db").close()
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'future', 'later')")
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path / "t.db")


def test_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        Store(tmp_path / "missing" / "dir" / "t.db")


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.save_scan(result(advert()))
        raise RuntimeError("killed halfway")
    assert counts(store) == (0, 0, 0)


# --- adverts and scans ----------------------------------------------------------------------------

def test_save_scan_round_trips_through_export(store: Store) -> None:
    ad = advert(fields={"pay": "3000 EUR"})
    up = store.save_scan(result(ad, flagged=True, score=0.9))
    assert (up.status, up.version) == ("new", 1)
    [row] = store.export()
    assert {k: row[k] for k in ("id", "url", "source", "kind", "title", "text", "lang", "flagged", "score",
                                "form", "status")} == {
        "id": "a1", "url": ad.url, "source": "board", "kind": "job", "title": "Darbs", "text": ad.text,
        "lang": "lv", "flagged": True, "score": 0.9, "form": "labour", "status": "active"}
    assert row["matches"][0]["rule"] == "RF0101" and row["fields"] == {"pay": "3000 EUR"}
    assert row["first_seen"] == row["last_seen"]


def test_saving_the_same_result_twice_changes_nothing(store: Store) -> None:
    store.save_scan(result(advert()))
    up = store.save_scan(result(advert()))
    assert up.status == "unchanged" and counts(store) == (1, 1, 1)


def test_a_changed_advert_gets_a_new_version_and_scan(store: Store) -> None:
    store.save_scan(result(advert()))
    first_seen = store.advert("a1")["first_seen"]  # type: ignore[index]
    up = store.save_scan(result(advert(text="Darbs Norvēģijā, alga 4000 EUR"), flagged=True, score=0.8))
    assert (up.status, up.version) == ("changed", 2) and counts(store) == (1, 2, 2)
    row = store.advert("a1")
    assert row is not None and row["version"] == 2 and row["flagged"] and row["first_seen"] == first_seen
    assert row["text"] == "Darbs Norvēģijā, alga 4000 EUR"


def test_a_new_rule_set_adds_a_scan_without_a_new_version(store: Store) -> None:
    store.save_scan(result(advert()))
    store.save_scan(result(advert(), ruleset="rs2", flagged=True))
    assert counts(store) == (1, 1, 2) and store.advert("a1")["flagged"]  # type: ignore[index]


def test_imported_adverts_keep_their_id_without_a_source(store: Store) -> None:
    store.save_scan(result(Advert(id="ngo-17", text="Работа в Германии")))
    row = store.advert("ngo-17")
    assert row is not None and row["source"] is None and row["url"] is None


def test_source_argument_overrides_the_adverts_source(store: Store) -> None:
    store.save_scan(result(advert(source=None)), source="board-b")
    assert store.advert("a1")["source"] == "board-b"  # type: ignore[index]


def test_content_hash_ignores_where_the_advert_was_found() -> None:
    assert content_hash(advert(url="https://x/1")) == content_hash(advert(url="https://y/2", source="other"))
    assert content_hash(advert()) != content_hash(advert(fields={"pay": "1"}))


def test_mark_gone_only_touches_unseen_adverts_of_that_source(store: Store) -> None:
    for i in ("a1", "a2", "a3"):
        store.save_scan(result(advert(i)))
    store.save_scan(result(advert("b1", source="other")))
    assert store.mark_gone("board", {"a1", "a3"}) == 1
    statuses = {r["id"]: r["status"] for r in store.export()}
    assert statuses == {"a1": "active", "a2": "gone", "a3": "active", "b1": "active"}
    store.touch_adverts(["a2"])
    assert store.advert("a2")["status"] == "active"  # type: ignore[index]


def test_export_filters(store: Store) -> None:
    store.save_scan(result(advert("a1"), flagged=True))
    store.save_scan(result(advert("a2")))
    store.mark_gone("board", {"a1"})
    assert [r["id"] for r in store.export(flagged=True)] == ["a1"]
    assert [r["id"] for r in store.export(status="gone")] == ["a2"]
    assert len(list(store.export(since="2000-01-01"))) == 2
    assert list(store.export(since="2999-01-01")) == []
    with pytest.raises(ConfigError):
        store.export(status="reviewed")
    with pytest.raises(ConfigError):
        store.export(since="yesterday")


def test_full_text_search_ignores_diacritics(store: Store) -> None:
    store.save_scan(result(advert("a1", text="Darbs Norvēģijā zivju pārstrādē")))
    store.save_scan(result(advert("a2", text="Pārdevējs Rīgā")))
    assert [r["id"] for r in store.search("norvegija")] == ["a1"]
    with pytest.raises(ConfigError):
        store.search('"unbalanced')


# --- pages, runs, fetch log -----------------------------------------------------------------------

def test_pages_are_archived_compressed_and_deduplicated(store: Store) -> None:
    sha = store.save_page(fetched(), source="board", links=["https://board.example/x"], advert_ids=["a1"])
    store.save_page(fetched(), source="board", advert_ids=["a1"])
    assert store.count("pages") == 1
    raw = store.conn.execute("SELECT html FROM pages").fetchone()[0]
    assert zlib.decompress(raw) == b"<html>advert</html>" and store.page_html(sha) == b"<html>advert</html>"
    state = store.page_state("https://board.example/a1")
    assert state is not None and state.etag == '"e1"' and state.is_advert and state.advert_ids == ("a1",)
    store.save_page(fetched(body=b"<html>changed</html>"))
    assert store.count("pages") == 2 and store.page_state("https://board.example/a1").sha256 != sha  # type: ignore[union-attr]


def test_page_states_are_page_state_for_every_url_of_a_source(store: Store) -> None:
    store.save_page(fetched("https://board.example/a"), source="board", advert_ids=["a"])
    store.save_page(fetched("https://board.example/a", b"<html>newer</html>"), source="board", advert_ids=["a2"])
    store.save_page(fetched("https://board.example/b"), source="board")
    store.save_page(fetched("https://other.example/c"), source="other")
    states = store.page_states("board")
    assert set(states) == {"https://board.example/a", "https://board.example/b"}
    assert all(state == store.page_state(url) for url, state in states.items())
    assert states["https://board.example/a"].advert_ids == ("a2",)


def test_a_packed_body_is_archived_as_given(store: Store) -> None:
    packed = pack_body(b"<html>advert</html>")
    assert store.save_page(fetched(), packed=packed) == packed.sha256 == store_db.body_sha256(b"<html>advert</html>")
    assert store.page_html(packed.sha256) == b"<html>advert</html>"


def test_a_savepoint_undoes_only_its_own_block(store: Store) -> None:
    with pytest.raises(StoreError, match="open transaction"), store.savepoint():
        pass
    with store.transaction():
        store.record_fetch("https://board.example/kept")
        with pytest.raises(RuntimeError), store.savepoint():
            store.record_fetch("https://board.example/undone")
            raise RuntimeError("one page failed")
        with store.savepoint():
            store.record_fetch("https://board.example/also-kept")
    urls = [r[0] for r in store.conn.execute("SELECT url FROM fetch_log ORDER BY id")]
    assert urls == ["https://board.example/kept", "https://board.example/also-kept"]


def test_runs_and_fetch_log(store: Store) -> None:
    run = store.start_run("crawl", sources=["board"], ruleset="rs1", settings_digest="s1")
    store.record_fetch("https://board.example/x", run=run, source="board", status=503, error="http_status",
                       message="HTTP 503")
    other = store.start_run("crawl")
    assert store.close_stale_runs() == 2  # both were left running
    store.finish_run(other, status="ok", counters={"fetch/request": 3})
    assert store.run(run)["status"] == "interrupted"  # type: ignore[index]
    assert store.run(other)["counters"] == {"fetch/request": 3}  # type: ignore[index]
    assert store.conn.execute("SELECT error FROM fetch_log").fetchone()[0] == "http_status"


# --- retention ------------------------------------------------------------------------------------

def test_purge_drops_old_unflagged_texts_and_pages_but_keeps_hashes(store: Store) -> None:
    old_sha = store.save_page(fetched("https://board.example/old"), advert_ids=["old"])
    flagged_sha = store.save_page(fetched("https://board.example/bad", b"<p>bad</p>"), advert_ids=["bad"])
    store.save_scan(result(advert("old")), page=old_sha)
    store.save_scan(result(advert("bad"), flagged=True), page=flagged_sha)
    later = datetime.now(UTC) + timedelta(days=100)
    summary = store.purge(90, now=later)
    assert (summary.adverts, summary.versions, summary.pages, summary.kept_flagged) == (1, 1, 1, 1)
    old, bad = store.advert("old"), store.advert("bad")
    assert old is not None and old["text"] == "" and old["title"] == "" and old["purged_at"]
    assert old["content_hash"] == content_hash(advert("old")) and old["first_seen"]
    assert bad is not None and bad["text"] == advert("bad").text
    assert store.page_html(old_sha) is None and store.page_html(flagged_sha) == b"<p>bad</p>"
    assert store.search("Norvēģijā") and [r["id"] for r in store.search("Norvēģijā")] == ["bad"]
    assert store.purge(90, now=later).adverts == 0  # nothing twice


def test_purge_keeps_recent_adverts_and_a_purged_advert_seen_again_is_restored(store: Store) -> None:
    store.save_scan(result(advert("a1")))
    assert store.purge(30).adverts == 0
    store.purge(0, now=datetime.now(UTC) + timedelta(seconds=1))
    assert store.advert("a1")["text"] == ""  # type: ignore[index]
    assert store.save_scan(result(advert("a1"))).status == "unchanged"
    assert store.advert("a1")["text"] == advert("a1").text  # type: ignore[index]


def test_purge_respects_added_retention_conditions(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "RETAIN_IF", list(RETAIN_IF))
    keep_if("a.id = 'reviewed'")
    store.save_scan(result(advert("reviewed")))
    store.save_scan(result(advert("other")))
    summary = store.purge(0, now=datetime.now(UTC) + timedelta(days=1))
    assert summary.adverts == 1 and store.advert("reviewed")["text"]  # type: ignore[index]


# --- lock ------------------------------------------------------------------------------------------

def test_run_lock_refuses_a_second_holder(tmp_path: Path) -> None:
    with run_lock(tmp_path / "db.lock"), pytest.raises(LockedError, match="another run"), \
            run_lock(tmp_path / "db.lock"):
        pass
    with run_lock(tmp_path / "db.lock"):  # released
        pass


# --- property: any text round-trips -----------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(title=st.text(max_size=80), text=st.text(min_size=1, max_size=400),
       fields=st.dictionaries(st.sampled_from(["pay", "employer", "contact"]), st.text(max_size=30), max_size=3))
def test_any_advert_round_trips(tmp_path_factory: pytest.TempPathFactory, title: str, text: str,
                                fields: dict[str, str]) -> None:
    with Store(tmp_path_factory.mktemp("prop") / "p.db") as s:
        ad = Advert(id="x", text=text, title=title, fields=fields, source="s")
        s.save_scan(result(ad))
        row = s.advert("x")
        assert row is not None and (row["title"], row["text"], row["fields"]) == (title, text, fields)
        assert s.save_scan(result(ad)).status == "unchanged"
