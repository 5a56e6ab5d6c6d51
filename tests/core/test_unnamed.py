"""Questions asking for a name the article does not give (bot.core.unnamed)."""

from __future__ import annotations

import pytest

from bot.core.unnamed import asked_thing, unnamed


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("what was the name of the astoria luxury development?", "the astoria luxury development"),
        ("who was the centrist democrat mamdani beat in the primary", "the centrist democrat mamdani beat"),
        ("what was the luxury development called", "the luxury development"),
        ("whats the developer's name", "whats the developer"),
        ("who is chicago's mayor", "chicago's mayor"),
        ("who is mamdani?", None),  # who someone named is, not a name
        ("who did mamdani beat?", None),  # answered by what the article says of him: "a centrist Democrat"
        ("what did they call each other?", None),
    ],
)
def test_what_a_name_is_asked_of(question: str, thing: str | None) -> None:
    assert asked_thing(question) == thing


def stems(text: str) -> frozenset[str]:
    """Content words cut to six letters: a stand-in for the index's stemmer, enough for these lines."""
    return frozenset(w[:6] for w in text.casefold().replace("?", "").split() if len(w) > 3)


def test_a_thing_brought_in_with_a_is_not_named() -> None:
    line = "Mamdani’s victory last November—defeating a centrist Democrat in a primary—wasn’t just a win."
    assert unnamed("who was the centrist democrat mamdani beat", line, stems)
    assert not unnamed("who did mamdani beat", line, stems)


@pytest.mark.parametrize(
    "line",
    [
        'His team is drafting a federal partnership proposal: a "New York Affordability Compact".',
        "He blocked a luxury development called Astoria Towers.",
        "He blocked a luxury development, Astoria Towers, in 2023.",
        "He blocked the Astoria Towers development.",
    ],
)
def test_a_name_beside_the_thing_names_it(line: str) -> None:
    assert not unnamed("what's the name of the proposal / development?", line, stems)
