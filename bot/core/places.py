"""A figure asked of another place than the passage shown is about: a fact the article lacks.

"what's the median rent in boston?" comes close to the passage on New York's rents, and the abstainer,
which reads how close a question comes, answered it, sure, with "The median one-bedroom rent? $3,500 a
month." (New York's figure, in a line that does not say whose); so were "what is the gdp of chicago?" and
"how much is rent in los angeles?" (a trial). A question that ends on a place, after "in", "of" or "for",
and asks for a figure (a number asked for, or a bold line that holds one) is declined when the bold line
never names that place and it is not the article's own (the place it names most: "how many people live
in new york city?" is answered from "New York's 8.336 million residents"). The line, not its paragraph:
"The $1.744 trillion GDP means federal agencies pay attention." is followed by "A similar meeting
between Trump and Chicago's mayor wouldn't carry the same weight.", and "what is the gdp of chicago?"
was answered with it.

A place is a city of 15,000 people or more, a country or a US state, by name (`places.txt`, written from
GeoNames by scripts/places.py): not "the White House" or "the Oval Office", where a question about the
meeting asks "how many minutes in the white house?" (a review of an earlier rule, which took any name
after "in", found that declined). A word the article uses in small letters is no place either
("federal", "opportunity" are also towns).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.highlight import asked_types
from bot.core.text import fold

log = logging.getLogger(__name__)

PLACES_FILE = Path(__file__).with_name("places.txt")
_MOST_WORDS = 4  # "new york city", "salt lake city", "rio de janeiro", "united states of america"
# The place the question ends on: after the last "in", "of" or "for", up to four words and the end.
_ENDS_ON_PLACE = re.compile(
    r".*\b(?:in|of|for)\s+(?P<place>[^\W\d_]+(?:[\s-][^\W\d_]+){0,3})[\W_]*$", re.DOTALL
)
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")


def read_places(path: Path = PLACES_FILE) -> frozenset[str]:
    """The place names of `path`, one per line, folded (an unreadable file reads as none, with a warning:
    the rule then declines nothing)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("no place names read from %s (%s): figures asked of other places are answered", path, exc)
        return frozenset()
    return frozenset(line.strip() for line in lines if line.strip())


def words_of(text: str) -> str:
    """The text's words, folded, single-spaced: how names are compared ("Los-Angeles" is "los angeles")."""
    return " ".join(_WORD.findall(fold(text)))


@dataclass(frozen=True)
class Places:
    """The place names a question may end on, and the article's own place (`home`), folded."""

    names: frozenset[str]
    home: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str], known: frozenset[str], small: frozenset[str]) -> Places:
        """Read against the article's `texts`: `known`, every place name; `small`, the words the article
        writes in small letters, which are no places of its (a town called "Federal")."""
        names = frozenset(n for n in known if n not in small)
        named: Counter[str] = Counter()
        for text in texts:
            words = _WORD.findall(text)
            i = 0
            while i < len(words):
                # The longest name at each word that opens with a capital: "New York City" once, not "York".
                for n in range(min(_MOST_WORDS, len(words) - i), 0, -1):
                    name = " ".join(words[i : i + n])
                    if words[i][0].isupper() and fold(name) in names:
                        named[fold(name)] += 1
                        i += n
                        break
                else:
                    i += 1
        top = max(named.values(), default=0)
        most = {n for n, c in named.items() if c == top}
        # ... and its own place under a longer name: "new york city" beside "new york".
        home = {n for n in names if any(n.startswith(m + " ") for m in most)}
        return cls(names, frozenset(most | home))

    def asked_elsewhere(self, question: str, line: str) -> str | None:
        """The place a question asking for a figure ends on, when the bold `line` never names it and it is
        not the article's own; else None."""
        found = _ENDS_ON_PLACE.match(words_of(question))
        if found is None:
            return None
        place = found.group("place")
        if place not in self.names or place in self.home:
            return None
        if "number" not in asked_types(question) and not _DIGIT.search(line):
            return None  # no figure asked for: "what did trump say about socialist mayors in chicago?"
        return None if f" {place} " in f" {words_of(line)} " else place
