"""Run the examples written inside rule files: each `match` example must make its
rule fire, each `no_match` example must not. Used by `redflag rules test` and the tests."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..models import Advert
from .schema import Rule


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: str
    lang: str
    expect: str  # "match" | "no_match"
    index: int
    text: str
    ok: bool
    fired: tuple[str, ...]  # every rule id that fired on the example

    @property
    def case_id(self) -> str:
        return f"{self.rule}-{self.lang}-{self.expect.replace('_', '')}-{self.index}"


def example_cases(rule: Rule) -> Iterator[tuple[str, str, int, str]]:
    for expect, table in (("match", rule.examples_match), ("no_match", rule.examples_no_match)):
        for lang, texts in table:
            for i, text in enumerate(texts):
                yield lang, expect, i, text


def example_kind(rule: Rule) -> str:
    """Examples of a rule limited to some kinds are scanned as the first of them."""
    return "unknown" if set(rule.kinds) >= {"job", "dating"} else rule.kinds[0]


def run_example(scanner, rule: Rule, lang: str, expect: str, index: int, text: str) -> ExampleResult:  # type: ignore[no-untyped-def]
    advert = Advert(id=f"{rule.id}-{lang}-{index}", text=text, kind=example_kind(rule), lang=lang)  # type: ignore[arg-type]
    result = scanner.scan(advert)
    fired = tuple(sorted({f.rule for f in result.findings}))
    ok = (rule.id in fired) == (expect == "match")
    return ExampleResult(rule.id, lang, expect, index, text, ok, fired)


def run_examples(scanner, rule_ids: set[str] | None = None) -> list[ExampleResult]:  # type: ignore[no-untyped-def]
    out = []
    for rule in scanner.ruleset.active:
        if rule_ids and rule.id not in rule_ids:
            continue
        for lang, expect, i, text in example_cases(rule):
            out.append(run_example(scanner, rule, lang, expect, i, text))
    return out
