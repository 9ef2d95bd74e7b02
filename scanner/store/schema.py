"""The database schema as numbered migrations, applied in order, each in one transaction.

Append a `Migration` to `MIGRATIONS` to change the schema; never edit one that has
shipped. The review issue adds its verdict tables as migration 2 without touching
the tables below: re-scans write only `scans` and the copy of the latest scan on
`adverts` (`flagged`, `score`, `form`, `scan_id`), never a review table.

Times are ISO 8601 strings in UTC, so they sort and compare as text.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .review_schema import REVIEW_SQL


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """The script cut into statements (trigger bodies keep their inner semicolons)."""
        out, current = [], ""
        for line in self.sql.splitlines(keepends=True):
            current += line
            if sqlite3.complete_statement(current):
                out.append(current.strip())
                current = ""
        if current.strip():
            raise ValueError(f"migration {self.version}: unfinished statement {current.strip()[:60]!r}")
        return out


_INITIAL = """
CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'unknown',
    start_urls TEXT NOT NULL DEFAULT '[]',      -- JSON list
    config TEXT NOT NULL DEFAULT '{}',          -- JSON: the Source record as crawled last
    added_at TEXT NOT NULL,
    last_run_id INTEGER,
    last_complete_run_id INTEGER                -- the last run that saw the whole source
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
    sources TEXT NOT NULL DEFAULT '[]',         -- JSON list of source names
    counters TEXT NOT NULL DEFAULT '{}',        -- JSON: Scrapy-style counters and their summary
    ruleset TEXT,
    settings_digest TEXT,
    version TEXT,
    digest_path TEXT                            -- set once a digest covered this run
);

CREATE TABLE run_sources (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source TEXT NOT NULL REFERENCES sources(name),
    status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
    complete INTEGER NOT NULL,                  -- 1: every page was reached, so gone-marking ran
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    counters TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    PRIMARY KEY (run_id, source)
);

CREATE TABLE fetch_log (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    source TEXT,
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,                             -- HTTP status; NULL when nothing came back
    error TEXT,                                 -- error kind (timeout, http_status, extract, ...); NULL if fine
    message TEXT,
    bytes INTEGER NOT NULL DEFAULT 0,
    elapsed REAL NOT NULL DEFAULT 0,
    fetched_at TEXT NOT NULL
);
CREATE INDEX fetch_log_run ON fetch_log (run_id, error);
CREATE INDEX fetch_log_url ON fetch_log (url);

CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,                          -- as requested (normalized)
    final_url TEXT NOT NULL,
    source TEXT,
    sha256 TEXT NOT NULL,                       -- of the body as received (decompressed)
    fetched_at TEXT NOT NULL,                   -- first fetch with this content
    checked_at TEXT NOT NULL,                   -- last 200 or 304 for this content
    etag TEXT,
    last_modified TEXT,
    content_type TEXT,
    size INTEGER NOT NULL,
    html BLOB,                                  -- zlib-compressed body; NULL once purged
    kind TEXT NOT NULL DEFAULT 'page',          -- page or sitemap
    is_advert INTEGER NOT NULL DEFAULT 0,
    links TEXT NOT NULL DEFAULT '[]',           -- what extraction found, reused on 304
    next_pages TEXT NOT NULL DEFAULT '[]',
    advert_ids TEXT NOT NULL DEFAULT '[]',
    purged_at TEXT,
    UNIQUE (url, sha256)
);
CREATE INDEX pages_url ON pages (url, checked_at);
CREATE INDEX pages_sha ON pages (sha256);

CREATE TABLE adverts (
    pk INTEGER PRIMARY KEY,                     -- a stable rowid for the FTS index
    id TEXT NOT NULL UNIQUE,
    source TEXT REFERENCES sources(name),
    url TEXT,
    kind TEXT NOT NULL DEFAULT 'unknown',
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    lang TEXT,                                  -- detected by the latest scan, else the hint
    fields TEXT NOT NULL DEFAULT '{}',          -- JSON: employer, pay, location, contact, posted
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    changed_at TEXT NOT NULL,                   -- when the current version was first seen
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'gone')),
    gone_at TEXT,
    last_run_id INTEGER REFERENCES runs(id),
    scan_id INTEGER,                            -- the latest scan, copied below for the queue
    flagged INTEGER NOT NULL DEFAULT 0,
    score REAL NOT NULL DEFAULT 0,
    form TEXT NOT NULL DEFAULT 'none',
    ever_flagged INTEGER NOT NULL DEFAULT 0,    -- retention keeps these
    purged_at TEXT
);
CREATE INDEX adverts_queue ON adverts (flagged, score DESC);
CREATE INDEX adverts_first_seen ON adverts (first_seen);
CREATE INDEX adverts_changed_at ON adverts (changed_at);
CREATE INDEX adverts_source_status ON adverts (source, status);
CREATE INDEX adverts_last_seen ON adverts (last_seen);

CREATE TABLE advert_versions (
    advert_id TEXT NOT NULL REFERENCES adverts(id),
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT,                                 -- NULL once purged
    text TEXT,
    fields TEXT,
    url TEXT,
    page_sha256 TEXT,                           -- the archived page it was read from
    run_id INTEGER REFERENCES runs(id),
    seen_at TEXT NOT NULL,
    purged_at TEXT,
    PRIMARY KEY (advert_id, version)
);
CREATE INDEX advert_versions_run ON advert_versions (run_id);
CREATE INDEX advert_versions_page ON advert_versions (page_sha256);

CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    advert_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    ruleset TEXT NOT NULL,
    score REAL NOT NULL,
    flagged INTEGER NOT NULL,
    form TEXT NOT NULL,
    lang TEXT NOT NULL,
    matches TEXT NOT NULL DEFAULT '[]',         -- JSON, as ScanResult.to_dict()
    categories TEXT NOT NULL DEFAULT '{}',
    combinations TEXT NOT NULL DEFAULT '[]',
    contacts TEXT NOT NULL DEFAULT '[]',
    scanned_at TEXT NOT NULL,
    UNIQUE (advert_id, version, ruleset),
    FOREIGN KEY (advert_id, version) REFERENCES advert_versions (advert_id, version)
);
CREATE INDEX scans_run ON scans (run_id);
CREATE INDEX scans_flagged ON scans (flagged, scanned_at);

CREATE VIRTUAL TABLE adverts_fts USING fts5 (
    title, text, content='adverts', content_rowid='pk', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER adverts_ai AFTER INSERT ON adverts BEGIN
    INSERT INTO adverts_fts (rowid, title, text) VALUES (new.pk, new.title, new.text);
END;
CREATE TRIGGER adverts_ad AFTER DELETE ON adverts BEGIN
    INSERT INTO adverts_fts (adverts_fts, rowid, title, text) VALUES ('delete', old.pk, old.title, old.text);
END;
CREATE TRIGGER adverts_au AFTER UPDATE OF title, text ON adverts BEGIN
    INSERT INTO adverts_fts (adverts_fts, rowid, title, text) VALUES ('delete', old.pk, old.title, old.text);
    INSERT INTO adverts_fts (rowid, title, text) VALUES (new.pk, new.title, new.text);
END;
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial: sources, runs, fetch log, pages, adverts with versions, scans, FTS", _INITIAL),
    Migration(2, "review: users, sessions, verdicts, audit log, review index", REVIEW_SQL),
)
