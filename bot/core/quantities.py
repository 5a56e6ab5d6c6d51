"""Questions that ask for a quantity, and whether the line that would answer holds one.

"How many votes did Mamdani get?" shares its words with passages about his victory, and the abstainer,
which reads how close a question comes to a passage, answered it. A question that asks how many or how
much (or what percent, share or number) is answered by a line with a number in it; when the bold line
holds none, the article has not given that quantity, and the question is declined. Counted as a number:
digits, number words, words of amount such as "half", "twice", "both" or "several" ("nearly half of whom"
answers "how many New Yorkers struggle with rent"), and "a" with a unit of time ("a week later").
"""

from __future__ import annotations

import re

# How many or how much, asked by the question itself (at its start, or at the start of a part after "and"
# or a comma), not inside a clause of it ("which quote shows Trump surprised by how much attention...").
_ASKS = re.compile(
    r"(?:^|\band\s|,\s*|[.?!]\s+)\W*(?:(?:so|and|but|ok|okay|hey|also|then|like|wait|quick question)\W+)*"
    r"(?:how\s+(?:many|much)\b|what(?:['’]?s|\s+is|\s+was)?\s+(?:the\s+)?"
    r"(?:percent(?:age)?|share|fraction|proportion|number|amount|average)\b)",
    re.IGNORECASE,
)
_HOLDS = re.compile(
    r"\d|%|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|halves|third|quarter|"
    r"once|twice|double|triple|both|several|few|single|percent)\b"
    r"|\ba\s+(?:day|week|month|year|decade|couple|dozen|handful)\b",  # "a week later"
    re.IGNORECASE,
)


def asks_quantity(question: str) -> bool:
    """Whether the question asks how many or how much of something."""
    return bool(_ASKS.search(question))


def holds_quantity(text: str) -> bool:
    """Whether the text states a number or an amount."""
    return bool(_HOLDS.search(text))
