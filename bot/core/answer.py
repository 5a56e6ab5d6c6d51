"""Questions → Answers: cleaned input, retrieval, and cited excerpts as plain data."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.embedding import Embedder
from bot.core.index import REBUILD, Index, IndexCorrupt, load_index
from bot.core.retrieval import Hit, Retrieval, RetrievalModel, Retriever
from bot.core.spelling import Speller
from bot.core.text import cut_at_word

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
DEFAULT_K = 3
MAX_K = 10


class BadQuestion(ValueError):
    """A question that cannot be answered as it was typed; its message is one sentence for the asker."""


class EmptyQuestion(BadQuestion):
    """The question has no text in it."""


class UnreadableQuestion(BadQuestion):
    """The question holds lone surrogates: bytes that were not valid text, which no encoder can take."""


@dataclass(frozen=True)
class Asked:
    """A question as it will be answered: cleaned and cut to length."""

    text: str
    truncated: bool


@dataclass(frozen=True)
class Excerpt:
    """One cited passage of the article."""

    rank: int
    text: str
    citation: str
    section: str
    paragraph: int
    score: float
    chunk_id: str
    doc_title: str
    highlight: tuple[int, int] | None  # span of the answering sentence within `text`


@dataclass(frozen=True)
class Source:
    """The document an answer quotes."""

    title: str
    date: str
    source: str


@dataclass(frozen=True)
class Answer:
    """What the bot says: the answering sentence and cited excerpts, or that the article doesn't say."""

    question: str
    answered: bool
    highlight: str | None
    excerpts: tuple[Excerpt, ...]
    truncated: bool
    confidence: float
    sources: tuple[Source, ...]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates: what undecodable bytes become (surrogateescape), or what a JSON "\udcff" escape gives.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _invisible(char: str) -> bool:
    """Spaces and format characters (zero-width spaces and joiners, word joiners, BOMs): no text."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def clean_question(text: str) -> Asked:
    """Strip control characters and spaces; cut at a word boundary past MAX_QUESTION_CHARS.

    EmptyQuestion if nothing visible is left; UnreadableQuestion if it holds lone surrogates.
    """
    text = _CONTROL.sub(" ", text or "").strip()
    if _SURROGATE.search(text):
        raise UnreadableQuestion(
            "The question holds bytes that are not valid UTF-8 text; type it again as plain text."
        )
    if all(_invisible(c) for c in text):
        raise EmptyQuestion("The question is empty; type a question about the meeting.")
    if len(text) <= MAX_QUESTION_CHARS:
        return Asked(text, False)
    return Asked(cut_at_word(text, MAX_QUESTION_CHARS), True)


def clean_history(history: Sequence[str]) -> list[str]:
    """Earlier messages cleaned like questions; blank or unreadable ones dropped (nothing to lean on)."""
    if isinstance(history, str):
        raise TypeError("history is a sequence of messages, not one string")
    out = []
    for message in history:
        try:
            out.append(clean_question(message).text)
        except BadQuestion:
            continue
    return out


def citation(index: Index, hit: Hit) -> str:
    """Where a reader finds the excerpt: section and paragraph (and title when there are several)."""
    c = hit.chunk
    where = f"{c.section}, ¶{c.paragraph}"
    if c.question:
        where += f" ({c.question})"
    if len(index.docs) > 1:
        where = f"{index.docs[c.doc].title} — {where}"
    return where


def compose(index: Index, retrieval: Retrieval, truncated: bool) -> Answer:
    """Turn a retrieval into an Answer with numbered, cited excerpts."""
    excerpts = []
    for rank, hit in enumerate(retrieval.hits, 1):
        span = None
        if rank == 1 and retrieval.highlight and retrieval.answered:
            start = retrieval.highlight.start - hit.chunk.start
            span = (start, start + len(retrieval.highlight.text))
        excerpts.append(
            Excerpt(
                rank=rank,
                text=hit.chunk.text,
                citation=citation(index, hit),
                section=hit.chunk.section,
                paragraph=hit.chunk.paragraph,
                score=round(hit.score, 4),
                chunk_id=hit.chunk.id,
                doc_title=index.docs[hit.chunk.doc].title,
                highlight=span,
            )
        )
    docs = {index.docs[h.chunk.doc] for h in retrieval.hits} or set(index.docs.values())
    return Answer(
        question=retrieval.question,
        answered=retrieval.answered,
        highlight=retrieval.highlight.text if retrieval.answered and retrieval.highlight else None,
        excerpts=tuple(excerpts),
        truncated=truncated,
        confidence=round(retrieval.confidence, 4),
        sources=tuple(Source(d.title, d.date, d.source) for d in sorted(docs, key=lambda d: d.doc_id)),
    )


def corpus_speller(index: Index) -> Speller:
    """Typo repair towards the words of the indexed chunks (IndexCorrupt if its file is missing)."""
    try:
        return Speller.load(index.folder, [c.text for c in index.chunks])
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(
            f"The typo list in {index.folder} is missing or unreadable; rebuild it with `{REBUILD}`."
        ) from exc


class Answerer:
    """The bot's brain: one loaded index and encoder answering any number of questions."""

    def __init__(
        self, index: Index, embedder: Embedder, model: RetrievalModel, speller: Speller | None = None
    ) -> None:
        self.index = index
        self.retriever = Retriever(index, embedder, model, speller)

    @classmethod
    def load(cls, index_dir: Path, embedder: Embedder) -> Answerer:
        """Load the index, its retrieval model and the typo repair from `index_dir`."""
        index = load_index(index_dir)
        return cls(index, embedder, RetrievalModel.load(index_dir), corpus_speller(index))

    def ask(self, question: str, k: int = DEFAULT_K, history: Sequence[str] = ()) -> Answer:
        """Answer one question, read after the earlier messages in `history` (oldest first)."""
        return self.ask_many([question], k, [history])[0]

    def ask_many(
        self,
        questions: Sequence[str],
        k: int = DEFAULT_K,
        histories: Sequence[Sequence[str]] | None = None,
    ) -> list[Answer]:
        """Answer several questions with one encoder pass (a BadQuestion if any is blank or unreadable).

        `histories[i]`, when given, lists the earlier messages of question i's conversation.
        """
        cleaned = [clean_question(q) for q in questions]
        k = max(1, min(MAX_K, k))
        if histories is not None and len(histories) != len(questions):
            raise ValueError(f"{len(histories)} histories for {len(questions)} questions")
        contexts = [clean_history(h) for h in histories] if histories is not None else None
        results = self.retriever.retrieve_many([q.text for q in cleaned], k, contexts)
        return [compose(self.index, r, q.truncated) for r, q in zip(results, cleaned, strict=True)]


def answer_each(
    answerer: Answerer,
    questions: Sequence[str],
    k: int = DEFAULT_K,
    histories: Sequence[Sequence[str]] | None = None,
) -> list[Answer | Exception]:
    """Answer in one pass; if that fails, each question on its own, so a bad one fails only itself.

    Each item is the question's Answer or the exception that answering it raised (a BadQuestion for
    a blank or unreadable one). Only `answerer.ask_many` is used, so any answerer-like object will do.
    """

    def ask(qs: Sequence[str], hs: Sequence[Sequence[str]] | None) -> list[Answer]:
        return list(answerer.ask_many(qs, k) if hs is None else answerer.ask_many(qs, k, hs))

    try:
        return ask(questions, histories)
    except Exception as exc:
        if len(questions) == 1:
            return [exc]
        log.warning(
            "answering %d questions together failed (%s); answering them one by one",
            len(questions),
            type(exc).__name__,
        )
    out: list[Answer | Exception] = []
    for i, question in enumerate(questions):
        try:
            out += ask([question], None if histories is None else [histories[i]])
        except Exception as exc:
            out.append(exc)
    return out
