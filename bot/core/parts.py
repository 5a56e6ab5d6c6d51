"""The parts of a question that asks two things at once.

"How old is Mamdani and what year did he get elected to the City Council?" asks about two places of the
article; its vector sits between them, near neither. A question is split where a second question starts:
after a question mark ("When was it? Who was there?"), or at "and", "also", "plus" or a comma followed by
a question word ("…, and how much did Trump's numbers improve"). Each part must open as a question (a
question word or an auxiliary: "After the meeting, how did…" is one question) and name something of its own
(a content word), so "who is he and why?" and "what and when?" stay whole; a bare question word asks the
part before it again ("what time did they meet and where?": where did they meet?).
"""

from __future__ import annotations

import re

from bot.core.followup import ask_again
from bot.core.lexical import FUNCTION_WORDS
from bot.core.text import AUXILIARIES

# Words that open a question of their own.
_QUESTION_WORD = r"(?:what|what's|whats|when|where|who|who's|whom|whose|which|why|how)\b"
_AUXILIARY = rf"(?:{AUXILIARIES})\b"
# Each part must open as a question: "After the meeting, how did…" and "According to the FAQ, what…" are one.
_OPENS_A_QUESTION = re.compile(rf"^\W*(?:{_QUESTION_WORD}|{_AUXILIARY})", re.IGNORECASE)
# A second question: after a question mark (or a full stop after a word, not "i.e.", before a question
# word), or a joining word or a comma before a question word; after a comma and a joining word, an
# auxiliary too (", and did they agree"). Blank runs are one space by then, so none of it backtracks far.
_JOIN = r"(?:and also|and|also|plus|as well as|\+|&)"
_QUOTE = r"[\"“]?"  # a part may be quoted: '"how old is he" and "when did they meet"'
_SPLIT = re.compile(
    rf"(?<=\?) ?(?:{_JOIN} )?(?=\S)"
    rf"|(?<=\w\w\w\.) (?={_QUOTE}{_QUESTION_WORD})"
    rf"| ?[,;] ?{_JOIN} (?={_QUOTE}{_AUXILIARY})"
    rf"| ?[,;] ?(?:{_JOIN} )?(?={_QUOTE}{_QUESTION_WORD})"
    rf"|[\"”]? {_JOIN} (?={_QUOTE}{_QUESTION_WORD})",
    re.IGNORECASE,
)
# A line break before a question word or an auxiliary ends a question, as a question mark does: a message
# of two lines, each a question ("how old is mamdani\nwhen did they meet").
# Blank runs are one line break or one space first, so none of it backtracks (2,000 newlines took 0.8 s).
_LINE_BREAK = re.compile(rf"\n(?={_QUOTE}(?:{_QUESTION_WORD}|{_AUXILIARY}))", re.IGNORECASE)
_BLANKS = re.compile(r"\s+")
# Words before the first question word of a message ("ok so ", "quick q: "), at most three.
_OPENER = re.compile(rf"^(?:[^\W\d_]+\W+){{1,3}}?(?=(?:{_QUESTION_WORD}|{_AUXILIARY}))", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
MAX_PARTS = 3  # a longer list of questions is read whole: each part would be a sliver


def question_parts(question: str) -> list[str]:
    """The question's parts when it asks two or three things, each naming something; else []."""
    text = _BLANKS.sub(lambda m: "\n" if "\n" in m.group() or "\r" in m.group() else " ", question)
    text = _LINE_BREAK.sub("? ", text.replace("’", "'")).replace("\n", " ").strip()
    pieces = [p.strip(' ,;"“”') for p in _SPLIT.split(text)]
    pieces = [p for p in pieces if p.strip(" ?")]
    # A bare question word asks the part before it again with it: "what time did they meet and where?"
    # asks where they met too (as a follow-up "where?" does, bot.core.followup.ask_again).
    for i in range(1, len(pieces)):
        pieces[i] = ask_again(pieces[i], pieces[i - 1].rstrip("?")) or pieces[i]
    # A part that names nothing of its own leans on the one before it: "who is bannon, what did he say,
    # and when was the meeting?" asks two things, the first in two clauses.
    for i in range(len(pieces) - 1, 0, -1):
        if not _names_something(pieces[i]) and _names_something(pieces[i - 1]):
            pieces[i - 1 : i + 1] = [f"{pieces[i - 1].rstrip('?')}, {pieces[i]}"]
    # An opener that names nothing ("hey,", "wait,") is no part of its own, nor the start of the first
    # part ("ok so when did they meet").
    while len(pieces) > 2 and not _names_something(pieces[0]):
        pieces.pop(0)
    opener = _OPENER.match(pieces[0]) if pieces and not _OPENS_A_QUESTION.match(pieces[0]) else None
    if opener and not _names_something(opener.group()):
        pieces[0] = pieces[0][opener.end() :]
    if not 2 <= len(pieces) <= MAX_PARTS:
        return []
    if not all(_names_something(p) and _OPENS_A_QUESTION.match(p) for p in pieces):
        return []
    # A part read alone is read as a question when the whole was one ("How old is Mamdani?").
    if text.endswith("?"):
        pieces = [p if p[-1] in "?.!" else p + "?" for p in pieces]
    return pieces


def _names_something(text: str) -> bool:
    """Whether the text has a content word (not only question and function words) or a number ("what is
    2+2" asks something of its own)."""
    words = _WORD.findall(text.casefold())
    return any(
        any(c.isdigit() for c in w)
        or (len(w) > 1 and w not in FUNCTION_WORDS and not re.fullmatch(_QUESTION_WORD, w))
        for w in words
    )
