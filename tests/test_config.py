"""Settings: which file they are read from, and that the test suite never reads the operator's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ENV_FILE_VARIABLE, ROOT, Settings, env_file

HOSTILE = {
    "DISCORD_TOKEN": "operator-token-must-not-be-used",
    "DATABASE_URL": "postgresql://operator:hunter2@127.0.0.1:9/production",
    "USER_SALT": "operator-salt-never-read-by-tests",
    "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
    "LOG_LEVEL": "DEBUG",
}

# Run inside a copy of the checkout whose `.env` (and environment) hold an operator's settings.
PROBE = """
import subprocess
import sys
from pathlib import Path

from bot.config import ROOT, Settings

SHOW = "from bot.config import Settings; s = Settings(); print(s.token, s.database_url, s.user_salt)"


def test_no_setting_reaches_a_test_or_its_subprocesses():
    assert ROOT == Path(__file__).resolve().parent.parent  # the copy, with the hostile .env
    assert (ROOT / ".env").is_file()
    s = Settings()
    assert (s.token, s.database_url, s.user_salt, s.discord_api_base) == ("", None, None, None)
    assert s.data_dir == ROOT / "data" and s.log_level == "INFO"
    shown = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert shown.split() == ["None", "None"]  # an empty token prints nothing
"""


def test_env_file_is_the_checkouts_unless_meeting_bot_env_file_names_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "bot.env"
    other.write_text("DISCORD_TOKEN=from-the-named-file\nDISCORD_GUILD_ID=\n", encoding="utf-8")
    monkeypatch.delenv(ENV_FILE_VARIABLE)
    assert env_file() == ROOT / ".env"
    monkeypatch.setenv(ENV_FILE_VARIABLE, str(other))
    assert env_file() == other
    assert Settings().token == "from-the-named-file"
    assert Settings(_env_file=None).token == ""  # a caller's choice still wins
    monkeypatch.setenv(ENV_FILE_VARIABLE, "")
    assert env_file() is None and Settings().token == ""


def test_the_test_run_itself_reads_no_env_file_and_no_operator_setting() -> None:
    assert os.environ[ENV_FILE_VARIABLE] == ""
    assert not set(HOSTILE) & {k.upper() for k in os.environ}


def test_a_checkout_with_an_operators_env_runs_its_tests_without_reading_it(tmp_path: Path) -> None:
    """As `./test.sh` in a clone holding a `.env` with a token and a database, and the same in the shell."""
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "bot", copy / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "tests").mkdir()
    for name in ("__init__.py", "conftest.py"):
        shutil.copy2(ROOT / "tests" / name, copy / "tests" / name)
    shutil.copy2(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / ".env").write_text("".join(f"{k}={v}\n" for k, v in HOSTILE.items()), encoding="utf-8")
    (copy / "tests" / "test_probe.py").write_text(PROBE, encoding="utf-8")
    # A fresh shell: no isolation inherited from this run, and settings of the operator's exported too.
    environ = {k: v for k, v in os.environ.items() if k != ENV_FILE_VARIABLE}
    environ.update(DISCORD_TOKEN="operator-token-from-the-shell", DATA_DIR=str(tmp_path / "operator-data"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_probe.py"],
        cwd=copy,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _report_refused(cwd: Path, **settings: str) -> str:
    """The one line `meeting-bot report` prints when it refuses to start with these settings (exit 2)."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report"],
        capture_output=True,
        text=True,
        env={**os.environ, **settings},
        cwd=cwd,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def test_a_settings_file_that_is_not_utf8_is_one_sentence(tmp_path: Path) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_bytes(b"# caf\xe9\nLOG_LEVEL=INFO\n")
    line = _report_refused(tmp_path, MEETING_BOT_ENV_FILE=str(env_file))
    assert "UTF-8" in line and "Error" not in line
    assert "bad.env" in line  # which file: it used not to say


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ENCODER_THREADS", "999999", "ENCODER_THREADS"),  # used to hang starting a million threads
        ("LOG_LEVEL", "junk", "LOG_LEVEL"),  # used to be taken as INFO without a word
        (ENV_FILE_VARIABLE, "no-such-settings-file.env", "not a file"),  # used to be read as no settings
        # used to crash the report (date out of range)
        ("RETENTION_DAYS", "1000000", "RETENTION_DAYS"),
        # used to crash /about and every cooldown reply; "per 0. seconds"; "less than or equal to 86400"
        ("COOLDOWN_SECONDS", "inf", "COOLDOWN_SECONDS"),
        ("COOLDOWN_SECONDS", "1e-300", "COOLDOWN_SECONDS"),
        ("COOLDOWN_SECONDS", "nan", "finite"),
        # was "Value error, invalid literal for int() with base 10: 'a'"
        ("SHARD_IDS", "a,b", "SHARD_IDS is invalid: write the ids as digits"),
        ("ASK_CHANNEL_IDS", "foo", "ASK_CHANNEL_IDS is invalid: write the ids as digits"),
        # was accepted
        ("ASK_CHANNEL_IDS", "0", "ASK_CHANNEL_IDS is invalid: a Discord id"),
        # were glued into one id: "a Discord id is between 1 and ...", and "1 2 3" read as 123 (a trial)
        ("ASK_CHANNEL_IDS", "123456789012345678 234567890123456789", "separated by commas"),
        ("ASK_CHANNEL_IDS", "1 2 3", "separated by commas"),
        # was "a setting is invalid: Value error, SHARD_IDS needs SHARD_COUNT"
        ("SHARD_IDS", "1", "error: SHARD_IDS needs SHARD_COUNT"),
        # was "the index is out of date; rebuild it"
        ("CORPUS_DIR", __file__, "is a file, not a folder"),
        # a review: "something went wrong (UnicodeEncodeError)" (the byte 0xff, as the environment holds it)
        ("DATA_DIR", "data\udcff", "DATA_DIR is invalid: the path holds bytes that are not UTF-8"),
        # a one-letter salt was accepted
        ("USER_SALT", "x", "USER_SALT is invalid: use at least 16"),
        # was "something went wrong (InvalidUrlClientError)" as the bot connected
        (
            "DISCORD_API_BASE",
            "not a url",
            "DISCORD_API_BASE is invalid: write an address that starts http:// or https://",
        ),
        (
            "DISCORD_GATEWAY_URL",
            "http://127.0.0.1:9/",
            "DISCORD_GATEWAY_URL is invalid: write an address that starts ws://",
        ),
        # a review: these two got through, or were "Invalid IPv6 URL."
        ("DISCORD_API_BASE", "http://host:abc/api", "DISCORD_API_BASE is invalid: write an address"),
        ("DISCORD_API_BASE", "http://[::1", "DISCORD_API_BASE is invalid: write an address"),
    ],
)
def test_a_setting_that_cannot_be_meant_is_one_sentence(
    tmp_path: Path, variable: str, value: str, says: str
) -> None:
    assert says in _report_refused(tmp_path, **{variable: value})


def test_a_settings_file_line_that_cannot_be_parsed_is_one_sentence(tmp_path: Path) -> None:
    """python-dotenv used to skip the line with a warning that named no file, leaving the token unset."""
    env_file = tmp_path / "quote.env"
    env_file.write_text('LOG_LEVEL=INFO\nDISCORD_TOKEN="unterminated\n', encoding="utf-8")
    line = _report_refused(tmp_path, MEETING_BOT_ENV_FILE=str(env_file))
    assert "line 2" in line and "quote.env" in line


def test_a_shard_listed_twice_is_refused_and_tabs_in_a_list_are_spaces(tmp_path: Path) -> None:
    line = _report_refused(tmp_path, SHARD_COUNT="2", SHARD_IDS="0,0")
    assert "listed twice" in line
    line = _report_refused(tmp_path, SHARD_COUNT="2", SHARD_IDS="0,\t1", DISCORD_GUILD_ID="x")
    assert "SHARD_IDS" not in line  # the tab was refused as "not digits"; only the bad guild id is left


def test_a_blank_setting_of_spaces_means_the_default(tmp_path: Path) -> None:
    """.env.example says a blank value means the default; `ENCODER_THREADS= ` (a space) was refused."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report"],
        capture_output=True,
        text=True,
        env={**os.environ, "ENCODER_THREADS": "  ", "DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_dev_null_as_the_settings_file_means_none(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report"],
        capture_output=True,
        text=True,
        env={**os.environ, ENV_FILE_VARIABLE: os.devnull, "DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_a_log_level_is_read_in_any_case() -> None:
    assert Settings(_env_file=None, log_level=" debug ").log_level == "DEBUG"


def _start_warnings(env_file: Path, tmp_path: Path) -> tuple[list[str], str]:
    """Run `meeting-bot report` with `env_file` as the settings file: its warnings, and all it told stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report"],
        capture_output=True,
        text=True,
        env={**os.environ, ENV_FILE_VARIABLE: str(env_file), "DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("warning: ")], result.stderr


def test_a_name_in_the_settings_file_that_is_no_setting_is_warned_of(tmp_path: Path) -> None:
    """A helper's trial: `COOLDOWN_SECOND=5` (a typo) was ignored without a word."""
    env_file = tmp_path / "typo.env"
    # A token pasted on a line of its own is no NAME=value line: it is never printed.
    env_file.write_text(
        "COOLDOWN_SECOND=5\nMY_OWN_THING=1\nlog_level=INFO\nDISCORD_TOKEN=\nMTA4.SECRETxyz\nc2VjcmV0==\n",
        encoding="utf-8",
    )
    warned, stderr = _start_warnings(env_file, tmp_path)
    assert warned == [
        f"warning: line 1 of the settings file {env_file} sets no setting, perhaps a typo of "
        "COOLDOWN_SECONDS; it is ignored.",
        f"warning: line 2 of the settings file {env_file} sets no setting; it is ignored.",
        f"warning: line 5 of the settings file {env_file} has no value (write NAME=value); it is ignored.",
        f"warning: line 6 of the settings file {env_file} sets no setting; it is ignored.",
    ]
    assert "SECRET" not in stderr and "c2VjcmV0" not in stderr


def test_a_name_in_the_settings_file_with_no_value_is_warned_of(tmp_path: Path) -> None:
    """A noticed fault: `DISCORD_TOKEN` on a line of its own (its value forgotten) was ignored without a
    word, and the bot started in the terminal; after `COOLDOWN_SECONDS=7` it unsets it (a review). A
    token pasted alone is never shown, dots and all; the warnings come in the file's order."""
    env_file = tmp_path / "bare.env"
    bare = (
        "COOLDOWN_SECONDS=7\nDISCORD_TOKEN\nexport cooldown_seconds\nMTA4.GxYzAb.secretxyz\n"
        "COOLDOWN_SECOND\nMY_THING=1\nDISCORD_TOKEN:\n"
    )
    env_file.write_text(bare, encoding="utf-8")
    warned, stderr = _start_warnings(env_file, tmp_path)
    where = f"of the settings file {env_file}"
    assert warned == [
        f"warning: line 2 {where} names DISCORD_TOKEN with no value (write NAME=value), so the file leaves "
        "it unset.",
        f"warning: line 3 {where} names COOLDOWN_SECONDS with no value (write NAME=value), so the file "
        "leaves it unset.",
        f"warning: line 4 {where} has no value (write NAME=value); it is ignored.",
        f"warning: line 5 {where} has no value (write NAME=value), perhaps a typo of COOLDOWN_SECONDS; "
        "it is ignored.",
        f"warning: line 6 {where} sets no setting; it is ignored.",
        f"warning: line 7 {where} has no value (write NAME=value), perhaps a typo of DISCORD_TOKEN; "
        "it is ignored.",
    ]
    assert "secret" not in stderr and "GxYz" not in stderr


def test_a_name_with_no_value_set_again_later_is_only_ignored(tmp_path: Path) -> None:
    """A second review: `DISCORD_TOKEN` alone, then `DISCORD_TOKEN=…`, was said to leave it unset."""
    env_file = tmp_path / "later.env"
    env_file.write_text("COOLDOWN_SECONDS\nCOOLDOWN_SECONDS=9\n", encoding="utf-8")
    warned, stderr = _start_warnings(env_file, tmp_path)
    assert warned == [
        f"warning: line 1 of the settings file {env_file} has no value (write NAME=value); it is ignored."
    ]
    assert Settings(_env_file=env_file).cooldown_seconds == 9
