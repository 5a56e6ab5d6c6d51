"""Tests for bot.core.text.cut_at_word: cutting text to a limit between words."""

from __future__ import annotations

from bot.core.text import cut_at_word


def test_short_text_is_kept() -> None:
    assert cut_at_word("rent and housing", 100) == "rent and housing"


def test_a_cut_inside_a_word_goes_back_to_the_space_before_it() -> None:
    assert cut_at_word("rent and housing", 12) == "rent and"


def test_a_cut_that_falls_between_words_keeps_the_last_whole_word() -> None:
    assert cut_at_word("one two three four", 13) == "one two three"
    assert cut_at_word("one two three  four", 14) == "one two three"


def test_one_long_word_is_cut_inside_it_rather_than_emptied() -> None:
    assert cut_at_word("supercalifragilistic words", 5) == "super"
