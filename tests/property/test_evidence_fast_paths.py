"""The evidence stage's shortcuts find exactly what the plain regex passes find.

Each shortcut (a flat alternation with the look-behind done in Python, regex passes only
where digits cluster, a hint search before the working-time patterns) must change the
cost only. Hypothesis draws texts from the characters these patterns care about.
"""
from __future__ import annotations

import os
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from scanner import evidence
from scanner.evidence import _MESSENGERS, _PHONE_RUN_DIGITS, _word_starts

PIECES = st.sampled_from([
    " ", "  ", "\n", "+", "-", ".", "(", ")", "/", ":", "~", "00", "0", "2", "7", "12", "371", "26 123 456", "2024-05-12",
    "whatsapp", "whats app", "wa", "wa +", "xwa", "viber", "вайбер", "telegram", "tg", "тг", "телега", "signal", "signal:",
    "a", "я", "_", "days", "day", "7 days", "6 dienas nedēļā", "12 hours a day", "shifts", "work", "22:00", "7am", "pm",
    "till midnight", "до", "-", "10-12", "смены по 12 часов", "без выходных", "week", "dienā",
])
TEXTS = st.lists(PIECES, max_size=40).map("".join)
FAST = settings(max_examples=int(os.environ.get("REDFLAG_EXAMPLES", "300")), deadline=None)

# The passes as they were written before the shortcuts.
_PLAIN_MESSENGER = re.compile(r"(?<!\w)(?:" + "|".join(rf"(?P<{k}>(?:{v})(?!\w))" for k, v in _MESSENGERS.items()) + ")")


@FAST
@given(TEXTS)
@example("xwa +371 2")
@example("whats appwa: +4")
def test_messenger_mentions_match_the_look_behind_pass(text: str) -> None:
    plain = [(m.span(), m.lastgroup) for m in _PLAIN_MESSENGER.finditer(text)]
    fast = [((c.start, c.end), c.kind) for c in evidence.extract_contacts(text) if c.value == "" and c.kind in _MESSENGERS]
    assert fast == plain
    assert [m.span() for m in _word_starts(evidence._ANY_MESSENGER, text)] == [s for s, _ in plain]


@FAST
@given(TEXTS)
@example("+371 26 123 456")
@example("12345678a")
@example("1234 5678 ")
def test_phone_runs_only_where_digits_cluster(text: str) -> None:
    numbers = [m.span() for m in re.finditer(r"\d+", text)]
    windows = evidence._digit_clusters(numbers, len(text))
    clustered = [m.span() for a, b in windows for m in _PHONE_RUN_DIGITS.finditer(text, a, b)]
    assert clustered == [m.span() for m in _PHONE_RUN_DIGITS.finditer(text)]


def _work_time_without_hint(text: str) -> list[evidence.WorkTime]:
    hint = evidence._WORK_TIME_HINT
    try:
        evidence._WORK_TIME_HINT = re.compile("")  # matches everywhere: every window is searched
        return evidence.extract_work_time(text)
    finally:
        evidence._WORK_TIME_HINT = hint


@FAST
@given(TEXTS)
@example("7 days, 8am till 8pm")
@example("смены по 12 часов, 6 дней в неделю")
@example("shifts of 11 hours. ok. ok. ok. ok. ok. ok. ok. ok. ok. ok. ok. ok. and 6 dienas nedēļā")  # the hint before the number
def test_working_time_hint_skips_no_window_with_a_finding(text: str) -> None:
    assert evidence.extract_work_time(text) == _work_time_without_hint(text)
