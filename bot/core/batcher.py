"""Answering from async code: questions that arrive together share one encoder pass, off the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from bot.core.answer import DEFAULT_K, Answer, Answerer, BadQuestion, Query, answer_each

log = logging.getLogger(__name__)

MAX_BATCH = 32
# How long the first question of a batch waits for company: far below a person's notice.
MAX_WAIT = 0.004

# A queued question and where its answer goes.
_Item = tuple[Query, asyncio.Future[Answer]]


class BatcherClosed(RuntimeError):
    """The batcher was closed; no more questions are taken."""


class BatchingAnswerer:
    """Queues questions and answers them in micro-batches on its own worker thread."""

    def __init__(self, answerer: Answerer, max_batch: int = MAX_BATCH, max_wait: float = MAX_WAIT) -> None:
        self.answerer = answerer
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._closed = False
        # Its own thread: encoder work never waits behind other blocking calls (e.g. database writes).
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encoder")
        self.batches: list[int] = []  # sizes of recent batches, for the bench and tests

    def swap(self, answerer: Answerer) -> None:
        """Answer batches formed from now on with another answerer (a rebuilt index)."""
        self.answerer = answerer

    async def ask(self, question: str, k: int = DEFAULT_K, history: Sequence[str] = ()) -> Answer:
        """Answer one question read after `history` (oldest first); EmptyQuestion at once if blank."""
        if self._closed:
            raise BatcherClosed("the answering service is shutting down")
        query = Query.of(question, history, k)  # validated here, before queueing (a BadQuestion at once)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="answer-batcher")
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((query, future))
        return await future

    async def close(self) -> None:
        """Stop taking questions; every question still waiting fails with BatcherClosed."""
        self._closed = True
        if self._worker:
            self._worker.cancel()
            await asyncio.wait({self._worker}, timeout=5)
            self._worker = None
        self._fail_waiting(BatcherClosed("the answering service was shut down"))
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _fail_waiting(self, exc: BaseException) -> None:
        while not self._queue.empty():
            *_, fut = self._queue.get_nowait()
            if not fut.done():
                fut.set_exception(exc)

    async def _run(self) -> None:
        batch: list[_Item] = []
        try:
            while True:
                batch = [await self._queue.get()]
                deadline = asyncio.get_running_loop().time() + self.max_wait
                while len(batch) < self.max_batch:
                    if self._queue.empty():
                        timeout = deadline - asyncio.get_running_loop().time()
                        if timeout <= 0:
                            break
                        await asyncio.sleep(min(timeout, 0.001))
                        continue
                    batch.append(self._queue.get_nowait())
                await self._answer(batch)
                batch = []
        finally:
            # However the worker ends, nobody is left waiting on a question it had taken.
            for *_, fut in batch:
                if not fut.done():
                    fut.set_exception(BatcherClosed("the answering service stopped"))

    async def _answer(self, batch: list[_Item]) -> None:
        self.batches = (self.batches + [len(batch)])[-1000:]
        answerer = self.answerer
        queries = [q for q, _ in batch]
        loop = asyncio.get_running_loop()
        try:
            # One encoder pass for the whole batch, earlier messages included; if it fails, each
            # question alone, so only the bad one fails.
            results = await loop.run_in_executor(self._executor, answer_each, answerer, queries)
        except Exception as exc:  # one failing batch must not stop the worker
            log.exception("answering a batch of %d failed", len(batch))
            for *_, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
        for (_, fut), result in zip(batch, results, strict=True):
            if fut.done():
                continue
            if isinstance(result, Exception):
                if not isinstance(result, BadQuestion):
                    log.error("answering a question failed", exc_info=result)
                fut.set_exception(result)
            else:
                fut.set_result(result)
