"""Crawl against the local board with a stand-in scanner: what is stored, re-read, counted, marked gone."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import scanner.crawl as crawl_module
from scanner.crawl import ProgressEvent, crawl, default_processes, run_crawl, summarize
from scanner.errors import ConfigError, LockedError
from scanner.settings import Settings
from scanner.sources import Source, source_from_url
from scanner.store import Store, lock_path, run_lock
from tests.support import board_server
from tests.support.board_content import Page
from tests.support.board_server import BoardServer
from tests.support.stand_in import StandInScanner

SETTINGS = Settings(allow_private=True, min_delay=0.0, timeout=2.0, backoff_base=0.01, max_retries=1,
                    max_retry_after=0.5, max_host_delay=0.5, concurrency=4)


@pytest.fixture(autouse=True)
def no_nagle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The board writes headers and body separately; with Nagle on, each page waits ~40 ms for a
    delayed ACK. TCP_NODELAY, as real servers set it, keeps these tests quick."""
    monkeypatch.setattr(board_server._Handler, "disable_nagle_algorithm", True)


@pytest.fixture
def board() -> Any:
    with BoardServer() as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store(tmp_path / "c.db") as s:
        yield s


def run(sources: list[Source], store: Store, scanner: Any, settings: Settings = SETTINGS, **kw: Any) -> Any:
    return asyncio.run(crawl(sources, store, scanner, settings, **kw))  # type: ignore[arg-type]


def test_first_crawl_stores_every_advert_once(board: BoardServer, store: Store) -> None:
    events: list[ProgressEvent] = []
    summary = run([source_from_url(board.url("/"), "job")], store, StandInScanner(), progress=events.append)
    assert summary.status == "ok" and summary.sources[0].complete
    # every advert page extraction accepts (a very short dating profile may not count as an advert)
    assert store.count("adverts") == summary.totals()["adverts"]["new"] >= len(board.adverts) - 1
    assert summary.totals()["flagged"] == sum(r["flagged"] for r in store.export()) > 0
    assert summary.counters["fetch/request"] >= store.count("pages") and not summary.totals()["errors"]
    assert events[-1].finished and events[-1].done == events[-1].total
    row = store.run(summary.run_id)
    assert row is not None and row["status"] == "ok" and row["ruleset"] == "stand-in-rules"
    assert row["counters"]["adverts"]["new"] == store.count("adverts")


def test_second_crawl_sends_conditional_requests_and_reads_nothing_again(
        board: BoardServer, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    source = source_from_url(board.url("/"), "job")
    first = run([source], store, StandInScanner())
    extracted: list[str] = []
    real = crawl_module.extract_page
    monkeypatch.setattr(crawl_module, "extract_page", lambda r, s: extracted.append(r.url) or real(r, s))
    scanner, start = StandInScanner(), len(board.log)
    summary = run([source], store, scanner)
    again = [r for r in board.settled_log(start) if r.path != "/robots.txt"]
    assert again and all("if-none-match" in r.headers for r in again) and {r.answer for r in again} == {304}
    assert extracted == [] and scanner.scanned == []
    assert summary.totals()["adverts"] == {"new": 0, "changed": 0, "unchanged": store.count("adverts"), "gone": 0}
    assert summary.totals()["not_modified"] == first.totals()["fetched"]


def test_a_changed_advert_gets_a_version_and_a_removed_one_is_marked_gone(board: BoardServer, store: Store) -> None:
    source = source_from_url(board.url("/"), "job")
    run([source], store, StandInScanner())
    stored = store.count("adverts")
    changed, removed = board.adverts[1], board.adverts[0]
    board.adverts = tuple(replace(a, text=a.text + "\nPasi glabās darba devējs.") if a is changed else a
                          for a in board.adverts if a is not removed)
    scanner = StandInScanner()
    summary = run([source], store, scanner)
    assert summary.totals()["adverts"] == {"new": 0, "changed": 1, "unchanged": stored - 2, "gone": 1}
    assert len(scanner.scanned) == 1
    rows = {r["title"]: r for r in store.export()}
    assert rows[changed.title]["version"] == 2 and rows[removed.title]["status"] == "gone"
    assert store.count("adverts") == stored  # gone is kept, never deleted


def test_a_page_limit_turns_gone_marking_off(board: BoardServer, store: Store) -> None:
    source = source_from_url(board.url("/"), "job")
    run([source], store, StandInScanner())
    summary = run([replace(source, max_pages=3)], store, StandInScanner())
    assert not summary.sources[0].complete and summary.counters["crawl/limit_reached"] > 0
    assert summary.totals()["adverts"]["gone"] == 0 and all(r["status"] == "active" for r in store.export())


def test_bad_pages_are_logged_and_the_crawl_goes_on(store: Store) -> None:
    home = '<html><body><a href="/jobs/">Darbs</a> <a href="/empty.html">x</a> <a href="/gone.html">y</a></body></html>'
    pages = {"/": (200, {"Content-Type": "text/html; charset=utf-8"}, home),
             "/empty.html": (200, {"Content-Type": "text/html"}, b""),
             "/jobs/lv-101.html": (500, {"Content-Type": "text/html"}, "boom"),
             "/gone.html": (404, {"Content-Type": "text/html"}, "gone")}
    with BoardServer(pages) as board:
        summary = run([source_from_url(board.url("/"), "job")], store, StandInScanner())
    errors = dict(store.conn.execute("SELECT url, error FROM fetch_log WHERE error IS NOT NULL").fetchall())
    assert errors[board.url("/empty.html")] == "extract" and errors[board.url("/jobs/lv-101.html")] == "http_status"
    assert errors[board.url("/gone.html")] == "http_status"
    assert summary.sources[0].status == "partial" and summary.totals()["errors"]["extract"] == 1
    assert board.url("/jobs/lv-102.html") in {r["url"] for r in store.export()}
    assert board.url("/jobs/lv-101.html") not in {r["url"] for r in store.export()}
    assert not summary.sources[0].complete  # lv-101 failed with a 500: maybe still there, so nothing is marked gone


def test_a_source_that_cannot_be_reached_fails_alone(board: BoardServer, store: Store) -> None:
    with BoardServer(robots=Page(503, {"Content-Type": "text/plain"}, b"down")) as down:
        summary = run([source_from_url(board.url("/"), "job"),
                       replace(source_from_url(down.url("/"), "job"), name="down")], store, StandInScanner())
    assert summary.status == "partial" and summary.failed_sources == ("down",)
    failed = summary.sources[1]
    assert failed.error and summary.counters["fetch/error/robots_forbidden"] >= 1
    assert store.conn.execute("SELECT status FROM run_sources WHERE source = 'down'").fetchone()[0] == "failed"


def test_run_crawl_refuses_to_overlap(board: BoardServer, tmp_path: Path) -> None:
    db = tmp_path / "lock.db"
    with run_lock(lock_path(db)), pytest.raises(LockedError):
        run_crawl([source_from_url(board.url("/"), "job")], db, StandInScanner(), SETTINGS)  # type: ignore[arg-type]


def test_run_crawl_closes_runs_left_by_a_killed_process(board: BoardServer, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    with Store(db) as s:
        stale = s.start_run("crawl")
    summary = run_crawl([source_from_url(board.url("/"), "job")], db, StandInScanner(), SETTINGS)  # type: ignore[arg-type]
    with Store(db) as s:
        assert s.run(stale)["status"] == "interrupted" and s.run(summary.run_id)["status"] == "ok"  # type: ignore[index]


def test_summarize_picks_the_headline_figures() -> None:
    counters = {"crawl/fetched": 9, "fetch/304": 4, "fetch/error/timeout": 2, "extract/error": 1, "adverts/new": 3,
                "adverts/gone": 1, "adverts/flagged": 2, "match/rule/RF0101": 5}
    assert summarize(counters) == {"fetched": 9, "not_modified": 4, "errors": {"extract": 1, "timeout": 2},
                                   "adverts": {"new": 3, "changed": 0, "unchanged": 0, "gone": 1}, "flagged": 2}


def test_other_start_urls_do_not_mark_the_first_sections_adverts_gone(board: BoardServer, store: Store) -> None:
    jobs = replace(source_from_url(board.url("/jobs/"), "job"), sitemaps=False)
    run([jobs], store, StandInScanner())
    dating = replace(jobs, start_urls=(board.url("/dating/"),))
    summary = run([dating], store, StandInScanner())
    assert summary.counters["crawl/gone_skipped/scope_changed"] == 1
    assert all(r["status"] == "active" for r in store.export())
    assert run([dating], store, StandInScanner()).totals()["adverts"]["gone"] > 0  # same scope again: now it counts


def test_duplicate_source_names_are_refused(board: BoardServer, store: Store) -> None:
    source = source_from_url(board.url("/"), "job")
    with pytest.raises(ConfigError, match="unique"):
        run([source, source], store, StandInScanner())


# --- worker processes and batched writes ------------------------------------------------------------

needs_workers = pytest.mark.skipif(default_processes() < 1, reason="worker processes need Linux and 2+ CPUs")


def stored(db: Path) -> list[tuple[Any, ...]]:
    with Store(db) as s:
        return sorted((r["id"], r["url"], r["title"], r["text"], r["flagged"], r["score"], r["form"], r["version"])
                      for r in s.export())


def test_worker_processes_store_what_one_process_stores(board: BoardServer, tmp_path: Path) -> None:
    source = source_from_url(board.url("/"), "job")
    one = run_crawl([source], tmp_path / "one.db", StandInScanner(), SETTINGS, processes=0)  # type: ignore[arg-type]
    two = run_crawl([source], tmp_path / "two.db", StandInScanner(), SETTINGS, processes=2)  # type: ignore[arg-type]
    assert one.totals() == two.totals() and one.status == two.status == "ok"
    assert stored(tmp_path / "one.db") == stored(tmp_path / "two.db") != []
    again = run_crawl([source], tmp_path / "two.db", StandInScanner(), SETTINGS, processes=2)  # type: ignore[arg-type]
    assert again.totals()["adverts"]["unchanged"] == len(stored(tmp_path / "two.db"))


class DiesInWorkers(StandInScanner):
    """Kills any worker process that scans: a crash in native code looks like this."""

    def __init__(self) -> None:
        super().__init__()
        self.parent = os.getpid()

    def scan(self, advert: Any) -> Any:
        if os.getpid() != self.parent:
            os._exit(1)
        return super().scan(advert)


@needs_workers
def test_a_dead_worker_fails_its_pages_and_the_run_goes_on_in_the_crawler(board: BoardServer, tmp_path: Path) -> None:
    source = source_from_url(board.url("/"), "job")
    summary = run_crawl([source], tmp_path / "w.db", DiesInWorkers(), SETTINGS, processes=2)  # type: ignore[arg-type]
    assert summary.sources[0].status == "partial" and summary.counters["crawl/error"] >= 1
    assert not summary.sources[0].complete and summary.totals()["adverts"]["new"] > 0
    with Store(tmp_path / "w.db") as s:
        internal = s.conn.execute("SELECT count(*) FROM fetch_log WHERE error = 'internal'").fetchone()[0]
    assert internal == summary.counters["crawl/error"]
    rest = run_crawl([source], tmp_path / "w.db", StandInScanner(), SETTINGS, processes=0)  # type: ignore[arg-type]
    assert rest.sources[0].status == "ok" and 0 < rest.totals()["adverts"]["new"] <= internal
    run_crawl([source], tmp_path / "clean.db", StandInScanner(), SETTINGS, processes=0)  # type: ignore[arg-type]
    assert stored(tmp_path / "w.db") == stored(tmp_path / "clean.db")


def test_a_page_whose_writes_fail_is_rolled_back_alone(board: BoardServer, store: Store,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real = store.save_scan
    victim = board.url("/jobs/lv-102.html")

    def save_scan(result: Any, **kw: Any) -> Any:
        up = real(result, **kw)
        if result.advert.url == victim:
            raise RuntimeError("disk trouble on one page")
        return up
    monkeypatch.setattr(store, "save_scan", save_scan)
    summary = run([source_from_url(board.url("/"), "job")], store, StandInScanner())
    assert summary.counters["crawl/error"] == 1 and summary.sources[0].status == "partial"
    urls = {r["url"] for r in store.export()}
    assert victim not in urls and len(urls) == summary.totals()["adverts"]["new"] > 0
    rows = store.conn.execute("SELECT error FROM fetch_log WHERE url = ?", (victim,)).fetchall()
    assert rows == [("internal",)]  # its own fetch-log row went with the rest of its writes
    assert store.conn.execute("SELECT count(*) FROM pages WHERE url = ?", (victim,)).fetchone()[0] == 0


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.isdigit() and int(fields[1]) == pid:
            found.add(int(entry))
    return found


@needs_workers
def test_workers_die_with_a_killed_crawler(board: BoardServer, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-m", "tests.support.stand_in", str(tmp_path / "k.db"), board.url("/")],
                             cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (workers := _children(child.pid)) and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert workers, "the crawler started no worker processes"
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1][:3]
              for w in workers) and time.monotonic() < deadline:
        time.sleep(0.01)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and "Z" not in Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1][:3]]
    assert alive == []
