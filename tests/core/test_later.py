"""Questions about how things turned out after the article (bot.core.later)."""

from __future__ import annotations

import pytest

from bot.core.later import asks_how_it_turned_out, turned_out_unknown


@pytest.mark.parametrize(
    "question",
    [
        "did they end up meeting again?",
        "did the compact ever get approved",
        "did mamdani actually become mayor?",
        "has the co-op finally been set up?",
        "was the compact ever signed?",
        "did congress pass the compact",
        "have they met again since?",
        "did they meet again before the midterms?",
        "did the grants get funded in the end?",
    ],
)
def test_a_question_about_the_outcome_is_read(question: str) -> None:
    assert asks_how_it_turned_out(question)


@pytest.mark.parametrize(
    "question",
    [
        "will they meet again?",  # the future: what the article expects is its answer
        "when does he actually become mayor?",  # the present
        "has the compact already been finalized?",  # asked of the article's time
        "did trump ever call mamdani a communist?",  # what someone said, which the article reports
        "did trump actually say he'd be happy if mamdani succeeded?",
        "was trump happy to meet him again?",  # how he felt, not whether it happened again
        "has con edison raised rates since 2022?",
        "what happened at the meeting?",
    ],
)
def test_other_questions_are_not_about_the_outcome(question: str) -> None:
    assert not asks_how_it_turned_out(question)


def test_only_a_line_that_plans_it_lacks_the_outcome() -> None:
    asked = "did they end up meeting again?"
    assert turned_out_unknown(asked, "Trump confirmed they’ll meet again.")
    assert turned_out_unknown(asked, "The next meeting is expected before the midterms.")
    assert not turned_out_unknown(asked, "They met again in the Oval Office on November 28.")
    assert not turned_out_unknown("will they meet again?", "Trump confirmed they’ll meet again.")
