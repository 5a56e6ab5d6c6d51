"""BM25 terms: stems for words, whole names for the names the texts always capitalise."""

from __future__ import annotations

from bot.core.lexical import LexicalIndex

TEXTS = [
    "Control of the House and the Senate is at stake, Mamdani said.",
    "Both want more housing built. Their plan is public housing, and Mamdani's plan is rent caps.",
]


def test_a_name_is_matched_whole_not_by_its_stem() -> None:
    lexical = LexicalIndex(TEXTS)
    assert lexical.scores("housing")[0] == 0.0  # "House" is a name here, not a form of "housing"
    assert lexical.scores("housing")[1] > 0.0
    assert lexical.scores("the house")[0] > 0.0 and lexical.scores("the house")[1] == 0.0


def test_a_name_typed_with_an_s_is_the_name() -> None:
    lexical = LexicalIndex(TEXTS)
    assert lexical.terms("mamdanis plan") == lexical.terms("Mamdani's plan") == lexical.terms("mamdani plans")
    assert lexical.content_stems("mamdanis") == lexical.content_stems("Mamdani")


def test_a_name_whose_stem_is_no_other_words_keeps_its_stem() -> None:
    # A trial of the first version, which kept every name whole: "senators" no longer found the Senate.
    lexical = LexicalIndex(TEXTS)
    assert lexical.scores("senators")[0] > 0.0


def test_words_that_are_no_names_are_stemmed() -> None:
    lexical = LexicalIndex(TEXTS)
    assert lexical.terms("plans building") == lexical.terms("plan builds") == ["plan", "build"]
    assert lexical.content_stems("housing") == lexical.content_stems("housed") == {"hous"}


def test_names_may_be_read_from_other_texts_than_those_searched() -> None:
    """The searched BM25 reads passages followed by training questions, which write "white house" in lower
    case: its names are the passages', so "housing" still does not find the White House (a review)."""
    passages = ["The White House hosted the talks.", "Housing costs rose again."]
    searched = [f"{passages[0]} what did the white house say", f"{passages[1]} is housing cheaper"]
    assert LexicalIndex(searched)._names == frozenset()
    guarded = LexicalIndex(searched, names_from=passages)
    assert guarded._names == frozenset({"house"})
    assert guarded.scores("housing")[0] == 0 and guarded.scores("housing")[1] > 0
