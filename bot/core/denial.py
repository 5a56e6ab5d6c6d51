"""A line that says the thing asked was not done does not tell what was.

"What did they agree on?" is not answered by "They didn't agree on everything.", however close the two
are in words and vectors: the question asks what was agreed, and the line says only that something was
not. The bold-line model cannot learn this from the training questions (a line denying the very verb a
question asks about is the gold of yes/no questions only: "were they in agreement across the board?"), so
it is read here, narrowly: an open question (what, which, who, whom, where, when) with no negation of its
own, and a line that denies doing one of the question's own words ("didn't agree", "doesn't support",
"never met") without saying it elsewhere ("They didn't agree on ideology—they agreed on outcomes" says
what they did agree on). "Doesn't just ignore" and "didn't only" deny nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.text import fold

# Chat words before the question word ("so what did…", "ok and who…").
_OPENERS = r"(?:(?:so|and|but|ok|okay|also|then|hey|lol|wait|um|hmm)\W+)*"
_OPEN = re.compile(rf"^\W*{_OPENERS}(?:what|which|who|whom|where|when)\b")
_NEGATED = re.compile(r"n't\b|\b(?:not|never|no|nobody|nothing|none|neither|nor)\b")
# An auxiliary "do" or "never" denying the verb after it (an adverb between: "didn't really agree").
_DENIED = re.compile(
    r"\b(?:(?:did|do|does)(?:n't|\s+not)|never)\s+(?:(?:really|actually|even|ever|quite)\s+)?"
    r"(?!(?:just|only|merely|simply)\b)([a-z]+)"
)


def denies_what_is_asked(question: str, line: str, stems: Callable[[str], frozenset[str]]) -> bool:
    """Whether `line` only denies what the open `question` asks about (see the module); `stems` gives a
    text's content-word stems."""
    q = fold(question)
    if not _OPEN.match(q) or _NEGATED.search(q):
        return False
    text = fold(line)
    denied = frozenset().union(*(stems(m.group(1)) for m in _DENIED.finditer(text))) & stems(q)
    if not denied:
        return False
    return not denied & stems(_DENIED.sub(" ", text))
