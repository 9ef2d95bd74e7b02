"""The web app's walls: one ASGI middleware that finds the session of every request,
sends anyone without one to the log-in page, and puts the security headers on every
response. New routes are protected by default: only `PUBLIC` paths are reachable
without a session.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store import Store
from .auth import Limits, Session, session_for

PUBLIC = ("/login", "/favicon.ico")
PUBLIC_PREFIXES = ("/static/",)
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
# The archived page: its own origin-less sandbox where nothing may run or load.
ARCHIVE_CSP = "sandbox; default-src 'none'; form-action 'none'; frame-ancestors 'self'; base-uri 'none'"
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


@dataclass(frozen=True, slots=True)
class Config:
    db: str
    secure_cookies: bool = True
    limits: Limits = field(default_factory=Limits)

    @property
    def session_cookie(self) -> str:
        # "__Host-" cookies must be Secure, host-only and Path=/: no subdomain can plant or read one.
        return "__Host-rf_session" if self.secure_cookies else "rf_session"

    @property
    def login_cookie(self) -> str:
        return "__Host-rf_login" if self.secure_cookies else "rf_login"

    def cookie(self, name: str, value: str, max_age: int) -> str:
        secure = "; Secure" if self.secure_cookies else ""
        return f"{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"


class Stores:
    """One `Store` (SQLite connection) per worker thread."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db)
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                store.close()
            self._all.clear()


def cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is treated as no cookie
                return {}
    return {k: m.value for k, m in jar.items()}


def local_path(target: str | None, default: str = "/queue") -> str:
    """`target` if it is a path on this site (not //host, not \\host, no control characters), else `default`."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    return target


class Guard:
    """Session lookup, the log-in wall and security headers for every HTTP response."""

    def __init__(self, app: ASGIApp, config: Config, stores: Stores) -> None:
        self.app, self.config, self.stores = app, config, stores

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        public = path in PUBLIC or path.startswith(PUBLIC_PREFIXES)
        session: Session | None = None
        if not path.startswith(PUBLIC_PREFIXES):
            token = cookies(scope).get(self.config.session_cookie)
            if token:
                session = await anyio.to_thread.run_sync(self._session, token)
        scope.setdefault("state", {})["session"] = session
        wrapped = self._with_headers(send, static=path.startswith(PUBLIC_PREFIXES))
        if session is None and not public:
            await self._refuse(scope, wrapped)
            return
        await self.app(scope, receive, wrapped)

    def _session(self, token: str) -> Session | None:
        return session_for(self.stores.get(), token, limits=self.config.limits)

    def _with_headers(self, send: Send, *, static: bool) -> Callable[[Message], Any]:
        secure = self.config.secure_cookies

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = dict(HEADERS)
                extra["content-security-policy"] = CSP
                extra["cache-control"] = "private, max-age=3600" if static else "no-store"
                if secure:
                    extra["strict-transport-security"] = "max-age=31536000"
                headers += [(k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)
        return wrapped

    async def _refuse(self, scope: Scope, send: Callable[[Message], Any]) -> None:
        if scope["method"] in ("GET", "HEAD"):
            query = scope.get("query_string", b"").decode("latin-1")
            target = scope["path"] + (f"?{query}" if query else "")
            location = "/login?next=" + quote(local_path(target), safe="")
            status, body, extra = 303, b"Log in first.", [(b"location", location.encode("latin-1"))]
        else:
            status, body, extra = 403, b"Log in first.", []
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), *extra]})
        await send({"type": "http.response.body", "body": body})
