"""Report: the nightly digest (HTML and JSON) and alerts (webhook, e-mail).

Stage: report (after store). Input: a `Store` and the run just finished. Output: a
`Digest`, files in `settings.digest_dir`, alerts sent. Side effects: files, one HTTP
POST, one SMTP session.

Advert text is written by strangers, some of them criminals: every string from an
advert is HTML-escaped, only http(s) URLs become links, and the page forbids scripts
and remote loads with its own Content-Security-Policy. Alerts carry ids, URLs,
scores and short titles, never advert text.
"""
from __future__ import annotations

import csv
import html
import json
import logging
import smtplib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TextIO

import httpx

from .errors import ConfigError
from .models import FORMS
from .settings import Settings
from .store import Store

log = logging.getLogger(__name__)

CHART_DAYS = 30
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One flagged advert, new or changed in the runs the digest covers."""

    id: str
    url: str | None
    source: str | None
    kind: str
    title: str
    text: str
    lang: str | None
    score: float
    form: str
    change: str  # new or changed
    first_seen: str
    matches: tuple[Mapping[str, Any], ...]
    categories: Mapping[str, float]

    @property
    def full_text(self) -> str:
        """The scanned text (title and body), the string match offsets index."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "source": self.source, "kind": self.kind, "title": self.title,
                "lang": self.lang, "score": self.score, "form": self.form, "change": self.change,
                "first_seen": self.first_seen, "matches": list(self.matches), "categories": dict(self.categories)}


@dataclass(frozen=True, slots=True)
class Digest:
    run_id: int
    after_run: int  # the digest covers runs after this one, up to run_id
    generated_at: str
    items: tuple[DigestItem, ...]
    per_day: tuple[tuple[str, int], ...]  # (YYYY-MM-DD, adverts first flagged that day), oldest first
    run: Mapping[str, Any] = field(default_factory=dict)  # the run's headline figures

    def counts(self, key: str) -> dict[str, int]:
        """Items per form, source, lang or category (an advert counts once per category it hit)."""
        if key == "category":
            counter = Counter(c for item in self.items for c in item.categories)
        else:
            counter = Counter(str(getattr(item, key) or "-") for item in self.items)
        return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run_id, "after_run": self.after_run, "generated_at": self.generated_at,
                "flagged": len(self.items), "new": sum(i.change == "new" for i in self.items),
                "changed": sum(i.change == "changed" for i in self.items),
                "counts": {k: self.counts(k) for k in ("form", "source", "lang", "category")},
                "per_day": [{"day": d, "flagged": n} for d, n in self.per_day], "run_totals": dict(self.run),
                "adverts": [i.to_dict() for i in self.items]}


@dataclass(frozen=True, slots=True)
class DigestFiles:
    html: Path
    json: Path


@dataclass(frozen=True, slots=True)
class AlertResult:
    adverts: int  # adverts at or above the alert score
    webhook: bool = False  # sent
    email: bool = False
    errors: tuple[str, ...] = ()


# --- building ------------------------------------------------------------------------------------

def build_digest(store: Store, run: int, *, now: datetime | None = None) -> Digest:
    """Flagged adverts new or changed since the last run that had a digest, up to `run`."""
    now = now or datetime.now(UTC)
    after = store.last_digested_run(run)
    items = tuple(_item(row) for row in store.flagged_in_runs(after, run))
    first_day = (now - timedelta(days=CHART_DAYS - 1)).date()
    counts = store.flagged_per_day(first_day.isoformat())
    per_day = tuple(((first_day + timedelta(days=i)).isoformat(), counts.get((first_day + timedelta(days=i))
                                                                             .isoformat(), 0))
                    for i in range(CHART_DAYS))
    info = store.run(run) or {}
    totals = {k: v for k, v in (info.get("counters") or {}).items() if k != "counters"}
    return Digest(run, after, now.isoformat(timespec="seconds"), items, per_day, totals)


def _item(row: Mapping[str, Any]) -> DigestItem:
    return DigestItem(id=row["id"], url=row["url"], source=row["source"], kind=row["kind"], title=row["title"],
                      text=row["text"], lang=row["lang"], score=row["score"], form=row["form"],
                      change="new" if row["version"] == 1 else "changed", first_seen=row["first_seen"],
                      matches=tuple(row["matches"]), categories=row["categories"])


def write_digest(digest: Digest, folder: str | Path) -> DigestFiles:
    """Write ``digest-<run>-<date>.html`` and ``.json`` into `folder` (created when missing)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"digest-{digest.run_id:05d}-{digest.generated_at[:10]}"
    files = DigestFiles(out / f"{stem}.html", out / f"{stem}.json")
    _write_atomic(files.html, render_html(digest))
    _write_atomic(files.json, json.dumps(digest.to_dict(), ensure_ascii=False, indent=2))
    return files


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


# --- HTML ----------------------------------------------------------------------------------------

def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def highlight(text: str, matches: Sequence[Mapping[str, Any]]) -> str:
    """`text` HTML-escaped, each matched span in a ``<mark>`` naming its rule and category."""
    spans = sorted(((int(m["start"]), int(m["end"]), m) for m in matches
                    if 0 <= int(m.get("start", 0)) < int(m.get("end", 0)) <= len(text)), key=lambda s: s[:2])
    out, pos = [], 0
    for start, end, m in spans:
        if start < pos:
            continue  # overlapping hits: the first one wins the highlight, all are listed below
        label = f"{m.get('rule', '')} {m.get('category', '')}: {m.get('title', '')}"
        out.append(_e(text[pos:start]))
        out.append(f'<mark title="{_e(label)}">{_e(text[start:end])}</mark>')
        pos = end
    out.append(_e(text[pos:]))
    return "".join(out).replace("\n", "<br>\n")


def safe_link(url: str | None, label: str) -> str:
    """An ``<a>`` only for http(s) URLs; anything else (javascript:, data:) is shown as text."""
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer nofollow" referrerpolicy="no-referrer">{_e(label)}</a>'
    return _e(label)


def chart_svg(per_day: Sequence[tuple[str, int]], *, width: int = 600, height: int = 120) -> str:
    """Flagged adverts per day as an inline SVG bar chart."""
    top = max([n for _, n in per_day] + [1])
    bar = width / max(len(per_day), 1)
    bars = []
    for i, (day, n) in enumerate(per_day):
        h = round((height - 20) * n / top, 1)
        bars.append(f'<rect x="{i * bar + 1:.1f}" y="{height - 15 - h}" width="{bar - 2:.1f}" height="{h}" '
                    f'fill="#b00020"><title>{_e(day)}: {n}</title></rect>')
    first, last = (per_day[0][0], per_day[-1][0]) if per_day else ("", "")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
            f'aria-label="flagged adverts per day">{"".join(bars)}'
            f'<text x="0" y="{height - 2}" font-size="10">{_e(first)}</text>'
            f'<text x="{width}" y="{height - 2}" font-size="10" text-anchor="end">{_e(last)}</text>'
            f'<text x="0" y="10" font-size="10">max {top}</text></svg>')


def _table(title: str, counts: Mapping[str, int]) -> str:
    rows = "".join(f"<tr><td>{_e(k)}</td><td>{v}</td></tr>" for k, v in counts.items()) or "<tr><td>-</td></tr>"
    return f"<table><caption>{_e(title)}</caption>{rows}</table>"


def _advert_html(item: DigestItem) -> str:
    hits = "".join(f"<li><code>{_e(m.get('rule', ''))}</code> {_e(m.get('category', ''))} "
                   f"(w {float(m.get('weight', 0)):.2f}): “{_e(m.get('text', ''))}” — {_e(m.get('title', ''))}</li>"
                   for m in item.matches)
    return (f'<article><h4>{_e(item.title or item.id)} <small>[{_e(item.change)}]</small></h4>'
            f'<p class="meta">score {item.score:.2f} · {_e(item.lang or "-")} · {_e(item.kind)} · '
            f'id <code>{_e(item.id)}</code> · {safe_link(item.url, "original advert")}</p>'
            f'<blockquote>{highlight(item.full_text, item.matches)}</blockquote><ul>{hits}</ul></article>')


def render_html(digest: Digest) -> str:
    groups: dict[tuple[str, str], list[DigestItem]] = {}
    order = {f: i for i, f in enumerate(FORMS)}
    for item in sorted(digest.items, key=lambda i: (order.get(i.form, 99), i.source or "", -i.score)):
        groups.setdefault((item.form, item.source or "-"), []).append(item)
    body = "".join(f"<section><h3>{_e(form)} · {_e(source)} ({len(items)})</h3>"
                   + "".join(_advert_html(i) for i in items) + "</section>" for (form, source), items in groups.items())
    summary = digest.to_dict()
    tables = "".join(_table(f"per {k}", digest.counts(k)) for k in ("form", "category", "lang", "source"))
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>redflag digest, run {digest.run_id}</title><style>{_STYLE}</style></head><body>"
        f"<h1>redflag digest · run {digest.run_id}</h1>"
        f"<p>{summary['flagged']} flagged adverts ({summary['new']} new, {summary['changed']} changed) in runs "
        f"{digest.after_run + 1}–{digest.run_id}; generated {_e(digest.generated_at)}.</p>"
        f"<h2>Flagged adverts per day, last {CHART_DAYS} days</h2>{chart_svg(digest.per_day)}"
        f"<h2>Counts</h2><div class=\"tables\">{tables}</div>"
        f"<h2>Adverts by form and source</h2>{body or '<p>No new or changed flagged adverts.</p>'}"
        "</body></html>")


_STYLE = ("body{font:14px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
          "mark{background:#ffd54f;padding:0 .1em}blockquote{border-left:3px solid #ccc;margin:.5em 0;"
          "padding:.2em .8em;white-space:normal}article{border-top:1px solid #eee;padding:.5em 0}"
          ".meta{color:#555}.tables{display:flex;flex-wrap:wrap;gap:1.5em}table{border-collapse:collapse}"
          "td{padding:0 .6em 0 0}caption{text-align:left;font-weight:bold}")


# --- alerts --------------------------------------------------------------------------------------

def alert_items(digest: Digest, threshold: float) -> list[DigestItem]:
    return [i for i in digest.items if i.score >= threshold]


def alert_payload(digest: Digest, items: Sequence[DigestItem], threshold: float) -> dict[str, Any]:
    return {"ok": True, "tool": "redflag", "run": digest.run_id, "generated_at": digest.generated_at,
            "alert_score": threshold, "count": len(items),
            "adverts": [{"id": i.id, "url": i.url, "source": i.source, "score": i.score, "form": i.form,
                         "lang": i.lang, "change": i.change, "title": i.title[:120],
                         "categories": sorted(i.categories)} for i in items]}


def send_alerts(digest: Digest, settings: Settings, *, digest_path: str | None = None,
                timeout: float = 10.0) -> AlertResult:
    """POST to `settings.webhook_url` and/or mail `settings.smtp_to` when adverts reach `alert_score`.

    A failing receiver is reported in `errors`, never raised: the run's data is stored already.
    """
    items = alert_items(digest, settings.alert_score)
    if not items:
        return AlertResult(0)
    payload = alert_payload(digest, items, settings.alert_score)
    errors: list[str] = []
    webhook = email = False
    if settings.webhook_url:
        try:
            _post(settings.webhook_url, payload, settings.user_agent, timeout)
            webhook = True
        except (httpx.HTTPError, ValueError) as exc:
            errors.append(f"webhook {settings.webhook_url}: {type(exc).__name__}: {exc}")
    if settings.smtp_host and settings.smtp_to:
        try:
            _mail(settings, payload, digest_path, timeout)
            email = True
        except (OSError, smtplib.SMTPException) as exc:
            errors.append(f"e-mail via {settings.smtp_host}:{settings.smtp_port}: {type(exc).__name__}: {exc}")
    for error in errors:
        log.warning("alert not sent: %s", error)
    return AlertResult(len(items), webhook, email, tuple(errors))


def _post(url: str, payload: Mapping[str, Any], user_agent: str, timeout: float) -> None:
    response = httpx.post(url, json=payload, timeout=timeout, headers={"user-agent": user_agent})
    response.raise_for_status()


def _mail(settings: Settings, payload: Mapping[str, Any], digest_path: str | None, timeout: float) -> None:
    msg = EmailMessage()
    msg["Subject"] = f"redflag: {payload['count']} flagged advert(s) at or above score {payload['alert_score']:g}"
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(settings.smtp_to)
    lines = [f"{a['score']:.2f}  {a['form']:<14} {a['lang'] or '-':<3} {a['source'] or '-'}  {a['url'] or a['id']}"
             for a in payload["adverts"]]
    where = f"\nDigest: {digest_path}\n" if digest_path else ""
    msg.set_content(f"Run {payload['run']} found {payload['count']} flagged advert(s):\n\n" + "\n".join(lines)
                    + "\n" + where)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
        smtp.send_message(msg)



# --- export --------------------------------------------------------------------------------------

EXPORT_COLUMNS = ("id", "url", "source", "kind", "title", "text", "lang", "flagged", "score", "form", "matches",
                  "categories", "first_seen", "last_seen", "changed_at", "status", "version", "content_hash")


def write_export(rows: Iterable[Mapping[str, Any]], out: TextIO, fmt: str = "jsonl") -> int:
    """Write export rows (`Store.export`) as JSON lines or CSV (nested values as JSON); returns the count."""
    if fmt not in ("jsonl", "csv"):
        raise ConfigError(f"unknown export format {fmt!r} (use jsonl or csv)")
    writer = csv.writer(out) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in rows:
        record = {k: row.get(k) for k in EXPORT_COLUMNS}
        if writer is None:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else
                             "" if v is None else v for v in record.values()])
        count += 1
    return count
