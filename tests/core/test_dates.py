"""A question that names a month or a year is answered first by a passage that names it
(bot.core.retrieval.Retriever._dated_first)."""

from __future__ import annotations

import pytest

from bot.core.answer import Answerer
from bot.core.retrieval import dates_named


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("what did mamdani say in april", {"april"}),
        ("January 1 2026?", {"january", "2026"}),
        ("what happened in may 2025", {"may", "2025"}),
        ("we may disagree how we get there", set()),  # "may" the verb
        ("what did the 110th mayor say", set()),  # no year
    ],
)
def test_the_months_and_years_a_text_names(text: str, named: set[str]) -> None:
    assert dates_named(text) == named


def test_a_question_naming_a_month_is_answered_by_the_passage_naming_it(answerer: Answerer) -> None:
    # A trial: his words at the meeting came first and were bolded; the April rally was second.
    a = answerer.ask("what did mamdani say in april")
    assert "April 2025" in a.excerpts[0].text
    assert a.highlight is not None and "he profits from their desperation" in a.highlight


def test_the_passage_naming_the_date_comes_first_at_any_depth(answerer: Answerer) -> None:
    question = "january 1 2026?"
    deep = [e.chunk_id for e in answerer.ask(question, k=10).excerpts]
    assert "January 1, 2026" in answerer.ask(question, k=1).excerpts[0].text
    for k in (1, 2, 3):
        assert [e.chunk_id for e in answerer.ask(question, k=k).excerpts] == deep[:k]
