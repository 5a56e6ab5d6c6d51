"""Whether a request's subject is the article as a whole, or a subject the bot knows no word of."""

from __future__ import annotations

import pytest

from bot.core.lexical import LexicalIndex
from bot.core.subjects import WholeArticle, date_words, unknown_to

TITLE = "Trump and Mamdani meet in the Oval Office"


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex(["Trump and Mamdani met in the Oval Office to talk about rent."])


@pytest.fixture(scope="module")
def whole(lexical: LexicalIndex) -> WholeArticle:
    return WholeArticle.of([TITLE], ["trump", "mamdani"], lexical, ["2025-11-21"])


def test_the_titles_common_words_name_the_event_and_its_capitalised_ones_do_not(whole: WholeArticle) -> None:
    assert whole.event == {"meet"}
    assert {"oval", "offic"} <= whole.title_names
    assert not whole.event & whole.title_names


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
        # The meeting's day names it ("fill me in on the nov 21 meeting"); another day does not, nor the
        # day alone.
        ("the nov 21 meeting", True),
        ("the november 21st meeting", True),
        ("the meeting of 2025", True),
        ("the may 3 meeting", False),
        ("the nov 3 meeting", False),  # another day: a one-digit number is no search term (a review)
        ("the november 2 meeting", False),
        ("the meeting in 3 sentences", True),  # how to tell it
        ("nov 21", False),
        # Chat joins the two people ("the trump x mamdani meeting"); only between people.
        ("the trump x mamdani meeting", True),
        ("the trump vs mamdani meeting", True),
        # How to tell it, not what about ("explain this story like i'm 5").
        ("this whole news story like im 5", True),
        ("the meeting like i'm five", True),
        ("the meeting like a pirate", False),
    ],
)
def test_a_subject_is_the_whole_only_when_it_names_the_article_or_the_meeting(
    whole: WholeArticle, lexical: LexicalIndex, subject: str, is_whole: bool
) -> None:
    assert whole.asks_for_whole(subject, lexical) is is_whole


@pytest.mark.parametrize(
    ("iso", "words"),
    [
        ("2025-11-21", ["november", "nov", "21", "21st", "2025"]),
        ("2024-03-02", ["march", "mar", "2", "2nd", "2024"]),
        ("2024-01-13", ["january", "jan", "13", "13th", "2024"]),
        ("2024-01-23", ["january", "jan", "23", "23rd", "2024"]),
        ("", []),
        ("not a date", []),
    ],
)
def test_a_date_is_read_as_the_words_it_is_written_with(iso: str, words: list[str]) -> None:
    assert date_words(iso) == words


def test_a_typo_of_a_known_word_is_known_but_a_word_two_edits_away_is_not() -> None:
    vocabulary = ["articl", "meet", "rent"]
    known = frozenset(vocabulary)
    assert not unknown_to({"artcl"}, known, vocabulary)  # one edit
    assert not unknown_to({"meet", "ethereum"}, known, vocabulary)  # one known word is enough
    assert unknown_to({"ethereum"}, known, vocabulary)
    assert unknown_to({"arcl"}, known, vocabulary)  # two edits
    assert unknown_to({"rant"}, known, vocabulary)  # too short to read as a typo
