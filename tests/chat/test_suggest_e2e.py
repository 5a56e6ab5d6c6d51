"""Suggestions as /ask's question is typed, over the fake Discord: autocomplete interactions (type 4)
answered with a result (type 8) within Discord's limits, and choices that the bot then answers."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.answer import Answerer
from tests.chat.bots import bot_for, is_followup
from tests.fakediscord import (
    CALLBACK_AUTOCOMPLETE_RESULT,
    FakeDiscord,
    InteractionRef,
    Request,
    running_bot,
)


def callback_of(ref: InteractionRef):
    """Whether a request is the response to that interaction."""
    return lambda r: r.method == "POST" and r.path == f"/interactions/{ref.id}/{ref.token}/callback"


async def typed(fake: FakeDiscord, text: str, **options: object) -> tuple[Request, list[dict]]:
    """Type `text` into /ask's question; the bot's response and the choices it offered."""
    ref = await fake.send_autocomplete("ask", {"question": text, **options}, focused="question")
    response = await fake.wait_for_request(callback_of(ref))
    assert response.status == 200, response
    assert fake.interaction_response_type(ref.id) == CALLBACK_AUTOCOMPLETE_RESULT
    choices = fake.autocomplete_choices(ref.id)
    assert choices is not None and len(choices) <= 25
    for c in choices:
        assert 1 <= len(c["name"]) <= 100 and c["value"] == c["name"]
    return response, choices


async def test_typing_a_misspelt_topic_offers_its_questions(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        _, choices = await typed(fake, "mamdni enrgy")
        assert choices and "energy" in choices[0]["name"]
        _, choices = await typed(fake, "con ed")
        assert {c["name"] for c in choices[:2]} == {
            "By how much have Con Edison's rates gone up since 2022?",
            "Why is Con Edison part of this discussion?",
        }


async def test_nothing_typed_offers_25_questions_the_faq_among_them(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        _, choices = await typed(fake, "", private=True)
        names = [c["name"] for c in choices]
        assert len(names) == 25 == len(set(names))
        assert "Why is Con Edison part of this discussion?" in names
        assert names[0] == "When did Trump and Mamdani meet in the Oval Office?"


async def test_suggestions_are_chosen_at_start_and_never_keep_discord_waiting(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A trial: the questions to suggest were chosen at the first autocomplete, each asked behind the
    questions waiting; under load the first one was answered at 5 s, after Discord's 3. They are chosen
    as the bot starts, and while they are not ready an autocomplete gets no choices, in time."""
    bot = bot_for(tmp_path, answerer)
    gate, ask = asyncio.Event(), bot.answers.ask

    async def held(*args, **kwargs):  # the model busy with other people's questions
        await gate.wait()
        return await ask(*args, **kwargs)

    bot.answers.ask = held  # type: ignore[method-assign]
    async with running_bot(fake, bot):
        cog = bot.get_cog("AskCog")
        assert cog._suggesting is not None  # started with the bot, before anyone typed
        response, choices = await typed(fake, "mamdni enrgy")
        assert choices == []
        gate.set()
        await asyncio.wait_for(asyncio.shield(cog._suggesting[1]), timeout=10)
        _, choices = await typed(fake, "mamdni enrgy")
        assert choices and "energy" in choices[0]["name"]


async def test_junk_typed_gets_a_valid_result_and_no_error(
    fake: FakeDiscord, answerer: Answerer, tmp_path, caplog
):
    bot = bot_for(tmp_path, answerer)
    with caplog.at_level(logging.WARNING):
        async with running_bot(fake, bot):
            for junk in ("\x00\x07\u202e", "🎉" * 3000, "x" * 6000, "?!…", "\u034f"):
                await typed(fake, junk)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_chosen_suggestion_is_answered(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        _, choices = await typed(fake, "slogn")
        assert choices[0]["value"] == "What is Mamdani's campaign slogan?"
        ref = await fake.send_slash("ask", {"question": choices[0]["value"]})
        follow = await fake.wait_for_request(lambda r: is_followup(r, ref))
        assert "Housing is a human right." in str(follow.json["embeds"][0])


def limitless_bot() -> commands.Bot:
    """A bot whose autocomplete offers 26 choices, one more than Discord takes."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.1)

    @bot.tree.command(name="pick", description="Pick one")
    async def pick(interaction: discord.Interaction, thing: str) -> None:
        await interaction.response.send_message(thing, allowed_mentions=discord.AllowedMentions.none())

    @pick.autocomplete("thing")
    async def things(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f"thing {i}", value=str(i)) for i in range(26)]

    async def setup_hook() -> None:
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


async def test_the_fake_refuses_an_autocomplete_result_over_discords_limits(fake: FakeDiscord):
    async with running_bot(fake, limitless_bot()):
        ref = await fake.send_autocomplete("pick", {"thing": "th"}, focused="thing")
        response = await fake.wait_for_request(callback_of(ref))
        assert response.status == 400
        assert fake.interaction_response_type(ref.id) is None and fake.autocomplete_choices(ref.id) is None
