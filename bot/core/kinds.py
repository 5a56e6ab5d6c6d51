"""The kinds of reply the bot gives: every Answer has one (`Answer.kind`, `--json`'s "kind")."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a reply is. A StrEnum: each equals its value ("answer" == Kind.ANSWER), which is what the
    command line prints, the store records and /stats counts."""

    ANSWER = "answer"  # the article answers: a bold line and cited excerpts
    # The article doesn't answer: said so, with the nearest passages only when some are near. A sum ("what
    # is 2+2") is read as this kind before any search, and declined with no passages.
    NOT_COVERED = "not_covered"
    HELP = "help"  # what the bot knows and how to ask
    # A greeting, thanks, "lol": one friendly line. Also the bot's own lines on "more" where there is
    # nothing to go on from (how "more" works; every passage shown).
    CHATTER = "chatter"
    OVERVIEW = "overview"  # "tl;dr": the article's opening and its sections; "more" then, its next paragraphs
    LANGUAGE = "language"  # not English: a note that it reads questions in English


# Replies to questions about the article: the context a follow-up leans on.
QUESTION_KINDS = (Kind.ANSWER, Kind.NOT_COVERED)
