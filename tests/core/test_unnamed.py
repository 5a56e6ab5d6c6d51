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
        ("whats the developer's name", "the developer"),
        ("who was chicago's mayor then", "chicago's mayor"),  # "then" names nothing
        ("what was the co-op gonna be called", "the co-op"),
        ("who is the president in this article?", None),  # which of the two it speaks of
        ("who is mamdani?", None),  # who someone named is, not a name
        ("who did mamdani beat?", None),  # answered by what the article says of him: "a centrist Democrat"
        ("what did they call each other?", None),
        ("which neighborhoods have the highest rent?", "neighborhoods"),  # to the auxiliary
        ("so in which neighborhoods is rent highest", "neighborhoods"),
    ],
)
def test_what_a_name_is_asked_of(question: str, thing: str | None) -> None:
    assert asked_thing(question) == thing


def stems(text: str) -> frozenset[str]:
    """Content words cut to six letters: a stand-in for the index's stemmer, enough for these lines."""
    return frozenset(w[:6] for w in text.casefold().replace("?", "").split() if len(w) > 3)


def test_a_thing_brought_in_with_a_is_not_named() -> None:
    line = "Mamdani’s victory last November—defeating a centrist Democrat in a primary—wasn’t just a win."
    people = frozenset({"mamdani", "trump"})
    assert unnamed("who was the centrist democrat mamdani beat", line, stems, people)
    assert unnamed("what was the name of the centrist dem he beat", line, stems, people)  # "dem": shortened
    assert not unnamed("who did mamdani beat", line, stems, people)
    # The head of what is asked is the opponent, not the Democrat (a review).
    assert not unnamed("who was the centrist democrat's opponent?", line, stems, people)


@pytest.mark.parametrize(
    "question",
    [
        "who was the handwritten letter from?",
        "who was the rally in brooklyn attacking?",
        "who was the luxury development going to displace?",
    ],
)
def test_who_was_the_x_asking_how_it_stands_to_someone_asks_no_name(question: str) -> None:
    assert asked_thing(question) is None


@pytest.mark.parametrize(
    ("question", "line"),
    [
        (
            "what's the name of the federal partnership proposal?",
            'His team is drafting a federal partnership proposal: a "New York Affordability Compact".',
        ),
        ("what was the development called?", "He blocked a luxury development called Astoria Towers."),
        ("what was the development called?", "He blocked a luxury development, Astoria Towers, in 2023."),
    ],
)
def test_a_name_beside_the_thing_names_it(question: str, line: str) -> None:
    assert not unnamed(question, line, stems)
    # ... and without the name the same line names nothing:
    bare = line.split(":")[0].split(" called")[0].split(",")[0] + "."
    assert unnamed(question, bare, stems)


@pytest.mark.parametrize(
    ("question", "line"),
    [
        # "a …" saying what someone named is (a review found each declined).
        (
            "who was the democratic socialist?",
            "Mamdani, who identifies as a democratic socialist, didn’t flinch.",
        ),
        ("who was the national figure in 2023", "In 2021 he became a national figure."),
        ("who was the danger to america", "He’s a danger to America."),
        ("what was the model trump mentioned called", "Trump mentioned his 2017 tax reform as a model."),
        ("who was the populist president?", "Trump, a populist president, met him."),
    ],
)
def test_a_description_of_someone_named_is_no_stranger(question: str, line: str) -> None:
    people = frozenset({"mamdani", "trump"})
    assert not unnamed(question, line, stems, people)
    # ... and the same phrase, with nothing before "a" that describes, is a stranger:
    assert unnamed(question, "They met a " + line.split(" a ", 1)[1], stems, people)


def test_a_mark_and_a_small_letter_are_no_name() -> None:
    """ "—wasn’t just a win" after the phrase is no name beside it: no capital follows the mark."""
    line = "Mamdani’s victory—defeating a centrist Democrat—wasn’t just a win."
    assert unnamed("who was the centrist democrat he beat", line, stems)


def test_the_name_is_looked_for_after_the_whole_phrase() -> None:
    """Not only after the word asked about: "federal" is followed by "partnership" (a review)."""
    line = 'His team is drafting a federal partnership proposal: a "New York Affordability Compact".'
    assert not unnamed("whats the name of the federal partnership proposal", line, stems)


def test_a_shortening_of_the_articles_own_word_is_no_shortening() -> None:
    """ "con" is Con Edison's: it does not stand for "congressman" (a review)."""
    line = "He met a congressman."
    assert unnamed("what was the con's name", line, stems)
    assert not unnamed("what was the con's name", line, stems, article_word=lambda w: w == "con")


def test_a_phrase_runs_past_a_word_in_ing_before_its_noun() -> None:
    """ "a luxury housing development": "housing" is no verb ending the phrase (a review)."""
    assert unnamed("what was the development called?", "They blocked a luxury housing development.", stems)
    # ... while a verb in -ed before "by" ends it: "a municipal co-op | funded by bonds".
    assert unnamed("what was the co-op called?", "He proposed a municipal co-op funded by bonds.", stems)


def test_which_is_told_by_a_and_left_unanswered_only_by_some() -> None:
    assert unnamed("which neighborhoods have the highest rent?", "In some neighborhoods, it’s $4,200.", stems)
    line = "He led a campaign to block a luxury development in Astoria that would have displaced families."
    assert not unnamed("which luxury development did he block?", line, stems)
    assert not unnamed("which campaign did he lead?", line, stems)
    assert unnamed("what was the luxury development called?", line, stems)  # which one, but not its name
