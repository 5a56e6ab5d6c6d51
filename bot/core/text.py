"""Text normalisation shared by gold matching, lexical search, and cleaning questions and quotes."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Sequence

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-", "\u00a0": " "})
_SPACE = re.compile(r"\s+")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")
LETTER_OR_DIGIT = re.compile(r"[^\W_]")  # a message or a file's question without one has no words
WORD_OF_LETTERS = re.compile(r"[^\W\d_]+")  # a word in any script, without digits
WORD = re.compile(r"[^\W_]+")  # a word in any script, digits too
MONTHS = tuple(
    "january february march april may june july august september october november december".split()
)
# The auxiliaries a yes/no question opens with or a clause turns on ("did they…", "is it…"), as the
# alternatives of a regular expression.
AUXILIARIES = r"did|does|do|is|are|was|were|has|have|had|will|would|can|could|should"
AUXILIARY_WORDS = frozenset(AUXILIARIES.split("|"))  # ... as words


def fold(text: str) -> str:
    """Lower-case, straight quotes, plain dashes, single spaces: for comparing text."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return _SPACE.sub(" ", text).strip()


def longest_names(
    words: Sequence[str],
    names: Collection[str],
    longest: int,
    shortest: int = 1,
    opens: Callable[[str], bool] = bool,
) -> Iterator[tuple[int, int]]:
    """(first, end) of each name of `shortest` to `longest` words in `words`, left to right, the longest at
    each word and none overlapping ("New York City" once, not "York" inside it), its first word one that
    `opens` one; a run is compared folded and single-spaced, as the names are written."""
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i) if opens(words[i]) else 0, shortest - 1, -1):
            if fold(" ".join(words[i : i + n])) in names:
                yield i, i + n
                i += n
                break
        else:
            i += 1


def fold_for_search(text: str) -> str:
    """`fold`, and thousands separators dropped so "$3,500" and "3500" match."""
    return _DIGIT_COMMA.sub("", fold(text))


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` once quotes, dashes, case and spaces are folded."""
    return fold(needle) in fold(haystack)


_ZWJ = "\u200d"


def _joins_the_one_before(char: str) -> bool:
    """Whether a character is shown as part of the one before it: a combining mark (an accent), a joiner,
    a variation selector, an emoji's skin tone or a flag's tag letter."""
    code = ord(char)
    return (
        unicodedata.combining(char) > 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")  # Mc: a vowel sign (कि)
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def _regional(char: str) -> bool:
    """A regional indicator letter: two of them are one flag."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def whole_characters(text: str, limit: int) -> int:
    """The longest cut of `text` at most `limit` code points long that splits no character as shown: not
    an accent from its letter, nor an emoji sequence joined by ZWJ, nor a flag's two letters (a trial's
    thread names ended in a stray joiner or half a flag)."""
    cut = min(limit, len(text))
    while 0 < cut < len(text) and (_joins_the_one_before(text[cut]) or text[cut - 1] == _ZWJ):
        cut -= 1
    if 0 < cut < len(text) and _regional(text[cut]) and _regional(text[cut - 1]):
        run = 0
        while run < cut and _regional(text[cut - 1 - run]):
            run += 1
        cut -= run % 2  # an odd run before the cut: its last letter is half of the flag the cut splits
    return cut or min(limit, len(text))  # one character longer than the limit: cut inside, never emptied


def cut_at_word(text: str, limit: int, floor: int | None = None) -> str:
    """At most `limit` characters, cut at the last space if one lies past `floor` (default limit // 2),
    else between whole characters as shown (`whole_characters`)."""
    if len(text) <= limit:
        return text
    cut = text[: whole_characters(text, limit)]
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


# Control characters (C0 and C1, but tab and line feed) and the line and paragraph separators. The
# bidirectional controls, which could make a question (a thread name, an embed title) or a quote display
# as something else (U+202E shows the text after it reversed), are format characters: every cleaning
# removes them after this (`remove_invisible`, `remove_invisible_in_words`), so that one pasted inside a
# word leaves it whole, as a zero-width space does (a trial: "con edi\u200eson" was two words).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
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
# Terminal escape sequences removed whole: CSI (ESC [ or U+009B, parameters, a final byte) and the string
# sequences OSC, DCS, SOS, PM and APC (ESC ] P X ^ _ or U+009D 0090 0098 009E 009F) up to their terminator
# (BEL or ST). A string opener with no terminator is only a control character, replaced like any other:
# U+009D also comes from a right quote decoded in the wrong encoding, and what follows it is text. Nor is
# a two-byte ESC sequence taken whole: ESC H would take the H of "How" with it, and once ESC is gone the
# letter after it does nothing in a terminal. A string also ends at the next opener, so that each opener
# looks ahead only that far: a text of many unterminated openers is read in linear time, not quadratic.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c\x9d\x90\x98\x9e\x9f]*(?:\x07|\x1b\\|\x9c)"
)


def replace_controls(text: str) -> str:
    """Terminal escape sequences removed whole (a colour code leaves no "[31m" behind), a carriage return
    read as the line break it is ("\r\n", or alone as old Macs and some terminals send it), and other
    control characters and the line and paragraph separators replaced by spaces. Bidirectional controls
    stay for `remove_invisible` or `remove_invisible_in_words`, which every caller applies next."""
    return _CONTROL.sub(" ", _ESCAPE.sub("", text).replace("\r\n", "\n").replace("\r", "\n"))


# Chat markup that is no part of a question: user, role, channel and slash-command mentions, custom emoji,
# timestamps, @everyone and @here (not inside an address such as me@everyone.com), and the address (and
# title) of a masked link, whose text stays. Neither takes a spoiler's "||" with it: Discord's client reads
# "||Mamdani [x](https://a.b/||)" as a spoiler that ends in the address, which must stay hidden (a review).
_MENTION = re.compile(
    r"<(?:@[!&]?|#)\d+>|</[^<>:\s|][^<>:|]*:\d+>|<a?:\w+:\d+>|<t:-?\d+(?::[tTdDfFR])?>"
    r"|(?<![\w@.])@(?:everyone|here)(?![\w@.-])"
)
_MASKED_LINK = re.compile(
    r"\[([^\[\]]*)\]\(\s*<?[a-z][a-z0-9+.-]*:(?:[^()\s|]|\|(?!\|)|\([^()\s|]*\))*>?(?:\s+\"[^\"]*\")?\s*\)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t]{2,}")
# A code span with nothing in it, as a mention in one leaves it ("`@everyone` what is the slogan").
_EMPTY_CODE = re.compile(r"(?<!`)(`{1,3})[ \t\n]*\1(?!`)")


def remove_chat_markup(text: str) -> str:
    """Mentions removed and masked links cut to their text: "<@123> when was it? [x](http://a.b)" is a
    question about the meeting and "x", not about user 123 or a web address. Code spans left empty go
    too, and runs of spaces left by what was removed are one space."""
    text = _EMPTY_CODE.sub(" ", _MENTION.sub(" ", _MASKED_LINK.sub(r"\1", text)))
    return _SPACES.sub(" ", text)


# Letters typed in compatibility forms are those letters: full-width (ｗｈｅｎ), small (﹫), the styles
# that text generators take from the mathematical and letter-like symbols (𝐰𝐡𝐞𝐧, 𝑤ℎ𝑒𝑛, ℍ𝕠𝕨), circled and
# squared letters (ⓦ, 🅆), raised letters (ʷʰᵉⁿ) and Latin ligatures (ﬁ). Only these blocks: NFKC
# everywhere would also turn Korean "ㅋ" into a combining letter, "½" into "1⁄2" and one Arabic ligature
# into 18 letters. (Small capitals such as ᴡʜᴇɴ have no compatibility form and stay as typed.)
_COMPATIBLE = re.compile(
    "[\u02b0-\u02b8\u1d2c-\u1d6a\u2070-\u209f\u2100-\u214f\u2460-\u24ff\ufb00-\ufb06\ufe50-\ufe6f\uff01-\uff5e"
    "\U0001d400-\U0001d7ff\U0001f130-\U0001f189]+"
)
# Runs of the generic combining marks (not a script's own vowel points or accents, which are spelling):
# strikethrough overlays are decoration, and so is a stack of three or more (zalgo text).
_MARK = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_MARKS = re.compile(f"[{_MARK}]+")
_OVERLAYS = re.compile("[\u0334-\u0338]")
MAX_MARKS = 2
# A mark left on a plain Latin letter once the text is composed (NFC): no language written in Latin letters
# leaves more than the odd one, since its accented letters have composed forms ("é", "ặ"); a light zalgo
# ("w̞h͋eͅn̐", one mark a letter) leaves one on most letters, and the words fall apart at each.
_LEFT_MARK = re.compile(f"[A-Za-z][{_MARK}]+")
MAX_LEFT_MARKS = 2
_MARKED_WORD = re.compile(f"(?:[^\\W\\d_][{_MARK}]*)+")  # a word with the marks on its letters


def plain_letters(text: str) -> str:
    """Letters as the letters they are: compatibility forms normalised, decorating marks off
    ("ｗｈｅｎ", "w̶h̶e̶n̶" and a zalgo "when", heavy or light, all read "when"). Linear; at most three
    times as long ("⒜" is "(a)"), which is why questions are read so before they are cut to length."""
    text = _COMPATIBLE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = _MARKS.sub(lambda m: "" if len(m.group()) > MAX_MARKS else _OVERLAYS.sub("", m.group()), text)
    composed = unicodedata.normalize("NFC", text)
    if len(_LEFT_MARK.findall(composed)) <= MAX_LEFT_MARKS:
        return text
    # Decorated: every mark off the words that carry such a mark ("t͐h͊ëy͍" is "they"); the other words
    # keep theirs, so a decorated name in a Vietnamese question keeps the question's accents.
    return _MARKED_WORD.sub(_undecorated, composed)


def _undecorated(m: re.Match[str]) -> str:
    """A word without its marks when one of them is left on a plain Latin letter, else as it is."""
    word = m.group()
    if not _LEFT_MARK.search(word):
        return word
    return unicodedata.normalize("NFC", _MARKS.sub("", unicodedata.normalize("NFD", word)))


# Discord's emphasis (**bold**, *italic*, __underline__, _italic_, ~~strike~~, ||spoiler||, `code`) opens
# a word, after a space or an opening bracket or quote, and closes one: "5*7*2", "(2)*(3)" and
# "__init__.py" are not emphasis, nor is a marked run without a letter ("2 *3* 4"). Bounded, so that a
# run of markers costs little.
_EMPHASIS = re.compile(
    r"(?<![^\s(\[\"'“‘])(\*\*|\*|__|_|~~|\|\||```|``|`)(?=\S)([^\n]{1,300}?)(?<=\S)\1(?![\w*_~|`]|\.\w)"
)
# A spoiler as Discord's client reads it: "||", anything (spaces at its edges, new lines), "||". Wider than
# emphasis: what is hidden must never be shown, while emphasis only has to come off the words.
_SPOILER = re.compile(r"\|\|([\s\S]+?)\|\|")
SPOILER = "||"
HIDDEN = "▒▒▒"  # what is shown of a spoiler where others would see it (a title, a thread's name, a report)
# Where a spoiler's words are held while the marks around them come off (`said_markup`).
_HELD_OPEN, _HELD_CLOSE = "\ue000", "\ue001"
_HELD = re.compile(r"\ue000(\d+)x\ue001")
_HELD_PART = re.compile(r"\ue000\d*x?|\ue001")
# A line's block-quote, heading or subtext mark ("> ", "## ", "-# ") before a word ("> 100 people" is
# no quote) or a spoiler held by `said_markup`, and a line that only opens or closes a code block.
_LINE_MARK = re.compile(r"^[ \t]*(?:>{1,3}|#{1,3}|-#)[ \t]+(?=[^\W\d_]|\ue000)", re.MULTILINE)
_FENCE = re.compile(r"^[ \t]*```[\w+-]*[ \t]*$", re.MULTILINE)
# Web addresses, invites and e-mail addresses: what a question is about is in its words, and a host name
# or an address is a word the article does not have, which reads as a question it cannot answer.
# A scheme and an e-mail address are tried only where a run of their characters starts, so that
# "a.a.a.…" is read once, not once from each of its words. A host name without a scheme or "www."
# ("evil.com/login") stays: told from words run together ("housing.rent/price caps") it is not.
_ADDRESS = re.compile(
    r"[ \t]*(?:<?(?:(?<![\w+.-])[a-z][a-z0-9+.-]*://|\bwww\.|\bdiscord\.gg/)[^\s<>]+>?"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)",
    re.IGNORECASE,
)
_TRAILING = ".,!?;:)'\"”’>"


def plain_markup(text: str) -> str:
    """Discord's markup off (emphasis, block-quote, heading and subtext marks, code fences), and web and
    e-mail addresses out, unless the message is nothing else: "https://example.org/a when did they
    meet?" asks "when did they meet?"."""
    text = _FENCE.sub("", text)
    for _ in range(3):  # nested emphasis: ***bold italic***, ||**both**||
        text = _EMPHASIS.sub(_unemphasised, text)
    if SPOILER in text:  # a spoiler emphasis does not take: "|| obama ||", "||obama\n||" (a review)
        text = _SPACES.sub(" ", _SPOILER.sub(_unspoiled, text))
    text = _LINE_MARK.sub("", text)
    without = _without_addresses(text)
    return without if any(c.isalnum() for c in without) else text


def said_markup(text: str, cut: bool = False) -> str:
    """The text as `plain_markup` reads it, but each spoiler kept between "||" marks (its words lose their
    other marks; one that hid nothing left is dropped): what may be shown of a message, through
    `hide_spoilers`. `cut`: the text was cut short, so a spoiler left open hides the rest."""
    hidden: list[str] = []

    def held(words: str) -> str:
        inner = plain_markup(words).strip()
        if not any(c.isalnum() for c in inner):
            return " "
        hidden.append(inner)
        # A word in the spoiler's place while the marks around it come off ("**||who|| met**").
        return f"{_HELD_OPEN}{len(hidden) - 1}x{_HELD_CLOSE}"

    text = text.replace(_HELD_OPEN, "").replace(_HELD_CLOSE, "")
    text = _SPOILER.sub(lambda m: held(m.group(1)), text)
    if cut and SPOILER in text:  # opened before the cut and closed after it: the rest is hidden
        at = text.index(SPOILER)
        text = text[:at] + held(text[at + len(SPOILER) :])
    text = plain_markup(text)
    text = _HELD.sub(lambda m: f"{SPOILER}{hidden[int(m.group(1))]}{SPOILER}", text)
    # A held place that an address took with it is gone, as are its words.
    return _SPACES.sub(" ", _HELD_PART.sub("", text)).strip()


def hidden_words(typed: str) -> frozenset[str]:
    """The words (casefolded) that a message shows only inside spoilers, read off the message as typed, as
    Discord's client reads it: whatever cleaning takes out later (an escape sequence ending in "|", a
    masked link's title, a mention) cannot make them shown (`keep_hidden`).

    What is shown is read off the text as typed only: pipes in a code span are no marks ("`||` what did
    ||x|| say" hides x), and a masked link's address or title, a mention and a custom emoji's name are
    not shown. The text as cleaned (its letters read as letters, format characters out of words: "ｘ"
    shown as "x") may only add words hidden, never show one: "｜｜" and "|\u200b|" are two pipes shown,
    not a spoiler's marks, though cleaning makes them "||" (a second review)."""
    if not has_spoiler(typed):
        return frozenset()
    view = _CODE_SPAN.sub(lambda m: m.group().replace("|", " "), typed)
    inside: set[str] = set()
    for text in (view, plain_letters(remove_invisible_in_words(view))):
        inside.update(w.casefold() for m in _SPOILER.finditer(text) for w in WORD.findall(m.group(1)))
    shown = _MENTION.sub(" ", _MASKED_LINK.sub(r"\1", _SPOILER.sub(" ", view)))
    return frozenset(inside - {w.casefold() for w in WORD.findall(shown)})


# A code span, inside which Discord reads no markup ("`||`" shows two pipes).
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)[\s\S]*?[^`]\1(?!`)")


def keep_hidden(said: str, hidden: frozenset[str]) -> str:
    """`said` with each word of `hidden` that it would show put in a spoiler of its own; if stray marks
    would still let one show, the whole of it hidden."""
    if not hidden:
        return said

    def hide(m: re.Match[str]) -> str:
        return f"{SPOILER}{m.group()}{SPOILER}" if m.group().casefold() in hidden else m.group()

    parts, at = [], 0
    for spoiler in _SPOILER.finditer(said):  # the spoilers left as they are, the words between them read
        parts += [WORD.sub(hide, said[at : spoiler.start()]), spoiler.group()]
        at = spoiler.end()
    kept = "".join([*parts, WORD.sub(hide, said[at:])])
    shown = {w.casefold() for w in WORD.findall(hide_spoilers(kept))}
    if shown & hidden:
        return f"{SPOILER}{said.replace(SPOILER, ' ').strip()}{SPOILER}"
    return kept


def has_spoiler(text: str) -> bool:
    """Whether the text hides words as a spoiler ("||words||", as Discord's client reads one)."""
    return SPOILER in text and _SPOILER.search(text) is not None


def hide_spoilers(text: str) -> str:
    """The text with each spoiler ("||words||") shown as HIDDEN."""
    return _SPOILER.sub(HIDDEN, text) if SPOILER in text else text


def only_addresses(text: str) -> bool:
    """Whether the text is web or e-mail addresses and nothing else with a letter or a digit."""
    return bool(_ADDRESS.search(text)) and not any(c.isalnum() for c in _without_addresses(text))


def _without_addresses(text: str) -> str:
    return _SPACES.sub(" ", _ADDRESS.sub(_unaddressed, text)).strip()


def _unspoiled(m: re.Match[str]) -> str:
    """A spoiler's words as words, apart from those around it ("what did || obama || say")."""
    inner = m.group(1).strip()
    return f" {inner} " if any(c.isalpha() for c in inner) else m.group()


def _unemphasised(m: re.Match[str]) -> str:
    inner = m.group(2)
    return inner if any(c.isalpha() for c in inner) else m.group()


def _unaddressed(m: re.Match[str]) -> str:
    """An address out, the punctuation after it kept ("…see https://x.y/a?" keeps its "?")."""
    address = m.group().rstrip(_TRAILING)
    return m.group()[len(address) :].replace(">", "") or " "  # the spaces before it went with it


_SELECTORS = "\ufe0e\ufe0f"  # text and emoji presentation
_KEYCAP_BASES = frozenset("0123456789#*")
# A subdivision flag: the black flag, a few tag letters and the cancel tag (England: 🏴 + "gbeng" + cancel).
_FLAG = re.compile("\U0001f3f4([\U000e0020-\U000e007e]{1,7}\U000e007f)")


def _pictograph(char: str) -> bool:
    """An emoji or other pictographic symbol, or a skin-tone modifier (not ° or ^, which are symbols too)."""
    return bool(char) and char >= "\u2000" and unicodedata.category(char) in ("So", "Sk")


def _takes_selector(char: str, after: str) -> bool:
    """Whether a presentation selector between `char` and `after` (the nearest kept characters around it)
    draws an emoji: after a symbol from the emoji's blocks (‼ ℹ ↔ ❤ 〰, © ®), or a keycap's digit before
    the keycap mark."""
    if char in _KEYCAP_BASES:
        return after == "\u20e3"
    return bool(char) and (char >= "\u2000" or char in "©®") and not char.isspace()


def remove_invisible_in_words(text: str) -> str:
    """Format characters and blank letters removed where they sit in or around words ("r\u200bent" is
    "rent"); kept only where they build one emoji: a zero-width joiner between two pictographs
    (👨\u200d👩\u200d👧), a presentation selector after an emoji's symbol or a keycap's digit (❤\ufe0f,
    1\ufe0f\u20e3), the tag letters of a whole subdivision flag. A run of joiners or selectors is one."""
    if not any(_drops(c) for c in text):
        return text
    drops = [_drops(c) and c not in "\n\t" for c in text]
    flag_tags = {i for m in _FLAG.finditer(text) for i in range(m.start(1), m.end(1))}
    # The nearest kept character before and after each position, in two linear passes.
    before, last = [], ""
    for c, d in zip(text, drops, strict=True):
        before.append(last)
        last = last if d else c
    after, last = [""] * len(text), ""
    for i in range(len(text) - 1, -1, -1):
        after[i] = last
        last = last if drops[i] else text[i]
    out: list[str] = []
    for i, (c, d, b, a) in enumerate(zip(text, drops, before, after, strict=True)):
        if d:
            previous = out[-1] if out else ""
            if c == _ZWJ:
                keep = _pictograph(b) and _pictograph(a) and previous != _ZWJ
            elif c in _SELECTORS:
                keep = _takes_selector(b, a) and previous not in _SELECTORS + _ZWJ
            else:
                keep = i in flag_tags
            if not keep:
                continue
        out.append(c)
    return "".join(out)


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
    space, and a line feed stays. What builds one emoji stays, as in `remove_invisible_in_words` (a
    joiner between two pictographs: 👨\u200d👩\u200d👧)."""
    if not any(_drops(c) or c in _LINE_BREAKS for c in text):
        return text
    text = _ESCAPE.sub("", text)  # a whole terminal sequence (colour, window title), not only its ESC
    text = "".join(" " if c in _SPACE_CONTROLS else "\n" if c in _LINE_BREAKS else c for c in text)
    return remove_invisible_in_words(text)


# Quotation marks: the closer each opener accepts (»…« is the German use of guillemets, »…» the Finnish
# and Swedish one). Single quotes: see `quoted_pieces`.
_DOUBLE = {'"': '"”', "“": '”"', "„": '“”"', "«": "»", "»": "«»"}
_SINGLE_OPEN = "'‘"
_SINGLE_CLOSE = "'’"
# A single quote that starts a word without opening a quotation: an elided year (`'90s`, `'08`) or an
# elided word (`'tis`, `'em`, `'cause`).
_ELISION = re.compile(
    r"['‘](?:\d\d(?:s)?\b|(?:tis|twas|twere|em|cause|cos|cuz|til|till|bout|round|nuff|n|ere|tween|kay|sup|"
    r"scuse|fore|gainst|neath|midst|cept|nother|ow)(?![^\W_]))",
    re.I,
)
_BEFORE_OPENER = " \t\n([{—–-/"


def _is_apostrophe(text: str, i: int) -> bool:
    """A single quote between two letters or digits is an apostrophe ("He's", "rock’n’roll")."""
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def _opens(text: str, i: int) -> bool:
    """Whether a single quote at i can open a quotation: at the start or after a space or bracket,
    followed by something, and not an elision (`'90s`, `'tis`)."""
    return (
        (i == 0 or text[i - 1] in _BEFORE_OPENER)
        and i + 1 < len(text)
        and not text[i + 1].isspace()
        and not _ELISION.match(text, i)
    )


def _closes_single(text: str, j: int) -> bool:
    """Whether a single quote at j can close a quotation: followed by the end or by something that is not
    a letter or digit (`He's` and `rock’n’roll` hold apostrophes)."""
    return j + 1 == len(text) or not text[j + 1].isalnum()


def quoted_pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each outermost pair of quotation marks.

    Double quotes (straight, curly, low, guillemets either way round) pair with their closers; single
    quotes pair when the opener follows a space and is not an elision (`'90s`, `'tis`) and the closer is
    followed by neither a letter nor a digit. Marks inside a quotation are part of it (nesting keeps the
    outer one); an opener never closed takes the rest of the text (but a » with no closer after it opens
    nothing); a closer never opened is ignored.
    """
    pieces: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        closers = _DOUBLE.get(c)
        if c == "»" and not any(m in text[i + 1 :] for m in closers or ""):
            closers = None  # a closing guillemet, or an arrow
        if closers is None and c in _SINGLE_OPEN and _opens(text, i) and not _is_apostrophe(text, i):
            closers = _SINGLE_CLOSE
        if closers is None:
            i += 1
            continue
        j = i + 1
        while j < n and not (text[j] in closers and (closers != _SINGLE_CLOSE or _closes_single(text, j))):
            j += 1
        pieces.append((i + 1, j))
        i = j + 1
    return pieces


# The words a question opens with; a message opening so and ending without a mark is a question.
_QUESTION_WORD = (
    r"(?:who|whom|whose|what|whats|what's|when|where|why|which|how|is|are|was|were|did|does|do|can|"
    r"could|will|would|should|has|have|had)\b"
)
_ASKING_START = re.compile(r"\s*" + _QUESTION_WORD, re.I)
_END_MARKS = frozenset("?.!…")
_NOT_ASKING_MARKS = "!.… \t\n"  # marks that close a question without asking


def _ends_marked(text: str) -> bool:
    """Whether the text ends in a mark, maybe followed by other signs ("?!", "? 🤔"); in linear time (a
    pattern for it backtracked over long runs of signs)."""
    end = len(text)
    while end and not (text[end - 1].isalnum() or text[end - 1] == "_"):
        end -= 1
    return any(c in _END_MARKS for c in text[end:])


# Chat filler that closes a message and says nothing of what is asked ("when did they meet lol", "who is he
# pls"): searched with it, the encoder reads it as part of the question ("when did they meet lol" bolded
# "Just months earlier, Trump had called Mamdani a 'communist.'"), and the speller makes "lol" "low". So
# does the same filler opening it ("lol when did they meet" bolded the same line).
_FILLER_WORD = re.compile(
    r"(?:l+o+l+z?|lmf?ao+|rofl|(?:ha){2,}h?|(?:he){2,}|xd+|pl[sz]+|please|thx|thanks|ty|bro|bruh|fr|tbh|ngl|tho"
    r"|btw|anyways?|fyi|idk|lmk|omg|h+m+|u+m+|u+h+|bestie|asap)",  # "when did they meet btw": declined
    re.IGNORECASE,
)
# ... and words of chat that only open a question ("sorry, what did bannon say", "wait how much is rent"),
# or only close one ("what did bannon say though", "… rn"): "how long did they wait" ends with its verb.
_OPENING_WORD = re.compile(r"(?:sorry|wait|alright|ok|okay|ayo|oh|ah|aight|guys|dude|lowkey)", re.IGNORECASE)
_CLOSING_WORD = re.compile(r"(?:though|rn)", re.IGNORECASE)
# ... and words that call the readers ("… guys", "… dude"). A closing word of chat is what is asked about
# after a word that names or points to it ("what was the fyi", "who is the dude", "what did trump tell
# the guys"), and words that may be either ("man", "folks", "right": "who is trump's man", "working folks",
# "is housing a human right") are never taken for chat (a review).
_CALLING_WORD = re.compile(r"(?:guys|dude|fam|y['’]?all)", re.IGNORECASE)
_NAMING = frozenset("the a an his her their my your our its".split())  # never a word alone ("this" may be)
_BEFORE_WHAT_IS_ASKED = _NAMING | frozenset(
    "this that these those some any old young other that's thats is are was i it to of on all".split()
)
# Two words of chat that close a question ("where do they want to build housing ya know", "… or what",
# "what did bannon say, i forgot"), and a lead-in before a question's word ("question: how much is rent",
# "do you know where they met", "can u tell me why…", "i was wondering where…").
_CLOSING_PAIR = re.compile(
    r"(?:ya|you|u)\s+know|real\s+quick|or\s+(?:what|smth|sth|something)|i\s+(?:wonder|forgot|forget|mean)"
    r"|just\s+(?:curious|wondering)|fr\s+fr|(?:pls|plz|please)\s+help|u\s+guys",
    re.IGNORECASE,
)
# ... not after an auxiliary or a question word ("what do u know", "what did i forget"), nor after "be"
# ("would approvals be real quick").
_NOT_BEFORE_A_PAIR = AUXILIARY_WORDS | frozenset(
    "what who how why where when which dont don't be been being if as to".split()
)
_QUESTION_LEAD_IN = re.compile(
    r"\s*(?:(?:quick\s+)?(?:q|qn|question)\s*[:,-]|quick\s+question\b"
    r"|(?:do|does\s+any\s*one|does\s+any\s*body)\s+(?:you|u|ya)?\s*know\b"
    r"|(?:can|could|would)\s+(?:you|u|some\s*one|any\s*one|some\s*body)\s+tell\s+me\b"
    r"|i\s+(?:wanna|want\s+to)\s+know\b|any\s+idea\b"
    r"|i\s+(?:was|am|m)\s+(?:just\s+)?wondering\b|i['’]?m\s+(?:just\s+)?wondering\b|i['’]?m\s+confused\b"
    r"|just\s+(?:curious|wondering)\b|real\s+quick\b|i\s+mean\b|(?:pls|plz|please)\s+help\b"
    # One run of spaces and marks after it (two runs side by side backtracked over long runs of spaces).
    r")[\s,:-]*(?=" + _QUESTION_WORD + ")",
    re.IGNORECASE,
)
MAX_FILLER = 6  # closing (and opening) words and signs looked at
_CLOSING = "?!.…"
_BETWEEN = " \t\n,;:-"


def without_filler(text: str) -> str:
    """The message without the chat filler it closes with (of its last MAX_FILLER words, with any emoji or
    emoticons among them), its closing marks kept: "when did they meet lol?" → "when did they meet?",
    "when did they meet lol 😂" → "when did they meet"; and without the filler it opens with, when two
    words or more follow ("lol 😂 when did they meet"). A message of nothing else stays as typed, and so
    does one that closes with signs alone ("when did they meet 😂"). A lead-in before a question's word
    ("can u tell me why…", "i was wondering where…") and quotation marks around the whole question go too.
    Only what is searched loses them: the message's kind is read with them ("lol is he serious" is a
    reaction)."""
    text = _unquoted(text)
    lead_in = _QUESTION_LEAD_IN.match(text)  # at the start only
    if lead_in and len(text[lead_in.end() :].split()) > 1:
        text = text[lead_in.end() :]
    return _without_closing_filler(_without_opening_filler(text))


_QUOTE_PAIRS = {'"': '"', "“": "”", "'": "'", "‘": "’", "«": "»"}


def _unquoted(text: str) -> str:
    """A question typed inside one pair of quotation marks, without them ('"who is mamdani"' moved the bold
    line, a trial); a message with other marks of the same kind inside is a quotation among words."""
    inner = text.strip()
    close = _QUOTE_PAIRS.get(inner[:1])
    if close is None or len(inner) < 3 or not inner.endswith(close):
        return text
    body = inner[1:-1]
    return body if inner[0] not in body and close not in body else text


def _without_opening_filler(text: str) -> str:
    rest, kept = text.lstrip(), None
    for _ in range(MAX_FILLER):
        words = rest.split(None, 1)
        if len(words) < 2:
            break
        first = words[0].strip(_BETWEEN + ",.!?…")
        if _FILLER_WORD.fullmatch(first) or _OPENING_WORD.fullmatch(first):
            if len(words[1].split()) < 2:
                break  # "lol ok boomer" is searched as "ok boomer", as before "ok" was a word of chat
            kept = ""
        elif any(c.isalnum() for c in first):
            break
        rest = words[1]
        if kept is not None:
            kept = rest  # signs after the filler go with it ("lol 😂 when did they meet")
    if kept is None or len(kept.split()) < 2:
        return text
    return kept


def _without_closing_filler(text: str) -> str:
    core = text.rstrip()
    marks = core[len(core.rstrip(_CLOSING)) :]
    core = core[: len(core) - len(marks)]
    kept, cut = core, False
    for _ in range(MAX_FILLER):
        words = core.rstrip(_BETWEEN).rsplit(None, 1)
        if len(words) < 2:
            break
        last = words[1].strip(",.!?…")
        # Two words of chat ("… ya know", "… or what"), after a word that is no auxiliary: "what do u
        # know" and "what did i forget" ask what they say.
        before = words[0].rstrip(_BETWEEN).rsplit(None, 2)
        if (
            len(before) == 3
            and _CLOSING_PAIR.fullmatch(f"{before[2]} {last}")
            and before[1].casefold().strip(",") not in _NOT_BEFORE_A_PAIR
        ):
            cut, core = True, f"{before[0]} {before[1]}".rstrip(_BETWEEN)
            kept = core
            continue
        previous = before[-1].casefold().strip(",")
        # A possessive names what follows too: "who is trump's bestie".
        naming = previous in _NAMING or previous.endswith(("'s", "’s"))
        # "Right" after a comma asks the reader to agree ("how much is rent in nyc, right?" bolded "…put
        # those people right back…"); anywhere else it may be what is asked ("is housing a human right").
        tag = last.casefold() == "right" and words[0].rstrip().endswith(",")
        if (
            tag
            or (_FILLER_WORD.fullmatch(last) or _CLOSING_WORD.fullmatch(last))
            and not naming
            or (
                _CALLING_WORD.fullmatch(last)
                and len(before) == 3  # not "who is guys"
                and not naming
                # ... nor after a word that describes them: "those two guys", "a nice dude".
                and not {previous, before[1].casefold().strip(",")} & _BEFORE_WHAT_IS_ASKED
            )
        ):
            cut = True
        elif any(c.isalnum() for c in last):
            break
        core = words[0].rstrip(_BETWEEN)
        if cut:
            kept = core
    if not cut:
        return text
    return kept + marks  # "when did they meet? lol" keeps the mark before the filler


# "Again" closing a question that asks what, when, where, who… of the past or present asks to be reminded
# ("where did they meet again?", "who is mamdani again?"), not about a second time: searched with it, the
# encoder took it for the plan "Trump confirmed they'll meet again." (a review). It stays in a question
# about what is to come ("when will they meet again?", "when are they meeting again?") and where it
# belongs to a clause of its own ("what did trump say about meeting again?", "when did they agree to meet
# again?").
# Words of chat before the question word ("wait", "hmm", "sorry", "ok") are already off (`without_filler`
# runs first); "so", "and" and "but" stay there for the follow-up reader.
_REMINDER_START = re.compile(
    r"\W*(?:(?:so|and|but|remind\s+me|tell\s+me)\W+){0,3}"
    r"(?:what|whats|what['’]s|wat|when|whens|where|wheres|who|whos|who['’]s|which|how|why)\b(?:['’]d\b)?",
    re.IGNORECASE,
)  # "where'd they meet again": "'d" is "did" there
_REMINDER_WORD = re.compile(r"[\w'’]+")
# ... and "going to", "'ll"; and how likely ("what are the odds they meet again").
_TO_COME = frozenset("will wil gonna shall next upcoming likely odds chance chances possible".split())
# Words that open a clause of its own: "when did they agree to meet again?", "what happened when they got
# together again?".
_OWN_CLAUSE = frozenset("to about whether if would when where after before since while once".split())
_NOT_ING = frozenset("bring during string spring sting swing cling fling sling".split())
_DETERMINERS = frozenset("the a an this that their his her its next".split())  # "the meeting": a noun


def _ing(word: str) -> bool:
    """Whether a word is an -ing form ("meeting", "doing"), not a thing ("something") or a word of its own
    ("king", "bring", "during")."""
    return len(word) >= 5 and word.endswith("ing") and not word.endswith("thing") and word not in _NOT_ING


def without_reminding_again(text: str) -> str:
    """The question without the "again" that closes it when it asks to be reminded ("where did they meet
    again?" → "where did they meet?"; see above), else the question as typed. In linear time: a pattern
    for it backtracked over long runs of spaces."""
    core = text.rstrip(" \t\n?!.…")
    end = text[len(core) :].strip()
    parts = core.rsplit(None, 1)
    start = _REMINDER_START.match(parts[0]) if len(parts) == 2 else None
    if start is None or parts[1].casefold() != "again":
        return text
    asked = parts[0].rstrip(" \t\n,")
    words = [w.casefold() for w in _REMINDER_WORD.findall(asked, start.end())]  # after the question word
    if (
        not words  # "when again?" after "will they meet again?" goes on from it
        or _TO_COME & set(words)
        or any(a == "going" and b == "to" for a, b in zip(words, words[1:], strict=False))
        or any(w.endswith(("'ll", "’ll", "'d", "’d")) for w in words)
        # An -ing form not after a determiner: "when are they meeting again", "why did trump rule out
        # ever meeting mamdani again" ("the meeting" is a noun: "when was the meeting again").
        or any(_ing(w) and (n == 0 or words[n - 1] not in _DETERMINERS) for n, w in enumerate(words))
        # ... not a word that ends it: "what did they talk about again".
        or _OWN_CLAUSE & set(words[:-1])
    ):
        return text
    return asked + end


# A greeting that opens a question ("hola, who is mamdani", "good morning, what did they agree on?"): the
# encoder and the abstainer read its words as part of what is asked, and those declined such questions
# that they answered without it (a trial). Only before a question's opening word.
_GREETING = re.compile(
    r"\s*(?:(?:hi|hii+|hello|hey+|heya|hiya|hola|yo|sup|howdy|greetings|good\s+(?:morning|afternoon|evening|day)|"
    r"gm)(?:\s+(?:there|all|everyone|guys|folks|bot|friend))?(?:[,!.:;~-]+\s*|\s+))+(?="
    + _QUESTION_WORD
    + ")",
    re.I,
)
# Words of emphasis after a question word ("who tf is mamdani", "what the heck happened", "how on earth
# did they meet"), which the article never writes; and "wtf"/"wth" opening a question as "what".
_STRESS = re.compile(
    r"\b(who|what|where|when|why|how)\s+(?:tf|the\s+(?:fuck|f|heck|hell)|on\s+earth|in\s+the\s+world)\b",
    re.I,
)
_WTF = re.compile(r"^\s*wt[fh](?=\s+\w)", re.I)
# ... and adverbs of stress anywhere in a question ("what did he say exactly", "what exactly did he say",
# "did they really agree"), which the article never writes either: a trial's "what did he say exactly",
# after "did trump endorse mamdani", was declined (0.25) where "what did he say" was answered (0.80).
_STRESS_ADVERB = re.compile(
    r"\b(?:exactly|actually|really|honestly|literally|basically|precisely|seriously|truly)\b(?=\W|$)", re.I
)
# "Also" or "plus" opening a question ("also what did bannon say?", "and also who…"), which the abstainer
# read as part of what is asked (declined, where "and what did bannon say?" was answered): read as the
# "and" it means, or as the conjunction before it, which the follow-up reader goes on from.
_ALSO = re.compile(
    r"^(?P<space>\s*)(?:(?P<conjunction>and|but|so)\W+)?(?:(?:also|plus)\W+)+(?=" + _QUESTION_WORD + ")", re.I
)


def _as_conjunction(m: re.Match[str]) -> str:
    return f"{m['space']}{m['conjunction'] or 'and'} "


# "So" opening a message ("so what happened", "ok so tl;dr?"): a way into it, no part of what kind of message
# it is. "So what happened" was read as a question (the overview's margin 0.064, "what happened" 0.081) and
# declined.
_SO = re.compile(r"^\s*(?:(?:ok|okay|well|alright|and)\W+)?so\b[\s,.:;-]*", re.I)


def without_so(text: str) -> str:
    """The message without a "so" that opens it, when two words or more follow: what its kind is read from
    (it is searched with it, where it may go on from the question before)."""
    opening = _SO.match(text)
    rest = text[opening.end() :] if opening else text
    return rest if opening and len(rest.split()) > 1 else text


def without_chat_openers(text: str) -> str:
    """The question without a greeting before it and without words of emphasis after its question word:
    "hola, who is mamdani" → "who is mamdani", "wtf happened" → "what happened", "also who is he" and
    "and also who is he" → "and who is he", "what exactly did he say" → "what did he say". A greeting
    alone, or before anything but a question of two words or more ("hi what", "hi, thanks"), stays as
    typed."""
    greeting = _GREETING.match(text)  # at the start only: tried from every position, it was quadratic
    # ... before a question of two words or more: "hi what" is a greeting, as typed.
    if greeting and len(text[greeting.end() :].split()) > 1:
        text = text[greeting.end() :]
    text = _ALSO.sub(_as_conjunction, _STRESS.sub(r"\1", text), count=1)
    text = _WTF.sub("what", text, count=1)
    unstressed = _without_stress(text).lstrip(" ,")
    # ... of a question (opening with its word, or closing with a question mark) that keeps two words or
    # more: "really?" doubts, "what exactly?" stays as typed, "that is exactly right" is no question.
    asks = _ASKING_START.match(without_so(unstressed)) or unstressed.rstrip().endswith("?")
    if asks and len(unstressed.split()) > 1:
        return unstressed
    return text


def _without_stress(text: str) -> str:
    """The text without its adverbs of stress, each with the spaces and the comma before it; in linear time
    (a pattern taking the spaces before the word backtracked over long runs of no-break spaces)."""
    pieces, at = [], 0
    for m in _STRESS_ADVERB.finditer(text):
        before = text[at : m.start()].rstrip()
        pieces.append(before[:-1] if before.endswith(",") else before)
        at = m.end()
    return "".join(pieces) + text[at:]


def as_question(text: str) -> str:
    """A message that opens as a question and ends without a mark, with a question mark: people type
    "who did mamdani beat", the training questions mostly end in "?", and the encoder reads the mark as
    part of a question (dropping it everywhere instead lost hit@1 out of fold: docs/experiments.md). Not
    after a word of lead-in ("so where did they meet"): searched with a mark, the lead-in weighs more."""
    if not _ASKING_START.match(text):
        return text
    if not _ends_marked(text):
        return text.rstrip() + "?"
    core = text.rstrip()
    plain = core.rstrip(_NOT_ASKING_MARKS)
    if plain != core and plain.strip():
        # ... and one that closes with "!" or dots alone, with a question mark for them: "what did they
        # agree on !!" moved the bold line (a trial), as "what did they agree on" without a mark did.
        plain = plain.rstrip()
        return plain if plain.endswith("?") else plain + "?"
    return text


# What may open a request: up to three words of lead-in ("ok so", "um hey"), "can you" or "can u", and
# "please" before or after it.
_LEAD_IN = (
    r"\s*(?:(?:hey|hi|hello|ok|okay|so|yo|um|uh|bro|lol|well|and|also|now)(?:[,!.]+\s*|\s+)){0,3}"
    r"(?:(?:pls|plz|please)\s+)?(?:(?:can|could|would)\s+(?:you|u)\s+)?(?:(?:pls|plz|please)\s+)?"
)
# A request to be told about something ("tell me about X", "info on X", "what do you know about X",
# "describe X"), after its lead-in. Each run of spaces sits between fixed words, so matching is linear.
_REQUEST = re.compile(
    _LEAD_IN + r"(?:tell?\s+(?:me|us)\s+(?:(?:a\s+(?:bit|little)\s+)?more\s+)?(?:about|abt|bout)|"
    r"what\s+do\s+(?:you|u)\s+know\s+(?:about|abt)|"
    r"(?:give\s+me\s+)?(?:any\s+|some\s+|more\s+)?(?:info|information|details)\s+(?:on|about|abt|re)|"
    r"describe|talk\s+about)\s+",
    re.I,
)
# What a request may end with after its subject ("…, pls?"): stripped in linear time (a pattern for
# it backtracked over long runs of spaces).
_REQUEST_MARKS = " \t\n\r?.!…"
_PLEASE = ("pls", "please", "plz")
# A subject that is a clause ("tell me about how they met") is searched as typed.
_CLAUSE_START = re.compile(r"(?:how|why|what|whats|when|where|who|whom|whose|which|whether|if)\b", re.I)
# Words of a title before a name ("mr trump", "president trump").
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "president", "mayor"})
_NOT_IN_A_NAME = re.compile(r"[^\w\s.]")  # "mamdani's age", "trump/mamdani": not a name alone


def _subject(rest: str) -> str:
    """What a request asks about, from the text after its opening: marks and trailing "pls" dropped;
    empty for a clause ("how they met")."""
    subject = rest.rstrip(_REQUEST_MARKS)
    while (last := subject.rsplit(maxsplit=1)) and len(last) == 2 and last[1].casefold() in _PLEASE:
        subject = last[0].rstrip(" ,").rstrip(_REQUEST_MARKS)
    return "" if _CLAUSE_START.match(subject) else subject


# A request to be given the gist of something ("summarize X", "give me a recap of X", "explain X"),
# after the same lead-in as a request to be told about it.
_SUMMARY_REQUEST = re.compile(
    _LEAD_IN
    + r"(?:summari[sz]e|sum\s+up|recap|explain|(?:fill\s+(?:me|us)\s+in|catch\s+(?:me|us)\s+up)\s+on|"
    r"(?:(?:give\s+me|i\s+want|i\s+need)\s+)?(?:a\s+|an\s+|the\s+)?(?:quick\s+|short\s+|brief\s+)?"
    r"(?:summary|recap|rundown|gist|overview|tl;?dr)\s+(?:of|on|about|abt))\s+",
    re.I,
)


# "What is this X about?": asks for the gist of X, which may be something else than the article ("what is
# this song about?" was given the article's overview, for its likeness to "what is this about?").
# Its subject is a few words, each a run of other than spaces, so that no run of spaces can be split two
# ways (a review: with any characters allowed in it, 2,000 ideographic spaces took 3 s).
_ABOUT_WHAT = re.compile(
    r"\W*+(?:so\s++)?wh?at(?:\s++is|\s++was|\s++s|['’]s|s)\s++"
    r"(?P<subject>(?:this|that|the|your|ur)(?:\s++[^\s?.!…]++){1,6}?)\s++(?:about|abt|bout)[\s?.!…]*+",
    re.IGNORECASE,
)


def gist_subject(text: str) -> str:
    """What "what is this X about?" asks the gist of ("this song"); empty for any other message."""
    m = _ABOUT_WHAT.fullmatch(text)
    return m.group("subject") if m else ""


def request_subject(text: str) -> str:
    """What a request to be told about something or given its gist asks about ("tell me about bernie
    sanders" → "bernie sanders", "summarize the meeting" → "the meeting"); empty for any other message."""
    m = _REQUEST.match(text) or _SUMMARY_REQUEST.match(text)
    return _subject(text[m.end() :]) if m else ""


# Chat's words for two people set side by side ("trump vs mamdani", "the trump x mamdani meeting"), and
# those words joining two people ending the message ("tell me about trump x mamdani?").
SIDE_BY_SIDE = ("vs", "versus", "v", "x")
_VERSUS = re.compile(
    rf"\b([^\W\d_]+)[ \t]+(?:{'|'.join(SIDE_BY_SIDE)})\.?[ \t]+([^\W\d_]+)(?=[\s?!.…]*$)", re.IGNORECASE
)


def versus_as_and(text: str, people: frozenset[str]) -> str:
    """Two of `people` (folded surnames) set side by side in chat at the end of the message, joined by
    "and": "trump vs mamdani" was declined ("vs" is no word of the article's or of how people ask it),
    "trump and mamdani" answered. Other words are left as typed ("the x factor", "roe v wade"), and so is
    a contrast that goes on ("trump versus mamdani on rent" bolds how their solutions differ)."""

    def joined(m: re.Match[str]) -> str:
        a, b = m.group(1), m.group(2)
        both = a.casefold() in people and b.casefold() in people
        return f"{a} and {b}" if both else m.group(0)

    return _VERSUS.sub(joined, text)


def as_request_question(text: str, people: frozenset[str]) -> str:
    """A request to be told about something, as the question it asks: "who is X?" when X is one of
    `people` (a folded surname, maybe after a title), "what is X?" otherwise; and a person's name alone
    ("mamdani", "Zohran Mamdani?", once the speller has folded given names) as "who is X?". "tell me about
    mamdani" and "mamdani" bolded "Mamdani's rise was meteoric." and ranked who he is lower: the training
    questions ask with question words. Chosen on a check set of requests and bare topics written from the
    article (docs/check-sets.md); any other text is returned as it is."""
    m = _REQUEST.match(text)
    subject = _subject(text[m.end() if m else 0 :])
    if not subject:
        return text
    words = [w.casefold() for w in WORD_OF_LETTERS.findall(subject)]
    if "and" in words or "&" in subject or sum(w in people for w in words) > 1:
        return text  # several things ("mamdani and trump"): no one thing to ask what or who it is
    named = [w for w in words if w not in _TITLES]
    person = len(named) == 1 and named[0] in people and words[-1] == named[0]  # one person, maybe titled
    if not m:  # no request: only a name alone ("mamdani", "Mr. Trump?") is asked about
        return f"who is {subject}?" if person and not _NOT_IN_A_NAME.search(subject) else text
    return f"{'who' if person else 'what'} is {subject}?"
