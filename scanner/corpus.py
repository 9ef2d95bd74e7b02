"""The labelled corpora: reading them and splitting them into dev and test parts.

Near-identical adverts (same `group`, or character 5-gram Jaccard similarity at or
above `NEAR_DUP`) form one cluster, and a cluster always lands in one part, so the
test part never contains a repost of a dev advert. The split is deterministic and
stratified by language and label.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Iterable

NEAR_DUP = 0.5
TEST_SLOTS = {1, 3}  # of every 5 clusters (per language and label), these go to test: 40 %


def shingles(text: str, n: int = 5) -> set[str]:
    t = re.sub(r"\W+", " ", text.lower()).strip()
    return {t[i:i + n] for i in range(max(1, len(t) - n + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def clusters(rows: list[dict[str, object]]) -> list[list[int]]:
    """Indices of rows grouped by `group` and by near-duplicate text (union-find)."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_group: dict[object, int] = {}
    for i, row in enumerate(rows):
        g = row.get("group")
        if g is not None:
            if g in by_group:
                union(i, by_group[g])
            by_group[g] = i
    sh = [shingles(str(r.get("title", "")) + " " + str(r["text"])) for r in rows]
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if jaccard(sh[i], sh[j]) >= NEAR_DUP:
                union(i, j)
    out: dict[int, list[int]] = {}
    for i in range(len(rows)):
        out.setdefault(find(i), []).append(i)
    return list(out.values())


def split(rows: list[dict[str, object]]) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(dev, test): whole clusters, stratified by (lang, label of the cluster's first row)."""
    strata: dict[tuple[str, str], list[list[int]]] = {}
    for cl in clusters(rows):
        first = rows[min(cl)]
        strata.setdefault((str(first.get("lang")), str(first.get("label"))), []).append(cl)
    dev: list[dict[str, object]] = []
    test: list[dict[str, object]] = []
    for key in sorted(strata):
        ordered = sorted(strata[key], key=lambda cl: hashlib.sha256(
            "|".join(sorted(str(rows[i]["id"]) for i in cl)).encode()).hexdigest())
        for pos, cl in enumerate(ordered):
            (test if pos % 5 in TEST_SLOTS else dev).extend(rows[i] for i in sorted(cl))
    return dev, test


def read_jsonl(path: str | Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: str | Path, rows: Iterable[dict[str, object]]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def corpus_hash(paths: Iterable[str | Path]) -> str:
    digest = hashlib.sha256()
    for p in sorted(map(str, paths)):
        digest.update(Path(p).read_bytes())
    return digest.hexdigest()[:16]
