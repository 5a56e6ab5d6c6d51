"""How many / how much: what asks for a quantity, and what states one."""

from __future__ import annotations

import pytest

from bot.core.quantities import asks_quantity, holds_quantity


@pytest.mark.parametrize(
    "question",
    [
        "how many votes did mamdani get",
        "so how much is rent",
        "What is the median rent, and how much did his numbers improve?",
        "whats the average rent in queens specifically",
        "what percent of the vote did he win",
        "ok, how many families",
    ],
)
def test_questions_that_ask_how_many_or_how_much(question: str) -> None:
    assert asks_quantity(question)


@pytest.mark.parametrize(
    "question",
    [
        # "how much" inside a clause of a question that asks for a quote
        "Which quote shows Trump surprised by how much attention the meeting got?",
        "how old is mamdani",
        "when did they meet",
    ],
)
def test_questions_that_do_not(question: str) -> None:
    assert not asks_quantity(question)


@pytest.mark.parametrize(
    "text",
    ["$3,500 a month.", "nearly half of whom", "Trump reportedly read it twice.", "A week later, it was set.",
     "both zeroed in on three concrete issues", "up 18%"],
)  # fmt: skip
def test_lines_that_state_a_quantity(text: str) -> None:
    assert holds_quantity(text)


@pytest.mark.parametrize(
    "text", ["Mamdani’s team is already drafting a federal partnership proposal.", "No."]
)
def test_lines_that_do_not(text: str) -> None:
    assert not holds_quantity(text)
