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

# ---- the speaker a message claims (SpeakerNames.claimed)
# Verbs of saying in a message: the article's, their other forms, and a few more.
_SAYING_MESSAGE = (
    rf"{_SAYING}|saying|tell|telling|adding|writing|posting|tweeting|declaring|replying|insisting|"
    r"claiming|promising|joking|arguing|warning|calling|noting|noted|responded|responding|predicted|"
    r"predicting|admitted|conceded|explained|announced|remarked|boasted|bragged|stressed|suggested|"
    r"recalled|vowed|pledged|shouted|yelled|snapped|answered|answering"
)
_SAYING_ANY = re.compile(rf"\b(?:{_SAYING_MESSAGE})\b", re.I)
# Where the clause that introduces a quotation begins: after a sentence's end or a line break.
_CLAUSE_END = re.compile(r"[.!?;](?=\s)|\n")
# A comma-delimited aside right before the verb: `Trump, sitting next to Mamdani, said`.
_PARENTHESIS = re.compile(r",[^,]*,\s*$")
# Titles before a name: `President Trump`, `Mayor-elect Mamdani`.
_TITLES = r"(?:(?:president|mayor-elect|mayor|mr|mrs|ms|dr|sen|senator|governor|gov|former)\.?\s+)*"
# Words between a subject and its verb that leave the subject as it is: `Trump literally said`.
_ADVERBS = (
    r"(?:(?-i:[a-z]+ly)|also|later|once|really|just|even|still|never|did|does|do|has|have|had|would|"
    r"will|could|can|might|may|should|must|not|again|first|finally)"
)
# The few words that may sit between a name and its verb in a plain attribution (`Trump literally said`).
_PLAIN_ADVERBS = r"really|literally|actually|just|also|then|once|reportedly|apparently|openly|later|quickly"
# The verbs of a plain attribution: the words are the speaker's own (not "cited", "recalled", "posted").
_PLAIN_SAYING = (
    r"said|says|say|told|tells|wrote|writes|stated|states|declared|declares|added|adds|replied|replies|"
    r"answered|insisted|insists|warned|warns|argued|argues|joked|quipped|explained|announced|remarked|"
    r"confirmed|promised|vowed|responded"
)
_PASSIVE = r"was|were|is|are|been|being|be|get|gets|got"
# Who speaks for a person (`Mamdani’s office said`), and what a person's words are called (`Bannon's line`).
_VOICE = r"office|campaign|team|account|spokesperson|spokesman|spokeswoman|press\s+office|press\s+secretary"
_WORDS = (
    r"line|lines|quote|quotes|words|comment|comments|remark|remarks|post|posts|tweet|tweets|statement|"
    r"message|letter|response|reply|slogan|claim|answer"
)
# Words after which a name is an object (of a preposition or a verb), not who speaks.
_OBJECT_OF = (
    r"of|about|to|told|tell|tells|telling|on|with|met|meet|meets|meeting|praised|praise|praises|praising|"
    r"for|at|against|from|by|asked|ask|asks|asking|called|calls|calling|attacked|attacks|criticized|"
    r"criticised|slammed|thanked|defended|endorsed|welcomed|hosted|greeted|introduced|mocked|blasted|"
    r"like|than|toward|towards|into|over|beside|behind|after|before|under|in|near|among|including|"
    r"versus|vs|joined|hugged|visited|congratulated|interviewed|warned|quoting|quoted|unlike|per|via|"
    r"upon|loves|hates|likes|invited|invites|supports|backed|backs|hit|hits|beat|beats|sat|stood|saw|sees"
)
# Capitalised words that open a message without naming anyone.
_STARTERS = frozenset(
    """lol lmao omg wow ok okay yes yeah so also apparently remember yesterday today tonight then well
    honestly basically literally actually reminder breaking after before during once later asked
    fun fact look imagine""".split()
)
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


def _last_clause(text: str) -> str:
    """The text after its last clause end (sentence end, semicolon, line break)."""
    ends = list(_CLAUSE_END.finditer(text))
    return (text[ends[-1].end() :] if ends else text).strip()


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
        self._alias = self.alias
        # Any name of a quoted person, as a regular expression (case-insensitive where it is used).
        self._name = r"\b(?:" + "|".join(map(re.escape, names)) + r")\b" if names else None

    def claimed(self, before: str, after: str, followed: bool = False) -> str | None:
        """Who a message says spoke a quotation, from its text before and after the quotation (up to the
        quotations around it; `followed`: another one comes after), or None when it names nobody or it
        is not clear whom.

        The speaker is the subject of the verb of saying that introduces the quotation (`Trump met
        Mamdani and said "…"` claims Trump: Mamdani is an object), or the name a colon or dash follows
        (`Mamdani: "…"`), or, after the quotation, `"…", Mamdani said` / `"…" — Trump`. Names that
        follow a preposition or a verb (of, about, to, told, met, praised …) are objects, never the
        speaker; a pronoun, a noun or a name the article does not quote as the subject claims nobody,
        and so do several people with no clear subject (`Trump and Mamdani said`): a wrong correction
        is worse than none.
        """
        if self._name is None:
            return None
        introduced, who = self._introducing(before)
        if not introduced:
            who = self._following(after)
        # Only a plain attribution is taken at its word: the message outside the quotation is the name and
        # a verb of saying, a colon or a dash, before or after it, and nothing else. Anything more ("Trump
        # On Mamdani:", "Mamdani was praised by Trump:", "A Trump ally warned:", "…," the president said of
        # him) leaves room for someone else to have said it, and a wrong correction is worse than none.
        if who is None or not self.plainly(before, after, who, followed):
            return None
        return who

    def plainly(self, before: str, after: str, who: str, followed: bool = False) -> bool:
        """Whether the whole message around the quotation is nothing but `who` attributing it: `Mamdani
        said "…"`, `Steve Bannon told reporters: "…"`, `Mamdani: "…"`, `"…," Mamdani said`, `"…" — Trump`.
        Any other word (a question mark, "Myth:", "It is not true that", "So,") makes the attribution
        something to read rather than a plain claim, and nothing is claimed. Between two quotations, a
        joining word may open the second's attribution (`Trump said "…" and Mamdani said "…"`)."""
        name = self._name

        def person(tag: str) -> str:
            return rf"{_TITLES}(?:(?:{name})\s+)*(?P<{tag}>{name})"

        saying = (
            rf"(?:(?:{_PLAIN_ADVERBS})\s+)?(?:{_PLAIN_SAYING})"
            r"(?:\s+(?:reporters|the\s+press|him|her|them|us|me))?"
        )
        marks = " \t\n\"'“”‘’«»„‚"
        b, a = before.strip(marks), after.strip(marks)
        end = r"[\s.!]*"
        joined = r"(?:[,;/.!]\s*|(?:and|while|then|but|whereas|finally)\b\s*|\n\s*)*"
        introduces = rf"{person('b')}\s*(?:{saying}\s*:?|[:—–-]+)"
        if not b and followed:
            return False  # `"A" Mamdani said "B"`: words between two quotations introduce the second
        if b:
            # After it: nothing, or (when a quotation follows) the plain attribution of that one.
            if not (
                re.fullmatch(r"[\s,.!]*", a)
                or (followed and re.fullmatch(rf"[\s,.!]*{joined}(?:{introduces})?\s*", a, re.I))
            ):
                return False
            m = re.fullmatch(rf"{joined}{introduces}", b, re.I)
        else:
            m = re.fullmatch(
                rf"[,.!]?\s*(?:[—–-]+\s*{person('a')}|(?:(?:is|was)\s+what\s+)?{person('b')}\s+{saying}"
                rf"|(?:{_PLAIN_SAYING})\s+{person('c')}){end}",
                a,
                re.I,
            )
        named = m and (m.groupdict().get("a") or m.groupdict().get("b") or m.groupdict().get("c"))
        if not named:
            return False
        # Several names in a row must all be one person's ("Steve Bannon"), not two ("Trump Mamdani:"), and
        # the last must be the surname: "Steve said" alone is not plainly Bannon.
        people = {self._alias.get(fold(n.group(0))) for n in re.finditer(name, m.group(0), re.I)}
        surname = self._alias.get(fold(named)) == fold(named)
        return len(people) == 1 and surname and same_person(self._display(named), who)

    def names_a_speaker(self, text: str) -> bool:
        """Whether a text attributes words to someone the article quotes (`Trump said`, `Trump:`)."""
        if self._name is None:
            return False
        name = self._name
        return bool(
            re.search(rf"\b(?:{name})\s*(?:(?:{_SAYING_MESSAGE})\b|:)", text, re.I)
            or re.search(rf"\b(?:{_SAYING_MESSAGE})\s+(?:{name})\b", text, re.I)
        )

    def _introducing(self, before: str) -> tuple[bool, str | None]:
        """(whether the text before a quotation introduces it, and whom it names as the speaker)."""
        clause = _last_clause(before)
        if not clause:
            return False, None
        name = self._name
        m = re.search(
            rf"\b(?:according\s+to|per)\s+{_TITLES}(?P<who>{name})\b[\s,:]*$", clause, re.I
        ) or re.search(
            rf"(?P<who>{name})['’]s\s+(?:[a-z]+\s+)?(?:{_VOICE}|{_WORDS})[\s,:—–-]*(?:(?:is|was)\s*)?$",
            clause,
            re.I,
        )
        if m:
            return True, self._display(m.group("who"))
        verbs = list(_SAYING_ANY.finditer(clause))
        if verbs:
            verb = verbs[-1]
            return True, self._subject(clause[: verb.start()], verb.group(0), clause[verb.end() :])
        if clause[-1] in ":—–-":
            return True, self._first_subject(clause.rstrip(":—–- "))
        return False, None

    def _subject(self, head: str, verb: str, rest: str) -> str | None:
        """The known person who is the subject of `verb`, given the clause's words before and after it."""
        name = self._name
        if re.search(rf"\b(?:{_PASSIVE})\s+(?:{_ADVERBS}\s+)*$", head, re.I):
            # `Trump was told by Mamdani: "…"` — the speaker is the agent, if named.
            agent = re.match(rf"\s+by\s+{_TITLES}(?P<who>{name})\b", rest, re.I)
            return self._display(agent.group("who")) if agent else None
        if verb.lower().endswith("ing"):  # `Trump praised Mamdani, saying "…"`: the clause's subject
            return self._first_subject(head)
        while (stripped := _PARENTHESIS.sub(" ", head)) != head:  # `Trump, sitting next to Mamdani, said`
            head = stripped
        right_before = re.search(
            rf"(?P<lead>^|\S+\s+){_TITLES}(?:{name}\s+)*(?P<who>{name})"
            rf"(?:['’]s\s+(?:{_VOICE}))?(?:\s+{_ADVERBS})*\s*$",
            head,
            re.I,
        )
        if right_before:
            lead = right_before.group("lead")
            if re.fullmatch(rf"(?:{_OBJECT_OF})\s+", lead, re.I):
                return None  # `a letter to Trump said`: an object; the subject is the letter
            if re.fullmatch(r"(?:and|or|nor|&)\s+", lead, re.I) and head[: right_before.start()].rstrip(
                " \"'”’»"
            ).rstrip()[-1:] not in ("", ",", ";"):
                return None  # `Trump and Mamdani said`: two people (`…, and Mamdani said` is one)
            return self._display(right_before.group("who"))
        if re.search(rf"(?:\b(?:and|but|then)|,)(?:\s+{_ADVERBS})*\s*$", head, re.I):
            return self._first_subject(head)  # `Trump met Mamdani and said`: the clause's subject
        return None  # a pronoun, a noun or an unknown name is the subject

    def _first_subject(self, head: str) -> str | None:
        """The one person a clause names other than as an object; None if none or several."""
        people: set[str] = set()
        for run in _NAME_RUN.finditer(head):
            lead = head[: run.start()]
            if re.search(rf"\b(?:{_OBJECT_OF})\s+{_TITLES}$", lead, re.I):
                continue  # an object: `met Mamdani`, `about Mamdani`
            words = run.group(0).split()
            last = words[-1]
            possessive = last.endswith(("’s", "'s"))
            known = self._alias.get(fold(last.removesuffix("’s").removesuffix("'s").rstrip(".,")))
            if known and (not possessive or re.match(rf"\s+(?:{_VOICE})\b", head[run.end() :], re.I)):
                people.add(known)
            elif [w for w in run.group(0).split() if fold(w) not in _STARTERS and fold(w) not in _NOT_NAMES]:
                people.add("?" + fold(run.group(0)))  # someone the article does not quote, or a noun
        if len(people) == 1 and not next(iter(people)).startswith("?"):
            return self._display(next(iter(people)))
        return None

    def _following(self, after: str) -> str | None:
        """The speaker named right after a quotation: `"…" — Trump`, `"…", Mamdani said`, `said Trump`."""
        name = self._name
        m = re.match(
            rf"^[\s,.!?;:\"'”’»]*(?:[—–-]+\s*(?:by\s+)?{_TITLES}(?:{name}\s+)*(?P<a>{name})\b"
            rf"|(?:{_SAYING})\s+{_TITLES}(?:{name}\s+)*(?P<b>{name})\b"
            rf"|(?:(?:is|was)\s+what\s+)?{_TITLES}(?:{name}\s+)*(?P<c>{name})(?:\s+{_ADVERBS})*\s+(?:{_SAYING})\b)",
            after,
            re.I,
        )
        if not m:
            return None
        return self._display(m.group("a") or m.group("b") or m.group("c"))

    def _display(self, word: str) -> str:
        surname = self._alias.get(fold(word), fold(word))
        return self.display.get(surname, surname.title())
