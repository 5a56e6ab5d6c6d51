"""Tests for bot.core.corpus: parsing the article's markdown into located paragraphs, and hashing it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.corpus import (
    OPENING,
    CorpusError,
    Document,
    corpus_hash,
    load_corpus,
    parse_document,
)

SECTIONS = (
    OPENING,
    "A Meeting No One Saw Coming",
    "Shared Ground in a Fractured City",
    "Why This Matters Beyond NYC",
    "What Comes Next",
    "Background: The Long Road to the Oval",
    "What the Media Missed",
    "Frequently Asked Questions",
)
FAQ = "Frequently Asked Questions"
FAQ_QUESTIONS = (
    "How could Trump and Mamdani agree on housing when their ideologies are so different?",
    "What’s the real political risk for Trump in meeting with a democratic socialist?",
    "Could this model work for other cities?",
    "Why is Con Edison part of this discussion?",
    "What role did the 2026 midterm elections play in this meeting?",
    "Is this a one-time event, or the start of a new political trend?",
)

SIMPLE = """---
title: A Small Test
date: 2024-01-02
source: written for the tests
---

The opening line.

## First

- One item.
- Two item.

## Second

### Is this a question?

Yes it is.
"""


@pytest.fixture(scope="module")
def article(repo_root: Path) -> Document:
    """The real article, parsed."""
    return parse_document(repo_root / "corpus" / "meeting.md")


def _squash(text: str) -> str:
    """The text without any white space, so line breaks and spacing don't matter."""
    return re.sub(r"\s+", "", text)


def _reading_order(doc: Document) -> str:
    """Headings, FAQ questions and paragraphs concatenated in the order a reader meets them."""
    parts: list[str] = []
    section, question = OPENING, None
    for p in doc.paragraphs:
        if p.section != section:
            section, question = p.section, None
            parts.append(section)
        if p.question is not None and p.question != question:
            question = p.question
            parts.append(question)
        parts.append(p.text)
    return "\n".join(parts)


def test_front_matter_gives_title_date_and_source(article: Document) -> None:
    assert article.doc_id == "meeting"
    assert article.title == "Trump and Mamdani meet in the Oval Office"
    assert article.date == "2025-11-21"
    assert article.source == "article as provided"


def test_sections_are_the_seven_headings_in_order_after_opening(article: Document) -> None:
    assert article.sections == SECTIONS


def test_the_six_faq_paragraphs_carry_their_questions_in_order(article: Document) -> None:
    faq = [p for p in article.paragraphs if p.section == FAQ]
    assert tuple(p.question for p in faq) == FAQ_QUESTIONS
    assert [p.number for p in faq] == [1, 2, 3, 4, 5, 6]


def test_paragraphs_outside_the_faq_have_no_question(article: Document) -> None:
    assert all(p.question is None for p in article.paragraphs if p.section != FAQ)


def test_paragraphs_are_numbered_from_one_within_each_section(article: Document) -> None:
    for section in article.sections:
        numbers = [p.number for p in article.paragraphs if p.section == section]
        assert numbers == list(range(1, len(numbers) + 1)), section


def test_every_paragraph_text_is_its_slice_of_the_source(article: Document) -> None:
    for p in article.paragraphs:
        assert p.text == article.text[p.start : p.end]
        assert p.text == p.text.strip() and p.text


def test_list_items_lose_their_marker_but_keep_their_words(article: Document) -> None:
    items = [p.text for p in article.paragraphs if p.section == "Shared Ground in a Fractured City"][1:]
    assert [t.split(":")[0] for t in items] == ["Rent relief", "Housing construction", "Energy costs"]
    assert not any(p.text.startswith("-") for p in article.paragraphs)


def test_article_words_are_kept_verbatim_against_the_raw_text(article: Document, repo_root: Path) -> None:
    raw = (repo_root / "corpus" / "raw" / "meeting.txt").read_text(encoding="utf-8")
    # The raw copy keeps the list markers, once glued to the line before ("issues:- Rent relief").
    raw_without_markers = re.sub(r"(?m)(?:^|(?<=:))- ", "", raw)
    assert raw_without_markers.count("- ") == 0
    assert _squash(_reading_order(article)) == _squash(raw_without_markers)


def test_synthetic_document_offsets_sections_and_questions(write_corpus: Callable[..., Path]) -> None:
    folder = write_corpus({"small.md": SIMPLE})
    doc = parse_document(folder / "small.md")
    assert (doc.title, doc.date, doc.source) == ("A Small Test", "2024-01-02", "written for the tests")
    got = [(p.section, p.number, p.text, p.question) for p in doc.paragraphs]
    assert got == [
        (OPENING, 1, "The opening line.", None),
        ("First", 1, "One item.", None),
        ("First", 2, "Two item.", None),
        ("Second", 1, "Yes it is.", "Is this a question?"),
    ]
    assert all(doc.text[p.start : p.end] == p.text for p in doc.paragraphs)


def test_a_new_section_ends_the_previous_faq_question(write_corpus: Callable[..., Path]) -> None:
    text = SIMPLE + "\n## Third\n\nNot an answer.\n"
    doc = parse_document(write_corpus({"small.md": text}) / "small.md")
    assert doc.paragraphs[-1].section == "Third"
    assert doc.paragraphs[-1].question is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\ndate: 2024-01-02\n---\n\nA paragraph.\n", id="front-matter-without-title"),
        pytest.param("---\ntitle:\n---\n\nA paragraph.\n", id="empty-title"),
        pytest.param("# Heading\n\nA paragraph without front matter.\n", id="no-front-matter"),
    ],
)
def test_a_file_without_a_title_raises_corpus_error(write_corpus: Callable[..., Path], text: str) -> None:
    folder = write_corpus({"untitled.md": text})
    with pytest.raises(CorpusError, match="title"):
        parse_document(folder / "untitled.md")


def test_a_file_without_paragraphs_raises_corpus_error(write_corpus: Callable[..., Path]) -> None:
    folder = write_corpus({"hollow.md": "---\ntitle: Hollow\n---\n\n## Only a heading\n"})
    with pytest.raises(CorpusError, match="no paragraphs"):
        load_corpus(folder)


def test_a_file_that_is_not_utf8_raises_corpus_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("---\ntitle: Café\n---\n\nDéjà vu.\n".encode("latin-1"))
    with pytest.raises(CorpusError):
        parse_document(path)


def test_an_empty_folder_raises_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="No .md documents"):
        load_corpus(tmp_path)


def test_files_other_than_markdown_are_not_documents(write_corpus: Callable[..., Path]) -> None:
    folder = write_corpus({"notes.txt": "plain text", "b.md": SIMPLE, "a.md": SIMPLE})
    assert [d.doc_id for d in load_corpus(folder)] == ["a", "b"]
    with pytest.raises(CorpusError):
        load_corpus(write_corpus({"notes.txt": "plain text"}))


def test_corpus_hash_is_stable_for_identical_content(write_corpus: Callable[..., Path]) -> None:
    assert corpus_hash(write_corpus({"a.md": SIMPLE})) == corpus_hash(write_corpus({"a.md": SIMPLE}))


def test_corpus_hash_changes_when_a_file_changes(write_corpus: Callable[..., Path]) -> None:
    folder = write_corpus({"a.md": SIMPLE})
    before = corpus_hash(folder)
    (folder / "a.md").write_text(SIMPLE.replace("Yes it is.", "Yes, it is."), encoding="utf-8")
    assert corpus_hash(folder) != before


def test_corpus_hash_changes_when_a_file_is_added_or_renamed(write_corpus: Callable[..., Path]) -> None:
    folder = write_corpus({"a.md": SIMPLE})
    first = corpus_hash(folder)
    (folder / "a.md").rename(folder / "b.md")
    renamed = corpus_hash(folder)
    (folder / "c.md").write_text(SIMPLE, encoding="utf-8")
    assert len({first, renamed, corpus_hash(folder)}) == 3


def test_a_file_with_windows_line_endings_keeps_its_title(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(SIMPLE.replace("\n", "\r\n").encode("utf-8"))
    doc = parse_document(path)
    assert doc.title == "A Small Test"
    assert [p.text for p in doc.paragraphs][0] == "The opening line."


def test_a_paragraph_wrapped_over_two_lines_is_one_paragraph(write_corpus: Callable[..., Path]) -> None:
    text = "---\ntitle: Wrapped\n---\n\nThe mayor spoke first and\nthe president answered.\n"
    doc = parse_document(write_corpus({"wrapped.md": text}) / "wrapped.md")
    assert len(doc.paragraphs) == 1
    assert doc.paragraphs[0].number == 1
    assert _squash(doc.paragraphs[0].text) == _squash("The mayor spoke first and the president answered.")
