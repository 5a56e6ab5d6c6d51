"""A figure of another place than the line shown is about: a fact the article lacks.

"what's the median rent in boston?" comes close to the passage on New York's rents, and the abstainer, which
reads how close a question comes, answered it, sure, with "The median one-bedroom rent? $3,500 a month." (New
York's figure, in a line that does not say whose); so were "what is the gdp of chicago?" and "how much is rent
in los angeles?" (a trial). A question that asks for a figure of a place (a word for a figure of a place,
"rent", "population", "gdp"..., or "live", right before "in", "of" or "for" and the place, which ends it but
for a word of time or stress such as "right now" or "specifically") is declined when the bold line holds a
figure but never names that place, and it is not the article's own (the place it names most: "how many people
live in new york city?" is answered from "New York's 8.336 million residents"). The line, not its paragraph:
"The $1.744 trillion GDP means federal agencies pay attention." is followed by "A similar meeting between
Trump and Chicago's mayor wouldn't carry the same weight.", and "what is the gdp of chicago?" was answered
with it.

The figure must be the place's: a review found "how many minutes did the meeting run in washington",
"how old was mamdani when he met trump in washington" and "who did mamdani meet in washington" declined
when any figure asked, or any line holding a digit, counted. A place is a city of 15,000 people or more,
a country or a US state, by name (`places.txt`, written from GeoNames by scripts/places.py): not "the
White House" or "the Oval Office". A word the article writes in small letters is no place ("federal",
"opportunity" are also towns), nor is a month ("march").

In a conversation, a follow-up that names only a place ("and brooklyn?", "what about in boston?") after a
question for a figure is read as that question asked of the place (`Places.restate`).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.text import MONTHS, fold, longest_names

log = logging.getLogger(__name__)

PLACES_FILE = Path(__file__).with_name("places.txt")
_MOST_WORDS = 4  # "new york city", "salt lake city", "rio de janeiro", "united states of america"
# Words for a figure of a place ("rent in boston", "the population of chicago", "how many people live in
# los angeles"), right before the preposition and the place that ends the question.
_FIGURES = (
    r"populations?|people|residents|inhabitants|gdp|economy|economies|rents?|prices?|costs?|salary|"
    r"salaries|budgets?|incomes?|wages?|unemployment|tax|taxes|rates?|bills?|apartments?|bedroom|homes?|"
    r"housing|live|lives|living"
)
# What may follow the place and leave the figure its own: "…rent in brooklyn specifically", "…right now"
# (a trial: both were answered with New York's median rent, which "…rent in brooklyn" was not).
_AFTER_PLACE = (
    r"specifically|exactly|precisely|right\s+now|now|currently|today|these\s+days|nowadays|this\s+year|"
    r"lately|on\s+average|in\s+general|roughly|approximately|anymore|though|lol|pls|please|rn|"
    # ... or for what time: "…rent in boston per month" (a review)
    r"(?:per|a|an|each)\s+(?:month|year|week|day|night)|monthly|yearly|annually|weekly"
)
_FIGURE_OF_PLACE = re.compile(
    rf".*\b(?:{_FIGURES})\s+(?:like\s+)?(?:in|of|for)\s+(?P<place>[^\W\d_]+(?:\s[^\W\d_]+){{0,3}}?)"
    rf"(?:\s+(?:{_AFTER_PLACE}))*\s*$",
    re.DOTALL,
)
# A question for a figure, of no place: "what is the median rent", "how much is rent right now".
_FIGURE_AT_END = re.compile(rf".*\b(?:{_FIGURES})(?P<after>(?:\s+(?:{_AFTER_PLACE}))*)\s*$", re.DOTALL)
_WORD = re.compile(r"[^\W\d_]+")
_SMALL_WORD = re.compile(r"\b[a-z]+\b")
_DIGIT = re.compile(r"\d")
_CAPITALS = re.compile(r"\b[A-Z]{2,}\b|\b(?:[A-Z]\.\s?){2,}")


@functools.cache
def read_places(path: Path = PLACES_FILE) -> frozenset[str]:
    """The place names of `path`, one per line, folded, read once per path (an unreadable file reads as
    none, with a warning: the rule then declines nothing)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("no place names read from %s (%s): figures asked of other places are answered", path, exc)
        return frozenset()
    return frozenset(line.strip() for line in lines if line.strip())


def words_of(text: str) -> str:
    """The text's words, folded to plain letters, single-spaced: how names are compared ("Los-Angeles" is
    "los angeles", "Zürich" "zurich", as scripts/places.py wrote them)."""
    plain = unicodedata.normalize("NFKD", fold(text)).encode("ascii", "ignore").decode()
    return " ".join(_WORD.findall(plain))


@dataclass(frozen=True)
class Places:
    """The place names a question may end on, and the article's own place (`home`), folded."""

    names: frozenset[str]
    home: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str], known: frozenset[str]) -> Places:
        """Read against the article's `texts`, `known` being every place name. A word the texts write in
        small letters is no place of theirs (a town called "Federal")."""
        texts = list(texts)
        small = {w for t in texts for w in _SMALL_WORD.findall(t)}
        names = frozenset(n for n in known if n not in small and n not in MONTHS)
        named: Counter[str] = Counter()
        for text in texts:
            # The longest name at each word that opens with a capital: "New York City" once, not "York".
            words = _WORD.findall(text)
            for a, b in longest_names(words, names, _MOST_WORDS, opens=lambda w: w[0].isupper()):
                named[fold(" ".join(words[a:b]))] += 1
        top = max(named.values(), default=0)
        most = {n for n, c in named.items() if c == top}
        # ... and its own place under a longer name: "new york city" beside "new york".
        home = {n for n in names if any(n.startswith(m + " ") for m in most)}
        return cls(names, frozenset(most | home))

    def asked_elsewhere(self, question: str, line: str) -> str | None:
        """The place whose figure a question asks for, when the bold `line` holds a figure but never names
        that place and it is not the article's own; else None."""
        found = _FIGURE_OF_PLACE.match(words_of(question))
        if found is None or not _DIGIT.search(line):
            return None
        place = found.group("place")
        if place not in self.names and place.startswith("the "):
            place = place[4:]  # "the philippines"; "the bronx" is a name whole
        if place not in self.names or place in self.home:
            return None
        return None if named_in(place, line) else place

    def restate(self, message: str, previous: str) -> str | None:
        """A follow-up that only names a place ("and brooklyn?", "what about in boston?", "same for
        chicago?") after a question for a figure, as that question asked of the place, instead of the one
        it named or after it ("how much is rent in queens" → "how much is rent in brooklyn?"); else None.
        A trial: "and brooklyn?" after "how much is rent in queens", which was declined, got New York's
        median rent, sure."""
        place = self._only_a_place(message)
        if place is None:
            return None
        asked = words_of(previous)
        if not _ASKS_A_FIGURE.match(asked):
            return None  # "what did they say about energy costs?" asks no figure of a place
        if found := _FIGURE_OF_PLACE.match(asked):  # "how much is rent in queens": of Brooklyn instead
            return f"{asked[: found.start('place')]}{place}{asked[found.end('place') :]}?"
        if found := _FIGURE_AT_END.match(asked):  # "what is the median rent (right now)": in Brooklyn
            at = found.start("after")
            return f"{asked[:at]} in {place}{asked[at:]}?"
        return None

    def _only_a_place(self, message: str) -> str | None:
        """The place a message names and nothing else but a continuation's words (`_ONLY_A_PLACE`)."""
        found = _ONLY_A_PLACE.fullmatch(words_of(message))
        return found.group("place") if found and found.group("place") in self.names else None


# A question that asks for a figure: "how much is rent…", "how many people live…", or "what is the (median)
# rent…", the figure being what "the" names, not what a word like "with" or "of" brings in ("what is the
# crisis with rent?", "what are the views on taxes?": a review found them read as figures of Boston).
_ASKS_A_FIGURE = re.compile(
    r"(?:(?:and|so|ok|okay|but|also)\s+)*(?:how\s+(?:much|many|high|big|large|expensive)\b|"
    r"(?:whats|what\s+s|what\s+(?:is|are|was|were))\s+the\s+"
    rf"(?:(?!(?:with|of|on|about|for|in|to|from|behind|over|between|at)\b)[^\W\d_]+\s+){{0,2}}(?:{_FIGURES})\b)"
)
# A follow-up that names a place and nothing else: "brooklyn?", "and brooklyn?", "what about in boston",
# "what's it in queens", "how about chicago then" (as the words `words_of` leaves).
_ONLY_A_PLACE = re.compile(
    r"(?:(?:ok|okay|so|and|but|also|what\s+about|how\s+about|same\s+for|whats?\s+it|what\s+s\s+it|what\s+is\s+it|"
    r"what\s+about\s+it|how\s+much|how\s+many)\s+)*(?:(?:in|for|of|at)\s+)?"
    rf"(?P<place>[^\W\d_]+(?:\s[^\W\d_]+){{0,{_MOST_WORDS - 1}}}?)(?:\s+(?:then|too|{_AFTER_PLACE}))*"
)


def named_in(place: str, line: str) -> bool:
    """Whether the line names the place: by its name, or by its initials written as capitals ("U.S." is the
    United States, "NYC" New York City; a review found "how much does new york city contribute to the
    economy of the united states" declined)."""
    if f" {place} " in f" {words_of(line)} ":
        return True
    words = place.split()
    if len(words) < 2:
        return False
    initials = "".join(w[0] for w in words)
    # Capitals written together or one to a word: "NYC", "U.S.", "U. S."
    return initials in {"".join(c for c in run if c.isalpha()).lower() for run in _CAPITALS.findall(line)}
