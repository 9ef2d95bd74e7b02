"""Linking adverts of one recruiter: shared contacts and near-duplicate texts.

Contact keys (phones in E.164, e-mails, messenger handles, as the scan normalized them)
are copied from each advert's latest scan into `link_keys` by triggers (see
`scanner.store.review_schema`). Near-duplicates from one template are found with
MinHash (datasketch) over word 3-shingles of the normalized text with digits folded
(so a changed phone number or wage still matches), banded LSH buckets stored in
SQLite; `sync_near_duplicates` brings signatures up to date for adverts whose text
changed (the `link_dirty` queue, filled by triggers). A cluster is the connected
component around one advert over both kinds of link, bounded in size; keys shared by
very many adverts (a board's own hotline) are shown but not followed.
"""
from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from datasketch import MinHash  # type: ignore[import-untyped]

from ..normalize import normalize_text
from ..store import Store

NUM_PERM = 64
BANDS, ROWS = 16, 4  # 16 bands of 4: a pair at Jaccard 0.7 shares a bucket with probability ~0.998
THRESHOLD = 0.7  # estimated Jaccard similarity that counts as "same template"
MIN_SHINGLES = 6
COMMON_KEY = 200  # a key on more adverts than this is not followed when building clusters
SEED = 1
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    words = [re.sub(r"\d", "0", w) for w in _WORD.findall(normalize_text(text).text)]
    return {" ".join(words[i:i + 3]).encode("utf-8") for i in range(max(0, len(words) - 2))}


def signature(text: str) -> np.ndarray | None:
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED)
    m.update_batch(list(grams))
    return np.asarray(m.hashvalues, dtype=np.uint64)


def buckets(sig: np.ndarray) -> list[tuple[int, int]]:
    out = []
    for band in range(BANDS):
        digest = hashlib.blake2b(sig[band * ROWS:(band + 1) * ROWS].tobytes(), digest_size=8).digest()
        out.append((band, int.from_bytes(digest, "big", signed=True)))
    return out


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def sync_near_duplicates(store: Store, *, ids: Iterable[str] | None = None, batch: int = 500,
                         limit: int | None = None) -> int:
    """Recompute MinHash signatures of changed adverts (all queued, or only `ids`); returns how many."""
    done = 0
    only = list(ids) if ids is not None else None
    while limit is None or done < limit:
        if only is not None:
            todo = [r[0] for r in store.conn.execute(
                f"SELECT advert_id FROM link_dirty WHERE advert_id IN ({','.join('?' * len(only))})", only)]
        else:
            size = batch if limit is None else min(batch, limit - done)
            todo = [r[0] for r in store.conn.execute("SELECT advert_id FROM link_dirty LIMIT ?", (size,))]
        if not todo:
            break
        _sync_batch(store, todo)
        done += len(todo)
        if only is not None:
            break
    return done


def _sync_batch(store: Store, ids: list[str]) -> None:
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(f"SELECT id, title, text, content_hash FROM adverts WHERE id IN ({marks})", ids).fetchall()
    computed = [(advert_id, digest, signature(f"{title}\n{text}")) for advert_id, title, text, digest in rows]
    with store.transaction():
        store.conn.execute(f"DELETE FROM advert_bands WHERE advert_id IN ({marks})", ids)
        store.conn.execute(f"DELETE FROM advert_minhash WHERE advert_id IN ({marks})", ids)
        for advert_id, digest, sig in computed:
            if sig is not None:
                store.conn.execute("INSERT INTO advert_minhash VALUES (?, ?, ?)", (advert_id, digest, sig.tobytes()))
                store.conn.executemany("INSERT INTO advert_bands VALUES (?, ?, ?)",
                                       [(band, bucket, advert_id) for band, bucket in buckets(sig)])
            # Leave the advert queued if it changed again while we computed.
            store.conn.execute("DELETE FROM link_dirty WHERE advert_id = ? AND "
                               "(SELECT content_hash FROM adverts WHERE id = ?) = ?", (advert_id, advert_id, digest))
        known = {r[0] for r in rows}
        store.conn.executemany("DELETE FROM link_dirty WHERE advert_id = ?", [(i,) for i in ids if i not in known])


def near_duplicates(store: Store, advert_id: str, *, limit: int = 200) -> list[tuple[str, float]]:
    """Adverts whose text is a near-copy of this one, with the estimated Jaccard similarity, best first.

    Signatures still queued are brought up to date first (this advert's always, a bounded
    batch of others: the server's background loop keeps that queue short)."""
    sync_near_duplicates(store, ids=[advert_id])
    sync_near_duplicates(store, limit=100)
    own = store.conn.execute("SELECT signature FROM advert_minhash WHERE advert_id = ?", (advert_id,)).fetchone()
    if own is None:
        return []
    mine = np.frombuffer(own[0], dtype=np.uint64)
    rows = store.conn.execute(
        "SELECT m.advert_id, m.signature FROM advert_minhash m WHERE m.advert_id IN (SELECT DISTINCT b2.advert_id "
        "FROM advert_bands b1 JOIN advert_bands b2 ON b2.band = b1.band AND b2.bucket = b1.bucket "
        "WHERE b1.advert_id = ? AND b2.advert_id != ? LIMIT ?)", (advert_id, advert_id, limit * 5)).fetchall()
    scored = [(other, similarity(mine, np.frombuffer(sig, dtype=np.uint64))) for other, sig in rows]
    return sorted(((o, s) for o, s in scored if s >= THRESHOLD), key=lambda x: (-x[1], x[0]))[:limit]


# --- keys and clusters ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class KeyGroup:
    kind: str
    value: str
    count: int  # adverts carrying this key, this one included
    adverts: list[str]  # the others (at most a page of them)

    @property
    def common(self) -> bool:
        return self.count > COMMON_KEY


def key_groups(store: Store, advert_id: str, *, limit: int = 50) -> list[KeyGroup]:
    """This advert's contact keys, each with the other adverts that share it."""
    out = []
    for kind, value in store.conn.execute("SELECT kind, value FROM link_keys WHERE advert_id = ? ORDER BY kind, value",
                                          (advert_id,)).fetchall():
        count = store.conn.execute("SELECT count(*) FROM link_keys WHERE kind = ? AND value = ?",
                                   (kind, value)).fetchone()[0]
        others = [r[0] for r in store.conn.execute(
            "SELECT advert_id FROM link_keys WHERE kind = ? AND value = ? AND advert_id != ? ORDER BY advert_id LIMIT ?",
            (kind, value, advert_id, limit))]
        out.append(KeyGroup(kind, value, int(count), others))
    return out


@dataclass(slots=True)
class Cluster:
    root: str
    members: list[dict[str, Any]] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (advert, advert, why)
    keys: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, value, adverts)
    truncated: bool = False

    @property
    def ids(self) -> list[str]:
        return [m["id"] for m in self.members]


def _neighbours(store: Store, advert_id: str, cluster: Cluster, seen_keys: set[tuple[str, str]]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for kind, value in store.conn.execute("SELECT kind, value FROM link_keys WHERE advert_id = ?", (advert_id,)).fetchall():
        if (kind, value) in seen_keys:
            continue
        seen_keys.add((kind, value))
        others = [r[0] for r in store.conn.execute(
            "SELECT advert_id FROM link_keys WHERE kind = ? AND value = ? LIMIT ?", (kind, value, COMMON_KEY + 1))]
        cluster.keys.append((kind, value, len(others)))
        if len(others) <= COMMON_KEY:
            found += [(o, f"{kind} {value}") for o in others if o != advert_id]
    found += [(o, f"near-duplicate text ({s:.0%})") for o, s in near_duplicates(store, advert_id, limit=50)]
    return found


def cluster(store: Store, advert_id: str, *, max_size: int = 200) -> Cluster:
    """The adverts linked to `advert_id` directly or through others, up to `max_size` of them."""
    result = Cluster(advert_id)
    seen, queue = {advert_id}, deque([advert_id])
    seen_keys: set[tuple[str, str]] = set()
    while queue:
        current = queue.popleft()
        for other, why in _neighbours(store, current, result, seen_keys):
            if other not in seen and len(seen) >= max_size:
                result.truncated = True
                continue
            result.edges.append((current, other, why))
            if other not in seen:
                seen.add(other)
                queue.append(other)
    result.members = _members(store, [advert_id, *sorted(seen - {advert_id})])
    return result


def _members(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in store.db.query(
        "SELECT a.id, a.title, a.url, a.source, a.kind, a.lang, a.score, a.flagged, a.form, a.status, a.first_seen, "
        "a.last_seen, json_extract(a.fields, '$.location') AS city, r.status AS review FROM adverts a "
        f"LEFT JOIN reviews r ON r.advert_id = a.id WHERE a.id IN ({marks})", ids)}
    return [rows[i] for i in ids if i in rows]


def shared_keys(store: Store, *, limit: int = 100) -> list[dict[str, Any]]:
    """Contact keys found on two or more flagged adverts, most shared first."""
    return list(store.db.query(
        "SELECT k.kind, k.value, count(*) AS adverts, min(k.advert_id) AS example, "
        "count(DISTINCT a.source) AS sources, min(a.first_seen) AS first_seen, max(a.last_seen) AS last_seen "
        "FROM link_keys k JOIN adverts a ON a.id = k.advert_id WHERE a.flagged = 1 "
        "GROUP BY k.kind, k.value HAVING count(*) >= 2 ORDER BY adverts DESC, k.kind, k.value LIMIT ?", (limit,)))
