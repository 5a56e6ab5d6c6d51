"""What retrieval learned from the training questions, and how it is kept beside the index: the query
adapter, the fusion weights, the training questions as document expansions, the abstainer and the
support gap. `bot.core.training` fits it; `bot.core.retrieval` uses it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.core.files import LOAD_ERRORS, Damage, load_array, read_json, reason
from bot.core.index import REBUILD, Index, IndexCorrupt, IndexMissing, IndexStale

MODEL_FILE = "retrieval.json"
ADAPTER_FILE = "adapter.npy"
EXPANSIONS_FILE = "expansions.npz"
# The longest training question text kept for BM25 (longer ones are cut at build; a saved one longer is
# damage: one of 10 MB made every start take 16 s, a review found).
EXPANSION_TEXT_MAX = 1000
LINE_ADAPTER_FILE = "line_adapter.npy"
# The score components that are fused, in the order of RetrievalModel.weights.
COMPONENTS = ("chunk", "sentence", "question", "lexical")
# The retrieval features the abstainer reads, in the order of RetrievalModel.abstain_weights.
FEATURES = (
    "fused", "chunk", "sentence", "question", "lexical", "raw_chunk", "coverage", "margin", "refusal", "line"
)  # fmt: skip


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
    # (question row, sentence row) pairs: the sentences each training question's gold lies in
    expansion_sentences: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    # A later excerpt supports the answer when its score is within this of the first's (inf: always).
    support_gap: float = math.inf
    # A second adapter, trained to bring a question to the sentence that answers it (rather than to the
    # passage): what the bold line reads. Empty (0, 0) before training.
    line_adapter: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    # Stems of the content words of the answerable training questions: how people ask about the article.
    # A question's coverage counts its words found here as well as in the article.
    asked_words: frozenset[str] = frozenset()
    # Answer unasked (in an ask-channel) when P(answerable) >= this: a bar at or above abstain_threshold.
    channel_threshold: float = 0.5
    # The training questions' texts, one per row of `expansions`: BM25 reads each passage with the words
    # of the questions it answers (doc2query-style, as the vectors do), so "wat is con ed" finds the
    # passage whose training questions say "con ed". Empty: BM25 reads the passages alone.
    expansion_texts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Shared by every thread that answers: its arrays are read-only, as the dataclass is frozen.
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

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
        np.save(folder / LINE_ADAPTER_FILE, self.line_adapter.astype(np.float32))
        np.savez(
            folder / EXPANSIONS_FILE,
            vectors=self.expansions.astype(np.float16),
            chunks=self.expansion_chunks,
            sentences=self.expansion_sentences,
            refusals=self.refusals.astype(np.float16),
        )
        meta = {
            "components": list(COMPONENTS),
            "weights": list(self.weights),
            "features": list(FEATURES),
            "abstain_weights": list(self.abstain_weights),
            "abstain_bias": self.abstain_bias,
            "abstain_threshold": self.abstain_threshold,
            "channel_threshold": self.channel_threshold,
            "support_gap": self.support_gap if math.isfinite(self.support_gap) else None,
            "asked_words": sorted(self.asked_words),
            "expansion_texts": list(self.expansion_texts),
        }
        (folder / MODEL_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> RetrievalModel:
        """Read the model saved beside an index."""
        path = folder / MODEL_FILE
        if not path.exists():
            raise IndexMissing(f"The retrieval model in {folder} is missing; build it with `{REBUILD}`.")
        try:
            meta = read_json(path)
            if tuple(meta["features"]) != FEATURES or tuple(meta["components"]) != COMPONENTS:
                raise IndexStale(
                    f"The retrieval model in {folder} was trained by another version of the bot, for other "
                    f"features; rebuild it with `{REBUILD}`."
                )
            if "expansion_texts" not in meta:
                raise IndexStale(
                    f"The retrieval model in {folder} was trained by another version of the bot, whose "
                    f"BM25 read the passages alone; rebuild it with `{REBUILD}`."
                )
            expansions = load_array(folder / EXPANSIONS_FILE)
            return cls(
                load_array(folder / ADAPTER_FILE).astype(np.float32),
                tuple(float(w) for w in meta["weights"]),
                expansions["vectors"].astype(np.float32),
                expansions["chunks"].astype(np.int64),
                expansions["refusals"].astype(np.float32),
                tuple(float(w) for w in meta["abstain_weights"]),
                float(meta["abstain_bias"]),
                float(meta["abstain_threshold"]),
                expansions["sentences"].astype(np.int64),
                math.inf if meta.get("support_gap") is None else float(meta["support_gap"]),
                load_array(folder / LINE_ADAPTER_FILE).astype(np.float32),
                _words(meta["asked_words"]),
                float(meta["channel_threshold"]),
                _texts(meta["expansion_texts"]),
            )
        except LOAD_ERRORS as exc:
            raise IndexCorrupt(
                f"The retrieval model in {folder} is damaged ({reason(exc)}); rebuild it with `{REBUILD}`."
            ) from exc

    def check(self, index: Index) -> None:
        """IndexCorrupt unless the model fits the index it was saved beside (shapes, ranges, numbers)."""
        problem = self._misfit(index.manifest.dim, len(index.chunks), len(index.sentence_vectors))
        if problem:
            raise IndexCorrupt(
                f"The retrieval model in {index.folder} is damaged ({problem}); rebuild it with `{REBUILD}`."
            )

    def _misfit(self, dim: int, chunks: int, sentences: int) -> str | None:
        """What doesn't fit an index of `chunks` passages (and `sentences` sentences) of `dim`-dimensional
        vectors, or None."""
        if self.adapter.shape != (dim, dim):
            return f"its adapter is {self.adapter.shape}, not ({dim}, {dim})"
        if self.line_adapter.shape not in ((dim, dim), (0, 0)):
            return f"its answer-line adapter is {self.line_adapter.shape}, not ({dim}, {dim})"
        if len(self.weights) != len(COMPONENTS) or len(self.abstain_weights) != len(FEATURES):
            return "it has the wrong number of weights"
        if any(m.ndim != 2 or m.shape[1] != dim for m in (self.expansions, self.refusals)):
            return "its question vectors have the wrong shape"
        if len(self.expansion_texts) != len(self.expansions):
            return f"it has {len(self.expansion_texts)} question texts for {len(self.expansions)} questions"
        problem = _pairs_misfit(self.expansion_chunks, len(self.expansions), chunks, "passage")
        if problem:
            return problem
        problem = _pairs_misfit(self.expansion_sentences, len(self.expansions), sentences, "sentence")
        if problem:
            return problem
        scalars = np.array(
            [
                *self.weights,
                *self.abstain_weights,
                self.abstain_bias,
                self.abstain_threshold,
                self.channel_threshold,
            ]
        )
        matrices = (self.adapter, self.line_adapter, self.expansions, self.refusals, scalars)
        if not all(np.isfinite(m).all() for m in matrices):
            return "it holds a value that is not a number"
        return None

    def line_query(self, raw: np.ndarray) -> np.ndarray | None:
        """The raw question vector read by the answer-line adapter (None before it is trained)."""
        if not self.line_adapter.size:
            return None
        return adapt(raw[None, :], self.line_adapter)[0]

    def confidence(self, features: np.ndarray) -> float:
        """P(the article answers the question) from the retrieval features."""
        z = float(np.dot(self.abstain_weights, features) + self.abstain_bias)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _pairs_misfit(pairs: np.ndarray, questions: int, targets: int, what: str) -> str | None:
    """What is wrong with (question row, `what` row) pairs for `questions` questions and `targets` of
    `what`, or None."""
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        return f"its question-to-{what} pairs have the wrong shape"
    rows, places = pairs[:, 0], pairs[:, 1]
    if not (((rows >= 0) & (rows < questions)).all() and ((places >= 0) & (places < targets)).all()):
        return f"a question-to-{what} pair points past its questions or {what}s"
    return None


def _words(value: object) -> frozenset[str]:
    """A list of words read from model.json (ValueError for anything else)."""
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise Damage("asked_words is not a list of words")
    return frozenset(value)


def _texts(value: object) -> tuple[str, ...]:
    """The training questions' texts read from model.json (Damage for anything else)."""
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise Damage("expansion_texts is not a list of texts")
    if any(len(t) > EXPANSION_TEXT_MAX for t in value):
        raise Damage(f"a question text is longer than {EXPANSION_TEXT_MAX} characters")
    return tuple(value)


def adapt(vectors: np.ndarray, adapter: np.ndarray) -> np.ndarray:
    """Apply the query adapter and re-normalise, so inner products stay cosines."""
    out = vectors @ adapter
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
