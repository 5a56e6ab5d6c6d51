"""A figure asked of another place than the bold line names is a fact the article lacks
(bot.core.places), and names of places of several words are no typos (bot.core.spelling)."""

from __future__ import annotations

import pytest

from bot.core.answer import Answerer
from bot.core.places import PLACES_FILE, Places, named_in, read_places
from tests.core.ranking import RANKED_WORSE

TEXTS = [
    "New York City generates $1.744 trillion annually.",
    "The median rent in New York? $3,500. New York's residents pay more than those of Chicago.",
    "They met in the White House. A town called Federal is no place of the article's: federal funding.",
]
KNOWN = frozenset(
    {"new york", "new york city", "chicago", "boston", "los angeles", "zurich", "federal", "york", "march"}
)
PLACES = Places.of(TEXTS, KNOWN)
RENT = "The median rent? $3,500 a month."


def test_the_place_the_article_names_most_is_its_own() -> None:
    # "New York" three times (not "York": the longest name at each word), "Chicago" once.
    assert PLACES.home == {"new york", "new york city"}
    assert "federal" not in PLACES.names  # a word it writes in small letters


@pytest.mark.parametrize(
    ("question", "line", "place"),
    [
        ("what's the median rent in boston?", RENT, "boston"),
        ("How much is rent in Los Angeles", RENT, "los angeles"),
        ("what is the gdp of chicago", "The $1.744 trillion GDP means agencies pay attention.", "chicago"),
        ("how many people live in Boston!!!", "8.336 million residents", "boston"),
        ("what is the population of zürich", "8.336 million residents", "zurich"),  # as names were written
        ("what is the population of the boston", "8.336 million residents", "boston"),  # "the" set aside
        # The article's own place, or one the line names.
        ("how much is rent in new york city?", RENT, None),
        ("how much is rent in new york", RENT, None),
        ("how much more is rent in chicago", "Those of Chicago pay $3,000.", None),
        # The figure is not the place's (a review): the place follows another word, or none is a figure.
        ("how many minutes did the meeting run in boston", "45 minutes into a meeting", None),
        ("how old was he when he met trump in chicago", "Mamdani, 33, set to become mayor", None),
        ("and in boston?", RENT, None),
        ("what did trump say about mayors in chicago?", "Trump railed against socialist mayors.", None),
        # A word of time or stress after the place leaves the figure its own (a trial: "how much is rent
        # in brooklyn specifically" was answered with New York's median rent).
        ("how much is the rent in boston right now", RENT, "boston"),
        ("what's rent like in los angeles these days", RENT, "los angeles"),
        ("how much is rent in new york city right now", RENT, None),
        ("how much is the rent in boston harbor", RENT, None),  # it does not end on the place
        ("what is the rent in boston", "Rent is high.", None),  # the line holds no figure
        ("how much is federal funding for federal", RENT, None),  # a word the article writes small
        ("what was rent in march", RENT, None),  # a month is no place
    ],
)
def test_a_figure_asked_of_another_place(question: str, line: str, place: str | None) -> None:
    assert PLACES.asked_elsewhere(question, line) == place


@pytest.mark.parametrize(
    ("place", "line", "named"),
    [
        ("united states", "generates $1.744 trillion annually for the U.S. economy", True),
        ("united states", "for the U. S. economy", True),
        ("new york city", "NYC rents are high", True),
        ("united kingdom", "for the U.S. economy", False),
        ("boston", "Cities like Philadelphia, Boston, and Seattle", True),
        ("boston", "BOS is an airport code", False),  # a single word has no initials to write
    ],
)
def test_a_line_names_a_place_by_its_name_or_its_initials(place: str, line: str, named: bool) -> None:
    assert named_in(place, line) is named


def test_the_place_names_ship_with_the_bot() -> None:
    names = read_places(PLACES_FILE)
    assert len(names) > 10_000
    assert {"boston", "los angeles", "the bronx", "japan", "california"} <= names
    assert "white house" not in names and "oval office" not in names


def test_an_unreadable_place_file_reads_as_none(tmp_path) -> None:
    (tmp_path / "places.txt").write_bytes(b"\xff\xfe\x00bad")
    assert read_places(tmp_path / "places.txt") == frozenset()
    assert read_places(tmp_path / "missing.txt") == frozenset()


@pytest.mark.parametrize(
    "question",
    [
        "what's the median rent in boston",
        "What is the GDP of Chicago?",  # its paragraph names Chicago, the line does not (a trial)
        "how much is rent in los angeles",  # "los" was read as "low" (a trial)
        "what's the population of chicago",
        "how much is rent in the bronx",
        "whats the gdp of japan",
        "what's the gdp of the philippines",
        "how much is rent in brooklyn specifically",  # a trial
        "whats the rent in manhattan right now",
        "how much is rent in boston per month",  # a review
    ],
)
def test_a_figure_of_another_place_is_not_covered(answerer: Answerer, question: str) -> None:
    a = answerer.ask(question)
    assert a.kind == "not_covered", a.highlight
    assert a.excerpts  # the closest passages are still shown, under the reason


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("how many people live in new york city", "8.336 million"),
        ("how much is rent in new york", "New York"),
        ("how many minutes in the white house", "45 minutes"),
        ("how much have con ed rates gone up in the bronx", "18%"),
        ("how many low-income families would the development in astoria have displaced", "300"),
        ("what did trump say about socialist mayors in chicago", "Chicago"),
        # A review: the figure asked is not Washington's, where the meeting was.
        ("how many minutes did the meeting run in washington", "45 minutes"),
        ("what was the date of the meeting in washington", "November 21, 2025"),
        ("how old was mamdani when he met trump in washington", "33"),
        pytest.param("who did mamdani meet in washington", "Trump", marks=RANKED_WORSE),
        # A second review: the line writes the United States as "U.S.".
        ("how much does new york city contribute to the economy of the united states", "U.S. economy"),
    ],
)
def test_a_figure_of_a_place_the_line_names_is_answered(answerer: Answerer, question: str, line: str) -> None:
    a = answerer.ask(question)
    assert a.kind == "answer" and line in (a.highlight or ""), a.highlight


def test_a_place_name_of_several_words_is_no_typo(answerer: Answerer) -> None:
    speller = answerer.retriever.speller
    assert speller is not None
    assert speller.correct("how much is rent in los angeles") == "how much is rent in los angeles"
    assert speller.correct("what about las vegas") == "what about las vegas"
    # ... and other typos are still repaired
    assert speller.correct("how much is rnt in los angeles") == "how much is rent in los angeles"


@pytest.mark.parametrize(
    ("message", "previous", "restated"),
    [
        ("and boston?", "how much is rent in chicago", "how much is rent in boston?"),  # instead
        ("what about in Los Angeles?", "what is the median rent", "what is the median rent in los angeles?"),
        ("ok and boston then", "whats the rent right now", "whats the rent in boston right now?"),
        ("and boston?", "how much is rent per month", "how much is rent in boston per month?"),
        # A review: more ways of naming only a place.
        ("boston?", "what is the median rent", "what is the median rent in boston?"),
        ("in boston?", "what is the median rent", "what is the median rent in boston?"),
        ("whats it in boston?", "what is the median rent", "what is the median rent in boston?"),
        ("same for boston?", "what is the median rent", "what is the median rent in boston?"),
        ("and how much in boston?", "what is the median rent", "what is the median rent in boston?"),
        ("and boston?", "what did trump say about mayors", None),  # no figure asked before
        ("and what about boston's mayor?", "how much is rent in chicago", None),  # more than a place
        ("and trump?", "how much is rent in chicago", None),  # no place
        ("how much is rent in chicago", "what is the median rent", None),  # a question of its own
        ("and boston?", "what did they say about energy costs?", None),  # asks no figure
        # A second review: the figure is brought in by "with", "of" or "on", not asked.
        ("same for boston?", "what is the crisis with rent?", None),
        ("and seattle?", "what is the risk of rising rents?", None),
        ("and boston?", "what are the views on taxes?", None),
        ("and boston?", "what's the average rent", "what s the average rent in boston?"),
    ],
)
def test_a_follow_up_naming_only_a_place_asks_the_figure_before_of_it(
    message: str, previous: str, restated: str | None
) -> None:
    assert PLACES.restate(message, previous) == restated


@pytest.mark.parametrize(
    "history", [["hw much is rnt in queens"], ["what is the median rent"], ["how much is rent in nyc"]]
)
def test_a_follow_up_asking_a_figure_of_another_place_is_not_covered(
    answerer: Answerer, history: list[str]
) -> None:
    """A trial: "and brooklyn?" after "hw much is rnt in queens" (declined) got New York's median rent,
    sure; after "what is the median rent", the same. "what about in new york?" is still answered."""
    a = answerer.ask("and brooklyn?", history=history)
    assert a.kind == "not_covered", a.highlight
    # ... and the next place after it (a review: "and manhattan?" read "and brooklyn?" as the question)
    a = answerer.ask("and manhattan?", history=[*history, "and brooklyn?"])
    assert a.kind == "not_covered", a.highlight
    assert answerer.ask("what about in new york?", history=["what is the median rent"]).kind == "answer"
