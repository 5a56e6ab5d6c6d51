"""Training on a small corpus with the fixed-vector embedder: every learned part, and its failures."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.core.corpus import corpus_hash, load_corpus
from bot.core.embedding import Embedder
from bot.core.index import Index, build_index, load_index
from bot.core.model import COMPONENTS, FEATURES
from bot.core.training import (
    WEIGHT_GRID,
    Question,
    TrainingDataError,
    _simplest_that_is_not_clearly_beaten,
    choose_support_gap,
    fit_listwise,
    fit_logistic,
    sentence_positives,
    train_model,
)
from tests.core.test_answer import FAIR

# Each fact of the fair is asked three ways; two questions the fair does not answer.
ASKED = [
    ("When did the village fair open?", "The village fair opened on Saturday morning."),
    ("fair opening day", "The village fair opened on Saturday morning."),
    ("What day was the fair?", "The village fair opened on Saturday morning."),
    ("Who cut the ribbon?", "The mayor cut a red ribbon at nine."),
    ("what colour was the ribbon the mayor cut", "The mayor cut a red ribbon at nine."),
    ("ribbon cutting time", "The mayor cut a red ribbon at nine."),
    ("How much were the apple pies?", "The bakery sold apple pies for four dollars."),
    ("price of a pie at the bakery", "The bakery sold apple pies for four dollars."),
    ("What did the bakery sell?", "The bakery sold apple pies for four dollars."),
    ("What was the lemonade money for?", "raise money for library books"),
    ("why did the school sell lemonade", "raise money for library books"),
    ("lemonade stand purpose", "raise money for library books"),
    ("What was the weather like?", "Rain fell heavily in the afternoon."),
    ("did it rain at the fair", "Rain fell heavily in the afternoon."),
    ("Where did everyone go when it rained?", "Everyone moved into the big white tent."),
    ("who won the pumpkin contest", "Farmer Giles won with a giant orange pumpkin."),
    ("What was the prize for the pumpkin?", "His prize was a silver cup."),
    ("pumpkin contest prize", "His prize was a silver cup."),
]
UNANSWERED = ["How many people came to the fair?", "What did the band play?"]


@pytest.fixture
def fair_index(write_corpus: Callable[..., Path], fake_embedder: Embedder) -> Index:
    """The fair corpus indexed with the fake embedder."""
    folder = write_corpus({"fair.md": FAIR})
    out = folder.parent / "fair-index"
    build_index(load_corpus(folder), fake_embedder, out, "training", corpus_hash(folder))
    return load_index(out)


def questions() -> list[Question]:
    return [Question(q, (g,)) for q, g in ASKED] + [Question(q, ()) for q in UNANSWERED]


def test_training_learns_every_part_out_of_fold(fair_index: Index, fake_embedder: Embedder) -> None:
    model, report = train_model(fair_index, fake_embedder, questions())
    assert model.weights in WEIGHT_GRID and len(model.weights) == len(COMPONENTS)
    assert len(model.abstain_weights) == len(FEATURES) and 0 < model.abstain_threshold < 1
    assert model.adapter.shape == (fake_embedder.dim, fake_embedder.dim)
    assert len(model.expansions) == len(ASKED) and len(model.refusals) == len(UNANSWERED)
    assert len(model.expansion_sentences) >= len(ASKED)  # every gold lies in at least one sentence
    assert model.support_gap > 0
    assert report.questions == len(ASKED) and report.unanswerable == len(UNANSWERED)
    assert 0 <= report.oof_highlight <= 1 and report.highlight.passages in (1, 2, 3)
    assert all(math.isfinite(w) for w in report.highlight.weights)
    model.check(fair_index)  # what was learned fits the index it was trained for


def test_the_words_people_ask_with_count_as_covered_only_when_learned_without_the_question(
    fair_index: Index, fake_embedder: Embedder
) -> None:
    """Coverage counts a question's words found in the article or in the training questions; the
    abstainer learns from fold models, which must not know the held-out question's own words."""
    from bot.core.lexical import LexicalIndex
    from bot.core.training import AdapterSettings, fold_models, training_set

    lexical = LexicalIndex([c.search_text for c in fair_index.chunks])
    assert lexical.coverage("fair opening colour") == pytest.approx(2 / 3)  # "colour" is not in the fair
    assert lexical.coverage("fair opening colour", frozenset({"colour"})) == 1.0
    model, _ = train_model(fair_index, fake_embedder, questions())
    assert {"colour", "purpos"} <= model.asked_words  # from "what colour..." and "lemonade stand purpose"
    assert "band" not in model.asked_words  # an unanswered question's words are not how people ask
    t = training_set(fair_index, fake_embedder, questions(), seed=0)
    models, _ = fold_models(fair_index, fake_embedder, t, AdapterSettings())
    for f, fold_model in enumerate(models):
        held_out = [q.text for q, g in zip(t.answerable, t.folds, strict=True) if g == f]
        kept = [q.text for q, g in zip(t.answerable, t.folds, strict=True) if g != f]
        assert fold_model.asked_words == lexical.words_of(kept)
        assert held_out and not lexical.words_of(held_out) <= fold_model.asked_words


def test_a_question_whose_gold_is_a_heading_is_an_error(fair_index: Index, fake_embedder: Embedder) -> None:
    bad = [*questions(), Question("what is the food section called", ("Food",))]
    with pytest.raises(TrainingDataError, match="gold text in no passage"):
        train_model(fair_index, fake_embedder, bad)


def test_sentence_positives_mark_the_sentences_that_hold_the_gold(fair_index: Index) -> None:
    mask = sentence_positives(fair_index, [Question("q", ("raise money for library books",))])
    rows = np.nonzero(mask[0])[0]
    texts = {s.text for c in fair_index.chunks for s in c.sentences}
    assert len(rows) == 1 and any("library books" in t for t in texts)


def test_listwise_weights_put_the_marked_candidate_first() -> None:
    rng = np.random.default_rng(0)
    groups, labels = [], []
    for _ in range(40):
        x = rng.normal(size=(5, 3))
        right = int(rng.integers(5))
        x[right, 1] += 3.0  # feature 1 marks the right candidate; the others are noise
        groups.append(x)
        labels.append(np.arange(5) == right)
    w = fit_listwise(groups, labels)
    assert np.argmax(np.abs(w)) == 1 and w[1] > 0
    right = [int(np.argmax(x @ w)) == int(np.argmax(y)) for x, y in zip(groups, labels, strict=True)]
    assert np.mean(right) >= 0.9  # feature 1 alone reads most groups right (noise overlaps a few)


def test_logistic_regression_separates_two_clouds() -> None:
    rng = np.random.default_rng(1)
    x = np.vstack([rng.normal(-2, 1, (50, 2)), rng.normal(2, 1, (50, 2))])
    y = np.array([0] * 50 + [1] * 50, dtype=float)
    coef, bias = fit_logistic(x, y)
    assert ((x @ coef + bias > 0) == (y == 1)).mean() > 0.95


def test_the_support_gap_keeps_later_excerpts_that_answer() -> None:
    fused = np.array([[1.0, 0.9, 0.2], [1.0, 0.5, 0.4], [1.0, 0.3, 0.1]])
    answers = np.array([[False, True, False], [False, False, True], [True, False, False]])
    gap = choose_support_gap(fused, answers)
    assert 0.1 <= gap <= 0.6  # within the gaps of the two helpful later excerpts (0.1 and 0.6)
    assert choose_support_gap(fused[2:], answers[2:]) == math.inf  # no later excerpt ever helped


def test_more_passages_win_only_clearly() -> None:
    same = np.ones((100, 2), dtype=bool)
    slightly = same.copy()
    slightly[:3, 0] = False  # three questions better with more passages: noise
    assert _simplest_that_is_not_clearly_beaten({1: slightly, 3: same}) == 1
    clearly = same.copy()
    clearly[:40, 0] = False
    assert _simplest_that_is_not_clearly_beaten({1: clearly, 3: same}) == 3


def test_bm25_reads_each_passage_with_the_training_questions_it_answers(
    fair_index: Index, fake_embedder: Embedder
) -> None:
    """A word only the training questions use ("colour", "purpose") finds the passage they ask about, for
    the fused score; the abstainer's lexical feature still reads the passages' own words."""
    from bot.core.retrieval import Retriever

    model, _ = train_model(fair_index, fake_embedder, questions())
    assert len(model.expansion_texts) == len(model.expansions) == len(ASKED)
    r = Retriever(fair_index, fake_embedder, model)
    ribbon = next(i for i, c in enumerate(fair_index.chunks) if "red ribbon" in c.text)
    assert not r.lexical.scores("colour").any()  # not a word of the fair
    searched = r.searched.scores("colour")
    assert searched.argmax() == ribbon and searched[ribbon] > 0
    raw = fake_embedder.encode(["colour"])[0]
    s = r.score("colour", raw)
    assert s.components[3].max() > 0  # the fused BM25: the question's word is a training question's
    assert s.features[FEATURES.index("lexical")] == 0.0  # the article's own words: none


def test_untrained_models_read_the_passages_alone(fair_index: Index, fake_embedder: Embedder) -> None:
    from bot.core.model import RetrievalModel
    from bot.core.retrieval import Retriever

    r = Retriever(fair_index, fake_embedder, RetrievalModel.untrained(fake_embedder.dim))
    assert r.searched is r.lexical


def test_fold_models_know_only_their_own_folds_question_texts(
    fair_index: Index, fake_embedder: Embedder
) -> None:
    from bot.core.training import AdapterSettings, fold_models, training_set

    t = training_set(fair_index, fake_embedder, questions(), seed=0)
    models, _ = fold_models(fair_index, fake_embedder, t, AdapterSettings())
    for f, fold_model in enumerate(models):
        kept = [q.text for q, g in zip(t.answerable, t.folds, strict=True) if g != f]
        assert list(fold_model.expansion_texts) == kept


def test_the_check_questions_join_the_choice_of_fusion_weights() -> None:
    """Two chunks, two components: out of fold the first component ranks the gold first for two questions
    and the second for one; three check questions side with the second, which then wins."""
    from bot.core.training import choose_weights

    def comps(firsts: list[int]) -> tuple[np.ndarray, np.ndarray]:
        # One question per entry: component `first` scores the gold chunk (the second, so that a tie
        # misses) 1 and the other chunk 0; the other component the other way round.
        c = np.zeros((len(firsts), len(COMPONENTS), 2), np.float32)
        for i, first in enumerate(firsts):
            c[i, first, 1] = c[i, 1 - first, 0] = 1.0
        return c, np.tile(np.array([False, True]), (len(firsts), 1))

    oof = comps([0, 0, 1])
    alone, _ = choose_weights(*oof)
    assert alone[0] > alone[1]
    with_checks, hit1 = choose_weights(*oof, checks=comps([1, 1, 1]))
    assert with_checks[1] > with_checks[0]
    assert hit1 == pytest.approx(1 / 3)  # the figure reported is still the out-of-fold one
    # Many check questions count, together, as much as the training questions: 3 against 2 out of fold.
    outweighed, _ = choose_weights(*comps([0, 0, 0, 0, 0, 1]), checks=comps([1] * 30 + [0] * 20))
    assert outweighed[0] > outweighed[1]


def test_a_check_question_whose_gold_is_in_no_passage_is_left_out(
    fair_index: Index, fake_embedder: Embedder
) -> None:
    """Found first by any weights, it would only flatter them."""
    from bot.core.training import check_components

    model, _ = train_model(fair_index, fake_embedder, questions())
    checks = [
        Question("who cut it?", ("The mayor cut a red ribbon",)),
        Question("what?", ("not in the fair",)),
    ]
    comps, gold = check_components(fair_index, fake_embedder, model, checks)
    assert comps.shape == (1, len(COMPONENTS), len(fair_index.chunks)) and gold.shape == (
        1,
        len(fair_index.chunks),
    )
    empty, none = check_components(fair_index, fake_embedder, model, checks[1:])
    assert empty.shape[0] == none.shape[0] == 0
