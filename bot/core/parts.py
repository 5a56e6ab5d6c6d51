"""The parts of a question that asks two things at once.

"How old is Mamdani and what year did he get elected to the City Council?" asks about two places of the
article; its vector sits between them, near neither. A question is split where a second question starts:
after a question mark ("When was it? Who was there?"), or at "and", "also", "plus" or a comma followed by
a question word ("…, and how much did Trump's numbers improve"). Each part must open as a question (a
question word or an auxiliary: "After the meeting, how did…" is one question) and name something of its own
(a content word), so "who is he and why?" and "what and when?" stay whole.
"""

from __future__ import annotations

import re

from bot.core.lexical import FUNCTION_WORDS

# Words that open a question of their own.
_QUESTION_WORD = r"(?:what|what's|whats|when|where|who|who's|whom|whose|which|why|how)\b"
_AUXILIARY = r"(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would|should)\b"
# Each part must open as a question: "After the meeting, how did…" and "According to the FAQ, what…" are one.
_OPENS_A_QUESTION = re.compile(rf"^\W*(?:{_QUESTION_WORD}|{_AUXILIARY})", re.IGNORECASE)
# A second question: after a question mark (or a full stop before a question word), or a joining word or a
# comma before a question word; after a comma and a joining word, an auxiliary too (", and did they agree").
_JOIN = r"(?:and|also|plus|as well as|\+|&)"
_SPLIT = re.compile(
    rf"(?<=\?)\s+(?:{_JOIN}\s+)?(?=\S)"
    rf"|(?<=\.)\s+(?={_QUESTION_WORD})"
    rf"|\s*[,;]\s*{_JOIN}\s+(?={_QUESTION_WORD}|{_AUXILIARY})"
    rf"|\s*[,;]\s*(?={_QUESTION_WORD})"
    rf"|\s+{_JOIN}\s+(?={_QUESTION_WORD})",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
MAX_PARTS = 3  # a longer list of questions is read whole: each part would be a sliver


def question_parts(question: str) -> list[str]:
    """The question's parts when it asks two or three things, each naming something; else []."""
    pieces = [p.strip(" ,;") for p in _SPLIT.split(question)]
    pieces = [p for p in pieces if p]
    if not 2 <= len(pieces) <= MAX_PARTS:
        return []
    if not all(_names_something(p) and _OPENS_A_QUESTION.match(p) for p in pieces):
        return []
    # A part read alone is read as a question when the whole was one ("How old is Mamdani?").
    if question.rstrip().endswith("?"):
        pieces = [p if p[-1] in "?.!" else p + "?" for p in pieces]
    return pieces


def _names_something(text: str) -> bool:
    """Whether the text has a content word (not only question and function words)."""
    words = _WORD.findall(text.casefold())
    return any(len(w) > 1 and w not in FUNCTION_WORDS and not re.fullmatch(_QUESTION_WORD, w) for w in words)
