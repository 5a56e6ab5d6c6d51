"""A line that only denies, not to the full, what a what/which question asks about is not its answer
(bot.core.denial)."""

from __future__ import annotations

import pytest

from bot.core.denial import denies_what_is_asked


def stems(text: str) -> frozenset[str]:
    """Content words cut to five letters: a stand-in for the index's stemmer, enough for these lines."""
    return frozenset(w[:5] for w in text.casefold().replace("?", "").split() if len(w) > 3)


AGREE = "They didn’t agree on everything."


@pytest.mark.parametrize(
    "question",
    [
        "what did they agree on",
        "What did both of them agree about?",
        "so what did trump and mamdani agree on?",
        "which issues did they agree on",
        "what exactly did they agree on?",
        "tell me what they agreed on",
        "hi, what did they agree upon",
        # Whether anything was done asks what was (a trial's "did they agree on anything" bolded it).
        "did they agree on anything",
        "so did the two men agree on any issues?",
        "do they agree on something?",
        # Whether it was done to one thing the line does not name (a trial's "did they agree on rent?").
        "did they agree on rent?",
        "did trump and mamdani agree about the compact",
        "do they agree on housing",
        "were they in agreement on energy?",
        # ... asked with "not" or "or not", which ask the same (a review).
        "didn't they agree on rent?",
        "didn they agree on rent?",  # as the typo repair leaves "didnt"
        "did trump and mamdani not agree on rent",
        "did they agree on rent or not?",
        "did they agree on rent, yes or no?",
        "did they agree on rent at all?",
    ],
)
def test_what_they_agreed_on_is_not_answered_by_not_on_everything(question: str) -> None:
    assert denies_what_is_asked(question, AGREE, stems)


@pytest.mark.parametrize(
    "line",
    [
        "They didn’t always agree.",  # the partial word before the verb
        "They did not agree on all of it.",
        "They didn`t agree on everything.",  # other apostrophes
        "They didnt agree on everything.",
        "They weren’t in agreement on everything.",  # "be" or "have" with "not" (a second review)
        "They haven’t agreed on everything.",
    ],
)
def test_other_partial_denials(line: str) -> None:
    assert denies_what_is_asked("what did they agree on?", line, stems)


@pytest.mark.parametrize(
    "question",
    [
        "did they agree on everything?",  # yes/no: the denial is the answer
        "were they in agreement across the board?",
        "who agreed on everything?",  # "who" asks who, which the denial answers (no one)
        "where did they agree",
        # A yes/no question after a clause of "when", "what about…", or a second part.
        "when they met, did they agree on everything?",
        "what about housing, did they agree on everything?",
        "what did they talk about and did they agree on everything?",
        "which did they agree on, everything or only some things?",  # a choice
        "what did they agree on - everything?",  # it asks about the whole itself
        # The question denies too, however typed.
        "what didn't they agree on?",
        "what didnt they agree on",
        "what didn they agree on?",  # as the typo repair leaves "didnt"
        "what didn´t they agree on",
        "what did they fail to agree on",
        "what were they unable to agree on",
        # It asks how far, which the denial answers (a second review): the verb asked is another.
        "what was the extent of their agreement?",
        "what did the article say about how far they agreed?",
        "what did they agree on across the board?",
        "what did they agree on without exception?",
        "did they agree, and what did they agree on?",  # a yes/no question first
        "what did they disagree on",  # the line does not deny disagreeing
        "what did they talk about",  # no word of the question is denied
        # Whether it was done at all, which the denial answers; or of a thing the line names.
        "did they agree?",
        "did trump and mamdani agree",
        "did they agree in the end?",
        "so did they agree with each other",
        "didn't they agree?",
        "did they agree at all?",
        "did they not agree on everything?",
    ],
)
def test_what_is_not_asked_openly_or_not_denied(question: str) -> None:
    assert not denies_what_is_asked(question, AGREE, stems)


@pytest.mark.parametrize(
    ("question", "line"),
    [
        # The line says what was so in the denial's place.
        ("what did they agree on?", "They didn’t agree on ideology—they agreed on outcomes."),
        ("what did they agree on?", "They didn’t agree on everything, but they agreed on rent."),
        (
            "what did the air crackle with",
            "the air didn’t crackle with tension—it hummed with something stranger: mutual pragmatism.",
        ),
        ("what did they agree on?", "They didn’t agree on everything, only on rent."),
        ("what did they agree on?", "They didn’t agree on everything (they agreed on rent)."),
        ("what did they agree on?", "They never agreed on everything: rent was the exception."),
        # A denial outright answers a question on a wrong premise.
        ("what made mamdani flinch?", "Mamdani, who identifies as a democratic socialist, didn’t flinch."),
        # "doesn't just" denies nothing.
        ("what does trump ignore?", "Trump doesn’t just ignore the poor—he profits from their desperation."),
    ],
)
def test_a_line_that_says_what_was_so_or_denies_outright_stays(question: str, line: str) -> None:
    assert not denies_what_is_asked(question, line, stems)


def test_a_word_of_the_family_counts_as_asked() -> None:
    assert denies_what_is_asked("what was the agreement about?", AGREE, stems)


def test_a_short_verb_counts_when_it_is_the_same() -> None:
    def words(text: str) -> frozenset[str]:
        return frozenset(text.casefold().replace("?", "").split())

    assert denies_what_is_asked("what did they win?", "They didn’t win everything.", words)


def test_a_yes_no_question_of_a_thing_the_line_names_keeps_it() -> None:
    line = "They didn’t agree on rent in everything"
    assert not denies_what_is_asked("did they agree on rent?", line, stems)
