"""Questions offered as someone types: the FAQ's own and hand-written ones, kept only when answered well,
matched to what was typed so far with typos forgiven."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from bot.core.answer import Answer
from bot.core.index import Index
from bot.core.kinds import Kind
from bot.core.text import WORD, fold

log = logging.getLogger(__name__)

SUGGESTIONS_FILE = "suggestions.txt"
MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
MAX_CHARS = 100  # and each choice's name and value hold at most 100 characters
# Only the start of what was typed is read (a question of 6,000 characters is no search term).
TYPED_CHARS = 200
TYPED_WORDS = 12
# A typed word matches a word of a suggestion at or above this rapidfuzz ratio (0..100): "mamdni" and
# "mamdani" score 92, "enrgy" and "energy" 91, "rent" and "rate" 50.
MATCH_AT = 70.0
# A word of the answering sentence counts for less than a word of the question itself: such matches come
# after the question's own, and are kept only as long as they reach KEEP_SHARE of the best.
ANSWER_WORD = 0.6
# Suggestions kept: those scoring at least this share of the best one's score.
KEEP_SHARE = 0.5
SEPARATOR = " | "
_SURROGATE = re.compile("[\ud800-\udfff]")
# Words that say nothing about which question is meant.
_FILLER = frozenset(
    """a an the of to in on and or is are was were be do does did what when where who why which how
    about for with by at it its that this as""".split()
)


class SuggestionsError(Exception):
    """The suggestions file cannot be read; the message is one sentence."""


@dataclass(frozen=True)
class Written:
    """A hand-written suggestion: the question and what the first excerpt of its answer must contain."""

    question: str
    gold: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A question that may be offered, and the chunks whose coming first means it is answered well."""

    question: str
    origin: str  # "faq" (a question heading of the article) or "written"
    expect: frozenset[str]  # chunk ids; empty: any answer will do


@dataclass(frozen=True)
class Suggestion:
    """A question the bot answers well, with the sentence it answers with (its words match too)."""

    question: str
    origin: str
    answer_line: str


def read_written(path: Path) -> tuple[Written, ...]:
    """The questions of a suggestions file (`question | gold | gold…`, `#` comments); none if missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise SuggestionsError(f"Cannot read the suggestions file {path} ({type(exc).__name__}).") from exc
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        question, *gold = (part.strip() for part in line.split(SEPARATOR.strip()))
        if question:
            out.append(Written(question, tuple(g for g in gold if g)))
    return tuple(out)


def candidates(index: Index, written: Sequence[Written]) -> tuple[Candidate, ...]:
    """The written questions (best first, as the file orders them), then the FAQ's; duplicates and
    over-long ones left out.

    A written question's gold that is in no chunk (the article changed) leaves the question out.
    """
    out: dict[str, Candidate] = {}
    texts = [(c.id, fold(c.text)) for c in index.chunks]
    for w in written:
        golds = [fold(g) for g in w.gold]
        ids = {cid for cid, text in texts if any(g in text for g in golds)}
        if w.gold and not ids:
            log.warning("suggestion %r left out: its passage is not in the article", w.question)
            continue
        out.setdefault(fold(w.question), Candidate(w.question, "written", frozenset(ids)))
    faq: dict[str, set[str]] = {}
    for chunk in index.chunks:
        if chunk.question:
            faq.setdefault(chunk.question, set()).add(chunk.id)
    for question, ids in faq.items():
        out.setdefault(fold(question), Candidate(question, "faq", frozenset(ids)))
    return tuple(c for c in out.values() if 0 < len(c.question) <= MAX_CHARS)


def answered_well(candidate: Candidate, answer: Answer) -> bool:
    """Whether the answer is an answer, with an expected passage first when some are expected."""
    if answer.kind != Kind.ANSWER or not answer.excerpts:
        return False
    return not candidate.expect or answer.excerpts[0].chunk_id in candidate.expect


def keep_answered(cands: Sequence[Candidate], answers: Sequence[Answer]) -> tuple[Suggestion, ...]:
    """The candidates answered well, in order, each with its answer's bold line."""
    kept = []
    for cand, answer in zip(cands, answers, strict=True):
        if answered_well(cand, answer):
            kept.append(Suggestion(cand.question, cand.origin, answer.highlight or ""))
        else:
            log.info("suggestion %r left out: not answered with its passage first", cand.question)
    return tuple(kept)


def typed_words(typed: str) -> tuple[list[str], bool]:
    """The words of what was typed (folded, at most TYPED_WORDS), and whether the last is still being typed.

    Anything goes in: control characters, lone surrogates and emoji are no words.
    """
    text = _SURROGATE.sub(" ", str(typed)[:TYPED_CHARS])
    text = unicodedata.normalize("NFKC", text).casefold()
    words = WORD.findall(text)
    unfinished = bool(words) and len(words) <= TYPED_WORDS and text[-1:].isalnum()
    return words[:TYPED_WORDS], unfinished


class Suggester:
    """Matches typed text against the suggestions: each typed word's closest word in each suggestion,
    weighted by how few suggestions hold that word, typos and unfinished words forgiven."""

    def __init__(self, suggestions: Iterable[Suggestion]) -> None:
        self.suggestions = tuple(suggestions)
        vocab: dict[str, int] = {}
        rows: list[dict[int, float]] = []
        for s in self.suggestions:
            row: dict[int, float] = {}
            for words, weight in ((_words(s.answer_line), ANSWER_WORD), (_words(s.question), 1.0)):
                for w in words:
                    i = vocab.setdefault(w, len(vocab))
                    row[i] = max(row.get(i, 0.0), weight)
            rows.append(row)
        self.vocab = list(vocab)
        # weights[s, v]: how much vocabulary word v counts in suggestion s (1 question, 0.8 answer, 0 none).
        self.weights = np.zeros((len(rows), max(len(vocab), 1)), dtype=np.float32)
        for s, row in enumerate(rows):
            for i, w in row.items():
                self.weights[s, i] = w
        held = np.count_nonzero(self.weights, axis=0)
        # A word in few suggestions tells them apart; one in all of them ("trump") tells little.
        self.idf = np.log1p(len(rows) / np.maximum(held, 1)).astype(np.float32)
        # Before anything is typed: the best written questions, and every one of the FAQ's.
        faq = [s.question for s in self.suggestions if s.origin == "faq"][:MAX_CHOICES]
        written = [s.question for s in self.suggestions if s.origin != "faq"]
        self.default = tuple(written[: MAX_CHOICES - len(faq)] + faq)

    def suggest(self, typed: str, limit: int = MAX_CHOICES) -> tuple[str, ...]:
        """Up to `limit` (at most 25) questions matching what was typed, best first (ties in the order
        given); the default list when nothing has been typed. Never raises for any text."""
        limit = max(0, min(limit, MAX_CHOICES))
        words, unfinished = typed_words(typed)
        content = [w for w in words if w not in _FILLER] or words
        if not content or not self.suggestions:
            return self.default[:limit]
        last = len(content) - 1 if unfinished and words and content[-1] == words[-1] else -1
        sims = np.stack([self._similarity(w, prefix=i == last) for i, w in enumerate(content)])
        # For each typed word: its weight (the idf of the word it matches best) and, per suggestion, the
        # best match among the suggestion's words.
        best_vocab = sims.argmax(axis=1)
        weight = np.where(sims.max(axis=1) > 0, self.idf[best_vocab], self.idf.max())
        per_word = (self.weights[:, None, :] * sims[None, :, :]).max(axis=2)  # suggestions × typed words
        scores = per_word @ weight / weight.sum()
        top = float(scores.max())
        if top <= 0:
            return ()
        order = sorted(range(len(scores)), key=lambda s: (-scores[s], s))
        keep = [s for s in order if scores[s] >= KEEP_SHARE * top]
        return tuple(self.suggestions[s].question for s in keep[:limit])

    def _similarity(self, word: str, prefix: bool) -> np.ndarray:
        """0..1 similarity of a typed word with every vocabulary word (0 below MATCH_AT); an unfinished
        word is also compared with each word's start."""
        ratios = process.cdist([word], self.vocab, scorer=fuzz.ratio, dtype=np.float32)[0]
        if prefix:
            starts = [v[: len(word)] for v in self.vocab]
            ratios = np.maximum(ratios, process.cdist([word], starts, scorer=fuzz.ratio, dtype=np.float32)[0])
        return np.where(ratios >= MATCH_AT, ratios / 100.0, 0.0).astype(np.float32)


def _words(text: str) -> list[str]:
    return WORD.findall(fold(text))
