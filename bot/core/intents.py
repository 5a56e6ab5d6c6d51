"""What a message is before it is searched: a request for help, chatter, a request for a summary, or a
question (which retrieval then answers or declines).

A message is compared with hand-written examples of each kind (train/intents/intents.jsonl) and with the
training questions: each kind's closeness is the mean similarity of its few nearest examples, so one
example that happens to share a word ("who built you" for "building what exactly?") does not decide alone.
The closest kind wins when it is close enough and clearly closer than the questions about the article. How
many neighbours count and both bars are chosen out of fold on the training files when the index is built.
A message that is an example's own words (case and punctuation aside) takes that example's kind.

Some examples are matched by their words alone (`"match": "words"`): thanks and greetings in other languages
("gracias", "merci", "bonjour"). The English encoder has no place for them: as neighbours they drew
Spanish questions ("que decia la carta escrita a mano") to the thanks, and their words would have counted
as English for the language reading.
"""

from __future__ import annotations

import json
import logging
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.files import LOAD_ERRORS, Damage, load_array, read_json, reason
from bot.core.index import REBUILD, IndexCorrupt, IndexMissing
from bot.core.kinds import Kind
from bot.core.text import LETTER_OR_DIGIT, WORD, has_lone_surrogates
from bot.core.training import clearly_better, read_json_lines

log = logging.getLogger(__name__)

# The kinds a message-kind example may have: a reply kind read from its neighbours, or a question to search.
INTENTS = (Kind.HELP, Kind.CHATTER, Kind.OVERVIEW)
QUESTION = "question"
VECTORS_FILE = "intents.npz"
SETTINGS_FILE = "intents.json"
EXAMPLES_FILE = Path("intents") / "intents.jsonl"  # under the training folder
# The share of training questions that may be taken for chatter, help or a summary request (out of fold).
MAX_QUESTIONS_MISREAD = 0.01
SIMILARITY_GRID = tuple(round(0.25 + 0.025 * i, 3) for i in range(27))  # 0.25 .. 0.90
MARGIN_GRID = tuple(round(0.025 * i, 3) for i in range(13))  # 0 .. 0.30
SAME_TEXT = 1 - 1e-5  # vectors this alike are the same text
NEIGHBOUR_CHOICES = (1, 2, 3, 4, 6, 8)  # how many nearest examples of a kind its closeness averages
# More neighbours are taken only when they read clearly more examples right than fewer: by over two
# standard errors of the paired difference, as the bold line's passage count is chosen (bot.core.training).
CLEARLY_BETTER = 2.0
# Longer than any word of a language written with spaces ("antidisestablishmentarianism" has 28 letters).
LONGEST_WORD = 40


def message_key(text: str) -> str:
    """A message's words, casefolded: "What is this?" and "what is this" are the same message."""
    return " ".join(WORD.findall(text.casefold()))


@dataclass(frozen=True)
class Example:
    """A hand-written message of one kind; `group` says which friendly line answers chatter."""

    text: str
    kind: str
    group: str = ""
    words_only: bool = False  # matched by its own words only, never as a neighbour (`"match": "words"`)


@dataclass(frozen=True)
class Intent:
    """What a message was read as: one of INTENTS (or a kind read before them: the language note, a sum
    declined), with the chatter group of the nearest example."""

    kind: Kind
    group: str = ""
    similarity: float = 0.0


def read_examples(path: Path) -> list[Example]:
    """Read the message examples (`text`, `kind` in INTENTS or QUESTION, optional `group`, optional
    `"match": "words"` for an example matched by its own words only).

    QUESTION examples are messages to search rather than to answer with a fixed reply: short questions
    that look like chatter or help ("who is he?") but ask about the article, and requests that look like
    a summary request but are about something else ("summarize the french revolution"), which the search
    then declines. They count with the training questions. ValueError if a line is malformed.
    """

    def parse(n: int, d: dict) -> Example:
        text = d["text"]
        if d["kind"] not in (*INTENTS, QUESTION) or not isinstance(text, str) or not text.strip():
            raise ValueError(f"kind must be one of {', '.join((*INTENTS, QUESTION))} and text non-empty")
        if has_lone_surrogates(text):
            raise ValueError("the text holds characters that are not valid Unicode")
        if d.get("match", "meaning") not in ("meaning", "words"):
            raise ValueError('match must be "words" (by its own words only) or left out')
        return Example(d["text"], d["kind"], str(d.get("group", "")), d.get("match") == "words")

    return read_json_lines(path, "an intent example", parse)


@dataclass(frozen=True)
class IntentModel:
    """Example vectors with their kinds (training questions as QUESTION), how many neighbours count,
    and the two bars."""

    vectors: np.ndarray  # (n, dim), unit length, from the plain encoder (no query adapter)
    kinds: tuple[str, ...]
    groups: tuple[str, ...]
    min_similarity: float  # the closest kind must be at least this close ...
    margin: float  # ... and this much closer than the training questions
    neighbours: int = 1  # a kind's closeness: the mean similarity of its this many nearest examples
    keys: tuple[str, ...] = ()  # message_key of each example, in the order of the first rows
    # Examples matched by their own words only, as (message_key, kind, group): no vector, no neighbour.
    phrases: tuple[tuple[str, str, str], ...] = ()

    def save(self, folder: Path) -> None:
        """Write the model beside the index."""
        np.savez(folder / VECTORS_FILE, vectors=self.vectors.astype(np.float16))
        meta = {
            "kinds": list(self.kinds),
            "groups": list(self.groups),
            "min_similarity": self.min_similarity,
            "margin": self.margin,
            "neighbours": self.neighbours,
            "keys": list(self.keys),
            "phrases": [list(p) for p in self.phrases],
        }
        (folder / SETTINGS_FILE).write_text(json.dumps(meta) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> IntentModel:
        """Read the model saved beside an index (IndexMissing / IndexCorrupt)."""
        if not (folder / SETTINGS_FILE).exists():
            raise IndexMissing(f"The message-kind model in {folder} is missing; build it with `{REBUILD}`.")
        try:
            meta = read_json(folder / SETTINGS_FILE)
            vectors = load_array(folder / VECTORS_FILE)["vectors"].astype(np.float32)
            model = cls(
                vectors,
                tuple(meta["kinds"]),
                tuple(meta["groups"]),
                float(meta["min_similarity"]),
                float(meta["margin"]),
                int(meta.get("neighbours", 1)),
                tuple(meta.get("keys", ())),
                tuple(tuple(p) for p in meta.get("phrases", ())),
            )
            if len(model.kinds) != len(vectors) or len(model.groups) != len(vectors):
                raise Damage("kinds and vectors differ in number")
            if not all(isinstance(g, str) for g in model.groups):
                raise Damage("a group is not a name")
            if not all(k in (*INTENTS, QUESTION) for k in model.kinds):
                raise Damage(f"a kind is not one of {', '.join((*INTENTS, QUESTION))}")
            if not (math.isfinite(model.min_similarity) and math.isfinite(model.margin)):
                raise Damage("a bar is not a number")
            if model.neighbours < 1:
                raise Damage("the number of neighbours is not positive")
            if len(model.keys) > len(vectors) or not all(isinstance(k, str) for k in model.keys):
                raise Damage("the examples' keys do not fit the vectors")
            if not np.isfinite(vectors).all():
                raise Damage("a vector is not finite")
            if not all(
                len(p) == 3 and all(isinstance(x, str) for x in p) and p[1] in (*INTENTS, QUESTION)
                for p in model.phrases
            ):
                raise Damage("a phrase is not a key, a kind and a group")
            return model
        except LOAD_ERRORS as exc:
            raise IndexCorrupt(
                f"The message-kind model in {folder} is damaged ({reason(exc)}); rebuild it with `{REBUILD}`."
            ) from exc


# Emoji that say what a word of chatter would: a wave greets ("👋" is a common first message), folded
# hands thank, a peace sign says goodbye. Any other lone emoji or sign is a reaction ("ack").
_SIGN_GROUPS = {"👋": "greeting", "🙏": "thanks", "✌": "bye"}


def sign_group(text: str) -> str:
    """The chatter group of a message of signs alone: the group of its emoji when they all say the same
    (skin tones, variation selectors and punctuation aside: "👋🏽", "✌️", "👋!"), else "ack"."""
    signs = {c for c in text if not c.isspace() and unicodedata.category(c) not in ("Mn", "Me", "Sk", "Cf")}
    emoji = {c for c in signs if not unicodedata.category(c).startswith("P")}  # "👋!" waves too
    groups = {_SIGN_GROUPS.get(c) for c in emoji or signs}
    return groups.pop() if len(groups) == 1 and None not in groups else "ack"


class IntentReader:
    """Reads messages as help, chatter, summary requests, or questions (None)."""

    def __init__(self, model: IntentModel) -> None:
        self.model = model
        kinds = np.array(model.kinds)
        self._rows = {k: np.nonzero(kinds == k)[0] for k in (*INTENTS, QUESTION)}
        # An example's own message (those with vectors first, then the phrases matched by words only):
        # the kind and group it says.
        self._examples: dict[str, tuple[str, str]] = {}
        for row, key in enumerate(model.keys):
            self._examples.setdefault(key, (model.kinds[row], model.groups[row]))
        for key, kind, group in model.phrases:
            self._examples.setdefault(key, (kind, group))

    def read(self, text: str, vector: np.ndarray) -> Intent | None:
        """The intent of a message with unit vector `vector`, or None for a question about the article."""
        if not LETTER_OR_DIGIT.search(text):
            # A lone emoji or punctuation: nothing to search.
            return Intent(Kind.CHATTER, sign_group(text), 1.0)
        if all(len(w) > LONGEST_WORD for w in WORD.findall(text)):
            # No word at all ("aaaa…" 200 times, a key held down): nothing a person says to the bot,
            # though its vector can sit near a goodbye. It is searched, and declined.
            return None
        said = self._examples.get(message_key(text))
        if said is not None:  # an example's own words ("gracias" too): its kind, whatever its neighbours
            kind, group = said
            return None if kind == QUESTION else Intent(Kind(kind), group, 1.0)
        sims = self.model.vectors @ vector
        n = self.model.neighbours
        best = {k: float(nearest_means(sims[None, rows], n)[0]) for k, rows in self._rows.items()}
        kind = max(INTENTS, key=lambda k: best[k])
        if best[kind] < self.model.min_similarity or best[kind] - best[QUESTION] < self.model.margin:
            return None
        rows = self._rows[kind]
        nearest = int(rows[np.argmax(sims[rows])])
        return Intent(kind, self.model.groups[nearest], best[kind])


def choose_bars(vectors: np.ndarray, kinds: Sequence[str]) -> tuple[float, float, int, float]:
    """The (min_similarity, margin, neighbours) that read most intent examples right, each left out in
    turn, while taking at most MAX_QUESTIONS_MISREAD of the training questions for an intent; and that
    accuracy. The fewest neighbours that the best choice does not read clearly more examples right than
    (`fewest_not_clearly_beaten`) are taken."""
    kinds_arr = np.array(kinds)
    if not (kinds_arr != QUESTION).any() or len(kinds_arr) < 2:
        return 1.0, 1.0, 1, 0.0  # no examples to learn from: never read a message as anything but a question
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)  # leave each example out of its own reading ...
    sims[sims > SAME_TEXT] = -np.inf  # ... with its copies ("how much?" is an example and a refusal)
    is_intent = kinds_arr != QUESTION
    per_count: dict[int, tuple[tuple[float, float, int], np.ndarray]] = {}
    for n in NEIGHBOUR_CHOICES:
        choice, right, read = (1.0, 1.0, n), -1.0, np.zeros(int(is_intent.sum()), bool)
        closeness = {k: nearest_means(sims[:, kinds_arr == k], n) for k in (*INTENTS, QUESTION)}
        intent_closeness = np.stack([closeness[k] for k in INTENTS])
        guess = np.array(INTENTS)[np.argmax(intent_closeness, axis=0)]
        top = intent_closeness.max(axis=0)
        gap = top - closeness[QUESTION]
        for s in SIMILARITY_GRID:
            for m in MARGIN_GRID:
                taken = (top >= s) & (gap >= m)
                misread = float(taken[~is_intent].mean()) if (~is_intent).any() else 0.0
                if misread > MAX_QUESTIONS_MISREAD:
                    continue
                correct = (taken & (guess == kinds_arr))[is_intent]
                if correct.mean() > right:
                    choice, right, read = (s, m, n), float(correct.mean()), correct
        per_count[n] = choice, read
    n = fewest_not_clearly_beaten({n: read for n, (_, read) in per_count.items()})
    return *per_count[n][0], float(per_count[n][1].mean())


def fewest_not_clearly_beaten(outcomes: dict[int, np.ndarray]) -> int:
    """The smallest setting whose examples read right (one bool per example) the best setting does not
    beat clearly: by over CLEARLY_BETTER standard errors of the paired difference. Between near-equal
    choices the pick would otherwise swing with every few examples added."""
    best = max(outcomes, key=lambda n: (outcomes[n].mean(), -n))
    return min(n for n in outcomes if not clearly_better(outcomes[best], outcomes[n], CLEARLY_BETTER))


def nearest_means(sims: np.ndarray, n: int) -> np.ndarray:
    """Per row, the mean of its n largest finite similarities (all of them when fewer; -1 when none: a
    kind without examples, or only the left-out example itself at -inf)."""
    if not sims.shape[1]:
        return np.full(len(sims), -1.0)
    top = np.partition(sims, sims.shape[1] - n, axis=1)[:, -n:] if sims.shape[1] > n else sims
    finite = np.isfinite(top)
    counts = finite.sum(axis=1)
    totals = np.where(finite, top, 0.0).sum(axis=1)
    return np.where(counts > 0, totals / np.maximum(counts, 1), -1.0)


def train_intents(examples: Sequence[Example], question_texts: Sequence[str], encode) -> IntentModel:
    """Encode the examples and the training questions and choose the bars out of fold; the examples
    matched by their words only are kept aside as phrases."""
    phrases = tuple((message_key(e.text), e.kind, e.group) for e in examples if e.words_only)
    examples = [e for e in examples if not e.words_only]
    texts = [e.text for e in examples] + list(question_texts)
    vectors = np.asarray(encode(texts), dtype=np.float32)
    kinds = [e.kind for e in examples] + [QUESTION] * len(question_texts)
    groups = [e.group for e in examples] + [""] * len(question_texts)
    similarity, margin, neighbours, accuracy = choose_bars(vectors, kinds)
    log.info(
        "message kinds: %d nearest examples, min similarity %.3f, margin %.3f; "
        "%.3f of examples read right out of fold",
        neighbours,
        similarity,
        margin,
        accuracy,
    )
    keys = tuple(message_key(e.text) for e in examples)
    return IntentModel(vectors, tuple(kinds), tuple(groups), similarity, margin, neighbours, keys, phrases)
