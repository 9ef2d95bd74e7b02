"""Settings: every default in one frozen record, each with a line of help.

Loaded from code defaults < a TOML file (``--config`` / ``REDFLAG_CONFIG``) <
``REDFLAG_*`` environment variables < explicit overrides (CLI flags). Unknown
keys are errors with a "did you mean".
"""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _help(text: str, default: Any) -> Any:
    return field(default=default, metadata={"help": text})


@dataclass(frozen=True, slots=True)
class Settings:
    # --- scanning ---
    patterns_dir: str = _help("Folder of rule files (patterns/<category>/<id>-<name>.yml).", str(PACKAGE_ROOT / "patterns"))
    score_threshold: float = _help("Score at or above which an advert is flagged.", 0.5)
    min_categories: int = _help("Distinct non-context-only categories needed to flag.", 2)
    max_text_chars: int = _help("Longer advert texts are cut to this many characters before scanning.", 50_000)
    lingua_min_chars: int = _help("Segments shorter than this are not sent to lingua.", 12)
    # --- fetching ---
    user_agent: str = _help("User-Agent sent with every request; keep a contact URL in it.",
                            "redflag-scanner/0.1 (+https://github.com/redflag-scanner/redflag; anti-trafficking research)")
    min_delay: float = _help("Seconds between two requests to the same host (robots.txt Crawl-delay wins if longer).", 1.0)
    timeout: float = _help("Seconds before a request times out.", 20.0)
    max_bytes: int = _help("Largest response body accepted (after decompression).", 5_000_000)
    max_retries: int = _help("Retries on 429/5xx and connection errors.", 3)
    backoff_base: float = _help("First retry delay in seconds; doubles each retry, with jitter.", 2.0)
    max_retry_after: float = _help("Longest Retry-After honoured, in seconds.", 600.0)
    max_host_delay: float = _help("Longest per-host delay reached by backing off after 429/503 answers, in seconds.", 60.0)
    concurrency: int = _help("Requests in flight across all hosts (one at a time per host when polite).", 8)
    polite: bool = _help("Obey robots.txt, Crawl-delay and per-host delays (turn off only for your own servers).", True)
    allow_private: bool = _help("Allow private, loopback and link-local addresses.", False)
    allow_hosts: tuple[str, ...] = _help("Host names or IPs allowed even when private.", ())
    max_pages: int = _help("Most pages fetched per source per run.", 5_000)
    max_redirects: int = _help("Most redirects followed for one request.", 5)
    # --- store and reports ---
    db: str = _help("SQLite database file.", "redflag.db")
    digest_dir: str = _help("Folder where nightly digests (HTML and JSON) are written.", "digests")
    alert_score: float = _help("Alerts are sent for new adverts at or above this score.", 0.75)
    webhook_url: str = _help("POST a JSON summary here after a nightly run ('' = off).", "")
    smtp_host: str = _help("SMTP server for e-mail alerts ('' = off).", "")
    smtp_port: int = _help("SMTP port.", 25)
    smtp_from: str = _help("Sender address of alert e-mails.", "redflag@localhost")
    smtp_to: tuple[str, ...] = _help("Recipients of alert e-mails.", ())
    retention_days: int = _help("Raw pages and texts of never-flagged, never-reviewed adverts are purged after this many days.", 90)
    lock_file: str = _help("Lock file that stops two nightly runs from overlapping ('' = next to the database).", "")

    def digest(self) -> str:
        """A short hash of every setting, stored with each run."""
        data = json.dumps({f.name: getattr(self, f.name) for f in fields(self)}, sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:16]

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **_coerce_all(overrides, "overrides"))


def setting_help() -> dict[str, str]:
    return {f.name: f.metadata.get("help", "") for f in fields(Settings)}


def _did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _coerce(name: str, value: Any, where: str) -> Any:
    known = {f.name: f for f in fields(Settings)}
    if name not in known:
        raise ConfigError(f"unknown setting {name!r} in {where}{_did_you_mean(name, list(known))}")
    default = known[name].default
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                    raise ValueError(value)
                return value.lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(v.strip() for v in value.split(",") if v.strip())
            return tuple(str(v) for v in value)
        return type(default)(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r} in {where}: cannot read {value!r} as {type(default).__name__}") from exc


def _coerce_all(values: Mapping[str, Any], where: str) -> dict[str, Any]:
    return {k: _coerce(k, v, where) for k, v in values.items()}


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Defaults < TOML file < REDFLAG_* environment < overrides (None values are ignored)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    path = path or env.get("REDFLAG_CONFIG")
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"settings file not found: {path}") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc
        values.update(_coerce_all(data.get("settings", data), str(path)))
    skip = {"REDFLAG_CONFIG", "REDFLAG_DB_URL"}
    for key, value in env.items():
        if key.startswith("REDFLAG_") and key not in skip:
            values[key[8:].lower()] = _coerce(key[8:].lower(), value, f"environment variable {key}")
    values.update(_coerce_all({k: v for k, v in overrides.items() if v is not None}, "command-line options"))
    return Settings(**values)
