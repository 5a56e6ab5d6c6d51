"""The bench's autocomplete measurement, run small: the real suggestions, typed inputs with typos."""

from __future__ import annotations

from bot.bench import AUTOCOMPLETE_TARGET_MS, autocomplete_latency, autocomplete_line, typed_inputs
from bot.config import Settings


def test_typed_inputs_are_every_prefix_as_typed_and_with_a_typo() -> None:
    inputs = typed_inputs(["Who met?"], seed=1)
    assert inputs[:9] == ["", "W", "Wh", "Who", "Who ", "Who m", "Who me", "Who met", "Who met?"]
    assert len(inputs) == 18
    # "Who" is left alone (three letters); "met?" gets one typo.
    assert inputs[-1] != "Who met?" and inputs[-1].startswith("Who ") and inputs[9] == ""


def test_autocomplete_latency_reports_its_figures() -> None:
    a = autocomplete_latency(Settings(_env_file=None), limit=300)
    assert a["inputs"] == 300 and a["suggestions"] == a["candidates"] >= 30
    assert 0 < a["p50_ms"] <= a["p99_ms"] <= a["max_ms"] and a["build_s"] > 0
    assert a["target_p99_ms"] == AUTOCOMPLETE_TARGET_MS
    line = autocomplete_line(a)
    assert "300 typed inputs" in line and line.rstrip().endswith("s.")
    assert ("met" in line) != ("MISSED" in line)
