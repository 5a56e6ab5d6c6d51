"""A person's other names read as the one the article calls them by.

News style names a person in full once ("Zohran Kwame Mamdani", "Donald J. Trump") and by surname after.
A question may use any part ("who is Zohran?", "Zohran Mamdani"), but a given name that the article uses
once is next to nothing to the encoder and the training questions, so "Zohran Mamdani" was declined
while "Mamdani" was answered. The names are found in the article itself: a run of capitalised words
mid-sentence whose last word the article also uses alone, at least twice, and never after "the" or "a"
(a person, not "the House" of "White House"); each earlier word of the run that the article uses nowhere
else is that person's given or middle name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

# A run of two or more capitalised words (initials such as "J." may sit between).
_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.|[A-Z][a-z]+))+\b")
_WORD = re.compile(r"[A-Za-z]+")
# Sentence ends, but not after an initial ("Donald J. Trump").
_SENTENCE = re.compile(r"(?<=[.!?:])(?<!\b[A-Z]\.)\s+|\n+")
# How often the last word must stand alone for the run to be a person named in full, then by surname.
ALONE = 2


def given_names(texts: Iterable[str]) -> dict[str, str]:
    """Lower-cased given and middle names → the surname the texts call that person by."""
    sentences = [s for t in texts for s in _SENTENCE.split(t) if s.strip()]
    words = Counter(w.casefold() for s in sentences for w in _WORD.findall(s))
    in_runs: Counter[str] = Counter()  # a word's uses inside a name run before that run's last word
    alone: Counter[str] = Counter()  # a capitalised word's uses outside any run
    named: set[str] = set()  # capitalised words used after an article ("the House"): not a surname
    found: dict[str, str] = {}
    for sentence in sentences:
        covered = [False] * len(sentence)
        for run in _RUN.finditer(sentence):
            parts = [w for w in _WORD.findall(run.group()) if len(w) > 1]
            covered[run.start() : run.end()] = [True] * (run.end() - run.start())
            # A sentence's first word is capitalised anyway ("When Donald J. Trump sat..."): not a name.
            first = 1 if run.start() == len(sentence) - len(sentence.lstrip(" #*>-\"“'‘")) else 0
            for part in parts[first:-1]:
                in_runs[part.casefold()] += 1
                found.setdefault(part.casefold(), parts[-1])
        for m in re.finditer(r"\b([Tt]he\s+|[Aa]n?\s+)?([A-Z][a-z]+)\b", sentence):
            if not covered[m.start(2)]:
                alone[m.group(2)] += 1
            if m.group(1):
                named.add(m.group(2))
    return {
        given: surname.casefold()
        for given, surname in found.items()
        if alone[surname] >= ALONE
        and surname not in named
        and words[given] == in_runs[given]
        and given != surname.casefold()
    }


def fold_names(text: str, names: Mapping[str, str]) -> str:
    """The text with a full name read as the surname ("Zohran Kwame Mamdani", "Donald J. Trump" →
    the surname) and a given name alone read as the surname ("what did Zohran say")."""
    if not names:
        return text
    tokens = re.split(r"([A-Za-z]+)", text)  # odd positions are words, even ones what lies between
    out = [tokens[0]]
    i = 1
    while i < len(tokens):
        surname = names.get(tokens[i].casefold())
        if surname is None:
            out += tokens[i : i + 2]
            i += 2
            continue
        end = _full_name_end(tokens, i, surname, names)
        out += [surname, *tokens[end + 1 : end + 2]]
        i = end + 2
    return "".join(out)


def _full_name_end(tokens: list[str], i: int, surname: str, names: Mapping[str, str]) -> int:
    """The position of the surname that the given name at token i goes on to through other given names
    and initials ("Donald J. Trump"), or i itself when it stands alone."""
    j = i
    while j + 2 < len(tokens) and tokens[j + 1] in (" ", ". "):
        word = tokens[j + 2].casefold()
        if word == surname:
            return j + 2
        if names.get(word) != surname and not (len(word) == 1 and tokens[j + 3 : j + 4] == [". "]):
            break
        j += 2
    return i
