"""Settings, read once from the environment and `.env` at start and passed down."""

from __future__ import annotations

import difflib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from dotenv.parser import parse_stream
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# The checkout the package runs from: corpus/, index/ and train/ live here.
ROOT = Path(__file__).resolve().parent.parent
# Names another settings file instead of the checkout's `.env`; set but empty, no file is read (tests).
ENV_FILE_VARIABLE = "MEETING_BOT_ENV_FILE"
MAX_ENV_FILE_BYTES = 1 << 20  # a settings file is a few lines; a bigger one is not parsed twice
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # what a setting's name looks like


def env_file() -> Path | None:
    """The settings file to read: MEETING_BOT_ENV_FILE when set (empty: none), else the checkout's `.env`."""
    chosen = os.environ.get(ENV_FILE_VARIABLE)
    if chosen is None:
        return ROOT / ".env"
    return Path(chosen).expanduser() if chosen.strip() else None


def _env_file_text() -> tuple[Path, str] | None:
    """The settings file and its text, for the checks below; None when there is none to read (or it
    cannot be read: reading it for the settings then says what is wrong)."""
    path = env_file()
    try:
        if path is None or not path.is_file() or path.stat().st_size > MAX_ENV_FILE_BYTES:
            return None
        return path, path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def env_file_bad_line() -> tuple[Path, int] | None:
    """The settings file and the number of its first line that python-dotenv cannot parse (a quote left
    open): it would skip that line with a warning, and the setting on it would be silently unset."""
    read = _env_file_text()
    if read is None:
        return None
    path, text = read
    bad = next((b.original.line for b in parse_stream(io.StringIO(text)) if b.error), None)
    return None if bad is None else (path, bad)


def env_file_unknown_names() -> tuple[Path, list[tuple[int, str | None]]] | None:
    """The settings file and its NAME=value lines whose name is no setting: each line's number, and the
    setting the name is likely a typo of, if one is close (None otherwise, and the name is not shown: it
    may be a secret pasted out of place). python-dotenv reads them and the bot ignores them, so
    `COOLDOWN_SECOND=5` left the cooldown as it was without a word (a helper's trial)."""
    read = _env_file_text()
    if read is None:
        return None
    path, text = read
    known = sorted(name.upper() for name in Settings.model_fields)
    unknown = [
        (b.original.line, next(iter(difflib.get_close_matches(b.key.upper(), known, n=1, cutoff=0.8)), None))
        for b in parse_stream(io.StringIO(text))
        if b.key
        and b.value is not None
        and not b.error
        and _NAME.fullmatch(b.key)
        and b.key.upper() not in known
        and b.key != ENV_FILE_VARIABLE
    ]
    return (path, unknown) if unknown else None


@dataclass(frozen=True)
class BareLine:
    """A settings-file line with no "=" and no value (`env_file_bare_names`)."""

    line: int
    named: str | None  # the setting it names, if any
    meant: str | None  # else the setting its name is likely a typo of, if one is close
    set_later: bool  # a later line of the file gives the setting it names a value


def env_file_bare_names() -> tuple[Path, list[BareLine]] | None:
    """The settings file and its lines with no "=" and no value (a name itself is never shown: it may be a
    secret pasted out of place, a token on a line of its own). python-dotenv reads such a line as no
    value, which unsets a setting named before it in the file, and which a later line may set again:
    `DISCORD_TOKEN` on its own, its token forgotten, left the bot in the terminal without a word."""
    read = _env_file_text()
    if read is None:
        return None
    path, text = read
    known = sorted(name.upper() for name in Settings.model_fields)
    bindings = [b for b in parse_stream(io.StringIO(text)) if b.key and not b.error]
    bare = []
    for i, b in enumerate(bindings):
        if b.value is not None:
            continue
        name = b.key.upper()
        meant = next(iter(difflib.get_close_matches(name, known, n=1, cutoff=0.8)), None)
        later = any(c.key.upper() == name and c.value is not None for c in bindings[i + 1 :])
        bare.append(
            BareLine(
                b.original.line, name if name in known else None, None if name in known else meant, later
            )
        )
    return (path, bare) if bare else None


def chosen_env_file_missing() -> Path | None:
    """The file MEETING_BOT_ENV_FILE names when it is not a file (a typo there would go unnoticed)."""
    chosen = env_file()
    if not os.environ.get(ENV_FILE_VARIABLE, "").strip() or chosen is None:
        return None
    if chosen.is_file() or chosen == Path(os.devnull):  # /dev/null: the usual way to say "none"
        return None
    return chosen


MAX_ENCODER_THREADS = 64
MAX_SNOWFLAKE = 2**64 - 1  # Discord ids are unsigned 64-bit numbers
# Longer than this is no retention anyone means (RETENTION_DAYS=1000000 overflowed the date arithmetic),
# and a cooldown window beyond a day or below a millisecond is a typo.
MAX_RETENTION_DAYS = 36_500
COOLDOWN_SECONDS_RANGE = (0.001, 86_400.0)
# A short salt could be found by trying salts against a known user's hash; the made-up one is 64 hex digits.
MIN_SALT_CHARS = 16


class Settings(BaseSettings):
    """Every setting the bot reads; `.env.example` documents each one."""

    # Blank values (`DISCORD_GUILD_ID=` in .env) mean "use the default". The file read is `env_file()`,
    # unless a caller names one (`_env_file=None`: none).
    model_config = SettingsConfigDict(env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    discord_token: SecretStr | None = None
    discord_guild_id: int | None = Field(None, ge=1, le=MAX_SNOWFLAKE)
    discord_application_id: int | None = Field(
        None, ge=1, le=MAX_SNOWFLAKE
    )  # default: the id in DISCORD_TOKEN
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    ask_channel_ids: Annotated[tuple[int, ...], NoDecode] = ()
    message_content_intent: bool | None = None  # default: on when ASK_CHANNEL_IDS or threads need it
    cooldown_questions: int = Field(5, ge=1)
    cooldown_seconds: float = Field(
        30.0, ge=COOLDOWN_SECONDS_RANGE[0], le=COOLDOWN_SECONDS_RANGE[1], allow_inf_nan=False
    )
    shard_count: int | None = Field(None, ge=1)
    shard_ids: Annotated[tuple[int, ...], NoDecode] = ()
    sync_commands: bool = True  # at start, only when the command set changed
    answer_in_threads: bool = True  # a mention in a server channel is answered in a new thread

    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    train_dir: Path = ROOT / "train"
    encoder_dir: Path = ROOT / "models" / "minilm-onnx"
    data_dir: Path = ROOT / "data"
    database_url: str | None = None  # default: sqlite:///{data_dir}/meeting-bot.sqlite3 (bot/store.py)
    # Questions and votes older than this are deleted; 0 keeps them.
    retention_days: int = Field(90, ge=0, le=MAX_RETENTION_DAYS)
    user_salt: SecretStr | None = None  # default: a random salt kept in {data_dir}/salt
    # More encoder threads than this only wait on each other (ENCODER_THREADS=999999 used to hang starting).
    encoder_threads: int | None = Field(None, ge=1, le=MAX_ENCODER_THREADS)
    health_port: int | None = Field(None, ge=0, le=65535)  # unset: no HTTP server; 0: any free port
    health_host: str = "127.0.0.1"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    def __init__(self, **values: Any) -> None:
        values.setdefault("_env_file", env_file())
        super().__init__(**values)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, values: object) -> object:
        """A value of only spaces means "use the default", as an empty one does (`ENCODER_THREADS= `)."""
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if not (isinstance(v, str) and not v.strip())}
        return values

    @field_validator("ask_channel_ids", "shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept "1, 2,3" as well as a list; spaces only beside a comma ("1 2" was read as 12)."""
        if isinstance(value, str):
            items = [v.strip() for v in value.split(",") if v.strip()]
            if not all(v.isascii() and v.isdigit() for v in items):
                raise ValueError("write the ids as digits separated by commas")
            value = tuple(int(v) for v in items)
        return value

    @field_validator("ask_channel_ids")
    @classmethod
    def _channel_ids(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        """Discord ids: 1 to 2^64 - 1."""
        if any(not 1 <= i <= MAX_SNOWFLAKE for i in value):
            raise ValueError(f"a Discord id is between 1 and {MAX_SNOWFLAKE}")
        return value

    @field_validator("shard_ids")
    @classmethod
    def _distinct_shards(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        """Each shard once: two connections for one shard would answer every message twice."""
        if len(set(value)) != len(value):
            raise ValueError("a shard is listed twice")
        return value

    @field_validator("data_dir", "corpus_dir", "index_dir", "train_dir", "encoder_dir")
    @classmethod
    def _text_path(cls, value: Path) -> Path:
        """A path that is text: one holding bytes that are not UTF-8 cannot be named to SQLite or shown (a
        review: DATA_DIR so made `report` fail with "something went wrong")."""
        try:
            str(value).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("the path holds bytes that are not UTF-8 text; name another folder") from None
        return value

    @field_validator("corpus_dir", "index_dir", "train_dir", "encoder_dir")
    @classmethod
    def _folder(cls, value: Path) -> Path:
        """A folder, when it exists (a file there used to be reported as an index out of date)."""
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file, not a folder")
        return value

    @field_validator("user_salt")
    @classmethod
    def _long_salt(cls, value: SecretStr | None) -> SecretStr | None:
        """USER_SALT long enough that it can't be guessed (the README asks for a long random value)."""
        if value is not None and len(value.get_secret_value().strip()) < MIN_SALT_CHARS:
            raise ValueError(f"use at least {MIN_SALT_CHARS} random characters (e.g. `openssl rand -hex 32`)")
        return value

    @field_validator("discord_api_base", "discord_gateway_url")
    @classmethod
    def _proxy_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A proxy's address as a URL with a host: http(s) for REST, ws(s) for the gateway (a trial's
        "not a url" surfaced only as the connection failed, as an InvalidUrlClientError)."""
        if value is None:
            return value
        schemes = ("http", "https") if info.field_name == "discord_api_base" else ("ws", "wss")
        try:
            url = urlsplit(value.strip())
            _ = url.port  # "host:abc" is read only here
            fits = url.scheme.lower() in schemes and bool(url.hostname)
        except ValueError:  # "http://[::1": a bracket never closed
            fits = False
        if not fits:
            raise ValueError(
                f"write an address that starts {' or '.join(f'{s}://' for s in schemes)}, with a host "
                "(and a port of digits, if any)"
            )
        return value.strip()

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_name(cls, value: object) -> object:
        """A logging level in any case ("debug" as well as "DEBUG")."""
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("discord_guild_id", "discord_application_id", mode="before")
    @classmethod
    def _snowflake(cls, value: object) -> object:
        """A Discord id as written in the Developer Portal: digits only ("1_000" and "+5" are typos)."""
        if (
            isinstance(value, str)
            and value.strip()
            and not (value.strip().isascii() and value.strip().isdigit())
        ):
            raise ValueError("a Discord id is digits only")
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        """SHARD_IDS name shards of SHARD_COUNT."""
        if self.shard_ids and self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards across processes)")
        if self.shard_count is not None and any(not 0 <= i < self.shard_count for i in self.shard_ids):
            raise ValueError(
                f"every SHARD_IDS entry must be between 0 and SHARD_COUNT-1 ({self.shard_count - 1})"
            )
        return self

    @property
    def token(self) -> str:
        """The Discord bot token, or "" when none is set."""
        return self.discord_token.get_secret_value().strip() if self.discord_token else ""

    @property
    def wants_message_content(self) -> bool:
        """Whether to ask Discord for the privileged message-content intent."""
        if self.message_content_intent is not None:
            return self.message_content_intent
        # Unmentioned messages (ask-channels, follow-ups in the bot's threads) carry text only with it.
        return bool(self.ask_channel_ids) or self.answer_in_threads
