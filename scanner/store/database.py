"""The `Store`: adverts, their versions and scans, archived pages, runs and the fetch log.

Every public write runs in one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``);
`transaction()` lets a caller group several writes (one crawled page: its page row,
fetch-log row, adverts and scans) so that a kill at any moment leaves either all of
them or none. WAL mode with ``synchronous=NORMAL``: a killed process loses nothing
committed; a power cut may lose the last transactions, never consistency.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Self

import sqlite_utils

from .. import __version__
from ..errors import ConfigError, StoreError
from ..models import Advert, FetchResult, ScanResult
from .schema import MIGRATIONS

UpsertStatus = Literal["new", "changed", "unchanged"]
ADVERT_STATUSES = ("active", "gone")


def now_iso() -> str:
    """The current UTC time, to the microsecond (orders events within one second)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def content_hash(advert: Advert) -> str:
    """What makes an advert "changed": its title, text and fields (not where it was found)."""
    data = json.dumps([advert.title, advert.text, sorted(advert.fields.items())], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class PackedBody:
    """A fetched body as the `pages` table keeps it: its SHA-256 and the zlib-compressed bytes."""

    sha256: str
    html: bytes


def pack_body(body: bytes) -> PackedBody:
    """Hash and compress a body for `Store.save_page`; a crawl does it in its worker processes.

    zlib level 1: on 60 KB board pages 0.40 ms and 32 % of the size, where level 6 took
    0.95 ms for 29 % (benchmarks/crawl_bench.py); every level reads back with zlib.decompress."""
    return PackedBody(body_sha256(body), zlib.compress(body, 1))


@dataclass(frozen=True, slots=True)
class Upsert:
    """What storing one advert did."""

    advert_id: str
    status: UpsertStatus
    version: int


@dataclass(frozen=True, slots=True)
class StoredPage:
    """The latest archived copy of a URL: what a conditional request and a 304 need."""

    url: str
    final_url: str
    sha256: str
    etag: str | None
    last_modified: str | None
    kind: str
    is_advert: bool
    links: tuple[str, ...]
    next_pages: tuple[str, ...]
    advert_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FetchLogEntry:
    """One row of the fetch log: a URL asked for and what came of it (`error` is a kind, None if fine)."""

    url: str
    run: int | None = None
    source: str | None = None
    status: int | None = None  # HTTP status; None when nothing came back
    error: str | None = None
    message: str | None = None
    final_url: str | None = None
    size: int = 0
    elapsed: float = 0.0
    fetched_at: str | None = None  # default: now


@dataclass(frozen=True, slots=True)
class PurgeSummary:
    cutoff: str
    adverts: int  # adverts whose texts were dropped
    versions: int
    pages: int  # archived pages dropped
    kept_flagged: int  # old adverts kept because they were flagged (or reviewed)


# Retention: an old advert is purged unless one of these SQL conditions (over `a`, a row of
# `adverts`) holds. The review issue appends its own ("reviewed by an analyst") with `keep_if`.
RETAIN_IF: list[str] = ["a.ever_flagged = 1"]


def keep_if(condition: str) -> None:
    """Add a retention condition (SQL over ``a``, an `adverts` row): matching adverts are never purged."""
    if condition not in RETAIN_IF:
        RETAIN_IF.append(condition)


class Store:
    """The SQLite store; ``Store(path)`` creates or migrates the database."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = str(path)
        self._depth = 0
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=timeout, check_same_thread=False)
            conn.create_function("redflag_strip_texts", 1, _strip_match_texts, deterministic=True)
            self.db = sqlite_utils.Database(conn)
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL",
                           f"busy_timeout={int(timeout * 1000)}"):
                conn.execute(f"PRAGMA {pragma}")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions and schema ---------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested uses join the outer one. sqlite errors become `StoreError`."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot start a transaction: {exc}") from exc
        self._depth = 1
        try:
            yield
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"{self.path}: {exc}") from exc
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth = 0

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside `transaction()`: the writes of the block are undone alone if it raises
        (the error propagates; the enclosing transaction goes on)."""
        if not self._depth:
            raise StoreError("savepoint() needs an open transaction()")
        self.conn.execute("SAVEPOINT block")
        try:
            with self.transaction():
                yield
        except BaseException:
            if self.conn.in_transaction:  # some errors (a full disk) end the whole transaction
                self.conn.execute("ROLLBACK TO block")
            raise
        finally:
            if self.conn.in_transaction:
                self.conn.execute("RELEASE block")

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version "
                          "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        current, latest = self.schema_version(), MIGRATIONS[-1].version
        if current > latest:
            raise StoreError(f"database {self.path} has schema version {current}, newer than this "
                             f"redflag {__version__} knows ({latest}); upgrade redflag")
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            with self.transaction():
                if self.schema_version() >= migration.version:  # another process got there first
                    continue
                for statement in migration.statements():
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                                  (migration.version, migration.name, now_iso()))

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        return next(iter(self.db.query(sql, params)), None)

    # --- sources and runs ----------------------------------------------------------------------

    def upsert_source(self, name: str, *, kind: str = "unknown", start_urls: Sequence[str] = (),
                      config: Mapping[str, Any] | None = None) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO sources (name, kind, start_urls, config, added_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, start_urls = excluded.start_urls, "
                "config = excluded.config",
                (name, kind, _json(list(start_urls)), _json(config or {}), now_iso()))

    def source_start_urls(self, name: str) -> tuple[str, ...] | None:
        """The start URLs the source was last crawled with (None for a new source)."""
        row = self.conn.execute("SELECT start_urls FROM sources WHERE name = ?", (name,)).fetchone()
        return tuple(json.loads(row[0])) if row else None

    def _ensure_source(self, name: str | None, kind: str) -> None:
        if name is not None:
            self.conn.execute("INSERT OR IGNORE INTO sources (name, kind, added_at) VALUES (?, ?, ?)",
                              (name, kind, now_iso()))

    def start_run(self, command: str, *, sources: Sequence[str] = (), ruleset: str | None = None,
                  settings_digest: str | None = None) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO runs (command, started_at, sources, ruleset, settings_digest, version) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (command, now_iso(), _json(list(sources)), ruleset, settings_digest, __version__))
            return int(cur.lastrowid or 0)

    def close_stale_runs(self) -> int:
        """Mark runs left 'running' by a killed process as 'interrupted' (call under `run_lock`)."""
        with self.transaction():
            return self.conn.execute("UPDATE runs SET status = 'interrupted', finished_at = ? "
                                     "WHERE status = 'running'", (now_iso(),)).rowcount

    def finish_run(self, run: int, *, status: str, counters: Mapping[str, Any]) -> None:
        with self.transaction():
            self.conn.execute("UPDATE runs SET finished_at = ?, status = ?, counters = ? WHERE id = ?",
                              (now_iso(), status, _json(dict(counters)), run))

    def record_source_run(self, run: int, source: str, *, status: str, complete: bool, started_at: str,
                          counters: Mapping[str, Any], error: str | None = None) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO run_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (run, source, status, int(complete), started_at, now_iso(), _json(dict(counters)), error))
            self.conn.execute("UPDATE sources SET last_run_id = ?, last_complete_run_id = "
                              "CASE WHEN ? THEN ? ELSE last_complete_run_id END WHERE name = ?",
                              (run, int(complete), run, source))

    def set_run_digest(self, run: int, path: str) -> None:
        with self.transaction():
            self.conn.execute("UPDATE runs SET digest_path = ? WHERE id = ?", (path, run))

    def run(self, run: int) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM runs WHERE id = ?", (run,))
        if row is not None:
            row["counters"], row["sources"] = json.loads(row["counters"]), json.loads(row["sources"])
        return row

    def last_digested_run(self, before: int) -> int:
        """The latest run before `before` that a digest covered (0 when none)."""
        row = self.conn.execute("SELECT max(id) FROM runs WHERE id < ? AND digest_path IS NOT NULL",
                                (before,)).fetchone()
        return int(row[0] or 0)

    # --- fetch log and pages -------------------------------------------------------------------

    def record_fetch(self, url: str, *, run: int | None = None, source: str | None = None,
                     status: int | None = None, error: str | None = None, message: str | None = None,
                     final_url: str | None = None, size: int = 0, elapsed: float = 0.0,
                     fetched_at: str | None = None) -> None:
        self.record_fetches([FetchLogEntry(url, run, source, status, error, message, final_url, size, elapsed,
                                           fetched_at)])

    def record_fetches(self, entries: Iterable[FetchLogEntry]) -> None:
        """Several fetch-log rows in one statement (a crawl logs every URL it visits)."""
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO fetch_log (run_id, source, url, final_url, status, error, message, bytes, elapsed, "
                "fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.run, e.source, e.url, e.final_url, e.status, e.error, e.message, e.size, round(e.elapsed, 4),
                  e.fetched_at or now_iso()) for e in entries])

    def page_state(self, url: str) -> StoredPage | None:
        row = self.conn.execute(f"SELECT {_STATE} FROM pages WHERE url = ? ORDER BY checked_at DESC, id DESC LIMIT 1",
                                (url,)).fetchone()
        return _stored_page(row) if row else None

    def page_states(self, source: str) -> dict[str, StoredPage]:
        """`page_state` of every URL that `source` has archived, in one query (a crawl asks for each)."""
        rows = self.conn.execute(f"SELECT {_STATE} FROM pages WHERE url IN (SELECT url FROM pages WHERE source = ?) "
                                 "ORDER BY checked_at, id", (source,))
        return {page.url: page for page in map(_stored_page, rows)}  # the latest row of a URL comes last

    def save_page(self, result: FetchResult, *, url: str | None = None, source: str | None = None,
                  kind: str = "page", links: Sequence[str] = (), next_pages: Sequence[str] = (),
                  advert_ids: Sequence[str] = (), packed: PackedBody | None = None) -> str:
        """Archive a fetched body (zlib) with what was found on it; returns its SHA-256.

        `packed` is `pack_body(result.body)` when the caller has it already."""
        packed = packed or pack_body(result.body)
        sha = packed.sha256
        with self.transaction():
            self.conn.execute(
                "INSERT INTO pages (url, final_url, source, sha256, fetched_at, checked_at, etag, last_modified, "
                "content_type, size, html, kind, is_advert, links, next_pages, advert_ids) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (url, sha256) DO UPDATE SET final_url = excluded.final_url, "
                "checked_at = excluded.checked_at, etag = excluded.etag, last_modified = excluded.last_modified, "
                "html = coalesce(pages.html, excluded.html), purged_at = NULL, is_advert = excluded.is_advert, "
                "links = excluded.links, next_pages = excluded.next_pages, advert_ids = excluded.advert_ids",
                (url or result.url, result.final_url, source, sha, result.fetched_at, now_iso(),
                 result.headers.get("etag"), result.headers.get("last-modified"), result.content_type,
                 len(result.body), packed.html, kind, int(bool(advert_ids)),
                 _json(list(links)), _json(list(next_pages)), _json(list(advert_ids))))
        return sha

    def touch_page(self, url: str, sha256: str, *, etag: str | None = None, last_modified: str | None = None) -> None:
        """A 304 (or the same body again): the archived copy is still current."""
        self.touch_pages([(url, sha256, etag, last_modified)])

    def touch_pages(self, pages: Iterable[tuple[str, str, str | None, str | None]]) -> None:
        """`touch_page` for many (url, sha256, etag, last_modified) in one statement."""
        checked = now_iso()
        with self.transaction():
            self.conn.executemany("UPDATE pages SET checked_at = ?, etag = coalesce(?, etag), "
                                  "last_modified = coalesce(?, last_modified) WHERE url = ? AND sha256 = ?",
                                  [(checked, etag, modified, url, sha) for url, sha, etag, modified in pages])

    def page_html(self, sha256: str) -> bytes | None:
        """The archived body with this SHA-256 (None when unknown or purged)."""
        row = self.conn.execute("SELECT html FROM pages WHERE sha256 = ? AND html IS NOT NULL LIMIT 1",
                                (sha256,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    # --- adverts and scans ---------------------------------------------------------------------

    def advert_hash(self, advert_id: str) -> str | None:
        row = self.conn.execute("SELECT content_hash FROM adverts WHERE id = ?", (advert_id,)).fetchone()
        return row[0] if row else None

    def upsert_advert(self, advert: Advert, *, page: str | None = None, run: int | None = None,
                      seen_at: str | None = None, lang: str | None = None) -> Upsert:
        """Store an advert: new, a new version when its content hash changed, else only seen again."""
        seen = seen_at or now_iso()
        digest = content_hash(advert)
        with self.transaction():
            self._ensure_source(advert.source, advert.kind)
            row = self._one("SELECT content_hash, version, purged_at FROM adverts WHERE id = ?", (advert.id,))
            if row is None:
                self._insert_advert(advert, digest, seen, run, lang)
                self._insert_version(advert, 1, digest, page, run, seen)
                return Upsert(advert.id, "new", 1)
            if row["content_hash"] == digest:
                self._seen_again(advert, seen, run, restore=row["purged_at"] is not None, version=row["version"])
                return Upsert(advert.id, "unchanged", row["version"])
            version = row["version"] + 1
            self._insert_version(advert, version, digest, page, run, seen)
            self.conn.execute(
                "UPDATE adverts SET url = coalesce(?, url), kind = ?, title = ?, text = ?, fields = ?, "
                "lang = coalesce(?, lang), content_hash = ?, version = ?, last_seen = max(last_seen, ?), "
                "changed_at = ?, status = 'active', gone_at = NULL, last_run_id = coalesce(?, last_run_id), "
                "purged_at = NULL WHERE id = ?",
                (advert.url, advert.kind, advert.title, advert.text, _json(dict(advert.fields)),
                 lang or advert.lang, digest, version, seen, seen, run, advert.id))
            return Upsert(advert.id, "changed", version)

    def _insert_advert(self, advert: Advert, digest: str, seen: str, run: int | None, lang: str | None) -> None:
        self.conn.execute(
            "INSERT INTO adverts (id, source, url, kind, title, text, lang, fields, content_hash, version, "
            "first_seen, last_seen, changed_at, last_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
            (advert.id, advert.source, advert.url, advert.kind, advert.title, advert.text, lang or advert.lang,
             _json(dict(advert.fields)), digest, seen, seen, seen, run))

    def _insert_version(self, advert: Advert, version: int, digest: str, page: str | None, run: int | None,
                        seen: str) -> None:
        self.conn.execute(
            "INSERT INTO advert_versions (advert_id, version, content_hash, title, text, fields, url, page_sha256, "
            "run_id, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (advert.id, version, digest, advert.title, advert.text, _json(dict(advert.fields)), advert.url, page,
             run, seen))

    def _seen_again(self, advert: Advert, seen: str, run: int | None, *, restore: bool, version: int) -> None:
        self.conn.execute("UPDATE adverts SET last_seen = max(last_seen, ?), status = 'active', gone_at = NULL, "
                          "last_run_id = coalesce(?, last_run_id) WHERE id = ?", (seen, run, advert.id))
        if restore:  # purged earlier and published again unchanged: the text is current data again
            fields = _json(dict(advert.fields))
            self.conn.execute("UPDATE adverts SET title = ?, text = ?, fields = ?, purged_at = NULL WHERE id = ?",
                              (advert.title, advert.text, fields, advert.id))
            self.conn.execute("UPDATE advert_versions SET title = ?, text = ?, fields = ?, purged_at = NULL "
                              "WHERE advert_id = ? AND version = ?",
                              (advert.title, advert.text, fields, advert.id, version))

    def touch_adverts(self, ids: Iterable[str], *, run: int | None = None, seen_at: str | None = None) -> int:
        """Adverts seen again without being re-read (their page answered 304 or did not change)."""
        seen = seen_at or now_iso()
        with self.transaction():
            cur = self.conn.executemany(
                "UPDATE adverts SET last_seen = max(last_seen, ?), status = 'active', gone_at = NULL, "
                "last_run_id = coalesce(?, last_run_id) WHERE id = ?", [(seen, run, i) for i in ids])
            return cur.rowcount

    def save_scan(self, result: ScanResult, *, source: str | None = None, page: str | None = None,
                  run: int | None = None) -> Upsert:
        """Store the advert (see `upsert_advert`) and its scan; saving the same result again changes nothing.

        `page` is the SHA-256 of the archived page the advert was read from.
        """
        advert = result.advert
        if source is not None and advert.source != source:
            advert = Advert(id=advert.id, text=advert.text, title=advert.title, kind=advert.kind, lang=advert.lang,
                            url=advert.url, source=source, fields=advert.fields)
        doc = result.to_dict()
        with self.transaction():
            up = self.upsert_advert(advert, page=page, run=run, lang=result.lang)
            self.conn.execute(
                "INSERT INTO scans (advert_id, version, run_id, ruleset, score, flagged, form, lang, matches, "
                "categories, combinations, contacts, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (advert_id, version, ruleset) DO UPDATE SET score = excluded.score, "
                "flagged = excluded.flagged, form = excluded.form, lang = excluded.lang, matches = excluded.matches, "
                "categories = excluded.categories, combinations = excluded.combinations, "
                "contacts = excluded.contacts, run_id = coalesce(scans.run_id, excluded.run_id)",
                (advert.id, up.version, run, result.ruleset, doc["score"], int(result.flagged), doc["form"],
                 result.lang, _json(doc["matches"]), _json(doc["categories"]), _json(doc["combinations"]),
                 _json(doc["contacts"]), now_iso()))
            scan_id = self.conn.execute("SELECT id FROM scans WHERE advert_id = ? AND version = ? AND ruleset = ?",
                                        (advert.id, up.version, result.ruleset)).fetchone()[0]
            self.conn.execute("UPDATE adverts SET scan_id = ?, flagged = ?, score = ?, form = ?, lang = ?, "
                              "ever_flagged = max(ever_flagged, ?) WHERE id = ?",
                              (scan_id, int(result.flagged), doc["score"], doc["form"], result.lang,
                               int(result.flagged), advert.id))
        return up

    def mark_gone(self, source: str, seen_ids: Iterable[str], run: int | None = None) -> int:
        """After a complete crawl of `source`: its active adverts not in `seen_ids` are gone (kept, never deleted)."""
        with self.transaction():
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS seen_ids (id TEXT PRIMARY KEY)")
            self.conn.execute("DELETE FROM seen_ids")
            self.conn.executemany("INSERT OR IGNORE INTO seen_ids VALUES (?)", ((i,) for i in seen_ids))
            count = self.conn.execute(
                "UPDATE adverts SET status = 'gone', gone_at = ?, last_run_id = coalesce(?, last_run_id) "
                "WHERE source = ? AND status = 'active' AND id NOT IN (SELECT id FROM seen_ids)",
                (now_iso(), run, source)).rowcount
            self.conn.execute("DELETE FROM seen_ids")
            return count

    # --- reading -------------------------------------------------------------------------------

    def advert(self, advert_id: str) -> dict[str, Any] | None:
        """One advert as an export row (see `export`), or None."""
        return next(self._rows("WHERE a.id = :id", {"id": advert_id}), None)

    def export(self, flagged: bool | None = None, since: str | None = None,
               status: str | None = None) -> Iterator[dict[str, Any]]:
        """One row per advert with its latest scan, oldest first.

        `since` (an ISO date or time) keeps adverts new or changed since then; `status`
        is active or gone; `flagged` keeps flagged (True) or unflagged (False) adverts.
        """
        where: list[str] = []
        params: dict[str, Any] = {}
        if flagged is not None:
            where.append("a.flagged = :flagged")
            params["flagged"] = int(flagged)
        if since:
            where.append("a.changed_at >= :since")
            params["since"] = _check_date(since)
        if status:
            if status not in ADVERT_STATUSES:
                raise ConfigError(f"unknown advert status {status!r} (use {' or '.join(ADVERT_STATUSES)})")
            where.append("a.status = :status")
            params["status"] = status
        return self._rows(("WHERE " + " AND ".join(where)) if where else "", params)

    def _rows(self, where: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        sql = ("SELECT a.id, a.url, a.source, a.kind, a.title, a.text, a.lang, a.flagged, a.score, a.form, "
               "s.matches, s.categories, s.ruleset, a.first_seen, a.last_seen, a.changed_at, a.status, a.gone_at, "
               "a.version, a.content_hash, a.fields, a.purged_at FROM adverts a LEFT JOIN scans s ON s.id = a.scan_id "
               f"{where} ORDER BY a.first_seen, a.pk")
        for row in self.db.query(sql, params):
            row["flagged"] = bool(row["flagged"])
            for key, empty in (("matches", "[]"), ("categories", "{}"), ("fields", "{}")):
                row[key] = json.loads(row[key] or empty)
            yield row

    def search(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        """Full-text search over titles and texts (FTS5 syntax), best matches first."""
        sql = ("SELECT a.id, a.title, a.flagged, a.score, bm25(adverts_fts) AS rank FROM adverts_fts "
               "JOIN adverts a ON a.pk = adverts_fts.rowid WHERE adverts_fts MATCH ? ORDER BY rank LIMIT ?")
        try:
            return list(self.db.query(sql, (query, limit)))
        except sqlite3.OperationalError as exc:
            raise ConfigError(f"cannot search for {query!r}: {exc}") from exc

    def flagged_in_runs(self, after_run: int, upto_run: int) -> list[dict[str, Any]]:
        """Adverts flagged by a scan made in runs ``after_run < run <= upto_run`` (their current version)."""
        sql = ("SELECT a.id, a.url, a.source, a.kind, a.title, a.text, a.lang, a.score, a.form, a.first_seen, "
               "a.version, s.matches, s.categories, s.scanned_at, s.run_id FROM adverts a "
               "JOIN scans s ON s.id = a.scan_id WHERE a.flagged = 1 AND s.run_id > ? AND s.run_id <= ? "
               "ORDER BY a.score DESC, a.id")
        rows = list(self.db.query(sql, (after_run, upto_run)))
        for row in rows:
            row["matches"], row["categories"] = json.loads(row["matches"]), json.loads(row["categories"])
        return rows

    def flagged_per_day(self, since: str) -> dict[str, int]:
        """How many adverts were first flagged on each day (UTC) since `since`."""
        sql = ("SELECT substr(first, 1, 10) AS day, count(*) AS n FROM (SELECT min(scanned_at) AS first "
               "FROM scans WHERE flagged = 1 GROUP BY advert_id) WHERE first >= ? GROUP BY day")
        return {row["day"]: row["n"] for row in self.db.query(sql, (since,))}

    def count(self, table: str) -> int:
        return self.db[table].count

    # --- retention -----------------------------------------------------------------------------

    def purge(self, older_than_days: int, *, now: datetime | None = None) -> PurgeSummary:
        """Drop texts and archived pages of adverts last seen more than `older_than_days` ago
        that no `RETAIN_IF` condition keeps (never flagged, never reviewed). Hashes, dates,
        URLs and scores stay, so a purged advert is still known and not re-stored as new."""
        if older_than_days < 0:
            raise ConfigError("--older-than must be 0 or more days")
        cutoff = ((now or datetime.now(UTC)) - timedelta(days=older_than_days)).isoformat(
            timespec="microseconds")
        keep = " OR ".join(f"({c})" for c in RETAIN_IF) or "0"
        purgeable = f"a.last_seen < :cutoff AND NOT ({keep})"
        stamp = {"cutoff": cutoff, "now": now_iso()}
        with self.transaction():
            kept = self.conn.execute(f"SELECT count(*) FROM adverts a WHERE a.last_seen < :cutoff AND ({keep})",
                                     stamp).fetchone()[0]
            ids = f"SELECT a.id FROM adverts a WHERE a.purged_at IS NULL AND {purgeable}"
            versions = self.conn.execute(
                f"UPDATE advert_versions SET title = NULL, text = NULL, fields = NULL, purged_at = :now "
                f"WHERE purged_at IS NULL AND advert_id IN ({ids})", stamp).rowcount
            self.conn.execute(f"UPDATE scans SET contacts = '[]', matches = redflag_strip_texts(matches) "
                              f"WHERE advert_id IN ({ids})", stamp)
            adverts = self.conn.execute(
                f"UPDATE adverts SET title = '', text = '', fields = '{{}}', purged_at = :now "
                f"WHERE id IN ({ids})", stamp).rowcount
            pages = self.conn.execute(
                "UPDATE pages SET html = NULL, purged_at = :now WHERE html IS NOT NULL AND checked_at < :cutoff "
                "AND sha256 NOT IN (SELECT v.page_sha256 FROM advert_versions v JOIN adverts a ON a.id = v.advert_id "
                f"WHERE v.page_sha256 IS NOT NULL AND NOT ({purgeable}))", stamp).rowcount
        return PurgeSummary(cutoff=cutoff, adverts=adverts, versions=versions, pages=pages, kept_flagged=kept)


# What a crawl needs of an archived page: named columns, not the archived body.
_STATE = "url, final_url, sha256, etag, last_modified, kind, is_advert, links, next_pages, advert_ids"


def _stored_page(row: Sequence[Any]) -> StoredPage:
    url, final_url, sha, etag, modified, kind, is_advert, links, next_pages, advert_ids = row
    return StoredPage(url=url, final_url=final_url, sha256=sha, etag=etag, last_modified=modified, kind=kind,
                      is_advert=bool(is_advert), links=tuple(json.loads(links)),
                      next_pages=tuple(json.loads(next_pages)), advert_ids=tuple(json.loads(advert_ids)))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ": "), default=_default)


def _default(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _check_date(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--since {value!r} is not a date (use YYYY-MM-DD or an ISO 8601 time)") from None
    return value


def _strip_match_texts(matches: str) -> str:
    """A scan's matches without the matched words (they quote the advert)."""
    try:
        items = json.loads(matches)
    except ValueError:
        return "[]"
    return _json([{**m, "text": ""} if isinstance(m, dict) else m for m in items])

