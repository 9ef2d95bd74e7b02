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
    if s.damped:
        click.echo("damped: " + "; ".join(f"{category} ×{factor:g}" for category, factor in s.damped))
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
@click.option("--sweep", is_flag=True, help="Also the overall figures at flag thresholds 0.30 to 0.70.")
@click.pass_context
def eval_cmd(ctx: click.Context, files: tuple[str, ...], as_json: bool, show_errors: bool, sweep: bool) -> None:
    """Precision, recall and false-positive rate per language, kind and form, and
    form accuracy on caught red-flag adverts, over labelled JSONL corpora.

    \b
    Example:
      redflag eval corpora/test/*.jsonl
      redflag eval --sweep my-labelled-adverts.jsonl   # to choose score_threshold
    """
    from .evaluate import SWEEP, evaluate, read_corpus

    settings = _settings(ctx)
    ev = evaluate(_scanner(settings), read_corpus(files), thresholds=SWEEP if sweep else ())
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
    if ev.sweep:
        click.echo(f"\nat other thresholds (score_threshold is {settings.score_threshold:g}):")
        click.echo(header.replace(f"{'':<16}", f"{'threshold':<16}", 1))
        for m in doc["sweep"]:  # type: ignore[union-attr]
            click.echo(row(f"{m['threshold']:.2f}", m))
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


# --- crawl, nightly, export, purge, demo ----------------------------------------------------
from contextlib import contextmanager


def _db_option():  # type: ignore[no-untyped-def]
    return click.option("--db", envvar="REDFLAG_DB", type=click.Path(dir_okay=False),
                        help="SQLite database (env REDFLAG_DB; default: the `db` setting).")


def _db_path(ctx: click.Context, db: str | None, *, existing: bool = False) -> str:
    from .errors import StoreError

    path = db or _settings(ctx).db
    if existing and not Path(path).exists():
        raise StoreError(f"no database at {path} (crawl or scan into it first)")
    return path


@contextmanager
def _progress_bars(enabled: bool) -> Iterator[Any]:
    """Rich progress bars on stderr for interactive runs; None (silence) under cron or --json."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True)) as bars:
        tasks: dict[str, Any] = {}

        def update(event: Any) -> None:
            if event.source not in tasks:
                tasks[event.source] = bars.add_task(event.source, total=max(event.total, 1))
            bars.update(tasks[event.source], completed=event.done, total=max(event.total, event.done, 1))

        yield update


def _interactive(as_json: bool) -> bool:
    return not as_json and sys.stderr.isatty()


def _print_run(doc: dict[str, Any]) -> None:
    errors = ", ".join(f"{k} {v}" for k, v in doc["errors"].items()) or "none"
    ad = doc["adverts"]
    click.echo(f"run {doc['run']} {doc['status']}: {doc['fetched']} pages fetched ({doc['not_modified']} not "
               f"modified), errors: {errors}")
    click.echo(f"adverts: {ad['new']} new, {ad['changed']} changed, {ad['unchanged']} unchanged, {ad['gone']} gone;"
               f" {doc['flagged']} newly flagged")
    for s in doc["sources"]:
        state = "complete" if s["complete"] else "incomplete (gone adverts not marked)"
        note = f"  {s['error']}" if s["error"] else ""
        click.echo(f"  {s['name']:<24} {s['status']:<8} {s['fetched']:>6} pages  {s['adverts']['new']:>5} new  "
                   f"{s['flagged']:>4} flagged  {state}{note}")


def _crawl_sources(urls: tuple[str, ...], sources_file: str | None, kind: str):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from .sources import load_sources, source_from_url

    if bool(urls) == bool(sources_file):
        raise click.UsageError("give one or more URLs or --sources FILE (not both)")
    if sources_file:
        return load_sources(sources_file)
    by_name: dict[str, Any] = {}  # URLs on one site make one source (it is named after the host)
    for url in urls:
        source = source_from_url(url, kind)
        known = by_name.get(source.name)
        by_name[source.name] = source if known is None else replace(
            known, start_urls=tuple(dict.fromkeys(known.start_urls + source.start_urls)))
    return tuple(by_name.values())


@cli.command("crawl", context_settings=CONTEXT)
@click.argument("urls", nargs=-1)
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False), help="Sources file (TOML).")
@_db_option()
@click.option("--kind", type=click.Choice(["job", "dating", "unknown"]), default="unknown",
              help="Advert kind of URLs given on the command line.")
@click.option("--allow-private", is_flag=True, help="Allow private, loopback and link-local addresses.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Most pages per source (default: setting max_pages).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (and no progress bars).")
@click.pass_context
def crawl_cmd(ctx: click.Context, urls: tuple[str, ...], sources_file: str | None, db: str | None, kind: str,
              allow_private: bool, max_pages: int | None, as_json: bool) -> None:
    """Crawl boards politely, extract and scan their adverts, and store everything.

    A second crawl sends conditional requests and re-reads only what changed. Exit
    code 4 when some sources could not be crawled (the others are stored).

    \b
    Example:
      redflag crawl https://board.example/jobs/ --kind job --db adverts.db
      redflag crawl --sources sources.toml --db adverts.db --json
    """
    from .crawl import run_crawl

    settings = _settings(ctx, allow_private=True if allow_private else None, max_pages=max_pages)
    sources = _crawl_sources(urls, sources_file, kind)
    path = _db_path(ctx, db)
    with _progress_bars(_interactive(as_json)) as progress:
        summary = run_crawl(sources, path, _scanner(settings), settings, progress=progress)
    doc = summary.to_dict()
    _emit_json({"ok": not summary.failed_sources, **doc}) if as_json else _print_run(doc)
    if summary.failed_sources:
        raise Partial(f"{len(summary.failed_sources)} source(s) failed: {', '.join(summary.failed_sources)}")


@cli.command("nightly", context_settings=CONTEXT)
@click.option("--sources", "sources_file", required=True, type=click.Path(dir_okay=False), help="Sources file (TOML).")
@_db_option()
@click.option("--digest-dir", type=click.Path(file_okay=False), help="Digest folder (default: setting digest_dir).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (and no progress bars).")
@click.pass_context
def nightly_cmd(ctx: click.Context, sources_file: str, db: str | None, digest_dir: str | None, as_json: bool) -> None:
    """Crawl every source, scan, store, write the digest and send alerts; for cron and systemd.

    A lock file stops two runs on one database from overlapping. Exit 0 when all went
    well, 4 when some sources failed or an alert could not be sent (the rest is done).

    \b
    Example:
      redflag --log-format json nightly --sources sources.toml --db /var/lib/redflag/adverts.db
    """
    from .crawl import nightly
    from .sources import load_sources

    settings = _settings(ctx, digest_dir=digest_dir)
    sources = load_sources(sources_file)
    with _progress_bars(_interactive(as_json)) as progress:
        result = nightly(sources, _db_path(ctx, db), _scanner(settings), settings, progress=progress)
    doc = result.to_dict()
    if as_json:
        _emit_json({"ok": result.ok, **doc})
    else:
        _print_run(doc)
        click.echo(f"digest: {doc['digest']['html']} ({doc['digest']['flagged']} flagged adverts)")
        alerts = doc["alerts"]
        if alerts["adverts"]:
            click.echo(f"alerts: {alerts['adverts']} advert(s); webhook {'sent' if alerts['webhook'] else 'off'}, "
                       f"e-mail {'sent' if alerts['email'] else 'off'}")
    if not result.ok:
        problems = [f"source(s) failed: {', '.join(result.run.failed_sources)}"] if result.run.failed_sources else []
        raise Partial("; ".join(problems + list(result.alerts.errors)))


@cli.command("export", context_settings=CONTEXT)
@_db_option()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="JSON lines, or CSV with nested values as JSON.")
@click.option("--flagged", is_flag=True, help="Only flagged adverts.")
@click.option("--since", help="Only adverts new or changed since this date (YYYY-MM-DD or ISO 8601 time).")
@click.option("--status", type=click.Choice(["active", "gone", "reviewed", "confirmed", "dismissed", "escalated",
                                             "reopened"]),
              help="active/gone: adverts with this status; reviewed or a verdict: reviewed adverts with verdicts.")
@click.option("--bundle", "bundle_id", help="Write a referral bundle (zip) for this advert id instead.")
@click.option("--cluster", "whole_cluster", is_flag=True, help="With --bundle: the advert's whole cluster.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write here instead of stdout (a bundle goes to redflag-advert-ID.zip by default).")
@click.pass_context
def export_cmd(ctx: click.Context, db: str | None, fmt: str, flagged: bool, since: str | None, status: str | None,
               bundle_id: str | None, whole_cluster: bool, output: str) -> None:
    """Export one row per advert with its latest scan: id, url, source, kind, title, text,
    lang, flagged, score, form, matches, first_seen, last_seen, status (and more).

    With --status reviewed (or confirmed, dismissed, escalated, reopened): the reviewed
    adverts with their verdict, analyst, time and note. With --bundle ID: a referral
    bundle (zip) with texts, archived pages, SHA-256 manifest, matches and audit trail.

    \b
    Example:
      redflag export --db adverts.db --format csv --flagged --since 2025-01-01 > flagged.csv
      redflag export --db adverts.db --status escalated --format csv > escalated.csv
      redflag export --db adverts.db --bundle ADVERT_ID --cluster -o referral.zip
    """
    if bundle_id is not None:
        _bundle_export(ctx, db, bundle_id, whole_cluster, output)
        return
    if status is not None and status not in ("active", "gone"):
        _review_export(ctx, db, fmt, status, output)
        return
    from .report import write_export
    from .store import Store

    with Store(_db_path(ctx, db, existing=True)) as store:
        rows = store.export(flagged=True if flagged else None, since=since, status=status)
        if output == "-":
            count = write_export(rows, sys.stdout, fmt)
        else:
            with open(output, "w", encoding="utf-8", newline="") as out:
                count = write_export(rows, out, fmt)
    log.info("exported %d advert(s)", count)


@cli.command("purge", context_settings=CONTEXT)
@_db_option()
@click.option("--older-than", "days", type=click.IntRange(min=0),
              help="Days since an advert was last seen (default: setting retention_days).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def purge_cmd(ctx: click.Context, db: str | None, days: int | None, as_json: bool) -> None:
    """Drop raw pages and texts of old adverts that were never flagged (nor reviewed),
    keeping their hashes, dates and scores. Flagged adverts are kept.

    \b
    Example:
      redflag purge --db adverts.db --older-than 90
    """
    from dataclasses import asdict

    from .store import Store

    settings = _settings(ctx)
    with Store(_db_path(ctx, db, existing=True)) as store:
        summary = store.purge(settings.retention_days if days is None else days)
    if as_json:
        _emit_json({"ok": True, **asdict(summary)})
    else:
        click.echo(f"purged {summary.adverts} advert texts, {summary.versions} versions and {summary.pages} pages "
                   f"last seen before {summary.cutoff}; kept {summary.kept_flagged} old flagged or reviewed adverts")


@cli.command("demo", context_settings=CONTEXT)
@_db_option()
@click.option("--top", type=click.IntRange(min=0), default=5, show_default=True, help="Flagged adverts to show.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def demo_cmd(ctx: click.Context, db: str | None, top: int, as_json: bool) -> None:
    """Serve a demo board made from corpora/ on 127.0.0.1, crawl it twice (the second time
    incrementally), scan, store, and show the figures, the top flagged adverts and the digest.
    Offline; about half a minute.

    \b
    Example:
      redflag demo
      redflag demo --db demo.db --top 10
    """
    from .demo import run_demo

    result = run_demo(_settings(ctx), db=db, top=top)
    if as_json:
        _emit_json(result.to_dict())
        return
    _print_demo(result.to_dict())


def _print_demo(doc: dict[str, Any]) -> None:
    first, second, labels = doc["first_crawl"], doc["second_crawl"], doc["labels"]
    click.echo(f"Demo board {doc['board']}: {doc['adverts_served']} adverts from corpora/ (job and dating sections,"
               " 4 layouts, legacy charsets without headers, JSON-LD, robots.txt, sitemap index)")
    click.echo(f"first crawl:  {first['fetched']} pages, {first['adverts']['new']} adverts stored, "
               f"{first['flagged']} flagged, errors: {first['errors'] or 'none'}")
    click.echo(f"second crawl: {second['fetched']} pages, {second['not_modified']} answered 304, "
               f"{second['counters'].get('extract/pages', 0)} re-extracted, {second['adverts']['new']} new")
    click.echo("titles read exactly per layout: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in doc["titles_ok"].items()))
    click.echo(f"\nflagged {doc['flagged']} of {doc['stored']} adverts; against the corpus labels: "
               f"{labels['tp']} red-flag adverts caught, {labels['fn']} missed, {labels['fp']} benign flagged, "
               f"{labels['tn']} benign passed")
    click.echo("per form: " + ", ".join(f"{k} {v}" for k, v in doc["per_form"].items()))
    click.echo("per language (flagged/stored): " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in doc["per_lang"].items()))
    for row in doc["top"]:
        click.echo(f"\n{row['score']:.2f} {row['form']:<13} [{row['lang']}] {row['title']}\n    {row['url']}")
        for m in row["evidence"]:
            click.echo(f"    {m['rule']} {m['category']:<22} {m['text']!r}")
    click.echo(f"\ndigest: {doc['digest']['html']}\ndatabase: {doc['db']} ({doc['seconds']} s)")


# --- review, users, serve ---------------------------------------------------------------------
REVIEW_STATUSES = ("confirmed", "dismissed", "escalated", "reopened")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _review_store(ctx: click.Context, db: str | None):  # type: ignore[no-untyped-def]
    from . import review  # noqa: F401 - registers "reviewed adverts are kept" with retention
    from .store import Store

    return Store(_db_path(ctx, db, existing=True))


def _cli_actor() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


@cli.command("serve", context_settings=CONTEXT)
@_db_option()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (put TLS in front).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--insecure-cookies", is_flag=True,
              help="Send cookies without Secure, for plain HTTP; only allowed on a loopback --host.")
@click.pass_context
def serve_cmd(ctx: click.Context, db: str | None, host: str, port: int, insecure_cookies: bool) -> None:
    """Serve the analysts' review web app (log in with an account from `redflag users add`).

    Cookies are Secure by default: serve behind an HTTPS reverse proxy.

    \b
    Example:
      redflag serve --db adverts.db --host 127.0.0.1 --port 8000
    """
    import uvicorn

    from .review.app import create_app

    if insecure_cookies and host not in LOOPBACK:
        raise click.UsageError("--insecure-cookies is only allowed with a loopback --host (127.0.0.1, ::1)")
    _review_store(ctx, db).close()  # fail early (exit 1) on a missing or unreadable database
    app = create_app(_db_path(ctx, db), secure_cookies=not insecure_cookies)
    uvicorn.run(app, host=host, port=port, proxy_headers=True, server_header=False, log_level="warning")


@cli.group(context_settings=CONTEXT)
def users() -> None:
    """Add, list and disable the analysts' accounts.

    \b
    Example:
      printf '%s\\n' "$PASSWORD" | redflag users add anna --role analyst --password-stdin --db adverts.db
    """


@users.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.option("--role", type=click.Choice(["analyst", "admin"]), default="analyst", show_default=True)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from the first line of stdin.")
@_db_option()
@click.pass_context
def users_add(ctx: click.Context, name: str, role: str, password_stdin: bool, db: str | None) -> None:
    """Create an account; the password comes from stdin, never from the command line.

    \b
    Example:
      redflag users add anna --role analyst --password-stdin --db adverts.db < password.txt
    """
    from .review.auth import add_user

    password = sys.stdin.readline().rstrip("\r\n")
    with _review_store(ctx, db) as store:
        user = add_user(store, name, role, password, actor=_cli_actor())
    click.echo(f"added {user.role} {user.name}")


@users.command("list", context_settings=CONTEXT)
@_db_option()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def users_list(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """List accounts with their role and whether they are disabled.

    \b
    Example:
      redflag users list --db adverts.db --json
    """
    from .review.auth import list_users

    with _review_store(ctx, db) as store:
        rows = [u.to_dict() for u in list_users(store)]
    if as_json:
        _emit_json({"ok": True, "users": rows})
        return
    for u in rows:
        click.echo(f"{u['name']:<24} {u['role']:<8} {'disabled' if u['disabled'] else 'active'}  since {u['created_at']}")


@users.command("disable", context_settings=CONTEXT)
@click.argument("name")
@_db_option()
@click.pass_context
def users_disable(ctx: click.Context, name: str, db: str | None) -> None:
    """Disable an account and end its sessions (its verdicts and audit rows stay).

    \b
    Example:
      redflag users disable anna --db adverts.db
    """
    from .review.auth import disable_user

    with _review_store(ctx, db) as store:
        user = disable_user(store, name, actor=_cli_actor())
    click.echo(f"disabled {user.name}")


@cli.group(context_settings=CONTEXT)
def review() -> None:
    """Triage flagged adverts from the command line: the same verdicts as the web app.

    \b
    Example:
      redflag review list --db adverts.db
      redflag review set ADVERT_ID --status confirmed --note "same phone as 12" --user anna --db adverts.db
    """


def _advert_line(row: dict[str, Any]) -> str:
    verdict = row.get("review") or "-"
    return f"{row['score']:.2f}  {verdict:<10} {row['form']:<13} [{row['lang'] or '-'}] {row['id']}  {row['title']}"


@review.command("list", context_settings=CONTEXT)
@click.option("--status", type=click.Choice(["open", "reviewed", "all", *REVIEW_STATUSES]), default="open",
              show_default=True, help="open: flagged and not reviewed (or reopened), as in the web queue.")
@click.option("--sort", type=click.Choice(["score", "newest"]), default="score", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@_db_option()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def review_list(ctx: click.Context, status: str, sort: str, limit: int, db: str | None, as_json: bool) -> None:
    """List adverts in the review queue, or those with a given verdict.

    \b
    Example:
      redflag review list --status escalated --json --db adverts.db
    """
    from .review.queries import QueueFilter, queue

    f = QueueFilter(sort=sort, verdict=status, flagged=status == "open")
    with _review_store(ctx, db) as store:
        page = queue(store, f, limit=limit)
    if as_json:
        _emit_json({"ok": True, "total": page.total, "adverts": page.rows})
        return
    for row in page.rows:
        click.echo(_advert_line(row))
    click.echo(f"{len(page.rows)} of {page.total}{'+' if page.total_capped else ''} advert(s)")


@review.command("show", context_settings=CONTEXT)
@click.argument("advert_id")
@_db_option()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def review_show(ctx: click.Context, advert_id: str, db: str | None, as_json: bool) -> None:
    """Show one advert: text, why it was flagged, linked adverts and verdicts.

    \b
    Example:
      redflag review show ADVERT_ID --db adverts.db
    """
    from .review.linking import key_groups, near_duplicates
    from .review.queries import advert_view

    with _review_store(ctx, db) as store:
        view = advert_view(store, advert_id)
        keys = [{"kind": k.kind, "value": k.value, "adverts": k.count, "others": k.adverts}
                for k in key_groups(store, advert_id)]
        near = [{"id": i, "similarity": round(s, 3)} for i, s in near_duplicates(store, advert_id)]
    a, scan = view.advert, view.scan or {}
    if as_json:
        _emit_json({"ok": True, "advert": {k: v for k, v in a.items() if k != "pk"}, "scan": scan,
                    "verdicts": [v.to_dict() for v in view.history], "links": keys, "near_duplicates": near})
        return
    verdict = view.verdict.status if view.verdict else "none"
    click.echo(f"{a['id']}  score {a['score']:.2f}  form {a['form']}  [{a['lang']}]  verdict {verdict}")
    click.echo(f"{a['url'] or '-'}  source {a['source'] or '-'}  seen {a['first_seen']} .. {a['last_seen']} ({a['status']})")
    click.echo(f"\n{view.full_text}\n")
    for m in scan.get("matches", []):
        click.echo(f"  {m['rule']} {m['category']:<22} w={m['weight']:.2f} {m['text']!r}  {m['source']}")
    for k in keys:
        click.echo(f"  link {k['kind']} {k['value']}: {k['adverts'] - 1} other advert(s)")
    for n in near:
        click.echo(f"  near-duplicate {n['id']} ({n['similarity']:.0%})")
    for v in view.history:
        click.echo(f"  {v.at}  {v.user:<12} {v.status:<10} {v.note}")


@review.command("set", context_settings=CONTEXT)
@click.argument("advert_id")
@click.option("--status", required=True, type=click.Choice(REVIEW_STATUSES))
@click.option("--note", default="", help="Optional note kept with the verdict.")
@click.option("--user", "user_name", required=True, help="The analyst's account name (must exist and be enabled).")
@_db_option()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def review_set(ctx: click.Context, advert_id: str, status: str, note: str, user_name: str, db: str | None,
               as_json: bool) -> None:
    """Record a verdict on an advert (appended to its history and to the audit log).

    \b
    Example:
      redflag review set ADVERT_ID --status dismissed --note "lawful agency" --user anna --db adverts.db
    """
    from .review.audit import set_verdict
    from .review.auth import get_user
    from .review.errors import AuthError

    with _review_store(ctx, db) as store:
        user = get_user(store, user_name)
        if user.disabled:
            raise AuthError(f"user {user.name!r} is disabled")
        verdict = set_verdict(store, advert_id, status, user.name, note, via=_cli_actor())
    if as_json:
        _emit_json({"ok": True, "verdict": verdict.to_dict()})
    else:
        click.echo(f"{verdict.advert_id}: {verdict.status} by {verdict.user} at {verdict.at}")


@review.command("history", context_settings=CONTEXT)
@click.argument("advert_id")
@_db_option()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def review_history(ctx: click.Context, advert_id: str, db: str | None, as_json: bool) -> None:
    """Every verdict on an advert and its audit trail, with user and time.

    \b
    Example:
      redflag review history ADVERT_ID --json --db adverts.db
    """
    from .review.audit import audit_trail, verdict_history
    from .review.queries import advert_row

    with _review_store(ctx, db) as store:
        advert_row(store, advert_id)
        verdicts = [v.to_dict() for v in verdict_history(store, advert_id)]
        audit = list(reversed(audit_trail(store, advert_id, limit=100_000)))
    if as_json:
        _emit_json({"ok": True, "id": advert_id, "verdicts": verdicts, "audit": audit})
        return
    for row in audit:
        click.echo(f"{row['at']}  {row['user']:<12} {row['action']:<8} {json.dumps(row['detail'], ensure_ascii=False)}")


@review.command("link", context_settings=CONTEXT)
@_db_option()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def review_link(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Bring near-duplicate signatures up to date (the web app also does this while it runs).

    \b
    Example:
      redflag review link --db adverts.db
    """
    from .review.linking import sync_near_duplicates

    with _review_store(ctx, db) as store:
        done = sync_near_duplicates(store)
    _emit_json({"ok": True, "adverts": done}) if as_json else click.echo(f"{done} advert(s) re-signed")


@review.command("verify", context_settings=CONTEXT)
@_db_option()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_context
def review_verify(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Check the audit log's hash chain (exit 1 if any row was altered).

    \b
    Example:
      redflag review verify --db adverts.db
    """
    from .review.audit import verify_audit_chain

    with _review_store(ctx, db) as store:
        rows = verify_audit_chain(store)
    _emit_json({"ok": True, "rows": rows}) if as_json else click.echo(f"audit log intact: {rows} row(s)")


def _review_export(ctx: click.Context, db: str | None, fmt: str, status: str, output: str) -> None:
    """`redflag export --status <verdict>`: reviewed adverts with their verdicts (see `export`)."""
    from .review.bundle import export_rows, record_export, write_csv, write_jsonl

    with _review_store(ctx, db) as store:
        rows = export_rows(store, status)
        writer = write_csv if fmt == "csv" else write_jsonl
        if output == "-":
            count = writer(rows, sys.stdout)
        else:
            with open(output, "w", encoding="utf-8", newline="") as out:
                count = writer(rows, out)
        record_export(store, _cli_actor(), fmt=fmt, status=status, rows=count)
    log.info("exported %d reviewed advert(s)", count)


def _bundle_export(ctx: click.Context, db: str | None, advert_id: str, whole_cluster: bool, output: str) -> None:
    """`redflag export --bundle ID [--cluster]`: a referral bundle (zip) for one advert or its cluster."""
    from .review.bundle import build_bundle
    from .review.linking import cluster
    from .review.queries import advert_row

    with _review_store(ctx, db) as store:
        advert_row(store, advert_id)
        ids = cluster(store, advert_id).ids if whole_cluster else [advert_id]
        bundle = build_bundle(store, ids, _cli_actor(), label="cluster" if whole_cluster else "advert")
    if output == "-":
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in advert_id)[:60]
        output = f"redflag-{'cluster' if whole_cluster else 'advert'}-{safe}.zip"
    Path(output).write_bytes(bundle.data)
    click.echo(f"{output}: {len(bundle.adverts)} advert(s), {bundle.files} files, sha256 {bundle.sha256}")


# Every command that may purge must know that reviewed adverts are kept (see `scanner.review`).
from . import review as _review_retention  # noqa: E402,F401
