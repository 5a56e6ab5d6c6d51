"""The renderer keeps every reply within Discord's limits, escapes what people type, numbers citations;
the small handler helpers (question detection, mentions, thread names, cooldowns, conversations)."""

from __future__ import annotations

import re
import sys
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, date, datetime
from types import SimpleNamespace

import discord
import pytest

from bot.chat.asking import Conversations, looks_like_question, may_embed, strip_mentions, thread_name
from bot.chat.render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    TITLE_MAX,
    clip,
    embed_as_text,
    render_about,
    render_answer,
    render_check,
    render_paragraph,
    render_report,
)
from bot.chat.views import FORGET_IDLE_AT, Cooldowns, seconds
from bot.core.answer import Answer, Excerpt, Source
from bot.core.paragraphs import FullParagraph
from bot.core.quotes import QuoteCheck, SpanCheck
from bot.core.replies import NOT_COVERED_ALL, UNSURE
from bot.core.text import HIDDEN
from bot.store import DayCount, SectionVotes, UnansweredGroup, UsageReport


def excerpt(
    rank: int, text: str, highlight: tuple[int, int] | None = None, section: str = "Section"
) -> Excerpt:
    """An excerpt with a citation like the real ones."""
    return Excerpt(rank, text, f"{section}, ¶{rank}", section, rank, 0.5, f"doc#{rank}", "Title", highlight)


def answer(
    question: str,
    excerpts: list[Excerpt],
    answered: bool = True,
    highlight: str | None = None,
    sure: bool | None = None,
) -> Answer:
    """An Answer as the core builds it (an answer is sure unless told otherwise)."""
    return Answer(
        question,
        answered,
        highlight,
        tuple(excerpts),
        False,
        0.9,
        (Source("Title", "2025-11-21", "as provided"),),
        sure=answered if sure is None else sure,
    )


def assert_fits(embed_dict: dict) -> None:
    """Every Discord embed limit."""
    assert len(embed_dict.get("title", "")) <= TITLE_MAX
    assert len(embed_dict.get("description", "")) <= DESCRIPTION_MAX
    fields = embed_dict.get("fields", [])
    assert len(fields) <= FIELDS_MAX
    for f in fields:
        assert 0 < len(f["name"]) <= FIELD_NAME_MAX and 0 < len(f["value"]) <= FIELD_VALUE_MAX
    assert len(embed_dict.get("footer", {}).get("text", "")) <= FOOTER_MAX
    total = len(embed_dict.get("title", "")) + len(embed_dict.get("description", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in fields) + len(
        embed_dict.get("footer", {}).get("text", "")
    )
    assert total <= EMBED_TOTAL_MAX


@pytest.mark.parametrize("length", [10, 900, 1100, 5000])
@pytest.mark.parametrize("count", [1, 3, 10])
@pytest.mark.parametrize("sure", [True, False])
def test_answers_of_any_size_fit_every_limit(length: int, count: int, sure: bool) -> None:
    text = ("word " * length)[:length].strip() + "."
    sentence = text[: min(len(text), 4000)]
    items = [excerpt(i, text, (0, len(sentence)) if i == 1 else None) for i in range(1, count + 1)]
    embed = render_answer(answer("q " * 3000, items, highlight=sentence, sure=sure))
    assert_fits(embed.to_dict())
    assert len(embed.fields) >= 1


def test_citations_are_numbered_in_order_and_abstentions_marked_closest() -> None:
    items = [excerpt(i, f"Text {i}.") for i in range(1, 4)]
    names = [f.name for f in render_answer(answer("q", items, highlight="Text 1.")).fields]
    assert names == ["[1] Section, ¶1", "[2] Section, ¶2", "[3] Section, ¶3"]
    declined = render_answer(answer("q", items, answered=False))
    assert all("(closest)" in f.name for f in declined.fields)
    assert "doesn't cover" in declined.description


def test_a_question_answered_in_part_says_so_and_marks_only_the_rest_closest() -> None:
    # A trial: Discord said "doesn't cover this" and marked Mamdani's age "(closest)" for "how old is
    # mamdani and how tall is trump?", where the command line said the article answers part of it.
    items = [excerpt(i, f"Text {i}.") for i in range(1, 4)]
    partly = replace(answer("q and r?", items, answered=False), kind="not_covered", part_answers=1)
    embed = render_answer(partly)
    assert embed.description.startswith(NOT_COVERED_ALL)
    assert ["(closest)" in f.name for f in embed.fields] == [False, True, True]


def test_a_withdrawn_question_leaves_the_conversation_and_its_byte_count() -> None:
    conv = Conversations(depth=5, channels=10, max_bytes=10**6)
    for q in ("a", "deleted", "b", "deleted"):
        conv.add(1, q)
    conv.withdraw(1, "deleted")  # only the latest time it was added
    conv.withdraw(2, "deleted")  # a channel with no conversation: nothing to do
    assert conv.history(1) == ["a", "deleted", "b"] and conv.history(2) == []
    assert conv._bytes == sum(sys.getsizeof(t) for t in ["a", "deleted", "b"])


def test_the_answering_sentence_is_bold_inside_excerpt_one() -> None:
    text = "First sentence here. The answer is 18%. Last one."
    start = text.index("The answer")
    e = excerpt(1, text, (start, start + len("The answer is 18%.")))
    embed = render_answer(answer("q", [e], highlight="The answer is 18%."))
    assert "**The answer is 18%.**" in embed.fields[0].value
    assert embed.description == "**The answer is 18%.**"


def test_an_answer_the_abstainer_is_not_sure_of_says_so_above_its_bold_line() -> None:
    # A new-user trial: "who won the 2026 midterms?" bolded "Everything. With control of the House and
    # Senate on the line…" like any sure answer, though the abstainer was not sure of it.
    text = "First sentence here. The answer is 18%. Last one."
    start = text.index("The answer")
    e = excerpt(1, text, (start, start + len("The answer is 18%.")))
    unsure = render_answer(answer("q", [e], highlight="The answer is 18%.", sure=False))
    assert unsure.description == f"{UNSURE}\n**The answer is 18%.**"
    assert unsure.fields[0].name == "[1] Section, ¶1"  # an answer still, not the closest passages
    sure = render_answer(answer("q", [e], highlight="The answer is 18%.", sure=True))
    assert sure.description == "**The answer is 18%.**"


def test_a_long_excerpt_keeps_its_bold_sentence_when_cut() -> None:
    before, sentence, after = "x " * 800, "The answer is 18%.", " y" * 800
    text = before + sentence + after
    e = excerpt(1, text, (len(before), len(before) + len(sentence)))
    value = render_answer(answer("q", [e], highlight=sentence)).fields[0].value
    assert f"**{sentence}**" in value and len(value) <= FIELD_VALUE_MAX


@pytest.mark.parametrize(
    "question",
    [
        "ping @everyone now",
        "hi @here",
        "<@123456789012345678> and <@&987654321098765432>",
        "**bold** _it_ `code` ~~s~~ ||spoiler||",
    ],
)
def test_what_people_type_is_escaped(question: str) -> None:
    title = render_answer(answer(question, [excerpt(1, "Text.")], highlight="Text.")).title
    assert "@everyone" not in title and "@here" not in title
    assert "<@123456789012345678>" not in title and "<@&987654321098765432>" not in title
    for mark in ("**", "`", "~~", "||"):
        assert mark not in title.replace("\\" + mark[0], "")


@pytest.mark.parametrize(
    "question",
    [
        "https://evil.example/phish",
        "see <http://x.example/a_b> now",
        "1https://evil.example/x",  # glued to a word (a review)
        "https://evil.example/login?session=" + "A" * 300,  # cut by clip (a review)
        "[click](https://evil.example)",
    ],
)
def test_an_address_people_type_is_never_shown_as_a_link(question: str) -> None:
    # A helper's trial: a question that was only a link was posted back in bold, a link under the bot's
    # name, where the bot may not embed (Discord makes a link of "scheme://…" in text and embeds alike).
    reply = render_answer(answer(question, [excerpt(1, "Text.")], answered=False))
    for shown in (reply.title, embed_as_text(reply)):
        assert "://" not in shown and "[:]//" in shown, shown
        assert not re.search(r"(?<!\\)\[[^\]]*\]\(", shown), shown  # no masked link either


def test_more_passages_continue_the_numbering() -> None:
    items = [excerpt(i, f"Text {i}.") for i in range(1, 7)]
    embed = render_answer(answer("q", items, highlight="Text 1."), shown_from=3)
    assert [f.name[:3] for f in embed.fields] == ["[4]", "[5]", "[6]"]


def test_about_fits_with_many_documents() -> None:
    docs = {
        f"d{i}": SimpleNamespace(
            title="T" * 300, date="2025-11-21", source="s" * 200, sections=tuple("S" * 80 for _ in range(20))
        )
        for i in range(40)
    }
    manifest = SimpleNamespace(chunks=100_000, model="m", built_at="2026-11-28T00:00:00+00:00")
    embed = render_about(SimpleNamespace(docs=docs, manifest=manifest), "5 per 30 s", 36_500)
    assert_fits(embed.to_dict())
    assert embed.fields[-1].name == "Your questions" and "36,500 days" in embed.fields[-1].value


def test_about_says_questions_are_kept_until_deleted_without_a_retention() -> None:
    docs = {"d": SimpleNamespace(title="T", date="2025-11-21", source="s", sections=("S",))}
    manifest = SimpleNamespace(chunks=1, model="m", built_at="2026-11-28T00:00:00+00:00")
    embed = render_about(SimpleNamespace(docs=docs, manifest=manifest), "5 per 30 s", 0)
    assert "until whoever runs me deletes them" in embed.fields[-1].value


def test_your_questions_says_how_long_in_words_that_hold() -> None:
    """A review: "for 1 days"; and a question stays in the stored history of the later questions of its
    conversation, which are pruned on their own dates."""
    from bot.chat.render import your_questions

    assert "for 1 day, and in a conversation as long as the later questions" in your_questions(1)
    assert "days" not in your_questions(1) and "for 2 days" in your_questions(2)
    assert "while I'm online" in your_questions(90)  # a deletion Discord never told the bot of keeps the row


# A report at every limit: 90 days, 40 sections voted on, 30 long unanswered questions.
_REPORT = UsageReport(
    generated_at=datetime(2026, 11, 28, tzinfo=UTC),
    questions=10_000,
    abstained=900,
    abstention_rate=0.09,
    votes_up=5,
    votes_down=2,
    per_day=tuple(DayCount(date(2026, 1, 1 + i % 28), 100, 9) for i in range(90)),
    section_votes=tuple(SectionVotes("S" * 200, 3, 1) for _ in range(40)),
    top_unanswered=tuple(UnansweredGroup("q " * 400, 7, ("a",)) for _ in range(30)),
    more_requests=10**15,
)


def test_paragraph_and_report_fit() -> None:
    para = FullParagraph("Title", "Section " * 60, 3, "Question? " * 40, "word " * 3000)
    assert_fits(render_paragraph(para).to_dict())
    assert_fits(render_report(_REPORT).to_dict())


def test_the_report_hides_what_askers_hid_as_a_spoiler() -> None:
    asked = UnansweredGroup("was ||jd vance|| there", 2, ("was ||jd vance|| there",))
    report = replace(_REPORT, questions=2, abstained=2, abstention_rate=1.0, top_unanswered=(asked,))
    gaps = render_report(report).to_dict()["fields"][-1]["value"]
    assert gaps == f"2× was {HIDDEN} there"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("when was the meeting", True),
        ("Rent is high?", True),
        ("How old is Mamdani", True),
        ("good morning everyone", False),
        ("lol", False),
        ("I think so.", False),
    ],
)
def test_question_detection_for_ask_channels(text: str, expected: bool) -> None:
    assert looks_like_question(text) is expected


def test_the_bots_mentions_are_stripped() -> None:
    assert strip_mentions("<@42> when? <@!42>", 42) == "when?"
    assert strip_mentions("<@7> hi", 42) == "<@7> hi"


def test_thread_names_are_one_line_within_100_characters() -> None:
    assert thread_name("  what\nabout   rent? ") == "what about rent?"
    long = thread_name("word " * 100)
    assert len(long) <= 100 and long.endswith("…")
    assert thread_name("   ") == "Question"
    # A long question is cut between words, not inside one.
    question = "Did Trump and Mamdani talk about the Rent Guidelines Board? " * 3
    cut = thread_name(question)
    assert len(cut) <= 100 and cut.endswith("…")
    assert question.startswith(cut[:-1]) and question[len(cut) - 1] == " "


def test_a_thread_name_reads_as_written_and_names_no_one() -> None:
    """Thread titles used the raw message: a right-to-left override showed the rest reversed to the whole
    channel, and @everyone or a role mention stood in the title as typed."""
    name = thread_name("hi @everyone <@&123456789012345678> \u202eevil\u200b text")
    assert "\u202e" not in name and "\u200b" not in name.replace("@\u200b", "@")
    assert "@everyone" not in name and "<@&123456789012345678>" not in name
    assert "evil text" in name


def test_cooldown_allows_the_rate_then_refuses_and_notifies_once() -> None:
    c = Cooldowns(2, 30)
    assert c.retry_after(1) is None and c.retry_after(1) is None
    assert c.retry_after(1) is not None
    assert c.first_refusal(1) is True and c.first_refusal(1) is False
    assert c.retry_after(2) is None  # per person


def test_many_active_people_are_not_swept_at_every_message() -> None:
    # A trial: with 20,000 people active, every message rebuilt the buckets (3.7 ms each).
    c = Cooldowns(5, 60)
    active = FORGET_IDLE_AT * 3 // 2
    for user in range(active):
        c.retry_after(user)
    kept = c._buckets
    for user in range(active, active + 100):
        assert c.retry_after(user) is None
    assert c._buckets is kept and len(kept) == active + 100
    # Idle people are still forgotten past the bar.
    idle = Cooldowns(5, 0.001)
    for user in range(FORGET_IDLE_AT + 2):
        idle.retry_after(user)
        time.sleep(0 if user % 1000 else 0.002)
    assert len(idle._buckets) <= 1000


@pytest.mark.parametrize(
    ("rate", "per", "what", "said"),
    [
        (1, 30, "question", "1 question per 30 seconds per person"),
        (5, 30, "check", "5 checks per 30 seconds per person"),
        (2, 1, "question", "2 questions per 1 second per person"),
        (5, 1e6, "check", "5 checks per 1,000,000 seconds per person"),
        (3, 2.5, "question", "3 questions per 2.5 seconds per person"),
        (5, 0.001, "question", "5 questions per 0.001 seconds per person"),  # was "per 0. seconds"
    ],
)
def test_the_cooldown_limit_reads_as_words(rate: int, per: float, what: str, said: str) -> None:
    assert Cooldowns(rate, per).describe(what) == said


@pytest.mark.parametrize(("wait", "said"), [(0.3, 1), (0.0, 1), (1.0, 1), (4.2, 5), (29.99, 30)])
def test_a_wait_is_told_in_whole_seconds_rounded_up(wait: float, said: int) -> None:
    assert seconds(wait) == said  # a trial saw "please wait 0 s" with 0.3 s left


def test_conversations_keep_the_last_questions_per_channel() -> None:
    conv = Conversations(depth=2, channels=2)
    for q in ("a", "b", "c"):
        conv.add(1, q)
    conv.add(2, "x")
    assert conv.history(1) == ["b", "c"]
    conv.add(3, "y")  # channel 1 is the least recently active and is forgotten
    assert conv.history(1) == [] and conv.history(3) == ["y"]


def test_a_restarted_conversation_keeps_its_byte_count_right() -> None:
    conv = Conversations(depth=3, channels=10, max_bytes=10**6)
    for q in ("a", "b", "c"):
        conv.add(1, q)
    conv.restart(1, ["x" * 1000, "y"])  # a reply to an older answer: the conversation goes on from there
    conv.restart(2, ["z"])
    assert conv.history(1) == ["x" * 1000, "y"] and conv.history(2) == ["z"]
    kept = sum(sys.getsizeof(t) for t in ["x" * 1000, "y", "z"])
    assert conv._bytes == kept


def test_dropping_a_forgotten_question_from_every_conversation_keeps_the_byte_count_right() -> None:
    conv = Conversations(depth=3, channels=10, max_bytes=10**6)
    conv.restart(1, ["secret " * 100, "and why?"])
    conv.restart(2, ["secret " * 100])
    conv.restart(3, ["other"])
    assert conv.texts() == {"secret " * 100, "and why?", "other"}
    assert conv.drop(lambda m, wall, owner: m.startswith("secret")) == 2
    assert conv.history(1) == ["and why?"] and conv.history(2) == [] and conv.history(3) == ["other"]
    assert conv._bytes == sum(sys.getsizeof(t) for t in ["and why?", "other"])
    assert conv.drop(lambda m, wall, owner: False) == 0


def test_a_conversation_lets_go_of_messages_older_than_the_retention() -> None:
    """The store deletes questions older than RETENTION_DAYS, but a bot running that long still held them in
    a conversation, and a follow-up would have stored them again as its history."""
    now = [0.0]
    conv = Conversations(depth=5, max_bytes=10**6, max_age=100.0, clock=lambda: now[0])
    conv.add(1, "old question")
    now[0] = 60.0
    conv.add(1, "newer question")
    conv.add(2, "other channel")
    assert conv.history(1) == ["old question", "newer question"]
    now[0] = 130.0
    assert conv.history(1) == ["newer question"] and conv.history(2) == ["other channel"]
    now[0] = 161.0
    assert conv.history(1) == [] and conv.holding("newer question") == []
    assert Conversations(clock=lambda: now[0]).max_age is None  # RETENTION_DAYS=0 keeps everything


def test_withdrawing_takes_only_the_latest_time_a_question_was_added() -> None:
    conv = Conversations(depth=5)
    for q in ("when?", "where?", "when?"):
        conv.add(1, q)
    conv.withdraw(1, "when?")
    assert conv.history(1) == ["when?", "where?"]
    conv.withdraw(1, "why?")
    assert conv.history(1) == ["when?", "where?"] and conv.holding("where?") == [1]


def test_clip_cuts_at_a_word_with_an_ellipsis() -> None:
    assert clip("short", 10) == "short"
    out = clip("alpha beta gamma delta", 12)
    assert len(out) <= 12 and out.endswith("…") and " " not in out[-2:]


def test_conversations_are_bounded_by_bytes_not_only_by_channels() -> None:
    conv = Conversations()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for channel in range(4_000):
            for turn in range(3):
                conv.add(channel, f"{channel} {turn} " + "long question " * 285)  # about 4,000 characters
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert grown < 24_000_000, f"{grown / 1e6:.0f} MB held"
    assert conv.history(3_999)[-1].startswith("3999 2 ")  # the most recent channel is kept


def test_a_check_says_how_many_one_word_quotes_it_left_unchecked() -> None:
    quote = "Housing is a human right"
    span = SpanCheck(quote, "verbatim", quote + ".", "FAQ, ¶1", "c", 1.0, 0.9)
    said = render_check(QuoteCheck("text", (span,), too_short=2)).description or ""
    assert "2 quoted common words were not checked: a common word proves nothing." in said
    assert "one-word" not in (render_check(QuoteCheck("text", (span,))).description or "")


def test_may_embed_trusts_discord_where_the_cache_cannot_tell() -> None:
    """A second review: a channel missing from discord.py's cache read as no permission at all (so text),
    and a thread whose channel is missing raised instead of answering."""

    class Uncached:  # a PartialMessageable in a cached server: no permissions to read
        guild = SimpleNamespace(me=object())

    class Orphan(discord.Thread):
        guild = SimpleNamespace(me=object())

        def __init__(self) -> None:
            pass

        def permissions_for(self, obj: object, /) -> discord.Permissions:
            raise discord.ClientException("Parent channel not found")

    class Denied(Orphan):
        def permissions_for(self, obj: object, /) -> discord.Permissions:
            return discord.Permissions.none()

    assert may_embed(Uncached()) and may_embed(Orphan()) and may_embed(object())
    assert not may_embed(Denied())
