"""Score fusion: every candidate chunk's components (adapted chunk cosine, best sentence, closest training
question it answers, BM25) fused with the learned weights, and the features the abstainer reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.index import Index
from bot.core.model import RetrievalModel, adapt

# How many candidates each side contributes before fusion (all of them in a small corpus).
CANDIDATES = 100


@dataclass(frozen=True)
class Scored:
    """Every candidate's fused score and components, best first, plus the abstention features."""

    positions: np.ndarray  # chunk positions, best first
    fused: np.ndarray
    components: np.ndarray  # (len(COMPONENTS), n) in the same order
    features: np.ndarray  # one value per FEATURES
    query: np.ndarray  # the adapted question vector


class Fusion:
    """The fused scores of an index's chunks for a question vector; pure and thread-safe once built."""

    def __init__(self, index: Index, model: RetrievalModel) -> None:
        self.index = index
        self.model = model
        self._small = len(index.chunks) <= CANDIDATES
        # A small index is scored exhaustively with one matrix product.
        self._chunk_matrix = index.chunk_vectors() if self._small else None
        # Per-chunk lists padded into matrices, so "best of the chunk's rows" is one gather and a max.
        self._sentence_table = padded(index.sentence_rows)
        by_chunk: list[list[int]] = [[] for _ in index.chunks]
        for row, chunk in model.expansion_chunks:
            by_chunk[int(chunk)].append(int(row))
        self._expansion_table = padded(by_chunk)

    def chunk_vectors(self, positions: np.ndarray) -> np.ndarray:
        """The stored vectors of the chunks at `positions`."""
        return (
            self._chunk_matrix[positions]
            if self._chunk_matrix is not None
            else self.index.vectors_of(positions)
        )

    def score(self, raw: np.ndarray, lexical_all: np.ndarray, coverage: float, article: np.ndarray) -> Scored:
        """Fuse the components given the raw query vector and the BM25 scores of every chunk. The
        abstainer's "lexical" feature reads `article` (BM25 over the passages' own words):
        the words of the training questions that the fused BM25 also reads are how people ask about
        anything ("who won", "explain"), no sign that the article answers."""
        q = adapt(raw[None, :], self.model.adapter)[0]
        n = len(self.index.chunks)
        if self._small:
            positions = np.arange(n)
        else:
            _, ids = self.index.search(q[None, :], CANDIDATES)
            lex_top = np.argsort(-lexical_all)[:CANDIDATES]
            positions = np.unique(np.concatenate([ids[0][ids[0] >= 0], lex_top]))
        vecs = self.chunk_vectors(positions)
        chunk, raw_chunk = vecs @ q, vecs @ raw
        # A chunk is as close as its closest sentence: precise facts are often one sentence.
        sentence = best_of(self.index.sentence_vectors, self._sentence_table[positions], q)
        # ... and as close as the closest training question it answers.
        asked = best_of(self.model.expansions, self._expansion_table[positions], q)
        # How close the closest sentence is to the question read by the answer-line adapter, which
        # pushes the training refusals away from every sentence as the query adapter does from passages.
        line_q = self.model.line_query(raw)
        line = (
            0.0
            if line_q is None
            else float(best_of(self.index.sentence_vectors, self._sentence_table[positions], line_q).max())
        )
        components = np.stack([chunk, sentence, asked, lexical_all[positions]])
        fused = np.asarray(self.model.weights, dtype=np.float32) @ components
        order = np.argsort(-fused, kind="stable")
        top = order[0]
        second = fused[order[1]] if len(order) > 1 else 0.0
        features = np.array(
            [
                fused[top],
                *components[:3, top],
                float(article[positions[top]]),
                float(raw_chunk.max()),
                coverage,
                fused[top] - second,
                float((self.model.refusals @ q).max()) if len(self.model.refusals) else 0.0,
                line,
            ],
            dtype=np.float64,
        )
        return Scored(positions[order], fused[order], components[:, order], features, q)


def padded(lists: Sequence[Sequence[int]]) -> np.ndarray:
    """A (len(lists), longest) matrix of the lists' items, padded with -1."""
    width = max((len(x) for x in lists), default=0)
    table = np.full((len(lists), max(1, width)), -1, dtype=np.int64)
    for i, items in enumerate(lists):
        table[i, : len(items)] = items
    return table


def best_of(vectors: np.ndarray, table: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Per row of `table`, the best cosine of q with the vectors it lists (0 for an empty row)."""
    if not len(vectors):
        return np.zeros(len(table), np.float32)
    if len(table) * table.shape[1] < len(vectors) // 4:
        # A few candidates of a large index: score only the rows they list.
        rows = np.unique(table[table >= 0])
        sims = np.full(len(vectors) + 1, -np.inf, np.float32)
        sims[rows] = np.asarray(vectors[rows], dtype=np.float32) @ q
    else:
        # One extra slot at the end is what the -1 padding reads: -inf, so it never wins.
        sims = np.append(vectors @ q, np.float32(-np.inf))
    best = sims[table].max(axis=1)
    return np.where(np.isfinite(best), best, 0.0).astype(np.float32)
