"""Questions that ask for a measure the passage to be shown does not hold.

"How much money is in the affordability compact?" comes close to the passages about the compact, and the
abstainer, which reads how close a question comes, answers it; but the article never puts a sum on the
compact. A question that asks for a measure of one kind (a sum of money, a share, a count, a year, a time
of day) is answered by a passage that holds one of that kind, so when the passage to be shown first holds
none the article lacks the fact, and the question is declined, its nearest passages still shown.

Each kind is read narrowly, so that an answer in other words still counts: "how much has Con Edison raised
rates?" is no question of money (its answer is a share), a share may be "about half" or "7 points", a
count "twice" or "a week". Most "how much" and "what" questions ask for no measure and are left to the
abstainer.
"""

from __future__ import annotations

import re

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds?|"
    r"thousands?|millions?|billions?|dozens?|once|twice|thrice|several|few|couple|handful|single|both"
)
_AUXILIARIES = r"does|do|did|will|would|could|can|might|should|is|was|are|were|has|have|had"
_PAYING = r"costs?|paid|pay|pays|earns?|charges?|charged"
# kind: (how a question asks for it, how a passage holds one)
MEASURES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "money": (
        re.compile(
            r"\bhow much money\b|\bhow many dollars\b"
            # "how much does a ride cost?", "how much is he paid": the verb ends the clause or takes what
            # is bought; "how much attention did he pay", "could this cost Trump" ask for no sum.
            rf"|\bhow much\s+(?:{_AUXILIARIES})\s+(?:\S+\s+){{0,5}}?(?:{_PAYING})\b"
            r"(?=\s*(?:[?.!,;:]|$|(?:to|for|per|a|an|each|in|on|at)\b))"
            r"|\bwhat(?:'s|’s|\s+is|\s+was|\s+are|\s+were)?\s+(?:the|his|her|their)\s+"
            r"(?:price|cost|salary|budget)s?\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\$\s?\d|\bdollars?\b|\b\d[\d,.]*\s?(?:million|billion|trillion)\b|\b(?:millions|billions|trillions)\b",
            re.IGNORECASE,
        ),
    ),
    "share": (
        re.compile(
            r"\bwhat (?:percent|percentage|share|proportion)\b|\bhow much of the vote\b", re.IGNORECASE
        ),
        re.compile(
            r"\d\s?%|\bpercent|\b\d[\d.]*\s+(?:percentage\s+)?points?\b|\bhalf\b|\bthird\b|\bquarter\b|\bmajority\b",
            re.IGNORECASE,
        ),
    ),
    "time of day": (
        # Not "what time zone", nor "what time of year", "what time in the campaign", which ask when.
        re.compile(
            r"\b(?:what|which) (?:time|hour)\b"
            r"(?!\s+(?:zones?|periods?|frames?|in\b|of\s+(?:the\s+)?(?:year|month|week|season|campaign)\b))",
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
    "count": (
        re.compile(r"\bhow many\b", re.IGNORECASE),
        re.compile(rf"\d|\b(?:{_NUMBER_WORDS}|week|month|day|year)\b", re.IGNORECASE),
    ),
}


def asked_measures(question: str) -> tuple[str, ...]:
    """The kinds of measure a question asks for (none for most questions)."""
    return tuple(kind for kind, (asks, _) in MEASURES.items() if asks.search(question))


def missing_measure(question: str, passage: str) -> str | None:
    """The first kind of measure the question asks for that the passage holds none of, or None."""
    return next((kind for kind in asked_measures(question) if not MEASURES[kind][1].search(passage)), None)
