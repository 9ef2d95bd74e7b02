"""Stage: store. Crawled and imported adverts, their versions and scans, archived pages,
runs and the fetch log, in one SQLite database (sqlite-utils, WAL, numbered migrations).

Input: `ScanResult`s, `FetchResult`s and crawl bookkeeping. Output: rows for export,
digests and (later) review. Side effects: writes the database file and its lock file.
"""
from __future__ import annotations

from .database import (ADVERT_STATUSES, RETAIN_IF, FetchLogEntry, PackedBody, PurgeSummary, Store, StoredPage,
                       Upsert, body_sha256, content_hash, keep_if, now_iso, pack_body)
from .lock import lock_path, run_lock
from .schema import MIGRATIONS, Migration

__all__ = ["ADVERT_STATUSES", "MIGRATIONS", "RETAIN_IF", "FetchLogEntry", "Migration", "PackedBody", "PurgeSummary",
           "Store", "StoredPage", "Upsert", "body_sha256", "content_hash", "keep_if", "lock_path", "now_iso",
           "pack_body", "run_lock"]
