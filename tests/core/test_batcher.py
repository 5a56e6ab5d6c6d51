"""Answering in micro-batches: one bad question among concurrent ones fails alone (committed index)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from bot.core.answer import Answer, Answerer, Query, UnreadableQuestion, answer_each
from bot.core.batcher import BatcherClosed, BatchingAnswerer

QUESTION = "When was the meeting?"


class Poisoned:
    """The real answerer, except that any call holding the word "poison" fails: an unforeseen fault."""

    def __init__(self, inner: Answerer) -> None:
        self.inner = inner
        self.index = inner.index
        self.calls: list[int] = []

    def answer(self, queries: Sequence[Query]) -> list[Answer]:
        """Fail on "poison", else answer with the real answerer."""
        self.calls.append(len(queries))
        if any("poison" in q.text for q in queries):
            raise RuntimeError("the encoder choked")
        return self.inner.answer(queries)


async def _ask_together(batcher: BatchingAnswerer, questions: list[str]) -> list[Answer | BaseException]:
    try:
        return await asyncio.gather(*(batcher.ask(q) for q in questions), return_exceptions=True)
    finally:
        await batcher.close()


async def test_a_lone_surrogate_among_ten_concurrent_questions_fails_only_itself(answerer: Answerer) -> None:
    questions = [f"{QUESTION} ({i})" for i in range(10)]
    questions[4] = "When was the meeting\udcff?"
    results = await _ask_together(BatchingAnswerer(answerer, max_wait=0.5), questions)
    assert isinstance(results[4], UnreadableQuestion)
    answered = [r for i, r in enumerate(results) if i != 4]
    assert all(isinstance(r, Answer) for r in answered), answered
    assert [a.question for a in answered] == [q for i, q in enumerate(questions) if i != 4]


async def test_an_unforeseen_failure_in_a_batch_fails_only_the_question_that_caused_it(
    answerer: Answerer,
) -> None:
    poisoned = Poisoned(answerer)
    batcher = BatchingAnswerer(poisoned, max_wait=0.5)  # type: ignore[arg-type]
    questions = [f"{QUESTION} ({i})" for i in range(10)]
    questions[7] = "poison: when was the meeting?"
    results = await _ask_together(batcher, questions)
    assert batcher.batches[-1] == 10  # they really were asked together
    assert isinstance(results[7], RuntimeError)
    answered = [r for i, r in enumerate(results) if i != 7]
    assert all(isinstance(r, Answer) for r in answered), answered
    assert [a.question for a in answered] == [q for i, q in enumerate(questions) if i != 7]


def test_answer_each_gives_an_answer_or_the_error_of_each_question(answerer: Answerer) -> None:
    poisoned = Poisoned(answerer)
    questions = [QUESTION, "poison?", "What is Mamdani's slogan?"]
    results = answer_each(poisoned, [Query.of(q) for q in questions])  # type: ignore[arg-type]
    assert isinstance(results[1], RuntimeError)
    assert isinstance(results[0], Answer) and isinstance(results[2], Answer)
    assert [results[0].question, results[2].question] == [questions[0], questions[2]]
    assert results[2].excerpts == answerer.ask(questions[2]).excerpts
    assert poisoned.calls[0] == 3  # one pass for all first; one by one only after it failed


class Recorded:
    """The real answerer, recording the questions of each call in order."""

    def __init__(self, inner: Answerer) -> None:
        self.inner = inner
        self.index = inner.index
        self.calls: list[list[str]] = []

    def answer(self, queries: Sequence[Query]) -> list[Answer]:
        """Record the call, then answer with the real answerer."""
        self.calls.append([q.text for q in queries])
        return self.inner.answer(queries)


LONG = ("What did Mamdani say about rent and the letter and the meeting in the Oval Office? " * 25)[
    :1990
].strip()


async def test_a_short_question_is_not_held_behind_long_ones(answerer: Answerer) -> None:
    # A few people sending 2,000-character messages held up everyone's answers: 32 of them take two
    # seconds, and a short question queued behind them waited for all (a trial).
    recorded = Recorded(answerer)
    batcher = BatchingAnswerer(recorded, max_wait=0.05)  # type: ignore[arg-type]
    try:
        longs = [asyncio.create_task(batcher.ask(f"{i} {LONG}")) for i in range(6)]
        short = asyncio.create_task(batcher.ask(QUESTION))
        await asyncio.gather(*longs, short)
    finally:
        await batcher.close()
    assert QUESTION in recorded.calls[0]  # the short question goes first, with at most one long one
    assert len(recorded.calls[0]) == 2
    assert all(sum(map(len, call)) <= 4000 or len(call) == 1 for call in recorded.calls)
    asked = sorted(t for call in recorded.calls for t in call)
    assert asked == sorted([f"{i} {LONG}" for i in range(6)] + [QUESTION])


async def test_a_long_question_held_back_long_enough_goes_first(answerer: Answerer) -> None:
    recorded = Recorded(answerer)
    batcher = BatchingAnswerer(recorded, max_wait=0.05, batch_chars=100, max_hold=0.0)  # type: ignore[arg-type]
    try:
        await asyncio.gather(batcher.ask(LONG), batcher.ask(QUESTION))
    finally:
        await batcher.close()
    assert recorded.calls == [[LONG], [QUESTION]]  # held at once past max_hold: in the order they came


async def test_questions_held_back_fail_when_the_batcher_closes(answerer: Answerer) -> None:
    batcher = BatchingAnswerer(answerer, max_wait=0.05, batch_chars=1)
    asks = [asyncio.create_task(batcher.ask(f"{QUESTION} ({i})")) for i in range(40)]
    await asyncio.sleep(0.2)  # some answered, the rest held back one by one
    await batcher.close()
    results = await asyncio.gather(*asks, return_exceptions=True)
    assert all(isinstance(r, (Answer, BatcherClosed)) for r in results)
    assert all(isinstance(r, Answer) for r in results[:1])


async def test_a_backlog_held_back_long_enough_leaves_room_for_short_questions(answerer: Answerer) -> None:
    # A review: once a flood of long questions had waited MAX_HOLD, they all went first, one batch after
    # another, and a short question waited for every one of them.
    recorded = Recorded(answerer)
    batcher = BatchingAnswerer(recorded, max_wait=0.05, batch_chars=2100, max_hold=0.0)  # type: ignore[arg-type]
    try:
        longs = [asyncio.create_task(batcher.ask(f"{i} {LONG}")) for i in range(3)]
        await asyncio.gather(*longs, batcher.ask(QUESTION))
    finally:
        await batcher.close()
    assert recorded.calls[0] == [f"0 {LONG}", QUESTION]  # the oldest, then the short one beside it


class Fatal(BaseException):
    """A failure no `except Exception` catches (as SystemExit or KeyboardInterrupt in the worker)."""


class Doomed:
    """The real answerer, except that a batch holding "fatal" ends, after a while, with a Fatal."""

    def __init__(self, inner: Answerer) -> None:
        self.inner = inner
        self.index = inner.index

    def answer(self, queries: Sequence[Query]) -> list[Answer]:
        """Answer, or after 0.3 s raise Fatal for a batch holding "fatal"."""
        if any("fatal" in q.text for q in queries):
            time.sleep(0.3)
            raise Fatal
        return self.inner.answer(queries)


async def test_a_question_queued_as_the_worker_dies_fails_at_once_rather_than_waiting(
    answerer: Answerer,
) -> None:
    # A review: a question queued while the batch that killed the worker ran waited until someone else
    # asked (which starts a new worker) or the batcher closed.
    batcher = BatchingAnswerer(Doomed(answerer), max_wait=0.01)  # type: ignore[arg-type]
    try:
        first = asyncio.create_task(batcher.ask("fatal: when was the meeting?"))
        await asyncio.sleep(0.1)  # the first is being answered; the second waits in the queue
        second = asyncio.create_task(batcher.ask(QUESTION))
        done, _ = await asyncio.wait({first, second}, timeout=3)
        assert second in done, "the queued question was left waiting"
        assert isinstance(second.exception(), BatcherClosed)
        assert first in done and isinstance(first.exception(), Fatal | BatcherClosed)
    finally:
        await batcher.close()
