"""Operating the bot, over the fake Discord: the /stats chart, /healthz and /metrics."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import aiohttp
import psutil
from prometheus_client.parser import text_string_to_metric_families

from bot import chart
from bot.chart import ChartUnavailable
from bot.chat import admin
from bot.chat.admin import CHART_FILE
from bot.config import ROOT
from bot.metrics import Metrics
from tests.chat.bots import bot_for, is_followup
from tests.fakediscord import (
    DEFAULT_EVERYONE_PERMISSIONS,
    FakeDiscord,
    Request,
    patch_discord_endpoints,
    permission_value,
    running_bot,
)
from tests.test_chart import assert_valid_png, png_text

ADMINS = DEFAULT_EVERYONE_PERMISSIONS | permission_value("manage_guild")


def with_embed(r: Request) -> bool:
    """A message the bot posted with an embed."""
    return r.method == "POST" and bool(r.json and r.json.get("embeds")) and "/messages" in r.path


async def until(predicate: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    """Wait until predicate() is true (a deadline only to fail instead of hanging)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def get(port: int, path: str) -> tuple[int, str, str]:
    """GET http://127.0.0.1:port/path: status, content type and body."""
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}{path}") as r:
        return r.status, r.headers.get("Content-Type", ""), await r.text()


def scraped(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """A /metrics body parsed with the client library's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def listening_ports() -> set[int]:
    """The TCP ports this process listens on."""
    return {c.laddr.port for c in psutil.Process().net_connections("tcp") if c.status == psutil.CONN_LISTEN}


async def recorded(bot, answer_id: object) -> None:
    """Wait until the answer is stored (it is recorded beside the reply, not before it)."""
    await until(lambda: bot.store.get_answer(str(answer_id)), f"answer {answer_id} to be recorded")


# ---------------------------------------------------------------- the /stats chart


async def test_stats_attaches_the_chart_as_a_png(answerer, tmp_path):
    async with FakeDiscord() as fake:
        bot = bot_for(tmp_path, answerer)
        async with running_bot(fake, bot):
            asked = await fake.send_slash("ask", {"question": "When did they meet?"})
            await fake.wait_for_request(lambda r: is_followup(r, asked))
            await recorded(bot, asked.id)
            ref = await fake.send_slash("stats", user=fake.owner_id)
            follow = await fake.wait_for_request(lambda r: is_followup(r, ref), timeout=30)
    # Deferred first (Discord's 3 seconds), privately; then one follow-up with the report and the file.
    (callback,) = [r for r in fake.requests if r.path.startswith(f"/interactions/{ref.id}/")]
    assert callback.json["type"] == 5 and callback.json["data"]["flags"] & 64
    assert follow.json["embeds"] and follow.json["allowed_mentions"] == {"parse": []}
    (upload,) = follow.files
    assert upload.filename == CHART_FILE and upload.data.startswith(b"\x89PNG")
    assert_valid_png(upload.data)
    (attachment,) = follow.json["attachments"]
    assert attachment["filename"] == CHART_FILE
    assert attachment["description"].startswith("Usage chart (everything): 1 question on 1 day")
    assert png_text(upload.data)["Description"] == attachment["description"]


async def test_a_server_admins_chart_is_drawn_from_their_scoped_report(answerer, tmp_path):
    async with FakeDiscord(everyone_permissions=ADMINS) as fake:
        bot = bot_for(tmp_path, answerer)
        async with running_bot(fake, bot):
            n = len(fake.requests)
            dm = await fake.send_message("help", guild=False)  # a DM: in no server's report
            await fake.wait_for_request(with_embed, start=n)
            await recorded(bot, dm["id"])
            asked = await fake.send_slash("ask", {"question": "When did they meet?"})
            await fake.wait_for_request(lambda r: is_followup(r, asked))
            await recorded(bot, asked.id)
            admin = await fake.send_slash("stats")  # may manage the server, is not the owner
            theirs = await fake.wait_for_request(lambda r: is_followup(r, admin), timeout=30)
            owner = await fake.send_slash("stats", user=fake.owner_id)
            everything = await fake.wait_for_request(lambda r: is_followup(r, owner), timeout=30)
    drawn = png_text(theirs.files[0].data)["Description"]  # the words drawn into the image itself
    assert drawn.startswith("Usage chart (this server): 1 question on 1 day") and "help" not in drawn
    assert "by kind: answer 1." in drawn
    owners = png_text(everything.files[0].data)["Description"]
    assert owners.startswith("Usage chart (everything): 2 questions") and "help 1" in owners


async def test_stats_without_a_chart_still_sends_the_report(answerer, tmp_path, monkeypatch):
    def no_matplotlib(*_: object) -> None:
        raise ChartUnavailable("Drawing the chart needs matplotlib, which is not installed here.")

    # The cog's module is executed afresh by load_extension, taking draw_chart from bot.chart then.
    monkeypatch.setattr(chart, "draw_chart", no_matplotlib)
    async with FakeDiscord() as fake:
        bot = bot_for(tmp_path, answerer)
        async with running_bot(fake, bot):
            ref = await fake.send_slash("stats", user=fake.owner_id)
            follow = await fake.wait_for_request(lambda r: is_followup(r, ref), timeout=30)
    assert follow.files == [] and follow.json["embeds"]
    assert follow.json["content"] == admin.NO_CHART


# ---------------------------------------------------------------- /healthz and /metrics


async def test_healthz_goes_from_503_to_200_as_the_bot_connects(answerer, tmp_path):
    async with FakeDiscord() as fake:
        fake.identify_gate = asyncio.Event()  # READY is held back until released
        bot = bot_for(tmp_path, answerer, health_port=0)
        with patch_discord_endpoints(fake):
            task = asyncio.create_task(bot.start("fake-token"))
            try:
                await fake.wait_identified()  # logged in (setup_hook ran), not yet connected
                port = bot.health.port
                status, content_type, body = await get(port, "/healthz")
                assert status == 503, body
                assert content_type.startswith("text/plain")
                assert body.splitlines()[0] == "unavailable" and "gateway: not connected yet" in body
                assert "store: reachable" in body and "index: " in body
                fake.identify_gate.set()
                await until(bot.is_ready, "the bot to be ready")
                status, _, body = await get(port, "/healthz")
                assert (status, body.splitlines()) == (
                    200,
                    ["ok", "gateway: connected", f"index: {answerer.index.manifest.chunks} passages",
                     "store: reachable"],
                )  # fmt: skip
            finally:
                await bot.close()
                await asyncio.wait_for(task, 10)
        assert port not in listening_ports()  # stopped with the bot


async def test_healthz_says_when_the_store_is_unreachable(answerer, tmp_path):
    async with FakeDiscord() as fake:
        bot = bot_for(tmp_path, answerer, health_port=0)
        async with running_bot(fake, bot):
            bot.store.engine.dispose()
            (tmp_path / "meeting-bot.sqlite3").unlink()  # a real failure: the tables are gone
            (tmp_path / "meeting-bot.sqlite3").mkdir()  # and the path is no longer a database file
            status, _, body = await get(bot.health.port, "/healthz")
            loaded, bot.answers.answerer = bot.answers.answerer, None  # a check that breaks
            try:
                broken = await get(bot.health.port, "/healthz")
            finally:
                bot.answers.answerer = loaded
    assert status == 503 and "gateway: connected" in body
    (line,) = [line for line in body.splitlines() if line.startswith("store: ")]
    assert line != "store: reachable" and "Traceback" not in body
    assert (broken[0], broken[2]) == (503, "unavailable\ncheck failed: AttributeError\n")


async def test_metrics_count_questions_by_surface_and_kind(answerer, tmp_path):
    dm_answers = ("meeting_bot_questions_total", (("kind", "answer"), ("surface", "dm")))
    slash_chatter = ("meeting_bot_questions_total", (("kind", "chatter"), ("surface", "slash")))
    async with FakeDiscord(heartbeat_interval=0.5) as fake:
        bot = bot_for(tmp_path, answerer, health_port=0, cooldown_questions=2)
        async with running_bot(fake, bot):
            port = bot.health.port
            _, content_type, body = await get(port, "/metrics")
            before = scraped(body)
            assert content_type.startswith("text/plain")
            n = len(fake.requests)
            dm = await fake.send_message("When did they meet?", guild=False)
            await fake.wait_for_request(with_embed, start=n)
            await recorded(bot, dm["id"])
            asked = await fake.send_slash("ask", {"question": "hello"}, user=fake.owner_id)
            await fake.wait_for_request(lambda r: is_followup(r, asked))
            await recorded(bot, asked.id)
            for text in ("Who is Mamdani?", "Where did they meet?"):  # the third in the window is refused
                await fake.send_message(text, guild=False)
            await until(lambda: len(fake.heartbeats) >= 2, "a heartbeat and its ack")
            after: dict = {}
            for _ in range(500):  # scrape until both DMs are in (the second is answered as the third comes)
                _, _, body = await get(port, "/metrics")
                after = scraped(body)
                if after[dm_answers] == 2 and after[("meeting_bot_cooldown_hits_total", ())] == 1:
                    break
                await asyncio.sleep(0.02)
    assert (before[dm_answers], after[dm_answers]) == (0, 2)
    assert (before[slash_chatter], after[slash_chatter]) == (0, 1)
    assert after[("meeting_bot_cooldown_hits_total", ())] == 1
    assert after[("meeting_bot_answer_latency_seconds_count", ())] == 3
    assert after[("meeting_bot_errors_total", (("stage", "answering"),))] == 0
    assert 0 <= after[("meeting_bot_gateway_latency_seconds", ())] < 60


async def test_metrics_count_a_request_for_more_apart_from_questions(answerer, tmp_path):
    """ "more please" was counted as one more answered question, under the kind of its reply."""
    dm = {
        kind: ("meeting_bot_questions_total", (("kind", kind), ("surface", "dm")))
        for kind in ("answer", "more")
    }
    async with FakeDiscord() as fake:
        bot = bot_for(tmp_path, answerer, health_port=0)
        async with running_bot(fake, bot):
            for text in ("When did they meet?", "more please"):
                n = len(fake.requests)
                sent = await fake.send_message(text, guild=False)
                await fake.wait_for_request(with_embed, start=n)
                await recorded(bot, sent["id"])
            _, _, body = await get(bot.health.port, "/metrics")
    after = scraped(body)
    assert (after[dm["answer"]], after[dm["more"]]) == (1, 1)


async def test_nothing_listens_without_health_port(answerer, tmp_path):
    async with FakeDiscord() as fake:
        before = listening_ports()
        bot = bot_for(tmp_path, answerer)
        assert bot.settings.health_port is None
        async with running_bot(fake, bot):
            assert bot.health is None and listening_ports() == before
            asked = await fake.send_slash("ask", {"question": "When did they meet?"})
            await fake.wait_for_request(lambda r: is_followup(r, asked))
            await recorded(bot, asked.id)
            assert listening_ports() == before
        assert isinstance(bot.metrics, Metrics)  # counted all the same, only not served


async def test_a_port_in_use_is_one_log_line_and_discord_is_still_served(answerer, tmp_path, caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeDiscord() as fake:
            bot = bot_for(tmp_path, answerer, health_port=port)
            with caplog.at_level(logging.ERROR, logger="bot.chat.health"):
                async with running_bot(fake, bot):
                    asked = await fake.send_slash("ask", {"question": "When did they meet?"})
                    answer = await fake.wait_for_request(lambda r: is_followup(r, asked))
                    assert answer.json["embeds"]
                    assert bot.health is None
    (record,) = [r for r in caplog.records if r.name == "bot.chat.health"]
    message = record.getMessage()
    assert message.startswith(f"cannot serve /healthz and /metrics on 127.0.0.1:{port} (")
    assert message.endswith("serving Discord without them") and "\n" not in message


# ---------------------------------------------------------------- what serving loads

_SERVE_AND_LIST_MODULES = r"""
import asyncio, json, sys, tempfile
from pathlib import Path
from bot.config import Settings
from bot.core.build import Paths
from bot.core.loading import load_answerer
from bot.store import open_store
from bot.chat.client import MeetingBot
from tests.fakediscord import FakeDiscord, running_bot

async def main():
    answerer = load_answerer(Paths.of(Settings(_env_file=None)))
    loaded = sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(_env_file=None, discord_token="t", data_dir=Path(data), health_port=0)
        async with FakeDiscord() as fake:
            bot = MeetingBot(settings, answerer, open_store(settings))
            async with running_bot(fake, bot):
                ref = await fake.send_slash("ask", {"question": "When did they meet?"})
                await fake.wait_for_request(lambda r: r.path.startswith("/webhooks/") and ref.token in r.path)
            bot.store.close()
    served = sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")
    metrics = "prometheus_client" in sys.modules
    print(json.dumps({"after_loading": loaded, "after_serving": served, "metrics": metrics}))

asyncio.run(main())
"""


def test_serving_never_imports_matplotlib():
    """Starting the bot, loading the answerer and answering leave matplotlib unloaded (it is for charts)."""
    result = subprocess.run(
        [sys.executable, "-c", _SERVE_AND_LIST_MODULES],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert modules == {"after_loading": [], "after_serving": [], "metrics": True}
