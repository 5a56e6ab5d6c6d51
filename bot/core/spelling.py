"""Typo repair against the corpus: a word neither in the article nor in English is mapped to the
closest article word within a small edit distance ("teh meetng" → "the meeting")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

_WORD = re.compile(r"[A-Za-z]+")


def english_words() -> frozenset[str]:
    """The English dictionary of pyspellchecker (~160,000 words): words that are not typos."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker().word_frequency.dictionary)


class Speller:
    """Corrects misspelt words of a question towards the corpus vocabulary."""

    def __init__(self, corpus_texts: Iterable[str], known: frozenset[str]) -> None:
        counts = Counter(w.lower() for t in corpus_texts for w in _WORD.findall(t) if len(w) > 2)
        # Most frequent first, so that among equally close words the commoner wins.
        self._words = [w for w, _ in counts.most_common()]
        self._vocab = set(self._words)
        self._known = known

    def _fix(self, word: str) -> str:
        low = word.lower()
        if len(low) < 3 or low in self._vocab or low in self._known:
            return word
        limit = 1 if len(low) < 6 else 2
        best = extract(low, self._words, scorer=OSA.distance, score_cutoff=limit, limit=1)
        return best[0][0] if best else word

    def correct(self, text: str) -> str:
        """The text with each unknown word replaced by its closest corpus word, if one is close."""
        return _WORD.sub(lambda m: self._fix(m.group(0)), text)
