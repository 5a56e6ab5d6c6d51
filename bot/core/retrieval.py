"""Question → ranked hits: adapted dense + BM25 score fusion, abstention, best-sentence highlight."""

from __future__ import annotations

import json
import logging
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.core.chunking import Chunk, Sentence
from bot.core.embedding import Embedder
from bot.core.index import REBUILD, Index, IndexCorrupt, IndexMissing
from bot.core.lexical import LexicalIndex
from bot.core.spelling import Speller

log = logging.getLogger(__name__)

MODEL_FILE = "retrieval.json"
ADAPTER_FILE = "adapter.npy"
EXPANSIONS_FILE = "expansions.npz"
# How many candidates each side contributes before fusion (all of them in a small corpus).
CANDIDATES = 100
# Maximal marginal relevance over the best MMR_POOL candidates: how much likeness to an excerpt
# already shown costs a candidate. Any value up to 0.5 left the training questions' hit@3 unchanged;
# 0.1–0.3 lifted two-part questions on the dev set, so the middle of that range is used.
MMR_POOL = 30
MMR_LAMBDA = 0.2
# The score components that are fused, in the order of RetrievalModel.weights.
COMPONENTS = ("chunk", "sentence", "question", "lexical")
FEATURES = ("fused", "chunk", "sentence", "question", "lexical", "raw_chunk", "coverage", "margin", "refusal")


@dataclass(frozen=True)
class RetrievalModel:
    """What was learned from the training questions: query adapter, fusion weights, abstainer.

    `expansions` are the adapted vectors of the training questions and `expansion_chunks` the
    (question row, chunk position) pairs of the chunks that answer them: a new question close to
    a training question scores that question's chunks (doc2query-style document expansion).
    """

    adapter: np.ndarray  # (dim, dim) applied to query vectors; identity means "no adapter"
    weights: tuple[float, ...]  # one per COMPONENTS
    expansions: np.ndarray  # (n, dim)
    expansion_chunks: np.ndarray  # (m, 2) int pairs
    refusals: np.ndarray  # (u, dim) adapted vectors of training questions the article does not answer
    abstain_weights: tuple[float, ...]  # logistic regression over FEATURES
    abstain_bias: float
    abstain_threshold: float  # answer when P(answerable) >= this

    @classmethod
    def untrained(cls, dim: int, weights: tuple[float, ...] = (1.0, 0.0, 0.0, 0.3)) -> RetrievalModel:
        """No adapter or expansions, plain fusion, and an abstainer on the raw top cosine only."""
        abstain = tuple(10.0 if f == "raw_chunk" else 0.0 for f in FEATURES)
        return cls(
            np.eye(dim, dtype=np.float32),
            weights,
            np.zeros((0, dim), np.float32),
            np.zeros((0, 2), np.int64),
            np.zeros((0, dim), np.float32),
            abstain,
            -2.5,
            0.5,
        )

    def save(self, folder: Path) -> None:
        """Write the model next to the index it was trained for."""
        np.save(folder / ADAPTER_FILE, self.adapter.astype(np.float32))
        np.savez(
            folder / EXPANSIONS_FILE,
            vectors=self.expansions.astype(np.float16),
            chunks=self.expansion_chunks,
            refusals=self.refusals.astype(np.float16),
        )
        meta = {
            "components": list(COMPONENTS),
            "weights": list(self.weights),
            "features": list(FEATURES),
            "abstain_weights": list(self.abstain_weights),
            "abstain_bias": self.abstain_bias,
            "abstain_threshold": self.abstain_threshold,
        }
        (folder / MODEL_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> RetrievalModel:
        """Read the model saved beside an index."""
        path = folder / MODEL_FILE
        if not path.exists():
            raise IndexMissing(f"The retrieval model in {folder} is missing; build it with `{REBUILD}`.")
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            if tuple(meta["features"]) != FEATURES or tuple(meta["components"]) != COMPONENTS:
                raise ValueError("it was trained for other features")
            expansions = np.load(folder / EXPANSIONS_FILE)
            return cls(
                np.load(folder / ADAPTER_FILE).astype(np.float32),
                tuple(float(w) for w in meta["weights"]),
                expansions["vectors"].astype(np.float32),
                expansions["chunks"].astype(np.int64),
                expansions["refusals"].astype(np.float32),
                tuple(float(w) for w in meta["abstain_weights"]),
                float(meta["abstain_bias"]),
                float(meta["abstain_threshold"]),
            )
        except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            raise IndexCorrupt(
                f"The retrieval model in {folder} is damaged ({exc}); rebuild it with `{REBUILD}`."
            ) from exc

    def confidence(self, features: np.ndarray) -> float:
        """P(the article answers the question) from the retrieval features."""
        z = float(np.dot(self.abstain_weights, features) + self.abstain_bias)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its scores."""

    chunk: Chunk
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class Retrieval:
    """The ranked hits for one question, whether the article answers it, and the best sentence."""

    question: str
    hits: tuple[Hit, ...]
    answered: bool
    confidence: float
    highlight: Sentence | None


def adapt(vectors: np.ndarray, adapter: np.ndarray) -> np.ndarray:
    """Apply the query adapter and re-normalise, so inner products stay cosines."""
    out = vectors @ adapter
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class Scored:
    """Every candidate's fused score and components, best first, plus the abstention features."""

    positions: np.ndarray  # chunk positions, best first
    fused: np.ndarray
    components: np.ndarray  # (len(COMPONENTS), n) in the same order
    features: np.ndarray  # one value per FEATURES
    query: np.ndarray  # the adapted question vector


class Retriever:
    """Ranks the index's chunks for questions; pure and thread-safe once built."""

    def __init__(
        self, index: Index, embedder: Embedder, model: RetrievalModel, speller: Speller | None = None
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.model = model
        self.speller = speller
        self.lexical = LexicalIndex([c.search_text for c in index.chunks])
        self._small = len(index.chunks) <= CANDIDATES
        # A small index is scored exhaustively with one matrix product.
        self._chunk_matrix = index.chunk_vectors() if self._small else None
        # Per-chunk lists padded into matrices, so "best of the chunk's rows" is one gather and a max.
        self._sentence_table = _padded(index.sentence_rows)
        pairs = model.expansion_chunks
        by_chunk: list[list[int]] = [[] for _ in index.chunks]
        for row, chunk in pairs:
            by_chunk[int(chunk)].append(int(row))
        self._expansion_table = _padded(by_chunk)
        self._starts = np.array([c.start for c in index.chunks])
        self._ends = np.array([c.end for c in index.chunks])
        doc_ids = {d: i for i, d in enumerate(index.docs)}
        self._docs = np.array([doc_ids[c.doc] for c in index.chunks])

    def retrieve(self, question: str, k: int = 3) -> Retrieval:
        """Rank chunks for one question."""
        return self.retrieve_many([question], k)[0]

    def prepare(self, question: str) -> str:
        """The question as it is searched: typos against the corpus repaired."""
        return self.speller.correct(question) if self.speller else question

    def retrieve_many(self, questions: Sequence[str], k: int = 3) -> list[Retrieval]:
        """Rank chunks for several questions with one batched encoder call."""
        prepared = [self.prepare(q) for q in questions]
        raw = self.embedder.encode(prepared)
        return [
            replace(self.rank(p, v, k), question=q) for q, p, v in zip(questions, prepared, raw, strict=True)
        ]

    def score(self, question: str, raw: np.ndarray) -> Scored:
        """Fuse the components for every candidate chunk of a question with raw vector `raw`."""
        q = adapt(raw[None, :], self.model.adapter)[0]
        n = len(self.index.chunks)
        lexical_all = self.lexical.scores(question)
        if self._small:
            positions = np.arange(n)
            vecs = self._chunk_matrix
        else:
            _, ids = self.index.search(q[None, :], CANDIDATES)
            lex_top = np.argsort(-lexical_all)[:CANDIDATES]
            positions = np.unique(np.concatenate([ids[0][ids[0] >= 0], lex_top]))
            vecs = np.vstack([self.index.vectors.reconstruct(int(p)) for p in positions])
        chunk, raw_chunk = vecs @ q, vecs @ raw
        # A chunk is as close as its closest sentence: precise facts are often one sentence.
        sentence = _best_of(self.index.sentence_vectors, self._sentence_table[positions], q)
        # ... and as close as the closest training question it answers.
        asked = _best_of(self.model.expansions, self._expansion_table[positions], q)
        components = np.stack([chunk, sentence, asked, lexical_all[positions]])
        fused = np.asarray(self.model.weights, dtype=np.float32) @ components
        order = np.argsort(-fused, kind="stable")
        top = order[0]
        second = fused[order[1]] if len(order) > 1 else 0.0
        features = np.array(
            [
                fused[top],
                *components[:, top],
                float(raw_chunk.max()),
                self.lexical.coverage(question),
                fused[top] - second,
                float((self.model.refusals @ q).max()) if len(self.model.refusals) else 0.0,
            ],
            dtype=np.float64,
        )
        return Scored(positions[order], fused[order], components[:, order], features, q)

    def rank(self, question: str, raw: np.ndarray, k: int) -> Retrieval:
        """Rank chunks for a question whose raw (unadapted) vector is already computed."""
        s = self.score(question, raw)
        hits = []
        for i in self._diverse(s, k):
            c = self.index.chunks[s.positions[i]]
            hits.append(Hit(c, float(s.fused[i]), float(s.components[0][i]), float(s.components[3][i])))
        confidence = self.model.confidence(s.features)
        answered = confidence >= self.model.abstain_threshold
        highlight = self.highlight(question, s.query, int(s.positions[0])) if hits else None
        return Retrieval(question, tuple(hits), answered, confidence, highlight)

    def _diverse(self, s: Scored, k: int) -> list[int]:
        """The best candidate, then maximal marginal relevance: each next excerpt is relevant but
        unlike those already chosen (so a two-part question gets both parts), never overlapping them."""
        pool = min(len(s.positions), MMR_POOL)
        top = s.positions[:pool]
        vecs = self._chunk_matrix[top] if self._small else self.index.vectors.reconstruct_batch(top)
        similar = vecs @ vecs.T
        starts, ends = self._starts[top], self._ends[top]
        docs = self._docs[top]
        # overlaps[i, j]: chunks i and j share text (same document, intersecting spans).
        overlaps = (docs[:, None] == docs[None, :]) & (
            np.minimum(ends[:, None], ends[None, :]) > np.maximum(starts[:, None], starts[None, :])
        )
        chosen = [0]
        blocked = overlaps[0].copy()
        penalty = similar[0].copy()
        while len(chosen) < min(k, pool):
            value = np.where(blocked, -np.inf, s.fused[:pool] - MMR_LAMBDA * penalty)
            best = int(np.argmax(value))
            if not np.isfinite(value[best]):
                break
            chosen.append(best)
            blocked |= overlaps[best]
            penalty = np.maximum(penalty, similar[best])
        return chosen

    def highlight(self, question: str, q: np.ndarray, position: int) -> Sentence | None:
        """The sentence of a chunk that best answers the question (`q`: its adapted vector)."""
        chunk = self.index.chunks[position]
        rows = self.index.sentence_rows[position]
        if not rows:
            return None
        sims = self.index.sentence_vectors[list(rows)] @ q
        lexical = self.lexical.overlap(question, [s.text for s in chunk.sentences])
        return chunk.sentences[int(np.argmax(sims + self.model.weights[3] * lexical))]


def _padded(lists: Sequence[Sequence[int]]) -> np.ndarray:
    """A (len(lists), longest) matrix of the lists' items, padded with -1."""
    width = max((len(x) for x in lists), default=0)
    table = np.full((len(lists), max(1, width)), -1, dtype=np.int64)
    for i, items in enumerate(lists):
        table[i, : len(items)] = items
    return table


def _best_of(vectors: np.ndarray, table: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Per row of `table`, the best cosine of q with the vectors it lists (0 for an empty row)."""
    if not len(vectors):
        return np.zeros(len(table), np.float32)
    # One extra slot at the end is what the -1 padding reads: -inf, so it never wins.
    sims = np.append(vectors @ q, np.float32(-np.inf))
    best = sims[table].max(axis=1)
    return np.where(np.isfinite(best), best, 0.0).astype(np.float32)
