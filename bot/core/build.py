"""What `meeting-bot index` does: export the serving encoder, embed the corpus, train retrieval."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core.chunking import chunk_corpus
from bot.core.corpus import fingerprint
from bot.core.embedding import (
    EXPORT_FORMAT,
    MODEL_NAME,
    Embedder,
    default_model_dir,
    export_format,
    export_onnx,
)
from bot.core.highlight import HighlightModel
from bot.core.index import (
    IndexError_,
    Manifest,
    build_index,
    check_fresh,
    corpus_documents,
    load_index,
    swap,
)
from bot.core.intents import EXAMPLES_FILE, IntentModel, read_examples, train_intents
from bot.core.retrieval import RetrievalModel
from bot.core.spelling import Speller, english_words, protected_words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Paths:
    """Where the build reads and writes."""

    corpus: Path
    index: Path
    train: Path
    encoder: Path


def training_files(train_dir: Path) -> list[Path]:
    """The hand-written training question files."""
    return sorted(train_dir.glob("*.jsonl"))


def training_hash(train_dir: Path) -> str:
    """A hash of every training file (questions and message-kind examples), recorded in the manifest."""
    return fingerprint(sorted(train_dir.rglob("*.jsonl")))


def encoder_ready(encoder_dir: Path) -> bool:
    """Whether the ONNX serving encoder has been exported, in the current export format."""
    return export_format(encoder_dir) == EXPORT_FORMAT


def ensure_encoder(encoder_dir: Path) -> bool:
    """Export the ONNX encoder from the packaged model if it is missing or older; True if it exported."""
    if encoder_ready(encoder_dir):
        return False
    log.info("exporting the ONNX encoder to %s", encoder_dir)
    export_onnx(default_model_dir(), encoder_dir)
    return True


def index_fresh(paths: Paths) -> bool:
    """Whether the index exists and matches the corpus, chunker, model and training data."""
    try:
        check_fresh(paths.index, paths.corpus, training_hash(paths.train), MODEL_NAME)
        RetrievalModel.load(paths.index)
        IntentModel.load(paths.index)
        HighlightModel.load(paths.index)
    except IndexError_:
        return False
    return True


def train_message_kinds(train_dir: Path, questions: list, embedder: Embedder) -> IntentModel:
    """The message-kind model from train/intents/intents.jsonl and the training questions."""
    path = train_dir / EXAMPLES_FILE
    examples = read_examples(path) if path.exists() else []
    if not examples:
        log.warning("no message-kind examples in %s: every message is read as a question", path)
    return train_intents(examples, [q.text for q in questions], embedder.encode)


def rebuild(paths: Paths, progress: Callable[[int], Callable[[int], None]] | None = None) -> Manifest:
    """Embed the corpus with the reference encoder, write the index, then train and save the model.

    `progress(total)` returns a callback that is told how many texts were just embedded.
    """
    from bot.core.answer import corpus_speller
    from bot.core.embedding import SentenceTransformerEmbedder
    from bot.core.training import read_questions, train_model

    embedder = SentenceTransformerEmbedder()
    docs, digest = corpus_documents(paths.corpus)
    chunks = chunk_corpus(docs)
    total = len(chunks) + len({(c.doc, s.start) for c in chunks for s in c.sentences})
    tick = progress(total) if progress else None
    questions = [q for f in training_files(paths.train) for q in read_questions(f)]
    # Everything is built beside the live index and swapped in whole, so a reader (or a failure
    # half-way) never meets new vectors with an old model.
    staging = paths.index.with_name(paths.index.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        manifest = build_index(docs, embedder, staging, training_hash(paths.train), digest, tick)
        index = load_index(staging)
        texts = [c.text for c in index.chunks]
        Speller(texts, protected_words(texts, english_words())).save(staging)
        if questions:
            model, report = train_model(index, embedder, questions, speller=corpus_speller(index))
            log.info("retrieval model trained on %d questions: %s", len(questions), report)
        else:
            model = RetrievalModel.untrained(index.manifest.dim)
            log.warning("no training questions in %s; using the untrained model", paths.train)
        model.save(staging)
        (report.highlight if questions else HighlightModel.default()).save(staging)
        train_message_kinds(paths.train, questions, embedder).save(staging)
        swap(staging, paths.index)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
