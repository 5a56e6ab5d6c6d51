"""The bench's memory measurement, run small: it answers through the real index and reports its figures."""

from __future__ import annotations

from bot.bench import RSS_TARGET, _table, question_memory
from bot.config import Settings


def test_question_memory_reports_rss_after_the_first_questions_and_after_all() -> None:
    m = question_memory(Settings(_env_file=None), 140, first=100)
    assert m["questions"] == 140 and m["first"] == 100 and m["encoder"] == "stand-in"
    assert 0 < m["rss_first_mb"] and 0 < m["rss_last_mb"]
    assert m["ratio"] == m["rss_last_mb"] / m["rss_first_mb"]
    assert m["target"] == RSS_TARGET
    keys = ("cold_start_s", "p50_ms", "p99_ms", "burst_qps", "max_loop_gap_ms", "peak_rss_mb")
    figures = {k: 1.0 for k in keys}
    table = _table({"runs": 1, "project": figures, "plain": figures, "ratio": figures, "question_memory": m})
    row = table.splitlines()[-1]
    assert row.startswith("| RSS after 140 distinct long questions / after the first 100 |")
    assert row.endswith(("met |", "MISSED |"))
