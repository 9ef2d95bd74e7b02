"""Evaluate the scanner on a labelled corpus: precision, recall and false-positive
rate per language, kind and form, and form accuracy on caught red-flag adverts.

Corpus lines: ``{"id", "text", "title"?, "kind", "lang", "label": "redflag"|"benign", "form"}``.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from .errors import InputError
from .models import Advert
from .pipeline import Scanner

# `redflag eval --sweep`: the flag threshold from lenient to strict, to choose `score_threshold` by
SWEEP = tuple(round(0.30 + 0.05 * i, 2) for i in range(9))


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    form_right: int = 0

    def add(self, label: bool, flagged: bool, form_ok: bool) -> None:
        if label and flagged:
            self.tp += 1
            self.form_right += form_ok
        elif label:
            self.fn += 1
        elif flagged:
            self.fp += 1
        else:
            self.tn += 1

    def metrics(self) -> dict[str, float | int | None]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None
        return {"n": self.tp + self.fp + self.tn + self.fn, "tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn,
                "precision": ratio(self.tp, self.tp + self.fp), "recall": ratio(self.tp, self.tp + self.fn),
                "fpr": ratio(self.fp, self.fp + self.tn), "form_accuracy": ratio(self.form_right, self.tp)}


@dataclass
class Evaluation:
    overall: Counts = field(default_factory=Counts)
    by: dict[str, dict[str, Counts]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counts)))
    errors: list[dict[str, object]] = field(default_factory=list)  # misses and false alarms, for reading
    benign_categories: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sweep: dict[float, Counts] = field(default_factory=dict)  # threshold -> overall counts at it

    def to_dict(self) -> dict[str, object]:
        return {"overall": self.overall.metrics(),
                **({"sweep": [{"threshold": t, **c.metrics()} for t, c in sorted(self.sweep.items())]}
                   if self.sweep else {}),
                **{dim: {k: c.metrics() for k, c in sorted(table.items())} for dim, table in self.by.items()},
                "benign_categories": dict(sorted(self.benign_categories.items(), key=lambda kv: -kv[1])),
                "errors": self.errors}


def read_corpus(paths: Iterable[str | Path]) -> list[dict[str, object]]:
    rows = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: line {n}: not valid JSON ({exc.msg})") from exc
            if not isinstance(row, dict) or "text" not in row or row.get("label") not in ("redflag", "benign"):
                raise InputError(f"{path}: line {n}: needs 'text' and 'label' (redflag or benign)")
            rows.append(row)
    return rows


def evaluate(scanner: Scanner, rows: list[dict[str, object]], *, use_lang_hint: bool = False,
             thresholds: Sequence[float] = ()) -> Evaluation:
    """`thresholds`: also count the overall figures as if the flag threshold were each of
    these (the findings are scored again; the category rule still applies)."""
    ev = Evaluation(sweep={t: Counts() for t in thresholds})
    for row in rows:
        advert = Advert(id=str(row.get("id", "")), text=str(row["text"]), title=str(row.get("title") or ""),
                        kind=str(row.get("kind") or "unknown"),  # type: ignore[arg-type]
                        lang=str(row["lang"]) if use_lang_hint and row.get("lang") else None)
        result = scanner.scan(advert)
        label = row["label"] == "redflag"
        form_ok = result.score.form == row.get("form")
        flagged = result.score.flagged
        ev.overall.add(label, flagged, form_ok)
        for t, counts in ev.sweep.items():
            at = scanner.score(result.findings, result.advert.kind, threshold=t)
            counts.add(label, at.flagged, at.form == row.get("form"))
        for dim, value in (("lang", row.get("lang")), ("kind", row.get("kind")),
                           ("form", row.get("form") if label else None),
                           ("hard", ("hard" if row.get("hard") else "ordinary") if not label else None)):
            if value:
                ev.by[dim][str(value)].add(label, flagged, form_ok)
        if not label:
            for c in result.score.categories:
                ev.benign_categories[c.category] += 1
        if label != flagged or (label and not form_ok):
            ev.errors.append({"id": row.get("id"), "label": row["label"], "form": row.get("form"),
                              "flagged": flagged, "predicted_form": result.score.form,
                              "score": round(result.score.value, 3), "lang": result.lang,
                              "categories": {c.category: round(c.weight, 2) for c in result.score.categories}})
    return ev
