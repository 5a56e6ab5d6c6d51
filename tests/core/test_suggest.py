"""Suggestions as you type: reading the file, choosing candidates, keeping those answered well, and
matching typed text (prefixes, typos, nothing, junk) within Discord's limits."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.core.answer import Answerer, Query
from bot.core.suggest import (
    MAX_CHARS,
    MAX_CHOICES,
    SUGGESTIONS_FILE,
    Suggester,
    Suggestion,
    SuggestionsError,
    Written,
    answered_well,
    candidates,
    keep_answered,
    read_written,
    typed_words,
)
from tests.test_data_hygiene import ROOT, _texts, near_twins

QUESTIONS = (
    ("When did Trump and Mamdani meet in the Oval Office?", "written", "on November 21, 2025"),
    ("What did Mamdani propose to bring energy bills down?", "written", "a municipal energy co-op"),
    ("What did Trump suggest about the energy monopolies?", "written", "federal intervention"),
    ("What is Mamdani's campaign slogan?", "written", "Housing is a human right."),
    ("Which housing model did Mamdani point to as inspiration?", "written", "Vienna's social housing"),
    ("Why is Con Edison part of this discussion?", "faq", "Energy bills are the hidden tax"),
    ("Could this model work for other cities?", "faq", "Possibly."),
)


@pytest.fixture
def suggester() -> Suggester:
    return Suggester(Suggestion(q, origin, line) for q, origin, line in QUESTIONS)


def test_an_unfinished_word_matches_the_start_of_words(suggester: Suggester) -> None:
    assert suggester.suggest("slo")[0] == "What is Mamdani's campaign slogan?"
    assert suggester.suggest("vien")[0] == "Which housing model did Mamdani point to as inspiration?"
    # A finished word is not a prefix: "slo " matches nothing that well.
    assert "What is Mamdani's campaign slogan?" not in suggester.suggest("slo ")


def test_typos_are_forgiven_and_rare_words_count_most(suggester: Suggester) -> None:
    found = suggester.suggest("mamdni enrgy")
    assert set(found[:2]) == {
        "What did Mamdani propose to bring energy bills down?",
        "What did Trump suggest about the energy monopolies?",
    }
    assert found[0] == "What did Mamdani propose to bring energy bills down?"  # Mamdani as well
    # The FAQ question about Con Edison says no "energy": its answering sentence does, and it comes later.
    assert "Why is Con Edison part of this discussion?" in suggester.suggest("enrgy")[2:]
    assert suggester.suggest("wen did they meat")[0] == "When did Trump and Mamdani meet in the Oval Office?"


def test_nothing_typed_gives_the_default_list_faq_included() -> None:
    many = [Suggestion(f"Written question number {i}?", "written", "") for i in range(40)]
    faq = [Suggestion(f"Frequently asked {i}?", "faq", "") for i in range(3)]
    s = Suggester(many + faq)
    for nothing in ("", "   ", "🎉🎉", "?!"):
        found = s.suggest(nothing)
        assert len(found) == MAX_CHOICES
        assert found[:3] == (
            "Written question number 0?",
            "Written question number 1?",
            "Written question number 2?",
        )
        assert found[-3:] == ("Frequently asked 0?", "Frequently asked 1?", "Frequently asked 2?")


def test_at_most_25_and_the_limit_is_kept() -> None:
    s = Suggester(Suggestion(f"What about rent number {i}?", "written", "") for i in range(60))
    assert len(s.suggest("rent")) == MAX_CHOICES
    assert len(s.suggest("rent", limit=5)) == 5
    assert len(s.suggest("rent", limit=500)) == MAX_CHOICES


def test_junk_never_raises(suggester: Suggester) -> None:
    rng = random.Random(7)
    junk = [
        "\x00\x01\x1b[31m\x7f",
        "\ud800\udfff lone surrogates \udcff",
        "🎉🔥👍" * 2000,
        "x" * 1_000_000,
        "ÄÖÜ ß ﬁ ｅｎｅｒｇｙ",  # compatibility forms fold: fullwidth "energy" is energy
        "\u202eygrene",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "".join(chr(rng.randrange(1, 0x110000)) for _ in range(500)),
    ]
    for text in junk:
        found = suggester.suggest(text)
        assert len(found) <= MAX_CHOICES and all(len(q) <= MAX_CHARS for q in found)
    assert suggester.suggest("ｅｎｅｒｇｙ")[0] in {q for q, _, _ in QUESTIONS[1:3]}
    assert Suggester([]).suggest("energy") == ()


def test_typed_words_reads_at_most_twelve_and_knows_an_unfinished_word() -> None:
    assert typed_words("Mamdani ener") == (["mamdani", "ener"], True)
    assert typed_words("Mamdani energy ") == (["mamdani", "energy"], False)
    assert typed_words("energy?") == (["energy"], False)
    words, _ = typed_words(" ".join(f"w{i}" for i in range(30)))
    assert len(words) == 12


def test_the_file_is_read_with_comments_and_several_golds(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("# a comment\n\nWho met? | Trump sat | in the Oval Office\nBare question?\n", "utf-8")
    assert read_written(path) == (
        Written("Who met?", ("Trump sat", "in the Oval Office")),
        Written("Bare question?", ()),
    )
    assert read_written(tmp_path / "missing.txt") == ()
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(SuggestionsError, match="Cannot read the suggestions file"):
        read_written(path)


def test_candidates_leave_out_long_duplicate_and_unfounded_questions(answerer: Answerer) -> None:
    written = [
        Written("When did they meet?", ("November 21, 2025",)),
        Written("when did they  MEET?", ()),  # the same once folded
        Written("Q" * (MAX_CHARS + 1), ()),
        Written("What did Mamdani say about the moon?", ("the moon landing",)),  # in no passage
    ]
    cands = candidates(answerer.index, written)
    assert [c.question for c in cands if c.origin == "written"] == ["When did they meet?"]
    faq = [c for c in cands if c.origin == "faq"]
    assert len(faq) == 6 and all(c.expect for c in faq)
    assert cands[0].expect  # the chunks holding the date


def test_a_question_answered_elsewhere_or_not_at_all_is_left_out(answerer: Answerer) -> None:
    (cand,) = [c for c in candidates(answerer.index, []) if "Con Edison" in c.question]
    (right,) = answerer.answer([Query.of(cand.question)])
    (elsewhere,) = answerer.answer([Query.of("What is Mamdani's campaign slogan?")])
    (declined,) = answerer.answer([Query.of("what did mamdani eat for lunch")])
    assert answered_well(cand, right)
    assert not answered_well(cand, elsewhere) and not answered_well(cand, declined)
    kept = keep_answered([cand, cand, cand], [right, elsewhere, declined])
    assert [s.question for s in kept] == [cand.question] and kept[0].answer_line == right.highlight


def test_every_suggestion_in_the_file_is_answered_with_its_passage_first(answerer: Answerer) -> None:
    written = read_written(ROOT / "train" / SUGGESTIONS_FILE)
    cands = candidates(answerer.index, written)
    assert len([c for c in cands if c.origin == "written"]) == len(written) >= 30  # none left out
    answers = answerer.answer([Query.of(c.question) for c in cands])
    missed = [c.question for c, a in zip(cands, answers, strict=True) if not answered_well(c, a)]
    assert not missed, missed
    assert len(Suggester(keep_answered(cands, answers)).default) == MAX_CHOICES


def test_no_suggestion_has_a_near_twin_in_eval() -> None:
    written = read_written(ROOT / "train" / SUGGESTIONS_FILE)
    evaluation = _texts(ROOT / "eval", ("question", "message", "first", "followup"))
    twins = near_twins([(SUGGESTIONS_FILE, w.question) for w in written], evaluation)
    assert not twins, "\n".join(twins)
