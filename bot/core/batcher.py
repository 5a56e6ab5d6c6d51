"""Answering from async code: questions that arrive together share one encoder pass, off the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from bot.core.answer import DEFAULT_K, HISTORY_SCAN, Answer, Answerer, BadQuestion, Query, answer_each

log = logging.getLogger(__name__)

MAX_BATCH = 32
# How long the first question of a batch waits for company: far below a person's notice.
MAX_WAIT = 0.004
# The characters a batch holds (its questions and the earlier messages read with them), unless one
# question alone has more. Answering a 2,000-character message takes about 80 ms, 32 of them 2.2 s, which
# every short question queued behind them waited (a trial: a few people sending long messages to an
# ask-channel held up everyone's answers). The shortest questions waiting go first, and the encoder cuts
# a batch into calls of similar lengths (`padded_batches`), so a batch of this size takes about 0.2 s.
BATCH_CHARS = 4000
# A question asked this long ago goes first, one a batch, with the shortest after it: long questions
# are not starved, and a backlog of them does not hold up the short ones either.
MAX_HOLD = 2.0

# A queued question and where its answer goes.
_Item = tuple[Query, asyncio.Future[Answer]]
# ... and when it was asked (the event loop's clock).
_Asked = tuple[float, _Item]


class BatcherClosed(RuntimeError):
    """The batcher was closed; no more questions are taken."""


class BatchingAnswerer:
    """Queues questions and answers them in micro-batches on its own worker thread."""

    def __init__(
        self,
        answerer: Answerer,
        max_batch: int = MAX_BATCH,
        max_wait: float = MAX_WAIT,
        batch_chars: int = BATCH_CHARS,
        max_hold: float = MAX_HOLD,
    ) -> None:
        self.answerer = answerer
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.batch_chars = batch_chars
        self.max_hold = max_hold
        self._queue: asyncio.Queue[_Asked] = asyncio.Queue()
        # Questions taken from the queue and not yet answered: held back while shorter ones go first
        # (`_next_batch`).
        self._waiting: list[_Asked] = []
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
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()
        self._queue.put_nowait((loop.time(), (query, future)))
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
        self._fail_held(exc)
        while not self._queue.empty():
            _, (_, fut) = self._queue.get_nowait()
            if not fut.done():
                fut.set_exception(exc)

    def _fail_held(self, exc: BaseException) -> None:
        """Fail the questions taken from the queue and held back for shorter ones."""
        held, self._waiting = self._waiting, []
        for _, (_, fut) in held:
            if not fut.done():
                fut.set_exception(exc)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        batch: list[_Item] = []
        try:
            while True:
                if not self._waiting:
                    self._waiting.append(await self._queue.get())
                deadline = loop.time() + self.max_wait
                while len(self._waiting) < self.max_batch:
                    if self._queue.empty():
                        timeout = deadline - loop.time()
                        if timeout <= 0:
                            break
                        await asyncio.sleep(min(timeout, 0.001))
                        continue
                    self._waiting.append(self._queue.get_nowait())
                while not self._queue.empty():  # all that is queued is chosen from, not only the first
                    self._waiting.append(self._queue.get_nowait())
                batch = self._next_batch(loop.time())
                if batch:
                    await self._answer(batch)
                batch = []
        finally:
            # However the worker ends, nobody is left waiting on a question it had taken, nor on one
            # queued meanwhile (a review: one queued as a BaseException ended the worker waited until
            # someone else asked, which starts a new worker).
            self._fail_waiting(BatcherClosed("the answering service stopped"))
            for *_, fut in batch:
                if not fut.done():
                    fut.set_exception(BatcherClosed("the answering service stopped"))

    def _next_batch(self, now: float) -> list[_Item]:
        """The questions to answer next, taken out of those waiting: the oldest asked MAX_HOLD ago or
        more, then the shortest, up to `max_batch` questions and `batch_chars` characters (at least one
        question). Those whose asker stopped waiting are dropped."""
        live = [(at, item) for at, item in self._waiting if not item[1].done()]
        sizes = [_size(query) for _, (query, _) in live]
        order = sorted(range(len(live)), key=lambda i: (sizes[i], live[i][0]))
        oldest = min(range(len(live)), key=lambda i: live[i][0], default=None)
        if oldest is not None and now - live[oldest][0] >= self.max_hold:
            order.remove(oldest)
            order.insert(0, oldest)
        taken: set[int] = set()
        chars = 0
        for i in order:
            if len(taken) == self.max_batch or (taken and chars + sizes[i] > self.batch_chars):
                break
            taken.add(i)
            chars += sizes[i]
        self._waiting = [w for i, w in enumerate(live) if i not in taken]
        return [live[i][1] for i in sorted(taken)]  # in the order they came

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


def _size(query: Query) -> int:
    """What answering a question costs at most, roughly: the characters encoded for it, its text and the
    earlier messages read with it (which are often encoded already, `Answerer._encode`)."""
    return len(query.text) + sum(map(len, query.history[-HISTORY_SCAN:]))
