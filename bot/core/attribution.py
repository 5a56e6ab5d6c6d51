"""Who is speaking: the speaker the article names for each of its quotations, and the one a message names.

Heuristics over the article's own wording, never a guess beyond it: a quotation is attributed only when
a clause right beside it names someone with a verb of saying ("…," Trump said / Bannon told POLITICO
Magazine: "…"). A pronoun ("…," he said) names nobody, so that quotation has no speaker. A split quote
("…," Trump said. "…") gives the second part the first part's speaker, as the article's readers take it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.text import fold

# Verbs that put words in someone's mouth (or on their page).
_SAYING = (
    r"said|says|say|told|tells|asked|asks|added|adds|wrote|writes|posted|posts|tweeted|called|calls|"
    r"labeled|labelled|mentioned|cited|warned|declared|replied|fired back|sent|stated|insisted|claimed|"
    r"promised|confirmed|joked|quipped|argued"
)
_SAYING_RE = re.compile(rf"\b(?:{_SAYING})\b")
_NAME_WORD = r"[A-Z](?:\.|[\w’'-]*)"  # "Trump", "Mamdani’s", an initial "J."
_NAME_RUN = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD})*")
# Capitalised words that open sentences or clauses without naming anyone.
_NOT_NAMES = frozenset(
    """a an and as at but by for former from he her his i if in it its just last meanwhile my next no not
    now of on or our she so that the their then there these they this those to us we when while who yet you
    january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday mr mrs ms dr president mayor senator""".split()
)
_PRONOUNS = frozenset("he she they i we you it".split())
# After a closing quote: `, Trump said` or `, said Trump` or `, he said`.
_AFTER = re.compile(
    rf"^[\s,.!?;:—–-]*(?:(?P<who>{_NAME_RUN.pattern}|he|she|they|I|we)\s+(?:{_SAYING})\b"
    rf"|(?:{_SAYING})\s+(?P<who2>{_NAME_RUN.pattern}))"
)
_QUOTE_CHARS = '"“”'
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")


@dataclass(frozen=True)
class Quotation:
    """One of the article's own quotations: where its words are in the paragraph, and who says them."""

    start: int  # offsets of the words inside the quotation marks, within the paragraph text
    end: int
    speaker: str | None  # None when the article names nobody beside it


def _name_of(run: str) -> str | None:
    """A capitalised run with the words that name nobody taken off its front (None if nothing is left)."""
    words = run.split()
    while words and words[0].strip("’'").lower() in _NOT_NAMES:
        words = words[1:]
    if not words:
        return None
    return " ".join(words).rstrip(".,")


def _before_speaker(clause: str) -> str | None:
    """The speaker of a clause that introduces a quotation (`Trump fired back on Truth Social:`)."""
    verbs = list(_SAYING_RE.finditer(clause))
    if not verbs:
        return None
    verb = verbs[-1]
    head = clause[: verb.start()]
    # The name right before the verb ("Steve Bannon told"), else the clause's subject
    # ("Mamdani, speaking …, said").
    right_before = re.search(rf"({_NAME_RUN.pattern})\s+$", head)
    if right_before and (name := _name_of(right_before.group(1))):
        return _possessive(name, clause[right_before.end(1) :])
    for run in _NAME_RUN.finditer(head):
        if name := _name_of(run.group(0)):
            return _possessive(name, head[run.end() :])
    return None


def _possessive(name: str, rest: str) -> str:
    """`Mamdani’s office` stays whole: the office spoke, not the man."""
    if name.endswith(("’s", "'s")):
        noun = re.match(r"\s+([a-z]+)", rest)
        return f"{name} {noun.group(1)}" if noun else name[:-2]
    return name


def _after_speaker(clause: str) -> tuple[bool, str | None]:
    """(whether the clause after a quotation attributes it, and to whom: None for a pronoun)."""
    m = _AFTER.match(clause)
    if not m:
        return False, None
    who = m.group("who") or m.group("who2")
    if who.lower() in _PRONOUNS:
        return True, None
    return True, _name_of(who)


def quotations(text: str) -> list[Quotation]:
    """The paragraph's quotations (between straight or curly double quotes) with their speakers."""
    marks = [i for i, c in enumerate(text) if c in _QUOTE_CHARS]
    pairs: list[tuple[int, int]] = []
    opened: int | None = None
    for i in marks:
        if opened is None and text[i] != "”":
            opened = i
        elif opened is not None and text[i] != "“":
            pairs.append((opened, i))
            opened = None
    found: list[Quotation] = []
    carried: str | None = None  # the speaker of a split quote's first part
    for n, (a, b) in enumerate(pairs):
        # The clause before: from the sentence's start (or the previous quotation's end) to the mark.
        floor = pairs[n - 1][1] + 1 if n else 0
        before = text[floor:a]
        ends = list(_SENTENCE_END.finditer(before))
        clause_before = before[ends[-1].end() :] if ends else before
        following = text[b + 1 : pairs[n + 1][0] if n + 1 < len(pairs) else len(text)]
        end = _SENTENCE_END.search(following)
        clause_after = following[: end.end()] if end else following
        # `"…," Trump said` attributes the words before it; `"…." Trump fired back: "…"` introduces the next.
        linked = text[a + 1 : b].rstrip()[-1:] in (",", "?", "!", "—", "-") or following.lstrip().startswith(
            ","
        )
        attributed, speaker = _after_speaker(clause_after) if linked else (False, None)
        if not attributed:
            speaker = _before_speaker(clause_before)
            # A split quote: `"…," Trump said. "…"` — nothing but the previous attribution in between.
            if speaker is None and carried is not None and not clause_before.strip():
                speaker = carried
        found.append(Quotation(a + 1, b, speaker))
        carried = speaker if attributed else None
    return found


def _person(speaker: str) -> str | None:
    """The surname of a speaker as the article names them ("Steve Bannon" → "Bannon", "Mamdani’s office"
    → "Mamdani")."""
    names = re.findall(_NAME_WORD, speaker)
    return names[-1].removesuffix("’s").removesuffix("'s").rstrip(".") if names else None


def same_person(a: str, b: str) -> bool:
    """Whether two names point at the same person ("Bannon" and "Steve Bannon", "Mamdani’s office")."""
    x, y = set(_words(a)), set(_words(b))
    return bool(x & y)


def _words(name: str) -> list[str]:
    return [w.removesuffix("'s") for w in fold(name).split() if w not in _NOT_NAMES]


class SpeakerNames:
    """The people the article has speaking, and every name the article gives each of them."""

    def __init__(self, speakers: Iterable[str], article_texts: Sequence[str]) -> None:
        people = [p for p in (_person(s) for s in speakers) if p]
        surnames = {fold(p) for p in people}
        # "Donald J. Trump", "Zohran Kwame Mamdani": each word of a full name leads to the surname.
        self.alias: dict[str, str] = {s: s for s in surnames}
        for text in article_texts:
            for run in _NAME_RUN.finditer(text):
                words = [w.rstrip(".,").removesuffix("’s").removesuffix("'s") for w in run.group(0).split()]
                last = fold(words[-1]) if words else ""
                if last in surnames:
                    for w in words[:-1]:
                        if len(w) > 2 and w.lower() not in _NOT_NAMES:
                            self.alias.setdefault(fold(w), last)
        self.display = {fold(p): p for p in people}
        names = sorted(self.alias, key=len, reverse=True)
        self._pattern = (
            re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")(?:'s|’s)?\b", re.I) if names else None
        )

    def claimed(self, before: str, after: str) -> str | None:
        """Who a message says spoke a quotation, from its text before and after the quotation (outside
        any other quotation): the last name before it that a verb of saying or a colon follows, else the
        last name before it, else a name right after it ("…" — Trump)."""
        if self._pattern is None:
            return None
        found = list(self._pattern.finditer(before))
        for m in reversed(found):
            tail = before[m.end() :]
            if re.match(rf"\s*(?:[:—–-]|(?:\w+\s+){{0,2}}?(?:{_SAYING})\b)", tail, re.I):
                return self._display(m.group(1))
        if found:
            return self._display(found[-1].group(1))
        m = re.match(
            rf"^[\s,.!?\"'“”‘’»]*(?:[—–-]+|said|says)?\s*(?:by\s+)?{self._pattern.pattern}", after, re.I
        )
        return self._display(m.group(1)) if m else None

    def _display(self, word: str) -> str:
        surname = self.alias.get(fold(word), fold(word))
        return self.display.get(surname, surname.title())
