"""Build, save and load the FAISS index with its chunk metadata and manifest; detect staleness."""

from __future__ import annotations

import errno
import glob
import json
import logging
import os
import re
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from bot.core.chunking import CHUNKER_VERSION, Chunk, Sentence, chunk_corpus
from bot.core.corpus import CorpusError, Document, corpus_files, corpus_hash, fingerprint, load_corpus
from bot.core.embedding import Embedder
from bot.core.files import LOAD_ERRORS, Damage, load_array, read_json, reason, regular_file

log = logging.getLogger(__name__)

# 2: the retrieval model keeps the words of its training questions; 3: trained on questions whose given
# names are read as surnames (bot.core.names); 4: the retrieval model has a bar for answering unasked
FORMAT_VERSION = 4
# Up to this many chunks a flat (exact) search is both fastest and exact; above it, HNSW.
EXACT_LIMIT = 20_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 64  # recall@10 ≥ 0.99 against exact at 100,000 vectors (meeting-bot bench)
REBUILD = "meeting-bot index"

MANIFEST = "manifest.json"
CHUNKS = "chunks.json"
# A hash of the training questions as the typo repair read them for training (bot.core.build): a change of
# the code that reads them makes the index stale though no file changed.
QUESTIONS_READ = "questions_read.txt"
VECTORS = "chunks.faiss"
SENTENCES = "sentences.npy"
# A published index is readable by all users (other service accounts serve from it); it holds nothing private.
FOLDER_MODE = 0o755
FILE_MODE = 0o644
CHECK_ROWS = 8192  # vectors checked for NaN at a time, so that a large index is never copied whole


class IndexError_(Exception):
    """Base of the index problems a person can fix; the message is one sentence saying how."""


class IndexMissing(IndexError_):
    """No index has been built yet."""


class IndexStale(IndexError_):
    """The index was built from a different corpus, chunker, model or training data."""


class IndexCorrupt(IndexError_):
    """The index files exist but cannot be read, or don't fit together."""


class IndexUnwritable(IndexError_):
    """The index (or the folder it is built in) cannot be written or replaced."""


@dataclass(frozen=True)
class DocInfo:
    """What a citation needs to know about a document."""

    doc_id: str
    title: str
    date: str
    source: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    """How and from what the index was built."""

    format: int
    model: str
    dim: int
    corpus_hash: str
    chunker_version: str
    training_hash: str
    built_at: str
    chunks: int
    sentences: int
    kind: str


@dataclass(frozen=True)
class Index:
    """A loaded, read-only index: vectors, chunks, sentence vectors and documents."""

    manifest: Manifest
    docs: dict[str, DocInfo]
    chunks: tuple[Chunk, ...]
    vectors: faiss.Index
    sentence_vectors: np.ndarray  # one row per distinct sentence, in chunk order
    sentence_rows: tuple[tuple[int, ...], ...]  # per chunk, its sentences' rows
    folder: Path

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosine scores and chunk positions of the k nearest chunks (vectors are normalised)."""
        k = min(k, len(self.chunks))
        scores, ids = self.vectors.search(np.ascontiguousarray(query, dtype=np.float32), k)
        return scores, ids

    def vectors_of(self, positions: np.ndarray) -> np.ndarray:
        """The stored vectors of the chunks at `positions` (rebuilt from storage for HNSW)."""
        return self.vectors.reconstruct_batch(np.asarray(positions, dtype=np.int64))

    def chunk_vectors(self) -> np.ndarray:
        """Every chunk vector (for exact indexes; rebuilt from storage for HNSW)."""
        return self.vectors.reconstruct_n(0, self.vectors.ntotal)


def new_vector_index(dim: int, expected: int) -> faiss.Index:
    """An empty inner-product index for `expected` vectors: exact when small, HNSW when large.

    Vectors are L2-normalised, so inner product is cosine.
    """
    if expected <= EXACT_LIMIT:
        return faiss.IndexFlatIP(dim)
    index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def _distinct_sentences(chunks: Sequence[Chunk]) -> tuple[list[Sentence], list[tuple[int, ...]]]:
    """Sentences shared by overlapping chunks are embedded once."""
    rows: dict[tuple[str, int, int], int] = {}
    order: list[Sentence] = []
    per_chunk = []
    for c in chunks:
        mine = []
        for s in c.sentences:
            key = (c.doc, s.start, s.end)
            if key not in rows:
                rows[key] = len(order)
                order.append(s)
            mine.append(rows[key])
        per_chunk.append(tuple(mine))
    return order, per_chunk


def build_index(
    docs: Sequence[Document],
    embedder: Embedder,
    out: Path,
    training_hash: str,
    corpus_digest: str,
    progress: Callable[[int], None] | None = None,
    batch: int = 256,
) -> Manifest:
    """Chunk, embed and write a complete index to `out`, replacing any old one atomically."""
    chunks = chunk_corpus(docs)
    sentences, per_chunk = _distinct_sentences(chunks)
    manifest = Manifest(
        format=FORMAT_VERSION,
        model=embedder.name,
        dim=embedder.dim,
        corpus_hash=corpus_digest,
        chunker_version=CHUNKER_VERSION,
        training_hash=training_hash,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        chunks=len(chunks),
        sentences=len(sentences),
        kind="flat" if len(chunks) <= EXACT_LIMIT else "hnsw",
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    except OSError as exc:
        raise unwritable(out.parent, exc) from exc
    try:
        # Vectors go to the index and to disk batch by batch: memory stays bounded by the index itself.
        vectors = new_vector_index(embedder.dim, len(chunks))
        for part in _encoded(embedder, [c.search_text for c in chunks], batch, progress):
            vectors.add(part)
        try:
            faiss.write_index(vectors, str(tmp / VECTORS))
        except RuntimeError as exc:  # FAISS reports a failed write (a full disk) this way
            raise OSError(errno.EIO, "the vectors could not be written") from exc
        del vectors
        stored = np.lib.format.open_memmap(
            tmp / SENTENCES, mode="w+", dtype=np.float16, shape=(len(sentences), embedder.dim)
        )
        row = 0
        for part in _encoded(embedder, [s.text for s in sentences], batch, progress):
            stored[row : row + len(part)] = part
            row += len(part)
        stored.flush()
        del stored
        with (tmp / CHUNKS).open("w", encoding="utf-8") as f:
            f.write('{"docs": ')
            json.dump([asdict(DocInfo(d.doc_id, d.title, d.date, d.source, d.sections)) for d in docs], f)
            f.write(',\n"chunks": [\n')
            for i, (c, rows) in enumerate(zip(chunks, per_chunk, strict=True)):
                f.write(",\n" if i else "")
                json.dump(_chunk_record(c, rows), f, ensure_ascii=False)
            f.write("\n]}\n")
        (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
        publish(tmp)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise unwritable(out.parent, exc) from exc
    try:
        swap(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("index written to %s: %d chunks, %d sentences", out, len(chunks), len(sentences))
    return manifest


def unwritable(folder: Path, exc: OSError) -> IndexUnwritable:
    """The one-sentence error for a failed write in `folder`."""
    why = exc.strerror or str(exc) or type(exc).__name__
    where = Path(exc.filename) if exc.filename else folder
    return IndexUnwritable(
        f"Cannot write the index in {folder} ({where}: {why}); make it writable by this user and run "
        f"`{REBUILD}` again."
    )


def publish(folder: Path) -> None:
    """Make a finished index readable by every user: the folder 0755 (mkdtemp made it 0700), files 0644."""
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink():
            path.chmod(FILE_MODE)
    folder.chmod(FOLDER_MODE)


def remove_tree(path: Path) -> None:
    """Delete a folder and all in it, read-only folders too (as their owner may); OSError if it can't."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    if not path.exists():
        return
    # Deleting an entry needs write permission on its folder: give it back (to folders only) first.
    path.chmod(0o700)
    for folder, subfolders, _ in os.walk(path):
        for name in subfolders:
            sub = Path(folder) / name
            if not sub.is_symlink():
                sub.chmod(0o700)
    shutil.rmtree(path)


# The name tempfile.mkdtemp gives a build's folder after its prefix: eight of its letters.
_TEMPORARY = re.compile(r"[a-z0-9_]{8}")


# Every file a build writes in the index folder (tests/core/test_build.py checks a built one against it).
INDEX_FILES = frozenset(
    {MANIFEST, CHUNKS, VECTORS, SENTENCES, "retrieval.json", "adapter.npy", "expansions.npz",
     "line_adapter.npy", "intents.npz", "intents.json", "highlight.json", "protected_words.txt",
     QUESTIONS_READ}
)  # fmt: skip
# The fields of a manifest that any index this program built has.
_MANIFEST_FIELDS = frozenset({"format", "model", "dim", "chunks"})


def is_index(folder: Path) -> bool:
    """Whether `folder` holds an index this program built: a manifest with its fields (a browser
    extension's manifest.json is no index)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and _MANIFEST_FIELDS <= data.keys()


def _a_builds(folder: Path) -> bool:
    """Whether a folder beside the index is what a build made: a link, an index, or a folder holding only
    files a build writes (none, or some of them)."""
    if folder.is_symlink():
        return True
    if not folder.is_dir():
        return False
    try:
        return is_index(folder) or all(p.name in INDEX_FILES for p in folder.iterdir())
    except OSError:
        return False


def leftovers(out: Path) -> list[Path]:
    """The folders an interrupted build of `out` leaves beside it (remove them only while no build runs):
    its own names, holding only what a build writes, so a person's `.index-photos`, or an `index.old` of
    photos, beside it is never taken for one (a trial, a review)."""
    parent = out.parent
    found = [out.with_name(out.name + ".new"), out.with_name(out.name + ".old")]
    for prefix in (f".{out.name}-", f".{out.name}.new-"):
        named = (
            p for p in parent.glob(f"{glob.escape(prefix)}*") if _TEMPORARY.fullmatch(p.name[len(prefix) :])
        )
        found += sorted(named)
    return [p for p in found if _a_builds(p)]


def check_replaceable(out: Path, staging: bool = False) -> None:
    """IndexUnwritable unless a build may replace `out` whole: missing, an empty folder, or an index (its
    manifest). A folder of other files is never emptied (a trial's INDEX_DIR of notes lost them all).
    `staging`: `out` is the folder beside INDEX_DIR the build writes into first, and is named as such."""
    if not out.exists() and not out.is_symlink():
        return
    if staging:
        named = f"{out}, where a build writes before it replaces INDEX_DIR,"
        fix = "move it elsewhere"
    else:
        named, fix = f"INDEX_DIR {out}", "point INDEX_DIR at an empty or new folder"
    if not out.is_dir():
        raise IndexUnwritable(f"{named} is a file, not a folder; {fix}.")
    try:
        entries = sorted(p.name for p in out.iterdir())
    except OSError as exc:
        raise unwritable(out, exc) from exc
    if entries and not is_index(out):
        raise IndexUnwritable(
            f"{named} holds other files ({entries[0]}{', …' if len(entries) > 1 else ''}), not an "
            f"index, and a build replaces the folder whole; {fix}."
        )


def check_old_is_a_builds(out: Path) -> None:
    """IndexUnwritable when the folder the live index is moved to as a build swaps (`out`.old) holds
    someone's files; checked before a build too, not only after its minutes of work (a review)."""
    old = out.with_name(out.name + ".old")
    if (old.exists() or old.is_symlink()) and not _a_builds(old):
        raise IndexUnwritable(f"{old} holds other files, in the way of the build; move it elsewhere.")


def swap(new: Path, out: Path) -> None:
    """Replace `out` by `new` so that a reader never sees a half-written index (else IndexUnwritable)."""
    old = out.with_name(out.name + ".old")
    check_old_is_a_builds(out)
    try:
        remove_tree(old)  # left by an earlier run that could not finish removing it
        if out.exists():
            os.replace(out, old)
        os.replace(new, out)
    except OSError as exc:
        raise unwritable(out.parent, exc) from exc
    try:
        remove_tree(old)
    except OSError as exc:  # the new index is in place; the next build tries again
        log.warning("could not remove the previous index %s: %s", old, exc.strerror or exc)


def _encoded(
    embedder: Embedder, texts: list[str], batch: int, progress: Callable[[int], None] | None
) -> Iterator[np.ndarray]:
    """Embeddings of `texts`, one batch at a time."""
    for i in range(0, len(texts), batch):
        part = embedder.encode(texts[i : i + batch])
        if progress:
            progress(len(part))
        yield np.ascontiguousarray(part, dtype=np.float32)


def _chunk_record(c: Chunk, rows: tuple[int, ...]) -> dict:
    return {
        "id": c.id,
        "doc": c.doc,
        "section": c.section,
        "paragraph": c.paragraph,
        "text": c.text,
        "start": c.start,
        "end": c.end,
        "question": c.question,
        "sentences": [[s.start, s.end] for s in c.sentences],
        "rows": list(rows),
    }


def _chunk_from(record: dict) -> Chunk:
    start, text = record["start"], record["text"]
    sentences = tuple(Sentence(text[s - start : e - start], s, e) for s, e in record["sentences"])
    return Chunk(
        id=record["id"],
        doc=record["doc"],
        section=record["section"],
        paragraph=record["paragraph"],
        text=text,
        start=start,
        end=record["end"],
        sentences=sentences,
        question=record["question"],
    )


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the index in `folder`, or IndexMissing / IndexCorrupt."""
    path = folder / MANIFEST
    if not path.exists():
        raise IndexMissing(f"There is no index in {folder}; build it with `{REBUILD}`.")
    try:
        meta = read_json(path)
        if not isinstance(meta, dict):
            raise TypeError("not an object")
        return Manifest(**meta)
    except (ValueError, TypeError) as exc:
        raise IndexCorrupt(
            f"The index manifest in {folder} is unreadable ({reason(exc, MANIFEST)}); "
            f"rebuild it with `{REBUILD}`."
        ) from exc


def load_index(folder: Path) -> Index:
    """Load the index in `folder`, raising IndexMissing or IndexCorrupt with the fix."""
    manifest = read_manifest(folder)
    try:
        meta = read_json(folder / CHUNKS)
        vectors = _read_faiss(folder / VECTORS, manifest.dim, manifest.chunks, manifest.kind == "flat")
        # A large index keeps its sentence vectors on disk (float16, memory-mapped); a small one in RAM.
        sentence_vectors = load_array(folder / SENTENCES, mmap_mode="r")
        if manifest.chunks <= EXACT_LIMIT:
            sentence_vectors = sentence_vectors.astype(np.float32)
        chunks = tuple(_chunk_from(r) for r in meta["chunks"])
        rows = tuple(tuple(r["rows"]) for r in meta["chunks"])
        docs = {
            d["doc_id"]: DocInfo(d["doc_id"], d["title"], d["date"], d["source"], tuple(d["sections"]))
            for d in meta["docs"]
        }
    except (*LOAD_ERRORS, RuntimeError) as exc:
        raise IndexCorrupt(
            f"The index in {folder} is damaged ({reason(exc, CHUNKS)}); rebuild it with `{REBUILD}`."
        ) from exc
    if (
        vectors.ntotal != len(chunks)
        or vectors.d != manifest.dim
        or sentence_vectors.ndim != 2
        or len(sentence_vectors) != manifest.sentences
    ):
        raise IndexCorrupt(
            f"The index in {folder} is inconsistent (vector and chunk counts differ); "
            f"rebuild it with `{REBUILD}`."
        )
    try:
        problem = _inconsistency(manifest, docs, chunks, rows, vectors, sentence_vectors)
    except (TypeError, ValueError) as exc:  # a field of the wrong kind ("end": "x", "doc": [...])
        problem = reason(exc, CHUNKS)
    if problem:
        raise IndexCorrupt(f"The index in {folder} is damaged ({problem}); rebuild it with `{REBUILD}`.")
    if isinstance(vectors, faiss.IndexHNSWFlat):
        vectors.hnsw.efSearch = HNSW_EF_SEARCH
    return Index(manifest, docs, chunks, vectors, sentence_vectors, rows, folder)


# FAISS's file layout (faiss/impl/index_write.cpp): a four-byte kind, then d (int32), ntotal (int64), two
# int64 placeholders, is_trained (one byte) and the metric (int32); a flat index with the inner-product or
# L2 metric then has the number of floats (uint64) and the floats.
_FAISS_HEADER = struct.Struct("<4siqqq?i")
_FAISS_FLAT = (b"IxFI", b"IxF2")
_FAISS_COUNT_BYTES = 8


def _read_faiss(path: Path, dim: int, count: int, flat: bool) -> faiss.Index:
    """The FAISS index in `path`, which should hold `count` vectors of `dim`, flat or not (Damage when it is
    missing, not one, or its header claims other sizes: FAISS allocates what a header claims first)."""
    regular_file(path)
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(_FAISS_HEADER.size + _FAISS_COUNT_BYTES)
    if len(head) < _FAISS_HEADER.size:
        raise Damage(f"{path.name} is not a FAISS index")
    kind, d, ntotal, *_ = _FAISS_HEADER.unpack_from(head)
    if (d, ntotal) != (dim, count):
        raise Damage(f"{path.name} holds {ntotal} vectors of {d} numbers, not {count} of {dim}")
    if flat != (kind in _FAISS_FLAT):
        raise Damage(f"{path.name} is not the kind of index the manifest names")
    if flat:
        floats = int.from_bytes(head[_FAISS_HEADER.size :], "little")  # a file cut inside it reads short
        if floats != d * ntotal or size != _FAISS_HEADER.size + _FAISS_COUNT_BYTES + 4 * floats:
            raise Damage(f"{path.name} is cut short or holds other data than its header says")
    elif size < 4 * d * ntotal:  # HNSW: its graph is not parsed here, but its vectors must fit the file
        raise Damage(f"{path.name} is cut short")
    try:
        return faiss.read_index(str(path))
    except RuntimeError:  # FAISS reports every reading problem so
        raise Damage(f"{path.name} is not a FAISS index") from None


def _inconsistency(
    manifest: Manifest,
    docs: dict[str, DocInfo],
    chunks: Sequence[Chunk],
    rows: Sequence[Sequence[object]],
    vectors: faiss.Index,
    sentence_vectors: np.ndarray,
) -> str | None:
    """What in well-formed index files doesn't fit together (what searching would trip over), or None."""
    if manifest.chunks != len(chunks):
        return "the manifest counts other chunks"
    if sentence_vectors.ndim != 2 or sentence_vectors.shape[1] != manifest.dim:
        return "the sentence vectors have the wrong shape"
    sentences = len(sentence_vectors)
    for position, (chunk, mine) in enumerate(zip(chunks, rows, strict=True)):
        if chunk.doc not in docs:
            return f"chunk {position} names an unknown document"
        places = (chunk.start, chunk.end, chunk.paragraph)
        if not all(type(v) is int for v in places) or chunk.end < chunk.start:
            return f"chunk {position} has a start, end or paragraph that is not a place in its document"
        if len(mine) != len(chunk.sentences):
            return f"chunk {position} has {len(chunk.sentences)} sentences but {len(mine)} sentence rows"
        if not all(type(r) is int and 0 <= r < sentences for r in mine):
            return f"chunk {position} points past the {sentences} sentence vectors"
        end = chunk.start + len(chunk.text)
        if not all(chunk.start <= s.start <= s.end <= end for s in chunk.sentences):
            return f"a sentence of chunk {position} lies outside it"
    for start in range(0, sentences, CHECK_ROWS):
        if not np.isfinite(sentence_vectors[start : start + CHECK_ROWS]).all():
            return "a sentence vector is not a number"
    for start in range(0, vectors.ntotal, CHECK_ROWS):
        count = min(CHECK_ROWS, vectors.ntotal - start)
        if not np.isfinite(vectors.reconstruct_n(start, count)).all():
            return "a chunk vector is not a number"
    return None


def staleness(manifest: Manifest, corpus_digest: str, training_hash: str, model: str) -> str | None:
    """Why an index no longer matches its inputs, or None when it is fresh."""
    if manifest.format != FORMAT_VERSION:
        return "it was written by another version of meeting-bot"
    if manifest.corpus_hash != corpus_digest:
        return "the corpus has changed since it was built"
    if manifest.chunker_version != CHUNKER_VERSION:
        return "the chunker has changed since it was built"
    if manifest.model != model:
        return f"it was built with {manifest.model}, not {model}"
    if manifest.training_hash != training_hash:
        return "the training files (questions, message kinds or check sets) have changed since it was built"
    return None


def check_fresh(folder: Path, corpus_folder: Path, training_hash: str, model: str) -> Manifest:
    """The manifest if the index matches the corpus, else IndexStale saying why and how to fix."""
    manifest = read_manifest(folder)
    files = corpus_files(corpus_folder)
    if not files:  # not "the corpus has changed": there is none to compare
        raise CorpusError(f"No .md documents found in {corpus_folder}.")
    why = staleness(manifest, fingerprint(files), training_hash, model)
    if why:
        raise IndexStale(f"The index in {folder} is out of date: {why}; rebuild it with `{REBUILD}`.")
    return manifest


def check_served_text(index: Index, corpus_folder: Path) -> None:
    """IndexCorrupt unless every passage, title and section the index would serve is what the corpus
    chunks into: excerpts are quoted as the article's own words, so their text is checked, not trusted
    (the manifest's hash covers the corpus files, not the text copied into the index)."""
    docs = load_corpus(corpus_folder)
    expected = tuple(chunk_corpus(docs))
    titles = {d.doc_id: DocInfo(d.doc_id, d.title, d.date, d.source, d.sections) for d in docs}
    if index.chunks == expected and index.docs == titles:
        return
    wrong = next((c.id for c, e in zip(index.chunks, expected, strict=False) if c != e), None)
    if index.docs != titles:
        what = "a document's title, date, source or sections differ from the corpus"
    elif wrong is not None:
        what = f"passage {wrong} is not the corpus's text"
    else:
        what = "it holds another number of passages than the corpus makes"
    raise IndexCorrupt(f"The index in {index.folder} is damaged ({what}); rebuild it with `{REBUILD}`.")


def corpus_documents(corpus_folder: Path) -> tuple[list[Document], str]:
    """The parsed corpus and its hash, read together."""
    return load_corpus(corpus_folder), corpus_hash(corpus_folder)
