"""Crawl: sources in, stored adverts and scans out; the whole pipeline for boards.

Stage: orchestration (fetch -> extract -> scan -> store, then report for `nightly`).
Input: `Source`s, a `Store`, a `Scanner`, `Settings`. Output: a `RunSummary`.
Side effects: HTTP requests, database writes, progress callbacks, digest files.

Per source:
1. Queue the start URLs, and (unless ``sitemaps = false``) the sitemaps robots.txt
   lists, else /sitemap.xml; sitemap indexes are followed.
2. Workers take URLs one by one. Each fetch is conditional when the page was stored
   before (ETag / Last-Modified; what the source stored is read in one query at the start). A 304, or a body with the stored SHA-256, reuses what
   was found on the page last time (links, pagination, advert ids): nothing is
   re-extracted or re-scanned, the adverts are only marked as seen.
3. A changed page is extracted; an advert whose content hash is stored already is only
   seen again; a new or changed one is scanned and stored as a new version. Extraction,
   scanning and compressing the page for the archive are the CPU-heavy part: `run_crawl`
   and `nightly` do them in worker processes (`ProcessAnalyser`, one per CPU) while this
   process fetches and writes. Writes are batched: a page's rows (page, fetch log,
   adverts, scans) go in one savepoint, many pages in one transaction (at most
   WRITE_BATCH pages or WRITE_SECONDS); a kill leaves every page all or none, and loses
   at most the last batch, which the next run fetches again.
4. Same-site links are queued; pagination follows a `PaginationGuard` per chain, and
   the source's page limit bounds everything.
5. At the item boundary any error is recorded in the fetch log and counted; the crawl
   goes on. When the source was crawled completely (no page limit hit, no failure on a
   page that could lead to adverts, the same start URLs as last time), its active adverts
   not seen are marked gone.

A killed run leaves its rows consistent; the next run marks it interrupted and, thanks
to conditional requests and content hashes, redoes only what the killed run had not.
"""
from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .discover import PaginationGuard, is_trap_url, normalize_url, parse_sitemap, same_site, sitemap_candidates
from .errors import ConfigError, ExtractError, FetchError, RobotsForbiddenError, StoreError
from .extract import Page, extract_page
from .fetch import Fetcher
from .models import FetchResult, ScanResult
from .pipeline import Scanner
from .report import AlertResult, Digest, DigestFiles, build_digest, send_alerts, write_digest
from .settings import Settings
from .sources import Source
from .store import (FetchLogEntry, PackedBody, Store, StoredPage, body_sha256, content_hash, lock_path, now_iso,
                    pack_body, run_lock)

log = logging.getLogger(__name__)

GONE_STATUSES = frozenset({404, 410})
WRITE_BATCH = 200  # pages written per transaction ...
WRITE_SECONDS = 0.5  # ... or after this long, so a slow polite crawl still records its progress


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """Sent after every page: how far one source has got."""

    source: str
    done: int  # URLs visited
    total: int  # URLs known (visited and queued)
    finished: bool = False


Progress = Callable[[ProgressEvent], None]


@dataclass(frozen=True, slots=True)
class SourceSummary:
    name: str
    status: str  # ok, partial (some pages failed), failed (nothing could be crawled)
    complete: bool  # every page was reached, so adverts not seen were marked gone
    counters: Mapping[str, int]
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: int
    status: str  # ok, partial, failed
    started_at: str
    finished_at: str
    sources: tuple[SourceSummary, ...]
    counters: Mapping[str, int]

    @property
    def failed_sources(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sources if s.status == "failed")

    def totals(self) -> dict[str, Any]:
        """The headline figures: fetched, 304, errors by kind, adverts new/changed/gone, flagged."""
        return summarize(self.counters)

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run_id, "status": self.status, "started_at": self.started_at,
                "finished_at": self.finished_at, **self.totals(),
                "sources": [{"name": s.name, "status": s.status, "complete": s.complete, "error": s.error,
                             **summarize(s.counters)} for s in self.sources],
                "counters": dict(sorted(self.counters.items()))}


def summarize(counters: Mapping[str, int]) -> dict[str, Any]:
    errors = {k.rsplit("/", 1)[1]: v for k, v in counters.items() if k.startswith("fetch/error/")}
    for key, kind in (("extract/error", "extract"), ("sitemap/error", "sitemap"), ("crawl/error", "internal")):
        if counters.get(key):
            errors[kind] = counters[key]
    return {"fetched": counters.get("crawl/fetched", 0), "not_modified": counters.get("fetch/304", 0),
            "errors": dict(sorted(errors.items())),
            "adverts": {k: counters.get(f"adverts/{k}", 0) for k in ("new", "changed", "unchanged", "gone")},
            "flagged": counters.get("adverts/flagged", 0)}


# --- extraction and scanning, in this process or in workers -------------------------------------

@dataclass(frozen=True, slots=True)
class Analysis:
    """What the CPU-heavy part made of one fetched page."""

    page: Page
    hashes: Mapping[str, str]  # advert id -> content hash
    scans: Mapping[str, ScanResult]  # adverts scanned already (the crawl scans the others it needs)
    packed: PackedBody  # the body hashed and compressed for the archive


class Analyser:
    """Extracts pages in this process; the crawl then scans what is new or changed."""

    async def analyse(self, result: FetchResult, source: Source, known: Mapping[str, str]) -> Analysis:
        """`known`: content hashes stored for the adverts this URL held last time."""
        return _analyse(result, source, known, None)


def _analyse(result: FetchResult, source: Source, known: Mapping[str, str], scanner: Scanner | None) -> Analysis:
    page = extract_page(result, source)
    hashes = {a.id: content_hash(a) for a in page.adverts}
    scans = {a.id: scanner.scan(a) for a in page.adverts if known.get(a.id) != hashes[a.id]} if scanner else {}
    return Analysis(page, hashes, scans, pack_body(result.body))


class ProcessAnalyser(Analyser):
    """Extracts, scans (adverts not in `known`) and packs pages in forked worker processes.

    The workers are forked when this is made, from a process that holds the built `Scanner`
    (so they need not build one; the rule-set hash is the same) and, in `run_crawl`, before
    the run lock and the database are opened (so no worker holds either). Workers ignore
    Ctrl-C (the crawl shuts them down) and die with the crawl. If a worker dies, the pages
    in flight fail as internal errors and the rest of the run is done in this process.
    """

    def __init__(self, scanner: Scanner, processes: int) -> None:
        self._pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                                         initializer=_worker_start, initargs=(scanner, os.getpid()))
        try:
            self._pool.submit(int).result()  # forks every worker now
        except BaseException:
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise
        self._broken = False

    async def analyse(self, result: FetchResult, source: Source, known: Mapping[str, str]) -> Analysis:
        if self._broken:
            return await super().analyse(result, source, known)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, _analyse_in_worker, result, source,
                                                                    dict(known))
        except BrokenProcessPool:
            if not self._broken:
                log.error("a worker process died; extracting in the crawler process from now on")
            self._broken = True
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


_worker_scanner: Scanner | None = None


def _worker_start(scanner: Scanner, parent: int) -> None:
    global _worker_scanner
    _worker_scanner = scanner
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A killed crawler must not leave workers waiting for work forever: on Linux the kernel
    # kills them with it; elsewhere a thread watches for the parent's end.
    if not sys.platform.startswith("linux") or ctypes.CDLL(None).prctl(1, int(signal.SIGKILL)) != 0:  # PR_SET_PDEATHSIG
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _analyse_in_worker(result: FetchResult, source: Source, known: Mapping[str, str]) -> Analysis:
    return _analyse(result, source, known, _worker_scanner)


def default_processes() -> int:
    """Worker processes `run_crawl` uses: one per usable CPU; none on one CPU or off Linux (fork is needed)."""
    if not sys.platform.startswith("linux"):
        return 0
    cpus = len(os.sched_getaffinity(0))
    return cpus if cpus > 1 else 0


@contextmanager
def analyser_for(scanner: Scanner, processes: int | None = None) -> Iterator[Analyser]:
    """A `ProcessAnalyser` with `processes` workers (None: `default_processes()`), or an `Analyser` for 0."""
    count = default_processes() if processes is None else processes
    try:
        analyser = ProcessAnalyser(scanner, count) if count > 0 else None
    except OSError as exc:  # e.g. no memory to fork: slower, but the crawl can still run
        log.warning("cannot start %d worker processes (%s); extracting in the crawler process", count, exc)
        analyser = None
    if analyser is None:
        yield Analyser()
        return
    try:
        yield analyser
    finally:
        analyser.close()


@dataclass(frozen=True, slots=True)
class _Item:
    url: str
    kind: str  # page or sitemap
    chain: str  # the first page of the pagination chain this page belongs to


@dataclass(slots=True)
class _SourceCrawl:
    """The crawl of one source within one run."""

    source: Source
    store: Store
    scanner: Scanner
    fetcher: Fetcher
    analyser: Analyser
    run: int
    limit: int
    workers: int
    progress: Progress | None = None
    counters: Counter[str] = field(default_factory=Counter)
    queue: asyncio.Queue[_Item] = field(default_factory=asyncio.Queue)
    visited: set[str] = field(default_factory=set)
    seen_ids: set[str] = field(default_factory=set)  # adverts found on the board this run
    guards: dict[str, PaginationGuard] = field(default_factory=dict)
    starts_ok: int = 0
    blind_spots: int = 0  # failed pages that may have led to adverts: gone-marking would be unsafe
    truncated: bool = False
    scope_changed: bool = False  # other start URLs than last time: what is not seen may be out of scope
    done: int = 0
    unchanged: list[tuple[str, FetchResult, StoredPage]] = field(default_factory=list)  # not yet written
    pending: list[tuple[tuple[str, ...], Callable[[Counter[str]], None]]] = field(default_factory=list)  # (urls, write)
    pending_hashes: dict[str, str] = field(default_factory=dict)  # content hashes of adverts not yet written
    states: dict[str, StoredPage] = field(default_factory=dict)  # archived pages of the source, read at the start
    flushed_at: float = 0.0

    async def run_all(self) -> SourceSummary:
        started = now_iso()
        error: str | None = None
        try:
            await self._crawl()
        except Exception as exc:  # the source boundary: one broken source never stops the others
            log.exception("source %s failed", self.source.name)
            error = f"{type(exc).__name__}: {exc}"
            self.counters["crawl/error"] += 1
        finally:
            self._flush()
        complete = error is None and self.starts_ok > 0 and not self.truncated and not self.blind_spots
        if complete and self.scope_changed:
            self.counters["crawl/gone_skipped/scope_changed"] += 1
        elif complete:
            self.counters["adverts/gone"] += self.store.mark_gone(self.source.name, self.seen_ids, self.run)
        status = "failed" if error or not self.starts_ok else "partial" if self._had_errors() else "ok"
        if not self.starts_ok and error is None:
            error = "no start URL could be fetched (see the fetch log)"
        self.store.record_source_run(self.run, self.source.name, status=status, complete=complete,
                                     started_at=started, counters=self.counters, error=error)
        self._report(finished=True)
        return SourceSummary(self.source.name, status, complete, dict(self.counters), error)

    def _had_errors(self) -> bool:
        return any(v for k, v in self.counters.items()
                   if k.startswith(("fetch/error/", "extract/error", "sitemap/error", "crawl/error")))

    async def _crawl(self) -> None:
        self.states = self.store.page_states(self.source.name)
        for url in self.source.start_urls:
            self._enqueue(url)
        if self.source.sitemaps:
            await self._queue_sitemaps()
        tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]
        try:
            await self.queue.join()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _queue_sitemaps(self) -> None:
        for start in dict.fromkeys(self.source.start_urls):
            try:
                listed = await self.fetcher.robots_sitemaps(start)
            except FetchError as exc:
                log.info("no robots.txt sitemaps for %s: %s", start, exc.message)
                listed = []
            for url in sitemap_candidates(start, listed):
                self._enqueue(url, kind="sitemap")

    async def _work(self) -> None:
        while True:
            item = await self.queue.get()
            try:
                await self._visit(item)
            except Exception as exc:  # the item boundary: recorded, counted, and the crawl goes on
                self._item_failed(item.url, exc)
            finally:
                self.done += 1
                self._report()
                self.queue.task_done()

    def _item_failed(self, url: str, exc: Exception) -> None:
        log.error("crawling %s failed", url, exc_info=exc)
        self.counters["crawl/error"] += 1
        self.blind_spots += 1
        self.store.record_fetch(url, run=self.run, source=self.source.name, error="internal",
                                message=f"{type(exc).__name__}: {exc}")

    # --- queueing ------------------------------------------------------------------------------

    def _enqueue(self, url: str, *, kind: str = "page", chain: str | None = None) -> None:
        if url in self.visited:  # only normalized URLs are in there, so this one normalizes to itself
            return
        try:
            url = normalize_url(url)
        except ValueError:
            return
        if url in self.visited or not self._allowed(url):
            return
        if len(self.visited) >= self.limit:
            self.counters["crawl/limit_reached"] += 1
            self.truncated = True
            return
        self.visited.add(url)
        self.queue.put_nowait(_Item(url, kind, chain or url))

    def _allowed(self, url: str) -> bool:
        if not any(same_site(url, start) for start in self.source.start_urls):
            return False
        if self.source.is_excluded(url):
            return False
        if is_trap_url(url):
            self.counters["crawl/trap_url"] += 1
            return False
        return True

    def _follow(self, item: _Item, links: Sequence[str], next_pages: Sequence[str]) -> None:
        if item.kind == "sitemap":
            for url in links:
                self._enqueue(url)
            for url in next_pages:
                self._enqueue(url, kind="sitemap")
            return
        for url in links:
            self._enqueue(url)
        if not next_pages:
            return
        guard = self.guards.setdefault(item.chain, PaginationGuard(max_pages=self.limit))
        if guard.visit(links):
            for url in next_pages:
                self._enqueue(url, chain=item.chain)
        else:
            self.counters[f"crawl/pagination_stopped/{guard.reason}"] += 1

    def _report(self, finished: bool = False) -> None:
        if self.progress is not None:
            self.progress(ProgressEvent(self.source.name, self.done, len(self.visited), finished))

    # --- one URL -------------------------------------------------------------------------------

    async def _visit(self, item: _Item) -> None:
        state = self.states.pop(item.url, None) or self.store.page_state(item.url)
        etag, modified = (state.etag, state.last_modified) if state else (None, None)
        try:
            result = await self.fetcher.fetch(item.url, etag=etag, last_modified=modified)
        except FetchError as exc:
            self._failed(item, state, exc)
            return
        self.counters["crawl/fetched"] += 1
        if item.url in self.source.start_urls:
            self.starts_ok += 1
        if state is not None and (result.not_modified or body_sha256(result.body) == state.sha256):
            self._unchanged(item, result, state)
        elif result.not_modified:  # a 304 to an unconditional request: nothing to read
            self._log(item, result, error="http_status", message="304 without a stored copy")
            self.counters["fetch/error/http_status"] += 1
        elif item.kind == "sitemap":
            self._sitemap(item, result)
        else:
            await self._page(item, result, state)

    def _failed(self, item: _Item, state: StoredPage | None, exc: FetchError) -> None:
        status = getattr(exc, "status", None)
        self._log_error(item.url, exc.kind, exc.message, status)
        if status in GONE_STATUSES:
            return  # the page is gone; its adverts will not be seen, so they are marked gone
        if state is not None:
            self.seen_ids.update(state.advert_ids)  # not reachable now is not gone
        if not isinstance(exc, RobotsForbiddenError) and not (state and state.is_advert):
            self.blind_spots += 1

    def _unchanged(self, item: _Item, result: FetchResult, state: StoredPage) -> None:
        self.counters["crawl/unchanged_pages"] += 1
        self.counters["adverts/unchanged"] += len(state.advert_ids)
        self.seen_ids.update(state.advert_ids)
        self._follow(item, state.links, state.next_pages)
        self.unchanged.append((item.url, result, state))
        self._maybe_flush()

    def _write_unchanged(self, pages: list[tuple[str, FetchResult, StoredPage]], counts: Counter[str]) -> None:
        """Only "seen again" bookkeeping, idempotent, in three statements for the whole batch:
        this is most of what a re-run with nothing changed writes."""
        self.store.touch_pages((url, state.sha256, result.headers.get("etag"), result.headers.get("last-modified"))
                               for url, result, state in pages)
        self.store.record_fetches(self._entry(url, result) for url, result, _ in pages)
        self.store.touch_adverts((i for _, _, state in pages for i in state.advert_ids), run=self.run)

    # --- batched writes --------------------------------------------------------------------------

    def _write(self, url: str, write: Callable[[Counter[str]], None]) -> None:
        """Queue one page's writes; they run at the next `_flush`, in one savepoint."""
        self.pending.append(((url,), write))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if (len(self.pending) + len(self.unchanged) >= WRITE_BATCH
                or time.monotonic() - self.flushed_at > WRITE_SECONDS):
            self._flush()

    def _flush(self) -> None:
        """Write what is queued in one transaction, each write in a savepoint: one that fails is
        rolled back alone and its pages recorded like any failed item. Counters count on commit."""
        batch, self.pending = self.pending, []
        if self.unchanged:
            batch.insert(0, (tuple(url for url, _, _ in self.unchanged), partial(self._write_unchanged,
                                                                                 self.unchanged)))
            self.unchanged = []
        counts: Counter[str] = Counter()
        failed: list[tuple[str, Exception]] = []
        try:
            if batch:
                with self.store.transaction():
                    for urls, write in batch:
                        try:
                            with self.store.savepoint():
                                write(counts)
                        except Exception as exc:  # the item boundary (see `_work`), reached late
                            failed.extend((url, exc) for url in urls)
        except StoreError as exc:  # the batch could not be begun or committed (a database locked too long)
            counts, failed = self._batch_failed(sum(len(urls) for urls, _ in batch), exc), []
        finally:
            self.pending_hashes.clear()
        self.counters.update(counts)
        for url, error in failed:
            self._item_failed(url, error)
        self.flushed_at = time.monotonic()

    def _batch_failed(self, pages: int, exc: StoreError) -> Counter[str]:
        log.error("writing %d crawled pages failed: %s", pages, exc.message)
        self.blind_spots += 1
        return Counter({"crawl/error": pages})

    def _sitemap(self, item: _Item, result: FetchResult) -> None:
        try:
            sitemap = parse_sitemap(result.body)
        except ExtractError as exc:
            self.counters["sitemap/error"] += 1
            self.blind_spots += 1
            self._log(item, result, error="sitemap", message=exc.message)
            return
        pages = sitemap.urls if sitemap.kind == "urlset" else ()
        children = sitemap.urls if sitemap.kind == "sitemapindex" else ()
        with self.store.transaction():
            self.store.save_page(result, url=item.url, source=self.source.name, kind="sitemap", links=pages,
                                 next_pages=children)
            self._log(item, result)
        self.counters["sitemap/urls"] += len(pages)
        self._follow(item, pages, children)

    async def _page(self, item: _Item, result: FetchResult, state: StoredPage | None) -> None:
        known = {i: h for i in (state.advert_ids if state else ()) if (h := self._stored_hash(i))}
        try:
            found = await self.analyser.analyse(result, self.source, known)
        except ExtractError as exc:
            self.counters["extract/error"] += 1
            self._log(item, result, error="extract", message=exc.message)
            return
        self.counters["extract/pages"] += 1
        page = found.page
        unchanged = [a.id for a in page.adverts if self._stored_hash(a.id) == found.hashes[a.id]]
        scans = [found.scans.get(a.id) or self.scanner.scan(a) for a in page.adverts if a.id not in unchanged]
        self.pending_hashes.update((a.id, found.hashes[a.id]) for a in page.adverts)
        self.seen_ids.update(a.id for a in page.adverts)
        self._follow(item, page.links, page.next_pages)
        self._write(item.url, partial(self._write_page, item, result, found, unchanged, scans))

    def _stored_hash(self, advert_id: str) -> str | None:
        return self.pending_hashes.get(advert_id) or self.store.advert_hash(advert_id)

    def _write_page(self, item: _Item, result: FetchResult, found: Analysis, unchanged: list[str],
                    scans: list[ScanResult], counts: Counter[str]) -> None:
        page = found.page
        sha = self.store.save_page(result, url=item.url, source=self.source.name, links=page.links,
                                   next_pages=page.next_pages, advert_ids=[a.id for a in page.adverts],
                                   packed=found.packed)
        self._log(item, result)
        self.store.touch_adverts(unchanged, run=self.run)
        stored = [self.store.save_scan(r, source=self.source.name, page=sha, run=self.run) for r in scans]
        _count(counts, stored, scans, len(unchanged))

    def _log(self, item: _Item, result: FetchResult, *, error: str | None = None, message: str | None = None) -> None:
        self.store.record_fetches([self._entry(item.url, result, error=error, message=message)])

    def _entry(self, url: str, result: FetchResult, *, error: str | None = None,
               message: str | None = None) -> FetchLogEntry:
        return FetchLogEntry(url, self.run, self.source.name, result.status, error, message, result.final_url,
                             len(result.body), result.elapsed, result.fetched_at)

    def _log_error(self, url: str, kind: str, message: str, status: int | None) -> None:
        self.store.record_fetch(url, run=self.run, source=self.source.name, status=status, error=kind,
                                message=message)


def _count(counts: Counter[str], stored: Iterable[Any], scans: Sequence[ScanResult], unchanged: int) -> None:
    counts["adverts/unchanged"] += unchanged
    for up in stored:
        counts[f"adverts/{up.status}"] += 1
    for result in scans:
        counts["scan/adverts"] += 1
        counts["adverts/flagged"] += int(result.flagged)
        for finding in result.findings:
            counts[f"match/rule/{finding.rule}"] += 1


# --- a run over many sources -------------------------------------------------------------------

async def crawl(sources: Iterable[Source], store: Store, scanner: Scanner, settings: Settings, *,
                progress: Progress | None = None, command: str = "crawl",
                analyser: Analyser | None = None) -> RunSummary:
    """Crawl every source (concurrently; politely within each host), scan and store; one run row.

    Hold `run_lock` around it when other processes may crawl the same database. Pages are
    extracted in this process unless an `analyser` (see `analyser_for`) says otherwise.
    """
    analyser = analyser or Analyser()
    sources = tuple(sources)
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ConfigError(f"source names must be unique in one run: {sorted({n for n in names if names.count(n) > 1})}")
    changed = {s.name for s in sources if store.source_start_urls(s.name) not in (None, s.start_urls)}
    for source in sources:
        store.upsert_source(source.name, kind=source.kind, start_urls=source.start_urls, config=asdict(source))
    run = store.start_run(command, sources=[s.name for s in sources], ruleset=scanner.ruleset.hash,
                          settings_digest=settings.digest())
    started = now_iso()
    try:
        summaries = await asyncio.gather(*(_crawl_source(s, store, scanner, analyser, settings, run, progress,
                                                         scope_changed=s.name in changed) for s in sources))
    except BaseException:
        store.finish_run(run, status="interrupted", counters={})
        raise
    counters: Counter[str] = Counter()
    for summary in summaries:
        counters.update(summary.counters)
    failed = sum(s.status == "failed" for s in summaries)
    status = "failed" if failed and failed == len(summaries) else "partial" if failed else "ok"
    store.finish_run(run, status=status, counters={**summarize(counters), "counters": dict(counters)})
    return RunSummary(run, status, started, now_iso(), tuple(summaries), dict(counters))


async def _crawl_source(source: Source, store: Store, scanner: Scanner, analyser: Analyser, settings: Settings,
                        run: int, progress: Progress | None, *, scope_changed: bool) -> SourceSummary:
    overrides = {k: v for k, v in asdict(source.politeness).items() if v is not None}
    fetch_settings = settings.with_overrides(**overrides) if overrides else settings
    counters: Counter[str] = Counter()
    async with Fetcher(fetch_settings, stats=counters) as fetcher:
        job = _SourceCrawl(source, store, scanner, fetcher, analyser, run, limit=source.max_pages or settings.max_pages,
                           workers=max(1, settings.concurrency), progress=progress, counters=counters,
                           scope_changed=scope_changed)
        return await job.run_all()


def run_crawl(sources: Sequence[Source], db: str | Path, scanner: Scanner, settings: Settings, *,
              progress: Progress | None = None, command: str = "crawl", processes: int | None = None) -> RunSummary:
    """`crawl` under the database's run lock (`LockedError` when another run holds it), extracting
    and scanning in `processes` workers (None: one per CPU, see `default_processes`; 0: none)."""
    with analyser_for(scanner, processes) as analyser, run_lock(lock_path(db, settings.lock_file)), \
            Store(db) as store:
        store.close_stale_runs()
        return asyncio.run(crawl(sources, store, scanner, settings, progress=progress, command=command,
                                 analyser=analyser))


@dataclass(frozen=True, slots=True)
class NightlyResult:
    run: RunSummary
    digest: Digest
    files: DigestFiles
    alerts: AlertResult

    @property
    def ok(self) -> bool:
        """No source failed and every alert went out."""
        return not self.run.failed_sources and not self.alerts.errors

    def to_dict(self) -> dict[str, Any]:
        return {**self.run.to_dict(), "failed_sources": list(self.run.failed_sources),
                "digest": {"html": str(self.files.html), "json": str(self.files.json), "flagged": len(self.digest.items)},
                "alerts": {"adverts": self.alerts.adverts, "webhook": self.alerts.webhook, "email": self.alerts.email,
                           "errors": list(self.alerts.errors)}}


def nightly(sources: Sequence[Source], db: str | Path, scanner: Scanner, settings: Settings, *,
            progress: Progress | None = None, processes: int | None = None) -> NightlyResult:
    """Crawl every source, scan and store, then write the digest and send alerts, under the run lock
    (`processes` as in `run_crawl`)."""
    with analyser_for(scanner, processes) as analyser, run_lock(lock_path(db, settings.lock_file)), \
            Store(db) as store:
        store.close_stale_runs()
        summary = asyncio.run(crawl(sources, store, scanner, settings, progress=progress, command="nightly",
                                    analyser=analyser))
        digest = build_digest(store, summary.run_id)
        files = write_digest(digest, settings.digest_dir)
        store.set_run_digest(summary.run_id, str(files.html))
        alerts = send_alerts(digest, settings, digest_path=str(files.html))
        return NightlyResult(summary, digest, files, alerts)
