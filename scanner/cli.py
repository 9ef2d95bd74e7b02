"""The command line: a thin skin over the library. The only module that prints,
reads argv or exits; errors become exit codes in `main()` alone."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, Iterator, TextIO

import click

from . import __version__
from .errors import ExitCode, InputError, ScannerError
from .models import Advert, ScanResult
from .settings import Settings, load_settings

log = logging.getLogger("scanner")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Findings(Exception):
    """Raised by commands with --fail-on when something was flagged."""


class Partial(Exception):
    """Some items failed; the rest were done."""


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    base: Settings = ctx.obj["settings"]
    return base.with_overrides(**{k: v for k, v in overrides.items() if v is not None}) if overrides else base


def _emit_json(doc: object) -> None:
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def _scanner(settings: Settings):  # type: ignore[no-untyped-def]
    from .pipeline import Scanner

    return Scanner(settings)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version")
@click.option("--config", type=click.Path(dir_okay=False), envvar="REDFLAG_CONFIG", help="Settings file (TOML).")
@click.option("--patterns", "patterns_dir", type=click.Path(file_okay=False), help="Rule folder (default: bundled patterns/).")
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-v info, -vv debug).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", help="Log lines as text or JSON (for cron).")
@click.pass_context
def cli(ctx: click.Context, config: str | None, patterns_dir: str | None, verbose: int, log_format: str) -> None:
    """Find red flags of recruitment into human trafficking in job and dating adverts
    (Latvian, Russian, Ukrainian, English).

    \b
    Example:
      redflag scan --text "Darbs ārzemēs, dzīvoklis bez maksas, pase paliek pie mums"
      redflag scan --input adverts.jsonl > results.jsonl
      redflag rules test
    """
    _setup_logging(verbose, log_format)
    ctx.ensure_object(dict)
    ctx.obj["settings"] = load_settings(config, patterns_dir=patterns_dir)


def _setup_logging(verbose: int, fmt: str) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        class _Json(logging.Formatter):
            def format(self, record: logging.LogRecord) -> str:
                return json.dumps({"time": self.formatTime(record), "level": record.levelname,
                                   "logger": record.name, "message": record.getMessage()}, ensure_ascii=False)
        handler.setFormatter(_Json())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("scanner")
    root.handlers[:] = [handler]
    root.setLevel(level)


# --- scan ---------------------------------------------------------------------------
def _read_jsonl(stream: TextIO, errors: list[str]) -> Iterator[Advert]:
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("a line must be a JSON object")
            if not isinstance(row.get("text"), str):
                raise ValueError("'text' (a string) is required")
            advert_id = row.get("id") or row.get("url")
            if advert_id is None:
                raise ValueError("'id' or 'url' is required")
            kind = row.get("kind") or "unknown"
            if kind not in ("job", "dating", "unknown"):
                raise ValueError(f"'kind' must be job, dating or unknown, got {kind!r}")
            yield Advert(id=str(advert_id), text=row["text"], title=str(row.get("title") or ""), kind=kind,
                         lang=row.get("lang") or None, url=row.get("url"), source=row.get("source"))
        except (ValueError, TypeError) as exc:
            msg = f"line {n}: {exc}"
            errors.append(msg)
            click.echo(f"redflag: {msg}", err=True)


def _highlight(result: ScanResult) -> str:
    text = result.text
    spans = sorted({(f.start, f.end) for f in result.findings if f.end > f.start})
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(click.style(text[start:end], fg="red", bold=True, underline=True) if sys.stdout.isatty()
                   else f"[[{text[start:end]}]]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _print_verdict(result: ScanResult) -> None:
    s = result.score
    verdict = click.style("FLAGGED", fg="red", bold=True) if s.flagged else click.style("not flagged", fg="green")
    click.echo(f"{verdict}  score {s.value:.2f}  form {s.form}  language {result.lang}")
    if s.combinations:
        click.echo("combinations: " + "; ".join(f"{c.id} {c.title} (+{c.bonus:g})" for c in s.combinations))
    click.echo("")
    click.echo(_highlight(result))
    click.echo("")
    if not result.findings:
        click.echo("No red-flag indicators found.")
    for f in result.findings:
        where = f"{f.start}-{f.end}" if f.end > f.start else "absent"
        click.echo(f"  {f.rule} {f.category:<22} w={f.weight:.2f} [{f.lang}] {where} {f.text!r}")
        click.echo(f"      {f.title}; {f.reason}")
        click.echo(f"      source: {f.source}")


@cli.command(context_settings=CONTEXT)
@click.option("--input", "input_path", type=click.Path(allow_dash=True, dir_okay=False),
              help="JSONL file of adverts (id, text, optional title, kind, lang, url), or - for stdin.")
@click.option("--text", help="Scan this one text and print a readable verdict.")
@click.option("--lang", type=click.Choice(["lv", "ru", "uk", "en"]), help="Language hint for --text.")
@click.option("--kind", type=click.Choice(["job", "dating", "unknown"]), default="unknown", help="Advert kind for --text.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--db", envvar="REDFLAG_DB", type=click.Path(dir_okay=False), help="Also store adverts and results here.")
@click.option("--fail-on", type=click.Choice(["flagged"]), help="Exit 3 if any advert is flagged.")
@click.pass_context
def scan(ctx: click.Context, input_path: str | None, text: str | None, lang: str | None, kind: str,
         as_json: bool, db: str | None, fail_on: str | None) -> None:
    """Scan adverts for red flags.

    With --input, writes one JSON line per advert (id, flagged, score, lang, form,
    matches). A malformed line is reported on stderr with its number; the others are
    still scanned and the exit code is 4.

    \b
    Example:
      redflag scan --text "Работа в Германии, жильё бесплатно, паспорт оставите у нас"
      redflag scan --input adverts.jsonl --fail-on flagged
    """
    if (input_path is None) == (text is None):
        raise click.UsageError("give exactly one of --input FILE or --text TEXT")
    scanner = _scanner(_settings(ctx))
    flagged_any = False
    if text is not None:
        result = scanner.scan(Advert(id="text", text=text, kind=kind, lang=lang))  # type: ignore[arg-type]
        flagged_any = result.flagged
        _emit_json({"ok": True, **result.to_dict()}) if as_json else _print_verdict(result)
    else:
        errors: list[str] = []
        try:
            stream = sys.stdin if input_path == "-" else open(input_path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"cannot read {input_path}: {exc.strerror}") from exc
        store = _open_store(db, ctx) if db else None
        results = []
        with stream:
            for result in scanner.scan_many(_read_jsonl(stream, errors)):
                flagged_any |= result.flagged
                if store is not None:
                    store.save_scan(result)
                if as_json:
                    results.append(result.to_dict())
                else:
                    click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        if as_json:
            _emit_json({"ok": not errors, "results": results, "errors": errors})
        if errors:
            raise Partial(f"{len(errors)} malformed line(s) skipped")
    if fail_on and flagged_any:
        raise Findings()


def _open_store(db: str, ctx: click.Context):  # type: ignore[no-untyped-def]
    from .store import Store

    return Store(db)


# --- rules --------------------------------------------------------------------------
@cli.group(context_settings=CONTEXT)
def rules() -> None:
    """List, check, test and explain the rule files.

    \b
    Example:
      redflag rules lint
      redflag rules test --rule RF0101
    """


@rules.command("list", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def rules_list(ctx: click.Context, as_json: bool) -> None:
    """List every rule with its category, weight, status and languages.

    \b
    Example:
      redflag rules list --json
    """
    from .rules.loader import load_rules

    rs = load_rules(_settings(ctx).patterns_dir)
    rows = [{"id": r.id, "name": r.name, "category": r.category, "weight": r.weight, "status": r.status,
             "languages": list(r.languages), "title": r.title} for r in rs.rules]
    if as_json:
        _emit_json({"ok": True, "ruleset": rs.hash, "rules": rows})
        return
    for r in rows:
        click.echo(f"{r['id']}  {r['category']:<23} {r['weight']:.2f}  {r['status']:<12} "
                   f"{','.join(r['languages']):<12} {r['title']}")
    click.echo(f"{len(rows)} rules, rule set {rs.hash}")


@rules.command("lint", context_settings=CONTEXT)
@click.pass_context
def rules_lint(ctx: click.Context) -> None:
    """Validate every rule file; report all problems at once (exit 5 if any).

    \b
    Example:
      redflag rules lint
    """
    from .rules.loader import load_rules

    rs = load_rules(_settings(ctx).patterns_dir)
    click.echo(f"{len(rs.rules)} rules OK ({len(rs.categories)} categories, rule set {rs.hash})")


@rules.command("test", context_settings=CONTEXT)
@click.option("--rule", "rule_ids", multiple=True, help="Only this rule (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary.")
@click.pass_context
def rules_test(ctx: click.Context, rule_ids: tuple[str, ...], as_json: bool, quiet: bool) -> None:
    """Run every rule's examples: `match` must fire the rule, `no_match` must not.

    \b
    Example:
      redflag rules test --rule RF0101 --rule RF0102
    """
    from .rules.examples import run_examples

    results = run_examples(_scanner(_settings(ctx)), set(rule_ids) or None)
    failed = [r for r in results if not r.ok]
    if as_json:
        _emit_json({"ok": not failed, "passed": len(results) - len(failed), "failed": len(failed),
                    "failures": [{"case": r.case_id, "text": r.text, "fired": list(r.fired)} for r in failed]})
    else:
        for r in results:
            if not r.ok or not quiet:
                mark = "ok  " if r.ok else "FAIL"
                click.echo(f"{mark} {r.case_id}: {r.text!r}" + ("" if r.ok else f"  fired: {', '.join(r.fired) or '-'}"))
        click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise Partial(f"{len(failed)} example(s) failed")


@rules.command("explain", context_settings=CONTEXT)
@click.argument("rule_id")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def rules_explain(ctx: click.Context, rule_id: str, as_json: bool) -> None:
    """Show one rule: what it looks for, why, its sources and the keys its words match on.

    \b
    Example:
      redflag rules explain RF0901
    """
    from .errors import NotFoundError
    from .pipeline import Scanner

    scanner = Scanner(_settings(ctx))
    rule = scanner.ruleset.get(rule_id.upper())
    if rule is None:
        raise NotFoundError(f"no rule {rule_id!r} (see `redflag rules list`)")
    pats = {lang: [{"pattern": p.describe(),
                    "keys": [[" ".join(scanner.matcher.term_keys(alt, lang)) for alt in g] for g in p.groups]}
                   for p in ps] for lang, ps in rule.patterns}
    doc = {"id": rule.id, "name": rule.name, "title": rule.title, "category": rule.category, "weight": rule.weight,
           "status": rule.status, "kinds": list(rule.kinds), "languages": list(rule.languages),
           "references": list(rule.references), "description": rule.description,
           "falsepositives": list(rule.falsepositives), "patterns": pats, "path": rule.path}
    if as_json:
        _emit_json({"ok": True, **doc})
        return
    click.echo(f"{rule.id} {rule.name}: {rule.title}")
    click.echo(f"category {rule.category}, weight {rule.weight}, status {rule.status}, kinds {', '.join(rule.kinds)}")
    click.echo(f"file {rule.path}\n\n{rule.description}\n")
    for ref in rule.references:
        click.echo(f"source: {ref}")
    for fp in rule.falsepositives:
        click.echo(f"false positive: {fp}")
    for lang, plist in pats.items():
        click.echo(f"\n[{lang}]")
        for p in plist:
            click.echo(f"  {p['pattern']}\n      keys: {p['keys']}")


# --- eval ---------------------------------------------------------------------------
@cli.command("eval", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--errors", "show_errors", is_flag=True, help="Also list every miss and false alarm.")
@click.pass_context
def eval_cmd(ctx: click.Context, files: tuple[str, ...], as_json: bool, show_errors: bool) -> None:
    """Precision, recall and false-positive rate per language, kind and form, and
    form accuracy on caught red-flag adverts, over labelled JSONL corpora.

    \b
    Example:
      redflag eval corpora/test/*.jsonl
    """
    from .evaluate import evaluate, read_corpus

    ev = evaluate(_scanner(_settings(ctx)), read_corpus(files))
    doc = ev.to_dict()
    if as_json:
        _emit_json({"ok": True, **doc})
        return
    header = f"{'':<16}{'n':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}{'fpr':>7}{'form acc':>10}"

    def row(name: str, m: dict[str, Any]) -> str:
        def f(v: Any) -> str:
            return "-" if v is None else f"{v:.3f}"
        return (f"{name:<16}{m['n']:>5}{m['tp']:>5}{m['fp']:>5}{m['fn']:>5}{f(m['precision']):>11}"
                f"{f(m['recall']):>8}{f(m['fpr']):>7}{f(m['form_accuracy']):>10}")
    click.echo(header)
    click.echo(row("overall", doc["overall"]))  # type: ignore[arg-type]
    for dim in ("lang", "kind", "form", "hard"):
        for name, m in doc.get(dim, {}).items():  # type: ignore[union-attr]
            click.echo(row(f"{dim}={name}", m))
    if doc["benign_categories"]:
        click.echo("\ncategories seen in benign adverts: " +
                   ", ".join(f"{k} {v}" for k, v in doc["benign_categories"].items()))  # type: ignore[union-attr]
    if show_errors:
        click.echo("\nerrors:")
        for e in doc["errors"]:  # type: ignore[union-attr]
            click.echo(f"  {json.dumps(e, ensure_ascii=False)}")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; the one place where errors become exit codes."""
    as_json = "--json" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="redflag", standalone_mode=False)
        code = ExitCode.OK
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        code = ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        code = ExitCode.INTERRUPTED
    except click.exceptions.Exit as exc:
        code = ExitCode(exc.exit_code) if exc.exit_code in ExitCode._value2member_map_ else ExitCode.ERROR
    except click.ClickException as exc:
        if as_json:
            _emit_json({"ok": False, "error": exc.format_message(), "code": "RF-E200"})
        else:
            exc.show()
        code = ExitCode.USAGE
    except Findings:
        code = ExitCode.FINDINGS
    except Partial as exc:
        click.echo(f"redflag: {exc}", err=True)
        code = ExitCode.PARTIAL
    except ScannerError as exc:
        if as_json:
            _emit_json(exc.to_dict())
        else:
            click.echo(f"redflag: error {exc.code}: {exc.message}", err=True)
        code = exc.exit_code
    sys.exit(int(code))
