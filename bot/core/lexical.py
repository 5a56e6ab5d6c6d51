"""BM25 over chunks (bm25s, Lucene IDF, Snowball stems), with scores scaled to 0..1."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer

from bot.core.text import fold_for_search

log = logging.getLogger(__name__)

# bm25s's short English list: long stoplists remove words such as "who" that questions need.
BM25_STOPWORDS = "en"
# Function words that say nothing about whether the article covers a question.
_FUNCTION_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not now of off on once only or other our ours out over own same she should so some such
    than that the their theirs them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    tell say said says know article happen happened thing things anything something please hey ok""".split()
)


_WORD = re.compile(r"[^\W_]+")


class LexicalIndex:
    """A BM25 index over chunk texts that scores a question against every chunk."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        tokens = self._tokenize(list(texts))
        self._bm25 = bm25s.BM25(method="lucene")
        self._bm25.index(tokens, show_progress=False)
        self._n = len(texts)
        self._vocab = set(self._bm25.vocab_dict)
        # Per-term best score, so a question's BM25 can be scaled by what its terms could reach.
        self._best: dict[str, float] = {}

    def _tokenize(self, texts: list[str]) -> list[list[str]]:
        """Fold, split, drop stopwords and stem."""
        return bm25s.tokenize(
            [fold_for_search(t) for t in texts],
            stopwords=BM25_STOPWORDS,
            stemmer=self._stemmer,
            return_ids=False,
            show_progress=False,
        )

    def _term_best(self, term: str) -> float:
        if term not in self._best:
            self._best[term] = float(self._bm25.get_scores([term]).max())
        return self._best[term]

    def scores(self, question: str) -> np.ndarray:
        """BM25 of every chunk divided by the best score the question's matched terms could reach."""
        terms = [t for t in self._tokenize([question])[0] if t in self._vocab]
        if not terms:
            return np.zeros(self._n, dtype=np.float32)
        raw = self._bm25.get_scores(terms)
        ceiling = sum(self._term_best(t) for t in terms)
        return (raw / ceiling).astype(np.float32) if ceiling > 0 else np.zeros(self._n, np.float32)

    def _content_stems(self, text: str) -> list[str]:
        words = [w for w in _WORD.findall(fold_for_search(text)) if len(w) > 1 and w not in _FUNCTION_WORDS]
        return self._stemmer.stemWords(words)

    def overlap(self, question: str, text: str) -> float:
        """Share of the question's content stems that occur in `text`."""
        wanted = set(self._content_stems(question))
        return len(wanted & set(self._content_stems(text))) / len(wanted) if wanted else 0.0

    def coverage(self, question: str) -> float:
        """Share of the question's content words (stemmed) that occur anywhere in the corpus."""
        stems = self._content_stems(question)
        if not stems:
            return 0.0
        return sum(s in self._vocab for s in stems) / len(stems)
