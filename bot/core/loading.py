"""The serving answerer from what `meeting-bot index` built: a fresh index and the ONNX encoder (no torch)."""

from __future__ import annotations

from threadpoolctl import threadpool_limits

from bot.core.answer import Answerer
from bot.core.build import Paths, encoder_ready, training_hash
from bot.core.embedding import MODEL_NAME, EmbeddingError, OnnxEmbedder
from bot.core.index import check_fresh, check_served_text


def load_answerer(paths: Paths, threads: int | None = None) -> Answerer:
    """Load the index (IndexMissing / IndexStale / IndexCorrupt) and the encoder (EmbeddingError).

    The process's BLAS is held to one thread: serving multiplies a question vector by matrices of a few
    hundred to a few thousand rows, and OpenBLAS's second thread, waiting on a core that onnxruntime's
    threads are spinning on, turned a 0.05 ms product into 3-6 ms (a message-kind table of 1,321 rows).
    """
    threadpool_limits(limits=1, user_api="blas")
    check_fresh(paths.index, paths.corpus, training_hash(paths.train), MODEL_NAME)
    if not encoder_ready(paths.encoder):
        raise EmbeddingError(
            f"The ONNX encoder in {paths.encoder} is missing or from an older version; "
            "export it with `meeting-bot index`."
        )
    answerer = Answerer.load(paths.index, OnnxEmbedder(paths.encoder, threads=threads))
    check_served_text(answerer.index, paths.corpus)
    return answerer
