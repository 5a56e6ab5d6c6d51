"""Threads, follow-ups, buttons (also after a restart), votes, /stats and /reindex, over the fake Discord."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import shutil
import sqlite3
import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.chat.asking import EDITED_THREAD, WITHDRAWN_THREAD
from bot.chat.client import INTERACTION_TOKEN_SECONDS, REINDEX_TIMEOUT, MeetingBot
from bot.chat.views import PARAGRAPH_GONE, STALE_BUTTON
from bot.config import ROOT, Settings
from bot.core.answer import Answerer
from bot.core.build import Paths
from bot.core.loading import load_answerer
from bot.core.text import HIDDEN
from bot.store import DB_FILE, Store, default_url, open_store
from tests.chat.bots import bot_for, counted, is_followup, settings
from tests.fakediscord import (
    DEFAULT_EVERYONE_PERMISSIONS,
    FakeDiscord,
    Request,
    permission_value,
    running_bot,
)


def with_embed(r: Request) -> bool:
    """A message the bot posted with an embed."""
    return r.method == "POST" and bool(r.json and r.json.get("embeds")) and "/messages" in r.path


def custom_ids(req: Request) -> list[str]:
    """Every button custom_id in a posted message."""
    return custom_ids_of(req.json)


def custom_ids_of(message: dict) -> list[str]:
    """Every button custom_id in a message."""
    return [c["custom_id"] for row in message.get("components", []) for c in row.get("components", [])]


async def ask_by_mention(fake: FakeDiscord, question: str) -> tuple[dict, Request, Request | None]:
    """Mention the bot; return the user's message, the answer request and the thread request if any."""
    n = len(fake.requests)
    msg = await fake.send_message(f"<@{fake.bot_id}> {question}")
    answer = await fake.wait_for_request(with_embed, start=n)
    threads = [r for r in fake.requests[n:] if r.method == "POST" and r.path.endswith("/threads")]
    return msg, answer, threads[0] if threads else None


async def test_a_mention_opens_a_thread_and_a_follow_up_there_uses_the_context(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        question = "what did they say about energy costs?"
        msg, answer, thread_req = await ask_by_mention(fake, question)
        assert thread_req is not None and thread_req.json["name"] == question
        thread_id = str(msg["id"])  # a thread started from a message has the message's id
        assert answer.path == f"/channels/{thread_id}/messages"
        n = len(fake.requests)
        await fake.send_message("and what did Mamdani propose?", channel_id=thread_id, mentions=[])
        follow = await fake.wait_for_request(with_embed, start=n)
        assert follow.path == f"/channels/{thread_id}/messages"
        embed = follow.json["embeds"][0]
        assert "co-op" in embed["fields"][0]["value"]


async def test_words_hidden_as_a_spoiler_are_read_but_never_shown_unhidden(fake, answerer, tmp_path):
    """A noticed fault: a question's spoiler ("||Mamdani||") was answered with its words shown plainly in
    the answer's title and the thread's name, to the whole channel, and in the title of "more please"."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, answer, thread_req = await ask_by_mention(fake, "what did ||Mamdani|| propose on energy costs?")
        shown = f"what did {HIDDEN} propose on energy costs?"
        assert thread_req is not None and thread_req.json["name"] == shown
        embed = answer.json["embeds"][0]
        assert embed["title"] == shown
        assert "co-op" in embed["fields"][0]["value"]  # the hidden words were read
        thread_id = str(msg["id"])
        n = len(fake.requests)
        await fake.send_message("more please", channel_id=thread_id, mentions=[])
        more = await fake.wait_for_request(with_embed, start=n)
        assert more.json["embeds"][0]["title"] == shown
        posted = [r.json for r in fake.requests if r.method != "GET" and isinstance(r.json, dict)]
        titles = [e.get("title", "") for p in posted for e in p.get("embeds") or []] + [
            p["name"] for p in posted if "name" in p
        ]
        assert titles and not any("Mamdani" in t for t in titles)
        # The same words again, spoiler and all, are no edit to answer.
        n = len(fake.requests)
        await fake.edit_message(
            msg["id"], f"<@{fake.bot_id}> what did ||**Mamdani**|| propose on energy costs?"
        )
        await asyncio.sleep(0.5)
        assert fake.requests[n:] == []


async def test_a_long_question_names_its_thread_within_100_characters(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        _, _, thread_req = await ask_by_mention(fake, "What did Trump say about rent " * 10)
        assert thread_req is not None and 0 < len(thread_req.json["name"]) <= 100


async def test_threads_off_replies_in_place(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, answer_in_threads=False)
    async with running_bot(fake, bot):
        msg, answer, thread_req = await ask_by_mention(fake, "when was the meeting?")
        assert thread_req is None
        assert str(answer.json["message_reference"]["message_id"]) == str(msg["id"])


async def test_every_answer_carries_the_four_buttons(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "How much has Con Edison raised rates?"})
        follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
        ids = custom_ids(follow)
        assert [i.split(":")[1] for i in ids] == ["more", "para", "vote", "vote"]
        assert all(len(i) <= 100 for i in ids)


async def click(fake: FakeDiscord, custom_id: str, message_id: str, user: int | None = None) -> Request:
    """Click a button and return the bot's interaction callback."""
    ref = await fake.click_button(custom_id, message_id, user=user)
    return await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{ref.id}/"))


async def vote(fake: FakeDiscord, custom_id: str, message_id: str, user: int | None = None) -> Request:
    """Click a vote button: the bot defers privately at once, then thanks in a follow-up, returned."""
    ref = await fake.click_button(custom_id, message_id, user=user)
    callback = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{ref.id}/"))
    assert callback.status < 300 and callback.json["type"] == 5 and callback.json["data"]["flags"] & 64
    return await fake.wait_for_request(lambda r: is_followup(r, ref))


async def test_buttons_work_and_keep_working_after_a_restart(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        msg = await fake.send_message("who called trump a fascist?", guild=False)
        answer = await fake.wait_for_request(with_embed, start=n)
        ids = custom_ids(answer)
    answer_msg = fake.bot_messages()[-1]["id"]
    assert msg  # the question's message id is the answer id in the buttons
    bot = bot_for(tmp_path, answerer)  # a new process would start exactly like this
    async with running_bot(fake, bot):
        # Full paragraph: the whole paragraph with its heading, privately.
        cb = await click(fake, ids[1], answer_msg)
        assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64
        para = cb.json["data"]["embeds"][0]
        assert "¶" in para["title"] and "fascist" in para["description"]
        # More passages: the next excerpts, numbered on from [4].
        ref = await fake.click_button(ids[0], answer_msg)
        more = await fake.wait_for_request(lambda r: is_followup(r, ref))
        fields = more.json["embeds"][0]["fields"]
        shown = int(ids[0].rsplit(":", 1)[1])  # the excerpts the answer showed
        assert fields and fields[0]["name"].startswith(f"[{shown + 1}]")


async def test_more_passages_counts_against_the_askers_cooldown(fake, answerer, tmp_path):
    """A trial clicked "More passages" 60 times at once with a cooldown of 2: 60 searches ran."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=2)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message("who called trump a fascist?", guild=False)
        more = custom_ids(await fake.wait_for_request(with_embed, start=n))[0]
        answer_msg = fake.bot_messages()[-1]["id"]
        callbacks = [await click(fake, more, answer_msg) for _ in range(3)]
        # The question took one of the two; one click is searched (deferred), then the wait is said.
        assert [c.json["type"] for c in callbacks] == [5, 4, 4]
        assert (
            "please wait" in callbacks[1].json["data"]["content"] and callbacks[1].json["data"]["flags"] & 64
        )


async def test_votes_land_in_the_store_and_change_on_a_second_click(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "What is Mamdani's slogan?"})
        follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
        ids = custom_ids(follow)
        message_id = fake.bot_messages()[-1]["id"]
        up, down = ids[2], ids[3]
        for _ in range(100):  # the answer is recorded alongside the reply, not before it
            if bot.store.get_answer(str(ref.id)):
                break
            await asyncio.sleep(0.02)
        assert "glad" in (await vote(fake, up, message_id)).json["content"]
        assert bot.store.get_vote(str(ref.id), fake.user_id) == 1
        report = bot.store.report()
        assert (report.votes_up, report.votes_down) == (1, 0)
        assert "missed" in (await vote(fake, down, message_id)).json["content"]
        assert bot.store.get_vote(str(ref.id), fake.user_id) == -1
        report = bot.store.report()
        assert (report.votes_up, report.votes_down) == (0, 1)
        assert report.section_votes and report.section_votes[0].down == 1
        assert report.per_day and report.per_day[-1].questions >= 1


async def test_forty_people_clicking_up_then_down_at_once_all_end_down(fake, answerer, tmp_path):
    """The last click of each person wins, however the clicks' database writes interleave."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "What is Mamdani's slogan?"})
        follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
        up, down = custom_ids(follow)[2:4]
        message_id = fake.bot_messages()[-1]["id"]
        await wait_recorded(bot, ref.id)
        voters = [fake.add_user(f"voter{i}") for i in range(40)]

        async def up_then_down(user: int) -> list:
            return [
                await fake.click_button(up, message_id, user=user),
                await fake.click_button(down, message_id, user=user),
            ]

        clicks = [c for pair in await asyncio.gather(*(up_then_down(u) for u in voters)) for c in pair]
        for c in clicks:  # every click was thanked
            thanks = await fake.wait_for_request(lambda r, c=c: is_followup(r, c), timeout=20)
            assert thanks.status < 300 and "Thanks" in thanks.json["content"]
        votes = [bot.store.get_vote(str(ref.id), u) for u in voters]
        assert votes == [-1] * 40, f"{votes.count(1)} of 40 ended as 👍"


async def test_stats_and_reindex_refuse_non_admins(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        for command in ("stats", "reindex"):
            ref = await fake.send_slash(command)
            cb = await fake.wait_for_request(lambda r, ref=ref: r.path.startswith(f"/interactions/{ref.id}/"))
            assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64
            assert "only" in cb.json["data"]["content"]


async def test_owner_sees_stats(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "what did mamdani eat for lunch?"})
        await fake.wait_for_request(lambda r: is_followup(r, ref))
        for _ in range(100):  # the answer is recorded alongside the reply, not before it
            if bot.store.get_answer(str(ref.id)):
                break
            await asyncio.sleep(0.02)
        # The owner is known from the start: nothing is asked of Discord before /stats is acknowledged (a
        # trial: the first /stats read the owner first, and a rate limit there let the interaction expire).
        fake.fail_next("GET", r"applications/@me", 429, retry_after=3.2)
        n = len(fake.requests)
        ref = await fake.send_slash("stats", user=fake.owner_id)
        follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
        text = str(follow.json["embeds"][0])
        assert "lunch" in text
        assert not [r for r in fake.requests[n:] if "applications/@me" in r.path]


async def test_owner_reindex_swaps_the_index_without_losing_a_question(fake, tmp_path):
    loads: list[int] = []

    def reload() -> Answerer:
        loads.append(1)
        return load_answerer(Paths.of(Settings(_env_file=None)))

    bot = bot_for(tmp_path, reload())  # its own answerer, to see it freed (the fixture's is kept)
    loads.clear()
    bot.reload = reload
    # The real command rebuilds with torch (tested in the CLI tests); a stand-in that takes a moment.
    bot.reindex_command = [sys.executable, "-c", "import time; time.sleep(1.0)"]
    async with running_bot(fake, bot):
        before = bot.answers.answerer
        checked = await fake.send_slash("check", {"text": '"I think we will."'})
        await fake.wait_for_request(lambda r: is_followup(r, checked), timeout=10)
        assert bot.get_cog("CheckCog")._checker.index is before.index
        await bot.get_cog("AskCog")._suggester()  # chosen at start; one still under way keeps its answerer
        ref = await fake.send_slash("reindex", user=fake.owner_id)
        await asyncio.sleep(0.2)
        asked = await fake.send_slash("ask", {"question": "When was the meeting?"})
        answered = await fake.wait_for_request(lambda r: is_followup(r, asked), timeout=10)
        assert answered.json.get("embeds")
        done = await fake.wait_for_request(lambda r: is_followup(r, ref), timeout=15)
        assert "swapped in" in done.json["content"]
        assert loads == [1] and bot.answers.answerer is not before
        # Nothing built on the old index is kept until someone next types (the suggestions and the quote
        # checker held the old answerer, and its memory, until then).
        for _ in range(50):
            if bot.get_cog("AskCog")._suggesting[0] is bot.answers.answerer:
                break
            await asyncio.sleep(0.1)
        assert bot.get_cog("AskCog")._suggesting[0] is bot.answers.answerer
        assert bot.get_cog("CheckCog")._checker is None
        gone = weakref.ref(before)
        del before
        gc.collect()
        assert gone() is None  # freed, memory and all


async def test_reindex_without_the_build_extras_names_them(
    fake, answerer, tmp_path, monkeypatch, without_build_extras
):
    """On a serving-only install /reindex says what to install, not "something went wrong"."""
    index_copy = tmp_path / "index"
    shutil.copytree(ROOT / "index", index_copy)
    for name, value in {**without_build_extras, "INDEX_DIR": str(index_copy)}.items():
        monkeypatch.setenv(name, value)  # what the real rebuild command, `python -m bot index`, runs with
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        before = bot.answers.answerer
        ref = await fake.send_slash("reindex", user=fake.owner_id)
        done = await fake.wait_for_request(lambda r: is_followup(r, ref), timeout=30)
        text = json.dumps(done.json, ensure_ascii=False)
        assert "Rebuilding needs the build extras" in text and "pip install -e '.[build]'" in text
        assert "current index stays in use" in text and "went wrong" not in text and "error:" not in text
        assert bot.answers.answerer is before


def test_a_reindex_stopped_for_time_is_reported_while_discord_takes_follow_ups() -> None:
    """A review: a build stopped at 900 s was reported as a follow-up after the interaction's 15 minutes,
    so its owner heard nothing. A minute is left for loading the index and sending the outcome."""
    assert REINDEX_TIMEOUT + 60 <= INTERACTION_TOKEN_SECONDS


async def wait_recorded(bot, answer_id: int | str) -> None:
    """Wait until the answer is stored (it is recorded alongside the reply, not before it)."""
    for _ in range(200):
        if bot.store.get_answer(str(answer_id)):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"answer {answer_id} was never recorded")


async def _stats_seen_by(fake: FakeDiscord, user: int | None) -> str:
    """The /stats embed a user (default: the human tester) is shown, as text."""
    ref = await fake.send_slash("stats", user=user)
    follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
    return str(follow.json["embeds"][0])


async def test_a_server_admin_never_sees_dm_questions_in_stats(answerer, tmp_path):
    admins = DEFAULT_EVERYONE_PERMISSIONS | permission_value("manage_guild")
    async with FakeDiscord(everyone_permissions=admins) as fake:
        bot = bot_for(tmp_path, answerer)
        async with running_bot(fake, bot):
            n = len(fake.requests)
            dm = await fake.send_message("what is my bank PIN 4471?", guild=False)
            await fake.wait_for_request(with_embed, start=n)
            await wait_recorded(bot, dm["id"])
            asked = await fake.send_slash("ask", {"question": "what did mamdani eat for lunch?"})
            await fake.wait_for_request(lambda r: is_followup(r, asked))
            await wait_recorded(bot, asked.id)
            # A member who may manage this server, but is not the bot's owner.
            text = await _stats_seen_by(fake, None)
            assert "lunch" in text  # asked publicly in this server
            assert "4471" not in text and "PIN" not in text
            assert "4471" in await _stats_seen_by(fake, fake.owner_id)  # the owner sees everything


async def test_a_server_admin_never_sees_questions_from_a_channel_everyone_cannot_read(answerer, tmp_path):
    # A helper's trial: a question asked by mention in a staff-only channel was listed in the /stats of
    # an admin (Manage Server) who may not read that channel.
    admins = DEFAULT_EVERYONE_PERMISSIONS | permission_value("manage_guild")
    async with FakeDiscord(everyone_permissions=admins) as fake:
        staff = fake.add_channel("staff-only")
        view = str(permission_value("view_channel"))
        fake.channels[str(staff)]["permission_overwrites"] = [
            {"id": str(fake.everyone_role_id), "type": 0, "allow": "0", "deny": view},
            {"id": str(fake.user_id), "type": 1, "allow": view, "deny": "0"},
            {"id": str(fake.bot_id), "type": 1, "allow": view, "deny": "0"},  # the bot was let in
        ]
        # And a private thread in the public channel, that a member made.
        secret = fake._snowflake()
        thread = fake._thread_payload(str(fake.channel_id), secret, {"name": "private"}, 12)
        thread["owner_id"] = str(fake.user_id)
        admin = fake.add_user("admin")
        # Open to @everyone, but one member (the admin) or one role is kept out by an overwrite.
        kept_out = fake.add_channel("not-for-the-admin")
        fake.channels[str(kept_out)]["permission_overwrites"] = [
            {"id": str(admin), "type": 1, "allow": "0", "deny": view}
        ]
        role_out = fake.add_channel("not-for-a-role")
        fake.channels[str(role_out)]["permission_overwrites"] = [
            {"id": fake._snowflake(), "type": 0, "allow": "0", "deny": view}
        ]
        bot = bot_for(tmp_path, answerer)
        async with running_bot(fake, bot):
            for question, channel in (
                ("did the HR complaint against STAFFSECRET come up?", staff),
                ("did the board discuss THREADSECRET?", secret),
                ("what did MEMBERSECRET eat for breakfast?", kept_out),
                ("did the board ever discuss ROLESECRET?", role_out),
                ("what did mamdani eat for lunch?", None),
            ):
                n = len(fake.requests)
                asked = await fake.send_message(f"<@{fake.bot_id}> {question}", channel_id=channel)
                await fake.wait_for_request(with_embed, start=n)
                await wait_recorded(bot, asked["id"])
            text = await _stats_seen_by(fake, admin)
            assert "lunch" in text  # asked where everyone may read
            for secret_word in ("STAFFSECRET", "THREADSECRET", "MEMBERSECRET", "ROLESECRET"):
                assert secret_word not in text
                assert secret_word in await _stats_seen_by(fake, fake.owner_id)  # the owner sees everything


async def test_a_forged_more_button_never_shows_someone_elses_private_answer(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        dm = await fake.send_message("what is my bank PIN 4471? and who called trump a fascist?", guild=False)
        await fake.wait_for_request(with_embed, start=n)
        await wait_recorded(bot, dm["id"])
        # Someone else, in the server channel, presses a button carrying that answer's id.
        public = await fake.send_slash("ask", {"question": "When was the meeting?"})
        await fake.wait_for_request(lambda r: is_followup(r, public))
        message_id = fake.bot_messages()[-1]["id"]
        for forged in (f"mb:more:{dm['id']}:3", f"mb:vote:{dm['id']}:up"):
            # A tampered client: the button on the public message carries the private answer's id.
            button = {"type": 2, "style": 2, "label": "More", "custom_id": forged}
            fake.messages[str(message_id)]["components"] = [{"type": 1, "components": [button]}]
            ref = await fake.click_button(forged, message_id, user=fake.owner_id)
            replies = await asyncio.wait_for(_all_replies(fake, ref), timeout=10)
            shown = json.dumps(replies)
            assert "4471" not in shown and "fascist" not in shown
            assert "not counted" in shown or "no longer have" in shown  # as for an answer that isn't stored
        assert bot.store.get_vote(str(dm["id"]), fake.owner_id) is None
        # The asker still expands their own answer.
        n = len(fake.requests)
        dm_answer = fake.bot_messages()[0]
        own = next(i for i in custom_ids_of(dm_answer) if i.startswith("mb:more:"))
        ref = await fake.click_button(own, dm_answer["id"], user=fake.user_id)
        more = await fake.wait_for_request(lambda r: is_followup(r, ref), start=n)
        shown = int(own.rsplit(":", 1)[1])
        assert more.json["embeds"][0]["fields"][0]["name"].startswith(f"[{shown + 1}]")


async def _all_replies(fake: FakeDiscord, ref) -> list:
    """What the bot sent for an interaction, once it has said something in words."""

    def words(r: Request) -> bool:
        if r.path.startswith(f"/interactions/{ref.id}/"):  # a callback: type 4 carries a message
            return r.json["type"] == 4
        return r.method == "POST" and ref.token in r.path  # a follow-up message

    await fake.wait_for_request(words)
    return [
        r.json for r in fake.requests if r.path.startswith(f"/interactions/{ref.id}/") or ref.token in r.path
    ]


@contextmanager
def locked(database: Path) -> Iterator[None]:
    """Hold the SQLite database's write lock (as a long transaction of another process would)."""
    conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


async def test_a_vote_while_the_database_is_locked_is_deferred_in_time_and_kept(fake, answerer, tmp_path):
    """The click is acknowledged before the write waits for the lock (the fake enforces the 3 s deadline)."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "What is Mamdani's slogan?"})
        follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
        message_id = fake.bot_messages()[-1]["id"]
        await wait_recorded(bot, ref.id)
        with locked(tmp_path / DB_FILE):
            click = await fake.click_button(custom_ids(follow)[3], message_id)
            callback = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
            assert callback.status < 300 and callback.json["type"] == 5  # deferred while the lock is held
        thanks = await fake.wait_for_request(lambda r: is_followup(r, click), timeout=20)
        assert "missed" in thanks.json["content"]
        assert bot.store.get_vote(str(ref.id), fake.user_id) == -1  # the vote was not lost


async def test_a_locked_database_logs_no_question_text(fake, answerer, tmp_path, caplog):
    """A write that gives up on the lock is logged without its parameters: no question, no history."""
    s = settings(tmp_path)
    store = Store.open(default_url(tmp_path), b"salt", lock_timeout=0.2)  # 30 s when serving
    bot = MeetingBot(s, answerer, store, lambda: answerer)
    caplog.set_level(logging.ERROR)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        first = await fake.send_message("what did Quackenbush say about energy costs?", guild=False)
        await fake.wait_for_request(with_embed, start=n)
        await wait_recorded(bot, first["id"])
        with locked(tmp_path / DB_FILE):
            n = len(fake.requests)
            await fake.send_message("and what did Zebedee propose?", guild=False)  # read after the first
            await fake.wait_for_request(with_embed, start=n)
            for _ in range(250):
                if any("could not record" in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.02)
    failures = [r for r in caplog.records if "could not record" in r.getMessage()]
    assert failures and failures[0].exc_info  # logged, with the exception
    assert "Zebedee" not in caplog.text and "Quackenbush" not in caplog.text


async def test_more_please_in_a_dm_shows_the_next_passages_of_the_question_before(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        question = "When did Trump and Mamdani meet?"
        n = len(fake.requests)
        await fake.send_message(question, guild=False)
        first = await fake.wait_for_request(with_embed, start=n)
        shown = len(first.json["embeds"][0]["fields"])
        n = len(fake.requests)
        await fake.send_message("more please", guild=False)
        more = await fake.wait_for_request(with_embed, start=n)
        (embed,) = more.json["embeds"]
        assert (
            embed["title"] == question and embed["description"] == "More passages, continuing the numbering:"
        )
        assert embed["fields"][0]["name"].startswith(f"[{shown + 1}]")
        # Asking for more again goes on from there; there is no "More passages" button to click.
        assert not any(i.startswith("mb:more:") for i in custom_ids(more))
        n = len(fake.requests)
        await fake.send_message("keep going", guild=False)
        again = await fake.wait_for_request(with_embed, start=n)
        next_rank = shown + len(embed["fields"]) + 1
        assert again.json["embeds"][0]["fields"][0]["name"].startswith(f"[{next_rank}]")
        # /stats counts the two requests apart from the one question (recorded beside the replies).
        for _ in range(100):
            if bot.store.report().more_requests == 2:
                break
            await asyncio.sleep(0.02)
        ref = await fake.send_slash("stats", user=fake.owner_id)
        follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
        assert follow.json["embeds"][0]["description"].startswith(
            "1 question, 0 not answered by the article (0%), and 2 requests for more;"
        )


async def test_what_happened_next_in_a_dm_bolds_the_line_after_the_one_shown(fake, answerer, tmp_path):
    # A trial: after the letter, "what happened after" bolded the letter again.
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message("tell me about the letter", guild=False)
        first = await fake.wait_for_request(with_embed, start=n)
        assert first.json["embeds"][0]["description"].startswith("**In October, Mamdani")
        n = len(fake.requests)
        await fake.send_message("what happened after", guild=False)
        after = await fake.wait_for_request(with_embed, start=n)
        assert after.json["embeds"][0]["description"] == "**Trump reportedly read it twice.**"


async def test_more_please_goes_on_after_a_restart(fake, answerer, tmp_path):
    """A trial restarted the bot and "more please" in the DM got "Ask me a question first"."""
    question = "When did Trump and Mamdani meet?"
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message(question, guild=False)
        first = await fake.wait_for_request(with_embed, start=n)
        shown = len(first.json["embeds"][0]["fields"])
        await fake.send_message("thanks!", guild=False)  # chatter after it is no question to go on from
        await fake.wait_for_request(
            lambda r: r.method == "POST" and bool(r.json and r.json.get("content")), start=n
        )
        for _ in range(100):
            if bot.store.latest_in(int(first.path.split("/")[-2]), ("dm",), fake.user_id):
                break
            await asyncio.sleep(0.02)
    embed = await _more_in_a_dm_after_a_restart(fake, answerer, tmp_path)
    assert embed["title"] == question and embed["fields"][0]["name"].startswith(f"[{shown + 1}]")


async def _more_in_a_dm_after_a_restart(fake: FakeDiscord, answerer: Answerer, tmp_path) -> dict:
    """Start a new bot on the same database, ask "more please" in the DM and return the reply's embed."""
    bot = bot_for(tmp_path, answerer)  # a new process on the same database
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message("more please", guild=False)
        more = await fake.wait_for_request(with_embed, start=n)
        return more.json["embeds"][0]


async def test_a_thread_goes_on_after_a_restart_without_anyones_private_question(fake, answerer, tmp_path):
    """A review: a private /ask made in the bot's thread was read back after a restart, and "more please"
    by anyone there showed its question as the title."""
    public, private = "what did they say about energy costs?", "Did Mamdani talk about rent with Trump?"
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, public)
        thread_id = str(msg["id"])
        ref = await fake.send_slash("ask", {"question": private, "private": True}, channel_id=thread_id)
        await fake.wait_for_request(lambda r: is_followup(r, ref))
        for _ in range(100):
            if bot.store.get_answer(str(ref.id)) and bot.store.get_answer(str(msg["id"])):
                break
            await asyncio.sleep(0.02)
    bot = bot_for(tmp_path, answerer)  # a new process on the same database
    async with running_bot(fake, bot):
        other = fake.add_user("bystander")
        for who in (fake.user_id, other):  # the asker first: their own private question is theirs only
            n = len(fake.requests)
            await fake.send_message("more please", channel_id=thread_id, mentions=[], author=who)
            more = await fake.wait_for_request(with_embed, start=n)
            assert more.json["embeds"][0]["title"] == public
            assert private not in str(more.json)


async def _slash_answer(fake: FakeDiscord, question: str, **where) -> dict:
    """Ask by /ask and return the embed its deferred reply was filled in with."""
    ref = await fake.send_slash("ask", {"question": question}, **where)
    done = await fake.wait_for_request(
        lambda r: is_followup(r, ref) and bool(r.json and r.json.get("embeds"))
    )
    return done.json["embeds"][0]


async def test_an_ask_in_a_dm_joins_the_conversation_there(fake, answerer, tmp_path):
    """A trial: after a question typed in a DM, an /ask there, then "more please", showed more passages of
    the typed question, and a follow-up was read with it."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message("who called trump a fascist?", guild=False)
        await fake.wait_for_request(with_embed, start=n)
        asked = "How much has Con Edison raised rates?"
        await _slash_answer(fake, asked, guild=False)
        n = len(fake.requests)
        await fake.send_message("more please", guild=False)
        more = await fake.wait_for_request(with_embed, start=n)
        assert more.json["embeds"][0]["title"] == asked
        # ... and an /ask goes on from the conversation too.
        embed = await _slash_answer(fake, "and which boroughs are hit hardest?", guild=False)
        assert "Bronx" in json.dumps(embed, ensure_ascii=False)


async def test_an_ask_in_a_dm_is_gone_on_from_after_a_restart(fake, answerer, tmp_path):
    asked = "How much has Con Edison raised rates?"
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        await _slash_answer(fake, asked, guild=False)
        for _ in range(100):
            if bot.store.report().questions == 1:
                break
            await asyncio.sleep(0.02)
    assert (await _more_in_a_dm_after_a_restart(fake, answerer, tmp_path))["title"] == asked


async def test_a_public_ask_in_the_bots_thread_joins_its_conversation_and_a_private_one_does_not(
    fake, answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, "who called trump a fascist?")
        thread_id = str(msg["id"])
        public, private = "How much has Con Edison raised rates?", "What is Mamdani's slogan?"
        await _slash_answer(fake, public, channel_id=thread_id)
        ref = await fake.send_slash("ask", {"question": private, "private": True}, channel_id=thread_id)
        await fake.wait_for_request(lambda r: is_followup(r, ref))
        n = len(fake.requests)
        await fake.send_message("more please", channel_id=thread_id, mentions=[])
        more = await fake.wait_for_request(with_embed, start=n)
        assert more.json["embeds"][0]["title"] == public
        assert private not in str(more.json)


async def test_two_quick_requests_for_more_show_two_pages(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message("When did Trump and Mamdani meet?", guild=False)
        first = await fake.wait_for_request(with_embed, start=n)
        shown = len(first.json["embeds"][0]["fields"])
        n = len(fake.requests)
        await asyncio.gather(
            fake.send_message("more", guild=False), fake.send_message("more please", guild=False)
        )
        one = await fake.wait_for_request(with_embed, start=n)
        other = await fake.wait_for_request(with_embed, start=fake.requests.index(one) + 1)
        pages = sorted(r.json["embeds"][0]["fields"][0]["name"].split("]")[0] for r in (one, other))
        # Both read the conversation before either was added to it, once: the same page twice.
        assert pages == sorted([f"[{shown + 1}", f"[{shown + 4}"])


def posted(r: Request) -> bool:
    """A message the bot posted (an answer, or a reply of a few words)."""
    return r.status < 300 and r.method == "POST" and r.path.endswith("/messages")


async def said_and_stored(fake: FakeDiscord, bot, message: str, **where) -> tuple[dict, Request]:
    """Send a message, wait for the bot's reply and for the question to be stored."""
    n = len(fake.requests)
    sent = await fake.send_message(message, **where)
    reply = await fake.wait_for_request(posted, start=n)
    await wait_recorded(bot, sent["id"])
    return sent, reply


async def test_a_person_forgotten_while_the_bot_runs_is_let_go_of_in_its_threads(fake, answerer, tmp_path):
    """A trial: `meeting-bot forget` run while the bot ran cleaned the store, but the bot still held the
    question in the thread's conversation: the next follow-up there stored it again as its history (a
    second `forget` could no longer find it), and a "more please" would have shown it as its title."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        secret = "my address is 12 Elm St, what did they say about energy costs?"
        msg, _, _ = await ask_by_mention(fake, secret)
        thread_id = str(msg["id"])
        await wait_recorded(bot, msg["id"])
        with open_store(settings(tmp_path)) as other:  # as the command line does, beside the bot
            assert other.forget(fake.user_id) == 1
        where = {"channel_id": thread_id, "mentions": [], "author": fake.add_user("bob")}
        _, reply = await said_and_stored(fake, bot, "more please", **where)
        assert "Elm St" not in json.dumps(reply.json)
        assert "Elm St" not in json.dumps(bot.store.dump_rows(), default=str)


async def test_a_person_forgotten_while_the_bot_runs_is_let_go_of_in_their_dms(fake, answerer, tmp_path):
    """As in a thread: after the forget, "more please" in the DM has nothing to go on from (it used to show
    the forgotten question as its title), and no later row stores it."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        secret = "my address is 12 Elm St, what did they say about energy costs?"
        await said_and_stored(fake, bot, secret, guild=False)
        with open_store(settings(tmp_path)) as other:
            assert other.forget(fake.user_id) == 1
        for message in ("more please", "and what did Mamdani propose?"):
            _, reply = await said_and_stored(fake, bot, message, guild=False)
            assert "Elm St" not in json.dumps(reply.json)
        assert "Elm St" not in json.dumps(bot.store.dump_rows(), default=str)


async def test_forgetting_one_person_leaves_anothers_dm_conversation_as_it_was(fake, answerer, tmp_path):
    """A review: a forget took the same words, and every "more please", out of everyone's conversations,
    so another person's follow-ups lost the question they went on from."""
    bot = bot_for(tmp_path, answerer)
    carol = fake.add_user("carol")
    question = "what did they say about energy costs?"
    async with running_bot(fake, bot):
        for author in (None, carol):  # the tester, then Carol, each in their own DM
            for message in (question, "more please"):
                await said_and_stored(fake, bot, message, guild=False, author=author)
        with open_store(settings(tmp_path)) as other:
            assert other.forget(fake.user_id) == 2
        sent, _ = await said_and_stored(fake, bot, "and what did Mamdani propose?", guild=False, author=carol)
        # Her follow-up is read after, and stored with, her own question, which her DM still holds.
        assert bot.store.get_answer(str(sent["id"])).history == (question,)


async def test_a_question_deleted_in_a_thread_is_neither_kept_nor_stored(fake, answerer, tmp_path):
    """A trial: a question deleted before its answer was posted stayed in the thread's conversation (a
    "more please" from someone else then posted it as the embed's title) and was stored as public (a
    server admin's /stats listed it)."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, "what did they say about energy costs?")
        thread_id = str(msg["id"])
        secret = "my ssn is 078-05-1120, how much did con edison raise rates?"
        n = len(fake.requests)
        question = await fake.send_message(secret, channel_id=thread_id, mentions=[])
        del fake.messages[question["id"]]  # deleted before the bot answers
        # ... and someone writes at once, before the reply to it is refused (a second trial's race).
        await fake.send_message("more please", channel_id=thread_id, mentions=[], author=fake.add_user("bob"))
        more = await fake.wait_for_request(lambda r: with_embed(r) and r.status < 300, start=n)
        refused = [r for r in fake.requests[n:] if with_embed(r) and r.status >= 400]
        assert refused  # the deleted question's answer was tried, and refused by Discord
        assert "078-05-1120" not in json.dumps(more.json)
        assert more.json["embeds"][0]["title"] == "what did they say about energy costs?"
        assert "078-05-1120" not in json.dumps(bot.store.dump_rows(), default=str)


async def test_a_thread_deleted_before_its_answer_is_answered_nowhere(fake, answerer, tmp_path):
    """A trial: a moderator deleted the bot's new thread as the answer was on its way, and the answer was
    posted in the channel instead, undoing the removal."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):

        async def delete_thread() -> None:
            for channel_id, channel in list(fake.channels.items()):
                if channel["type"] == 11:  # the public thread the bot opened
                    del fake.channels[channel_id]

        fake.before_request("POST", r"^/channels/\d+/messages$", delete_thread)
        n = len(fake.requests)
        await fake.send_message(f"<@{fake.bot_id}> what is mamdani's slogan?")
        refused = await fake.wait_for_request(lambda r: with_embed(r) and r.status == 404, start=n)
        await asyncio.sleep(0.5)
        posted = [r for r in fake.requests[fake.requests.index(refused) + 1 :] if with_embed(r)]
        assert not posted
        assert not any(r.method == "PATCH" for r in fake.requests[n:])  # nor a rename of what is gone


async def test_more_passages_clicked_as_the_answer_appears_waits_for_it_to_be_stored(
    fake, answerer, tmp_path
):
    """A trial: "More passages" clicked right after an answer appeared said "That answer is too old to
    expand" about 2 runs in 6: the button read the row before the write beside the reply had landed."""
    bot = bot_for(tmp_path, answerer)
    slow = bot.store.record_answer

    def record_slowly(*args, **kwargs):  # a slow database: the row lands well after the reply
        time.sleep(0.5)
        return slow(*args, **kwargs)

    bot.store.record_answer = record_slowly  # type: ignore[method-assign]
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "what did they say about energy costs?"})
        answer = await fake.wait_for_request(lambda r: is_followup(r, ref))
        more_id = next(c for c in custom_ids(answer) if c.startswith("mb:more:"))
        n = len(fake.requests)
        click = await fake.click_button(more_id, fake.bot_messages()[-1]["id"])
        reply = await fake.wait_for_request(lambda r: is_followup(r, click), start=n)
        assert "no longer have" not in (reply.json.get("content") or "") and reply.json.get("embeds")


async def _ask_and_delete_as_its_thread_opens(fake: FakeDiscord, bot: MeetingBot, secret: str) -> str:
    """Mention the bot with `secret` and delete the question once its thread is open, just before the
    answer is posted there; return the thread's id once the bot has dealt with it."""
    asked: list[dict] = []

    async def delete_question() -> None:
        await fake.delete_message(asked[0]["id"])
        await asyncio.sleep(0.1)  # the deletion reaches the bot before the answer's post returns

    fake.before_request("POST", r"^/channels/\d+/messages$", delete_question)
    n = len(fake.requests)
    asked.append(await fake.send_message(f"<@{fake.bot_id}> {secret}"))
    thread_id = str(asked[0]["id"])
    await fake.wait_for_request(
        lambda r: r.method in ("DELETE", "PATCH") and r.path == f"/channels/{thread_id}", start=n
    )
    await asyncio.sleep(0.2)
    return thread_id


async def test_a_question_deleted_as_its_thread_opens_takes_the_thread_down(fake, answerer, tmp_path):
    """A trial: a question by mention deleted after its thread was opened, before the answer was posted,
    was answered there and stored; the thread's name and the answer's title repeated it."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        secret = "my ssn is 078-05-1120, when did they meet?"
        thread_id = await _ask_and_delete_as_its_thread_opens(fake, bot, secret)
        assert thread_id not in fake.channels  # deleted, with what was posted in it
        assert "078-05-1120" not in json.dumps([fake.channels, fake.messages])
        assert "078-05-1120" not in json.dumps(bot.store.dump_rows(), default=str)
        assert bot.get_cog("AskCog")._sending == {}


async def test_without_manage_threads_a_deleted_questions_thread_is_emptied_and_renamed(
    fake, answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    fake.bot_permissions &= ~permission_value("manage_threads")
    async with running_bot(fake, bot):
        secret = "my ssn is 078-05-1120, when did they meet?"
        thread_id = await _ask_and_delete_as_its_thread_opens(fake, bot, secret)
        thread = fake.channels[thread_id]
        assert thread["name"] == WITHDRAWN_THREAD and thread["thread_metadata"]["archived"]
        assert "078-05-1120" not in json.dumps([fake.channels, fake.messages])
        assert "078-05-1120" not in json.dumps(bot.store.dump_rows(), default=str)


async def test_a_question_deleted_after_its_answer_takes_the_answer_with_it(fake, answerer, tmp_path):
    """A trial: a question by mention deleted once its answer was posted (as people delete: after seeing
    it) stayed in the thread's name, the answer's title and the store, and a "more please" there by
    someone else posted it again."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        secret = "my ssn is 078-05-1120, when did they meet?"
        msg, _, _ = await ask_by_mention(fake, secret)
        thread_id = str(msg["id"])
        bob = fake.add_user("bob")
        n = len(fake.requests)
        await fake.send_message("and where?", channel_id=thread_id, mentions=[], author=bob)
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.2)  # bob's follow-up stored, with the question before it in its history
        assert "078-05-1120" in json.dumps(bot.store.dump_rows(), default=str)
        n = len(fake.requests)
        await fake.delete_message(msg["id"])
        renamed = f"/channels/{thread_id}"
        await fake.wait_for_request(lambda r: r.method == "PATCH" and r.path == renamed, start=n)
        await asyncio.sleep(0.2)
        assert fake.channels[thread_id]["name"] == WITHDRAWN_THREAD  # renamed, not deleted: bob talked there
        n = len(fake.requests)
        await fake.send_message("more please", channel_id=thread_id, mentions=[], author=bob)
        more = await fake.wait_for_request(lambda r: with_embed(r) and r.status < 300, start=n)
        await asyncio.sleep(0.2)
        assert "078-05-1120" not in json.dumps([fake.channels, fake.messages, more.json])
        assert "078-05-1120" not in json.dumps(bot.store.dump_rows(), default=str)


async def test_a_question_deleted_after_its_reply_in_place_takes_the_reply_with_it(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, answer_in_threads=False)
    async with running_bot(fake, bot):
        secret = "my ssn is 078-05-1120, when did they meet?"
        n = len(fake.requests)
        msg = await fake.send_message(f"<@{fake.bot_id}> {secret}")
        answer = await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.2)
        n = len(fake.requests)
        await fake.delete_message(msg["id"])
        await fake.wait_for_request(lambda r: r.method == "DELETE" and "/messages/" in r.path, start=n)
        await asyncio.sleep(0.2)
        assert "078-05-1120" not in json.dumps([fake.channels, fake.messages])
        assert "078-05-1120" not in json.dumps(bot.store.dump_rows(), default=str)
        assert answer.status < 300  # it was posted, then taken down


async def test_a_message_delivered_twice_is_answered_once(fake, answerer, tmp_path):
    """A trial: the same MESSAGE_CREATE dispatched twice got two answers (the second in place, after its
    thread could not be opened again)."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        msg = await fake.send_message(f"<@{fake.bot_id}> when did they meet?")
        await fake.dispatch("MESSAGE_CREATE", msg)
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.5)
        assert len([r for r in fake.requests[n:] if with_embed(r)]) == 1
        assert len([r for r in fake.requests[n:] if r.path.endswith("/threads")]) == 1


async def test_a_deleted_questions_more_please_replies_go_with_it(fake, answerer, tmp_path):
    """A second trial: the reply to a "more please" asked before the deletion kept the question as its
    title."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, "my ssn is 078-05-1120, when did they meet?")
        thread_id = str(msg["id"])
        n = len(fake.requests)
        await fake.send_message("more please", channel_id=thread_id, mentions=[], author=fake.add_user("bob"))
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.3)
        n = len(fake.requests)
        await fake.delete_message(msg["id"])
        await fake.wait_for_request(lambda r: r.method == "PATCH" and r.path.endswith(thread_id), start=n)
        await asyncio.sleep(0.3)
        assert "078-05-1120" not in json.dumps([fake.channels, fake.messages])


async def test_a_deleted_question_is_withdrawn_from_a_reply_thread_of_someone_else(fake, answerer, tmp_path):
    """A second trial: bob's reply to the answer in an ask-channel opened a thread of his own holding the
    question; with the question and then bob's reply deleted, carol's "more please" there posted it."""
    bot = bot_for(tmp_path, answerer, ask_channel_ids=str(fake.channel_id), cooldown_questions=100)
    async with running_bot(fake, bot):
        question = "When did Trump and Mamdani meet in the Oval Office?"
        n = len(fake.requests)
        msg = await fake.send_message(question, mentions=[])
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.3)
        n = len(fake.requests)
        answer_id = fake.bot_messages()[-1]["id"]
        bob = fake.add_user("bob")
        reply = await fake.send_message("and where was it?", author=bob, referenced_message_id=answer_id)
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.3)
        await fake.delete_message(msg["id"])
        await asyncio.sleep(0.5)
        assert question not in json.dumps(bot.store.dump_rows(), default=str)  # bob's row's history too
        await fake.delete_message(reply["id"])
        await asyncio.sleep(0.5)
        n = len(fake.requests)
        carol = fake.add_user("carol")
        await fake.send_message("more please", channel_id=str(reply["id"]), mentions=[], author=carol)
        more = await fake.wait_for_request(lambda r: r.method == "POST" and "/messages" in r.path, start=n)
        assert question not in json.dumps(more.json)


def _slow_store(bot: MeetingBot, seconds: float) -> None:
    """Make every write of a question take `seconds` longer (a slow database)."""
    record = bot.store.record_answer

    def slowly(*args, **kwargs):
        time.sleep(seconds)
        return record(*args, **kwargs)

    bot.store.record_answer = slowly  # type: ignore[method-assign]


async def test_a_question_deleted_while_its_row_is_slow_to_land_is_not_stored(fake, answerer, tmp_path):
    """A second trial: with a store write slower than the wait for it, the withdrawal found no row yet and
    the late write kept the deleted question."""
    bot = bot_for(tmp_path, answerer)
    _slow_store(bot, 2.5)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, "my ssn is 078-05-1120, when did they meet?")
        await fake.delete_message(msg["id"])
        await asyncio.sleep(3.5)
        assert "078-05-1120" not in json.dumps(bot.store.dump_rows(), default=str)


async def _stored(bot: MeetingBot, question_id: object) -> None:
    """Wait until the answer to a question is in the store."""
    for _ in range(100):
        if bot.store.get_answer(str(question_id)) is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"question {question_id} was never stored")


async def _delete_taking_down(fake: FakeDiscord, message_id: object, reply: str) -> None:
    """Delete a message and wait until the bot deletes its reply at path `reply`."""
    n = len(fake.requests)
    await fake.delete_message(message_id)
    await fake.wait_for_request(lambda r: r.method == "DELETE" and r.path == reply, start=n)
    await asyncio.sleep(0.2)


async def test_a_question_deleted_after_a_restart_takes_its_answer_and_thread_down(fake, answerer, tmp_path):
    """A trial: the answers kept in memory were lost with a restart, so a question deleted after it kept
    its thread's name, its answer (whose title it is) and its stored row."""
    secret = "my ssn is 078-05-1120, when did they meet?"
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, secret)
        thread_id = str(msg["id"])
        n = len(fake.requests)
        await fake.send_message("more please", channel_id=thread_id, mentions=[], author=fake.add_user("bob"))
        await fake.wait_for_request(with_embed, start=n)
        await _stored(bot, msg["id"])
        await asyncio.sleep(0.3)  # bob's request for more stored too
        replies = {m["id"] for m in fake.bot_messages() if m["channel_id"] == thread_id}
        assert len(replies) == 2
    bot = bot_for(tmp_path, answerer)  # a new process on the same database
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.delete_message(msg["id"])
        await fake.wait_for_request(
            lambda r: r.method == "PATCH" and r.path == f"/channels/{thread_id}", start=n
        )
        await asyncio.sleep(0.3)
        deleted = {r.path for r in fake.requests[n:] if r.method == "DELETE"}
        assert deleted == {f"/channels/{thread_id}/messages/{i}" for i in replies}
        assert fake.channels[thread_id]["name"] == WITHDRAWN_THREAD
        assert "078-05-1120" not in json.dumps([fake.channels, fake.messages])
        assert "078-05-1120" not in json.dumps(bot.store.dump_rows(), default=str)


async def test_a_question_deleted_after_a_restart_takes_its_reply_in_place_down(fake, answerer, tmp_path):
    secret = "my ssn is 078-05-1120, when did they meet?"
    bot = bot_for(tmp_path, answerer, answer_in_threads=False)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        msg = await fake.send_message(f"<@{fake.bot_id}> {secret}")
        await fake.wait_for_request(with_embed, start=n)
        await _stored(bot, msg["id"])
        reply_id = fake.bot_messages()[-1]["id"]
    bot = bot_for(tmp_path, answerer, answer_in_threads=False)
    async with running_bot(fake, bot):
        await _delete_taking_down(fake, msg["id"], f"/channels/{fake.channel_id}/messages/{reply_id}")
        assert "078-05-1120" not in json.dumps([fake.channels, fake.messages])
        assert "078-05-1120" not in json.dumps(bot.store.dump_rows(), default=str)


async def test_deleting_a_message_that_is_no_question_after_a_restart_does_nothing(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, "when did they meet?")
        await _stored(bot, msg["id"])
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        chat = await fake.send_message("just chatting here", mentions=[])
        await asyncio.sleep(0.2)
        n = len(fake.requests)
        await fake.delete_message(chat["id"])
        await asyncio.sleep(0.3)
        assert [r for r in fake.requests[n:] if r.method in ("DELETE", "PATCH")] == []
        assert bot.store.get_answer(str(msg["id"])) is not None


async def test_a_bulk_delete_after_a_restart_takes_each_question_down(fake, answerer, tmp_path):
    """A moderator's bulk delete: the stored questions among the messages are looked up at once."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        one, _, _ = await ask_by_mention(fake, "my ssn is 078-05-1120, when did they meet?")
        # Secrets with a dash: digits alone ("4471") turned up inside the fake's time-based snowflakes.
        two, _, _ = await ask_by_mention(fake, "my pin is 44-71, where did they meet?")
        chat = await fake.send_message("just chatting", mentions=[])
        await _stored(bot, one["id"])
        await _stored(bot, two["id"])
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        ids = [str(m["id"]) for m in (one, chat, two)]
        for i in ids:
            fake.messages.pop(i)
        await fake.dispatch(
            "MESSAGE_DELETE_BULK",
            {"ids": ids, "channel_id": str(fake.channel_id), "guild_id": str(fake.guild_id)},
        )
        for m in (one, two):
            path = f"/channels/{m['id']}"
            await fake.wait_for_request(lambda r, p=path: r.method == "PATCH" and r.path == p, start=n)
        await asyncio.sleep(0.3)
        for secret in ("078-05-1120", "44-71"):
            assert secret not in json.dumps([fake.channels, fake.messages])
            assert secret not in json.dumps(bot.store.dump_rows(), default=str)


async def test_a_request_for_more_deleted_after_a_restart_takes_its_reply_down(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, "when did they meet?")
        thread_id = str(msg["id"])
        n = len(fake.requests)
        more = await fake.send_message("more please", channel_id=thread_id, mentions=[])
        await fake.wait_for_request(with_embed, start=n)
        await _stored(bot, more["id"])
        reply_id = fake.bot_messages()[-1]["id"]
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        await _delete_taking_down(fake, more["id"], f"/channels/{thread_id}/messages/{reply_id}")
        assert bot.store.get_answer(str(more["id"])) is None
        assert bot.store.get_answer(str(msg["id"])) is not None  # the question it went on from stays


async def test_deleting_a_question_leaves_the_replies_to_another_persons_same_question(
    fake, answerer, tmp_path
):
    """A review: Bob asked the same words in a thread of his own and asked for more there; Alice's
    question deleted took Bob's reply down, matched by its words across the whole server."""
    question = "when did they meet?"
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        alice, _, _ = await ask_by_mention(fake, question)
        bob = fake.add_user("bob")
        n = len(fake.requests)
        bobs = await fake.send_message(f"<@{fake.bot_id}> {question}", author=bob)
        await fake.wait_for_request(with_embed, start=n)
        n = len(fake.requests)
        await fake.send_message("more please", channel_id=str(bobs["id"]), mentions=[], author=bob)
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.3)
        kept = {m["id"] for m in fake.bot_messages() if m["channel_id"] == str(bobs["id"])}
        n = len(fake.requests)
        await fake.delete_message(alice["id"])
        await fake.wait_for_request(
            lambda r: r.method == "PATCH" and r.path == f"/channels/{alice['id']}", start=n
        )
        await asyncio.sleep(0.3)
        assert len(kept) == 2 and kept <= {m["id"] for m in fake.bot_messages()}


async def test_a_forum_post_of_someone_else_is_never_renamed(fake, answerer, tmp_path):
    """A second review: in a forum post the first message has the thread's id, so an answer there, after
    a restart, was taken for one in a thread the bot had opened, and the post was renamed."""
    post = str(fake._snowflake())
    thread = fake._thread_payload(str(fake.channel_id), post, {"name": "poster's own title"}, 11)
    thread["owner_id"] = str(fake.user_id)  # the person's post, not the bot's
    bot = bot_for(tmp_path, answerer)
    server = {"guild_id": fake.guild_id, "channel_id": int(post), "private": False, "reply_id": 1}
    bot.store.record_answer(post, fake.user_id, "when did they meet?", True, ["c"], ["s"], "thread", **server)
    with bot.store.engine.begin() as conn:  # as a row kept before the kind of thread was
        conn.execute(text("UPDATE mb_answers SET own_thread = NULL"))
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.dispatch(
            "MESSAGE_DELETE", {"id": post, "channel_id": post, "guild_id": str(fake.guild_id)}
        )
        await asyncio.sleep(0.5)
        assert bot.store.get_answer(post) is None  # withdrawn
        assert not [r for r in fake.requests[n:] if r.method == "PATCH"]
        assert fake.channels[post]["name"] == "poster's own title"


async def test_a_request_for_more_replying_to_an_answer_goes_with_its_question(fake, answerer, tmp_path):
    """A review: with a request for more matched to the latest question in its words, Carol's "more
    please" in reply to Alice's answer stayed when Alice deleted her question, though Bob had asked the
    same words after her; its title is Alice's deleted question. Matching errs toward taking down."""
    bot = bot_for(tmp_path, answerer, answer_in_threads=False, cooldown_questions=100)
    async with running_bot(fake, bot):
        question = "when did they meet?"
        n = len(fake.requests)
        alice = await fake.send_message(f"<@{fake.bot_id}> {question}")
        await fake.wait_for_request(with_embed, start=n)
        alices_answer = fake.bot_messages()[-1]["id"]
        n = len(fake.requests)
        await fake.send_message(f"<@{fake.bot_id}> {question}", author=fake.add_user("bob"))
        await fake.wait_for_request(with_embed, start=n)
        n = len(fake.requests)
        carol = fake.add_user("carol")
        await fake.send_message("more please", author=carol, referenced_message_id=alices_answer, mentions=[])
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.3)
        more_reply = fake.bot_messages()[-1]["id"]
        await _delete_taking_down(fake, alice["id"], f"/channels/{fake.channel_id}/messages/{alices_answer}")
        await asyncio.sleep(0.3)
        assert more_reply not in {m["id"] for m in fake.bot_messages()}


async def test_after_a_restart_a_private_ask_of_the_same_words_keeps_no_request_for_more(
    fake, answerer, tmp_path
):
    """A review: a private /ask of Alice's words in her thread (no part of its conversation) was taken
    for the question Alice's "more please" went on from, so after a restart her deletion left it."""
    question = "when did they meet?"
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        alice, _, _ = await ask_by_mention(fake, question)
        thread_id = str(alice["id"])
        ref = await fake.send_slash(
            "ask", {"question": question, "private": True}, user=fake.add_user("carol"), channel_id=thread_id
        )
        await fake.wait_for_request(lambda r: is_followup(r, ref))
        n = len(fake.requests)
        await fake.send_message("more please", channel_id=thread_id, mentions=[])
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.3)
        first, *_, more_reply = (m["id"] for m in fake.bot_messages(thread_id))
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        await _delete_taking_down(fake, alice["id"], f"/channels/{thread_id}/messages/{first}")
        await asyncio.sleep(0.3)
        assert more_reply not in {m["id"] for m in fake.bot_messages()}


async def test_a_deleted_question_leaves_the_requests_for_more_asked_before_it(fake, answerer, tmp_path):
    """A review: in memory, Alice's question deleted took down the reply to Bob's "more please" on his
    own earlier question in the same words; after a restart (the store) it stayed, as it should."""
    bot = bot_for(tmp_path, answerer, answer_in_threads=False, cooldown_questions=100)
    async with running_bot(fake, bot):
        question = "when did they meet?"
        bob = fake.add_user("bob")
        n = len(fake.requests)
        await fake.send_message(f"<@{fake.bot_id}> {question}", author=bob)
        await fake.wait_for_request(with_embed, start=n)
        bobs_answer = fake.bot_messages()[-1]["id"]
        n = len(fake.requests)
        await fake.send_message("more please", author=bob, referenced_message_id=bobs_answer, mentions=[])
        await fake.wait_for_request(with_embed, start=n)
        await asyncio.sleep(0.3)
        more_reply = fake.bot_messages()[-1]["id"]
        n = len(fake.requests)
        alice = await fake.send_message(f"<@{fake.bot_id}> {question}")
        await fake.wait_for_request(with_embed, start=n)
        alices_answer = fake.bot_messages()[-1]["id"]
        await _delete_taking_down(fake, alice["id"], f"/channels/{fake.channel_id}/messages/{alices_answer}")
        assert more_reply in {m["id"] for m in fake.bot_messages()}


# ---------------------------------------------------------------- edited questions

SECRET_ASKED = "my address is 12 Elm St 10001, what did mamdani say about rent?"
EDITED = "what did mamdani say about rent?"


async def _replaced(fake: FakeDiscord, message_id: object, old_reply: str, content: str | None) -> list:
    """Edit a message and return the requests up to the bot's new answer, once it has deleted the old one
    at path `old_reply`."""
    n = len(fake.requests)
    await fake.edit_message(message_id, content)
    await fake.wait_for_request(lambda r: r.method == "DELETE" and r.path == old_reply, start=n)
    await fake.wait_for_request(with_embed, start=n)
    await asyncio.sleep(0.2)
    return fake.requests[n:]


async def _answered_in_a_thread(fake: FakeDiscord, bot: MeetingBot) -> tuple[dict, str, str]:
    """Ask SECRET_ASKED by mention and wait until its answer, posted in the thread opened for it, is
    stored: the question, the thread's id and the answer's."""
    msg, _, _ = await ask_by_mention(fake, SECRET_ASKED)
    thread_id = str(msg["id"])
    await _stored(bot, msg["id"])
    (reply_id,) = [m["id"] for m in fake.bot_messages(thread_id)]
    return msg, thread_id, reply_id


async def test_an_edited_question_is_answered_again_in_its_thread_without_the_words_taken_out(
    fake, answerer, tmp_path
):
    """A helper's trial: an edit was ignored, so the words the asker took out stayed in the thread's name,
    the answer's title and the store."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, thread_id, reply_id = await _answered_in_a_thread(fake, bot)
        after = await _replaced(
            fake, msg["id"], f"/channels/{thread_id}/messages/{reply_id}", f"<@{fake.bot_id}> {EDITED}"
        )
        new = [r for r in after if with_embed(r)]
        assert len(new) == 1 and new[0].path == f"/channels/{thread_id}/messages"  # in the same thread
        assert "Elm" not in json.dumps([r.json for r in after])
        # Never renamed after the new words either: Discord posts a rename in the thread for good.
        assert fake.channels[thread_id]["name"] == EDITED_THREAD
        assert [r.json["name"] for r in after if r.method == "PATCH" and "name" in r.json] == [EDITED_THREAD]
        await _stored(bot, msg["id"])
        assert bot.store.get_answer(str(msg["id"])).question == EDITED
        assert "Elm" not in json.dumps(bot.store.dump_rows(), default=str)
        # Discord's update as a link's preview loads (no new words) and the same words again: nothing.
        n = len(fake.requests)
        await fake.edit_message(msg["id"])
        await fake.edit_message(msg["id"], f"<@{fake.bot_id}>  **{EDITED}**")
        await asyncio.sleep(0.5)
        assert fake.requests[n:] == []


async def test_a_question_edited_after_its_thread_was_locked_is_taken_down_and_not_answered_there(
    fake, answerer, tmp_path
):
    """A trial: a moderator locked the thread the bot opened for a question, which closes its
    conversation, and the asker's edit was answered in it all the same. The answer to the words taken
    out still comes down; the new words get no answer there, nor anywhere else."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, thread_id, reply_id = await _answered_in_a_thread(fake, bot)
        await _thread_changed(fake, thread_id, locked=True)  # a moderator locks it
        await _taken_down_not_answered(fake, msg["id"], f"<@{fake.bot_id}> {EDITED}", thread_id, reply_id)
        assert "Elm" not in json.dumps(bot.store.dump_rows(), default=str)


async def _thread_changed(fake: FakeDiscord, thread_id: str, **metadata: bool) -> None:
    """A moderator locks or archives a thread, and the bot is told."""
    thread = fake.channels[thread_id]
    thread["thread_metadata"].update(metadata)
    await fake.dispatch("THREAD_UPDATE", thread)


async def _taken_down_not_answered(
    fake: FakeDiscord, message_id: str, words: str, thread_id: str, reply_id: str
) -> None:
    """The message is edited to `words`: its answer in the thread comes down, and nothing is answered."""
    n = len(fake.requests)
    await fake.edit_message(message_id, words)
    old = f"/channels/{thread_id}/messages/{reply_id}"
    await fake.wait_for_request(lambda r: r.method == "DELETE" and r.path == old, start=n)
    await asyncio.sleep(0.5)
    assert [r for r in fake.requests[n:] if with_embed(r)] == []


async def test_a_follow_up_edited_in_a_locked_thread_is_taken_down_and_not_answered_there(
    fake, answerer, tmp_path
):
    """A trial: the check above looked only at the thread opened for a question, so a follow-up asked in
    that thread and edited after a moderator locked it was answered in it again."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, "when was the meeting?")
        thread_id = str(msg["id"])
        n = len(fake.requests)
        follow = await fake.send_message(SECRET_ASKED, channel_id=thread_id)
        await fake.wait_for_request(with_embed, start=n)
        await _stored(bot, follow["id"])
        reply_id = fake.bot_messages(thread_id)[-1]["id"]
        await _thread_changed(fake, thread_id, locked=True)
        await _taken_down_not_answered(fake, follow["id"], EDITED, thread_id, reply_id)


async def test_an_edit_whose_thread_cannot_be_read_is_not_answered_in_its_channel(fake, answerer, tmp_path):
    """A trial: the thread opened for a question, archived (out of the bot's cache) and then unreadable
    (Discord refused to say), was taken for gone, and the edit was answered in the channel, though the
    thread might have been locked."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, thread_id, reply_id = await _answered_in_a_thread(fake, bot)
        await _thread_changed(fake, thread_id, archived=True)
        await _until(lambda: bot.get_channel(int(thread_id)) is None, "the archived thread stayed cached")
        fake.fail_next("GET", rf"^/channels/{thread_id}$", 403, times=10)
        await _taken_down_not_answered(fake, msg["id"], f"<@{fake.bot_id}> {EDITED}", thread_id, reply_id)


async def test_a_question_edited_after_a_restart_is_answered_again_in_place(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, answer_in_threads=False, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, SECRET_ASKED)
        await _stored(bot, msg["id"])
        (reply_id,) = [m["id"] for m in fake.bot_messages(fake.channel_id)]
    bot = bot_for(tmp_path, answerer, answer_in_threads=False)  # a new process on the same database
    async with running_bot(fake, bot):
        old = f"/channels/{fake.channel_id}/messages/{reply_id}"
        after = await _replaced(fake, msg["id"], old, f"<@{fake.bot_id}> {EDITED}")
        new = [r for r in after if with_embed(r)]
        assert len(new) == 1 and str(new[0].json["message_reference"]["message_id"]) == str(msg["id"])
        assert "Elm" not in json.dumps([r.json for r in after])
        await _stored(bot, msg["id"])
        assert "Elm" not in json.dumps(bot.store.dump_rows(), default=str)


def _wait_notice(request: Request) -> bool:
    return request.method == "POST" and "Please wait" in json.dumps(request.json or {})


def _cooldown_over(bot: MeetingBot) -> None:
    """The question cooldown's window over, for everyone, without waiting it out."""
    bot.question_cooldowns._buckets.clear()
    bot.question_cooldowns._notified.clear()


async def test_a_question_the_cooldown_refused_is_answered_when_edited_after_it(fake, answerer, tmp_path):
    """A question refused by the cooldown, and an answered one edited while the cooldown refuses (its
    answer taken down), were never answered again however often edited: nothing of them was posted or
    stored for an edit to find. Edited once the cooldown allows, each is answered as asked anew, the
    second in the thread opened for it; an update that leaves the refused words as they were does
    nothing (a review: a pin or a link's preview loading answered it unasked)."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=1, cooldown_seconds=600)
    async with running_bot(fake, bot):
        await ask_by_mention(fake, "when was the meeting?")
        n = len(fake.requests)
        refused = await fake.send_message(f"<@{fake.bot_id}> where was the meeting?")
        await fake.wait_for_request(_wait_notice, start=n)
        _cooldown_over(bot)
        n = len(fake.requests)
        await fake.edit_message(refused["id"], f"<@{fake.bot_id}> {EDITED}")
        await fake.wait_for_request(with_embed, start=n)
        await _until(lambda: bot.store.get_answer(str(refused["id"])) is not None, "the edit was not stored")
        assert bot.store.get_answer(str(refused["id"])).question == EDITED
        thread_id = str(refused["id"])
        assert fake.channels[thread_id]["name"] == EDITED  # answered as a new question: its own thread
        # Edited again at once: the answer is taken down and the new words refused.
        n = len(fake.requests)
        await fake.edit_message(refused["id"], f"<@{fake.bot_id}> what did trump say about crime?")
        await fake.wait_for_request(_wait_notice, start=n)
        await _until(lambda: bot.store.get_answer(str(refused["id"])) is None, "the old answer stayed stored")
        # Discord's update as a preview loads (no new words), after the cooldown: nothing.
        _cooldown_over(bot)
        n = len(fake.requests)
        await fake.edit_message(refused["id"])
        await asyncio.sleep(0.5)
        assert fake.requests[n:] == []
        # Edited once more: answered in the thread opened for it, no other thread tried.
        await fake.edit_message(refused["id"], f"<@{fake.bot_id}> what did trump say about rent?")
        await fake.wait_for_request(with_embed, start=n)
        await _until(lambda: bot.store.get_answer(str(refused["id"])) is not None, "the edit was not stored")
        assert bot.store.get_answer(str(refused["id"])).question == "what did trump say about rent?"
        sent = [r for r in fake.requests[n:] if r.method == "POST" and "/messages" in r.path]
        assert [r.path for r in sent if with_embed(r)] == [f"/channels/{thread_id}/messages"]
        assert not [r for r in fake.requests[n:] if r.path.endswith("/threads")]
        assert fake.channels[thread_id]["name"] == EDITED_THREAD


def _counting_lookups(bot: MeetingBot) -> list[object]:
    """The store's lookups of where questions were answered, as the bot makes them."""
    lookups: list[object] = []
    posted_replies = bot.store.posted_replies

    def counting(*args, **kwargs):
        lookups.append(args)
        return posted_replies(*args, **kwargs)

    bot.store.posted_replies = counting  # type: ignore[method-assign]
    return lookups


async def test_edits_of_messages_the_bot_never_answered_read_nothing_from_the_store(fake, answerer, tmp_path):
    """Chatter in a channel, not addressed to the bot, and another bot's question: their edits are no
    question of the bot's, as its cache shows (and a bot's, after a restart too), so they cost no store
    read (a flood of edits would be one each). Uncached, a person's message is looked up: the cache
    cannot tell whether an earlier process answered it."""
    bot = bot_for(tmp_path, answerer)
    lookups = _counting_lookups(bot)
    async with running_bot(fake, bot):
        other_bot = fake.add_user("otherbot", bot=True)
        chatter = await fake.send_message("just chatting here, nothing for the bot", mentions=[])
        by_bot = await fake.send_message(f"<@{fake.bot_id}> when was the meeting?", author=other_bot)
        await asyncio.sleep(0.3)
        for message in (chatter, by_bot):
            await fake.edit_message(message["id"], f"<@{fake.bot_id}> who is mamdani?")
        await asyncio.sleep(0.5)
        assert lookups == []
    bot = bot_for(tmp_path, answerer)  # a new process: nothing cached
    lookups = _counting_lookups(bot)
    async with running_bot(fake, bot):
        await fake.edit_message(by_bot["id"], f"<@{fake.bot_id}> where was the meeting?")
        await fake.edit_message(chatter["id"], "still just chatting")
        await _until(lambda: str(chatter["id"]) in str(lookups), "the chatter's edit was not looked up")
        await asyncio.sleep(0.3)
        assert len(lookups) == 1 and str(chatter["id"]) in str(lookups[0])


# ---------------------------------------------------------------- buttons no version of the bot reads


@pytest.mark.parametrize(
    ("custom_id", "says"),
    [
        ("mb:more:abc:3", STALE_BUTTON),
        ("mb:more:1:999999", STALE_BUTTON),
        ("mb:vote:1:sideways", STALE_BUTTON),
        ("mb:zzz", STALE_BUTTON),
        ("mb:para:nonexistent", PARAGRAPH_GONE),  # an older index's passage, not a forgotten question
    ],
)
async def test_a_button_no_longer_read_is_told_privately(fake, answerer, tmp_path, custom_id, says):
    """A helper's trial: a forged or older version's button got no reply at all, so Discord said "This
    interaction failed"; an unknown passage's said the question had been forgotten."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "When was the meeting?"})
        await fake.wait_for_request(lambda r: is_followup(r, ref))
        message_id = fake.bot_messages()[-1]["id"]
        button = {"type": 2, "style": 2, "label": "More", "custom_id": custom_id}
        fake.messages[str(message_id)]["components"] = [{"type": 1, "components": [button]}]
        clicked = await fake.click_button(custom_id, message_id)
        replies = await asyncio.wait_for(_all_replies(fake, clicked), timeout=10)
        assert len(replies) == 1 and replies[0]["data"]["content"] == says
        assert replies[0]["data"]["flags"] & 64  # ephemeral: only the clicker sees it


async def test_two_quick_edits_leave_the_answer_to_the_last_words(fake, answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, SECRET_ASKED)
        thread_id = str(msg["id"])
        await _stored(bot, msg["id"])
        await fake.edit_message(msg["id"], f"<@{fake.bot_id}> what did trump say about rent?")
        await fake.edit_message(msg["id"], f"<@{fake.bot_id}> {EDITED}")  # before the first is answered
        for _ in range(200):
            stored = bot.store.get_answer(str(msg["id"]))
            if (
                stored is not None
                and stored.question == EDITED
                and fake.channels[thread_id]["name"] == EDITED_THREAD
            ):
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError("the last edit was never answered")
        await asyncio.sleep(0.3)
        answers = [m for m in fake.bot_messages(thread_id) if m.get("embeds")]
        assert len(answers) == 1 and EDITED in json.dumps(answers[0]["embeds"])


def _gated(bot: MeetingBot) -> asyncio.Event:
    """Hold the bot's answers until the returned event is set: the model still reading."""
    gate, ask = asyncio.Event(), bot.answers.ask

    async def held(*args, **kwargs):
        await gate.wait()
        return await ask(*args, **kwargs)

    bot.answers.ask = held  # type: ignore[method-assign]
    return gate


async def _until(done, what: str) -> None:
    for _ in range(250):
        if done():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(what)


async def test_an_edit_made_as_the_first_answer_is_read_leaves_the_answer_to_the_new_words(
    fake, answerer, tmp_path
):
    """A review: an edit made while the model read the question, or while its answer was being posted or
    stored, was lost (the old words kept everywhere) or lost the answer. The message's answer and its
    edits now take turns."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        gate = _gated(bot)
        msg = await fake.send_message(f"<@{fake.bot_id}> {SECRET_ASKED}")
        await asyncio.sleep(0.2)  # read, and held at the model
        await fake.edit_message(msg["id"], f"<@{fake.bot_id}> {EDITED}")
        gate.set()
        thread_id = str(msg["id"])

        def settled() -> bool:
            stored = bot.store.get_answer(str(msg["id"]))
            named = fake.channels.get(thread_id, {}).get("name")
            return stored is not None and stored.question == EDITED and named == EDITED_THREAD

        await _until(settled, "the edit was never answered")
        await asyncio.sleep(0.3)
        shown = [m for m in fake.bot_messages(thread_id) if m.get("embeds")]
        assert len(shown) == 1 and "Elm" not in json.dumps(shown)
        assert "Elm" not in json.dumps(bot.store.dump_rows(), default=str)


async def test_a_question_deleted_as_its_edit_is_answered_leaves_nothing_of_it(fake, answerer, tmp_path):
    """A review: edited, then deleted while the edit was being answered, the new words were posted in the
    thread (renamed after them) and stored; and deleted as that answer was posted, the whole thread went,
    with someone else's follow-up in it."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, SECRET_ASKED)
        thread_id = str(msg["id"])
        await _stored(bot, msg["id"])
        n = len(fake.requests)
        await fake.send_message("and trump?", channel_id=thread_id, mentions=[], author=fake.add_user("bob"))
        await fake.wait_for_request(with_embed, start=n)
        gate = _gated(bot)
        await fake.edit_message(msg["id"], f"<@{fake.bot_id}> what did mamdani say about rent, MYNEWSECRET?")
        await asyncio.sleep(0.2)
        await fake.delete_message(msg["id"])
        gate.set()
        await _until(lambda: fake.channels[thread_id]["name"] == WITHDRAWN_THREAD, "the thread kept a name")
        await asyncio.sleep(0.5)
        assert "MYNEWSECRET" not in json.dumps([r.json for r in fake.requests[n:]])
        assert bot.store.get_answer(str(msg["id"])) is None
        assert thread_id in fake.channels  # the thread stays for the others in it


async def test_an_edited_question_renames_its_thread_once_even_when_archived(fake, answerer, tmp_path):
    """A review: each edit renamed the thread twice ("Question edited", then the new words), and Discord
    allows a channel two renames in ten minutes (and posts each in the thread, for good); and a thread
    archived (out of the bot's cache) was not found, so the edit was answered in place."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, SECRET_ASKED)
        thread_id = str(msg["id"])
        await _stored(bot, msg["id"])
        await _thread_changed(fake, thread_id, archived=True)
        await _until(lambda: bot.get_channel(int(thread_id)) is None, "the archived thread stayed cached")
        n = len(fake.requests)
        await fake.edit_message(msg["id"], f"<@{fake.bot_id}> {EDITED}")
        await fake.wait_for_request(
            lambda r: with_embed(r) and r.path == f"/channels/{thread_id}/messages", start=n
        )
        renames = [
            r.json["name"] for r in fake.requests[n:] if r.method == "PATCH" and "name" in (r.json or {})
        ]
        assert renames == [EDITED_THREAD]


async def test_a_question_deleted_just_after_its_edit_leaves_nothing_of_the_edit(fake, answerer, tmp_path):
    """A second review: an edit waiting its turn (the first answer still being stored), then the question
    deleted: the deletion took the answer down while the edit read the store, and the new words were
    posted, stored and kept in the thread's conversation."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    _slow_store(bot, 0.6)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        msg = await fake.send_message(f"<@{fake.bot_id}> {SECRET_ASKED}")
        thread_id = str(msg["id"])
        await fake.wait_for_request(with_embed, start=n)
        await fake.edit_message(msg["id"], f"<@{fake.bot_id}> what did mamdani say about rent, MYNEWSECRET?")
        await asyncio.sleep(0.05)
        await fake.delete_message(msg["id"])
        await _until(lambda: fake.channels[thread_id]["name"] == WITHDRAWN_THREAD, "the thread kept a name")
        await asyncio.sleep(1.5)
        assert "MYNEWSECRET" not in json.dumps([r.json for r in fake.requests[n:]])
        assert bot.store.get_answer(str(msg["id"])) is None
        assert fake.channels[thread_id]["name"] == WITHDRAWN_THREAD


@pytest.mark.parametrize("status", [503, 500])
async def test_a_thread_discord_opened_though_its_reply_was_lost_gets_the_answer(
    fake, answerer, tmp_path, status
):
    """A trial: Discord opened the thread but its reply was lost (a 503; or a 500, which discord.py tries
    again, to be refused as "already created"). The bot answered in the channel and left the empty thread
    named after the question, even once the question was deleted."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        fake.fail_next("POST", r"^/channels/\d+/messages/\d+/threads$", status, after=True)
        msg, answer, _ = await ask_by_mention(fake, SECRET_ASKED)
        thread_id = str(msg["id"])
        assert answer.path == f"/channels/{thread_id}/messages"  # in the thread Discord opened
        assert not fake.bot_messages(fake.channel_id)
        await _stored(bot, msg["id"])
        await fake.delete_message(msg["id"])
        await _until(lambda: fake.channels[thread_id]["name"] == WITHDRAWN_THREAD, "the thread kept its name")
        assert not fake.bot_messages(thread_id)


async def test_a_failure_on_discords_side_does_not_leave_a_deleted_questions_words_up(
    fake, answerer, tmp_path
):
    """A trial: one 503 on the rename and one on deleting the answer left the question as the thread's name
    and the answer's title for good (the store had already let it go)."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, SECRET_ASKED)
        thread_id = str(msg["id"])
        await _stored(bot, msg["id"])
        fake.fail_next("PATCH", rf"^/channels/{thread_id}$", 503)
        fake.fail_next("DELETE", rf"^/channels/{thread_id}/messages/\d+$", 503)
        await fake.delete_message(msg["id"])
        await _until(lambda: fake.channels[thread_id]["name"] == WITHDRAWN_THREAD, "the thread kept its name")
        await _until(lambda: not fake.bot_messages(thread_id), "the answer stayed")


async def test_edits_after_the_first_do_not_rename_the_thread_again(fake, answerer, tmp_path):
    """A trial: each edit renamed the thread "Question edited" again, and Discord allows a channel two
    renames in ten minutes, so a third edit's answer waited out the limit (the fake's 429 here)."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, SECRET_ASKED)
        thread_id = str(msg["id"])
        n = len(fake.requests)
        for words in (EDITED, "when was the meeting?", "who called trump a fascist?"):
            await _stored(bot, msg["id"])
            m = len(fake.requests)
            await fake.edit_message(msg["id"], f"<@{fake.bot_id}> {words}")
            await fake.wait_for_request(with_embed, start=m, timeout=10)
            if words == EDITED:  # renamed once: any change of the thread now meets the limit
                fake.fail_next("PATCH", rf"^/channels/{thread_id}$", 429, retry_after=30)
        renames = [
            r.json["name"] for r in fake.requests[n:] if r.method == "PATCH" and "name" in (r.json or {})
        ]
        assert renames == [EDITED_THREAD]


async def test_closing_lets_a_deleted_questions_takedown_finish(fake, answerer, tmp_path):
    """A review: a question deleted just before a restart had its answer's takedown cut off by closing, and
    the thread kept the question's words."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        msg, _, _ = await ask_by_mention(fake, SECRET_ASKED)
        thread_id = str(msg["id"])
        await _stored(bot, msg["id"])

        async def slowly() -> None:
            await asyncio.sleep(0.5)  # Discord is slow to rename it

        fake.before_request("PATCH", rf"^/channels/{thread_id}$", slowly)
        n = len(fake.requests)
        await fake.delete_message(msg["id"])
        await fake.wait_for_request(lambda r: r.method == "DELETE", start=n)  # the takedown has begun
        await asyncio.wait_for(bot.close(), 8)
    assert fake.channels[thread_id]["name"] == WITHDRAWN_THREAD


async def test_an_edit_answered_anew_is_timed_from_the_edit(fake, answerer, tmp_path):
    """A trial: a question edited seconds after it was asked added those seconds to the answer latency
    (timed from the message's id, which an edit keeps), where answering took milliseconds."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=100)
    async with running_bot(fake, bot):
        msg, thread_id, reply_id = await _answered_in_a_thread(fake, bot)
        before = counted(bot, "meeting_bot_answer_latency_seconds_sum")
        await asyncio.sleep(3)
        await _replaced(
            fake, msg["id"], f"/channels/{thread_id}/messages/{reply_id}", f"<@{fake.bot_id}> {EDITED}"
        )
        await _stored(bot, msg["id"])
        assert counted(bot, "meeting_bot_answer_latency_seconds_count") == 2
        assert counted(bot, "meeting_bot_answer_latency_seconds_sum") - before < 2.0
