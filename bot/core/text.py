"""Text normalisation shared by gold matching, lexical search, and cleaning questions and quotes."""

from __future__ import annotations

import difflib
import re
import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "\u00a0": " "})
_SPACE = re.compile(r"\s+")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")


def fold(text: str) -> str:
    """Lower-case, straight quotes, plain dashes, single spaces: for comparing text."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return _SPACE.sub(" ", text).strip()


def fold_for_search(text: str) -> str:
    """`fold`, and thousands separators dropped so "$3,500" and "3500" match."""
    return _DIGIT_COMMA.sub("", fold(text))


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` once quotes, dashes, case and spaces are folded."""
    return fold(needle) in fold(haystack)


def cut_at_word(text: str, limit: int, floor: int | None = None) -> str:
    """At most `limit` characters, cut at the last space if one lies past `floor` (default limit // 2)."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if text[limit].isspace():
        return cut.rstrip()  # the limit falls between words: the last word is whole
    space = cut.rfind(" ")
    if space > (limit // 2 if floor is None else floor):
        cut = cut[:space]
    return cut.rstrip()


def shares_run(a: str, b: str, share: float) -> bool:
    """Whether folded `a` and `b` share one contiguous run of at least `share` of the shorter one."""
    x, y = fold(a), fold(b)
    if not x or not y:
        return False
    match = difflib.SequenceMatcher(None, x, y, autojunk=False).find_longest_match()
    return match.size >= share * min(len(x), len(y))


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogates(text: str) -> bool:
    """Whether the text holds lone surrogates: what undecodable bytes become (surrogateescape), or what a
    JSON "\\udcff" escape gives. No tokenizer can read them."""
    return _SURROGATE.search(text) is not None


# Control characters (C0 and C1, but tab and line feed), and the bidirectional controls that could make a
# question (a thread name, an embed title) or a quote display as something else (U+202E shows the text
# after it reversed).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Characters that show as nothing though Unicode counts them as letters, marks or symbols: the combining
# grapheme joiner, the Hangul fillers and the blank Braille pattern.
_BLANK = frozenset(
    "\u034f\u115f\u1160\u3164\uffa0\u2800"
    # ... and the other default-ignorable marks: variation selectors, Mongolian free variation selectors,
    # the Khmer inherent vowels.
    "\u17b4\u17b5\u180b\u180c\u180d\u180f"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
# Line and paragraph separators read as the line break they are.
_LINE_BREAKS = frozenset("\u2028\u2029")
# White space written as a control character, which reads as a space (a line feed stays a line break).
_SPACE_CONTROLS = frozenset("\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85")
# Terminal escape sequences: CSI (ESC [ or U+009B, parameters, a final byte), OSC (ESC ] or U+009D, up to
# BEL or ST) and two-byte ESC sequences.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[@-Z\\-_]"
)


def replace_controls(text: str) -> str:
    """Control and bidirectional-control characters replaced by spaces (text that shows as it reads)."""
    return _CONTROL.sub(" ", text)


def is_invisible(char: str) -> bool:
    """Spaces, format characters (zero-width spaces and joiners, word joiners, BOMs, soft hyphens,
    bidirectional controls) and blank letters."""
    return char.isspace() or unicodedata.category(char) == "Cf" or char in _BLANK


def _drops(char: str) -> bool:
    """A character that shows nothing, or that a terminal or a renderer would act on: format characters
    (category Cf), blank letters and controls."""
    return unicodedata.category(char) in ("Cf", "Cc") or char in _BLANK


def remove_invisible(text: str) -> str:
    """Text with format characters (Cf: zero-width spaces and joiners, soft hyphens, BOMs, bidirectional
    overrides), blank letters and control characters (C0, C1: ESC of a terminal sequence) removed, so a
    word they sit inside reads as one word; white space written as a control (tab, carriage return) is a
    space, and a line feed stays."""
    if not any(_drops(c) or c in _LINE_BREAKS for c in text):
        return text
    text = _ESCAPE.sub("", text)  # a whole terminal sequence (colour, window title), not only its ESC
    return "".join(
        " " if c in _SPACE_CONTROLS else "\n" if c in _LINE_BREAKS else c
        for c in text
        if c == "\n" or c in _SPACE_CONTROLS or c in _LINE_BREAKS or not _drops(c)
    )
