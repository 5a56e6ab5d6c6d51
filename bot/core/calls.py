"""A call on the people in a channel: "is anyone here?", "can someone help?", "hey all, can you help me?".

Such a message calls on anyone and says nothing else. Where people chat (an ask-channel), it is said to
them, and the bot leaves it to them. Said to the bot as a conversation's first message (a DM, a mention),
a call asking whether anyone is there asks whether the bot is, which its guide answers: "anybody here?" had
been answered with "Yet here they were, 45 minutes into a meeting…". Later in a conversation the same
words may ask about the meeting ("anyone there?" after "who was in the room?"), so there they are read as
any message is; so is a call that says more ("how does everyone use this?", "anyone free tonight?").
"""

from __future__ import annotations

import re

_PEOPLE = re.compile(
    r"\b(?:(?:any|some|every|no)\s?(?:one|body)|(?:any|some|every|no)1|ne1|sum1|any\s+of\s+(?:you|u)"
    r"|you\s+guys|y['’]?all|guys|folks|people|peeps)\b",
    re.IGNORECASE,
)
# Calling on no one ("nobody?", "no one there?") asks whether no one was: never a call for the bot.
_NO_ONE = re.compile(r"\b(?:no\s?(?:one|body)|no1)\b", re.IGNORECASE)
# Words a call may have beside whom it calls on: being there, helping, greeting, chat.
_CALL_WORDS = frozenset(
    "is are am there here out in home up around online on awake alive listening available still even can "
    "could would will pls plz please help me us i need a hello hi hey yo oi sup ok okay so um uh hmm you u "
    "ya all we rn now lol thanks thx ty hear see read reading seeing".split()
)
# ... and of those, what asks whether someone is there, or asks them for help ("can anyone hear me?" had
# been answered with "someone in the White House is listening", "anyone reading this?" with "Trump
# reportedly read it twice.").
_THERE = frozenset(
    "there here out home up around online awake alive listening available help hear see read reading "
    "seeing".split()
)
# What a call may ask to be heard, seen or read: the message itself ("can anyone see this?"). Only after
# those verbs: "does this help people?" asks about the meeting (a second review).
_THIS_MESSAGE = re.compile(r"\b(hear|see|read|reading|seeing)\s+(?:this|my\s+message)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


def _call(text: str) -> list[str] | None:
    """The words of a call beside whom it calls on, or None when the message is no call and nothing else."""
    if not _PEOPLE.search(text):
        return None
    beside = _THIS_MESSAGE.sub(r"\1", _PEOPLE.sub(" ", text))
    if any(c.isdigit() for c in beside):  # "are 45 people there?" asks a count
        return None
    rest = _WORD.findall(beside.casefold())
    return rest if all(word in _CALL_WORDS for word in rest) else None


def calls_on_people(text: str) -> bool:
    """Whether a message calls on the people in a channel and says nothing else ("hi everyone" too)."""
    return _call(text) is not None


def asks_whether_anyone_is_there(text: str) -> bool:
    """Whether a message is a call asking whether anyone is there, or for someone's help: "anybody here?",
    "is anybody out there?", "can someone help me?"; not a greeting or thanks to everyone ("hi everyone",
    "thanks all"), nor a call on no one ("nobody there?")."""
    rest = _call(text)
    return rest is not None and not _NO_ONE.search(text) and bool(_THERE.intersection(rest))
