"""The parts of a question that asks several things (bot.core.parts), and what the reply shows of them."""

from __future__ import annotations

import pytest

from bot.core.answer import Answerer
from bot.core.parts import question_parts
from bot.core.replies import NOT_COVERED, NOT_COVERED_PART


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "How old is Mamdani and what year did he get elected?",
            ["How old is Mamdani?", "what year did he get elected?"],
        ),
        ("when did they meet, who set it up", ["when did they meet", "who set it up"]),
        ("Was it a photo op? And what was Trump's mood?", ["Was it a photo op?", "what was Trump's mood?"]),
        (
            "what did they focus on, and did they agree on ideology?",
            ["what did they focus on?", "did they agree on ideology?"],
        ),
        ("hey, how old is mamdani and what's his slogan?", ["how old is mamdani?", "what's his slogan?"]),
        ("ok so when did they meet and who set it up", ["when did they meet", "who set it up"]),
        ("what did bannon say and also what did trump say", ["what did bannon say", "what did trump say"]),
        (
            "how many live in nyc?how big is its economy?",
            ["how many live in nyc?", "how big is its economy?"],
        ),
        ("what is the rent\n\n\nand who set it up?", ["what is the rent?", "who set it up?"]),
        (
            "what's the rent, how many con ed customers are there, and how big is the economy",
            ["what's the rent", "how many con ed customers are there", "how big is the economy"],
        ),
        # A clause that names nothing of its own stays with the part before it (the whole was read as one).
        (
            "who is bannon, what did he say, and when was the meeting?",
            ["who is bannon, what did he say?", "when was the meeting?"],
        ),
        ('“how old is mamdani” and "when did they meet"', ["how old is mamdani", "when did they meet"]),
        ("how old is mamdani\rwhen did they meet", ["how old is mamdani?", "when did they meet"]),
        ("how old is mamdani\n\nwhen did they meet?", ["how old is mamdani?", "when did they meet?"]),
        # A bare question word asks the part before it again (a trial found the whole declined).
        ("what time did they meet and where?", ["what time did they meet?", "where did they meet?"]),
        ("when was the meeting, and where?", ["when was the meeting?", "where was the meeting?"]),
    ],
)
def test_a_question_of_several_parts_is_split_where_each_starts(question: str, parts: list[str]) -> None:
    assert question_parts(question) == parts


@pytest.mark.parametrize(
    "question",
    [
        "After the meeting, how did suburban homeowners' view of Trump change?",  # an opening clause
        "According to the FAQ, what made it possible?",
        "who is he and why?",  # a part that names nothing
        "what and when?",
        "what did trump and mamdani say",  # "and" between names
        "what district is mamdani from? queens?",  # a second "question" that is no question
        "Tell me about the rent. Who proposed it?",  # the first part is no question
        "what did trump say, i.e. what was his quote?",  # no sentence ends at "i.e."
        "who’s he and what’s that?",  # curly apostrophes read as straight ones: neither part names anything
        "tell me about the meeting\nwhat did trump say",  # a line break, but the first line is no question
    ],
)
def test_one_question_stays_whole(question: str) -> None:
    assert question_parts(question) == []


@pytest.mark.parametrize(
    ("question", "places"),
    [
        (
            "how many people live in new york and how big is its economy?",
            ["8.336 million residents", "$1.744 trillion annually"],
        ),
        (
            "what's the median rent? and how much have con ed rates risen?",
            ["The median one-bedroom rent? $3,500 a month.", "raised rates 18% since 2022"],
        ),
        ("who is bannon, what did he say, and when was the meeting?", ["Steve Bannon", "November 21, 2025"]),
        ("how old is mamdani\nwhen did they meet", ["Mamdani, 33", "November 21, 2025"]),
        ("who is bannon\rwhen was the meeting", ["Steve Bannon", "November 21, 2025"]),  # a lone CR too
    ],
)
def test_the_reply_shows_where_the_article_answers_each_part(
    answerer: Answerer, question: str, places: list[str]
) -> None:
    # Only the first passage was shown: the second part's passage scored below the support gap.
    shown = " ".join(e.text for e in answerer.ask(question).shown)
    assert all(p in shown for p in places), shown


@pytest.mark.parametrize(
    "question",
    [
        "what's mamdani's slogan and how tall is trump?",
        "what's mamdani's slogan and what is the capital of peru?",
        "what is the capital of peru, and what's mamdani's slogan?",
    ],
)
def test_a_part_the_article_does_not_answer_declines_the_question(answerer: Answerer, question: str) -> None:
    # A review found "how tall is trump?" given the passage nearest it, which does not say; then these were
    # answered as though the article said it all (the whole question's words carried them past the
    # abstainer). The article does not cover all of it: declined, with the part it answers first.
    a = answerer.ask(question)
    assert (a.kind, a.reply) == ("not_covered", NOT_COVERED_PART) and a.highlight is None
    assert "Housing is a human right" in a.excerpts[0].text


@pytest.mark.parametrize(
    "question",
    [
        "how many residents does nyc have, and what did trump call mamdani?",
        "what did steve bannon warn republicans about? also when will mamdani become mayor?",
    ],
)
def test_a_parts_passage_is_shown_from_outside_the_hits_and_alike_at_any_depth(
    answerer: Answerer, question: str
) -> None:
    # A review found the second part's passage missing: the whole question did not rank it in its first three.
    deep = [e.chunk_id for e in answerer.ask(question, k=10).shown]
    assert len(deep) >= 2  # each part's passage (a third may answer a part too: the opening's "communist")
    for k in (1, 2, 3):
        assert [e.chunk_id for e in answerer.ask(question, k=k).shown] == deep[:k]


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("who won the super bowl and when did they meet?", "November 21, 2025"),
        ("when did they meet and what is the price of bitcoin?", "November 21, 2025"),
        ("what did AOC think and how old is mamdani?", "Mamdani, 33"),
    ],
)
def test_a_declined_question_shows_where_the_article_answers_a_part(
    answerer: Answerer, question: str, place: str
) -> None:
    # A trial found these declined with no passage at all, or with the part's passage among the others.
    # They stay declined (the article does not answer all of it); the part's passage comes first.
    a = answerer.ask(question)
    assert (a.kind, a.reply) == ("not_covered", NOT_COVERED_PART)
    assert place in a.excerpts[0].text


def test_a_declined_question_none_of_whose_parts_the_article_answers_shows_nothing(
    answerer: Answerer,
) -> None:
    a = answerer.ask("who won the super bowl and what is the price of bitcoin?")
    assert (a.kind, a.reply, a.excerpts) == ("not_covered", NOT_COVERED, ())


@pytest.mark.parametrize(
    "question",
    [
        "when did they meet, and what is 2+2?",
        "what is 2+2 and when did they meet?",
        "when did they meet and what is 3500 divided by 2?",  # the abstainer passes this sum read alone
    ],
)
def test_a_sum_is_a_part_of_its_own_and_declines_the_question(answerer: Answerer, question: str) -> None:
    # A trial: a sum names no word of the article, so it leaned on the part beside it, and the question was
    # answered as a whole (with the bold line "45 minutes into a meeting").
    assert len(question_parts(question)) == 2
    a = answerer.ask(question)
    assert (a.kind, a.reply) == ("not_covered", NOT_COVERED_PART)
    assert "November 21, 2025" in a.excerpts[0].text
