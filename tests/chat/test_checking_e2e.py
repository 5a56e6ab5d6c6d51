"""The quote check over the fake Discord: Apps → "Check against the article" and /check, private replies,
the "Post in channel" button (its owner only, also after a restart), and messages that are hard to check."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.chat.checking import (
    APOLOGY,
    CHECKED_EDITED,
    CHECKED_GONE,
    CHECKED_UNKNOWN,
    GONE,
    MAY_NOT_POST,
    MENU_NAME,
    NO_TEXT,
    NOT_YOURS,
    POSTED,
)
from bot.chat.render import CHECK_KEPT_PRIVATE
from bot.config import Settings
from bot.core.answer import Answerer
from bot.core.build import Paths
from tests.chat.bots import bot_for, counted, is_followup
from tests.chat.test_bot_e2e import assert_within_limits
from tests.fakediscord import (
    DEFAULT_EVERYONE_PERMISSIONS,
    MESSAGE_FLAG_EPHEMERAL,
    FakeDiscord,
    InteractionRef,
    Request,
    permission_value,
    running_bot,
)

THREE = (
    'Trump said "He wants to see housing being built." Then Mamdani said "If he could be a huge '
    'success, I’d be very happy." and finally "We will freeze the rent for every New Yorker on day one"'
)


async def checked(fake: FakeDiscord, ref: InteractionRef) -> Request:
    """The reply that replaced the thinking placeholder of a check."""
    return await fake.wait_for_request(lambda r: is_followup(r, ref))


async def menu_checked(fake: FakeDiscord) -> tuple[dict, InteractionRef, Request]:
    """Post THREE and check it with the message menu: the message, the menu's interaction, its reply."""
    message = await fake.send_message(THREE)
    ref = await fake.send_message_command(MENU_NAME, message["id"])
    return message, ref, await checked(fake, ref)


def post_button(req: Request) -> dict:
    """The one button under a check."""
    (row,) = req.json["components"]
    (button,) = row["components"]
    return button


async def test_the_menu_on_a_message_gives_three_verdicts_privately(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        assert any(c["name"] == MENU_NAME and c["type"] == 3 for c in fake.global_commands)
        message = await fake.send_message(THREE)
        ref = await fake.send_message_command(MENU_NAME, message["id"])
        callback = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{ref.id}/"))
        assert callback.json["type"] == 5 and callback.json["data"]["flags"] & MESSAGE_FLAG_EPHEMERAL
        reply = await checked(fake, ref)
        assert reply.json["allowed_mentions"] == {"parse": []}
        (embed,) = reply.json["embeds"]
        assert_within_limits(embed)
        fields = embed["fields"]
        assert len(fields) == 3
        assert fields[0]["value"].startswith("✅") and "¶1" in fields[0]["value"]
        assert fields[1]["value"].startswith("≈")
        assert "spectacular" in fields[1]["value"] and "huge" in fields[1]["value"]
        assert "The article's words are said by Trump, not Mamdani." in fields[1]["value"]
        assert fields[2]["value"].startswith("❌") and "Nearest passage" in fields[2]["value"]
        original = fake.original_message(ref.id)
        assert original["flags"] & MESSAGE_FLAG_EPHEMERAL  # only the person who asked sees it
        button = post_button(reply)
        assert button["custom_id"] == f"mb:qpost:{fake.channel_id}:{message['id']}:{fake.user_id}"


async def test_post_in_channel_by_its_owner_posts_publicly_and_others_are_refused(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        message, ref, reply = await menu_checked(fake)
        private = fake.original_message(ref.id)
        custom_id = post_button(reply)["custom_id"]

        other = fake.add_user("bystander")
        click = await fake.click_button(custom_id, private["id"], user=other)
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert refusal.json["data"]["content"] == NOT_YOURS
        assert refusal.json["data"]["flags"] & MESSAGE_FLAG_EPHEMERAL
        assert not [m for m in fake.bot_messages() if m["embeds"] and not m["flags"] & MESSAGE_FLAG_EPHEMERAL]

        n = len(fake.requests)
        click = await fake.click_button(custom_id, private["id"])
        posted = await fake.wait_for_request(lambda r: is_followup(r, click))
        assert not (posted.json.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
        assert posted.json["allowed_mentions"] == {"parse": []}
        (embed,) = posted.json["embeds"]
        assert_within_limits(embed)
        assert f"/channels/{fake.guild_id}/{fake.channel_id}/{message['id']}" in embed["description"]
        assert [f["name"] for f in embed["fields"]] == [f["name"] for f in reply.json["embeds"][0]["fields"]]
        public = [m for m in fake.bot_messages() if m["embeds"] and not m["flags"] & MESSAGE_FLAG_EPHEMERAL]
        assert len(public) == 1
        # Then the private reply loses its button and says where the result went.
        edited = await fake.wait_for_request(
            lambda r: r.method == "PATCH" and r.path.endswith(f"/{click.token}/messages/@original"), start=n
        )
        assert fake.requests.index(edited) > fake.requests.index(posted)
        assert private["content"] == POSTED and not private["components"]


async def check_and_post(fake: FakeDiscord, message_id: object, user: object = None) -> None:
    """Check a message with the menu and post the check in the channel, as `user` (the tester by default)."""
    ref = await fake.send_message_command(MENU_NAME, message_id, user=user)
    reply = await checked(fake, ref)
    click = await fake.click_button(
        post_button(reply)["custom_id"], fake.original_message(ref.id)["id"], user=user
    )
    await fake.wait_for_request(lambda r: is_followup(r, click))


def public_embeds(fake: FakeDiscord) -> list[dict]:
    """The bot's messages with an embed that everyone in the channel sees."""
    return [m for m in fake.bot_messages() if m["embeds"] and not m["flags"] & MESSAGE_FLAG_EPHEMERAL]


async def public_once_settled(fake: FakeDiscord, count: int) -> list[dict]:
    """`public_embeds` once there are `count` of them, or after 5 s."""
    for _ in range(100):
        if len(public_embeds(fake)) == count:
            break
        await asyncio.sleep(0.05)
    return public_embeds(fake)


@pytest.mark.parametrize("seen", [True, False])
async def test_a_check_of_a_message_deleted_is_not_posted(
    fake: FakeDiscord, answerer: Answerer, tmp_path, seen: bool
):
    """A trial: Bob checked Alice's message, Alice deleted it, and Bob's "Post in channel" posted her
    words publicly, with a link to the deleted message. Whoever deletes a message means its words gone;
    also when the bot missed the deletion (`seen` false: it was offline), for Discord is asked."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        alice, bob = fake.add_user("alice"), fake.add_user("bob")
        message = await fake.send_message(THREE, author=alice)
        ref = await fake.send_message_command(MENU_NAME, message["id"], user=bob)
        reply = await checked(fake, ref)
        if seen:
            await fake.delete_message(message["id"])
            await asyncio.sleep(0.2)
        else:
            fake.messages.pop(str(message["id"]))  # gone, and no MESSAGE_DELETE reached the bot
        click = await fake.click_button(
            post_button(reply)["custom_id"], fake.original_message(ref.id)["id"], user=bob
        )
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert refusal.json["data"]["content"] == CHECKED_GONE
        assert refusal.json["data"]["flags"] & MESSAGE_FLAG_EPHEMERAL
        await asyncio.sleep(0.2)
        assert not public_embeds(fake)


async def two_checks_posted(fake: FakeDiscord) -> tuple[dict, dict]:
    """Post THREE and another message with a quote, check each and post both checks: the two messages."""
    message = await fake.send_message(THREE)
    other = await fake.send_message('Mamdani said "Rent. Not ideology."')
    for m in (message, other):
        await check_and_post(fake, m["id"])
    assert len(public_embeds(fake)) == 2
    return message, other


async def test_a_posted_check_comes_down_with_the_message_it_checked(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        message, other = await two_checks_posted(fake)
        await fake.delete_message(message["id"])
        (left,) = await public_once_settled(fake, 1)
        assert str(other["id"]) in left["embeds"][0]["description"]  # the check of the other one stays


@pytest.mark.parametrize("edit", [f"||{THREE}||", 'Mamdani said "…day one"'])
async def test_a_posted_check_comes_down_when_its_message_is_edited(
    fake: FakeDiscord, answerer: Answerer, tmp_path, edit: str
):
    """Reviews: a check posted of a message stayed up after its author hid the quoted words as a spoiler,
    and after they edited a quote (a phone number) out; only a deletion took it down. A link's preview
    loading is no edit, and leaves the other check up."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        message, other = await two_checks_posted(fake)
        await fake.edit_message(other["id"])  # the preview: no edited time
        await fake.edit_message(message["id"], edit)
        (left,) = await public_once_settled(fake, 1)
        assert str(other["id"]) in left["embeds"][0]["description"]


async def test_a_check_of_a_message_edited_before_it_stays_up_as_its_preview_loads(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A second review: Discord sends the last edit's time with every later update of a message (its
    link's preview loading, a pin), and a check posted after that edit came down with the preview."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        message = await fake.send_message(THREE + " https://example.com/x")
        await fake.edit_message(message["id"], THREE + " https://example.com/y")  # before the check
        await asyncio.sleep(0.05)
        await check_and_post(fake, message["id"])
        assert len(public_embeds(fake)) == 1
        await fake.edit_message(message["id"])  # the preview loads: the old edited time comes with it
        await asyncio.sleep(0.5)  # a take-down would have run by now
        assert len(public_embeds(fake)) == 1


@pytest.mark.parametrize("seen", [True, False])
async def test_a_check_of_a_message_edited_since_is_not_posted(
    fake: FakeDiscord, answerer: Answerer, tmp_path, seen: bool
):
    """A review: Bob edited a quote out of his message after Alice had checked it, and her click posted
    the words he had taken out. Also when the bot missed the edit (`seen` false: it was offline), for
    Discord is asked."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        alice, bob = fake.add_user("alice"), fake.add_user("bob")
        message = await fake.send_message(THREE, author=bob)
        ref = await fake.send_message_command(MENU_NAME, message["id"], user=alice)
        button = post_button(await checked(fake, ref))
        await asyncio.sleep(0.01)
        if seen:
            await fake.edit_message(message["id"], 'Mamdani said "…day one"')
        else:
            now = datetime.now(UTC).isoformat()
            fake.messages[str(message["id"])].update(content="edited", edited_timestamp=now)
        private = fake.original_message(ref.id)["id"]
        click = await fake.click_button(button["custom_id"], private, user=alice)
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert refusal.json["data"]["content"] == CHECKED_EDITED
        await asyncio.sleep(0.2)
        assert not public_embeds(fake)
        # A message edited before it was checked is checked as it is, and posted.
        await check_and_post(fake, message["id"])
        assert len(public_embeds(fake)) == 1


async def test_a_posted_check_comes_down_though_discord_fails_a_deletion(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A review: one failed deletion stopped the others, and nothing tried it again."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        message = await fake.send_message(THREE)
        for user in (fake.user_id, fake.add_user("bob")):
            await check_and_post(fake, message["id"], user)
        assert len(public_embeds(fake)) == 2
        fake.fail_next("DELETE", r"/messages/\d+$", 503)
        await fake.delete_message(message["id"])
        assert not await public_once_settled(fake, 0)


async def test_a_slow_lookup_of_the_checked_message_posts_nothing_and_answers_the_click_in_time(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A review: Discord failing the lookup twice kept the click waiting past its 3 seconds."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        message, ref, reply = await menu_checked(fake)
        fake.fail_next("GET", rf"/messages/{message['id']}$", 500, times=2)
        click = await fake.click_button(post_button(reply)["custom_id"], fake.original_message(ref.id)["id"])
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        for _ in range(100):  # answered by the fake: within the interaction's deadline, else 404
            if refusal.status:
                break
            await asyncio.sleep(0.02)
        assert refusal.status < 300 and refusal.json["data"]["content"] == CHECKED_UNKNOWN
        assert not public_embeds(fake)


async def test_a_lookup_behind_a_global_rate_limit_leaves_the_bot_answering(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A review: the lookup, cut off while discord.py waited out a global rate limit, left discord.py
    paused for good, and nothing was answered after it."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        message, ref, reply = await menu_checked(fake)
        fake.fail_next("GET", rf"/messages/{message['id']}$", 429, retry_after=2.0, is_global=True)
        click = await fake.click_button(post_button(reply)["custom_id"], fake.original_message(ref.id)["id"])
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert refusal.json["data"]["content"] == CHECKED_UNKNOWN
        n = len(fake.requests)
        await fake.send_message("when did they meet?", guild=False)
        await fake.wait_for_request(
            lambda r: r.method == "POST" and "/messages" in r.path and bool(r.json.get("embeds")),
            start=n,
            timeout=15,
        )


async def test_a_double_click_on_post_in_channel_posts_once(fake: FakeDiscord, answerer: Answerer, tmp_path):
    """A trial: two clicks, each carrying the private reply as the client still showed it (its button on),
    posted the check in the channel twice."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("check", {"text": THREE})
        reply = await checked(fake, ref)
        shown = copy.deepcopy(fake.original_message(ref.id))
        custom_id = post_button(reply)["custom_id"]
        clicks = []
        for _ in range(2):
            fake.messages[shown["id"]] = copy.deepcopy(shown)  # as the client showed it, button and all
            clicks.append(await fake.click_button(custom_id, shown["id"]))
        await fake.wait_for_request(lambda r: is_followup(r, clicks[0]) or is_followup(r, clicks[1]))
        second = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{clicks[1].id}/"))
        await asyncio.sleep(0.3)
        public = [m for m in fake.bot_messages() if m["embeds"] and not m["flags"] & MESSAGE_FLAG_EPHEMERAL]
        assert len(public) == 1
        assert (
            second.json["data"]["content"] == POSTED and second.json["data"]["flags"] & MESSAGE_FLAG_EPHEMERAL
        )


async def test_a_post_lost_to_an_outage_keeps_the_button_and_a_click_again_posts(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A trial: the reply said "Posted in the channel." and lost its button, though every try to post
    failed (503s for about 25 s), so it could not be tried again."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("check", {"text": THREE})
        reply = await checked(fake, ref)
        private = fake.original_message(ref.id)
        custom_id = post_button(reply)["custom_id"]
        fake.fail_next("POST", r"^/webhooks/\d+/[^/]+$", 503, times=5)
        n = len(fake.requests)
        click = await fake.click_button(custom_id, private["id"])
        apology = await fake.wait_for_request(
            lambda r: is_followup(r, click) and not r.injected and r.json.get("content") == APOLOGY,
            timeout=30,
            start=n,
        )
        assert apology.json["flags"] & MESSAGE_FLAG_EPHEMERAL
        assert not public_embeds(fake)
        assert private["content"] != POSTED and post_button(reply)["custom_id"] == custom_id
        assert any(c["custom_id"] == custom_id for row in private["components"] for c in row["components"])
        # Discord is back: the same button posts it.
        click = await fake.click_button(custom_id, private["id"])
        assert len(await public_once_settled(fake, 1)) == 1


async def test_someone_who_may_not_send_messages_posts_nothing_through_the_bot(answerer: Answerer, tmp_path):
    """A trial: a member without Send Messages posted their own text in the channel, as a check's quote
    through Post in channel, and as a public /ask's title."""
    muted = DEFAULT_EVERYONE_PERMISSIONS & ~permission_value("send_messages")
    async with FakeDiscord(heartbeat_interval=0.5, everyone_permissions=muted) as fake:
        bot = bot_for(tmp_path, answerer)
        async with running_bot(fake, bot):
            ref = await fake.send_slash("check", {"text": '"BUY PILLS AT spam.example" and ' + THREE})
            reply = await checked(fake, ref)
            click = await fake.click_button(
                post_button(reply)["custom_id"], fake.original_message(ref.id)["id"]
            )
            refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
            assert refusal.json["data"]["content"] == MAY_NOT_POST
            assert refusal.json["data"]["flags"] & MESSAGE_FLAG_EPHEMERAL
            ask = await fake.send_slash(
                "ask", {"question": "BUY PILLS AT spam.example, when was the meeting?"}
            )
            await fake.wait_for_request(lambda r: is_followup(r, ask))
            answered = fake.original_message(ask.id)
            assert answered["embeds"] and answered["flags"] & MESSAGE_FLAG_EPHEMERAL  # answered, privately
            public = [m for m in fake.bot_messages() if not m["flags"] & MESSAGE_FLAG_EPHEMERAL]
            assert public == []


@pytest.mark.parametrize("why", ["timed out", "locked thread"])
async def test_a_member_timed_out_or_in_a_locked_thread_posts_nothing_through_the_bot(
    fake: FakeDiscord, answerer: Answerer, tmp_path, why: str
):
    """A member timed out may only read, and a locked thread takes posts only from those who may manage
    threads; neither posts their words through the bot, whatever Send Messages says."""
    channel_id = None
    if why == "timed out":
        until = datetime.now(UTC) + timedelta(hours=1)
        fake.members[str(fake.user_id)]["communication_disabled_until"] = until.isoformat()
    else:
        thread = fake._thread_payload(str(fake.channel_id), str(fake._snowflake()), {"name": "t"}, 11)
        thread["thread_metadata"]["locked"] = True
        channel_id = thread["id"]
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("check", {"text": THREE}, channel_id=channel_id)
        reply = await checked(fake, ref)
        click = await fake.click_button(post_button(reply)["custom_id"], fake.original_message(ref.id)["id"])
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert refusal.json["data"]["content"] == MAY_NOT_POST
        ask = await fake.send_slash("ask", {"question": "when was the meeting?"}, channel_id=channel_id)
        await fake.wait_for_request(lambda r: is_followup(r, ask))
        answered = fake.original_message(ask.id)
        assert answered["embeds"] and answered["flags"] & MESSAGE_FLAG_EPHEMERAL  # answered, privately
        assert [m for m in fake.bot_messages() if not m["flags"] & MESSAGE_FLAG_EPHEMERAL] == []


async def test_a_forged_post_button_changes_no_public_answer_and_links_no_other_message(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A helper's trial: a tampered client put a Post button carrying its own id on someone's public /ask
    answer, and the click emptied that answer, took its buttons off and posted it again "Checked for"
    the clicker; on the clicker's own check, a forged message id linked a message never checked."""
    bot = bot_for(tmp_path, answerer, cooldown_questions=50)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("ask", {"question": "When was the meeting?"})
        await fake.wait_for_request(lambda r: is_followup(r, ref))
        victim = fake.bot_messages()[-1]
        kept = copy.deepcopy(victim)
        attacker = fake.add_user("attacker")
        forged = f"mb:qpost:{fake.channel_id}:0:{attacker}"
        victim["components"] = [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": forged}]}]
        n = len(fake.requests)
        click = await fake.click_button(forged, victim["id"], user=attacker)
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert (
            refusal.json["data"]["content"] == GONE and refusal.json["data"]["flags"] & MESSAGE_FLAG_EPHEMERAL
        )
        await asyncio.sleep(0.3)
        assert [r for r in fake.requests[n:] if r.path.startswith("/webhooks/")] == []
        assert victim["content"] == kept["content"] and victim["embeds"] == kept["embeds"]

        # On the clicker's own private /ask answer: no quote check, so not posted as one either.
        asked = {"question": "Quote check: when was the meeting?", "private": True}  # a check's title
        ref = await fake.send_slash("ask", asked, user=attacker)
        await fake.wait_for_request(lambda r: is_followup(r, ref))
        own = fake.original_message(ref.id)
        assert own["flags"] & MESSAGE_FLAG_EPHEMERAL
        forged = f"mb:qpost:{fake.channel_id}:0:{attacker}"
        own["components"] = [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": forged}]}]
        click = await fake.click_button(forged, own["id"], user=attacker)
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert refusal.json["data"]["content"] == GONE

        # The attacker's own check (of a message they sent), its button's message id changed to another's.
        theirs = await fake.send_message(THREE, author=attacker)
        ref = await fake.send_message_command(MENU_NAME, theirs["id"], user=attacker)
        await checked(fake, ref)
        private = fake.original_message(ref.id)
        forged = f"mb:qpost:{fake.channel_id}:{victim['id']}:{attacker}"
        private["components"] = [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": forged}]}]
        click = await fake.click_button(forged, private["id"], user=attacker)
        posted = await fake.wait_for_request(lambda r: is_followup(r, click))
        assert str(victim["id"]) not in json.dumps(posted.json)


async def test_a_check_of_a_message_with_a_spoiler_is_never_posted(
    fake: FakeDiscord, answerer: Answerer, tmp_path
):
    """A review: "Check against the article" on someone's message quoted the words its author hid as a
    spoiler, and "Post in channel" showed them to everyone. The check stays with the person who ran it
    (who may open the spoiler), with no button, and a forged click posts nothing."""
    bot = bot_for(tmp_path, answerer)
    async with running_bot(fake, bot):
        author = fake.add_user("author")
        message = await fake.send_message('Mamdani said ||"We will freeze the rent"||', author=author)
        ref = await fake.send_message_command(MENU_NAME, message["id"])
        reply = await checked(fake, ref)
        (embed,) = reply.json["embeds"]
        assert CHECK_KEPT_PRIVATE in embed["description"] and not reply.json.get("components")
        private = fake.original_message(ref.id)
        assert private["flags"] & MESSAGE_FLAG_EPHEMERAL
        forged = f"mb:qpost:{fake.channel_id}:{message['id']}:{fake.user_id}"
        private["components"] = [{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": forged}]}]
        n = len(fake.requests)
        click = await fake.click_button(forged, private["id"])
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert refusal.json["data"]["content"] == CHECK_KEPT_PRIVATE
        await asyncio.sleep(0.3)
        assert [r for r in fake.requests[n:] if r.path.startswith("/webhooks/")] == []
        # Without a spoiler, the button is there as ever; but its author may hide the words before it is
        # clicked (a second review posted the check then), and the click posts nothing.
        plain = await fake.send_message(THREE, author=author)
        ref = await fake.send_message_command(MENU_NAME, plain["id"])
        button = post_button(await checked(fake, ref))
        await fake.edit_message(plain["id"], f"||{THREE}||")
        n = len(fake.requests)
        click = await fake.click_button(button["custom_id"], fake.original_message(ref.id)["id"])
        refusal = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{click.id}/"))
        assert refusal.json["data"]["content"] == CHECKED_EDITED  # any edit since the check
        await asyncio.sleep(0.3)
        assert [r for r in fake.requests[n:] if r.path.startswith("/webhooks/")] == []


async def test_the_button_still_works_after_a_restart(fake: FakeDiscord, answerer: Answerer, tmp_path):
    async with running_bot(fake, bot_for(tmp_path, answerer)):
        ref = await fake.send_slash("check", {"text": '"It’s ambitious. It’s controversial."'})
        reply = await checked(fake, ref)
        private = fake.original_message(ref.id)
    async with running_bot(fake, bot_for(tmp_path, answerer)):  # a new process: nothing kept in memory
        custom_id = post_button(reply)["custom_id"]
        assert custom_id == f"mb:qpost:{fake.channel_id}:0:{fake.user_id}"  # /check: no message to link
        click = await fake.click_button(custom_id, private["id"])
        posted = await fake.wait_for_request(lambda r: is_followup(r, click))
        (embed,) = posted.json["embeds"]
        assert (
            embed["fields"][0]["value"].startswith("✅")
            and "What Comes Next, ¶1" in embed["fields"][0]["value"]
        )


async def test_long_image_only_and_many_quote_messages(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, cooldown_questions=50)
    async with running_bot(fake, bot):
        image = fake.image_attachment(fake.channel_id)
        only_image = await fake.send_message("", attachments=[image])
        ref = await fake.send_message_command(MENU_NAME, only_image["id"])
        assert (await checked(fake, ref)).json["content"] == NO_TEXT

        only_embed = await fake.send_message("", embeds=[{"title": "a link preview", "description": "x"}])
        ref = await fake.send_message_command(MENU_NAME, only_embed["id"])
        assert (await checked(fake, ref)).json["content"] == NO_TEXT

        long = ("He wants to see rents coming down and nobody cares about it at all " * 60)[:4000]
        ref = await fake.send_message_command(MENU_NAME, (await fake.send_message(long))["id"])
        (embed,) = (await checked(fake, ref)).json["embeds"]
        assert_within_limits(embed)
        assert "first 120 words" in embed["description"]

        twenty = " ".join(
            f'"{w} wants to see rents coming down number {n}"' for n, w in enumerate(["He"] * 20)
        )
        ref = await fake.send_message_command(MENU_NAME, (await fake.send_message(twenty))["id"])
        (embed,) = (await checked(fake, ref)).json["embeds"]
        assert_within_limits(embed)
        assert embed["title"] == "Quote check: 20 quotes"
        shown = len(embed["fields"])
        assert 1 <= shown <= 20
        if shown < 20:
            assert f"{20 - shown} more quoted passages not shown" in embed["description"]

        for text in ('He said "it was "great" and “fine', "‘unbalanced ’quote’ and \"nested 'marks' here\""):
            ref = await fake.send_message_command(MENU_NAME, (await fake.send_message(text))["id"])
            reply = await checked(fake, ref)
            if reply.json.get("embeds"):
                assert_within_limits(reply.json["embeds"][0])
            else:
                assert reply.json["content"].count(".") == 1  # one sentence


async def test_an_override_character_never_reaches_the_reply(fake: FakeDiscord, answerer: Answerer, tmp_path):
    async with running_bot(fake, bot_for(tmp_path, answerer)):
        ref = await fake.send_slash("check", {"text": '"It’s am\u202ebitious. It’s\u200b controversial."'})
        (embed,) = (await checked(fake, ref)).json["embeds"]
        (field,) = embed["fields"]
        assert "\u202e" not in field["name"] and "\u200b" not in field["name"]
        assert "It’s ambitious. It’s controversial." in field["name"] and field["value"].startswith("✅")


async def test_checks_count_cooldown_hits_and_failures(fake: FakeDiscord, answerer: Answerer, tmp_path):
    bot = bot_for(tmp_path, answerer, cooldown_questions=1)
    async with running_bot(fake, bot):
        ref = await fake.send_slash("check", {"text": '"It’s ambitious"'})
        await checked(fake, ref)
        refused = await fake.send_slash("check", {"text": '"It’s ambitious"'})
        notice = await fake.wait_for_request(lambda r: r.path.startswith(f"/interactions/{refused.id}/"))
        assert "please wait" in notice.json["data"]["content"]
        assert "(1 check per 30 seconds" in notice.json["data"]["content"]  # it counts checks, not questions
        assert counted(bot, "meeting_bot_cooldown_hits_total") == 1

        other = fake.add_user("second")  # a fresh cooldown; the checker now fails
        bot.get_cog("CheckCog").checker = lambda: 1 / 0
        message = await fake.send_message('Trump said "He wants to see housing being built."')
        ref = await fake.send_message_command(MENU_NAME, message["id"], user=other)
        assert (await checked(fake, ref)).json["content"] == APOLOGY
        assert counted(bot, "meeting_bot_errors_total", stage="checking") == 1
        assert counted(bot, "meeting_bot_cooldown_hits_total") == 1


async def test_a_checker_built_as_the_index_is_swapped_is_not_kept(answerer: Answerer, tmp_path, monkeypatch):
    """A review: a check building its checker in a worker thread as /reindex swapped another index in
    stored the old one after the swap had let it go, keeping the old index until the next check."""
    from bot.chat import checking
    from bot.core.loading import load_answerer

    bot = bot_for(tmp_path, answerer)
    cog = checking.CheckCog(bot)
    fresh = await asyncio.to_thread(load_answerer, Paths.of(Settings(_env_file=None)))
    built = checking.QuoteChecker

    def swapped_meanwhile(*args, **kwargs):
        bot.answers.swap(fresh)  # as /reindex does while the old index's checker is being built
        return built(*args, **kwargs)

    monkeypatch.setattr(checking, "QuoteChecker", swapped_meanwhile)
    try:
        old = await cog.checker()
        assert old.index is answerer.index and cog._checker is None  # used for this check, then let go
        monkeypatch.setattr(checking, "QuoteChecker", built)
        assert (await cog.checker()).index is fresh.index and cog._checker.index is fresh.index
    finally:
        bot.store.close()
