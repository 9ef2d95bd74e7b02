"""The CLI: every exit code, the --json shape, every command documented with an example."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest

from scanner.cli import cli, main

ROOT = Path(__file__).resolve().parents[2]
RED = "Darbs ārzemēs, dzīvoklis bez maksas. Pasi atstāsi pie mums glabāšanā. Ceļu apmaksājam, atstrādāsi no algas."


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_.value.code), out, err


def _commands(group: click.Group, prefix: str = ""):  # type: ignore[no-untyped-def]
    for name, cmd in group.commands.items():
        yield prefix + name, cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + name + " ")


@pytest.mark.parametrize("name, cmd", list(_commands(cli)))
def test_every_command_has_help_with_an_example(name: str, cmd: click.Command) -> None:
    assert cmd.help and "Example:" in cmd.help, name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"redflag {name}" in readme, f"README does not document `redflag {name}`"


def test_scan_text_human(capsys) -> None:
    code, out, _ = run(capsys, "scan", "--text", RED, "--kind", "job")
    assert code == 0 and "FLAGGED" in out and "source: http" in out


def test_scan_text_json_is_one_document(capsys) -> None:
    code, out, _ = run(capsys, "scan", "--text", RED, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is True and doc["flagged"] is True
    assert {"id", "flagged", "score", "lang", "form", "matches"} <= set(doc)


def test_fail_on_flagged_exits_3(capsys) -> None:
    assert run(capsys, "scan", "--text", RED, "--fail-on", "flagged")[0] == 3
    assert run(capsys, "scan", "--text", "Pārdevējs veikalā, alga 1100 EUR", "--fail-on", "flagged")[0] == 0


def test_scan_input_reports_malformed_lines_and_scans_the_rest(capsys, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": RED, "kind": "job"}, ensure_ascii=False) + "\n"
                   "{not json\n"
                   + json.dumps({"text": "no id"}) + "\n"
                   + json.dumps({"id": "a2", "text": "Pārdevējs veikalā, alga 1100 EUR", "lang": "lv"}) + "\n",
                   encoding="utf-8")
    code, out, err = run(capsys, "scan", "--input", str(src))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 4
    assert [r["id"] for r in rows] == ["a1", "a2"]
    assert "line 2" in err and "line 3" in err
    assert rows[0]["flagged"] and not rows[1]["flagged"]


def test_usage_error_exits_2(capsys) -> None:
    assert run(capsys, "scan")[0] == 2
    code, out, _ = run(capsys, "scan", "--json")
    assert code == 2 and json.loads(out)["ok"] is False


def test_missing_input_file_is_an_error(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "scan", "--input", str(tmp_path / "nope.jsonl"))
    assert code in (1, 2) and "nope.jsonl" in err


def test_invalid_rules_exit_5_with_every_problem(capsys, tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    (patterns / "vague_job" / "RF0998-x.yml").write_text("id: nope\n", encoding="utf-8")
    code, _, err = run(capsys, "--patterns", str(patterns), "rules", "lint")
    assert code == 5 and "RF0998-x.yml" in err


def test_invalid_rules_json_shape(capsys, tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", patterns)
    (patterns / "vague_job" / "RF0998-x.yml").write_text("id: nope\n", encoding="utf-8")
    code, out, _ = run(capsys, "--patterns", str(patterns), "rules", "list", "--json")
    doc = json.loads(out)
    assert code == 5 and doc["ok"] is False and doc["code"] == "RF-E130" and doc["problems"]


def test_rules_list_and_explain(capsys) -> None:
    code, out, _ = run(capsys, "rules", "list", "--json")
    doc = json.loads(out)
    assert code == 0 and len(doc["rules"]) >= 25
    code, out, _ = run(capsys, "rules", "explain", "RF0901")
    assert code == 0 and "pay_unrealistic" in out
    assert run(capsys, "rules", "explain", "RF0000")[0] == 1


def test_eval_prints_per_language(capsys) -> None:
    code, out, _ = run(capsys, "eval", str(ROOT / "corpora" / "dev" / "lv.jsonl"), "--json")
    doc = json.loads(out)
    assert code == 0 and "lv" in doc["lang"] and doc["overall"]["n"] > 0


def test_eval_sweep_rescores_at_each_threshold(capsys) -> None:
    code, out, _ = run(capsys, "eval", str(ROOT / "corpora" / "dev" / "ru.jsonl"), "--sweep", "--json")
    doc = json.loads(out)
    sweep = {m["threshold"]: m for m in doc["sweep"]}
    assert code == 0 and sorted(sweep) == [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
    at_default = {k: v for k, v in sweep[0.5].items() if k != "threshold"}
    assert at_default == doc["overall"]  # the default threshold gives the headline figures
    flagged = [sweep[t]["tp"] + sweep[t]["fp"] for t in sorted(sweep)]
    assert flagged == sorted(flagged, reverse=True) and flagged[0] > flagged[-1]
    code, out, _ = run(capsys, "eval", str(ROOT / "corpora" / "dev" / "ru.jsonl"), "--sweep")
    assert code == 0 and "score_threshold is 0.5" in out and "\n0.70 " in out


def test_unknown_setting_says_did_you_mean(capsys, tmp_path: Path) -> None:
    cfg = tmp_path / "s.toml"
    cfg.write_text("score_treshold = 0.6\n", encoding="utf-8")
    code, _, err = run(capsys, "--config", str(cfg), "rules", "lint")
    assert code == 2 and "score_threshold" in err
