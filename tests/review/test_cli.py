"""The review, users and export commands (thin skins over scanner.review)."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.store import Store

from .helpers import PASSWORD, ReviewDb


def run(capsys, monkeypatch=None, stdin: str | None = None, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_.value.code), out, err


def test_users_add_list_disable(capsys, monkeypatch, db: ReviewDb) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, monkeypatch, PASSWORD + "\n", "users", "add", "Kate", "--role", "admin",
                       "--password-stdin", "--db", db.path)
    assert code == 0 and "added admin kate" in out
    code, out, _ = run(capsys, None, None, "users", "list", "--json", "--db", db.path)
    users = {u["name"]: u for u in json.loads(out)["users"]}
    assert code == 0 and users["kate"]["role"] == "admin" and users["old"]["disabled"] and "password" not in out
    assert run(capsys, None, None, "users", "disable", "kate", "--db", db.path)[0] == 0
    code, _, err = run(capsys, monkeypatch, "short\n", "users", "add", "bob", "--password-stdin", "--db", db.path)
    assert code == 2 and "at least" in err
    assert run(capsys, None, None, "users", "disable", "ghost", "--db", db.path)[0] == 1


def test_review_list_set_show_history(capsys, db: ReviewDb) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, None, None, "review", "list", "--json", "--db", db.path)
    assert code == 0 and [r["id"] for r in json.loads(out)["adverts"]] == ["a1", "a2", "a3", "a4"]
    code, out, _ = run(capsys, None, None, "review", "set", "a1", "--status", "escalated", "--note", "to police",
                       "--user", "ana", "--db", db.path)
    assert code == 0 and "escalated by ana" in out
    assert run(capsys, None, None, "review", "set", "a1", "--status", "confirmed", "--user", "old",
               "--db", db.path)[0] == 1  # disabled
    assert run(capsys, None, None, "review", "set", "a1", "--status", "confirmed", "--user", "nobody",
               "--db", db.path)[0] == 1
    assert run(capsys, None, None, "review", "set", "zz", "--status", "confirmed", "--user", "ana",
               "--db", db.path)[0] == 1
    code, out, _ = run(capsys, None, None, "review", "list", "--status", "escalated", "--db", db.path)
    assert "a1" in out and "a2" not in out
    code, out, _ = run(capsys, None, None, "review", "history", "a1", "--json", "--db", db.path)
    doc = json.loads(out)
    assert doc["verdicts"][0]["note"] == "to police" and doc["audit"][0]["detail"]["via"].startswith("cli:")
    code, out, _ = run(capsys, None, None, "review", "show", "a1", "--db", db.path)
    assert code == 0 and "RF0107" in out and "+37120000001" in out and "escalated" in out
    code, out, _ = run(capsys, None, None, "review", "show", "a1", "--json", "--db", db.path)
    assert json.loads(out)["near_duplicates"][0]["id"] == "a2"
    assert json.loads(run(capsys, None, None, "review", "verify", "--json", "--db", db.path)[1])["ok"]
    assert run(capsys, None, None, "review", "link", "--db", db.path)[0] == 0


def test_export_status_and_bundle(capsys, tmp_path: Path, db: ReviewDb) -> None:  # type: ignore[no-untyped-def]
    run(capsys, None, None, "review", "set", "a3", "--status", "confirmed", "--user", "ana", "--db", db.path)
    code, out, _ = run(capsys, None, None, "export", "--status", "confirmed", "--db", db.path)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == ["a3"] and rows[0]["verdict_user"] == "ana"
    code, out, _ = run(capsys, None, None, "export", "--status", "active", "--db", db.path)
    assert code == 0 and len(out.splitlines()) == 5  # the store's own export still works
    target = tmp_path / "b.zip"
    code, out, _ = run(capsys, None, None, "export", "--bundle", "a3", "--cluster", "-o", str(target), "--db", db.path)
    assert code == 0 and "3 advert(s)" in out
    assert len(json.loads(zipfile.ZipFile(target).read("manifest.json"))["adverts"]) == 3
    with Store(db.path) as store:
        actions = [r[0] for r in store.conn.execute("SELECT action FROM audit_log")]
    assert "export" in actions and "bundle" in actions
    assert run(capsys, None, None, "export", "--bundle", "nope", "--db", db.path)[0] == 1


def test_serve_refuses_insecure_cookies_off_loopback(capsys, db: ReviewDb) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, None, None, "serve", "--db", db.path, "--host", "0.0.0.0", "--insecure-cookies")
    assert code == 2 and "loopback" in err
