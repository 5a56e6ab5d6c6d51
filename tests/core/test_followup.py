"""Follow-ups read with the conversation before them: committed index, ONNX encoder, real pairs."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from bot.core.answer import Answerer
from bot.core.batcher import BatchingAnswerer
from bot.core.evaluation import FollowupReport, evaluate_followups, is_followup_file, read_followups
from bot.core.followup import ask_again, restated, swap_name
from bot.core.replies import NOT_COVERED
from bot.core.text import contains
from tests.core.ranking import RANKED_WORSE

# The bars the requirement sets; do not lower them to make a run pass.
MIN_CONTEXT_GAIN = 0.25

ENERGY = "what did they say about energy costs?"
MAMDANI = "and what did Mamdani propose?"
CO_OP = "Mamdani proposed a municipal energy co-op funded by state green bonds"


@pytest.fixture(scope="module")
def report(answerer: Answerer, repo_root: Path) -> FollowupReport:
    """Figures on the committed follow-up pairs."""
    return evaluate_followups(answerer, read_followups(repo_root / "tests" / "data" / "followups.jsonl"))


def _misses(report: FollowupReport) -> str:
    return "misses:\n" + "\n".join(f"{m.id} {m.problem}: {m.followup}" for m in report.misses)


# ---------------------------------------------------------------- figures


def test_the_pair_file_has_both_kinds(report: FollowupReport) -> None:
    assert report.n == 36
    assert report.dependent == 28 and report.standalone == 8


def test_context_beats_the_followup_alone_by_a_clear_margin(report: FollowupReport) -> None:
    assert report.hit1_with - report.hit1_without >= MIN_CONTEXT_GAIN, (
        f"with {report.hit1_with:.3f}, without {report.hit1_without:.3f}; " + _misses(report)
    )


# Standalone pairs that the previous question may tip: f36 ("What goals did Trump say he shares with
# Mamdani?" after the Affordability Compact), whose first two passages are 0.04 apart read alone, is
# answered from the FAQ in context; since BM25 reads the training questions too (thirty-seventh session)
# it is right alone, as it was not before, and its reading in context is unchanged.
STANDALONE_TIPPED = 1


def test_standalone_followups_are_not_hurt_by_the_previous_question(report: FollowupReport) -> None:
    tipped = round((report.standalone_hit1_without - report.standalone_hit1_with) * report.standalone)
    assert tipped <= STANDALONE_TIPPED, _misses(report)


def test_context_does_not_make_answerable_followups_abstain_more(report: FollowupReport) -> None:
    assert report.answered_with >= report.answered_without


# ---------------------------------------------------------------- the API


def test_the_canonical_followup_ranks_the_co_op_sentence_first(answerer: Answerer) -> None:
    answer = answerer.ask(MAMDANI, history=[ENERGY])
    assert contains(answer.excerpts[0].text, CO_OP)
    assert answer.answered and answer.highlight and contains(answer.highlight, CO_OP)
    assert answer.question == MAMDANI  # the user's follow-up, not a rewrite


def test_chatter_between_questions_is_not_context(answerer: Answerer) -> None:
    """A history given with thanks and greetings (as a batch line may) used to count them as the last three
    messages, pushing the energy question out: the follow-up was then declined."""
    chatty = answerer.ask(MAMDANI, history=[ENERGY, "thanks", "lol", "hi"])
    assert chatty == answerer.ask(MAMDANI, history=[ENERGY])
    assert contains(chatty.excerpts[0].text, CO_OP)


def test_without_context_the_canonical_followup_is_read_differently(answerer: Answerer) -> None:
    """The pair is a real test of context: alone, the follow-up is answered from another place."""
    alone, with_context = answerer.ask(MAMDANI), answerer.ask(MAMDANI, history=[ENERGY])
    assert [e.chunk_id for e in alone.excerpts] != [e.chunk_id for e in with_context.excerpts]


@pytest.mark.parametrize("history", [(), [], ["", "  \x00 "]])
def test_an_empty_history_is_the_plain_ask(answerer: Answerer, history: Sequence[str]) -> None:
    for question in (MAMDANI, "When was the meeting?", "what did mamdani eat for lunch", "for how long?"):
        assert answerer.ask(question, 3, history) == answerer.ask(question, 3)


def test_ask_many_without_histories_equals_all_empty_histories(answerer: Answerer) -> None:
    questions = [MAMDANI, "Who arranged the meeting?", "vienna??"]
    assert answerer.ask_many(questions, 3, [[], [], []]) == answerer.ask_many(questions, 3)


def test_a_self_contained_followup_keeps_its_own_answer_exactly(answerer: Answerer) -> None:
    question = "How many residential customers does Con Edison serve?"
    assert answerer.ask(question, history=["What did Bannon say about Mamdani?"]) == answerer.ask(question)


@pytest.mark.parametrize("question", ["who is mamdani", "whos steve bannon?", "Who was Giuliani?"])
def test_asking_who_or_what_someone_named_is_keeps_its_own_answer(answerer: Answerer, question: str) -> None:
    # A trial: "who is mamdani" after two questions on the letter bolded the letter, since his name is in
    # every passage and so pinned nothing of its own.
    history = ["what was in the letter mamdani sent", "what happened after"]
    assert answerer.ask(question, history=history) == answerer.ask(question)


def test_he_after_someone_the_article_names_but_never_quotes_is_still_them(answerer: Answerer) -> None:
    # A helper's trial: "what did he say?" after "what did giuliani think?" got Trump's words.
    a = answerer.ask("what did he say?", history=["what did giuliani think?"])
    assert a.kind == "not_covered"


@pytest.mark.parametrize(
    "question",
    ["who is he", "what was the reason", "and who is bannon", "what was april", "what is brooklyn"],
)
def test_asking_who_or_what_without_a_name_still_leans_on_the_conversation(
    answerer: Answerer, question: str
) -> None:
    reader = answerer.retriever.followups
    assert reader.self_contained(answerer.retriever.prepare(question)) < 1.0


@pytest.mark.parametrize(
    ("history", "question", "line"),
    [
        (["did his approval go up"], "by how much", "7 points"),
        (["whos mamdani", "how old is he", "what district"], "when does he take office", "January 1, 2026"),
    ],
)
def test_a_followup_goes_on_about_the_paragraph_that_answered_before_it(
    answerer: Answerer, history: list[str], question: str, line: str
) -> None:
    # A helper's trial: "by how much" went to Con Edison's "18%", the likeliest "how much" of the article,
    # and "when does he take office" to the next meeting's date (Retriever._near_before).
    a = answerer.ask(question, history=history)
    assert a.kind == "answer" and line in a.highlight, a.highlight


def test_a_switch_of_topic_is_not_pulled_back_to_the_paragraph_before(answerer: Answerer) -> None:
    # A helper's trial of the first version: "what about other cities" after a question on Trump's
    # approval bolded the approval line again ("other" points back, but "cities" is a topic of its own).
    a = answerer.ask("what about other cities", history=["did trumps approval go up"])
    assert "poll numbers" not in (a.highlight or ""), a.highlight
    reader = answerer.retriever.followups
    assert reader.switches("what about other cities") and reader.switches("ok and housing?")
    assert not reader.switches("and when?") and not reader.switches("what about him?")
    assert not reader.switches("and the other guy's?")  # no word of the article: whom, not what
    assert not reader.switches("and what did mamdani propose?")  # a question of its own goes on


@RANKED_WORSE  # the energy FAQ's closing line
def test_a_topic_switch_to_housing_does_not_find_the_house_of_congress(answerer: Answerer) -> None:
    # A helper's trial: "and housing?" after "what about energy" bolded "With control of the House and
    # Senate …", since Snowball stems "House" and "housing" alike.
    a = answerer.ask("and housing?", history=["what about energy"])
    assert a.kind == "answer" and "housing" in (a.highlight or "").casefold(), a.highlight


def test_raising_the_paragraph_before_keeps_the_other_passages_shown(answerer: Answerer) -> None:
    # The first version raised it past the best score, and every other passage fell out of the support
    # gap: "ok what did trump say about that meeting" after Bannon's words showed only his passage.
    history = ["what did bannon say"]
    a = answerer.ask("ok what did trump say about that meeting", history=history)
    assert len(a.shown) == 3, [e.citation for e in a.shown]


def test_an_elliptic_followup_finds_its_passage_in_context(answerer: Answerer) -> None:
    """The conversation finds the passage. Whether the bot then vouches for it is the abstainer's call:
    "for how long?" is close to the fragments the training files decline ("how long?"), so this one is
    shown as the closest passage; across the follow-up pairs, context answers no fewer (test above)."""
    alone = answerer.ask("for how long?")
    in_context = answerer.ask("for how long?", history=["Which mayors had Trump been railing against?"])
    gold = "had spent the past two years railing against"
    assert not alone.answered and not (alone.excerpts and contains(alone.excerpts[0].text, gold))
    assert contains(in_context.excerpts[0].text, gold)


def test_a_message_that_names_nothing_of_the_article_leans_on_the_conversation(answerer: Answerer) -> None:
    """The abstainer may find "for how long?" answerable alone (people ask that way about the meeting),
    but only a message that names something of the article can be vouched for as self-contained."""
    reader = answerer.retriever.followups
    assert reader.self_contained("for how long?", confidence=0.99) < 0.5
    assert reader.self_contained("Is Mamdani a socialist?", confidence=0.99) == pytest.approx(0.99)


def test_a_question_word_after_a_preposition_goes_on_from_the_question_before(answerer: Answerer) -> None:
    # A trial: "on what platform" was read alone ("platform" is no word of the article) and bolded Trump's
    # words at the meeting; it asks where he answered Mamdani's rally.
    before = ["what did mamdani say at the rally", "how did trump respond"]
    a = answerer.ask("on what platform", history=before)
    assert a.highlight is not None and "Truth Social" in a.highlight
    reader = answerer.retriever.followups
    assert reader.points_back("on what platform", before)
    assert not reader.points_back("on what platform", [])  # a first message points at nothing
    assert reader.self_contained("in which city?", confidence=0.99) < 0.5
    assert not reader.switches("in which city?")  # it asks of what was said, and switches to nothing
    # A whole question opened with a preposition asks of its own (a review of the first version, which
    # read "in which borough does mamdani serve" after a question on rent as going on from it).
    a = answerer.ask("in which borough does mamdani serve", history=["how much is rent"])
    assert a.highlight is not None and "Queens" in a.highlight


def test_a_continuation_that_names_something_answerable_is_vouched_for_halfway(answerer: Answerer) -> None:
    """ "what about energy?" was held to its one rare word (self-contained 0.14): the question before it
    outweighed it, and the letter was shown again. Its confidence alone now vouches for it, halved as a
    continuation, so the earlier question still gives the frame."""
    reader = answerer.retriever.followups
    assert reader.self_contained("what about energy?", confidence=0.9) == pytest.approx(0.45)
    assert reader.self_contained("and what about that?", confidence=0.9) < 0.3  # it points back


def test_and_before_a_whole_question_is_no_ellipsis(answerer: Answerer) -> None:
    """A trial: "and what did trump say about rent?" after "when did they meet?" and "where?" was halved
    as a continuation, so the two questions before it outweighed it and the opening was shown. "and"
    before a whole question of its own (a question word and two words of its own) only joins it on."""
    reader = answerer.retriever.followups
    whole = "what did trump say about rent?"
    for joined in ("and ", "and so ", "but also "):  # stacked openers too (a review)
        assert reader.self_contained(joined + whole, 0.9) == pytest.approx(reader.self_contained(whole, 0.9))
    assert reader.self_contained("and so what about rent?", 0.9) == pytest.approx(0.45)
    assert reader.self_contained("and trump?", 0.9) < reader.self_contained("trump?", 0.9)  # ellipsis still
    for again in (
        "what about public housing?",
        "and what about public housing?",
        "how about the rent freeze?",
    ):
        assert reader.self_contained(again, 0.9) == pytest.approx(0.45)  # the question before, asked again
    assert reader.self_contained("and what did he say?", 0.9) < 0.5  # it points back
    answer = answerer.ask("and " + whole, history=["when did they meet?", "where?"])
    assert answer.highlight.startswith('"He wants to see no crime.')


def test_an_interjection_before_a_continuation_keeps_it_one(answerer: Answerer) -> None:
    """ "ok and trump?" lost the question before it (the opening paragraph was shown): "ok" hid the "and"."""
    first = "why does mamdani want lower rents"
    answer = answerer.ask("ok and trump?", history=[first])
    assert (
        answer.highlight
        == "Trump wants lower rents because he believes they hurt property values and economic growth."
    )
    assert answerer.retriever.followups.self_contained("ok and trump?") == pytest.approx(
        answerer.retriever.followups.self_contained("and trump?")
    )


def test_a_continuation_about_something_the_article_never_names_is_a_new_question(answerer: Answerer) -> None:
    """With "ok" read as an interjection, "ok and what about bitcoin?" leaned on the public-housing
    question before it (0.006 → 0.280) and was shown its "closest passages"; "bitcoin" is no word of
    the article nor of the questions asked about it, so what it asks is new (a review's trial)."""
    answer = answerer.ask(
        "ok and what about bitcoin?", history=["what does mamdani want for public housing?"]
    )
    assert (answer.kind, answer.excerpts) == ("not_covered", ())
    assert answerer.retriever.followups.self_contained("and what about bitcoin?") == 1.0


@pytest.mark.parametrize("text", ["what is the capital of france?", "where is timbuktu?"])
def test_a_whole_question_about_something_else_is_no_follow_up(answerer: Answerer, text: str) -> None:
    """ "what is the capital of france?" after "when was the meeting?" leaned on it and was answered with
    the meeting's opening: "capital" is a word people ask about the meeting with ("the nation's
    capital"), so it counted as naming something of the article. What a whole new question names must
    be the article's own words; only a continuation ("and …", "what about …") may lean on the questions'."""
    answer = answerer.ask(text, history=["when was the meeting?"])
    assert (answer.kind, answer.excerpts) == ("not_covered", ())
    assert answerer.retriever.followups.self_contained(text) == 1.0


@pytest.mark.parametrize("text", ["no thanks", "no no no", "no thank you"])
def test_a_reply_that_asks_nothing_is_no_follow_up(answerer: Answerer, text: str) -> None:
    """These were answered with the passage of the question before them again (a review's trial): they
    have no word of their own, but unlike "for how long?" they ask nothing."""
    answer = answerer.ask(text, history=["how much have con edison rates risen?"])
    assert answer.kind != "answer" and answer.excerpts == ()


def test_yes_or_no_opens_a_question_rather_than_going_on(answerer: Answerer) -> None:
    """ "yes" was taken for an interjection and "or" for a continuation: the question was halved."""
    reader = answerer.retriever.followups
    assert reader.self_contained("yes or no, did trump endorse mamdani?", confidence=0.9) == pytest.approx(
        0.9
    )


@pytest.mark.parametrize("typed", ["also what did bannon say?", "and also what did bannon say?"])
def test_a_whole_question_opened_with_also_is_answered(answerer: Answerer, typed: str) -> None:
    """Both were declined, after a question on energy or alone, where "and what did bannon say?" was
    answered (a helper's trial)."""
    for history in ([], ["why is con edison part of this?"]):
        answer = answerer.ask(typed, history=history)
        assert answer.kind == "answer" and "Bannon" in (answer.highlight or ""), history


@pytest.mark.parametrize("opener", ["also", "plus", "and also"])
def test_a_question_opened_with_also_goes_on_from_the_one_before(answerer: Answerer, opener: str) -> None:
    """A second trial: "also" taken out altogether, "also what did trump suggest?" after a question on
    energy costs was read alone, and answered with what Trump said about crime and rents."""
    history = ["what did they say about energy costs?"]
    joined = answerer.ask("and what did trump suggest?", history=history)
    answer = answerer.ask(f"{opener} what did trump suggest?", history=history)
    assert "monopolies" in (joined.highlight or "")
    assert answer.highlight == joined.highlight


def test_a_topic_switch_gets_the_new_topic(answerer: Answerer) -> None:
    answer = answerer.ask("what about the rent?", history=["what did bannon say"])
    assert contains(answer.excerpts[0].text, "The median one-bedroom rent? $3,500 a month.")


THEY_HISTORIES = [
    ["how much is rent"],
    ["what did bannon say"],
    ["what did bannon say", "when did they meet"],  # that "they" stood for the two men too
    # Something plural before it, but the question is answerable alone: vouched for (a second trial).
    ["what are rents like in nyc?"],
    ["how much are energy bills?"],
    ["what are the three issues?"],
]
# The energy item of the list ranks first in these contexts, the energy FAQ alone: both tell of energy.
THEY_TIPPED = {("what did they say about energy", 4), ("what did they say about energy", 5)}


@pytest.mark.parametrize(
    ("history", "question"),
    [
        pytest.param(history, question, marks=[RANKED_WORSE] if (question, n) in THEY_TIPPED else [])
        for question in ["when did they meet", "what did they say about energy"]
        for n, history in enumerate(THEY_HISTORIES)
    ],
)
def test_a_whole_question_that_says_they_keeps_its_own_answer(
    answerer: Answerer, history: list[str], question: str
) -> None:
    """A trial found a whole question that says "they" pulled to the question before it (17 of 100
    pairs): after "how much is rent", "when did they meet" bolded the rent passage's first line."""
    if question in history:
        return
    alone = answerer.ask(question)
    answer = answerer.ask(question, history=history)
    assert answer.excerpts[0].chunk_id == alone.excerpts[0].chunk_id
    assert answer.highlight == alone.highlight


def test_a_question_answerable_alone_is_not_declined_for_what_came_before(answerer: Answerer) -> None:
    """A trial: "what did steve bannon say?" after "how much is rent in nyc?" was declined (the rent
    question's vector pulled its confidence under the bar); alone it is answered with Bannon's words."""
    alone = answerer.ask("what did steve bannon say?")
    answer = answerer.ask("what did steve bannon say?", history=["how much is rent in nyc?"])
    assert alone.answered and answer.answered
    assert "Bannon" in answer.excerpts[0].text
    # A follow-up that is not answerable alone is still declined in context when the article lacks it.
    assert not answerer.ask("and his wife?", history=["how old is mamdani?"]).answered


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("what did she call trump?", "what does kathy hochul think?"),
        ("did she meet trump?", "what did nancy pelosi say?"),
        ("when will she meet trump again?", "what did the governor say?"),
    ],
)
def test_a_question_that_points_back_at_a_stranger_is_not_answered_alone(
    answerer: Answerer, question: str, history: str
) -> None:
    """A review: answered alone, "what did she call trump?" after a question about someone the article
    never names got Trump's word for Mamdani; "she" is the stranger, and the question stays declined."""
    assert not answerer.ask(question, history=[history]).answered


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("what did he call trump?", ["what did eric adams say?"]),
        ("and what did he say about mamdani?", ["what did bernie sanders think of the meeting?"]),
        ("and what did he say about rent?", ["what did eric adams say?", "what did he call trump?"]),
    ],
)
def test_a_follow_up_about_a_stranger_by_pronoun_is_declined_in_context(
    answerer: Answerer, question: str, history: list[str]
) -> None:
    """A trial: "what did he call trump?" after "what did eric adams say?" got Mamdani's "fascist"; "he" is
    Adams, whose words the article lacks (bot.core.speakers.stranger_pointed_at)."""
    assert not answerer.ask(question, history=history).answered


def test_a_pronoun_for_one_of_the_articles_people_is_still_answered(answerer: Answerer) -> None:
    for question, history in [
        ("what did he call trump?", ["what did mamdani say?"]),
        ("what did he call mamdani?", ["what did steve bannon say?"]),
        ("what did he say about rent?", ["what did eric adams say?", "when did trump meet mamdani?"]),
    ]:
        assert answerer.ask(question, history=history).answered, question


def test_they_after_something_plural_still_points_back(answerer: Answerer) -> None:
    reader = answerer.retriever.followups
    # Energy costs, the republicans, two of the people quoted: "they" may stand for any of them.
    for before in (ENERGY, "what did the republicans think", "what did trump and mamdani discuss"):
        assert reader.weights("how much have they gone up?", [before])[1] > 0.3, before
    # "how much is rent" leaves nothing plural: "when did they meet", answerable alone, needs no context.
    sure = {"when did they meet": 0.9}.get
    assert reader.weights("when did they meet", ["how much is rent"], sure)[1] < 0.2
    assert reader.weights("when did they meet", ["what did the republicans think"], sure)[1] > 0.3
    # A "they" that stood for something plural passes it on.
    chain = ["What did the republicans think?", "did they like it?"]
    assert len(reader.weights("why did they say that?", chain)) == 3
    assert reader.plural(chain[1], before=True) and not reader.plural(chain[1], before=False)
    # A word that only ends like a plural, or that neither the article nor its questions use, is none;
    # nor is "us" (a review: "where did they meet?" after "what about texas?" got the next meeting).
    for singular in ("what about texas?", "the series", "the GDP of the US", "is this news"):
        assert not reader.plural(singular, before=False), singular
    assert reader.plural("what do the voters want?", before=False)


def test_topic_and_person_switches_are_read_in_context(answerer: Answerer, repo_root: Path) -> None:
    """The switch pairs (tests/data/followups_switch.jsonl) chose the reading above: 0.860 in context,
    0.740 alone; one pair of slack."""
    switch = evaluate_followups(
        answerer, read_followups(repo_root / "tests" / "data" / "followups_switch.jsonl")
    )
    assert switch.dependent == 50
    assert switch.hit1_with >= 0.86 - 1 / 50 - 1e-9 and switch.hit1_with > switch.hit1_without, _misses(
        switch
    )


def test_the_two_people_of_a_question_change_places(answerer: Answerer, repo_root: Path) -> None:
    """tests/data/followups_roles.jsonl (written from the article for it): "and trump?" after "what did
    mamdani call trump?". With the roles swapped 4 of 8 find their passage first, 2 without (w5 and w6
    rank lower: the article says little of what one wants from the other); one pair of slack."""
    roles = evaluate_followups(
        answerer, read_followups(repo_root / "tests" / "data" / "followups_roles.jsonl")
    )
    assert roles.dependent == 8
    assert roles.hit1_with >= 3 / 8, _misses(roles)


def test_a_chain_of_followups_reaches_back(answerer: Answerer) -> None:
    answer = answerer.ask("and Trump?", history=[ENERGY, MAMDANI])
    assert contains(answer.excerpts[0].text, "Trump suggested federal intervention to break monopolies")


def test_a_history_per_question_in_one_batch(answerer: Answerer) -> None:
    questions = [MAMDANI, MAMDANI, "Is Mamdani a socialist?"]
    answers = answerer.ask_many(questions, 3, [[ENERGY], [], [ENERGY]])
    assert answers[0] == answerer.ask(MAMDANI, 3, [ENERGY])
    assert answers[1] == answerer.ask(MAMDANI, 3)
    # A whole question with only common words is not pulled towards the energy passage.
    assert contains(answers[2].excerpts[0].text, "identifies as a democratic socialist")
    assert answers[2].answered


def test_histories_must_match_the_questions(answerer: Answerer) -> None:
    with pytest.raises(ValueError):
        answerer.ask_many([MAMDANI, MAMDANI], 3, [[ENERGY]])


def test_a_history_given_as_one_string_is_refused(answerer: Answerer) -> None:
    with pytest.raises(TypeError):
        answerer.ask(MAMDANI, history=ENERGY)


def test_context_weight_follows_how_much_the_followup_says(answerer: Answerer) -> None:
    reader = answerer.retriever.followups
    elliptic = reader.context_weight("and Mamdani?")
    pronoun = reader.context_weight("when was that?")
    full = reader.context_weight("When was Mamdani elected to the City Council?")
    assert elliptic > full and pronoun > full
    assert reader.weights("anything", []) == [1.0]
    # A self-contained earlier message cuts the chain: nothing before it is read.
    earlier = ["old", "How many residential customers does Con Edison serve?"]
    assert len(reader.weights("which ones?", earlier)) == 2


# ---------------------------------------------------------------- serving


class CountingEmbedder:
    """Wraps an encoder and records the texts of each encode call."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.dim = inner.dim  # type: ignore[attr-defined]
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode with the wrapped encoder, remembering the call."""
        self.calls.append(list(texts))
        return self.inner.encode(texts)  # type: ignore[attr-defined]


async def test_batching_answerer_passes_history_in_one_encoder_pass(answerer: Answerer) -> None:
    counting = CountingEmbedder(answerer.retriever.embedder)
    r = answerer.retriever
    counted = Answerer(  # type: ignore[arg-type]
        answerer.index, counting, r.model, r.speller, answerer.intents.model, r.highlighter
    )
    batcher = BatchingAnswerer(counted, max_wait=0.5)
    try:
        answers = await asyncio.gather(
            batcher.ask(MAMDANI, 2, history=[ENERGY]),
            batcher.ask(MAMDANI, 2),
            batcher.ask("When was the meeting?", 1, history=()),
        )
    finally:
        await batcher.close()
    assert batcher.batches[-1] == 3
    assert len(counting.calls) == 1 and ENERGY in counting.calls[0]
    assert contains(answers[0].excerpts[0].text, CO_OP) and len(answers[0].excerpts) == 2
    assert answers[1].excerpts == answerer.ask(MAMDANI, 2).excerpts
    assert len(answers[2].excerpts) == 1


# ---------------------------------------------------------------- command line


def _batch(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lines: list[str]) -> list:
    """Run `ask --batch - -k 1` in this process on `lines`; the parsed output lines."""
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["ask", "--batch", "-", "-k", "1"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_batch_line_with_history_gets_the_in_context_answer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"question": MAMDANI, "history": [ENERGY]}),
        json.dumps({"question": MAMDANI}),
        json.dumps({"question": MAMDANI, "history": []}),
    ]
    with_history, plain, empty = _batch(monkeypatch, capsys, lines)
    assert with_history["question"] == MAMDANI
    assert contains(with_history["excerpts"][0]["text"], CO_OP)
    assert not contains(plain["excerpts"][0]["text"], CO_OP)
    assert empty == plain


# (`null` reads as no history, like a missing key: tests/test_cli.py.)
@pytest.mark.parametrize("history", ["energy costs", [ENERGY, 3], {"first": ENERGY}, {}, "", 0, [[ENERGY]]])
def test_a_bad_history_is_an_error_for_that_line_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], history: object
) -> None:
    lines = [
        json.dumps({"question": MAMDANI, "history": history}),
        json.dumps({"question": MAMDANI, "history": [ENERGY]}),
    ]
    bad, good = _batch(monkeypatch, capsys, lines)
    assert bad["line"] == 1 and "history" in bad["error"]
    assert contains(good["excerpts"][0]["text"], CO_OP)


def test_eval_detects_followup_pairs_and_prints_both_figures(
    repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo_root / "tests" / "data" / "followups.jsonl"
    assert is_followup_file(path) and not is_followup_file(repo_root / "eval" / "dev.jsonl")
    assert main(["eval", str(path)]) == 0
    out = capsys.readouterr().out
    assert "with context" in out and "follow-up alone" in out and "standalone" in out
    assert main(["eval", "--json", str(path)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["hit1_with"] - figures["hit1_without"] >= MIN_CONTEXT_GAIN


def test_eval_of_pairs_without_standalone_ones_says_n_a(
    repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rate of no pairs printed 0.000, as if every one had been missed."""
    assert main(["eval", str(repo_root / "tests" / "data" / "followups_switch.jsonl")]) == 0
    (row,) = [line for line in capsys.readouterr().out.splitlines() if "standalone)" in line]
    assert row.split()[-2:] == ["n/a", "n/a"]


@pytest.mark.parametrize(
    ("followup", "before", "asked"),
    [
        ("and where?", "when was the meeting?", "where was the meeting?"),
        ("Why?", "did trump endorse mamdani", "why did trump endorse mamdani"),
        ("for how long?", "Which mayors had Trump been railing against?",
         "for how long mayors had Trump been railing against?"),
        ("where?", "So, when was the meeting?", "where was the meeting?"),
        ("why?", "didn't trump endorse mamdani", "why didn't trump endorse mamdani"),
        ("how old?", "how tall is mamdani?", "how old is mamdani?"),  # the whole "how tall" swapped
        ("and where does he live?", "who is bannon", None),  # says more than a question word
        ("when?", "tell me about the letter", None),  # nothing asked before to ask again
        ("hmm, where?", "when was the meeting?", "where was the meeting?"),  # the same openers as above
        # A word of stress after it asks nothing more (a new user's trial: "where exactly" was declined).
        ("where exactly", "when was the meeting?", "where was the meeting?"),
        ("when exactly?", "did trump endorse mamdani", "when did trump endorse mamdani"),
        ("why tho", "did trump endorse mamdani", "why did trump endorse mamdani"),
        ("and how so?", "did trump endorse mamdani", "how did trump endorse mamdani"),
        ("where exactly is queens", "when was the meeting?", None),  # a question of its own
        # The question word of the question before, stressed, asks it more exactly (a review: "how
        # exactly?" after "how much is rent" was asked as "how is rent").
        ("how exactly?", "how much is rent", "how much is rent"),
        ("when exactly", "so, when was the meeting?", "so, when was the meeting?"),
    ],
)  # fmt: skip
def test_a_bare_question_word_asks_the_question_before_again(followup: str, before: str, asked) -> None:
    assert ask_again(followup, before) == asked


@pytest.mark.parametrize(
    ("before", "followup", "answer"),
    [
        ("when was the meeting?", "and where?", "Oval Office"),
        ("did trump endorse mamdani", "why?", "endorsement"),
        ("what did mamdani send to the white house", "when?", "October"),
        ("wen did they meet", "where", "Oval Office"),  # a trial: declined, "wen" was no question word
        ("wen did they meet", "how long", "45 minutes"),
        ("wen did they meet", "where exactly?", "Oval Office"),  # a trial: declined, "exactly" asked more
        ("what about housing", "where exactly", "Brooklyn Navy Yard"),
    ],
)
def test_a_bare_question_word_is_answered_in_context(
    answerer: Answerer, before: str, followup: str, answer
) -> None:
    """ "and where?" after "when was the meeting?" used to be declined: alone it names nothing."""
    a = answerer.ask(followup, history=[before])
    assert a.kind == "answer" and answer in a.highlight


def test_bare_question_words_in_a_row_each_ask_the_question_again() -> None:
    history = ["when was the meeting?", "where?", "and why?", "tell me about the letter", "when?"]
    assert restated(history) == [
        "when was the meeting?", "where was the meeting?", "why was the meeting?", "tell me about the letter",
        "when?",
    ]  # fmt: skip


def test_a_second_bare_question_word_asks_the_first_question_again(answerer: Answerer) -> None:
    """A trial found "why?" after "when did they meet?" and "where?" declined with no context: it was
    read as "why?" of "where?", which names nothing."""
    a = answerer.ask("why?", history=["when did they meet?", "where?"])
    assert a.kind == "answer"
    after = answerer.ask("and what about trump?", history=["when did they meet?", "where?"])
    assert after.kind == "answer"
    # Restated from the whole conversation kept, though only the last three messages are read.
    late = answerer.ask("when?", history=["when did they meet?", "where?", "why?", "how?"])
    assert late.kind == "answer" and "November 21, 2025" in late.highlight


def test_a_bare_question_word_after_a_question_the_article_does_not_answer_is_not_asked_again(
    answerer: Answerer,
) -> None:
    """A trial found "why?" after "who won the 2022 world cup?" answered from the City Council line."""
    a = answerer.ask("why?", history=["who won the 2022 world cup?"])
    assert a.kind == "not_covered"


@pytest.mark.parametrize(
    "text", ["selamat pagi", "sawubona", "zxcvb", "and obama?", "ok, what about sourdough bread?"]
)
def test_a_message_naming_nothing_of_the_article_is_no_follow_up(answerer: Answerer, text: str) -> None:
    # "bonjour" after a question was read as a follow-up and answered with that question's passage; so,
    # as a continuation, was a question about something new ("and obama?").
    a = answerer.ask(text, history=[ENERGY])
    assert a.kind == "not_covered" and a.excerpts == ()
    greeting = answerer.ask("bonjour", history=[ENERGY])  # a greeting now, matched by its words
    assert greeting.kind == "chatter" and greeting.excerpts == ()


@pytest.mark.parametrize("text", ["and the other guy's?", "what did he say exactly?", "and his wife?"])
def test_a_message_that_goes_on_from_the_last_still_leans_on_it(answerer: Answerer, text: str) -> None:
    # Words the article does not have, but it points back ("he", "other", "his"): a follow-up.
    reader = answerer.retriever.followups
    assert reader.context_weight(text) > 0


PEOPLE = frozenset({"trump", "mamdani", "bannon"})


@pytest.mark.parametrize(
    ("followup", "previous", "expected"),
    [
        ("and trump?", "what did mamdani propose?", "what did trump propose?"),
        ("ok, and how old is Trump?", "how old is Mamdani", "how old is trump"),
        ("hmmm and trump?", "how old is Mamdani", "how old is trump"),  # any "hmm" (a trial's)
        ("and trump's?", "how old is mamdani", "how old is trump"),  # a possessive
        ("what about bannon", "what did trump say about the press?", "what did bannon say about the press?"),
        ("and bannon?", "what did trump say about mamdani's win?", None),  # two people before, not him
        # Two before, and the one it was asked of is named: they change places (a trial's).
        ("and trump?", "what did mamdani call trump?", "what did trump call mamdani?"),
        ("and Trump?", "What did Mamdani say about Trump?", "What did trump say about mamdani?"),
        ("and mamdani?", "what did mamdani call trump?", None),  # the one it was about: nothing to swap
        # "İ" matches "i" but folds to "i̇": the name found is known by where it matched (a review).
        ("and trump?", "what did MAMDANİ call trump?", "what did trump call mamdani?"),
        ("and trump?", "what did trump say?", None),  # the same person
        ("who is trump?", "how old is mamdani", None),  # no continuation: a question of its own
        ("and trump and bannon?", "what did mamdani say", None),  # two people after
        ("and mamdani?", "what did trumpism mean", None),  # part of a word is no name
        ("but why would trump agree?", "what did mamdani propose?", None),  # it asks something new
        ("and what did he tell trump?", "what did mamdani say at the meeting?", None),  # "he" is Mamdani
        ("and what about trump?", "what does con edison charge?", None),  # Con Edison is no person
        # A correction asks the question again about someone else (a trial: "no I meant trump" was read
        # alone, and the opening sentence bolded).
        ("no I meant trump", "what is mamdani's housing plan?", "what is trump's housing plan?"),
        ("sorry, i mean trump", "how old is Mamdani", "how old is trump"),
        ("i meant trump", "what did mamdani say about rent", "what did trump say about rent"),
        ("i mean trump is a republican", "how old is mamdani", None),  # a statement of its own
        # "vice versa": the two people change places (a new user's trial: "and vice versa?" after "what
        # did trump call mamdani" was declined).
        ("and vice versa?", "what did trump call mamdani", "what did mamdani call trump"),
        ("vice versa", "What did Mamdani say about Trump?", "What did trump say about mamdani?"),
        ("ok what about the other way round?", "what did trump call mamdani", "what did mamdani call trump"),
        ("and the other way around", "what did trump call mamdani", "what did mamdani call trump"),
        ("and vice versa?", "how old is mamdani", None),  # one person: no places to change
        ("vice versa, and when?", "what did trump call mamdani", None),  # it asks something more
        ("is it vice versa for bannon", "what did trump call mamdani", None),
        ("is it vice versa too?", "what did trump call mamdani", "what did mamdani call trump"),
        ("is there no other way around it?", "what did trump call mamdani", None),  # a review
        ("and vice versa how?", "what did trump call mamdani", None),  # it asks something more
    ],
)
def test_a_continuation_naming_someone_else_asks_the_last_question_about_them(
    followup: str, previous: str, expected: str | None
) -> None:
    assert swap_name(followup, previous, PEOPLE) == expected


def test_vice_versa_asks_the_question_before_with_its_people_changing_places(answerer: Answerer) -> None:
    # A new user's trial: "and vice versa?" after "what did trump call mamdani" was declined.
    a = answerer.ask("and vice versa?", history=["what did trump call mamdani"])
    assert a.kind == "answer" and "fascist" in (a.highlight or ""), a.highlight


@pytest.mark.parametrize("followup", ["what did he say exactly", "what exactly did he say?"])
def test_a_word_of_stress_does_not_cost_a_followup_its_answer(answerer: Answerer, followup: str) -> None:
    """A trial: "what did he say exactly" after "did trump endorse mamdani" was declined (0.25), where
    "what did he say" was answered with Trump's words (0.80)."""
    a = answerer.ask(followup, history=["did trump endorse mamdani"])
    assert a.kind == "answer" and "Trump said" in a.excerpts[0].text, a.highlight


@pytest.mark.parametrize(
    "followup", ["how did trump respond", "how did trump react?", "what did trump say back"]
)
def test_a_verb_of_answering_without_its_object_answers_what_was_someone_before(
    answerer: Answerer, followup: str
) -> None:
    """A trial: "how did trump respond" after a question on Mamdani's rally was read alone, and Trump's
    words at the meeting bolded; "how did trump respond to that" found his reply on Truth Social."""
    history = ["what did mamdani say at the brooklyn rally"]
    assert answerer.retriever.followups.points_back(followup, history)
    a = answerer.ask(followup, history=history)
    assert a.kind == "answer" and "Truth Social" in (a.highlight or ""), a.highlight


@pytest.mark.parametrize(
    "between", ["where was the rally?", "and when was that rally", "what borough was the rally in"]
)
def test_a_verb_of_answering_reaches_past_a_question_on_the_same_thing(
    answerer: Answerer, between: str
) -> None:
    """ "how did trump respond" two messages after Mamdani's rally, with a question on the rally between
    them that names nobody, was read alone and bolded Trump's words at the meeting."""
    history = ["what did mamdani say at the rally", between]
    assert answerer.retriever.followups.points_back("how did trump respond", history)
    a = answerer.ask("how did trump respond", history=history)
    assert a.kind == "answer" and "Truth Social" in (a.highlight or ""), a.highlight


@pytest.mark.parametrize("between", ["where was he", "when?", "thanks", "who said that"])
def test_a_verb_of_answering_reaches_past_a_message_of_no_words_of_its_own(
    answerer: Answerer, between: str
) -> None:
    """The trial of the thirty-second session: "how did trump respond" after "where was he", itself asked
    of Mamdani's rally, was read alone and bolded Trump's words at the meeting. A message with no content
    word changes no subject."""
    history = ["what did mamdani say at the rally", between]
    assert answerer.retriever.followups.points_back("how did trump respond", history)
    a = answerer.ask("how did trump respond", history=history)
    assert a.kind == "answer" and "Truth Social" in (a.highlight or ""), a.highlight


@pytest.mark.parametrize(
    "between",
    [
        "how much is rent?",  # another subject
        "what is his slogan?",  # by a pointer only: how Trump took the slogan, the article never says
    ],
)
def test_a_verb_of_answering_does_not_reach_past_another_subject(answerer: Answerer, between: str) -> None:
    history = ["what did mamdani say at the rally", between]
    assert not answerer.retriever.followups.points_back("how did trump respond", history)


def test_a_verb_of_answering_with_its_object_points_at_nothing_before() -> None:
    from bot.core.followup import RESPONDING, _pointers

    assert _pointers("how did trump respond".split(), False, RESPONDING) == {"respond"}
    assert not _pointers("how did trump respond to the letter".split(), False, RESPONDING)
    assert not _pointers("how did trump react to the rally".split(), False, RESPONDING)
    assert not _pointers("did mamdani fire back".split()[:-1], False, RESPONDING)
    # ... only after a question of what someone said or did: "how much is rent?" is nothing to answer.
    assert not _pointers("how did trump respond".split(), False)


@pytest.mark.parametrize("history", [["where?"], ["ok"], ["thanks!"]])
def test_saying_back_after_a_message_of_nothing_asks_of_its_own(
    answerer: Answerer, history: list[str]
) -> None:
    """A review: "what did trump fire back" after "where?" leaned on it and was declined; alone, it finds
    his reply on Truth Social."""
    assert not answerer.retriever.followups.points_back("what did trump fire back", history)
    a = answerer.ask("what did trump fire back", history=history)
    assert a.kind == "answer" and "Truth Social" in (a.highlight or ""), a.highlight


@pytest.mark.parametrize(
    "history",
    [
        ["how much is a one-bedroom in nyc?"],  # a review: it leaned on the rent and bolded the median rent
        ["when did the feud peak"],  # names no one either: what Trump said back is read alone
    ],
)
def test_saying_back_after_a_message_about_no_one_asks_of_its_own(
    answerer: Answerer, history: list[str]
) -> None:
    assert not answerer.retriever.followups.points_back("what did trump fire back", history)
    a = answerer.ask("what did trump fire back", history=history)
    assert a.kind == "answer" and "Truth Social" in (a.highlight or ""), a.highlight


@pytest.mark.parametrize(
    ("history", "followup", "expected"),
    [
        (["what does mamdani want to do about energy"], "what did trump suggest", "federal intervention"),
        (["what did trump say about energy costs"], "what did mamdani suggest", "energy co-op"),
        (["what did trump say about rent relief"], "what did mamdani propose", "Vienna"),
    ],
)
def test_a_verb_of_proposing_without_its_object_goes_on_about_what_someone_else_was_asked(
    answerer: Answerer, history: list[str], followup: str, expected: str
) -> None:
    """A trial: "what did trump suggest" after a question on Mamdani's plans for energy was read alone and
    bolded Trump's words at the meeting; what he suggested on energy is in the list of issues."""
    assert answerer.retriever.followups.points_back(followup, history)
    a = answerer.ask(followup, history=history)
    assert a.kind == "answer" and expected in (a.highlight or ""), a.highlight


def test_a_verb_of_proposing_with_its_object_points_at_nothing() -> None:
    from bot.core.followup import PROPOSING, RESPONDING, _pointers

    assert _pointers("what did trump suggest".split(), False, RESPONDING | PROPOSING) == {"suggest"}
    assert not _pointers("what did trump suggest on energy".split(), False, RESPONDING | PROPOSING)
    assert not _pointers("what did trump suggest".split(), False, RESPONDING)
    # "say back" answers someone when nothing follows it; "come back" is no answer.
    assert _pointers("what did trump say back".split(), False, frozenset({"back"})) == {"back"}
    assert not _pointers("did trump hit back at bannon".split(), False, frozenset({"back"}))
    assert not _pointers("will trump come back".split(), False, frozenset({"back"}))


@pytest.mark.parametrize(
    "history",
    [
        ["who is mamdani?"],  # names no subject besides him
        ["what did bannon say?"],  # ... a probe bolded Bannon's words
        ["who is zohran mamdani?"],  # a given name is no subject either (a review)
        ["what did steve bannon say"],  # ... it bolded Bannon's words
        ["how much is rent?"],  # names no one
        ["what did trump say about the press"],  # a subject no passage proposes anything on (a review)
    ],
)
def test_a_verb_of_proposing_after_a_message_on_no_subject_of_someone_else_asks_of_its_own(
    answerer: Answerer, history: list[str]
) -> None:
    reader = answerer.retriever.followups
    assert not reader.points_back("what did trump suggest", history)
    assert reader.points_back("how did trump respond", ["what did bannon say?"])  # answering still does


@pytest.mark.parametrize(
    "history",
    [
        ["how much is rent?"],  # a trial of the first version: it leaned on it and bolded the median rent
        ["who is mamdani?"],  # ... of the second, read after anyone: Bannon's words
        ["what did bannon tell politico?"],
    ],
)
def test_a_verb_of_answering_of_someone_the_article_does_not_quote_asks_of_its_own(
    answerer: Answerer, history: list[str]
) -> None:
    a = answerer.ask("how did republicans respond?", history=history)
    assert a.kind == "answer" and "Republicans are divided" in (a.highlight or ""), a.highlight


def test_an_earlier_continuation_is_read_as_the_question_it_swapped_into(answerer: Answerer) -> None:
    """A trial: "when was that" after "what did trump call mamdani before" and "and mamdani?" leaned on the
    bare "and mamdani?" and on Trump's question, and bolded the opening sentence; "and mamdani?" is read as
    "what did mamdani call trump before", as it is when it is asked."""
    assert (
        restated(["what did trump call mamdani before", "and mamdani?"], frozenset({"trump", "mamdani"}))[-1]
        == "what did mamdani call trump before"
    )
    a = answerer.ask("when was that", history=["what did trump call mamdani before", "and mamdani?"])
    assert a.kind == "answer" and "Oval Office on November 21" not in (a.highlight or ""), a.highlight


def test_a_bare_question_word_after_a_followup_answered_in_context_asks_it_again(answerer: Answerer) -> None:
    """A trial: "where?" after "who did trump meet with" and "when was that?" was declined; "when was
    that?" is answered only in its context, and "where?" asks it again as "where was that?"."""
    a = answerer.ask("where?", history=["who did trump meet with", "when was that?"])
    assert a.kind == "answer" and "Oval Office" in (a.highlight or ""), a.highlight
    # After a follow-up declined in its context, it is still read as it was.
    assert not answerer.ask("where?", history=["who won the world cup?", "when was that?"]).answered
    assert not answerer.ask("where?", history=["what did eric adams say?", "when did he say it?"]).answered


@RANKED_WORSE
def test_a_correction_that_names_no_place_of_the_article_is_read_alone(answerer: Answerer) -> None:
    # A trial: "no i meant in queens" after "how much is rent?" leaned on it and was answered with a line on
    # Mamdani's district; the article gives no rent for Queens.
    assert not answerer.ask("no i meant in queens", history=["how much is rent?"]).answered


def test_a_correction_that_names_no_one_is_read_alone(answerer: Answerer) -> None:
    a = answerer.ask("sorry i meant rent", history=["how many customers does con edison have?"])
    assert a.kind == "answer" and "$3,500" in (a.highlight or ""), a.highlight


def test_a_correction_is_read_with_the_question_it_corrects(answerer: Answerer) -> None:
    a = answerer.ask("no I meant trump", history=["how old is mamdani"])
    assert a.kind == "not_covered" and "33" not in (a.highlight or "")  # how old is Trump: not said
    b = answerer.ask("i meant trump", history=["what did mamdani say about rent"])
    assert b.kind == "answer" and "Trump" in (b.highlight or ""), b.highlight


def test_the_people_who_may_be_swapped_are_those_the_article_quotes(answerer: Answerer) -> None:
    """A review found "con edison" read as "con trump" and "the new yorkers" as "the new trump" when every
    word the article capitalises counted as a name."""
    assert answerer.retriever.people == {"trump", "mamdani", "bannon"}


def test_asking_the_same_of_the_other_person_finds_what_the_article_says_of_them(answerer: Answerer) -> None:
    """ "and bannon?" after "what did trump say about the meeting?" asks what Bannon said about it."""
    a = answerer.ask("and bannon?", history=["what did trump say about the meeting?"])
    assert a.kind == "answer" and "Bannon" in a.highlight


def test_asking_the_same_of_the_other_person_is_declined_when_the_article_does_not_say(
    answerer: Answerer,
) -> None:
    """ "and how old is trump?" after "how old is mamdani" was answered with Mamdani's age; read alone,
    "how old is trump?" is declined, and now so is the follow-up."""
    a = answerer.ask("and how old is trump?", history=["how old is mamdani"])
    assert a.kind == "not_covered" and "33" not in (a.highlight or "")


def test_a_bare_name_after_a_question_is_that_question_about_them(answerer: Answerer) -> None:
    """ "and trump?" after "how old is mamdani" leaned on "how old is trump?" blended with itself and was
    answered with Trump's approval line; it is now read as that question, which the article does not
    answer."""
    a = answerer.ask("and trump?", history=["how old is mamdani"])
    assert a.kind == "not_covered" and a.excerpts == ()
    # After a question, no hint of what to ask, as a word or two alone gets ("bonjour").
    assert a.reply == NOT_COVERED


@pytest.mark.parametrize(("followup", "first", "found"), [("age?", "who is mamdani?", "33")])
def test_a_fragment_without_a_question_word_still_leans_on_the_question_before(
    answerer: Answerer, followup: str, first: str, found: str
) -> None:
    """A review found "age?" after "who is mamdani?" declined by a first version of the rule for whole new
    questions, which took any message that neither goes on nor points back for one."""
    a = answerer.ask(followup, history=[first])
    assert a.kind == "answer" and found in a.highlight


class _Counting:
    """The serving encoder, counting the texts it is given."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim  # type: ignore[attr-defined]
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return self.inner.encode(texts)  # type: ignore[attr-defined]


def test_a_conversations_earlier_messages_are_not_encoded_again(answerer: Answerer) -> None:
    # A helper's trial: every turn of a DM re-encoded the messages before it (0.3 to 1.2 s a turn after
    # a few 2,000-character messages). The messages asked now are still encoded every time.
    r = answerer.retriever
    counting = _Counting(r.embedder)
    fresh = Answerer(answerer.index, counting, r.model, r.speller, answerer.intents.model, r.highlighter)  # type: ignore[union-attr]
    first = "when did trump and mamdani meet in the oval office?"
    fresh.ask(first)
    counting.texts.clear()
    second = fresh.ask("and where?", history=[first])
    assert first not in counting.texts and "and where?" in counting.texts
    assert second.answered and second.excerpts == answerer.ask("and where?", history=[first]).excerpts
    fresh.ask(first)
    assert first in counting.texts  # asked again: encoded again


def test_a_follow_up_with_no_word_of_the_article_is_searched_by_its_context(answerer: Answerer) -> None:
    """ "anything else?" has words only the training questions use ("else"): BM25 over the passages with
    their questions finds them, but what it asks is the question before's (a review: the searched index
    decided which messages had words, and such a follow-up weighed in alone)."""
    from bot.core.context import Said, blend

    r = answerer.retriever
    before = "what did they say about energy costs?"
    assert not r.lexical.scores("anything else?").any() and r.searched.scores("anything else?").any()
    raw, earlier = r.embedder.encode(["anything else?", before])
    context = [Said(before, 0.5, earlier)]
    _, found, _, article = blend(r.lexical, "anything else?", raw, context, r.model.asked_words, r.searched)
    np.testing.assert_allclose(found, r.searched.scores(before), rtol=1e-5)
    np.testing.assert_allclose(article, r.lexical.scores(before), rtol=1e-5)
