"""Training data is written from the article, never from eval/: no training question has a near twin there."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TWIN = 0.7  # word Jaccard at or above this, after casefolding, is a near twin
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))


def _texts(folder: Path, keys: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for path in sorted(folder.rglob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                item = json.loads(line)
                out += [
                    (f"{path.relative_to(ROOT)}:{n}", item[k]) for k in keys if isinstance(item.get(k), str)
                ]
    return out


def near_twins(train: list[tuple[str, str]], evaluation: list[tuple[str, str]]) -> list[str]:
    """Every (training, evaluation) pair whose word sets overlap at or above TWIN."""
    eval_words = [(where, text, _words(text)) for where, text in evaluation]
    found = []
    for where, text in train:
        a = _words(text)
        for ewhere, etext, b in eval_words:
            if a and b and len(a & b) / len(a | b) >= TWIN:
                found.append(f"{where} {text!r} ~ {ewhere} {etext!r}")
    return found


def test_near_twins_are_found() -> None:
    assert near_twins([("t", "How old is Mamdani?")], [("e", "how old is mamdani")])
    assert not near_twins([("t", "How old is Mamdani?")], [("e", "Where was Mamdani born?")])


def test_no_training_question_has_a_near_twin_in_eval() -> None:
    train = _texts(ROOT / "train", ("question", "text", "message"))
    evaluation = _texts(ROOT / "eval", ("question", "message", "first", "followup"))
    assert len(train) > 800 and len(evaluation) > 150
    twins = near_twins(train, evaluation)
    assert not twins, "\n".join(twins)
