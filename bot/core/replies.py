"""The bot's own short sentences (help, chatter, language, not covered) and the article's table of contents.

Every claim about the meeting stays the article's words: these replies only say what the bot is, how to
ask it, and where things are in the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.index import Index

NOT_COVERED = "The article doesn't cover this."
NOT_COVERED_NEAR = "The article doesn't cover this. The closest passages, which may not answer it:"
# ... when what it lacks was read from the passages themselves (bot.core.retrieval.Retrieval.lacking, one
# of these): why, then the closest passages.
LACKS_MEASURE, LACKS_OUTCOME, LACKS_NAME, LACKS_PLACE = "measure", "outcome", "name", "place"
NOT_COVERED_BECAUSE = {
    LACKS_MEASURE: "The article doesn't cover this: it gives no such figure. The closest passages:",
    LACKS_OUTCOME: (
        "The article doesn't cover this: it was written just after the meeting, and says only what was "
        "planned. The closest passages:"
    ),
    LACKS_NAME: "The article doesn't cover this: it never gives that name. The closest passages:",
    LACKS_PLACE: (
        "The article doesn't cover this: it gives no figure for that place. The closest passages, which "
        "are about another:"
    ),
}
# A question of several parts, some of which the article answers: their passages come first.
NOT_COVERED_ALL = "The article doesn't cover all of this."
NOT_COVERED_PART = f"{NOT_COVERED_ALL} Where it answers part of it, and the closest passages:"
# For a word or two the article has nothing on ("bonjour", "merhaba", "asdf"): how to ask instead.
NOT_COVERED_SHORT = (
    "The article doesn't cover this. Ask me a question about the Trump–Mamdani meeting, for example: "
    "“{example}”"
)
SHORT_WORDS = 2
LANGUAGE = (
    "I read questions in English about an English-language article; please ask in English "
    "(for example: “When did Trump and Mamdani meet?”)."
)
OVERVIEW = "The article's opening, and what each section covers:"
OVERVIEW_MORE = "The article goes on, in order:"  # "more please" after a summary
OVERVIEW_END = "That was the whole article."
NO_MORE = "Those were all the passages that match."
# "what happened next?" after the last line of a section: the article tells no more of it there.
SEQUEL_END = "That was the last line of its section: the article tells nothing after it there."
# "more" after a question the article plainly doesn't cover, which showed no passages to go on from.
NO_MORE_NOT_COVERED = "There are no passages to show for that: the article doesn't cover it."
# Above an answer the abstainer passed but is not sure of (Answer.sure): of the check sets' answers, 17 of
# the 36 given to questions the article does not answer were such, and 5 of the 225 right ones.
UNSURE = "This may not be what you asked; the closest the article comes:"
MORE_ANSWERING = "More passages, continuing the numbering:"
MORE_CLOSEST = "More of the closest passages, continuing the numbering; they may not answer it:"
MORE = "more"  # the chatter group of a request for more with no question before it
ALL_SHOWN = "all shown"  # ... and of one whose question is too far back, or had no passages
CHATTER = {
    "greeting": "Hi! Ask me anything about the Trump–Mamdani meeting, for example: “{example}”",
    "thanks": "You're welcome! Ask again any time.",
    "bye": "Bye! Come back with any question about the meeting.",
    # "that's wrong", "not what I asked": the reply missed.
    "feedback": "Sorry that missed. Try asking in other words; naming the person or the topic helps.",
    # "are you sure?", "you sure?": doubt about a reply.
    "doubt": (
        "I show only the article's own words, each with where it says them; "
        "if that missed, ask in other words."
    ),
    # "what do you mean", "explain": the bot quotes, it does not explain.
    "unclear": (
        "I can only show the article's own words: say “more” for further passages, "
        "or ask about one part of it."
    ),
    # Reactions of every sort ("lol", "ok", "good bot", "bad bot", "huh?"): a reply that fits them all.
    "ack": "Noted. Ask me anything about the Trump–Mamdani meeting whenever you like.",
    MORE: "Ask me a question about the meeting first; then “more” shows further passages.",
    ALL_SHOWN: NO_MORE,
}


@dataclass(frozen=True)
class Heading:
    """A section of the article and where it starts."""

    title: str
    citation: str


def help_text(index: Index) -> str:
    """What the bot knows, in its own words, as plain text (how to ask depends on where: each surface adds
    its own)."""
    docs = list(index.docs.values())
    doc = docs[0]
    more = f" (and {len(docs) - 1} more documents)" if len(docs) > 1 else ""
    return (
        f"I answer questions about one article{more}: “{doc.title}” ({doc.source}), on the meeting of "
        f"{doc.date}. I reply with the article's own words, each excerpt cited by section and paragraph, "
        "and I say so when the article doesn't cover something."
    )


def contents(index: Index) -> tuple[Heading, ...]:
    """Every section of every document, with the citation of its first paragraph."""
    out = []
    for doc in index.docs.values():
        prefix = f"{doc.title} — " if len(index.docs) > 1 else ""
        for section in doc.sections:
            out.append(Heading(section, f"{prefix}{section}, ¶1"))
    return tuple(out)


def example_questions(index: Index, n: int = 3) -> tuple[str, ...]:
    """Questions the article itself answers: the questions of its FAQ, first ones first."""
    seen: dict[str, None] = {}
    for chunk in index.chunks:
        if chunk.question:
            seen.setdefault(chunk.question, None)
    return tuple(list(seen)[:n])


def not_covered_text(
    question: str, near: bool, index: Index, hint: bool = True, partly: bool = False, lacking: str = ""
) -> str:
    """The reply to a question the article doesn't answer (`near`: its closest passages are shown; `hint`:
    a word or two may be told what to ask instead; `partly`: the first of them answer parts of it;
    `lacking`: what the passages show the article lacks, a key of NOT_COVERED_BECAUSE)."""
    if near:
        return NOT_COVERED_PART if partly else NOT_COVERED_BECAUSE.get(lacking, NOT_COVERED_NEAR)
    words = len(re.findall(r"[^\W\d_]+", question))  # a sum ("2+2") has none: declined as it is
    if hint and 1 <= words <= SHORT_WORDS and (examples := example_questions(index, 1)):
        return NOT_COVERED_SHORT.format(example=examples[0])
    return NOT_COVERED


def chatter_text(group: str, examples: tuple[str, ...]) -> str:
    """One short friendly line for chatter of that group (a greeting adds an example question)."""
    line = CHATTER.get(group, CHATTER["ack"])
    if "{example}" in line:
        return line.format(example=examples[0]) if examples else CHATTER["ack"]
    return line
