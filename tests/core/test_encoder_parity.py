"""The serving encoder (ONNX) agrees with the reference (sentence-transformers) on our own texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.config import ROOT
from bot.core.answer import Answerer
from bot.core.embedding import SentenceTransformerEmbedder
from bot.core.evaluation import evaluate, evaluate_followups, read_followups
from bot.core.training import read_questions

DEV = ROOT / "eval" / "dev.jsonl"
HOLDOUT = ROOT / "eval" / "holdout.jsonl"
FOLLOWUPS = ROOT / "tests" / "data" / "followups.jsonl"


@pytest.fixture(scope="module")
def reference() -> SentenceTransformerEmbedder:
    """The encoder the index was built with."""
    return SentenceTransformerEmbedder()


def test_vectors_match_on_every_chunk_sentence_and_dev_question(answerer: Answerer, reference) -> None:
    index = answerer.index
    texts = [c.search_text for c in index.chunks]
    texts += sorted({s.text for c in index.chunks for s in c.sentences})
    texts += [q.text for q in read_questions(DEV) + read_questions(HOLDOUT)]
    onnx = answerer.retriever.embedder.encode(texts)
    ref = reference.encode(texts)
    cosines = np.sum(onnx * ref, axis=1)
    assert cosines.min() >= 0.999, texts[int(np.argmin(cosines))]


def test_vectors_match_for_questions_asked_one_at_a_time(answerer: Answerer, reference) -> None:
    """Serving encodes a lone question without padding: that path is held to the same bar."""
    texts = [q.text for q in read_questions(DEV) + read_questions(HOLDOUT)]
    onnx = np.vstack([answerer.retriever.embedder.encode([t]) for t in texts])
    cosines = np.sum(onnx * reference.encode(texts), axis=1)
    assert cosines.min() >= 0.999, texts[int(np.argmin(cosines))]


def test_committed_chunk_vectors_are_what_the_serving_encoder_computes(answerer: Answerer) -> None:
    stored = answerer.index.chunk_vectors()
    fresh = answerer.retriever.embedder.encode([c.search_text for c in answerer.index.chunks])
    assert np.sum(stored * fresh, axis=1).min() >= 0.999


@pytest.fixture(scope="module")
def served_with_reference(answerer: Answerer, reference) -> Answerer:
    """The same index and model, questions encoded by sentence-transformers instead."""
    r = answerer.retriever
    return Answerer(answerer.index, reference, r.model, r.speller, answerer.intents.model, r.highlighter)


@pytest.mark.parametrize("path", [DEV, HOLDOUT], ids=["dev", "holdout"])
def test_eval_figures_agree_within_one_question_with_either_encoder(
    answerer: Answerer, served_with_reference: Answerer, path: Path
) -> None:
    # The 8-bit encoder's vectors differ from torch's in the fourth decimal; a near tie between two
    # passages (or at the abstain threshold) may fall the other way, so one question of slack.
    questions = read_questions(path)
    with_onnx = evaluate(answerer, questions)
    with_reference = evaluate(served_with_reference, questions)
    for figure, n in (
        ("hit1", with_onnx.answerable),
        ("hit3", with_onnx.answerable),
        ("mrr5", with_onnx.answerable),
        ("answered", with_onnx.answerable),
        ("abstained", with_onnx.unanswerable),
        ("highlight", with_onnx.answerable),
    ):
        assert abs(getattr(with_onnx, figure) - getattr(with_reference, figure)) <= 1 / n + 1e-9, figure


def test_follow_up_figures_agree_within_one_question_with_either_encoder(
    answerer: Answerer, served_with_reference: Answerer
) -> None:
    pairs = read_followups(FOLLOWUPS)
    with_onnx = evaluate_followups(answerer, pairs)
    with_reference = evaluate_followups(served_with_reference, pairs)
    for figure, n in (
        ("hit1_with", with_onnx.dependent),
        ("hit1_without", with_onnx.dependent),
        ("standalone_hit1_with", with_onnx.standalone),
        ("answered_with", with_onnx.n - with_onnx.unanswerable),
        ("answered_without", with_onnx.n - with_onnx.unanswerable),
    ):  # one question of slack, as above
        assert abs(getattr(with_onnx, figure) - getattr(with_reference, figure)) <= 1 / n + 1e-9, figure
