"""Questions asked and votes given, kept in SQLite or PostgreSQL through SQLAlchemy Core."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, unquote

from rapidfuzz import fuzz
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    case,
    cast,
    create_engine,
    delete,
    event,
    func,
    inspect,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable

from bot.config import MIN_SALT_CHARS
from bot.core.kinds import QUESTION_KINDS, Kind
from bot.core.more import asks_for_more, continued_at, pages_asked

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

DB_FILE = "meeting-bot.sqlite3"
SALT_FILE = "salt"
LOCK_TIMEOUT = 30.0  # seconds a SQLite write waits for the lock of another writer
TOP_UNANSWERED = 10
EXAMPLES = 3
# Two unanswered questions are near-duplicates when their word sets overlap this much (Jaccard) ...
SAME_WORDS = 0.6
# ... or when they read alike once word order is ignored (rapidfuzz token_sort_ratio, 0-100; catches typos).
SAME_SPELLING = 85.0
# Any number: it only keeps shard processes from creating the tables at the same moment on PostgreSQL.
_SCHEMA_LOCK = 0x6D62_7374_6F72_6501

metadata = MetaData()

answers = Table(
    "mb_answers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_key", String(64), nullable=True),  # HMAC-SHA-256 of the Discord user id; None from the CLI
    Column("question", Text, nullable=False),
    Column("history", JSON, nullable=False),  # earlier questions of the conversation it was read with
    Column("answered", Boolean, nullable=False),  # False: the bot said the article doesn't say
    Column("chunk_ids", JSON, nullable=False),  # the excerpts shown, in order
    Column("sections", JSON, nullable=False),  # the sections cited, as given
    Column("surface", String(32), nullable=False),
    Column("at", DateTime(timezone=False), nullable=False),  # UTC
    # Added later (older databases gain them on open; their rows keep NULL, read as "private, unknown place"):
    Column("guild_key", String(64), nullable=True),  # HMAC of the server id; None in DMs and from the CLI
    Column("channel_key", String(64), nullable=True),  # HMAC of the channel the answer was posted in
    Column("private", Boolean, nullable=True),  # a DM or an ephemeral reply: only the asker saw it
    Column("kind", String(16), nullable=True),  # the reply's kind (answer, not_covered, help, ...)
    # A request for more: further passages of an earlier question.
    Column("continues", Boolean, nullable=True),
    # In a server, the bot's own reply (its message id) and whether it went to a thread opened for the
    # question: so that deleting the question takes the reply down, after a restart too.
    Column("reply_id", String(32), nullable=True),
    Column("own_thread", Boolean, nullable=True),
    # Asked where everyone in its server may read (not a private channel or thread): only such questions'
    # words are shown to the server's admins. NULL (rows from before): not shown to them.
    Column("listed", Boolean, nullable=True),
    Index("mb_answers_at", "at"),
    Index("mb_answers_user", "user_key"),
    Index("mb_answers_guild", "guild_key"),
    Index("mb_answers_channel", "channel_key", "at"),  # a conversation read back after a restart
)
# The questions of people forgotten (`Store.forget`), kept a while as keys only (an HMAC of the text
# under the salt, and of the person's id), so that a bot still holding one of them in a conversation it
# keeps in memory, in this process or another, neither stores it again in a later question's history
# (`record_answer`) nor reads a follow-up after it (`forgotten_since`). `seq` orders them for the bots
# that ask what is new (clocks of shard machines may differ; a counter does not).
forgotten = Table(
    "mb_forgotten",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("text_key", String(64), nullable=False),
    Column("user_key", String(64), nullable=False),
    Column("at", DateTime(timezone=False), nullable=False),  # UTC; pruned with the questions' retention
    Index("mb_forgotten_text", "text_key"),
    Index("mb_forgotten_at", "at"),
    sqlite_autoincrement=True,  # a mark never comes back once the retention has emptied the table
)
# Taken by `forget` (alone) and by `record_answer` (shared) on PostgreSQL, so that the two never overlap:
# a forget's marks are handed out in the order forgets commit, and a history is checked after any forget
# that committed before it and before any that commits after (SQLite's single writer does the same).
_FORGET_LOCK = 0x6D62_7374_6F72_6502
# At least this long, whatever the retention: a bot asks what is new at its next conversational message.
FORGOTTEN_KEPT_DAYS = 30
SCRUB_TRIES = 5  # times a write-ahead log busy with another process is tried (`Store._scrub`)
# Deleted message ids looked up in one query: a safeguard, as a bulk delete event holds at most 100.
LOOKUP_BATCH = 500
# Columns that databases made before them lack: added by `Store.open`.
_ADDED_COLUMNS = {
    "mb_answers": (
        "guild_key",
        "channel_key",
        "private",
        "kind",
        "continues",
        "reply_id",
        "own_thread",
        "listed",
    ),
    "mb_votes": ("stamp",),
}

# One row per distinct section an answer cited, so that votes per section are a join.
answer_sections = Table(
    "mb_answer_sections",
    metadata,
    Column("answer_id", String(64), ForeignKey("mb_answers.id", ondelete="CASCADE"), nullable=False),
    Column("section", Text, nullable=False),
    PrimaryKeyConstraint("answer_id", "section"),
)

votes = Table(
    "mb_votes",
    metadata,
    Column("answer_id", String(64), ForeignKey("mb_answers.id", ondelete="CASCADE"), nullable=False),
    Column("user_key", String(64), nullable=False),
    Column("value", SmallInteger, nullable=False),
    Column("at", DateTime(timezone=False), nullable=False),  # UTC, of the latest click
    # Added later: the order of that click (its Discord interaction id); an older click never overwrites.
    Column("stamp", BigInteger, nullable=True),
    PrimaryKeyConstraint("answer_id", "user_key"),
    CheckConstraint("value IN (-1, 1)", name="mb_votes_value"),
    Index("mb_votes_user", "user_key"),
)


class StoreError(Exception):
    """The store cannot be opened or used; its message is one sentence."""


class StoreMissing(StoreError):
    """A command that only reads or deletes found no database in DATA_DIR (none made yet, or a typo)."""


@dataclass(frozen=True)
class StoredAnswer:
    """A recorded question and what the bot showed for it."""

    answer_id: str
    question: str
    history: tuple[str, ...]
    answered: bool
    sections: tuple[str, ...]
    surface: str
    at: datetime  # UTC, timezone-aware
    private: bool  # only the asker saw it (a DM, an ephemeral reply, or a row from before this was kept)
    kind: str  # the reply's kind: answer, not_covered, help, chatter, overview, language


@dataclass(frozen=True)
class PostedReplies:
    """Where the bot's replies to a question asked in a server are (the question's own and those to
    requests for more that went on from it), to take them down when the question is deleted."""

    question: str
    channel_id: int  # where the replies went: the thread opened for it, or the channel it was deleted in
    own_thread: bool  # a thread the bot opened for the question (whose id is the question's)
    reply_id: int | None  # the answer's message, when it was kept
    more: tuple[int, ...]  # the messages there that answered requests for more going on from it
    continues: str | None = None  # the deleted message was a request for more: the question it went on from


@dataclass(frozen=True)
class Audience:
    """Who reads a usage report, and so which questions it counts and shows.

    The bot's owner (and the operator's `meeting-bot report`) sees everything. A server's admins see
    only what was asked in that server, and the words of a question only when everyone there could read
    it: none asked privately (DMs are in no server), nor in a private channel or thread.
    """

    guild_id: int | None  # None: everything

    @classmethod
    def everything(cls) -> Audience:
        """The owner's view."""
        return cls(None)

    @classmethod
    def server(cls, guild_id: int) -> Audience:
        """One server's admins' view."""
        return cls(int(guild_id))


@dataclass(frozen=True)
class DayCount:
    """Questions asked on one UTC day, and how many of them the bot abstained on."""

    day: date
    questions: int
    abstained: int


@dataclass(frozen=True)
class SectionVotes:
    """👍 and 👎 given to answers citing one section."""

    section: str
    up: int
    down: int


@dataclass(frozen=True)
class UnansweredGroup:
    """Unanswered near-duplicate questions: the most asked wording, how often, other wordings."""

    question: str
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Forgotten:
    """A question forgotten (`Store.forget`): when last (UTC), and when last for each person who asked it
    (by their key)."""

    at: datetime
    users: dict[str, datetime]


@dataclass(frozen=True)
class KindCount:
    """How many questions got replies of one kind."""

    kind: str
    count: int


@dataclass(frozen=True)
class DayKindCount:
    """Questions asked on one UTC day that got replies of one kind."""

    day: date
    kind: str
    count: int


@dataclass(frozen=True)
class UsageReport:
    """Usage and feedback over what the store holds for one audience."""

    generated_at: datetime
    questions: int
    abstained: int  # replies of kind not_covered
    abstention_rate: float  # abstained / questions; 0.0 without questions
    votes_up: int
    votes_down: int
    per_day: tuple[DayCount, ...]  # oldest first, days without questions left out
    section_votes: tuple[SectionVotes, ...]  # most voted first; a vote counts for each section cited
    top_unanswered: tuple[UnansweredGroup, ...]  # most asked first
    kinds: tuple[KindCount, ...] = ()  # most frequent first
    per_day_kinds: tuple[DayKindCount, ...] = ()  # oldest day first, then by kind; zero counts left out
    more_requests: int = 0  # "more please" and the like: further passages, not counted among the questions

    @property
    def questions_said(self) -> str:
        """ "1 question", "2 questions"."""
        return f"{self.questions} question{'s' if self.questions != 1 else ''}"

    @property
    def more_said(self) -> str:
        """ ", and N requests for more" when there were any, for a line that counts the questions."""
        n = self.more_requests
        return f", and {n} request{'s' if n != 1 else ''} for more" if n else ""


# ---------------------------------------------------------------- time and text helpers


def _utc(at: datetime | None) -> datetime:
    """A naive UTC datetime to store (naive input is taken as UTC already)."""
    if at is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if at.tzinfo is not None:
        return at.astimezone(UTC).replace(tzinfo=None)
    return at


def _aware(at: datetime) -> datetime:
    """A stored naive UTC datetime as a timezone-aware one."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _no_nul(value: str) -> str:
    """The text without NUL characters, which PostgreSQL text cannot hold."""
    return value.replace("\x00", "")


# Discord mentions carry raw ids (<@123>, <@!123>, <@&role>, <#channel>): kept as placeholders only.
_MENTION = re.compile(r"<(@[!&]?|#)(\d{1,20})>")
_PLACEHOLDER = {"@": "<@user>", "@!": "<@user>", "@&": "<@&role>", "#": "<#channel>"}


def _stored_text(value: str) -> str:
    """Question text as it is stored: no NUL, and no raw Discord id in a mention."""
    return _MENTION.sub(lambda m: _PLACEHOLDER[m.group(1)], _no_nul(value))


_PUNCT = re.compile(r"[\W_]+")


def normalise(question: str) -> str:
    """Casefolded, punctuation turned into spaces, spaces collapsed."""
    return " ".join(_PUNCT.sub(" ", question.casefold()).split())


def near_duplicates(a: str, b: str) -> bool:
    """Whether two normalised questions ask the same thing in other words or spelling."""
    if a == b:
        return True
    wa, wb = set(a.split()), set(b.split())
    if wa and wb and len(wa & wb) / len(wa | wb) >= SAME_WORDS:
        return True
    return fuzz.token_sort_ratio(a, b) >= SAME_SPELLING


def group_questions(counts: dict[str, int], top: int = TOP_UNANSWERED) -> tuple[UnansweredGroup, ...]:
    """Group {question: times asked} into near-duplicates, most asked first (deterministic)."""
    # Exact wordings that normalise alike form one entry, named by its most asked wording.
    by_norm: dict[str, Counter[str]] = {}
    for question, n in counts.items():
        wording = " ".join(question.split())
        by_norm.setdefault(normalise(wording), Counter())[wording] += n
    entries = sorted(by_norm.items(), key=lambda kv: (-kv[1].total(), kv[0]))
    # Greedy: each entry joins the first (larger) group whose leading entry it is a near-duplicate of.
    groups: list[tuple[str, Counter[str]]] = []
    for norm, wordings in entries:
        for lead, members in groups:
            if near_duplicates(lead, norm):
                members.update(wordings)
                break
        else:
            groups.append((norm, Counter(wordings)))
    result = []
    for _, members in groups:
        ranked = sorted(members.items(), key=lambda kv: (-kv[1], kv[0]))
        examples = tuple(w for w, _ in ranked[1 : 1 + EXAMPLES])
        result.append(UnansweredGroup(ranked[0][0], members.total(), examples))
    result.sort(key=lambda g: (-g.count, g.question))
    return tuple(result[:top])


# ---------------------------------------------------------------- URLs and salt


def _parse_url(url: str) -> URL:
    """The SQLAlchemy URL, with PostgreSQL pointed at psycopg 3 (the driver installed)."""
    try:
        parsed = make_url(url)
        _ = parsed.port  # a port that is not a number fails here, not later
    except (ArgumentError, ValueError) as exc:
        raise StoreError(
            "DATABASE_URL is not a database URL such as sqlite:///path/to/file.sqlite3."
        ) from exc
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _secret_parameter(name: str) -> bool:
    """Whether a URL query parameter carries a secret (password=, sslpassword=, ...)."""
    name = name.lower()
    return any(word in name for word in ("password", "secret", "token"))


def _secrets(url: URL) -> tuple[str, ...]:
    """The secret values a URL carries: its password and those of its secret query parameters."""
    values = [url.password or ""]
    for name, value in url.query.items():
        if _secret_parameter(name):
            values += [value] if isinstance(value, str) else list(value)
    # Longest first, so that a secret containing another is hidden whole.
    return tuple(sorted({str(v) for v in values if v}, key=len, reverse=True))


def _shown(url: URL) -> str:
    """The URL with its password hidden, in the user part and in query parameters, for messages."""
    hidden = {name: "***" for name in url.query if _secret_parameter(name)}
    return url.update_query_dict(hidden).render_as_string(hide_password=True)


def _locked(exc: SQLAlchemyError) -> bool:
    """Whether SQLite gave up waiting for another writer's lock."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def _reason(exc: BaseException, secrets: Sequence[str] = ()) -> str:
    """The first line of the database driver's complaint, secrets hidden, for a one-sentence message."""
    orig = getattr(exc, "orig", None) or exc
    line = (str(orig).strip().splitlines() or [type(orig).__name__])[0].strip()
    for secret in secrets:
        for form in (secret, quote_plus(secret), quote(secret, safe="")):
            line = line.replace(form, "***")
    return line.rstrip(".")


def default_url(data_dir: Path) -> str:
    """The SQLite file in the data directory, its path escaped: a DATA_DIR with "%20" or "?" in its name
    was read as a URL's, and the store written to another file (a trial)."""
    return f"sqlite:///{quote(str(data_dir.expanduser().resolve() / DB_FILE), safe='/')}"


def load_salt(data_dir: Path) -> bytes:
    """The salt kept in `{data_dir}/salt`, made once at random (safe when several processes race)."""
    path = data_dir.expanduser() / SALT_FILE
    if path.parent.exists() and not path.parent.is_dir():
        raise StoreError(f"DATA_DIR {path.parent} is not a folder; set DATA_DIR to a folder.")
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".salt-")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(secrets.token_hex(32).encode("ascii"))
                try:
                    os.link(tmp, path)  # atomic: only the first process's salt lands, whole
                except FileExistsError:
                    pass
            finally:
                os.unlink(tmp)
        salt = path.read_bytes().strip()
    except OSError as exc:
        raise StoreError(f"Cannot read or create the salt file {path}: {exc.strerror}.") from exc
    if not salt:
        raise StoreError(f"The salt file {path} is empty; delete it to make a new one, or set USER_SALT.")
    if len(salt) < MIN_SALT_CHARS:
        # Warned, not refused: the stored rows are keyed by this salt, and only it lets `forget` find them
        # (a review: a refusal, then a new salt as advised, left `forget` deleting nothing).
        log.warning(
            "The salt file %s holds %d character%s, too few to hide who asked (USER_SALT needs %d); "
            "forget everyone stored, or let the retention empty the store, before replacing it.",
            path, len(salt), "" if len(salt) == 1 else "s", MIN_SALT_CHARS,
        )  # fmt: skip
    return salt


def _private_file(path: Path) -> None:
    """Create the SQLite file (and its folder) readable by its owner only, if it is missing.

    SQLite gives the write-ahead log and shared-memory files the database file's permissions.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create the folder {path.parent} for the database: {exc.strerror}.") from exc
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # an existing database is left as it is
    except OSError as exc:
        raise StoreError(f"Cannot create the database file {path}: {exc.strerror}.") from exc


def open_store(settings: Settings, create: bool = True, reads_only: bool = False) -> Store:
    """Open the store the settings name and apply their retention. With `create` false (a command that
    only reads or deletes what was recorded), a SQLite file that DATABASE_URL names must exist, so a
    mistyped path is named instead of met with a new empty database, and so must the default file in
    DATA_DIR (StoreMissing: `report` reads that as no questions yet, `forget` as an error). With
    `reads_only` (a command that only reads, and counts only the rows within the retention itself), a
    database that cannot be pruned but can be read (a read-only copy) is read as it is."""
    url = settings.database_url or default_url(settings.data_dir)
    if not create and settings.database_url:
        missing_sqlite_file(url)
    elif not create and not (settings.data_dir.expanduser() / DB_FILE).is_file():
        # Made by no command that only reads or deletes: `forget` with a mistyped DATA_DIR made an empty
        # database there and said "Deleted 0 rows" (a trial), while the questions stayed where they were.
        raise StoreMissing(
            f"No question store in DATA_DIR {settings.data_dir} (no {DB_FILE} there); check DATA_DIR."
        )
    if settings.user_salt is not None and settings.user_salt.get_secret_value():
        salt = settings.user_salt.get_secret_value().encode("utf-8")
    else:
        salt = load_salt(settings.data_dir)
    try:
        store = Store.open(url, salt)
    except StoreError:
        if not reads_only:
            raise
        # A read-only copy, or one made before a table was added: read it as it is. On a read-only mount
        # SQLite cannot make the -shm file it reads a write-ahead log with: read it immutable, or, when
        # its log holds rows (a bot killed before it folded them in), from memory (`_read_with_log`).
        path = sqlite_path(url)
        if path is None or _can_write_beside(path):
            store = Store.open(url, salt, schema=False)
        else:
            store = _read_with_log(path, salt) or Store.open(url, salt, schema=False, read_only=True)
        log.warning("The database cannot be written; it is read as it is.")
        return store
    try:
        if settings.retention_days:
            store.prune(settings.retention_days)
    except StoreError as exc:
        if reads_only and _readable(store):
            log.warning("%s Questions older than the retention are left as they are, and not counted.", exc)
            return store
        store.close()
        raise
    return store


def _can_write_beside(path: str) -> bool:
    """Whether this process may write in the folder of a SQLite file (False on a read-only mount)."""
    return os.access(os.path.dirname(os.path.abspath(path)) or ".", os.W_OK)


def _read_with_log(path: str, salt: bytes) -> Store | None:
    """A SQLite database on a read-only mount whose write-ahead log holds rows, read into memory with its
    log (a trial: read in place, immutable, the log's rows were left out unsaid). The two files are
    copied into a folder of this user's only, read through SQLite's backup and the folder removed before
    this returns, whatever happens; None when there is no such log, or it cannot be read so."""
    try:
        if not os.path.getsize(path + "-wal"):
            return None
    except OSError:
        return None
    memory = sqlite3.connect(":memory:", check_same_thread=False)
    folder: Path | None = None
    try:
        folder = Path(tempfile.mkdtemp(prefix="meeting-bot-report-"))  # mode 0700
        shutil.copyfile(path, folder / DB_FILE)
        shutil.copyfile(path + "-wal", folder / (DB_FILE + "-wal"))
        copy = sqlite3.connect(folder / DB_FILE)
        try:
            copy.backup(memory)
        finally:
            copy.close()
    except BaseException as exc:
        memory.close()
        if not isinstance(exc, (OSError, sqlite3.Error)):
            raise
        log.warning("Cannot read the database's write-ahead log (%s); its newest rows are left out.", exc)
        return None
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    engine = create_engine("sqlite://", creator=lambda: memory, poolclass=StaticPool, hide_parameters=True)
    return Store(engine, salt)


def _drop_from_histories(conn: Connection, where: Any, said: set[str]) -> None:
    """Take the questions `said` out of the stored history of every answer `where` selects."""
    for answer_id, history in conn.execute(select(answers.c.id, answers.c.history).where(where)).all():
        kept = [h for h in history or () if h not in said]
        if len(kept) != len(history or ()):
            conn.execute(update(answers).where(answers.c.id == answer_id).values(history=kept))


def _readable(store: Store) -> bool:
    """Whether the store can still be read (after a write failed: a read-only copy)."""
    try:
        store.ping()
    except StoreError:
        return False
    return True


def sqlite_path(url: str) -> str | None:
    """The file a SQLite URL names, read as SQLite reads it (a `file:` URI's path without its query, and
    no "~" expanded, as none is when the store is opened); None for another database or one in memory."""
    parsed = _parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    path = unquote(database[len("file:") :].split("?", 1)[0]) if database.startswith("file:") else database
    return None if path in ("", ":memory:") else path


def store_files(settings: Settings) -> tuple[Path, ...]:
    """The files the store keeps on this machine: the SQLite database with its journal files, and the
    salt file (a command must never write over them)."""
    files = [settings.data_dir.expanduser() / SALT_FILE]
    path = sqlite_path(settings.database_url or default_url(settings.data_dir))
    if path is not None:
        files += [Path(path + end) for end in ("", "-wal", "-shm", "-journal")]
    return tuple(files)


def missing_sqlite_file(url: str) -> None:
    """StoreError if the URL names a SQLite file that does not exist (`sqlite_path`)."""
    path = sqlite_path(url)
    if path is None:
        return
    try:
        found, folder = Path(path).is_file(), Path(path).is_dir()
    except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL
        raise StoreError(
            f"Cannot use the database path {path!r}: {getattr(exc, 'strerror', None) or exc}."
        ) from exc
    if folder:
        raise StoreError(f"DATABASE_URL names a folder, {path}, not a database file; check DATABASE_URL.")
    if not found:
        raise StoreError(
            f"No database file at {path}: nothing has been recorded there yet "
            "(the bot makes it when it first answers); check DATABASE_URL."
        )


def create_schema(conn: Connection) -> None:
    """Create what is missing: tables, columns added since a database was made, indexes.

    IF NOT EXISTS throughout, so processes that race to do it are safe.
    """
    for table in metadata.sorted_tables:
        conn.execute(CreateTable(table, if_not_exists=True))
    add_missing_columns(conn)
    for table in metadata.sorted_tables:
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            conn.execute(CreateIndex(index, if_not_exists=True))


def add_missing_columns(conn: Connection) -> None:
    """Give a database made by an older version the columns added since (their old rows stay NULL)."""
    for table_name, added in _ADDED_COLUMNS.items():
        table = metadata.tables[table_name]
        have = {c["name"] for c in inspect(conn).get_columns(table.name)}
        for name in added:
            if name not in have:
                kind = table.c[name].type.compile(dialect=conn.dialect)
                log.info("adding column %s to %s", name, table.name)
                conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"))


def read_only_sqlite(parsed: URL) -> URL:
    """A SQLite URL opened read-only and immutable: SQLite makes no -shm or journal file and takes no lock,
    which a write-ahead-log database needs even to be read, so a database on a read-only mount (or in a
    folder its reader cannot write) can be read. It reads no -wal file: `open_store` reads one that holds
    rows through `_read_with_log` instead."""
    database = parsed.database or ""
    if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
        return parsed  # in memory
    uri = {"mode": "ro", "immutable": "1", "uri": "true"}
    if database.startswith("file:"):  # a URI of the user's: its own mode ("rwc") would need to write
        return parsed.update_query_dict(uri)
    path = quote(str(Path(database).absolute()), safe="/")  # no "~" expanded, as SQLite expands none
    return parsed.set(database=f"file:{path}").update_query_dict(uri)


def _foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, as `_sqlite_pragmas` sets them, for a read-only connection (no WAL switch)."""
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on (SQLite leaves them off), deleted rows zeroed in the file (not left in free pages,
    as SQLite builds without SECURE_DELETE leave them), WAL so readers don't block the writer."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        # WAL stays set in the file; switching to it fails at once (no busy wait) while another
        # connection is switching too, so try a few times, and go on without it if it never works.
        for _ in range(50):
            try:
                if cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() in ("wal", "memory"):
                    break
            except sqlite3.OperationalError as exc:
                code = getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_BUSY) & 0xFF  # the primary code
                if code not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    break  # a file that cannot be written (a read-only mount): no wait makes it work
            time.sleep(0.05)
    finally:
        cursor.close()


# ---------------------------------------------------------------- the store


class Store:
    """Questions and votes behind one database URL; safe to share between threads and shard processes."""

    def __init__(self, engine: Engine, salt: bytes) -> None:
        if not salt:
            raise ValueError("the anonymisation salt is empty")
        self.engine = engine
        self._salt = salt
        self._dialect = engine.dialect.name
        self._secrets = _secrets(engine.url)  # never repeated in messages

    @classmethod
    def open(
        cls,
        url: str,
        salt: bytes | str,
        lock_timeout: float = LOCK_TIMEOUT,
        schema: bool = True,
        read_only: bool = False,
    ) -> Store:
        """Connect, creating the tables (and a SQLite file's folder) if missing; StoreError if it can't.

        `lock_timeout`: seconds a SQLite write waits for another writer's lock before it fails. With
        `schema` false nothing is created (a read-only copy is read as it is). With `read_only`, a SQLite
        file is opened as SQLite's immutable read-only URI (`read_only_sqlite`): no journal, no lock, so it
        is read on a read-only mount too; nothing is created and no write succeeds.
        """
        salt = salt.encode("utf-8") if isinstance(salt, str) else salt
        if not salt:
            raise StoreError("The anonymisation salt is empty; set USER_SALT or let the bot make one.")
        parsed = _parse_url(url)
        backend = parsed.get_backend_name()
        if read_only and backend == "sqlite":
            parsed, schema = read_only_sqlite(parsed), False
        # SQLAlchemy's error text would otherwise carry the statement's values (questions, history) into logs.
        kwargs: dict[str, Any] = {"hide_parameters": True}
        if backend == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                _private_file(Path(database))
            kwargs["connect_args"] = {"timeout": lock_timeout}
        elif backend == "postgresql":
            kwargs["pool_pre_ping"] = True
            kwargs["connect_args"] = {"connect_timeout": 10}
        else:
            raise StoreError(f"DATABASE_URL must be a sqlite:// or postgresql:// URL, not {backend}://.")
        try:
            engine = create_engine(parsed, **kwargs)
        except (NoSuchModuleError, ImportError) as exc:
            raise StoreError(f"The database driver for {parsed.drivername} is not installed.") from exc
        if backend == "sqlite":
            event.listen(engine, "connect", _foreign_keys if read_only else _sqlite_pragmas)
        store = cls(engine, salt)
        try:
            with engine.begin() as conn:
                if not schema:
                    conn.execute(select(literal(1)))  # only that it answers
                else:
                    if backend == "postgresql":
                        # Shards starting together would otherwise race to create the same tables.
                        conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
                    create_schema(conn)
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StoreError(
                f"Cannot open the database at {_shown(parsed)} ({_reason(exc, store._secrets)})."
            ) from exc
        log.debug("store open at %s", _shown(parsed))
        return store

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self, doing: str) -> Iterator[Connection]:
        """One transaction; a database failure becomes a StoreError."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            if _locked(exc):  # a helper's trial: "failed while deleting old questions" read as a fault
                raise StoreError(
                    f"The database was busy (another process held its lock) while {doing}; "
                    "try again in a moment."
                ) from exc
            raise StoreError(f"The database failed while {doing} ({_reason(exc, self._secrets)}).") from exc

    def _insert(self, table: Table) -> Any:
        """The dialect's INSERT, which has ON CONFLICT."""
        return (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(table)

    def user_key(self, user_id: int) -> str:
        """The anonymous key of a Discord user: HMAC-SHA-256 of the id under the salt, never the id."""
        return hmac.new(self._salt, str(int(user_id)).encode("ascii"), hashlib.sha256).hexdigest()

    def text_key(self, question: str) -> str:
        """The anonymous key of a question's text as stored: HMAC-SHA-256 under the salt (a prefix, so no
        key equals a user's or a place's)."""
        message = b"text:" + _stored_text(question).encode("utf-8", "surrogatepass")
        return hmac.new(self._salt, message, hashlib.sha256).hexdigest()

    def place_key(self, what: str, place_id: int | None) -> str | None:
        """The anonymous key of a server or channel (`what`: "guild" or "channel"), None for none."""
        if place_id is None:
            return None
        message = f"{what}:{int(place_id)}".encode("ascii")  # a prefix, so no key equals a user's
        return hmac.new(self._salt, message, hashlib.sha256).hexdigest()

    # ------------------------------------------------------------ writing

    def record_answer(
        self,
        answer_id: str,
        user_id: int | None,
        question: str,
        answered: bool,
        chunk_ids: Sequence[str],
        sections: Sequence[str],
        surface: str,
        history: Sequence[str] = (),
        at: datetime | None = None,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        private: bool = True,
        kind: str | None = None,
        continues: bool = False,
        reply_id: int | None = None,
        own_thread: bool = False,
        listed: bool = False,
    ) -> None:
        """Keep a question and what was shown; recording the same answer id again changes nothing.

        `guild_id` and `channel_id` say where the reply was posted (kept only as salted hashes);
        `private` that only the asker saw it, `listed` that it was asked where everyone in the server may
        read (so its words may show in the server's report). They decide who may later see the question.
        `continues` marks a request for more, which the report counts apart from the questions.
        `reply_id` is the bot's reply in a server and `own_thread` whether it went to a thread opened for
        the question.
        """
        answer_id = str(answer_id)
        if not answer_id or len(answer_id) > 64:
            raise ValueError("an answer id is 1 to 64 characters")
        if not surface or len(surface) > 32:
            raise ValueError("a surface name is 1 to 32 characters")
        row = {
            "id": answer_id,
            "user_key": None if user_id is None else self.user_key(user_id),
            "question": _stored_text(question),
            "history": [_stored_text(h) for h in history],
            "answered": bool(answered),
            "chunk_ids": list(chunk_ids),
            "sections": list(sections),
            "surface": surface,
            "at": _utc(at),
            "guild_key": self.place_key("guild", guild_id),
            "channel_key": self.place_key("channel", channel_id),
            "private": bool(private),
            "kind": str(kind) if kind else _kind_answered(answered),
            "continues": bool(continues),
            "reply_id": None if reply_id is None else str(int(reply_id)),
            "own_thread": bool(own_thread),
            "listed": bool(listed) and not private and guild_id is not None,
        }
        distinct = sorted(set(sections))
        with self._tx("recording a question") as conn:
            if self._dialect == "postgresql":  # shared: questions recorded at once do not wait on each other
                conn.execute(select(func.pg_advisory_xact_lock_shared(_FORGET_LOCK)))
            insert = self._insert(answers).values(row).on_conflict_do_nothing(index_elements=["id"])
            new = conn.execute(insert.returning(answers.c.id)).first() is not None
            # Checked once the row is in (on SQLite the write lock is then held, on PostgreSQL the lock that
            # `forget` takes). A question its asker was forgotten after asking (being answered as the forget
            # ran) is not stored at all ...
            if new and row["user_key"] is not None:
                after = select(forgotten.c.seq).where(
                    (forgotten.c.user_key == row["user_key"]) & (forgotten.c.at >= row["at"])
                )
                if conn.execute(after.limit(1)).first() is not None:
                    conn.execute(delete(answers).where(answers.c.id == answer_id))
                    return
            # ... nor a forgotten question that a running bot still held in a conversation.
            if new and row["history"]:
                kept = self._not_forgotten(
                    conn, row["history"], row["user_key"], bool(private), row["channel_key"]
                )
                if kept != row["history"]:
                    conn.execute(update(answers).where(answers.c.id == answer_id).values(history=kept))
            if new and distinct:
                conn.execute(
                    self._insert(answer_sections).on_conflict_do_nothing(),
                    [{"answer_id": answer_id, "section": s} for s in distinct],
                )

    def _not_forgotten(
        self,
        conn: Connection,
        history: list[str],
        user_key: str | None,
        private: bool,
        channel_key: str | None,
    ) -> list[str]:
        """The history less the questions forgotten (`forget`) and not asked again since: in a public
        conversation whoever wrote them, in a private one (only the asker's own words) only when the
        asker was the one forgotten. Asked again after the forget in the same conversation (by them or,
        in public, anyone), a question is a new one and stays."""
        keys = {h: self.text_key(h) for h in history}
        gone = select(forgotten.c.text_key, func.max(forgotten.c.at)).where(
            forgotten.c.text_key.in_(set(keys.values()))
        )
        if private:
            gone = gone.where(forgotten.c.user_key == user_key)
        when = dict(conn.execute(gone.group_by(forgotten.c.text_key)).all())
        dropped = set()
        for said, key in keys.items():
            if key not in when:
                continue
            again = select(answers.c.id).where((answers.c.question == said) & (answers.c.at > when[key]))
            if private:
                again = again.where(answers.c.user_key == user_key)
            else:
                again = again.where(answers.c.channel_key == channel_key)
            if conn.execute(again.limit(1)).first() is None:
                dropped.add(said)
        return [h for h in history if h not in dropped]

    def vote(
        self,
        answer_id: str,
        user_id: int,
        value: int,
        at: datetime | None = None,
        *,
        stamp: int | None = None,
    ) -> bool:
        """Set this user's 👍 (+1) or 👎 (-1) on an answer; False if the answer isn't stored (any more).

        `stamp` orders one person's clicks (the interaction's snowflake id, which grows with its creation
        time): a click older than the one stored changes nothing, however late its write arrives. A vote
        without a stamp always lands.
        """
        if value not in (1, -1):
            raise ValueError("a vote is +1 or -1")
        key = self.user_key(user_id)
        # INSERT ... SELECT: the vote lands only if the answer is there, in the same statement.
        source = select(
            answers.c.id,
            literal(key, String(64)),
            literal(value, SmallInteger),
            literal(_utc(at), DateTime()),
            literal(stamp, BigInteger),
        ).where(answers.c.id == str(answer_id))
        insert = self._insert(votes).from_select(["answer_id", "user_key", "value", "at", "stamp"], source)
        stored, new = votes.c.stamp, insert.excluded.stamp
        upsert = insert.on_conflict_do_update(
            index_elements=["answer_id", "user_key"],
            set_={"value": insert.excluded.value, "at": insert.excluded.at, "stamp": new},
            where=stored.is_(None) | new.is_(None) | (stored < new),
        )
        exists = select(answers.c.id).where(answers.c.id == str(answer_id))
        with self._tx("recording a vote") as conn:
            if conn.execute(upsert.returning(votes.c.value)).first() is not None:
                return True
            # Nothing written: the answer is gone, or a later click of this person is stored already.
            return conn.execute(exists).first() is not None

    def prune(self, retention_days: int, now: datetime | None = None) -> int:
        """Delete answers (and their votes) older than `retention_days` (0 keeps all); the answers deleted."""
        if retention_days <= 0:
            return 0
        cutoff = _utc(now) - timedelta(days=retention_days)
        old = select(answers.c.id).where(answers.c.at < cutoff)
        with self._tx("deleting old questions") as conn:
            conn.execute(delete(votes).where(votes.c.answer_id.in_(old)))
            conn.execute(delete(answer_sections).where(answer_sections.c.answer_id.in_(old)))
            deleted = conn.execute(delete(answers).where(answers.c.at < cutoff)).rowcount
            kept_from = _utc(now) - timedelta(days=max(retention_days, FORGOTTEN_KEPT_DAYS))
            conn.execute(delete(forgotten).where(forgotten.c.at < kept_from))
        if deleted:
            log.info("deleted %d questions older than %d days", deleted, retention_days)
            self._scrub()
        return deleted

    def _scrub(self) -> None:
        """After someone's words were deleted from a SQLite file: its write-ahead log, which still holds
        copies of them (a review found 66 after a `forget`), folded into the file and emptied. Never waited
        on: another process reading or writing at that moment (a backup, a shell) makes it give up at once,
        so no writer is held back (a second review: waiting, a reader held the bot's writes for 30 s); it
        is tried again a few times in about a quarter of a second, then logged."""
        if self._dialect != "sqlite":
            return
        for _ in range(SCRUB_TRIES):
            try:
                with self.engine.connect() as conn:
                    wait = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
                    conn.exec_driver_sql("PRAGMA busy_timeout=0")
                    try:
                        busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
                    finally:
                        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait or 0)}")
            except SQLAlchemyError as exc:
                log.warning("could not empty the database's write-ahead log (%s)", type(exc).__name__)
                return
            if busy is None or not busy[0]:
                return
            time.sleep(0.05)
        log.warning(
            "the database's write-ahead log was busy and still holds deleted words until it is reused"
        )

    def forget(self, user_id: int) -> int:
        """Delete a user's questions (with every vote on them) and votes; the rows deleted.

        Their questions are also taken out of the conversation history kept with other people's
        questions (a follow-up in a thread keeps the questions before it): only of questions asked
        publicly (or of old rows, whose place was not kept, unless they came from a DM), since only a
        public conversation mixes people's questions (and a follow-up may be stored before the question
        it follows). Another person's private conversation (a DM) holds only their own words, even where
        they typed the same question.
        """
        key = self.user_key(user_id)
        theirs = select(answers.c.id).where(answers.c.user_key == key)
        with self._tx("deleting a user's rows") as conn:
            if self._dialect == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_FORGET_LOCK)))
            said = {q for (q,) in conn.execute(select(answers.c.question).where(answers.c.user_key == key))}
            n = conn.execute(
                delete(votes).where((votes.c.user_key == key) | votes.c.answer_id.in_(theirs))
            ).rowcount
            conn.execute(delete(answer_sections).where(answer_sections.c.answer_id.in_(theirs)))
            n += conn.execute(delete(answers).where(answers.c.user_key == key)).rowcount
            if said:
                # Old rows (no `private` yet) count as public unless they came from a DM.
                public = answers.c.private.is_(False) | (
                    answers.c.private.is_(None) & (answers.c.surface != "dm")
                )
                _drop_from_histories(conn, public, said)
                # A running bot may still hold them in a conversation: kept as keys, so that it neither
                # stores them again (`record_answer`) nor reads after them (`forgotten_since`). Not a
                # request for more ("more please"): no one's words, and everyone's paging.
                now = _utc(None)
                rows = [
                    {"text_key": self.text_key(q), "user_key": key, "at": now}
                    for q in sorted(said)
                    if not asks_for_more(q)
                ]
                if rows:
                    conn.execute(forgotten.insert(), rows)
        self._scrub()
        return n

    def forgotten_since(self, seq: int = 0) -> tuple[int, dict[str, Forgotten]]:
        """The questions forgotten after the mark `seq` (0: all that are kept), by `text_key`, and the mark
        to ask after next time."""
        with self._tx("reading what was forgotten") as conn:
            rows = conn.execute(
                select(forgotten.c.seq, forgotten.c.text_key, forgotten.c.user_key, forgotten.c.at).where(
                    forgotten.c.seq > seq
                )
            ).all()
        found: dict[str, Forgotten] = {}
        for r in rows:
            at, before = _aware(r.at), found.get(r.text_key)
            users = dict(before.users) if before else {}
            users[r.user_key] = max(at, users.get(r.user_key, at))
            found[r.text_key] = Forgotten(max(at, before.at) if before else at, users)
        return max((int(r.seq) for r in rows), default=seq), found

    def withdraw(self, answer_id: str) -> int:
        """Delete one question (it was deleted on Discord), with the votes on it, and take it out of the
        histories of the public questions asked after it in the same server (a reply to its answer may go
        on in a thread of its own) or, without one, the same channel; the rows deleted."""
        n = self._withdraw(str(answer_id))
        if n:
            self._scrub()
        return n

    def _withdraw(self, answer_id: str) -> int:
        with self._tx("deleting a question") as conn:
            asked = select(
                answers.c.question,
                answers.c.guild_key,
                answers.c.channel_key,
                answers.c.at,
                answers.c.continues,
            )
            row = conn.execute(asked.where(answers.c.id == answer_id)).first()
            if row is None:
                return 0
            n = conn.execute(delete(votes).where(votes.c.answer_id == answer_id)).rowcount
            conn.execute(delete(answer_sections).where(answer_sections.c.answer_id == answer_id))
            n += conn.execute(delete(answers).where(answers.c.id == answer_id)).rowcount
            if row.guild_key is not None:
                place = answers.c.guild_key == row.guild_key
            elif row.channel_key is not None:
                place = answers.c.channel_key == row.channel_key
            else:
                return n
            if row.continues:  # "more please" is no question: others' conversations keep their requests
                return n
            later = place & answers.c.private.is_(False) & (answers.c.at >= row.at)
            _drop_from_histories(conn, later, {row.question})
        return n

    # ------------------------------------------------------------ reading

    def posted_replies(self, answer_ids: Sequence[int], channel_id: int) -> dict[int, PostedReplies]:
        """Where the replies to questions asked in a server, deleted in channel `channel_id`, went, by
        question id; questions not stored (or asked in a DM) are left out. A question's reply went to the
        thread the bot opened for it (whose id is the question's) or to `channel_id`, the deletion's; so
        did the replies to the requests for more that went on from it, found there by the question they
        continue and asked after it (the places are kept as hashes, not ids)."""
        found: dict[int, PostedReplies] = {}
        for start in range(0, len(answer_ids), LOOKUP_BATCH):
            batch = {str(i): int(i) for i in answer_ids[start : start + LOOKUP_BATCH]}
            with self._tx("reading deleted questions") as conn:
                rows = conn.execute(
                    select(answers).where(answers.c.id.in_(list(batch)), answers.c.guild_key.is_not(None))
                ).mappings()
                places: dict[int, list[tuple[int, Any, bool]]] = {}  # where replies went -> questions there
                for row in rows:
                    question_id = batch[row["id"]]
                    own = row["own_thread"]
                    if own is None:  # a row from before this was kept: a thread opened for it has its id
                        own = row["channel_key"] == self.place_key("channel", question_id)
                    where = question_id if own else channel_id
                    places.setdefault(where, []).append((question_id, row, bool(own)))
                for where, asked in places.items():
                    questions = [row for _, row, _ in asked if not row["continues"]]
                    going_on = (
                        self._requests_for_more(conn, where, questions[0]["guild_key"]) if questions else {}
                    )
                    for question_id, row, own in asked:
                        later = [m for at, m in going_on.get(row["question"], ()) if at >= row["at"]]
                        more = () if row["continues"] else tuple(later)
                        reply = None if row["reply_id"] is None else int(row["reply_id"])
                        # A request for more: the question it went on from (its own words when its
                        # history is gone, so that it still reads as a request).
                        continues = (
                            (_continued(row["history"]) or row["question"]) if row["continues"] else None
                        )
                        found[question_id] = PostedReplies(
                            row["question"], where, own, reply, more, continues
                        )
        return found

    def _requests_for_more(
        self, conn: Connection, channel_id: int, guild_key: str
    ) -> dict[str, list[tuple[datetime, int]]]:
        """The requests for more answered in a channel of a server, with a reply kept, by the question
        they continue: when each was asked and its reply. A row whose history cannot be read is skipped."""
        # As text, decoded here (psycopg would decode JSON itself): one damaged row must not stop the rest.
        history = cast(answers.c.history, Text)
        rows = conn.execute(
            select(answers.c.guild_key, answers.c.at, answers.c.reply_id, history).where(
                answers.c.channel_key == self.place_key("channel", channel_id),
                answers.c.continues.is_(True),
                answers.c.reply_id.is_not(None),
            )
        )
        by_question: dict[str, list[tuple[datetime, int]]] = {}
        for guild, at, reply_id, text_of_history in rows:
            if guild != guild_key:
                continue  # a channel is in one server only; checked all the same
            try:
                question = _continued(json.loads(text_of_history))
                reply = int(reply_id)
            except (TypeError, ValueError):
                continue  # a damaged row: no request to take down
            if question is not None:
                by_question.setdefault(question, []).append((at, reply))
        return by_question

    def get_answer(self, answer_id: str) -> StoredAnswer | None:
        """A recorded answer, or None if it was never stored or has been deleted."""
        with self._tx("reading a question") as conn:
            row = conn.execute(select(answers).where(answers.c.id == str(answer_id))).mappings().first()
        return None if row is None else _stored(row)

    def answer_for(self, answer_id: str, user_id: int, channel_id: int | None) -> StoredAnswer | None:
        """The answer if this person may see it, else None (as if it were not stored).

        The asker always may; anyone else only for a reply posted publicly in the channel they are in.
        """
        with self._tx("reading a question") as conn:
            row = conn.execute(select(answers).where(answers.c.id == str(answer_id))).mappings().first()
        if row is None:
            return None
        if row["user_key"] is not None and row["user_key"] == self.user_key(user_id):
            return _stored(row)
        public = row["private"] is False and row["channel_key"] is not None
        if public and row["channel_key"] == self.place_key("channel", channel_id):
            return _stored(row)
        return None

    def latest_in(
        self, channel_id: int, surfaces: Sequence[str], user_id: int | None = None
    ) -> StoredAnswer | None:
        """The latest answer to a question (not chatter) asked in a channel by one of `surfaces`: with
        `user_id` (a DM) that person's own; without, only one posted publicly there (a thread, where
        everyone reads the conversation). None if there is none."""
        channel = self.place_key("channel", channel_id)
        visible = (
            answers.c.private.is_(False) if user_id is None else answers.c.user_key == self.user_key(user_id)
        )
        kind = _reply_kind()
        with self._tx("reading a conversation") as conn:
            row = (
                conn.execute(
                    select(answers)
                    .where(
                        answers.c.channel_key == channel,
                        visible,
                        answers.c.surface.in_(tuple(surfaces)),
                        kind.in_([k.value for k in QUESTION_KINDS]),
                    )
                    .order_by(answers.c.at.desc(), answers.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
        return None if row is None else _stored(row)

    def get_vote(self, answer_id: str, user_id: int) -> int | None:
        """This user's vote on an answer (+1 / -1), or None."""
        key = self.user_key(user_id)
        where = (votes.c.answer_id == str(answer_id)) & (votes.c.user_key == key)
        with self._tx("reading a vote") as conn:
            return conn.execute(select(votes.c.value).where(where)).scalar()

    def report(
        self,
        now: datetime | None = None,
        top: int = TOP_UNANSWERED,
        audience: Audience | None = None,
        retention_days: int = 0,
    ) -> UsageReport:
        """Questions per day, abstention rate, votes per cited section, most asked unanswered questions.

        `audience` (default: everything) limits what is counted and shown; see `Audience`. With
        `retention_days`, older rows are not counted (where they could not be deleted: a read-only copy).
        """
        audience = audience or Audience.everything()
        until = _utc(now)
        counted = answers.c.at <= until
        if retention_days > 0:
            counted = counted & (answers.c.at >= until - timedelta(days=retention_days))
        if audience.guild_id is not None:
            counted = counted & (answers.c.guild_key == self.place_key("guild", audience.guild_id))
        # Requests for more are counted apart: they ask nothing new (rows from before the column: NULL).
        more = counted & answers.c.continues.is_(True)
        seen = counted & answers.c.continues.is_not(True)
        # A server's admins read only the words of questions everyone there could read.
        texts = seen if audience.guild_id is None else seen & answers.c.listed.is_(True)
        kind = _reply_kind()
        abstained = func.sum(case((kind == Kind.NOT_COVERED.value, 1), else_=0))
        day = func.date(answers.c.at, type_=Date)
        up = func.sum(case((votes.c.value > 0, 1), else_=0))
        down = func.sum(case((votes.c.value < 0, 1), else_=0))
        with self._tx("reading the report") as conn:
            days = conn.execute(
                select(day.label("day"), func.count(), abstained).where(seen).group_by(day).order_by(day)
            ).all()
            kinds = conn.execute(select(kind.label("kind"), func.count()).where(seen).group_by(kind)).all()
            day_kinds = conn.execute(
                select(day.label("day"), kind.label("kind"), func.count())
                .where(seen)
                .group_by(day, kind)
                .order_by(day, kind)
            ).all()
            sections = conn.execute(
                select(answer_sections.c.section, up.label("up"), down.label("down"))
                .select_from(votes.join(answer_sections, answer_sections.c.answer_id == votes.c.answer_id))
                .join(answers, answers.c.id == votes.c.answer_id)
                .where(counted)
                .group_by(answer_sections.c.section)
                .order_by((up + down).desc(), answer_sections.c.section)
            ).all()
            totals = conn.execute(select(up, down).select_from(votes.join(answers)).where(counted)).one()
            more_requests = conn.execute(select(func.count()).where(more)).scalar()
            legacy = answers.c.continues.is_(None)  # stored before requests for more were marked
            unanswered = conn.execute(
                select(answers.c.question, legacy.label("legacy"), func.count())
                .where(kind == Kind.NOT_COVERED.value, texts)
                .group_by(answers.c.question, legacy)
            ).all()
        per_day = tuple(DayCount(_as_date(d), int(q), int(a or 0)) for d, q, a in days)
        questions = sum(d.questions for d in per_day)
        missed = sum(d.abstained for d in per_day)
        return UsageReport(
            generated_at=_aware(until),
            questions=questions,
            abstained=missed,
            abstention_rate=missed / questions if questions else 0.0,
            votes_up=int(totals[0] or 0),
            votes_down=int(totals[1] or 0),
            per_day=per_day,
            section_votes=tuple(SectionVotes(s, int(u or 0), int(d or 0)) for s, u, d in sections),
            top_unanswered=group_questions(_gaps(unanswered), top),
            kinds=tuple(
                KindCount(str(k), int(n)) for k, n in sorted(kinds, key=lambda kn: (-int(kn[1]), str(kn[0])))
            ),
            per_day_kinds=tuple(DayKindCount(_as_date(d), str(k), int(n)) for d, k, n in day_kinds),
            more_requests=int(more_requests or 0),
        )

    def ping(self) -> None:
        """One cheap read of the answers table; StoreError when the database cannot be reached."""
        with self._tx("checking the database") as conn:
            conn.execute(select(answers.c.id).limit(1)).all()

    def dump_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored row, table by table (for tests and inspection)."""
        with self._tx("reading every row") as conn:
            return {
                t.name: [dict(r) for r in conn.execute(select(t)).mappings()] for t in metadata.sorted_tables
            }


def _reply_kind() -> Any:
    """A row's reply kind in SQL; rows from before kinds were kept are answers or not (as `_kind_of`)."""
    answered = case((answers.c.answered.is_(True), Kind.ANSWER.value), else_=Kind.NOT_COVERED.value)
    return func.coalesce(answers.c.kind, answered)


def _gaps(rows: Sequence[Any]) -> dict[str, int]:
    """How often each unanswered question was asked, from (question, stored unmarked, count) rows: a
    row stored before requests for more were marked is told by its words ("more please")."""
    counts: dict[str, int] = {}
    for question, legacy, n in rows:
        if not (legacy and asks_for_more(question)):
            counts[question] = counts.get(question, 0) + int(n)
    return counts


def _continued(history: object) -> str | None:
    """The question a request for more went on from, in the history stored with it: the message before
    the requests for more that end it (bot.core.answer.history_read); None for anything else."""
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        return None
    at = continued_at(history, pages_asked(history))
    return None if at is None else history[at]


def _kind_of(row: Any) -> str:
    """A row's reply kind; rows from before kinds were kept are answers or not."""
    return row["kind"] or _kind_answered(row["answered"])


def _kind_answered(answered: bool) -> str:
    """The kind of a reply known only as answered or not (as `_reply_kind` reads it in SQL)."""
    return Kind.ANSWER.value if answered else Kind.NOT_COVERED.value


def _stored(row: Any) -> StoredAnswer:
    """A stored answer from its row."""
    return StoredAnswer(
        answer_id=row["id"],
        question=row["question"],
        history=tuple(row["history"] or ()),
        answered=bool(row["answered"]),
        sections=tuple(row["sections"] or ()),
        surface=row["surface"],
        at=_aware(row["at"]),
        private=row["private"] is not False,  # NULL (an older row): private, to be safe
        kind=_kind_of(row),
    )


def _as_date(value: object) -> date:
    """A day from the database (a date, or ISO text on some drivers)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


__all__ = [
    "Audience",
    "DayCount",
    "DayKindCount",
    "KindCount",
    "PostedReplies",
    "SectionVotes",
    "Store",
    "StoreError",
    "StoredAnswer",
    "UnansweredGroup",
    "UsageReport",
    "default_url",
    "load_salt",
    "open_store",
]
