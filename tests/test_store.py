"""Tests of the question and vote store, against SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text, update
from sqlalchemy.exc import OperationalError

from bot.config import Settings
from bot.store import (
    Audience,
    DayCount,
    PostedReplies,
    SectionVotes,
    Store,
    StoredAnswer,
    StoreError,
    UnansweredGroup,
    _read_with_log,
    answers,
    default_url,
    group_questions,
    load_salt,
    normalise,
    open_store,
)

ROOT = Path(__file__).resolve().parent.parent
SALT = b"test-salt-of-the-store-tests"
NOW = datetime(2025, 11, 25, 12, 0, tzinfo=UTC)
ALICE, BOB, CAROL = 111111111111111111, 222222222222222222, 333333333333333333
SETTINGS = ("DATABASE_URL", "DATA_DIR", "USER_SALT", "RETENTION_DAYS", "LOG_LEVEL")
NO_POSTGRES = "TEST_DATABASE_URL is not set (.ci/run starts a PostgreSQL server on loopback and sets it)"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file in a folder yet to be made, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'store.sqlite3'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(NO_POSTGRES)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """The store opened on the fresh database."""
    opened = Store.open(db_url, SALT)
    yield opened
    opened.close()


def record(store: Store, answer_id: str, user: int | None, question: str, **kw: object) -> None:
    """record_answer with defaults for what a test doesn't care about."""
    values: dict = {
        "answered": True,
        "chunk_ids": ["c1"],
        "sections": ["Intro"],
        "surface": "slash",
        "at": NOW - timedelta(hours=1),
    }
    values.update(kw)
    store.record_answer(answer_id, user, question, **values)


def all_text(store: Store) -> str:
    """Every stored row as one string."""
    return json.dumps(store.dump_rows(), default=str)


# ---------------------------------------------------------------- recording


def test_record_and_read_back(store: Store, db_url: str) -> None:
    at = datetime(2025, 11, 24, 18, 30, tzinfo=timezone(timedelta(hours=-5)))
    store.record_answer(
        "1001",
        ALICE,
        "Where did they meet?",
        answered=True,
        chunk_ids=["meeting-0003", "meeting-0010"],
        sections=["Shared Ground", "FAQ"],
        surface="thread",
        history=["Who met?", "When?"],
        at=at,
    )
    got = store.get_answer("1001")
    assert got == StoredAnswer(
        answer_id="1001",
        question="Where did they meet?",
        history=("Who met?", "When?"),
        answered=True,
        sections=("Shared Ground", "FAQ"),
        surface="thread",
        at=datetime(2025, 11, 24, 23, 30, tzinfo=UTC),
        private=True,  # the default when nobody says where it was posted
        kind="answer",
    )
    assert got.at == at
    assert store.get_answer("9999") is None
    # The same answer id again (a retry) keeps the first record.
    record(store, "1001", BOB, "something else", answered=False)
    assert store.get_answer("1001") == got
    if db_url.startswith("sqlite"):
        assert Path(make_url(db_url).database).is_file()  # its folder was created


def test_nul_characters_are_dropped(store: Store) -> None:
    record(store, "1", ALICE, "When\x00?", history=["a\x00b"])
    got = store.get_answer("1")
    assert (got.question, got.history) == ("When?", ("ab",))


def test_cli_answers_have_no_user(store: Store) -> None:
    record(store, "cli-1", None, "When was the meeting?", surface="cli")
    (row,) = store.dump_rows()["mb_answers"]
    assert row["user_key"] is None
    assert store.get_answer("cli-1").surface == "cli"


def test_store_reopens_with_its_rows(db_url: str) -> None:
    with Store.open(db_url, SALT) as first:
        record(first, "1", ALICE, "When?")
    with Store.open(db_url, SALT) as again:
        assert again.get_answer("1").question == "When?"


# ---------------------------------------------------------------- votes


def test_a_changed_vote_leaves_one_row_with_the_new_value(store: Store) -> None:
    record(store, "1", ALICE, "When?")
    assert store.vote("1", BOB, 1)
    assert store.vote("1", BOB, -1)
    rows = store.dump_rows()["mb_votes"]
    assert len(rows) == 1 and rows[0]["value"] == -1
    assert store.vote("1", BOB, -1)  # the same button again keeps it
    assert [r["value"] for r in store.dump_rows()["mb_votes"]] == [-1]
    assert store.get_vote("1", BOB) == -1
    assert store.vote("1", CAROL, 1)
    assert sorted(r["value"] for r in store.dump_rows()["mb_votes"]) == [-1, 1]
    assert store.get_vote("1", ALICE) is None


def test_only_a_later_click_changes_a_vote(store: Store) -> None:
    """A click carries its order (the interaction's snowflake); one older than the stored vote is ignored."""
    record(store, "1", ALICE, "When?")
    assert store.vote("1", BOB, -1, stamp=1_000_002)
    assert store.vote("1", BOB, 1, stamp=1_000_001)  # the earlier click, written late: still counted...
    assert store.get_vote("1", BOB) == -1  # ... but it does not undo the later one
    assert store.vote("1", BOB, 1, stamp=1_000_003)
    assert store.get_vote("1", BOB) == 1
    assert store.vote("1", BOB, -1)  # without an order (the command line, tests): it always lands
    assert store.get_vote("1", BOB) == -1
    assert store.vote("404", BOB, 1, stamp=1_000_004) is False


def test_the_last_of_each_persons_clicks_wins_under_concurrency(db_url: str) -> None:
    """40 people click 👍 then 👎 at once; each person's two writes race from their own threads."""
    voters = [900_000_000_000_000_000 + i for i in range(40)]
    barrier = threading.Barrier(2 * len(voters))
    errors: list[BaseException] = []
    with Store.open(db_url, SALT) as store:
        record(store, "1", ALICE, "When?")

        def click(user: int, value: int, stamp: int) -> None:
            try:
                barrier.wait()
                assert store.vote("1", user, value, stamp=stamp)
            except BaseException as exc:  # reported below
                errors.append(exc)

        base = 1_400_000_000_000_000_000
        threads = [
            threading.Thread(target=click, args=(user, value, base + 2 * n + (value < 0)))
            for n, user in enumerate(voters)
            for value in (-1, 1)  # the 👎 thread starts first, so without order it often loses
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors, errors
        assert [store.get_vote("1", user) for user in voters] == [-1] * len(voters)


def test_a_vote_on_an_unknown_answer_is_not_stored(store: Store) -> None:
    assert store.vote("404", BOB, 1) is False
    assert store.dump_rows()["mb_votes"] == []
    with pytest.raises(ValueError):
        store.vote("404", BOB, 2)


def test_votes_count_for_each_section_cited(store: Store) -> None:
    record(store, "1", ALICE, "q1", sections=["Housing", "FAQ"])
    record(store, "2", ALICE, "q2", sections=["FAQ", "FAQ"])
    record(store, "3", ALICE, "q3", sections=["Energy"])
    record(store, "4", ALICE, "q4", sections=[])
    store.vote("1", BOB, 1)
    store.vote("1", CAROL, -1)
    store.vote("2", BOB, 1)
    store.vote("4", BOB, -1)
    report = store.report(now=NOW)
    assert report.section_votes == (
        SectionVotes("FAQ", up=2, down=1),
        SectionVotes("Housing", up=1, down=1),
    )
    assert (report.votes_up, report.votes_down) == (2, 2)


# ---------------------------------------------------------------- the report


def test_questions_per_day_and_abstention_rate(store: Store) -> None:
    day1 = datetime(2025, 11, 23, 9, tzinfo=UTC)
    record(store, "1", ALICE, "a", at=day1)
    record(store, "2", BOB, "b", at=day1 + timedelta(hours=14), answered=False)
    # 21:00 in New York on the 23rd is the 24th in UTC.
    record(store, "3", BOB, "c", at=datetime(2025, 11, 23, 21, tzinfo=timezone(timedelta(hours=-5))))
    record(store, "4", CAROL, "d", at=datetime(2025, 11, 25, 8, tzinfo=UTC), answered=False)
    record(store, "5", CAROL, "after now", at=NOW + timedelta(hours=1), answered=False)
    report = store.report(now=NOW)
    assert report.per_day == (
        DayCount(date(2025, 11, 23), questions=2, abstained=1),
        DayCount(date(2025, 11, 24), questions=1, abstained=0),
        DayCount(date(2025, 11, 25), questions=1, abstained=1),
    )
    assert (report.questions, report.abstained) == (4, 2)
    assert report.abstention_rate == pytest.approx(0.5)
    assert report.generated_at == NOW


def test_an_empty_store_reports_nothing(store: Store) -> None:
    report = store.report(now=NOW)
    assert (report.questions, report.abstention_rate, report.per_day) == (0, 0.0, ())
    assert report.section_votes == () and report.top_unanswered == ()


def test_unanswered_near_duplicates_are_grouped(store: Store) -> None:
    asked = [
        "what did mamdani eat for lunch?",
        "What did Mamdani eat for lunch",
        "what did mamdani eat for lunch?",
        "what did mamdani have for lunch",
        "what did mamdnai eat for lnuch",  # typos: caught by the spelling measure, not the word sets
        "Is Trump going to visit the Bronx?",
        "what did trump say",
        "What did Trump say about rent control?",  # contains the one before, but asks something else
        "When was the meeting?",  # answered: not in the list
    ]
    for n, question in enumerate(asked):
        record(store, str(n), ALICE, question, answered=n == len(asked) - 1)
    top = store.report(now=NOW).top_unanswered
    assert top[0] == UnansweredGroup(
        "what did mamdani eat for lunch?",
        5,
        (
            "What did Mamdani eat for lunch",
            "what did mamdani have for lunch",
            "what did mamdnai eat for lnuch",
        ),
    )
    assert sorted((g.question, g.count) for g in top[1:]) == [
        ("Is Trump going to visit the Bronx?", 1),
        ("What did Trump say about rent control?", 1),
        ("what did trump say", 1),
    ]
    assert all("When was the meeting?" not in (g.question, *g.examples) for g in top)


def test_grouping_is_deterministic_and_limited() -> None:
    words = "apples bridges castles dragons engines forests glaciers harbours islands jungles".split()
    counts = {f"why {w} {w[::-1]}": n + 1 for n, w in enumerate(words)}
    counts["WHAT, did they... agree on?"] = 3
    counts["what did they agree on"] = 3
    first = group_questions(counts, top=5)
    assert first == group_questions(dict(reversed(list(counts.items()))), top=5)
    assert len(first) == 5
    assert [g.count for g in first] == sorted((g.count for g in first), reverse=True)
    assert normalise("  WHAT, did they...   agree on? ") == "what did they agree on"
    (agree,) = [g for g in group_questions(counts, top=50) if "agree" in g.question]
    assert agree.count == 6


# ---------------------------------------------------------------- retention and privacy


def test_prune_deletes_only_old_rows(store: Store) -> None:
    record(store, "old", ALICE, "old question", at=NOW - timedelta(days=91), sections=["FAQ"])
    record(store, "new", ALICE, "new question", at=NOW - timedelta(days=89), sections=["FAQ"])
    store.vote("old", BOB, 1)
    store.vote("new", BOB, -1)
    assert store.prune(0, now=NOW) == 0  # 0 keeps everything
    assert store.prune(90, now=NOW) == 1
    rows = store.dump_rows()
    assert [r["id"] for r in rows["mb_answers"]] == ["new"]
    assert [r["answer_id"] for r in rows["mb_votes"]] == ["new"]
    assert [r["answer_id"] for r in rows["mb_answer_sections"]] == ["new"]
    assert store.get_answer("old") is None
    assert store.prune(90, now=NOW) == 0


def test_forget_deletes_only_that_users_rows(store: Store) -> None:
    record(store, "a1", ALICE, "alice asks")
    record(store, "a2", ALICE, "alice asks again")
    record(store, "b1", BOB, "bob asks")
    store.vote("b1", ALICE, 1)  # Alice's vote on Bob's answer
    store.vote("a1", BOB, -1)  # Bob's vote on Alice's answer goes with it
    store.vote("b1", CAROL, 1)
    assert store.forget(ALICE) == 4  # two questions, her vote, and the vote on her answer
    rows = store.dump_rows()
    assert [r["id"] for r in rows["mb_answers"]] == ["b1"]
    assert [(r["answer_id"], r["value"]) for r in rows["mb_votes"]] == [("b1", 1)]
    assert store.get_vote("b1", CAROL) == 1
    assert store.forget(ALICE) == 0


def test_withdraw_deletes_a_question_and_takes_it_out_of_the_histories_after_it(store: Store) -> None:
    # A question deleted on Discord after its answer was posted (bot.chat.asking: `_withdraw`).
    place = {"guild_id": 1, "channel_id": 7, "private": False, "surface": "mention"}
    record(store, "q1", ALICE, "secret question", **place)
    record(store, "q2", BOB, "and where?", history=["secret question"], **{**place, "surface": "thread"})
    record(store, "q3", BOB, "secret question", history=["secret question"], surface="dm")  # a DM: his own
    # A reply to its answer, going on in a thread of its own: the same server, another channel.
    record(store, "q4", CAROL, "what now?", history=["secret question"], **{**place, "channel_id": 8})
    record(store, "q5", CAROL, "what now?", history=["secret question"], **{**place, "guild_id": 2})
    store.vote("q1", BOB, 1)
    assert store.withdraw("q1") == 2  # the question and the vote on it
    rows = {r["id"]: r for r in store.dump_rows()["mb_answers"]}
    assert sorted(rows) == ["q2", "q3", "q4", "q5"] and not store.dump_rows()["mb_votes"]
    assert rows["q2"]["history"] == rows["q4"]["history"] == []  # asked after it, in its server
    assert rows["q3"]["history"] == rows["q5"]["history"] == ["secret question"]  # another place's own
    assert store.withdraw("q1") == 0


def test_the_raw_user_id_is_never_stored(store: Store, db_url: str) -> None:
    user = 987654321098765432
    record(store, "1", user, "When?")
    record(store, "2", BOB, "Where?")
    store.vote("2", user, 1)
    assert str(user) not in all_text(store)
    assert store.user_key(user) in all_text(store)
    assert store.user_key(user) != Store.open(db_url, b"another salt").user_key(user)
    if db_url.startswith("sqlite"):
        store.close()
        db = Path(make_url(db_url).database)
        for path in db.parent.iterdir():  # the database, and its write-ahead log if any
            data = path.read_bytes()
            assert str(user).encode() not in data and user.to_bytes(8, "little") not in data


def test_the_salt_file_is_made_once(tmp_path: Path) -> None:
    salt = load_salt(tmp_path / "data")
    assert len(salt) >= 32
    assert load_salt(tmp_path / "data") == salt
    assert oct((tmp_path / "data" / "salt").stat().st_mode & 0o777) == "0o600"


def test_a_salt_file_too_short_to_hide_who_asked_is_warned_of(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A trial: a one-byte salt file was used without a word (USER_SALT asks for 16 characters at least).
    It is still used (the rows stored are keyed by it: only it lets `forget` find them), with a warning."""
    (tmp_path / "salt").write_text("x")
    with caplog.at_level("WARNING"):
        assert load_salt(tmp_path) == b"x"
    assert "holds 1 character, too few to hide who asked (USER_SALT needs 16)" in caplog.text
    caplog.clear()
    (tmp_path / "salt").write_text("x" * 16)
    assert load_salt(tmp_path) == b"x" * 16 and not caplog.text


def test_a_data_dir_that_is_a_file_is_said_so(tmp_path: Path) -> None:
    """It used to say "Cannot read or create the salt file …/salt: File exists."."""
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match=r"DATA_DIR .* is not a folder"):
        load_salt(tmp_path / "data")


def test_the_sqlite_file_and_its_companions_are_private(tmp_path: Path) -> None:
    """Questions are private data: the database, its write-ahead log and shared memory are 0600."""
    previous = os.umask(0o022)  # the usual umask, under which files are made 0644 unless asked otherwise
    try:
        with open_store(Settings(_env_file=None, data_dir=tmp_path / "data")) as store:
            record(store, "1", ALICE, "What is my bank PIN?")
            made = sorted(p.name for p in (tmp_path / "data").iterdir())
            modes = {p.name: oct(p.stat().st_mode & 0o777) for p in (tmp_path / "data").iterdir()}
    finally:
        os.umask(previous)
    assert "meeting-bot.sqlite3" in made and "meeting-bot.sqlite3-wal" in made
    assert set(modes.values()) == {"0o600"}, modes


# ---------------------------------------------------------------- concurrency and errors


def test_concurrent_shards_open_and_vote_safely(db_url: str) -> None:
    errors: list[BaseException] = []
    stores: list[Store] = []
    barrier = threading.Barrier(4)

    def shard() -> None:
        try:
            barrier.wait()
            opened = Store.open(db_url, SALT)  # all create the tables at once
            stores.append(opened)
            opened.record_answer("1", ALICE, "When?", True, ["c1"], ["Intro"], "slash", at=NOW)
            for n in range(10):
                opened.vote("1", BOB, 1 if n % 2 else -1)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=shard) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert not errors, errors
        rows = stores[0].dump_rows()
        assert len(rows["mb_answers"]) == 1 and len(rows["mb_votes"]) == 1
    finally:
        for s in stores:
            s.close()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "mysql://someone@127.0.0.1/db",
        "not a url at all",
    ],
)
def test_open_failures_are_one_sentence(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        Store.open(url, SALT)
    message = str(caught.value)
    assert "\n" not in message and message.endswith("."), message


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("postgresql://someone:hunter2secret@127.0.0.1:1/none", id="in-the-user-part"),
        pytest.param("postgresql:///none?host=127.0.0.1&port=1&password=hunter2secret", id="query"),
        pytest.param("postgresql://someone@127.0.0.1:1/none?PASSWORD=hunter2secret", id="query-upper-case"),
        pytest.param(
            "postgresql://someone@/none?host=127.0.0.1&password=hunter2secret&bogus=1", id="bad-option"
        ),
        pytest.param(
            "postgresql://someone@127.0.0.1:1/none?sslpassword=hunter2secret", id="ssl-key-password"
        ),
        pytest.param(
            "postgresql://someone@127.0.0.1:1/none?password=hunter2+secret&sslmode=no", id="encoded"
        ),
    ],
)
def test_the_password_is_not_shown(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        Store.open(url, SALT)
    message = str(caught.value)
    assert "hunter2" not in message and "secret" not in message, message
    assert message.startswith("Cannot open the database at postgresql") and "\n" not in message


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://u:hunter2secret@h/db", "postgresql+psycopg:///db?password=hunter2secret"]
)
def test_a_driver_message_quoting_the_password_is_hidden(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the driver says about the connection, the password in the URL is not repeated."""
    store = Store(create_engine(url), SALT)  # never connects: the driver fails at once, quoting it

    @contextmanager
    def failing() -> Iterator[None]:
        raise OperationalError("SELECT 1", {}, Exception('bad value "hunter2secret" for an option'))
        yield

    monkeypatch.setattr(store.engine, "begin", failing)
    with pytest.raises(StoreError) as caught:
        store.get_answer("1")
    assert "hunter2secret" not in str(caught.value) and "bad value" in str(caught.value)


def test_the_cli_never_prints_a_query_password(tmp_path: Path) -> None:
    url = "postgresql:///none?host=127.0.0.1&port=1&password=hunter2secret"
    result = run_cli("report", cwd=tmp_path, DATA_DIR=str(tmp_path), DATABASE_URL=url)
    assert result.returncode == 1 and "error: Cannot open the database" in result.stderr
    assert "hunter2secret" not in result.stdout + result.stderr


# ---------------------------------------------------------------- command line


def run_cli(*args: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with only the given store settings, from a folder without a .env."""
    environ = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS}
    environ.update(settings, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=environ,
        timeout=120,
    )


def test_cli_report_and_forget(db_url: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with Store.open(db_url, SALT) as store:
        record(store, "1", ALICE, "what did mamdani eat for lunch?", answered=False, at=now, sections=["FAQ"])
        record(store, "2", BOB, "What did Mamdani eat for lunch", answered=False, at=now)
        record(store, "3", BOB, "Where did they meet?", at=now, sections=["Shared Ground"])
        record(store, "4", BOB, "an old question", answered=False, at=now - timedelta(days=100))
        store.vote("3", ALICE, 1)
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path / "data"), "USER_SALT": SALT.decode()}

    result = run_cli("report", "--json", cwd=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"] == 3  # the 100-day-old one was deleted first (RETENTION_DAYS=90)
    assert report["abstention_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["section_votes"] == [{"section": "Shared Ground", "up": 1, "down": 0}]
    assert report["top_unanswered"][0]["count"] == 2
    assert report["kinds"] == {"not_covered": 2, "answer": 1}

    text_report = run_cli("report", cwd=tmp_path, **env)
    assert text_report.returncode == 0, text_report.stderr
    assert "what did mamdani eat for lunch?" in text_report.stdout
    assert "Shared Ground" in text_report.stdout and "66.7%" in text_report.stdout
    assert "Replies by kind: not_covered 2, answer 1." in text_report.stdout

    forgotten = run_cli("forget", str(BOB), cwd=tmp_path, **env)
    assert forgotten.returncode == 0, forgotten.stderr
    assert forgotten.stdout.startswith("Deleted 3 rows")  # his two questions and the vote on one of them
    with Store.open(db_url, SALT) as store:
        assert [r["id"] for r in store.dump_rows()["mb_answers"]] == ["1"]

    # "0" and an id past 2^64 - 1 are nobody's: "Deleted 0 rows ... of user 0" (a trial) hid the typo.
    # A later trial: "digits only" was the reason given for "0" and 29 nines, which are digits only.
    for typo, reason in (
        ("abc", "must be a Discord user id, digits only"),
        ("0", "0 is no Discord user id, which is a number from 1 to 18446744073709551615"),
        ("18446744073709551616", "18446744073709551616 is no Discord user id"),
        ("9" * 29, "9" * 24 + "… is no Discord user id"),
        ("0000", "0000 is no Discord user id"),
        ("1" + "0" * 5000, "1" + "0" * 23 + "… is no Discord user id"),  # too long for int()
    ):
        bad = run_cli("forget", typo, cwd=tmp_path, **env)
        assert bad.returncode == 2
        (line,) = bad.stderr.strip().splitlines()
        assert line.startswith(f"error: USER_ID {reason}") and line.endswith("."), line


def test_cli_defaults_to_sqlite_in_the_data_dir_and_makes_none_to_read_or_delete(tmp_path: Path) -> None:
    """A trial: `forget` with a mistyped DATA_DIR made an empty database there and said "Deleted 0 rows",
    while the questions stayed where they were."""
    data = tmp_path / "data"
    result = run_cli("report", cwd=tmp_path, DATA_DIR=str(data))
    assert result.returncode == 0, result.stderr
    assert (
        f"No questions stored yet: there is no database in DATA_DIR {data} (the Discord bot makes it"
        in result.stdout
    )
    result = run_cli("report", "--json", cwd=tmp_path, DATA_DIR=str(data))
    assert result.returncode == 0 and json.loads(result.stdout)["database_found"] is False  # not "0 asked"
    forget = run_cli("forget", str(ALICE), cwd=tmp_path, DATA_DIR=str(data))
    assert forget.returncode == 1 and forget.stdout == ""
    assert forget.stderr.strip() == (
        f"error: No question store in DATA_DIR {data} (no meeting-bot.sqlite3 there); check DATA_DIR."
    )
    assert not data.exists()  # neither made a database nor a salt
    data.mkdir()
    (data / "salt").write_bytes(SALT)
    with Store.open(default_url(data), SALT) as store:
        record(store, "1", ALICE, "when was the meeting?", at=datetime.now(UTC))
    result = run_cli("report", "--json", cwd=tmp_path, DATA_DIR=str(data))
    assert result.returncode == 0 and json.loads(result.stdout)["questions"] == 1
    assert json.loads(result.stdout)["database_found"] is True
    forget = run_cli("forget", str(ALICE), cwd=tmp_path, DATA_DIR=str(data))
    assert forget.returncode == 0 and forget.stdout.startswith("Deleted 1 row")


@pytest.mark.parametrize("name", ["pc%20t", "q?mode=rw", "a b#c;&=é"])
def test_a_data_dir_named_like_a_url_keeps_the_store_in_it(tmp_path: Path, name: str) -> None:
    """A trial: DATA_DIR "pc%20t" kept the store in "pc t", and "q?mode=rw" in a file "q" beside it, where
    `report` then found no database."""
    data = tmp_path / name
    settings = Settings(_env_file=None, data_dir=data)
    with open_store(settings) as store:
        record(store, "1", ALICE, "when was the meeting?", at=datetime.now(UTC))
    assert (data / "meeting-bot.sqlite3").is_file() and sorted(os.listdir(tmp_path)) == [name]
    result = run_cli("report", "--json", cwd=tmp_path, DATA_DIR=str(data))
    assert result.returncode == 0 and json.loads(result.stdout)["questions"] == 1, result.stderr


def test_report_shows_stored_questions_without_their_escape_sequences(tmp_path: Path) -> None:
    """A trial: a row written by another client with a terminal escape or a bidirectional override
    reached the terminal as it was."""
    data = tmp_path / "data"
    data.mkdir()
    with Store.open(default_url(data), SALT) as store:
        for n in range(2):
            record(
                store, str(n), ALICE, "who won \x1b[2J\x1b]0;pwned\x07the \u202egame\u202c?",
                answered=False, at=datetime.now(UTC),
            )  # fmt: skip
    result = run_cli("report", cwd=tmp_path, DATA_DIR=str(data))
    assert result.returncode == 0, result.stderr
    assert "2×  who won the game?" in result.stdout
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


def test_report_reads_a_read_only_copy_within_the_retention(tmp_path: Path) -> None:
    # A trial found `report` fail on a read-only copy ("failed while deleting old questions"): the
    # retention could not be applied by deleting. Now the copy is read as it is, old rows not counted.
    path = tmp_path / "copy.sqlite3"
    with Store.open(f"sqlite:///{path}", SALT) as store:
        now = datetime.now(UTC)
        record(store, "1", ALICE, "an old question", at=now - timedelta(days=200))
        record(store, "2", ALICE, "a recent question", at=now - timedelta(days=1))
    url = f"sqlite:///file:{path}?mode=ro&uri=true"  # read-only whoever runs it, root too
    result = run_cli("report", "--json", cwd=tmp_path, DATA_DIR=str(tmp_path), DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["questions"] == 1
    assert "not counted" in result.stderr and "Traceback" not in result.stderr
    with Store.open(f"sqlite:///{path}", SALT) as store:
        assert len(store.dump_rows()["mb_answers"]) == 2  # nothing was written
    forget = run_cli("forget", str(ALICE), cwd=tmp_path, DATA_DIR=str(tmp_path), DATABASE_URL=url)
    assert forget.returncode == 1  # deleting cannot be done on a read-only copy: said, not pretended
    (line,) = forget.stderr.strip().splitlines()
    assert line.startswith("error: ") and "readonly" in line


def test_report_reads_a_read_only_copy_made_before_a_table_was_added(tmp_path: Path) -> None:
    """A review: `report` on a read-only copy of a database made before `mb_forgotten` failed, since
    opening the store creates what is missing."""
    path = tmp_path / "copy.sqlite3"
    with Store.open(f"sqlite:///{path}", SALT) as store:
        record(store, "1", ALICE, "a recent question", at=datetime.now(UTC) - timedelta(days=1))
        with store._tx("making an older database") as conn:
            conn.execute(text("DROP TABLE mb_forgotten"))
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    result = run_cli("report", "--json", cwd=tmp_path, DATA_DIR=str(tmp_path), DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["questions"] == 1 and "Traceback" not in result.stderr


@contextmanager
def folder_made_read_only(folder: Path) -> Iterator[None]:
    """The folder read-only for this process: bound read-only over itself as root (whom modes don't
    stop), its write bits taken away otherwise; skipped where neither can be done."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    mount = ["mount", "--bind", "-o", "ro", str(folder), str(folder)]
    if shutil.which("mount") is None or subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("this machine cannot mount a folder read-only for the test")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


# Rows written after a checkpoint and left in the write-ahead log, as a bot killed before it closes leaves
# them: autocheckpoints off, and the process ended without closing.
LEFT_IN_THE_LOG = """
import os, sys
from datetime import UTC, datetime
from pathlib import Path
from sqlalchemy import event
from bot.store import Store, default_url
from tests.test_store import ALICE, SALT, record

store = Store.open(default_url(Path(sys.argv[1])), SALT)
event.listen(store.engine, "connect", lambda conn, _: conn.execute("PRAGMA wal_autocheckpoint=0"))
store.engine.dispose()
for n in range(3):
    record(store, str(10 + n), ALICE, f"asked just before the bot was killed {n}", at=datetime.now(UTC))
os._exit(0)
"""


@pytest.mark.parametrize("log_rows", [0, 3])
def test_report_reads_a_database_on_a_read_only_mount(tmp_path: Path, log_rows: int) -> None:
    """A trial: `report` with DATA_DIR on a read-only mount failed ("unable to open database file"), since
    SQLite reads a write-ahead-log database through a -shm file it could not make there. Rows still in
    the log (a killed bot's) are counted too: read in place, immutable, they were left out unsaid."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "salt").write_bytes(SALT)
    with Store.open(default_url(data), SALT) as store:
        record(store, "1", ALICE, "a recent question", at=datetime.now(UTC) - timedelta(days=1))
    if log_rows:
        subprocess.run([sys.executable, "-c", LEFT_IN_THE_LOG, str(data)], cwd=ROOT, check=True)
        assert os.path.getsize(data / "meeting-bot.sqlite3-wal") > 0
        (data / "meeting-bot.sqlite3-shm").unlink()  # as a copy of the database and its log has none
    before = sorted(os.listdir(data))
    scratch = tmp_path / "scratch"  # the temporary folder `report` is given
    scratch.mkdir()
    with folder_made_read_only(data):
        with pytest.raises(OSError):
            (data / "probe").touch()  # read-only indeed
        result = run_cli("report", "--json", cwd=tmp_path, DATA_DIR=str(data), TMPDIR=str(scratch))
        forget = run_cli("forget", str(ALICE), cwd=tmp_path, DATA_DIR=str(data))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["questions"] == 1 + log_rows and "Traceback" not in result.stderr
    assert os.listdir(scratch) == []  # no copy of anyone's questions is left behind
    assert forget.returncode == 1 and "Traceback" not in forget.stderr  # said, not pretended
    assert sorted(os.listdir(data)) == before


@pytest.mark.parametrize("query", ["uri=true", "mode=rwc&uri=true"])
def test_report_reads_a_uri_database_url_on_a_read_only_mount(tmp_path: Path, query: str) -> None:
    """A review: a DATABASE_URL that is a `file:` URI kept its own mode in a folder that cannot be written,
    so `report` failed there ("unable to open database file") where a plain path was read."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "salt").write_bytes(SALT)
    url = f"sqlite:///file:{data}/questions.sqlite3?{query}"
    with Store.open(url, SALT) as store:
        record(store, "1", ALICE, "a recent question", at=datetime.now(UTC) - timedelta(days=1))
    before = sorted(os.listdir(data))
    with folder_made_read_only(data):
        result = run_cli("report", "--json", cwd=tmp_path, DATA_DIR=str(data), DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["questions"] == 1 and "Traceback" not in result.stderr
    assert sorted(os.listdir(data)) == before


def test_a_log_read_into_memory_leaves_no_copy_even_while_the_store_is_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review: the private copy of the database and its log lived until the store was closed, and a
    killed `report` left everyone's questions in the temporary folder; and a temporary folder that could
    not be made stopped `report` with a traceback instead of reading the database without its log."""
    data, scratch = tmp_path / "data", tmp_path / "scratch"
    data.mkdir()
    scratch.mkdir()
    with Store.open(default_url(data), SALT) as store:
        record(store, "1", ALICE, "a recent question", at=datetime.now(UTC))
    subprocess.run([sys.executable, "-c", LEFT_IN_THE_LOG, str(data)], cwd=ROOT, check=True)
    made: list[str] = []
    real_mkdtemp = tempfile.mkdtemp
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(tempfile, "mkdtemp", lambda **kw: made.append(real_mkdtemp(**kw)) or made[-1])
    store = _read_with_log(str(data / "meeting-bot.sqlite3"), SALT)
    assert store is not None and made and os.path.dirname(made[0]) == str(scratch)
    try:
        assert os.listdir(scratch) == []  # gone while the store is still open
        assert len(store.dump_rows()["mb_answers"]) == 4  # 1 checkpointed, 3 only in the log
    finally:
        store.close()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such folder"))
    monkeypatch.setattr(tempfile, "mkdtemp", real_mkdtemp)
    assert _read_with_log(str(data / "meeting-bot.sqlite3"), SALT) is None  # then read without its log


@pytest.mark.parametrize("command", [("report",), ("forget", "123")])
def test_a_database_url_naming_a_folder_says_so(tmp_path: Path, command: tuple[str, ...]) -> None:
    # It said "No database file at ...: nothing has been recorded there yet".
    url = f"sqlite:///{tmp_path}"
    result = run_cli(*command, cwd=tmp_path, DATA_DIR=str(tmp_path), DATABASE_URL=url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line == f"error: DATABASE_URL names a folder, {tmp_path}, not a database file; check DATABASE_URL."


@pytest.mark.parametrize("command", [("report",), ("forget", "123")])
@pytest.mark.parametrize(
    ("url", "made"),
    [
        ("sqlite:///{tmp}/typo/bot.sqlite3", "typo"),
        ("sqlite:///file:{tmp}/typo.db?mode=rwc&uri=true", "typo.db"),  # a URI's path, without its query
        ("sqlite:///~/bot.sqlite3", "~"),  # SQLite expands no "~": it would make a folder named "~" here
        ("sqlite:///{tmp}/" + "x" * 300 + ".db", "x" * 300 + ".db"),  # too long a name: one sentence too
    ],
)
def test_a_database_url_naming_a_missing_file_is_named_not_made(
    tmp_path: Path, command: tuple[str, ...], url: str, made: str
) -> None:
    # A trial found `report` with a mistyped DATABASE_URL make the folder and an empty database, and say
    # that no questions were stored; and `forget` with a "~" path delete nothing from the file meant.
    result = run_cli(*command, cwd=tmp_path, DATA_DIR=str(tmp_path), DATABASE_URL=url.format(tmp=tmp_path))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and line.endswith("."), line
    assert "Traceback" not in result.stderr and made not in os.listdir(tmp_path)


def test_cli_store_failure_is_one_sentence(tmp_path: Path) -> None:
    result = run_cli(
        "report", cwd=tmp_path, DATA_DIR=str(tmp_path), DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and line.endswith("."), line


# ---------------------------------------------------------------- who sees what

GUILD_A, GUILD_B, CHANNEL_A, CHANNEL_B = 444, 555, 4441, 5551


def test_a_server_report_shows_only_that_servers_public_questions(store: Store) -> None:
    record(store, "dm", ALICE, "what is my bank PIN 4471?", answered=False, surface="dm", private=True)
    record(
        store,
        "a1",
        BOB,
        "what did mamdani eat?",
        answered=False,
        guild_id=GUILD_A,
        channel_id=CHANNEL_A,
        private=False,
        listed=True,
    )
    # Asked in a private channel of the same server, in public there: a helper's trial found its words in
    # the /stats of an admin who may not read that channel.
    record(
        store,
        "a3",
        BOB,
        "did the HR complaint against STAFFSECRET come up?",
        answered=False,
        guild_id=GUILD_A,
        channel_id=CHANNEL_B,
        private=False,
        listed=False,
    )
    record(
        store,
        "a2",
        BOB,
        "my secret ephemeral question",
        answered=False,
        guild_id=GUILD_A,
        channel_id=CHANNEL_A,
        private=True,
    )
    record(
        store,
        "b1",
        CAROL,
        "a question from another server",
        answered=False,
        guild_id=GUILD_B,
        channel_id=CHANNEL_B,
        private=False,
        listed=True,
    )
    store.vote("b1", CAROL, 1)

    mine = store.report(now=NOW, audience=Audience.server(GUILD_A))
    shown = json.dumps(
        [g.question for g in mine.top_unanswered] + [e for g in mine.top_unanswered for e in g.examples]
    )
    assert "what did mamdani eat?" in shown
    assert "4471" not in shown and "ephemeral" not in shown and "another server" not in shown
    assert "STAFFSECRET" not in shown
    assert mine.questions == 3  # its own three, the unlisted ones counted but not shown
    assert (mine.votes_up, mine.votes_down) == (0, 0)  # the vote was in the other server

    owner = store.report(now=NOW, audience=Audience.everything())
    assert owner.questions == 5
    everything = {g.question for g in owner.top_unanswered}
    assert "what is my bank PIN 4471?" in everything and "a question from another server" in everything
    assert store.report(now=NOW) == owner  # the default is the owner's and operator's view


def test_a_server_report_never_shows_a_question_not_marked_listed(store: Store) -> None:
    # Rows recorded before `listed` was kept (NULL), and any that says it is listed but was private or
    # in no server, show no words to a server's admins.
    record(store, "old", BOB, "an older public row", answered=False, guild_id=GUILD_A, channel_id=CHANNEL_A,
           private=False)  # fmt: skip
    with store._tx("making an older row") as conn:
        conn.execute(text("UPDATE mb_answers SET listed = NULL"))
    record(store, "eph", BOB, "ephemeral but listed?", answered=False, guild_id=GUILD_A, channel_id=CHANNEL_A,
           private=True, listed=True)  # fmt: skip
    report = store.report(now=NOW, audience=Audience.server(GUILD_A))
    assert report.questions == 2 and report.top_unanswered == ()


def test_kinds_are_counted_and_only_not_covered_is_unanswered(store: Store) -> None:
    record(store, "1", ALICE, "hi", answered=False, kind="chatter")
    record(store, "2", ALICE, "help", answered=False, kind="help")
    record(store, "3", ALICE, "when?", answered=True, kind="answer")
    record(store, "4", ALICE, "bitcoin?", answered=False, kind="not_covered")
    record(store, "5", ALICE, "old row", answered=False)  # no kind given: not_covered
    report = store.report(now=NOW)
    assert {(k.kind, k.count) for k in report.kinds} == {
        ("chatter", 1),
        ("help", 1),
        ("answer", 1),
        ("not_covered", 2),
    }
    assert report.abstained == 2
    assert {g.question for g in report.top_unanswered} == {"bitcoin?", "old row"}
    assert store.get_answer("1").kind == "chatter"


def test_only_the_asker_or_the_public_channel_may_see_an_answer(store: Store) -> None:
    record(store, "dm", ALICE, "my PIN is 4471", surface="dm", private=True)
    record(store, "pub", ALICE, "when?", guild_id=GUILD_A, channel_id=CHANNEL_A, private=False)
    record(store, "eph", ALICE, "secret", guild_id=GUILD_A, channel_id=CHANNEL_A, private=True)
    assert store.answer_for("dm", ALICE, None).question == "my PIN is 4471"
    assert store.answer_for("dm", BOB, CHANNEL_A) is None
    assert store.answer_for("dm", BOB, None) is None
    assert store.answer_for("pub", BOB, CHANNEL_A).question == "when?"
    assert store.answer_for("pub", BOB, CHANNEL_B) is None
    assert store.answer_for("eph", BOB, CHANNEL_A) is None
    assert store.answer_for("eph", ALICE, CHANNEL_B).question == "secret"
    assert store.answer_for("nothing", ALICE, CHANNEL_A) is None


def test_the_latest_question_in_a_dm_is_read_back_for_its_asker_only(store: Store) -> None:
    def asked(answer_id: str, question: str, hours: int, **kw: object) -> None:
        record(store, answer_id, ALICE, question, channel_id=CHANNEL_A, surface="dm",
               at=NOW - timedelta(hours=hours), **kw)  # fmt: skip

    asked("1", "when?", 3)
    asked("2", "where?", 2, history=["when?"])
    asked("3", "thanks", 1, kind="chatter")
    mine = store.latest_in(CHANNEL_A, ("dm",), ALICE)
    assert mine is not None and (mine.question, mine.history) == ("where?", ("when?",))  # chatter skipped
    assert store.latest_in(CHANNEL_A, ("dm",), BOB) is None
    assert store.latest_in(CHANNEL_A, ("dm",)) is None  # private: never read back as a thread's


def test_a_thread_reads_back_only_what_was_asked_there_in_public(store: Store) -> None:
    """A review: a private /ask in the bot's thread was read back into the thread's conversation, and
    its question shown to everyone there as the title of "more please"."""
    thread = {"guild_id": GUILD_A, "channel_id": CHANNEL_B}
    record(store, "1", ALICE, "in public", surface="thread", private=False, at=NOW - timedelta(hours=2),
           **thread)  # fmt: skip
    record(store, "2", ALICE, "my private one", surface="slash", private=True, at=NOW - timedelta(hours=1),
           **thread)  # fmt: skip
    assert store.latest_in(CHANNEL_B, ("mention", "thread")).question == "in public"
    assert store.latest_in(CHANNEL_B + 1, ("mention", "thread")) is None


def test_an_older_database_gains_the_new_columns_and_keeps_its_rows_private(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # the schema before servers, channels, privacy and kinds were kept
        conn.execute(
            text(
                "CREATE TABLE mb_answers (id VARCHAR(64) PRIMARY KEY, user_key VARCHAR(64), question TEXT "
                "NOT NULL, history JSON NOT NULL, answered BOOLEAN NOT NULL, chunk_ids JSON NOT NULL, "
                "sections JSON NOT NULL, surface VARCHAR(32) NOT NULL, at DATETIME NOT NULL)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO mb_answers VALUES ('7', NULL, 'what is my PIN 4471', '[]', 0, '[]', '[]', 'dm', "
                "'2025-11-25 10:00:00')"
            )
        )
    engine.dispose()
    with Store.open(f"sqlite:///{path}", SALT) as store:
        old = store.get_answer("7")
        assert old.private and old.kind == "not_covered"
        assert store.answer_for("7", BOB, CHANNEL_A) is None
        assert store.report(now=NOW, audience=Audience.server(GUILD_A)).questions == 0
        assert store.report(now=NOW).questions == 1
        record(store, "8", BOB, "new", guild_id=GUILD_A, channel_id=CHANNEL_A, private=False)
        assert store.report(now=NOW, audience=Audience.server(GUILD_A)).questions == 1
    with Store.open(f"sqlite:///{path}", SALT) as store:  # opening again changes nothing
        assert len(store.dump_rows()["mb_answers"]) == 2


def test_an_older_votes_table_gains_the_click_order(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Store.open(f"sqlite:///{path}", SALT) as store:
        record(store, "1", ALICE, "When?")
        assert store.vote("1", BOB, 1)
        with store.engine.begin() as conn:  # as a database made before clicks were ordered
            conn.execute(text("ALTER TABLE mb_votes DROP COLUMN stamp"))
    with Store.open(f"sqlite:///{path}", SALT) as store:
        assert store.get_vote("1", BOB) == 1
        assert store.vote("1", BOB, -1, stamp=5)  # an unordered old vote gives way to any click
        assert store.vote("1", BOB, 1, stamp=4)
        assert store.get_vote("1", BOB) == -1


def test_deleted_words_leave_no_copy_in_the_sqlite_files(tmp_path: Path) -> None:
    """A review: after `forget`, with the bot's store open beside it, the write-ahead log still held 66
    copies of the forgotten words until it was reused; also a question withdrawn and one pruned."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    running, cli = Store.open(url, SALT), Store.open(url, SALT)  # the bot's, and `meeting-bot forget`'s
    try:
        for i in range(40):
            record(running, f"a{i}", ALICE, f"my number is zqxphone {i}", history=[f"zqxphone {i}"])
        record(running, "b", BOB, "zqxwithdrawn question")
        record(running, "c", CAROL, "zqxold question", at=NOW - timedelta(days=400))
        record(running, "d", CAROL, "what now?")
        assert running.get_answer("d") is not None  # the bot has read since: its connection is open
        assert cli.forget(ALICE) == 40
        assert running.withdraw("b") == 1
        assert running.prune(90, now=NOW) == 1
        files = [p for p in tmp_path.iterdir() if p.name.startswith("store.sqlite3")]
        data = b"".join(p.read_bytes() for p in files)
        assert b"zqx" not in data, [p.name for p in files if b"zqx" in p.read_bytes()]
    finally:
        running.close()
        cli.close()


def test_emptying_the_write_ahead_log_never_waits_on_another_reader(tmp_path: Path, caplog) -> None:
    """A second review: with a reader holding a snapshot (a backup, a `sqlite3` shell), the scrub waited
    out the 30-second busy timeout twenty times, holding back the bot's writes; it gives up at once now,
    and says so. The rows are deleted all the same."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = Store.open(url, SALT)
    reader = sqlite3.connect(tmp_path / "store.sqlite3", isolation_level=None, check_same_thread=False)
    try:
        record(store, "a", ALICE, "zqx words")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM mb_answers").fetchone()
        record(store, "b", BOB, "written after the reader's snapshot")
        done = threading.Event()
        worker = threading.Thread(target=lambda: (store.forget(ALICE), done.set()), daemon=True)
        worker.start()
        worker.join(20)  # a hang guard, not a speed figure: the waiting version took minutes
        assert done.is_set() and store.get_answer("a") is None
        assert "write-ahead log was busy" in caplog.text
    finally:
        reader.close()
        store.close()


def test_forget_also_takes_their_words_out_of_other_peoples_history(store: Store) -> None:
    record(store, "a", ALICE, "my PIN is 4471, when was the meeting?", surface="mention")
    thread = {"surface": "thread", "private": False, "at": NOW}
    record(store, "b", BOB, "and where?", history=["my PIN is 4471, when was the meeting?"], **thread)
    record(store, "c", CAROL, "and why?", history=["and where?"], **thread)
    store.forget(ALICE)
    assert "4471" not in all_text(store)
    assert store.get_answer("b").history == () and store.get_answer("c").history == ("and where?",)


def test_forget_leaves_another_persons_private_conversation_as_it_was(store: Store) -> None:
    # Bob typed the same question as Alice in his own DMs: his follow-up keeps it, also in a row from
    # before the store kept who saw a reply (`private` NULL, but a DM).
    record(store, "a", ALICE, "when was the meeting", surface="dm", at=NOW)
    record(store, "b", BOB, "and where?", surface="dm", history=["when was the meeting"], at=NOW)
    record(store, "c", BOB, "and why?", surface="dm", history=["when was the meeting"], at=NOW)
    with store._tx("making an old row") as conn:
        conn.execute(update(answers).where(answers.c.id == "c").values(private=None))
    # A public follow-up stored before the question it follows (its reply was quicker): cleaned too.
    early = {"surface": "thread", "private": False, "at": NOW - timedelta(seconds=1)}
    record(store, "d", CAROL, "and why?", history=["when was the meeting"], **early)
    store.forget(ALICE)
    assert store.get_answer("a") is None
    assert store.get_answer("b").history == store.get_answer("c").history == ("when was the meeting",)
    assert store.get_answer("d").history == ()


def test_a_forgotten_question_a_bot_still_holds_is_not_stored_again(store: Store) -> None:
    """A trial: `forget` run while the bot ran cleaned the store, but the bot still held the question in
    a thread's conversation, and the next follow-up there stored it again as its history, where a second
    `forget` could no longer find it (its own rows were gone)."""
    secret = "my address is 12 Elm St, what did they say about energy costs?"
    record(store, "a", ALICE, secret, surface="mention", private=False)
    store.forget(ALICE)
    later = datetime.now(UTC) + timedelta(seconds=5)
    thread = {"surface": "thread", "private": False, "at": later}
    record(store, "b", BOB, "and what did Mamdani propose?", history=[secret, "and rents?"], **thread)
    assert store.get_answer("b").history == ("and rents?",)
    assert "Elm St" not in all_text(store)  # the store keeps keys of it only
    # Her own DM after it: her forgotten question is not stored as the history of her next one ...
    record(store, "c", ALICE, "and why?", surface="dm", history=[secret], at=later)
    assert store.get_answer("c").history == ()
    # ... but another person's private conversation keeps the same words of their own.
    record(store, "d", CAROL, "and why?", surface="dm", history=[secret], at=later)
    assert store.get_answer("d").history == (secret,)


def test_a_question_being_answered_as_its_asker_is_forgotten_is_not_stored(store: Store) -> None:
    """A review: a question in flight as `forget` ran was stored after it, its asker's own row."""
    record(store, "a", ALICE, "alice asks", surface="dm")
    store.forget(ALICE)
    asked = datetime.now(UTC) - timedelta(seconds=3)  # sent before the forget, stored after it
    record(store, "b", ALICE, "my address is 12 Elm St", surface="dm", at=asked)
    assert store.get_answer("b") is None and "Elm St" not in all_text(store)
    record(store, "c", ALICE, "asked after", surface="dm", at=datetime.now(UTC) + timedelta(seconds=5))
    assert store.get_answer("c") is not None  # what she asks after the forget is kept as ever


def test_a_question_asked_again_elsewhere_is_no_reason_to_keep_it_here(store: Store) -> None:
    """A review: a re-ask in another server or someone's DM counted as asked again in this thread."""
    q = "what did they say about energy costs?"
    record(store, "a", ALICE, q, surface="mention", private=False, channel_id=1)
    store.forget(ALICE)
    later = datetime.now(UTC) + timedelta(seconds=5)
    record(store, "b", CAROL, q, surface="dm", at=later)
    record(store, "c", BOB, q, surface="mention", private=False, channel_id=2, at=later)
    thread = {"surface": "thread", "private": False, "channel_id": 1}
    record(store, "d", BOB, "and why?", history=[q], at=later + timedelta(seconds=1), **thread)
    assert store.get_answer("d").history == ()
    record(store, "e", CAROL, q, at=later + timedelta(seconds=2), **thread)  # asked again here
    record(store, "f", BOB, "and how?", history=[q], at=later + timedelta(seconds=3), **thread)
    assert store.get_answer("f").history == (q,)


def test_forgotten_since_tells_a_running_bot_what_to_let_go(store: Store) -> None:
    assert store.forgotten_since() == (0, {})
    record(store, "a", ALICE, "alice asks", surface="mention", private=False)
    record(store, "b", BOB, "bob asks", surface="mention", private=False)
    record(store, "m", ALICE, "more please", surface="thread", private=False, continues=True)
    store.forget(ALICE)
    mark, found = store.forgotten_since()
    assert mark > 0 and set(found) == {store.text_key("alice asks")}  # no one's words in "more please"
    assert set(found[store.text_key("alice asks")].users) == {store.user_key(ALICE)}
    assert store.forgotten_since(mark) == (mark, {})
    store.forget(BOB)
    assert set(store.forgotten_since(mark)[1]) == {store.text_key("bob asks")}


def test_a_question_asked_again_after_the_forget_is_a_new_one(store: Store) -> None:
    """A review: the same words asked again after the forget, by the person or by anyone in public, were
    taken out of every later history for 30 days."""
    q = "what did they say about energy costs?"
    record(store, "a", ALICE, q, surface="mention", private=False, at=NOW - timedelta(days=1))
    store.forget(ALICE)
    later = datetime.now(UTC) + timedelta(seconds=5)
    record(store, "b", ALICE, q, surface="mention", private=False, at=later)
    thread = {"surface": "thread", "private": False, "at": later + timedelta(seconds=1)}
    record(store, "c", CAROL, "and why?", history=[q], **thread)
    assert store.get_answer("c").history == (q,)
    record(store, "d", ALICE, q, surface="dm", at=later)  # in her own DM too
    record(store, "e", ALICE, "and why?", surface="dm", history=[q], at=later + timedelta(seconds=1))
    assert store.get_answer("e").history == (q,)


def test_the_marks_of_forgotten_questions_never_come_back(store: Store) -> None:
    """A review: on SQLite a forget after the retention had emptied the table took a mark already handed
    out, and a running bot, asking after it, never heard of that forget."""
    record(store, "a", ALICE, "alice asks", surface="mention", private=False)
    store.forget(ALICE)
    record(store, "a2", ALICE, "alice asks again", surface="mention", private=False)
    store.forget(ALICE)
    mark, _ = store.forgotten_since()
    store.prune(1, now=datetime.now(UTC) + timedelta(days=40))
    assert store.forgotten_since() == (0, {})
    record(store, "b", BOB, "bob asks", surface="mention", private=False)
    store.forget(BOB)
    assert set(store.forgotten_since(mark)[1]) == {store.text_key("bob asks")}


def test_the_keys_of_forgotten_questions_go_with_the_retention(store: Store) -> None:
    record(store, "a", ALICE, "alice asks", surface="mention", private=False)
    store.forget(ALICE)
    assert len(store.dump_rows()["mb_forgotten"]) == 1
    now = datetime.now(UTC)
    store.prune(1, now=now + timedelta(days=29))  # kept at least 30 days, for a bot to let go of them
    assert len(store.dump_rows()["mb_forgotten"]) == 1
    store.prune(90, now=now + timedelta(days=89))
    assert len(store.dump_rows()["mb_forgotten"]) == 1
    store.prune(90, now=now + timedelta(days=91))
    assert store.dump_rows()["mb_forgotten"] == []


def test_mentions_are_stored_without_raw_ids(store: Store) -> None:
    record(store, "m", ALICE, "what did <@123456789012345678> and <@!22> say in <#33> to <@&44>?",
           history=["ask <@55>"])  # fmt: skip
    stored = all_text(store)
    assert not any(i in stored for i in ("123456789012345678", "<@!22>", "<#33>", "<@&44>", "<@55>"))
    assert store.get_answer("m").question == "what did <@user> and <@user> say in <#channel> to <@&role>?"


def test_requests_for_more_are_counted_apart_from_the_questions(store: Store) -> None:
    # "more please" after a declined question shows further nearest passages: its reply's kind is
    # not_covered, but it asks nothing new, so it is neither a question, an abstention nor a gap.
    record(store, "1", ALICE, "bitcoin?", answered=False, kind="not_covered")
    record(store, "2", ALICE, "more please", answered=False, kind="not_covered", continues=True)
    record(store, "3", ALICE, "when?", kind="answer")
    record(store, "4", ALICE, "keep going", kind="answer", continues=True)
    record(store, "5", ALICE, "go on", kind="answer", continues=True, at=NOW + timedelta(hours=1))
    # A question that only reads like a request: marked as none, so it is a gap like any other.
    record(store, "6", ALICE, "tell me more about the lease", answered=False, kind="not_covered")
    report = store.report(now=NOW)
    assert (report.questions, report.abstained, report.more_requests) == (3, 2, 2)
    assert {(k.kind, k.count) for k in report.kinds} == {("answer", 1), ("not_covered", 2)}
    assert [d.questions for d in report.per_day] == [3]
    assert {g.question for g in report.top_unanswered} == {"bitcoin?", "tell me more about the lease"}
    assert report.more_said == ", and 2 requests for more"
    assert (
        store.report(now=NOW, audience=Audience.server(GUILD_A)).more_requests == 0
    )  # DMs aren't a server's


def test_requests_for_more_stored_before_they_were_marked_are_not_listed_as_gaps(store: Store) -> None:
    record(store, "1", ALICE, "bitcoin?", answered=False, kind="not_covered")
    record(store, "2", ALICE, "more please", answered=False, kind="not_covered")
    with store.engine.begin() as conn:  # as stored before requests for more were marked
        conn.execute(text("UPDATE mb_answers SET continues = NULL"))
    report = store.report(now=NOW)
    assert report.abstained == 2 and {g.question for g in report.top_unanswered} == {"bitcoin?"}
    assert report.more_requests == 0 and report.more_said == ""


def test_where_a_server_questions_replies_went_is_kept_for_its_deletion(store: Store) -> None:
    # The bot's replies in a server, so that deleting the question takes them down after a restart too.
    server = {"guild_id": GUILD_A, "private": False, "surface": "mention"}
    record(store, "10", ALICE, "when did they meet?", channel_id=10, reply_id=11, own_thread=True, **server)
    # Requests for more: stored with the question they went on from, and the requests since.
    more = {"continues": True, "kind": "answer", "history": ["when did they meet?"], **server}
    record(store, "12", BOB, "more please", channel_id=10, reply_id=13, **more)
    record(store, "14", BOB, "more please", channel_id=99, reply_id=15, **more)  # elsewhere
    record(store, "18", BOB, "more", channel_id=10, reply_id=19, **{**more, "history": ["x?", "more"]})
    again = ["when did they meet?", "where?"]  # went on from "where?": its reply's title
    record(store, "22", BOB, "more", channel_id=10, reply_id=23, **{**more, "history": again})
    record(store, "24", BOB, "keep going", channel_id=10, reply_id=25, **{**more, "guild_id": GUILD_B})
    assert store.posted_replies([10], CHANNEL_A) == {
        10: PostedReplies("when did they meet?", 10, True, 11, (13,))
    }
    record(store, "20", ALICE, "where?", channel_id=CHANNEL_A, reply_id=21, **server)
    assert store.posted_replies([20, 30], CHANNEL_A) == {
        20: PostedReplies("where?", CHANNEL_A, False, 21, ())
    }
    # A request for more deleted: its own reply goes.
    assert store.posted_replies([12], 10) == {
        12: PostedReplies("more please", 10, False, 13, (), "when did they meet?")
    }


def test_only_later_requests_for_more_go_with_a_question_and_damaged_rows_are_skipped(store: Store) -> None:
    # A review: Bob asked the same words earlier and asked for more; Alice's question, asked after, took
    # Bob's reply down when she deleted hers. And one unreadable history stopped every lookup there.
    server = {"guild_id": GUILD_A, "private": False, "surface": "channel", "channel_id": CHANNEL_A}
    more = {"continues": True, "kind": "answer", "history": ["when?"], **server}
    record(store, "1", BOB, "when?", reply_id=2, at=NOW - timedelta(hours=3), **server)
    record(store, "3", BOB, "more please", reply_id=4, **{**more, "at": NOW - timedelta(hours=2)})
    record(store, "5", ALICE, "when?", reply_id=6, at=NOW - timedelta(hours=1), **server)
    record(store, "7", CAROL, "more please", reply_id=8, **{**more, "at": NOW})
    record(store, "9", CAROL, "more", reply_id=10, **{**more, "at": NOW})
    with store._tx("damaging a row") as conn:
        conn.execute(update(answers).where(answers.c.id == "9").values(history={"not": "a list"}))
    assert store.posted_replies([5], CHANNEL_A)[5].more == (8,)  # not Bob's earlier 4, nor the damaged 10


def test_a_deleted_request_for_more_leaves_other_peoples_histories_alone(store: Store) -> None:
    # A review: deleting "more please" took those words out of every later history in the server, so
    # another person's next "more please" showed the same page again.
    server = {"guild_id": GUILD_A, "private": False, "surface": "thread", "channel_id": CHANNEL_A}
    record(store, "1", ALICE, "more please", continues=True, history=["who paid?"], at=NOW, **server)
    record(store, "2", BOB, "more", continues=True, history=["who paid?", "more please"], at=NOW, **server)
    store.withdraw("1")
    assert store.get_answer("1") is None
    assert store.get_answer("2").history == ("who paid?", "more please")


def test_no_replies_are_found_for_a_dm_or_another_message(store: Store) -> None:
    record(store, "1", ALICE, "when did they meet?", surface="dm")  # only its asker saw the reply
    assert store.posted_replies([1, 3], CHANNEL_A) == {}  # 3: no question of the bot's
    ids = list(range(100, 1300))  # more ids than one query takes
    record(store, "1250", ALICE, "when?", guild_id=GUILD_A, channel_id=CHANNEL_A, reply_id=7, private=False)
    assert list(store.posted_replies(ids, CHANNEL_A)) == [1250]


def test_an_older_answers_table_gains_the_reply_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Store.open(f"sqlite:///{path}", SALT) as store:
        record(store, "1", ALICE, "When?", guild_id=GUILD_A, channel_id=CHANNEL_A, private=False)
        record(store, "5", ALICE, "Where?", guild_id=GUILD_A, channel_id=5, private=False)  # in its thread
        with store.engine.begin() as conn:  # as a database made before replies were kept
            conn.execute(text("ALTER TABLE mb_answers DROP COLUMN reply_id"))
            conn.execute(text("ALTER TABLE mb_answers DROP COLUMN own_thread"))
    with Store.open(f"sqlite:///{path}", SALT) as store:
        # The questions are found and withdrawn; their replies, never kept, are not known, but a thread
        # opened for one is: it has the question's id.
        found = store.posted_replies([1, 5], CHANNEL_A)
        assert found == {
            1: PostedReplies("When?", CHANNEL_A, False, None, ()),
            5: PostedReplies("Where?", 5, True, None, ()),
        }
        record(store, "2", ALICE, "Why?", guild_id=GUILD_A, channel_id=CHANNEL_A, reply_id=3)
        assert store.posted_replies([2], CHANNEL_A) == {2: PostedReplies("Why?", CHANNEL_A, False, 3, ())}


def test_a_sqlite_file_another_process_holds_locked_says_it_is_busy(tmp_path: Path) -> None:
    """A helper's trial: with another process writing, `forget` waited, then blamed "deleting old
    questions" with SQLite's "database is locked", read as a fault of the database."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    Store.open(url, SALT).close()
    holder = sqlite3.connect(tmp_path / "store.sqlite3")
    holder.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction
    try:
        with Store.open(url, SALT, lock_timeout=0.1, schema=False) as store:
            with pytest.raises(StoreError) as caught:
                store.forget(ALICE)
    finally:
        holder.rollback()
        holder.close()
    said = str(caught.value)
    assert said.startswith("The database was busy (another process held its lock)") and "try again" in said
    assert "locked" not in said and "\n" not in said
