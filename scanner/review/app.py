"""The analysts' web app (Starlette, server-rendered Jinja2 with autoescaping).

Routes: /login, /logout, /queue, /search, /adverts/<id> (+ /verdict, /archive/<sha256>,
/bundle), /clusters/<id> (+ /bundle), /links, /rules, /export, /audit (admins). Every
route but /login and /static needs a session (see `web.Guard`); every POST checks the
session's CSRF token; reads run in worker threads with one SQLite connection each.
"""
from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import NotFoundError, ScannerError
from .audit import STATUSES, append_audit, audit_trail, set_verdict
from .auth import Limits, Session, authenticate, create_session, csrf_ok, end_session
from .bundle import build_bundle, export_rows, record_export, write_csv, write_jsonl
from .errors import AuthError, RateLimitedError, ReviewInputError
from .linking import (
    cluster,
    key_groups,
    near_duplicates,
    shared_keys,
    sync_near_duplicates,
)
from .queries import QueueFilter, advert_view, facets, neighbours, queue, rule_stats
from .render import css_class, highlight, place_hits, safe_url, word_diff
from .sanitize import sanitized_page
from .web import ARCHIVE_CSP, CSP, Config, Guard, Stores, local_path

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
MAX_BODY = 64 * 1024


def advert_path(advert_id: str, suffix: str = "") -> str:
    return "/adverts/" + quote(advert_id, safe="") + suffix


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(advert_path=advert_path, safe_url=safe_url, css_class=css_class, statuses=STATUSES,
                       qs=lambda params: urlencode(params), cluster_path=lambda i: "/clusters/" + quote(i, safe=""))
    return Jinja2Templates(env=env)


class ReviewApp:
    """Route handlers bound to one database and configuration."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.stores = Stores(config.db)
        self.templates = _templates()

    @property
    def store(self):  # type: ignore[no-untyped-def]
        return self.stores.get()

    # --- helpers ------------------------------------------------------------------------------

    def render(self, request: Request, name: str, status: int = 200, headers: dict[str, str] | None = None,
               **context: Any) -> Response:
        session: Session | None = request.scope["state"].get("session")
        context.update(session=session, user=session.user if session else None,
                       csrf_token=session.csrf_token if session else "", path=request.url.path)
        return self.templates.TemplateResponse(request, name, context, status_code=status, headers=headers)

    @staticmethod
    def session(request: Request) -> Session:
        session = request.scope["state"].get("session")
        if session is None:  # the Guard lets no such request through; a second wall costs nothing
            raise HTTPException(403, "Log in first.")
        return session

    async def checked_form(self, request: Request) -> tuple[Session, FormData]:
        """The form of a POST whose csrf_token matches the session's, or a 403."""
        session = self.session(request)
        form = await request.form(max_files=0, max_fields=20, max_part_size=MAX_BODY)
        if not csrf_ok(session.csrf_token, form.get("csrf_token")):
            raise HTTPException(403, "The form has expired or did not come from this site (CSRF check failed).")
        return session, form

    # --- log-in -------------------------------------------------------------------------------

    def login_page(self, request: Request, error: str = "", status: int = 200) -> Response:
        if request.scope["state"].get("session") is not None and not error:
            return RedirectResponse("/queue", 303)
        # Keep the token of an open log-in form (another tab, a favicon request) rather than invalidate it.
        token = request.cookies.get(self.config.login_cookie) or ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{43}", token):
            token = secrets.token_urlsafe(32)
        response = self.render(request, "login.html", status, title="Log in", login_csrf=token, error=error,
                               next=local_path(request.query_params.get("next")))
        response.headers.append("set-cookie", self.config.cookie(self.config.login_cookie, token, 3600))
        return response

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return await run_in_threadpool(self.login_page, request)
        form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
        expected = request.cookies.get(self.config.login_cookie)
        if not csrf_ok(expected, form.get("csrf_token")):
            return await run_in_threadpool(self.login_page, request, "The log-in form expired; please try again.", 403)
        ip = request.client.host if request.client else "-"
        name, password = str(form.get("username") or ""), str(form.get("password") or "")
        try:
            user = await run_in_threadpool(authenticate, self.store, name, password, ip, limits=self.config.limits)
        except RateLimitedError as exc:
            return await run_in_threadpool(self.login_page, request, exc.message, 429)
        except AuthError as exc:
            return await run_in_threadpool(self.login_page, request, exc.message, 401)
        token, _ = await run_in_threadpool(create_session, self.store, user, ip, limits=self.config.limits)
        response = RedirectResponse(local_path(str(form.get("next") or "")), 303)
        response.headers.append("set-cookie", self.config.cookie(
            self.config.session_cookie, token, int(self.config.limits.lifetime.total_seconds())))
        response.headers.append("set-cookie", self.config.cookie(self.config.login_cookie, "", 0))
        return response

    async def logout(self, request: Request) -> Response:
        session, _ = await self.checked_form(request)
        token = request.cookies.get(self.config.session_cookie)
        await run_in_threadpool(end_session, self.store, token)
        await run_in_threadpool(append_audit, self.store, session.user.name, "logout")
        response = RedirectResponse("/login", 303)
        response.headers.append("set-cookie", self.config.cookie(self.config.session_cookie, "", 0))
        return response

    # --- queue, search, advert ----------------------------------------------------------------

    def queue_page(self, request: Request) -> Response:
        f = QueueFilter.from_params(request.query_params)
        return self.render(request, "queue.html", title="Queue", page=queue(self.store, f), f=f,
                           facets=facets(self.store), action="/queue", context_qs=urlencode(f.params(after="")))

    def search_page(self, request: Request) -> Response:
        f = QueueFilter.from_params(request.query_params, verdict="all", flagged=False)
        page = queue(self.store, f) if f.q else None
        return self.render(request, "search.html", title="Search", page=page, f=f, facets=facets(self.store),
                           action="/search", context_qs=urlencode(f.params(after="")))

    def advert_page(self, request: Request) -> Response:
        advert_id = request.path_params["advert_id"]
        store = self.store
        view = advert_view(store, advert_id)
        f = QueueFilter.from_params(request.query_params)
        prev_id, next_id = neighbours(store, f, view.advert)
        matches = view.scan["matches"] if view.scan else []
        hits = place_hits(view.full_text, matches)
        versions = []
        for i, v in enumerate(view.versions):
            older = view.versions[i + 1] if i + 1 < len(view.versions) else None
            diff = None
            if older is not None and v["text"] is not None and older["text"] is not None:
                diff = word_diff(f"{older['title'] or ''}\n{older['text']}", f"{v['title'] or ''}\n{v['text']}")
            versions.append({**v, "diff": diff})
        done = request.query_params.get("done", "")
        headers = {"content-security-policy": CSP + "; frame-src 'self'"}
        return self.render(request, "advert.html", headers=headers, title=view.advert["title"] or advert_id,
                           view=view, a=view.advert, scan=view.scan, hits=hits,
                           text_html=highlight(view.full_text, hits), versions=versions,
                           keys=key_groups(store, advert_id), near=near_duplicates(store, advert_id, limit=20),
                           prev_id=prev_id, next_id=next_id, f=f, context_qs=urlencode(f.params(after="")),
                           done=done if done in STATUSES else "")

    async def verdict(self, request: Request) -> Response:
        session, form = await self.checked_form(request)
        advert_id = request.path_params["advert_id"]
        status, note = str(form.get("status") or ""), str(form.get("note") or "")
        context = str(form.get("context") or "")[:2000]
        f = QueueFilter.from_params(dict(_parse_qs(context)))

        def work() -> str:
            store = self.store
            set_verdict(store, advert_id, status, session.user.name, note)
            _, next_id = neighbours(store, f, advert_view(store, advert_id).advert)
            return next_id or advert_id
        target = await run_in_threadpool(work)
        suffix = "?" + urlencode({**f.params(after=""), "done": status})
        return RedirectResponse(advert_path(target, suffix), 303)

    def archive(self, request: Request) -> Response:
        advert_id, sha = request.path_params["advert_id"], request.path_params["sha256"]
        view = advert_view(self.store, advert_id)
        version = next((v for v in view.versions if v["page_sha256"] == sha), None)
        body = self.store.page_html(sha) if version is not None else None
        if version is None or body is None:
            raise NotFoundError("no archived page with that SHA-256 for this advert")
        html = sanitized_page(body, version["page_type"], sha256=sha, fetched_at=version["page_fetched_at"] or "")
        return Response(html, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": ARCHIVE_CSP, "x-frame-options": "SAMEORIGIN"})

    # --- links and clusters -------------------------------------------------------------------

    def cluster_page(self, request: Request) -> Response:
        advert_id = request.path_params["advert_id"]
        advert_view(self.store, advert_id)  # 404 for an unknown advert
        c = cluster(self.store, advert_id)
        return self.render(request, "cluster.html", title=f"Cluster of {advert_id}", c=c)

    def links_page(self, request: Request) -> Response:
        sync_near_duplicates(self.store, limit=200)
        return self.render(request, "links.html", title="Links", keys=shared_keys(self.store))

    async def bundle(self, request: Request) -> Response:
        session, _ = await self.checked_form(request)
        advert_id = request.path_params["advert_id"]
        whole_cluster = request.url.path.startswith("/clusters/")

        def work():  # type: ignore[no-untyped-def]
            store = self.store
            advert_view(store, advert_id)
            ids = cluster(store, advert_id).ids if whole_cluster else [advert_id]
            return build_bundle(store, ids, session.user.name, label="cluster" if whole_cluster else "advert")
        b = await run_in_threadpool(work)
        name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in advert_id)[:60]
        kind = "cluster" if whole_cluster else "advert"
        return Response(b.data, media_type="application/zip", headers={
            "content-disposition": f'attachment; filename="redflag-{kind}-{name}.zip"', "x-bundle-sha256": b.sha256})

    # --- rules, export, audit -----------------------------------------------------------------

    def rules_page(self, request: Request) -> Response:
        return self.render(request, "rules.html", title="Rules", rules=rule_stats(self.store))

    def export_page(self, request: Request) -> Response:
        return self.render(request, "export.html", title="Export")

    async def export(self, request: Request) -> Response:
        session, form = await self.checked_form(request)
        fmt, status = str(form.get("format") or "csv"), str(form.get("status") or "reviewed")
        if fmt not in ("csv", "jsonl"):
            raise ReviewInputError("format must be csv or jsonl")

        def work() -> str:
            import io

            out = io.StringIO()
            rows = export_rows(self.store, status)
            n = write_csv(rows, out) if fmt == "csv" else write_jsonl(rows, out)
            record_export(self.store, session.user.name, fmt=fmt, status=status, rows=n)
            return out.getvalue()
        body = await run_in_threadpool(work)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
        return Response(body, media_type=media,
                        headers={"content-disposition": f'attachment; filename="redflag-{status}.{fmt}"'})

    def audit_page(self, request: Request) -> Response:
        if self.session(request).user.role != "admin":
            raise HTTPException(403, "Only administrators can read the whole audit log.")
        return self.render(request, "audit.html", title="Audit log", rows=audit_trail(self.store, limit=500))

    # --- errors -------------------------------------------------------------------------------

    def error(self, request: Request, status: int, message: str) -> Response:
        if request.scope.get("state", {}).get("session") is None:
            return Response(message, status_code=status, media_type="text/plain; charset=utf-8")
        return self.render(request, "error.html", status, title=f"Error {status}", code=status, message=message)


def _parse_qs(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=False, max_num_fields=30)


def _sync(handler: Callable[[Request], Response]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(handler, request)
    return endpoint


def create_app(db: str, *, secure_cookies: bool = True, limits: Limits | None = None,
               sync_interval: float | None = 30.0) -> Starlette:
    """The ASGI app over database `db`. `secure_cookies=False` only for plain-HTTP tests on 127.0.0.1."""
    config = Config(db, secure_cookies, limits or Limits())
    r = ReviewApp(config)
    a = "/adverts/{advert_id:path}"
    routes = [
        Route("/", lambda request: RedirectResponse("/queue", 303)),
        Route("/login", r.login, methods=["GET", "POST"]),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/logout", r.logout, methods=["POST"]),
        Route("/queue", _sync(r.queue_page)),
        Route("/search", _sync(r.search_page)),
        Route(a + "/verdict", r.verdict, methods=["POST"]),
        Route(a + "/bundle", r.bundle, methods=["POST"]),
        Route(a + "/archive/{sha256:str}", _sync(r.archive)),
        Route(a, _sync(r.advert_page)),
        Route("/clusters/{advert_id:path}/bundle", r.bundle, methods=["POST"]),
        Route("/clusters/{advert_id:path}", _sync(r.cluster_page)),
        Route("/links", _sync(r.links_page)),
        Route("/rules", _sync(r.rules_page)),
        Route("/export", _sync(r.export_page), methods=["GET"]),
        Route("/export", r.export, methods=["POST"]),
        Route("/audit", _sync(r.audit_page)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return await run_in_threadpool(r.error, request, exc.status_code, exc.detail)

    async def on_error(request: Request, exc: Exception) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400
        message = exc.message if isinstance(exc, ScannerError) else "bad request"
        return await run_in_threadpool(r.error, request, status, message)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tg:
            if sync_interval:
                tg.start_soon(_sync_loop, r, sync_interval)
            yield
            tg.cancel_scope.cancel()
        r.stores.close()

    app = Starlette(routes=routes, lifespan=lifespan, max_body_size=MAX_BODY,
                    exception_handlers={HTTPException: on_http, NotFoundError: on_error,
                                        ReviewInputError: on_error})
    app.add_middleware(Guard, config=config, stores=r.stores)  # type: ignore[arg-type]
    app.state.review = r
    return app


async def _sync_loop(r: ReviewApp, interval: float) -> None:
    """Keep near-duplicate signatures current while the server runs (crawls change adverts under it)."""
    while True:
        try:
            done = await anyio.to_thread.run_sync(lambda: sync_near_duplicates(r.store, limit=2000))
        except ScannerError as exc:  # a busy database: try again next round
            log.warning("near-duplicate sync failed: %s", exc.message)
            done = 0
        await anyio.sleep(0.5 if done else interval)
