"""Whether a request's subject is the article as a whole, or a subject the bot knows no word of."""

from __future__ import annotations

import pytest

from bot.core.lexical import LexicalIndex
from bot.core.subjects import WholeArticle, unknown_to

TITLE = "Trump and Mamdani meet in the Oval Office"


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex(["Trump and Mamdani met in the Oval Office to talk about rent."])


@pytest.fixture(scope="module")
def whole(lexical: LexicalIndex) -> WholeArticle:
    return WholeArticle.of([TITLE], ["trump", "mamdani"], lexical)


def test_the_titles_common_words_name_the_event_and_its_capitalised_ones_do_not(whole: WholeArticle) -> None:
    assert whole.event == {"meet"}
    assert whole.title_names == {"oval", "offic"}


@pytest.mark.parametrize(
    ("subject", "is_whole"),
    [
        ("the meeting", True),
        ("this story", True),
        ("the whole oval office thing", True),
        ("trump and mamdani's meeting", True),
        ("the article in 3 sentences", True),
        ("the article", True),  # "article" is a function word to search with
        ("mamdani's article", False),
        ("the oval office", False),  # a place of the title alone
        ("mamdani's story", False),  # a person's
        ("everything trump said", False),
        ("their next meeting", False),  # another one
        ("the other article", False),
        ("the meeting's outcome", False),  # one thing of it
        ("trump", False),
        ("", False),
    ],
)
def test_a_subject_is_the_whole_only_when_it_names_the_article_or_the_meeting(
    whole: WholeArticle, lexical: LexicalIndex, subject: str, is_whole: bool
) -> None:
    assert whole.asks_for_whole(subject, lexical) is is_whole


def test_a_typo_of_a_known_word_is_known_but_a_word_two_edits_away_is_not() -> None:
    vocabulary = ["articl", "meet", "rent"]
    known = frozenset(vocabulary)
    assert not unknown_to({"artcl"}, known, vocabulary)  # one edit
    assert not unknown_to({"meet", "ethereum"}, known, vocabulary)  # one known word is enough
    assert unknown_to({"ethereum"}, known, vocabulary)
    assert unknown_to({"arcl"}, known, vocabulary)  # two edits
    assert unknown_to({"rant"}, known, vocabulary)  # too short to read as a typo
