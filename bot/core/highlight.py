"""Which sentence of the retrieved passages answers the question: the line shown in bold.

Each candidate is a unit of a top passage (a sentence, with any short fragment joined to the sentence it
completes; the sentences of one quotation together) and is scored by a logistic model over a few
features: how close its sentences are to the question (adapted and plain vectors), how many of the
question's words it has, how its passage ranked,
whether it holds what the question asks for (a date for "when", a number for "how many", a name for
"who"...), its length, and whether it is itself a question. The weights are learned at index time from
the training questions, whose gold substrings mark the answering sentences, with out-of-fold retrieval.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.attribution import quotations, quoted_by_name, surname
from bot.core.chunking import Chunk, Sentence, laid_out
from bot.core.context import Said, blended_overlap
from bot.core.denial import denies_what_is_asked
from bot.core.files import LOAD_ERRORS, Damage, read_json, reason
from bot.core.fusion import best_of, padded
from bot.core.index import REBUILD, Index, IndexCorrupt, IndexMissing, IndexStale
from bot.core.lexical import LexicalIndex
from bot.core.model import RetrievalModel
from bot.core.speakers import asked_about
from bot.core.text import MONTHS, WORD_OF_LETTERS, fold, quoted_pieces

log = logging.getLogger(__name__)

MODEL_FILE = "highlight.json"
FEATURES = (
    "adapted",  # best cosine of the unit's sentences with the adapted question vector
    "plain",  # ... with the plain question vector
    "words",  # share of the question's content words the unit has
    "asked",  # best cosine with the training questions that this unit answers
    "passage_gap",  # the passage's fused score minus the best passage's
    "top_passage",  # 1 for units of the first passage
    "type_found",  # the question asks for a date / number / name / place / reason, and the unit has one
    "type_missing",  # it asks for one and the unit has none
    "length",  # log of the unit's words
    "asks",  # the unit ends with a question mark ("The median one-bedroom rent?")
    "first",  # the unit opens its passage
    "line",  # best cosine of the unit's sentences with the question read by the answer-line adapter
    "other_speaker",  # the question asks what one of the quoted people said; the unit quotes only others
)
# The kinds of answer that a line gives plainly or not at all (a date, a figure), and how far below the
# best line's score one that gives the kind asked for may be and still be bold. Out of fold on train/, with
# each fold's bold-line model, no training question's line moves at any margin: those that open with
# "when" or "how many" already get a line with a date or a figure. Of the 3,624 training, check and test
# questions, 1 reply moves at 2.0, 2 at 3.0, 6 at 4.0 and 7 with no bound, all of questions the article
# does not answer, and the reply with no bound is worse ("how many other cities r dealing with similar
# housing crises" bolded the GDP; docs/experiments.md, thirtieth session).
MEASURED_TYPES = frozenset({"time", "number"})
MEASURED_TYPE_MARGIN = 2.0
_WORDS = FEATURES.index("words")  # the share of the question's content words a line has
# What may come before the question word that opens a question: the kind asked for is the question's own
# ("when will they meet again?"), not a clause's ("what did trump say when asked…", "me when…").
_OPENING = re.compile(r"\W*(?:(?:and|so|but|ok|okay)\W+)?", re.IGNORECASE)
# A bold line is right when it shares one run of at least this share of the shorter of it and a gold
# place (highlight@gold, the metric; also what training calls a right line).
HIGHLIGHT_SHARE = 0.6
MAX_PASSAGES = 10  # the most passages a saved model may take the bold line from (training tries 1 to 3)
FRAGMENT_WORDS = 3  # a sentence of at most this many words is a fragment, not a statement

_MONTHS = "|".join(MONTHS)
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    # type: (what the question looks like, what an answer to it holds)
    "time": (
        re.compile(r"\b(when|what (year|date|day|month|time)|how long ago|since when)\b", re.I),
        re.compile(
            rf"\b({_MONTHS}|\d{{4}}|yesterday|today|last (week|month|year)|later|earlier|ago)\b", re.I
        ),
    ),
    "number": (
        re.compile(
            r"\b(how (many|much|old|big|large|high|long|far)|what (percent|share|number|age))\b", re.I
        ),
        re.compile(
            r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|million|billion)\b", re.I
        ),
    ),
    "person": (
        re.compile(r"\b(who|whom|whose)\b", re.I),
        re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b"),
    ),
    "place": (
        re.compile(r"\bwhere\b", re.I),
        re.compile(r"\b(in|at|on|from|to)\s+(the\s+)?[A-Z]"),
    ),
    "reason": (
        re.compile(r"\b(why|what for|for what reason|how come)\b", re.I),
        re.compile(r"\b(because|since|so that|to (?:\w+)|as a|reason|after|wants?|needs?)\b", re.I),
    ),
}


def asked_types(question: str) -> set[str]:
    """The kinds of answer a question asks for (none for most "what" questions)."""
    return {t for t, (ask, _) in ANSWER_TYPES.items() if ask.search(question)}


def held_types(text: str) -> set[str]:
    """The kinds of answer a sentence holds."""
    return {t for t, (_, holds) in ANSWER_TYPES.items() if holds.search(text)}


def units(
    sentences: Sequence[Sentence], opens_paragraph: bool = True, quoted: frozenset[int] = frozenset()
) -> list[tuple[int, int]]:
    """Runs of sentences (first, last) in which each fragment joins the sentence before it, and so does
    each sentence that goes on with a quotation the one before it opened (its start is in `quoted`): one
    quoted statement is one line.

    A fragment that opens a paragraph ("Possibly." answering an FAQ) joins the sentence after it; one
    that opens the chunk in mid-paragraph finished a sentence outside the chunk, so it stays alone.
    """
    runs: list[list[int]] = []  # [first, last, words]
    for i, sentence in enumerate(sentences):
        words = len(sentence.text.split())
        # Only the first unit can be all fragments: later fragments always find a sentence before them.
        leading = opens_paragraph and len(runs) == 1 and runs[0][2] <= FRAGMENT_WORDS
        if runs and (words <= FRAGMENT_WORDS or leading or sentence.start in quoted):
            runs[-1][1] = i
            runs[-1][2] += words
        else:
            runs.append([i, i, words])
    return [(r[0], r[1]) for r in runs]


def paragraph_of(chunk: Chunk) -> tuple:
    """What names the paragraph a chunk lies in (an FAQ answer is its own paragraph)."""
    return (chunk.doc, chunk.section, chunk.paragraph, chunk.question)


def _paragraph_texts(chunks: Sequence[Chunk]) -> list[tuple[tuple, str, int, list[Sentence]]]:
    """Each paragraph rebuilt from its overlapping chunks: (`paragraph_of` its chunks, its text, the
    offset of its first sentence, its sentences in order)."""
    paragraphs: dict[tuple, dict[int, Sentence]] = {}
    for c in chunks:
        paragraphs.setdefault(paragraph_of(c), {}).update((s.start, s) for s in c.sentences)
    out = []
    for key, by_start in paragraphs.items():
        ordered = [by_start[k] for k in sorted(by_start)]
        out.append((key, laid_out(ordered), ordered[0].start, ordered))
    return out


def inside_quotations(chunks: Sequence[Chunk]) -> dict[str, frozenset[int]]:
    """Per document, the starts of the sentences that go on with a quotation opened before them in
    their paragraph and closed in it (read whole: a chunk may begin inside a quotation)."""
    found: dict[str, set[int]] = {c.doc: set() for c in chunks}
    for (doc, *_), whole, base, ordered in _paragraph_texts(chunks):
        # Only a quotation that closes: an opener never closed (a typo, a stray mark) would otherwise
        # take the rest of the paragraph into one bold line.
        pieces = [(a, b) for a, b in quoted_pieces(whole) if b < len(whole)]
        for before, s in zip(ordered, ordered[1:], strict=False):
            if any(a < before.end - base and b > s.start - base for a, b in pieces):
                found[doc].add(s.start)
    return {doc: frozenset(starts) for doc, starts in found.items()}


def sentence_speakers(chunks: Sequence[Chunk], shortest: int = 1) -> list[list[frozenset[str]]]:
    """Per chunk and sentence, the folded surnames of the people whose quoted words it holds, each
    quotation read in its whole paragraph: a chunk may begin inside a quotation, whose closing mark would
    open one if the chunk were read alone, and a `"…," he said` is the words of the one quoted by name
    elsewhere in the same article whom the sentence before opens with (bot.core.attribution). Only
    quotations of at least `shortest` words count: `Mamdani had labeled Trump a "fascist."` quotes a
    label, which answers what he called Trump, but makes no statement."""
    paragraphs = _paragraph_texts(chunks)
    by_doc: dict[str, list[str]] = {}
    for (doc, *_), text, _, _ in paragraphs:
        by_doc.setdefault(doc, []).append(text)
    named = {doc: quoted_by_name(texts) for doc, texts in by_doc.items()}  # whom a "he said" may be
    spans: dict[tuple, list[tuple[int, int, str]]] = {}  # per paragraph: (start, end, surname)
    for key, text, base, _ in paragraphs:
        spans[key] = [
            (base + q.start, base + q.end, person)
            for q in quotations(text, named[key[0]])
            if (person := surname(q.speaker)) is not None and len(text[q.start : q.end].split()) >= shortest
        ]
    return [
        [frozenset(p for a, b, p in spans[paragraph_of(c)] if s.start < b and a < s.end) for s in c.sentences]
        for c in chunks
    ]


@dataclass(frozen=True)
class Candidate:
    """A unit of one passage that may be shown in bold."""

    rank: int  # 0-based rank of its passage among the hits
    first: int  # its first and last sentence within the passage
    last: int
    text: str


def unit_features(
    wanted: set[str],
    adapted: np.ndarray,
    plain: np.ndarray,
    words: np.ndarray,
    asked: np.ndarray,
    line: np.ndarray,
    candidate: Candidate,
    passage_gap: float,
    unit_count_first: bool,
    other_speaker: bool = False,
) -> np.ndarray:
    """The FEATURES of one candidate; `wanted` is what the question asks for (`asked_types`), and
    `adapted`/`plain`/`words`/`asked`/`line` are per sentence of its passage."""
    span = slice(candidate.first, candidate.last + 1)
    held = held_types(candidate.text) if wanted else set()
    return np.array(
        [
            float(adapted[span].max()),
            float(plain[span].max()),
            float(words[span].max()),
            float(asked[span].max()),
            passage_gap,
            1.0 if candidate.rank == 0 else 0.0,
            1.0 if wanted & held else 0.0,
            1.0 if wanted and not wanted & held else 0.0,
            math.log(1 + len(candidate.text.split())),
            1.0 if candidate.text.rstrip().rstrip('"”’').endswith("?") else 0.0,
            1.0 if unit_count_first else 0.0,
            float(line[span].max()),
            1.0 if other_speaker else 0.0,
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True)
class HighlightModel:
    """Logistic weights over FEATURES, and how many passages the bold line may come from."""

    weights: tuple[float, ...]
    bias: float
    passages: int = 1  # 1: always from the first passage; more: the best unit of the top few, moved first

    @classmethod
    def default(cls) -> HighlightModel:
        """Before training: the closest sentence of the first passage, word overlap counting a little."""
        w = {"adapted": 1.0, "words": 0.3}
        return cls(tuple(w.get(f, 0.0) for f in FEATURES), 0.0, 1)

    def score(self, features: np.ndarray) -> np.ndarray:
        """A score per row of features (higher: more likely the answering line)."""
        return features @ np.asarray(self.weights) + self.bias

    def save(self, folder: Path) -> None:
        """Write the model beside the index."""
        meta = {"features": list(FEATURES), "weights": list(self.weights), "bias": self.bias,
                "passages": self.passages}  # fmt: skip
        (folder / MODEL_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> HighlightModel:
        """Read the model saved beside an index (IndexMissing / IndexStale / IndexCorrupt)."""
        path = folder / MODEL_FILE
        if not path.exists():
            raise IndexMissing(f"The highlight model in {folder} is missing; build it with `{REBUILD}`.")
        try:
            meta = read_json(path)
            if tuple(meta["features"]) != FEATURES:
                raise IndexStale(
                    f"The highlight model in {folder} was trained by another version of the bot, for other "
                    f"features; rebuild it with `{REBUILD}`."
                )
            weights = tuple(float(w) for w in meta["weights"])
            if len(weights) != len(FEATURES) or not all(map(math.isfinite, weights)):
                raise Damage("its weights are not one finite number per feature")
            bias, passages = float(meta["bias"]), meta["passages"]
            if not math.isfinite(bias) or type(passages) is not int or not 1 <= passages <= MAX_PASSAGES:
                raise Damage(f"its bias or its number of passages (1 to {MAX_PASSAGES}) is not one")
            return cls(weights, bias, passages)
        except LOAD_ERRORS as exc:
            raise IndexCorrupt(
                f"The highlight model in {folder} is damaged ({reason(exc, MODEL_FILE)}); "
                f"rebuild it with `{REBUILD}`."
            ) from exc


class Highlighter:
    """Chooses the bold line among the units of the top passages of a question (see the module)."""

    def __init__(
        self, index: Index, lexical: LexicalIndex, model: RetrievalModel, weights: HighlightModel
    ) -> None:
        self.index = index
        self.lexical = lexical
        self.model = model
        self.weights = weights
        by_sentence: list[list[int]] = [[] for _ in range(len(index.sentence_vectors))]
        for row, sentence in model.expansion_sentences:
            by_sentence[int(sentence)].append(int(row))
        self._sentence_expansions = padded(by_sentence)
        # Whether a chunk's first sentence opens its paragraph (else it continues one before the chunk).
        paragraphs = [paragraph_of(c) for c in index.chunks]
        opening: dict[tuple, int] = {}
        for para, c in zip(paragraphs, index.chunks, strict=True):
            opening[para] = min(opening.get(para, c.start), c.start)
        self._opens = [c.start == opening[para] for para, c in zip(paragraphs, index.chunks, strict=True)]
        self._quoted = inside_quotations(index.chunks)
        # Per chunk and sentence, the folded surnames of the people it quotes ("what did mamdani say about
        # trump" bolded Trump's words about Mamdani); together, everyone the article quotes.
        self._speakers = sentence_speakers(index.chunks)
        self.people: frozenset[str] = frozenset().union(*(s for c in self._speakers for s in c))
        # ... and whose statements it quotes, a label of a word or three aside (`quotes`, `quoting`).
        self._statements = sentence_speakers(index.chunks, FRAGMENT_WORDS + 1)
        self._quoting = [frozenset().union(*c) for c in self._statements]

    def quotes(self, position: int) -> frozenset[str]:
        """The folded surnames of the people whose statements the chunk at `position` quotes (more than
        FRAGMENT_WORDS words; `sentence_speakers`)."""
        return self._quoting[position]

    def candidates(
        self,
        question: str,
        q: np.ndarray,
        raw: np.ndarray,
        positions: Sequence[int],
        fused: Sequence[float],
        context: Sequence[Said] = (),
    ) -> tuple[list[Candidate], np.ndarray]:
        """The units of the first `weights.passages` hits that may be shown in bold, and their features.

        With `context`, word overlap is the weighted mean over the messages that have content words.
        """
        found: list[Candidate] = []
        rows_out: list[np.ndarray] = []
        plain_q = raw / max(float(np.linalg.norm(raw)), 1e-12)
        wanted = asked_types(question)  # once per question, not per candidate
        whose = self.asked_people(question)
        # The answer line is the follow-up's own business (see Retriever.rank_in_context): read from `raw`.
        line_q = self.model.line_query(raw)
        for rank, position in enumerate(positions[: self.weights.passages]):
            chunk = self.index.chunks[position]
            rows = self.index.sentence_rows[position]
            if not rows:
                continue
            vectors = self.index.sentence_vectors[list(rows)]
            texts = [t.text for t in chunk.sentences]
            words = blended_overlap(self.lexical, question, texts, context)
            adapted, plain = vectors @ q, vectors @ plain_q
            line = vectors @ line_q if line_q is not None else adapted
            # How close the question is to training questions answered by each sentence.
            asked = best_of(self.model.expansions, self._sentence_expansions[list(rows)], q)
            runs = units(chunk.sentences, self._opens[position], self._quoted[chunk.doc])
            for n, (first, last) in enumerate(runs):
                a, b = chunk.sentences[first], chunk.sentences[last]
                text = chunk.text[a.start - chunk.start : b.end - chunk.start]
                candidate = Candidate(rank, first, last, text)
                found.append(candidate)
                gap = fused[rank] - fused[0]
                quoted = set().union(*self._speakers[position][first : last + 1])
                other = bool(whose and quoted and not quoted & whose)
                rows_out.append(
                    unit_features(wanted, adapted, plain, words, asked, line, candidate, gap, n == 0, other)
                )
        return found, np.array(rows_out).reshape(len(rows_out), len(FEATURES))

    def unit_from(self, position: int, sentence: int) -> tuple[int, int]:
        """The bold line that opens at the `sentence`-th sentence of the chunk at `position` (first, last
        sentence): it, and what joins it as a bold line is read (fragments, the rest of a quotation)."""
        chunk = self.index.chunks[position]
        runs = units(chunk.sentences, self._opens[position], self._quoted[chunk.doc])
        return sentence, next(last for first, last in runs if first <= sentence <= last)

    def asked_people(self, question: str) -> frozenset[str]:
        """The quoted people (folded surnames) whose words or views the question asks for, by name."""
        who = asked_about(question)
        return self.people_named(who) if who is not None else frozenset()

    def people_named(self, words: str) -> frozenset[str]:
        """The quoted people (folded surnames) that `words` name ("mr trump" → trump)."""
        return frozenset(w for w in WORD_OF_LETTERS.findall(fold(words)) if w in self.people)

    def opens_statement_of(self, position: int) -> frozenset[str]:
        """Whose statements the chunk at `position` quotes, leaving out the end of one it opens inside."""
        chunk = self.index.chunks[position]
        inside = self._quoted[chunk.doc]
        statements = self._statements[position]
        start = next((n for n, s in enumerate(chunk.sentences) if s.start not in inside), len(statements))
        return frozenset().union(*statements[start:])

    def _said_in(self, position: int, unit: Candidate) -> frozenset[str]:
        """Whose statements a unit of the chunk at `position` quotes."""
        return frozenset().union(*self._statements[position][unit.first : unit.last + 1])

    def person_named(self, words: str) -> str | None:
        """The one quoted person (folded surname) that `words` name, ending with the name ("mr trump" →
        trump), or None: "the one-time trump aide" or "mamdani's team" is someone else, and "trump and
        mamdani" two people."""
        found = WORD_OF_LETTERS.findall(fold(words))
        named = self.people_named(words)
        return found[-1] if found and named == {found[-1]} else None

    def quoting(self, position: int, person: str) -> list[str]:
        """The sentences of the chunk at `position` that quote a statement of `person` (a folded surname)."""
        chunk = self.index.chunks[position]
        return [
            s.text
            for s, who in zip(chunk.sentences, self._statements[position], strict=True)
            if person in who
        ]

    def choose(
        self,
        question: str,
        q: np.ndarray,
        raw: np.ndarray,
        positions: Sequence[int],
        fused: Sequence[float],
        context: Sequence[Said] = (),
        speaker: str | None = None,
    ) -> tuple[int, Sentence | None]:
        """The rank of the hit holding the answering line, and that line (q: adapted vector, raw: plain);
        with a `speaker` (a folded surname), a line quoting a statement of theirs if there is one (their
        passage was put first for it: bot.core.retrieval.Retriever._quoted_first)."""
        found, features = self.candidates(question, q, raw, positions, fused, context)
        if not found:
            return 0, None
        scores = self.weights.score(features)
        order = np.argsort(-scores, kind="stable")
        if speaker is not None:
            said = [i for i in order if speaker in self._said_in(positions[found[i].rank], found[i])]
            order = np.array(said or order)
        stems = self.lexical.content_stems
        # The best unit that does not only deny what is asked (bot.core.denial); the best if all do.
        kept = [i for i in order if not denies_what_is_asked(question, found[i].text, stems)] or [order[0]]
        # A question for a time or a count is answered by a line that gives one, if one scores nearly as
        # well ("when will they meet again?" bolded "Trump confirmed they'll meet again." over "The next
        # meeting is expected before the November 3, 2026 midterm elections").
        opening = question[_OPENING.match(question).end() :]
        wanted = {t for t in MEASURED_TYPES if ANSWER_TYPES[t][0].match(opening)}
        if wanted and not wanted & held_types(found[kept[0]].text):
            near = scores[kept[0]] - MEASURED_TYPE_MARGIN
            # ... and is about what is asked: a date of something else is no answer ("when will the
            # compact be signed?" bolded the next meeting's date).
            about = features[:, _WORDS] > 0
            gives = [i for i in kept if scores[i] >= near and about[i] and wanted & held_types(found[i].text)]
            kept = gives + kept
        best = found[kept[0]]
        chunk = self.index.chunks[positions[best.rank]]
        a, b = chunk.sentences[best.first], chunk.sentences[best.last]
        if best.first == best.last:
            return best.rank, a
        return best.rank, Sentence(best.text, a.start, b.end)
