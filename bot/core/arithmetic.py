"""Sums: a message that only asks to work something out ("what's 5 times 7", "3500 / 2?").

The article works out no sum, so such a message is declined before retrieval rather than matched to a
passage that happens to hold the same numbers ("what is 3500 divided by 2" used to get the median rent).
A message counts only when, with its asking words ("what is", "calculate", "equal") taken off, every word
left is a number or an operator, and Python's own parser (`ast`) reads them as numbers joined by at least
one operator. Nothing is evaluated. Given what the article's words are, any other word that is not one of
them (chat: "lol", "pls", "in the piece", an emoji) is taken off too: only a word of the article can make
the numbers its own ("3500 times 12 for the rent"). An equation is homework of the same kind ("solve
x^2=4", "2x + 3 = 7"): one "=" with something on each side, numbers, operators and one-letter unknowns.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Callable

# Longer than this is no sum anyone types; the parser is never handed a long or deeply nested text.
MAX_CHARS = 120
MAX_DEPTH = 8

# Operator words and signs, as the parser's operators. Order matters: longer phrases first.
_OPERATORS = (
    (re.compile(r"\bsquare root of\s+(\S+)"), r" ( \1 ) ** 0.5 "),
    (re.compile(r"\bto the power of\b|\^|\*\*"), " ** "),
    (re.compile(r"\bsquared\b"), " ** 2 "),
    (re.compile(r"\bcubed\b"), " ** 3 "),
    (re.compile(r"\bdoubled\b"), " * 2 "),
    (re.compile(r"\btripled\b"), " * 3 "),
    (re.compile(r"\bhalved\b"), " / 2 "),
    (re.compile(r"\bmultiplied by\b|\btimes\b|×|(?<=[\d)])\s*[x*]\s*(?=[\d(])|\s\*\s"), " * "),
    (re.compile(r"\bdivided by\b|\bover\b|÷|/"), " / "),
    (re.compile(r"\bplus\b|\badded to\b|\+"), " + "),
    (re.compile(r"\bminus\b|\bless\b|−|(?<=[\d)])-(?=[\d$(])"), " - "),
    (re.compile(r"\bpercent of\b|%\s*of\b"), " / 100 * "),
    (re.compile(r"\bmod(?:ulo)?\b"), " % "),
    (re.compile(r"([()])"), r" \1 "),
)
# Slashes that write a date, not a division ("11/21", "9/11", "11 / 21 / 2025").
_NOT_A_SUM = re.compile(r"(?<![\d/.])[0-3]?\d/[0-3]?\d(?![\d/.])|\d\s*/\s*\d+\s*/\s*\d")
# A hyphen between two numbers: a range when the first is no larger ("$3,500 - $4,200", "2021-2023"), a
# subtraction when it is ("4200 - 3500", "2026-2025").
_HYPHENATED = re.compile(r"(?<![\d.,])\$?(\d[\d,]*(?:\.\d+)?)\s*-\s*\$?(\d[\d,]*(?:\.\d+)?)")
_SIGNS = {"+", "-", "*", "/", "**", "%", "(", ")"}
# A smiley standing alone (":)", ";-(", ":P"): chat, whose brackets are no parentheses.
_SMILEY = re.compile(r"(?<!\S)[:;][-'^o]?[()\[\]dpo3/\\|*]+(?!\S)")
# Words that only ask, chat around the asking, or point at the article, which holds no sum either ("what's
# 5 times 7 in the article"): dropped wherever they stand.
_ASKING = frozenset(
    "what what's whats is are does do how much many calculate compute work out solve evaluate please pls "
    "find tell me can could you the answer result value of equal equals make makes give gives = hey quick "
    "question ok so lol lmao haha rofl bro yo plz thanks thx hi hello real in according to article story "
    "this".split()
)
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
} | {w: str(10 * i) for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)}
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.operator, ast.unaryop)
# An equation ("solve x^2=4", "2x + 3 = 7"): the same, with one "=" and one-letter unknowns.
_EQUATION = (*_ALLOWED, ast.Compare, ast.Eq, ast.Name, ast.Load)
_BOTH_SIDES = re.compile(r"[\w)]\s*=\s*[\w(-]")  # "x^2=4", not "5 times 7 = ?"
_UNKNOWN = re.compile(r"[b-hj-z]")  # a letter standing alone, but not "a" or "i"
_BRACKETED = re.compile(r"([\d)]|\b[b-hj-z])\s*\(")  # a number, a bracket or an unknown before "("
_SOUGHT = re.compile(r"\b(?:find|for)\s+[b-hj-z]\b\s*[:,]?")
_UNKNOWN_MINUS = re.compile(r"(?<=\b[b-hj-z])\s*-\s*(?=[\d(]|\b[b-hj-z]\b)")
_COEFFICIENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)([b-hj-z])\b")  # "2x": 2 * x


def is_sum(text: str, article_word: Callable[[str], bool] | None = None) -> bool:
    """Whether the message only asks to work out a sum of numbers; with `article_word`, words that are
    not the article's count as chat around the sum."""
    text = text.casefold().replace("’", "'").strip().rstrip("?!.= ")
    if len(text) > MAX_CHARS or not any(c.isdigit() for c in text) and not _has_number_word(text):
        return False
    # Digits of any script as ASCII ("５ times ７"): Python's parser reads only ASCII numbers.
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    text = _SMILEY.sub(" ", text)
    equation = text.count("=") == 1 and _BOTH_SIDES.search(text) is not None
    if _NOT_A_SUM.search(text):
        return False
    # A hyphen between a smaller number and a larger is a range ("2021-2023"), but not in an equation
    # ("x^2 - 4 = 0").
    if not equation and any(_number(a) <= _number(b) for a, b in _HYPHENATED.findall(text)):
        return False
    if equation:
        text = _COEFFICIENT.sub(r"\1 * \2", text.replace("=", " = "))
        text = _BRACKETED.sub(r"\1 * (", text)  # "2(x+1)": 2 * (x + 1)
        text = _UNKNOWN_MINUS.sub(" - ", text)  # "x-2": x - 2
        text = _SOUGHT.sub(" ", text)  # "find x:", "solve for y,": which unknown is asked for
    for pattern, sign in _OPERATORS:
        text = pattern.sub(sign, text)
    kept = []
    for token in text.split():
        token = token.strip("\"'“”‘’,;:!?").removeprefix("$").rstrip(".")
        if token in _SIGNS:
            kept.append(token)
        elif equation and (token == "=" or _UNKNOWN.fullmatch(token)):
            kept.append("==" if token == "=" else token)
        elif _NUMBER.fullmatch(token):
            kept.append(token.replace(",", ""))
        elif token in _NUMBER_WORDS:
            kept.append(_NUMBER_WORDS[token])
        elif token in _ASKING or not any(c.isalnum() for c in token):
            continue  # asking words, and marks or emoji ("?", ":)")
        elif article_word is None or article_word(token):
            return False
    if kept.count("(") > MAX_DEPTH:
        return False
    try:
        tree = ast.parse(" ".join(kept), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    nodes = list(ast.walk(tree))
    if equation and any(isinstance(n, ast.Compare) for n in nodes):
        # Both sides of the "=" are numbers, unknowns and operators, and an unknown is in it.
        return all(isinstance(n, _EQUATION) for n in nodes) and any(isinstance(n, ast.Name) for n in nodes)
    return all(isinstance(n, _ALLOWED) for n in nodes) and any(isinstance(n, ast.BinOp) for n in nodes)


def _number(written: str) -> float:
    return float(written.replace(",", "") or 0)


def _has_number_word(text: str) -> bool:
    return any(w in _NUMBER_WORDS for w in re.findall(r"[a-z]+", text))
