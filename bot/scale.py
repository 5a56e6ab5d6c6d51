"""The corpus-scale part of the bench: a synthetic 100,000-chunk vector index, built and searched."""

from __future__ import annotations

import resource
import time

import faiss
import numpy as np
from tqdm import tqdm

from bot.core.index import EXACT_LIMIT, new_vector_index

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
