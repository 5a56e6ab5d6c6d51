"""Questions about how things turned out after the article was written.

The article was written just after the meeting of November 21, 2025. What it says of what came next is
what was planned or expected: "Trump confirmed they'll meet again", "Mamdani's team is already drafting
a federal partnership proposal". "Did they end up meeting again?" and "did the compact ever get
approved?" ask how such a plan turned out, which the article cannot say; a trial found both answered,
sure, with the line of the plan. Such a question is declined, its nearest passages still shown (the plan
is the nearest the article comes).

Both sides are read narrowly. The question asks whether something happened, in the past tense ("did",
"has", "was"…), with a word of outcome: "end up", "ever", "actually", "finally", "eventually", or a
measure passed or approved. The line that would be bolded speaks of it as still to come: "will", "'ll",
"would", "expected", "plans", "proposal", "drafting", "set to"… So "did trump ever call mamdani a
communist?" is answered (its line is what he did), as is "when does he actually become mayor?" (asked
in the present, answered by the date he is set to take office), and "has the compact already been
finalized?" (asked of the time of the article: "already" is no outcome word).
"""

from __future__ import annotations

import re

# A yes-no question in the past tense with a word asking how things turned out.
_OUTCOME = (
    r"end(?:ed)?\s+up|ever|actually|finally|eventually|in\s+the\s+end|since\s+then|since(?=\W*$)"
    r"|(?:get|got|gotten|been|was|were)\s+(?:approved|passed|signed|enacted|funded|adopted|implemented|built)"
    r"|pass(?:ed)?"
)
_ASKS_HOW_IT_TURNED_OUT = re.compile(
    # "Again" asks whether a thing happened again after "did" or "have" ("did they meet again?"), not
    # after "was" ("was trump happy to meet him again?" asks how he felt).
    rf"^\W*(?:(?:did|has|have|had)\b.*?\b(?:{_OUTCOME}|again)|(?:was|were)\b.*?\b(?:{_OUTCOME}))\b",
    re.IGNORECASE,
)
# Whether someone said something is what the article reports ("did trump actually say he'd be happy?").
_SAYING = re.compile(
    r"\b(?:say|said|says|tell|told|call|called|claim|claimed|promise|promised|mention|mentioned|admit|admitted"
    r"|write|wrote|confirm|confirmed|predict|predicted|suggest|suggested|propose|proposed)\b",
    re.IGNORECASE,
)
# How a line speaks of something still to come.
_STILL_TO_COME = re.compile(
    r"\bwill\b|['’]ll\b|\bwould\b|\bgoing\s+to\b|\bexpect|\bplan|\bpropos|\bdraft|\bset\s+to\b|\bnext\b"
    r"|\bupcoming\b|\bwants?\s+to\b|\bhop(?:e|es|ing)\b|\bcould\b|\bmight\b",
    re.IGNORECASE,
)


def asks_how_it_turned_out(question: str) -> bool:
    """Whether a question asks whether something happened in the end ("did they end up meeting again")."""
    return _ASKS_HOW_IT_TURNED_OUT.search(question) is not None and _SAYING.search(question) is None


def turned_out_unknown(question: str, line: str) -> bool:
    """Whether the question asks how something turned out and the answering line only plans or expects
    it: the article, written before, cannot say."""
    return asks_how_it_turned_out(question) and _STILL_TO_COME.search(line) is not None
