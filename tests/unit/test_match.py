"""The match stage looks at a text pattern only when a term of its trigger group occurs;
that must find exactly the patterns with a hit in every group."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.rules.match import _PatternRef


def _every_group_hit(matcher, found: set[int]) -> list[int]:
    """The reference: fan every found label out to all its (ref, group) slots and count."""
    hit: dict[int, set[int]] = {}
    for label in found:
        for ref, group in matcher._slots[label]:
            hit.setdefault(ref, set()).add(group)
    return sorted(ref for ref, groups in hit.items() if isinstance(matcher._refs[ref], _PatternRef)
                  and len(groups) == len(matcher._refs[ref].pattern.groups))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_trigger_groups_find_exactly_the_patterns_with_every_group_hit(scanner, data) -> None:
    matcher = scanner.matcher
    patterns = [ref for ref, r in enumerate(matcher._refs) if isinstance(r, _PatternRef)]
    # labels of a few whole patterns (so that some are complete), some of their groups
    # only (so that some are not), and a few labels at random
    found: set[int] = set()
    for ref in data.draw(st.lists(st.sampled_from(patterns), max_size=6)):
        groups = matcher._group_labels[ref]
        keep = data.draw(st.lists(st.booleans(), min_size=len(groups), max_size=len(groups)))
        for labels, kept in zip(groups, keep):
            if kept:
                found.add(data.draw(st.sampled_from(sorted(labels))))
    found |= set(data.draw(st.lists(st.sampled_from(range(len(matcher._labels))), max_size=20)))
    assert matcher._complete_refs(dict.fromkeys(found).keys()) == _every_group_hit(matcher, found)


def test_a_phrase_is_found_written_as_one_hyphenated_word(scanner) -> None:
    from scanner.models import Advert

    def found(text: str) -> set[tuple[str, str]]:
        result = scanner.scan(Advert(id="h", text=text, kind="job", lang="en"))
        return {(f.rule, f.text) for f in result.findings}

    spaced = found("Runners wanted for out of town drops, a week at a time.")
    hyphened = found("Runners wanted for out-of-town drops, a week at a time.")
    assert ("RF0281", "out of town drops") in spaced
    assert ("RF0281", "out-of-town drops") in hyphened
