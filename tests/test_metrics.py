"""The bot's Prometheus metrics: fixed label values, a registry per bot, the gateway gauge."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config import ROOT, Settings
from bot.metrics import KINDS, SURFACES, Metrics


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, parsed back: (name, sorted labels) → value."""
    body, content_type = metrics.exposition()
    assert content_type.startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def questions(metrics: Metrics, surface: str, kind: str) -> float:
    """The questions counter for one surface and kind."""
    return samples(metrics)[("meeting_bot_questions_total", (("kind", kind), ("surface", surface)))]


def test_every_known_series_starts_at_zero_and_counts() -> None:
    metrics = Metrics()
    assert all(questions(metrics, s, k) == 0 for s in SURFACES for k in KINDS)
    metrics.question("dm", "answer", 0.2)
    metrics.question("dm", "answer", 0.4)
    metrics.question("slash", "help")
    assert questions(metrics, "dm", "answer") == 2 and questions(metrics, "slash", "help") == 1
    got = samples(metrics)
    assert got[("meeting_bot_answer_latency_seconds_count", ())] == 2  # the one without a time is not timed
    assert got[("meeting_bot_answer_latency_seconds_sum", ())] == 0.2 + 0.4


def test_label_values_outside_the_fixed_sets_are_counted_as_other() -> None:
    metrics = Metrics()
    for n in range(50):  # as if user text reached a label
        metrics.question(f"surface {n}", f"<@{n}> kind")
        metrics.error(f"stage {n}")
    got = samples(metrics)
    assert questions(metrics, "other", "other") == 50
    assert got[("meeting_bot_errors_total", (("stage", "other"),))] == 50
    labelled = {labels for (name, labels) in got if name == "meeting_bot_questions_total"}
    assert len(labelled) == len(SURFACES) * len(KINDS)  # no new series appeared


def test_each_bot_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.question("dm", "answer")
    first.cooldown_hit()
    assert questions(second, "dm", "answer") == 0
    assert samples(second)[("meeting_bot_cooldown_hits_total", ())] == 0
    assert samples(first)[("meeting_bot_cooldown_hits_total", ())] == 1


def test_negative_latency_from_clock_skew_counts_as_zero() -> None:
    metrics = Metrics()
    metrics.question("dm", "answer", -0.5)
    metrics.question("dm", "answer", math.nan)  # not counted in the histogram
    got = samples(metrics)
    assert got[("meeting_bot_answer_latency_seconds_count", ())] == 1
    assert got[("meeting_bot_answer_latency_seconds_sum", ())] == 0


def test_the_gateway_latency_is_left_out_until_it_is_a_number() -> None:
    latency = [math.inf]

    def read() -> float:
        if latency[0] is None:
            raise RuntimeError("closing")
        return latency[0]

    metrics = Metrics(gateway_latency=read)
    name = ("meeting_bot_gateway_latency_seconds", ())
    assert name not in samples(metrics)
    latency[0] = math.nan
    assert name not in samples(metrics)
    latency[0] = 0.042
    assert samples(metrics)[name] == 0.042
    latency[0] = None  # a failing read skips the sample, not the scrape
    assert name not in samples(metrics) and ("meeting_bot_cooldown_hits_total", ()) in samples(metrics)


def test_health_settings_default_to_off_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None)
    assert (settings.health_port, settings.health_host) == (None, "127.0.0.1")
    monkeypatch.setenv("HEALTH_PORT", "")  # blank means the default
    assert Settings(_env_file=None).health_port is None
    monkeypatch.setenv("HEALTH_PORT", "9100")
    assert Settings(_env_file=None).health_port == 9100


def test_a_bad_health_port_is_one_sentence() -> None:
    env = {**os.environ, "HEALTH_PORT": "70000"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: HEALTH_PORT is invalid: ") and line.endswith("."), line
