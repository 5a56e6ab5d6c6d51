"""Questions asking for a name that the article does not give.

"Who was the centrist Democrat Mamdani beat?" and "what was the name of the Astoria development?" come
close to the lines that tell of them, "defeating a centrist Democrat in a primary" and "a campaign to
block a luxury development in Astoria", and were answered from them, sure; but the article never names
either. Its own words say so: it brings the thing in with "a" or "an", as one not named. So a question
asking for a name ("the name of…", "what was … called", "who was the…") whose bold line speaks of what
it asks about only that way ("a centrist Democrat") is declined, its nearest passages still shown. A
name put beside the thing keeps it answered: "a federal partnership proposal: a 'New York Affordability
Compact'" names the proposal. So does "a …" saying what someone named is ("Mamdani, who identifies as
a democratic socialist", "he became a national figure").

"Who is the …" in the present is not read: "who's the president in this article?" asks which of the two
it speaks of, and it speaks of Trump as "a populist Republican president" (a trial). A helper's review
of the first version found 7 of 8 changes right on new messages, but 12 of 17 probes aimed at it declined
(descriptions of Trump and Mamdani, a name looked for in the wrong place); this one declines one of
those ("what was the meeting called by the press", whose answer is a headline the outlets ran).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ASKS_A_NAME = re.compile(
    r"\bname\s+of\s+(?P<of>[^?.!,;]+)"
    r"|\bwhat(?:['’]s|\s+is|\s+was|\s+were|\s+are)\s+(?P<called>(?:\S+\s+){1,5}?)(?:called|named)\b"
    r"|(?P<whose>(?:[\w'’-]+\s+){0,2}[\w-]+)['’]s\s+names?\b"
    # Only in the past: "who is the president in this article?" asks who of the two it speaks of as "a
    # populist Republican president" (a trial); "who was the centrist democrat mamdani beat?" for a name.
    r"|\bwho\s+(?:was|were)\s+(?P<who>(?:the|a|an|[\w-]+['’]s)\s+[^?.!,;]+)",
    re.IGNORECASE,
)
# Where the words naming what is asked about end: "the centrist democrat mamdani beat | in the primary".
_PHRASE_ENDS = frozenset(
    "in at on of with for from that who whom which when where and or to by behind during after before "
    "about".split()
)
_TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
_INDEFINITE = frozenset({"a", "an"})
NOUN_PHRASE = 4  # words after "a" / "an" that may still be its noun phrase ("a luxury development")
# Words before "a" that make it say what someone named is ("Mamdani, who identifies as a democratic
# socialist", "He's a danger to America", "he became a national figure"): a description, not a stranger.
_DESCRIBES = frozenset(
    "is was are were be been being became become becomes remains remained as he's she's it's that's who's "
    "he’s she’s it’s that’s who’s".split()
)
# A name put right beside the thing: "…proposal: a "New York…"", "a developer, Acme,", "a bill called…".
_NAMED_BESIDE = re.compile(
    r"^\s*(?:[,:—–-]\s*(?:(?:a|an|the)\s+)?[\"“‘'A-Z]|[\"“]|(?:called|named|known\s+as)\b)"
)


def asked_thing(question: str) -> str | None:
    """The words naming what a question asks the name of ("the astoria luxury development" of "what was
    the name of the astoria luxury development?"), or None if it asks for no name."""
    found = _ASKS_A_NAME.search(question)
    if found is None:
        return None
    phrase = next(g for g in found.groups() if g is not None).split()
    end = next((n for n, w in enumerate(phrase) if n and w.casefold() in _PHRASE_ENDS), len(phrase))
    return " ".join(phrase[:end])


def unnamed(question: str, line: str, stems: Callable[[str], frozenset[str]]) -> bool:
    """Whether the question asks for a name and the line brings in what it asks about only as one not
    named ("a centrist Democrat"). `stems` gives a text's content stems."""
    thing = asked_thing(question)
    if thing is None:
        return False
    asked = stems(thing)
    tokens = list(_TOKEN.finditer(line))
    for i, token in enumerate(tokens):
        if token.group().casefold() not in _INDEFINITE:
            continue
        if i and tokens[i - 1].group().casefold() in _DESCRIBES:
            continue  # what someone is, said of them by name
        phrase = []  # the noun phrase: the words after "a", to a mark
        for word in tokens[i + 1 : i + 1 + NOUN_PHRASE]:
            if not word.group()[0].isalnum():
                break
            phrase.append(word)
        if not any(stems(w.group()) & asked for w in phrase):
            continue
        if not any(_NAMED_BESIDE.match(line[w.end() :]) for w in phrase):
            return True
    return False
