"""Which of the best candidates to show together: maximal marginal relevance over non-overlapping passages."""

from __future__ import annotations

import numpy as np

# How much likeness to an excerpt already shown costs a candidate. Any value up to 0.5 left the training
# questions' hit@3 unchanged; 0.1–0.3 lifted two-part questions on the dev set, so the middle is used.
MMR_LAMBDA = 0.2


def diverse(
    scores: np.ndarray, vectors: np.ndarray, starts: np.ndarray, ends: np.ndarray, docs: np.ndarray, k: int
) -> list[int]:
    """Indices of up to k candidates (given best first): the best, then each next one relevant but unlike
    those already chosen (so a two-part question gets both parts), never overlapping them in the text.

    `vectors` are the candidates' unit vectors; `starts`/`ends` their spans in document `docs`.
    """
    similar = vectors @ vectors.T
    # overlaps[i, j]: candidates i and j share text (same document, intersecting spans).
    overlaps = (docs[:, None] == docs[None, :]) & (
        np.minimum(ends[:, None], ends[None, :]) > np.maximum(starts[:, None], starts[None, :])
    )
    chosen = [0]
    blocked = overlaps[0].copy()
    penalty = similar[0].copy()
    while len(chosen) < min(k, len(scores)):
        value = np.where(blocked, -np.inf, scores - MMR_LAMBDA * penalty)
        best = int(np.argmax(value))
        if not np.isfinite(value[best]):
            break
        chosen.append(best)
        blocked |= overlaps[best]
        penalty = np.maximum(penalty, similar[best])
    return chosen
