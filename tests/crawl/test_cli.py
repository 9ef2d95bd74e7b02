"""The crawl, nightly, export, purge and demo commands end to end, in-process, against local servers."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import scanner.cli as cli_module
import scanner.demo as demo_module
from scanner.cli import cli, main
from scanner.pipeline import Scanner
from scanner.store import lock_path, run_lock
from tests.support.board_content import Page
from tests.support.board_server import BoardServer
from tests.support.receivers import WebhookReceiver

COMMANDS = ("crawl", "nightly", "export", "purge", "demo")


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch, scanner: Scanner) -> None:
    """One compiled scanner for every command, and settings for 127.0.0.1 through the environment."""
    monkeypatch.setattr(cli_module, "_scanner", lambda settings: scanner)
    for key, value in {"MIN_DELAY": "0", "TIMEOUT": "2", "BACKOFF_BASE": "0.01", "MAX_RETRIES": "1",
                       "ALLOW_PRIVATE": "1"}.items():
        monkeypatch.setenv(f"REDFLAG_{key}", value)


def redflag(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def sources_file(tmp_path: Path, *boards: tuple[str, str]) -> str:
    path = tmp_path / "sources.toml"
    path.write_text("".join(f'[[source]]\nname = "{name}"\nstart_urls = ["{url}"]\nkind = "job"\n\n'
                            for name, url in boards))
    return str(path)


def test_crawl_twice_then_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "a.db")
    with BoardServer() as board:
        code, out, _ = redflag(capsys, "crawl", board.url("/"), "--kind", "job", "--db", db, "--json")
        first = json.loads(out)
        code2, out2, _ = redflag(capsys, "crawl", board.url("/"), "--kind", "job", "--db", db, "--json")
    second = json.loads(out2)
    assert (code, code2) == (0, 0) and first["ok"] and first["adverts"]["new"] >= 10 and first["flagged"] > 0
    assert second["not_modified"] == second["fetched"] == first["fetched"] and second["adverts"]["new"] == 0
    code, out, _ = redflag(capsys, "export", "--db", db, "--format", "jsonl", "--flagged")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == first["flagged"] and all(r["flagged"] and r["matches"] for r in rows)
    code, out, _ = redflag(capsys, "export", "--db", db, "--format", "csv", "--status", "active", "--since", "2000-01-01")
    assert code == 0 and len(list(csv.DictReader(io.StringIO(out)))) == first["adverts"]["new"]
    code, out, _ = redflag(capsys, "purge", "--db", db, "--older-than", "0", "--json")
    assert code == 0 and json.loads(out)["ok"]


def test_crawl_with_a_failing_source_exits_4_and_stores_the_rest(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with BoardServer() as good, BoardServer(robots=Page(503, {"Content-Type": "text/plain"}, b"down")) as bad:
        path = sources_file(tmp_path, ("good", good.url("/")), ("bad", bad.url("/")))
        code, out, err = redflag(capsys, "crawl", "--sources", path, "--db", str(tmp_path / "b.db"), "--json")
    doc = json.loads(out)
    assert code == 4 and not doc["ok"] and "bad" in err
    assert {s["name"]: s["status"] for s in doc["sources"]} == {"good": "ok", "bad": "failed"}


def test_nightly_writes_a_digest_alerts_and_refuses_to_overlap(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    db, digests = str(tmp_path / "n.db"), tmp_path / "digests"
    with BoardServer() as board, WebhookReceiver() as hook:
        monkeypatch.setenv("REDFLAG_WEBHOOK_URL", hook.url)
        monkeypatch.setenv("REDFLAG_ALERT_SCORE", "0.5")
        path = sources_file(tmp_path, ("board", board.url("/")))
        code, out, _ = redflag(capsys, "nightly", "--sources", path, "--db", db, "--digest-dir", str(digests), "--json")
        doc = json.loads(out)
        assert code == 0 and doc["ok"] and doc["digest"]["flagged"] > 0 and doc["alerts"]["webhook"]
        assert json.loads(hook.posts[0][1])["count"] == doc["alerts"]["adverts"]
        assert Path(doc["digest"]["html"]).read_text().count("<article>") == doc["digest"]["flagged"]
        with run_lock(lock_path(db)):
            code, out, _ = redflag(capsys, "nightly", "--sources", path, "--db", db, "--json")
        assert code == 1 and json.loads(out)["code"] == "RF-E161"
        code, out, _ = redflag(capsys, "nightly", "--sources", path, "--db", db, "--digest-dir", str(digests))
    assert code == 0 and "digest:" in out and "0 newly flagged" in out  # nothing new the second night


def test_usage_and_missing_database_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert redflag(capsys, "crawl", "--db", str(tmp_path / "x.db"))[0] == 2  # neither URLs nor --sources
    code, _, err = redflag(capsys, "export", "--db", str(tmp_path / "missing.db"))
    assert code == 1 and "no database" in err


def test_demo_command_with_a_small_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch, scanner: Scanner) -> None:
    root = Path(__file__).resolve().parents[2] / "corpora"
    monkeypatch.setattr(demo_module, "corpus_files", lambda: [root / "test" / "lv.jsonl", root / "test" / "ru.jsonl"])
    monkeypatch.setattr(demo_module, "Scanner", lambda settings: scanner)
    code, out, _ = redflag(capsys, "demo", "--db", str(tmp_path / "demo.db"), "--top", "2")
    assert code == 0 and "second crawl:" in out and "0 re-extracted" in out
    code, out, _ = redflag(capsys, "demo", "--db", str(tmp_path / "demo2.db"), "--json")
    doc: dict[str, Any] = json.loads(out)
    assert doc["stored"] == doc["adverts_served"] == 69 and doc["second_crawl"]["adverts"]["new"] == 0
    assert all(ok == total for ok, total in doc["titles_ok"].values())  # every layout and charset read right
    assert Path(doc["digest"]["html"]).exists()


@pytest.mark.parametrize("name", COMMANDS)
def test_every_new_command_has_help_with_an_example(name: str) -> None:
    command = cli.commands[name]
    assert command.help and "Example:" in command.help
    assert all(p.help for p in command.params if p.name != "urls")


def test_urls_on_one_site_make_one_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with BoardServer() as board:
        code, out, _ = redflag(capsys, "crawl", board.url("/jobs/"), board.url("/dating/"), "--db",
                               str(tmp_path / "one.db"), "--json")
    doc = json.loads(out)
    assert code == 0 and [s["name"] for s in doc["sources"]] == ["127.0.0.1"] and doc["adverts"]["new"] >= 10
