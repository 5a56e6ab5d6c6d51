"""Questions that ask for a measure the passage to be shown does not hold.

"How much money is in the affordability compact?" comes close to the passages about the compact, and the
abstainer, which reads how close a question comes, answers it; but the article never puts a sum on the
compact. A question that asks for a measure of one kind (a sum of money, a share, a count, a year, a time
of day) is answered by a passage that holds one of that kind, so when the passage to be shown first holds
none the article lacks the fact, and the question is declined, its nearest passages still shown.

Each kind is read narrowly, so that an answer in other words still counts: "how much has Con Edison raised
rates?" is no question of money (its answer is a share), a share may be "about half" or "7 points", a
count "twice" or "a week", an age "Mamdani, 33," or "a 33-year-old". Most "how much" and "what"
questions ask for no measure and are left to the abstainer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|"
    r"thousands?|millions?|billions?|dozens?|once|twice|thrice|several|few|couple|handful|single|both"
)
_AUXILIARIES = r"does|do|did|will|would|could|can|might|should|must|has|have|had"
# Words that describe someone or something rather than name them ("the letter", "his campaign").
_DESCRIBING = r"the|a|an|this|that|these|those|its|my|your|our|his|her|their"
# Not a thing described ("the letter", "trump's tax reform") or "it", so someone named or "he" (after
# "is"/"was", which are named so that the pattern cannot skip them to pass).
_NOT_DESCRIBED = rf"(?!(?:{_DESCRIBING}|it|is|was|are|were)\b|[\w-]+['’]s\b)"
# An age given with a name: "Mamdani, 33,".
_NAMED_AGE = r"\b([A-Z][a-z]+),\s+\d{1,3},"
_SUBJECTS = r"the|this|that|it|they|he|she|we|you|i|his|her|their|its|a|an"
# After "how much" (or "how much more"): an auxiliary, then a bare verb of paying or costing.
_ASKED_BY = rf"(?:\s+(?:{_AUXILIARIES})\b|['’]ll\b)"
_PAYING_VERB = r"\s*(?:\S+\s+){0,6}?(?:cost|pay|paid|charge|earn|spend)\b"
# How a passage holds a sum ("3.1 million customers" is none; "billions in funding" is one), and a share.
_SUM = r"\$\s?\d|\bdollars?\b|\b\d[\d,.]*\s?(?:billion|trillion)\b|\b(?:billions|trillions)\b"
_SHARE = (
    r"\d\s?%|\bpercent|\b\d[\d.]*\s+(?:percentage\s+)?points?\b|\bhalf\b|\bthird\b|\bquarter\b|\bmajority\b"
)
# kind: (how a question asks for it, how a passage holds one)
MEASURES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "money": (
        re.compile(
            r"\bhow much money\b|\bhow many (?:dollars|bucks?|usd|quid|cents)\b"
            # A verb of paying or costing, as the question's own verb: "how much does/will … cost",
            # "how much'll it cost", "how much is he paid", "how much the compact would cost". Not a noun
            # ("how much do energy costs hurt", "did con ed charges go up": after an auxiliary the verb
            # is bare), nor what is asked before the auxiliary ("how much attention did he pay").
            rf"|\bhow much{_ASKED_BY}{_PAYING_VERB}(?!\s+attention)"
            r"|\bhow much\s+(?:is|was|are|were|will\s+be|would\s+be)\s+(?:\S+\s+){0,5}?"
            r"(?:paid|charged|earned)\b"
            rf"|\bhow much\s+(?:{_SUBJECTS})\s+(?:\S+\s+){{0,5}}?"
            r"(?:costs?|pays?|paid|charges?|charged|earns?|earned)\b"
            r"|\bwhat(?:'s|’s|\s+is|\s+was|\s+are|\s+were)?\s+(?:the|his|her|their)\s+"
            # ... when it is what is asked: not "what are their price caps", "what is the cost benefit".
            r"(?:price|cost|salary|budget)s?\b(?=\s*(?:$|[?.!,;:]|(?:of|for|to|in|at|per|now|today)\b))",
            re.IGNORECASE,
        ),
        re.compile(_SUM, re.IGNORECASE),
    ),
    # "How much more do people pay for energy?" is answered by a sum or by a share ("18% since 2022").
    "sum or share": (
        re.compile(rf"\bhow much\s+(?:more|less|extra){_ASKED_BY}{_PAYING_VERB}", re.IGNORECASE),
        re.compile(f"{_SUM}|{_SHARE}", re.IGNORECASE),
    ),
    "share": (
        re.compile(
            r"\bwhat (?:percent|percentage|share|proportion)\b|\bhow much of the vote\b", re.IGNORECASE
        ),
        re.compile(_SHARE, re.IGNORECASE),
    ),
    "time of day": (
        # "What time did…"; not "what time zone", nor "what time of year", "what time in the campaign",
        # which ask when: after "of" or "in", only a part of the day ("what time of day", "in the morning").
        re.compile(
            r"\b(?:what|which) (?:times?|hours?)\b"
            r"(?!\s+(?:zones?|periods?|frames?)\b)"
            r"(?!\s+(?:of|in)\s+(?!(?:the\s+)?(?:day|morning|afternoon|evening|night)\b))",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b\d{1,2}(?::\d\d)?\s?[ap]\.?m\b|\bnoon\b|\bmorning\b|\bafternoon\b|\bevening\b|\bmidnight\b"
            r"|\bo[’']clock\b",
            re.IGNORECASE,
        ),
    ),
    "year": (
        re.compile(r"\b(?:what|which) year\b", re.IGNORECASE),
        re.compile(r"\b(?:19|20)\d\d\b|\b(?:this|last|next) year\b", re.IGNORECASE),
    ),
    # Someone's age is given as an age: "Mamdani, 33,", "a 33-year-old", "aged 33", "33 years old". A year
    # or a figure of something else is none ("how old is bannon?" of his words "in November 2025"). Only
    # of someone named or a pronoun: "how old is the letter?" is answered by when it was sent, and "how old
    # is the mayor-elect?" is left to the passage found.
    "age": (
        re.compile(
            rf"\b(?:how old|what age)(?:\s+(?:is|was|are|were)\b|['’]s\b)?\s*{_NOT_DESCRIBED}(?=[^\W\d_])"
            rf"|\b(?:his|her)\s+age\b|(?<!\bits)['’]s\s+age\b|\bage\s+of\s+{_NOT_DESCRIBED}(?=[^\W\d_])",
            re.IGNORECASE,
        ),
        re.compile(
            rf"(?-i:{_NAMED_AGE})|\b\d{{1,3}}[- ]years?[- ]old\b|\baged?\s+\d{{1,3}}\b"
            r"|\bat\s+(?:the\s+age\s+of\s+)?\d{1,3}\b(?!\s*(?:%|percent|[ap]\.?m\b|:))",
            re.IGNORECASE,
        ),
    ),
    "count": (
        re.compile(r"\bhow many\b", re.IGNORECASE),
        re.compile(rf"\d|\b(?:{_NUMBER_WORDS}|week|month|day|year)\b", re.IGNORECASE),
    ),
}


# A question asking how a sum changed ("since 2022", "extra", "go up") is answered by a share as well.
_CHANGE = re.compile(
    r"\bsince\b|\bextra\b|\bmore\b|\bless\b|\bincreas|\brise|\brose\b|\bjump|\b(?:go|goes|gone|went)\s+up\b",
    re.IGNORECASE,
)


def asked_measures(question: str) -> tuple[str, ...]:
    """The kinds of measure a question asks for (none for most questions)."""
    kinds = tuple(kind for kind, (asks, _) in MEASURES.items() if asks.search(question))
    if "money" in kinds and _CHANGE.search(question):
        kinds = tuple(dict.fromkeys("sum or share" if k == "money" else k for k in kinds))
    return kinds


def missing_measure(question: str, passage: str, shown: Callable[[], Sequence[str]] = tuple) -> str | None:
    """The first kind of measure the question asks for that the passage holds none of, or None; an age
    the passage gives only to someone else holds none ("how old is trump?" of "Mamdani, 33,"). Someone's
    age may be in a passage shown after it too (`shown()`, read only for an age: "how old is mamdani the
    socialist?" is first answered by the passage on his politics)."""
    return next(
        (kind for kind in asked_measures(question) if not _holds(kind, question, passage, shown)), None
    )


def _holds(kind: str, question: str, passage: str, shown: Callable[[], Sequence[str]]) -> bool:
    if kind != "age":
        return bool(MEASURES[kind][1].search(passage))
    return any(MEASURES[kind][1].search(p) and not _age_of_another(question, p) for p in (passage, *shown()))


# Whose age is asked: the words after "how old is", "what age was" or "age of", or the name before
# "'s age" (not "the mayor-elect's age", which describes); whose is given: the name before "Mamdani, 33,".
# Names are compared as typed (the question's given names are read as surnames before it is searched).
_WHOSE_AGE = re.compile(
    r"\b(?:how old|what age|age of)(?:\s+(?:is|was|are|were)\b|['’]s\b)?\s+(?P<after>[^?.!,;:]{1,60})"
    rf"|\b(?P<described>(?:{_DESCRIBING})\s+)?(?P<before>[\w-]+)['’]s\s+age\b",
    re.IGNORECASE,
)
_AGED = re.compile(_NAMED_AGE)
_DESCRIBED = re.compile(rf"['’]s\b|\b(?:{_DESCRIBING}|whose|who|which)\b", re.IGNORECASE)
_SOMEONE = frozenset("he she him they them".split())


def _age_of_another(question: str, passage: str) -> bool:
    """Whether every age the passage gives with a name ("Mamdani, 33,") is someone's not asked about,
    when the question names whose age it asks ("how old is trump?", "how old is new york?"); not when
    it asks with a pronoun, or the passage gives an age without a name ("a 33-year-old")."""
    whose = _WHOSE_AGE.search(question)
    if whose is None or whose.group("described") or _DESCRIBED.search(whose.group("after") or ""):
        return False  # no one named ("the mayor-elect's age", "new york city's next mayor"): cannot be told
    if any(not _AGED.match(m.group()) for m in MEASURES["age"][1].finditer(passage)):
        return False  # nor of an age given without a name ("a 33-year-old")
    named = {m.group(1).casefold() for m in _AGED.finditer(passage)}
    asked = {w.casefold() for w in re.findall(r"[^\W\d_]+", whose.group("after") or whose.group("before"))}
    return not asked & (named | _SOMEONE)
