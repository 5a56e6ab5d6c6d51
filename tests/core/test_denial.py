"""A line that only denies what an open question asks about is not its answer (bot.core.denial)."""

from __future__ import annotations

import pytest

from bot.core.denial import denies_what_is_asked


def stems(text: str) -> frozenset[str]:
    """Content words cut to five letters: a stand-in for the index's stemmer, enough for these lines."""
    return frozenset(w[:5] for w in text.casefold().replace("?", "").split() if len(w) > 3)


AGREE = "They didn’t agree on everything."


@pytest.mark.parametrize(
    "question",
    [
        "what did they agree on",
        "What did both of them agree about?",
        "so what did trump and mamdani agree on?",
        "which issues did they agree on",
        "where did they agree",
    ],
)
def test_an_open_question_is_not_answered_by_a_denial_of_its_verb(question: str) -> None:
    assert denies_what_is_asked(question, AGREE, stems)


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("did they agree on everything?", AGREE),  # yes/no: the denial is the answer
        ("were they in agreement across the board?", AGREE),
        ("what didn't they agree on?", AGREE),  # the question denies too
        ("what did they never agree on", AGREE),
        ("how much did they agree?", AGREE),  # "how" asks for a degree, which the denial gives
        ("what did they disagree on", AGREE),  # the line does not deny disagreeing
        # The line says what they did agree on.
        ("what did they agree on?", "They didn’t agree on ideology—they agreed on outcomes."),
        # "doesn't just" denies nothing.
        ("who does trump ignore?", "Trump doesn’t just ignore the poor—he profits from their desperation."),
        ("what did they talk about", AGREE),  # no word of the question is denied
    ],
)
def test_what_is_not_a_denial_of_the_question(question: str, line: str) -> None:
    assert not denies_what_is_asked(question, line, stems)


def test_a_denial_through_an_adverb_or_never_counts() -> None:
    assert denies_what_is_asked("who did mamdani endorse?", "Mamdani never endorsed anyone.", stems)
    assert denies_what_is_asked("what did he really want", "He did not really want a deal.", stems)
