"""Whose words or views a question asks for, and whether the article knows them at all.

The article quotes and describes a few people and groups. "What did Eric Adams think of it?" asks for a
fact it lacks, however close the rest of the question comes to a passage about the meeting, and the
abstainer, which reads how close the question comes, used to answer such questions with Trump's or
Mamdani's words. The one asked about is read from the question's wording ("what did/does/would X say,
think, feel...", "how did X react/respond", "did X say/comment...", "what was X's reaction/take") and is
unknown when one of its content words is in neither the article nor the training questions (which hold the
words people use for the article's people: "the commander in chief", "the ex-strategist"). Such a question
is declined; its nearest passages are still shown when they are near, so a name the article knows by
another word ("potus") costs the reader only the bold line.
"""

from __future__ import annotations

import re

from bot.core.lexical import LexicalIndex

# Verbs that ask for someone's words or views.
_VIEWS = (
    r"say|says|said|think|thinks|thought|feel|feels|felt|believe|believes|believed|react|reacts|reacted|"
    r"respond|responds|responded|comment|comments|commented|tweet|tweets|tweeted|post|posts|posted|"
    r"reply|replies|replied|write|writes|wrote|tell|tells|told|make of|made of"
)
_ADVERBS = r"(?:\s+(?:ever|even|actually|really|publicly|officially|just|also|already|first))*"
# The one asked about: a few words, no clause (a lazy run stops at the first verb of saying).
_WHO = r"(?P<who>[^\W\d_][\w'’.-]*(?:\s+[\w'’.-]+){0,5}?)"
_ASKS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b(?:what|how)\s+(?:did|does|do|has|have|had|would|will|could|might)\s+{_WHO}{_ADVERBS}\s+(?:{_VIEWS})\b",
        rf"\b(?:did|does|do|has|have|had)\s+{_WHO}{_ADVERBS}\s+(?:{_VIEWS})\b",
        rf"\bwhat\s+(?:was|were|is|are)\s+{_WHO}['’]s?\s+(?:reaction|response|take|view|views|opinion|stance)\b",
    )
)
# Words for nobody in particular: "did anyone say", "what do people think".
_ANYONE = frozenset(
    "anyone anybody someone somebody everyone everybody nobody people folks one others".split()
)


def asked_about(question: str) -> str | None:
    """The words naming whose words or views the question asks for, or None if it asks for none."""
    for pattern in _ASKS:
        found = pattern.search(question)
        if found:
            return found.group("who")
    return None


def unknown_speaker(question: str, lexical: LexicalIndex, known: frozenset[str]) -> str | None:
    """The one the question asks about when the article (and the training questions, `known` stems)
    has no word for them, else None."""
    who = asked_about(question)
    if who is None:
        return None
    words = " ".join(w for w in who.split() if w.casefold() not in _ANYONE)
    stems = lexical.content_stems(words)
    if stems and lexical.coverage(words, known) < 1.0:
        return who
    return None
