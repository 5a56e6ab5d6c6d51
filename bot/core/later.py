"""Questions about how things turned out after the article was written.

The article was written just after the meeting of November 21, 2025. What it says of what came next is
what was planned or expected: "Trump confirmed they'll meet again", "Mamdani's team is already drafting
a federal partnership proposal". "Did they end up meeting again?" and "did the compact ever get
approved?" ask how such a plan turned out, which the article cannot say; a trial found both answered,
sure, with the line of the plan. Such a question is declined, its nearest passages still shown (the plan
is the nearest the article comes).

Both sides are read narrowly:
- The question asks whether something happened, in the past tense ("did", "has", "was"…), with a word of
  outcome ("end up", "ever", "actually", "finally", "yet", "again" after "did", a measure passed, funded
  or approved), or asks what came of something ("whatever happened to…", "any update on…"). A question
  about what someone said, planned or offered ("did trump ever call him a communist?", "did mamdani ever
  want to cap speculative buying?", "did trump offer to help build housing?") is answered by the article,
  which reports words and plans.
- The line that would be bolded plans the very thing asked: a word of what is to come or may be ("will",
  "'ll", "if", "expected", "drafting", "set to"…) followed, in its clause, by a word of the question
  ("they'll *meet* again"), or ending its clause ("I think we will."). A line that holds such a word only
  elsewhere ("Trump fired back: 'Mamdani … wants to destroy New York'", "…that would have displaced 300
  families") keeps the question answered.
So "when does he actually become mayor?" (the present) and "has the compact already been finalized?"
(asked of the time of the article: "already" is no outcome word) are answered too. A helper's trial of
123 messages found the first version, which took any such word anywhere in the line, declining 4 of 46
questions the article answers; the second, one of them, whose bold line was wrong already ("did they
finally meet": "Trump confirmed they'll meet again"). A second trial of 169 fresh messages found 22
declines, all right; an adversarial review of the next version, 10 wrong of 68 probes: what someone
thought, decided, began or was supposed to do ("did trump think they'd meet again?", "when was the next
meeting supposed to happen?"), now answered. Who is named (Trump, Mamdani) is no word of what is planned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_CHAT = r"(?:(?:so|and|but|ok|okay|wait|well|hey|yo|hmm|um|lol)\W+){0,2}"
_DONE = (
    r"approved|passed|signed|enacted|funded|adopted|implemented|built|rejected|issued|submitted|finished"
    r"|completed|launched|created"
)
# ... and as asked after "did" ("did congress fund the compact?").
_DO = (
    r"approve|pass|sign|enact|fund|adopt|implement|build|reject|issue|submit|finish|complete|launch|create"
    r"|succeed|fail"
)
_OUTCOME = (
    r"end(?:ed)?\s+up|ever|actually|finally|eventually|yet|in\s+the\s+end|since\s+then|since(?=\W*$)"
    r"|happen(?:ed)?|(?:go|gone|went)\s+(?:through|thru)|(?:make|made)\s+it\s+(?:through|thru)"
    r"|(?:take|took|taken)\s+office|sworn|(?:work|turn)(?:ed)?\s+out"
    rf"|(?:get|got|gotten|been|was|were)\s+(?:\S+\s+){{0,4}}?(?:{_DONE})|pass(?:ed)?"
)
_ASKS_HOW_IT_TURNED_OUT = re.compile(
    rf"^\W*{_CHAT}(?:"
    # "Again" asks whether a thing happened again after "did" or "have" ("did they meet again?"), not
    # after "was" ("was trump happy to meet him again?" asks how he felt).
    rf"(?:did|has|have|had)\b.*?\b(?:{_OUTCOME}|again|{_DO})"
    rf"|(?:was|were)\b.*?\b(?:{_OUTCOME})|(?:was|were)\s+(?:\S+\s+){{1,5}}?(?:{_DONE})"
    r"|what\s*ever\s+(?:happened|came\s+of|became\s+of)|what\s+(?:came|become|became)\s+of|any\s+(?:news|updates?)\s+(?:on|about)"
    r"|how\s*(?:\s+did|['’]d)\s+(?:\S+\s+){1,4}?(?:turn|work)\s+out"
    # What happened at a meeting the article expects: "what did trump say at the second meeting?"
    r"|(?:what|when|where|how|who)\b.*?\b(?:did|was|were|happened)\s+(?:\S+\s+){0,3}?"
    r"(?:(?:at|during|in|after)\s+)?(?:the|their)\s+(?:next|second|2nd|upcoming|following)"
    r")\b",
    re.IGNORECASE,
)
_OUTCOME_WORD = re.compile(rf"\b(?:{_OUTCOME}|again)\b", re.IGNORECASE)
# A past question set at an event still to come when the article was written.
_AT_A_LATER_EVENT = re.compile(
    # Anchored, and tried at most once: unanchored, "did did did…" took 15 ms to refuse.
    r"^(?:(?!\b(?:did|was|were|happened)\b).)*\b(?:did|was|were|happened)\b.*?"
    r"\b(?:at|during|in|after)\s+(?:the|their)\s+(?:next|second|2nd|upcoming|following)\b",
    re.IGNORECASE | re.DOTALL,
)
# What someone said, planned, offered, thought or began is what the article reports ("did trump actually
# say he'd be happy?", "did trump offer to help build housing?", "did trump think they'd meet again?",
# "did mamdani's team actually start drafting the compact?"); so is what was expected and when ("when was
# the next meeting supposed to happen?").
_SAID = (
    r"say|said|says|tell|told|call|called|claim|claimed|promise|promised|mention|mentioned|admit|admitted"
    r"|write|wrote|confirm|confirmed|predict|predicted|suggest|suggested|propose|proposed|offer|offered"
    r"|agree|agreed|vow|vowed|pledge|pledged|urge|urged|ask|asked|push|pushed|pitch|pitched"
)
_SAID_ACT = re.compile(rf"\b(?:{_SAID})\b", re.IGNORECASE)
_SAID_OR_PLANNED = re.compile(
    rf"\b(?:{_SAID}|want|wanted|wants|plan|planned|plans|expect|expected|hope|hoped|intend|intended|try|tried"
    r"|aim|aimed|think|thought|decide|decided|seem|seemed|feel|felt|believe|believed|start|started|begin"
    r"|began|timeline|schedule|scheduled|supposed|will|would|gonna|going\s+to)\b"
    r"|\b(?:i|you|he|she|it|we|they|that)['’]d\b",
    re.IGNORECASE,
)
# How a line speaks of something still to come ("would have displaced" is the past).
_STILL_TO_COME = re.compile(
    r"\b(?:will|would|could|might)\b(?!\s+have\b)|['’]ll\b|\bif\b|\bgoing\s+to\b|\bexpect\w*|\bplan\w*|\bpropos\w*"
    r"|\bdraft\w*|\bset\s+to\b|\bnext\b|\bupcoming\b|\bwants?\s+to\b|\bhop(?:e|es|ing)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;!?,()—–]")
_AGAIN = re.compile(r"\b(?:again|another|second|next|more)\b", re.IGNORECASE)
WINDOW = 8  # words after a word of what is to come that may say what is to come (a design choice)


def asks_how_it_turned_out(question: str) -> bool:
    """Whether a question asks whether something happened in the end ("did they end up meeting again")."""
    if _AT_A_LATER_EVENT.search(question):
        return True  # "what did trump say at the second meeting?": words said after the article
    return _ASKS_HOW_IT_TURNED_OUT.search(question) is not None and _SAID_OR_PLANNED.search(question) is None


def plans(line: str, asked: frozenset[str], stems: Callable[[str], frozenset[str]], again: bool) -> bool:
    """Whether the line plans or expects what is asked: a word of what is to come followed, in its clause,
    by one of the `asked` stems, or ending its clause ("I think we will."). A plan to do something again
    ("they'll meet again") is what is asked only by a question that asks about it again (`again`): "did
    they ever meet?" asks about the meeting the article tells of."""
    for found in _STILL_TO_COME.finditer(line):
        rest = line[found.end() :]
        end = _CLAUSE_END.search(rest)
        clause = rest[: end.start()] if end else rest
        words = clause.split()[:WINDOW]
        if _AGAIN.search(" ".join(words)) and not again:
            continue
        if not words or stems(" ".join(words)) & asked:
            return True
    return False


def turned_out_unknown(
    question: str,
    line: str,
    stems: Callable[[str], frozenset[str]],
    earlier: Sequence[str] = (),
    names: frozenset[str] = frozenset(),
) -> bool:
    """Whether the question asks how something turned out and the answering line only plans or expects
    it: the article, written before, cannot say. `stems` gives a text's content stems; a follow-up
    ("did it ever happen?") asks about what the `earlier` messages it is read with asked about too, and
    one with no words of its own ("did he actually?" after "what did mamdani propose?") asks what they
    asked. Who is named (`names`, stems of the people the article quotes) says nothing of what is planned."""
    if not asks_how_it_turned_out(question):
        return False
    own = stems(question)
    if not stems(_OUTCOME_WORD.sub(" ", question)) - names and any(_SAID_ACT.search(t) for t in earlier):
        return False
    asked = own.union(*(stems(text) for text in earlier)) - names
    again = any(_AGAIN.search(text) for text in [question, *earlier])
    return plans(line, asked, stems, again)
