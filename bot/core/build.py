"""What `meeting-bot index` does: export the serving encoder, embed the corpus, train retrieval."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.core.answer import load_checked
from bot.core.chunking import chunk_corpus
from bot.core.corpus import fingerprint
from bot.core.embedding import (
    EXPORT_FORMAT,
    MODEL_NAME,
    Embedder,
    default_model_dir,
    export_format,
)
from bot.core.highlight import HighlightModel
from bot.core.index import (
    QUESTIONS_READ,
    REBUILD,
    IndexError_,
    IndexStale,
    IndexUnwritable,
    Manifest,
    build_index,
    check_fresh,
    check_old_is_a_builds,
    check_replaceable,
    check_served_text,
    corpus_documents,
    leftovers,
    load_index,
    publish,
    remove_tree,
    swap,
    unwritable,
)
from bot.core.intents import EXAMPLES_FILE, IntentModel, read_examples, train_intents
from bot.core.model import RetrievalModel
from bot.core.spelling import Speller, english_words, protected_words
from bot.core.suggest import SUGGESTIONS_FILE

if TYPE_CHECKING:
    from bot.core.training import Question

log = logging.getLogger(__name__)

# The build extras (`pip install -e '.[build]'`) that rebuilding imports: module -> package providing it.
BUILD_MODULES = {
    "torch": "torch",
    "sentence_transformers": "sentence-transformers",
    "transformers": "transformers",
    "onnx": "onnx",
    "spellchecker": "pyspellchecker",
}


class BuildExtrasMissing(Exception):
    """Rebuilding needs packages a serving-only install lacks; the message names them and the fix."""


@dataclass(frozen=True)
class Paths:
    """Where the build reads and writes."""

    corpus: Path
    index: Path
    train: Path
    encoder: Path

    @classmethod
    def of(cls, settings: HasPaths) -> Paths:
        """The paths that settings name (bot.config.Settings, or anything with the same four folders)."""
        return cls(settings.corpus_dir, settings.index_dir, settings.train_dir, settings.encoder_dir)


class HasPaths(Protocol):
    """The four folders of the settings (bot.config.Settings has them); the core never reads settings."""

    corpus_dir: Path
    index_dir: Path
    train_dir: Path
    encoder_dir: Path


def training_files(train_dir: Path) -> list[Path]:
    """The hand-written training question files."""
    return sorted(train_dir.glob("*.jsonl"))


# Hand-written examples that are not training questions: the quote check's, which chose its thresholds,
# and the check sets, never trained on. Of those, `meeting-bot index` reads only the check sets'
# answerable lines, to choose the fusion weights with (`check_questions`).
NOT_INDEX_TRAINING = ("quotes", "checks")
CHECKS = "checks"


def check_questions(train_dir: Path) -> list[Question]:
    """The answerable lines (`basic`, with gold) of the check sets in TRAIN_DIR/checks, if any; every
    check set is in the first-contact format (a line that is not says which, and where)."""
    from bot.core.evaluation import read_contacts
    from bot.core.training import Question

    files = sorted((train_dir / CHECKS).glob("*.jsonl"))
    return [
        Question(c.text, c.gold, kind="check", id=c.id)
        for f in files
        for c in read_contacts(f)
        if c.kind == "basic" and c.gold
    ]


class TrainingFolderMissing(IndexError_):
    """TRAIN_DIR names no folder (an empty folder is allowed: the model is then untrained)."""


def training_hash(train_dir: Path) -> str:
    """A hash of every training file (questions, message-kind examples and the check sets, whose answerable
    lines choose the fusion weights), recorded in the manifest;
    TrainingFolderMissing when there is no such folder (a mistyped TRAIN_DIR built an untrained index,
    and serving called the index out of date)."""
    if not train_dir.is_dir():
        raise TrainingFolderMissing(
            f"No training folder at {train_dir}; check TRAIN_DIR (the checkout's train/ is the default)."
        )
    files = (
        p
        for p in train_dir.rglob("*.jsonl")
        if p.relative_to(train_dir).parts[0] not in NOT_INDEX_TRAINING or p.parent == train_dir / CHECKS
    )
    return fingerprint(sorted(files))


# What a training folder may hold besides training files: the questions /ask suggests, a read-me.
NOT_TRAINING_FILES = (SUGGESTIONS_FILE, "README.md")


def no_training_folder(train_dir: Path) -> None:
    """TrainingFolderMissing when TRAIN_DIR holds other files but no training (*.jsonl, as
    `training_hash` counts them): a wrong folder (a trial's /etc built an untrained model with only a
    warning). A folder that is empty, or holds only hidden files or what a training folder may hold
    besides, builds untrained."""
    try:
        trained = any(
            p.relative_to(train_dir).parts[0] not in NOT_INDEX_TRAINING for p in train_dir.rglob("*.jsonl")
        )
        other = next(
            (e.name for e in train_dir.iterdir() if e.name not in NOT_TRAINING_FILES and e.name[0] != "."),
            None,
        )  # a hidden file (.gitkeep, .DS_Store) is none of a person's
    except OSError as exc:
        raise TrainingFolderMissing(f"Cannot read TRAIN_DIR {train_dir}: {exc.strerror or exc}.") from exc
    if not trained and other is not None:
        raise TrainingFolderMissing(
            f"TRAIN_DIR {train_dir} holds no training files (*.jsonl); check TRAIN_DIR "
            "(the checkout's train/ is the default; an empty folder builds without training)."
        )


def _installed(module: str) -> bool:
    """Whether a module can be found (without importing it: torch takes seconds)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require_build_extras() -> None:
    """BuildExtrasMissing unless the packages that rebuilding imports are installed."""
    missing = [package for module, package in BUILD_MODULES.items() if not _installed(module)]
    if missing:
        raise BuildExtrasMissing(
            f"Rebuilding needs the build extras ({', '.join(missing)} not installed): "
            "pip install -e '.[build]'."
        )


@contextmanager
def rebuilding(index_dir: Path, what: str = "index") -> Iterator[None]:
    """Hold the index's build lock: one build at a time writes it and its leftovers (else IndexUnwritable).
    The encoder's export holds one of its own, `what` being "encoder".

    The lock is an flock on `.{name}.lock` beside the index: the system releases it when the process
    ends, however it ends.
    """
    lock = index_dir.with_name(f".{index_dir.name}.lock")
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise unwritable(index_dir.parent, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexUnwritable(
                f"Another `{REBUILD}` is rebuilding the {what} in {index_dir} right now; "
                "try again when it has finished."
            ) from None
        yield
    finally:
        os.close(fd)


def remove_leftovers(index_dir: Path) -> None:
    """Delete what interrupted builds left beside the index (call it holding the build lock)."""
    for leftover in leftovers(index_dir):
        log.info("removing %s, left by an interrupted build", leftover)
        try:
            remove_tree(leftover)
        except OSError as exc:
            raise unwritable(index_dir.parent, exc) from exc


def tidy(index_dir: Path) -> None:
    """Remove leftovers of interrupted builds, if there are any and no build is running (else a warning)."""
    if not leftovers(index_dir):
        return
    try:
        with rebuilding(index_dir):
            remove_leftovers(index_dir)
    except IndexUnwritable as exc:
        log.warning("%s", exc)


def encoder_ready(encoder_dir: Path) -> bool:
    """Whether the ONNX serving encoder has been exported, in the current export format."""
    return export_format(encoder_dir) == EXPORT_FORMAT


def ensure_encoder(encoder_dir: Path, threads: int | None = None) -> bool:
    """Export the ONNX encoder from the packaged model if it is missing or older; True if it exported.

    One export at a time (a lock beside the folder, as an index build holds): two at once could each keep
    another graph, and the info file describe the other's. What a killed export left goes first.
    `threads` are the serving encoder's (ENCODER_THREADS), with which its graphs are timed."""
    if encoder_ready(encoder_dir):
        return False
    require_build_extras()  # the export runs the model in torch
    from bot.core.export import export_onnx, remove_export_leftovers  # build-time only: imports torch

    with rebuilding(encoder_dir, "encoder"):
        if encoder_ready(encoder_dir):
            return False  # another process finished an export between the check above and the lock
        remove_export_leftovers(encoder_dir)
        log.info("exporting the ONNX encoder to %s", encoder_dir)
        export_onnx(default_model_dir(), encoder_dir, threads=threads)
    return True


def index_fresh(paths: Paths) -> bool:
    """Whether the index matches the corpus, chunker, model and training data (as this code reads the
    questions), and loads whole.

    It is loaded and checked exactly as serving loads it, so a damaged index is never "up to date".
    """
    try:
        check_fresh(paths.index, paths.corpus, training_hash(paths.train), MODEL_NAME)
        index, _, speller, _, _ = load_checked(paths.index)
        check_served_text(index, paths.corpus)
        check_questions_read(paths, speller)
    except IndexError_ as exc:
        log.info("the index needs rebuilding: %s", exc)
        return False
    return True


def questions_read(questions: Sequence[Question], speller: Speller) -> str:
    """A hash of the training questions as the typo repair reads them before training: a change of how
    they are read (a question word's chat spelling, "wen did…", became "when") changes what a build
    trains on though no training file changed, and the manifest's hash of the files cannot see it."""
    texts = "\n".join(speller.correct(q.text) for q in questions)
    return hashlib.sha256(texts.encode("utf-8", "surrogatepass")).hexdigest()


def check_questions_read(paths: Paths, speller: Speller) -> None:
    """IndexStale unless the index was trained on the training questions (and chose its weights on the check
    questions) as this code reads them."""
    from bot.core.training import read_questions

    questions = [q for f in training_files(paths.train) for q in read_questions(f)]
    questions += check_questions(paths.train)  # read the same way before they choose the fusion weights
    try:
        saved = (paths.index / QUESTIONS_READ).read_text(encoding="utf-8").strip()
    except OSError:
        saved = ""
    if saved != questions_read(questions, speller):
        raise IndexStale(
            f"The index in {paths.index} was trained on the training questions as an older version of the "
            f"bot read them; rebuild it with `{REBUILD}`."
        )


def train_message_kinds(train_dir: Path, questions: list, embedder: Embedder) -> IntentModel:
    """The message-kind model from train/intents/intents.jsonl and the training questions."""
    path = train_dir / EXAMPLES_FILE
    examples = read_examples(path) if path.exists() else []
    if not examples:
        log.warning("no message-kind examples in %s: every message is read as a question", path)
    return train_intents(examples, [q.text for q in questions], embedder.encode)


def rebuild(paths: Paths, progress: Callable[[int], Callable[[int], None]] | None = None) -> Manifest:
    """Embed the corpus with the reference encoder, write the index, then train and save the model.

    `progress(total)` returns a callback that is told how many texts were just embedded. Without the
    build extras it raises BuildExtrasMissing before touching anything; when a folder cannot be written,
    IndexUnwritable. Leftovers of an interrupted build (a killed process) are removed first.
    """
    require_build_extras()
    from bot.core.answer import corpus_speller
    from bot.core.embedding import SentenceTransformerEmbedder
    from bot.core.training import read_questions, train_model

    training = training_hash(paths.train)  # before anything is read or written
    no_training_folder(paths.train)
    with rebuilding(paths.index):
        check_replaceable(paths.index)
        remove_leftovers(paths.index)
        check_replaceable(paths.index.with_name(paths.index.name + ".new"), staging=True)  # written first
        check_old_is_a_builds(paths.index)  # where the live index goes as the new one is swapped in
        embedder = SentenceTransformerEmbedder()
        docs, digest = corpus_documents(paths.corpus)
        chunks = chunk_corpus(docs)
        total = len(chunks) + len({(c.doc, s.start) for c in chunks for s in c.sentences})
        tick = progress(total) if progress else None
        questions = [q for f in training_files(paths.train) for q in read_questions(f)]
        # Everything is built beside the live index and swapped in whole, so a reader (or a failure
        # half-way) never meets new vectors with an old model.
        staging = paths.index.with_name(paths.index.name + ".new")
        try:
            manifest = build_index(docs, embedder, staging, training, digest, tick)
            index = load_index(staging)
            texts = [c.text for c in index.chunks]
            Speller(texts, protected_words(texts, english_words())).save(staging)
            speller = corpus_speller(index)
            checks = check_questions(paths.train)
            read = questions_read([*questions, *checks], speller)
            (staging / QUESTIONS_READ).write_text(read + "\n", encoding="utf-8")
            if questions:
                model, report = train_model(index, embedder, questions, speller=speller, checks=checks)
                log.info("retrieval model trained on %d questions: %s", len(questions), report)
            else:
                model = RetrievalModel.untrained(index.manifest.dim)
                log.warning("no training questions in %s; using the untrained model", paths.train)
            model.save(staging)
            (report.highlight if questions else HighlightModel.default()).save(staging)
            train_message_kinds(paths.train, questions, embedder).save(staging)
            publish(staging)  # the files written since build_index published the folder
            swap(staging, paths.index)
        except OSError as exc:
            raise unwritable(paths.index.parent, exc) from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return manifest
