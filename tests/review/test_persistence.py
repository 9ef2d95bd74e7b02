"""Verdicts and the audit log survive re-scans, re-crawls, changes and retention; the history
tables refuse UPDATE and DELETE; the audit hash chain shows tampering."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scanner.errors import StoreError
from scanner.models import Advert
from scanner.review.audit import (
    audit_trail,
    set_verdict,
    verdict_history,
    verify_audit_chain,
)
from scanner.review.queries import QueueFilter, queue
from scanner.store import Store

RED = ("Darbs ārzemēs, dzīvoklis bez maksas. Pasi atstāsi pie mums glabāšanā. Ceļu apmaksājam, atstrādāsi no algas. "
       "Zvani +371 20000000.")


def _adverts() -> list[Advert]:
    return [Advert(id=f"r{n}", text=RED + f" Nr. {n}", title=f"Darbs {n}", kind="job", url=f"https://b.example/{n}",
                   source="board") for n in range(4)]


def _snapshot(store: Store) -> tuple[list, list, list]:
    return (store.conn.execute("SELECT * FROM verdicts ORDER BY id").fetchall(),
            store.conn.execute("SELECT * FROM reviews ORDER BY advert_id").fetchall(),
            store.conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall())


def test_verdicts_survive_rescan_recrawl_change_and_gone(tmp_path: Path, scanner) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "p.db") as store:
        for advert in _adverts():
            store.save_scan(scanner.scan(advert))
        assert all(r["flagged"] for r in store.export())
        set_verdict(store, "r0", "confirmed", "ana", "recruiter known from 2024")
        set_verdict(store, "r1", "dismissed", "ana", "lawful agency")
        set_verdict(store, "r1", "reopened", "boss", "look again")
        set_verdict(store, "r2", "escalated", "boss", "sent to police")
        before = _snapshot(store)

        for advert in _adverts():  # re-scan and re-save the very same adverts (a re-crawl of an unchanged board)
            store.save_scan(scanner.scan(advert))
        store.touch_adverts(["r0", "r1", "r2", "r3"])
        assert _snapshot(store) == before

        changed = _adverts()[0]
        changed = Advert(id=changed.id, text=changed.text + " Jauns teikums.", title=changed.title, kind="job",
                         url=changed.url, source="board")
        assert store.save_scan(scanner.scan(changed)).status == "changed"
        store.mark_gone("board", ["r0", "r1"])
        assert _snapshot(store) == before
        assert store.purge(0).adverts == 0  # flagged or reviewed: kept

        history = verdict_history(store, "r1")
        assert [(v.status, v.user, v.note) for v in history] == [("dismissed", "ana", "lawful agency"),
                                                                 ("reopened", "boss", "look again")]
        assert all(v.at for v in history)
        open_ids = [r["id"] for r in queue(store, QueueFilter()).rows]
        assert "r1" in open_ids and "r0" not in open_ids and "r2" not in open_ids and "r3" in open_ids
        trail = audit_trail(store, "r2")
        assert trail[0]["user"] == "boss" and trail[0]["detail"]["status"] == "escalated"
        assert verify_audit_chain(store) == len(before[2])


def test_reviewed_unflagged_advert_is_kept_by_retention(tmp_path: Path, scanner) -> None:  # type: ignore[no-untyped-def]
    # Importing scanner.review (above) registered the rule "adverts with a verdict are kept".
    with Store(tmp_path / "r.db") as store:
        store.save_scan(scanner.scan(Advert(id="calm", text="Pārdevējs veikalā, SIA Veikals.", kind="job")))
        store.save_scan(scanner.scan(Advert(id="calm2", text="Pavārs kafejnīcā, SIA Kafe.", kind="job")))
        set_verdict(store, "calm", "dismissed", "ana")
        store.purge(0)
        texts = dict(store.conn.execute("SELECT id, text FROM adverts").fetchall())
        assert texts["calm"] and texts["calm2"] == ""


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET user = 'mallory'", "DELETE FROM audit_log",
                                 "UPDATE verdicts SET status = 'dismissed'", "DELETE FROM verdicts"])
def test_history_tables_are_append_only(tmp_path: Path, scanner, sql: str) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "a.db") as store:
        store.save_scan(scanner.scan(_adverts()[0]))
        set_verdict(store, "r0", "confirmed", "ana")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute(sql)


def test_hash_chain_reveals_edits_behind_the_triggers(tmp_path: Path, scanner) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "h.db") as store:
        store.save_scan(scanner.scan(_adverts()[0]))
        for status in ("confirmed", "reopened", "dismissed"):
            set_verdict(store, "r0", status, "ana")
        assert verify_audit_chain(store) == 3
        store.conn.execute("DROP TRIGGER audit_log_no_update")
        store.conn.execute("UPDATE audit_log SET user = 'mallory' WHERE id = 2")
        with pytest.raises(StoreError, match="row 2"):
            verify_audit_chain(store)
