"""Retrieval figures on a question set: hit@1, hit@3, MRR@5, answer and abstain rates, misses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.retrieval import Retrieval, Retriever
from bot.core.text import contains
from bot.core.training import Question

DEPTH = 5


@dataclass(frozen=True)
class Miss:
    """A question the system got wrong, and how."""

    id: str
    question: str
    problem: str  # "rank N", "not found", "abstained", "answered (should abstain)"
    top: str  # the first excerpt's citation-free text, shortened


@dataclass(frozen=True)
class Report:
    """Figures on one question set."""

    answerable: int
    unanswerable: int
    hit1: float
    hit3: float
    mrr5: float
    answered: float  # share of answerable questions answered
    abstained: float  # share of unanswerable questions declined
    highlight: float  # share of answerable questions whose highlight is in a gold place
    misses: tuple[Miss, ...]


def hit_rank(result: Retrieval, q: Question) -> int | None:
    """1-based rank at which the excerpts so far contain the gold (all of it if `gold_all`)."""
    found: set[int] = set()
    for rank, hit in enumerate(result.hits, 1):
        found |= {i for i, g in enumerate(q.gold) if contains(hit.chunk.text, g)}
        if (len(found) == len(q.gold)) if q.gold_all else found:
            return rank
    return None


def evaluate(retriever: Retriever, questions: Sequence[Question]) -> Report:
    """Run every question through the retriever and score the answers."""
    results = retriever.retrieve_many([q.text for q in questions], k=DEPTH)
    ranks, answered, abstained, highlights, misses = [], [], [], [], []
    for q, r in zip(questions, results, strict=True):
        top = r.hits[0].chunk.text[:90] if r.hits else ""
        if not q.answerable:
            abstained.append(not r.answered)
            if r.answered:
                misses.append(Miss(q.id, q.text, "answered (should abstain)", top))
            continue
        rank = hit_rank(r, q)
        ranks.append(rank)
        answered.append(r.answered)
        highlights.append(bool(r.highlight) and any(_meets(r.highlight.text, g) for g in q.gold))
        if rank != 1:
            misses.append(Miss(q.id, q.text, f"rank {rank}" if rank else "not found", top))
        elif not r.answered:
            misses.append(Miss(q.id, q.text, "abstained", top))
    n = max(1, len(ranks))
    return Report(
        answerable=len(ranks),
        unanswerable=len(abstained),
        hit1=sum(r == 1 for r in ranks) / n,
        hit3=sum(r is not None and r <= 3 for r in ranks) / n,
        mrr5=sum(1 / r for r in ranks if r) / n,
        answered=sum(answered) / n,
        abstained=sum(abstained) / max(1, len(abstained)),
        highlight=sum(highlights) / n,
        misses=tuple(misses),
    )


def _meets(sentence: str, gold: str) -> bool:
    """A highlight is right when it and a gold string overlap: one contains the other."""
    return contains(sentence, gold) or contains(gold, sentence)
