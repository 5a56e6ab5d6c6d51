"""Typo repair against the corpus: a word neither in the article nor in English is mapped to the
closest question word or article word within a small edit distance ("teh meetng" → "the meeting", "wher"
→ "where"); then a person's given names are read as the surname the article calls them by
(bot.core.names)."""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist, extract

from bot.core.files import Damage, read_text
from bot.core.names import fold_names, given_names
from bot.core.text import AUXILIARIES, longest_names

_WORD = re.compile(r"[A-Za-z]+")
# A word as typed, letters of any script: only one of plain Latin letters may be a typo of the article's
# ("café" was read as "caf" + "é", and "caf" corrected to "can"; "gİuliani" became "gİgiuliani").
_TYPED_WORD = re.compile(r"[^\W\d_]+")
_KEPT_WORDS = 4  # the most words of a kept name ("rio de janeiro")
PROTECTED_FILE = "protected_words.txt"
_COUNT_LINE = "# words:"  # the protected-words file's first line, with their number
_END_LINE = "#end"  # ... and its last


def english_words() -> frozenset[str]:
    """The English dictionary of pyspellchecker (~160,000 words): words that are not typos (build time)."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker().word_frequency.dictionary)


def _limit(length: int) -> int:
    """How many edits a word of this length may be away from its correction."""
    return 1 if length < 6 else 2


def corpus_words(texts: Iterable[str]) -> list[str]:
    """The corpus's words of three letters or more, most frequent first."""
    counts = Counter(w.lower() for t in texts for w in _WORD.findall(t) if len(w) > 2)
    return [w for w, _ in counts.most_common()]


# Question words the article does not use ("where", "why", "which" and "whose" are not in it) are the
# commonest words of questions: a typo of one is repaired towards it, ahead of an article word as close
# ("whered" became "here", "wher" "when").
QUESTION_WORDS = ("what", "where", "when", "who", "why", "which", "whose", "how")


# Chat spellings of question words that typo repair cannot reach: English words of their own ("wen",
# "wat", "wot") or too short to repair ("wy", "y", "hw"). Read as the question word only where one opens a
# question, before an auxiliary or a word of measure ("wen did they meet", "y is rent so high"); "hw" only
# before a word of measure ("hw old is he"), as it is homework too ("hw has been killing me"). A trial:
# "where" after "wen did they meet" was declined, "wen…" being no question to ask again. (An edit-distance
# rule in their place also took "way is clear…", "hon has it right", "whos is…".)
_MEASURE = r"old|much|many|long|far"
CHAT_QUESTION_WORDS = {"wat": "what", "wot": "what", "wut": "what", "wen": "when", "wy": "why", "y": "why"}
_OPENING_WORD = re.compile(
    rf"^(\W*)(?:({'|'.join(CHAT_QUESTION_WORDS)})(?=\s+(?:{AUXILIARIES}|{_MEASURE})\b)"
    rf"|(hw)(?=\s+(?:{_MEASURE})\b))",
    re.IGNORECASE,
)


def _question_word(found: re.Match[str]) -> str:
    """The opening `found` with its chat spelling read as the question word."""
    chat = found.group(2)
    return found.group(1) + (CHAT_QUESTION_WORDS[chat.lower()] if chat else "how")


def targets(texts: Iterable[str]) -> list[str]:
    """The words a typo may be repaired into: the question words, then the corpus's words, most frequent
    first (among equally close words, the first wins)."""
    return [*QUESTION_WORDS, *(w for w in corpus_words(texts) if w not in QUESTION_WORDS)]


def protected_words(texts: Iterable[str], english: Iterable[str]) -> frozenset[str]:
    """English words close enough to a corpus word that they would be "corrected" unless protected.

    Only these need remembering at serving time: every other English word is too far from the corpus
    to be touched, so the 160,000-word dictionary stays out of the serving process.
    """
    words = targets(texts)
    vocab = set(words)
    candidates = sorted(w for w in english if len(w) > 2 and w.isalpha() and w not in vocab)
    if not candidates or not words:
        return frozenset()
    dist = cdist(candidates, words, scorer=OSA.distance, score_cutoff=2, workers=-1, dtype=np.int32)
    limits = np.array([_limit(len(w)) for w in candidates])[:, None]
    return frozenset(w for w, close in zip(candidates, (dist <= limits).any(axis=1), strict=True) if close)


class Speller:
    """Corrects misspelt words of a question towards the corpus vocabulary, and reads the article's
    people by the names it calls them by."""

    def __init__(self, corpus_texts: Iterable[str], protected: frozenset[str]) -> None:
        corpus_texts = list(corpus_texts)
        # Question words first, then most frequent first: among equally close words the first wins.
        self._words = targets(corpus_texts)
        self._names = given_names(corpus_texts)
        self._vocab = set(self._words)
        self._protected = protected
        # Per word length, the corpus words whose length is within reach (an edit changes the length
        # by at most one), still most frequent first: the same answer from a fraction of the search.
        self._within: dict[int, list[str]] = {}
        self._kept: frozenset[str] = frozenset()  # names of several words left alone (`keeping`)

    def keeping(self, names: Iterable[str]) -> Speller:
        """This speller, leaving alone the words of these names of several words (folded, single-spaced)
        where a question writes them whole: "los angeles" was read as "low angeles", "las vegas" as
        "last vegas" (bot.core.places)."""
        kept = copy.copy(self)
        kept._kept = frozenset(n for n in names if " " in n)
        return kept

    def _kept_starts(self, text: str) -> set[int]:
        """Where the words of the kept names written whole in `text` start."""
        if not self._kept:
            return set()
        found = list(_TYPED_WORD.finditer(text))
        runs = longest_names([m.group(0) for m in found], self._kept, _KEPT_WORDS, shortest=2)
        return {m.start() for a, b in runs for m in found[a:b]}

    @property
    def known_words(self) -> frozenset[str]:
        """Every word it leaves alone: the corpus's words and the English words near them."""
        return frozenset(self._vocab) | self._protected

    def save(self, folder: Path) -> None:
        """Write the protected words beside the index, between a first line that counts them and a last
        that ends the list (a list cut anywhere, even inside its last word, lacks the end)."""
        words = sorted(self._protected)
        (folder / PROTECTED_FILE).write_text(
            "\n".join([f"{_COUNT_LINE} {len(words)}", *words, _END_LINE]) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path, corpus_texts: Iterable[str]) -> Speller:
        """A speller for the corpus with the protected words saved beside its index (files.Damage when
        the list is empty, cut, or holds another number of words than its first line counts: a cut list
        used to be taken, and the words cut off "corrected" into the article's)."""
        lines = read_text(folder / PROTECTED_FILE).split()
        if not lines:
            raise Damage("it is empty")
        if not lines[0].startswith("#"):  # built before the list was counted: no count, no end
            return cls(corpus_texts, frozenset(lines))
        head = _COUNT_LINE.split()
        if lines[: len(head)] != head or lines[-1] != _END_LINE:
            raise Damage("it is cut short")
        count, words = lines[len(head)], lines[len(head) + 1 : -1]
        if count != str(len(words)):
            raise Damage(f"its first line counts otherwise than the {len(words)} it holds")
        return cls(corpus_texts, frozenset(words))

    def _fix(self, word: str) -> str:
        low = word.lower()
        if len(low) < 3 or not _WORD.fullmatch(word) or low in self._vocab or low in self._protected:
            return word
        limit = _limit(len(low))
        near = self._within.get(len(low))
        if near is None:
            near = [w for w in self._words if abs(len(w) - len(low)) <= limit]
            self._within[len(low)] = near
        best = extract(low, near, scorer=OSA.distance, score_cutoff=limit, limit=1)
        return best[0][0] if best else word

    def correct(self, text: str) -> str:
        """The text with a chat spelling of a question word opening it read as that word ("wen did…"),
        each unknown word replaced by its closest corpus word, if one is close, and each person's given
        names by their surname ("Zohran Mamdani", "zohran" → "mamdani")."""
        text = _OPENING_WORD.sub(_question_word, text)
        kept = self._kept_starts(text)
        fixed = _TYPED_WORD.sub(lambda m: m.group(0) if m.start() in kept else self._fix(m.group(0)), text)
        return fold_names(fixed, self._names)
