"""Prometheus metrics of one bot: questions by surface and kind, answer latency, errors, cooldown hits (of
questions and quote checks).

Each bot owns its own `CollectorRegistry` (never the library's global one), so several bots in one process,
and the tests, never count into each other. Label values come from fixed sets: a value from outside them
is counted as "other", so no user text and no unbounded set of values ever becomes a label (every label
value is a time series kept in memory for the life of the process).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.core.kinds import Kind

# Where a question was asked (the store's `surface`) and the kinds of reply (bot/core/kinds.py); "more" is
# a request for more of an earlier answer ("more please"), counted apart from questions as /stats does.
SURFACES = ("slash", "dm", "mention", "thread", "channel", "other")
KINDS = (*Kind, "more", "other")
# What failed: answering a question, storing it, checking a quote, or a command's (or button's) handler.
ERROR_STAGES = ("answering", "recording", "checking", "command", "other")
# Seconds; answers take milliseconds of work plus Discord's round trips.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)


def _known(value: str, allowed: tuple[str, ...]) -> str:
    """The value when it is one of `allowed`, else "other"."""
    return value if value in allowed else "other"


class _GatewayLatency(Collector):
    """The gateway heartbeat latency at scrape time; left out while it is not a finite number."""

    def __init__(self, latency: Callable[[], float]) -> None:
        self._latency = latency

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One gauge sample, or none before the first heartbeat (discord.py reports inf or nan then)."""
        try:
            value = float(self._latency())
        except Exception:  # a bot that is closing may fail to report: skip the sample, never the scrape
            return
        if math.isfinite(value):
            yield GaugeMetricFamily(
                "meeting_bot_gateway_latency_seconds",
                "Discord gateway heartbeat latency (the bot's average over its shards)",
                value=value,
            )

    def describe(self) -> list[GaugeMetricFamily]:
        """Nothing to describe ahead of collection (the sample may be absent)."""
        return []


class Metrics:
    """The counters and histograms one bot updates, in a registry of its own."""

    def __init__(self, gateway_latency: Callable[[], float] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.questions = Counter(
            "meeting_bot_questions",
            "Questions answered, by where they were asked and the kind of reply",
            ["surface", "kind"],
            registry=self.registry,
        )
        self.answer_latency = Histogram(
            "meeting_bot_answer_latency_seconds",
            "Seconds from Discord's timestamp of a question to its answer being sent",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "meeting_bot_errors",
            "Failures while answering, storing, checking quotes or handling commands",
            ["stage"],
            registry=self.registry,
        )
        self.cooldown_hits = Counter(
            "meeting_bot_cooldown_hits",
            "Questions and quote checks refused because the person was over the cooldown",
            registry=self.registry,
        )
        self.reads_skipped = Counter(
            "meeting_bot_channel_reads_skipped",
            "Ask-channel messages not read because the person was over their budget of messages read there",
            registry=self.registry,
        )
        # Every known series exists from the start at 0, so a rate over the first question is right.
        for surface in SURFACES:
            for kind in KINDS:
                self.questions.labels(surface=surface, kind=kind)
        for stage in ERROR_STAGES:
            self.errors.labels(stage=stage)
        if gateway_latency is not None:
            self.registry.register(_GatewayLatency(gateway_latency))
        ProcessCollector(registry=self.registry)  # process_resident_memory_bytes, CPU, open files (Linux)

    def question(self, surface: str, kind: str, seconds: float | None = None) -> None:
        """Count one answered message (a question, or a request for more: kind "more"), and its latency
        when known (negative clock skew counts as 0)."""
        self.questions.labels(surface=_known(surface, SURFACES), kind=_known(kind, KINDS)).inc()
        if seconds is not None and math.isfinite(seconds):
            self.answer_latency.observe(max(0.0, seconds))

    def error(self, stage: str) -> None:
        """Count one failure at a stage of ERROR_STAGES."""
        self.errors.labels(stage=_known(stage, ERROR_STAGES)).inc()

    def cooldown_hit(self) -> None:
        """Count one question or quote check refused for the cooldown."""
        self.cooldown_hits.inc()

    def read_skipped(self) -> None:
        """Count one ask-channel message left unread: its person was over their read budget."""
        self.reads_skipped.inc()

    def exposition(self) -> tuple[bytes, str]:
        """The registry in Prometheus's text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
