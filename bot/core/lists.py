"""Lists in the article: a line that ends its paragraph with a colon ("But both zeroed in on three concrete
issues:") and the paragraphs after it in its section or FAQ answer, its items. A question answered by the
line is answered by the whole list; one about the list as a whole whose best passage is an item is shown
the other items after it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.chunking import Chunk, Sentence
from bot.core.highlight import paragraph_of
from bot.core.lexical import FUNCTION_WORDS
from bot.core.text import WORD_OF_LETTERS, fold

# Digits a question may count with where the article spells the number ("what 3 things"): "three".
_NUMBER_WORDS = dict(
    zip("2 3 4 5 6 7 8 9 10".split(), "two three four five six seven eight nine ten".split(), strict=True)
)
_DIGITS = re.compile(r"\b(?:[2-9]|10)\b")
# Ordinals a question may pick an item by ("what was the third issue", "the 2nd one"): item number, from 1;
# "last" and "final" are the last item (-1).
_SPELLED = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
_SUFFIXES = ("st", "nd", "rd", *["th"] * 7)
_ORDINALS = {
    **{w: n for n, w in enumerate(_SPELLED, 1)},
    **{f"{n}{suffix}": n for n, suffix in enumerate(_SUFFIXES, 1)},
    "last": -1,
    "final": -1,
}
# An ordinal and the word it counts, if any: "third issue", "2nd of the three issues", "second one".
_ORDINAL = re.compile(
    r"\b(?P<ordinal>" + "|".join(_ORDINALS) + r")\b"
    r"(?:\s+(?:of\s+(?:the\s+)?(?:[^\W\d_]+\s+)?)?(?P<counted>[^\W\d_]+))?",
    re.IGNORECASE,
)
_ONE = frozenset({"one", "ones"})
# Words by which an ordinal picks no item: a count after it ("the first three issues", "the last 2"), an
# item's neighbour or what is left out ("what came after the first issue", "the issues other than the
# third"), and a negation ("the first issue they didn't agree on").
_NOT_A_PICK = re.compile(
    rf"\b(?:{'|'.join(_ORDINALS)})\s+(?:\d+|{'|'.join(_NUMBER_WORDS.values())})\b"
    r"|\b(?:after|before|follow\w*|preced\w*|next|except|besides|other|apart|not|never|no|without)\b|n[’']t\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Introduction:
    """A line introducing a list: the chunk that holds it, the line, the chunk opening each item, and the
    line's stems that no item has ("three", "concret", "issu")."""

    chunk: Chunk
    line: Sentence
    items: tuple[Chunk, ...]
    line_own: frozenset[str]


@dataclass(frozen=True)
class _Item:
    """An item of a list: its introduction, the stems only this item has among the list's items, and the
    words of the introducing line that no item has ("three", "issues")."""

    intro: Introduction
    own: frozenset[str]
    of_the_list: frozenset[str]


class Lists:
    """The article's lists, found once from its chunks."""

    def __init__(self, chunks: Sequence[Chunk], stems: Callable[[str], frozenset[str]]) -> None:
        self._stems = stems
        self._paragraph_end: dict[tuple, int] = {}
        self._opening: dict[tuple, Chunk] = {}
        # Each paragraph's chunk texts (they overlap; sets of words don't mind).
        texts: dict[tuple, list[str]] = {}
        for c in chunks:
            key = paragraph_of(c)
            self._paragraph_end[key] = max(self._paragraph_end.get(key, c.end), c.end)
            if key not in self._opening or c.start < self._opening[key].start:
                self._opening[key] = c
            texts.setdefault(key, []).append(c.text)
        # Per item paragraph, its list and what sets it apart (the first chunk holding a list's line).
        self._item_of: dict[tuple, _Item] = {}
        # Per paragraph holding a list's line, that list.
        self._intro_in: dict[tuple, Introduction] = {}
        for c in chunks:
            line = c.sentences[-1] if c.sentences else None
            items = tuple(self.introduced(c, line))
            if line is None or not items or paragraph_of(items[0]) in self._item_of:
                continue
            written = [" ".join(texts[paragraph_of(i)]) for i in items]
            item_stems = [stems(t) for t in written]
            intro = Introduction(c, line, items, stems(line.text) - frozenset().union(*item_stems))
            self._intro_in.setdefault(paragraph_of(c), intro)
            # Words as written, so that "the issues" asks for the list and "the electricity issue" one item.
            of_the_list = _words(line.text) - _words(" ".join(written))
            for item, own in zip(items, item_stems, strict=True):
                others = frozenset().union(*(s for s in item_stems if s is not own))
                self._item_of[paragraph_of(item)] = _Item(intro, own - others, of_the_list)

    def introduced(self, chunk: Chunk, line: Sentence | None) -> list[Chunk]:
        """The paragraphs that a bold line ending its paragraph with a colon introduces ("But both zeroed
        in on three concrete issues:", then the three items of the list): the opening chunk of each
        paragraph after it in its section (or FAQ answer); none for any other line."""
        if line is None or not line.text.rstrip().endswith(":"):
            return []
        if line.end < self._paragraph_end[paragraph_of(chunk)]:
            return []  # "His slogan:" inside a paragraph introduces what follows in it
        doc, section, number, question = paragraph_of(chunk)
        found = []
        while (opening := self._opening.get((doc, section, number + 1, question))) is not None:
            found.append(opening)
            number += 1
        return found

    def asked_item(self, question: str, chunk: Chunk, before: Sequence[str] = ()) -> Chunk | None:
        """The item a question picks by its place in the list that `chunk` belongs to (an item of it or the
        chunk with its introducing line): one ordinal that counts a thing of the introducing line that no
        item has ("the third issue", "the 2nd of the three issues", "the last concrete issue"), or, after a
        message `before` that named one, a bare ordinal ("and the third?", "what was the second one").
        None for an ordinal of anything else ("first of all", "their first meeting", "which issue did they
        discuss first", "what did trump first suggest on the energy issue"), and for a place the list
        lacks."""
        item = self._item_of.get(paragraph_of(chunk))
        intro = item.intro if item is not None else self._intro_in.get(paragraph_of(chunk))
        found = list(_ORDINAL.finditer(question))
        if intro is None or len(found) != 1 or _NOT_A_PICK.search(question):
            return None  # no list, no ordinal, several ("the first and third issues"), or no pick (above)
        line = intro.line_own
        ordinal, counted = found[0], found[0].group("counted")
        if counted is None or counted.casefold() in _ONE:
            rest = question[: ordinal.start()] + question[ordinal.end() :]
            if self._stems(rest) or not any(self._stems(t) & line for t in before):
                return None  # "which issue did they discuss first", or no list named before
        elif not self._stems(counted) & line:
            return None  # "their first meeting"
        place = _ORDINALS[ordinal.group("ordinal").casefold()]
        if place == -1:
            return intro.items[-1]
        return intro.items[place - 1] if place <= len(intro.items) else None

    def asked_whole(self, question: str, chunk: Chunk) -> Introduction | None:
        """The list that `chunk` is an item of, when the question asks about the list rather than this item:
        it names something of the introducing line that no item has ("the three issues", "what 3 things")
        and nothing that sets this item apart from the others ("what was the energy issue" asks the item).
        """
        item = self._item_of.get(paragraph_of(chunk))
        if item is None:
            return None
        question = _DIGITS.sub(lambda m: _NUMBER_WORDS[m.group()], question)
        if self._stems(question) & item.own:
            return None  # "what was the energy issue": this item's own
        return item.intro if _words(question) & item.of_the_list else None


def _words(text: str) -> frozenset[str]:
    """The folded words of a text, function words left out."""
    return frozenset(w for w in WORD_OF_LETTERS.findall(fold(text)) if w not in FUNCTION_WORDS)
