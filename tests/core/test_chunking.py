"""Tests for bot.core.chunking: sentence splitting and sentence-window chunks located in the source."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.chunking import TARGET_WORDS, Chunk, chunk_corpus, chunk_document, split_sentences
from bot.core.corpus import Document, Paragraph, load_corpus, parse_document

SPLITS = [
    pytest.param(
        "When Donald J. Trump sat across from Mamdani, the air hummed. Reporters were stunned.",
        ["When Donald J. Trump sat across from Mamdani, the air hummed.", "Reporters were stunned."],
        id="middle-initial",
    ),
    pytest.param(
        "New York City generates $1.744 trillion annually for the U.S. economy. Its stability matters.",
        [
            "New York City generates $1.744 trillion annually for the U.S. economy.",
            "Its stability matters.",
        ],
        id="decimal-and-US",
    ),
    pytest.param(
        'Trump had called Mamdani a "communist." Mamdani had labeled Trump a "fascist."',
        ['Trump had called Mamdani a "communist."', 'Mamdani had labeled Trump a "fascist."'],
        id="closing-straight-quote",
    ),
    pytest.param(
        "His slogan: “Housing is a human right.” Trump, meanwhile, railed on.",
        ["His slogan: “Housing is a human right.”", "Trump, meanwhile, railed on."],
        id="closing-curly-quote",
    ),
    pytest.param(
        "The median one-bedroom rent? $3,500 a month. In some neighborhoods, it’s $4,200.",
        ["The median one-bedroom rent?", "$3,500 a month.", "In some neighborhoods, it’s $4,200."],
        id="question-then-currency",
    ),
    pytest.param(
        'Trump said. "Now, we may disagree." Then he smiled!',
        ["Trump said.", '"Now, we may disagree."', "Then he smiled!"],
        id="opening-quote-starts-a-sentence",
    ),
    pytest.param(
        "Mr. Smith met Dr. Jones at 9. 45 minutes later they left.",
        ["Mr. Smith met Dr. Jones at 9.", "45 minutes later they left."],
        id="titles-and-digit-start",
    ),
    pytest.param(
        "Elected in 2021, he rose fast. the lower-case word does not start a sentence.",
        ["Elected in 2021, he rose fast. the lower-case word does not start a sentence."],
        id="lower-case-continues",
    ),
    pytest.param("One sentence without a full stop", ["One sentence without a full stop"], id="no-end"),
]


@pytest.fixture(scope="module")
def article(repo_root: Path) -> Document:
    """The real article, parsed."""
    (doc,) = load_corpus(repo_root / "corpus")
    return doc


@pytest.fixture(scope="module")
def chunks(article: Document) -> list[Chunk]:
    """The real article's chunks."""
    return chunk_document(article)


def _paragraph_of(doc: Document, chunk: Chunk) -> Paragraph:
    (para,) = [p for p in doc.paragraphs if (p.section, p.number) == (chunk.section, chunk.paragraph)]
    return para


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_split_sentences_keeps_abbreviations_numbers_and_quotes(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_split_sentences_locates_every_sentence_and_loses_no_text(text: str, expected: list[str]) -> None:
    base = 1000
    sentences = split_sentences(text, base)
    for s in sentences:
        assert text[s.start - base : s.end - base] == s.text
    assert "".join(s.text for s in sentences).replace(" ", "") == text.replace(" ", "")


def test_split_sentences_of_blank_text_is_empty() -> None:
    assert split_sentences("   ") == []


def test_every_chunk_text_is_its_slice_of_the_source(article: Document, chunks: list[Chunk]) -> None:
    assert chunks
    for c in chunks:
        assert c.text == article.text[c.start : c.end]
        for s in c.sentences:
            assert s.text == article.text[s.start : s.end]


def test_chunks_stay_inside_one_paragraph(article: Document, chunks: list[Chunk]) -> None:
    for c in chunks:
        para = _paragraph_of(article, c)
        assert para.start <= c.start < c.end <= para.end, c.id
        assert c.question == para.question


def test_each_chunk_is_a_run_of_whole_consecutive_sentences(article: Document, chunks: list[Chunk]) -> None:
    for c in chunks:
        para = _paragraph_of(article, c)
        sentences = split_sentences(para.text, para.start)
        first = sentences.index(c.sentences[0])
        assert list(c.sentences) == sentences[first : first + len(c.sentences)], c.id
        assert (c.start, c.end) == (c.sentences[0].start, c.sentences[-1].end)


def test_a_chunk_grows_only_while_under_the_target_length(chunks: list[Chunk]) -> None:
    for c in chunks:
        assert sum(len(s.text.split()) for s in c.sentences[:-1]) < TARGET_WORDS, c.id


def test_every_sentence_of_the_article_is_in_some_chunk(article: Document, chunks: list[Chunk]) -> None:
    covered = {(s.start, s.end) for c in chunks for s in c.sentences}
    for para in article.paragraphs:
        for s in split_sentences(para.text, para.start):
            assert (s.start, s.end) in covered, s.text


def test_chunk_ids_are_unique(chunks: list[Chunk]) -> None:
    assert len({c.id for c in chunks}) == len(chunks)
    assert all(c.id.startswith("meeting#") for c in chunks)


def test_faq_chunks_put_their_question_in_front_of_search_text(chunks: list[Chunk]) -> None:
    faq = [c for c in chunks if c.section == "Frequently Asked Questions"]
    assert faq and all(c.question for c in faq)
    for c in faq:
        assert c.search_text == f"{c.question}\n{c.text}"
    for c in chunks:
        if c.section != "Frequently Asked Questions":
            assert c.question is None and c.search_text == c.text


def test_chunk_ids_are_unique_across_documents(write_corpus: Callable[..., Path]) -> None:
    body = "---\ntitle: T\n---\n\nOne short sentence. Another one.\n\n## Part\n\nA third sentence here.\n"
    docs = load_corpus(write_corpus({"a.md": body, "b.md": body}))
    ids = [c.id for c in chunk_corpus(docs)]
    assert len(ids) == len(set(ids))
    assert {i.split("#")[0] for i in ids} == {"a", "b"}


def test_a_long_paragraph_gets_overlapping_windows(write_corpus: Callable[..., Path]) -> None:
    sentence = "The council discussed the housing plan for twelve long minutes today."
    body = "---\ntitle: T\n---\n\n" + " ".join([sentence] * 12) + "\n"
    doc = parse_document(write_corpus({"long.md": body}) / "long.md")
    chunks = chunk_document(doc)
    assert len(chunks) > 1
    assert all(c.paragraph == 1 for c in chunks)
    assert chunks[0].end > chunks[1].start  # consecutive windows share sentences
    assert chunks[-1].end == doc.paragraphs[0].end
