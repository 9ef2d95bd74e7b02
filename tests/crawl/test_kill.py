"""SIGKILL the crawler at random moments, then let it finish: a consistent database, every advert once.

The killed children run `run_crawl` with a stand-in scanner (`tests.support.stand_in`): they start in
a second instead of building the rule matcher, and more of their time is spent writing, so more kills
land inside transactions. The last run is the real `redflag crawl` on the database they left.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.board_content import load_adverts
from tests.support.board_server import BoardServer

ROOT = Path(__file__).resolve().parents[2]
KILLS = 3
# The board is a fixed-size sample of the corpora: served whole, it grew with every corpus set
# written (12,900 adverts by 27 November) until the last full run outgrew its timeout.
BOARD_ADVERTS = 4000


def query(db: Path, sql: str) -> int:
    """One number, read while the crawler writes (WAL lets readers in); 0 before the tables exist."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute(sql).fetchone()[0] or 0)
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_sigkill_at_random_moments_then_a_full_run(tmp_path: Path) -> None:
    # corpus adverts once per page address: ids repeat across the corpus sets (en-r01 is in
    # several), and the board serves one page per section and id; a seeded sample of them
    unique = list({(a.kind, a.id): a for a in load_adverts(*sorted((ROOT / "corpora").glob("*/*.jsonl")))}.values())
    adverts = tuple(random.Random(7).sample(unique, min(BOARD_ADVERTS, len(unique))))
    rng = random.Random(20250106)
    db = tmp_path / "k.db"
    # lift the per-run page cap (5,000 by default) above the board's size
    env = {**os.environ, "REDFLAG_MIN_DELAY": "0", "REDFLAG_TIMEOUT": "5", "REDFLAG_CONCURRENCY": "4",
           "REDFLAG_MAX_PAGES": str(2 * len(adverts) + 100)}
    with BoardServer(adverts=adverts, per_page=20) as board:
        child = [sys.executable, "-m", "tests.support.stand_in", str(db), board.url("/")]
        cmd = [sys.executable, str(ROOT / "cli.py"), "crawl", board.url("/"), "--kind", "job", "--db", str(db),
               "--allow-private", "--json"]
        killed_at = []
        for _ in range(KILLS):
            threshold = rng.randint(5, 300)  # the crawl is killed after this many fetch-log rows, plus a jitter
            last_run = query(db, "SELECT max(id) FROM runs")
            proc = subprocess.Popen(child, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                if (done := query(db, f"SELECT count(*) FROM fetch_log WHERE run_id > {last_run}")) >= threshold:
                    time.sleep(rng.uniform(0, 0.03))
                    proc.send_signal(signal.SIGKILL)
                    killed_at.append(done)
                    break
                time.sleep(0.005)
            proc.wait(timeout=10)
        final = subprocess.run(cmd, env=env, capture_output=True, timeout=120, text=True, check=False)
    assert final.returncode == 0, final.stderr[-2000:]
    doc = json.loads(final.stdout)
    assert len(killed_at) == KILLS, "every kill landed mid-crawl"

    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]
        assert one("PRAGMA integrity_check") == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = one("SELECT count(*) FROM adverts")
        assert stored >= 0.95 * len(adverts)  # the rest are pages the extractor does not take for adverts
        assert one("SELECT count(DISTINCT url) FROM adverts") == stored  # each advert page once
        assert one("SELECT count(*) FROM advert_versions") == stored  # nothing re-stored as a new version
        assert one("SELECT count(*) FROM scans") == stored  # nor re-scanned (the real scanner saw only new ones)
        assert one("SELECT count(*) FROM adverts WHERE status != 'active'") == 0
        assert one("SELECT count(*) FROM (SELECT url FROM pages GROUP BY url HAVING count(*) > 1)") == 0
        statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted"] * KILLS + ["ok"]
    assert doc["ok"] and doc["adverts"]["gone"] == 0 and doc["adverts"]["changed"] == 0
    assert doc["adverts"]["new"] + doc["adverts"]["unchanged"] == stored
