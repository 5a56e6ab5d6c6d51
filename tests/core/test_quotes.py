"""The quote check: splitting a message into quoted spans (pure), the article's speakers, and verdicts
against the real index and encoder."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.core.attribution import quotations, same_person
from bot.core.build import Paths
from bot.core.evaluation import evaluate_quotes, read_quote_examples
from bot.core.loading import load_answerer
from bot.core.quotes import (
    ABSENT,
    CLOSE,
    MAX_SPAN_WORDS,
    MAX_SPANS,
    MAX_TEXT_CHARS,
    VERBATIM,
    EmptyText,
    QuoteChecker,
    UnreadableText,
    clean_text,
    split_spans,
)
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def checker() -> QuoteChecker:
    """The checker over the committed index and the serving encoder."""
    answerer = load_answerer(Paths.of(Settings(_env_file=None)))
    return QuoteChecker(answerer.index, answerer.retriever.embedder)


# ---------------------------------------------------------------- splitting (no model)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("He wants to see no crime.", ["He wants to see no crime."]),  # no marks: the whole text
        ('Trump said "no crime at all" today', ["no crime at all"]),
        ("Trump said “no crime at all” and “rents coming down”", ["no crime at all", "rents coming down"]),
        ("Bannon: 'at their peril' he said", ["at their peril"]),
        ("He's right that ‘rents are high’ and it’s true", ["rents are high"]),  # apostrophes are not marks
        ("He's right and it’s true", ["He's right and it’s true"]),
        ("'I'd like to talk about rent'", ["I'd like to talk about rent"]),
        ('she said "the goal? Same', ["the goal? Same"]),  # unbalanced: the rest of the text
        ("\"outer 'inner words' outer\"", ["outer 'inner words' outer"]),  # nested: the outer one
        ("a stray” closer here", ["a stray” closer here"]),
        ('a "scare" quote and "two words"', ["two words"]),  # one-word quotes only when nothing longer
        ('only a "scare" quote', ["scare"]),
        ("«guillemets work too» and „low ones too“", ["guillemets work too", "low ones too"]),
        ('""', []),
        ("   ", []),
    ],
)
def test_split_spans(text: str, spans: list[str]) -> None:
    assert [s.text for s in split_spans(text)] == spans


def test_a_span_is_checked_on_its_first_words() -> None:
    (span,) = split_spans("word " * (MAX_SPAN_WORDS + 30))
    assert span.truncated and len(span.text.split()) == MAX_SPAN_WORDS and not span.quoted


def test_clean_text() -> None:
    with pytest.raises(EmptyText):
        clean_text(" … !! ")
    with pytest.raises(UnreadableText):
        clean_text("caf\udce9 words")
    text, cut = clean_text("x" * (MAX_TEXT_CHARS + 10))
    assert cut and len(text) == MAX_TEXT_CHARS


# ---------------------------------------------------------------- the article's speakers (no model)


def test_quotations_name_the_speaker_beside_them_and_no_one_else() -> None:
    text = (
        '"We will win," Trump said. "Everyone knows it." Then Steve Bannon told reporters: "No chance." '
        '"Maybe," he said. His slogan: "Rent first."'
    )
    found = {text[q.start : q.end]: q.speaker for q in quotations(text)}
    assert found == {
        "We will win,": "Trump",
        "Everyone knows it.": "Trump",  # a split quote keeps its speaker
        "No chance.": "Steve Bannon",
        "Maybe,": None,  # a pronoun names nobody
        "Rent first.": None,
    }
    assert same_person("Steve Bannon", "Bannon") and not same_person("Trump", "Mamdani")


# ---------------------------------------------------------------- verdicts (real index and encoder)


def test_verbatim_folds_case_quotes_dashes_and_spaces(checker: QuoteChecker) -> None:
    result = checker.check("TRUMP DOESN'T just ignore the   poor -- he profits from their desperation")
    (span,) = result.spans
    assert span.verdict == VERBATIM and span.similarity == 1.0
    assert span.citation == "Background: The Long Road to the Oval, ¶1"
    assert (
        "when Mamdani, speaking at a rally in Brooklyn, said:" in span.article_text
    )  # the sentence around it
    assert span.speaker == "Mamdani" and span.chunk_id.startswith("meeting#")


def test_close_gives_what_the_article_says_and_the_words_that_differ(checker: QuoteChecker) -> None:
    (span,) = checker.check('Bannon: "This isn’t about socialism. It’s about power."').spans
    assert span.verdict == CLOSE and 0.55 <= span.similarity < 1
    assert "It’s about survival." in span.article_text
    assert [(d.said, d.article) for d in span.differs] == [("power", "survival")]
    assert span.speaker == "Steve Bannon" and span.claimed == "Bannon" and not span.misattributed


def test_a_dropped_word_shows_as_left_out(checker: QuoteChecker) -> None:
    (span,) = checker.check(
        '"I would feel comfortable living in Mamdani’s New York under his leadership"'
    ).spans
    assert span.verdict == CLOSE
    assert [(d.said, d.article) for d in span.differs] == [("", "City")]


def test_absent_gives_the_nearest_passage(checker: QuoteChecker) -> None:
    (span,) = checker.check('Trump said "Mamdani is the best mayor New York has ever had"').spans
    assert span.verdict == ABSENT and span.similarity < 0.55
    assert "mayor" in span.article_text and span.citation and not span.differs
    assert span.speaker is None and not span.misattributed


def test_right_words_wrong_speaker(checker: QuoteChecker) -> None:
    (span,) = checker.check('Mamdani said "If he could be a spectacular success, I\'d be very happy."').spans
    assert span.verdict == VERBATIM
    assert (span.speaker, span.claimed, span.misattributed) == ("Trump", "Mamdani", True)
    (span,) = checker.check('"What we’re looking to do is put those people right back" - Trump').spans
    assert span.claimed == "Trump" and span.speaker is None  # "he said": the article names nobody


def test_several_spans_each_get_a_verdict(checker: QuoteChecker) -> None:
    result = checker.check(
        'Trump said "He wants to see rents going down", then "It’s ambitious. It’s controversial." '
        "and 'Con Edison is robbing the people of Queens'"
    )
    assert [s.verdict for s in result.spans] == [CLOSE, VERBATIM, ABSENT]
    assert result.spans[0].claimed == "Trump" and result.spans[0].speaker == "Trump"


def test_unbalanced_and_many_quotes_do_not_crash(checker: QuoteChecker) -> None:
    (span,) = checker.check('he said "He wants to see no crime. He wants').spans
    assert span.verdict == VERBATIM
    many = checker.check(" ".join(f'"rents coming down {n} times"' for n in range(MAX_SPANS + 5)))
    assert len(many.spans) == MAX_SPANS and many.unchecked == 5


def test_the_train_examples_are_all_right(checker: QuoteChecker) -> None:
    report = evaluate_quotes(checker, read_quote_examples(REPO_ROOT / "train" / "quotes" / "quotes.jsonl"))
    assert report.n >= 40
    assert report.accuracy >= 0.95 and report.speakers_right >= 0.95
    assert report.lowest_close > report.highest_absent  # the threshold sits in the gap
