"""Requests for more of the previous answer ("more please", "keep going"): read, paged and numbered.
Committed index and the ONNX encoder, as the CLI loads them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.answer import MAX_K, Answer, Answerer, Excerpt, Query, history_read, kept_in_conversation
from bot.core.more import asks_for_more, page, pages_asked, without_requests
from bot.core.replies import (
    CHATTER,
    MORE,
    MORE_ANSWERING,
    MORE_CLOSEST,
    NO_MORE,
    NO_MORE_NOT_COVERED,
    OVERVIEW_END,
    OVERVIEW_MORE,
)

QUESTION = "When did Trump and Mamdani meet?"


@pytest.mark.parametrize(
    "text",
    ["more please", "tell me more", "keep going", "go on", "Go on…", "continue", "MORE!!!", "what else?",
     "anything else?", "show me more", "more details pls", "elaborate", "is there more?", "go ahead",
     "ｍｏｒｅ", "keep 'em coming", "i'd like more", "carry on", "can you tell me more?",
     "is there any more", "next", "next page please", "ok next", "more pleaseeee", "moreee", "keeep going",
     "gooo on", "moar", "gimme more", "say more", "contnue", "pls elaborte", "furhter",
     "/more", "!more", "/next"],  # typed as commands (a review: "/more" was searched)
)  # fmt: skip
def test_requests_for_more_are_read(text: str) -> None:
    assert asks_for_more(text)


@pytest.mark.parametrize(
    "text",
    ["tell me more about the housing sites", "more about rent", "what's going on?", "what's next?",
     "no more", "thanks", "more 2", "more/", "", "?!", "keep it short: when was the meeting?",
     "will it go ahead?", "is it going to continue?", "does it continue?", "can you do more?", "keep",
     "is that going to continue?", "could that go on?", "can that go ahead?", "is this going further?",
     "is more coming?", "is anything else going on?", "is there more coming?", "what comes next",
     "next meeting?", "what's next for them", "mote", "more housing", "continuing rent freeze?",
     "expanded housing", "tell me more about the lease", "tell me more about retail", "lease more",
     "more pleased", "what continued?", "more massages"],
)  # fmt: skip
def test_questions_and_chatter_are_not_requests_for_more(text: str) -> None:
    assert not asks_for_more(text)


def test_pages_count_the_requests_that_end_the_history() -> None:
    assert pages_asked([QUESTION, "more", "keep going"]) == 2
    assert pages_asked(["more", QUESTION]) == 0
    assert page(2, 0, 3) == slice(2, 5)
    assert page(3, 2, 3) == slice(9, 12)
    assert without_requests(["a?", "b?", "more", "c?", "go on"], 2) == ["b?", "c?"]


def test_more_shows_the_next_passages_of_the_question_before_it(answerer: Answerer) -> None:
    first = answerer.ask(QUESTION)
    more = answerer.ask("more please", history=[QUESTION])
    again = answerer.ask("keep going", history=[QUESTION, "more please"])
    assert first.kind == more.kind == again.kind == "answer"
    shown = len(first.shown)
    assert [e.rank for e in more.shown] == list(range(shown + 1, shown + 4))
    assert [e.rank for e in again.shown] == list(range(shown + 4, shown + 7))
    ids = [e.chunk_id for a in (first, more, again) for e in a.shown]
    assert len(ids) == len(set(ids))  # no passage twice
    assert more.continues == first.question and more.question == "more please"
    assert more.highlight is None and all(e.highlight is None for e in more.excerpts)
    assert more.reply == MORE_ANSWERING


def test_more_with_nothing_asked_before_says_how_it_works(answerer: Answerer) -> None:
    a = answerer.ask("more please")
    assert (a.kind, a.reply, a.excerpts) == ("chatter", CHATTER[MORE], ())


def test_more_after_the_last_passage_says_so(answerer: Answerer) -> None:
    a = answerer.ask("more", history=[QUESTION, "more", "more", "more"], k=3)
    assert a.kind == "answer" and not a.excerpts and a.reply == NO_MORE
    # With one passage a page, the tenth and last is the ninth request's.
    ranks = [answerer.ask("more", history=[QUESTION, *["more"] * n], k=1).excerpts for n in range(8, 10)]
    assert [e.rank for e in ranks[0]] == [MAX_K] and ranks[1] == ()
    # The question itself fell out of the history kept: nothing left to show either.
    assert answerer.ask("more", history=["more", "more", "more"]).reply == NO_MORE


@pytest.mark.parametrize("before", ["hi", "help", "¿Qué dijo Trump?", "thanks"])
def test_more_after_something_other_than_a_question_says_how_it_works(
    answerer: Answerer, before: str
) -> None:
    # A trial found these answered "Those were all the passages that match."
    assert answerer.ask("more", history=[before]).reply == CHATTER[MORE]


@pytest.mark.parametrize(
    ("summary", "asking"), [("tl;dr", "more please"), ("summarize the article", "go on")]
)
def test_more_after_a_summary_goes_on_through_the_article_in_order(
    answerer: Answerer, summary: str, asking: str
) -> None:
    # A trial found "more please" after "tl;dr" told to ask a question first.
    opening = answerer.ask(summary)
    pages = [answerer.ask(asking, history=[summary, *[asking] * n]) for n in range(30)]
    shown = [opening.excerpts[0], *(e for a in pages for e in a.excerpts)]
    assert all(a.kind == "overview" and a.continues == summary for a in pages)
    assert [e.rank for e in shown] == list(range(1, len(shown) + 1))
    # Every paragraph of the article once, in the article's order, verbatim and cited.
    paragraphs = list(dict.fromkeys((c.doc, c.section, c.paragraph) for c in answerer.index.chunks))
    assert [(e.section, e.paragraph) for e in shown] == [(s, p) for _, s, p in paragraphs]
    chunks = {c.id: c for c in answerer.index.chunks}
    assert all(e.text.startswith(chunks[e.chunk_id].text) for e in shown)
    # An FAQ answer is cited with its question, as in any answer ("[13] Possibly. …" says little alone).
    assert all(
        e.citation.endswith(f"({chunks[e.chunk_id].question})") for e in shown if chunks[e.chunk_id].question
    )
    assert any(chunks[e.chunk_id].question for e in shown)
    assert pages[0].reply == OVERVIEW_MORE and pages[-1].reply == OVERVIEW_END and not pages[-1].excerpts


def test_more_after_a_follow_up_asks_it_again_in_its_own_context(answerer: Answerer) -> None:
    energy, follow = "what did they say about energy costs?", "and what did Mamdani propose?"
    in_context = answerer.ask(follow, history=[energy], k=MAX_K)
    pages = [answerer.ask("more", history=[energy, follow, *["more"] * n], k=1) for n in range(9)]
    first = answerer.ask(follow, history=[energy], k=1)
    shown = [e.chunk_id for a in (first, *pages) for e in a.shown]
    assert shown == [e.chunk_id for e in in_context.excerpts][: len(shown)]  # in order, none skipped


def test_a_run_of_requests_for_more_leaves_the_context_of_the_next_follow_up(answerer: Answerer) -> None:
    energy, follow = "what did they say about energy costs?", "and what did Mamdani propose?"
    expected = answerer.ask(follow, history=[energy]).highlight
    assert answerer.ask(follow, history=[energy, *["more"] * MAX_K]).highlight == expected


def test_more_after_an_unrelated_question_shows_no_passages(answerer: Answerer) -> None:
    # It says there is nothing to go on from; a trial found it repeating "The article doesn't cover this."
    # as if to a new question.
    a = answerer.ask("go on", history=["how do I bake sourdough bread?"])
    assert (a.kind, a.excerpts, a.reply) == ("not_covered", (), NO_MORE_NOT_COVERED)
    # So after a sum (a trial found "Those were all the passages that match.", as if some had been shown).
    a = answerer.ask("more please", history=["what is 2+2"])
    assert (a.kind, a.excerpts, a.reply) == ("not_covered", (), NO_MORE_NOT_COVERED)
    assert a.continues == "what is 2+2"


def test_more_after_a_declined_question_shows_its_further_closest_passages(answerer: Answerer) -> None:
    declined = "What did Trump eat at the meeting?"
    first, more = answerer.ask(declined), answerer.ask("go on", history=[declined])
    assert first.kind == more.kind == "not_covered" and first.excerpts  # near: its closest passages shown
    assert more.excerpts[0].rank == len(first.shown) + 1 and more.reply == MORE_CLOSEST


def test_a_request_for_more_is_no_context_for_the_question_after_it(answerer: Answerer) -> None:
    follow = "and where?"
    assert (
        answerer.ask(follow, history=[QUESTION, "more please"]).shown[0].chunk_id
        == answerer.ask(follow, history=[QUESTION]).shown[0].chunk_id
    )


def test_the_supporting_excerpts_are_the_same_whatever_else_is_asked_with_them(
    answerer: Answerer, repo_root: Path
) -> None:
    # A request for more asks its question again for every passage, in a batch with other questions;
    # each must count the same supporting excerpts as alone ("What is Mamdani's plan for the NYPD
    # budget?" counted 2 of 3 alone and 3 among 10 when support was a count, not a prefix).
    lines = (repo_root / "train" / "paraphrases.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines]
    alone = answerer.retriever.retrieve_many(questions, 3)
    beside = answerer.retriever.retrieve_many(questions, MAX_K)
    # A list the bold line introduces is shown whole at any depth (Retrieval.listed).
    assert [a.supported for a in alone] == [min(max(3, 1 + b.listed), b.supported) for b in beside]


def test_what_is_stored_with_an_answer_is_what_it_was_read_with() -> None:
    earlier = [f"q{n}?" for n in range(10)]
    assert history_read("and where?", [*earlier, "more", "thanks"]) == [*earlier[-5:], "thanks"]
    assert history_read("go on", [*earlier, "more", "more"]) == [*earlier[3:], "more", "more"]
    assert history_read("more", ["more", "more"]) == [] and history_read("more", []) == []


@pytest.mark.parametrize("k", [1, 2, 3])
def test_the_first_k_excerpts_are_the_same_at_any_depth(answerer: Answerer, repo_root: Path, k: int) -> None:
    # A request for more pages through the answer asked again with every passage, so the first k of those
    # must be what the answer showed (the bold line's passage goes first only from within the first k).
    lines = (repo_root / "train" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines]
    shallow = answerer.answer([Query.of(q, k=k) for q in questions])
    deep = answerer.answer([Query.of(q, k=MAX_K) for q in questions])
    # ... or the first k and the whole list a bold line introduces (Answer.listed).
    assert [[e.chunk_id for e in a.excerpts] for a in shallow] == [
        [e.chunk_id for e in b.excerpts[: max(k, 1 + b.listed)]] for b in deep
    ]
    assert any(b.listed for b in deep)  # the training questions include lists asked about


def test_a_request_that_found_nothing_more_is_no_longer_kept() -> None:
    # Kept, "Those were all the passages that match." pushed the question out of the 17 messages kept,
    # and the follow-up after them lost its context.
    done = Answer("more", True, None, (), False, 1.0, (), kind="answer", continues="q?")
    going = replace(done, excerpts=(Excerpt(4, "t", "c", "s", 1, 0.5, "id", "doc", None),))
    assert not kept_in_conversation(done) and kept_in_conversation(going)
    assert kept_in_conversation(replace(done, continues=None))  # a question is kept with or without passages
