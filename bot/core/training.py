"""Learn the retrieval model from hand-written training questions: query adapter, fusion, abstainer."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from bot.core.embedding import Embedder
from bot.core.files import unreadable
from bot.core.highlight import FEATURES as HIGHLIGHT_FEATURES
from bot.core.highlight import HIGHLIGHT_SHARE, HighlightModel
from bot.core.index import Index
from bot.core.lexical import LexicalIndex
from bot.core.model import COMPONENTS, EXPANSION_TEXT_MAX, FEATURES, RetrievalModel, adapt
from bot.core.retrieval import Retriever
from bot.core.spelling import Speller
from bot.core.text import LETTER_OR_DIGIT, contains, has_lone_surrogates, shares_run

log = logging.getLogger(__name__)

T = TypeVar("T")

FOLDS = 5
# Fusion weights tried for (chunk, sentence, question, lexical); chosen out of fold.
WEIGHT_GRID = tuple(
    (c, s, q, lx)
    for c in (0.0, 0.5, 1.0)
    for s in (0.0, 0.5, 1.0)
    for q in (0.0, 0.3, 0.6, 1.0)
    for lx in (0.0, 0.1, 0.2, 0.3, 0.5)
    if c or s
)
# Later excerpts that answer when the first does not, which the support gap must keep (out of fold).
KEEP_HELPFUL = 0.95
SUPPORT_DEPTH = 3  # the excerpts an answer shows at most by default
# Answerables that the abstainer may wrongly decline, measured out of fold.
TARGET_ANSWER_RATE = 0.99
# Where the bot speaks unasked (ask-channels, where people also chat), it answers only questions it is
# surer of: the bar that answers this share of the answerable training questions out of fold.
CHANNEL_ANSWER_RATE = 0.95


class TrainingDataError(ValueError):
    """The training files cannot train the model as they are; the message is one sentence."""


class MalformedFile(TrainingDataError):
    """A JSON-lines file (training questions, evaluation sets) has a line that is not what it should be."""


@dataclass(frozen=True)
class Question:
    """A question with the article substrings that answer it (none when it is unanswerable)."""

    text: str
    gold: tuple[str, ...]
    gold_all: bool = False
    kind: str = ""
    id: str = ""

    @property
    def answerable(self) -> bool:
        """Whether the article answers it."""
        return bool(self.gold)


@dataclass(frozen=True)
class AdapterSettings:
    """Hyper-parameters of the query adapter (chosen once, by cross-validation on training data)."""

    temperature: float = 0.05
    steps: int = 300
    learning_rate: float = 2e-3
    identity_pull: float = 0.02  # keeps W near the identity: the base model stays the prior
    unanswerable_weight: float = 10.0
    unanswerable_margin: float = 0.3  # unanswerable questions' best cosine is pushed below this
    seed: int = 0


# What JSON calls the values a line may hold instead of an object.
_JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "true or false",
               type(None): "null"}  # fmt: skip


def read_json_lines(path: Path, what: str, parse: Callable[[int, dict], T]) -> list[T]:
    """Parse each non-blank line of a JSON-lines file; MalformedFile naming the line if one is not `what`."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark some editors write is not text
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedFile(f"Cannot read {path} as UTF-8 text ({unreadable(exc)}).") from exc
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line.removeprefix("\ufeff"))  # files joined with `cat` keep their marks
            if not isinstance(item, dict):
                raise ValueError(f"a JSON {_JSON_KINDS.get(type(item), 'value')}, not an object")
            out.append(parse(n, item))
        except KeyError as exc:
            raise MalformedFile(f"{path}:{n}: not {what} (it has no {exc} field).") from exc
        except (ValueError, TypeError, AttributeError, RecursionError) as exc:
            raise MalformedFile(f"{path}:{n}: not {what} ({exc}).") from exc
    return out


def has_words(text: str) -> bool:
    """Whether a question of a file holds a letter or a digit (a lone NUL is cleaned away to nothing)."""
    return LETTER_OR_DIGIT.search(text) is not None and not has_lone_surrogates(text)


def gold_places(value: object, field: str = "gold") -> tuple[str, ...]:
    """A list of article substrings as a question file gives them (TypeError / ValueError if it is not
    one): each must hold a word, since a blank one is found in every passage and scores every answer a
    hit."""
    if not isinstance(value, list) or not all(isinstance(g, str) for g in value):
        raise TypeError(f'"{field}" must be a list of strings')
    if not all(LETTER_OR_DIGIT.search(g) for g in value):
        raise ValueError(f'a place in "{field}" is blank: it would be found in every passage')
    return tuple(value)


def read_questions(path: Path) -> list[Question]:
    """Read a JSON-lines question file (`question`, `gold`, optional `gold_all`, `kind`, `id`).

    `gold` is required: an empty list says the article does not answer, and a file of bare questions
    would otherwise be scored as if every one of them were to be declined."""

    def parse(n: int, d: dict) -> Question:
        gold = gold_places(d["gold"])
        if not isinstance(d["question"], str):
            raise TypeError('"question" must be a string')
        if not has_words(d["question"]):
            raise ValueError("the question has no words or holds text that is not valid Unicode")
        return Question(
            d["question"],
            gold,
            bool(d.get("gold_all", False)),
            d.get("kind", ""),
            str(d.get("id", n)),
        )

    return read_json_lines(path, "a question object", parse)


def positives(index: Index, questions: Sequence[Question]) -> np.ndarray:
    """(n_questions, n_chunks) mask of chunks containing one of each question's gold strings."""
    mask = np.zeros((len(questions), len(index.chunks)), dtype=bool)
    for i, q in enumerate(questions):
        for j, c in enumerate(index.chunks):
            mask[i, j] = any(contains(c.text, g) for g in q.gold)
    return mask


def train_adapter(
    questions: np.ndarray,
    pos: np.ndarray,
    chunks: np.ndarray,
    unanswerable: np.ndarray,
    settings: AdapterSettings,
) -> np.ndarray:
    """A (dim, dim) linear map on query vectors that ranks each question's gold chunks first."""
    import torch  # build-time only: serving never imports torch

    torch.manual_seed(settings.seed)
    # One thread: the result is then the same on every machine, and it is faster at this size.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _fit_adapter(torch, questions, pos, chunks, unanswerable, settings)
    finally:
        torch.set_num_threads(threads)


def _fit_adapter(torch, questions, pos, chunks, unanswerable, settings: AdapterSettings) -> np.ndarray:
    """The optimisation loop of `train_adapter`."""
    dim = chunks.shape[1]
    eye = torch.eye(dim)
    w = torch.nn.Parameter(eye.clone())
    q = torch.from_numpy(questions.astype(np.float32))
    c = torch.from_numpy(chunks.astype(np.float32))
    u = torch.from_numpy(unanswerable.astype(np.float32))
    p = torch.from_numpy(pos)
    keep = p.any(dim=1)
    q, p = q[keep], p[keep]
    opt = torch.optim.Adam([w], lr=settings.learning_rate)
    for _ in range(settings.steps):
        opt.zero_grad()
        qa = torch.nn.functional.normalize(q @ w, dim=1)
        logits = qa @ c.T / settings.temperature
        # Softmax over every chunk of the corpus; the gold chunks share the probability mass.
        loss = (torch.logsumexp(logits, 1) - torch.logsumexp(logits.masked_fill(~p, -1e9), 1)).mean()
        if len(u):
            ua = torch.nn.functional.normalize(u @ w, dim=1)
            top = (ua @ c.T).max(dim=1).values
            hinge = torch.relu(top - settings.unanswerable_margin).pow(2).mean()
            loss = loss + settings.unanswerable_weight * hinge
        loss = loss + settings.identity_pull * (w - eye).pow(2).sum()
        loss.backward()
        opt.step()
    return w.detach().numpy().astype(np.float32)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 3000
) -> tuple[np.ndarray, float]:
    """Plain L2-regularised logistic regression by gradient descent; weights on unscaled features."""
    mu, sd = x.mean(0), x.std(0) + 1e-6
    z = (x - mu) / sd
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = p - y
        w -= 0.1 * (z.T @ g / len(y) + l2 * w)
        b -= 0.1 * g.mean()
    return w / sd, float(b - np.dot(w / sd, mu))


def fit_listwise(
    groups: Sequence[np.ndarray], labels: Sequence[np.ndarray], l2: float = 1e-2, steps: int = 2000
) -> np.ndarray:
    """Linear weights that put a right candidate first in each group: softmax over each group's
    candidates, maximising the probability of its right ones (groups without one are skipped)."""
    kept = [(x, y) for x, y in zip(groups, labels, strict=True) if y.any() and len(y) > 1]
    if not kept:
        return np.zeros(groups[0].shape[1] if groups else 0)
    every = np.concatenate([x for x, _ in kept])
    mu, sd = every.mean(0), every.std(0) + 1e-6
    # Groups padded to one (groups, candidates, features) array; padding is masked out of the softmax.
    width = max(len(y) for _, y in kept)
    x = np.zeros((len(kept), width, every.shape[1]))
    want = np.zeros((len(kept), width))
    real = np.zeros((len(kept), width), dtype=bool)
    for g, (xg, yg) in enumerate(kept):
        x[g, : len(yg)] = (xg - mu) / sd
        want[g, : len(yg)] = yg / yg.sum()
        real[g, : len(yg)] = True
    w = np.zeros(every.shape[1])
    for _ in range(steps):
        s = np.where(real, x @ w, -np.inf)
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        grad = np.einsum("gc,gcf->f", p - want, x) / len(kept) + l2 * w
        w -= 0.5 * grad
    return w / sd


@dataclass(frozen=True)
class TrainingReport:
    """Out-of-fold figures on the training questions (never on the evaluation sets)."""

    questions: int
    unanswerable: int
    weights: tuple[float, ...]
    oof_hit1: float
    oof_answer_rate: float
    oof_abstain_rate: float
    highlight: HighlightModel = field(default_factory=HighlightModel.default)  # the bold-line model
    oof_highlight: float = 0.0  # highlight@gold of the training questions, out of fold
    oof_highlight_hit1: float = 0.0  # hit@1 once the passage holding the bold line goes first


def sentence_positives(index: Index, questions: Sequence[Question]) -> np.ndarray:
    """(n_questions, n_sentences) mask of the index's sentences that share a long run with a gold string."""
    texts = [""] * len(index.sentence_vectors)
    for chunk, rows in zip(index.chunks, index.sentence_rows, strict=True):
        for sentence, row in zip(chunk.sentences, rows, strict=True):
            texts[row] = sentence.text
    mask = np.zeros((len(questions), len(texts)), dtype=bool)
    for i, q in enumerate(questions):
        for j, t in enumerate(texts):
            mask[i, j] = any(shares_run(t, g, HIGHLIGHT_SHARE) for g in q.gold)
    return mask


def expansion_model(
    adapter: np.ndarray,
    vectors: np.ndarray,
    pos: np.ndarray,
    refusals: np.ndarray,
    sentence_pos: np.ndarray,
    texts: Sequence[str],
) -> RetrievalModel:
    """An untrained-abstainer model carrying an adapter and the training questions it knows: their
    vectors, the sentences and chunks that hold their gold, and their texts."""
    rows, cols = np.nonzero(pos)
    srows, scols = np.nonzero(sentence_pos)
    return replace(
        RetrievalModel.untrained(adapter.shape[0]),
        adapter=adapter,
        expansions=adapt(vectors, adapter).astype(np.float32),
        expansion_chunks=np.stack([rows, cols], 1).astype(np.int64),
        refusals=adapt(refusals, adapter).astype(np.float32) if len(refusals) else refusals,
        expansion_sentences=np.stack([srows, scols], 1).astype(np.int64),
        expansion_texts=tuple(t[:EXPANSION_TEXT_MAX] for t in texts),
    )


def _full_components(r: Retriever, text: str, vector: np.ndarray, n: int) -> np.ndarray:
    """Every chunk's score components (chunks that were not candidates score 0)."""
    s = r.score(text, vector)
    out = np.zeros((len(COMPONENTS), n), np.float32)
    out[:, s.positions] = s.components
    return out


@dataclass(frozen=True, eq=False)
class TrainingSet:
    """The training questions ready to learn from: vectors, where their gold lies, and their folds."""

    answerable: list[Question]
    unanswerable: list[Question]
    vectors: np.ndarray  # of the answerable questions
    refusals: np.ndarray  # vectors of the unanswerable ones
    chunks: np.ndarray  # (questions, chunks): the chunk holds the question's gold
    sentences: np.ndarray  # (questions, sentences): the sentence shares a long run with the gold
    folds: np.ndarray  # fold of each answerable question
    refusal_folds: np.ndarray  # fold of each unanswerable one


def training_set(index: Index, embedder: Embedder, questions: Sequence[Question], seed: int) -> TrainingSet:
    """Split, encode and locate the gold of the questions (TrainingDataError if a gold is in no chunk)."""
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    if not answerable:
        raise TrainingDataError("The training files hold no answerable question (one with gold text).")
    pos = positives(index, answerable)
    lost = [q.text for q, c in zip(answerable, pos.any(1), strict=True) if not c]
    if lost:
        raise TrainingDataError(
            f"{len(lost)} training question(s) have gold text in no passage (a heading is not a passage), "
            f"e.g. {lost[0]!r}; fix or remove them in the training files."
        )
    rng = np.random.default_rng(seed)
    return TrainingSet(
        answerable,
        unanswerable,
        embedder.encode([q.text for q in answerable]),
        embedder.encode([q.text for q in unanswerable]),
        pos,
        sentence_positives(index, answerable),
        rng.permutation(len(answerable)) % FOLDS,
        rng.permutation(len(unanswerable)) % FOLDS,
    )


def fold_models(
    index: Index, embedder: Embedder, t: TrainingSet, settings: AdapterSettings
) -> tuple[list[RetrievalModel], np.ndarray]:
    """One model per fold, trained without it, and every answerable question's score components from
    the model that never saw it: (models, (questions, components, chunks))."""
    chunks = index.chunk_vectors()
    n = len(chunks)
    components = np.zeros((len(t.answerable), len(COMPONENTS), n), np.float32)
    lexical = LexicalIndex([c.search_text for c in index.chunks])  # for the words of the questions
    models = []
    for f in range(FOLDS):
        kept, kept_refusals = t.folds != f, t.refusal_folds != f
        adapter = train_adapter(t.vectors[kept], t.chunks[kept], chunks, t.refusals[kept_refusals], settings)
        texts = [t.answerable[i].text for i in np.nonzero(kept)[0]]
        model = expansion_model(
            adapter, t.vectors[kept], t.chunks[kept], t.refusals[kept_refusals], t.sentences[kept], texts
        )
        line_adapter = train_adapter(
            t.vectors[kept], t.sentences[kept], index.sentence_vectors, t.refusals[kept_refusals], settings
        )
        asked = lexical.words_of(texts)
        model = replace(model, line_adapter=line_adapter, asked_words=asked)
        models.append(model)
        r = Retriever(index, embedder, model)
        for i in np.nonzero(~kept)[0]:
            components[i] = _full_components(r, t.answerable[i].text, t.vectors[i], n)
    return models, components


def choose_weights(
    components: np.ndarray, pos: np.ndarray, checks: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[tuple[float, ...], float]:
    """The fusion weights of WEIGHT_GRID that put a gold passage first for the most questions (then the
    best MRR), and their out-of-fold hit@1. The questions are the training questions, out of fold, and
    `checks` (components, gold mask) if given: questions never trained on, in other people's words,
    which together count at most as much as the training questions."""
    sets = [(components, pos, 1.0)]
    if checks is not None and len(checks[1]):
        sets.append((*checks, min(1.0, len(pos) / len(checks[1]))))

    def ranks(w: tuple[float, ...], comps: np.ndarray, gold: np.ndarray) -> np.ndarray:
        fused = np.einsum("c,qcn->qn", np.asarray(w, np.float32), comps)
        order = np.argsort(-fused, axis=1, kind="stable")  # ties as serving breaks them
        return np.argmax(np.take_along_axis(gold, order, axis=1), axis=1) + 1

    def quality(w: tuple[float, ...]) -> tuple[float, float]:
        found = [(ranks(w, c, g), share) for c, g, share in sets]
        return (
            round(sum(share * np.count_nonzero(r == 1) for r, share in found), 6),
            sum(share * float(np.sum(1 / r)) for r, share in found),
        )

    weights = max(WEIGHT_GRID, key=quality)
    oof = ranks(weights, components, pos)
    if len(sets) > 1:
        log.info(
            "fusion weights %s: hit@1 %.3f out of fold, %.3f on the %d check questions (in sample: they "
            "chose the weights)",
            weights,
            float(np.mean(oof == 1)),
            float(np.mean(ranks(weights, *sets[1][:2]) == 1)),
            len(sets[1][1]),
        )
    return weights, float(np.mean(oof == 1))


def check_components(
    index: Index, embedder: Embedder, model: RetrievalModel, checks: Sequence[Question]
) -> tuple[np.ndarray, np.ndarray]:
    """The score components and gold masks of the check questions under `model` (trained on every
    training question, none of them a check question)."""
    gold = positives(index, checks)
    found = gold.any(axis=1)
    if not found.all():
        # A check question whose gold is in no passage would count as found first by any weights.
        log.warning(
            "%d check question(s) have gold text in no passage and are left out of the weight choice, "
            "e.g. %r",
            int((~found).sum()),
            next(q.text for q, f in zip(checks, found, strict=True) if not f),
        )
        checks = [q for q, f in zip(checks, found, strict=True) if f]
        gold = gold[found]
    n = len(index.chunks)
    if not checks:
        return np.zeros((0, len(COMPONENTS), n), np.float32), gold
    r = Retriever(index, embedder, model)
    vectors = embedder.encode([q.text for q in checks])
    return np.stack([_full_components(r, q.text, v, n) for q, v in zip(checks, vectors, strict=True)]), gold


def fit_abstainer(
    index: Index, embedder: Embedder, t: TrainingSet, models: Sequence[RetrievalModel]
) -> tuple[np.ndarray, float, float, float, float, float]:
    """Logistic regression over out-of-fold retrieval features, and the thresholds that answer
    TARGET_ANSWER_RATE and CHANNEL_ANSWER_RATE of the answerable questions: (weights, bias, threshold,
    answered, declined, channel threshold)."""
    feats, labels = [], []
    for f, model in enumerate(models):
        r = Retriever(index, embedder, model)
        for i in np.nonzero(t.folds == f)[0]:
            feats.append(r.score(t.answerable[i].text, t.vectors[i]).features)
            labels.append(1)
        for i in np.nonzero(t.refusal_folds == f)[0]:
            feats.append(r.score(t.unanswerable[i].text, t.refusals[i]).features)
            labels.append(0)
    x, y = np.array(feats), np.array(labels, dtype=float)
    coef, bias = fit_logistic(x, y)
    probs = 1 / (1 + np.exp(-(x @ coef + bias)))
    threshold = float(np.quantile(probs[y == 1], 1 - TARGET_ANSWER_RATE))
    answered = float((probs[y == 1] >= threshold).mean())
    declined = float((probs[y == 0] < threshold).mean()) if (y == 0).any() else 0.0
    channel = max(threshold, float(np.quantile(probs[y == 1], 1 - CHANNEL_ANSWER_RATE)))
    if (y == 0).any():
        log.info(
            "ask-channel bar %.3f: declines %.3f out of fold",
            channel,
            float((probs[y == 0] < channel).mean()),
        )
    return coef, bias, threshold, answered, declined, channel


def train_model(
    index: Index,
    embedder: Embedder,
    questions: Sequence[Question],
    settings: AdapterSettings | None = None,
    speller: Speller | None = None,
    checks: Sequence[Question] = (),
) -> tuple[RetrievalModel, TrainingReport]:
    """Choose fusion weights, the abstainer, the support gap and the bold-line model out of fold, then
    fit the adapter on every question. `checks`, answerable questions never trained on (the check sets'),
    join the out-of-fold questions in choosing the fusion weights only."""
    settings = settings or AdapterSettings()
    if speller:
        questions = [replace(q, text=speller.correct(q.text)) for q in questions]
        checks = [replace(q, text=speller.correct(q.text)) for q in checks]
    t = training_set(index, embedder, questions, settings.seed)
    models, components = fold_models(index, embedder, t, settings)
    adapter = train_adapter(t.vectors, t.chunks, index.chunk_vectors(), t.refusals, settings)
    line_adapter = train_adapter(t.vectors, t.sentences, index.sentence_vectors, t.refusals, settings)
    # Every answerable question is kept by all folds but its own: the union is the words of all of them.
    asked = frozenset().union(*(m.asked_words for m in models))
    full = replace(
        expansion_model(
            adapter, t.vectors, t.chunks, t.refusals, t.sentences, [q.text for q in t.answerable]
        ),
        line_adapter=line_adapter,
        asked_words=asked,
    )
    # Out of fold, a question's siblings (other wordings of the same gold, by the same writers) are
    # in training, which flatters the components read from the training questions' words; the check
    # questions, in other people's words, temper that (docs/experiments.md, thirty-seventh session).
    check = check_components(index, embedder, full, [q for q in checks if q.answerable])
    weights, oof_hit1 = choose_weights(components, t.chunks, check)
    models = [replace(m, weights=weights) for m in models]
    support_gap = choose_support_gap(
        np.einsum("c,qcn->qn", np.asarray(weights, np.float32), components), t.chunks
    )
    coef, bias, threshold, answered, declined, channel = fit_abstainer(index, embedder, t, models)
    highlighter, hl_figures = train_highlighter(index, embedder, t.answerable, t.vectors, t.folds, models)
    model = replace(
        full,
        weights=weights,
        abstain_weights=tuple(float(c) for c in coef),
        abstain_bias=bias,
        abstain_threshold=threshold,
        channel_threshold=channel,
        support_gap=support_gap,
    )
    report = TrainingReport(
        len(t.answerable),
        len(t.unanswerable),
        weights,
        oof_hit1,
        answered,
        declined,
        highlighter,
        *hl_figures,
    )
    log.info("trained: %s; abstainer %s", report, dict(zip(FEATURES, np.round(coef, 3), strict=True)))
    return model, report


# How many top passages the bold line may be taken from (the best of them then goes first).
PASSAGE_CHOICES = (1, 2, 3)


def train_highlighter(
    index: Index,
    embedder: Embedder,
    questions: Sequence[Question],
    vectors: np.ndarray,
    folds: np.ndarray,
    fold_models: Sequence[RetrievalModel],
) -> tuple[HighlightModel, tuple[float, float]]:
    """Learn the bold-line model from the training questions' gold, with out-of-fold retrieval.

    Each question's candidates come from the fold model that never saw it. For each choice of how many
    passages the line may come from, a logistic model is fitted on four folds of questions and tried on
    the fifth; the choice with the best highlight@gold (then hit@1) is refitted on every question.
    """
    most = max(PASSAGE_CHOICES)
    per_question: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for f, model in enumerate(fold_models):
        r = Retriever(index, embedder, model, highlighter=replace(HighlightModel.default(), passages=most))
        for i in np.nonzero(folds == f)[0]:
            q = questions[i]
            s = r.score(q.text, vectors[i])
            chosen = r.excerpts_of(s, most)
            positions = [int(s.positions[j]) for j in chosen]
            found, x = r.bold_line.candidates(
                q.text, s.query, vectors[i], positions, [float(s.fused[j]) for j in chosen]
            )
            right = np.array([any(shares_run(c.text, g, HIGHLIGHT_SHARE) for g in q.gold) for c in found])
            ranks = np.array([c.rank for c in found])
            answers = np.array([any(contains(index.chunks[p].text, g) for g in q.gold) for p in positions])
            per_question.append((x, right, ranks, answers))

    def fit(rows: Sequence[int], passages: int) -> tuple[np.ndarray, float]:
        xs = [per_question[i][0][per_question[i][2] < passages] for i in rows]
        ys = [per_question[i][1][per_question[i][2] < passages] for i in rows]
        return fit_listwise(xs, ys), 0.0

    def pick(i: int, coef: np.ndarray, bias: float, passages: int) -> tuple[bool, bool]:
        x, right, ranks, answers = per_question[i]
        allowed = np.nonzero(ranks < passages)[0]
        best = allowed[int(np.argmax(x[allowed] @ coef + bias))]
        return bool(right[best]), bool(answers[ranks[best]])

    order = np.arange(len(questions))
    outcomes: dict[int, np.ndarray] = {}  # per question: (bold line right, first passage answers)
    for passages in PASSAGE_CHOICES:
        hits = np.zeros((len(questions), 2), dtype=bool)
        for f in range(len(fold_models)):
            coef, bias = fit(order[folds != f], passages)
            for i in order[folds == f]:
                hits[i] = pick(i, coef, bias, passages)
        outcomes[passages] = hits
        log.info("bold line from %d passage(s): highlight@gold %.3f, hit@1 %.3f (out of fold)",
                 passages, *hits.mean(0))  # fmt: skip
    passages = _simplest_that_is_not_clearly_beaten(outcomes)
    results = {p: (float(o[:, 0].mean()), float(o[:, 1].mean())) for p, o in outcomes.items()}
    coef, bias = fit(order, passages)
    model = HighlightModel(tuple(float(c) for c in coef), bias, passages)
    log.info("bold-line model: %s", dict(zip(HIGHLIGHT_FEATURES, np.round(coef, 3), strict=True)))
    return model, results[passages]


def _simplest_that_is_not_clearly_beaten(outcomes: dict[int, np.ndarray]) -> int:
    """The fewest passages, unless more win clearly: a paired gain in highlight@gold (and no loss in
    hit@1) of over two standard errors across the training questions."""
    base = min(outcomes)
    chosen = base
    for passages in sorted(outcomes):
        if passages == base:
            continue
        lost = outcomes[passages][:, 1].mean() < outcomes[base][:, 1].mean()
        if not lost and clearly_better(outcomes[passages][:, 0], outcomes[base][:, 0]):
            chosen = passages
    return chosen


def clearly_better(a: np.ndarray, b: np.ndarray, errors: float = 2.0) -> bool:
    """Whether outcome a beats outcome b (one value per item, paired) by over `errors` standard errors of
    the paired difference; never with fewer than two items, which have no standard error."""
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if len(diff) < 2:
        return False
    return bool(diff.mean() > 0 and diff.mean() > errors * diff.std(ddof=1) / np.sqrt(len(diff)))


def choose_support_gap(fused: np.ndarray, pos: np.ndarray) -> float:
    """How far below the first excerpt's score a later one may fall and still be shown.

    From the training questions whose first excerpt misses the answer but a later one (within
    SUPPORT_DEPTH) has it, out of fold: the gap that keeps KEEP_HELPFUL of those later excerpts.
    """
    gaps = []
    for scores, answers in zip(fused, pos, strict=True):
        order = np.argsort(-scores)[:SUPPORT_DEPTH]
        if answers[order[0]]:
            continue
        found = [j for j in order[1:] if answers[j]]
        if found:
            gaps.append(float(scores[order[0]] - scores[found[0]]))
    if not gaps:
        return math.inf
    gap = float(np.quantile(gaps, KEEP_HELPFUL))
    log.info("support gap %.3f keeps %.0f%% of %d helpful later excerpts", gap, 100 * KEEP_HELPFUL, len(gaps))
    return gap
