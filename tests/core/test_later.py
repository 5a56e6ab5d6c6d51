"""Questions about how things turned out after the article (bot.core.later)."""

from __future__ import annotations

import pytest

from bot.core.later import asks_how_it_turned_out, turned_out_unknown
from bot.core.lexical import LexicalIndex


@pytest.mark.parametrize(
    "question",
    [
        "did they end up meeting again?",
        "did the compact ever get approved",
        "did mamdani actually become mayor?",
        "has the co-op finally been set up?",
        "was the compact ever signed?",
        "did congress pass the compact",
        "have they met again since?",
        "did they meet again before the midterms?",
        "did the grants get funded in the end?",
        "so did congress fund the compact",
        "was the co-op bill signed",
        "whatever happened to the compact",
        "any update on the second meeting?",
        "how did the compact turn out",
        "did mamdani succeed as mayor?",
        # Past questions set at an event the article expects.
        "what happened at the next meeting",
        "when was the second meeting?",
        "what did trump say at the second meeting?",
        "what did they talk about the 2nd time they met",
        "so how'd the compact turn out",
        "did mamdani take office in january?",
        "did the compact make it thru congress",
        # A review: a line break typed in the question, a word of saying elsewhere than its verb.
        "did they\nend up meeting again?",
        "did they end up meeting again like trump said they would?",
        "so did congress fund the compact",
        # A trial: "another" and "a second" ask it again; "did … become" asks how it turned out.
        "did they hold another meeting?",
        "was there a second meeting?",
        "did mamdani become mayor?",
        # A trial: a vote on the compact, and when a measure was passed, were answered with its drafting.
        "did the senate vote on the compact",
        "when did the senate vote on the affordability compact",
        "when was the compact approved?",
        # A second review: other forms of a measure passed or voted on.
        "has the senate voted on the compact yet",
        "when did congress approve the compact",
        "when did congress pass the compact",
    ],
)
def test_a_question_about_the_outcome_is_read(question: str) -> None:
    assert asks_how_it_turned_out(question)


@pytest.mark.parametrize(
    "question",
    [
        "will they meet again?",  # the future: what the article expects is its answer
        "when does he actually become mayor?",  # the present
        "has the compact already been finalized?",  # asked of the article's time
        "did trump ever call mamdani a communist?",  # what someone said, which the article reports
        "did trump actually say he'd be happy if mamdani succeeded?",
        "was trump happy to meet him again?",  # how he felt, not whether it happened again
        "has con edison raised rates since 2022?",
        "what happened at the meeting?",
        "did mamdani ever want to cap speculative buying?",  # what he wanted, which the article reports
        "did trump offer to help build housing?",
        "did they meet in the oval office?",  # no word of outcome
        "when is the next meeting?",  # the plan, asked as a plan
        "what did trump say about the next meeting?",
        "how sure did the president sound about a second get-together?",
        # What someone thought, began or was expected to do (a review found each declined).
        "did trump think they'd meet again?",
        "did they decide to meet again?",
        "did mamdani's team actually start drafting the compact?",
        "did mamdani actually pitch an energy co-op?",
        "when was the next meeting supposed to happen?",
        "has the compact already been approved?",  # asked of the time of the article
        "did trump mention a second meeting?",
        "was the second meeting expected before the midterms?",
        "when did mamdani become mayor?",  # when it is set to happen answers it
        "when was the meeting scheduled?",
    ],
)
def test_other_questions_are_not_about_the_outcome(question: str) -> None:
    assert not asks_how_it_turned_out(question)


def stems(text: str) -> frozenset[str]:
    """Content words cut to four letters: a stand-in for the index's stemmer, enough for these lines."""
    return frozenset(w[:4] for w in text.casefold().replace("?", "").split() if len(w) > 3)


@pytest.mark.parametrize(
    "line",
    [
        "Trump confirmed they’ll meet again.",
        "The next meeting is expected before the midterms.",
        '"I think we will. I think we—I hope we do," he said.',  # the clause ends: what will be is asked
    ],
)
def test_a_line_that_plans_what_is_asked_lacks_the_outcome(line: str) -> None:
    assert turned_out_unknown("did they end up meeting again?", line, stems)


def test_a_plan_to_do_it_again_is_no_answer_to_whether_it_was_done() -> None:
    """ "Did they ever meet?" asks about the meeting the article tells of, not the next one (a trial)."""
    line = "Trump confirmed they’ll meet again."
    assert not turned_out_unknown("did trump and mamdani ever meet", line, stems)
    assert turned_out_unknown("did they actually have a second meeting", line, stems)


def test_a_follow_up_asks_about_what_the_message_before_asked_about() -> None:
    line = "Trump confirmed they’ll meet again."
    assert turned_out_unknown("did that ever happen?", line, stems, ["will they meet again"])
    assert not turned_out_unknown("did that ever happen?", line, stems)  # alone, nothing of the line asked


def test_a_follow_up_with_no_words_of_its_own_asks_what_the_one_before_asked() -> None:
    """ "Did he actually?" after "what did mamdani propose?" asks whether he proposed it, which the
    article reports; after "will they meet again?", "did it ever happen?" asks how the plan turned out."""
    line = "Mamdani proposed a municipal energy co-op funded by state green bonds."
    assert not turned_out_unknown("did he actually?", line, stems, ["what did mamdani propose?"])
    meet = "Trump confirmed they’ll meet again."
    assert turned_out_unknown("did it ever happen?", meet, stems, ["will they meet again?"])


def test_who_is_named_says_nothing_of_what_is_planned() -> None:
    line = "I would feel comfortable living in Mamdani’s city."
    assert turned_out_unknown("did mamdani actually end up in charge", line, stems)  # "mamd" alone
    assert not turned_out_unknown(
        "did mamdani actually end up in charge", line, stems, people=frozenset({"mamd"})
    )


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("did they end up meeting again?", "They met again in the Oval Office on November 28."),
        ("will they meet again?", "Trump confirmed they’ll meet again."),  # asked of the plan
        # A word of what is to come about something else, or in the past.
        ("did trump ever fire back at mamdani", 'Trump fired back: "Mamdani wants to destroy New York."'),
        (
            "did he ever get elected to the council",
            "Elected to the council in 2021, he blocked a development that would have displaced families.",
        ),
    ],
)
def test_a_line_that_does_not_plan_what_is_asked_keeps_it_answered(question: str, line: str) -> None:
    assert not turned_out_unknown(question, line, stems)


def test_a_long_run_of_question_words_is_read_as_a_short_one() -> None:
    """A question is cut at 2,000 characters; 500 "did"s are read as "did" is. (The reading is now tried
    once, from the start: unanchored it took 15 ms on such a run. Time is measured by the bench, not
    here.)"""
    assert not asks_how_it_turned_out("did " * 500)
    assert asks_how_it_turned_out("did " * 100 + "what happened at the next meeting")


@pytest.mark.parametrize(
    ("question", "line"),
    [
        # Only "will" / "would" may end its clause, what is to come left unsaid (a review).
        ("did they ever meet again?", "Both men left with a plan."),
        ("did rents ever come down?", "Rents rose, as expected."),
        ("did they ever plant trees?", "They planted trees."),  # "planted" is no plan
    ],
)
def test_no_plan_of_what_is_asked(question: str, line: str) -> None:
    assert not turned_out_unknown(question, line, stems)


def test_more_is_no_again() -> None:
    """ "They'll build more housing" plans building, and "did they ever build housing?" asks it."""
    assert turned_out_unknown("did they ever build housing?", "They’ll build more housing.", stems)


def test_a_past_form_that_changes_its_vowel_asks_about_the_plan() -> None:
    """A trial: "have trump and mamdani met again since then" was answered with "Trump confirmed they'll
    meet again.": "met" and "meet" have stems of their own (the index's stemmer, not the stand-in). A
    consonant changed is another word (a review: "like" read as the plan "living", "seek" as "see")."""

    lines = ["They’ll meet in January.", "They’ll sit in January.", "They’ll live in January.", "We’ll see."]
    real = LexicalIndex(lines).content_stems
    assert turned_out_unknown("have they met since then?", lines[0], real)
    assert turned_out_unknown("have they sat down since then?", lines[1], real)
    assert not turned_out_unknown("did they ever like it?", lines[2], real)
    assert not turned_out_unknown("did trump ever seek out mamdani?", "He’ll see no crime.", real)


def test_a_vowel_added_at_the_end_makes_another_word() -> None:
    """A review: "did the house ever act on it?" was read as the plan of "housing" ("house" and "hous"),
    which the index keeps apart on purpose."""
    from bot.core.later import _one_vowel_apart

    assert _one_vowel_apart("met", "meet") and _one_vowel_apart("began", "begin")
    assert not _one_vowel_apart("hous", "house") and not _one_vowel_apart("citi", "cite")


@pytest.mark.parametrize(
    "question",
    [
        "did trump and mamdani see each other again",
        "so did they link up again",
        "did trump host mamdani again",
    ],
)
def test_whatever_was_done_again_asks_how_a_plan_to_do_it_again_turned_out(question: str) -> None:
    """A trial: "did trump and mamdani see each other again" was answered with "Trump confirmed they'll
    meet again.": "see" is no word of the plan, but "again" asks whether anything happened once more,
    which a plan made at the time cannot say. (The index's stems, which read "again" as a function word.)"""
    line = "Trump confirmed they’ll meet again."
    assert turned_out_unknown(question, line, LexicalIndex([line]).content_stems)


@pytest.mark.parametrize(
    "question",
    [
        "did trump and mamdani see each other",  # no "again": the meeting the article tells of
        "did trump say they would see each other again",  # what the article reports
        "will they see each other again?",  # the plan is the answer
        # "Again" of a clause of its own, what was said or planned of it (a review found these declined).
        "did trump commit to seeing him again",
        "did trump sound like he'd see him again",
        "did trump make plans to see him again",
        "did trump answer whether they'd see each other again",
        "has trump talked about seeing him again",
    ],
)
def test_a_plan_to_meet_again_answers_what_asks_no_outcome_again(question: str) -> None:
    line = "Trump confirmed they’ll meet again."
    assert not turned_out_unknown(question, line, LexicalIndex([line]).content_stems)


def test_a_follow_up_with_no_words_of_its_own_asks_again_what_the_message_before_asked_again() -> None:
    """A review: "did that ever happen" after "will trump see mamdani again?" was answered with "Trump
    confirmed they'll meet again.", whose verb is not "see"."""
    line = "Trump confirmed they’ll meet again."
    real = LexicalIndex([line]).content_stems
    assert turned_out_unknown("did that ever happen", line, real, ["will trump see mamdani again?"])
    assert not turned_out_unknown("did that ever happen", line, real, ["will trump see mamdani?"])
    # ... but not one with words of its own, nor one after what someone said.
    assert not turned_out_unknown("did trump ever fire back", line, real, ["will they see each other again?"])
    assert not turned_out_unknown(
        "did he actually?", line, real, ["did trump say they'd see each other again?"]
    )
