"""Documents → sections → paragraphs, each with character offsets into its source file."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

OPENING = "Opening"


class CorpusError(Exception):
    """The corpus folder or one of its documents cannot be read."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or list item) of a document, located in the source text."""

    doc: str
    section: str
    number: int  # 1-based within its section
    text: str
    start: int
    end: int
    question: str | None = None  # the FAQ question this paragraph answers, if any


@dataclass(frozen=True)
class Document:
    """A parsed markdown article: front matter plus its paragraphs."""

    doc_id: str
    title: str
    date: str
    source: str
    path: Path
    text: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def sections(self) -> tuple[str, ...]:
        """Section headings in reading order."""
        seen: dict[str, None] = {}
        for p in self.paragraphs:
            seen.setdefault(p.section, None)
        return tuple(seen)


_DOC_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def parse_document(path: Path) -> Document:
    """Parse one corpus markdown file (front matter, `##` sections, `###` FAQ questions)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"Cannot read corpus file {path}: {exc}.") from exc
    meta, body_start = _front_matter(text)
    if not meta.get("title"):
        raise CorpusError(f"Corpus file {path} has no `title:` in its front matter.")
    paragraphs = _paragraphs(path.stem, text, body_start)
    if not paragraphs:
        raise CorpusError(f"Corpus file {path} has no paragraphs.")
    if not _DOC_ID.fullmatch(path.stem):
        # The id travels in citations' chunk ids and in Discord button ids (≤ 100 characters).
        raise CorpusError(
            f"Corpus file name {path.name} must be 1-40 letters, digits, '-' or '_' before .md "
            "(it becomes the document id)."
        )
    return Document(
        doc_id=path.stem,
        title=meta["title"],
        date=meta.get("date", ""),
        source=meta.get("source", ""),
        path=path,
        text=text,
        paragraphs=paragraphs,
    )


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    """The `key: value` lines between the opening `---` lines, and where the body starts."""
    m = _FRONT.match(text)
    if not m:
        return {}, 0
    meta = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    return meta, m.end()


def _paragraphs(doc_id: str, text: str, body_start: int) -> tuple[Paragraph, ...]:
    """The body's paragraphs with their offsets into `text`: blank lines, headings and list items end
    one; `##` opens a section, `###` an FAQ question; a wrapped paragraph stays one."""
    paragraphs: list[Paragraph] = []
    section, question = OPENING, None
    counts: dict[str, int] = {}
    open_span: list[int] | None = None  # [start, end] of the paragraph being read

    def close() -> None:
        nonlocal open_span
        if open_span:
            start, end = open_span
            counts[section] = counts.get(section, 0) + 1
            paragraphs.append(
                Paragraph(doc_id, section, counts[section], text[start:end], start, end, question)
            )
        open_span = None

    pos = body_start
    for line in text[body_start:].splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        stripped = line.strip()
        if not stripped:
            close()
            continue
        if stripped.startswith(("## ", "### ")):
            close()
            if stripped.startswith("### "):
                question = stripped[4:].strip()
            else:
                section, question = stripped[3:].strip(), None
            continue
        # A list item's marker is markup, not article text: the excerpt starts after it.
        offset = len(line) - len(line.lstrip())
        if stripped.startswith("- "):
            close()
            offset += 2
        end = line_start + len(line.rstrip())
        if open_span is None:
            open_span = [line_start + offset, end]
        else:  # a paragraph wrapped over several lines stays one paragraph
            open_span[1] = end
    close()
    return tuple(paragraphs)


def corpus_files(folder: Path) -> list[Path]:
    """Every markdown file directly in the corpus folder, in a stable order."""
    return sorted(folder.glob("*.md"))


def load_corpus(folder: Path) -> list[Document]:
    """Parse every `.md` file in `folder`."""
    files = corpus_files(folder)
    if not files:
        raise CorpusError(f"No .md documents found in {folder}.")
    docs = [parse_document(p) for p in files]
    log.info("loaded %d documents from %s", len(docs), folder)
    return docs


def fingerprint(paths: Sequence[Path]) -> str:
    """A hash over files' names and bytes (missing files hash as absent), to detect a stale index."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes() if p.exists() else b"<absent>")
        h.update(b"\0")
    return h.hexdigest()


def corpus_hash(folder: Path) -> str:
    """The fingerprint of every corpus file."""
    return fingerprint(corpus_files(folder))
