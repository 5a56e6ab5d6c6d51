"""Text normalisation shared by gold matching, lexical search and question cleaning."""

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
