"""The corpus-scale part of the bench: a synthetic 100,000-chunk corpus through the real build and
search code, and a synthetic 100,000-vector index for search recall."""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from bot.core.corpus import corpus_hash, load_corpus
from bot.core.embedding import MODEL_NAME
from bot.core.index import EXACT_LIMIT, build_index, load_index, new_vector_index
from bot.core.model import RetrievalModel
from bot.core.retrieval import Retriever

DIM = 384
BATCH = 10_000
QUERIES = 200
TOPICS = 2_000


def _synthetic(rng: np.random.Generator, centres: np.ndarray, n: int) -> np.ndarray:
    """Unit vectors scattered around topic centres, like embeddings of many articles' passages."""
    v = centres[rng.integers(0, len(centres), n)] + 0.6 * rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def scale_test(chunks: int, seed: int = 0) -> dict:
    """Build the index the project would build for `chunks` vectors, in batches, and measure it.

    Embedding is left out (synthetic vectors stand in for it); what is measured is the part that
    grows with the corpus: building the vector index, its memory, and search speed and recall.
    """
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((TOPICS, DIM)).astype(np.float32)
    index = new_vector_index(DIM, chunks)
    start = time.perf_counter()
    with tqdm(total=chunks, desc="Indexing synthetic chunks", unit="chunk", disable=None) as bar:
        for done in range(0, chunks, BATCH):
            n = min(BATCH, chunks - done)
            index.add(_synthetic(rng, centres, n))
            bar.update(n)
    build = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the exact reference below
    queries = _synthetic(rng, centres, QUERIES)
    t = time.perf_counter()
    _, found = index.search(queries, 10)
    search_ms = (time.perf_counter() - t) / QUERIES * 1000
    stored = index.reconstruct_n(0, index.ntotal)
    t = time.perf_counter()
    _, exact = faiss.knn(queries, stored, 10, metric=faiss.METRIC_INNER_PRODUCT)
    exact_ms = (time.perf_counter() - t) / QUERIES * 1000
    recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, found, strict=True)]))
    return {
        "chunks": chunks,
        "kind": "HNSW" if chunks > EXACT_LIMIT else "exact (flat)",
        "build_s": build,
        "peak_rss_mb": peak_mb,
        "search_ms": search_ms,
        "exact_search_ms": exact_ms,
        "recall_at_10": recall,
    }


class HashEmbedder:
    """A stand-in encoder for scale runs: a fixed pseudo-random unit vector per text, ~1 µs a text."""

    name = MODEL_NAME
    dim = DIM

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One deterministic unit vector per text."""
        out = np.empty((len(texts), DIM), np.float32)
        for i, t in enumerate(texts):
            out[i] = np.random.default_rng(zlib.crc32(t.encode())).standard_normal(DIM, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


SENTENCES_PER_PARAGRAPH = 8
WORDS_PER_SENTENCE = 12


def write_synthetic_corpus(folder: Path, chunks: int, words: Sequence[str], seed: int = 0) -> None:
    """Markdown documents whose paragraphs chunk into about `chunks` chunks (4 per paragraph)."""
    rng = np.random.default_rng(seed)
    paragraphs = max(1, chunks // 4)
    per_doc = 500
    for d in range(0, paragraphs, per_doc):
        lines = [f"---\ntitle: Synthetic document {d // per_doc}\ndate: 2025-11-21\nsource: synthetic\n---\n"]
        for p in range(min(per_doc, paragraphs - d)):
            if p % 50 == 0:
                lines.append(f"## Section {p // 50}\n")
            picks = rng.integers(0, len(words), SENTENCES_PER_PARAGRAPH * WORDS_PER_SENTENCE)
            sentences = [
                " ".join(words[i] for i in picks[k : k + WORDS_PER_SENTENCE]).capitalize() + "."
                for k in range(0, len(picks), WORDS_PER_SENTENCE)
            ]
            lines.append(" ".join(sentences) + "\n")
        (folder / f"doc{d // per_doc:04d}.md").write_text("\n".join(lines), encoding="utf-8")


def pipeline_scale(chunks: int, vocabulary: Sequence[str]) -> dict:
    """Build a synthetic corpus with the real chunker and index builder, load it and answer from it.

    The encoder is a stand-in (embedding 100,000 real passages takes ~17 minutes on 2 cores); what is
    measured is everything else the corpus size drives: chunking, streaming vectors into the index,
    metadata, memory, loading and per-question search over BM25 + HNSW.
    """
    embedder = HashEmbedder()
    with tempfile.TemporaryDirectory(prefix="meeting-bot-scale-") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        write_synthetic_corpus(corpus, chunks, vocabulary)
        start = time.perf_counter()
        docs = load_corpus(corpus)
        with tqdm(desc="Building synthetic index", unit="text", disable=None) as bar:
            manifest = build_index(
                docs, embedder, out, "synthetic", corpus_hash(corpus), bar.update, batch=2048
            )
        build_s = time.perf_counter() - start
        build_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        del docs
        start = time.perf_counter()
        index = load_index(out)
        retriever = Retriever(index, embedder, RetrievalModel.untrained(DIM))
        load_s = time.perf_counter() - start
        questions = [
            " ".join(vocabulary[(i * 7 + j * 13) % len(vocabulary)] for j in range(6)) for i in range(50)
        ]
        times = []
        for q in questions:
            t = time.perf_counter()
            retriever.retrieve(q)
            times.append((time.perf_counter() - t) * 1000)
        return {
            "chunks": manifest.chunks,
            "sentences": manifest.sentences,
            "kind": manifest.kind,
            "build_s": build_s,
            "build_peak_rss_mb": build_peak,
            "load_s": load_s,
            "search_p50_ms": statistics.median(times),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
