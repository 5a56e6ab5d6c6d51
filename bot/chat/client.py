"""Builds and runs the Discord bot: intents, sharding, command sync, clean shutdown."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import signal
import sys
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import discord
import yarl
from discord.ext import commands

from bot.chat.health import HealthServer
from bot.chat.permissions import invite_url
from bot.chat.views import DYNAMIC_ITEMS, STALE_BUTTON, Cooldowns, Unrecorded, button_reads, tell_privately
from bot.config import Settings
from bot.core.answer import Answerer
from bot.core.batcher import BatchingAnswerer
from bot.metrics import Metrics
from bot.store import Store

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 8.0  # seconds; SIGTERM must end the process within 10
# Of the grace, how long the questions read already may take to be answered and posted before the
# connection closes: Discord never sends a message again, so one dropped at a restart is lost (a trial).
SHUTDOWN_DRAIN = 5.0
# Discord takes follow-ups of an interaction for 15 minutes: the outcome of /reindex, sent as one, must
# come before that (a review found a build stopped at 900 s reported after its token had expired, so its
# owner heard nothing). A build takes about a minute here.
INTERACTION_TOKEN_SECONDS = 900.0
REINDEX_TIMEOUT = 600.0  # seconds a /reindex build may take
PRUNE_EVERY = 24 * 3600.0  # seconds between retention runs (open_store prunes once at start)


# Where the commands are offered: in servers that added the bot and in DMs with it. Not as a user's own app
# in group DMs, where the bot would take one person's private /ask as the group's conversation and go on
# from it for the others (a review: "more please" there was titled with someone else's private question).
COMMAND_CONTEXTS = discord.app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False)
COMMAND_INSTALLS = discord.app_commands.AppInstallationType(guild=True, user=False)
NOT_HERE = "I answer in servers that added me and in direct messages with me, not in group chats."


class MeetingTree(discord.app_commands.CommandTree):
    """The command tree, which also refuses a command used where the bot does not offer it (Discord may
    still send one from a client that registered it before): in one private sentence, or, for a command
    being typed (autocomplete), with no suggestions."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if not interaction.context.private_channel:
            return True
        if interaction.type is discord.InteractionType.autocomplete:  # takes choices, never a message
            try:
                await interaction.response.autocomplete([])
            except discord.HTTPException as exc:
                log.warning("could not answer an autocomplete with no choices (%s)", type(exc).__name__)
        else:
            await tell_privately(interaction, NOT_HERE)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: discord.app_commands.AppCommandError, /
    ) -> None:
        if isinstance(error, discord.app_commands.CheckFailure):
            return  # refused, and told why (`interaction_check`)
        await super().on_error(interaction, error)


# One cog per feature, loaded as extensions: asking (/ask, /about, messages) and admin (/stats, /reindex);
# checking (the quote check: /check and the message menu "Check against the article").
EXTENSIONS = ("bot.chat.asking", "bot.chat.admin", "bot.chat.checking")


class MeetingBot(commands.AutoShardedBot):
    """The bot: one answerer, a cog per feature, commands synced only when they changed."""

    def __init__(
        self,
        settings: Settings,
        answerer: Answerer,
        store: Store,
        reload: Callable[[], Answerer] | None = None,
        force_sync: bool = False,
    ) -> None:
        intents = discord.Intents.default()
        # Privileged: needed only to read messages that don't mention the bot (ask-channels, threads).
        intents.message_content = settings.wants_message_content
        intents.presences = False
        intents.members = False
        # The bot never joins voice: discord.py's warnings that voice libraries are missing mean nothing here.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            tree_cls=MeetingTree,
            allowed_contexts=COMMAND_CONTEXTS,
            allowed_installs=COMMAND_INSTALLS,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) or None,
            guild_ready_timeout=0.5,
            max_messages=1000,
        )
        self.settings = settings
        self.answers = BatchingAnswerer(answerer)
        self.store = store
        # Per person, every way of asking counts: /ask, messages and the "More passages" button.
        self.question_cooldowns = Cooldowns(settings.cooldown_questions, settings.cooldown_seconds)
        self.buttons: tuple[type[discord.ui.DynamicItem[Any]], ...] = ()  # registered (`add_dynamic_items`)
        self.unrecorded = Unrecorded()  # answers being sent and stored (asking, and the buttons)
        self.closing = False  # set as close begins: no new message is taken up
        self.checks_posted: OrderedDict[int, None] = OrderedDict()  # check replies posted (checking.py)
        # Per checked message, the checks of it posted in its channel, and the latest messages deleted: a
        # check of a message deleted is not posted, and one posted comes down with it (checking.py).
        self.checks_of: OrderedDict[int, list[tuple[int, int]]] = OrderedDict()
        self.checked_gone: OrderedDict[int, None] = OrderedDict()
        self.checked_edits: OrderedDict[int, datetime] = OrderedDict()  # the latest edit seen of each
        self._replying: set[asyncio.Task] = set()  # replies under way, which close lets finish
        self.reload = reload
        # /reindex runs the build in its own process: it imports torch, which serving never does.
        self.reindex_command = [sys.executable, "-m", "bot", "index"]
        self._pruner: asyncio.Task[None] | None = None
        self.force_sync = force_sync
        self.synced = False
        self.invite_logged = False
        self.metrics = Metrics(gateway_latency=lambda: self.latency)
        self.health: HealthServer | None = None  # /healthz and /metrics, when HEALTH_PORT is set

    async def setup_hook(self) -> None:
        """Load the cog, then register commands with Discord if they changed (or when asked to)."""
        if self.settings.health_port is not None and not self.force_sync:
            self.health = HealthServer(self, self.settings.health_host, self.settings.health_port)
            if not await self.health.start():  # the port is taken: logged, and Discord is served anyway
                self.health = None
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        # Who owns the bot, read now: discord.py asks Discord on the first is_owner(), and /stats and
        # /reindex asked before acknowledging, so a slow or rate-limited reply cost the owner their
        # first /stats ("The application did not respond", a trial). On a failure it is asked later.
        try:
            await self.is_owner(self.user)  # type: ignore[arg-type]  # logged in: the user is known
        except discord.HTTPException as exc:
            log.warning("could not read the bot's owner (%s); it is read at the first /stats", exc.status)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.settings.retention_days:
            self._pruner = asyncio.create_task(self._prune_daily(), name="retention")
        if self.force_sync:
            await self.sync_if_changed(force=True)  # `meeting-bot sync`: a failure is the command's error
        elif self.settings.sync_commands:
            try:
                await self.sync_if_changed()
            except discord.HTTPException as exc:
                # Serving with the commands Discord already has beats not serving at all.
                log.error("could not sync slash commands (%s); serving with the registered ones", exc)

    async def on_message(self, message: discord.Message) -> None:
        """No text commands: messages are handled by the cog's listener only."""

    async def launch_shard(self, gateway: yarl.URL, shard_id: int, *, initial: bool = False) -> None:
        """Connect a shard to DISCORD_GATEWAY_URL when it is set: without SHARD_COUNT, discord.py connects
        to the gateway that Discord's /gateway/bot names, and the setting was ignored (a trial)."""
        if self.settings.discord_gateway_url:
            gateway = yarl.URL(self.settings.discord_gateway_url)
        await super().launch_shard(gateway, shard_id, initial=initial)

    def add_dynamic_items(self, *items: type[discord.ui.DynamicItem[Any]]) -> None:
        """Register buttons whose custom_id carries what they need, and keep them for `on_interaction`."""
        super().add_dynamic_items(*items)
        self.buttons = (*self.buttons, *items)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A click on a button of the bot's whose custom_id none of its buttons reads (an older version's,
        or a tampered client's: "mb:more:1:999999", "mb:zzz") got no reply, and Discord said "This
        interaction failed" (a helper's trial): it is told, privately, that the button no longer works."""
        if interaction.type is not discord.InteractionType.component:
            return
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        if not any(button_reads(kind, custom_id) for kind in self.buttons):
            await tell_privately(interaction, STALE_BUTTON)

    def _guild(self) -> discord.Object | None:
        gid = self.settings.discord_guild_id
        return discord.Object(id=gid) if gid else None

    def command_fingerprint(self) -> str:
        """A hash of the command definitions as Discord would receive them."""
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands()]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_if_changed(self, force: bool = False) -> bool:
        """Sync the command tree when its definition differs from the last sync (creates are rate-limited)."""
        guild = self._guild()
        marker = (
            self.settings.data_dir
            / f"commands-{self.application_id}-{guild.id if guild else 'global'}.sha256"
        )
        fingerprint = self.command_fingerprint()
        if not force and marker.exists() and marker.read_text().strip() == fingerprint:
            log.info("slash commands unchanged; not syncing")
            return False
        if guild:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(fingerprint + "\n")
        self.synced = True
        log.info("synced %d slash commands %s", len(synced), f"to guild {guild.id}" if guild else "globally")
        return True

    async def _prune_daily(self) -> None:
        """Delete stored questions and votes older than RETENTION_DAYS, once a day while running."""
        while True:
            await asyncio.sleep(PRUNE_EVERY)
            try:
                removed = await asyncio.to_thread(self.store.prune, self.settings.retention_days)
                log.info("retention: removed %d old rows", removed)
            except Exception:
                log.exception("retention pruning failed")

    async def reindex(self) -> str:
        """Rebuild the index from the corpus and swap it in; questions keep being answered meanwhile."""
        if self.reload is None:
            return "Rebuilding is not available in this process."
        proc = await asyncio.create_subprocess_exec(
            *self.reindex_command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        try:
            _, err = await asyncio.wait_for(proc.communicate(), REINDEX_TIMEOUT)
        except TimeoutError:
            return f"The rebuild took over {REINDEX_TIMEOUT:.0f} s and was stopped; the current index stays."
        finally:
            if proc.returncode is None:  # timed out or shutting down: leave no orphan behind
                proc.kill()
                await proc.wait()
        if proc.returncode != 0:
            last = (err.decode(errors="replace").strip().splitlines() or ["no message"])[-1]
            last = last.removeprefix("error: ")  # the command's one sentence, as it printed it
            log.error("reindex failed: %s", last)
            return f"The rebuild failed, so the current index stays in use: {last}"
        try:
            fresh = await asyncio.to_thread(self.reload)
        except Exception as exc:
            log.exception("loading the rebuilt index failed")
            return f"The rebuilt index could not be loaded, so the current one stays in use: {exc}"
        self.answers.swap(fresh)
        # The cogs drop what they built on the old index now (the suggestions, the quote checker), so the
        # old answerer is freed at once, not when someone next types /ask or checks a quote.
        self.dispatch("index_swapped")
        m = fresh.index.manifest
        log.info("index swapped in: %d chunks built %s", m.chunks, m.built_at)
        return f"Index rebuilt and swapped in: {m.chunks} passages, built {m.built_at}."

    async def on_ready(self) -> None:
        """Log who we are once connected (and, the first time, the invite link)."""
        log.info(
            "connected as %s (%s) in %d guilds, shards %s",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
            self.shard_ids or "all",
        )
        self._log_invite()

    def _log_invite(self) -> None:
        """Log the link that adds the bot to a server, once per process (on_ready comes again after a
        new session), with the application id Discord reported."""
        if self.invite_logged or self.application_id is None:
            return
        self.invite_logged = True
        log.info("invite the bot to a server with: %s", invite_url(self.application_id))

    @contextmanager
    def replying(self) -> Iterator[None]:
        """Around the reply to one question: `close` lets its task finish (SHUTDOWN_DRAIN at most)."""
        task = asyncio.current_task()
        if task is not None:
            self.finish_before_closing(task)
        yield

    def finish_before_closing(self, task: asyncio.Task) -> None:
        """Let `close` wait for a task (SHUTDOWN_DRAIN at most): a reply under way, or taking down a
        deleted question's answer, which a restart would otherwise cut off with the words still up."""
        self._replying.add(task)
        task.add_done_callback(self._replying.discard)

    async def close(self) -> None:
        """Stop taking up messages and pruning, let the replies under way finish (SHUTDOWN_DRAIN at most),
        then stop answering and disconnect."""
        self.closing = True
        if self._pruner:
            self._pruner.cancel()
        under_way = self._replying - {asyncio.current_task()}
        if under_way:
            log.info("finishing %d reply(ies) under way before closing", len(under_way))
            await asyncio.wait(under_way, timeout=SHUTDOWN_DRAIN)
        await self.answers.close()
        if self.health:
            await self.health.stop()
        await super().close()


class DiscordUnavailable(Exception):
    """Connecting to Discord failed in a way the operator can fix; the message is one sentence."""


@contextmanager
def pointed_at(settings: Settings) -> Iterator[None]:
    """Route REST and gateway traffic through the configured proxies (or a fake Discord in tests) while
    inside, and put discord.py's module settings back afterwards."""
    old_base, old_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


def _token(settings: Settings) -> str:
    token = settings.token
    if not token:
        raise DiscordUnavailable(
            "DISCORD_TOKEN is not set; put it in .env or the environment (see .env.example)."
        )
    return token


async def serve(bot: MeetingBot, token: str) -> None:
    """Run the bot until it closes or SIGTERM/SIGINT arrives, then close within the grace period."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform / not the main thread
            pass
    runner = asyncio.create_task(bot.start(token), name="discord-client")
    stopper = asyncio.create_task(stop.wait(), name="stop-signal")
    try:
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        if not bot.is_closed():
            log.info("closing the Discord connection")
            try:
                await asyncio.wait_for(bot.close(), SHUTDOWN_GRACE)
            except TimeoutError:
                log.warning("close took longer than %.0f s; exiting anyway", SHUTDOWN_GRACE)
        if runner.done() and not runner.cancelled() and runner.exception():
            raise runner.exception()  # type: ignore[misc]
        runner.cancel()


# Discord's gateway closes that no retry mends: what to change, not "check the network" (a review).
_CLOSE_CODES = {
    4010: "Discord refused the shard settings; each of SHARD_IDS must be below SHARD_COUNT, and SHARD_COUNT "
    "no larger than Discord allows for this bot (leave both empty to let Discord choose).",
    4011: "Discord requires this bot to connect in shards (it is in many servers); set SHARD_COUNT, or leave "
    "it empty to let Discord choose.",
    4012: "Discord refused this version of its API; install the pinned discord.py again (./start.sh).",
    4013: "Discord refused the intents asked for; check MESSAGE_CONTENT_INTENT in .env.",
}


def _connection_error(exc: BaseException) -> str | None:
    """One sentence for the ways connecting to Discord fails, or None for anything else."""
    if isinstance(exc, discord.LoginFailure):
        return "Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal."
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return (
            "the Message Content intent is not enabled for this bot; enable it in the Developer Portal, "
            "or set ANSWER_IN_THREADS=false and leave ASK_CHANNEL_IDS empty to run without it."
        )
    if isinstance(exc, discord.ConnectionClosed) and exc.code in _CLOSE_CODES:
        return _CLOSE_CODES[exc.code]
    if isinstance(exc, discord.Forbidden):
        return f"Discord refused a request ({exc.text or exc.status}); check DISCORD_GUILD_ID and the invite."
    if isinstance(exc, (discord.GatewayNotFound, discord.ConnectionClosed, discord.HTTPException, OSError)):
        return f"cannot reach Discord ({type(exc).__name__}); check the network and try again."
    return None


def _run_reporting(main: Coroutine[None, None, None]) -> None:
    """Run the coroutine; Discord connection failures become DiscordUnavailable (one sentence)."""
    try:
        asyncio.run(main)
    except Exception as exc:
        message = _connection_error(exc)
        if message is None:
            raise
        raise DiscordUnavailable(message) from exc


def run_bot(settings: Settings, answerer: Answerer, store: Store, reload: Callable[[], Answerer]) -> None:
    """`meeting-bot run`: connect and serve until stopped (DiscordUnavailable if it can't)."""
    token = _token(settings)
    with pointed_at(settings):
        _run_reporting(serve(MeetingBot(settings, answerer, store, reload), token))


def sync_commands(settings: Settings, answerer: Answerer, store: Store) -> str:
    """`meeting-bot sync`: register the slash commands now (to DISCORD_GUILD_ID if set, else globally);
    returns where they were registered (DiscordUnavailable if it can't)."""
    token = _token(settings)

    async def go() -> None:
        bot = MeetingBot(settings, answerer, store, force_sync=True)
        async with bot:
            await bot.login(token)  # login runs setup_hook, which syncs

    with pointed_at(settings):
        _run_reporting(go())
    return (
        f"guild {settings.discord_guild_id}" if settings.discord_guild_id else "all guilds and DMs (global)"
    )
