"""Verdicts and the append-only audit log.

Every verdict is a new row in `verdicts` and in `audit_log`; `reviews` keeps only the
latest verdict per advert for the queue. SQLite triggers refuse UPDATE and DELETE on
the two history tables, and each audit row carries the SHA-256 of the row before it,
so an edit made behind the triggers' back (another tool, a hex editor) shows up in
`verify_audit_chain`. Nothing here is reached by a crawl or a re-scan.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..errors import NotFoundError, StoreError
from ..store import Store, now_iso
from .errors import ReviewInputError

STATUSES = ("confirmed", "dismissed", "escalated", "reopened")
MAX_NOTE = 4000
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Verdict:
    id: int
    advert_id: str
    status: str
    note: str
    user: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "advert_id": self.advert_id, "status": self.status, "note": self.note,
                "user": self.user, "at": self.at}


def _row_hash(prev: str, at: str, user: str, action: str, advert_id: str | None, detail: str) -> str:
    data = "\x1f".join((prev, at, user, action, advert_id or "", detail))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def append_audit(store: Store, user: str, action: str, *, advert_id: str | None = None,
                 detail: dict[str, Any] | None = None) -> int:
    """Append one audit row (joins the caller's transaction) and return its id."""
    body = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)
    with store.transaction():
        last = store.conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        prev, at = (last[0] if last else GENESIS), now_iso()
        cur = store.conn.execute(
            "INSERT INTO audit_log (at, user, action, advert_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, user, action, advert_id, body, prev, _row_hash(prev, at, user, action, advert_id, body)))
        return int(cur.lastrowid or 0)


def verify_audit_chain(store: Store) -> int:
    """Check every audit row's hash chain; returns the number of rows, raises `StoreError` at the first break."""
    prev, n = GENESIS, 0
    for row in store.conn.execute("SELECT id, at, user, action, advert_id, detail, prev_hash, hash "
                                  "FROM audit_log ORDER BY id"):
        expected = _row_hash(prev, row[1], row[2], row[3], row[4], row[5])
        if row[6] != prev or row[7] != expected:
            raise StoreError(f"audit log row {row[0]} does not match the chain: the log was altered")
        prev, n = row[7], n + 1
    return n


def set_verdict(store: Store, advert_id: str, status: str, user: str, note: str = "", *, via: str = "web") -> Verdict:
    """Record a verdict on an advert: a history row, an audit row and the advert's current review state."""
    if status not in STATUSES:
        raise ReviewInputError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ReviewInputError(f"a note has at most {MAX_NOTE} characters")
    with store.transaction():
        if not store.conn.execute("SELECT 1 FROM adverts WHERE id = ?", (advert_id,)).fetchone():
            raise NotFoundError(f"no advert {advert_id!r}")
        audit_id = append_audit(store, user, "verdict", advert_id=advert_id, detail={"status": status, "note": note, "via": via})
        at = store.conn.execute("SELECT at FROM audit_log WHERE id = ?", (audit_id,)).fetchone()[0]
        cur = store.conn.execute(
            "INSERT INTO verdicts (advert_id, status, note, user, at, audit_id) VALUES (?, ?, ?, ?, ?, ?)",
            (advert_id, status, note, user, at, audit_id))
        verdict_id = int(cur.lastrowid or 0)
        store.conn.execute(
            "INSERT INTO reviews (advert_id, status, verdict_id, user, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (advert_id) DO UPDATE SET status = excluded.status, verdict_id = excluded.verdict_id, "
            "user = excluded.user, at = excluded.at", (advert_id, status, verdict_id, user, at))
    return Verdict(verdict_id, advert_id, status, note, user, at)


def verdict_history(store: Store, advert_id: str) -> list[Verdict]:
    """Every verdict on an advert, oldest first."""
    rows = store.conn.execute("SELECT id, advert_id, status, note, user, at FROM verdicts WHERE advert_id = ? "
                              "ORDER BY id", (advert_id,)).fetchall()
    return [Verdict(*row) for row in rows]


def current_verdict(store: Store, advert_id: str) -> Verdict | None:
    history = store.conn.execute("SELECT v.id, v.advert_id, v.status, v.note, v.user, v.at FROM reviews r "
                                 "JOIN verdicts v ON v.id = r.verdict_id WHERE r.advert_id = ?",
                                 (advert_id,)).fetchone()
    return Verdict(*history) if history else None


def audit_trail(store: Store, advert_id: str | None = None, *, limit: int = 500) -> list[dict[str, Any]]:
    """Audit rows, newest first: for one advert, or all of them."""
    where, params = ("WHERE advert_id = ?", (advert_id, limit)) if advert_id else ("", (limit,))
    rows = store.db.query(f"SELECT id, at, user, action, advert_id, detail, prev_hash, hash FROM audit_log {where} "
                          "ORDER BY id DESC LIMIT ?", params)
    return [{**r, "detail": json.loads(r["detail"])} for r in rows]
