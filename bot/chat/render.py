"""Answer → Discord embeds; the one place that knows Discord's message limits."""

from __future__ import annotations

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.core.answer import Answer
from bot.core.index import Index
from bot.core.kinds import Kind
from bot.core.paragraphs import FullParagraph
from bot.core.quotes import QuoteCheck, SpanCheck, difference_note, speaker_note, too_short_note
from bot.core.replies import MORE_ANSWERING, MORE_CLOSEST, NOT_COVERED, NOT_COVERED_ALL, UNSURE
from bot.core.text import cut_at_word, hide_spoilers
from bot.store import UsageReport

# Discord's limits (discord-api-docs, "Embed Limits" and "Create Message").
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
# /about keeps this much of the 6,000 for its last three fields (the index line, how to ask, your questions).
ABOUT_TAIL_ROOM = 1600

ANSWER_COLOUR = discord.Colour.blue()
ABSTAIN_COLOUR = discord.Colour.light_grey()
NO_MENTIONS = discord.AllowedMentions.none()


def clip(text: str, limit: int) -> str:
    """Cut text to `limit` characters at a word boundary, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return cut_at_word(text, limit - 1, floor=limit // 2) + "…"


def safe(text: str) -> str:
    """User or article text made inert: no markdown, no mentions, no invisible tricks, and no links: the
    "://" of an address is written "[:]//", which Discord never makes a link (a helper's trial: a question
    that was only a link was posted back in bold, a link under the bot's name, where embeds were refused;
    shown as code, a review found the code cut open by `clip`, and a link glued to a word left as it was)."""
    return escape_mentions(escape_markdown(text.replace("://", "[:]//")))  # then escaped as any text


def _excerpt_value(text: str, span: tuple[int, int] | None, limit: int) -> str:
    """The excerpt with its answering sentence in bold, cut to fit `limit`."""
    if span is None:
        return clip(safe(text), limit)
    a, b = span
    before, sentence, after = safe(text[:a]), safe(text[a:b]), safe(text[b:])
    full = f"{before}**{sentence}**{after}"
    if len(full) <= limit:
        return full
    # Keep the bold sentence (whole when it fits) and trim the context on both sides.
    core = f"**{clip(sentence, limit - 4)}**"
    room = limit - len(core)
    left_room = room // 2
    if len(before) <= left_room:
        left = before
    else:
        left = "…" + before[len(before) - left_room + 1 :] if left_room > 1 else ""
    right_room = room - len(left)
    right = clip(after, right_room) if after and right_room > 1 else ""
    return f"{left}{core}{right}"


def footer_text(answer: Answer) -> str:
    """The source line: title and meeting date, as the article was provided."""
    if not answer.sources:
        return ""
    s = answer.sources[0]
    return clip(f"Source: {s.title} · meeting of {s.date} · {s.source}", FOOTER_MAX)


PLAIN_KINDS = (Kind.CHATTER, Kind.LANGUAGE)  # a line of text, no embed and no buttons
HOW_TO_ASK = (
    "Use `/ask`, send me a direct message, mention me in a channel, or reply to one of my answers; "
    "follow-up questions in a DM or in my thread are read with the conversation."
)


def your_questions(retention_days: int) -> str:
    """What happens to what someone asks, for help and /about (docs/privacy.md says it all)."""
    days = f"{retention_days:,} day{'' if retention_days == 1 else 's'}"
    kept = f"for {days}" if retention_days else "until whoever runs me deletes them"
    later = (
        ", and in a conversation as long as the later questions stored with them" if retention_days else ""
    )
    return (
        f"I keep your questions {kept}{later}, with a salted hash of your Discord id, never your name. "
        "Delete a question you typed in a server while I'm online and, while I still keep it, I delete it "
        "and my answer; my other replies stay until someone deletes them. Members who can manage a server "
        "see in `/stats` only the words of questions asked where everyone there can read them. Whoever "
        "runs me can read what is stored and delete yours if you ask. `private: True` on /ask shows the "
        "answer to you alone."
    )


def add_your_questions(embed: discord.Embed, retention_days: int) -> None:
    """The field of help and /about that says what becomes of the questions asked (`your_questions`)."""
    embed.add_field(
        name="Your questions", value=clip(your_questions(retention_days), FIELD_VALUE_MAX), inline=False
    )


def render_plain(answer: Answer) -> str:
    """Chatter or the language note: the bot's one line, as message content."""
    return clip(answer.reply or "", CONTENT_MAX)


# Said under a reply sent as text where the bot may not embed links (Discord refuses its embeds there).
NO_EMBEDS_NOTE = "(Shown as text: I need the Embed Links permission in this channel to show it as a card.)"


def embed_as_text(embed: discord.Embed) -> str:
    """An embed's words as message content, within CONTENT_MAX, the note why last: for a channel that
    refuses the bot's embeds. Its title and fields are already safe (`safe`); mentions are made inert."""
    parts = [f"**{embed.title}**" if embed.title else "", embed.description or ""]
    parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    parts.append(embed.footer.text or "")
    body = escape_mentions("\n\n".join(p for p in parts if p))
    return f"{clip(body, CONTENT_MAX - len(NO_EMBEDS_NOTE) - 2)}\n\n{NO_EMBEDS_NOTE}"


def render_guide(answer: Answer, retention_days: int) -> discord.Embed:
    """Help or an overview: the bot's words, the opening paragraph (overview), sections, examples; help
    also says what becomes of the questions asked (`your_questions`)."""
    title = "How to ask me" if answer.kind == Kind.HELP else "The article in brief"
    # The reply is the bot's own sentence (its markdown is meant); mentions are still made inert.
    text = escape_mentions(answer.reply or "")
    if answer.kind == Kind.HELP:
        text += f"\n\n{HOW_TO_ASK}"
    embed = discord.Embed(
        title=title,
        description=clip(text, DESCRIPTION_MAX),
        colour=ANSWER_COLOUR,
    )
    for e in answer.excerpts[:1]:
        embed.add_field(
            name=clip(f"[{e.rank}] {e.citation}", FIELD_NAME_MAX),
            value=clip(safe(e.text), FIELD_VALUE_MAX),
            inline=False,
        )
    if answer.contents:
        lines = "\n".join(f"• {safe(h.citation)}" for h in answer.contents)
        embed.add_field(name="Sections", value=clip(lines, FIELD_VALUE_MAX), inline=False)
    if answer.examples:
        lines = "\n".join(f"• *{safe(q)}*" for q in answer.examples)
        embed.add_field(name="Try asking", value=clip(lines, FIELD_VALUE_MAX), inline=False)
    if answer.kind == Kind.HELP:
        add_your_questions(embed, retention_days)
    footer = footer_text(answer)
    if footer and answer.kind == Kind.OVERVIEW:
        embed.set_footer(text=footer)
    return embed


def render_answer(answer: Answer, shown_from: int = 0) -> discord.Embed:
    """The embed of an answer: highlight, numbered cited excerpts, source; always within limits.

    With `shown_from`, only the excerpts after the first `shown_from` (for "More passages").
    """
    # The question as asked, its spoilers hidden: the asker hid those words from the channel.
    title = clip(safe(hide_spoilers(answer.continues or answer.question)), TITLE_MAX)
    if answer.continues:  # "more please": the next passages of the earlier question, or of the article
        description = safe(answer.reply or "")
        colour = ANSWER_COLOUR if answer.answered or answer.kind == Kind.OVERVIEW else ABSTAIN_COLOUR
    elif shown_from:  # the "More passages" button
        description = MORE_ANSWERING if answer.answered else MORE_CLOSEST
        colour = ANSWER_COLOUR if answer.answered else ABSTAIN_COLOUR
    elif answer.answered:
        description = f"**{safe(answer.highlight)}**" if answer.highlight else "See the excerpts below."
        if not answer.sure:
            description = f"{UNSURE}\n{description}"
        colour = ANSWER_COLOUR
    else:
        if answer.part_answers:  # a question of several parts, some of which the article answers
            description = (
                f"{NOT_COVERED_ALL} Where it answers part of it comes first, then the closest passages."
            )
        elif answer.excerpts:
            description = f"{NOT_COVERED} The closest passages are below; they may not answer it."
        else:  # the bot's own sentence (for a word or two, also what it is for)
            description = safe(answer.reply or NOT_COVERED)
        colour = ABSTAIN_COLOUR
    if answer.truncated:
        description = "(Your question was over 2,000 characters, so only its start was read.)\n" + description
    embed = discord.Embed(title=title, description=clip(description, DESCRIPTION_MAX), colour=colour)
    footer = footer_text(answer)
    budget = EMBED_TOTAL_MAX - len(title) - len(embed.description or "") - len(footer)
    excerpts = (answer.excerpts[shown_from:] if shown_from else answer.shown)[:FIELDS_MAX]
    for i, e in enumerate(excerpts):
        # The article's own next passages after a summary are no "closest" guess either.
        answers = answer.answered or answer.kind == Kind.OVERVIEW or e.rank <= answer.part_answers
        marker = f"[{e.rank}]" if answers else f"[{e.rank}] (closest)"
        name = clip(f"{marker} {e.citation}", FIELD_NAME_MAX)
        share = max(0, budget // (len(excerpts) - i) - len(name))
        value = _excerpt_value(e.text, e.highlight if answer.answered else None, min(FIELD_VALUE_MAX, share))
        if not value or share < 20:
            break
        embed.add_field(name=name, value=value, inline=False)
        budget -= len(name) + len(value)
    if footer:
        embed.set_footer(text=footer)
    return embed


def render_paragraph(para: FullParagraph) -> discord.Embed:
    """A whole paragraph with its heading, for the "Full paragraph" button."""
    where = f"{para.section}, ¶{para.number}"
    if para.question:
        where += f" ({para.question})"
    embed = discord.Embed(
        title=clip(safe(where), TITLE_MAX),
        description=clip(safe(para.text), DESCRIPTION_MAX),
        colour=ANSWER_COLOUR,
    )
    embed.set_footer(text=clip(f"Source: {para.doc_title}", FOOTER_MAX))
    return embed


def render_about(index: Index, cooldown: str, retention_days: int) -> discord.Embed:
    """What the bot knows and how to ask it."""
    m = index.manifest
    embed = discord.Embed(
        title="About this bot",
        description=clip(
            "I answer questions about the November 21, 2025 Oval Office meeting between Donald Trump "
            "and Zohran Mamdani, quoting the article's own words with a citation for each excerpt. "
            "I never write answers of my own: when the article doesn't say, I tell you so.",
            DESCRIPTION_MAX,
        ),
        colour=ANSWER_COLOUR,
    )
    docs = list(index.docs.values())
    # Leave room under the 6,000-character total for the three fields that follow.
    for shown, doc in enumerate(docs):
        name = clip(f"Document: {doc.title}", FIELD_NAME_MAX)
        value = clip(
            f"{doc.source}; meeting of {doc.date}. Sections: {', '.join(doc.sections)}.", FIELD_VALUE_MAX
        )
        if shown >= FIELDS_MAX - 4 or len(embed) + len(name) + len(value) > EMBED_TOTAL_MAX - ABOUT_TAIL_ROOM:
            embed.add_field(name="More documents", value=f"and {len(docs) - shown} more", inline=False)
            break
        embed.add_field(name=name, value=value, inline=False)
    embed.add_field(
        name="Index", value=f"{m.chunks} passages · model {m.model} · built {m.built_at}", inline=False
    )
    embed.add_field(
        name="How to ask",
        value=clip(
            "Use `/ask`, send me a direct message, mention me in a channel, or reply to one of my answers. "
            f"Add `private: True` to /ask to see the answer alone. Limit: {cooldown}.",
            FIELD_VALUE_MAX,
        ),
        inline=False,
    )
    add_your_questions(embed, retention_days)
    return embed


def render_report(report: UsageReport) -> discord.Embed:
    """/stats: questions per day, abstention, votes per cited section, top unanswered questions."""
    embed = discord.Embed(
        title="Usage report",
        description=clip(
            f"{report.questions_said}, {report.abstained} not answered by the article "
            f"({report.abstention_rate:.0%}){report.more_said}; "
            f"👍 {report.votes_up} · 👎 {report.votes_down}.",
            DESCRIPTION_MAX,
        ),
        colour=ANSWER_COLOUR,
    )
    kinds = " · ".join(f"{k.kind.replace('_', ' ')} {k.count}" for k in report.kinds)
    embed.add_field(name="Replies by kind", value=clip(kinds or "none yet", FIELD_VALUE_MAX), inline=False)
    days = "\n".join(
        f"{d.day.isoformat()}: {d.questions} ({d.abstained} unanswered)" for d in report.per_day[-14:]
    )
    embed.add_field(
        name="Questions per day (last 14)", value=clip(days or "none yet", FIELD_VALUE_MAX), inline=False
    )
    votes = "\n".join(f"{safe(v.section)}: 👍 {v.up} · 👎 {v.down}" for v in report.section_votes[:10])
    embed.add_field(
        name="Votes per cited section", value=clip(votes or "none yet", FIELD_VALUE_MAX), inline=False
    )
    gaps = "\n".join(f"{g.count}× {safe(hide_spoilers(g.question))}" for g in report.top_unanswered[:10])
    embed.add_field(
        name="Most asked, not in the article", value=clip(gaps or "none yet", FIELD_VALUE_MAX), inline=False
    )
    embed.set_footer(text=f"Generated {report.generated_at:%Y-%m-%d %H:%M} UTC")
    return embed


def render_notice(text: str) -> str:
    """A short plain notice (apology, cooldown, refusal) that fits a message."""
    return clip(text, CONTENT_MAX)


# ---------------------------------------------------------------- the quote check

VERDICT_HEADINGS = {
    "verbatim": "✅ In the article, word for word",
    "close": "≈ Close, but not word for word: the article's words differ",
    "absent": "❌ Not in the article",
}
CHECK_COLOURS = {"verbatim": discord.Colour.green(), "close": discord.Colour.gold(), "absent": ABSTAIN_COLOUR}
CHECK_TITLE = "Quote check"  # the title of every check result (and its start: "Quote check: 3 quotes")
VERDICT_MARKS = {v: heading.split(" ")[0] for v, heading in VERDICT_HEADINGS.items()}  # ✅, ≈, ❌
QUOTE_NAME_MAX = 200  # a quote shown in a field name is cut here (the name's limit is 256)
CHECK_FIELD_MIN = 90  # a span's field needs this much room (verdict and citation); else it is not shown
CHECK_NOTE_ROOM = 300  # kept for the description's notes (spans not shown, text cut)


def _check_value(span: SpanCheck, room: int) -> str:
    """A span's verdict, the article's words (quoted), where, and what differs: within `room` characters."""
    lines = [VERDICT_HEADINGS[span.verdict]]
    if who := speaker_note(span):
        lines.append(f"**{safe(who)}**")
    if span.differs:
        lines.append("Differs: " + clip("; ".join(safe(difference_note(d)) for d in span.differs), 300))
    where = f"— {safe(span.citation)}"
    label = "Nearest passage (not these words): " if span.verdict == "absent" else ""
    head = "\n".join(lines)
    # The article's text takes what the verdict, notes and citation leave.
    text_room = room - len(head) - len(where) - len(label) - 6
    if text_room >= 40:
        head += f"\n> {label}{clip(safe(span.article_text), text_room)}"
    return clip(f"{head}\n{where}", room)


# A check of a message that hides words as a spoiler quotes them unhidden: it stays with the person who ran
# it, who may see them, and is never posted in the channel (its author hid them from the channel).
CHECK_KEPT_PRIVATE = "The message hides words as a spoiler, so this check stays here, for you only."


def render_check(result: QuoteCheck, kept_private: bool = False) -> discord.Embed:
    """A quote check: one field per quoted passage (as many as Discord's limits allow), then how many more;
    `kept_private`: it says why it has no button to post it (CHECK_KEPT_PRIVATE)."""
    verdicts = [s.verdict for s in result.spans]
    worst = "absent" if "absent" in verdicts else "close" if "close" in verdicts else "verbatim"
    title = CHECK_TITLE if len(verdicts) == 1 else f"{CHECK_TITLE}: {len(verdicts) + result.unchecked} quotes"
    counts = " · ".join(f"{VERDICT_MARKS[v]} {verdicts.count(v)}" for v in VERDICT_HEADINGS if v in verdicts)
    notes = []
    if result.truncated:
        notes.append("The message is over 4,000 characters; it was checked up to there.")
    if any(s.truncated for s in result.spans):
        notes.append("A long quote was checked on its first 120 words.")
    if result.too_short:
        notes.append(too_short_note(result.too_short))
    if kept_private:
        notes.append(CHECK_KEPT_PRIVATE)
    budget = EMBED_TOTAL_MAX - len(title) - CHECK_NOTE_ROOM - len(counts) - sum(len(n) + 1 for n in notes)
    embed = discord.Embed(title=title, colour=CHECK_COLOURS[worst])
    shown = 0
    for i, span in enumerate(result.spans[:FIELDS_MAX]):
        share = budget // (len(result.spans[:FIELDS_MAX]) - i)
        quote = clip(safe(" ".join(span.quote.split())), max(30, min(QUOTE_NAME_MAX, share // 3)))
        name = clip(f"[{i + 1}] “{quote}”", FIELD_NAME_MAX)
        room = min(FIELD_VALUE_MAX, share - len(name))
        if room < CHECK_FIELD_MIN:
            break
        value = _check_value(span, room)
        embed.add_field(name=name, value=value, inline=False)
        budget -= len(name) + len(value)
        shown += 1
    hidden = len(result.spans) - shown + result.unchecked
    if hidden:
        notes.append(f"{hidden} more quoted passage{'s' if hidden != 1 else ''} not shown here.")
    embed.description = clip("\n".join([counts, *notes]), DESCRIPTION_MAX)
    return embed


def is_kept_private(embed: discord.Embed) -> bool:
    """Whether a check's embed is one of a message with a spoiler (`render_check`), never to be posted."""
    return CHECK_KEPT_PRIVATE in (embed.description or "")


def is_check(embed: discord.Embed) -> bool:
    """Whether an embed is a quote check's (`render_check`): its title, and a verdict opening every field.
    An answer's title is the asker's question, so the title alone would not tell."""
    marks = tuple(VERDICT_MARKS.values())
    fields = embed.fields
    return (
        (embed.title or "").startswith(CHECK_TITLE)
        and bool(fields)
        and all((f.value or "").startswith(marks) for f in fields)
    )
