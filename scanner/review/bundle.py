"""Handing evidence over: CSV/JSONL of reviewed adverts and referral bundles (zip).

A bundle holds, per advert: the text as stored and as scanned, every version, the
archived pages as the exact bytes received (plus a sanitized copy for reading), the
matches with the source of each rule, the verdict history and the audit trail; and a
manifest with the SHA-256 of every file (also as ``SHA256SUMS`` for ``sha256sum -c``).
Building a bundle or an export is itself written to the audit log.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..store import Store, now_iso
from .audit import append_audit, audit_trail, verdict_history
from .queries import advert_view, reviewed
from .sanitize import sanitized_page

EXPORT_FIELDS = ("id", "url", "source", "kind", "title", "text", "lang", "flagged", "score", "form", "status",
                 "first_seen", "last_seen", "verdict", "verdict_user", "verdict_at", "verdict_note", "rules", "ruleset")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_rows(store: Store, status: str = "reviewed") -> Iterator[dict[str, Any]]:
    for row in reviewed(store, status):
        row["rules"] = sorted({m.get("rule", "") for m in row["matches"]})
        yield row


def write_jsonl(rows: Iterable[dict[str, Any]], out: io.TextIOBase | Any) -> int:
    n = 0
    for n, row in enumerate(rows, 1):
        out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    return n


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (advert text is written by strangers)."""
    text = ";".join(map(str, value)) if isinstance(value, (list, tuple)) else "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(rows: Iterable[dict[str, Any]], out: io.TextIOBase | Any) -> int:
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    n = 0
    for n, row in enumerate(rows, 1):
        writer.writerow([_cell(row.get(k)) for k in EXPORT_FIELDS])
    return n


def record_export(store: Store, user: str, *, fmt: str, status: str, rows: int) -> None:
    append_audit(store, user, "export", detail={"format": fmt, "status": status, "rows": rows})


# --- referral bundles -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Bundle:
    data: bytes
    sha256: str
    files: int
    adverts: list[str]


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def _advert_files(store: Store, advert_id: str, folder: str) -> dict[str, bytes]:
    view = advert_view(store, advert_id)
    a = view.advert
    files: dict[str, bytes] = {
        f"{folder}/advert.json": _json({k: a[k] for k in ("id", "url", "source", "kind", "title", "text", "lang",
                                                          "fields", "status", "first_seen", "last_seen", "gone_at",
                                                          "version", "content_hash", "flagged", "score", "form")}),
        f"{folder}/text.txt": view.full_text.encode("utf-8"),
        f"{folder}/matches.json": _json(None if view.scan is None else {
            k: view.scan[k] for k in ("ruleset", "version", "score", "flagged", "form", "lang", "matches",
                                      "categories", "combinations", "contacts", "scanned_at")}),
        f"{folder}/verdicts.json": _json([v.to_dict() for v in verdict_history(store, advert_id)]),
        f"{folder}/audit.json": _json(list(reversed(audit_trail(store, advert_id, limit=100_000)))),
    }
    versions = []
    for v in view.versions:
        versions.append({k: v[k] for k in ("version", "content_hash", "title", "text", "url", "seen_at",
                                           "page_sha256", "page_fetched_at", "page_url")})
        sha = v["page_sha256"]
        body = store.page_html(sha) if sha else None
        if sha and body is not None and f"{folder}/pages/{sha}.bin" not in files:
            files[f"{folder}/pages/{sha}.bin"] = body
            files[f"{folder}/pages/{sha}.sanitized.html"] = sanitized_page(
                body, v["page_type"], sha256=sha, fetched_at=v["page_fetched_at"] or "").encode("utf-8")
    files[f"{folder}/versions.json"] = _json(versions)
    return files


README = """Referral bundle made by redflag {version} on {at} by {user}.

manifest.json   what is inside, with the SHA-256 and size of every file
SHA256SUMS      the same hashes, for `sha256sum -c SHA256SUMS`
adverts/N-ID/   one folder per advert:
  advert.json     the advert as stored (latest version), text.txt the text the scan read
  versions.json   every version seen, with the archived page it came from
  matches.json    the red-flag rules that fired, each with its source, and the score
  verdicts.json   analysts' verdicts and notes; audit.json the audit trail (hash-chained)
  pages/SHA.bin   the archived page exactly as received: its SHA-256 is its name.
                  It is hostile web content: open it in a text editor, not in a browser.
  pages/SHA.sanitized.html   the same page with scripts, styles, links and images removed
"""


def build_bundle(store: Store, advert_ids: list[str], user: str, *, label: str = "") -> Bundle:
    """A zip with everything an investigator needs about these adverts; the build is audited."""
    at = now_iso()
    files: dict[str, bytes] = {}
    for n, advert_id in enumerate(advert_ids, 1):
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in advert_id)[:60]
        files.update(_advert_files(store, advert_id, f"adverts/{n:03d}-{safe}"))
    files["README.txt"] = README.format(version=__version__, at=at, user=user).encode("utf-8")
    sums = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    manifest = {"made_by": f"redflag {__version__}", "made_at": at, "user": user, "label": label,
                "adverts": advert_ids, "files": [{"path": p, "sha256": h, "size": len(files[p])} for p, h in sums.items()]}
    files["manifest.json"] = _json(manifest)
    files["SHA256SUMS"] = "".join(f"{h}  {p}\n" for p, h in sums.items()).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    append_audit(store, user, "bundle", advert_id=advert_ids[0] if advert_ids else None,
                 detail={"adverts": advert_ids, "label": label, "sha256": digest, "files": len(files)})
    return Bundle(data, digest, len(files), advert_ids)
