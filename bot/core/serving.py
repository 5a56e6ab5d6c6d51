"""Answering from async code: questions that arrive together share one encoder pass, off the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.core.answer import DEFAULT_K, MAX_K, Answer, Answerer, clean_history, clean_question

log = logging.getLogger(__name__)

MAX_BATCH = 32
# How long the first question of a batch waits for company: far below a person's notice.
MAX_WAIT = 0.004

# A queued question: its text, how many excerpts were asked for, the conversation before it, its answer.
_Item = tuple[str, int, tuple[str, ...], asyncio.Future[Answer]]


class BatchingAnswerer:
    """Queues questions and answers them in micro-batches on a worker thread."""

    def __init__(self, answerer: Answerer, max_batch: int = MAX_BATCH, max_wait: float = MAX_WAIT) -> None:
        self.answerer = answerer
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._queue: asyncio.Queue[_Item] | None = None
        self._worker: asyncio.Task[None] | None = None
        self.batches: list[int] = []  # sizes of recent batches, for the bench and tests

    def swap(self, answerer: Answerer) -> None:
        """Serve later questions from another answerer (a rebuilt index); queued ones are unaffected."""
        self.answerer = answerer

    async def ask(self, question: str, k: int = DEFAULT_K, history: Sequence[str] = ()) -> Answer:
        """Answer one question read after `history` (oldest first); EmptyQuestion at once if blank."""
        clean_question(question)  # fail fast, before queueing
        earlier = tuple(clean_history(history))  # a copy: the caller may go on changing its list
        if self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run(), name="answer-batcher")
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        assert self._queue is not None
        await self._queue.put((question, max(1, min(MAX_K, k)), earlier, future))
        return await future

    async def close(self) -> None:
        """Stop the worker; questions still queued get a CancelledError."""
        if self._worker:
            self._worker.cancel()
            try:
                await self._worker
            except asyncio.CancelledError:
                pass
            self._worker = None

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            batch = [await queue.get()]
            deadline = asyncio.get_running_loop().time() + self.max_wait
            while len(batch) < self.max_batch:
                timeout = deadline - asyncio.get_running_loop().time()
                try:
                    batch.append(
                        queue.get_nowait() if queue.qsize() else await asyncio.wait_for(queue.get(), timeout)
                    )
                except (TimeoutError, asyncio.QueueEmpty):
                    break
            await self._answer(batch)

    async def _answer(self, batch: list[_Item]) -> None:
        self.batches = (self.batches + [len(batch)])[-1000:]
        k = max(item[1] for item in batch)
        answerer = self.answerer
        questions = [q for q, _, _, _ in batch]
        histories = [h for _, _, h, _ in batch]
        try:
            # One encoder pass for the whole batch, earlier messages included; a batch without any
            # history takes the plain call.
            if any(histories):
                answers = await asyncio.to_thread(answerer.ask_many, questions, k, histories)
            else:
                answers = await asyncio.to_thread(answerer.ask_many, questions, k)
        except Exception as exc:  # one failing batch must not stop the worker
            log.exception("answering a batch of %d failed", len(batch))
            for _, _, _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
        for (_, want, _, fut), answer in zip(batch, answers, strict=True):
            if not fut.done():
                fut.set_result(replace(answer, excerpts=answer.excerpts[:want]))
