"""A person's other names read as the one the article calls them by.

News style names a person in full once ("Zohran Kwame Mamdani", "Donald J. Trump") and by surname after.
A question may use any part ("who is Zohran?", "Zohran Mamdani"), but a given name that the article uses
once is next to nothing to the encoder and the training questions, so "Zohran Mamdani" was declined
while "Mamdani" was answered. The names are found in the article itself: a run of capitalised words
mid-sentence whose last word the article also uses alone, at least twice, and never after "the" or "a"
(a person, not "the House" of "White House"); each earlier word of the run that the article uses nowhere
else is that person's given or middle name. (`bot.core.attribution.SpeakerNames` reads the names of the
people the article quotes from the same runs, but knows from the quotations who they are; here they must
be found first.)
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

from bot.core.text import WORD_OF_LETTERS

# A run of two or more capitalised words (initials such as "J." may sit between).
NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.|[A-Z][a-z]+))+\b")
_GAP = re.compile(r"[\s.]+")  # what may separate the parts of one name ("Donald J. Trump", "donald j trump")
# Sentence ends, but not after an initial ("Donald J. Trump").
_SENTENCE = re.compile(r"(?<=[.!?:])(?<!\b[A-Z]\.)\s+|\n+")
# A capitalised word, and the article before it if any ("the House").
_CAPITALISED = re.compile(r"\b([Tt]he\s+|[Aa]n?\s+)?([A-Z][a-z]+)\b")
# How often the last word must stand alone for the run to be a person named in full, then by surname.
ALONE = 2


def given_names(texts: Iterable[str]) -> dict[str, str]:
    """Given and middle names → the surname the texts call that person by (both as `_key` reads them)."""
    sentences = [s for t in texts for s in _SENTENCE.split(t) if s.strip()]
    words = Counter(_key(w) for s in sentences for w in WORD_OF_LETTERS.findall(s))
    in_runs: Counter[str] = Counter()  # a word's uses inside a name run before that run's last word
    alone: Counter[str] = Counter()  # a capitalised word's uses outside any run
    named: set[str] = set()  # capitalised words used after an article ("the House"): not a surname
    found: dict[str, str] = {}
    for sentence in sentences:
        covered = [False] * len(sentence)
        for run in NAME_RUN.finditer(sentence):
            parts = [w for w in WORD_OF_LETTERS.findall(run.group()) if len(w) > 1]
            covered[run.start() : run.end()] = [True] * (run.end() - run.start())
            # A sentence's first word is capitalised anyway ("When Donald J. Trump sat..."): not a name.
            first = 1 if run.start() == len(sentence) - len(sentence.lstrip(" #*>-\"“'‘")) else 0
            for part in parts[first:-1]:
                in_runs[_key(part)] += 1
                found.setdefault(_key(part), parts[-1])
        for m in _CAPITALISED.finditer(sentence):
            if not covered[m.start(2)]:
                alone[m.group(2)] += 1
            if m.group(1):
                named.add(m.group(2))
    return {
        given: _key(surname)
        for given, surname in found.items()
        if alone[surname] >= ALONE
        and surname not in named
        and words[given] == in_runs[given]
        and given != _key(surname)
    }


def fold_names(text: str, names: Mapping[str, str]) -> str:
    """The text with a full name read as the surname ("Zohran Kwame Mamdani", "donald j trump" → the
    surname), and a given name without it too ("what did Zohran say", "Zohran Kwame" → "mamdani").

    Names are matched without case or accents ("Zohrán"); the parts of one name are separated by white
    space or dots only, and an initial counts only inside a name that reaches its surname. Linear in the
    text: each word is looked at a bounded number of times.
    """
    if not names:
        return text
    words = list(WORD_OF_LETTERS.finditer(text))
    out: list[str] = []
    done = 0  # how much of the text is in `out`
    i = 0
    while i < len(words):
        surname = names.get(_key(words[i].group()))
        if surname is None:
            i += 1
            continue
        last, j = i, i  # the last given name of the run, and how far the run goes
        while j + 1 < len(words) and _GAP.fullmatch(text[words[j].end() : words[j + 1].start()]):
            word = _key(words[j + 1].group())
            if word == surname:
                last = j + 1
                break
            if names.get(word) == surname:
                last = j = j + 1
            elif len(word) == 1:  # an initial, if the surname follows
                j += 1
            else:
                break
        out += [text[done : words[i].start()], surname]
        done = words[last].end()
        i = last + 1
    return "".join(out) + text[done:]


def _key(word: str) -> str:
    """A word as names are matched: case and accents set aside ("Zohrán" is "zohran")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))
