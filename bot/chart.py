"""The usage chart: questions per day by kind of reply, and 👍/👎 per cited section, as one PNG.

Drawn from a `UsageReport` and nothing else, so a chart shows exactly what its reader may see in the
report. matplotlib is imported only inside `draw_chart` (~0.3 s and ~27 MB to import): serving never loads
it until someone asks for a chart. It draws with the Agg canvas on a `Figure` of its own (no pyplot, no
global figure state), under a lock, since callers draw on worker threads.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.core.kinds import Kind
from bot.store import UsageReport

if TYPE_CHECKING:  # for type hints only: importing matplotlib waits until a chart is drawn
    from matplotlib.axes import Axes

# Kinds of reply in the order they are stacked, with their colours (colour-blind-safe Okabe–Ito palette).
KIND_COLOURS = {
    Kind.ANSWER: "#0072B2",
    Kind.NOT_COVERED: "#E69F00",
    Kind.HELP: "#009E73",
    Kind.CHATTER: "#CC79A7",
    Kind.OVERVIEW: "#56B4E9",
    Kind.LANGUAGE: "#D55E00",
}
OTHER_COLOUR = "#999999"
UP_COLOUR, DOWN_COLOUR = "#009E73", "#D55E00"
MAX_DAYS = 90  # the most recent days drawn (RETENTION_DAYS=0 can keep years)
MAX_SECTIONS = 12  # the most voted sections drawn
SECTION_LABEL = 42  # characters of a section name shown
SUMMARY_MAX = 1024  # Discord's limit on an attachment's description (its alt text)
SIZE_INCHES, DPI = (10.0, 7.5), 100

_drawing = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe


class ChartUnavailable(Exception):
    """The chart cannot be drawn here (matplotlib is missing); the message is one sentence."""


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the PNG bytes and the same content in words (alt text, also in the PNG)."""

    png: bytes
    summary: str


def _cut(text: str, limit: int) -> str:
    """The text, cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shown_days(report: UsageReport) -> tuple[date, ...]:
    """The days the chart draws: those with questions, within MAX_DAYS of the last one."""
    days = sorted({d.day for d in report.per_day} | {d.day for d in report.per_day_kinds})
    if not days:
        return ()
    first = days[-1] - timedelta(days=MAX_DAYS - 1)
    return tuple(d for d in days if d >= first)


def kind_order(report: UsageReport) -> tuple[str, ...]:
    """The kinds present in the report, known kinds in their usual order, then any others by name."""
    present = {k.kind for k in report.kinds} | {d.kind for d in report.per_day_kinds}
    return tuple(k for k in KIND_COLOURS if k in present) + tuple(sorted(present - KIND_COLOURS.keys()))


def chart_summary(report: UsageReport, scope: str = "") -> str:
    """What the chart shows, in words: its alt text (at most SUMMARY_MAX characters)."""
    where = f" ({scope})" if scope else ""
    if not report.questions:
        return _cut(f"Usage chart{where}: no questions yet.", SUMMARY_MAX)
    days = shown_days(report)
    span = f"{days[0].isoformat()} to {days[-1].isoformat()}" if len(days) > 1 else days[0].isoformat()
    kinds = ", ".join(f"{k.kind} {k.count}" for k in report.kinds)
    text = (
        f"Usage chart{where}: {report.questions} question{'s' if report.questions != 1 else ''} "
        f"on {len(days)} day{'s' if len(days) != 1 else ''}, {span} (UTC); by kind: {kinds}. "
    )
    if report.section_votes:
        votes = "; ".join(f"{v.section} 👍 {v.up} 👎 {v.down}" for v in report.section_votes[:MAX_SECTIONS])
        text += f"Votes per cited section: {votes}."
    else:
        text += "No votes yet."
    return _cut(text, SUMMARY_MAX)


def draw_chart(report: UsageReport, scope: str = "") -> Chart:
    """Draw the report as a PNG: stacked bars of questions per day by kind, bars of votes per section.

    Slow (tens to hundreds of milliseconds): call it off the event loop. ChartUnavailable without matplotlib.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ChartUnavailable(
            "Drawing the chart needs matplotlib, which is not installed here (pip install -e .)."
        ) from exc
    summary = chart_summary(report, scope)
    with _drawing:
        fig = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        stamp = f"{report.generated_at:%Y-%m-%d %H:%M} UTC"
        title = "meeting-bot usage" + (f" ({scope})" if scope else "")
        fig.suptitle(f"{title}, {stamp}")
        if not report.questions:
            ax = fig.add_subplot()
            ax.set_axis_off()
            ax.text(0.5, 0.5, "No questions yet", ha="center", va="center", fontsize=20, color="#555555")
        else:
            per_day, per_section = fig.subplots(2, 1, height_ratios=(3, 2))
            _draw_days(per_day, report)
            _draw_votes(per_section, report)
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={"Title": title, "Description": summary})
    return Chart(out.getvalue(), summary)


def _draw_days(ax: Axes, report: UsageReport) -> None:
    """Stacked bars: one per day, one segment per kind of reply; days without questions stay empty."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    days = shown_days(report)
    first = days[0]
    x = [(day - first).days for day in days]
    counts = {(d.day, d.kind): d.count for d in report.per_day_kinds}
    if not counts:  # a report made without per-kind days: total questions only
        counts = {(d.day, Kind.ANSWER.value): d.questions for d in report.per_day}
    bottom = [0] * len(days)
    for kind in kind_order(report) or (Kind.ANSWER.value,):
        heights = [counts.get((day, kind), 0) for day in days]
        if not any(heights):
            continue
        colour = KIND_COLOURS.get(kind, OTHER_COLOUR)
        ax.bar(x, heights, bottom=bottom, width=0.8, label=kind, color=colour)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    cut = len({d.day for d in report.per_day}) > len(days)
    ax.set_title("Questions per day (UTC), by kind of reply" + (f", last {MAX_DAYS} days" if cut else ""))
    pad = max(0.0, (7 - len(range(x[-1] + 1))) / 2)  # a week wide at least: one day is not one huge bar
    ax.set_xlim(-0.7 - pad, x[-1] + 0.7 + pad)
    ax.set_ylim(0, max(bottom) * 1.2 + 0.5)  # room for the legend above the bars
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12, min_n_ticks=1))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: (first + timedelta(days=round(v))).strftime("%b %d"))
    )
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("questions")
    ax.legend(loc="upper left", fontsize="small", ncols=3)
    ax.grid(axis="y", alpha=0.3)


def _draw_votes(ax: Axes, report: UsageReport) -> None:
    """Paired horizontal bars of helpful and unhelpful votes for the most voted sections."""
    from matplotlib.ticker import MaxNLocator

    ax.set_title("Votes per cited section (a vote counts for each section its answer cited)")
    votes = report.section_votes[:MAX_SECTIONS]
    if not votes:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No votes yet", ha="center", va="center", fontsize=14, color="#555555")
        return
    rows = list(range(len(votes)))[::-1]  # the most voted at the top
    ax.barh([r + 0.2 for r in rows], [v.up for v in votes], height=0.4, color=UP_COLOUR, label="helpful")
    ax.barh(
        [r - 0.2 for r in rows], [v.down for v in votes], height=0.4, color=DOWN_COLOUR, label="not helpful"
    )
    ax.set_yticks(rows, [_cut(v.section, SECTION_LABEL) for v in votes], fontsize="small")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("votes")
    ax.legend(loc="lower right", fontsize="small")
    ax.grid(axis="x", alpha=0.3)
