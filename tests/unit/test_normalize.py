from __future__ import annotations

import pytest

from scanner.normalize import normalize_text


@pytest.mark.parametrize("text, expected", [
    ("Darbs ĀRZEMĒS", "darbs ārzemēs"),
    ("раbота", "равота"),  # Latin b inside a Cyrillic word reads as Cyrillic
    ("рaбота за границей", "работа за границей"),  # Latin a
    ("wоrk", "work"),  # Cyrillic о inside an English word
    ("Е\u200bscort", "escort"),  # zero-width space and a Cyrillic Е
    ("ﬁne", "fine"),  # NFKC
    ("Дев\u0301ушки", "девушки"),  # stress accent dropped
    ("soft\u00adhyphen", "softhyphen"),
    ("R E N T your account", "rent your account"),  # letters spaced out to dodge filters
    ("e-s-c-o-r-t, s.e.x", "escort, sex"),
    ("и т.д., a - b - c, т. е.", "и т.д., a - b - c, т. е."),  # mixed or wider separators stay
])
def test_normalized_forms(text: str, expected: str) -> None:
    assert normalize_text(text).text == expected


def test_offsets_map_back_to_original() -> None:
    original = "Е\u200bscort ﬁne Дев\u0301ушки"
    norm = normalize_text(original)
    start = norm.text.index("fine")
    a, b = norm.to_orig(start, start + 4)
    assert original[a:b] == "ﬁne"
    start = norm.text.index("девушки")
    a, b = norm.to_orig(start, start + len("девушки"))
    assert original[a:b] == "Дев\u0301ушки"


def test_spaced_letters_map_back_to_the_whole_spaced_word() -> None:
    original = "Also B U Y I N G verified accounts"
    norm = normalize_text(original)
    start = norm.text.index("buying")
    a, b = norm.to_orig(start, start + len("buying"))
    assert original[a:b] == "B U Y I N G"


def test_mixed_script_words_are_recorded() -> None:
    norm = normalize_text("Пишите нам: рaбота, wоrk and normal words")
    spans = [norm.text[a:b] for a, b in norm.mixed_script]
    assert spans == ["работа", "work"]


def test_plain_brand_names_in_cyrillic_text_are_not_mixed() -> None:
    assert normalize_text("Пишите в WhatsApp или Viber").mixed_script == ()


def test_a_dollar_sign_starting_a_word_is_the_letter_s() -> None:
    assert normalize_text("$ugar baby, $ponsor").text == "sugar baby, sponsor"
    assert normalize_text("Pay $500, US$ 300, ca$h").text == "pay $500, us$ 300, ca$h"
