"""BM25 over chunks (bm25s, Lucene IDF, Snowball stems), with scores scaled to 0..1."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN  # a short list: long ones drop words like "who"

from bot.core.cache import ByteBoundedCache, strings_size, text_size
from bot.core.language import proper_names
from bot.core.text import WORD, fold_for_search

log = logging.getLogger(__name__)

# Function words that say nothing about whether the article covers a question.
FUNCTION_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me
    more most my myself no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up ourselves very was we were what when where which while who whom
    why will with would you your yours yourself yourselves tell say said says know article happen
    happened thing things anything something please hey ok hi hello thanks thank thx""".split()
)


DENSE_LIMIT = 5_000_000  # cells of the dense term table (20 MB of float32)
# Content stems of recently seen texts (corpus sentences, questions), bounded by bytes: a question's stems
# are asked for several times while it is answered, a sentence's whenever its chunk is highlighted. The
# meeting article's sentences take ~130 KB; a ~2,000-character question up to ~30 KB.
STEMS_CACHE_BYTES = 4 * 2**20
_TERM = re.compile(r"(?u)\b\w\w+\b")  # bm25s's own token pattern
_STOPWORDS = frozenset(STOPWORDS_EN)


class LexicalIndex:
    """A BM25 index over chunk texts that scores a question against every chunk."""

    def __init__(self, texts: Sequence[str], names_from: Sequence[str] | None = None) -> None:
        """`names_from`: the texts whose capitalised names are matched whole (`_colliding_names`), when
        not `texts` themselves (passages followed by training questions, which write names in lower case)."""
        # PyStemmer's own word cache is off: it is bounded by words (10,000), not bytes, and every new
        # word of a pasted text went into it. Stemming uncached costs ~0.2 µs a word.
        self._stemmer = Stemmer.Stemmer("english", 0)
        self._names = self._colliding_names(texts if names_from is None else names_from)
        self._bm25 = bm25s.BM25(method="lucene")
        self._bm25.index([self.terms(t) for t in texts], show_progress=False)
        self._n = len(texts)
        self._vocab = set(self._bm25.vocab_dict)
        # Per-term best score, so a question's BM25 can be scaled by what its terms could reach.
        self._best: dict[str, float] = {}
        self._stems: ByteBoundedCache[str, frozenset[str]] = ByteBoundedCache(
            STEMS_CACHE_BYTES, lambda text, stems: text_size(text) + strings_size(stems)
        )
        # A small corpus keeps bm25s's term scores as a dense (terms × chunks) table: a question's
        # scores are then one row-sum, without bm25s's per-call overhead. Large corpora use bm25s itself.
        self._dense: np.ndarray | None = None
        sc = self._bm25.scores
        vocab_size = len(sc["indptr"]) - 1  # bm25s's term ids index its score arrays
        if self._n * vocab_size <= DENSE_LIMIT:
            dense = np.zeros((vocab_size, self._n), np.float32)
            for term in range(vocab_size):
                lo, hi = sc["indptr"][term], sc["indptr"][term + 1]
                dense[term, sc["indices"][lo:hi]] = sc["data"][lo:hi]
            self._dense = dense

    def terms(self, text: str) -> list[str]:
        """BM25 terms: folded words of two or more characters, stopwords dropped, stemmed."""
        words = [w for w in _TERM.findall(fold_for_search(text)) if w not in _STOPWORDS]
        return self._stemmed(words)

    def _colliding_names(self, texts: Sequence[str]) -> frozenset[str]:
        """The names the texts always capitalise whose stem is another word's of the texts: such a name is
        matched whole, not by its stem. Snowball stems the "House" of the White House and "housing" alike
        ("hous"), and "and housing?" found the House and Senate. A name whose stem is its own keeps it, so
        that "senators" still finds the Senate (a trial of the first version, which kept every name whole).
        """
        names = proper_names(texts)
        words = {w for t in texts for w in _TERM.findall(fold_for_search(t))} - names
        others = set(self._stemmer.stemWords(sorted(words)))
        return frozenset(n for n in names if (stem := self._stemmer.stemWord(n)) != n and stem in others)

    def _stemmed(self, words: list[str]) -> list[str]:
        """Each word's stem, or for a name of the texts (its plural or possessive too) the name itself."""
        return [self._name(w) or s for w, s in zip(words, self._stemmer.stemWords(words), strict=True)]

    def _name(self, word: str) -> str | None:
        if word in self._names:
            return word
        if word.endswith("s") and word[:-1] in self._names:
            return word[:-1]
        return None

    def _term_best(self, term: str) -> float:
        if term not in self._best:
            self._best[term] = float(self._bm25.get_scores([term]).max())
        return self._best[term]

    def scores(self, question: str) -> np.ndarray:
        """BM25 of every chunk divided by the best score the question's matched terms could reach."""
        terms = [t for t in self.terms(question) if t in self._vocab]
        if not terms:
            return np.zeros(self._n, dtype=np.float32)
        if self._dense is not None:
            rows = self._dense[[self._bm25.vocab_dict[t] for t in terms]]
            raw, ceiling = rows.sum(axis=0), float(rows.max(axis=1).sum())
        else:
            raw = self._bm25.get_scores(terms)
            ceiling = sum(self._term_best(t) for t in terms)
        return (raw / ceiling).astype(np.float32) if ceiling > 0 else np.zeros(self._n, np.float32)

    def content_stems(self, text: str) -> frozenset[str]:
        """Stems of the text's content words (function words left out); recent texts' are cached."""
        found = self._stems.get(text)
        if found is None:
            words = [w for w in WORD.findall(fold_for_search(text)) if len(w) > 1 and w not in FUNCTION_WORDS]
            found = frozenset(self._stemmed(words))
            self._stems.put(text, found)
        return found

    def overlap(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """For each text, the share of the question's content stems that occur in it."""
        wanted = self.content_stems(question)
        if not wanted:
            return np.zeros(len(texts), dtype=np.float32)
        return np.array([len(wanted & self.content_stems(t)) / len(wanted) for t in texts], np.float32)

    def coverage(self, question: str, also: frozenset[str] = frozenset()) -> float:
        """Share of the question's content words (stemmed) that occur anywhere in the corpus or in `also`."""
        stems = self.content_stems(question)
        if not stems:
            return 0.0
        return sum(s in self._vocab or s in also for s in stems) / len(stems)

    @property
    def vocabulary(self) -> frozenset[str]:
        """The stems of the indexed texts."""
        return frozenset(self._vocab)

    def words_of(self, texts: Sequence[str]) -> frozenset[str]:
        """The content stems of all the texts."""
        return frozenset(s for t in texts for s in self.content_stems(t))
