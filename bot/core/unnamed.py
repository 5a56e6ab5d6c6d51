"""Questions asking for a name that the article does not give.

"Who was the centrist Democrat Mamdani beat?" and "what was the name of the Astoria development?" come
close to the lines that tell of them, "defeating a centrist Democrat in a primary" and "a campaign to
block a luxury development in Astoria"; but the article never names either. Its own words say so: it
brings the thing in with "a" or "an", as one not named. So a question asking for a name ("the name
of…", "what was … called", "…'s name", "who was the…", "which …") is declined when its bold line brings in
what it asks about only that way, or a plural with "some"; its nearest passages are still shown. "Which"
asks which one, which "a …" most often tells ("which co-op did he propose?" of "a municipal energy co-op"):
only "some" leaves it unanswered ("which neighborhoods have the highest rent?" of "In some neighborhoods,
it's $4,200.").

What is asked and what the line brings in are matched by their heads, the last word of each phrase:
"the centrist *democrat* (mamdani beat)" and "a centrist *Democrat* (in a primary)", not "the centrist
democrat's *opponent*"; a shortening not of the article's own words counts ("dem"). The line names it
after all when a name stands beside the phrase ("a federal partnership proposal: a 'New York
Affordability Compact'"), or when the phrase says what someone named is ("Mamdani, who identifies as a
democratic socialist", "he became a national figure", "Trump, a populist Republican president").

"Who was the X from / with / attacking / going to…" asks how X stands to someone, not X's name; "who is
the …" in the present asks which of the two the article speaks of ("who's the president in this
article?"), and is not read. docs/experiments.md has the trials behind each choice.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.lexical import FUNCTION_WORDS
from bot.core.text import AUXILIARY_WORDS, fold

# Read from the folded question. The possessive is read only with "name" in the question, from a word's
# start: tried from every position of a long run of letters, it was quadratic.
_ASKS_A_NAME = re.compile(
    r"\bname\s+of\s+(?P<of>[^?.!,;]+)"
    r"|\bwhat(?:'s|s|\s+is|\s+was|\s+were|\s+are)\s+(?P<called>(?:\S+\s+){1,5}?)(?:called|named)\b"
    r"|(?<![\w'-])(?P<whose>(?:[\w'-]+\s+){0,2}[\w-]+)'s\s+names?\b"
    r"|\bwho\s+(?:was|were)\s+(?P<who>(?:the|a|an|[\w-]+'s)\s+[^?.!,;]+)"
    r"|\bwhich\s+(?P<which>[^?.!,;]+)"
)
# Where the words naming what is asked about end: "the centrist democrat | in the primary".
_PHRASE_ENDS = (
    frozenset(
        "in at on of with for from that who whom which when where and or to by behind during after before "
        "about gonna going be being supposed".split()
    )
    | AUXILIARY_WORDS
)  # "which neighborhoods | have the highest rent"
_PRONOUNS = frozenset("he she they it i you we him her them his their its".split())
_QUESTION_OPENING = frozenset("what whats what's is was".split())
# The last word of a "who was the X …" that asks how X stands to someone: a preposition or a verb in
# -ing ("who was the handwritten letter from?", "who was the rally attacking?").
_RELATION_ENDS = frozenset("from to with by for against about at on of into".split())
_TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
_INDEFINITE = frozenset({"a", "an", "some"})
# ... of which only "some" leaves a "which" unanswered: "which neighborhoods…?" of "In some neighborhoods"
_SOME = frozenset({"some"})
NOUN_PHRASE = 4  # words after "a" / "an" that may still be its noun phrase ("a luxury development")
# Words before "a" that make it say what someone named is ("Mamdani, who identifies as a democratic
# socialist", "He's a danger to America", "he became a national figure"): a description, not a stranger.
_DESCRIBES = frozenset(
    "is was are were be been being became become becomes remains remained as he's she's it's that's who's "
    "he’s she’s it’s that’s who’s".split()
)
# A name put right beside the phrase: "…proposal: a "New York…"", "a developer, Acme,", "a bill called…".
_NAMED_BESIDE = re.compile(
    r"^\s*(?:[,:—–-]\s*(?:(?:a|an|the)\s+)?[\"“‘'A-Z]|[\"“]|(?:called|named|known\s+as)\b)"
)
# ... or one of the people the article quotes just before it: "Trump, a populist Republican president".
_WORD_BEFORE_A_COMMA = re.compile(r"([\w’'-]+)\s*,\s*$")


def _relation(text: str) -> bool:
    """Whether a folded "who was the X …" asks how X stands to someone ("… from?", "… attacking?",
    "… going to displace?")."""
    words = re.findall(r"[\w'-]+", text)
    return bool(words) and (
        words[-1] in _RELATION_ENDS or words[-1].endswith("ing") or " going to " in f" {text} "
    )


def asked_thing(question: str, names: frozenset[str] = frozenset()) -> str | None:
    """The words naming what a question asks the name of ("the astoria luxury development" of "what was
    the name of the astoria luxury development?"), folded, or None if it asks for no name. The words end
    before a word of `_PHRASE_ENDS`, a pronoun or one of the `names` (folded: "the centrist democrat" of
    "who was the centrist democrat mamdani beat?"), and lose words at their end that name nothing
    ("chicago's mayor" of "who was chicago's mayor then")."""
    text = fold(question)
    if "name" not in text and "who" not in text and "called" not in text and "which" not in text:
        return None
    found = _ASKS_A_NAME.search(text)
    if found is None or (found.group("who") is not None and _relation(text)):
        return None
    phrase = next(g for g in found.groups() if g is not None).split()
    while phrase and phrase[0] in _QUESTION_OPENING:
        phrase = phrase[1:]  # "whats the developer's name": the developer
    ends = _PHRASE_ENDS | _PRONOUNS | names
    end = next((n for n, w in enumerate(phrase) if n and w in ends), len(phrase))
    phrase = phrase[:end]
    while len(phrase) > 1 and phrase[-1] in FUNCTION_WORDS:
        phrase.pop()
    return " ".join(phrase) or None


def _same_word(
    line_word: str, head: str, stems: Callable[[str], frozenset[str]], article_word: Callable[[str], bool]
) -> bool:
    """Whether a word of the line is the asked head: the same stem, or the head a shortening of it that
    is no word of the article ("dem" of "Democrat"; not "con", which is Con Edison's)."""
    word = line_word.casefold().removesuffix("’s").removesuffix("'s")
    if stems(word) & stems(head):
        return True
    return 3 <= len(head) < len(word) and word.startswith(head) and not article_word(head)


def _phrase_after(tokens: list[re.Match[str]], start: int) -> list[re.Match[str]]:
    """The noun phrase after the "a" at `start`: its words, to a mark, a function word or a verb in -ed /
    -ing that a function word or a mark follows ("a municipal energy co-op | funded by…"; but "a luxury
    housing development")."""
    phrase: list[re.Match[str]] = []
    window = tokens[start + 1 : start + 1 + NOUN_PHRASE]
    for n, word in enumerate(window):
        text = word.group().casefold()
        if not text[0].isalnum() or (phrase and text in _PHRASE_ENDS):
            break
        after = window[n + 1].group().casefold() if n + 1 < len(window) else ""
        if phrase and text.endswith(("ed", "ing")) and (not after[:1].isalnum() or after in _PHRASE_ENDS):
            break
        phrase.append(word)
    return phrase


def unnamed(
    question: str,
    line: str,
    stems: Callable[[str], frozenset[str]],
    names: frozenset[str] = frozenset(),
    article_word: Callable[[str], bool] = lambda word: False,
) -> bool:
    """Whether the question asks for a name and the line brings in what it asks about only as one not
    named. `stems` gives a text's content stems; `names` are the people the article quotes (folded);
    `article_word` tells the article's own words (a shortening of one of them counts for nothing)."""
    thing = asked_thing(question, names)
    if not thing:
        return False
    # "Which …?" asks which one, and "a …" most often tells ("which co-op did he propose?" of "a
    # municipal energy co-op"); only "some …", a plural left unnamed, does not.
    asked = _ASKS_A_NAME.search(fold(question))
    which = asked is not None and asked.group("which") is not None
    head = thing.split()[-1].removesuffix("'s")
    tokens = list(_TOKEN.finditer(line))
    for i, token in enumerate(tokens):
        if token.group().casefold() not in (_SOME if which else _INDEFINITE):
            continue
        if i and tokens[i - 1].group().casefold() in _DESCRIBES:
            continue  # what someone is, said of them by name
        before = _WORD_BEFORE_A_COMMA.search(line[max(0, token.start() - 40) : token.start()])
        if before and before.group(1).casefold() in names:
            continue  # "Trump, a populist Republican president"
        phrase = _phrase_after(tokens, i)
        if phrase and _same_word(phrase[-1].group(), head, stems, article_word):
            if not _NAMED_BESIDE.match(line[phrase[-1].end() :]):
                return True
    return False
