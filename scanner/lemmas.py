"""Stage: language (lemmas). Input: a lower-cased token and its language. Output: a match key.

A key is what rules and text are compared on. It is made in three steps, the same
for a rule's words and an advert's tokens, so the two always agree:

1. lemma: pymorphy3 (ru, uk), simplemma (lv, en). Latin-script Russian or Ukrainian
   ("granitsey") is first transliterated back to Cyrillic so the dictionary can see it.
2. fold: Cyrillic to a Latin skeleton (ж→z, ш/щ→s, ч/ц→c, и/і/ы/й→i, я→a ...), the
   same digraph folding for Latin transliteration (zh→z, sh→s, ts→c, ya→a ...),
   Latvian diacritics and digraphs (ā/aa→a, š/sh→s, ļ/lj→l), doubled letters collapsed.
3. stem: one common inflectional ending removed, keeping at least three letters.

Lemmatizers are slow (pymorphy3 ~10k words/s); keys are cached per word, so a
corpus pays for each distinct word once. No side effects beyond the caches.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

CACHE_LIMIT = 400_000

_CYR_SKELETON = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "e", "ё": "e", "э": "e",
    "ж": "z", "з": "z", "и": "i", "і": "i", "ї": "i", "ы": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "c",
    "ч": "c", "ш": "s", "щ": "s", "ъ": "", "ь": "", "ю": "u", "я": "a", "'": "", "’": "", "ʼ": "",
})
# Latin transliteration of Russian/Ukrainian, longest first; shared by both languages
# except h (ru х, uk г), handled per language below.
_TRANSLIT_DIGRAPHS = [
    ("shch", "s"), ("shh", "s"), ("sch", "s"), ("cz", "c"), ("zh", "z"), ("kh", "h"), ("ch", "c"), ("sh", "s"), ("ts", "c"), ("tz", "c"),
    ("ya", "a"), ("ja", "a"), ("yu", "u"), ("ju", "u"), ("yo", "e"), ("jo", "e"), ("ye", "e"), ("je", "e"),
    ("yi", "i"), ("y", "i"), ("j", "i"), ("x", "ks"), ("w", "v"), ("q", "k"), ("'", ""), ("’", ""), ("ʼ", ""),
    ("4", "c"), ("6", "b"), ("3", "z"), ("0", "o"),
]
_TRANSLIT_RE = re.compile("|".join(re.escape(a) for a, _ in _TRANSLIT_DIGRAPHS))
_TRANSLIT_MAP = dict(_TRANSLIT_DIGRAPHS)

# Back to Cyrillic, for the dictionary (greedy, longest first).
_TO_CYR = {
    "ru": [("t'sya", "ться"), ("tsya", "тся"), ("tsja", "тся"), ("shch", "щ"), ("shh", "щ"), ("cz", "ц"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"),
           ("tz", "ц"), ("ya", "я"), ("ja", "я"), ("yu", "ю"), ("ju", "ю"), ("yo", "ё"), ("jo", "ё"),
           ("ye", "е"), ("je", "е"), ("iy", "ий"), ("yy", "ый"), ("a", "а"), ("b", "б"), ("v", "в"),
           ("w", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"), ("j", "й"),
           ("k", "к"), ("q", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"),
           ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "ц"), ("x", "кс"), ("'", "ь"), ("ʼ", "ь"),
           ("4", "ч"), ("6", "б"), ("3", "з"), ("0", "о")],
    "uk": [("tysia", "тися"), ("tysya", "тися"), ("tsia", "ться"), ("tsya", "ться"), ("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"), ("ya", "я"),
           ("ia", "я"), ("ja", "я"), ("yu", "ю"), ("iu", "ю"), ("ju", "ю"), ("ye", "є"), ("ie", "є"),
           ("je", "є"), ("yi", "ї"), ("ji", "ї"), ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"), ("h", "г"),
           ("g", "ґ"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "і"), ("y", "и"), ("j", "й"), ("k", "к"),
           ("q", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"),
           ("t", "т"), ("u", "у"), ("f", "ф"), ("c", "ц"), ("x", "кс"), ("'", "ʼ"), ("ʼ", "ʼ"), ("4", "ч"), ("6", "б"),
           ("3", "з"), ("0", "о")],
}
_TO_CYR_RE = {lang: re.compile("|".join(re.escape(a) for a, _ in table)) for lang, table in _TO_CYR.items()}
_TO_CYR_MAP = {lang: dict(table) for lang, table in _TO_CYR.items()}

_UK_H = re.compile(r"(?<![sczk])h")
_SOFT_BEFORE_IOTATED = re.compile(r"(?<=[bdfklmnprstvz])(ye|yo|yu|ya)")
_SOFT_FINAL = frozenset("bdfhklmnprsvz")  # h: "sh", "zh", "ch" ("otrabotaesh" is "отработаешь")
_REFLEXIVE = re.compile(r"(ть|ти|чь)(ся|сь)$")
_LV_DIGRAPHS = re.compile(r"sh|ch|zh|lj|nj|gj|kj")
_LV_DIGRAPH_MAP = {"sh": "s", "ch": "c", "zh": "z", "lj": "l", "nj": "n", "gj": "g", "kj": "k"}
# Chat shorthand in English posts ("u can move in w me", "keep it between us tho")
_EN_SHORT = {"u": "you", "ur": "your", "pls": "please", "plz": "please", "msg": "message", "txt": "text",
             "tho": "though", "thx": "thanks", "bc": "because", "cuz": "because", "acc": "account",
             "accs": "accounts", "ppl": "people"}
# English negative contractions typed without the apostrophe ("you dont need to pay") share
# the key of the written contraction ("donʼt"), not the lemma of the verb ("do").
_EN_NEGATIONS = frozenset(("dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt",
                           "hadnt", "wont", "cant", "couldnt", "wouldnt", "shouldnt", "mustnt", "neednt"))
# "Iʼd" keeps its apostrophe: without it, it is the "ID" that rules ask for ("I'd run a mile from
# anyone who asks me for money" sells no ID). Other contractions lose it, as chat types them
# without one ("ill pay your ticket" is "I'll pay").
_EN_KEEP_APOSTROPHE = frozenset(("iʼd",))
# Latvian typed on a plain keyboard: long vowels doubled, š ž č as digraphs
_LV_TYPED = re.compile(r"aa|ee|ii|uu|sh|zh|ch")
_LV_TYPED_MAP = {"aa": "ā", "ee": "ē", "ii": "ī", "uu": "ū", "sh": "š", "zh": "ž", "ch": "č"}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})

_ENDINGS = {
    "lv": ["asimies", "esimies", "isimies", "amies", "aties", "asiet", "esiet", "isiet", "ajiem", "ejiem", "asim", "esim", "isim", "ajam", "ejam", "ajai", "ejai",
           "ajos", "ejos", "ajas", "ejas", "ties", "iem", "ais", "aja", "eja", "aju", "eju", "ei", "im",
           "ies", "ajs", "ejs", "am", "as", "ai", "os", "ie", "es", "em", "is", "us", "um", "a", "e", "i",
           "o", "s", "u"],
    # "lat" and "ivat"/"ovat" join aspect pairs: оставить/оставлять, оплатить/оплачивать.
    "ru": ["atisa", "itisa", "etisa", "atsa", "itsa", "etsa", "utsa", "ovat", "ivat", "evat", "lat", "ami", "ogo",
           "ego", "omu", "emu", "imi", "ih", "ah", "om", "em", "am", "oi", "ei", "ai", "ii", "ia", "ie", "iu",
           "ui", "at", "it", "et", "ut", "ti", "a", "e", "i", "o", "u"],
    "en": ["ation", "ing", "ed", "es", "ly", "s", "e", "y"],
}
_ENDINGS["uk"] = ["uvati", "ivati", "ovati", "atisa", "itisa", "ati", "iti", *_ENDINGS["ru"]]
# A second pass for Latvian verb stems once the case ending is gone: "nodrošināt",
# "nodrošināta", "nodrošinām" and "nodrošināts" all end as "nodrosin".
_SECOND = {"lv": ["aj", "ej", "at", "et", "it", "ot", "ut", "e"]}
# Shortest stem left by the stemmer. Latvian roots are short ("alg" of "alga"); Russian,
# Ukrainian and English words rely on the lemmatizer and need longer stems so that
# "жениться" and "жена", or "carry" and "car", stay apart.
_MIN_STEM = {"lv": 3, "ru": 4, "uk": 4, "en": 4}
_ENDINGS = {k: sorted(v, key=len, reverse=True) for k, v in _ENDINGS.items()}
_ENDING_SETS = {k: frozenset(v) for k, v in _ENDINGS.items()}
_SECOND_SETS = {k: frozenset(v) for k, v in _SECOND.items()}
_LONGEST_ENDING = max(len(e) for v in (*_ENDINGS.values(), *_SECOND.values()) for e in v)
_DOUBLES = re.compile(r"([a-z])\1+")
_CYR = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[a-z]")


def strip_accents(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


# Latvian function words of three letters (as skeletons). A content word must not be
# stemmed down onto one: "parīt" (the day after tomorrow) and "pārī" (in a pair) would
# both become "par", the preposition in every other sentence.
_LV_FUNCTION_KEYS = frozenset("par pie bez kad tad jau lai vai kur tik vel nav bet gan tas tam tev man mes jus pec ari sev kas kam".split())


def stem(word: str, lang: str) -> str:
    """Remove one common ending (and for Latvian a verb suffix), keeping a minimum stem
    and never ending on a Latvian function word that the word itself is not."""
    keep = _MIN_STEM.get(lang, 3)
    stemmed = _strip(_strip(word, _ENDING_SETS.get(lang, frozenset()), keep), _SECOND_SETS.get(lang, frozenset()), keep)
    if lang == "lv" and stemmed != word and stemmed in _LV_FUNCTION_KEYS:
        return word
    return stemmed


def _strip(word: str, endings: frozenset[str], keep: int) -> str:
    """The word without its longest ending in `endings` that leaves `keep` letters."""
    for n in range(min(_LONGEST_ENDING, len(word) - keep), 0, -1):
        if word[-n:] in endings:
            return word[:-n]
    return word


def skeleton(word: str, lang: str) -> str:
    """Fold a (lemmatized) word to the Latin skeleton shared by its spellings."""
    if lang in ("ru", "uk"):
        word = word.translate(_CYR_SKELETON)
        if lang == "uk":
            word = _UK_H.sub("g", word)  # Ukrainian Latin "h" is г; "kh", "sh", "ch", "zh" stay digraphs
        word = _TRANSLIT_RE.sub(lambda m: _TRANSLIT_MAP[m.group()], word)
    elif lang == "lv":
        word = _LV_DIGRAPHS.sub(lambda m: _LV_DIGRAPH_MAP[m.group()], strip_accents(word))
    elif word in _EN_KEEP_APOSTROPHE:
        return word
    else:
        return strip_accents(word).replace("ʼ", "")  # English doubles matter: "teen" is not "ten"
    word = word.replace("ʼ", "")
    # Doubled letters are spelling noise in transliteration ("aarzemees", "kassa"), but a
    # short word may be only doubles ("ООО" is not "о").
    return _DOUBLES.sub(r"\1", word) if len(word) >= 4 else word


def to_cyrillic(word: str, lang: str) -> str:
    table = _TO_CYR_MAP[lang]
    return _TO_CYR_RE[lang].sub(lambda m: table[m.group()], word)


_NORMAL_FORM = 2  # in a pymorphy3 reading tuple


@lru_cache(maxsize=None)
def _morph(lang: str):  # type: ignore[no-untyped-def]
    import pymorphy3

    # result_type=None: plain (word, tag, normal_form, score, methods) tuples, in the same
    # order, ~20 % cheaper than building a Parse object per reading
    return pymorphy3.MorphAnalyzer(lang=lang, result_type=None)


# Latvian words that Russian and Ukrainian speakers in Latvia drop into their own sentences
# ("Pase остаётся у координатора", "Alga на карту", "Līgums будет на месте"): in a Russian
# or Ukrainian sentence each reads as the word it stands for, so the sentence's rules see
# it. Forms without diacritics are found through `strip_accents`. Only words that are no
# Latin-script Russian or Ukrainian word themselves.
_LV_IN_SLAVIC: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("pase", "pasi", "pases", "pasu"), ("паспорт", "паспорт")),
    **dict.fromkeys(("alga", "algu", "algas", "algai"), ("зарплата", "зарплата")),
    **dict.fromkeys(("ligums", "ligumu", "liguma", "ligumi", "ligumus"), ("договор", "договір")),
    **dict.fromkeys(("darbs", "darbu", "darba", "darbam"), ("работа", "робота")),
    **dict.fromkeys(("dzivoklis", "dzivokli", "dzivokla", "dzivoklim"), ("квартира", "квартира")),
    **dict.fromkeys(("dzivosana", "dzivosanu", "dzivosanas"), ("проживание", "проживання")),
    **dict.fromkeys(("nauda", "naudu", "naudas"), ("деньги", "гроші")),
    **dict.fromkeys(("papiri", "papirus", "papiru"), ("бумага", "папір")),
    **dict.fromkeys(("dokumenti", "dokumentus", "dokumentu"), ("документ", "документ")),
    **dict.fromkeys(("brauciens", "braucienu", "brauciena"), ("поездка", "поїздка")),
    **dict.fromkeys(("transports", "transportu", "transporta"), ("транспорт", "транспорт")),
    **dict.fromkeys(("registracija", "registraciju", "registracijas", "registracijai"), ("регистрация", "реєстрація")),
    **dict.fromkeys(("brigadieris", "brigadierim", "brigadiera"), ("бригадир", "бригадир")),
    **dict.fromkeys(("skaidra", "skaidras"), ("наличный", "готівка")),  # "skaidrā naudā": in cash
}


def _lemma_slavic(word: str, lang: str) -> str:
    """The dictionary form, with the reflexive -ся/-сь dropped so "предоставляется"
    and "предоставляем" share a key."""
    return _REFLEXIVE.sub(r"\1", _lemma_slavic_raw(word, lang))


def _lemma_slavic_raw(word: str, lang: str) -> str:
    morph = _morph(lang)
    if _CYR.search(word):
        return morph.parse(word.replace("ʼ", "'"))[0][_NORMAL_FORM].replace("'", "ʼ")
    if not _LATIN_LETTER.search(word):
        return word
    loan = _LV_IN_SLAVIC.get(strip_accents(word))
    if loan is not None:
        return loan[0] if lang == "ru" else loan[1]
    reading = _latin_reading(word, lang)
    # an unknown transliteration stays as written: the skeleton and stem still catch inflection
    return word if reading is None else morph.parse(reading)[0][_NORMAL_FORM]


def _latin_reading(word: str, lang: str) -> str | None:
    """The dictionary word a Latin-script Russian or Ukrainian word stands for, in Cyrillic
    (pymorphy3's spelling), or None."""
    morph = _morph(lang)
    # "zhilye" is "жильё": try a soft sign before an iotated vowel first, then the plain reading.
    # A final "t" is usually an infinitive's "ть" ("zhit" is "жить", not "жито").
    soft = _SOFT_BEFORE_IOTATED.sub(r"'\1", word)
    candidates = ((soft + "'",) if lang == "ru" and soft.endswith("t") else ()) + (soft, word)
    if lang == "ru" and soft[-1] in _SOFT_FINAL:  # "ostalos" is "осталось": a final soft sign is often left out
        candidates += (soft + "'",)
    if lang == "ru" and len(soft) > 2 and (soft[-2:-1] in ("a", "e", "o", "u", "y") if soft[-1] == "i"
                                            else soft[-1] == "y" and soft[-2] in "aeou"):
        candidates += (soft[:-1] + "j",)  # "cerkvei", "tserkvey", "golovoi": a final "й" typed "i" or "y"
    spellings = [to_cyrillic(candidate, lang) for candidate in dict.fromkeys(candidates)]
    if lang == "uk":
        spellings = _uk_spellings(spellings)
    else:
        spellings = _ru_spellings(spellings, word)
    for cyr in spellings:
        cyr = cyr.replace("ʼ", "'")  # pymorphy3's apostrophe
        if morph.word_is_known(cyr):
            return cyr
    return None


# Proper nouns are no evidence of a language: "riga", "london", "kris" read as Рига, Лондон, Крис.
_PROPER = frozenset(("Name", "Surn", "Patr", "Geox", "Orgn", "Trad"))


@lru_cache(maxsize=50_000)
def known_transliteration(word: str, lang: str) -> bool:
    """Whether a Latin-script word reads as a common word of the Russian or Ukrainian
    dictionary ("oplachivaem", "otrabotaesh"). A Latvian loan word read through
    `_LV_IN_SLAVIC` ("darbs") is Latvian, not a transliteration."""
    if strip_accents(word) in _LV_IN_SLAVIC or not _LATIN_LETTER.search(word):
        return False
    reading = _latin_reading(word, lang)
    return reading is not None and _PROPER.isdisjoint(_morph(lang).parse(reading)[0][1].grammemes)


def _ru_spellings(spellings: list[str], word: str) -> list[str]:
    """More Cyrillic readings of a Latin-script Russian word, after the likelier ones:
    "sch" is also с+ч ("schet" is "счёт"), and a final "ye" or "yi" is also the
    adjective ending ые / ый ("svobodnye", "novyi")."""
    out = list(spellings)
    out += [s.replace("щ", "сч") for s in spellings if "щ" in s]
    if word.endswith("ye"):
        out += [s[:-1] + "ые" for s in list(out) if s.endswith("е")]
    elif word.endswith("yi"):
        out += [s[:-2] + "ый" for s in list(out) if s.endswith("ыи")]
    return list(dict.fromkeys(out))


_UK_VOWEL_I = re.compile(r"(?<=[аеиоуяюєії])[іи]")  # "liudei", "lyudey": людей
_UK_APOSTROPHE = re.compile(r"(?<=[бпвмфр])(?=[яюєї])")  # the apostrophe typed away
_UK_SOFT_O = re.compile(r"(?<=[цлнсдтз])(?=о)")  # ьо with the soft sign typed away
_UK_VOWEL_E = re.compile(r"(?<=[аеиоуяюєії])е")  # "tvoe", "moe": твоє, моє (є after a vowel typed "e")


def _uk_spellings(spellings: list[str]) -> list[str]:
    """More Cyrillic readings of a Latin-script Ukrainian word, likeliest first. The
    national transliteration drops the soft sign ("khodyt" is "ходить", "dzvonit"
    "дзвоніть") and writes й and ї as "i" after a vowel ("liudei" is "людей", "poizdky"
    "поїздки") and ї as "i" at the start ("ikh" is "їх"); plain writers also leave out
    the apostrophe ("simiu" is "сім'ю") and write є after a vowel as "e" ("tvoe" is "твоє"); informal writers also type г as "g" ("pogano") and х as "h" ("hto")."""
    out = list(spellings)
    out += [s + "ь" for s in spellings if s[-1:] in ("т", "л", "н", "с", "з", "ц", "д")]
    out += [_UK_VOWEL_I.sub(letter, s) for s in list(out) if _UK_VOWEL_I.search(s) for letter in ("й", "ї")]
    out += ["ї" + s[1:] for s in list(out) if s[:1] == "і"]  # "ikh" is "їх"
    out += [s.replace("ї", "ий") for s in list(out) if "ї" in s]  # "bazhanyi" is "бажаний", not "бажанї"
    out += [_UK_APOSTROPHE.sub("'", s) for s in list(out) if _UK_APOSTROPHE.search(s)]  # "simiu" is "сім'ю"
    out += [_UK_SOFT_O.sub("ь", s) for s in list(out) if _UK_SOFT_O.search(s)]  # "vidpratsovuiete": "цьо"
    out += [_UK_VOWEL_E.sub("є", s) for s in list(out) if _UK_VOWEL_E.search(s)]  # "tvoe" is "твоє"
    out += [s.replace("ґ", "г") for s in list(out) if "ґ" in s]
    out += [s.replace("г", "х") for s in list(out) if "г" in s]
    return list(dict.fromkeys(out))


# Latvian words whose simplemma lemma loses what a rule needs: the negation of "nav"
# (lemma "būt", like "ir"), and -ums/-šana nouns that simplemma turns into odd forms
# ("atalgojums" -> "atalgojūs", "dzīvošana" -> "dzīvot"); the stemmer handles those.
_LV_KEEP = re.compile(r"(?:nav|.*ties|(?:.*(?:um|šan|san|tāj|taj|iet)(?:s|a|u|i|e|as|es|am|em|us|iem|ai|ei|os|ā|ām|ās|ēm|ēs)?))$")


@lru_cache(maxsize=None)
def word_forms(lang: str):  # type: ignore[no-untyped-def]
    """simplemma's word-form dictionary for `lang` (form -> lemma), shared with its lemmatizer."""
    try:
        from simplemma.lemmatizer import DEFAULT_DICTIONARY_FACTORY as factory
    except ImportError:  # pragma: no cover - a simplemma without the shared factory
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory
        factory = DefaultDictionaryFactory()
    return factory.get_dictionary(lang)


@lru_cache(maxsize=None)
def latvian_written() -> dict[str, str]:
    """Latvian typed without diacritics: plain form -> written form ("palidzesu" ->
    "palīdzēšu", "latviesu" -> "latviešu"), for plain forms that are not words of their
    own; "" where written forms of different words share one plain form. Built once from
    simplemma's dictionary (~107,000 forms, under a second)."""
    forms = word_forms("lv")
    out: dict[str, str] = {}
    for form in forms:
        written = form.lower()
        if written.isascii():
            continue
        plain = strip_accents(written)
        if plain in forms:
            continue
        seen = out.get(plain)
        if seen is None:
            out[plain] = written
        elif seen and forms.get(seen) != forms.get(written):
            out[plain] = ""
    return out


def _lemma_simplemma(word: str, lang: str) -> str:
    import simplemma

    if lang == "en" and word.replace("ʼ", "") in _EN_NEGATIONS:
        return word
    if lang in ("en", "lv") and not word.isalpha() and any(ch.isalpha() for ch in word):
        if not re.search(r"\d\d", word):
            word = word.translate(_LEET)
    if "ʼ" in word or not word.isalpha():  # contractions ("isnʼt") stay as written, never "be"
        return word
    if lang != "lv":
        return simplemma.lemmatize(_EN_SHORT.get(word, word) if lang == "en" else word, lang=lang)
    if _LV_KEEP.fullmatch(word):
        return word
    lemma: str | None = None
    if _LV_TYPED.search(word) and word.isascii():
        # typed without the Latvian keyboard ("patiic", "pirmaas"): simplemma knows only
        # the written form ("patīc" -> "patikt"), so ask it with the letters restored
        written = _LV_TYPED.sub(lambda m: _LV_TYPED_MAP[m.group()], word)
        if _LV_KEEP.fullmatch(written):
            return written
        restored = simplemma.lemmatize(written, lang="lv")
        if restored != written:  # a known word: keep it, and its lemma
            word, lemma = written, restored
    if lemma is None and word.isascii() and word not in word_forms("lv"):
        # typed without diacritics ("palidzesu", "latviesu"): simplemma guesses a lemma for
        # a form it does not know; the written form it does know gives the right one
        written = latvian_written().get(word)
        if written:
            word, lemma = written, simplemma.lemmatize(written, lang="lv")
    if lemma is None:
        lemma = simplemma.lemmatize(word, lang="lv")
    # Negation ("netiek", "nevajag") and the debitive ("jāmaksā") are prefixes that
    # simplemma strips; a rule about "no fee" must not match "a fee".
    for prefix in ("ne", "jā"):
        if word.startswith(prefix) and not lemma.startswith(prefix):
            return prefix + lemma
    return lemma


class KeyMaker:
    """Makes cached match keys for one language (lv, ru, uk, en, other)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.prefix = f"{lang}:"
        self._cache: dict[str, str] = {}
        self._lemma: Callable[[str, str], str]
        if lang in ("ru", "uk"):
            self._lemma = _lemma_slavic
        elif lang in ("lv", "en"):
            self._lemma = _lemma_simplemma
        else:
            self._lemma = lambda w, _l: w

    def keys(self, words: list[str]) -> list[str]:
        """Keys of many words: one dictionary look-up each once a word is cached."""
        cached = self._cache.get
        return [cached(w) or self.key(w) for w in words]

    def key(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        lemma = self._lemma(word.lower(), self.lang)
        if len(lemma) == 1 and _CYR.match(lemma):
            key = self.prefix + lemma  # "я" and "а" must not share the skeleton "a"
        else:
            key = self.prefix + stem(skeleton(lemma, self.lang), self.lang if self.lang in _ENDINGS else "en")
        self._cache[word] = key
        return key
