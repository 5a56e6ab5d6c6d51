"""End-to-end tests of a minimal discord.py bot against the in-process FakeDiscord."""

from __future__ import annotations

import asyncio
import io
import re

import discord
import pytest
from discord.ext import commands

from tests.fakediscord import FakeDiscord, Request, running_bot

FOLLOWUP_PATH = r"^/webhooks/\d+/[^/]+$"
MESSAGES_PATH = r"^/channels/\d+/messages$"


class ClickView(discord.ui.View):
    """A view with one button that answers with a message."""

    def __init__(self) -> None:
        super().__init__(timeout=30)

    @discord.ui.button(label="Click", custom_id="click-me")
    async def click(self, interaction: discord.Interaction, button: discord.ui.Button[ClickView]) -> None:
        """Acknowledge the click with a new message."""
        await interaction.response.send_message("clicked", allowed_mentions=discord.AllowedMentions.none())


def make_bot(slow_errors: list[BaseException] | None = None) -> commands.Bot:
    """Build the bot under test (inside the test, so it binds to the test's event loop)."""
    intents = discord.Intents.default()
    intents.message_content = True
    bot = commands.Bot(command_prefix=commands.when_mentioned, intents=intents, guild_ready_timeout=0.1)

    @bot.tree.command(name="ping", description="Replies with pong")
    async def ping(interaction: discord.Interaction) -> None:
        """Defer with thinking, then answer through a followup."""
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("pong", allowed_mentions=discord.AllowedMentions.none())

    @bot.tree.command(name="slow", description="Answers too late")
    async def slow(interaction: discord.Interaction) -> None:
        """Miss the interaction deadline on purpose."""
        await asyncio.sleep(0.3)
        try:
            await interaction.response.send_message("late")
        except discord.HTTPException as exc:
            if slow_errors is not None:
                slow_errors.append(exc)

    @bot.tree.command(name="button", description="Sends a button")
    async def button(interaction: discord.Interaction) -> None:
        """Send a message carrying ClickView."""
        await interaction.response.send_message("press it", view=ClickView())

    @bot.listen("on_message")
    async def greet(message: discord.Message) -> None:
        """Reply "hi" to messages that mention the bot."""
        if bot.user is None or message.author == bot.user:
            return
        if bot.user.mentioned_in(message):
            await message.reply("hi")

    async def setup_hook() -> None:
        """Register the app commands globally, as a real bot would at startup."""
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


def is_followup(request: Request) -> bool:
    """Whether a request is an interaction followup POST."""
    return request.method == "POST" and re.match(FOLLOWUP_PATH, request.path) is not None


def is_reply(request: Request) -> bool:
    """Whether a request is a successful bot message POST with content "hi"."""
    return (
        request.method == "POST"
        and re.match(MESSAGES_PATH, request.path) is not None
        and (request.json or {}).get("content") == "hi"
    )


@pytest.mark.asyncio
async def test_login_ready_and_command_sync(fake: FakeDiscord) -> None:
    """Login, READY, GUILD_CREATE and the global command sync all go through the fake."""
    async with running_bot(fake, make_bot()) as bot:
        identify = await fake.wait_ready()
        assert bot.user is not None and bot.user.id == fake.bot_id
        assert bot.application_id == fake.app_id
        guild = bot.get_guild(fake.guild_id)
        assert guild is not None and guild.get_channel(fake.channel_id) is not None
        assert identify["intents"] & discord.Intents.message_content.flag
        assert fake.intents == identify["intents"]
        assert fake.identify_count == 1 and fake.resume_count == 0
        assert fake.heartbeats, "the client heartbeats right after HELLO"
        assert fake.gateway_connections[0][1].get("compress") == "zlib-stream"
        sync = fake.find_requests("PUT", rf"^/applications/{fake.app_id}/commands$")
        assert [c["name"] for c in sync[0].json] == ["ping", "slow", "button"]
        assert (await bot.application_info()).owner.id == fake.owner_id
        assert fake.unknown_requests == []


@pytest.mark.asyncio
async def test_ping_defers_then_sends_followup(fake: FakeDiscord) -> None:
    """/ping answers with a thinking defer (type 5) and then a followup "pong" without pings."""
    async with running_bot(fake, make_bot()):
        ref = await fake.send_slash("ping", {})
        callback = await fake.wait_for_request(
            lambda r: r.path == f"/interactions/{ref.id}/{ref.token}/callback"
        )
        assert callback.status == 200
        assert callback.query.get("with_response") == "1"
        assert callback.json["type"] == 5
        followup = await fake.wait_for_request(is_followup)
        assert followup.path == f"/webhooks/{fake.app_id}/{ref.token}"
        assert followup.status == 200
        assert followup.json["content"] == "pong"
        assert followup.json["allowed_mentions"] == {"parse": []}
        original = fake.original_message(ref.id)
        assert original is not None and original["content"] == "pong" and not original["flags"] & 128


@pytest.mark.asyncio
async def test_mention_gets_reply(fake: FakeDiscord) -> None:
    """A message mentioning the bot is answered with a reply referencing it."""
    async with running_bot(fake, make_bot()):
        sent = await fake.send_message(f"hello <@{fake.bot_id}>")
        reply = await fake.wait_for_request(is_reply)
        assert str(reply.json["message_reference"]["message_id"]) == sent["id"]
        assert fake.bot_messages(fake.channel_id)[-1]["type"] == 19


@pytest.mark.asyncio
async def test_dm_mention_replies_in_dm(fake: FakeDiscord) -> None:
    """A DM (no guild_id, channel type 1) is answered in the same DM channel."""
    async with running_bot(fake, make_bot()):
        sent = await fake.send_message(f"psst <@{fake.bot_id}>", guild=False)
        assert "guild_id" not in sent
        reply = await fake.wait_for_request(is_reply)
        assert reply.path == f"/channels/{sent['channel_id']}/messages"
        assert fake.channels[sent["channel_id"]]["type"] == 1


@pytest.mark.asyncio
async def test_followup_429_is_retried_after_retry_after(fake: FakeDiscord) -> None:
    """A 429 on the followup is retried after retry_after and then succeeds."""
    fake.fail_next("POST", FOLLOWUP_PATH, 429, retry_after=0.3)
    async with running_bot(fake, make_bot()):
        await fake.send_slash("ping")
        ok = await fake.wait_for_request(lambda r: is_followup(r) and r.status == 200)
        attempts = [r for r in fake.requests if is_followup(r)]
        assert [r.status for r in attempts] == [429, 200]
        assert ok.time - attempts[0].time >= 0.3
        assert ok.json["content"] == "pong"


@pytest.mark.asyncio
async def test_single_500_is_retried(fake: FakeDiscord) -> None:
    """One 500 on message creation is retried and the reply still arrives."""
    fake.fail_next("POST", MESSAGES_PATH, 500)
    async with running_bot(fake, make_bot()):
        await fake.send_message(f"hello <@{fake.bot_id}>")
        await fake.wait_for_request(lambda r: is_reply(r) and r.status == 200, timeout=8)
        assert [r.status for r in fake.requests if is_reply(r)] == [500, 200]


@pytest.mark.asyncio
async def test_dropped_connection_resumes_and_replays(fake: FakeDiscord) -> None:
    """After a dropped socket the client RESUMEs, gets missed events replayed and still answers."""
    async with running_bot(fake, make_bot()):
        await fake.drop_connection(4000)
        # Dispatched while the client is away: must arrive through the RESUME replay.
        sent = await fake.send_message(f"are you there <@{fake.bot_id}>?")
        await fake.wait_resumed()
        assert fake.resume_count == 1 and fake.identify_count == 1
        assert fake.gateway_connections[-1][0] == "/gateway-resume"
        reply = await fake.wait_for_request(is_reply)
        assert str(reply.json["message_reference"]["message_id"]) == sent["id"]
        ref = await fake.send_slash("ping")
        followup = await fake.wait_for_request(is_followup)
        assert followup.path.endswith(ref.token)


@pytest.mark.asyncio
async def test_late_interaction_response_is_unknown(fake: FakeDiscord) -> None:
    """A callback after the interaction deadline gets 404 Unknown interaction (10062)."""
    fake.interaction_deadline = 0.1
    errors: list[BaseException] = []
    async with running_bot(fake, make_bot(errors)):
        ref = await fake.send_slash("slow")
        callback = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{ref.id}/"))
        assert callback.status == 404
        await asyncio.sleep(0.05)
        assert isinstance(errors[0], discord.NotFound) and errors[0].code == 10062


@pytest.mark.asyncio
async def test_button_click_reaches_view(fake: FakeDiscord) -> None:
    """A button click on the bot's message is routed to the view's callback."""
    async with running_bot(fake, make_bot()):
        ref = await fake.send_slash("button")
        await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{ref.id}/"))
        message = fake.original_message(ref.id)
        assert message is not None and message["components"]
        click = await fake.click_button("click-me", message["id"])
        callback = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert callback.json["type"] == 4 and callback.json["data"]["content"] == "clicked"


@pytest.mark.asyncio
async def test_rest_endpoints_used_by_client(fake: FakeDiscord) -> None:
    """Uploads, edits, threads, DMs, typing and reactions work; unknown routes are reported."""
    async with running_bot(fake, make_bot()) as bot:
        channel = bot.get_channel(fake.channel_id)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("file", file=discord.File(io.BytesIO(b"data"), filename="a.txt"))
        upload = fake.find_requests("POST", MESSAGES_PATH)[-1]
        assert upload.json["content"] == "file" and upload.files[0].data == b"data"
        assert await message.attachments[0].read() == b"data"
        edited = await message.edit(content="edited")
        assert edited.content == "edited"
        thread = await message.create_thread(name="talk")
        assert thread.id == message.id and thread.parent_id == fake.channel_id
        await thread.send("in thread")
        async with channel.typing():
            pass
        await message.add_reaction("\N{THUMBS UP SIGN}")
        human = await bot.fetch_user(fake.user_id)
        dm = await human.send("hello in DM")
        assert isinstance(dm.channel, discord.DMChannel)
        assert fake.unknown_requests == []
        with pytest.raises(discord.NotFound):
            await bot.http.request(discord.http.Route("GET", "/no/such/route"))
        assert [r.path for r in fake.unknown_requests] == ["/no/such/route"]


@pytest.mark.asyncio
async def test_close_is_clean(fake: FakeDiscord) -> None:
    """bot.close() closes the gateway socket and start() returns without error."""
    bot = make_bot()
    async with running_bot(fake, bot):
        await fake.wait_ready()
        await bot.close()
        assert bot.is_closed()
    await asyncio.sleep(0.05)
    # Client.close() asks for 1000, but its gateway reader usually wins the race and closes with 4000 first.
    assert len(fake.close_codes) == 1 and fake.close_codes[0] in (1000, 4000)
    assert not fake.connected
    assert fake.identify_count == 1, "a closed bot must not reconnect"
