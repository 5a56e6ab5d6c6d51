"""The quote check: a message's quoted spans, each found in the article word for word, nearly, or not at all.

A span is `verbatim` when its words occur in one paragraph of the article in the same order once case,
curly and straight quotes, dashes, thousands separators, punctuation between words and white space are
folded away; `close` when the best-aligned run of the article's words is nearly the same (word-level
similarity at or above CLOSE_SIMILARITY, chosen on train/quotes/quotes.jsonl) and negates as often (a quote
that adds or drops a "not" says the opposite); otherwise `absent`, with the
passage nearest in meaning (the encoder's cosine over the article's sentences). The article's speaker of
the words (bot.core.attribution) is given when the article names one beside its quotation.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from bot.core.answer import citation
from bot.core.attribution import Quotation, SpeakerNames, quotations, quoted_by_name, same_person
from bot.core.chunking import Chunk, laid_out
from bot.core.embedding import Embedder
from bot.core.index import Index
from bot.core.language import english_function_words
from bot.core.lexical import FUNCTION_WORDS
from bot.core.retrieval import Hit
from bot.core.text import fold_for_search, has_lone_surrogates, quoted_pieces, remove_invisible

log = logging.getLogger(__name__)

VERBATIM, CLOSE, ABSENT = "verbatim", "close", "absent"
VERDICTS = (VERBATIM, CLOSE, ABSENT)
# The word-level similarity (2 × shared words in order / words in both) of the best-aligned run of the
# article at or above which a span that is not verbatim is `close`. Chosen on train/quotes/quotes.jsonl
# only: its close examples score 0.67 and up, its absent ones 0.43 and below; this is the middle of the
# gap (`meeting-bot eval train/quotes/quotes.jsonl` prints the ranges).
CLOSE_SIMILARITY = 0.55
MAX_TEXT_CHARS = 4000  # Discord's longest message (with Nitro); longer text is checked up to here
MAX_SPAN_WORDS = 120  # a span is checked on its first words (the article's longest sentence is ~70)
MAX_SPANS = 25  # spans past these are counted, not checked
# How far the aligned window may grow or shrink at each end while it is fitted to the span.
_SLACK = 3
MAX_SLACK = 8
REACH_GAIN = 2  # the fewest more words of the span a widened window must share (`_reach`)
FITTED = 4  # paragraphs whose first guess is fitted word by word

# A word: letters and digits, with inner apostrophes ("he’s") and decimal points or thousands
# separators between digits ("8.336", "3,500"); dashes and other punctuation separate words.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+|[.,]\d+)*")
_MARKS = "\"“”„«»'‘’"
_CLOSERS = "\"”»’'"  # marks that may close a quotation
_WORD_CHAR = re.compile(r"[^\W_]")
MAX_WORD_CHARS = 60  # how far back a cut looks for the start of the word it splits


class BadText(ValueError):
    """Text that cannot be checked; the message is one sentence for the person who sent it."""


class EmptyText(BadText):
    """No words to check."""


class UnreadableText(BadText):
    """Lone surrogates: bytes that were not valid text."""


class TooShort(BadText):
    """Only lone letters or short function words to check (`'s'`, `it's`, `U.S.`): they are found
    somewhere in any article, so they prove nothing."""


MIN_WORDS = 2  # a span of fewer real words (`real_words`) is too short to check
EMPTY = "There is nothing to check: give a quote, with or without quotation marks."
TOO_SHORT = (
    "That is too short to check: a lone letter or common word (“the”, “it's”) is in any article, so give "
    "a word of the quote that means something alone, or a few of its words."
)
CUT_SHORT = (
    f"Only the first {MAX_TEXT_CHARS:,} characters are checked, and they hold no quote long enough to check; "
    "send the quote on its own."
)
# What joins the quotations of one list on one line: `"A", "B" and "C"`.
_LIST_JOINER = re.compile(r"[ \t,]*(?:(?:and|or)[ \t,]*)?", re.IGNORECASE)
_LIST_END = re.compile(r"[ \t,.!]*")  # ... and what may follow its last quotation: no word, no "?"


def _in_a_list(before: str, after: str, followed: bool) -> bool:
    """Whether a quotation continues the list of the one before it: only a joining word between them,
    and after it only the end of the message or the next joining word. Words after it (`"…," Mamdani
    said`, `— Mamdani`, `was Mamdani's word`), a question mark or a blank line leave it to itself (a
    trial found such quotes claimed for the list's speaker, and "corrected")."""
    after = after.rstrip().rstrip(_MARKS) if followed else after
    return bool(_LIST_JOINER.fullmatch(before)) and bool(
        (_LIST_JOINER if followed else _LIST_END).fullmatch(after)
    )


# A one-word quote is checked when the word means something alone: this many letters or digits at least,
# and not a function word ("it's", "the"). `he called him a "communist"` asks whether anyone the article
# quotes said the word, which the article's quotations answer.
ONE_WORD_CHARS = 3
_COMMON_WORDS = FUNCTION_WORDS | english_function_words()
CLOSE_SPEAKER_WORDS = 4  # a close match of fewer words names no speaker


@dataclass(frozen=True)
class Span:
    """A piece of a message to check: the words inside a pair of quotation marks, or the whole text."""

    text: str
    start: int  # offsets of `text` in the message
    end: int
    quoted: bool  # False when the message had no quotation and the whole text is the span
    truncated: bool = False  # only its first MAX_SPAN_WORDS words are checked


@dataclass(frozen=True)
class Difference:
    """Words where a quote and the article part ways: `said` in the quote, `article` in the article
    (one of them empty when words were added or dropped)."""

    said: str
    article: str


@dataclass(frozen=True)
class SpanCheck:
    """One span's verdict, with what the article says and where."""

    quote: str
    verdict: str  # one of VERDICTS
    article_text: str  # the sentence(s) around the match; for `absent`, the nearest passage
    citation: str
    chunk_id: str
    similarity: float  # word-level, 1.0 for verbatim
    meaning: float  # cosine of the span and article_text's best sentence
    differs: tuple[Difference, ...] = ()
    speaker: str | None = None  # who the article has saying these words, when it names someone
    claimed: str | None = None  # who the message says said them
    truncated: bool = False

    @property
    def misattributed(self) -> bool:
        """The message puts the words in one person's mouth, the article in another's."""
        return is_misattribution(self.verdict, self.speaker, self.claimed)


def is_misattribution(verdict: str, speaker: str | None, claimed: str | None) -> bool:
    """Whether words the article has (verbatim or close) are claimed for someone other than its speaker."""
    return bool(verdict != ABSENT and speaker and claimed and not same_person(speaker, claimed))


@dataclass(frozen=True)
class QuoteCheck:
    """Every span of a message, checked."""

    text: str
    spans: tuple[SpanCheck, ...]
    unchecked: int = 0  # spans past MAX_SPANS
    truncated: bool = False  # the text was cut at MAX_TEXT_CHARS
    too_short: int = 0  # one-word quoted pieces beside longer ones, left unchecked (`split_spans`)


def too_short_note(n: int) -> str:
    """What a reader is told of the quoted common words left unchecked beside longer quotes."""
    return (
        f"{n} quoted common word{'s were' if n != 1 else ' was'} not checked: a common word proves nothing."
    )


def difference_note(d: Difference) -> str:
    """One word-level difference in words: changed, added or left out."""
    if d.said and d.article:
        return f"“{d.said}” where the article has “{d.article}”"
    if d.said:
        return f"“{d.said}” is not in the article's words"
    return f"the article also has “{d.article}”"


def speaker_note(span: SpanCheck) -> str | None:
    """Who the article has saying the words, when it names someone (and whom the message named instead).

    For a close quote the article's words are someone's, not the message's ("Mamdani is a terrorist…"
    is close to Trump's "Mamdani is a communist…": a trial found "The article has Trump saying this.")."""
    if span.speaker and span.verdict == CLOSE:
        words = f"The article's words are said by {span.speaker}"  # no possessive: "Mamdani’s office's"
        return f"{words}, not {span.claimed}." if span.misattributed else f"{words}."
    if span.misattributed:
        return f"The article has {span.speaker} saying this, not {span.claimed}."
    if span.speaker and span.verdict != ABSENT:
        return f"The article has {span.speaker} saying this."
    return None


# ---------------------------------------------------------------- splitting


def words_of(text: str) -> list[re.Match[str]]:
    """The words of a text, with their offsets."""
    return list(_WORD.finditer(text))


def one_checkable_word(text: str) -> bool:
    """Whether a span is one word that means something alone (ONE_WORD_CHARS), so that whether the
    article has it, and in whose quotation, is worth telling."""
    found = words_of(text)
    if len(found) != 1:
        return False
    word = _fold_word(found[0].group(0))
    return (
        sum(c.isalnum() for c in word) >= ONE_WORD_CHARS
        and "'" not in word  # a contraction ("he's", "isn't") is a function word too
        and word not in _COMMON_WORDS
    )


def real_words(text: str) -> int:
    """How many words a text has that mean something alone: not the lone letters of `U.S.` or `'s`
    (but `a`, `I` and numbers count)."""
    return sum(
        1
        for w in words_of(text)
        if len(w.group(0)) > 1 or w.group(0) in ("a", "A", "I") or w.group(0).isdigit()
    )


def split_spans(text: str) -> list[Span]:
    """The spans to check: quoted pieces of several words; else quoted single words; else the whole text."""
    return _spans_and_short(text)[0]


def _spans_and_short(text: str, cut: bool = False) -> tuple[list[Span], int]:
    """`split_spans`, and how many quoted common words it leaves out beside longer quotes (`he called it
    "the" and said "…"`: a common word proves nothing, and a reader is told it was not checked). In a text
    `cut` at MAX_TEXT_CHARS, a last quotation the cut runs through is checked on its words, marked cut,
    when it has more than one; one word of it is not what was quoted and is left out (a trial was told its
    cut-off "He" was a one-word quote)."""
    found = quoted_pieces(text)
    cut_last = cut and bool(found) and found[-1][1] == len(text)
    if cut_last and len(words_of(text[slice(*found[-1])])) < MIN_WORDS:
        found, cut_last = found[:-1], False
        if not found:
            return [], 0
    pieces = []
    for n, (a, b) in enumerate(found):
        inner = text[a:b]
        lead = len(inner) - len(inner.lstrip())
        inner = inner.strip()
        if words_of(inner):
            span = _span(inner, a + lead, quoted=True)
            pieces.append(replace(span, truncated=True) if cut_last and n == len(found) - 1 else span)
    several = [s for s in pieces if len(words_of(s.text)) > 1 or one_checkable_word(s.text)]
    if several:
        return several, len(pieces) - len(several)
    if pieces:
        return pieces, 0
    stripped = text.strip()
    if not words_of(stripped):
        return [], 0
    return [_span(stripped, len(text) - len(text.lstrip()), quoted=False)], 0


def _span(text: str, start: int, quoted: bool) -> Span:
    """A span, cut after MAX_SPAN_WORDS words."""
    found = words_of(text)
    if len(found) > MAX_SPAN_WORDS:
        cut = text[: found[MAX_SPAN_WORDS - 1].end()]
        return Span(cut, start, start + len(cut), quoted, truncated=True)
    return Span(text, start, start + len(text), quoted)


def clean_text(text: str) -> tuple[str, bool]:
    """The text to check, without invisible and control characters, cut at MAX_TEXT_CHARS (and whether it
    was); BadText if there is nothing to check.

    Zero-width spaces and joiners, soft hyphens, bidirectional overrides, terminal escapes and other
    controls are removed (bot.core.text.remove_invisible) for matching and for display alike: inside a
    word they would split it, and in a reply they could make a quote display as something else."""
    if text is None or has_lone_surrogates(text):
        raise UnreadableText("That text holds bytes that are not valid UTF-8; paste it again as plain text.")
    text = remove_invisible(text)
    if not words_of(text):
        raise EmptyText(EMPTY)
    if len(text) > MAX_TEXT_CHARS:
        # A quotation whose closing mark is the first character past the limit keeps it (a trial: the
        # whole quote was dropped as cut off); else the cut goes back to the start of a word it splits
        # (a trial's "communist" cut to "communis" was "not in the article").
        end = MAX_TEXT_CHARS + (text[MAX_TEXT_CHARS] in _CLOSERS)
        if end < len(text) and _WORD_CHAR.match(text, end) and _WORD_CHAR.match(text, end - 1):
            window = max(0, end - MAX_WORD_CHARS)
            split = _WORD.finditer(text, window, end + MAX_WORD_CHARS)
            start = next((w.start() for w in split if w.start() < end < w.end()), end)
            if start > window or not window or not _WORD_CHAR.match(text, window - 1):
                end = start  # a word longer than the window ("x" 4,010 times) is cut where it is
        return text[:end], end < len(text)
    return text, False


def prepare(text: str) -> tuple[str, bool, list[Span], int]:
    """The cleaned text, whether it was cut, its spans to check and how many one-word quoted pieces were
    left out beside them; EmptyText, UnreadableText, or TooShort when every span has fewer than MIN_WORDS
    words and is no word that means something alone (`'s'`, `it's`, a quoted "the")."""
    text, truncated = clean_text(text)
    spans, short = _spans_and_short(text, cut=truncated)
    too_short = all(real_words(s.text) < MIN_WORDS and not one_checkable_word(s.text) for s in spans)
    if truncated and too_short:  # nothing left to check in the first MAX_TEXT_CHARS: say where it went
        raise TooShort(CUT_SHORT)
    if not spans:
        raise EmptyText(EMPTY)
    if too_short:
        raise TooShort(TOO_SHORT)
    return text, truncated, spans, short


# ---------------------------------------------------------------- the article


@dataclass(frozen=True)
class _Sentence:
    text: str
    start: int  # within the paragraph text
    end: int
    chunk: Chunk  # the chunk that starts with this sentence (its citation and id)
    row: int  # its row in index.sentence_vectors


# A nearest sentence shorter than this is shown with the sentences around it ("Rent." alone says nothing).
MIN_NEAREST_WORDS = 6


def _with_lead_in(p: _Paragraph, s: _Sentence) -> str:
    """The sentence, with the sentences before it in its paragraph (after it, when it opens the
    paragraph) that make MIN_NEAREST_WORDS words."""
    k = p.sentences.index(s)
    first = last = k

    def words() -> int:
        return len(p.text[p.sentences[first].start : p.sentences[last].end].split())

    while first > 0 and words() < MIN_NEAREST_WORDS:
        first -= 1
    while last < len(p.sentences) - 1 and words() < MIN_NEAREST_WORDS:
        last += 1
    if (first, last) == (k, k):
        return s.text
    return p.text[p.sentences[first].start : p.sentences[last].end]


@dataclass(frozen=True)
class _Paragraph:
    text: str
    words: tuple[str, ...]  # folded
    spans: tuple[tuple[int, int], ...]  # each word's offsets in text
    ids: np.ndarray  # each word's vocabulary id (for rapidfuzz)
    sentences: tuple[_Sentence, ...]
    quotations: tuple[Quotation, ...]

    @property
    def sentence_of(self) -> list[int]:
        """For each word, the number of the sentence it is in."""
        ends = [s.end for s in self.sentences]
        return [next((k for k, e in enumerate(ends) if a < e), len(ends) - 1) for a, _ in self.spans]

    @property
    def piece_of(self) -> list[int]:
        """For each word, a number shared by the words of the same sentence on the same side of a
        quotation mark: the article's `the White House: "I’d like…"` is two pieces."""
        quotations = list(enumerate(self.quotations))
        inside = [next((n for n, q in quotations if q.start <= a < q.end), -1) for a, _ in self.spans]
        keys = list(zip(self.sentence_of, inside, strict=True))
        numbers = {key: n for n, key in enumerate(dict.fromkeys(keys))}
        return [numbers[key] for key in keys]


# Words that turn a statement into its opposite: a quote that adds or drops one ("Mamdani is not a
# communist", "He wants to see more crime" for "no crime") says something else, however many words it shares.
_NEGATIONS = frozenset(
    "not no never nobody nothing none neither nor cannot without dont doesnt didnt isnt wasnt arent werent "
    "hasnt havent hadnt cant wont couldnt shouldnt wouldnt aint mustnt neednt".split()
)
# Marks written for an apostrophe ("doesn’t", "doesn‘t", "doesn`t", "doesn´t"), dropped before counting.
_APOSTROPHES = str.maketrans("", "", "'’‘`´")
# "No" alone before a comma or at the end is an answer or a tag, not a negation ("No, he wants …", "…, no?").
_NO_ALONE = re.compile(r"\bno\b(?=\s*(?:[,.!?;:…]|$))", re.IGNORECASE)


def negations(text: str) -> int:
    """How many words of the text negate: "not", "never", "doesn't" (however its apostrophe is written),
    "no" before a noun ("no crime")."""
    text = _NO_ALONE.sub(" ", text).translate(_APOSTROPHES)
    return sum(w in _NEGATIONS for w in _WORD.findall(fold_for_search(text)))


def _text_of(p: _Paragraph, a: int, b: int) -> str:
    """The article's text of words a..b of paragraph p."""
    return p.text[p.spans[a][0] : p.spans[b - 1][1]]


def _fold_word(word: str) -> str:
    return fold_for_search(word).replace("’", "'")


def _paragraphs(index: Index) -> list[_Paragraph]:
    """The article's paragraphs rebuilt from the index's overlapping chunks: sentences, words, quotations."""
    # Chunks start at every sentence (but the last few of a paragraph): the chunk that starts with a
    # sentence is the one to cite for it, else the first that holds it.
    starting = {(c.doc, c.sentences[0].start): c for c in reversed(index.chunks)}
    grouped: dict[tuple[str, str, int], dict[int, _Sentence]] = {}
    for pos, chunk in enumerate(index.chunks):
        members = grouped.setdefault((chunk.doc, chunk.section, chunk.paragraph), {})
        for s, row in zip(chunk.sentences, index.sentence_rows[pos], strict=True):
            if s.start not in members:
                cited = starting.get((chunk.doc, s.start), chunk)
                members[s.start] = _Sentence(s.text, s.start, s.end, cited, int(row))
    texts = []
    for members in grouped.values():
        ordered = sorted(members.values(), key=lambda s: s.start)
        texts.append((laid_out(ordered), ordered[0].start, ordered))
    # Everyone the article quotes by name, whom a quotation's "he said" elsewhere may stand for.
    speakers = quoted_by_name(text for text, _, _ in texts)
    out = []
    for text, base, ordered in texts:
        found = words_of(text)
        out.append(
            _Paragraph(
                text=text,
                words=tuple(_fold_word(w.group(0)) for w in found),
                spans=tuple(w.span() for w in found),
                ids=np.zeros(0, np.int64),
                sentences=tuple(replace(s, start=s.start - base, end=s.end - base) for s in ordered),
                quotations=tuple(quotations(text, speakers)),
            )
        )
    return out


class QuoteChecker:
    """Checks quotes against one loaded index; pure and thread-safe once built."""

    def __init__(self, index: Index, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder
        paragraphs = _paragraphs(index)
        self.vocab: dict[str, int] = {}
        for p in paragraphs:
            for w in p.words:
                self.vocab.setdefault(w, len(self.vocab))
        self.paragraphs = [
            _Paragraph(
                p.text,
                p.words,
                p.spans,
                np.array([self.vocab[w] for w in p.words], np.int64),
                p.sentences,
                p.quotations,
            )
            for p in paragraphs
        ]
        self._by_row = {s.row: (p, s) for p in self.paragraphs for s in p.sentences}
        # The headings' words (sections, the FAQ's questions): the article's own, nobody's quotation.
        titles = {c.section for c in index.chunks} | {c.question for c in index.chunks if c.question}
        self._headings = [[_fold_word(w.group(0)) for w in words_of(t)] for t in sorted(titles)]
        speakers = [q.speaker for p in self.paragraphs for q in p.quotations if q.speaker]
        self.names = SpeakerNames(speakers, [p.text for p in self.paragraphs])

    def check(self, text: str) -> QuoteCheck:
        """Every span of a text, checked (BadText if there is nothing readable to check)."""
        text, truncated, spans, short = prepare(text)
        shown, unchecked = spans[:MAX_SPANS], max(0, len(spans) - MAX_SPANS)
        vectors = self.embedder.encode([s.text for s in shown])
        meanings = vectors @ np.asarray(self.index.sentence_vectors, dtype=np.float32).T
        checks = []
        for n, (span, meaning) in enumerate(zip(shown, meanings, strict=True)):
            before = text[spans[n - 1].end if n else 0 : span.start]
            after = text[span.end : spans[n + 1].start if n + 1 < len(spans) else len(text)]
            # Without the spans' own quotation marks at the ends, and any other quoted piece blanked.
            before, after = before.lstrip().lstrip(_MARKS).rstrip().rstrip(_MARKS), after.lstrip(_MARKS)
            followed = n + 1 < len(spans)
            # A quotation that itself says who spoke (`Mamdani said "Trump said '…'"`) is quoting someone.
            plain = span.quoted and not self.names.names_a_speaker(span.text)
            claimed = self.names.claimed(_outside(before), _outside(after), followed) if plain else None
            if claimed is None and plain and checks and _in_a_list(before, after, followed):
                # `Mamdani called Trump a "communist" and "a danger to America"`: one list, one speaker
                # (a trial found the second quote claimed for no one, so its misattribution went unsaid).
                claimed = checks[-1].claimed
            rest = text[span.end :].lstrip()  # after the quotation, its closing mark aside
            if "?" in _outside(rest[1:] if rest[:1] in _MARKS else rest) or (truncated and not followed):
                # A question after it (`Trump said "A" and "B"?`) leaves room for someone else, as around
                # a single quote; and a cut text lost what came after its last quote (`…, Mamdani said`).
                claimed = None
            checks.append(self.check_span(span, meaning, claimed))
        return QuoteCheck(text, tuple(checks), unchecked, truncated, short)

    def check_span(self, span: Span, meaning: np.ndarray, claimed: str | None = None) -> SpanCheck:
        """One span's verdict, given its cosine with every sentence of the article."""
        words = [_fold_word(w.group(0)) for w in words_of(span.text)]
        surface = [w.group(0) for w in words_of(span.text)]
        exact = self._verbatim(words, claimed)
        if exact is not None:
            p, a, b, speaker = exact
            check = self._found(span, VERBATIM, p, a, b, 1.0, (), meaning, claimed)
            return replace(check, speaker=speaker)
        if len(words) == 1:  # one word (`one_checkable_word`) is found as it is, or absent; never "close"
            return self._absent(span, meaning, None, claimed)
        best = self._aligned(words)
        if (
            best is not None
            and best[3] >= CLOSE_SIMILARITY
            and negations(span.text) == negations(_text_of(*best[:3]))
        ):
            p, a, b, similarity = best
            differs = _differences(words, surface, list(p.words[a:b]), p, a)
            check = self._found(span, CLOSE, p, a, b, similarity, differs, meaning, claimed)
            # Two or three words close to the article's may share one common word with it ("ideology
            # now" and Trump's "Now, we may disagree…"): too little to say whose they are (a trial).
            return check if real_words(span.text) >= CLOSE_SPEAKER_WORDS else replace(check, speaker=None)
        return self._absent(span, meaning, best[3] if best else None, claimed)

    def _absent(
        self, span: Span, meaning: np.ndarray, similarity: float | None, claimed: str | None
    ) -> SpanCheck:
        """An absent verdict, with the passage nearest in meaning."""
        row = int(np.argmax(meaning))
        p, s = self._by_row[row]
        return SpanCheck(
            quote=span.text,
            verdict=ABSENT,
            article_text=_with_lead_in(p, s),
            citation=self._cite(s.chunk),
            chunk_id=s.chunk.id,
            similarity=round(similarity, 4) if similarity is not None else 0.0,
            meaning=round(float(meaning[row]), 4),
            claimed=claimed,
            truncated=span.truncated,
        )

    def _cite(self, chunk: Chunk) -> str:
        """The chunk's citation, as answers give it."""
        return citation(self.index, Hit(chunk, 0.0))

    def _verbatim(
        self, words: Sequence[str], claimed: str | None = None
    ) -> tuple[_Paragraph, int, int, str | None] | None:
        """Where the article has the words in order, and whose words they are; None if nowhere.

        The place shown is inside a quotation of the one the message names, else inside any quotation,
        else the first. The words are someone's only when every time the article has them (headings
        too), they are inside that one person's quotations ("fascist": Mamdani's); words that are also
        someone else's, nobody's or the article's own name no one, so that no common word ("see",
        "people", "wants to") turns into a correction (trials)."""
        n = len(words)
        places = []  # (paragraph, first word, inside one quotation, its speaker)
        for p in self.paragraphs:
            for i in _runs(p.words, words):
                start, end = p.spans[i][0], p.spans[i + n - 1][1]
                q = next((q for q in p.quotations if q.start <= start and end <= q.end + 1), None)
                places.append((p, i, q is not None, q.speaker if q else None))
        if not places:
            return None
        in_headings = any(next(_runs(h, words), None) is not None for h in self._headings)
        speakers = {who for *_, who in places}
        only = len(speakers) == 1 and all(inside for *_, inside, _ in places) and not in_headings
        speaker = speakers.pop() if only else None
        if (
            speaker
            and 1 < n < CLOSE_SPEAKER_WORDS
            and not any(
                w not in _COMMON_WORDS and (self._verbatim([w]) or (None,) * 4)[3] == speaker for w in words
            )
        ):
            # A few words are someone's only through a word of theirs that is theirs alone: "to be", "the
            # goal" or "at their" are common words in one quotation, and proved nothing (a trial).
            speaker = None
        p, i, *_ = next(
            (x for x in places if x[3] and claimed and same_person(x[3], claimed)),
            next((x for x in places if x[2]), places[0]),
        )
        return p, i, i + n, speaker

    def _aligned(self, words: Sequence[str]) -> tuple[_Paragraph, int, int, float] | None:
        """The run of the article's words most like the span's: (paragraph, start, end, similarity).

        Each paragraph's best window of the span's length (rapidfuzz's partial alignment) is a first
        guess; the few best guesses are then fitted word by word (`_fit`)."""
        unknown = len(self.vocab)
        ids = [self.vocab.get(w, unknown + i) for i, w in enumerate(words)]
        guesses = []
        for p in self.paragraphs:
            target = p.ids.tolist()
            if not target:
                continue
            found = fuzz.partial_ratio_alignment(ids, target)
            if found is None or found.score == 0:
                continue
            if len(ids) <= len(target):
                guesses.append((found.score, p, target, found.dest_start, found.dest_end))
            else:  # the whole paragraph lies inside the span
                guesses.append((found.score, p, target, 0, len(target)))
        guesses.sort(key=lambda g: -g[0])
        best: tuple[_Paragraph, int, int, float] | None = None
        for _, p, target, a0, b0 in guesses[:FITTED]:
            a, b, similarity = _fit(ids, target, a0, b0, p.sentence_of, p.piece_of)
            if best is None or similarity > best[3]:
                best = (p, a, b, similarity)
        return best

    def _found(
        self,
        span: Span,
        verdict: str,
        p: _Paragraph,
        a: int,
        b: int,
        similarity: float,
        differs: tuple[Difference, ...],
        meaning: np.ndarray,
        claimed: str | None,
    ) -> SpanCheck:
        """A verbatim or close verdict: the sentences around words a..b of paragraph p, and the speaker."""
        start, end = p.spans[a][0], p.spans[b - 1][1]
        covering = [s for s in p.sentences if s.end > start and s.start < end] or [p.sentences[0]]
        first, last = covering[0], covering[-1]
        speaker = next(
            (q.speaker for q in p.quotations if q.start <= start and end <= q.end + 1 and q.speaker), None
        )
        return SpanCheck(
            quote=span.text,
            verdict=verdict,
            article_text=p.text[first.start : last.end],
            citation=self._cite(first.chunk),
            chunk_id=first.chunk.id,
            similarity=round(similarity, 4),
            meaning=round(float(max(meaning[s.row] for s in covering)), 4),
            differs=differs,
            speaker=speaker,
            claimed=claimed,
            truncated=span.truncated,
        )


def _shared(a: Sequence[int], b: Sequence[int]) -> int:
    """Words the two share in order (their longest common subsequence)."""
    return (len(a) + len(b) - Indel.distance(a, b)) // 2


def _fit(
    ids: Sequence[int],
    target: Sequence[int],
    a0: int,
    b0: int,
    sentence_of: Sequence[int],
    piece_of: Sequence[int],
) -> tuple[int, int, float]:
    """The window of `target` near a0..b0 that best matches `ids`, and its similarity.

    Each end may move by _SLACK to MAX_SLACK words (a span that drops or adds a phrase still lines
    up). The window shares the most words with the span, in order, and is the shortest that does (so
    it begins and ends on shared words); then, when the span begins or ends with words the article
    does not have there, the window takes in as many of the article's words at that end (within the
    same sentence, on the same side of a quotation mark), so that a changed last word shows as changed
    rather than added ("I would like…" for the article's `House: "I’d like…"` showed "House I’d").
    Similarity: 2 × shared words / (span words + window words).
    """
    slack = max(_SLACK, min(MAX_SLACK, len(ids) // 2))
    best = (a0, b0, -1, 0)
    for a in range(max(0, a0 - slack), min(len(target) - 1, a0 + slack) + 1):
        for b in range(max(a + 1, b0 - slack), min(len(target), b0 + slack) + 1):
            shared = _shared(ids, target[a:b])
            if shared > best[2] or (shared == best[2] and b - a < best[1] - best[0]):
                best = (a, b, shared, 0)
    a, b, shared, _ = best
    if shared > 0:
        a, b, shared = _reach(ids, target, a, b, shared, sentence_of)
        blocks = difflib.SequenceMatcher(
            None, list(ids), list(target[a:b]), autojunk=False
        ).get_matching_blocks()
        head = blocks[0].a  # span words before the first shared one
        last = [m for m in blocks if m.size][-1]
        tail = len(ids) - (last.a + last.size)  # span words after the last shared one
        while head and a > 0 and piece_of[a - 1] == piece_of[a]:
            a, head = a - 1, head - 1
        while tail and b < len(target) and piece_of[b] == piece_of[b - 1]:
            b, tail = b + 1, tail - 1
    return a, b, 2 * shared / (len(ids) + (b - a))


def _reach(
    ids: Sequence[int], target: Sequence[int], a: int, b: int, shared: int, sentence_of: Sequence[int]
) -> tuple[int, int, int]:
    """The window a..b widened, within its first and last sentences, to where it shares REACH_GAIN or
    more further words of the span, when it stays close (CLOSE_SIMILARITY): a phrase the span leaves out
    may be longer than the slack ("Con Edison has raised rates", where the article has "Con Edison,
    serving 3.1 million residential customers, has raised rates", showed as "Con Edison" changed into
    "residential customers", a trial found). One stray word far off ("at") is no such phrase."""

    def close(start: int, end: int, found: int) -> bool:
        return found >= shared + REACH_GAIN and 2 * found / (len(ids) + end - start) >= CLOSE_SIMILARITY

    starts = [a]
    for start in range(a - 1, -1, -1):
        if sentence_of[start] != sentence_of[a]:
            break
        starts.append(start)
    start = max(starts, key=lambda x: (_shared(ids, target[x:b]), x))  # the nearest of the best
    if close(start, b, found := _shared(ids, target[start:b])):
        a, shared = start, found
    ends = [b]
    for end in range(b + 1, len(target) + 1):
        if sentence_of[end - 1] != sentence_of[b - 1]:
            break
        ends.append(end)
    end = max(ends, key=lambda y: (_shared(ids, target[a:y]), -y))  # the nearest of the best
    if close(a, end, found := _shared(ids, target[a:end])):
        b, shared = end, found
    return a, b, shared


def _differences(
    words: Sequence[str], surface: Sequence[str], article: Sequence[str], p: _Paragraph, a: int
) -> tuple[Difference, ...]:
    """Word-level differences between the span and the article's words a.. of paragraph p."""
    shown = [p.text[x:y] for x, y in p.spans[a : a + len(article)]]
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, list(words), list(article), autojunk=False
    ).get_opcodes():
        if op != "equal":
            out.append(Difference(" ".join(surface[i1:i2]), " ".join(shown[j1:j2])))
    return tuple(out)


def _runs(words: Sequence[str], run: Sequence[str]) -> Iterator[int]:
    """Where `run` occurs in `words`, in order: the index of its first word, each time."""
    n, first, whole = len(run), run[0], tuple(run)
    return (i for i in range(len(words) - n + 1) if words[i] == first and tuple(words[i : i + n]) == whole)


def _outside(text: str) -> str:
    """Text with any quoted piece blanked (a name inside another quotation is not who speaks)."""
    for a, b in quoted_pieces(text):
        text = text[:a] + " " * (b - a) + text[b:]
    return text
