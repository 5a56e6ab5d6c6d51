"""Paragraphs → sentences → overlapping chunks of whole sentences, each located in the source."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.core.corpus import Document, Paragraph

# Bump whenever chunk boundaries or chunk text change: the index manifest records it.
CHUNKER_VERSION = "5"
TARGET_WORDS = 50


@dataclass(frozen=True)
class Sentence:
    """One sentence with absolute offsets into its document's source text."""

    text: str
    start: int
    end: int


class Placed(Protocol):
    """Text at offsets in its document (a Sentence, or anything that has the same three)."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def laid_out(ordered: Sequence[Placed]) -> str:
    """The text of sentences given in order, each at its own offset from the first's start and white space
    between them: a paragraph rebuilt from the overlapping chunks that hold its sentences."""
    base = ordered[0].start
    chars = [" "] * (ordered[-1].end - base)
    for s in ordered:
        chars[s.start - base : s.end - base] = s.text
    return "".join(chars)


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences inside one paragraph: the unit that is embedded and cited."""

    id: str
    doc: str
    section: str
    paragraph: int
    text: str
    start: int
    end: int
    sentences: tuple[Sentence, ...]
    question: str | None = None  # an FAQ chunk keeps its question, for matching

    @property
    def search_text(self) -> str:
        """What is embedded and matched: the excerpt, with its FAQ question in front."""
        return f"{self.question}\n{self.text}" if self.question else self.text


# A sentence ends at . ? or ! (optionally closed by a quote) followed by space and a capital,
# digit, quote or currency sign. Initials and "U.S." are not ends.
_BOUNDARY = re.compile(r"(?<=[.?!])[\"”’]?\s+(?=[\"“A-Z0-9$])")
_NOT_AN_END = re.compile(r"(?:\b[A-Z]|\bU\.S|\bMr|\bMrs|\bDr|\bSt)\.[\"”’]?$")


def split_sentences(text: str, base: int = 0) -> list[Sentence]:
    """Split a paragraph into sentences, keeping offsets (`base` is the paragraph's start)."""
    sentences: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        # Keep a closing quote with the sentence it closes.
        gap = m.group(0)
        cut = m.start() + (len(gap) - len(gap.lstrip('"”’')))
        piece = text[start:cut]
        if _NOT_AN_END.search(piece):
            continue
        if piece.strip():
            sentences.append(_located(text, start, cut, base))
        start = m.end()
    if text[start:].strip():
        sentences.append(_located(text, start, len(text), base))
    return sentences


def _located(text: str, start: int, end: int, base: int) -> Sentence:
    """A Sentence for text[start:end] trimmed of white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(text[start:end], base + start, base + end)


def _words(s: Sentence) -> int:
    return len(s.text.split())


def _windows(sentences: list[Sentence]) -> Iterable[tuple[int, int]]:
    """(first, last) sentence indexes of each chunk: a ~TARGET_WORDS window starting at every sentence.

    Every sentence opens a window, so each fact has one chunk in which it comes first and its
    context follows; overlapping windows are deduplicated when excerpts are shown.
    """
    n = len(sentences)
    for i in range(n):
        j, words = i, _words(sentences[i])
        while j + 1 < n and words < TARGET_WORDS:
            j += 1
            words += _words(sentences[j])
        yield i, j
        if j >= n - 1:
            return


def chunk_id(doc_id: str, text: str) -> str:
    """An id that names the chunk by its words: it survives edits elsewhere in the corpus (a button made
    before a rebuild finds the same passage, or none) and stays short enough for Discord button ids."""
    return f"{doc_id}#{hashlib.blake2s(text.encode(), digest_size=5).hexdigest()}"


def chunk_paragraph(doc: Document, para: Paragraph) -> list[Chunk]:
    """Chunks of one paragraph."""
    sentences = split_sentences(para.text, para.start)
    chunks = []
    for i, j in _windows(sentences):
        start, end = sentences[i].start, sentences[j].end
        chunks.append(
            Chunk(
                id=chunk_id(doc.doc_id, doc.text[start:end]),
                doc=doc.doc_id,
                section=para.section,
                paragraph=para.number,
                text=doc.text[start:end],
                start=start,
                end=end,
                sentences=tuple(sentences[i : j + 1]),
                question=para.question,
            )
        )
    return chunks


def chunk_document(doc: Document) -> list[Chunk]:
    """All chunks of a document, in reading order; a repeated passage's id gets a ~2, ~3 … suffix."""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for para in doc.paragraphs:
        for c in chunk_paragraph(doc, para):
            seen[c.id] = seen.get(c.id, 0) + 1
            chunks.append(c if seen[c.id] == 1 else replace(c, id=f"{c.id}~{seen[c.id]}"))
    return chunks


def chunk_corpus(docs: Iterable[Document]) -> list[Chunk]:
    """All chunks of all documents."""
    return [c for d in docs for c in chunk_document(d)]
