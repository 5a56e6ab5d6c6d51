"""A call on the people in a channel: "is anyone here?", "can someone help?", "hey all, can you help me?".

Such a message calls on anyone and says nothing else. Where people chat (an ask-channel), it is said to
them, and the bot leaves it to them; said to the bot (a DM, a mention), it asks whether anyone is there to
help, which the bot's guide answers. It is no question about the article: "anybody here?" had been answered
with "Yet here they were, 45 minutes into a meeting…". A call that says more ("how does everyone use
this?", "anyone else there?", "anyone free tonight?") is read as any message is.
"""

from __future__ import annotations

import re

_PEOPLE = re.compile(
    r"\b(?:(?:any|some|every|no)\s?(?:one|body|1)|ne1|sum1|any\s+of\s+(?:you|u)|you\s+guys|y['’]?all"
    r"|guys|folks|people|peeps)\b",
    re.IGNORECASE,
)
# Words a call may have beside whom it calls on: being there, helping, greeting, chat.
_CALL_WORDS = frozenset(
    "is are am there here out around online on awake alive still can could would will pls plz please help me "
    "us i need a hello hi hey yo oi sup ok okay so um uh hmm you u ya all we rn now lol thanks thx ty".split()
)
# ... and of those, what asks whether someone is there to help (a greeting or thanks to everyone does not).
_THERE = frozenset("there here out around online on awake alive help".split())
_WORD = re.compile(r"[^\W\d_]+")


def _call(text: str) -> list[str] | None:
    """The words of a call beside whom it calls on, or None when the message is no call and nothing else."""
    if not _PEOPLE.search(text):
        return None
    rest = _WORD.findall(_PEOPLE.sub(" ", text).casefold())
    return rest if all(word in _CALL_WORDS for word in rest) else None


def calls_on_people(text: str) -> bool:
    """Whether a message calls on the people in a channel and says nothing else ("hi everyone" too)."""
    return _call(text) is not None


def asks_whether_anyone_is_there(text: str) -> bool:
    """Whether a message is a call asking whether anyone is there to help: "anybody here?", "anyone?",
    "can someone help me?"; not a greeting or thanks to everyone ("hi everyone", "thanks all")."""
    rest = _call(text)
    return rest is not None and ("?" in text or bool(_THERE.intersection(rest)))
