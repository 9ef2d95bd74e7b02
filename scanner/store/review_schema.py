"""Migration 2: the analysts' tables (accounts, sessions, verdicts, the audit log) and the
review index (rule hits, contact keys, near-duplicate signatures) kept by triggers.

Nothing here alters a table of migration 1. Crawls and re-scans write `adverts` and
`scans` only; the triggers below copy what the review needs out of the latest scan
(`adverts.scan_id`) into index tables, inside the same transaction, so the index can
never drift from the scans. Verdicts, their history and the audit log are written by
`scanner.review` alone: a re-scan or re-crawl has no statement that reaches them, and
the history tables refuse UPDATE and DELETE outright.
"""
from __future__ import annotations

# Contact kinds that identify a recruiter; bare URLs and messenger names without a handle do not.
LINK_KINDS = ("phone", "email", "telegram", "whatsapp", "viber", "signal", "instagram", "handle")
_KINDS_SQL = ", ".join(f"'{k}'" for k in LINK_KINDS)

# The index rows of one advert from one scan (used by triggers and the back-fill below).
_INDEX_HITS = """
    INSERT INTO advert_hits (advert_id, rule, category, title, weight, hits)
    SELECT {advert}, json_extract(m.value, '$.rule'), max(json_extract(m.value, '$.category')),
           max(json_extract(m.value, '$.title')), max(json_extract(m.value, '$.weight')), count(*)
    FROM scans s, json_each(s.matches) m WHERE s.id = {scan} GROUP BY 2;"""
_INDEX_KEYS = f"""
    INSERT OR IGNORE INTO link_keys (advert_id, kind, value)
    SELECT {{advert}}, json_extract(c.value, '$.kind'), json_extract(c.value, '$.value')
    FROM scans s, json_each(s.contacts) c
    WHERE s.id = {{scan}} AND coalesce(json_extract(c.value, '$.value'), '') != ''
      AND json_extract(c.value, '$.kind') IN ({_KINDS_SQL});"""


def _reindex(advert: str, scan: str) -> str:
    return (f"    DELETE FROM advert_hits WHERE advert_id = {advert};\n"
            f"    DELETE FROM link_keys WHERE advert_id = {advert};"
            + _INDEX_HITS.format(advert=advert, scan=scan) + _INDEX_KEYS.format(advert=advert, scan=scan))


REVIEW_SQL = f"""
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('analyst', 'admin')),
    password_hash TEXT NOT NULL,                -- scrypt$n$r$p$salt$hash (hex)
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,                -- SHA-256 of the cookie's token; the token is never stored
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    username TEXT NOT NULL,
    ip TEXT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,                       -- verdict, login, logout, user_add, user_disable, export, bundle
    advert_id TEXT,
    detail TEXT NOT NULL DEFAULT '{{}}',          -- JSON
    prev_hash TEXT NOT NULL,                    -- hash of the row before: a chain that shows any edit
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_advert ON audit_log (advert_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE verdicts (
    id INTEGER PRIMARY KEY,
    advert_id TEXT NOT NULL REFERENCES adverts(id),
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'dismissed', 'escalated', 'reopened')),
    note TEXT NOT NULL DEFAULT '',
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    audit_id INTEGER NOT NULL REFERENCES audit_log(id)
);
CREATE INDEX verdicts_advert ON verdicts (advert_id, id);
CREATE TRIGGER verdicts_no_update BEFORE UPDATE ON verdicts BEGIN
    SELECT RAISE(ABORT, 'verdicts are append-only');
END;
CREATE TRIGGER verdicts_no_delete BEFORE DELETE ON verdicts BEGIN
    SELECT RAISE(ABORT, 'verdicts are append-only');
END;

-- The latest verdict of each advert, kept for the queue (derivable from `verdicts`).
CREATE TABLE reviews (
    advert_id TEXT PRIMARY KEY REFERENCES adverts(id),
    status TEXT NOT NULL,
    verdict_id INTEGER NOT NULL REFERENCES verdicts(id),
    user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX reviews_status ON reviews (status, at);

-- Review index, derived from the latest scan by the triggers below.
CREATE TABLE advert_hits (
    advert_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    category TEXT,
    title TEXT,
    weight REAL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (advert_id, rule)
);
CREATE INDEX advert_hits_rule ON advert_hits (rule);
CREATE INDEX advert_hits_category ON advert_hits (category, advert_id);

CREATE TABLE link_keys (
    advert_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (advert_id, kind, value)
);
CREATE INDEX link_keys_value ON link_keys (kind, value);

CREATE TABLE link_dirty (advert_id TEXT PRIMARY KEY);  -- adverts whose MinHash is out of date
CREATE TABLE advert_minhash (
    advert_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    signature BLOB NOT NULL                     -- uint64 MinHash values
);
CREATE TABLE advert_bands (
    band INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    advert_id TEXT NOT NULL
);
CREATE INDEX advert_bands_bucket ON advert_bands (band, bucket);
CREATE INDEX advert_bands_advert ON advert_bands (advert_id);

CREATE INDEX adverts_queue_new ON adverts (flagged, first_seen DESC);

CREATE TRIGGER review_index_insert AFTER INSERT ON adverts BEGIN
    INSERT OR IGNORE INTO link_dirty VALUES (new.id);
{_reindex("new.id", "new.scan_id")}
END;
CREATE TRIGGER review_index_scan AFTER UPDATE OF scan_id ON adverts BEGIN
{_reindex("new.id", "new.scan_id")}
END;
CREATE TRIGGER review_index_text AFTER UPDATE OF content_hash, purged_at ON adverts BEGIN
    INSERT OR IGNORE INTO link_dirty VALUES (new.id);
END;
-- Purging a scan's contacts (retention) drops its keys too.
CREATE TRIGGER review_index_scan_edit AFTER UPDATE OF contacts, matches ON scans
WHEN new.id = (SELECT scan_id FROM adverts WHERE id = new.advert_id) BEGIN
{_reindex("new.advert_id", "new.id")}
END;

INSERT INTO link_dirty SELECT id FROM adverts;
INSERT INTO advert_hits (advert_id, rule, category, title, weight, hits)
SELECT a.id, json_extract(m.value, '$.rule'), max(json_extract(m.value, '$.category')),
       max(json_extract(m.value, '$.title')), max(json_extract(m.value, '$.weight')), count(*)
FROM adverts a JOIN scans s ON s.id = a.scan_id, json_each(s.matches) m GROUP BY a.id, 2;
INSERT OR IGNORE INTO link_keys (advert_id, kind, value)
SELECT a.id, json_extract(c.value, '$.kind'), json_extract(c.value, '$.value')
FROM adverts a JOIN scans s ON s.id = a.scan_id, json_each(s.contacts) c
WHERE coalesce(json_extract(c.value, '$.value'), '') != '' AND json_extract(c.value, '$.kind') IN ({_KINDS_SQL});
"""
