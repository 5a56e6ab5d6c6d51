"""Replies by kind over the fake Discord: chatter, help, summaries, other languages; and mentions that
must be answered even when Discord refuses a thread or the typing indicator."""

from __future__ import annotations

import asyncio
import gc
import warnings

import pytest

from bot.chat.asking import IN_PLACE_THREAD, READS_PER_QUESTION
from bot.core.answer import Answerer
from bot.core.calls import calls_on_people
from tests.chat.bots import bot_for, counted, is_followup
from tests.fakediscord import FakeDiscord, Request, running_bot


def posted(r: Request) -> bool:
    """A message the bot posted in a channel (not a typing ping or a thread)."""
    return r.method == "POST" and r.path.endswith("/messages") and bool(r.json)


async def the_one_reply(fake: FakeDiscord, messages: list[str]) -> Request:
    """Send the messages in the channel; the bot's only reply to them (none other comes in half a second)."""
    n = len(fake.requests)
    for text in messages:
        await fake.send_message(text)
    reply = await fake.wait_for_request(posted, start=n)
    await asyncio.sleep(0.5)
    assert [r for r in fake.requests[n:] if posted(r)] == [reply]
    return reply


async def test_a_dm_hi_gets_one_short_line_and_no_excerpts(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message("hi", guild=False)
        reply = await fake.wait_for_request(posted, start=n)
        assert not reply.json.get("embeds") and not reply.json.get("components")
        line = reply.json["content"]
        assert 0 < len(line) <= 200 and "\n" not in line
        assert "¶" not in line  # no cited excerpt


async def test_lol_in_an_ask_channel_gets_no_reply(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, ask_channel_ids=str(fake.channel_id))
    async with running_bot(fake, bot):
        # A summary request does get a reply there.
        reply = await the_one_reply(fake, ["lol", "¿Qué pasó en la reunión?", "tl;dr"])
        assert reply.json["embeds"][0]["title"] == "The article in brief"


async def test_a_call_on_the_people_in_an_ask_channel_gets_no_help_reply(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A noticed fault: "is anyone here?" got the bot's guide in an ask-channel, where people chat and it
    was said to them; asked of the bot, help still comes."""
    bot = bot_for(tmp_path, answerer, ask_channel_ids=str(fake.channel_id))
    async with running_bot(fake, bot):
        calls = ["is anyone here?", "can anyone help?", "hey everyone, can you help me?"]
        reply = await the_one_reply(fake, [*calls, "what can you do?"])
        assert reply.json["embeds"][0]["title"] == "How to ask me"
        # A call on people that asks how the bot is used is help for the bot to give (a review).
        n = len(fake.requests)
        await fake.send_message("how does everyone use this?")
        reply = await fake.wait_for_request(posted, start=n)
        assert reply.json["embeds"][0]["title"] == "How to ask me"
        # In a DM it is said to the bot: the guide (or a friendly line), never silence.
        n = len(fake.requests)
        await fake.send_message("is anyone here?", guild=False)
        assert await fake.wait_for_request(posted, start=n)


@pytest.mark.parametrize(
    ("text", "to_people"),
    [
        ("is anyone here?", True),
        ("can anyone help me? thanks", True),  # a second review: the thanks made it a request
        ("hey all, anyone around rn? lol", True),
        ("can any1 help", True),
        ("can anyone hear me?", True),
        ("anyone see this lol", True),
        ("does this help people?", False),  # a second review: these were read as calls
        ("will this help people?", False),
        ("are people getting help", False),
        ("do people need help?", False),
        ("did anyone see what trump said?", False),
        ("what can you do?", False),  # no one else called on
        ("how does everyone use this?", False),  # it asks more than whether anyone is there
        ("can someone tell me the commands?", False),
        ("robot, can anyone help?", False),
    ],
)
def test_a_call_on_the_people_in_a_channel_is_told_from_a_request(text: str, to_people: bool) -> None:
    assert calls_on_people(text) is to_people


async def test_a_question_far_from_the_article_in_an_ask_channel_gets_no_reply(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """People chat in ask-channels: "anyone up for pizza tonight?" got "The article doesn't cover this."
    there, and "did you guys see the game?" an answer from the article (a helper's trial), as did "what are
    the rules here?" (another). There the bot answers only what it is sure of and what names something of
    the article; a question about the article still gets its answer."""
    bot = bot_for(tmp_path, answerer, ask_channel_ids=str(fake.channel_id))
    async with running_bot(fake, bot):
        chat = ["anyone up for pizza tonight?", "who won the world series?", "did you guys see the game?"]
        # "what are the rules here?" was answered, sure, alone, before it had to name the article.
        reply = await the_one_reply(fake, [*chat, "what are the rules here?", "How old is Mamdani?"])
        assert "33" in str(reply.json["embeds"][0])


async def test_a_flood_in_an_ask_channel_reads_only_a_budget_of_each_persons_messages(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A helper's trial: 400 long messages by one person in an ask-channel, none for the bot, were each
    read by the model and held up a DM's answer for 29 s. A person's messages read there have a budget
    (READS_PER_QUESTION per question of the cooldown); beyond it none is read, and others are answered."""
    bot = bot_for(tmp_path, answerer, ask_channel_ids=str(fake.channel_id), cooldown_questions=1)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        for i in range(READS_PER_QUESTION):
            await fake.send_message(f"lol {i}")
        await fake.send_message("How old is Mamdani?")  # past the budget: not read at all
        await asyncio.sleep(0.5)
        assert [r for r in fake.requests[n:] if posted(r)] == []
        assert counted(bot, "meeting_bot_channel_reads_skipped_total") == 1  # seen by the operator
        other = fake.add_user("other")
        await fake.send_message("How old is Mamdani?", author=other)
        reply = await fake.wait_for_request(posted, start=n)
        assert "33" in str(reply.json["embeds"][0])


async def test_slash_ask_help_gets_the_help_embed(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, retention_days=45)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "help"})
        follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
        (embed,) = follow.json["embeds"]
        assert embed["title"] == "How to ask me"
        assert "/ask" in embed["description"]
        names = [f["name"] for f in embed["fields"]]
        assert names == ["Sections", "Try asking", "Your questions"]
        assert embed["fields"][1]["value"].count("•") == 3
        # What becomes of a question: how long it is kept (RETENTION_DAYS), who sees it.
        kept = embed["fields"][2]["value"]
        assert "for 45 days" in kept and "/stats" in kept
        assert not follow.json.get("components")  # no passage buttons under help


async def test_tldr_in_a_thread_gets_the_opening_and_the_sections(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        msg = await fake.send_message(f"<@{fake.bot_id}> when was the meeting?")
        await fake.wait_for_request(lambda r: posted(r) and bool(r.json.get("embeds")), start=n)
        thread_id = str(msg["id"])
        n = len(fake.requests)
        await fake.send_message("tl;dr", channel_id=thread_id, mentions=[])
        reply = await fake.wait_for_request(posted, start=n)
        assert reply.path == f"/channels/{thread_id}/messages"
        (embed,) = reply.json["embeds"]
        opening, sections = embed["fields"][0], embed["fields"][1]
        assert opening["name"].startswith("[1] Opening, ¶1")
        assert opening["value"].startswith("When Donald J. Trump sat across from Zohran Kwame Mamdani")
        assert sections["name"] == "Sections" and "Frequently Asked Questions" in sections["value"]
        # ... and "more please" there goes on through the article, cited, numbered on from the opening.
        n = len(fake.requests)
        await fake.send_message("more please", channel_id=thread_id, mentions=[])
        more = await fake.wait_for_request(posted, start=n)
        (embed,) = more.json["embeds"]
        assert embed["description"] == "The article goes on, in order:"
        assert [f["name"].split("]")[0] for f in embed["fields"]] == ["[2", "[3", "[4"]
        assert embed["fields"][0]["value"].startswith("The encounter, arranged quietly by the White House")


async def test_a_spanish_dm_gets_the_language_note(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message("¿De qué hablaron Trump y Mamdani sobre la vivienda?", guild=False)
        reply = await fake.wait_for_request(posted, start=n)
        assert "English" in reply.json["content"] and not reply.json.get("embeds")


async def test_the_kind_is_stored_and_counted(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        for text in ("thanks!", "When was the meeting?"):
            n = len(fake.requests)
            await fake.send_message(text, guild=False)
            await fake.wait_for_request(posted, start=n)
        for _ in range(100):
            kinds = {k.kind: k.count for k in bot.store.report().kinds}
            if sum(kinds.values()) == 2:
                break
            await asyncio.sleep(0.02)
        assert kinds == {"chatter": 1, "answer": 1}


async def test_a_mention_is_answered_in_place_when_a_thread_is_refused(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        fake.fail_next("POST", r"/threads$", 403, code=50013, message="Missing Permissions")
        n = len(fake.requests)
        msg = await fake.send_message(f"<@{fake.bot_id}> how old is mamdani?")
        reply = await fake.wait_for_request(lambda r: posted(r) and bool(r.json.get("embeds")), start=n)
        assert str(reply.json["message_reference"]["message_id"]) == str(msg["id"])


async def test_a_failing_typing_indicator_never_blocks_the_reply(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer, answer_in_threads=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with running_bot(fake, bot):
            for status, times in ((403, 1), (500, 5)):
                fake.fail_next("POST", r"/typing$", status, times=times)
                n = len(fake.requests)
                await fake.send_message(f"<@{fake.bot_id}> how old is mamdani?")
                reply = await fake.wait_for_request(
                    lambda r: posted(r) and bool(r.json.get("embeds")), start=n, timeout=10
                )
                assert "33" in str(reply.json["embeds"][0])
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]


async def test_a_thanks_mention_is_answered_in_place_without_a_thread(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        msg = await fake.send_message(f"<@{fake.bot_id}> thanks!")
        reply = await fake.wait_for_request(posted, start=n)
        assert str(reply.json["message_reference"]["message_id"]) == str(msg["id"])
        assert not [r for r in fake.requests[n:] if r.method == "POST" and r.path.endswith("/threads")]


async def test_a_mention_is_answered_in_place_when_posting_in_the_new_thread_is_refused(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        # The first post anywhere but the channel itself (that is: in the new thread) is refused.
        fake.fail_next(
            "POST", rf"/channels/(?!{fake.channel_id}/)\d+/messages$", 403, code=50001, message="no"
        )
        n = len(fake.requests)
        msg = await fake.send_message(f"<@{fake.bot_id}> how old is mamdani?")
        reply = await fake.wait_for_request(
            lambda r: posted(r) and bool(r.json.get("embeds")) and r.status == 200, start=n
        )
        assert str(reply.json["message_reference"]["message_id"]) == str(msg["id"])
        assert "33" in str(reply.json["embeds"][0])
        # A trial: the thread opened for it stayed, empty and named after the question, even once the
        # question was deleted. It is renamed (never deleted: others may have posted in it meanwhile).
        await _until_named(fake, str(msg["id"]), IN_PLACE_THREAD)
        assert not [c for c in fake.channels.values() if "mamdani" in str(c.get("name"))]
        # Edited, it is answered in place again: not in that thread, which is no new one Discord opened
        # without saying so (a review found the edit's answer posted there, under its old name).
        await asyncio.sleep(0.3)
        n = len(fake.requests)
        await fake.edit_message(msg["id"], f"<@{fake.bot_id}> when did they meet?")
        again = await fake.wait_for_request(
            lambda r: posted(r) and bool(r.json.get("embeds")) and r.status == 200, start=n
        )
        assert again.path == f"/channels/{fake.channel_id}/messages"
        assert not fake.bot_messages(str(msg["id"]))


async def _until_named(fake: FakeDiscord, channel_id: str, name: str) -> None:
    for _ in range(250):
        if fake.channels[channel_id]["name"] == name:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"channel {channel_id} is named {fake.channels[channel_id]['name']!r}")


async def test_a_foreign_greeting_dm_is_told_what_the_bot_is_for(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        n = len(fake.requests)
        await fake.send_message("selamat pagi", guild=False)
        reply = await fake.wait_for_request(posted, start=n)
        (embed,) = reply.json["embeds"]
        assert "Ask me a question about the Trump–Mamdani meeting" in embed["description"]
        assert not embed.get("fields")  # no passages, and so no "More passages" button
        buttons = [c["custom_id"] for row in reply.json.get("components", []) for c in row["components"]]
        assert buttons and not any(b.startswith("mb:more:") for b in buttons)
