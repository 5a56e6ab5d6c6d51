"""Asking what came next: "what happened next?", "and then?", "what did he say after that?".

In a conversation such a message asks for the article's line after the one just shown in bold: after
the letter ("In October, Mamdani's office sent a handwritten letter…"), "what happened after?" asks for
"Trump reportedly read it twice." Searched as a question, it names nothing of its own, so it was
answered from the question before it, and the same line came back in bold (a trial found three such
conversations). It is read by a small closed vocabulary, as requests for more are (`bot.core.more`): a
message counts only when every word is one of these, so "what happened after the meeting?" is searched
as a question. What comes next in the story's future ("what's next?", "what happens next?", "what will
happen after?") is a question about the article's plans, and searched as one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.core.chunking import Chunk, Sentence

# One of these must say the message asks for what followed...
_AFTER = frozenset("after afterwards afterward".split())
_CUES = _AFTER | {"next", "then", "later"}
# ...told in the past: "next" and "later" ask about the story's future without one ("what's next?").
_PAST = frozenset("happened happend did said came went followed occurred".split())
# "was" tells the past too, but not with "then" alone: "what was next?" asks what followed, "what was it
# then?" asks again what something was.
_WAS = frozenset("was were".split())
# A message opening so, after a word of chat, asks whether something was so ("was that it then?", "so
# did that happen after?", "he said that after?"): a question of its own.
_NOT_OPENING = frozenset("was were did do does is are he she they it that this".split())
_OPENERS = frozenset("and so ok okay oh hmm".split())
# The other words may only be those a request for what followed is wrapped in.
_WRAPPING = frozenset(
    """what wat and so ok okay oh hmm that this he she they them it do say happen come go tell me us
    about right immediately straight just exactly please pls""".split()
)
MAX_WORDS = 8
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_OTHER_MARKS = re.compile(r"\d|[@#<>/\\]")


def asks_what_came_next(text: str) -> bool:
    """Whether a message only asks what followed what was just said."""
    text = unicodedata.normalize("NFKC", text)
    typed = _WORD.findall(text)
    if not typed or len(typed) > MAX_WORDS or _OTHER_MARKS.search(text):
        return False
    words = [w.replace("’", "").replace("'", "").casefold() for w in typed]
    if not all(w in _CUES or w in _PAST or w in _WAS or w in _WRAPPING for w in words):
        return False
    opening = next((w for w in words if w not in _OPENERS), "")
    if opening in _NOT_OPENING:
        return False
    if _PAST.intersection(words) or _AFTER.intersection(words):
        return bool(_CUES.intersection(words))
    if _WAS.intersection(words):
        return bool(_CUES.intersection(words) - {"then"})
    # "then" without a verb: "and then?", "then what?", "what then?"; not "ok then", which is chat.
    return any(
        pair in {("and", "then"), ("then", "what"), ("what", "then")}
        for pair in zip(words, words[1:], strict=False)
    ) or words == ["then"]


def line_after(
    chunks: Sequence[Chunk], shown: Chunk, end: int, k: int
) -> tuple[list[Chunk], int, int] | None:
    """The passages that go on from a bold line ending at `end` (an offset into `shown`'s document): the
    one holding the next sentence that starts latest (so that it opens as near that sentence as it
    can), then those that follow it without overlapping, up to `k`; with the first's position in
    `chunks` and the next sentence's index in it. None when the line ends its section (or its FAQ
    answer), where the story does not go on."""
    place = (shown.doc, shown.section, shown.question)
    same = [i for i, c in enumerate(chunks) if (c.doc, c.section, c.question) == place]
    starts = [s.start for i in same for s in chunks[i].sentences if s.start >= end]
    if not starts:
        return None
    after = min(starts)
    holding = [i for i in same if chunks[i].start <= after < chunks[i].end]
    first = max(holding, key=lambda i: (chunks[i].start, -chunks[i].end))
    found = [chunks[first]]
    for i in sorted(same, key=lambda i: (chunks[i].start, chunks[i].end)):
        if len(found) == k:
            break
        if chunks[i].start >= found[-1].end:
            found.append(chunks[i])
    at = next(n for n, s in enumerate(chunks[first].sentences) if s.start == after)
    return found, first, at


def line_of(chunk: Chunk, first: int, last: int) -> Sentence:
    """The bold line made of a passage's sentences `first` to `last`."""
    a, b = chunk.sentences[first], chunk.sentences[last]
    return Sentence(chunk.text[a.start - chunk.start : b.end - chunk.start], a.start, b.end)
