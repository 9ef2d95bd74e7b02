"""Stage: rules/match. Input: normalized text, its sentences and evidence. Output: `Hit`s.

How it stays fast: the advert is tokenized exactly as spaCy's tokenizer would, each
distinct chunk split once by the lean tokenizer's rules (`ChunkTokenizer`); each token gets the key of its
sentence's language from a cache (`KeyMaker`); one trie of every rule term's keys
(`KeyPhraseMatcher`, spaCy's PhraseMatcher on plain key lists, no `Doc` to fill) finds
every term at once. Terms are namespaced by language ("lv:darb"), so a Latvian term
only ever matches Latvian sentences. `near` patterns are then assembled from term hits
in plain Python, within a sentence and a token window.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, KeysView, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import spacy
from spacy.tokenizer import Tokenizer

from ..lemmas import KeyMaker, strip_accents
from ..language import Sentence
from ..models import LANGS
from ..normalize import normalize_text
from ..score import PRESENT
from .features import FEATURES, FeatureInput, disguised_starts
from .loader import GlobalContext, RuleSet
from .schema import Pattern, Rule
from .tokens import ChunkTokenizer, KeyPhraseMatcher, Tokens


# A lean tokenizer: spaCy's Tokenizer with plain punctuation rules. The default rules
# (URLs, emoticons, every Unicode punctuation class) cost ~12x more on adverts and change
# nothing a rule can see, because rule words go through this same tokenizer.
# Emoji and pictographs count as punctuation too: messenger posts glue them to words
# ("✅ЖИТЛО БЕЗКОШТОВНО", "❗Паспорт здаєте координатору"), and a word must stay a word.
# "%" is cut off its number ("20%" is "20" "%") as rule terms write it: "% from every drink".
_SYMBOLS = "\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\ufe0f\U0001f000-\U0001faff"
_PUNCT = r"""[\("'«»„“”\[\]{}¿¡*•·–—\-€$£₽₴#№%+~|/\\<>:;,.!?…=""" + _SYMBOLS + "]"
# Purpose and cause connectives (lemma keys) open a new clause: a rule's lowering context on
# the far side of one is about something else. "We keep your passport so nobody loses it":
# the "nobody" is about losing it, not about keeping it. Raising contexts are not stopped,
# nor are the global frames (context.yml), whose warning or advice spans whole passages.
CLAUSE_BREAKS = frozenset({
    "en:so", "en:becaus", "en:caus", "en:coz",  # so (that), because, 'cause
    "lv:lai", "lv:jo",                           # lai (so that), jo (because)
    "ru:ctob", "ru:ibo",                         # чтобы/чтоб, ибо
    "uk:sob", "uk:bo",                           # щоб, бо
})
# Group numbers of an advert frame's terms: its terms 0, 1, ...; weak terms -1, -2, ...;
# turn terms _TURN, _TURN - 1, ... (far below any weak term's number)
_TURN = -100_000
_PREFIX = re.compile(r"^" + _PUNCT)
_SUFFIX = re.compile(_PUNCT + r"$")
# Letters and digits stay together: "sro4no", "m0ney" and "3scort" are words in disguise.
_INFIX = re.compile(r"""[()"'«»„“”\[\]{}*•·–—~|/\\<>,;:!?…=""" + _SYMBOLS
                    + r"""]|(?<=[^\W\d_])[-.](?=[^\W\d_])|(?<=\d)[-–](?=\d)""")


def lean_tokenizer(vocab: spacy.vocab.Vocab) -> Tokenizer:
    return Tokenizer(vocab, prefix_search=_PREFIX.search, suffix_search=_SUFFIX.search,
                     infix_finditer=_INFIX.finditer)


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule hit in normalized-text offsets, before mapping to the original."""

    rule: Rule
    lang: str
    start: int
    end: int
    weight: float
    reason: str


@dataclass(frozen=True, slots=True)
class _Slot:
    ref: int  # index into _refs
    group: int


@dataclass(frozen=True, slots=True)
class _PatternRef:
    rule: Rule
    lang: str
    pattern: Pattern
    desc: str


@dataclass(frozen=True, slots=True)
class _ContextRef:
    rule: Rule
    lang: str
    index: int


@dataclass(frozen=True, slots=True)
class _GlobalRef:
    context: GlobalContext


class _ContextEntry(NamedTuple):
    """A context that may change a pattern's hits: its slot, reach, factor and note."""

    slot: tuple[int, int]
    window: int
    factor: float
    note: str
    clause: bool  # a rule's own context: a lowering one stops at a clause break


class Matcher:
    """Every active rule compiled into one term trie (`KeyPhraseMatcher`) plus window logic."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.nlp = spacy.blank("xx")
        self.nlp.tokenizer = lean_tokenizer(self.nlp.vocab)
        self.vocab = self.nlp.vocab
        self.tokenizer = ChunkTokenizer(self.nlp.tokenizer, _PUNCT, _INFIX.finditer)
        self.keymakers = {lang: KeyMaker(lang) for lang in (*LANGS, "other")}
        self.phrase_matcher = KeyPhraseMatcher()
        self._refs: list[_PatternRef | _ContextRef] = []
        self._slots: dict[int, list[tuple[int, int]]] = defaultdict(list)  # label -> (ref, group)s
        self._labels: dict[tuple[str, ...], int] = {}
        self._feature_rules: list[Rule] = []
        self._ctx_refs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self._global_refs: dict[str, list[int]] = defaultdict(list)  # lang -> refs
        for rule in ruleset.active:
            self._compile(rule)
        self._disguise_category = next((r.category for r in self._feature_rules for _lang, patterns in r.patterns
                                        for p in patterns if p.feature == "obfuscated_contact"), None)
        self._advert_refs: list[int] = []
        for gctx in ruleset.contexts:
            self._refs.append(_GlobalRef(gctx))
            ref = len(self._refs) - 1
            if gctx.scope == "advert":
                self._advert_refs.append(ref)
            for lang, terms in gctx.terms.items():
                if gctx.scope == "sentence":
                    self._global_refs[lang].append(ref)
                for i, term in enumerate(terms):
                    # advert frames count distinct terms: each term gets its own group number,
                    # and a term whose keys another term already has (a repeat, or another
                    # spelling of one word) is not counted twice
                    self._add_term(term, lang, _Slot(ref, i if gctx.scope == "advert" else 0),
                                   once_per_ref=gctx.scope == "advert")
            for lang, terms in gctx.weak_terms.items():
                for i, term in enumerate(terms):  # weak terms are numbered -1, -2, ...
                    self._add_term(term, lang, _Slot(ref, -1 - i), once_per_ref=True)
            for lang, terms in gctx.turn_terms.items():
                for i, term in enumerate(terms):  # turn terms are numbered _TURN, _TURN - 1, ...
                    self._add_term(term, lang, _Slot(ref, _TURN - i), once_per_ref=True)
        self._index_slots()

    def _index_slots(self) -> None:
        """Per ref, the labels of its terms, so that a match finds its hits by label and
        never fans a term hit out to every pattern that has that term (a common word such
        as "work" is in hundreds). A text pattern is looked at only when a term of its
        trigger group occurs: the group whose terms are in the fewest patterns, a proxy
        for the rarest words. The trigger changes only what is looked at, never a result."""
        groups: dict[int, list[set[int]]] = {}
        self._context_slots: dict[int, tuple[tuple[int, int], ...]] = {}  # label -> (ref, group) of contexts and frames
        popularity: Counter[int] = Counter()
        for label, slots in self._slots.items():
            for ref, group in slots:
                pref = self._refs[ref]
                if isinstance(pref, _PatternRef):
                    groups.setdefault(ref, [set() for _ in pref.pattern.groups])[group].add(label)
                    popularity[label] += 1
            context = tuple(slot for slot in slots if not isinstance(self._refs[slot[0]], _PatternRef))
            if context:
                self._context_slots[label] = context
        self._ref_contexts: dict[int, tuple[float, tuple[_ContextEntry, ...]]] = {
            ref: self._contexts_of(pref) for ref, pref in enumerate(self._refs) if isinstance(pref, _PatternRef)}
        self._triggers: dict[int, list[int]] = defaultdict(list)  # label -> pattern refs it triggers
        self._group_labels: dict[int, tuple[frozenset[int], ...]] = {}
        self._other_groups: dict[int, tuple[frozenset[int], ...]] = {}
        for ref in sorted(groups):
            sets = groups[ref]
            trigger = min(range(len(sets)), key=lambda g: (sum(popularity[x] for x in sets[g]), g))
            for label in sets[trigger]:
                self._triggers[label].append(ref)
            self._group_labels[ref] = tuple(frozenset(g) for g in sets)
            self._other_groups[ref] = tuple(frozenset(g) for i, g in enumerate(sets) if i != trigger)

    def _contexts_of(self, pref: _PatternRef) -> tuple[float, tuple[_ContextEntry, ...]]:
        """A text pattern's weight and the contexts that may change it, in the order they
        apply: its rule's own contexts in its language, then the language's sentence frames."""
        weight = pref.pattern.weight if pref.pattern.weight is not None else pref.rule.weight
        contexts = pref.rule.context_for(pref.lang)
        entries = [_ContextEntry((ref, 0), contexts[index].window, contexts[index].factor,
                                 f"context ×{contexts[index].factor:g} ({contexts[index].terms[0]})", True)
                   for ref, index in self._ctx_refs.get((pref.rule.id, pref.lang), ())] if contexts else []
        for ref in self._global_refs.get(pref.lang, ()):
            gctx = self._refs[ref].context  # type: ignore[union-attr]
            entries.append(_ContextEntry((ref, 0), gctx.window, gctx.factor,
                                         f"{gctx.id} ×{gctx.factor:g} ({gctx.title.split(':')[0].lower()})", False))
        return weight, tuple(entries)

    # --- compiling -------------------------------------------------------------
    def term_keys(self, term: str, lang: str) -> tuple[str, ...]:
        words = self.tokenizer(normalize_text(term).text).words
        return tuple(self.keymakers[lang].key(w) for w in words if not w.isspace())

    def _add_term(self, term: str, lang: str, slot: _Slot, *, once_per_ref: bool = False) -> None:
        if lang == "lv" and not term.isascii() and " " in term.strip():
            # Latvian typed without diacritics is lemmatized as written: "kopa" is a noun
            # ("set"), not "kopā" (together). So a Latvian phrase is also looked for as it
            # would be typed on a keyboard without them. Not a single word: alone, its plain
            # form is too often another word ("parāds", debt, and "parādīt", to show).
            plain = strip_accents(term)
            if plain != term:
                self._add_keys(self.term_keys(plain, lang), slot, once_per_ref)
        self._add_keys(self.term_keys(term, lang), slot, once_per_ref)

    def _add_keys(self, keys: tuple[str, ...], slot: _Slot, once_per_ref: bool) -> None:
        if not keys:
            return
        label = self._labels.get(keys)
        if label is None:
            label = self._labels[keys] = len(self._labels)
            self.phrase_matcher.add(label, keys)
        if once_per_ref and any(ref == slot.ref for ref, _ in self._slots[label]):
            return
        self._slots[label].append((slot.ref, slot.group))

    def _compile(self, rule: Rule) -> None:
        for lang, patterns in rule.patterns:
            for pattern in patterns:
                if pattern.kind == "feature":
                    if rule not in self._feature_rules:
                        self._feature_rules.append(rule)
                    continue
                self._refs.append(_PatternRef(rule, lang, pattern, pattern.describe()))
                ref = len(self._refs) - 1
                for g, group in enumerate(pattern.groups):
                    for alt in group:
                        self._add_term(alt, lang, _Slot(ref, g))
        for lang, contexts in rule.context:
            for i, ctx in enumerate(contexts):
                self._refs.append(_ContextRef(rule, lang, i))
                ref = len(self._refs) - 1
                self._ctx_refs[(rule.id, lang)].append((ref, i))
                for term in ctx.terms:
                    self._add_term(term, lang, _Slot(ref, 0))

    # --- matching --------------------------------------------------------------
    def match(self, text: str, sentences: list[Sentence], kind: str, evidence_input: FeatureInput,
              advert_lang: str) -> list[Hit]:
        """All rule hits in `text` (normalized), sentence languages from `sentences`."""
        tokens = self.tokenizer(text)
        if not len(tokens):
            return self._features(evidence_input, kind, advert_lang)
        keys, token_sent = self._assign_keys(tokens, sentences)
        by_label: dict[int, list[tuple[int, int]]] = {}  # label -> its term's spans, in text order
        by_slot: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)  # contexts and frames
        context_slots = self._context_slots
        for label, start, end in self.phrase_matcher(keys, _joins(tokens) if "-" in text else frozenset()):
            if token_sent[start] == token_sent[end - 1]:
                span = (start, end)
                spans = by_label.get(label)
                if spans is None:
                    by_label[label] = [span]
                else:
                    spans.append(span)
                for slot in context_slots.get(label, ()):
                    by_slot[slot].append(span)
        hits = self._combine(tokens, keys, by_label, by_slot, token_sent, kind)
        lures = [h for h in hits if h.weight >= PRESENT and not self.ruleset.categories[h.rule.category].context_only]
        # a sentence with a disguised contact is a lure sentence too: what it says (a call
        # invitation, a contract) cannot clear or soften the rest of the advert
        disguised = [(at, self._disguise_category) for at in disguised_starts(evidence_input)] if self._disguise_category else []
        x = evidence_input  # with the sentences the text rules fired in (built directly: `replace` is slow)
        features = self._features(FeatureInput(x.norm, x.evidence, x.kind, x.fields,
                                               tainted=_sentences_with(hits, sentences),
                                               lure_sentences=_lure_sentences(lures, sentences, disguised),
                                               hit_sentences=_sentences_with(hits, sentences, other=False)),
                                  kind, advert_lang)
        lure_spans = [(h.start, h.end) for h in lures]
        return self._advert_frames(hits + features, by_slot,
                                   lambda token: not any(a <= tokens.starts[token] < b for a, b in lure_spans),
                                   tokens.starts)

    def _assign_keys(self, tokens: Tokens, sentences: list[Sentence]) -> tuple[list[str], list[int]]:
        """Each token's key in its sentence's language, and its sentence's index. A token
        belongs to the last sentence starting at or before it (tokens before the first
        sentence to the first); sentences are in text order, so each owns a token range."""
        other = self.keymakers["other"]
        if not sentences:
            return other.keys(tokens.words), [0] * len(tokens)
        bounds = [0, *(bisect_left(tokens.starts, s.start) for s in sentences[1:]), len(tokens)]
        keys: list[str] = []
        token_sent: list[int] = []
        for i, sentence in enumerate(sentences):
            a, b = bounds[i], bounds[i + 1]
            if a < b:
                keys += self.keymakers.get(sentence.lang, other).keys(tokens.words[a:b])
                token_sent += [i] * (b - a)
        return keys, token_sent

    def _combine(self, tokens: Tokens, keys: list[str], by_label: dict[int, list[tuple[int, int]]],
                 by_slot: dict[tuple[int, int], list[tuple[int, int]]], token_sent: list[int], kind: str) -> list[Hit]:
        out: list[Hit] = []
        refs, group_labels, any_kind = self._refs, self._group_labels, kind == "unknown"
        for ref in self._complete_refs(by_label.keys()):  # text patterns only
            pref: _PatternRef = refs[ref]  # type: ignore[assignment]
            if not (any_kind or kind in pref.rule.kinds):  # _runs_on, inlined
                continue
            pattern = pref.pattern
            groups = [_spans(by_label, labels) for labels in group_labels[ref]]
            for start, end in _windows(groups, pattern.window, pattern.ordered, token_sent):
                weight, why = self._context_weight(ref, start, end, by_slot, token_sent, groups, keys)
                if weight <= 0:
                    continue
                a, b = tokens.span(start, end)
                out.append(Hit(pref.rule, pref.lang, a, b, weight, pref.desc + why))
        return _dedupe(out)

    def _complete_refs(self, found: KeysView[int]) -> list[int]:
        """The text patterns (refs, in order) with a term of every group among the `found` labels."""
        triggers, other_groups = self._triggers, self._other_groups
        candidates: set[int] = set()
        for label in found:
            refs = triggers.get(label)
            if refs:
                candidates.update(refs)
        out = []
        for ref in sorted(candidates):
            for labels in other_groups[ref]:
                if found.isdisjoint(labels):
                    break
            else:
                out.append(ref)
        return out

    def _context_weight(self, ref: int, start: int, end: int,
                        by_slot: dict[tuple[int, int], list[tuple[int, int]]],
                        token_sent: list[int], groups: list[list[tuple[int, int]]],
                        keys: list[str]) -> tuple[float, str]:
        """The hit's weight after the contexts near it. A context word that is part of the
        hit's own term is not context: terms meet as lemma keys, so the negation "не" is also
        the "не" of "ничего не делая", and "kāzu" (wedding services) is also "kāzām". A rule's
        lowering context does not reach across a clause break (`CLAUSE_BREAKS`)."""
        weight, entries = self._ref_contexts[ref]
        notes: list[str] = []
        own: list[tuple[int, int]] | None = None  # the hit's own term spans, found only if a context is near
        sent = token_sent[start]
        for slot, window, factor, note, clause in entries:
            for a, b in by_slot.get(slot, ()):
                if token_sent[a] != sent or max(0, start - b, a - end) > window:
                    continue
                if own is None:
                    # a group's term that starts inside the hit is the hit's own words even where
                    # it runs on past the hit's end ("paid together with the season bonus", when
                    # the hit ends at "paid together with")
                    own = [h for hits in groups for h in hits if start <= h[0] < end]
                if any(x <= a and b <= y for x, y in own):
                    continue
                if clause and factor < 1:
                    lo, hi = (b, start) if b <= start else (end, a)
                    if any(keys[i] in CLAUSE_BREAKS for i in range(lo, hi)):
                        continue
                weight *= factor
                notes.append(note)
                break
        return min(weight, 1.0), ("; " + "; ".join(notes) if notes else "")

    def _advert_frames(self, hits: list[Hit], by_slot: dict[tuple[int, int], list[tuple[int, int]]],
                       counts: Callable[[int], bool], starts: Sequence[int]) -> list[Hit]:
        """Frames that change every text hit when enough of their terms occur in the advert
        (an NGO or police warning that quotes several lures). A term counts only where
        `counts(first token)` holds: not inside a lure's own words, so a lure cannot damp the
        score it adds to ("become a board member, only on paper" is no charity's board). A
        frame stops at its first turn term after a frame term (`starts`: each token's offset):
        "beware of fake agencies... but if you want to really earn, our club needs hostesses"
        warns first and then makes the lure itself."""
        found: dict[int, list[tuple[list[tuple[int, int]], bool]]] = {ref: [] for ref in self._advert_refs}
        turns: dict[int, list[int]] = {ref: [] for ref in self._advert_refs}
        for (ref, g), spans in by_slot.items():  # one pass over the slots, not one per frame
            if ref in found:
                if g <= _TURN:
                    turns[ref] += [span[0] for span in spans]
                    continue
                kept = [span for span in spans if counts(span[0])]
                if kept:
                    found[ref].append((kept, g < 0))  # a weak term has a negative group number
        for ref in self._advert_refs:
            gctx = self._refs[ref].context  # type: ignore[union-attr]
            if _distinct_terms(found[ref]) >= gctx.min_terms:
                first = min(span[0] for spans, _weak in found[ref] for span in spans)
                after = [t for t in turns[ref] if t > first]
                end = starts[min(after)] if after else None
                note = f"; {gctx.id} ×{gctx.factor:g} ({gctx.title.split(':')[0].lower()})"
                hits = [h if end is not None and h.start >= end
                        else replace(h, weight=h.weight * gctx.factor, reason=h.reason + note) for h in hits]
        return hits

    def _features(self, x: FeatureInput, kind: str, advert_lang: str) -> list[Hit]:
        out = []
        for rule in self._feature_rules:
            if not _runs_on(rule, kind):
                continue
            lang = advert_lang if advert_lang in rule.languages else rule.languages[0]
            for pattern in rule.patterns_for(lang):
                if pattern.kind != "feature" or pattern.feature is None:
                    continue
                weight = pattern.weight if pattern.weight is not None else rule.weight
                for a, b, reason in FEATURES[pattern.feature](x, dict(pattern.params)):
                    out.append(Hit(rule, lang, a, b, weight, f"feature {pattern.feature}: {reason}"))
        return out


def _sentences_with(hits: list[Hit], sentences: list[Sentence], *, other: bool = True) -> tuple[tuple[int, int], ...]:
    """Spans of the sentences not to read compliance from: those in which a text rule
    fired, and (with `other`) those in no language the rules can read ("other"), whose
    lure the rules could not have seen."""
    starts = [s.start for s in sentences]
    found = {sentences[max(0, bisect_right(starts, h.start) - 1)] for h in hits} if sentences else set()
    if other:
        found |= {s for s in sentences if s.lang == "other"}
    return tuple(sorted((s.start, s.end) for s in found))


def _lure_sentences(lures: list[Hit], sentences: list[Sentence],
                    more: list[tuple[int, str]] = ()) -> tuple[tuple[int, int, str], ...]:  # type: ignore[assignment]
    """(start, end, category) of each sentence with a lure of that category (a hit, or an
    offset and category in `more`), and of each sentence in no language the rules read
    (category "")."""
    starts = [s.start for s in sentences]
    at = [(h.start, h.rule.category) for h in lures] + list(more)
    found = {(sentences[max(0, bisect_right(starts, a) - 1)], category) for a, category in at} if sentences else set()
    found |= {(s, "") for s in sentences if s.lang == "other"}
    return tuple(sorted((s.start, s.end, category) for s, category in found))


def _distinct_terms(found: list[tuple[list[tuple[int, int]], bool]]) -> int:
    """How many of a frame's terms occur (one list of token spans per term, and whether the
    term is weak), not counting a term found only inside another found term ("внимание"
    inside "обратите внимание"). Weak terms count only beside a term that is not weak: a
    lure that opens with "beware of fraudsters, scam alert" is not a warning for that."""
    every = [span for spans, _weak in found for span in spans]

    def inside(a: tuple[int, int]) -> bool:
        return any(b != a and b[0] <= a[0] and a[1] <= b[1] for b in every)

    counted = [weak for spans, weak in found if not all(inside(span) for span in spans)]
    return len(counted) if not all(counted) else 0


def _spans(by_label: dict[int, list[tuple[int, int]]], labels: frozenset[int]) -> list[tuple[int, int]]:
    """The spans of a group's terms in text order (a span is one key sequence, so one label)."""
    found = [by_label[label] for label in labels if label in by_label]
    return found[0] if len(found) == 1 else sorted(span for spans in found for span in spans)


def _joins(tokens: Tokens) -> set[int]:
    """Indexes of hyphens inside a word ("out-of-town", "cash-in-hand"): the tokenizer cuts
    such a word at each hyphen, and a rule phrase ("out of town drops") goes through them."""
    starts, words = tokens.starts, tokens.words
    return {k for k in range(1, len(words) - 1)
            if words[k] == "-" and starts[k - 1] + len(words[k - 1]) == starts[k] and starts[k + 1] == starts[k] + 1}


def _runs_on(rule: Rule, kind: str) -> bool:
    return kind == "unknown" or kind in rule.kinds


def _windows(groups: list[list[tuple[int, int]]], window: int, ordered: bool,
             token_sent: list[int]) -> list[tuple[int, int]]:
    """Spans where one hit of every group lies within `window` tokens, in one sentence:
    from each hit of the first group, the nearest fitting hit of each next group."""
    if len(groups) == 1:
        return sorted(set(groups[0]))
    out = []
    rest = groups[1:]
    for anchor in sorted(set(groups[0])):
        a0, a1 = anchor
        sent = token_sent[a0]
        chosen = [anchor]
        for g in rest:
            last_end = chosen[-1][1]
            best: tuple[int, int] | None = None
            best_gap = 0
            for h in g:
                h0, h1 = h
                if token_sent[h0] != sent or (ordered and h0 < last_end):
                    continue
                # within the window of every chosen hit, and overlapping none: one stretch of
                # text is one term ("bring your friends" is not "bring your friend" plus "friends")
                for c0, c1 in chosen:
                    if not (h1 <= c0 or c1 <= h0) or max(c0 - h1, h0 - c1) > window:
                        break
                else:
                    gap = max(0, a0 - h1, h0 - a1)
                    if best is None or gap < best_gap:
                        best, best_gap = h, gap
            if best is None:
                break
            chosen.append(best)
        else:
            out.append((min(c[0] for c in chosen), max(c[1] for c in chosen)))
    return out


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Per rule, drop hits contained in another hit of the same rule that weighs as much
    (a heavier hit inside a lighter one stays: a longer match must never lower the score)."""
    by_rule: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        by_rule[h.rule.id].append(h)
    out = []
    for rule_hits in by_rule.values():
        if len(rule_hits) == 1:
            out.append(rule_hits[0])
            continue
        rule_hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        kept: list[Hit] = []
        for h in rule_hits:
            if any(k.start <= h.start and h.end <= k.end and h.weight <= k.weight for k in kept):
                continue
            kept.append(h)
        out.extend(kept)
    return out
