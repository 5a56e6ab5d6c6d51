"""Requests for more of the previous answer: "more please", "keep going", "go on", "tell me more".

In a conversation (a DM, the bot's thread, the terminal chat) such a message asks for the passages after
those already shown for the question before it, as the "More passages" button does. It is read by a small
closed vocabulary, not by the message-kind model: the request is a command, and its words say nothing
about the article, so nearest examples place it among thanks and goodbyes ("more please" got "You're
welcome!", "go on" got "Bye!"). A message counts only when every word is one of these, so "tell me more
about the housing sites" is searched as a question.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

# At least one word or pair of words must ask to go on...
_ASKING = frozenset("more moar continue further elaborate expand else".split())
_ASKING_PAIRS = frozenset(
    {("go", "on"), ("go", "ahead"), ("carry", "on"), ("keep", "going"), ("keep", "em"), ("keep", "them"),
     ("em", "coming"), ("them", "coming")}
)  # fmt: skip
# ...and the others may only be the words people wrap such a request in (or a pair's words).
_WRAPPING = frozenset(
    """please pls plz tell me us show give some any anything what whats and the a bit little lot
    can could would you u i id want need like to know hear see read say on keep go ahead gimme ok okay
    yes yeah yep sure so now then oh hmm cool nice interesting info information detail details passages
    excerpts results about that this there is""".split()
)
# A message opening with one of these asks a yes/no question, which is about the story ("will it go
# ahead?", "is that going to continue?", "is more coming?") unless it asks the bot ("can you tell me
# more?") or whether there is more ("is there more?").
_AUXILIARIES = frozenset("is are was were can could would will does do did should may might".split())
_ASKED_OF = frozenset("you u there i".split())
# "next" pages only alone ("next", "next page please"): "what's next?" asks what comes next in the story.
_NEXT = frozenset("next please pls plz page one the ok okay".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_OTHER_MARKS = re.compile(r"\d|[@#<>/\\]")  # "more 2" or "more/" is something else
_COMMAND_MARK = re.compile(r"^\s*/(?=\w)")
MAX_WORDS = 8  # a longer message says more than "go on"
_STRETCHED = re.compile(r"(.)\1{2,}")  # a letter three times or more
# A word of five letters or more one slip away from an asking word of six or more is that word
# ("contnue", "elaborte"); shorter words are left alone ("mote" is not "more"), and so are the wrapping
# words, whose near neighbours are words of their own ("lease", "retail", "massages"), and a word that
# only inflects one ("continued").
_SLIPPED = tuple(sorted(w for w in _ASKING if len(w) >= 6))


def asks_for_more(text: str) -> bool:
    """Whether a message only asks for more of what was just said."""
    text = unicodedata.normalize("NFKC", text)  # full-width letters read as the letters they are
    text = _COMMAND_MARK.sub("", text, count=1)  # "/more", typed as a command, is "more"
    typed = _WORD.findall(text)
    if not typed or len(typed) > MAX_WORDS or _OTHER_MARKS.search(text):
        return False
    words = [_spelt(w.replace("’", "").replace("'", "").casefold()) for w in typed]
    if "next" in words:
        return all(w in _NEXT for w in words)
    if words[0] in _AUXILIARIES and (len(words) < 2 or words[1] not in _ASKED_OF):
        return False
    pairs = _ASKING_PAIRS.intersection(zip(words, words[1:], strict=False))
    if not _ASKING.intersection(words) and not pairs:
        return False
    allowed = _ASKING | _WRAPPING | {w for pair in pairs for w in pair}
    return all(w in allowed for w in words)


def _spelt(word: str) -> str:
    """A typed word as the request word it was meant to be, if it was meant as one."""
    word = _unstretched(word)
    if len(word) < 5 or word in _ASKING or word in _WRAPPING:
        return word
    best = extractOne(word, _SLIPPED, scorer=OSA.distance, score_cutoff=1)
    return best[0] if best and not word.startswith(best[0]) else word


def _unstretched(word: str) -> str:
    """A word typed with a letter held down ("moreee", "pleaseeee", "gooo") as it is spelt, when one of
    the request's words is what is left with that letter once or twice ("keeep" is "keep")."""
    if not _STRETCHED.search(word):
        return word
    for times in (r"\1", r"\1\1"):
        plain = _STRETCHED.sub(times, word)
        if plain in _ASKING or plain in _WRAPPING:
            return plain
    return word


def pages_asked(history: Sequence[str]) -> int:
    """How many requests for more end the history: the one being answered is page that many plus one."""
    n = 0
    for message in reversed(history):
        if not asks_for_more(message):
            break
        n += 1
    return n


def continued_at(history: Sequence[str], pages_before: int) -> int | None:
    """Where in the history is the message a request for more continues (the one before the last
    `pages_before` requests), or None when the history holds nothing before them."""
    return len(history) - pages_before - 1 if len(history) > pages_before else None


def without_requests(history: Sequence[str], keep: int) -> list[str]:
    """The last `keep` messages of a history that are not requests for more (oldest first): they name
    nothing to lean on, and a run of them would push the question out of the messages read."""
    out: list[str] = []
    for message in reversed(history):
        if len(out) == keep:
            break
        if not asks_for_more(message):
            out.append(message)
    return out[::-1]


def page(shown_first: int, pages_before: int, k: int) -> slice:
    """Which excerpts a request for more shows: the next k after the first answer's and earlier pages'."""
    start = shown_first + pages_before * k
    return slice(start, start + k)
