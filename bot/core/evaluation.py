"""Retrieval figures on a question set: hit@1, hit@3, MRR@5, answer and abstain rates, misses."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.retrieval import Retrieval, Retriever
from bot.core.text import contains
from bot.core.training import Question, read_json_lines

if TYPE_CHECKING:  # typing only: evaluation of plain question sets needs no Answerer
    from bot.core.answer import Answer, Answerer

log = logging.getLogger(__name__)

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


# ---------------------------------------------------------------- conversation follow-ups


@dataclass(frozen=True)
class FollowupPair:
    """A question, a follow-up asked after it, and the article substrings that answer the follow-up.

    `standalone` marks a follow-up that makes sense on its own; empty `gold` marks one the article
    does not answer.
    """

    id: str
    first: str
    followup: str
    gold: tuple[str, ...]
    standalone: bool


@dataclass(frozen=True)
class FollowupMiss:
    """A follow-up answered wrongly when read in context."""

    id: str
    followup: str
    problem: str  # "rank N (alone: rank M)", "abstained", "answered (should abstain)", ...
    top: str


@dataclass(frozen=True)
class FollowupReport:
    """hit@1 on follow-ups read with the previous question and on the follow-up alone."""

    hit1_with: float  # context-dependent answerable follow-ups
    hit1_without: float
    standalone_hit1_with: float  # follow-ups that stand on their own
    standalone_hit1_without: float
    n: int  # pairs in all
    misses: tuple[FollowupMiss, ...]
    dependent: int = 0  # answerable context-dependent pairs
    standalone: int = 0  # answerable standalone pairs
    answered_with: float = 0.0  # share of answerable follow-ups answered (not abstained)
    answered_without: float = 0.0
    unanswerable: int = 0
    abstained_with: float = 0.0  # share of unanswerable follow-ups declined
    abstained_without: float = 0.0


def is_followup_file(path: Path) -> bool:
    """Whether a JSON-lines file holds follow-up pairs (its first object has "first" and "followup")."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                try:
                    item = json.loads(line)
                except ValueError:
                    return False
                return isinstance(item, dict) and "first" in item and "followup" in item
    return False


def read_followups(path: Path) -> list[FollowupPair]:
    """Read a JSON-lines file of {"id", "first", "followup", "gold", "standalone"} (ValueError if bad)."""

    def parse(n: int, d: dict) -> FollowupPair:
        if not isinstance(d["first"], str) or not isinstance(d["followup"], str):
            raise TypeError("first and followup must be strings")
        gold = d.get("gold", [])
        if not isinstance(gold, list) or not all(isinstance(g, str) for g in gold):
            raise TypeError("gold must be a list of strings")
        return FollowupPair(
            str(d.get("id", n)), d["first"], d["followup"], tuple(gold), bool(d.get("standalone", False))
        )

    return read_json_lines(path, "a follow-up pair", parse)


def answer_rank(answer: Answer, gold: Sequence[str]) -> int | None:
    """1-based rank of the first excerpt containing a gold string."""
    for e in answer.excerpts:
        if any(contains(e.text, g) for g in gold):
            return e.rank
    return None


def evaluate_followups(answerer: Answerer, pairs: Sequence[FollowupPair]) -> FollowupReport:
    """Ask every follow-up twice, after its first question and alone, and compare hit@1."""
    followups = [p.followup for p in pairs]
    with_context = answerer.ask_many(followups, DEPTH, [[p.first] for p in pairs])
    alone = answerer.ask_many(followups, DEPTH)
    dep: list[tuple[bool, bool]] = []
    own: list[tuple[bool, bool]] = []
    answered: list[tuple[bool, bool]] = []
    abstained: list[tuple[bool, bool]] = []
    misses = []
    for p, w, a in zip(pairs, with_context, alone, strict=True):
        top = w.excerpts[0].text[:90] if w.excerpts else ""
        if not p.gold:
            abstained.append((not w.answered, not a.answered))
            if w.answered:
                misses.append(FollowupMiss(p.id, p.followup, "answered (should abstain)", top))
            continue
        rw, ra = answer_rank(w, p.gold), answer_rank(a, p.gold)
        (own if p.standalone else dep).append((rw == 1, ra == 1))
        answered.append((w.answered, a.answered))
        if rw != 1:
            were = f"rank {rw}" if rw else "not found"
            misses.append(
                FollowupMiss(p.id, p.followup, f"{were} (alone: {f'rank {ra}' if ra else 'not found'})", top)
            )
        elif not w.answered:
            misses.append(FollowupMiss(p.id, p.followup, "abstained", top))

    def share(pairs_: list[tuple[bool, bool]], side: int) -> float:
        return sum(x[side] for x in pairs_) / max(1, len(pairs_))

    report = FollowupReport(
        hit1_with=share(dep, 0),
        hit1_without=share(dep, 1),
        standalone_hit1_with=share(own, 0),
        standalone_hit1_without=share(own, 1),
        n=len(pairs),
        misses=tuple(misses),
        dependent=len(dep),
        standalone=len(own),
        answered_with=share(answered, 0),
        answered_without=share(answered, 1),
        unanswerable=len(abstained),
        abstained_with=share(abstained, 0),
        abstained_without=share(abstained, 1),
    )
    log.info("follow-ups: hit@1 %.3f with context, %.3f without", report.hit1_with, report.hit1_without)
    return report
