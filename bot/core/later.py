"""Questions about how things turned out after the article was written.

The article was written just after the meeting of November 21, 2025. Of what came next it has only what
was planned or expected: "Trump confirmed they'll meet again", "Mamdani's team is already drafting a
federal partnership proposal". "Did they end up meeting again?" and "did the compact ever get
approved?" ask how such a plan turned out, which the article cannot say. Such a question is declined when
the line that would be bolded only plans the thing asked; its nearest passages are still shown (the plan
is the nearest the article comes). Both sides are read narrowly:

- **The question** (`asks_how_it_turned_out`) asks whether something happened, in the past tense ("did",
  "has", "was"…), with a word of outcome ("end up", "ever", "actually", "finally", "yet", "again" after
  "did", a measure passed, funded, approved or voted on, "did … succeed"); or when a measure was ("when
  was the compact approved?"; not "when did he become mayor?"); or asks what came of something
  ("whatever happened to…", "any update on…", "how did … turn out"); or is a past question set at the
  next or second meeting ("what did trump say at the second meeting?"). A question whose own verb is
  one of saying, planning, thinking or beginning ("did trump actually say he'd be happy?", "did trump
  think they'd meet again?", "did the team actually start drafting it?") asks what the article reports,
  and so does one about the plan's time ("when was the next meeting supposed to happen?") or its state
  at the time ("has the compact already been approved?").
- **The line** (`plans`) plans the very thing asked: a word of what is to come or may be ("will", "'ll",
  "if", "expected", "drafting", "set to"…) followed in its clause by a word of the question ("they'll
  *meet* again"), or by one a vowel away from it, as a past form that changes its vowel is ("have they *met*
  again since?"); or "will" / "would" ending its clause ("I think we will."). A plan to do it again
  answers only a question about it again: "did they ever meet?" asks about the meeting the article tells
  of; and a question whether something happened "again" asks how a plan to do anything again turned out,
  whatever its verb ("did they see each other again?" of "they'll meet again"). The people the article
  quotes say who, not what is planned.

A follow-up ("did that ever happen?" after "will they meet again?") asks about what the messages it is
read with asked about too; one with no words of its own ("did he actually?" after "what did mamdani
propose?") asks what they asked. docs/experiments.md has the trials behind each choice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz.distance import Levenshtein

from bot.core.text import fold

_DONE = (
    r"approved|passed|signed|enacted|funded|adopted|implemented|built|rejected|issued|submitted|finished"
    r"|completed|launched|created|voted"
)
# ... and as asked after "did" ("did congress fund the compact?").
_DO = (
    r"approve|pass|sign|enact|fund|adopt|implement|build|reject|issue|submit|finish|complete|launch|create"
    r"|succeed|fail|become|became|vote"
)
_OUTCOME = (
    r"end(?:ed)?\s+up|ever|actually|finally|eventually|yet|in\s+the\s+end|since\s+then|since(?=\W*$)"
    r"|happen(?:ed)?|(?:go|gone|went)\s+(?:through|thru)|(?:make|made)\s+it\s+(?:through|thru)"
    r"|(?:take|took|taken)\s+office|sworn|(?:work|turn)(?:ed)?\s+out"
    rf"|(?:get|got|gotten|been|was|were)\s+(?:\S+\s+){{0,4}}?(?:{_DONE})|pass(?:ed)?"
)
# What is done to a measure (a bill, a compact), asked after "when", or after "has" as done: "when did
# congress approve it?", "has the senate voted on it yet?".
_MEASURE_DO = r"approve|pass|sign|enact|adopt|reject|ratify|vote"
_MEASURE_DONE = r"approved|passed|signed|enacted|adopted|rejected|ratified|voted"
_LATER = r"next|second|2nd|upcoming|following"
# Words of chat before the question that the search keeps ("so did they…", "ok so did they…").
_OPENER = r"(?:(?:so|and|but|ok|okay|wait|well|hey|yo|hmm|um|lol)\W+){0,2}"
# Read from the start of the folded question (tried from every position, a run of "did"s was quadratic).
_ASKS_HOW_IT_TURNED_OUT = re.compile(
    rf"^\W*{_OPENER}(?:"
    # "Again" asks whether a thing happened again after "did" or "have" ("did they meet again?"), not
    # after "was" ("was trump happy to meet him again?" asks how he felt).
    # "Another", "a second" ask it of a thing again too ("did they hold another meeting?", "was there a
    # second meeting?").
    rf"(?:did|has|have|had)\b.*?\b(?:{_OUTCOME}|again|another|second|2nd|{_DO}|{_MEASURE_DONE})"
    rf"|(?:was|were)\b.*?\b(?:{_OUTCOME}|another|second|2nd)|(?:was|were)\s+(?:\S+\s+){{1,5}}?(?:{_DONE})"
    # When a measure was passed or voted on ("when was the compact approved?", "when did congress pass it?",
    # "when did the senate vote on it?"); not "when did he become mayor?", which the line it is set to
    # happen on answers.
    rf"|when\s+(?:was|were|did)\b.*?\b(?:{_MEASURE_DONE}|{_MEASURE_DO})"
    r"|what\s*ever\s+(?:happened|came\s+of|became\s+of)|what\s+(?:came|become|became)\s+of"
    r"|any\s+(?:news|updates?)\s+(?:on|about)"
    r"|how\s*(?:\s+did|'d)\s+(?:\S+\s+){1,4}?(?:turn|work)\s+out"
    # What happened at a meeting the article expects: "when was the second meeting?"
    r"|(?:what|when|where|how|who)\b.*?\b(?:did|was|were|happened)\s+(?:\S+\s+){0,3}?"
    rf"(?:(?:at|during|in|after)\s+)?(?:the|their)\s+(?:{_LATER})"
    r")\b"
)
# A past question set at an event still to come when the article was written, whatever its verb: "what
# did trump say at the second meeting?" asks for words said after the article. Tried once, from the
# first "did" or "was".
_AT_A_LATER_EVENT = re.compile(
    r"^(?:(?!\b(?:did|was|were|happened)\b).)*\b(?:did|was|were|happened)\b.*?"
    rf"\b(?:at|during|in|after)\s+(?:the|their)\s+(?:{_LATER})\b"
)
# What someone said, planned, thought or began, as the question's own verb (after its auxiliary, its
# subject and any adverbs): what the article reports.
_REPORTED_VERBS = (
    r"say|said|tell|told|call|called|claim|claimed|promise|promised|mention|mentioned|admit|admitted|write"
    r"|wrote|confirm|confirmed|predict|predicted|suggest|suggested|propose|proposed|offer|offered|agree"
    r"|agreed|vow|vowed|pledge|pledged|urge|urged|ask|asked|push|pushed|pitch|pitched"
)
_PLANNING_VERBS = (
    r"want|wanted|plan|planned|expect|expected|hope|hoped|intend|intended|try|tried|aim|aimed|think|thought"
    r"|decide|decided|seem|seemed|feel|felt|believe|believed|start|started|begin|began|supposed|going"
)
_OWN_VERB = (
    rf"^\W*{_OPENER}(?:(?:what|when|where|why|how|who)\s+)?(?:did|does|do|has|have|had|was|were|is|are)\s+"
    r"(?:\S+\s+){1,4}?(?:(?:actually|really|ever|even|also|just|already|first|finally|eventually)\s+)*"
)
_REPORTED = re.compile(rf"{_OWN_VERB}(?:{_REPORTED_VERBS}|{_PLANNING_VERBS})\b")
_REPORTED_ACT = re.compile(rf"\b(?:{_REPORTED_VERBS})\b")  # in a message a follow-up leans on
# The plan's time or its state at the time of the article, asked anywhere in the question.
_OF_THE_PLAN = re.compile(r"\b(?:timeline|schedule|scheduled|supposed|already)\b")
# How a line speaks of something still to come ("would have displaced" is the past).
_STILL_TO_COME = re.compile(
    r"\b(?:will|would|could|might)\b(?!\s+have\b)|['’]ll\b|\bif\b|\bgoing\s+to\b|\bexpect\w*"
    r"|\bplan(?:s|ned|ning)?\b|\bpropos\w*|\bdraft(?:s|ing)?\b|\bset\s+to\b|\bnext\b|\bupcoming\b"
    r"|\bwants?\s+to\b|\bhop(?:e|es|ing)\b",
    re.IGNORECASE,
)
# ... and those that may end their clause, the thing to come left unsaid ("I think we will.").
_ELLIPTIC = re.compile(r"will|would|['’]ll|going\s+to", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;!?,()—–]")
_AGAIN = re.compile(r"\b(?:again|another|second|2nd|next)\b", re.IGNORECASE)
_REPEATED = re.compile(r"\bagain\b", re.IGNORECASE)  # a plan to do it once more, whatever "it" is
# A clause of its own that "again" may belong to, before it: "to …", an -ing form, "he'd …", "whether …".
_COMPLEMENT = re.compile(
    r"\bto\b|\b(?!\w*thing\b)\w{3,}ing\b|['’]d\b|\b(?:would|will|whether|if|about)\b", re.IGNORECASE
)
_OUTCOME_WORD = re.compile(rf"\b(?:{_OUTCOME}|again)\b")
WINDOW = 8  # words after a word of what is to come that may say what is to come (a design choice)


def asks_how_it_turned_out(question: str) -> bool:
    """Whether a question asks whether something happened in the end ("did they end up meeting again")."""
    text = fold(question)
    if _AT_A_LATER_EVENT.search(text):
        return True
    return (
        _ASKS_HOW_IT_TURNED_OUT.search(text) is not None
        and _REPORTED.search(text) is None
        and _OF_THE_PLAN.search(text) is None
    )


def plans(
    line: str,
    asked: frozenset[str],
    stems: Callable[[str], frozenset[str]],
    again: bool,
    asked_again: bool = False,
) -> bool:
    """Whether the line plans or expects what is asked: a word of what is to come followed, in its clause,
    by one of the `asked` stems, or "will" / "would" ending its clause. A plan to do something again
    ("they'll meet again") counts only for a question that asks about it again (`again`); and for a
    question that asks, in its own words, whether something happened "again" (`asked_again`), it is what
    is asked whatever the verb: "did they see each other again?", "did they talk again?" ask how the plan
    to meet again turned out, and the article cannot say whether anything happened again."""
    for found in _STILL_TO_COME.finditer(line):
        rest = line[found.end() :]
        end = _CLAUSE_END.search(rest)
        clause = " ".join((rest[: end.start()] if end else rest).split()[:WINDOW])
        repeats = _REPEATED.search(clause)
        if (repeats or _AGAIN.search(clause)) and not again:
            continue
        if (not clause and _ELLIPTIC.fullmatch(found.group())) or _shares_a_verb(stems(clause), asked):
            return True
        if repeats and asked_again:
            return True  # "did they see each other again?" of "they'll meet again": whatever its verb
    return False


def _shares_a_verb(planned: frozenset[str], asked: frozenset[str]) -> bool:
    """Whether a stem of the plan is one asked, or that stem with one vowel changed, added or dropped: a
    verb's past form that changes its vowel has its own stem ("have they met again since?" of "they'll
    meet again"; "won" and "win", "ran" and "run"). A consonant changed is another word ("like" and
    "live", "seek" and "see": a review found those read as the plan)."""
    return bool(planned & asked) or any(_one_vowel_apart(p, a) for p in planned for a in asked)


_VOWELS = frozenset("aeiouy")


def _one_vowel_apart(a: str, b: str) -> bool:
    """Whether `a` and `b` (three letters or more, the same first letter) differ by one vowel only, and
    not at the end: "hous" (housing) and "house" (the House, kept apart on purpose, bot.core.lexical)
    are two words, "met" and "meet" one."""
    if min(len(a), len(b)) < 3 or a[0] != b[0] or abs(len(a) - len(b)) > 1 or a == b:
        return False
    ops = Levenshtein.editops(a, b)
    if len(ops) != 1:
        return False
    kind, i, j = ops[0]
    if max(i, j) >= min(len(a), len(b)) - (kind == "replace"):
        return False  # at the end
    if kind == "replace":
        return a[i] in _VOWELS and b[j] in _VOWELS
    return (a[i] if kind == "delete" else b[j]) in _VOWELS


def turned_out_unknown(
    question: str,
    line: str,
    stems: Callable[[str], frozenset[str]],
    earlier: Sequence[str] = (),
    people: frozenset[str] = frozenset(),
) -> bool:
    """Whether the question asks how something turned out and the answering line only plans or expects
    it. `stems` gives a text's content stems; `earlier` are the messages a follow-up is read with;
    `people` are the stems of the people the article quotes."""
    if not asks_how_it_turned_out(question):
        return False
    own = stems(question)
    leans = not stems(_OUTCOME_WORD.sub(" ", fold(question))) - people  # no words of its own
    if leans and any(_REPORTED_ACT.search(fold(text)) for text in earlier):
        return False
    asked = own.union(*(stems(text) for text in earlier)) - people
    again = any(_AGAIN.search(text) for text in [question, *earlier])
    # ... and "did that ever happen?" after "will trump see mamdani again?" asks it again too.
    asked_again = _asks_it_again(fold(question)) or (
        leans and any(_REPEATED.search(fold(text)) for text in earlier)
    )
    return plans(line, asked, stems, again, asked_again)


def _asks_it_again(text: str) -> bool:
    """Whether the (folded) question asks whether its own verb's deed happened again: "did they see each
    other again?", not "did trump commit to seeing him again?" nor "did trump sound like he'd see him
    again?", which ask what was said or planned of it (a review found those declined)."""
    again = _REPEATED.search(text)
    return again is not None and _COMPLEMENT.search(text, 0, again.start()) is None
