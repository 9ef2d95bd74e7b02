"""Read models for the review pages and commands: the queue, one advert, rule precision.

All SQL with user input is parameterized; free text becomes an FTS5 query of quoted
terms (never raw FTS syntax). The queue pages by keyset (score or first-seen time, then
`pk`), so every page and the next/previous advert cost one index walk.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..errors import NotFoundError
from ..models import FORMS, LANGS
from ..store import Store
from .audit import STATUSES, Verdict, current_verdict, verdict_history
from .errors import ReviewInputError

VERDICT_FILTERS = ("open", "reviewed", "all", *STATUSES)
SORTS = ("score", "newest")
PAGE = 50


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: by default flagged adverts with no verdict yet (or reopened), best score first."""

    sort: str = "score"
    verdict: str = "open"
    flagged: bool = True
    lang: str = ""
    form: str = ""
    category: str = ""
    source: str = ""
    status: str = ""  # advert status: active or gone
    score_min: float | None = None
    score_max: float | None = None
    since: str = ""  # first seen on or after (YYYY-MM-DD)
    until: str = ""  # first seen on or before
    q: str = ""  # full-text search
    after: str = ""  # keyset cursor "<sort value>|<pk>"

    @classmethod
    def from_params(cls, params: Mapping[str, str], **defaults: Any) -> QueueFilter:
        """Read a filter from query parameters; unknown values raise `ReviewInputError`."""
        def text(name: str, limit: int = 200) -> str:
            return str(params.get(name) or "").strip()[:limit]

        def number(name: str) -> float | None:
            raw = text(name, 20)
            try:
                return float(raw) if raw else None
            except ValueError:
                raise ReviewInputError(f"{name} must be a number") from None

        values = {"sort": text("sort") or defaults.get("sort", "score"),
                  "verdict": text("verdict") or defaults.get("verdict", "open"),
                  "flagged": defaults.get("flagged", True),
                  "lang": text("lang"), "form": text("form"), "category": text("category"),
                  "source": text("source"), "status": text("status"), "score_min": number("score_min"),
                  "score_max": number("score_max"), "since": text("since"), "until": text("until"),
                  "q": text("q", 500), "after": text("after")}
        return cls(**values).validated()

    def validated(self) -> QueueFilter:
        if self.sort not in SORTS:
            raise ReviewInputError(f"sort must be one of {', '.join(SORTS)}")
        if self.verdict not in VERDICT_FILTERS:
            raise ReviewInputError(f"verdict must be one of {', '.join(VERDICT_FILTERS)}")
        if self.status not in ("", "active", "gone"):
            raise ReviewInputError("status must be active or gone")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise ReviewInputError(f"{name} must be a date (YYYY-MM-DD)") from None
        return self

    def params(self, **changes: Any) -> dict[str, str]:
        """Query parameters that reproduce this filter (only the non-default ones)."""
        f = replace(self, **changes)
        out = {"sort": f.sort if f.sort != "score" else "", "verdict": f.verdict if f.verdict != "open" else "",
               "lang": f.lang, "form": f.form, "category": f.category, "source": f.source, "status": f.status,
               "score_min": "" if f.score_min is None else f"{f.score_min:g}",
               "score_max": "" if f.score_max is None else f"{f.score_max:g}",
               "since": f.since, "until": f.until, "q": f.q, "after": f.after}
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[dict[str, Any]]
    total: int
    total_capped: bool
    next_after: str


def fts_query(text: str) -> str:
    """Free text as an FTS5 query: every word quoted (so no FTS syntax gets through), all required."""
    terms = re.findall(r"[\w]+\*?", text)[:20]
    return " ".join(f'"{t.rstrip("*")}"' + ("*" if t.endswith("*") else "") for t in terms)


_VERDICT_SQL = {
    "open": "(r.status IS NULL OR r.status = 'reopened')",
    "reviewed": "(r.status IS NOT NULL AND r.status != 'reopened')",
    "all": "1",
}


def _where(f: QueueFilter) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = [_VERDICT_SQL.get(f.verdict, "r.status = :verdict")]
    params: dict[str, Any] = {"verdict": f.verdict}
    if f.flagged:
        where.append("a.flagged = 1")
    for name in ("lang", "form", "source", "status"):
        if getattr(f, name):
            where.append(f"a.{name} = :{name}")
            params[name] = getattr(f, name)
    if f.category:
        where.append("EXISTS (SELECT 1 FROM advert_hits h WHERE h.category = :category AND h.advert_id = a.id)")
        params["category"] = f.category
    if f.score_min is not None:
        where.append("a.score >= :score_min")
        params["score_min"] = f.score_min
    if f.score_max is not None:
        where.append("a.score <= :score_max")
        params["score_max"] = f.score_max
    if f.since:
        where.append("a.first_seen >= :since")
        params["since"] = f.since
    if f.until:
        where.append("a.first_seen < :until_next")
        params["until_next"] = f.until + "T99"  # every time on that day sorts below
    if f.q and fts_query(f.q):
        where.append("a.pk IN (SELECT rowid FROM adverts_fts WHERE adverts_fts MATCH :fts)")
        params["fts"] = fts_query(f.q)
    return where, params


def _key(f: QueueFilter) -> str:
    return "a.score" if f.sort == "score" else "a.first_seen"


def _cursor_clause(f: QueueFilter, after: str, params: dict[str, Any], *, forward: bool = True) -> str:
    value, _, pk = after.rpartition("|")
    try:
        params["c_pk"] = int(pk)
        params["c_val"] = float(value) if f.sort == "score" else value
    except ValueError:
        raise ReviewInputError("bad page cursor") from None
    op = "<" if forward else ">"
    return f"({_key(f)} {op} :c_val OR ({_key(f)} = :c_val AND a.pk {op} :c_pk))"


_QUEUE_COLUMNS = ("a.pk, a.id, a.title, a.url, a.source, a.kind, a.lang, a.form, a.score, a.flagged, a.status, "
                  "a.first_seen, a.last_seen, json_extract(a.fields, '$.location') AS city, r.status AS review, "
                  "r.user AS review_user, r.at AS review_at, (SELECT group_concat(category, ' ') FROM "
                  "(SELECT DISTINCT category FROM advert_hits h WHERE h.advert_id = a.id)) AS categories")
_FROM = "FROM adverts a LEFT JOIN reviews r ON r.advert_id = a.id"


def queue(store: Store, f: QueueFilter, *, limit: int = PAGE, count_cap: int = 10_000) -> QueuePage:
    where, params = _where(f)
    clauses = list(where)
    if f.after:
        clauses.append(_cursor_clause(f, f.after, params))
    order = f"{_key(f)} DESC, a.pk DESC"
    sql = f"SELECT {_QUEUE_COLUMNS} {_FROM} WHERE {' AND '.join(clauses)} ORDER BY {order} LIMIT :limit"
    rows = list(store.db.query(sql, {**params, "limit": limit + 1}))
    more = len(rows) > limit
    rows = rows[:limit]
    count_sql = (f"SELECT count(*) FROM (SELECT 1 {_FROM} WHERE {' AND '.join(where)} LIMIT :cap)")
    total = int(store.conn.execute(count_sql, {**params, "cap": count_cap + 1}).fetchone()[0])
    next_after = ""
    if more and rows:
        last = rows[-1]
        next_after = f"{last['score'] if f.sort == 'score' else last['first_seen']}|{last['pk']}"
    return QueuePage(rows, min(total, count_cap), total > count_cap, next_after)


def neighbours(store: Store, f: QueueFilter, advert: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The previous and next advert ids around `advert` in the queue `f` (either may be None)."""
    where, params = _where(replace(f, after=""))
    value = advert["score"] if f.sort == "score" else advert["first_seen"]
    cursor = f"{value}|{advert['pk']}"
    out: list[str | None] = []
    for forward in (False, True):
        p = dict(params)
        clause = _cursor_clause(f, cursor, p, forward=forward)
        order = "DESC" if forward else "ASC"
        sql = (f"SELECT a.id {_FROM} WHERE {' AND '.join([*where, clause])} "
               f"ORDER BY {_key(f)} {order}, a.pk {order} LIMIT 1")
        row = store.conn.execute(sql, p).fetchone()
        out.append(row[0] if row else None)
    return out[0], out[1]


def facets(store: Store) -> dict[str, list[str]]:
    """Choices for the queue's filter menus."""
    sources = [r[0] for r in store.conn.execute("SELECT name FROM sources ORDER BY name")]
    categories = [r[0] for r in store.conn.execute(
        "SELECT DISTINCT category FROM advert_hits WHERE category IS NOT NULL ORDER BY category")]
    return {"sources": sources, "categories": categories, "langs": [*LANGS, "other"], "forms": [*FORMS, "none"],
            "verdicts": list(VERDICT_FILTERS), "statuses": ["active", "gone"], "sorts": list(SORTS)}


# --- one advert -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AdvertView:
    advert: dict[str, Any]
    scan: dict[str, Any] | None
    scanned_title: str  # the title and text of the version that the scan read (its offsets index these)
    scanned_text: str
    versions: list[dict[str, Any]]  # newest first, each with its archived page (if any)
    verdict: Verdict | None
    history: list[Verdict] = field(default_factory=list)

    @property
    def full_text(self) -> str:
        """What the scan's offsets index: title and text as one string (see `Advert.full_text`)."""
        return f"{self.scanned_title}\n{self.scanned_text}" if self.scanned_title else self.scanned_text


def advert_row(store: Store, advert_id: str) -> dict[str, Any]:
    rows = list(store.db.query("SELECT * FROM adverts WHERE id = ?", (advert_id,)))
    if not rows:
        raise NotFoundError(f"no advert {advert_id!r}")
    row = rows[0]
    row["fields"] = json.loads(row["fields"] or "{}")
    return row


def advert_view(store: Store, advert_id: str) -> AdvertView:
    advert = advert_row(store, advert_id)
    scan = None
    if advert["scan_id"] is not None:
        scan = next(store.db.query("SELECT * FROM scans WHERE id = ?", (advert["scan_id"],)), None)
        if scan is not None:
            for key, empty in (("matches", "[]"), ("categories", "{}"), ("combinations", "[]"), ("contacts", "[]")):
                scan[key] = json.loads(scan[key] or empty)
    versions = list(store.db.query(
        "SELECT v.*, p.sha256 AS page_sha, p.fetched_at AS page_fetched_at, p.final_url AS page_url, "
        "p.size AS page_size, p.content_type AS page_type, p.html IS NOT NULL AS page_kept FROM advert_versions v "
        "LEFT JOIN pages p ON p.id = (SELECT id FROM pages WHERE sha256 = v.page_sha256 ORDER BY id LIMIT 1) "
        "WHERE v.advert_id = ? ORDER BY v.version DESC", (advert_id,)))
    title, text = advert["title"], advert["text"]
    if scan is not None and scan["version"] != advert["version"]:
        old = next((v for v in versions if v["version"] == scan["version"]), None)
        if old is not None:
            title, text = old["title"] or "", old["text"] or ""
    return AdvertView(advert, scan, title, text, versions, current_verdict(store, advert_id),
                      verdict_history(store, advert_id))


# --- rules ------------------------------------------------------------------------------------

def rule_stats(store: Store) -> list[dict[str, Any]]:
    """Per rule: adverts hit, flagged, and analysts' verdicts; precision = (confirmed + escalated) / judged."""
    sql = ("SELECT h.rule, max(h.title) AS title, max(h.category) AS category, count(*) AS adverts, "
           "sum(h.hits) AS hits, sum(a.flagged) AS flagged, "
           "coalesce(sum(r.status = 'confirmed'), 0) AS confirmed, coalesce(sum(r.status = 'escalated'), 0) AS escalated, "
           "coalesce(sum(r.status = 'dismissed'), 0) AS dismissed FROM advert_hits h "
           "JOIN adverts a ON a.id = h.advert_id LEFT JOIN reviews r ON r.advert_id = h.advert_id "
           "GROUP BY h.rule ORDER BY h.rule")
    out = []
    for row in store.db.query(sql):
        judged = row["confirmed"] + row["escalated"] + row["dismissed"]
        row["precision"] = round((row["confirmed"] + row["escalated"]) / judged, 3) if judged else None
        out.append(row)
    return out


# --- reviewed adverts (export and `review list`) ----------------------------------------------

def reviewed(store: Store, status: str = "reviewed") -> Iterator[dict[str, Any]]:
    """Adverts with a verdict (`status`: reviewed = any final verdict, all, or one status), oldest verdict first."""
    if status not in VERDICT_FILTERS or status == "open":
        raise ReviewInputError(f"status must be one of reviewed, all, {', '.join(STATUSES)}")
    cond = {"reviewed": "r.status != 'reopened'", "all": "1"}.get(status, "r.status = :status")
    sql = ("SELECT a.id, a.url, a.source, a.kind, a.title, a.text, a.lang, a.flagged, a.score, a.form, a.status, "
           "a.first_seen, a.last_seen, a.fields, r.status AS verdict, r.user AS verdict_user, r.at AS verdict_at, "
           "v.note AS verdict_note, s.matches, s.ruleset FROM reviews r JOIN adverts a ON a.id = r.advert_id "
           "JOIN verdicts v ON v.id = r.verdict_id LEFT JOIN scans s ON s.id = a.scan_id "
           f"WHERE {cond} ORDER BY r.at, a.pk")
    for row in store.db.query(sql, {"status": status}):
        row["flagged"] = bool(row["flagged"])
        row["fields"] = json.loads(row["fields"] or "{}")
        row["matches"] = json.loads(row["matches"] or "[]")
        yield row
