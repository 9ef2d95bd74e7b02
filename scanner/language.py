"""Stage: language. Input: normalized text (and an optional hint). Output: `Segment`s.

The text is cut into sentences; each sentence gets lv, ru, uk, en or other from the
cheapest evidence that decides it, in this order:

1. script: no Latin or Cyrillic letters at all -> "other" (or the neighbours' language
   for digits, emoji and punctuation);
2. distinctive letters: і ї є ґ (uk) against ы э ъ ё (ru); ā č ē ģ ī ķ ļ ņ š ū ž (lv);
3. words: short lists of function words per language, including Latin-script Russian
   and Ukrainian ("rabota v", "dlya", "robota u"); then, for a Latin line those leave
   open, simplemma's word-form dictionaries (nearly all words English -> en; most words
   Latvian forms without their diacritics -> lv), then pymorphy3's (most words read back
   as common Russian or Ukrainian words once transliterated -> ru or uk);
4. lingua, for Latin or Cyrillic sentences still undecided and long enough (a Latin line
   counts only the letters of its words, not phones, e-mails, handles or URLs), restricted
   to our languages plus neighbours that map to "other" (de, pl, lt, et ...).

Adjacent sentences in one language merge into one segment. With a hint (the advert
says its language), undecided sentences take the hint instead of asking lingua.
Offsets here index the normalized text; the pipeline maps them to the original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lemmas import known_transliteration, latvian_written, word_forms

# A sentence runs to a stop followed by whitespace, or to a line end. A stop inside a word
# ("3.5", "g.)", "www.x.lv") belongs to the sentence: no text may fall between sentences.
# (Written as an unrolled loop: runs of plain characters are taken whole, not one
# alternation per character, which makes the split about 2.5x faster for the same spans.)
_SENTENCE = re.compile(r"[^\n.!?…]*(?:[.!?…]+(?![.!?…]|\s|$)[^\n.!?…]*)*(?:[.!?…]+(?=\s|$)|\n|$)")
_WORD = re.compile(r"[^\W\d_]+")
_CYR = re.compile(r"[\u0400-\u04ff]")
_LAT = re.compile(r"[a-z\u00c0-\u024f]")
_CYR_RUN = re.compile(r"[\u0400-\u04ff]+")
_LAT_RUN = re.compile(r"[a-z\u00c0-\u024f]+")
_UK_LETTERS = re.compile(r"[іїєґ]")
_RU_LETTERS = re.compile(r"[ыэъё]")
_LV_LETTERS = re.compile(r"[āčēģīķļņšūž]")
_OTHER_LATIN = re.compile(r"[äöüßąęłńśźżćőűøåæœçñàèìòùáéíóúâêîôûãõýÿ]")

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and to of for with you your we our is are in on at no not will be this that from "
                    "work job jobs pay per hour week month free need needed only all contact us apply girls "
                    "looking call me my i a an or it as by have has can who what when how if they them their "
                    "am was were here there more about up out just so".split()),
    "lv": frozenset("un ar par ir uz no bez darbs darba darbu mes jus tev tu man ka kas vai lai ari tikai "
                    "pie pec ja nav alga algu dzivoklis dzivesvieta zvani raksti ludzu meitenes strada "
                    "stradat arzemes arzemem pieredze pieredzes valodas sludinajums piedavajam meklejam "
                    "darbinieki darbiniekus pilna slodze uznemums sia esmu meklu vinu sveiki labdien "
                    "jums musu savu sev kur kad ka ta tas ta tie tas visi".split()),
    # Russian and Ukrainian also as written in Latin letters ("rabota v", "ishchu", "shukayu").
    "ru": frozenset("i v na s po za ot do dlya ne bez rabota raboty rabotu my vy eto chto kak u zhilye "
                    "zhilie zhile zarplata oplata opyta opyt srochno devushki nuzhny trebuyutsya tolko "
                    "pishite zvonite zvoni den mesyac chas evro dollarov ya mne menya ty tebya nas vas on "
                    "ona oni vse kogda esli ili uzhe eshche ochen mozhno nuzhno nuzhen nuzhna budet est net "
                    "privet ishchu ishu zhivu devushku let goda dom dnya ko iz pro pod pri ob zhe li "
                    "platim kazhdyy kazhdyj studentov podrabotka pishi lichku lichnye tebe moy moya svoj "
                    "svoy kotoryy kotoraya takzhe rabotat zarabotok dengi ishchem nado nuzhen nuzhna tolko srazu "
                    "dokumenty voditel voditelej mashinu nashe nash vash svyaz evropy evrope".split()),
    "uk": frozenset("i ta v u na z po za vid do dlia dlya ne bez robota roboty robotu my vy tse shcho yak "
                    "zhytlo oplata dosvidu dosvid terminovo divchata potribni tilky pyshit telefonuite "
                    "den misiats hodyna yevro ya meni mene ty vin vona vony koly yakshcho abo vzhe shche "
                    "duzhe mozhna treba potribno bude ye pryvit shukayu zhyvu divchynu rokiv rik dim vid "
                    "pid pry ale chy platymo kozhen kozhnyi studentiv pidrobitok pyshy dzvony osobysti "
                    "miy moya sviy yaka yakyi takozh pratsiuvaty zarobitok hroshi shukayemo treba potriben potribna "
                    "tilky odrazu dokumenty vodiy mashynu nashe nash vash zvyazok yevropy mizh "
                    # shared with Russian, so neither side's lean ("pro", "vse"), and the national
                    # transliteration's spellings (я "ia", як "iak", їх "ikh", є "ie", шукаю "shukaiu")
                    "pro vse vsi shchob ia iak iaka iakyi iakshcho ikh yikh ie ii yii moia svii tsei tsia "
                    "shukaiu shukaiemo zviazok ievro ievropy pratsiuiemo".split()),
}
# Cyrillic function words that tell Russian from Ukrainian when no distinctive letter does
# (shared words such as "в", "на", "при" are left out on purpose).
CYRILLIC_WORDS: dict[str, frozenset[str]] = {
    "ru": frozenset("и что это как мы вы я мне меня ты он она они все всё только уже ещё очень можно нужно "
                    "нужны нужен будет есть нет или если когда где также который которые тебя себя его её "
                    "был была были свой наши работа работы работу опыт опыта жильё жилье срочно девушки "
                    "требуются пишите звоните месяц час подробности личку оплата проживание бесплатно "
                    "предоставляем предоставляется заработок деньги сразу нас вас наш ваш от".split()),
    "uk": frozenset("і й та що це як ми ви я мені мене ти він вона вони всі тільки вже ще дуже можна треба "
                    "потрібно потрібні буде є немає або якщо коли де також який які тебе себе його її був "
                    "була були свій наші робота роботи роботу досвід досвіду житло терміново дівчата пишіть "
                    "телефонуйте місяць годину особисті оплата проживання безкоштовно надаємо надається "
                    "заробіток гроші одразу нас вас наш ваш від щоб чи із зі".split()),
}
_LINGUA_OTHER = ("GERMAN", "POLISH", "LITHUANIAN", "ESTONIAN", "FRENCH", "SPANISH", "ITALIAN", "ROMANIAN", "DUTCH", "SWEDISH", "FINNISH", "TURKISH", "PORTUGUESE", "CZECH")
_LINGUA_OURS = {"LATVIAN": "lv", "RUSSIAN": "ru", "UKRAINIAN": "uk", "ENGLISH": "en"}


_RARE_DOUBLE = re.compile(r"aa|uu", re.IGNORECASE)
_ANY_DOUBLE = re.compile(r"aa|uu|ii|ee", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    lang: str
    confidence: float
    method: str


def split_sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _SENTENCE.finditer(text):
        span = m.span()
        if span[1] > span[0] and not m.group().isspace():
            spans.append(span)
    return spans


def detect_sentences(text: str, hint: str | None = None, lingua_min_chars: int = 12) -> list[Sentence]:
    """Every sentence of `text` with its language (see the module docstring)."""
    sentences = [_detect_one(text, a, b, hint, lingua_min_chars) for a, b in split_sentences(text)]
    return _fill_undecided(_translit_vote(sentences, text), hint, text)


def _count(run: re.Pattern[str], s: str) -> int:
    """Characters of a class in `s`, counted by runs of it: one string per word, not per letter."""
    return sum(map(len, run.findall(s)))


def _translit_vote(sentences: list[Sentence], text: str) -> list[Sentence]:
    """Latin-script Russian and Ukrainian share most short words, so one sentence says
    little. Each sentence leans by its function words found in only one of the two; the
    sentences' leanings vote (one sentence, one vote, so a long line added in the other
    language cannot outweigh the rest), and word totals break a tie. A sentence leaning
    two words or more keeps its own language; the others take the vote's."""
    translit = [s for s in sentences if _is_translit(s, text)]
    cyrillic = [s.lang for s in sentences if s.lang in ("ru", "uk") and _CYR.search(text[s.start:s.end])]
    if not translit and not cyrillic:
        return sentences
    lean = {s: _lean(text[s.start:s.end]) for s in translit}
    votes = sum((v > 0) - (v < 0) for v in lean.values())
    total = sum(lean.values())
    decided = votes or total
    winner = ("ru" if decided > 0 else "uk") if decided else None
    if winner is None and not translit:  # a Latin line in a Cyrillic advert: the advert's language
        winner = max(("ru", "uk"), key=cyrillic.count)

    mostly_translit = len(translit) > sum(s.lang in ("en", "lv") for s in sentences)

    def fix(s: Sentence) -> Sentence:
        if s in translit and winner:
            own = "ru" if lean[s] >= 2 else "uk" if lean[s] <= -2 else winner
            return Sentence(s.start, s.end, own, s.confidence, s.method)
        # lingua calls short transliterated Russian "other"; in a transliterated advert an
        # all-ASCII "other" sentence is one more transliterated sentence (not in an English or
        # Latvian advert with one transliterated line: there it is one of the advert's own).
        if (mostly_translit and s.lang == "other" and s.method == "lingua"
                and text[s.start:s.end].isascii()):
            return Sentence(s.start, s.end, winner or translit[0].lang, 0.4, "advert")
        return s

    return [fix(s) for s in sentences]


def _is_translit(s: Sentence, text: str) -> bool:
    """A sentence of Russian or Ukrainian in Latin letters, decided by its function words."""
    return s.method == "words" and s.lang in ("ru", "uk") and not _CYR.search(text[s.start:s.end])


def _lean(sentence: str) -> int:
    """Russian-only minus Ukrainian-only function words (transliterated) in a sentence."""
    words = _WORD.findall(sentence)
    return (sum(w in FUNCTION_WORDS["ru"] and w not in FUNCTION_WORDS["uk"] for w in words)
            - sum(w in FUNCTION_WORDS["uk"] and w not in FUNCTION_WORDS["ru"] for w in words))


def _detect_one(text: str, start: int, end: int, hint: str | None, lingua_min_chars: int) -> Sentence:
    s = text[start:end]
    cyr = _count(_CYR_RUN, s)
    lat = _count(_LAT_RUN, s)
    if lat and ("@" in s or "/" in s):
        # a handle, e-mail or link is no script of the line: "пиши в телегу @work_nl_fast_lv"
        # is a Cyrillic line, though its handle has more Latin letters than its words have
        # (a line of handles and links alone has no language: it takes its neighbours')
        bare = _NOT_LANGUAGE.sub(" ", s)
        cyr, lat = _count(_CYR_RUN, bare), _count(_LAT_RUN, bare)
        if not cyr and not lat:
            return Sentence(start, end, "", 0.0, "script")
    if not cyr and not lat:
        other = any(ch.isalpha() for ch in s)
        return Sentence(start, end, "other" if other else "", 1.0 if other else 0.0, "script")
    if cyr >= lat:
        uk, ru = len(_UK_LETTERS.findall(s)), len(_RU_LETTERS.findall(s))
        if uk != ru:
            return Sentence(start, end, "uk" if uk > ru else "ru", 0.9, "letters")
        return _by_words(s, start, end, ("ru", "uk"), hint, lingua_min_chars)
    lv_letters = len(_LV_LETTERS.findall(s))
    if lv_letters >= 2 or (lv_letters and lv_letters * 25 >= lat):
        return Sentence(start, end, "lv", 0.9, "letters")
    if len(_OTHER_LATIN.findall(s)) >= 2:
        return _by_lingua(s, start, end, hint, lingua_min_chars, default="other")
    if _lv_digraph_vowels(s):
        return Sentence(start, end, "lv", 0.8, "letters")
    return _by_words(s, start, end, ("en", "lv", "ru", "uk"), hint, lingua_min_chars)


def _lv_digraph_vowels(s: str) -> bool:
    """Latvian typed with doubled vowels for long ones ("formaalai lauliibai Iirijaa"):
    "aa" and "uu" hardly occur in English or in Latin-script Russian ("ii" and "ee" do)."""
    rare = _RARE_DOUBLE.findall(s)
    return len(rare) >= 2 or (len(rare) == 1 and len(_ANY_DOUBLE.findall(s)) >= 3)


def _by_words(s: str, start: int, end: int, langs: tuple[str, ...], hint: str | None,
              lingua_min_chars: int) -> Sentence:
    words = _WORD.findall(s)
    if langs == ("ru", "uk"):
        scores = {lang: sum(map(CYRILLIC_WORDS[lang].__contains__, words)) for lang in langs}
    else:
        scores = {lang: sum(map(FUNCTION_WORDS[lang].__contains__, words)) for lang in langs}
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if (top >= 2 and top >= 2 * second) or (top == 1 and second == 0 and len(words) <= 6
                                             and not _lone_english_word(best, words)):
        return Sentence(start, end, best, min(0.9, 0.5 + 0.1 * top), "words")
    if "ru" in scores and "en" in scores:
        # Latin-script Russian/Ukrainian: the two share most short words, so they are
        # counted together against English and Latvian; the advert-wide vote
        # (_translit_vote) then picks between them. lingua would call them "other".
        slav = [w for w in words if w in FUNCTION_WORDS["ru"] or w in FUNCTION_WORDS["uk"]]
        other = max(scores["en"], scores["lv"])
        # One shared word of three letters or more ("vse", "eto") decides a short line, as one
        # word of a single language does above; "u", "i", "v" and "na" are English chat too.
        if ((len(slav) >= 2 and len(slav) > 2 * other)
                or (len(slav) == 1 and other == 0 and len(words) <= 6 and len(slav[0]) >= 3)):
            pick = hint if hint in ("ru", "uk") else "ru" if scores["ru"] >= scores["uk"] else "uk"
            return Sentence(start, end, pick, 0.5, "words")
    if hint in langs:
        return Sentence(start, end, hint, 0.5, "hint")
    if "en" in langs and (found := _by_dictionary(words) or _by_transliteration(words)):
        return Sentence(start, end, found, 0.6 if found in ("en", "lv") else 0.5, "words")
    cyrillic = langs == ("ru", "uk")
    return _by_lingua(s, start, end, hint, lingua_min_chars * (3 if cyrillic else 1),
                      default=best if top else "", cyrillic=cyrillic)


def _lone_english_word(best: str, words: list[str]) -> bool:
    """An English function word in a short line whose other words are no English at all
    ("Izbrauksana jau so pirmdien, zvaniet": "so", and Latvian typed without diacritics)
    does not make the line English; the line is left to the checks after it."""
    if best != "en" or len(words) < 3:
        return False
    en_forms = word_forms("en")
    return sum(en_forms.get(w) is not None for w in words if len(w) > 1) <= 1


# English without function words ("delivery van drivers – cork depot, company van provided",
# "slim, feminine, open-minded") is still plain English when nearly all its words are English
# word forms and few are Latvian ones; Latvian typed without diacritics ("italija ligumus sadam
# darbam neviens nesledz") is Latvian when most of its words are Latvian forms with the
# diacritics taken off and fewer are English. simplemma's dictionaries (loaded for lemmas
# anyway) tell that for ~1/50 of a lingua call, and lingua calls such lines "other" or the
# wrong one of the two often enough.
_DICT_MIN_WORDS = 3
_DICT_EN_SHARE = 0.8  # English: at least this share of the words are English forms ...
_DICT_LV_SHARE = 0.3  # ... and at most this share Latvian ones
_DICT_PLAIN_LV_SHARE = 0.6  # Latvian without diacritics: at least this share, more than English


def _by_dictionary(words: list[str]) -> str | None:
    """ "en" or "lv" when the dictionaries say so clearly (see above), else None."""
    words = [w for w in words if len(w) > 1]
    if len(words) < _DICT_MIN_WORDS:
        return None
    n = len(words)
    en_forms = word_forms("en")
    in_en = sum(en_forms.get(w) is not None for w in words)
    if in_en >= _DICT_EN_SHARE * n:
        lv_forms = word_forms("lv")
        return "en" if sum(lv_forms.get(w) is not None for w in words) <= _DICT_LV_SHARE * n else None
    if not all(w.isascii() for w in words):  # a Latvian letter would have decided it already
        return None
    lv_forms, typed_plain = word_forms("lv"), latvian_written()
    in_lv = sum(w in lv_forms or w in typed_plain for w in words)
    return "lv" if in_lv >= _DICT_PLAIN_LV_SHARE * n and in_lv > in_en else None


# Latin-script Russian or Ukrainian without the function words above ("Zhilje daem, edu daem,
# dorogu oplachivaem, potom otrabotaesh"): most of its words read as common dictionary words
# once transliterated back (the lemmatizer's own readings) and are no English or Latvian
# forms ("part", "time", "tikai" read as парта, тим, тикать). lingua has no Latin-script
# Russian and would call such a line English or "other".
_TRANSLIT_MIN_WORDS = 3
_TRANSLIT_SHARE = 0.6


def _by_transliteration(words: list[str]) -> str | None:
    """ "ru" or "uk" when most words (of three letters or more) are transliterated
    dictionary words of that language that are no English or Latvian forms, else None."""
    words = [w for w in words if len(w) > 2 and w.isascii()]
    if len(words) < _TRANSLIT_MIN_WORDS:
        return None
    en_forms, lv_forms, typed_plain = word_forms("en"), word_forms("lv"), latvian_written()
    slavic = [w for w in words if en_forms.get(w) is None and w not in lv_forms and w not in typed_plain]
    ru = sum(known_transliteration(w, "ru") for w in slavic)
    uk = sum(known_transliteration(w, "uk") for w in slavic)
    best = max(ru, uk)
    if best < _TRANSLIT_MIN_WORDS or best < _TRANSLIT_SHARE * len(words):
        return None
    return "ru" if ru >= uk else "uk"


# A token with "@", "/", a digit or an inner dot is a contact, address or number, not language.
_NOT_LANGUAGE = re.compile(r"\S*[@/\d]\S*|\S+\.[^\s.]+\S*")


def _letters(s: str) -> int:
    """Letters in the words of `s`, leaving out phones, e-mails, handles, URLs and numbers."""
    return sum(map(len, _WORD.findall(_NOT_LANGUAGE.sub(" ", s))))


def _by_lingua(s: str, start: int, end: int, hint: str | None, lingua_min_chars: int,
               default: str, cyrillic: bool = False) -> Sentence:
    """Ask lingua; short sentences stay undecided ("") and take their neighbours' language.
    A Latin-script line is short when its words are: "+371 65 336 406, viber +371 23 302 885"
    or "cv: name@firm.lv" has no language of its own."""
    if hint:
        return Sentence(start, end, hint, 0.5, "hint")
    if len(s.strip()) < lingua_min_chars or (not cyrillic and _letters(s) < lingua_min_chars):
        return Sentence(start, end, default, 0.3, "words")
    lang = _lingua_lang(s.strip(), cyrillic) or default or "other"
    return Sentence(start, end, lang, 0.7, "lingua")


@lru_cache(maxsize=20_000)
def _lingua_lang(s: str, cyrillic: bool) -> str | None:
    """Cached: reposted adverts repeat whole sentences."""
    found = _lingua(cyrillic).detect_language_of(s)
    return _LINGUA_OURS.get(found.name, "other") if found is not None else None


# lingua's guess on a few words is weak: "No English fine." comes back Norwegian. In an
# advert written in one of our languages, such a short "other" line is undecided.
_SHORT_OTHER = 24


def _short_lingua_other(s: Sentence, text: str, translit: bool = False) -> bool:
    """A lingua "other" that is only a weak guess: a short line, or (`translit`: the advert is
    Russian or Ukrainian in Latin letters) any Latin line without another language's letters,
    which lingua cannot place because it has no Latin-script Russian ("trudovoj dogovor, oficialno")."""
    seg = text[s.start:s.end].strip()
    return (s.lang == "other" and s.method == "lingua" and not _OTHER_LATIN.search(seg)
            and (len(seg) < _SHORT_OTHER or (translit and not _CYR.search(seg))))


def _fill_undecided(sentences: list[Sentence], hint: str | None, text: str = "") -> list[Sentence]:
    """Sentences with no language ("": digits, emoji, short) take their neighbours'; a
    short Cyrillic line only a Cyrillic language (a Russian title next to an English line
    stays Russian)."""
    known = [s.lang for s in sentences if s.lang and s.lang != "other"]
    # a tie goes to the language that comes first (not to a set's order, which changes from
    # run to run with Python's string hashing)
    majority = max(known, key=known.count) if known else (hint or "other")
    translit = any(_is_translit(s, text) for s in sentences)
    out: list[Sentence] = []
    for i, s in enumerate(sentences):
        if s.lang and not (known and _short_lingua_other(s, text, translit)):
            out.append(s)
            continue
        seg = text[s.start:s.end]
        cyrillic = bool(text) and _count(_CYR_RUN, seg) > _count(_LAT_RUN, seg)
        fits = ("ru", "uk") if cyrillic else ("lv", "ru", "uk", "en")
        prev = next((x.lang for x in reversed(out) if x.lang in fits), None)
        nxt = next((x.lang for x in sentences[i + 1:] if x.lang in fits), None)
        fallback = majority if majority in fits else fits[0]
        # the advert's own majority first: a neighbour is one sentence, which adding another can change
        lang = hint if hint in fits else majority if majority in fits else prev or nxt or fallback
        out.append(Sentence(s.start, s.end, lang, 0.2, "advert"))
    return out


@lru_cache(maxsize=2)
def _lingua(cyrillic: bool):  # type: ignore[no-untyped-def]
    """Cyrillic sentences choose between ru and uk only: on our boards a Belarusian or
    Bulgarian sentence is rarer than lingua mistaking a short Russian one for them."""
    from lingua import Language, LanguageDetectorBuilder

    names = ("RUSSIAN", "UKRAINIAN") if cyrillic else ("LATVIAN", "ENGLISH", *_LINGUA_OTHER)
    langs = [getattr(Language, name) for name in names]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def advert_language(sentences: list[Sentence]) -> str:
    """The language with the most characters, or "other"."""
    sizes: dict[str, int] = {}
    for s in sentences:
        sizes[s.lang] = sizes.get(s.lang, 0) + (s.end - s.start)
    ours = {k: v for k, v in sizes.items() if k and k != "other"}
    if not ours:
        return "other"
    best = max(ours, key=lambda k: ours[k])
    return best if ours[best] * 2 >= sum(sizes.values()) * 0.5 else best
