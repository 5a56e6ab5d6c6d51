"""Whose words a question asks for, and the decline when the article has no word for them."""

from __future__ import annotations

import pytest

from bot.core.lexical import LexicalIndex
from bot.core.speakers import (
    Names,
    asked_about,
    asks_for_words,
    stranger_pointed_at,
    unknown_count,
    unknown_speaker,
    unknown_topic,
    unquoted_person,
)


@pytest.mark.parametrize(
    ("question", "who"),
    [
        ("what did eric adams think of it", "eric adams"),
        ("What did the White House press secretary say?", "the White House press secretary"),
        ("did AOC say anything about trump meeting mamdani", "AOC"),
        ("how did governor hochul react", "governor hochul"),
        ("what would obama actually think", "obama"),
        ("What was Bernie Sanders’ reaction?", "Bernie Sanders"),
        ("so what does trump make of mamdani", "trump"),
        ("what did trump say about eric adams", "trump"),
        ("did obama endorse mamdani", "obama"),
        ("obama's opinion of the meeting?", "obama"),
        ("what is eric adams saying about mamdani", "eric adams"),
        ("does eric adams support mamdani", "eric adams"),
        ("what did the blog post say", "the blog post"),
    ],
)
def test_the_one_asked_about_is_read_from_the_wording(question: str, who: str) -> None:
    assert asked_about(question) == who


@pytest.mark.parametrize(
    "question",
    [
        "how old is mamdani",
        "what is con edison",
        "who said housing is a human right",
        "tl;dr",
        "what does the text say about energy costs",  # a text says; people said
        "how did the handshake feel",  # feel, but not about anything
    ],
)
def test_a_question_about_no_ones_words_asks_about_no_one(question: str) -> None:
    assert asked_about(question) is None


@pytest.mark.parametrize(
    ("question", "who"),
    [
        ("what did mamdani say about trump?", "mamdani"),
        ("what has trump said", "trump"),
        ("what did steve bannon tell politico", "steve bannon"),
        ("what is trump saying about the meeting", "trump"),
        ("what was trump posting", "trump"),
        ("how did mamdani react", None),  # a deed, not words
        ("what did trump call mamdani", None),  # a view the article gives in a line quoting nobody
        ("did trump say prices are coming down", None),  # whether a claim was made
        ("which city did mamdani say inspired him", None),
        ("how old is mamdani", None),
    ],
)
def test_whose_words_a_question_asks_for(question: str, who: str | None) -> None:
    asked = asks_for_words(question)
    assert (asked.who if asked else None) == who


def test_what_someone_s_words_are_asked_about_is_the_rest_of_the_question() -> None:
    asked = asks_for_words("so what did mamdani say about trump?")
    assert asked is not None and asked.rest == "so about trump?"
    assert asks_for_words("what has trump said").rest == ""


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex(
        ["Trump met Mamdani.", "Former Trump adviser Steve Bannon told reporters.", "He joined the council."]
    )


@pytest.mark.parametrize(
    "question",
    ["what did eric adams think", "did fox news comment", "did obama endorse mamdani"],
)
def test_someone_the_article_has_no_word_for_is_unknown(lexical: LexicalIndex, question: str) -> None:
    assert unknown_speaker(question, lexical, frozenset())


@pytest.mark.parametrize(
    "question",
    [
        "what did steve bannon say",  # in the article
        "what did he say",  # a pronoun names nobody to look up
        "did anyone comment on it",
        "what did the commander in chief think",  # words the training questions use
        "what did mr trump say",  # one word the article knows makes them the article's
        "what did the bannon adviser and obama say",
    ],
)
def test_someone_the_article_or_training_questions_know_is_not(lexical: LexicalIndex, question: str) -> None:
    assert unknown_speaker(question, lexical, frozenset({"command", "chief"})) is None


@pytest.mark.parametrize(
    "question",
    [
        "what did the lawyers of trump say",  # whose they are is known, who they are is not
        "what did the trump press secretary say after the meeting",  # a trial: "the white house press …"
        "what did the trump chief of staff say",  # the word before "of" says who
        "what did the rest of the trump lawyers say",
    ],
)
def test_someone_described_by_a_word_the_article_lacks_is_unknown(
    lexical: LexicalIndex, question: str
) -> None:
    assert unknown_speaker(question, lexical, frozenset())


@pytest.mark.parametrize(
    "question",
    [
        "what did the trump advisor say",  # the article's "adviser", spelt otherwise
        "what did the former trump adviser say",
        "what did the trump advisers say",
        "what did the mamdani councilmember say",  # a word that opens with one of the article's
        "does mamdani still think he is a fascist",  # "mamdani still" is a name and an adverb: no description
        # What is theirs is most often their words (a review found these declined).
        "what did trump's speech say",
        "what did trump's response say",
        # Who they are comes after a word of how many (a second review found these declined).
        "what did the rest of the reporters think",
        "what did a couple of reporters say",
    ],
)
def test_someone_described_by_a_word_the_article_has_is_not(lexical: LexicalIndex, question: str) -> None:
    assert unknown_speaker(question, lexical, frozenset()) is None


@pytest.mark.parametrize(
    ("question", "earlier"),
    [
        ("what did he call trump?", ["what did eric adams say?"]),
        ("what did his aides say?", ["what did eric adams say?"]),
        ("what did she say about rent?", ["what does kathy hochul think of mamdani?"]),
        ("lol what did he call trump?", ["what did eric adams say?"]),  # chat before it names no one
        # "he" in the message between passes it on: whom it asked about is further back.
        ("and what did he say about rent?", ["what did he call trump?", "what did eric adams say?"]),
        # Whatever else it asks of him or her, the article lacks it too (a trial: "when will she meet
        # trump again?" after "what did the governor say?" was answered, by 0.001 over the bar).
        ("how old is he?", ["what did eric adams say?"]),
        ("when will she meet trump again?", ["what does kathy hochul think of mamdani?"]),
    ],
)
def test_a_pronoun_for_a_stranger_asked_about_before_is_that_stranger(
    lexical: LexicalIndex, question: str, earlier: list[str]
) -> None:
    """A trial: "what did he call trump?" after "what did eric adams say?" was answered with Mamdani's word
    for Trump; "he" is Adams, whose words the article lacks."""
    assert stranger_pointed_at(question, earlier, lexical, frozenset()) in {"eric adams", "kathy hochul"}


@pytest.mark.parametrize(
    ("question", "earlier"),
    [
        ("what did he call mamdani?", ["what did steve bannon say?"]),  # the article's
        ("what did trump call him?", ["what did eric adams say?"]),  # asks about Trump
        ("what did eric adams say about him?", ["what did trump say?"]),  # a name: unknown_speaker's
        ("what did they say?", ["what did eric adams say?"]),  # not one person
        ("what did he say?", []),
        # A review of the first version: another subject between them ends it...
        ("what did he say about rent?", ["when did trump meet mamdani?", "what did eric adams say?"]),
        ("what did he tell politico?", ["who is the former adviser?", "what did eric adams say?"]),
        ("what did he call trump?", ["ok never mind. who is the mayor-elect?", "what did eric adams say?"]),
        # ... a pronoun in a question that asks about no one's words is no follow-up's...
        ("when does the mayor-elect take his office?", ["what did eric adams say?"]),
        ("what was the mayor-elect's slogan during his campaign?", ["what did eric adams say?"]),
        # ... nor one named before it in the same message...
        ("who is the former adviser and what did he tell politico?", ["what did eric adams say?"]),
        # ... and one of the other sex is someone else.
        ("what did he call trump?", ["what did his wife say?", "how old is mamdani?"]),
        ("what did she say?", ["what did the governor's husband say?"]),
    ],
)
def test_a_pronoun_for_someone_else_is_no_stranger(
    lexical: LexicalIndex, question: str, earlier: list[str]
) -> None:
    assert stranger_pointed_at(question, earlier, lexical, frozenset()) is None


@pytest.fixture(scope="module")
def article() -> LexicalIndex:
    return LexicalIndex(
        [
            "Trump met Mamdani to talk about rent and national politics.",
            "Crime fell.",
            "A communist.",
            "Policy.",
        ]
    )


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("did they talk about tariffs", "tariffs"),
        ("did they discuss immigration or ICE at all", "immigration or ICE at all"),
        ("did trump mention the subway", "the subway"),
        ("did they bring up bitcoin", "bitcoin"),
        ("what did trump say about immigration", "immigration"),
        # One edit from a known stem is no kin ("polic" and the article's "polici"; a review).
        ("did they talk about police", "police"),
        # Whom someone met (a helper's trial), up to a preposition or an adverb.
        ("when did trump meet biden", "biden"),
        ("who met putin?", "putin"),
        ("did trump meet obama in 2016", "obama"),
        ("trump sitting down with xi", "xi"),
        # ... up to a word of time or manner (a review: these were answered).
        ("will trump meet xi next month", "xi"),
        ("did trump meet biden privately", "biden"),
        ("did trump meet obama twice", "obama"),
        ("will trump meet netanyahu soon", "netanyahu"),
        # What they agreed on (a review: "did they agree on tariffs?" bolded the list's line).
        ("did they agree on tariffs?", "tariffs"),
        ("did trump and mamdani disagree about immigration", "immigration"),
    ],
)
def test_a_topic_the_article_has_no_word_for_is_unknown(
    article: LexicalIndex, question: str, topic: str
) -> None:
    assert unknown_topic(question, article, frozenset()) == topic


@pytest.mark.parametrize(
    "question",
    [
        "did they talk about rent",  # the article's
        "did they talk about the national guard",  # one word of the article keeps it
        "did they discuss crime and tariffs",
        "what did they talk about",  # no topic
        "did they talk about it",  # a pronoun names nothing to look up
        "how long had they been talking",  # no topic; "talking" is no "talk" + "ing"
        "which utility is at the centre of the discussion",
        "was it policy talk or performance",  # talk as a noun
        "did they talk about the commander in chief",  # words the training questions use
        "did they talk about communism",  # of the family of the article's "communist" (a review)
        "what did trump say about him afterwards",  # someone already named
        "when did trump meet mamdani",  # the article's
        "did they meet again",  # no one met: an adverb,
        "did they meet in person",  # ... a preposition,
        "who did trump meet",  # ... or nothing
        "when is the next meeting",  # a meeting, no one met
        "will they meet next year",  # a time, no one met
        "did trump meet mamdani twice",
        "did they agree on rent",
        "what did they agree on",  # no topic
        "did they agree on a lot?",  # how much, not what (a review)
        "did they talk about nothing",
    ],
)
def test_a_topic_the_article_or_training_questions_know_is_not(article: LexicalIndex, question: str) -> None:
    assert unknown_topic(question, article, frozenset({"command", "chief"})) is None


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        # A helper's 80 "how many" lines: kids, siblings, episodes were answered from passages holding
        # other numbers.
        ("how many kids does mamdani have", "kids"),
        ("how many episodes r in breaking bad", "episodes"),
        ("How many grandchildren has Trump got?", "grandchildren"),
        ("how many thousands of tattoos does he have", "tattoos"),  # the quantity before "of" counts nothing
    ],
)
def test_a_count_of_what_the_article_has_no_word_for_is_unknown(
    article: LexicalIndex, question: str, counted: str
) -> None:
    assert unknown_count(question, article, frozenset()) == counted
    assert unknown_topic(question, article, frozenset()) is None  # a count is no topic talked about


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("how many kids mamdani has", "kids"),  # a clause without its auxiliary: the name is its subject
        ("how many grandchildren trump has got", "grandchildren"),
        ("how many mamdani kids", None),  # the name first: part of what is counted, which it knows
    ],
)
def test_what_is_counted_ends_before_a_name_the_article_writes(
    article: LexicalIndex, question: str, counted: str | None
) -> None:
    assert unknown_count(question, article, frozenset(), frozenset({"mamdani", "trump"})) == counted


@pytest.mark.parametrize(
    "question",
    [
        "how many crimes fell",  # a count of what the article names
        "how many national politicians were there",  # one known word keeps it, as for a topic
        "how many thousands of crimes",  # ... after a quantity and "of"
        "how many dollars is the rent",  # a unit of money: a measure (bot.core.measures)
        "how many bucks is a one-bedroom",
        "how many usd is it",
        "how many did they meet",  # nothing named
        "did they talk about tariffs",  # no count
    ],
)
def test_a_count_of_what_the_article_names_or_a_sum_is_not(article: LexicalIndex, question: str) -> None:
    assert unknown_count(question, article, frozenset({"command", "chief"})) is None


_ARTICLE = [
    "When Donald J. Trump sat across from Zohran Kwame Mamdani, the White House was quiet.",
    '"He wants to see no crime," Trump said. Mamdani didn\'t flinch.',
    'Former Trump adviser Steve Bannon told POLITICO Magazine: "Republicans underestimate him."',
    "Think of Giuliani and Bloomberg on public safety. The New York GDP is large.",
    "The City Council met and the city waited.",
    'Then Mamdani sent a letter to the White House: "I’d like to talk about rent."',
    "Energy costs: Con Edison, serving 3.1 million customers, has raised rates.",
]


@pytest.fixture(scope="module")
def names() -> Names:
    return Names.of(_ARTICLE, ["trump", "mamdani", "bannon"])


def test_names_are_the_words_only_ever_capitalised_and_the_quoted_are_read_with_their_given_names(
    names: Names,
) -> None:
    assert {"giuliani", "bloomberg", "white", "bannon", "steve", "york"} <= names.proper
    # Capitalised only where a sentence or quotation opens, lower-case elsewhere, or an acronym.
    assert not {"think", "he", "city", "gdp", "politico", "republicans"} & names.proper
    assert {"trump", "donald", "mamdani", "zohran", "kwame", "steve", "bannon"} <= names.quoted
    assert not {"giuliani", "bloomberg", "white"} & names.quoted


@pytest.mark.parametrize(
    ("question", "who"),
    [
        ("what did bloomberg say", "bloomberg"),
        ("did giuliani say anything", "giuliani"),
        ("what did Giuliani and Bloomberg say?", "Giuliani and Bloomberg"),
        ("how would Giuliani have reacted", "Giuliani have"),
        ("how did mr giuliani react", "mr giuliani"),
        ("what was bloomberg's reaction", "bloomberg"),
        # A name of several words as the article writes it, which no sentence holding a quotation writes
        # (two trials: "what did con edison say about the meeting" bolded its rates).
        ("what did con edison say about the meeting", "con edison"),
        ("how did Con Edison react?", "Con Edison"),
    ],
)
def test_someone_the_article_names_but_never_quotes_is_unquoted(
    names: Names, question: str, who: str
) -> None:
    assert unquoted_person(question, names) == who


@pytest.mark.parametrize(
    "question",
    [
        "what did steve say",  # a quoted person's given name
        "what did zohran kwame mamdani say",
        "what did trump's team say",
        "what did eric adams say",  # a name the article never writes: unknown_speaker's
        "what did the gdp say",  # an acronym: a typo's repair ("gop")
        "why did the White House announce it",  # a deed, not words
        "did giuliani support mamdani",
        "what did he say about bloomberg",
        "what did people say",
        "what did the White House say about it?",  # a body a sentence holding a quotation writes
        "what did con ed say",  # not the name as the article writes it
    ],
)
def test_a_quoted_person_or_a_deed_is_not_unquoted(names: Names, question: str) -> None:
    assert unquoted_person(question, names) is None
