"""Tests for bot.core.index: build/load round trip with a fake embedder, staleness, damage, freshness."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from bot.core.answer import corpus_speller, load_checked
from bot.core.build import Paths, check_questions_read, index_fresh, training_hash
from bot.core.chunking import CHUNKER_VERSION, chunk_corpus
from bot.core.corpus import CorpusError, corpus_hash, load_corpus
from bot.core.embedding import MODEL_NAME, Embedder
from bot.core.highlight import FEATURES as HIGHLIGHT_FEATURES
from bot.core.highlight import MODEL_FILE as HIGHLIGHT_FILE
from bot.core.highlight import HighlightModel
from bot.core.index import (
    CHUNKS,
    FORMAT_VERSION,
    MANIFEST,
    QUESTIONS_READ,
    REBUILD,
    SENTENCES,
    VECTORS,
    IndexCorrupt,
    IndexMissing,
    IndexStale,
    Manifest,
    build_index,
    check_fresh,
    check_served_text,
    load_index,
    read_manifest,
    staleness,
)
from bot.core.intents import SETTINGS_FILE as INTENT_SETTINGS
from bot.core.model import ADAPTER_FILE, EXPANSIONS_FILE, MODEL_FILE, RetrievalModel
from bot.core.spelling import PROTECTED_FILE

TRAINING = "training-hash-for-tests"
HARBOUR = """---
title: The Harbour Festival
date: 2024-06-01
source: written for the tests
---

The harbour festival opened on Friday evening. Boats were lit with lanterns.

## Music

A brass band played sea shanties on the pier. The crowd sang along until midnight.

- Fiddlers: Two fiddlers from the island joined the band after ten.

## Questions

### Who paid for the fireworks?

The fishermen's guild paid for the fireworks. Nobody else was asked.
"""
MARKET = """---
title: The Market Day
date: 2024-07-01
source: written for the tests
---

The market sold cheese, bread and apples. It closed at noon.
"""


@pytest.fixture
def corpus_dir(write_corpus: Callable[..., Path]) -> Path:
    """A two-document synthetic corpus."""
    return write_corpus({"harbour.md": HARBOUR, "market.md": MARKET})


@pytest.fixture
def index_dir(corpus_dir: Path, fake_embedder: Embedder, tmp_path: Path) -> Path:
    """An index of the synthetic corpus built with the fake embedder."""
    out = tmp_path / "index"
    build_index(load_corpus(corpus_dir), fake_embedder, out, TRAINING, corpus_hash(corpus_dir))
    return out


def test_fake_embedder_is_a_deterministic_unit_vector_embedder(fake_embedder: Embedder) -> None:
    assert isinstance(fake_embedder, Embedder)
    vectors = fake_embedder.encode(["a boat", "a boat", "cheese and bread"])
    assert vectors.shape == (3, fake_embedder.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(vectors[0], vectors[1])
    assert abs(float(vectors[0] @ vectors[2])) < 0.5


def test_load_index_round_trips_chunks_vectors_and_documents(
    corpus_dir: Path, index_dir: Path, fake_embedder: Embedder
) -> None:
    docs = load_corpus(corpus_dir)
    expected = tuple(chunk_corpus(docs))
    index = load_index(index_dir)
    assert index.chunks == expected
    assert index.vectors.ntotal == len(expected)
    np.testing.assert_allclose(
        index.chunk_vectors(), fake_embedder.encode([c.search_text for c in expected]), atol=1e-6
    )
    assert index.sentence_vectors.shape == (index.manifest.sentences, fake_embedder.dim)
    assert set(index.docs) == {"harbour", "market"}
    harbour = index.docs["harbour"]
    assert (harbour.title, harbour.date, harbour.source) == (
        "The Harbour Festival",
        "2024-06-01",
        "written for the tests",
    )
    assert harbour.sections == ("Opening", "Music", "Questions")


def test_sentence_rows_point_at_each_chunks_sentence_vectors(
    index_dir: Path, fake_embedder: Embedder
) -> None:
    index = load_index(index_dir)
    for chunk, rows in zip(index.chunks, index.sentence_rows, strict=True):
        assert len(rows) == len(chunk.sentences)
        expected = fake_embedder.encode([s.text for s in chunk.sentences])
        np.testing.assert_allclose(index.sentence_vectors[list(rows)], expected, atol=2e-3)  # float16


def test_searching_a_chunks_own_text_finds_that_chunk_first(index_dir: Path, fake_embedder: Embedder) -> None:
    index = load_index(index_dir)
    for position, chunk in enumerate(index.chunks):
        scores, ids = index.search(fake_embedder.encode([chunk.search_text]), 1)
        assert ids[0][0] == position
        assert scores[0][0] == pytest.approx(1.0, abs=1e-5)


def test_read_manifest_records_what_the_index_was_built_from(
    corpus_dir: Path, index_dir: Path, fake_embedder: Embedder
) -> None:
    m = read_manifest(index_dir)
    chunks = chunk_corpus(load_corpus(corpus_dir))
    assert m.format == FORMAT_VERSION
    assert (m.model, m.dim) == (fake_embedder.name, fake_embedder.dim)
    assert m.corpus_hash == corpus_hash(corpus_dir)
    assert m.chunker_version == CHUNKER_VERSION
    assert m.training_hash == TRAINING
    assert m.chunks == len(chunks)
    assert m.sentences == len({(c.doc, s.start, s.end) for c in chunks for s in c.sentences})
    assert m.kind == "flat"
    assert datetime.fromisoformat(m.built_at).tzinfo is not None


def test_a_rebuild_replaces_the_whole_folder_and_leaves_nothing_behind(
    corpus_dir: Path, index_dir: Path, fake_embedder: Embedder
) -> None:
    """A retrieval model trained for the old chunks must not survive next to the new vectors."""
    RetrievalModel.untrained(fake_embedder.dim).save(index_dir)
    (corpus_dir / "market.md").write_text(MARKET + "\nA second paragraph appeared.\n", encoding="utf-8")
    build_index(load_corpus(corpus_dir), fake_embedder, index_dir, TRAINING, corpus_hash(corpus_dir))
    assert read_manifest(index_dir).corpus_hash == corpus_hash(corpus_dir)
    assert any("second paragraph" in c.text for c in load_index(index_dir).chunks)
    assert not (index_dir / MODEL_FILE).exists()
    assert {p.name for p in index_dir.iterdir()} == {MANIFEST, CHUNKS, VECTORS, SENTENCES}
    assert {p.name for p in index_dir.parent.iterdir()} == {corpus_dir.name, index_dir.name}


# ---------------------------------------------------------------- staleness


@pytest.fixture
def manifest(index_dir: Path) -> Manifest:
    """The fresh synthetic index's manifest."""
    return read_manifest(index_dir)


def test_a_fresh_manifest_has_no_staleness_reason(manifest: Manifest) -> None:
    assert staleness(manifest, manifest.corpus_hash, TRAINING, manifest.model) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param({"corpus_hash": "0" * 64}, "corpus has changed", id="corpus"),
        pytest.param({"chunker_version": "0"}, "chunker has changed", id="chunker"),
        pytest.param({"model": "some/other-model"}, "built with some/other-model", id="model"),
        pytest.param({"training_hash": "other"}, "message kinds or check sets", id="training"),
        pytest.param({"format": FORMAT_VERSION + 1}, "another version", id="format"),
    ],
)
def test_each_changed_input_gives_its_staleness_reason(
    manifest: Manifest, change: dict[str, object], reason: str
) -> None:
    built = dataclasses.replace(manifest, **change)
    why = staleness(built, manifest.corpus_hash, TRAINING, manifest.model)
    assert why is not None and reason in why


def test_check_fresh_returns_the_manifest_of_a_fresh_index(
    corpus_dir: Path, index_dir: Path, fake_embedder: Embedder
) -> None:
    assert check_fresh(index_dir, corpus_dir, TRAINING, fake_embedder.name) == read_manifest(index_dir)


def test_check_fresh_after_a_corpus_edit_raises_index_stale_with_the_fix(
    corpus_dir: Path, index_dir: Path, fake_embedder: Embedder
) -> None:
    (corpus_dir / "market.md").write_text(MARKET.replace("noon", "one"), encoding="utf-8")
    with pytest.raises(IndexStale, match="corpus has changed") as info:
        check_fresh(index_dir, corpus_dir, TRAINING, fake_embedder.name)
    assert REBUILD == "meeting-bot index" and "meeting-bot index" in str(info.value)


@pytest.mark.parametrize(
    ("training", "model", "reason"),
    [
        pytest.param("different", None, "training files", id="training"),
        pytest.param(TRAINING, MODEL_NAME, "built with", id="model"),
    ],
)
def test_check_fresh_with_other_training_or_model_raises_index_stale(
    corpus_dir: Path,
    index_dir: Path,
    fake_embedder: Embedder,
    training: str,
    model: str | None,
    reason: str,
) -> None:
    with pytest.raises(IndexStale, match=reason) as info:
        check_fresh(index_dir, corpus_dir, training, model or fake_embedder.name)
    assert "meeting-bot index" in str(info.value)


def test_check_fresh_without_a_corpus_says_so(
    index_dir: Path, tmp_path: Path, fake_embedder: Embedder
) -> None:
    """A trial's CORPUS_DIR=/nonexistent was reported as "the corpus has changed since it was built"."""
    with pytest.raises(CorpusError, match="No .md documents found in"):
        check_fresh(index_dir, tmp_path / "nowhere", TRAINING, fake_embedder.name)


def test_check_fresh_with_an_older_chunker_raises_index_stale(
    corpus_dir: Path, index_dir: Path, fake_embedder: Embedder
) -> None:
    data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    data["chunker_version"] = "old"
    (index_dir / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexStale, match="chunker"):
        check_fresh(index_dir, corpus_dir, TRAINING, fake_embedder.name)


# ---------------------------------------------------------------- missing and damaged


def test_a_missing_folder_raises_index_missing(tmp_path: Path, corpus_dir: Path) -> None:
    nowhere = tmp_path / "no-index-here"
    for attempt in (
        lambda: read_manifest(nowhere),
        lambda: load_index(nowhere),
        lambda: check_fresh(nowhere, corpus_dir, TRAINING, MODEL_NAME),
    ):
        with pytest.raises(IndexMissing, match="meeting-bot index"):
            attempt()


def test_a_missing_retrieval_model_raises_index_missing(index_dir: Path) -> None:
    with pytest.raises(IndexMissing, match="meeting-bot index"):
        RetrievalModel.load(index_dir)


def test_the_retrieval_model_round_trips(index_dir: Path, fake_embedder: Embedder) -> None:
    untrained = RetrievalModel.untrained(fake_embedder.dim)
    model = dataclasses.replace(untrained, asked_words=frozenset({"rent", "meet"}))
    model.save(index_dir)
    loaded = RetrievalModel.load(index_dir)
    assert loaded.asked_words == {"rent", "meet"}
    np.testing.assert_array_equal(loaded.adapter, model.adapter)
    assert loaded.weights == model.weights
    assert loaded.abstain_weights == model.abstain_weights
    assert (loaded.abstain_bias, loaded.abstain_threshold) == (model.abstain_bias, model.abstain_threshold)


def test_the_training_question_texts_round_trip_and_are_checked(
    index_dir: Path, fake_embedder: Embedder
) -> None:
    """BM25 reads them with the passages. A model saved before they were kept asks for a rebuild (its
    weights were chosen for BM25 over the passages alone); a text too long, or one too few, is damage."""
    untrained = RetrievalModel.untrained(fake_embedder.dim)
    vectors = np.zeros((2, fake_embedder.dim), np.float32)
    model = dataclasses.replace(untrained, expansions=vectors, expansion_texts=("when?", "who?"))
    model.save(index_dir)
    assert RetrievalModel.load(index_dir).expansion_texts == ("when?", "who?")
    meta = json.loads((index_dir / MODEL_FILE).read_text(encoding="utf-8"))
    for damaged in ([1, 2], "when?", ["x" * 1001, "who?"]):
        meta["expansion_texts"] = damaged
        (index_dir / MODEL_FILE).write_text(json.dumps(meta), encoding="utf-8")
        with pytest.raises(IndexCorrupt, match="meeting-bot index"):
            RetrievalModel.load(index_dir)
    del meta["expansion_texts"]
    (index_dir / MODEL_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IndexStale, match="another version of the bot.*meeting-bot index"):
        RetrievalModel.load(index_dir)
    for texts in (("when?",), ()):
        misfit = dataclasses.replace(model, expansion_texts=texts)
        problem = misfit._misfit(fake_embedder.dim, 1, 1) or ""
        assert f"{len(texts)} question texts for 2 questions" in problem


@pytest.mark.parametrize("words", ["rent", {"a": 1}, [1, None], None])
def test_damaged_words_in_the_retrieval_model_raise_index_corrupt(
    index_dir: Path, fake_embedder: Embedder, words: object
) -> None:
    RetrievalModel.untrained(fake_embedder.dim).save(index_dir)
    meta = json.loads((index_dir / MODEL_FILE).read_text(encoding="utf-8"))
    meta["asked_words"] = words
    (index_dir / MODEL_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="meeting-bot index"):
        RetrievalModel.load(index_dir)


def test_a_model_of_another_version_asks_for_a_rebuild(index_dir: Path, fake_embedder: Embedder) -> None:
    # An index built before the abstainer read the answer-line cosine (nine features) was called damaged.
    RetrievalModel.untrained(fake_embedder.dim).save(index_dir)
    HighlightModel.default().save(index_dir)
    for name in (MODEL_FILE, HIGHLIGHT_FILE):
        meta = json.loads((index_dir / name).read_text(encoding="utf-8"))
        meta["features"] = meta["features"][:-1]
        (index_dir / name).write_text(json.dumps(meta), encoding="utf-8")
    for load in (RetrievalModel.load, HighlightModel.load):
        with pytest.raises(IndexStale, match="another version of the bot.*meeting-bot index"):
            load(index_dir)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: (d / VECTORS).write_bytes(b"not a faiss index at all"), id="garbage-faiss"),
        pytest.param(lambda d: _truncate(d / VECTORS), id="truncated-faiss"),
        pytest.param(lambda d: _truncate(d / CHUNKS), id="truncated-chunks-json"),
        pytest.param(lambda d: (d / CHUNKS).write_text('{"docs": []}', encoding="utf-8"), id="chunks-no-key"),
        pytest.param(lambda d: (d / SENTENCES).unlink(), id="missing-sentences"),
        pytest.param(lambda d: (d / SENTENCES).write_bytes(b"garbage bytes"), id="garbage-sentences"),
        pytest.param(lambda d: (d / MANIFEST).write_text("{", encoding="utf-8"), id="truncated-manifest"),
        pytest.param(lambda d: (d / MANIFEST).write_text("{}", encoding="utf-8"), id="empty-manifest"),
    ],
)
def test_a_damaged_index_raises_index_corrupt(index_dir: Path, damage: Callable[[Path], object]) -> None:
    damage(index_dir)
    with pytest.raises(IndexCorrupt, match="meeting-bot index"):
        load_index(index_dir)


# What Python's and numpy's own messages say, which a person fixing an index cannot act on.
_INTERNALS = ("pickle", "__init__", "positional", "codec", "Error", "Errno", "allow_", "('")


def _endless(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    """A named pipe no one writes to: opening it to read would wait for ever."""
    path.unlink()
    os.mkfifo(path)


def _as_hnsw(path: Path) -> None:
    """The same vectors in an HNSW index, whose graph FAISS sizes by what the file claims."""
    import faiss

    flat = faiss.read_index(str(path))
    hnsw = faiss.IndexHNSWFlat(flat.d, 8, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(flat.reconstruct_n(0, flat.ntotal))
    faiss.write_index(hnsw, str(path))


def _claim_floats(path: Path, floats: int) -> None:
    """The FAISS file, the same size, with a header claiming `floats` numbers' worth of vectors."""
    data = bytearray(path.read_bytes())
    dim = int.from_bytes(data[4:8], "little")
    data[8:16] = (floats // dim).to_bytes(8, "little")
    data[37:45] = floats.to_bytes(8, "little")
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "load", "says"),
    [
        pytest.param(
            lambda d: _endless(d / CHUNKS), load_index, "chunks.json is not a regular", id="endless-chunks"
        ),
        pytest.param(
            lambda d: _endless(d / MANIFEST), load_index, "manifest.json is not a", id="endless-manifest"
        ),
        pytest.param(
            lambda d: (d / MANIFEST).write_text("{}", encoding="utf-8"),
            load_index,
            "manifest.json",
            id="manifest-{}",
        ),
        pytest.param(
            lambda d: (d / MANIFEST).write_text("[]", encoding="utf-8"),
            load_index,
            "manifest.json",
            id="manifest-[]",
        ),
        pytest.param(
            lambda d: (d / VECTORS).write_bytes(b"garbage"), load_index, "chunks.faiss", id="garbage-faiss"
        ),
        pytest.param(
            lambda d: (d / ADAPTER_FILE).write_bytes(b"garbage"),
            RetrievalModel.load,
            "adapter.npy",
            id="garbage-npy",
        ),
        pytest.param(
            lambda d: (d / ADAPTER_FILE).unlink(),
            RetrievalModel.load,
            "adapter.npy is missing",
            id="missing-npy",
        ),
        pytest.param(lambda d: _endless(d / MODEL_FILE), RetrievalModel.load, "not a", id="endless-model"),
        pytest.param(lambda d: _fifo(d / CHUNKS), load_index, "chunks.json is not a", id="fifo-chunks"),
        pytest.param(lambda d: _fifo(d / VECTORS), load_index, "chunks.faiss is not a", id="fifo-faiss"),
        pytest.param(lambda d: _claim_floats(d / VECTORS, 2**31), load_index, "faiss", id="faiss-2^31"),
        pytest.param(lambda d: _as_hnsw(d / VECTORS), load_index, "kind of index", id="hnsw-for-flat"),
        pytest.param(
            lambda d: (d / MODEL_FILE).write_text("{}", encoding="utf-8"),
            RetrievalModel.load,
            "lacks",
            id="model-{}",
        ),
    ],
)
def test_a_damaged_file_is_named_in_words_and_an_endless_one_is_not_read_whole(
    index_dir: Path,
    fake_embedder: Embedder,
    damage: Callable[[Path], object],
    load: Callable[[Path], object],
    says: str,
) -> None:
    """Before these checks, an index file linked to /dev/zero was read until the kernel killed the process, a
    pipe blocked the reader for ever, a FAISS header's claim was allocated (8.6 GB for 2^31 floats), and the
    messages quoted numpy's pickle advice, a constructor's missing arguments or a bare key."""
    RetrievalModel.untrained(fake_embedder.dim).save(index_dir)
    damage(index_dir)
    with pytest.raises(IndexCorrupt, match="meeting-bot index") as caught:
        load(index_dir)
    message = str(caught.value)
    assert says in message and not any(s in message for s in _INTERNALS), message


def test_chunks_that_disagree_with_the_vectors_raise_index_corrupt(index_dir: Path) -> None:
    meta = json.loads((index_dir / CHUNKS).read_text(encoding="utf-8"))
    meta["chunks"] = meta["chunks"][:-1]
    (index_dir / CHUNKS).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="inconsistent"):
        load_index(index_dir)


def test_an_empty_sentences_file_raises_index_corrupt(index_dir: Path) -> None:
    (index_dir / SENTENCES).write_bytes(b"")
    with pytest.raises(IndexCorrupt):
        load_index(index_dir)


def test_a_truncated_expansions_file_raises_index_corrupt(index_dir: Path, fake_embedder: Embedder) -> None:
    RetrievalModel.untrained(fake_embedder.dim).save(index_dir)
    _truncate(index_dir / EXPANSIONS_FILE)
    with pytest.raises(IndexCorrupt):
        RetrievalModel.load(index_dir)


# ---------------------------------------------------------------- the committed index


def test_the_committed_index_is_fresh(repo_root: Path) -> None:
    """Fails when corpus/ or train/ is edited (or the chunker changes) without `meeting-bot index`."""
    check_fresh(repo_root / "index", repo_root / "corpus", training_hash(repo_root / "train"), MODEL_NAME)


def test_the_committed_index_was_trained_on_the_questions_as_this_code_reads_them(repo_root: Path) -> None:
    """Fails when a change of the typo repair changes how the training questions are read (a chat spelling
    of a question word, "wen did…", became "when" and the index was not rebuilt: a build then trained on
    other texts than the committed index had, and 44 of 3,624 replies differed)."""
    paths = Paths(repo_root / "corpus", repo_root / "index", repo_root / "train", repo_root / "models")
    check_questions_read(paths, corpus_speller(load_index(paths.index)))


def test_an_index_trained_on_questions_read_otherwise_is_stale(repo_root: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(repo_root / "index", index)
    (index / QUESTIONS_READ).write_text("0" * 64 + "\n", encoding="utf-8")
    paths = Paths(repo_root / "corpus", index, repo_root / "train", repo_root / "models")
    with pytest.raises(IndexStale, match="older version"):
        check_questions_read(paths, corpus_speller(load_index(index)))
    assert not index_fresh(paths)


def test_the_committed_index_loads_with_its_retrieval_model(repo_root: Path) -> None:
    index = load_index(repo_root / "index")
    model = RetrievalModel.load(repo_root / "index")
    assert index.manifest.dim == model.adapter.shape[0] == model.adapter.shape[1]


def test_the_committed_chunks_are_what_the_chunker_makes_of_the_corpus(repo_root: Path) -> None:
    """Catches a chunker change that forgot to bump CHUNKER_VERSION."""
    index = load_index(repo_root / "index")
    assert index.chunks == tuple(chunk_corpus(load_corpus(repo_root / "corpus")))


# ---------------------------------------------------------------- well-formed files that don't fit together


@pytest.fixture
def committed_copy(repo_root: Path, tmp_path: Path) -> Path:
    """A copy of the committed index (with its retrieval model and typo list), free to damage."""
    copy = tmp_path / "index"
    shutil.copytree(repo_root / "index", copy)
    return copy


def _edit_chunks(folder: Path, edit: Callable[[dict], object]) -> None:
    meta = json.loads((folder / CHUNKS).read_text(encoding="utf-8"))
    edit(meta)
    (folder / CHUNKS).write_text(json.dumps(meta), encoding="utf-8")


def _edit_array(folder: Path, name: str, edit: Callable[[np.ndarray], object]) -> None:
    array = np.load(folder / name)
    edit(array)
    np.save(folder / name, array)


def _edit_expansions(folder: Path, edit: Callable[[dict[str, np.ndarray]], object]) -> None:
    with np.load(folder / EXPANSIONS_FILE) as stored:
        arrays = {k: stored[k].copy() for k in stored.files}
    edit(arrays)
    np.savez(folder / EXPANSIONS_FILE, **arrays)


def _edit_model(folder: Path, edit: Callable[[dict], object]) -> None:
    meta = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
    edit(meta)
    (folder / MODEL_FILE).write_text(json.dumps(meta), encoding="utf-8")


def _set_row(meta: dict, value: object) -> None:
    meta["chunks"][0]["rows"][0] = value


INCONSISTENT = [
    pytest.param(lambda d: (d / VECTORS).write_bytes(b"not a faiss index at all"), id="garbage-faiss"),
    pytest.param(lambda d: _edit_chunks(d, lambda m: _set_row(m, 10**6)), id="row-past-sentences"),
    pytest.param(lambda d: _edit_chunks(d, lambda m: _set_row(m, -1)), id="negative-row"),
    pytest.param(lambda d: _edit_chunks(d, lambda m: _set_row(m, 1.5)), id="fractional-row"),
    pytest.param(lambda d: _edit_chunks(d, lambda m: m["chunks"][0]["rows"].pop()), id="rows-missing"),
    pytest.param(
        lambda d: _edit_chunks(d, lambda m: m["chunks"][0].update(doc="elsewhere")), id="unknown-doc"
    ),
    pytest.param(
        lambda d: _edit_chunks(d, lambda m: m["chunks"][0]["sentences"][0].__setitem__(1, 10**7)),
        id="sentence-past-its-chunk",
    ),
    pytest.param(
        lambda d: _edit_array(d, SENTENCES, lambda a: a.__setitem__((3, 7), np.nan)), id="nan-sentence"
    ),
    pytest.param(
        lambda d: _edit_array(d, ADAPTER_FILE, lambda a: a.__setitem__((0, 0), np.nan)), id="nan-adapter"
    ),
    pytest.param(
        lambda d: np.save(d / ADAPTER_FILE, np.eye(10, dtype=np.float32)), id="adapter-of-other-size"
    ),
    pytest.param(
        lambda d: _edit_expansions(d, lambda e: e["chunks"].__setitem__((0, 1), 10**6)),
        id="expansion-past-chunks",
    ),
    pytest.param(
        lambda d: _edit_expansions(d, lambda e: e["chunks"].__setitem__((0, 0), 10**6)),
        id="expansion-past-questions",
    ),
    pytest.param(
        lambda d: _edit_expansions(d, lambda e: e["vectors"].__setitem__((0, 0), np.inf)), id="inf-expansion"
    ),
    pytest.param(  # was an IndexError when a question was answered ("something went wrong")
        lambda d: _edit_expansions(d, lambda e: e["sentences"].__setitem__((0, 1), 10**9)),
        id="expansion-past-sentences",
    ),
    pytest.param(lambda d: _edit_model(d, lambda m: m["weights"].pop()), id="weights-missing"),
    pytest.param(lambda d: _edit_model(d, lambda m: m.update(abstain_bias=float("nan"))), id="nan-bias"),
    pytest.param(lambda d: (d / PROTECTED_FILE).unlink(), id="typo-list-missing"),
    # a trial: an emptied or cut typo list was taken, and the English words cut off "corrected"
    pytest.param(lambda d: (d / PROTECTED_FILE).write_text("", encoding="utf-8"), id="typo-list-emptied"),
    pytest.param(
        lambda d: (d / PROTECTED_FILE).write_text(
            "\n".join((d / PROTECTED_FILE).read_text(encoding="utf-8").splitlines()[:-100]) + "\n",
            encoding="utf-8",
        ),
        id="typo-list-cut",
    ),
    pytest.param(  # a review: a cut inside the last word, or inside the count line, was taken
        lambda d: (d / PROTECTED_FILE).write_text(
            (d / PROTECTED_FILE).read_text(encoding="utf-8")[:-9], encoding="utf-8"
        ),
        id="typo-list-cut-in-a-word",
    ),
    pytest.param(lambda d: (d / PROTECTED_FILE).write_text("# w", encoding="utf-8"), id="typo-list-cut-to-3"),
    pytest.param(  # these two loaded without a word
        lambda d: _edit_json(d / INTENT_SETTINGS, lambda m: m.__setitem__("margin", float("nan"))),
        id="nan-margin",
    ),
    pytest.param(
        lambda d: _edit_json(d / INTENT_SETTINGS, lambda m: m["kinds"].__setitem__(0, 7)),
        id="kind-not-a-name",
    ),
    pytest.param(  # a review: read per message (Kind(kind)), an unknown kind failed each message it matched
        lambda d: _edit_json(d / INTENT_SETTINGS, lambda m: m["kinds"].__setitem__(0, "gossip")),
        id="kind-not-a-kind",
    ),
    pytest.param(
        lambda d: _edit_json(d / INTENT_SETTINGS, lambda m: m.__setitem__("neighbours", 0)),
        id="no-neighbours",
    ),
    pytest.param(
        lambda d: _edit_json(d / INTENT_SETTINGS, lambda m: m.__setitem__("keys", ["x"] * 10**4)),
        id="more-keys-than-vectors",
    ),
]


@pytest.mark.parametrize("damage", INCONSISTENT)
def test_an_inconsistent_index_is_reported_as_damaged_when_loaded(
    committed_copy: Path, damage: Callable[[Path], object]
) -> None:
    damage(committed_copy)
    with pytest.raises(IndexCorrupt, match="meeting-bot index") as caught:
        load_checked(committed_copy)
    assert "damaged" in str(caught.value) or "inconsistent" in str(caught.value)


@pytest.mark.parametrize("damage", INCONSISTENT)
def test_the_freshness_check_of_index_if_needed_sees_what_loading_sees(
    repo_root: Path, committed_copy: Path, damage: Callable[[Path], object]
) -> None:
    paths = Paths(repo_root / "corpus", committed_copy, repo_root / "train", repo_root / "models")
    assert index_fresh(paths)  # the copy as committed
    damage(committed_copy)
    assert not index_fresh(paths)


def _reworded(meta: dict) -> None:
    first = meta["chunks"][0]
    first["text"] = first["text"].replace("Mamdani", "Mandami", 1)


def _retitled(meta: dict) -> None:
    meta["docs"][0]["title"] = "Something else"


@pytest.mark.parametrize(("change", "said"), [(_reworded, "is not the corpus's text"), (_retitled, "title")])
def test_an_index_whose_text_is_not_the_corpus_is_refused(
    repo_root: Path, committed_copy: Path, change: Callable[[dict], object], said: str
) -> None:
    """An excerpt is quoted as the article's words: an edited copy of the text is never served."""
    paths = Paths(repo_root / "corpus", committed_copy, repo_root / "train", repo_root / "models")
    check_served_text(load_checked(committed_copy)[0], paths.corpus)  # as committed
    _edit_json(committed_copy / CHUNKS, change)
    with pytest.raises(IndexCorrupt, match=said) as caught:
        check_served_text(load_checked(committed_copy)[0], paths.corpus)
    assert "meeting-bot index" in str(caught.value)
    assert not index_fresh(paths)


def test_the_committed_index_passes_every_check(repo_root: Path) -> None:
    index, model, speller, _, _ = load_checked(repo_root / "index")
    assert len(index.chunks) == index.manifest.chunks and model.adapter.shape == (384, 384)
    assert speller.correct("teh meetng") == "the meeting"


# ---------------------------------------------------------------- file modes


def test_a_built_index_is_readable_by_other_users(
    corpus_dir: Path, fake_embedder: Embedder, tmp_path: Path
) -> None:
    """mkdtemp makes its folder 0700; the published index is 0755 with 0644 files (other service users)."""
    previous = os.umask(0o022)
    try:
        out = tmp_path / "index"
        build_index(load_corpus(corpus_dir), fake_embedder, out, TRAINING, corpus_hash(corpus_dir))
    finally:
        os.umask(previous)
    assert oct(out.stat().st_mode & 0o777) == "0o755"
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in out.iterdir()} == {
        name: "0o644" for name in (MANIFEST, CHUNKS, VECTORS, SENTENCES)
    }


def _edit_json(path: Path, change: Callable[[dict], object]) -> None:
    meta = json.loads(path.read_text(encoding="utf-8"))
    change(meta)
    path.write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "load"),
    [
        pytest.param(
            lambda d: _edit_json(d / CHUNKS, lambda m: m["chunks"][0].__setitem__("doc", ["meeting"])),
            load_index,
            id="doc-a-list",
        ),
        pytest.param(
            lambda d: _edit_json(d / CHUNKS, lambda m: m["chunks"][0].__setitem__("end", "x")),
            load_index,
            id="end-a-string",
        ),
        pytest.param(lambda d: np.save(d / SENTENCES, np.float32(1)), load_index, id="sentences-a-scalar"),
        pytest.param(
            lambda d: (d / HIGHLIGHT_FILE).write_text(
                json.dumps(
                    {
                        "features": list(HIGHLIGHT_FEATURES),
                        "weights": [0.0] * len(HIGHLIGHT_FEATURES),
                        "bias": 0.0,
                        "passages": 1e999,
                    }
                ),
                encoding="utf-8",
            ),
            HighlightModel.load,
            id="passages-1e999",
        ),
        pytest.param(
            lambda d: _edit_json(d / HIGHLIGHT_FILE, lambda m: m.__setitem__("passages", -5)),
            HighlightModel.load,
            id="passages-negative",
        ),
        pytest.param(
            lambda d: _edit_json(d / HIGHLIGHT_FILE, lambda m: m.__setitem__("bias", float("nan"))),
            HighlightModel.load,
            id="bias-nan",
        ),
    ],
)
def test_a_field_of_the_wrong_kind_is_damage_not_a_crash_nor_a_silent_change(
    index_dir: Path, damage: Callable[[Path], object], load: Callable[[Path], object]
) -> None:
    """These raised TypeError or OverflowError past the loaders (the user saw "something went wrong"), or,
    for a negative passage count or a NaN bias, were loaded and changed the replies without a word."""
    HighlightModel.default().save(index_dir)
    damage(index_dir)
    with pytest.raises(IndexCorrupt, match="meeting-bot index"):
        load(index_dir)
