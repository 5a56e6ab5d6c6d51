"""Memory stays flat however many distinct questions are asked: every cache is bounded by bytes."""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.core.answer import Answerer
from bot.core.cache import ENTRY_OVERHEAD, ByteBoundedCache
from bot.core.corpus import corpus_hash, load_corpus
from bot.core.embedding import Embedder
from bot.core.followup import FollowupReader
from bot.core.index import build_index, load_index
from bot.core.model import RetrievalModel

MB = 1_000_000
CORPUS = """---
title: The Village Fair
date: 2024-05-01
source: written for the tests
---

The village fair opened on Saturday morning. The mayor cut a red ribbon at nine.

## Food

The bakery sold apple pies for four dollars. The queue reached the church door.

## Weather

Rain fell heavily in the afternoon. Everyone moved into the big white tent.
"""


@pytest.fixture
def fair(write_corpus: Callable[..., Path], fake_embedder: Embedder) -> Answerer:
    """An answerer over a small corpus with the fake embedder (memory, not quality, is tested here)."""
    folder = write_corpus({"fair.md": CORPUS})
    out = folder.parent / "index"
    build_index(load_corpus(folder), fake_embedder, out, "training", corpus_hash(folder))
    return Answerer(load_index(out), fake_embedder, RetrievalModel.untrained(fake_embedder.dim))


class Questions:
    """Distinct questions of about 2,000 characters: words of the corpus mixed with new ones."""

    def __init__(self) -> None:
        self.rng = random.Random(7)
        self.words = CORPUS.split()
        self.made = 0

    def __call__(self) -> str:
        self.made += 1
        words = [
            self.rng.choice(self.words) if self.rng.random() < 0.5 else f"w{self.made}x{i}"
            for i in range(300)
        ]
        return " ".join(words)[:2000]


@contextmanager
def traced() -> Iterator[Callable[[], int]]:
    """Trace allocations; the callable gives the bytes allocated since the start and still held."""
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    try:
        yield lambda: tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()


def test_answering_distinct_long_questions_does_not_grow_memory(fair: Answerer) -> None:
    ask = Questions()
    with traced() as held:
        for _ in range(12):  # 240 questions: whatever is cached by now is what a full cache holds
            fair.ask_many([ask() for _ in range(20)])
        fair.ask_many([ask() for _ in range(4)], histories=[[ask()] for _ in range(4)])
        warm = held()
        for _ in range(18):  # 360 more
            fair.ask_many([ask() for _ in range(20)])
        fair.ask_many([ask() for _ in range(4)], histories=[[ask()] for _ in range(4)])
        grown = held() - warm
    assert grown < 2 * MB, f"{grown / MB:.1f} MB more after 360 more questions"


def test_word_credits_are_bounded_by_bytes_not_by_how_many_words(fair: Answerer) -> None:
    reader = FollowupReader(fair.retriever.lexical, len(fair.index.chunks))
    with traced() as held:
        for i in range(20_000):
            reader.word_credit(f"{'x' * 500}{i}")  # long "words" nobody else holds on to
        grown = held()
    assert grown < 2 * MB, f"{grown / MB:.1f} MB held for 20,000 words"


def test_the_cache_forgets_the_least_recently_used_entries_past_its_bytes() -> None:
    cache: ByteBoundedCache[str, int] = ByteBoundedCache(3 * (100 + ENTRY_OVERHEAD), lambda _k, v: v)
    for key in "abc":
        cache.put(key, 100)
    assert cache.get("a") == 100  # "a" is now the most recently used; "b" the least
    cache.put("d", 100)
    assert cache.get("b") is None and [cache.get(k) for k in "acd"] == [100, 100, 100]
    assert len(cache) == 3 and cache.bytes == 3 * (100 + ENTRY_OVERHEAD)
    cache.put("huge", 10_000)  # larger than the whole bound: not kept, and nothing is pushed out for it
    assert cache.get("huge") is None and len(cache) == 3
    cache.put("a", 250)  # a bigger value for a key pushes out as much as it needs
    assert cache.get("a") == 250 and cache.bytes <= cache.max_bytes
