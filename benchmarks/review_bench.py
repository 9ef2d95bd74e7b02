"""Review app speed with a large database: /queue and /adverts/<id> through the ASGI app.

Fills a fresh SQLite store with N synthetic adverts (default 100,000; about 30 % flagged,
each with a version, a scan with 2-6 matches and contacts drawn from a shared pool, so
the review index, the FTS index and contact links are as big as a real year of crawling),
signs them all for near-duplicate search, then renders each page R times through
Starlette's TestClient with a logged-in session and prints median and p95 in ms.
Target: under 200 ms per page. Timings are printed, never asserted.

    python -m benchmarks review [--adverts 100000] [--repeat 40] [--db PATH] [--quick]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

WORDS = ["darbs", "ārzemēs", "noliktavā", "alga", "eiro", "mēnesī", "dzīvoklis", "bez", "maksas", "ceļu", "apmaksājam", "pasi", "atstāsi", "pie", "mums", "valoda", "nav", "vajadzīga", "zvani", "tagad", "работа", "германии", "жильё", "бесплатно", "паспорт", "оставите", "у", "нас", "робота", "польщі", "житло", "безкоштовно", "warehouse", "work", "abroad", "free", "housing", "no", "experience", "needed", "passport", "kept", "safe", "hostess", "young", "girls", "only", "high", "pay", "cash", "daily", "visa", "help", "transport", "provided", "interview", "online", "contract", "later"]
CATEGORIES = [("RF0101", "work_abroad"), ("RF0103", "free_housing_travel"), ("RF0104", "debt_advance"),
              ("RF0107", "document_retention"), ("RF0201", "unrealistic_pay"), ("RF0301", "gender_age_restriction"),
              ("RF0905", "missing_employer"), ("RF0401", "no_experience"), ("RF0501", "urgency")]
CITIES = ("Rīga", "Daugavpils", "Liepāja", "Jelgava", "Ventspils", "Kyiv", "Lviv", "Berlin", "Oslo")
FORMS = ("labour", "sexual", "marriage", "begging_crime", "documents", "fee_scam")
LANGS = ("lv", "ru", "uk", "en")
PASSWORD = "benchmark password"


def _advert(n: int, rnd: random.Random) -> tuple[tuple, tuple, dict]:
    title = " ".join(rnd.choices(WORDS, k=4)).capitalize()
    text = " ".join(rnd.choices(WORDS, k=rnd.randint(60, 120))) + f". Zvani +3712{n % 20000:07d}."
    full = f"{title}\n{text}"
    flagged = rnd.random() < 0.3
    score = round(rnd.uniform(0.5, 1.0) if flagged else rnd.uniform(0.0, 0.49), 4)
    matches = []
    for rule, category in rnd.sample(CATEGORIES, rnd.randint(2, 6)):
        start = rnd.randrange(0, max(1, len(full) - 20))
        matches.append({"rule": rule, "category": category, "start": start, "end": start + 12,
                        "text": full[start:start + 12], "lang": "lv", "weight": 0.3, "base_weight": 0.3,
                        "title": f"Rule {rule}", "source": "https://example.org/source", "reason": "bench"})
    contacts = [{"kind": "phone", "value": f"+3712{n % 20000:07d}", "start": 0, "end": 0, "obfuscated": False}]
    day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00.000000+00:00"
    row = {"id": f"ad{n:06d}", "title": title, "text": text, "flagged": int(flagged), "score": score, "day": day,
           "lang": rnd.choice(LANGS), "form": rnd.choice(FORMS) if flagged else "none", "city": rnd.choice(CITIES)}
    scan = (n + 1, row["id"], 1, "bench-ruleset", score, int(flagged), row["form"], row["lang"],
            json.dumps(matches, ensure_ascii=False), json.dumps({c: 0.3 for _, c in CATEGORIES[:3]}), "[]",
            json.dumps(contacts), day)
    version = (row["id"], 1, f"h{n}", title, text, "{}", f"https://board.example/{n}", None, None, day)
    return scan, version, row


def fill(path: str, count: int, seed: int = 1) -> float:
    """A store with `count` adverts, versions and scans, written with executemany; returns seconds."""
    from scanner.store import Store

    rnd, started = random.Random(seed), time.perf_counter()
    with Store(path) as store:
        conn = store.conn
        conn.execute("PRAGMA foreign_keys=OFF")  # bulk load in dependency-free order
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO sources (name, kind, added_at) VALUES (?, 'job', '2025-01-01')",
                         [(f"board{i}",) for i in range(8)])
        batch_s, batch_v, batch_a = [], [], []
        for n in range(count):
            scan, version, r = _advert(n, rnd)
            batch_s.append(scan)
            batch_v.append(version)
            batch_a.append((n + 1, r["id"], f"board{n % 8}", f"https://board.example/{n}", "job", r["title"],
                            r["text"], r["lang"], json.dumps({"location": r["city"]}, ensure_ascii=False), f"h{n}",
                            1, r["day"], r["day"], r["day"], n + 1, r["flagged"], r["score"], r["form"],
                            r["flagged"]))
        conn.executemany("INSERT INTO scans (id, advert_id, version, ruleset, score, flagged, form, lang, matches, "
                         "categories, combinations, contacts, scanned_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", batch_s)
        conn.executemany("INSERT INTO advert_versions (advert_id, version, content_hash, title, text, fields, url, "
                         "page_sha256, run_id, seen_at) VALUES (?,?,?,?,?,?,?,?,?,?)", batch_v)
        conn.executemany("INSERT INTO adverts (pk, id, source, url, kind, title, text, lang, fields, content_hash, "
                         "version, first_seen, last_seen, changed_at, scan_id, flagged, score, form, ever_flagged) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch_a)
        conn.execute("COMMIT")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("ANALYZE")
    return time.perf_counter() - started


def _time(client, url: str, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks review", description=__doc__.split("\n")[0])
    parser.add_argument("--adverts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--db", help="Keep the database here (default: a temporary folder).")
    parser.add_argument("--quick", action="store_true", help="10,000 adverts, 15 repeats.")
    args = parser.parse_args(argv)
    if args.quick:
        args.adverts, args.repeat = 10_000, 15
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or str(Path(tmp) / "review-bench.db")
        run(path, args.adverts, args.repeat)
    return 0


def run(path: str, count: int, repeat: int) -> None:
    from starlette.testclient import TestClient

    from scanner.review.app import create_app
    from scanner.review.auth import add_user
    from scanner.review.linking import sync_near_duplicates
    from scanner.store import Store

    print(f"filling {count:,} adverts ...", flush=True)
    seconds = fill(path, count)
    print(f"  stored in {seconds:.1f} s ({count / seconds:,.0f} adverts/s, with review and FTS indexes)")
    with Store(path) as store:
        started = time.perf_counter()
        signed = sync_near_duplicates(store, batch=2000)
        took = time.perf_counter() - started
        print(f"  MinHash-signed {signed:,} adverts in {took:.1f} s ({signed / took:,.0f}/s)")
        add_user(store, "bench", "analyst", PASSWORD)
        flagged = store.conn.execute("SELECT count(*) FROM adverts WHERE flagged = 1").fetchone()[0]
        target = store.conn.execute("SELECT id FROM adverts WHERE flagged = 1 ORDER BY score DESC LIMIT 1 OFFSET 500"
                                    ).fetchone()[0]
    app = create_app(path, secure_cookies=False, sync_interval=None)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        login = client.get("/login")
        token = login.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
        pages = [("queue (by score)", "/queue"), ("queue (newest)", "/queue?sort=newest"),
                 ("queue (lang+category+score)", "/queue?lang=lv&category=document_retention&score_min=0.7"),
                 ("queue (full-text search)", "/queue?q=passport"), (f"advert {target}", f"/adverts/{target}"),
                 ("search (all adverts)", "/search?q=hostess"), ("rules", "/rules")]
        print(f"\n{count:,} adverts, {flagged:,} flagged; {repeat} renders per page through the ASGI app")
        print(f"{'page':<32}{'median ms':>10}{'p95 ms':>10}  target < 200 ms")
        for name, url in pages:
            client.get(url)  # warm the page cache and templates
            median, p95 = _time(client, url, repeat)
            target_note = "" if name in ("rules", "search (all adverts)") else ("ok" if p95 < 200 else "SLOW")
            print(f"{name:<32}{median:>10.1f}{p95:>10.1f}  {target_note}")


if __name__ == "__main__":
    raise SystemExit(main())
