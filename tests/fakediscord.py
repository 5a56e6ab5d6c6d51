"""An in-process fake Discord (REST API + gateway) for end-to-end tests of discord.py bots."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime
import json
import logging
import re
import threading
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import BodyPartReader, WSMsgType, web

log = logging.getLogger(__name__)

JSON = dict[str, Any]
Snowflake = int | str
T = TypeVar("T")
Handler = Callable[["Request", "re.Match[str]"], Awaitable[web.StreamResponse]]

DISCORD_EPOCH_MS = 1420070400000

# Bit positions of the permissions the fake hands out; named so the defaults below stay readable.
_PERMISSION_BITS: dict[str, int] = {
    "create_instant_invite": 0,
    "add_reactions": 6,
    "view_channel": 10,
    "send_messages": 11,
    "manage_guild": 5,
    "manage_messages": 13,
    "embed_links": 14,
    "attach_files": 15,
    "read_message_history": 16,
    "use_external_emojis": 18,
    "connect": 20,
    "speak": 21,
    "change_nickname": 26,
    "use_application_commands": 31,
    "manage_threads": 34,
    "create_public_threads": 35,
    "create_private_threads": 36,
    "send_messages_in_threads": 38,
}


def permission_value(*names: str) -> int:
    """Return the permission bitfield for the given permission names."""
    return sum(1 << _PERMISSION_BITS[name] for name in names)


DEFAULT_EVERYONE_PERMISSIONS = permission_value(
    "create_instant_invite",
    "add_reactions",
    "view_channel",
    "send_messages",
    "embed_links",
    "attach_files",
    "read_message_history",
    "use_external_emojis",
    "connect",
    "speak",
    "change_nickname",
    "use_application_commands",
    "create_public_threads",
    "send_messages_in_threads",
)
DEFAULT_BOT_PERMISSIONS = DEFAULT_EVERYONE_PERMISSIONS | permission_value(
    "manage_messages", "manage_threads", "create_private_threads"
)

MESSAGE_FLAG_HAS_THREAD = 1 << 5
MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7

# Interaction callback types (https://discord.com/developers/docs/interactions/receiving-and-responding).
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
INTERACTION_AUTOCOMPLETE = 4  # APPLICATION_COMMAND_AUTOCOMPLETE
# An autocomplete result holds at most 25 choices, each name 1-100 characters and a string value at most
# 100 characters (https://discord.com/developers/docs/interactions/application-commands).
AUTOCOMPLETE_MAX_CHOICES = 25
CHOICE_MAX_CHARS = 100

_MENTION_RE = re.compile(r"<@!?(\d+)>")


def _now_iso() -> str:
    """Return the current UTC time as the ISO-8601 string Discord uses."""
    return datetime.datetime.now(datetime.UTC).isoformat()


def _sid(value: Snowflake) -> str:
    """Normalise a snowflake to the string form used in payloads."""
    return str(int(value))


def _json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Build a JSON response whose Content-Type is exactly application/json."""
    # discord.py compares the header for equality, so aiohttp's "; charset=utf-8" suffix would make it
    # treat every body as text (and fail at login); hence no web.json_response here.
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(status=status, body=json.dumps(data).encode(), headers=all_headers)


def _error(status: int, message: str, code: int = 0, **extra: Any) -> web.Response:
    """Build a Discord-style JSON error response."""
    return _json_response({"message": message, "code": code, **extra}, status=status)


def _autocomplete_problem(interaction_type: int, data: JSON) -> str | None:
    """Why Discord would refuse this autocomplete result, or None: only an autocomplete interaction takes
    one, with at most 25 choices of a 1-100 character name and a value (a string at most 100)."""
    if interaction_type != INTERACTION_AUTOCOMPLETE:
        return "an autocomplete result answers only an autocomplete interaction"
    choices = data.get("choices")
    if not isinstance(choices, list) or len(choices) > AUTOCOMPLETE_MAX_CHOICES:
        return f"choices must be a list of at most {AUTOCOMPLETE_MAX_CHOICES}"
    for choice in choices:
        name, value = choice.get("name"), choice.get("value")
        if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_MAX_CHARS:
            return f"a choice name must be 1-{CHOICE_MAX_CHARS} characters"
        if isinstance(value, str) and len(value) > CHOICE_MAX_CHARS:
            return f"a string choice value must be at most {CHOICE_MAX_CHARS} characters"
        if value is None:
            return "every choice needs a value"
    return None


def _no_content() -> web.Response:
    """Build an empty 204 response."""
    return web.Response(status=204)


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    field_name: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class Request:
    """One REST call the bot made, as the fake received and answered it."""

    method: str
    path: str  # without the /api/v10 prefix, e.g. /channels/1/messages
    query: dict[str, str]
    json: Any  # parsed JSON body, or the parsed payload_json part of a multipart body
    time: float  # time.monotonic() when the request arrived
    files: list[UploadedFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 0  # 0 until the fake has answered
    injected: bool = False  # answered by a fail_next() fault
    unknown: bool = False  # no route matched

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path} status={self.status} json={self.json!r}>"


class InteractionRef(NamedTuple):
    """Identifies an interaction the fake dispatched."""

    id: str
    token: str
    payload: JSON


@dataclass
class _Fault:
    """A pending injected failure."""

    method: str | None
    pattern: re.Pattern[str]
    status: int
    remaining: int
    retry_after: float
    code: int
    message: str | None
    is_global: bool
    after: bool = False  # the request is carried out, and then answered with the failure (a lost reply)


@dataclass
class _InteractionState:
    """Server-side bookkeeping for one dispatched interaction."""

    payload: JSON
    dispatched_at: float
    response_type: int | None = None
    original_message_id: str | None = None
    loading: bool = False  # a type-5 defer whose "thinking" message has not been replaced yet
    followup_ids: list[str] = field(default_factory=list)
    choices: list[JSON] | None = None  # what an autocomplete result (type 8) offered


class _Connection:
    """One gateway websocket, with optional zlib-stream transport compression."""

    def __init__(self, ws: web.WebSocketResponse, path: str, query: dict[str, str], compress: bool) -> None:
        self.ws = ws
        self.path = path
        self.query = query
        # One compressor per connection: zlib-stream is a single deflate stream for the socket's lifetime.
        self._zlib = zlib.compressobj() if compress else None
        # Serialises sends so compressed chunks reach the client in the order they were compressed.
        self._lock = asyncio.Lock()

    async def send(self, payload: JSON) -> bool:
        """Send one gateway payload; return False if the socket is already gone."""
        raw = json.dumps(payload)
        async with self._lock:
            if self.ws.closed:
                return False
            try:
                if self._zlib is not None:
                    data = self._zlib.compress(raw.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                else:
                    await self.ws.send_str(raw)
            except (ConnectionError, RuntimeError):
                return False
        return True


@dataclass
class _Session:
    """A gateway session that survives reconnects until invalidated."""

    session_id: str
    seq: int = 0
    events: list[JSON] = field(default_factory=list)  # every dispatch, kept so RESUME can replay them
    conn: _Connection | None = None


class FakeDiscord:
    """A fake Discord REST API and gateway served by aiohttp on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_name: str = "fakebot",
        user_name: str = "tester",
        owner_name: str = "owner",
        guild_name: str = "Fake Guild",
        channel_name: str = "general",
        heartbeat_interval: float = 41.25,
        interaction_deadline: float = 3.0,
        echo_bot_messages: bool = True,
        transport_compression: bool = True,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
    ) -> None:
        self.token = token  # None accepts any token
        self.heartbeat_interval = heartbeat_interval
        self.interaction_deadline = interaction_deadline
        self.echo_bot_messages = echo_bot_messages
        self.transport_compression = transport_compression
        self.everyone_permissions = everyone_permissions
        self.bot_permissions = bot_permissions

        self._last_snowflake = 0
        self.users: dict[str, JSON] = {}
        self.members: dict[str, JSON] = {}  # guild members by user id, without the "user" key
        self.channels: dict[str, JSON] = {}
        self.messages: dict[str, JSON] = {}
        self.attachments: dict[str, bytes] = {}
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[str, list[JSON]] = {}
        self.reactions: list[tuple[str, str, str, str]] = []  # (method, message_id, emoji, user)

        self.bot_id = int(self._snowflake())
        self.app_id = self.bot_id
        self.owner_id = int(self._snowflake())
        self.user_id = int(self._snowflake())
        self.guild_id = int(self._snowflake())
        self.channel_id = int(self._snowflake())
        self.everyone_role_id = self.guild_id  # Discord gives @everyone the guild's id
        self.bot_role_id = int(self._snowflake())
        self.guild_name = guild_name

        self.bot_user = self._add_user(self.bot_id, bot_name, bot=True, roles=[str(self.bot_role_id)])
        self.owner_user = self._add_user(self.owner_id, owner_name)
        self.human_user = self._add_user(self.user_id, user_name)
        self.channels[_sid(self.channel_id)] = self._text_channel_payload(self.channel_id, channel_name, 0)

        self.requests: list[Request] = []
        self.identify_payloads: list[JSON] = []
        self.gateway_bot_url: str | None = None  # what GET /gateway/bot names (default: this gateway)
        self.presence_updates: list[JSON] = []
        self.heartbeats: list[float] = []
        self.gateway_connections: list[tuple[str, dict[str, str]]] = []
        self.close_codes: list[int | None] = []
        self.identify_count = 0
        self.resume_count = 0
        self.invalid_resumes = 0

        self._faults: list[_Fault] = []
        # Run before the fake answers a matching request (`before_request`): a test acts "meanwhile".
        self._before: list[tuple[str, re.Pattern[str], Callable[[], Awaitable[None]]]] = []
        # While set and not yet released, IDENTIFY waits before READY (Discord can take a while to
        # send READY): a test sees the bot logged in over REST but not yet connected to the gateway.
        self.identify_gate: asyncio.Event | None = None
        self._interactions: dict[str, _InteractionState] = {}
        self._dm_channels: dict[str, str] = {}  # user id -> DM channel id
        self._session: _Session | None = None
        self._connections: set[_Connection] = set()
        self._dispatch_lock: asyncio.Lock | None = None
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes = self._build_routes()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        self._dispatch_lock = asyncio.Lock()
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway-resume", self._gateway)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment)
        app.router.add_route("*", r"/api/v{version:\d+}/{tail:.*}", self._rest)
        # A short shutdown timeout keeps stop() fast even if a client leaves a request hanging.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.debug("fake discord listening on %s", self.port)

    async def stop(self) -> None:
        """Close every gateway socket and stop the server."""
        for conn in list(self._connections):
            # 1001 "going away": a client still running would try to reconnect, as with Discord.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=1001), timeout=2)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """Base URL to assign to discord.http.Route.BASE."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Gateway URL to assign to DiscordWebSocket.DEFAULT_GATEWAY."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """URL sent as resume_gateway_url in READY; distinct path so tests can see the client used it."""
        return f"ws://127.0.0.1:{self.port}/gateway-resume"

    # ------------------------------------------------------------------ ids and payload builders

    def _snowflake(self) -> str:
        """Return a new, strictly increasing snowflake whose timestamp is now."""
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        # Several ids per millisecond must still be unique and ordered.
        candidate = max(candidate, self._last_snowflake + 1)
        self._last_snowflake = candidate
        return str(candidate)

    def _add_user(
        self, user_id: Snowflake, name: str, *, bot: bool = False, roles: list[str] | None = None
    ) -> JSON:
        """Register a user who is also a member of the guild."""
        user: JSON = {
            "id": _sid(user_id),
            "username": name,
            "global_name": None if bot else name.title(),
            "discriminator": "0",
            "avatar": None,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "public_flags": 0,
            "flags": 0,
        }
        if bot:
            user["bot"] = True
        self.users[user["id"]] = user
        self.members[user["id"]] = {
            "roles": roles or [],
            "nick": None,
            "avatar": None,
            "banner": None,
            "joined_at": _now_iso(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,  # discord.py reads member flags unconditionally
            "communication_disabled_until": None,
        }
        return user

    def add_user(self, name: str, *, bot: bool = False) -> int:
        """Create another guild member and return its id."""
        user_id = int(self._snowflake())
        self._add_user(user_id, name, bot=bot)
        return user_id

    def add_channel(self, name: str, channel_type: int = 0) -> int:
        """Create another guild channel (sent in the next GUILD_CREATE) and return its id."""
        channel_id = int(self._snowflake())
        self.channels[_sid(channel_id)] = self._text_channel_payload(channel_id, name, len(self.channels))
        self.channels[_sid(channel_id)]["type"] = channel_type
        return channel_id

    def _text_channel_payload(self, channel_id: Snowflake, name: str, position: int) -> JSON:
        """Build a guild text channel object."""
        return {
            "id": _sid(channel_id),
            "type": 0,
            "guild_id": _sid(self.guild_id),
            "name": name,
            "position": position,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "default_auto_archive_duration": 1440,
            "flags": 0,
        }

    def _user(self, who: Snowflake | JSON | None) -> JSON:
        """Resolve a user id / payload / None (the human tester) to a user payload."""
        if who is None:
            return self.human_user
        if isinstance(who, dict):
            self.users.setdefault(who["id"], who)
            return who
        try:
            return self.users[_sid(who)]
        except KeyError:
            raise KeyError(f"unknown user {who}; create it with add_user()") from None

    def member_payload(self, user_id: Snowflake, *, with_user: bool = True) -> JSON:
        """Return the guild member object of a user."""
        member = copy.deepcopy(self.members[_sid(user_id)])
        if with_user:
            member["user"] = copy.deepcopy(self.users[_sid(user_id)])
        return member

    def _role(self, role_id: int, name: str, permissions: int, position: int, managed: bool) -> JSON:
        """Build a role object."""
        role: JSON = {
            "id": _sid(role_id),
            "name": name,
            "color": 0,
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": managed,
            "mentionable": False,
            "flags": 0,
        }
        if managed:
            role["tags"] = {"bot_id": _sid(self.bot_id)}
        return role

    def guild_payload(self) -> JSON:
        """Return the full GUILD_CREATE payload of the fake guild."""
        guild_channels = [
            c for c in self.channels.values() if c.get("guild_id") and c["type"] not in (10, 11, 12)
        ]
        threads = [c for c in self.channels.values() if c["type"] in (10, 11, 12)]
        return {
            "id": _sid(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": _sid(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": _sid(self.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "features": [],
            "roles": [
                self._role(self.everyone_role_id, "@everyone", self.everyone_permissions, 0, False),
                self._role(self.bot_role_id, "fakebot", self.bot_permissions, 1, True),
            ],
            "emojis": [],
            "stickers": [],
            "soundboard_sounds": [],
            "joined_at": self.members[_sid(self.bot_id)]["joined_at"],
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": [self.member_payload(uid) for uid in self.members],
            "channels": copy.deepcopy(guild_channels),
            "threads": copy.deepcopy(threads),
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        }

    def dm_channel(self, user_id: Snowflake) -> JSON:
        """Return (creating once) the DM channel between the bot and a user."""
        uid = _sid(user_id)
        if uid not in self._dm_channels:
            channel_id = self._snowflake()
            self.channels[channel_id] = {
                "id": channel_id,
                "type": 1,
                "recipients": [copy.deepcopy(self._user(uid))],
                "last_message_id": None,
                "flags": 0,
            }
            self._dm_channels[uid] = channel_id
        return self.channels[self._dm_channels[uid]]

    def _attachments_from_files(self, channel_id: str, files: list[UploadedFile], body: JSON) -> list[JSON]:
        """Turn uploaded files into attachment objects, serving their bytes under /attachments."""
        described = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
        result = []
        for index, upload in enumerate(files):
            attachment_id = self._snowflake()
            self.attachments[attachment_id] = upload.data
            url = f"http://127.0.0.1:{self.port}/attachments/{channel_id}/{attachment_id}/{upload.filename}"
            meta = described.get(str(index), {})
            attachment: JSON = {
                "id": attachment_id,
                "filename": upload.filename,
                "size": len(upload.data),
                "url": url,
                "proxy_url": url,
                "content_type": upload.content_type,
            }
            if meta.get("description"):
                attachment["description"] = meta["description"]
            result.append(attachment)
        return result

    def _mentions_in(self, content: str, guild_id: str | None) -> list[JSON]:
        """Resolve <@id> mentions of known users in content to mention objects."""
        seen: list[JSON] = []
        for user_id in _MENTION_RE.findall(content or ""):
            if user_id in self.users and all(u["id"] != user_id for u in seen):
                seen.append(self._mention_object(user_id, guild_id))
        return seen

    def _mention_object(self, user_id: Snowflake, guild_id: str | None) -> JSON:
        """Build one entry of a message's mentions array (user plus partial member in guilds)."""
        mention = copy.deepcopy(self._user(user_id))
        if guild_id and mention["id"] in self.members:
            mention["member"] = self.member_payload(mention["id"], with_user=False)
        return mention

    def _build_message(
        self,
        *,
        channel_id: str,
        author: JSON,
        content: str = "",
        embeds: list[JSON] | None = None,
        components: list[JSON] | None = None,
        attachments: list[JSON] | None = None,
        mentions: list[JSON] | None = None,
        mention_roles: list[str] | None = None,
        reference: JSON | None = None,
        message_type: int = 0,
        flags: int = 0,
        webhook_id: str | None = None,
        interaction_metadata: JSON | None = None,
        nonce: Any = None,
        tts: bool = False,
    ) -> JSON:
        """Create, store and return a full message object."""
        channel = self.channels[channel_id]
        guild_id = channel.get("guild_id")
        message: JSON = {
            "id": self._snowflake(),
            "channel_id": channel_id,
            "author": copy.deepcopy(author),
            "content": content or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": tts,
            "mention_everyone": "@everyone" in (content or ""),
            "mentions": mentions or [],
            "mention_roles": mention_roles or [],
            "attachments": attachments or [],
            "embeds": embeds or [],
            "components": components or [],
            "pinned": False,
            "type": message_type,
            "flags": flags,
        }
        if guild_id:
            message["guild_id"] = guild_id
            if webhook_id is None and author["id"] in self.members:
                message["member"] = self.member_payload(author["id"], with_user=False)
        if webhook_id is not None:
            message["webhook_id"] = webhook_id
            message["application_id"] = _sid(self.app_id)
        if interaction_metadata is not None:
            message["interaction_metadata"] = interaction_metadata
        if nonce is not None:
            message["nonce"] = nonce
        if reference is not None:
            message["message_reference"] = reference
            referenced = self.messages.get(str(reference.get("message_id")))
            if referenced is not None:
                nested = copy.deepcopy(referenced)
                # Discord nests only one level of referenced_message.
                nested.pop("referenced_message", None)
                message["referenced_message"] = nested
            else:
                message["referenced_message"] = None
        self.messages[message["id"]] = message
        channel["last_message_id"] = message["id"]
        return message

    def _apply_edit(self, message: JSON, body: JSON, files: list[UploadedFile]) -> None:
        """Apply an edit payload (content/embeds/components/attachments/flags) to a stored message."""
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "attachments" in body or files:
            keep_ids = {str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, dict)}
            kept = [a for a in message["attachments"] if a["id"] in keep_ids]
            message["attachments"] = kept + self._attachments_from_files(message["channel_id"], files, body)
        if "flags" in body and body["flags"] is not None:
            # Only SUPPRESS_EMBEDS (1 << 2) is editable; the other flags are Discord's to keep.
            message["flags"] = (message["flags"] & ~4) | (int(body["flags"]) & 4)
        message["edited_timestamp"] = _now_iso()

    def bot_messages(self, channel_id: Snowflake | None = None) -> list[JSON]:
        """Messages authored by the bot (optionally in one channel), oldest first."""
        return [
            m
            for m in self.messages.values()
            if m["author"]["id"] == _sid(self.bot_id)
            and (channel_id is None or m["channel_id"] == _sid(channel_id))
        ]

    # ------------------------------------------------------------------ waiting helpers

    async def _notify(self) -> None:
        """Wake every waiter so it re-checks its predicate."""
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    async def _wait_until(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        """Wait until predicate() returns something truthy and return it."""
        assert self._changed is not None, "FakeDiscord.start() was not called"
        async with self._changed:
            try:
                return await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                recent = "\n  ".join(repr(r) for r in self.requests[-10:])
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}; recent requests:\n  {recent}"
                ) from None

    async def wait_for_request(
        self, predicate: Callable[[Request], bool], timeout: float = 5.0, start: int = 0
    ) -> Request:
        """Return the first answered request from index `start` matching predicate, waiting if needed."""

        def find() -> Request | None:
            return next((r for r in self.requests[start:] if r.status and predicate(r)), None)

        return await self._wait_until(find, timeout, "a matching request")

    def find_requests(self, method: str | None = None, path_regex: str | None = None) -> list[Request]:
        """Recorded requests filtered by method and a regex searched in the path."""
        pattern = re.compile(path_regex) if path_regex else None
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and (pattern is None or pattern.search(r.path))
        ]

    @property
    def unknown_requests(self) -> list[Request]:
        """Requests that matched no route (answered with 404 code 0)."""
        return [r for r in self.requests if r.unknown]

    async def wait_ready(self, timeout: float = 5.0) -> JSON:
        """Wait until the client has IDENTIFYed (READY + GUILD_CREATE sent) and return the IDENTIFY data."""
        return await self._wait_until(
            lambda: self.identify_payloads[-1] if self.identify_payloads and self._session else None,
            timeout,
            "IDENTIFY",
        )

    async def wait_resumed(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until the client has RESUMEd at least count times."""
        await self._wait_until(lambda: self.resume_count >= count, timeout, f"{count} RESUME(s)")

    async def wait_identified(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until the client has IDENTIFYed at least count times."""
        await self._wait_until(lambda: self.identify_count >= count, timeout, f"{count} IDENTIFY(s)")

    @property
    def intents(self) -> int | None:
        """Intents value of the latest IDENTIFY (the fake does not enforce them)."""
        return self.identify_payloads[-1].get("intents") if self.identify_payloads else None

    @property
    def connected(self) -> bool:
        """Whether a gateway session currently has a live socket."""
        return self._session is not None and self._session.conn is not None

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str | None,
        path_regex: str,
        status: int,
        times: int = 1,
        retry_after: float = 0.3,
        *,
        code: int = 0,
        message: str | None = None,
        is_global: bool = False,
        after: bool = False,
    ) -> None:
        """Answer the next `times` requests matching method (None = any) and path regex with `status`;
        with `after`, each is carried out first (Discord made the message, and its answer was lost)."""
        self._faults.append(
            _Fault(
                method.upper() if method else None,
                re.compile(path_regex),
                status,
                times,
                retry_after,
                code,
                message,
                is_global,
                after,
            )
        )

    def before_request(self, method: str, path_regex: str, act: Callable[[], Awaitable[None]]) -> None:
        """Run `act` once, before answering the next request matching method and path regex: what a person
        does while the bot's request is on its way (e.g. deletes the question as its thread opens)."""
        self._before.append((method.upper(), re.compile(path_regex), act))

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        """Consume and return the first fault matching this request, if any."""
        for fault in self._faults:
            if (fault.method is None or fault.method == method) and fault.pattern.search(path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    @staticmethod
    def _fault_response(fault: _Fault) -> web.Response:
        """Build the response for an injected fault."""
        if fault.status == 429:
            body = {
                "message": fault.message or "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": fault.is_global,
            }
            headers = {
                # Without Via discord.py assumes a Cloudflare ban and does not retry.
                "Via": "1.1 google",
                "Retry-After": str(max(1, int(fault.retry_after + 0.999))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                "X-RateLimit-Scope": "global" if fault.is_global else "user",
            }
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            return _json_response(body, status=429, headers=headers)
        reason = fault.message or {500: "500: Internal Server Error", 502: "502: Bad Gateway"}.get(
            fault.status, f"{fault.status}: injected failure"
        )
        return _error(fault.status, reason, fault.code)

    # ------------------------------------------------------------------ REST plumbing

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        """Return the (method, path regex, handler) table of supported endpoints."""
        cid = r"/channels/(?P<channel_id>\d+)"
        mid = cid + r"/messages/(?P<message_id>\d+)"
        hook = r"/webhooks/(?P<app_id>\d+)/(?P<token>[^/]+)"
        app = r"/applications/(?P<app_id>\d+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway_bot),
            ("GET", r"(?:/oauth2)?/applications/@me", self._get_application),
            ("GET", r"/users/(?P<user_id>\d+)", self._get_user),
            ("POST", r"/users/@me/channels", self._create_dm),
            ("GET", r"/guilds/(?P<guild_id>\d+)", self._get_guild),
            ("GET", r"/guilds/(?P<guild_id>\d+)/channels", self._get_guild_channels),
            ("GET", r"/guilds/(?P<guild_id>\d+)/members/(?P<user_id>\d+)", self._get_member),
            ("GET", cid, self._get_channel),
            ("PATCH", cid, self._edit_thread),
            ("DELETE", cid, self._delete_thread),
            ("GET", cid + r"/messages", self._list_messages),
            ("POST", cid + r"/messages", self._create_message),
            ("GET", mid, self._get_message),
            ("PATCH", mid, self._edit_message),
            ("DELETE", mid, self._delete_message),
            ("POST", cid + r"/typing", self._typing),
            ("PUT", mid + r"/reactions/(?P<emoji>[^/]+)/@me", self._reaction),
            ("DELETE", mid + r"/reactions/(?P<emoji>[^/]+)/(?P<user>@me|\d+)", self._reaction),
            ("DELETE", mid + r"/reactions(?:/(?P<emoji>[^/]+))?", self._reaction),
            ("POST", mid + r"/threads", self._thread_from_message),
            ("POST", cid + r"/threads", self._thread_without_message),
            ("PUT", cid + r"/thread-members/(?P<user>@me|\d+)", self._typing),
            ("DELETE", cid + r"/thread-members/(?P<user>@me|\d+)", self._typing),
            (
                "POST",
                r"/interactions/(?P<interaction_id>\d+)/(?P<token>[^/]+)/callback",
                self._interaction_callback,
            ),
            ("POST", hook, self._followup),
            ("GET", hook + r"/messages/(?P<message_id>@original|\d+)", self._webhook_message),
            ("PATCH", hook + r"/messages/(?P<message_id>@original|\d+)", self._webhook_message),
            ("DELETE", hook + r"/messages/(?P<message_id>@original|\d+)", self._webhook_message),
            ("GET", app + r"/commands", self._get_commands),
            ("PUT", app + r"/commands", self._put_commands),
            ("POST", app + r"/commands", self._post_command),
            ("GET", app + r"/guilds/(?P<guild_id>\d+)/commands", self._get_commands),
            ("PUT", app + r"/guilds/(?P<guild_id>\d+)/commands", self._put_commands),
            ("POST", app + r"/guilds/(?P<guild_id>\d+)/commands", self._post_command),
        ]
        return [(method, re.compile(pattern), handler) for method, pattern, handler in table]

    async def _parse_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        """Parse a JSON or multipart (payload_json + files[n]) request body."""
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            files: list[UploadedFile] = []
            reader = await request.multipart()
            async for part in reader:
                # discord.py never nests multipart bodies, so nested readers can be skipped.
                if not isinstance(part, BodyPartReader):
                    continue
                data = bytes(await part.read(decode=False))
                if part.name == "payload_json":
                    payload = json.loads(data)
                else:
                    files.append(
                        UploadedFile(
                            part.name or "", part.filename or "", part.headers.get("Content-Type"), data
                        )
                    )
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        """Record a REST call, apply faults and auth, and route it."""
        path = "/" + request.match_info["tail"]
        body, files = await self._parse_body(request)
        record = Request(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            time=time.monotonic(),
            files=files,
            headers=dict(request.headers),
        )
        self.requests.append(record)
        try:
            response = await self._answer(request, record)
        except Exception:
            log.exception("fake discord handler crashed for %s %s", record.method, path)
            response = _error(500, "500: fake handler crashed")
        record.status = response.status
        await self._notify()
        return response

    async def _answer(self, request: web.Request, record: Request) -> web.StreamResponse:
        """Compute the response for one recorded request."""
        for hook in self._before:
            if hook[0] == record.method and hook[1].search(record.path):
                self._before.remove(hook)
                await hook[2]()
                break
        fault = self._take_fault(record.method, record.path)
        if fault is not None and not fault.after:
            record.injected = True
            return self._fault_response(fault)
        # Interaction callbacks and webhooks are authorised by their token, not the bot token.
        needs_auth = (
            not record.path.startswith(("/interactions/", "/webhooks/")) and record.path != "/gateway"
        )
        if (
            needs_auth
            and self.token is not None
            and request.headers.get("Authorization") != f"Bot {self.token}"
        ):
            return _error(401, "401: Unauthorized")
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(record.path)
            if match and method == record.method:
                response = await handler(record, match)
                if fault is not None:  # carried out, and the answer lost on the way back
                    record.injected = True
                    return self._fault_response(fault)
                return response
        record.unknown = True
        log.warning("fake discord: unknown route %s %s", record.method, record.path)
        return _error(404, "Unknown", 0)

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        """Serve the bytes of an uploaded attachment."""
        data = self.attachments.get(request.match_info["attachment_id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, headers={"Content-Type": "application/octet-stream"})

    # ------------------------------------------------------------------ REST handlers

    async def _get_me(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /users/@me: the bot user (used by login)."""
        return _json_response(
            {**self.bot_user, "verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"}
        )

    async def _get_gateway(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /gateway."""
        return _json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /gateway/bot (used by AutoShardedClient): `gateway_bot_url` when a test sets one."""
        return _json_response(
            {
                "url": self.gateway_bot_url or self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14400000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_application(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /applications/@me: application info (app id, owner)."""
        return _json_response(
            {
                "id": _sid(self.app_id),
                "name": self.bot_user["username"],
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 0,
                "owner": copy.deepcopy(self.owner_user),
                "team": None,
                "bot": copy.deepcopy(self.bot_user),
                "rpc_origins": [],
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "approximate_guild_count": 1,
            }
        )

    async def _get_user(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /users/{id}."""
        user = self.users.get(m["user_id"])
        return _json_response(user) if user else _error(404, "Unknown User", 10013)

    async def _create_dm(self, req: Request, m: re.Match[str]) -> web.Response:
        """POST /users/@me/channels: open a DM with a known user."""
        recipient = str((req.json or {}).get("recipient_id"))
        if recipient not in self.users:
            return _error(400, "Invalid Recipient(s)", 50033)
        return _json_response(self.dm_channel(recipient))

    async def _get_guild(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /guilds/{id}."""
        if m["guild_id"] != _sid(self.guild_id):
            return _error(404, "Unknown Guild", 10004)
        guild = self.guild_payload()
        for key in (
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
            "member_count",
        ):
            guild.pop(key, None)
        return _json_response(guild)

    async def _get_guild_channels(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /guilds/{id}/channels."""
        return _json_response(self.guild_payload()["channels"])

    async def _get_member(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /guilds/{gid}/members/{uid}."""
        if m["user_id"] not in self.members:
            return _error(404, "Unknown Member", 10007)
        return _json_response(self.member_payload(m["user_id"]))

    async def _get_channel(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /channels/{id}."""
        channel = self.channels.get(m["channel_id"])
        return _json_response(channel) if channel else _error(404, "Unknown Channel", 10003)

    async def _edit_thread(self, req: Request, m: re.Match[str]) -> web.Response:
        """PATCH /channels/{id} for a thread: name, archived, locked (its creator may; others need
        MANAGE_THREADS). Other channels are not edited here."""
        thread = self.channels.get(m["channel_id"])
        if thread is None or thread["type"] not in (10, 11, 12):
            return _error(404, "Unknown Channel", 10003)
        manages = self.bot_permissions & permission_value("manage_threads")
        if thread["owner_id"] != _sid(self.bot_id) and not manages:
            return _error(403, "Missing Permissions", 50013)
        body: JSON = req.json or {}
        if "name" in body:
            thread["name"] = body["name"]
        for key in ("archived", "locked"):
            if key in body:
                thread["thread_metadata"][key] = bool(body[key])
        started_on = self.messages.get(m["channel_id"])  # a thread opened on a message has its id
        if started_on is not None and "thread" in started_on:  # the message carries the thread as it is now
            started_on["thread"] = copy.deepcopy(thread)
        await self._echo("THREAD_UPDATE", thread, ephemeral=False)
        return _json_response(thread)

    async def _delete_thread(self, req: Request, m: re.Match[str]) -> web.Response:
        """DELETE /channels/{id} for a thread: needs MANAGE_THREADS, even for its creator."""
        thread = self.channels.get(m["channel_id"])
        if thread is None or thread["type"] not in (10, 11, 12):
            return _error(404, "Unknown Channel", 10003)
        if not self.bot_permissions & permission_value("manage_threads"):
            return _error(403, "Missing Permissions", 50013)
        del self.channels[m["channel_id"]]
        for mid in [k for k, msg in self.messages.items() if msg["channel_id"] == m["channel_id"]]:
            del self.messages[mid]
        gone = {k: thread[k] for k in ("id", "guild_id", "parent_id", "type")}
        await self._echo("THREAD_DELETE", gone, ephemeral=False)
        return _json_response(thread)

    async def edit_message(self, message_id: Snowflake, content: str | None = None) -> JSON:
        """A person edits a message: new words and an edited time, and MESSAGE_UPDATE is dispatched with the
        whole message, as Discord sends it. Without `content`, the words stay and no edited time is set
        (Discord's update as a link's preview loads)."""
        message = self.messages[_sid(message_id)]
        if content is not None:
            message["content"] = content
            message["edited_timestamp"] = _now_iso()
            message["mentions"] = self._mentions_in(content, message.get("guild_id"))
        else:
            message["embeds"] = [{"type": "link", "url": "https://example.com", "title": "a preview"}]
        await self.dispatch("MESSAGE_UPDATE", copy.deepcopy(message))
        return message

    async def delete_message(self, message_id: Snowflake) -> None:
        """A person deletes a message: gone from the channel, and MESSAGE_DELETE is dispatched."""
        message = self.messages.pop(_sid(message_id))
        event: JSON = {"id": message["id"], "channel_id": message["channel_id"]}
        if "guild_id" in message:
            event["guild_id"] = message["guild_id"]
        await self.dispatch("MESSAGE_DELETE", event)

    async def _list_messages(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /channels/{id}/messages: newest first, honouring limit."""
        if m["channel_id"] not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        limit = int(req.query.get("limit", 50))
        found = [msg for msg in self.messages.values() if msg["channel_id"] == m["channel_id"]]
        return _json_response(list(reversed(found))[:limit])

    async def _create_message(self, req: Request, m: re.Match[str]) -> web.Response:
        """POST /channels/{id}/messages: the bot sends a message (or reply)."""
        channel_id = m["channel_id"]
        if channel_id not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        body: JSON = req.json or {}
        if (
            not any(body.get(k) for k in ("content", "embeds", "components", "sticker_ids", "poll"))
            and not req.files
        ):
            return _error(400, "Cannot send an empty message", 50006)
        reference = body.get("message_reference")
        message_type = 0
        if reference:
            referenced_id = str(reference.get("message_id"))
            if referenced_id not in self.messages and reference.get("fail_if_not_exists", True):
                # This is the error Discord gives for replies to deleted/unknown messages.
                return _error(
                    400,
                    "Invalid Form Body",
                    50035,
                    errors={
                        "message_reference": {
                            "_errors": [
                                {"code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "message": "Unknown message"}
                            ]
                        }
                    },
                )
            # discord.py sends ids as ints; Discord echoes them back as strings.
            reference = {"type": 0, "channel_id": channel_id, **reference, "message_id": referenced_id}
            reference["channel_id"] = str(reference["channel_id"])
            if self.channels[channel_id].get("guild_id"):
                reference["guild_id"] = str(
                    reference.get("guild_id") or self.channels[channel_id]["guild_id"]
                )
            message_type = 19 if referenced_id in self.messages else 0
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            # Discord: a message the same author sent with this nonce a little earlier is returned, and
            # no new one made (so a send tried again after a lost reply posts once).
            nonce = str(body["nonce"])
            for earlier in self.messages.values():
                sent_by_bot = earlier["author"]["id"] == _sid(self.bot_id)
                if sent_by_bot and earlier["channel_id"] == channel_id and str(earlier.get("nonce")) == nonce:
                    return _json_response(earlier)
        message = self._build_message(
            channel_id=channel_id,
            author=self.bot_user,
            content=body.get("content") or "",
            embeds=body.get("embeds"),
            components=body.get("components"),
            attachments=self._attachments_from_files(channel_id, req.files, body),
            reference=reference or None,
            message_type=message_type,
            flags=int(body.get("flags") or 0),
            nonce=body.get("nonce"),
            tts=bool(body.get("tts")),
        )
        await self._echo("MESSAGE_CREATE", message)
        return _json_response(message)

    async def _get_message(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET /channels/{cid}/messages/{mid}."""
        message = self.messages.get(m["message_id"])
        if message is None or message["channel_id"] != m["channel_id"]:
            return _error(404, "Unknown Message", 10008)
        return _json_response(message)

    async def _edit_message(self, req: Request, m: re.Match[str]) -> web.Response:
        """PATCH /channels/{cid}/messages/{mid}: only the bot's own messages."""
        message = self.messages.get(m["message_id"])
        if message is None or message["channel_id"] != m["channel_id"]:
            return _error(404, "Unknown Message", 10008)
        if message["author"]["id"] != _sid(self.bot_id):
            return _error(403, "Cannot edit a message authored by another user", 50005)
        self._apply_edit(message, req.json or {}, req.files)
        await self._echo("MESSAGE_UPDATE", message)
        return _json_response(message)

    async def _delete_message(self, req: Request, m: re.Match[str]) -> web.Response:
        """DELETE /channels/{cid}/messages/{mid}."""
        message = self.messages.pop(m["message_id"], None)
        if message is None:
            return _error(404, "Unknown Message", 10008)
        event: JSON = {"id": message["id"], "channel_id": message["channel_id"]}
        if "guild_id" in message:
            event["guild_id"] = message["guild_id"]
        await self._echo("MESSAGE_DELETE", event, ephemeral=False)
        return _no_content()

    async def _typing(self, req: Request, m: re.Match[str]) -> web.Response:
        """POST typing / thread-member joins: acknowledged with 204."""
        if m["channel_id"] not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        return _no_content()

    async def _reaction(self, req: Request, m: re.Match[str]) -> web.Response:
        """PUT/DELETE reactions: recorded in .reactions and acknowledged with 204."""
        if m["message_id"] not in self.messages:
            return _error(404, "Unknown Message", 10008)
        who = m.groupdict().get("user") or "@me"
        self.reactions.append((req.method, m["message_id"], m.groupdict().get("emoji") or "", who))
        return _no_content()

    def _thread_payload(self, parent_id: str, thread_id: str, body: JSON, thread_type: int) -> JSON:
        """Build and store a thread channel object."""
        now = _now_iso()
        thread: JSON = {
            "id": thread_id,
            "guild_id": _sid(self.guild_id),
            "parent_id": parent_id,
            "owner_id": _sid(self.bot_id),
            "name": body.get("name") or "thread",
            "type": thread_type,
            "last_message_id": None,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "rate_limit_per_user": int(body.get("rate_limit_per_user") or 0),
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": int(body.get("auto_archive_duration") or 1440),
                "archive_timestamp": now,
                "locked": False,
                "create_timestamp": now,
                "invitable": bool(body.get("invitable", True)),
            },
            "member": {"id": thread_id, "user_id": _sid(self.bot_id), "join_timestamp": now, "flags": 0},
        }
        self.channels[thread_id] = thread
        return thread

    async def _thread_from_message(self, req: Request, m: re.Match[str]) -> web.Response:
        """POST /channels/{cid}/messages/{mid}/threads: thread id equals the message id, as on Discord."""
        message = self.messages.get(m["message_id"])
        if message is None or message["channel_id"] != m["channel_id"]:
            return _error(404, "Unknown Message", 10008)
        if m["message_id"] in self.channels:
            return _error(400, "A thread has already been created for this message", 160004)
        thread = self._thread_payload(m["channel_id"], m["message_id"], req.json or {}, 11)
        message["flags"] |= MESSAGE_FLAG_HAS_THREAD
        message["thread"] = copy.deepcopy(thread)
        await self._echo("THREAD_CREATE", {**thread, "newly_created": True}, ephemeral=False)
        return _json_response(thread)

    async def _thread_without_message(self, req: Request, m: re.Match[str]) -> web.Response:
        """POST /channels/{cid}/threads: a thread not attached to a message."""
        if m["channel_id"] not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        body: JSON = req.json or {}
        thread = self._thread_payload(m["channel_id"], self._snowflake(), body, int(body.get("type") or 12))
        await self._echo("THREAD_CREATE", {**thread, "newly_created": True}, ephemeral=False)
        return _json_response(thread)

    def _store_command(self, command: JSON, existing: list[JSON], guild_id: str | None) -> JSON:
        """Echo one command the way Discord does: with id, application_id, version and type."""
        stored = dict(command)
        stored.setdefault("type", 1)
        stored.setdefault("description", "")
        stored.setdefault("options", [])
        stored.setdefault("default_member_permissions", None)
        stored.setdefault("nsfw", False)
        previous = next(
            (c for c in existing if c["name"] == stored["name"] and c["type"] == stored["type"]), None
        )
        # Discord keeps a command's id across re-syncs, so tests can rely on it staying stable.
        stored["id"] = previous["id"] if previous else self._snowflake()
        stored["application_id"] = _sid(self.app_id)
        stored["version"] = self._snowflake()
        if guild_id:
            stored["guild_id"] = guild_id
        return stored

    async def _get_commands(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET global or guild application commands."""
        guild_id = m.groupdict().get("guild_id")
        return _json_response(self.guild_commands.get(guild_id, []) if guild_id else self.global_commands)

    async def _put_commands(self, req: Request, m: re.Match[str]) -> web.Response:
        """PUT (bulk overwrite) global or guild application commands."""
        if m["app_id"] != _sid(self.app_id):
            return _error(403, "Missing Access", 50001)
        guild_id = m.groupdict().get("guild_id")
        existing = self.guild_commands.get(guild_id, []) if guild_id else self.global_commands
        stored = [self._store_command(c, existing, guild_id) for c in req.json or []]
        if guild_id:
            self.guild_commands[guild_id] = stored
        else:
            self.global_commands = stored
        return _json_response(stored)

    async def _post_command(self, req: Request, m: re.Match[str]) -> web.Response:
        """POST (upsert) one global or guild application command."""
        guild_id = m.groupdict().get("guild_id")
        existing = self.guild_commands.setdefault(guild_id, []) if guild_id else self.global_commands
        stored = self._store_command(req.json or {}, existing, guild_id)
        existing[:] = [c for c in existing if c["id"] != stored["id"]] + [stored]
        return _json_response(stored, status=201)

    # ------------------------------------------------------------------ interactions (REST side)

    def _interaction_for_token(self, app_id: str, token: str) -> _InteractionState | None:
        """Find the interaction owning a webhook token."""
        if app_id != _sid(self.app_id):
            return None
        return next((s for s in self._interactions.values() if s.payload["token"] == token), None)

    def _response_message(
        self, state: _InteractionState, data: JSON, files: list[UploadedFile], flags: int, followup: bool
    ) -> JSON:
        """Create the message an interaction response or followup produces."""
        payload = state.payload
        channel_id = payload["channel_id"]
        user = payload.get("member", {}).get("user") or payload.get("user")
        metadata: JSON = {
            "id": payload["id"],
            "type": payload["type"],
            "user": copy.deepcopy(user),
            "authorizing_integration_owners": payload["authorizing_integration_owners"],
        }
        if payload["type"] == 2:
            metadata["name"] = payload["data"]["name"]
            metadata["command_type"] = payload["data"].get("type", 1)
            if payload["data"].get("type") == 3:  # a message command: the message it was run on
                metadata["target_message_id"] = payload["data"]["target_id"]
        if payload["type"] == 3:
            metadata["interacted_message_id"] = payload["message"]["id"]
        if followup and state.original_message_id:
            metadata["original_response_message_id"] = state.original_message_id
        return self._build_message(
            channel_id=channel_id,
            author=self.bot_user,
            content=data.get("content") or "",
            embeds=data.get("embeds"),
            components=data.get("components"),
            attachments=self._attachments_from_files(channel_id, files, data),
            # Slash command responses are CHAT_INPUT_COMMAND (20) messages; other responses are plain.
            message_type=20 if payload["type"] == 2 and not followup else 0,
            flags=flags,
            webhook_id=_sid(self.app_id),
            interaction_metadata=metadata,
            tts=bool(data.get("tts")),
        )

    async def _interaction_callback(self, req: Request, m: re.Match[str]) -> web.Response:
        """POST /interactions/{id}/{token}/callback (always answered with the with_response JSON)."""
        state = self._interactions.get(m["interaction_id"])
        if state is None or state.payload["token"] != m["token"]:
            return _error(404, "Unknown interaction", 10062)
        if time.monotonic() - state.dispatched_at > self.interaction_deadline:
            return _error(404, "Unknown interaction", 10062)
        if state.response_type is not None:
            return _error(400, "Interaction has already been acknowledged.", 40060)
        body: JSON = req.json or {}
        callback_type = int(body.get("type") or 0)
        data: JSON = body.get("data") or {}
        if callback_type == CALLBACK_AUTOCOMPLETE_RESULT:
            problem = _autocomplete_problem(state.payload["type"], data)
            if problem:
                return _error(400, "Invalid Form Body", 50035, errors={"data": {"_errors": [problem]}})
            state.choices = data["choices"]
        flags = int(data.get("flags") or 0)
        ephemeral = bool(flags & MESSAGE_FLAG_EPHEMERAL)
        state.response_type = callback_type
        message: JSON | None = None
        if callback_type == CALLBACK_CHANNEL_MESSAGE:
            message = self._response_message(
                state, data, req.files, flags & MESSAGE_FLAG_EPHEMERAL, followup=False
            )
            state.original_message_id = message["id"]
            await self._echo("MESSAGE_CREATE", message)
        elif callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            # Discord shows a "thinking" placeholder that the first followup or an @original edit replaces.
            message = self._response_message(
                state, {}, [], (flags & MESSAGE_FLAG_EPHEMERAL) | MESSAGE_FLAG_LOADING, followup=False
            )
            state.original_message_id = message["id"]
            state.loading = True
            await self._echo("MESSAGE_CREATE", message)
        elif callback_type == CALLBACK_UPDATE_MESSAGE and state.original_message_id in self.messages:
            message = self.messages[state.original_message_id]
            self._apply_edit(message, data, req.files)
            await self._echo("MESSAGE_UPDATE", message)
        interaction: JSON = {
            "id": state.payload["id"],
            "type": state.payload["type"],
            "response_message_loading": state.loading,
            "response_message_ephemeral": ephemeral,
        }
        response: JSON = {"interaction": interaction}
        if message is not None:
            interaction["response_message_id"] = message["id"]
            response["resource"] = {"type": callback_type, "message": message}
        return _json_response(response)

    async def _followup(self, req: Request, m: re.Match[str]) -> web.Response:
        """POST /webhooks/{app_id}/{token}: an interaction followup message."""
        state = self._interaction_for_token(m["app_id"], m["token"])
        if state is None or state.response_type is None:
            return _error(404, "Unknown Webhook", 10015)
        data: JSON = req.json or {}
        if state.loading and state.original_message_id in self.messages:
            # The first followup after a thinking defer replaces the placeholder (keeping its ephemerality).
            message = self.messages[state.original_message_id]
            self._apply_edit(message, data, req.files)
            message["flags"] &= ~MESSAGE_FLAG_LOADING
            state.loading = False
            await self._echo("MESSAGE_UPDATE", message)
        else:
            flags = int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
            message = self._response_message(state, data, req.files, flags, followup=True)
            state.followup_ids.append(message["id"])
            await self._echo("MESSAGE_CREATE", message)
        if req.query.get("wait", "").lower() not in ("true", "1"):
            return _no_content()
        return _json_response(message)

    async def _webhook_message(self, req: Request, m: re.Match[str]) -> web.Response:
        """GET/PATCH/DELETE /webhooks/{app_id}/{token}/messages/{@original|id}."""
        state = self._interaction_for_token(m["app_id"], m["token"])
        if state is None:
            return _error(404, "Unknown Webhook", 10015)
        message_id = state.original_message_id if m["message_id"] == "@original" else m["message_id"]
        allowed = {state.original_message_id, *state.followup_ids}
        message = self.messages.get(message_id or "")
        if message is None or message_id not in allowed:
            return _error(404, "Unknown Message", 10008)
        if req.method == "GET":
            return _json_response(message)
        if req.method == "DELETE":
            del self.messages[message["id"]]
            event = {"id": message["id"], "channel_id": message["channel_id"]}
            if "guild_id" in message:
                event["guild_id"] = message["guild_id"]
            await self._echo(
                "MESSAGE_DELETE", event, ephemeral=bool(message["flags"] & MESSAGE_FLAG_EPHEMERAL)
            )
            return _no_content()
        self._apply_edit(message, req.json or {}, req.files)
        if message_id == state.original_message_id and state.loading:
            # Editing the original after a thinking defer also replaces the placeholder.
            message["flags"] &= ~MESSAGE_FLAG_LOADING
            state.loading = False
        await self._echo("MESSAGE_UPDATE", message)
        return _json_response(message)

    async def _echo(self, event: str, message: JSON, *, ephemeral: bool | None = None) -> None:
        """Mirror a REST-side change to the gateway like Discord does (skipped for ephemeral messages)."""
        if ephemeral is None:
            ephemeral = bool(message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL)
        if not self.echo_bot_messages or ephemeral or self._session is None:
            return
        await self.dispatch(event, message)

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        """Serve one gateway websocket: HELLO, heartbeats, IDENTIFY, RESUME."""
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        query = dict(request.query)
        # Only zlib-stream is implemented; for anything else plain text frames are sent, which the
        # client accepts because it only decompresses binary frames.
        compress = self.transport_compression and query.get("compress") == "zlib-stream"
        conn = _Connection(ws, request.path, query, compress)
        self._connections.add(conn)
        self.gateway_connections.append((request.path, query))
        try:
            await conn.send(
                {
                    "op": 10,
                    "s": None,
                    "t": None,
                    "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)},
                }
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._handle_gateway_op(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.BINARY:
                    await self._handle_gateway_op(conn, json.loads(msg.data.decode()))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self._connections.discard(conn)
            if self._session is not None and self._session.conn is conn:
                self._session.conn = None
            self.close_codes.append(ws.close_code)
            await self._notify()
        return ws

    async def _handle_gateway_op(self, conn: _Connection, payload: JSON) -> None:
        """React to one opcode the client sent."""
        op = payload.get("op")
        data = payload.get("d")
        if op == 1:
            self.heartbeats.append(time.monotonic())
            await conn.send({"op": 11, "s": None, "t": None, "d": None})
        elif op == 2:
            await self._identify(conn, data or {})
        elif op == 3:
            self.presence_updates.append(data)
        elif op == 6:
            await self._resume(conn, data or {})
        elif op == 8:
            await self._request_members(data or {})
        else:
            log.debug("fake discord: ignoring gateway op %s", op)
        await self._notify()

    async def _identify(self, conn: _Connection, data: JSON) -> None:
        """Start a fresh session: READY then GUILD_CREATE."""
        if self.token is not None and data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_count += 1
        self.identify_payloads.append(data)
        if self.identify_gate is not None:
            await self.identify_gate.wait()
        self._session = _Session(session_id=f"fake-session-{self._snowflake()}", conn=conn)
        ready = {
            "v": 10,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": _sid(self.guild_id), "unavailable": True}],
            "session_id": self._session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "shard": data.get("shard", [0, 1]),
            "application": {"id": _sid(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
        }
        await self.dispatch("READY", ready)
        await self.dispatch("GUILD_CREATE", self.guild_payload())

    async def _resume(self, conn: _Connection, data: JSON) -> None:
        """Re-attach a socket to the session, replay missed events, then send RESUMED."""
        session = self._session
        if session is None or data.get("session_id") != session.session_id:
            self.invalid_resumes += 1
            await conn.send({"op": 9, "s": None, "t": None, "d": False})
            return
        self.resume_count += 1
        assert self._dispatch_lock is not None
        async with self._dispatch_lock:
            session.conn = conn
            last_seen = int(data.get("seq") or 0)
            for event in session.events:
                if event["s"] > last_seen:
                    await conn.send(event)
        await self.dispatch("RESUMED", {})

    async def _request_members(self, data: JSON) -> None:
        """Answer REQUEST_GUILD_MEMBERS (op 8) with a single chunk."""
        wanted = {str(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        members = [
            self.member_payload(uid)
            for uid, user in self.users.items()
            if uid in self.members
            and (not wanted or uid in wanted)
            and user["username"].lower().startswith(query)
        ]
        chunk: JSON = {
            "guild_id": _sid(self.guild_id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": sorted(wanted - {m["user"]["id"] for m in members}),
        }
        if data.get("presences"):
            chunk["presences"] = []
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch(self, event: str, data: JSON) -> int:
        """Dispatch an event (op 0) with the next sequence number; buffered for RESUME while disconnected."""
        session = self._session
        if session is None:
            raise RuntimeError("no gateway session yet: the client has not IDENTIFYed")
        assert self._dispatch_lock is not None
        async with self._dispatch_lock:
            session.seq += 1
            payload = {"op": 0, "s": session.seq, "t": event, "d": copy.deepcopy(data)}
            session.events.append(payload)
            if session.conn is not None:
                await session.conn.send(payload)
            return session.seq

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the live gateway socket with `code`; a resumable code makes the client RESUME."""
        if self._session is None or self._session.conn is None:
            raise RuntimeError("no live gateway connection to drop")
        conn = self._session.conn
        self._session.conn = None
        await conn.ws.close(code=code, message=b"fake discord dropped the connection")

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send INVALID_SESSION (op 9); with resumable=False the client must IDENTIFY again."""
        if self._session is None or self._session.conn is None:
            raise RuntimeError("no live gateway connection")
        conn = self._session.conn
        if not resumable:
            self._session = None
        await conn.send({"op": 9, "s": None, "t": None, "d": resumable})

    async def request_reconnect(self) -> None:
        """Send RECONNECT (op 7) so the client reconnects and RESUMEs."""
        if self._session is None or self._session.conn is None:
            raise RuntimeError("no live gateway connection")
        await self._session.conn.send({"op": 7, "s": None, "t": None, "d": None})

    # ------------------------------------------------------------------ simulated users

    def _resolve_channel(self, channel_id: Snowflake | None, author: JSON, guild: bool) -> JSON:
        """Pick the channel a simulated user acts in."""
        if channel_id is not None:
            try:
                return self.channels[_sid(channel_id)]
            except KeyError:
                raise KeyError(f"unknown channel {channel_id}") from None
        return self.channels[_sid(self.channel_id)] if guild else self.dm_channel(author["id"])

    async def send_message(
        self,
        content: str,
        channel_id: Snowflake | None = None,
        author: Snowflake | JSON | None = None,
        mentions: list[Snowflake] | None = None,
        referenced_message_id: Snowflake | None = None,
        guild: bool = True,
        *,
        embeds: list[JSON] | None = None,
        mention_reply: bool = True,
        attachments: list[JSON] | None = None,
        message_type: int | None = None,
    ) -> JSON:
        """Dispatch MESSAGE_CREATE from a user (default: the human tester) and return the message.

        `attachments` are attachment objects as Discord sends them (see `image_attachment`); role
        mentions (<@&id>) in the content are listed in `mention_roles`; `message_type` makes one of
        Discord's own notices (7: joined, 6: pinned, 18: started a thread) instead of a message."""
        user = self._user(author)
        channel = self._resolve_channel(channel_id, user, guild)
        guild_id = channel.get("guild_id")
        if mentions is None:
            mention_objects = self._mentions_in(content, guild_id)
        else:
            mention_objects = [self._mention_object(uid, guild_id) for uid in mentions]
        reference: JSON | None = None
        if referenced_message_id is not None:
            referenced = self.messages.get(_sid(referenced_message_id))
            reference = {"type": 0, "message_id": _sid(referenced_message_id), "channel_id": channel["id"]}
            if guild_id:
                reference["guild_id"] = guild_id
            # A reply pings the replied-to author by default, which puts them in mentions.
            if (
                mention_reply
                and referenced
                and all(u["id"] != referenced["author"]["id"] for u in mention_objects)
            ):
                mention_objects.append(self._mention_object(referenced["author"]["id"], guild_id))
        message = self._build_message(
            channel_id=channel["id"],
            author=user,
            content=content,
            embeds=embeds,
            mentions=mention_objects,
            mention_roles=re.findall(r"<@&(\d+)>", content) if guild_id else [],
            reference=reference,
            message_type=message_type if message_type is not None else 19 if reference else 0,
            attachments=attachments,
        )
        event = copy.deepcopy(message)
        if not guild_id:
            event["channel_type"] = 1
        await self.dispatch("MESSAGE_CREATE", event)
        return copy.deepcopy(message)

    def image_attachment(
        self, channel_id: Snowflake, filename: str = "photo.png", data: bytes = b"\x89PNG"
    ) -> JSON:
        """An image attachment object (as on a message a user posted with a picture), its bytes served."""
        attachment_id = self._snowflake()
        self.attachments[attachment_id] = data
        url = f"http://127.0.0.1:{self.port}/attachments/{_sid(channel_id)}/{attachment_id}/{filename}"
        return {
            "id": attachment_id,
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": "image/png",
            "width": 64,
            "height": 64,
        }

    def _interaction_payload(self, interaction_type: int, user: JSON, channel: JSON, data: JSON) -> JSON:
        """Build a realistic INTERACTION_CREATE payload."""
        interaction_id = self._snowflake()
        guild_id = channel.get("guild_id")
        payload: JSON = {
            "id": interaction_id,
            "application_id": _sid(self.app_id),
            "type": interaction_type,
            "data": data,
            "token": f"fake-interaction-token-{interaction_id}",
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "app_permissions": str(self.bot_permissions),
            "channel_id": channel["id"],
            # Guild-installed app: key "0" (GUILD_INSTALL) owned by the guild, or "0" in the bot's DMs.
            "authorizing_integration_owners": {"0": guild_id or "0"},
            "context": 0 if guild_id else 1,
        }
        if guild_id:
            payload["guild_id"] = guild_id
            payload["guild_locale"] = "en-US"
            payload["guild"] = {"id": guild_id, "locale": "en-US", "features": []}
            member = self.member_payload(user["id"])
            member["permissions"] = str(self.everyone_permissions)
            payload["member"] = member
            payload["channel"] = {**copy.deepcopy(channel), "permissions": str(self.everyone_permissions)}
        else:
            payload["user"] = copy.deepcopy(user)
            payload["channel"] = copy.deepcopy(channel)
        return payload

    async def _dispatch_interaction(
        self, payload: JSON, original_message_id: str | None = None
    ) -> InteractionRef:
        """Dispatch INTERACTION_CREATE and start its response deadline."""
        state = _InteractionState(
            payload=payload, dispatched_at=time.monotonic(), original_message_id=original_message_id
        )
        self._interactions[payload["id"]] = state
        await self.dispatch("INTERACTION_CREATE", payload)
        # The 3 s window starts when the event leaves the gateway, like on Discord.
        state.dispatched_at = time.monotonic()
        return InteractionRef(payload["id"], payload["token"], copy.deepcopy(payload))

    @staticmethod
    def _option(name: str, value: Any) -> JSON:
        """Build one command option, typed from the Python value."""
        if isinstance(value, bool):
            option_type = 5
        elif isinstance(value, int):
            option_type = 4
        elif isinstance(value, float):
            option_type = 10
        else:
            option_type, value = 3, str(value)
        return {"name": name, "type": option_type, "value": value}

    async def send_slash(
        self,
        name: str,
        options: dict[str, Any] | list[JSON] | None = None,
        user: Snowflake | JSON | None = None,
        guild: bool = True,
        *,
        channel_id: Snowflake | None = None,
    ) -> InteractionRef:
        """Dispatch a slash-command INTERACTION_CREATE (type 2) and return its id/token."""
        invoker = self._user(user)
        channel = self._resolve_channel(channel_id, invoker, guild)
        guild_id = channel.get("guild_id")
        if isinstance(options, list):
            option_list = options
        else:
            option_list = [self._option(k, v) for k, v in (options or {}).items()]
        data = self._command_data(name, guild_id, 1, options=option_list)
        return await self._dispatch_interaction(self._interaction_payload(2, invoker, channel, data))

    def _command_data(self, name: str, guild_id: str | None, command_type: int, **fields: Any) -> JSON:
        """The `data` of an interaction invoking command `name` of `command_type` (1 slash, 3 message):
        the registered command's id, and its guild when a guild sync registered it (discord.py looks
        guild commands up by data.guild_id, so this mirrors whichever sync registered the name)."""

        def registered(c: JSON) -> bool:
            return c["name"] == name and c.get("type", 1) == command_type

        guild_command = next((c for c in self.guild_commands.get(guild_id or "", []) if registered(c)), None)
        command = guild_command or next((c for c in self.global_commands if registered(c)), None)
        data: JSON = {
            "id": command["id"] if command else self._snowflake(),
            "name": name,
            "type": command_type,
            **fields,
        }
        if guild_command is not None:
            data["guild_id"] = guild_id
        return data

    async def send_autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        focused: str,
        user: Snowflake | JSON | None = None,
        guild: bool = True,
        *,
        channel_id: Snowflake | None = None,
    ) -> InteractionRef:
        """Dispatch an autocomplete INTERACTION_CREATE (type 4) for a command being typed: `options` as
        typed so far (partial values, not validated), `focused` the option the cursor is in."""
        invoker = self._user(user)
        channel = self._resolve_channel(channel_id, invoker, guild)
        guild_id = channel.get("guild_id")
        option_list = []
        for key, value in options.items():
            option = self._option(key, value)
            if key == focused:
                option["focused"] = True
            option_list.append(option)
        data = self._command_data(name, guild_id, 1, options=option_list)
        payload = self._interaction_payload(INTERACTION_AUTOCOMPLETE, invoker, channel, data)
        return await self._dispatch_interaction(payload)

    def autocomplete_choices(self, interaction_id: Snowflake) -> list[JSON] | None:
        """The choices the bot offered for an autocomplete interaction (None if it did not answer)."""
        state = self._interactions.get(_sid(interaction_id))
        return state.choices if state else None

    def _stored_message(self, message_id: Snowflake) -> tuple[JSON, JSON]:
        """A stored message and its channel (KeyError naming the id if there is no such message)."""
        try:
            message = self.messages[_sid(message_id)]
        except KeyError:
            raise KeyError(f"unknown message {message_id}") from None
        return message, self.channels[message["channel_id"]]

    async def send_message_command(
        self,
        name: str,
        message_id: Snowflake,
        user: Snowflake | JSON | None = None,
    ) -> InteractionRef:
        """Dispatch a message context-menu INTERACTION_CREATE (Apps → NAME on a stored message): an
        application command of type 3 (MESSAGE) with `data.target_id` and the message in
        `data.resolved.messages`, as Discord sends it."""
        message, channel = self._stored_message(message_id)
        invoker = self._user(user)
        guild_id = channel.get("guild_id")
        resolved = copy.deepcopy(message)
        resolved.pop("member", None)  # resolved messages carry the author as a user only
        data = self._command_data(
            name,
            guild_id,
            3,
            target_id=message["id"],
            resolved={"messages": {message["id"]: resolved}},
        )
        return await self._dispatch_interaction(self._interaction_payload(2, invoker, channel, data))

    async def click_component(
        self,
        custom_id: str,
        message_id: Snowflake,
        user: Snowflake | JSON | None = None,
        *,
        component_type: int = 2,
        values: list[str] | None = None,
    ) -> InteractionRef:
        """Dispatch a component INTERACTION_CREATE (type 3) on a stored message."""
        message, channel = self._stored_message(message_id)
        invoker = self._user(user)
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        payload = self._interaction_payload(3, invoker, channel, data)
        payload["message"] = copy.deepcopy(message)
        return await self._dispatch_interaction(payload, original_message_id=message["id"])

    async def click_button(
        self, custom_id: str, message_id: Snowflake, user: Snowflake | JSON | None = None
    ) -> InteractionRef:
        """Dispatch a button click on a stored message."""
        return await self.click_component(custom_id, message_id, user)

    async def submit_modal(
        self,
        custom_id: str,
        values: dict[str, str],
        user: Snowflake | JSON | None = None,
        guild: bool = True,
        *,
        channel_id: Snowflake | None = None,
    ) -> InteractionRef:
        """Dispatch a modal-submit INTERACTION_CREATE (type 5) with text-input values."""
        invoker = self._user(user)
        channel = self._resolve_channel(channel_id, invoker, guild)
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()
        ]
        data: JSON = {"custom_id": custom_id, "components": rows}
        return await self._dispatch_interaction(self._interaction_payload(5, invoker, channel, data))

    def interaction_response_type(self, interaction_id: Snowflake) -> int | None:
        """Callback type the bot answered an interaction with (None if not answered)."""
        state = self._interactions.get(_sid(interaction_id))
        return state.response_type if state else None

    def original_message(self, interaction_id: Snowflake) -> JSON | None:
        """The interaction's original response message, if any."""
        state = self._interactions.get(_sid(interaction_id))
        if state is None or state.original_message_id is None:
            return None
        return self.messages.get(state.original_message_id)


# ---------------------------------------------------------------------- discord.py glue


@contextlib.contextmanager
def patch_discord_endpoints(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at the fake, restoring them afterwards."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


ClientT = TypeVar("ClientT", bound=discord.Client)


async def _keep_alive_threads_ended(timeout: float = 5.0) -> None:
    """Wait, with the loop still running, for discord.py's heartbeat threads to end: one that woke just
    before close() stopped it would otherwise post its heartbeat to a loop that pytest has since closed
    (an unhandled-thread warning, now and then)."""
    from discord.gateway import KeepAliveHandler

    for thread in [t for t in threading.enumerate() if isinstance(t, KeepAliveHandler)]:
        thread.stop()
        await asyncio.to_thread(thread.join, timeout)


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, bot: ClientT, token: str = "fake-token", *, ready_timeout: float = 10.0
) -> AsyncIterator[ClientT]:
    """Run bot.start(token) against the fake until on_ready, and close it cleanly on exit."""
    with patch_discord_endpoints(fake):
        task = asyncio.create_task(bot.start(token), name="fakediscord-bot")
        try:
            deadline = time.monotonic() + ready_timeout
            # Polling is_ready() because wait_until_ready() raises until login has initialised the client.
            while not bot.is_ready():
                if task.done():
                    task.result()  # surfaces login/connect errors
                    raise AssertionError("bot.start() returned before the bot became ready")
                if time.monotonic() > deadline:
                    raise AssertionError(f"bot was not ready within {ready_timeout}s")
                await asyncio.sleep(0.01)
            yield bot
        finally:
            if not bot.is_closed():
                await bot.close()
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                task.cancel()
                raise
            finally:
                await _keep_alive_threads_ended()
