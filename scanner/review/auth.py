"""Accounts, passwords, sessions and log-in rate limits.

Passwords: `hashlib.scrypt` with a per-user random salt (parameters stored with the
hash so they can be raised later), compared in constant time. Sessions: a random token
in the cookie, only its SHA-256 in the database, with a per-session CSRF token, an idle
timeout and an absolute lifetime. Failed log-ins are counted per user name and per client
address; past the limit every attempt is refused before the password is checked.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import NotFoundError
from ..store import Store, now_iso
from .audit import append_audit
from .errors import AuthError, RateLimitedError, ReviewInputError

ROLES = ("analyst", "admin")
NAME_RE = re.compile(r"[a-z0-9][a-z0-9_.-]{1,63}")
MIN_PASSWORD = 10
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # ~16 MiB and ~50 ms per check on this machine


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str
    disabled: bool
    created_at: str
    disabled_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "disabled": self.disabled,
                "created_at": self.created_at, "disabled_at": self.disabled_at}


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    expires_at: str


@dataclass(frozen=True, slots=True)
class Limits:
    """Log-in limits and session lifetimes."""

    window: timedelta = timedelta(minutes=15)
    per_user: int = 5  # failures per user name within `window`
    per_ip: int = 20  # failures per client address within `window`
    idle: timedelta = timedelta(hours=2)
    lifetime: timedelta = timedelta(hours=12)


# --- passwords --------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    n, r, p = SCRYPT["n"], SCRYPT["r"], SCRYPT["p"]
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2**26, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=2**26, dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


# Checked for unknown user names so that a missing account takes as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


# --- accounts ---------------------------------------------------------------------------------

def _user(row: Any) -> User:
    return User(row["id"], row["name"], row["role"], bool(row["disabled"]), row["created_at"], row["disabled_at"])


def normalize_name(name: str) -> str:
    return name.strip().lower()


def get_user(store: Store, name: str) -> User:
    rows = list(store.db.query("SELECT * FROM users WHERE name = ?", (normalize_name(name),)))
    if not rows:
        raise NotFoundError(f"no user {name!r} (see `redflag users list`)")
    return _user(rows[0])


def add_user(store: Store, name: str, role: str, password: str, *, actor: str = "cli") -> User:
    name = normalize_name(name)
    if not NAME_RE.fullmatch(name):
        raise ReviewInputError("a user name is 2-64 characters: letters, digits, '_', '.', '-'")
    if role not in ROLES:
        raise ReviewInputError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ReviewInputError(f"a password needs at least {MIN_PASSWORD} characters")
    hashed = hash_password(password)
    with store.transaction():
        if store.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise ReviewInputError(f"user {name!r} exists already")
        store.conn.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                           (name, role, hashed, now_iso()))
        append_audit(store, actor, "user_add", detail={"name": name, "role": role})
    return get_user(store, name)


def list_users(store: Store) -> list[User]:
    return [_user(r) for r in store.db.query("SELECT * FROM users ORDER BY name")]


def disable_user(store: Store, name: str, *, actor: str = "cli") -> User:
    user = get_user(store, name)
    with store.transaction():
        store.conn.execute("UPDATE users SET disabled = 1, disabled_at = coalesce(disabled_at, ?) WHERE id = ?",
                           (now_iso(), user.id))
        store.conn.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))
        append_audit(store, actor, "user_disable", detail={"name": user.name})
    return get_user(store, name)


# --- log-in and rate limits -------------------------------------------------------------------

def _since(limits: Limits) -> str:
    return (datetime.now(UTC) - limits.window).isoformat(timespec="microseconds")


def failures(store: Store, *, username: str | None = None, ip: str | None = None,
             limits: Limits = Limits()) -> int:
    """Failed log-ins within the window (for a user: only those after their last success)."""
    since = _since(limits)
    if username is not None:
        sql = ("SELECT count(*) FROM login_attempts WHERE username = :u AND ok = 0 AND at > :since AND at > "
               "coalesce((SELECT max(at) FROM login_attempts WHERE username = :u AND ok = 1), '')")
        return int(store.conn.execute(sql, {"u": username, "since": since}).fetchone()[0])
    sql = "SELECT count(*) FROM login_attempts WHERE ip = ? AND ok = 0 AND at > ?"
    return int(store.conn.execute(sql, (ip, since)).fetchone()[0])


def authenticate(store: Store, name: str, password: str, ip: str, *, limits: Limits = Limits()) -> User:
    """The user, or `AuthError` (same message for every reason) / `RateLimitedError`."""
    name = normalize_name(name)[:64]
    if failures(store, username=name, limits=limits) >= limits.per_user or \
            failures(store, ip=ip, limits=limits) >= limits.per_ip:
        raise RateLimitedError("too many failed log-ins; wait a few minutes and try again")
    rows = list(store.db.query("SELECT * FROM users WHERE name = ?", (name,)))
    ok = verify_password(password, rows[0]["password_hash"] if rows else _DUMMY_HASH) and bool(rows)
    user = _user(rows[0]) if rows else None
    ok = ok and user is not None and not user.disabled
    with store.transaction():
        store.conn.execute("INSERT INTO login_attempts (at, username, ip, ok) VALUES (?, ?, ?, ?)",
                           (now_iso(), name, ip, int(ok)))
        append_audit(store, name if rows else "-", "login" if ok else "login_failed", detail={"ip": ip})
    if not ok or user is None:
        raise AuthError("wrong user name or password, or the account is disabled")
    return user


# --- sessions ---------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(store: Store, user: User, ip: str, *, limits: Limits = Limits()) -> tuple[str, Session]:
    """A new session; returns the cookie token (shown once, stored only hashed) and the session."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = (now + limits.lifetime).isoformat(timespec="microseconds")
    with store.transaction():
        store.conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
        store.conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (token_hash(token), user.id, csrf, now.isoformat(timespec="microseconds"),
                            now.isoformat(timespec="microseconds"), expires, ip))
    return token, Session(user, csrf, expires)


def session_for(store: Store, token: str | None, *, limits: Limits = Limits()) -> Session | None:
    """The live session of a cookie token, or None (expired, idle too long, unknown, user disabled)."""
    if not token or len(token) > 200:
        return None
    rows = list(store.db.query(
        "SELECT s.*, u.name, u.role, u.disabled, u.created_at AS u_created, u.disabled_at FROM sessions s "
        "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", (token_hash(token),)))
    if not rows:
        return None
    row = rows[0]
    now = datetime.now(UTC)
    last = datetime.fromisoformat(row["last_seen"])
    if row["disabled"] or row["expires_at"] < now.isoformat() or now - last > limits.idle:
        return None
    if now - last > timedelta(minutes=1):  # refresh the idle clock without a write on every request
        with store.transaction():
            store.conn.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?",
                               (now.isoformat(timespec="microseconds"), row["token_hash"]))
    user = User(row["user_id"], row["name"], row["role"], False, row["u_created"], row["disabled_at"])
    return Session(user, row["csrf_token"], row["expires_at"])


def end_session(store: Store, token: str | None) -> None:
    if token:
        with store.transaction():
            store.conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))


def csrf_ok(expected: str | None, given: object) -> bool:
    if not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
