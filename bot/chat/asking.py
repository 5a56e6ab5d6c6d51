"""Asking: /ask, /about, direct messages, mentions, the bot's threads and ask-channels."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import re
import secrets
import sys
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_mentions

from bot.chat.permissions import open_to_everyone
from bot.chat.render import (
    NO_MENTIONS,
    PLAIN_KINDS,
    embed_as_text,
    render_about,
    render_answer,
    render_guide,
    render_notice,
    render_plain,
)
from bot.chat.views import (
    Cooldowns,
    answer_view,
    apologize,
    may_post_here,
    refused_for_cooldown,
    seconds,
    tell_privately,
)
from bot.core.answer import (
    HISTORY_KEPT,
    Answer,
    BadQuestion,
    EmptyQuestion,
    clean_question,
    history_read,
    kept_in_conversation,
)
from bot.core.batcher import BatcherClosed
from bot.core.calls import calls_on_people
from bot.core.kinds import QUESTION_KINDS, Kind
from bot.core.suggest import (
    SUGGESTIONS_FILE,
    Suggester,
    SuggestionsError,
    candidates,
    keep_answered,
    read_written,
)
from bot.core.text import cut_at_word, hide_spoilers, remove_invisible, replace_controls

if TYPE_CHECKING:
    from bot.chat.client import MeetingBot
    from bot.core.answer import Answerer
    from bot.store import StoredAnswer

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while answering that. Please try again in a moment."
EMPTY = "Ask me a question about the Trump–Mamdani meeting, for example: *When did they meet?*"
RESTARTING = "I'm restarting and could not answer that; please ask again in a minute."
THREAD_NAME_MAX = 100
THREAD_KINDS = (*QUESTION_KINDS, Kind.OVERVIEW)  # what a mention opens a thread for
# The messages kept for follow-ups, across all conversations (HISTORY_KEPT each): 16 MiB holds ~480
# conversations even when every message is 2,000 characters long, and thousands of everyday ones; the
# least recently active are forgotten first.
CONVERSATION_BYTES = 16 * 2**20
# Discord's own ceiling for a string option; longer questions are cut to MAX_QUESTION_CHARS anyway.
OPTION_MAX = 6000
_QUESTION_START = re.compile(
    r"^(who|whom|whose|what|when|where|why|which|how|is|are|was|were|did|does|do|can|could|will|"
    r"would|should|has|have|had|tell me|explain)\b",
    re.I,
)


def looks_like_question(text: str) -> bool:
    """Whether channel chatter is a question (used only in ASK_CHANNEL_IDS channels)."""
    text = text.strip()
    return text.endswith("?") or bool(_QUESTION_START.match(text))


async def reply_to(message: discord.Message, **kwargs: Any) -> discord.Message:
    """Reply to a message without pinging anyone. In a DM, a question deleted meanwhile still gets its
    answer (a reply to an unknown message is refused); in a server it does not: whoever deleted it, the
    asker or a moderator, meant it gone, and the answer repeats the question. Where the bot may not embed
    links, as text (`as_text_if_refused`); where it may not read the channel's history, which Discord
    requires of a reply, as a message of its own (a review: both were refused there, and the asker got
    nothing)."""
    replying = may_reply(message.channel)

    async def send(reply: dict) -> discord.Message:
        nonce = once()
        if replying:
            reference = message.to_reference(fail_if_not_exists=message.guild is not None)
            reply = {**reply, "reference": reference, "mention_author": False}
        return await resent(lambda: message.channel.send(allowed_mentions=NO_MENTIONS, nonce=nonce, **reply))

    try:
        return await as_text_if_refused(send, kwargs, message.channel)
    except discord.Forbidden as exc:
        if exc.code != MISSING_PERMISSIONS or not replying:
            raise
        log.info("a reply was refused for want of a permission; sending it as a message of its own")
        replying = False
        return await as_text_if_refused(send, kwargs, message.channel)


def may_reply(channel: object) -> bool:
    """Whether the bot may reply to a message in a channel (Discord requires Read Message History of a
    reply): always in a DM; in a server, as discord.py's cache has the bot's permissions there."""
    return _bot_may(channel, "read_message_history")


def may_embed(channel: object) -> bool:
    """Whether the bot's embeds are shown in a channel: always in a DM; in a server, with Embed Links
    (as the bot's roles and the channel's overwrites give it, from discord.py's cache)."""
    return _bot_may(channel, "embed_links")


def _bot_may(channel: object, permission: str) -> bool:
    """Whether the bot has a permission in a channel, as discord.py's cache has it (yes in a DM)."""
    guild = getattr(channel, "guild", None)
    cached = isinstance(channel, discord.abc.GuildChannel | discord.Thread)
    if guild is None or guild.me is None or not cached:
        return True  # a DM, or a channel the cache does not hold: Discord's refusal will tell (a 403)
    try:
        return getattr(channel.permissions_for(guild.me), permission)
    except discord.ClientException:  # a thread whose channel the cache does not hold
        return True


async def as_text_if_refused(send: Callable[[dict], Awaitable[T]], reply: dict, channel: object) -> T:
    """`send(reply)`, its embed as text where the bot may not embed links (many servers deny Embed Links
    to everyone, and the bot's role inherits it: a trial's answers were lost without a word): the embed's
    words, with the buttons, and a note why. Read from the permissions first, since Discord drops the
    embed of a message that has buttons without a word; and after a refusal (403, Missing Permissions),
    when the cache was behind."""
    embed = reply.get("embed")
    text = {k: v for k, v in reply.items() if k != "embed"}
    if embed is not None and not may_embed(channel):
        return await send({**text, "content": embed_as_text(embed)})
    try:
        return await send(reply)
    except discord.Forbidden as exc:
        if exc.code != MISSING_PERMISSIONS or embed is None:
            raise
        log.info("an embed was refused for want of a permission; sending it as text")
        return await send({**text, "content": embed_as_text(embed)})


# How long an autocomplete waits for the questions to suggest (Discord gives it 3 s in all).
SUGGEST_WAIT_SECONDS = 2.0
# After discord.py's own retries (which give up on a 503 at once, and on 429s after five), the send is
# tried again after each of these pauses: a burst of rate limits or a short outage on Discord's side costs
# an answer a delay, not the answer (a trial lost DM answers to two 503s).
RESEND_PAUSES = (1.0, 2.0, 4.0)
RESEND_BUDGET_SECONDS = 30.0  # no try starts after this long (discord.py's own tries of a 500: about 25 s)
T = TypeVar("T")


def once() -> int:
    """A nonce for one message's every try: Discord makes the message once however often it is sent
    (`enforce_nonce`, which discord.py asks for with any nonce), so a send whose reply was lost and that
    is tried again does not post twice."""
    return secrets.randbits(63)


async def resent(send: Callable[[], Awaitable[T]]) -> T:
    """Send (or edit, delete, read); while Discord refuses for rate limits (429) or fails on its side (5xx),
    again after each of RESEND_PAUSES, within RESEND_BUDGET_SECONDS: discord.py's own retries of a 500 take
    half a minute, and a person's next message waits its turn meanwhile (a review). Only for what may be
    done twice: an edit or a deletion, or a message with a nonce (`once`); never a webhook's follow-up,
    which carries none, so one whose reply was lost would post twice."""
    start = time.monotonic()
    for pause in RESEND_PAUSES:
        try:
            return await send()
        except discord.HTTPException as exc:
            if exc.status != 429 and exc.status < 500:
                raise
            if time.monotonic() - start > RESEND_BUDGET_SECONDS:
                raise
            log.info("sending failed (%s) after discord.py's retries; again in %.0f s", exc.status, pause)
        await asyncio.sleep(pause)
    return await send()


# What people write; Discord's own notices ("joined", "pinned a message", "started a thread", whose
# text is the thread's name) are not questions.
PEOPLES_MESSAGES = frozenset({discord.MessageType.default, discord.MessageType.reply})


def strip_mentions(text: str, bot_id: int, role_id: int | None = None) -> str:
    """The message without the bot's own mention(s), nor those of its role when it has one."""
    role = rf"|<@&{role_id}>" if role_id is not None else ""
    return re.sub(rf"<@!?{bot_id}>{role}", " ", text).strip()


@dataclass(frozen=True)
class _Kept:
    """A message kept in a conversation, and when it was added: `at` by the monotonic clock (its age),
    `wall` as a time.time() (before or after a forget elsewhere); `owner` in a DM."""

    text: str
    at: float
    wall: float
    owner: int | None = None  # in a DM, the person it is with (all its messages are theirs)


# The longest a message waits on the store for who was forgotten (`AskCog._honour_forgets`).
FORGET_LOOK = 1.0


def _sent_at(message: discord.Message) -> float:
    """When a message was sent, as a time.time() (from its id): told apart from a forget's time."""
    return discord.utils.snowflake_time(message.id).timestamp()


def _dm_owner(message: discord.Message) -> int | None:
    """The person of a DM (all its messages are theirs); None in a server."""
    return message.author.id if message.guild is None else None


class Conversations:
    """The last few questions asked in each DM or bot thread (and requests for more between them), so
    follow-ups are read in context and "more please" knows what it continues.

    Bounded by channels and by the bytes of the questions kept: the least recently active channels
    are forgotten first. With `max_age` (seconds: the store's retention), a message older than that is
    no longer read, as the store no longer holds it: a follow-up would store it again as its history.
    """

    def __init__(
        self,
        depth: int = HISTORY_KEPT,
        channels: int = 10_000,
        max_bytes: int = CONVERSATION_BYTES,
        max_age: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.depth, self.channels, self.max_bytes, self.max_age = depth, channels, max_bytes, max_age
        self._clock = clock
        self._recent: OrderedDict[int, deque[_Kept]] = OrderedDict()
        self._bytes = 0
        self._visited: OrderedDict[int, None] = OrderedDict()  # channels met since the start (bounded)

    def first_visit(self, channel_id: int) -> bool:
        """True the first time a channel is asked about since the start (of the last `channels` met)."""
        if channel_id in self._visited:
            self._visited.move_to_end(channel_id)
            return False
        self._visited[channel_id] = None
        if len(self._visited) > self.channels:
            self._visited.popitem(last=False)
        return True

    def history(self, channel_id: int) -> list[str]:
        """Earlier questions (and requests for more) in the channel, oldest first."""
        if self.max_age is not None and channel_id in self._recent:
            oldest = self._clock() - self.max_age
            self._keep(channel_id, lambda m: m.at >= oldest)
        return [m.text for m in self._recent.get(channel_id, ())]

    def restart(
        self, channel_id: int, messages: list[str], owner: int | None = None, wall: float | None = None
    ) -> None:
        """Make the channel's conversation these messages (a reply to an older answer goes on from there);
        `owner`: the person of a DM; `wall`: when they were said at the latest (see `add`)."""
        gone = self._recent.pop(channel_id, None)
        if gone is not None:
            self._bytes -= _text_bytes(gone)
        for message in messages:
            self.add(channel_id, message, owner, wall)

    def holding(self, question: str) -> list[int]:
        """The channels whose conversation holds a question."""
        return [c for c, recent in self._recent.items() if any(m.text == question for m in recent)]

    def withdraw(self, channel_id: int, question: str) -> None:
        """Forget the latest time a question was added (it was deleted: before its reply could be posted,
        or after)."""
        recent = self._recent.get(channel_id, ())
        at = next((n for n in range(len(recent) - 1, -1, -1) if recent[n].text == question), None)
        if at is not None:
            self._keep(channel_id, lambda m: m is not recent[at])

    def texts(self) -> set[str]:
        """Every message kept, in any conversation."""
        return {m.text for recent in self._recent.values() for m in recent}

    def drop(self, gone: Callable[[str, float, int | None], bool]) -> int:
        """Take every message for which `gone(text, wall, owner)` is true out of every conversation
        (`wall`: when it was added, as a time.time(); `owner`: the person of a DM; a person forgotten);
        how many were taken."""
        return sum(self._keep(c, lambda m: not gone(m.text, m.wall, m.owner)) for c in list(self._recent))

    def _keep(self, channel_id: int, kept: Callable[[_Kept], bool]) -> int:
        """Keep only the channel's messages for which `kept` is true (a channel left empty is let go);
        how many went."""
        recent = self._recent[channel_id]
        staying = [m for m in recent if kept(m)]
        went = len(recent) - len(staying)
        if went:
            self._bytes -= _text_bytes(recent)
            recent.clear()
            recent.extend(staying)
            self._bytes += _text_bytes(recent)
            if not recent:
                del self._recent[channel_id]
        return went

    def add(
        self, channel_id: int, question: str, owner: int | None = None, wall: float | None = None
    ) -> None:
        """Remember a question or a request for more (forgetting the least recently active channels beyond
        the limits); `owner`: the person of a DM; `wall`: when it was said, as a time.time() (default:
        now), told apart from a forget's time."""
        recent = self._recent.pop(channel_id, None) or deque(maxlen=self.depth)
        self._bytes -= _text_bytes(recent)
        recent.append(_Kept(question, self._clock(), time.time() if wall is None else wall, owner))
        self._bytes += _text_bytes(recent)
        self._recent[channel_id] = recent  # now the most recently active
        while len(self._recent) > self.channels or (self._bytes > self.max_bytes and len(self._recent) > 1):
            _, gone = self._recent.popitem(last=False)
            self._bytes -= _text_bytes(gone)


def _text_bytes(kept: deque[_Kept]) -> int:
    """Bytes of the strings kept (CPython stores one, two or four bytes a character)."""
    return sum(sys.getsizeof(m.text) for m in kept)


# A thread whose question was deleted: after its answer was posted, or as it opened when the bot may not
# delete threads (MANAGE_THREADS).
WITHDRAWN_THREAD = "Question deleted"
EDITED_THREAD = "Question edited"  # ... or edited, and its new words answered elsewhere or not at all
# A thread opened for a question whose answer could not be posted there, and went to the channel instead.
IN_PLACE_THREAD = "Answered in the channel"
THREAD_EXISTS = 160004  # Discord's code for "a thread has already been created for this message"
UNKNOWN_CHANNEL = 10003  # Discord's code for a channel (or thread) that is not there
MISSING_PERMISSIONS = 50013  # ... for a request the bot's permissions there do not allow


class AskCog(commands.Cog):
    """/ask, /about, and every message the bot answers (DMs, mentions, its threads, ask-channels)."""

    def __init__(self, bot: MeetingBot) -> None:
        self.bot = bot
        self.cooldowns = bot.question_cooldowns  # shared with the More passages button
        # Messages read in ask-channels, most of which get no reply and so cost no question: a person's
        # flood of long messages there held up everyone's answers (a helper's trial, 29 s for a DM).
        settings = bot.settings
        self.channel_reads = Cooldowns(
            READS_PER_QUESTION * settings.cooldown_questions, settings.cooldown_seconds
        )
        days = bot.settings.retention_days
        self.conversations = Conversations(max_age=days * 86_400.0 if days else None)
        self._turns: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._background: set[asyncio.Task] = set()
        # Server questions whose answer is being posted, and whether each was deleted meanwhile (bounded
        # by the questions in flight); where the latest answers were posted (`_remember`).
        self._sending: dict[int, bool] = {}
        # Edited questions being answered again, and the thread the bot had opened for each; and one turn
        # per message in a server at a time (its answer, then each edit), so that an edit finds the answer
        # before it posted and stored (`_message_turn`).
        self._reopened: dict[int, discord.Thread] = {}
        self._messages: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._posted: OrderedDict[int, Posted] = OrderedDict()
        self._seen: OrderedDict[int, None] = OrderedDict()  # the latest messages read (`_seen_before`)
        self._gone: OrderedDict[int, None] = OrderedDict()  # the latest messages deleted (`_deleted`)
        # The latest questions in a server the cooldown refused: edited, one is answered as asked anew.
        self._refused: OrderedDict[int, Refused] = OrderedDict()
        # The store's mark of the latest question forgotten that this bot has let go of (`_honour_forgets`):
        # from 0, since a conversation read back from the store may go on with words forgotten before.
        self._forgotten_seq = 0
        self._looking = asyncio.Lock()  # one look at who was forgotten at a time
        # The questions offered as /ask is typed, built at start (and at the first use after a /reindex)
        # for the answerer serving then.
        self._suggesting: tuple[Answerer, asyncio.Task[Suggester]] | None = None

    def _turn(self, channel_id: int) -> asyncio.Lock:
        """The lock of one conversation (kept only while some message of it holds or awaits it)."""
        return _lock_of(self._turns, channel_id)

    async def _record(
        self,
        answer_id: int,
        user_id: int,
        answer: Answer,
        surface: str,
        history: list[str],
        *,
        where: discord.abc.Messageable | None,
        guild: discord.Guild | None,
        private: bool,
        asked_in: object,
        reply: discord.Message | None = None,
        own_thread: bool = False,
        asked_at: datetime | None = None,
    ) -> None:
        """Store the question and what was shown, off the event loop; a store failure never stops answers.

        `where` is the channel the reply went to and `private` whether only the asker saw it: together
        they decide who may later expand the answer or see the question in /stats, with `asked_in`, the
        channel it was asked in: its words show in the server's /stats only when everyone there may read
        that channel (an admin of the server may not read a private one). `reply` is the reply
        posted in a server and `own_thread` whether it went to a thread the bot opened for the question,
        kept so that deleting the question takes them down (`_deleted`).
        """
        # Latency as the asker sees it: from Discord's timestamp of the question (its id), or of the edit
        # answered (`asked_at`: a trial found an edit made seconds later counted as that many seconds of
        # answering), until the answer is ready and its reply on its way (recording runs beside the reply;
        # in a server, where a question deleted meanwhile must not be stored, just after it is posted).
        asked_at = asked_at or discord.utils.snowflake_time(answer_id)
        kind = "more" if answer.continues is not None else answer.kind  # "more please" is no new question
        self.bot.metrics.question(surface, kind, (discord.utils.utcnow() - asked_at).total_seconds())
        try:
            await asyncio.to_thread(
                self.bot.store.record_answer,
                answer_id=str(answer_id),
                user_id=user_id,
                question=answer.question,
                answered=answer.kind == Kind.ANSWER,
                chunk_ids=[e.chunk_id for e in answer.shown],
                sections=sorted({e.section for e in answer.shown}),
                surface=surface,
                history=history,
                guild_id=guild.id if guild else None,
                channel_id=getattr(where, "id", None),
                private=private or guild is None,
                kind=answer.kind,
                continues=answer.continues is not None,
                reply_id=None if reply is None else reply.id,
                own_thread=own_thread,
                listed=open_to_everyone(asked_in),
            )
        except Exception:
            log.exception("could not record answer %s", answer_id)
            self.bot.metrics.error("recording")

    # ------------------------------------------------------------ slash commands

    @app_commands.command(name="ask", description="Ask about the Trump–Mamdani Oval Office meeting")
    @app_commands.describe(
        question="Your question about the meeting",
        private="Show the answer only to you",
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, OPTION_MAX],
        private: bool = False,
    ) -> None:
        """Answer a question with cited excerpts from the article."""
        wait = self.cooldowns.retry_after(interaction.user.id)
        if await refused_for_cooldown(interaction, wait, "asking", self.cooldowns.describe()):
            return
        # Public only for someone who may post here: its title is their question (a trial).
        private = private or not may_post_here(interaction)
        # Defer first: the answer is fast, but the 3-second deadline must hold under any load.
        await interaction.response.defer(thinking=True, ephemeral=private)
        with self.bot.replying():  # closing, the bot lets it finish first
            await self._answer_ask(interaction, question, private)

    async def _answer_ask(self, interaction: discord.Interaction, question: str, private: bool) -> None:
        """/ask once its interaction is acknowledged. In a DM, or publicly in the bot's own thread, it goes
        on from the conversation there and joins it, as a message would (a trial: "more please" after an
        /ask in a DM went on from the question typed before it); a private /ask in a thread does neither,
        as the others there never saw it."""
        channel_id = interaction.channel_id
        in_dm = interaction.guild is None
        conversational = channel_id is not None and (
            in_dm or (not private and self._bots_thread(interaction.channel))
        )
        owner = interaction.user.id if in_dm else None
        said = discord.utils.snowflake_time(interaction.id).timestamp()
        async with contextlib.AsyncExitStack() as turn:
            history: list[str] = []
            if conversational:
                await turn.enter_async_context(self._turn(channel_id))
                await self._honour_forgets()
                history = await self._conversation_in(channel_id, owner, said)
            answer = await self._ask_for(interaction, question, history)
            if answer is None:
                return
            if conversational and kept_in_conversation(answer):
                self.conversations.add(channel_id, answer.question, owner, said)
            # Posted within its turn, as a message's answer is: the next message reads after it.
            await self._send_ask(interaction, answer, private, history)

    def _bots_thread(self, channel: object) -> bool:
        """Whether a channel is a thread the bot opened."""
        return isinstance(channel, discord.Thread) and channel.owner_id == self.bot.user.id  # type: ignore[union-attr]

    async def _ask_for(
        self, interaction: discord.Interaction, question: str, history: list[str]
    ) -> Answer | None:
        """The answer to an /ask, or None once the reason there is none was sent."""
        try:
            return await self.bot.answers.ask(question, history=history)
        except BatcherClosed:
            await tell_privately(interaction, RESTARTING)
            return None
        except BadQuestion as exc:
            await tell_privately(interaction, EMPTY if isinstance(exc, EmptyQuestion) else str(exc))
            return None
        except Exception:
            log.exception("answering a slash command failed")
            self.bot.metrics.error("answering")
            await tell_privately(interaction, APOLOGY)
            return None

    async def _send_ask(
        self, interaction: discord.Interaction, answer: Answer, private: bool, history: list[str]
    ) -> None:
        """Fill in the deferred reply of an /ask with its answer, and store it beside."""
        # The reply does not wait for the database (the buttons need the row only when clicked). Like a
        # reply to a message, it is tried again after discord.py's retries give up (`resent`).
        reply = self._reply(interaction.id, answer)
        with self.bot.unrecorded.being_recorded(interaction.id):
            await asyncio.gather(
                # The deferred reply is filled in (an edit, which may be made twice), not followed up: a
                # follow-up whose reply was lost was sent again by discord.py and posted twice (a trial).
                resent(lambda: interaction.edit_original_response(**reply, allowed_mentions=NO_MENTIONS)),
                self._record(
                    interaction.id,
                    interaction.user.id,
                    answer,
                    "slash",
                    history_read(answer.question, history),  # what the answer depends on, nothing older
                    where=interaction.channel,
                    guild=interaction.guild,
                    private=private,
                    asked_in=interaction.channel,
                ),
            )

    @ask.autocomplete("question")
    async def suggest_questions(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Questions the bot answers well that match what has been typed (≤ 25, each ≤ 100 characters)."""
        try:
            # Within Discord's 3 seconds: the list is built once per index, its questions asked behind
            # any others waiting (a trial's first /ask under load was answered at 5 s, too late).
            suggester = await asyncio.wait_for(asyncio.shield(self._suggester()), SUGGEST_WAIT_SECONDS)
            return [app_commands.Choice(name=q, value=q) for q in suggester.suggest(current)]
        except TimeoutError:
            log.info("the questions to suggest are still being chosen; none offered this time")
            return []
        except Exception:
            log.exception("suggesting questions failed")
            return []

    async def cog_load(self) -> None:
        """Start choosing the questions to suggest as /ask is typed, so the first person typing finds them
        (not for `meeting-bot sync`, which only registers the commands)."""
        if not self.bot.force_sync:
            self._suggester()

    @commands.Cog.listener()
    async def on_index_swapped(self) -> None:
        """/reindex swapped in another index: choose the suggestions over it now, which lets the old
        answerer go, and the next person typing /ask finds them ready."""
        self._suggester()

    def _suggester(self) -> asyncio.Task[Suggester]:
        """The suggester of the answerer serving now (a new one after /reindex, or after a failed build)."""
        answerer = self.bot.answers.answerer
        if self._suggesting is not None:
            built_for, task = self._suggesting
            failed = task.done() and (task.cancelled() or task.exception() is not None)
            if built_for is answerer and not failed:
                return task
        task = asyncio.get_running_loop().create_task(self._build_suggester(answerer), name="suggestions")
        task.add_done_callback(_log_failed_build)
        self._suggesting = (answerer, task)
        return task

    async def _build_suggester(self, answerer: Answerer) -> Suggester:
        """Ask every candidate question once and keep those answered with their passage first."""
        path = self.bot.settings.train_dir / SUGGESTIONS_FILE
        try:
            written = await asyncio.to_thread(read_written, path)
        except SuggestionsError as exc:
            log.error("%s Offering the FAQ's questions only.", exc)
            written = ()
        cands = await asyncio.to_thread(candidates, answerer.index, written)
        answers = await asyncio.gather(*(self.bot.answers.ask(c.question) for c in cands))
        suggester = Suggester(keep_answered(cands, answers))
        log.info("offering %d of %d questions as /ask is typed", len(suggester.suggestions), len(cands))
        return suggester

    def _view(self, answer_id: int, answer: Answer) -> discord.ui.View:
        first = answer.excerpts[0].chunk_id if answer.excerpts else None
        # Further passages after "more please" are had by asking for more again, not by a button; and
        # a question with no passages near has none to show.
        more = answer.continues is None and bool(answer.excerpts)
        return answer_view(answer_id, len(answer.shown), first, more=more)

    @app_commands.command(name="about", description="What this bot knows and how to ask it")
    async def about(self, interaction: discord.Interaction) -> None:
        """Describe the documents, the index and how to ask."""
        embed = render_about(
            self.bot.answers.answerer.index, self.cooldowns.describe(), self.bot.settings.retention_days
        )
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Any failure becomes a short apology; the bot keeps serving."""
        await apologize(interaction, error, APOLOGY)

    # ------------------------------------------------------------ messages

    def _replied_message(self, message: discord.Message) -> discord.Message | None:
        """The bot's message that this one replies to, if it replies to one."""
        ref = message.reference
        replied = ref.resolved if ref is not None else None
        me = self.bot.user
        if not isinstance(replied, discord.Message) or me is None or replied.author.id != me.id:
            return None
        return replied

    def _is_reply_to_me(self, message: discord.Message) -> bool:
        return self._replied_message(message) is not None

    def _in_my_thread(self, message: discord.Message) -> bool:
        channel = message.channel
        return isinstance(channel, discord.Thread) and channel.owner_id == self.bot.user.id  # type: ignore[union-attr]

    def wants(self, message: discord.Message) -> tuple[str, str] | None:
        """(question, surface) if the bot should answer the message, else None."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return None
        if message.type not in PEOPLES_MESSAGES:  # "joined", "pinned a message", "started a thread"...
            return None
        # The role Discord made for the bot, which the mention autocomplete may offer in its place.
        role = message.guild.self_role if message.guild is not None else None
        text = strip_mentions(message.content, me.id, role.id if role is not None else None)
        if message.guild is None:
            return text, "dm"
        if self._in_my_thread(message):
            return text, "thread"
        if me in message.mentions or role in message.role_mentions or self._is_reply_to_me(message):
            return text, "mention"
        if message.channel.id in self.bot.settings.ask_channel_ids:
            return text, "channel"
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer DMs, mentions, replies to the bot, its threads, and questions in ask-channels."""
        wanted = self.wants(message)
        if wanted is None or self._seen_before(message.id):
            return
        if self.bot.closing:  # what is under way finishes, nothing new starts; asked, one is told why
            await _tell_restarting(message, wanted[1])
            return
        if message.guild is None:  # no edits are followed in a DM
            await self._answer_safely(message, *wanted)
            return
        async with self._message_turn(message.id):
            await self._answer_safely(message, *wanted)

    def _message_turn(self, message_id: int) -> asyncio.Lock:
        """The lock of one message in a server: its answer is posted and stored before an edit of it is
        read, and one edit is answered before the next (a review found an edit made as the first answer
        was read, posted or stored lost, or the answer lost)."""
        return _lock_of(self._messages, message_id)

    async def _answer_safely(self, message: discord.Message, question: str, surface: str) -> None:
        """Answer a message; any failure is logged and met with a short apology, never raised. Closing, the
        bot lets it finish first (SHUTDOWN_DRAIN at most); one cut off then is told to ask again."""
        try:
            with self.bot.replying():
                await self._answer_message(message, question, surface)
        except BatcherClosed:
            log.info("message %s was not answered: shutting down", message.id)
            await _tell_restarting(message, surface)
        except discord.HTTPException as exc:
            log.warning("could not reply to message %s: %s", message.id, exc)
        except Exception:
            log.exception("answering message %s failed", message.id)
            self.bot.metrics.error("answering")
            try:
                await reply_to(message, content=APOLOGY)
            except discord.HTTPException:
                pass

    async def _answer_message(self, message: discord.Message, question: str, surface: str) -> None:
        if not question.strip():
            # A bare mention or a picture: say how to ask, within the cooldown. Not in the bot's threads
            # (without the message-content intent their messages arrive empty) nor in ask-channels, where
            # people post other things too.
            if surface in ("dm", "mention") and await self._may_ask(message):
                await reply_to(message, content=EMPTY)
            return
        # Follow-ups are read with the conversation: DMs and the bot's own threads.
        conversational = surface in ("dm", "thread")
        owner = _dm_owner(message)
        history: list[str] = []
        replied: list[str] | None = None  # the conversation of an answer the message replies to
        # One message of a conversation at a time, from reading it to its answer being posted (or refused):
        # two quick "more"s in a DM show two pages, not the same one twice, and a question deleted before its
        # answer is posted is taken out of the conversation before the next message reads it.
        async with contextlib.AsyncExitStack() as turn:
            try:
                if surface == "channel":
                    # People chat in ask-channels too: read the message first, and stay quiet unless it is
                    # a question, a request for help or for a summary. Quiet messages cost no cooldown, but
                    # a person's messages read there have a budget of their own; beyond it, none is read.
                    if self.channel_reads.retry_after(message.author.id) is not None:
                        self.bot.metrics.read_skipped()
                        return
                    answer = await self.bot.answers.ask(question)
                    if not channel_wants(answer, question):
                        return
                    if not await self._may_ask(message):
                        return
                else:
                    if not await self._may_ask(message):
                        return
                    self._show_typing(message.channel)
                    if conversational:
                        await turn.enter_async_context(self._turn(message.channel.id))
                        await self._honour_forgets()
                    # A reply to one of the bot's answers reads after that answer's question; other
                    # messages in a DM or the bot's thread after the conversation there.
                    replied = await self._replied_to(message)
                    if replied is not None:
                        history = replied
                    elif conversational:
                        history = await self._conversation(message)
                    answer = await self.bot.answers.ask(question, history=history)
                    if conversational and kept_in_conversation(answer):  # cleaned and cut to length
                        # When it was said (not when answered): a forget meanwhile took it out of the store.
                        said = _sent_at(message)
                        if replied is not None:  # the conversation goes on from the answer replied to
                            self.conversations.restart(message.channel.id, history, owner, said)
                        self.conversations.add(message.channel.id, answer.question, owner, said)
            except BadQuestion as exc:  # only invisible characters, or bytes that are not text
                if surface != "channel":
                    reply_text = EMPTY if isinstance(exc, EmptyQuestion) else str(exc)
                    await reply_to(message, content=reply_text)
                return
            with self.bot.unrecorded.being_recorded(message.id):
                await self._send_answer(message, surface, answer, history)

    async def _send_answer(
        self, message: discord.Message, surface: str, answer: Answer, history: list[str]
    ) -> None:
        """Reply with the answer (in a new thread for a question by mention) and store it beside."""
        reply = self._reply(message.id, answer)

        def record(
            where: discord.abc.Messageable, sent: discord.Message | None = None, own_thread: bool = False
        ) -> Awaitable[None]:
            return self._record(
                message.id,
                message.author.id,
                answer,
                surface,
                history_read(answer.question, history),  # what the answer depends on, nothing older
                where=where,
                guild=message.guild,
                private=message.guild is None,
                asked_in=message.channel,
                reply=sent,
                own_thread=own_thread,
                asked_at=message.edited_at,  # an edit answered anew: timed from the edit
            )

        if message.guild is None:  # a DM: a question deleted meanwhile is still answered (reply_to)
            await asyncio.gather(reply_to(message, **reply), record(message.channel))
            return
        # In a server, whoever deletes a question (the asker or a moderator) means it gone, and the answer
        # repeats it: deleted before its answer is posted, it gets none; as the answer is posted, the
        # answer is taken down (`on_raw_message_delete` notes the deletion in `_sending`); later, the
        # answer goes with it (`_posted`). In each case it is neither stored nor kept in the conversation,
        # where a later "more please" there, by anyone, would show it.
        # An edit being answered notes a deletion from its start; one deleted while it was answered is
        # gone already (Discord refused a reply to it, but an answer sent as no reply must not go).
        self._sending.setdefault(message.id, message.id in self._gone)
        try:
            if (
                surface == "mention"
                and self.bot.settings.answer_in_threads
                and answer.kind in THREAD_KINDS  # "thanks" or "hi" opens no thread: answered in place
                and answer.continues is None  # nor does "more please": it goes on where its answer is
                and isinstance(message.channel, discord.TextChannel)
                and await self._answer_in_thread(message, answer, reply, history, record)
            ):
                return
            if self._sending[message.id]:  # deleted already: no answer, also where it would be no reply
                self.conversations.withdraw(message.channel.id, answer.question)
                return
            try:
                sent = await reply_to(message, **reply)  # refused for a question deleted meanwhile
            except discord.HTTPException:
                self.conversations.withdraw(message.channel.id, answer.question)
                raise
            if self._sending[message.id]:  # deleted as the answer was posted
                self.conversations.withdraw(message.channel.id, answer.question)
                await delete_quietly(sent)
                return
            in_place = Posted(
                message.channel.id, sent.id, False, answer.question, message.guild.id, answer.continues
            )
            self._remember(message.id, in_place)
            await record(message.channel, sent)
        finally:
            self._sending.pop(message.id, None)

    async def _answer_in_thread(
        self,
        message: discord.Message,
        answer: Answer,
        reply: dict,
        history: list[str],
        record: Callable[[discord.abc.Messageable, discord.Message | None, bool], Awaitable[None]],
    ) -> bool:
        """Open a thread on a question by mention and answer there; False when it is to be answered in
        place instead (no permission to open threads or to post in them)."""
        # An edited question is answered again in the thread opened for it, "Question edited" by then: never
        # renamed after a person's words, since Discord posts each rename in the thread for good.
        reopened = self._reopened.pop(message.id, None)
        try:
            thread = reopened or await message.create_thread(
                name=thread_name(answer.question), auto_archive_duration=1440
            )
        except discord.HTTPException as exc:  # no permission to make threads here: reply in place
            lost = exc.status >= 500 or exc.code == THREAD_EXISTS  # it may be there: its reply was lost
            thread = await self._made_anyway(message, thread_name(answer.question)) if lost else None
            if thread is None:
                log.info(
                    "could not open a thread for message %s (%s); replying in place", message.id, exc.status
                )
                return False
        posted: discord.Message | None = None
        try:
            if not self._sending[message.id]:

                async def send(r: dict) -> discord.Message:
                    nonce = once()  # one for every try of this message
                    return await resent(lambda: thread.send(**r, allowed_mentions=NO_MENTIONS, nonce=nonce))

                posted = await as_text_if_refused(send, reply, thread)
        except discord.HTTPException as exc:  # may open threads but not post in them: reply in place
            if exc.code == UNKNOWN_CHANNEL:  # someone deleted the thread: the answer is not wanted anywhere
                log.info("thread %s was deleted before its answer was posted: not answered", thread.id)
                return True
            log.info("could not post in thread %s (%s): replying in place", thread.id, exc.status)
        if self._sending[message.id]:  # deleted as the thread opened: its name and the answer repeat it
            await take_down(thread, posted, others_may_talk=reopened is not None)
            return True
        if posted is None:
            if reopened is None:  # opened, and left empty by the bot: its name would repeat the question
                # Renamed, never deleted: others may have posted in it while the bot's tries went on.
                await take_down(thread, None, others_may_talk=True, name=IN_PLACE_THREAD)
            return False
        if kept_in_conversation(answer):  # the thread goes on from the conversation so far
            self.conversations.restart(thread.id, [*history, answer.question], None, _sent_at(message))
        self._remember(message.id, Posted(thread.id, posted.id, True, answer.question, thread.guild.id))
        await record(thread, posted, True)
        return True

    async def _honour_forgets(self) -> None:
        """Take the questions of people forgotten since the last look (`meeting-bot forget`, perhaps in
        another process) out of the conversations kept in memory, before a follow-up is read after them:
        those said before the forget, in a thread whoever said them, in a DM only the forgotten person's
        own (as `Store.record_answer` does, which never stores them again). One look at a time, and the
        mark moves once its questions are out. A store that is slow or fails costs this look, never the
        reply (FORGET_LOOK seconds at most)."""
        store = self.bot.store
        async with self._looking:
            try:
                seq, found = await asyncio.wait_for(
                    asyncio.to_thread(store.forgotten_since, self._forgotten_seq), FORGET_LOOK
                )
            except Exception:
                log.warning("could not read who was forgotten", exc_info=True)
                return
            if found:
                # Keyed off the event loop: the conversations may hold many thousand messages.
                kept = self.conversations.texts()
                matched = await asyncio.to_thread(
                    lambda: {t: f for t in kept if (f := found.get(store.text_key(t))) is not None}
                )

                def gone(text: str, wall: float, owner: int | None) -> bool:
                    forgot = matched.get(text)
                    if forgot is None:
                        return False
                    if owner is None:  # a thread: whoever said it, if before the latest forget of it
                        return wall <= forgot.at.timestamp()
                    at = forgot.users.get(store.user_key(owner))  # a DM: only its person's own words
                    return at is not None and wall <= at.timestamp()

                dropped = self.conversations.drop(gone)
                log.info("took %d forgotten questions out of the conversations kept", dropped)
            self._forgotten_seq = max(seq, self._forgotten_seq)

    def _seen_before(self, message_id: int) -> bool:
        """Whether a message was read already: Discord may deliver an event twice (a trial's duplicate got
        two answers, the second in place after its thread could not be opened again). The latest
        SEEN_KEPT messages."""
        if message_id in self._seen:
            return True
        keep_latest(self._seen, message_id, None, SEEN_KEPT)
        return False

    def _remember(self, question_id: int, posted: Posted) -> None:
        """Keep where a question's answer was posted, so that deleting the question takes it down; the
        latest POSTED_KEPT answers only."""
        keep_latest(self._posted, question_id, posted, POSTED_KEPT)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """A question deleted in a server as its answer is posted, or after (see `_send_answer`)."""
        self._deleted([payload.message_id], payload.channel_id, payload.guild_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        """A moderator's bulk delete, as `on_raw_message_delete`."""
        self._deleted(sorted(payload.message_ids), payload.channel_id, payload.guild_id)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """A question answered in a server whose words were edited: its answer (and the thread opened for
        it, and the store) still held the words taken out (a helper's trial). It is taken down as for a
        deleted question, and the message as it now reads is answered as a new question, within the
        cooldown; so is a question the cooldown refused, edited (`_edited_refused`). In a DM, as for a
        deletion, only its asker saw the answer."""
        if payload.guild_id is None or payload.data.get("edited_timestamp") is None:
            return  # a DM, or no edit of the words (Discord updates a message as its links' previews load)
        if payload.message.author.bot:
            return  # the bot answers no bot
        old = payload.cached_message
        if old is not None and self.wants(old) is None and payload.message_id not in self._posted:
            return  # a message it did not answer, as the bot's cache shows: no store read for it
        async with self._message_turn(payload.message_id):
            await self._edited(payload, payload.guild_id)

    async def _edited(self, payload: discord.RawMessageUpdateEvent, guild_id: int) -> None:
        """`on_raw_message_edit` for one edit of a message in a server, after its answer was posted. A
        deletion before this (its withdrawal under way) is in `_gone`; one after, in `_sending`. A question
        the cooldown refused has nothing posted: `_edited_refused`."""
        message_id = payload.message_id
        posted = self._posted.get(message_id)
        refused = self._refused.get(message_id) if posted is None else None
        if refused is not None:
            await self._edited_refused(payload, refused)
            return
        more: Sequence[int] = ()
        if posted is None and message_id not in self._gone:
            stored = await self._stored_postings([message_id], payload.channel_id, guild_id)
            if message_id not in stored:
                return  # no question the bot answered
            posted, more = stored[message_id]
        if posted is None or message_id in self._gone:
            return  # deleted meanwhile: taken down as such (a review found its new words answered)
        wanted = self.wants(payload.message)
        if wanted is not None and _reads_as(wanted[0], posted.question):
            return  # the same words: a preview loaded after an earlier edit, or only markup changed
        # From here on a deletion is noted in `_sending`, as for a question whose answer is being posted.
        self._posted.pop(message_id, None)
        self._sending[message_id] = False
        try:
            await self._withdraw(message_id, posted, more, renamed=EDITED_THREAD)
            if wanted is None or self._sending[message_id]:
                return
            await self._answer_edit(payload.message, wanted, posted.channel_id if posted.thread else None)
        finally:
            self._sending.pop(message_id, None)

    async def _edited_refused(self, payload: discord.RawMessageUpdateEvent, refused: Refused) -> None:
        """An edit of a question the cooldown refused (perhaps an earlier edit, its answer taken down):
        nothing of it is posted or stored, and its words as they now read are a question, answered in the
        thread opened for it if there is one (a trial found a question refused once never answered again,
        however often edited). Words that read as the ones refused (a link's preview loading, a pin) are
        left alone."""
        message_id = payload.message_id
        wanted = self.wants(payload.message)
        if wanted is not None and _words_key(_as_asked(wanted[0])) == refused.words_key:
            return
        del self._refused[message_id]
        if wanted is None or message_id in self._gone:
            return
        await self._answer_edit(payload.message, wanted, refused.thread_id)

    async def _answer_edit(
        self, message: discord.Message, wanted: tuple[str, str], thread_id: int | None
    ) -> None:
        """Answer an edited question as asked anew, in the thread the bot opened for it (`thread_id`) if it
        still has it. Refused by the cooldown, it keeps that thread, to be answered there when edited
        again; answered in place or refused, the thread stays "Question edited"."""
        try:
            thread = await self._own_thread(thread_id, strict=True) if thread_id is not None else None
        except ThreadUnreadable:
            # It may be locked: answered in its channel instead, the new words would sidestep that (a trial).
            log.info("edited question %s not answered: its thread could not be read", message.id)
            return
        # A moderator closed its conversation, or the conversation a follow-up was asked in: the answer to
        # the old words is down, the new words are not answered there (a trial), nor elsewhere in its place.
        if any(_closed_to(message.author, place) for place in (thread, message.channel)):
            log.info("edited question %s not answered: its thread is locked", message.id)
            return
        if thread is not None:
            self._reopened[message.id] = thread
        try:
            await self._answer_safely(message, *wanted)
            refused = self._refused.get(message.id)
            if refused is not None and thread is not None:
                self._refused[message.id] = Refused(refused.words_key, thread.id)
        finally:
            self._reopened.pop(message.id, None)

    async def _made_anyway(self, message: discord.Message, name: str) -> discord.Thread | None:
        """The thread the bot opened on `message` although Discord's reply said otherwise: a reply lost on
        the way back (a 503), or discord.py's retry of a 500 refused as "already created". Left alone it
        would stay empty, named after the question, even once the question is deleted (a trial). Found by
        its id, which is the message's, only if the bot opened it in the message's channel just now, as
        its `name` shows: an earlier one ("Answered in the channel", the question edited since) is not
        this answer's (a review)."""
        if isinstance(message.channel, discord.Thread):
            return None  # no thread opens on a message in a thread
        thread = await self._own_thread(message.id)
        if thread is None or thread.parent_id != message.channel.id or thread.name != name:
            return None
        return thread

    async def _own_thread(self, channel_id: int, strict: bool = False) -> discord.Thread | None:
        """The thread of that id if the bot opened it (read from Discord when not in the cache: archived
        threads are not), else None; with `strict`, ThreadUnreadable when Discord could not say."""
        try:
            thread = self.bot.get_channel(channel_id) or await resent(
                lambda: self.bot.fetch_channel(channel_id)
            )
        except discord.NotFound:
            return None
        except Exception as exc:  # Discord refused, or the connection is closing
            log.warning("could not read thread %s (%r)", channel_id, exc)
            if strict:
                raise ThreadUnreadable from exc
            return None
        # Only a thread the bot opened: a forum post's first message has its thread's id too.
        owned = isinstance(thread, discord.Thread) and thread.owner_id == self.bot.user.id  # type: ignore[union-attr]
        return thread if owned else None  # type: ignore[return-value]

    def _deleted(self, message_ids: Sequence[int], channel_id: int, guild_id: int | None) -> None:
        """Messages were deleted: for each question answered here, take its answer down (in the
        background); for one whose answer is being posted, note it for `_send_answer`. Questions
        answered before a restart, or before the latest POSTED_KEPT, are looked up in the store, all of
        an event's at once."""
        unknown = []
        for message_id in message_ids:
            keep_latest(self._gone, message_id, None, SEEN_KEPT)  # an edit of it waiting is not answered
            posted = self._posted.pop(message_id, None)
            if posted is not None:  # answered already (and maybe still being stored)
                self._in_background(self._withdraw(message_id, posted), f"withdraw-{message_id}")
            elif message_id in self._sending:
                self._sending[message_id] = True
            else:
                unknown.append(message_id)
        if unknown and guild_id is not None:  # in a DM, only its asker saw the answer
            work = self._withdraw_stored(unknown, channel_id, guild_id)
            self._in_background(work, f"withdraw-{unknown[0]}")

    def _in_background(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run `work` beside the event loop's other work, keeping a reference until it is done."""
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._done_in_background)
        self.bot.finish_before_closing(task)  # a restart does not cut it off (a review)

    def _done_in_background(self, task: asyncio.Task[None]) -> None:
        """Forget a finished background task, logging what it raised."""
        self._background.discard(task)
        log_if_failed(task)

    async def _withdraw_stored(self, question_ids: Sequence[int], channel_id: int, guild_id: int) -> None:
        """`_withdraw` for questions whose answers are not in memory: where their replies went is read
        from the store. Nothing happens for messages that are no stored questions."""
        for question_id, (posted, more) in (
            await self._stored_postings(question_ids, channel_id, guild_id)
        ).items():
            await self._withdraw(question_id, posted, more)

    async def _stored_postings(
        self, question_ids: Sequence[int], channel_id: int, guild_id: int
    ) -> dict[int, tuple[Posted, tuple[int, ...]]]:
        """Where the answers to questions asked in a server (in channel `channel_id`) were posted, read from
        the store, with the replies to requests for more that went on from each; none on a store failure
        (logged)."""
        try:
            found = await asyncio.to_thread(self.bot.store.posted_replies, question_ids, channel_id)
        except Exception:
            log.exception("could not read the stored questions %s", list(question_ids[:5]))
            self.bot.metrics.error("recording")
            return {}
        return {
            question_id: (
                Posted(
                    place.channel_id,
                    place.reply_id,
                    place.own_thread,
                    place.question,
                    guild_id,
                    place.continues,
                ),
                place.more,
            )
            for question_id, place in found.items()
        }

    async def _withdraw(
        self,
        question_id: int,
        posted: Posted,
        more: Sequence[int] = (),
        renamed: str = WITHDRAWN_THREAD,
    ) -> None:
        """Take down the answer to a question deleted after it was posted: out of the store and of every
        conversation in its server that holds it (a reply to its answer by someone else starts one of
        its own), the answer deleted with the answers to "more please" that went on from it (their title
        is the question), and a thread opened for it renamed (not deleted: others may have gone on
        talking there) `renamed`. Failures are logged."""
        # Stored beside the reply: withdrawn once that write is done, however slow.
        await self.bot.unrecorded.wait(question_id, timeout=WITHDRAW_WAIT_SECONDS)
        # A request for more ("more please") is no question: the conversations keep their requests.
        holding = self.conversations.holding(posted.question) if posted.continues is None else []
        for channel_id in holding:
            guild = getattr(self.bot.get_channel(channel_id), "guild", None)
            if channel_id == posted.channel_id or (guild is not None and guild.id == posted.guild_id):
                self.conversations.withdraw(channel_id, posted.question)
        try:
            await asyncio.to_thread(self.bot.store.withdraw, str(question_id))
        except Exception:
            log.exception("could not delete the stored question %s", question_id)
            self.bot.metrics.error("recording")
        # Requests for more go on where the answer is, in its thread or channel, and after it (message ids
        # grow with time), as the store finds them after a restart.
        going_on = [
            self._posted.pop(other)
            for other, p in list(self._posted.items())
            if p.continues == posted.question and p.channel_id == posted.channel_id and other > question_id
        ]
        replies = [(p.channel_id, p.reply_id) for p in (posted, *going_on) if p.reply_id is not None]
        more_replies = [(posted.channel_id, m) for m in more]
        try:
            for channel_id, reply_id in dict.fromkeys([*replies, *more_replies]):
                channel = self.bot.get_partial_messageable(channel_id)
                await delete_quietly(channel.get_partial_message(reply_id))
            if posted.thread:
                thread = await self._own_thread(posted.channel_id)
                if thread is not None:
                    await _renamed(thread, renamed)
        except Exception as exc:  # Discord refused, or the connection is closing
            log.warning("could not take down the answer to deleted question %s (%r)", question_id, exc)

    async def _conversation(self, message: discord.Message) -> list[str]:
        """The conversation so far in a DM or the bot's thread. The first time a channel is met after a
        start, with nothing kept yet, it is read back from the store, as the conversation would have
        held it (`Store.latest_in`): in a DM the person's own latest question there; in a thread the
        latest one asked there publicly, by message or /ask, never a private /ask. So "more please" goes
        on across a restart."""
        return await self._conversation_in(message.channel.id, _dm_owner(message), _sent_at(message))

    async def _conversation_in(self, channel_id: int, owner: int | None, said: float) -> list[str]:
        """`_conversation` of a channel: a DM's with its person (`owner`), a thread's without; `said`,
        when the message to be read after it was sent."""
        history = self.conversations.history(channel_id)
        if history or not self.conversations.first_visit(channel_id):
            return history
        if owner is not None:
            latest = functools.partial(self.bot.store.latest_in, channel_id, ("dm", "slash"), owner)
        else:  # a public /ask there counts; a private one, which only its asker saw, never (`latest_in`)
            latest = functools.partial(self.bot.store.latest_in, channel_id, ("mention", "thread", "slash"))
        history = await self._stored_conversation(latest, f"the conversation in channel {channel_id}")
        if history is None:
            return []
        # Read back before this message was answered: as old as it, to a forget since.
        self.conversations.restart(channel_id, history, owner, said)
        return history

    async def _stored_conversation(
        self, read: Callable[[], StoredAnswer | None], what: str
    ) -> list[str] | None:
        """The conversation up to a stored answer (its history and question), read off the event loop;
        None when there is no such answer, or the store fails (which costs the context, never the reply)."""
        try:
            stored = await asyncio.to_thread(read)
        except Exception:
            log.exception("could not read %s", what)
            return None
        return [*stored.history, stored.question][-HISTORY_KEPT:] if stored is not None else None

    async def _replied_to(self, message: discord.Message) -> list[str] | None:
        """The conversation up to the answer a message replies to (its history and question), when the
        person may see it (`Store.answer_for`: the asker, or anyone for a public answer in this channel);
        None when the message replies to no such answer. The answer's id is its question's message id (a
        reply's reference; the first answer in a thread the bot opened is no reply, but the thread has its
        question's id), or its /ask interaction's id; an answer still being stored is waited for, briefly."""
        answer = self._replied_message(message)
        if answer is None:
            return None
        if answer.reference is not None:
            answer_id = answer.reference.message_id
        elif answer.interaction_metadata is not None:
            answer_id = answer.interaction_metadata.id
        elif isinstance(answer.channel, discord.Thread):
            answer_id = answer.channel.id
        else:
            return None
        if answer_id is None:
            return None
        await self.bot.unrecorded.wait(answer_id)  # a reply to an answer just posted
        read = functools.partial(
            self.bot.store.answer_for, str(answer_id), message.author.id, message.channel.id
        )
        return await self._stored_conversation(read, f"the answer {answer_id} replied to")

    async def _may_ask(self, message: discord.Message) -> bool:
        """Count the question against the person's cooldown; tell them once per window when over it."""
        wait = self.cooldowns.retry_after(message.author.id)
        if wait is None:
            return True
        self.bot.metrics.cooldown_hit()
        if message.guild is not None:  # no edits are followed in a DM
            wanted = self.wants(message)
            words = _as_asked(wanted[0]) if wanted is not None else ""
            keep_latest(self._refused, message.id, Refused(_words_key(words), None), SEEN_KEPT)
        # One notice per person per cooldown window: a flood of questions gets one reply, not a flood.
        if self.cooldowns.first_refusal(message.author.id):
            await reply_to(
                message,
                content=render_notice(
                    f"Please wait {seconds(wait)} s before asking again ({self.cooldowns.describe()})."
                ),
            )
        return False

    def _show_typing(self, channel: discord.abc.Messageable) -> None:
        """Show "typing…" without waiting for it: it is decoration, and its failure never blocks a reply."""

        async def typing() -> None:
            try:
                await channel.typing()
            except Exception as exc:  # any failure of decoration is only logged
                log.debug("typing indicator failed: %r", exc)

        task = asyncio.get_running_loop().create_task(typing())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _reply(self, answer_id: int, answer: Answer) -> dict:
        """What to send for an answer, by its kind: a line of text, a guide, or cited excerpts and buttons."""
        if answer.kind in PLAIN_KINDS:
            return {"content": render_plain(answer)}
        if answer.kind == Kind.HELP or (answer.kind == Kind.OVERVIEW and answer.continues is None):
            return {"embed": render_guide(answer, self.bot.settings.retention_days)}
        # Cited excerpts: an answer, or the next passages of one or of the article ("more" after a summary).
        return {"embed": render_answer(answer), "view": self._view(answer_id, answer)}


async def _tell_restarting(message: discord.Message, surface: str) -> None:
    """Tell someone who asked that the bot is restarting (not in an ask-channel, where people chat too)."""
    if surface != "channel":
        with contextlib.suppress(discord.HTTPException):
            await reply_to(message, content=RESTARTING)


def _log_failed_build(task: asyncio.Task[Suggester]) -> None:
    """Log a failed build of the questions to suggest (built at start, it may be awaited by no one)."""
    if task.cancelled() or task.exception() is None:
        return
    if isinstance(task.exception(), BatcherClosed):  # the bot closed as it started: nothing failed
        log.info("the questions to suggest were not chosen: the bot closed first")
    else:
        log.error("choosing the questions to suggest failed", exc_info=task.exception())


def _lock_of(locks: weakref.WeakValueDictionary[int, asyncio.Lock], key: int) -> asyncio.Lock:
    """The lock kept for `key`, made on first use (kept only while something holds or awaits it)."""
    lock = locks.get(key)
    if lock is None:
        lock = locks[key] = asyncio.Lock()
    return lock


def log_if_failed(task: asyncio.Task[None]) -> None:
    """Log what a finished background task raised (a failure is no silent one)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("%s failed", task.get_name(), exc_info=task.exception())


def keep_latest(latest: OrderedDict[int, T], key: int, value: T, most: int) -> None:
    """Note `key` (with `value`) as the latest of `latest`, which keeps only the `most` latest."""
    latest[key] = value
    while len(latest) > most:
        latest.popitem(last=False)


def _reads_as(text: str, question: str) -> bool:
    """Whether a message's text reads as the question it was answered (or refused) as: its words cleaned
    as asking cleans them ("" for none)."""
    return _as_asked(text) == question


def _as_asked(text: str) -> str:
    """A message's words as asking cleans them; "" when none is left."""
    try:
        asked = clean_question(text)
    except BadQuestion:
        return ""
    return asked.said or asked.text  # as an answer names its question (`Query.as_said`)


def channel_wants(answer: Answer, text: str) -> bool:
    """Whether a message in an ask-channel gets a reply. People chat there too, and nobody asked the bot:
    help and summaries do; a question when it looks like one, names something of the article
    (`Answer.named`: "what are the rules here?" did not) and the bot is sure the article answers it
    (`Answer.sure`); chatter, other languages and questions the article does not answer never ("anyone up
    for pizza tonight?", "did you guys see the game?")."""
    if answer.kind == Kind.HELP:  # ... unless it calls on the people there ("is anyone here?")
        return not calls_on_people(text)
    if answer.kind == Kind.OVERVIEW:
        return True
    return answer.kind == Kind.ANSWER and answer.sure and answer.named and looks_like_question(text)


# How many messages a person may have read in ask-channels for each question the cooldown lets them ask.
READS_PER_QUESTION = 4

# How many of the latest answers in servers are kept track of, for their question's deletion to take
# them down (each a few ids and the question, at most MAX_QUESTION_CHARS: under 5 MB in all).
POSTED_KEPT = 2_000
SEEN_KEPT = 10_000  # message ids remembered against a duplicate delivery (under 1 MB)
# How long the withdrawal of a deleted question waits for its answer's row to be written (a slow store).
WITHDRAW_WAIT_SECONDS = 120.0


@dataclass(frozen=True)
class Refused:
    """A question in a server the cooldown refused: a hash of its words as asking cleans them (enough to
    tell an edit of them; the words themselves are kept nowhere, for `forget` to miss), and the thread the
    bot had opened for it when it was an edit of a question answered there."""

    words_key: str
    thread_id: int | None


def _words_key(words: str) -> str:
    """A hash of a question's words, to compare them with none kept."""
    return hashlib.sha256(words.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Posted:
    """Where the answer to a question in a server was posted: its channel (a thread opened for it, when
    `thread`) and message, the question as the conversation there keeps it, and its server."""

    channel_id: int
    reply_id: int | None  # None: a question answered before its reply was kept in the store
    thread: bool
    question: str
    guild_id: int
    continues: str | None = None  # a request for more: the question it went on from (its reply's title)


async def delete_quietly(message: discord.Message | discord.PartialMessage | None) -> None:
    """Delete one of the bot's messages; a failure is only logged (a warning unless it was gone)."""
    if message is None:
        return
    try:
        await resent(message.delete)  # a 5xx is tried again: a deletion that fails for good leaves words up
    except discord.NotFound:
        log.info("message %s was gone already", message.id)
    except discord.HTTPException as exc:
        log.warning("could not delete message %s (%s)", message.id, exc.status)


async def take_down(
    thread: discord.Thread,
    posted: discord.Message | None,
    others_may_talk: bool = False,
    name: str = WITHDRAWN_THREAD,
) -> None:
    """Take down a thread opened for a question deleted meanwhile (or left empty, the answer given in
    place): delete it, or, without the permission to, delete the answer in it and rename it `name` and
    archive it (its creator may), so nothing repeats the question. A thread where `others_may_talk` (an
    edited question's, answered there again) is never deleted: the answer goes and the thread is renamed.
    Never raises: a failure is logged."""
    if others_may_talk:
        await delete_quietly(posted)
        await _renamed(thread, name)
        return
    try:
        await resent(thread.delete)
        return
    except discord.NotFound:
        return  # gone already (a try whose reply was lost deleted it)
    except discord.HTTPException as exc:
        log.info("could not delete thread %s (%s); emptying it instead", thread.id, exc.status)
    await delete_quietly(posted)
    try:
        await resent(lambda: thread.edit(name=name, archived=True))
    except discord.HTTPException as exc:
        log.warning("could not take down thread %s (%s)", thread.id, exc.status)


async def _renamed(thread: discord.Thread, name: str) -> None:
    """Rename a thread; an archived one is renamed only as it is unarchived, and is archived again. A
    thread of that name already is left as it is: Discord allows a channel two renames in ten minutes (a
    trial's third edit of one question waited out the limit to rename it to the name it had). Discord's
    failures on its side are tried again (`resent`). Never raises: a failure is logged."""
    if thread.name == name:
        return
    archived = thread.archived
    try:
        await resent(lambda: thread.edit(name=name, archived=False))
        if archived:
            await resent(lambda: thread.edit(archived=True))
    except Exception as exc:  # Discord refused, or the connection is closing
        log.warning("could not rename thread %s (%r)", thread.id, exc)


def thread_name(question: str) -> str:
    """A thread title from the question: one line, at most 100 characters (cut between words), never empty,
    shown as it reads (no bidirectional override reversing it, no invisible characters) and naming no one
    (`@everyone` and `<@&id>` are written out, not mentions: a title is seen by the whole channel)."""
    name = " ".join(escape_mentions(remove_invisible(replace_controls(hide_spoilers(question)))).split())
    name = name or "Question"
    return name if len(name) <= THREAD_NAME_MAX else cut_at_word(name, THREAD_NAME_MAX - 1) + "…"


async def setup(bot: MeetingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(AskCog(bot))


def _closed_to(author: discord.abc.User, place: object) -> bool:
    """Whether `place` is a locked thread the author may not post in (without Manage Threads there)."""
    if not isinstance(place, discord.Thread) or not place.locked:
        return False
    return not (isinstance(author, discord.Member) and place.permissions_for(author).manage_threads)


class ThreadUnreadable(Exception):
    """Discord could not say whether a thread is there (it failed, or the connection is closing)."""
