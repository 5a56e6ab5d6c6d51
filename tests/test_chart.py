"""The usage chart: drawn from a report (a real SQLite store), a valid PNG, and `report --png`."""

from __future__ import annotations

import os
import stat
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.chart import MAX_DAYS, SUMMARY_MAX, ChartUnavailable, chart_summary, draw_chart, shown_days
from bot.store import Audience, DayCount, DayKindCount, KindCount, Store, UsageReport
from tests.test_store import run_cli as run_store_cli

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 11, 25, 12, 0, tzinfo=UTC)
ALICE, BOB = 111111111111111111, 222222222222222222
GUILD_A, CHANNEL_A = 444, 4441
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(type, payload) of every chunk of a PNG, each checked against its CRC."""
    assert data.startswith(PNG_SIGNATURE)
    at = len(PNG_SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, payload = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + payload) == crc, kind
        yield kind, payload
        at += 12 + length


def png_text(data: bytes) -> dict[str, str]:
    """The text entries of a PNG (tEXt in Latin-1, uncompressed iTXt in UTF-8)."""
    texts = {}
    for kind, payload in png_chunks(data):
        if kind == b"tEXt":
            key, _, value = payload.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = payload.partition(b"\0")
            compressed, rest = rest[0], rest[2:]  # flag, method
            _, _, rest = rest.partition(b"\0")  # language tag
            _, _, value = rest.partition(b"\0")  # translated keyword
            texts[key.decode("latin-1")] = (zlib.decompress(value) if compressed else value).decode()
    return texts


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    kind, payload = next(png_chunks(data))
    assert kind == b"IHDR"
    return struct.unpack(">II", payload[:8])


def assert_valid_png(data: bytes) -> None:
    """A whole PNG: signature, chunks with good CRCs, an image, and the end chunk last."""
    kinds = [kind for kind, _ in png_chunks(data)]
    assert kinds[0] == b"IHDR" and b"IDAT" in kinds and kinds[-1] == b"IEND"
    assert png_size(data) == (1000, 750)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real SQLite store in a temporary folder."""
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}", b"test-salt")
    yield opened
    opened.close()


def record(store: Store, answer_id: str, kind: str, at: datetime, **kw: object) -> None:
    """A question with a reply of `kind`, asked at `at`."""
    values: dict = {"surface": "slash", "guild_id": GUILD_A, "channel_id": CHANNEL_A, "private": False}
    values.update(kw)
    store.record_answer(
        answer_id, ALICE, f"question {answer_id}", kind == "answer", ["c1"], ["Shared Ground"], at=at,
        kind=kind, **values,
    )  # fmt: skip


def test_the_report_counts_each_days_questions_by_kind_for_its_audience(store: Store) -> None:
    day1, day2 = NOW - timedelta(days=2), NOW - timedelta(hours=1)
    record(store, "1", "answer", day1)
    record(store, "2", "answer", day1)
    record(store, "3", "not_covered", day1)
    record(store, "4", "help", day2)
    record(store, "5", "chatter", day2, surface="dm", guild_id=None, channel_id=None, private=True)
    everything = store.report(now=NOW)
    assert everything.per_day_kinds == (
        DayKindCount(day1.date(), "answer", 2),
        DayKindCount(day1.date(), "not_covered", 1),
        DayKindCount(day2.date(), "chatter", 1),
        DayKindCount(day2.date(), "help", 1),
    )
    server = store.report(now=NOW, audience=Audience.server(GUILD_A))
    assert DayKindCount(day2.date(), "chatter", 1) not in server.per_day_kinds  # the DM is in no server
    assert sum(d.count for d in server.per_day_kinds) == server.questions == 4


def test_a_chart_of_an_empty_report_says_there_are_no_questions(store: Store) -> None:
    chart = draw_chart(store.report(now=NOW))
    assert_valid_png(chart.png)
    assert chart.summary == "Usage chart: no questions yet."
    assert png_text(chart.png)["Description"] == chart.summary


def test_a_chart_shows_the_reports_figures_in_its_picture_and_its_words(store: Store) -> None:
    record(store, "1", "answer", NOW - timedelta(days=3))
    record(store, "2", "not_covered", NOW - timedelta(days=3))
    record(store, "3", "answer", NOW - timedelta(hours=2))
    store.vote("1", BOB, 1)
    store.vote("3", BOB, -1)
    report = store.report(now=NOW)
    chart = draw_chart(report, "this server")
    assert_valid_png(chart.png)
    assert 10_000 < len(chart.png) < 500_000  # far below Discord's 10 MiB for an attachment
    assert chart.summary.startswith(
        "Usage chart (this server): 3 questions on 2 days, 2025-11-22 to 2025-11-25 (UTC); "
        "by kind: answer 2, not_covered 1."
    )
    assert "Shared Ground 👍 1 👎 1" in chart.summary
    assert png_text(chart.png)["Description"] == chart.summary  # the words travel inside the PNG
    assert (
        draw_chart(store.report(now=NOW - timedelta(days=1))).png != chart.png
    )  # other figures, other image


def test_a_long_history_draws_its_last_days_and_a_short_alt_text(store: Store) -> None:
    for n in range(MAX_DAYS + 30):
        record(store, str(n), "answer", NOW - timedelta(days=n))
    for n in range(40):  # many sections with long names
        store.record_answer(f"s{n}", BOB, "q", True, ["c"], [f"A long section name {n} " * 3], "dm", at=NOW)
        store.vote(f"s{n}", ALICE, 1)
    report = store.report(now=NOW)
    days = shown_days(report)
    assert len(days) == MAX_DAYS and days[-1] == NOW.date()
    chart = draw_chart(report)
    assert_valid_png(chart.png)
    assert len(chart.summary) <= SUMMARY_MAX


def test_without_matplotlib_the_chart_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # as if it were not installed
    with pytest.raises(ChartUnavailable, match=r"^Drawing the chart needs matplotlib.*\.$"):
        draw_chart(UsageReport(NOW, 0, 0, 0.0, 0, 0, (), (), ()))


def test_summary_of_one_day_names_the_day() -> None:
    day = date(2025, 11, 21)
    report = UsageReport(
        NOW, 1, 0, 0.0, 0, 0, (DayCount(day, 1, 0),), (), (), (KindCount("answer", 1),),
        (DayKindCount(day, "answer", 1),),
    )  # fmt: skip
    assert chart_summary(report) == (
        "Usage chart: 1 question on 1 day, 2025-11-21 (UTC); by kind: answer 1. No votes yet."
    )


# ---------------------------------------------------------------- report --png


def run_cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with the store in `data` and no other store setting."""
    return run_store_cli(*args, cwd=ROOT, DATA_DIR=str(data))


def test_report_png_writes_the_chart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with Store.open(f"sqlite:///{data / 'meeting-bot.sqlite3'}", (b"x" * 32)) as store:
        record(store, "1", "answer", datetime.now(UTC))
    out = tmp_path / "usage.png"
    result = run_cli("report", "--png", str(out), data=data)
    assert result.returncode == 0, result.stderr
    assert f"Chart written to {out}" in result.stdout
    assert_valid_png(out.read_bytes())
    assert "1 question on 1 day" in png_text(out.read_bytes())["Description"]
    as_json = run_cli("report", "--json", "--png", str(tmp_path / "again.png"), data=data)
    assert as_json.returncode == 0 and as_json.stdout.startswith("{")  # stdout stays one JSON object
    assert (tmp_path / "again.png").read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("where", ["missing/usage.png", ".", "a-file/usage.png", "readonly/usage.png"])
def test_report_png_to_a_bad_place_is_one_sentence(tmp_path: Path, where: str) -> None:
    (tmp_path / "readonly").mkdir(mode=0o555)
    (tmp_path / "a-file").write_text("not a folder")
    if where.startswith("readonly") and os.access(tmp_path / "readonly", os.W_OK):
        pytest.skip("running as a user who may write anywhere (root)")
    result = run_cli("report", "--png", str(tmp_path / where), data=tmp_path / "data")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: Cannot write the chart to ") and line.endswith("."), line


@pytest.mark.parametrize(
    "target",
    [
        "meeting-bot.sqlite3",
        "meeting-bot.sqlite3-wal",
        "salt",
        "../link.png",
        "./../data//meeting-bot.sqlite3",
    ],
)
def test_report_png_never_writes_over_the_store(tmp_path: Path, target: str) -> None:
    # "report --png" over the database it reads replaced every question with the chart.
    data = tmp_path / "data"
    data.mkdir()
    database = data / "meeting-bot.sqlite3"
    with Store.open(f"sqlite:///{database}", (b"x" * 32)) as store:
        record(store, "1", "answer", datetime.now(UTC))
    (data / "salt").write_text("s" * 64)
    (tmp_path / "link.png").symlink_to(database)
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    result = run_cli("report", "--png", str(data / target), data=data)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "is the question store's own file" in line and line.endswith("write the chart to another file.")
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


@pytest.mark.parametrize("where", ["", "-", "folder/"])
def test_report_png_without_a_file_name_is_a_usage_error(tmp_path: Path, where: str) -> None:
    result = run_cli("report", "--png", where, data=tmp_path / "data")
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line == "error: --png needs the name of a file to write (not a folder, not -)."


def test_report_png_replaces_a_file_whole_and_writes_through_links_and_pipes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    out = tmp_path / "usage.png"
    out.write_bytes(PNG_SIGNATURE + b"an earlier chart")
    out.chmod(0o600)
    link = tmp_path / "link.png"
    link.symlink_to(out)
    result = run_cli("report", "--png", str(link), data=data)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and out.read_bytes().startswith(PNG_SIGNATURE)  # the link still points there
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a private file stays private
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "link.png", "usage.png"]  # no leftovers
    # A pipe (as /dev/stdout can be) is written to, never replaced by a regular file.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("report", "--png", str(pipe), data=data)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert received and received[0].startswith(PNG_SIGNATURE)


def test_report_png_keeps_hard_links_and_says_a_link_loop_in_one_sentence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    first, second = tmp_path / "chart.png", tmp_path / "same.png"
    first.write_bytes(PNG_SIGNATURE + b"an earlier chart")
    os.link(first, second)
    result = run_cli("report", "--png", str(first), data=data)
    assert result.returncode == 0, result.stderr
    assert second.read_bytes().startswith(PNG_SIGNATURE) and first.stat().st_nlink == 2  # still one file
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    result = run_cli("report", "--png", str(tmp_path / "l1"), data=data)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line == f"error: Cannot write the chart to {tmp_path / 'l1'}: a loop of symbolic links."


@pytest.mark.parametrize("content", [b"#!/bin/sh\necho hi\n", b"\x7fELF\x02\x01", b"notes I keep\n"])
def test_report_png_never_writes_over_a_file_of_other_content(tmp_path: Path, content: bytes) -> None:
    """A trial's `report --png .venv/bin/python` wrote the chart over the Python interpreter that the
    link points to. A program, a script or a document is never replaced, named or linked to."""
    data = tmp_path / "data"
    data.mkdir()
    kept = tmp_path / "program"
    kept.write_bytes(content)
    kept.chmod(0o755)
    (tmp_path / "link").symlink_to(kept)
    for target in (kept, tmp_path / "link"):
        result = run_cli("report", "--png", str(target), data=data)
        assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line == (
            f"error: --png {target} is a file that holds something other than a chart; write the chart "
            "to a new file, or remove that one first."
        )
    assert kept.read_bytes() == content and (tmp_path / "link").is_symlink()
    empty = tmp_path / "empty.png"
    empty.touch()  # an empty file (made to be written, as mktemp makes one) is written
    assert run_cli("report", "--png", str(empty), data=data).returncode == 0
    assert empty.read_bytes().startswith(PNG_SIGNATURE)


def test_report_png_to_its_own_output_appends_to_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    log = tmp_path / "app.log"
    log.write_bytes(b"earlier lines\n")
    environ = {k: v for k, v in os.environ.items() if k.upper() not in ("DATABASE_URL", "DATA_DIR")}
    environ.update(DATA_DIR=str(data), PYTHONIOENCODING="utf-8")
    with log.open("ab") as out:  # as `meeting-bot report --png /dev/stdout >> app.log`
        result = subprocess.run(
            [sys.executable, "-m", "bot", "report", "--png", "/dev/stdout"],
            stdout=out,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=environ,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    written = log.read_bytes()
    assert written.startswith(b"earlier lines\n" + PNG_SIGNATURE)  # kept, then the chart after it
