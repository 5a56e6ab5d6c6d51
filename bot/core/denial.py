"""A line that says the thing asked was not done to the full does not tell what was.

"What did they agree on?" is not answered by "They didn't agree on everything.", however close the two
are in words and vectors: "not on everything" implies they agreed on something, and the question asks
what. The bold-line model cannot learn this from the training questions (a line denying the very verb a
question asks about is the gold of yes/no questions only: "were they in agreement across the board?"), so
it is read here, narrowly:
- the question asks what or which (not "who agreed on everything?", which the denial answers), or
  whether anything was done ("did they agree on anything?", which asks what was), or whether it was done
  to one thing that the line does not name ("did they agree on rent?": not on everything says nothing of
  rent; "did they agree?" it answers; "not", "or not" and "at all" ask the same), as its one question:
  no yes/no clause after it or before it ("when they met, did they agree on everything?"),
  no choice ("everything or only some things?"), no negation of its own ("what didn't they agree on",
  "what did they fail to agree on");
- the line denies, not to the full, one of the question's own words ("didn't agree on everything",
  "didn't always agree", "doesn't support all of it"), and says nothing in its place: a denial
  outright answers a question asked on a wrong premise ("what made mamdani flinch?" of "Mamdani didn't
  flinch."), and "didn't crackle with tension—it hummed with…" or "didn't agree on ideology—they agreed
  on outcomes" say what was so;
- the word denied is the question's own verb ("what did the two men agree on"), not a word further on
  ("what was the extent of their agreement?", which the denial answers);
- the question does not itself ask about the whole ("what did they agree on - everything?", "…across
  the board?").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.text import AUXILIARIES, fold

_APOSTROPHE = "['`´ʼ]"  # fold has made ’ and ‘ plain; these it leaves
_AUXILIARY = rf"(?:{AUXILIARIES})"
# Chat words before the question word, or the question word after a request ("tell me what…").
_OPENERS = r"(?:(?:so|and|but|ok|okay|also|then|hey|hi|yo|lol|wait|um|hmm|well|tell\s+me|on)\W+)*"
# What or which, at most two words (a noun, "exactly") and then an auxiliary: "what did", "which issues
# did", "what exactly were"; or straight after a request ("tell me what they agreed on"); maybe after a
# phrase and a comma ("in the meeting, what did they agree on"), but not after a yes/no question ("did they
# agree, and what…"). The words after it, up to VERB_REACH, must hold the verb denied: it is what the
# question asks about ("what did the two men agree on"), not a word further on ("what was the extent of
# their agreement?", "what did the article say about how far they agreed?").
_WHAT = r"(?:what|wat|wut|which)"
VERB_REACH = 4
_OPEN = re.compile(
    rf"^\W*(?:(?!{_AUXILIARY}\b)[^,?]{{1,40}},\s*)?{_OPENERS}"
    rf"(?:{_WHAT}(?:\s+[\w-]+){{0,2}}?\s+{_AUXILIARY}\b|(?<=me\s){_WHAT}\b)"
    rf"(?P<then>(?:\W+[\w'-]+){{1,{VERB_REACH}}})?"
)
# ... or whether anything was done, which asks what was ("did they agree on anything?"): an auxiliary
# opening it, and "anything", "something" or "any" after the verb.
_OPEN_ANY = re.compile(rf"^\W*{_OPENERS}{_AUXILIARY}\b(?P<then>(?:\W+[\w'-]+){{1,{VERB_REACH}}})")
_ANY = re.compile(r"\b(?:anything|something|any)\b")
# ... or whether it was done to one thing: the word after the verb, maybe after a preposition and a
# determiner ("agree on rent", "agree about the compact", "support the plan"); not a phrase of when or how
# ("agree in the end").
_ONE_THING = re.compile(
    r"\W+(?:(?:on|about|over|upon|with|to|regarding)\W+)?(?:(?:the|a|an|his|her|their|its)\W+)?(?P<thing>[\w'-]+)"
)
# The "not" of a yes/no question, on its auxiliary or after its subject ("didn't they…", "didn they…" as
# the typo repair leaves "didnt", "did they not…", "did trump and mamdani not…"), and words that ask
# nothing more ("or not", "yes or no", "at all").
_NOT_AFTER = re.compile(
    rf"^(\W*{_OPENERS}(?:{_AUXILIARY})(?:(?:\s+[\w-]+){{1,3}}?(?=\s+not\b))?)(?:n{_APOSTROPHE}?t?\b|\s+not\b)"
)
_ASKS_NOTHING_MORE = re.compile(r"\b(?:or\s+not|yes\s+or\s+no|at\s+all)\b")
# Another question beside it: a yes/no clause after a comma, a dash, "and" or a question mark, or a choice.
_ANOTHER = re.compile(rf"(?:[,;?]|\s-+|\band\b)\s*{_AUXILIARY}(?:n{_APOSTROPHE}?t)?\b|\bor\b")
_NEGATED = re.compile(
    rf"\b(?:do|does|did|is|are|was|were|ca|wo|would|could|should|has|have|had|ai)n{_APOSTROPHE}?t\b"
    r"|\b(?:didn|doesn|don|wasn|isn|aren|weren|couldn|wouldn|shouldn|haven|hasn|hadn)\b"
    r"|\b(?:not|never|no|nobody|nothing|none|neither|nor|unable|fail(?:s|ed|ing)?|refus(?:e|es|ed|ing))\b"
)
# The whole, to the full: a partial denial's words ("not on everything", "not always"), and what a question
# asking about the whole says ("across the board", "without exception"), which the denial answers.
_WHOLE = (
    r"(?:everything|everyone|every|each|all|always|altogether|entire|entirely|entirety|whole|wholly|"
    r"wholehearted|wholeheartedly|full|fully|complete|completely|total|totally|unanimous|unanimously|much|"
    r"across\s+the\s+board|without\s+exception)"
)
_WHOLE_WORD = re.compile(rf"\b{_WHOLE}\b")
# A denial and the rest of its clause: "do", "be" or "have" with "not" ("didn't agree on everything",
# "weren't in agreement on everything", "haven't agreed…"), or "never". "Doesn't just ignore" and "didn't
# only…" deny nothing.
_DENIED = re.compile(
    rf"\b(?:(?:did|do|does|was|were|is|are|has|have|had)(?:n{_APOSTROPHE}?t|\s+not)|never)\s+"
    r"(?!(?:just|only|merely|simply)\b)(?P<clause>[a-z][^.;:!?—–(]*)(?P<after>[^.!?]*)"
)
CLAUSE_WORDS = 4  # the denied words: the clause's first few ("always agree on", "in agreement on")
# What the line says in the denial's place, after it in its sentence: a dash, a semicolon, a colon, a
# bracket, "but", "only" ("…everything, only on rent").
_IN_ITS_PLACE = re.compile(r"[—–;:(]|\s-+\s|\bbut\b|\binstead\b|\brather\b|\bonly\b")
FAMILY = 4  # stems of one family share this many first letters, and one is the start of the other


def _related(a: str, b: str) -> bool:
    """Whether two stems are one, or of one family ("agre" and "agreement")."""
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= FAMILY and long.startswith(short))


def denies_what_is_asked(question: str, line: str, stems: Callable[[str], frozenset[str]]) -> bool:
    """Whether `line` only denies, not to the full, what the `question` asks about (see the module);
    `stems` gives a text's content-word stems."""
    q = fold(question)
    opened = _OPEN.match(q)
    if not opened:
        # A yes/no question asks of anything at all, or of one thing the line does not name; asked with
        # "not" or "or not" it asks the same ("didn't they agree on rent?", "did they agree on rent or not?").
        q = _ASKS_NOTHING_MORE.sub(" ", _NOT_AFTER.sub(r"\1", q, count=1))
        opened = _OPEN_ANY.match(q)
    if not opened or _ANOTHER.search(q) or _NEGATED.search(q) or _WHOLE_WORD.search(q):
        return False
    whether = opened.re is _OPEN_ANY and not _ANY.search(q)
    asked = stems(opened.group("then") or "")
    if not asked:
        return False
    # Lower-cased with plain apostrophes, its dashes kept (fold makes them hyphens).
    text = line.replace("’", "'").replace("‘", "'").lower()
    for m in _DENIED.finditer(text):
        clause = m.group("clause")
        denied = stems(" ".join(clause.split()[:CLAUSE_WORDS]))
        if not _WHOLE_WORD.search(clause) or not any(_related(d, a) for d in denied for a in asked):
            continue
        if _IN_ITS_PLACE.search(clause + m.group("after")):
            continue  # "didn't agree on ideology—they agreed on outcomes" says what they did
        verb = frozenset(a for a in asked if any(_related(d, a) for d in denied))
        if whether and not _of_one_thing(q, verb, stems(line), stems):
            continue  # "did they agree?" the denial answers
        return True
    return False


def _of_one_thing(
    question: str, asked: frozenset[str], named: frozenset[str], stems: Callable[[str], frozenset[str]]
) -> bool:
    """Whether the yes/no `question` asks if its verb (of the `asked` stems) was done to one thing whose
    stems are not among the line's (`named`): "did they agree on rent?" of "They didn't agree on
    everything."."""
    for word in re.finditer(r"[\w'-]+", question):
        if stems(word.group()) & asked:
            thing = _ONE_THING.match(question, word.end())
            return thing is not None and bool(stems(thing.group("thing")) - named)
    return False
