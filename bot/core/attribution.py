"""Who is speaking: the speaker the article names for each of its quotations, and the one a message names.

Heuristics over the article's own wording, never a guess beyond it: a quotation is attributed only when
a clause right beside it names someone with a verb of saying ("…," Trump said / Bannon told POLITICO
Magazine: "…"). A pronoun ("…," he said) stands for the name that opens the sentence before the
quotation when that name is of someone quoted by name (in the same text, or elsewhere in the article) and
the sentence names no other of them ("Trump confirmed they'll meet again. "…," he said"); otherwise for
nobody. A split quote ("…," Trump said. "…") gives the second part the first part's speaker, as the
article's readers take it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.core.chunking import split_sentences
from bot.core.text import MONTHS, fold

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
    monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr president mayor senator""".split()
) | frozenset(MONTHS)
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
# Titles before a name: `President Trump`, `Mayor-elect Mamdani`.
_TITLES = r"(?:(?:president|mayor-elect|mayor|mr|mrs|ms|dr|sen|senator|governor|gov|former)\.?\s+)*"
# The few words that may sit between a name and its verb in a plain attribution (`Trump literally said`).
_PLAIN_ADVERBS = r"really|literally|actually|just|also|then|once|reportedly|apparently|openly|later|quickly"
# The verbs of a plain attribution: the words are the speaker's own (not "cited", "recalled", "posted").
_PLAIN_SAYING = (
    r"said|says|say|told|tells|wrote|writes|stated|states|declared|declares|added|adds|replied|replies|"
    r"answered|insisted|insists|warned|warns|argued|argues|joked|quipped|explained|announced|remarked|"
    r"confirmed|promised|vowed|responded"
)
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")
# The most words between a verb of saying and the quotation it introduces without a colon or a comma
# ("called Mamdani a", "told reporters").
INTRODUCING_WORDS = 3
# Verbs that give someone a name in so many words: `Mamdani called Trump a "fascist"` puts the word in
# the mouth of the one before the verb, whoever comes after it.
_NAMING = r"called|calls|labeled|labelled|labels|branded|brands|dubbed|dubs"
# Whom they named: a person's pronoun, "the" and a title ("the president"), or names of the people the
# article quotes (`SpeakerNames`): never a particle, a possessive or a thing (trials: "Mamdani called out
# Trump's remark", "called on Trump to", "called Trump and he said", "called Bannon. Bannon told …",
# "Bannon called the Mamdani slogan "…"" were claimed for the one who called, and "corrected").
_NAMED_OTHER = (
    r"him|her|them|the[ \t]+(?:former[ \t]+)?(?:president|mayor|mayor-elect|governor|senator|strategist|"
    r"billionaire|socialist|democrat|republican)"
)


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
    between = clause[verb.end() :].strip()
    if not between.endswith((":", ",")) and len(between.split()) > INTRODUCING_WORDS:
        # The verb introduces no quotation: `Trump mentioned his 2017 tax reform as a model for
        # "stimulating supply,"` is the article's description, its words a scare quote (a trial).
        return None
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


def quotations(text: str, speakers: frozenset[str] = frozenset()) -> list[Quotation]:
    """The paragraph's quotations (between straight or curly double quotes) with their speakers;
    `speakers`, the folded surnames of people quoted by name elsewhere, whom a pronoun may stand for."""
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
    labelled: list[tuple[int, str, str]] = []  # `His slogan: "…"`: (number, text before, pronoun)
    pronouns: list[tuple[int, str]] = []  # `"…," he said`: (number, text before)
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
            if speaker is None and pronouns and pronouns[-1][0] == n - 1 and not clause_before.strip():
                pronouns.append((n, ""))  # `"…," he said. "…"`: the second part is the same person's
        elif speaker is None and _HE_OR_SHE.match(clause_after):
            pronouns.append((n, text[floor:a]))
        if speaker is None and (label := _PRONOUN_LABEL.fullmatch(clause_before)):
            labelled.append((len(found), text[: a - len(clause_before)], label.group("pronoun")))
        found.append(Quotation(a + 1, b, speaker))
        carried = speaker if attributed else None
    for n, before, pronoun in labelled:
        found[n] = replace(found[n], speaker=_last_named(before, found, pronoun))
    if pronouns:
        named = speakers | {p for q in found if (p := surname(q.speaker)) is not None}
        for n, before in pronouns:
            who = found[n - 1].speaker if not before and n else _subject_before(before, named)
            found[n] = replace(found[n], speaker=who)
    return found


def quoted_by_name(texts: Iterable[str]) -> frozenset[str]:
    """Everyone the texts (paragraphs) quote by name, as folded surnames: whom a `"…," he said` in any of
    them may stand for (`quotations`' `speakers`)."""
    return frozenset(p for text in texts for q in quotations(text) if (p := surname(q.speaker)))


# `"…," he said`: the words of the one the sentence before opens with, when they speak elsewhere.
_HE_OR_SHE = re.compile(r"^[\s,.!?;:—–-]*(?:he|she)\s", re.IGNORECASE)


def _subject_before(before: str, speakers: frozenset[str]) -> str | None:
    """The name that opens the last sentence before a quotation, when it is one of the `speakers` (folded
    surnames of people quoted by name) and the sentence names no other of them: `Mamdani, who …, didn't
    flinch. "…," he said` is Mamdani's. Nobody's after `Con Edison raised rates again.` (no one quoted),
    `Reporters pressed Mamdani…` (not opened by a speaker) or `Trump and Mamdani shook hands.` (two)."""
    sentences = split_sentences(before)
    if not sentences:
        return None
    last = sentences[-1].text.lstrip(' "“”')
    run = _NAME_RUN.match(last)
    name = _name_of(run.group(0)) if run else None
    person = surname(name)
    if name is None or run.group(0).split()[0].strip("’'").lower() in _NOT_NAMES or person not in speakers:
        return None
    others = {surname(_name_of(r.group(0))) for r in _NAME_RUN.finditer(last)} & speakers
    return name if others == {person} else None


# `His slogan: "…"`: a pronoun's words, labelled; the one meant is the last person named before it.
_PRONOUN_LABEL = re.compile(
    r"\s*(?P<pronoun>his|her|their)\s+(?:slogan|motto|message|words|reply|response|answer|pitch|promise|"
    r"refrain|catchphrase|mantra|line)\s*:\s*",
    re.IGNORECASE,
)


def _last_named(before: str, found: Sequence[Quotation], pronoun: str) -> str | None:
    """The speaker a labelled pronoun's quotation is by: the last name in the text before it that is
    the surname of someone the paragraph has speaking (`Mamdani’s rise … His slogan:`), or None
    ("their" points at more than one; a name that speaks nowhere before is no one's voice)."""
    if pronoun.lower() == "their":
        return None
    people: dict[str, str] = {}  # surname → the shortest way the paragraph names them speaking
    for q in found:  # "Mamdani" rather than "Mamdani’s office", whose words are the office's
        if q.speaker and (p := _person(q.speaker)):
            people[fold(p)] = min(people.get(fold(p), q.speaker), q.speaker, key=len)
    for run in reversed(list(_NAME_RUN.finditer(before))):
        name = _name_of(run.group(0))
        person = _person(name) if name else None
        if person and fold(person) in people:
            return people[fold(person)]
    return None


def _person(speaker: str) -> str | None:
    """The surname of a speaker as the article names them ("Steve Bannon" → "Bannon", "Mamdani’s office"
    → "Mamdani")."""
    names = re.findall(_NAME_WORD, speaker)
    return names[-1].removesuffix("’s").removesuffix("'s").rstrip(".") if names else None


def surname(speaker: str | None) -> str | None:
    """A quotation's speaker as a folded surname ("Steve Bannon" → "bannon", "Mamdani’s office" →
    "mamdani"); None for nobody named."""
    person = _person(speaker) if speaker else None
    return fold(person) if person else None


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

        Only a plain attribution is taken at its word: the whole text around the quotation is a surname
        of someone the article quotes with a verb of saying, a colon or a dash (`Mamdani said "…"`,
        `Steve Bannon told reporters: "…"`, `Mamdani: "…"`, `"…," Mamdani said`, `"…" — Trump`). Any
        other word (a question mark, "Myth:", "It is not true that", "So,", "Trump On Mamdani:",
        "Mamdani was praised by Trump:", "…," the president said of him) leaves room for someone else to
        have said it, and a wrong correction is worse than none. Between two quotations, a joining word
        may open the second's attribution (`Trump said "…" and Mamdani said "…"`); the words between two
        quotations introduce the second (`"A" Mamdani said "B"` claims nothing for A).
        """
        if self._name is None:
            return None
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
        # Possessive throughout: with `\s*` and `\n\s*` both taking line breaks, a run of blank lines had
        # 2^n ways to match, and a message with twenty of them took seconds (a trial).
        joined = r"(?:[,;/.!]\s*+|(?:and|while|then|but|whereas|finally)\b\s*+|\n\s*+)*+"
        introduces = rf"{person('b')}\s*(?:{saying}\s*:?|[:—–-]+)"
        if not b and followed:
            return None  # `"A" Mamdani said "B"`: words between two quotations introduce the second
        if b:
            # After it: nothing, or (when a quotation follows) the plain attribution of that one.
            if not (
                re.fullmatch(r"[\s,.!]*", a)
                or (followed and re.fullmatch(rf"[\s,.!]*+{joined}(?:{introduces})?\s*", a, re.I))
            ):
                return None
            m = re.fullmatch(rf"{joined}{introduces}", b, re.I)
        else:
            m = re.fullmatch(
                rf"[,.!]?\s*(?:[—–-]+\s*{person('a')}|(?:(?:is|was)\s+what\s+)?{person('b')}\s+{saying}"
                rf"|(?:{_PLAIN_SAYING})\s+{person('c')}){end}",
                a,
                re.I,
            )
        if not m and b:
            # `Mamdani called Trump a "…"`: the one before the verb said it, whomever it was said of.
            named_one = rf"(?:{_NAMED_OTHER}|{_TITLES}(?:{name})(?:[ \t]+(?:{name}))*)(?![’'])"
            m = re.fullmatch(
                rf"{joined}{person('b')}[ \t]+(?:(?:{_PLAIN_ADVERBS})[ \t]+)?(?:{_NAMING})[ \t]+{named_one}"
                r"(?:[ \t]+(?:a|an))?",
                b,
                re.I,
            )
        named = m and (m.groupdict().get("a") or m.groupdict().get("b") or m.groupdict().get("c"))
        if not named:
            return None
        # Several names in a row must all be one person's ("Steve Bannon"), not two ("Trump Mamdani:"), and
        # the last must be the surname: "Steve said" alone is not plainly Bannon.
        # ... of the speaker's own words only: `Mamdani called Trump a` names Trump as the one named
        said_by = m.group(0)[: m.end("b") - m.start()] if m.groupdict().get("b") else m.group(0)
        people = {self._alias.get(fold(n.group(0))) for n in re.finditer(name, said_by, re.I)}
        surname = self._alias.get(fold(named)) == fold(named)
        return self._display(named) if len(people) == 1 and surname else None

    def names_a_speaker(self, text: str) -> bool:
        """Whether a text attributes words to someone the article quotes (`Trump said`, `Trump:`)."""
        if self._name is None:
            return False
        name = self._name
        return bool(
            re.search(rf"\b(?:{name})\s*(?:(?:{_SAYING_MESSAGE})\b|:)", text, re.I)
            or re.search(rf"\b(?:{_SAYING_MESSAGE})\s+(?:{name})\b", text, re.I)
        )

    def _display(self, word: str) -> str:
        surname = self._alias.get(fold(word), fold(word))
        return self.display.get(surname, surname.title())
