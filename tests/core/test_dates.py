"""A question that names a month is answered first by a passage that names it (and any year it names)
(bot.core.retrieval.Retriever._dated_first)."""

from __future__ import annotations

import pytest

from bot.core.answer import Answerer
from bot.core.retrieval import dated, dates_named


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


def test_an_articles_own_month_and_year_are_those_of_its_date() -> None:
    assert dated("2025-11-21") == {"november", "2025"}
    assert dated("") == dated("2025-13-01") == dated("soon") == frozenset()


def test_a_question_naming_a_month_is_answered_by_the_passage_naming_it(answerer: Answerer) -> None:
    # A trial: his words at the meeting came first and were bolded; the April rally was second.
    a = answerer.ask("what did mamdani say in april")
    assert "April 2025" in a.excerpts[0].text
    assert a.highlight is not None and "he profits from their desperation" in a.highlight


def test_a_year_alone_moves_no_passage(answerer: Answerer) -> None:
    # A review: "in 2026" moved a line on mid-2026 first, which is no word of Trump's.
    a = answerer.ask("what did trump say about rent in 2026")
    assert a.highlight is not None and "rents coming down" in a.highlight


def test_the_passage_naming_the_date_comes_first_at_any_depth(answerer: Answerer) -> None:
    question = "january 1 2026?"
    deep = [e.chunk_id for e in answerer.ask(question, k=10).excerpts]
    assert "January 1, 2026" in answerer.ask(question, k=1).excerpts[0].text
    for k in (1, 2, 3):
        assert [e.chunk_id for e in answerer.ask(question, k=k).excerpts] == deep[:k]


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("what did trump say to reporters in november", "The press has eaten this thing up"),
        ("what did trump say about mamdani in november", "He wants to see no crime"),
    ],
)
def test_the_articles_own_month_is_named_by_every_passage(
    answerer: Answerer, question: str, line: str
) -> None:
    # A review: the passages on the meeting do not say "November", and these went to Bannon's words or to
    # "Yet here they were, 45 minutes into a meeting…"; every passage speaks of the article's own month.
    a = answerer.ask(question)
    assert a.highlight is not None and line in a.highlight
