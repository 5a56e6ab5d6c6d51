"""Tests for bot.core.spelling: typo repair towards corpus words, leaving real words alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.spelling import Speller, english_words

CORPUS = [
    "The meeting was held in the Oval Office on Tuesday.",
    "Mamdani and Trump discussed the launch of a bike scheme.",
    "The meeting ended with a handshake; the meeting was friendly.",
]


@pytest.fixture(scope="module")
def english() -> frozenset[str]:
    """The pyspellchecker English dictionary."""
    return english_words()


@pytest.fixture(scope="module")
def speller(english: frozenset[str]) -> Speller:
    """A speller over the small corpus, knowing real English words."""
    return Speller(CORPUS, english)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("teh meetng", "the meeting"),
        ("When was teh meetng?", "When was the meeting?"),
        ("who is mamdnai?", "who is mamdani?"),
        ("what did they dicsussed", "what did they discussed"),
    ],
)
def test_typos_are_corrected_towards_corpus_words(speller: Speller, typed: str, expected: str) -> None:
    assert speller.correct(typed) == expected


def test_a_typo_of_a_question_word_the_article_lacks_is_repaired_into_it(speller: Speller) -> None:
    """A trial: "whered the meeting happen" became "here the meeting happen" (the article never says
    "where"), and was answered with the next meeting; "wher" became "when"."""
    assert "where" not in " ".join(CORPUS).lower()
    assert speller.correct("whered was teh meetng") == "where was the meeting"
    assert (
        speller.correct("wher did they meet? whih one? whos he?") == "where did they meet? which one? who he?"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # A trial of text-speak: the dictionary knows "wen" and "wat", so "where" after "wen did they meet"
        # was declined, "wen…" being no question to restate; "hw" and "y" are too short to repair.
        ("wen did they meet", "when did they meet"),
        ("wat is the oval office", "what is the oval office"),
        ("hw old is mamdani", "how old is mamdani"),
        ("y is rent so high", "why is rent so high"),
        # ... only opening a question: not alone, not in mid-question; and no other word near a question
        # word (a review of an edit-distance rule: "way is clear…", "whos is…" read as "whose").
        ("wen", "wen"),
        ("so wen did they meet", "so wen did they meet"),
        ("way is clear for a deal", "way is clear for a deal"),
        ("wow is that true", "wow is that true"),
        ("hw has been killing me", "hw has been killing me"),  # the final review: homework
        ("whos is mamdani", "who is mamdani"),
    ],
)
def test_a_chat_spelling_of_a_question_word_opening_a_question_is_that_word(
    speller: Speller, typed: str, expected: str
) -> None:
    assert speller.correct(typed) == expected


@pytest.mark.parametrize("text", ["bake", "lunch", "Shall we bake a cake for lunch?"])
def test_real_english_words_are_left_alone(speller: Speller, text: str) -> None:
    assert speller.correct(text) == text


def test_without_the_dictionary_near_corpus_words_would_be_changed() -> None:
    """The English dictionary is what protects "bake" and "lunch" (one edit from "bike", "launch")."""
    assert Speller(CORPUS, frozenset()).correct("bake lunch") == "bike launch"


@pytest.mark.parametrize("text", ["Mamdani Oval Office", "handshake", "Tuesday"])
def test_corpus_words_are_left_alone(text: str) -> None:
    assert Speller(CORPUS, frozenset()).correct(text) == text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("xyzzyq plugh", id="nothing-close"),
        pytest.param("ot teh", id="too-short-or-known"),
        pytest.param("2025 — ¿qué? 会议", id="no-latin-words"),
    ],
)
def test_words_without_a_close_corpus_word_are_kept(speller: Speller, text: str) -> None:
    expected = text.replace("teh", "the")
    assert speller.correct(text) == expected


@pytest.mark.parametrize("text", ["a bikè scheme", "the meetinġ", "naïve meetng", "MAMDANİ"])
def test_a_word_with_letters_beyond_plain_latin_is_no_typo_of_the_article(text: str) -> None:
    """A review: the typo repair read "café" as "caf" + "é" and corrected "caf"; "gİuliani" became
    "gİgiuliani". A word is taken whole, and one with other letters is left as typed."""
    speller = Speller(CORPUS, frozenset())
    assert speller.correct(text) == text.replace("meetng", "meeting")


def test_english_dictionary_is_large_and_lacks_the_typos(english: frozenset[str]) -> None:
    assert len(english) > 100_000
    assert {"bake", "lunch", "meeting"} <= english
    assert not {"teh", "meetng"} & english


def test_protected_words_keep_exactly_the_english_words_near_the_corpus(english: frozenset[str]) -> None:
    """Serving keeps only the English words a correction could touch; it corrects as the full dictionary."""
    from bot.core.spelling import protected_words

    protected = protected_words(CORPUS, english)
    assert protected < english and len(protected) < len(english) // 10
    slim, full = Speller(CORPUS, protected), Speller(CORPUS, english)
    for text in ["teh meetng", "bake lunch", "hw many ppl", "the meating about rnet", "sourdough bread"]:
        assert slim.correct(text) == full.correct(text)


def test_the_protected_words_read_back_as_saved_and_an_older_list_without_its_count_still_reads(
    tmp_path: Path,
) -> None:
    from bot.core.spelling import PROTECTED_FILE

    Speller(CORPUS, frozenset({"meat", "cent"})).save(tmp_path)
    assert Speller.load(tmp_path, CORPUS).known_words >= {"meat", "cent"}
    (tmp_path / PROTECTED_FILE).write_text("meat\ncent\n", encoding="utf-8")  # as built before the count
    assert Speller.load(tmp_path, CORPUS).known_words >= {"meat", "cent"}
