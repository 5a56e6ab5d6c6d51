"""`meeting-bot invite`: the OAuth2 link with both scopes and exactly the permissions listed in
bot/chat/permissions.py, which the README lists too."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import discord
import pytest

from bot.chat.permissions import BOT_PERMISSIONS, bot_permissions, id_from_token, invite_url
from tests.test_cli import ROOT, run

# The bits of these permissions, as Discord's documentation numbers them (independent of discord.py).
DOCUMENTED_BITS = {
    "view_channel": 10,
    "send_messages": 11,
    "embed_links": 14,
    "read_message_history": 16,
    "create_public_threads": 35,
    "send_messages_in_threads": 38,
}


def token_for(user_id: str) -> str:
    """A token shaped like Discord's: the base64 user id, a timestamp, an HMAC (here made up)."""
    return base64.b64encode(user_id.encode()).decode().rstrip("=") + ".GabcDe.fake-hmac-part"


def query_of(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "discord.com", "/oauth2/authorize")
    return parse_qs(parts.query)


def test_the_permission_integer_is_exactly_the_listed_permissions() -> None:
    flags = [flag for flag, _ in BOT_PERMISSIONS]
    assert len(set(flags)) == len(flags) and set(flags) <= set(DOCUMENTED_BITS)
    expected = sum(1 << DOCUMENTED_BITS[flag] for flag in flags)
    assert bot_permissions().value == expected == 309237730304
    assert set(flags) == set(DOCUMENTED_BITS)  # the list says why each is needed; nothing else is asked
    assert all(isinstance(getattr(discord.Permissions, flag), discord.flags.flag_value) for flag in flags)


def test_invite_prints_the_url_with_both_scopes_and_the_permissions() -> None:
    result = run("invite", DISCORD_APPLICATION_ID="123456789012345678")
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    query = query_of(line)
    assert query["client_id"] == ["123456789012345678"]
    assert query["scope"] == ["bot applications.commands"]
    assert query["permissions"] == [str(bot_permissions().value)]
    assert line == invite_url(123456789012345678)


def test_without_a_setting_the_id_comes_from_the_token() -> None:
    result = run("invite", DISCORD_TOKEN=token_for("987654321098765432"))
    assert result.returncode == 0, result.stderr
    assert query_of(result.stdout.strip())["client_id"] == ["987654321098765432"]
    # The setting wins over the token.
    result = run("invite", DISCORD_TOKEN=token_for("987654321098765432"), DISCORD_APPLICATION_ID="5")
    assert query_of(result.stdout.strip())["client_id"] == ["5"]


def test_without_an_id_it_is_one_sentence_and_exit_2() -> None:
    for settings in ({}, {"DISCORD_TOKEN": "not-a-real-token"}):
        result = run("invite", **settings)
        assert result.returncode == 2 and result.stdout == ""
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: No application id") and "DISCORD_APPLICATION_ID" in line
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("bad", [str(2**64), "1_000", "+5", "0x10", "1e5", "１２３"])
def test_an_application_id_that_is_not_plain_digits_within_64_bits_is_one_sentence(bad: str) -> None:
    result = run("invite", DISCORD_APPLICATION_ID=bad)
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "DISCORD_APPLICATION_ID" in line


def test_id_from_token_reads_only_a_number() -> None:
    assert id_from_token(token_for("1234")) == 1234
    for bad in ("", "   ", ".", "fake-token", token_for("12ab"), "!!!!.x.y", token_for("9" * 30)):
        assert id_from_token(bad) is None
    # The decoder would skip characters outside base64's alphabet; zero and past 64 bits are no id.
    assert id_from_token("MTIz$$.x.y") is None
    assert id_from_token(token_for("0")) is None
    assert id_from_token(token_for(str(2**64))) is None
    assert id_from_token(token_for(str(2**64 - 1))) == 2**64 - 1


def test_the_readme_lists_exactly_these_permissions() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    step = re.search(r"3\. \*\*Invite the bot\.\*\*(.*?)\n4\. ", readme, re.S)
    assert step, "README: step 3 of 'Running it on Discord' is missing"
    text = " ".join(step.group(1).split())
    listed = re.search(r"bot permissions (.*?)\.", text)
    assert listed, text
    names = re.findall(r"\*([^*]+)\*", listed.group(1))
    assert names == [name for _, name in BOT_PERMISSIONS]
    assert "`bot`" in text and "`applications.commands`" in text and "meeting-bot invite" in text
