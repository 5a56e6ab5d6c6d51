"""What a request to be told about something is about: the article or the meeting as a whole ("tell me
about this story", "summarize the meeting": the overview), or a subject none of whose words the bot
knows, typos allowed ("info on ethereum": searched, and declined).

"tell me about the meeting" was asked as "what is the meeting?" and bolded "Trump confirmed they'll meet
again."; requests for the whole story in request forms were answered from one passage of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from bot.core.lexical import LexicalIndex
from bot.core.text import MONTHS, SIDE_BY_SIDE, WORD, WORD_OF_LETTERS, fold

# Nouns for a piece of writing: "this story", "the news piece", "the article".
WRITING = "article story piece news text writeup"
# Words for all of something: "the whole oval office thing", "everything about the article".
WHOLE = "whole entire overall everything"
# Words that say how: "in 3 sentences", "briefly".
MANNER = "briefly quickly detail short brief sentences words lines"
# Words that point at something else than this article or this meeting: "the other article", "their next
# meeting", "trump's previous meeting".
_ANOTHER = frozenset("other another next previous upcoming future second different".split())
_CAPITALISED = re.compile(r"[A-Z]")
_WRITING_WORDS = frozenset(WRITING.split())
_JOINING = frozenset(SIDE_BY_SIDE)  # "the trump x mamdani meeting"
_NUMBER = re.compile(r"\d+")
# "explain it like i'm five": how to tell it, not what about.
_LIKE_FIVE = re.compile(r"\b(?:like\s+i\s*['’]?\s*a?m\s+(?:5|five)|eli5)\b", re.IGNORECASE)


def date_words(iso: str) -> list[str]:
    """The words a date is written with: "2025-11-21" → november, nov, 21, 21st, 2025 (none if not a date)."""
    try:
        day = date.fromisoformat(iso.strip())
    except ValueError:
        return []
    month = MONTHS[day.month - 1]
    tens, ones = divmod(day.day, 10)
    suffix = "th" if tens == 1 or ones > 3 or ones == 0 else ("st", "nd", "rd")[ones - 1]
    return [month, month[:3], str(day.day), f"{day.day}{suffix}", str(day.year)]


@dataclass(frozen=True)
class WholeArticle:
    """Reads whether a request's subject is the article or its meeting as a whole (stems throughout)."""

    event: frozenset[str]  # the title's common words: "meet" ("Trump and Mamdani meet in the Oval Office")
    title_names: frozenset[str]  # its other words, names of people and places, and the date's: "oval", "nov"
    writing: frozenset[str]
    whole: frozenset[str]
    manner: frozenset[str]
    people: frozenset[str]  # the people the article quotes
    title_people: frozenset[str] = frozenset()  # those of them the title names: whose meeting it is
    numbers: frozenset[str] = frozenset()  # the numbers of the meeting's day: "21", "2025"

    @classmethod
    def of(
        cls, titles: Iterable[str], people: Iterable[str], lexical: LexicalIndex, dates: Iterable[str] = ()
    ) -> WholeArticle:
        """The reader for an article of these titles, about these people (folded surnames), of these
        dates (ISO: the day of the meeting, "the nov 21 meeting")."""
        titles = list(titles)
        common = [w for t in titles for w in WORD_OF_LETTERS.findall(t) if not _CAPITALISED.match(w)]
        named = [w for t in titles for w in WORD_OF_LETTERS.findall(t) if _CAPITALISED.match(w)]
        days = [w for d in dates for w in date_words(d)]
        people_stems = lexical.words_of(sorted(people))
        return cls(
            event=lexical.words_of(common) - people_stems,
            title_names=lexical.words_of(named + days) - people_stems,
            writing=lexical.words_of([WRITING]),
            whole=lexical.words_of([WHOLE]),
            manner=lexical.words_of([MANNER]),
            people=people_stems,
            title_people=lexical.words_of(named) & people_stems,
            numbers=frozenset(n for w in days for n in _NUMBER.findall(w)),
        )

    def _numbers_named(self, subject: str, lexical: LexicalIndex) -> list[str]:
        """The numbers of the subject that name something, not how to tell it ("in 3 sentences")."""
        words = WORD.findall(fold(subject))
        return [
            n
            for i, w in enumerate(words)
            for n in _NUMBER.findall(w)
            if not lexical.content_stems(_after(words, i)) & self.manner
        ]

    def asks_for_whole(self, subject: str, lexical: LexicalIndex) -> bool:
        """Whether the subject names the article or the meeting as a whole: "this story", "the oval
        office meeting", "trump and mamdani's meeting", "everything about the article". Not one of the
        people's things ("mamdani's story", "everything trump said"), not a place of the title alone ("the
        oval office"), not another one ("their next meeting"). "like i'm five" says how to tell it."""
        subject = _LIKE_FIVE.sub(" ", subject)
        words = WORD_OF_LETTERS.findall(fold(subject))
        if any(w in _ANOTHER for w in words):
            return False
        if any(n not in self.numbers for n in self._numbers_named(subject, lexical)):
            return False  # another day ("the nov 3 meeting"; a one-digit number is no search term)
        stems = lexical.content_stems(subject)
        rest = stems - self.people
        if stems & self.people:
            if self.title_people and not stems & self.people <= self.title_people:
                return False  # someone else's meeting ("the trump x bannon meeting")
            rest -= _JOINING  # "the trump x mamdani meeting"
        if not rest <= self.event | self.title_names | self.writing | self.whole | self.manner:
            return False
        if stems & self.people:
            # With a person named, only the meeting itself is the whole: "bannon's piece" is his, and so
            # is "everything trump said".
            return bool(rest & self.event)
        # "article" is a function word to search with, so it is read as typed.
        writing = any(w in _WRITING_WORDS or w[:-1] in _WRITING_WORDS for w in words)
        return writing or bool(rest & (self.event | self.writing | self.whole))


def _after(words: list[str], i: int) -> str:
    """The word after the i-th, or nothing at the end."""
    return words[i + 1] if i + 1 < len(words) else ""


def unknown_to(stems: Iterable[str], known: frozenset[str], vocabulary: list[str]) -> bool:
    """Whether none of the stems is known nor a typo of a known one: one edit from a stem of
    `vocabulary` ("artcl", "articl"), for stems of five letters or more (shorter ones are often one
    edit from some other word)."""
    for stem in stems:
        if stem in known:
            return False
        if len(stem) >= 5 and extractOne(stem, vocabulary, scorer=OSA.distance, score_cutoff=1):
            return False
    return True
