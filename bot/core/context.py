"""Conversation context: a follow-up is searched together with the earlier messages it leans on.

Its vector, BM25 scores and word coverage are blended with the earlier messages', each weighted by how
little the follow-up says on its own (bot.core.followup decides the weights)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.lexical import LexicalIndex


@dataclass(frozen=True, eq=False)
class Said:
    """One message of a conversation as it is searched: its text, weight and raw vector."""

    text: str
    weight: float
    raw: np.ndarray


def blend(
    lexical: LexicalIndex,
    question: str,
    raw: np.ndarray,
    context: Sequence[Said],
    asked: frozenset[str] = frozenset(),
    searched: LexicalIndex | None = None,
) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """The follow-up's raw vector, BM25 scores of every chunk (by `searched`, else `lexical`), word
    coverage (words of the article or of `asked`) and BM25 scores by `lexical`, blended with `context`."""
    said = [Said(question, 1.0, raw), *context]
    weights = np.array([s.weight for s in said], dtype=np.float32)
    # Dense: the weighted sum of the messages' unit vectors, back on the unit sphere.
    vector = weights @ np.stack([s.raw for s in said])
    vector = vector / max(float(np.linalg.norm(vector)), 1e-12)

    # BM25: the weighted mean over the messages that have words of the article, so a follow-up without
    # any ("for how long?", "anything else?") is searched by its context's words alone; by the article's
    # words, as the training questions' ("else", "example") would make most follow-ups count alone.
    article_all = np.stack([lexical.scores(s.text) for s in said])
    has_terms = weights * (article_all.max(axis=1) > 0)

    def mean(scores: np.ndarray) -> np.ndarray:
        return (has_terms @ scores / has_terms.sum()).astype(np.float32) if has_terms.any() else scores[0]

    article = mean(article_all)
    # Coverage asks whether the words of what is being asked are the article's (or how people ask about
    # it): the mean over the messages that have content words, the follow-up's own counting fully ("and
    # his wife?" is about a wife, whatever came before) and the context's by their weights ("what did he
    # say exactly?" asks about the earlier topic). Chosen on tests/data/followups_tune.jsonl among: the
    # follow-up's own words alone when it has any (declined "what were his exact words?"), this, and
    # the follow-up's words weighted only by how self-contained it is (answered "and his wife?").
    has_words = [(s.weight, lexical.coverage(s.text, asked)) for s in said if lexical.content_stems(s.text)]
    total = sum(w for w, _ in has_words)
    coverage = sum(w * c for w, c in has_words) / total if total else 0.0
    found = (
        article
        if searched is None or searched is lexical
        else mean(np.stack([searched.scores(s.text) for s in said]))
    )
    return vector.astype(np.float32), found, coverage, article


def blended_overlap(
    lexical: LexicalIndex, question: str, texts: Sequence[str], context: Sequence[Said]
) -> np.ndarray:
    """Share of the question's content words in each text; a follow-up's blended with its context's."""
    overlap = lexical.overlap(question, texts)
    if context:
        parts = [(1.0, overlap)] + [
            (s.weight, lexical.overlap(s.text, texts)) for s in context if lexical.content_stems(s.text)
        ]
        if not lexical.content_stems(question):
            parts = parts[1:]  # a follow-up without content words has no overlap to speak of
        total = sum(w for w, _ in parts)
        if total:
            overlap = (sum(w * o for w, o in parts) / total).astype(np.float32)
    return overlap
