"""Properties that must hold for any input, checked with hypothesis."""
from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from scanner.corpus import clusters, read_jsonl, split
from scanner.language import split_sentences
from scanner.models import Advert
from scanner.normalize import normalize_text
from scanner.rules.loader import load_rules
from scanner.score import PRESENT

ROOT = Path(__file__).resolve().parents[2]
RULES = load_rules(ROOT / "patterns")
RED_FLAG_SENTENCES = sorted({text for rule in RULES.active for _lang, texts in rule.examples_match for text in texts
                             if not any(p.kind == "feature" for _l, ps in rule.patterns for p in ps)})
ADVERTS = [r for path in sorted((ROOT / "corpora").glob("dev/*.jsonl")) for r in read_jsonl(path)]

# Letters our rules and tricks use, plus look-alikes, invisible and combining characters.
ALPHABET = st.sampled_from(list("abcdeopxyzāēīšžčļņ абвгдежзиклмнопрстуфхцчшщыьэюяіїєґ 0123456789.,!?@+-€$'`’\n")
                           + ["\u200b", "\u00ad", "\u0301", "ﬁ", "Ａ", "İ", "ẞ", "😀", "№", "…", "\ufeff"])
TEXT = st.one_of(st.text(max_size=300), st.text(alphabet=ALPHABET, max_size=300))
# REDFLAG_EXAMPLES=20000 pytest tests/property runs a long search before a release.
FAST = settings(max_examples=int(os.environ.get("REDFLAG_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(TEXT)
@example("A`$AA")  # "$" read as "s" made the backtick inner only on the second pass
@example("A\xa0A A")  # NFKC turns the no-break space into a space: spaced letters only then
def test_normalization_is_idempotent(text: str) -> None:
    once = normalize_text(text).text
    assert normalize_text(once).text == once


@FAST
@given(TEXT)
def test_normalized_spans_map_into_the_original(text: str) -> None:
    norm = normalize_text(text)
    n = len(norm.text)
    for i in range(0, n, max(1, n // 20)):
        a, b = norm.to_orig(i, min(n, i + 3))
        assert 0 <= a <= b <= len(text)


@FAST
@given(TEXT, st.sampled_from(["job", "dating", "unknown"]), st.sampled_from([None, "lv", "ru", "uk", "en"]))
def test_scanning_never_raises_and_spans_are_exact(scanner, text: str, kind: str, lang: str | None) -> None:
    result = scanner.scan(Advert(id="h", text=text, kind=kind, lang=lang))  # type: ignore[arg-type]
    assert 0.0 <= result.score.value <= 1.0
    json.dumps(result.to_dict())
    for f in result.findings:
        assert result.text[f.start:f.end] == f.text


@FAST
@given(st.sampled_from(RED_FLAG_SENTENCES), st.text(alphabet=ALPHABET, max_size=200))
def test_red_flag_sentences_map_back_inside_noise(scanner, sentence: str, noise: str) -> None:
    text = noise + "\n" + sentence + "\n" + noise
    result = scanner.scan(Advert(id="h", text=text))
    for f in result.findings:
        assert text[f.start:f.end] == f.text


def _dev(advert_id: str) -> dict[str, object]:
    return next(r for r in ADVERTS if r["id"] == advert_id)


@FAST
@given(st.sampled_from(ADVERTS), st.sampled_from(RED_FLAG_SENTENCES), st.booleans())
# Each of these once lowered a score: a lure's own words counted as evidence against a lure.
@example(_dev("ru-016"), "Sign as board member of a small company, only on paper, you do nothing.", False)  # charity frame
@example(_dev("en-074"), "Palīdzēsim nokārtot C/CE kategoriju un 95. kodu bez braukšanas eksāmena un bez teorijas.", True)  # skilled pay
@example(_dev("en-011"), "Jaunas ukrainietes un krievietes, VIP atpūta, zvani tagad.", True)  # a call invitation
def test_adding_a_red_flag_sentence_never_lowers_the_score(scanner, row, sentence: str, at_end: bool) -> None:
    kind = str(row["kind"])
    base = scanner.scan(Advert(id="b", text=str(row["text"]), kind=kind))  # type: ignore[arg-type]
    text = f"{row['text']}\n{sentence}" if at_end else f"{sentence}\n{row['text']}"
    more = scanner.scan(Advert(id="b", text=text, kind=kind))  # type: ignore[arg-type]
    # A red-flag sentence is one in which an indicator fires in this advert: an example of a
    # dating rule added to a job advert fires nothing and is only a sentence that may state pay.
    # An example of two sentences is two red-flag sentences only if each has its own: in
    # "Sign family documents so he can stay. €2500 for your time." the second sentence is
    # only a pay statement, and stating pay and a contract may lawfully lower a job score.
    a = len(str(row["text"])) + 1 if at_end else 0
    lures = [f.start for f in more.findings
             if f.weight >= PRESENT and not scanner.ruleset.categories[f.category].context_only]
    added = [(s, e) for s, e in split_sentences(text) if a <= s < a + len(sentence)]
    assume(added and all(any(s <= start < e for start in lures) for s, e in added))
    assert more.score.value >= base.score.value - 1e-9
    assert more.score.flagged or not base.score.flagged


def test_near_duplicates_never_straddle_the_split() -> None:
    for lang in ("lv", "ru", "uk", "en"):
        rows = read_jsonl(ROOT / "corpora" / "dev" / f"{lang}.jsonl") + read_jsonl(ROOT / "corpora" / "test" / f"{lang}.jsonl")
        test_ids = {r["id"] for r in read_jsonl(ROOT / "corpora" / "test" / f"{lang}.jsonl")}
        for cl in clusters(rows):
            parts = {rows[i]["id"] in test_ids for i in cl}
            assert len(parts) == 1, [rows[i]["id"] for i in cl]
        dev, test = split(rows)
        assert {r["id"] for r in test} == test_ids  # the committed split is the function's split


def test_extra_dev_adverts_have_no_near_duplicates_in_the_test_part() -> None:
    from scanner.corpus import NEAR_DUP, jaccard, shingles

    test = [r for p in sorted((ROOT / "corpora" / "test").glob("*.jsonl")) for r in read_jsonl(p)]
    extra = [r for p in sorted((ROOT / "corpora").glob("extra*/*.jsonl")) for r in read_jsonl(p)]
    test_sh = [shingles(str(r.get("title", "")) + " " + str(r["text"])) for r in test]
    for r in extra:
        sh = shingles(str(r.get("title", "")) + " " + str(r["text"]))
        assert all(jaccard(sh, t) < NEAR_DUP for t in test_sh), r["id"]
