"""The match stage's tokenizer and term trie give exactly what spaCy's would."""
from __future__ import annotations

import unicodedata

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from scanner.rules.match import _INFIX, _PUNCT, lean_tokenizer
from scanner.rules.tokens import ChunkTokenizer, KeyPhraseMatcher

NLP = spacy.blank("xx")
SPACY = lean_tokenizer(NLP.vocab)
CHUNKS = ChunkTokenizer(lean_tokenizer(NLP.vocab), _PUNCT, _INFIX.finditer)
# Letters, digits and every kind of character the lean tokenizer treats specially.
ALPHABET = st.sampled_from(list("abzаяіāš09ʼ_ .,;:!?…-–—()[]{}«»„“”\"'’`/\\|*•·~=+#№$€£₽₴<>%@&")
                           + [" ", "\n", "\t", "\u00a0", "\u2009", "\u3000", "\x1c", "²", "½",
                              "✅", "❗", "🔥", "📲", "✈", "\ufe0f", "👉", "🏻"])


def spacy_tokens(text: str) -> list[tuple[int, str]]:
    return [(t.idx, t.text) for t in SPACY(text)]


def chunk_tokens(text: str) -> list[tuple[int, str]]:
    tokens = CHUNKS(text)  # the texts are NFKC, as after normalize
    return list(zip(tokens.starts, tokens.words))


@pytest.mark.parametrize("text", [
    "", " ", "  ", "\n", " word", "word ", "a  b", "a \n b", "a\n b", "(word),", "«darbs»!", "+371 2000 0000",
    "€500/month", "t.me/name_x", "e-mail, co-op", "20:00–9:00", "(37)", "...", "--", "30-45 gadi", "sro4no m0ney",
    "обовʼязково", "@handle.", "name@mail.lv,", "a.b", "x\u00a0y", "1,200.50",
    "✅ЖИТЛО", "❗Паспорт", "40106584716)", "30–40.", "(9:00–18:00),", "name@mail.lv,", "-a-b-", "a--b", "БЕЗКОШТОВНО🔥оплата", "✈️Norway", "work👉🏻now",
])
def test_same_tokens_as_spacy(text: str) -> None:
    assert chunk_tokens(text) == spacy_tokens(text)


@settings(max_examples=1000, deadline=None)
@given((st.text(alphabet=ALPHABET, max_size=80) | st.text(max_size=40)).map(lambda t: unicodedata.normalize("NFKC", t)))
def test_same_tokens_as_spacy_on_any_text(text: str) -> None:
    assert chunk_tokens(text) == spacy_tokens(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=20).filter(lambda t: not any(c.isspace() for c in t)))
def test_a_new_chunk_is_split_without_spacy_as_spacy_splits_it(chunk: str) -> None:
    chunk = unicodedata.normalize("NFKC", chunk)
    assert CHUNKS._affix_split(chunk) == tuple(spacy_tokens(chunk))


def test_key_phrase_matcher_finds_what_spacy_finds_in_the_same_order() -> None:
    terms = [("a",), ("a", "b"), ("a", "b", "c"), ("b", "c"), ("c",), ("b", "x")]
    keys = ["a", "b", "c", "a", "a", "b", "x", "c"]
    ours = KeyPhraseMatcher()
    theirs = PhraseMatcher(NLP.vocab)
    for label, term in enumerate(terms):
        ours.add(label, term)
        theirs.add(str(label), [Doc(NLP.vocab, words=list(term))])
    expected = [(int(NLP.vocab.strings[m]), s, e) for m, s, e in theirs(Doc(NLP.vocab, words=keys))]
    assert ours(keys) == expected
    assert ours([]) == []


def test_an_emoji_glued_to_a_word_is_cut_off() -> None:
    assert [w for _, w in chunk_tokens("❗Паспорт здаєте✅")] == ["❗", "Паспорт", "здаєте", "✅"]
