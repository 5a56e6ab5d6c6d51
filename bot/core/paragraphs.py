"""Whole paragraphs around a chunk, rebuilt from the index's overlapping chunks."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.index import Index


class UnknownChunk(KeyError):
    """No chunk of the index has that id (the index was rebuilt since the id was handed out)."""


@dataclass(frozen=True)
class FullParagraph:
    """A paragraph as the article has it, with where to find it."""

    doc_title: str
    section: str
    number: int
    question: str | None
    text: str


def full_paragraph(index: Index, chunk_id: str) -> FullParagraph:
    """The whole paragraph that contains chunk `chunk_id` (UnknownChunk if the id is not in the index)."""
    found = next((c for c in index.chunks if c.id == chunk_id), None)
    if found is None:
        raise UnknownChunk(chunk_id)
    parts = sorted(
        (
            c
            for c in index.chunks
            if (c.doc, c.section, c.paragraph) == (found.doc, found.section, found.paragraph)
        ),
        key=lambda c: c.start,
    )
    # Chunks overlap by whole sentences; stitch them by their offsets into the source text.
    text, end = parts[0].text, parts[0].end
    for c in parts[1:]:
        if c.end <= end:
            continue
        text += c.text[end - c.start :] if c.start <= end else " " + c.text
        end = c.end
    return FullParagraph(index.docs[found.doc].title, found.section, found.paragraph, found.question, text)
