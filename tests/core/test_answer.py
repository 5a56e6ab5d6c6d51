"""Tests for bot.core.answer: question cleaning and cited answers over a synthetic corpus."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from bot.core.answer import (
    MAX_K,
    MAX_QUESTION_CHARS,
    Answer,
    Answerer,
    Asked,
    BadQuestion,
    EmptyQuestion,
    Excerpt,
    Query,
    UnreadableQuestion,
    clean_question,
)
from bot.core.corpus import corpus_hash, load_corpus
from bot.core.embedding import Embedder
from bot.core.index import build_index, load_index
from bot.core.model import RetrievalModel
from bot.core.text import hide_spoilers

FAIR = """---
title: The Village Fair
date: 2024-05-01
source: written for the tests
---

The village fair opened on Saturday morning. The mayor cut a red ribbon at nine.

## Food

The bakery sold apple pies for four dollars. The queue reached the church door.

- Lemonade: The school stand sold lemonade to raise money for library books.

## Weather

Rain fell heavily in the afternoon. Everyone moved into the big white tent.

## Questions

### Who won the pumpkin contest?

Farmer Giles won with a giant orange pumpkin. His prize was a silver cup.
"""
HARBOUR = """---
title: The Harbour Festival
date: 2024-06-01
source: written for the tests
---

A brass band played sea shanties on the pier. The crowd sang until midnight.
"""
TOPICS = "apples boats candles dancing engines falcons guitars hammers islands jugglers kites lanterns"


def _answerer(folder: Path, embedder: Embedder) -> Answerer:
    """An Answerer over `folder` with the fake embedder and the untrained retrieval model."""
    out = folder.parent / f"{folder.name}-index"
    build_index(load_corpus(folder), embedder, out, "training", corpus_hash(folder))
    return Answerer(load_index(out), embedder, RetrievalModel.untrained(embedder.dim))


@pytest.fixture
def fair(write_corpus: Callable[..., Path], fake_embedder: Embedder) -> Answerer:
    """Answers about the one-document village fair corpus."""
    return _answerer(write_corpus({"fair.md": FAIR}), fake_embedder)


@pytest.fixture
def many(write_corpus: Callable[..., Path], fake_embedder: Embedder) -> Answerer:
    """Answers over one document of twelve one-sentence paragraphs (more than MAX_K excerpts)."""
    body = "\n\n".join(f"This paragraph is about {topic} and nothing else." for topic in TOPICS.split())
    return _answerer(write_corpus({"topics.md": f"---\ntitle: Topics\n---\n\n{body}\n"}), fake_embedder)


# ---------------------------------------------------------------- clean_question


@pytest.mark.parametrize(
    "blank",
    [
        "",
        "   ",
        "\n\t  \n",
        "\x00\x01\x7f",
        pytest.param("\u200b\u200c\u200d\u2060\ufeff", id="zero-width"),
        pytest.param(" \u200b \u00ad\u200e\u2063 ", id="format-characters-and-spaces"),
    ],
)
def test_a_blank_question_raises_empty_question(blank: str) -> None:
    with pytest.raises(EmptyQuestion):
        clean_question(blank)


def test_format_characters_inside_a_question_are_removed_so_its_words_read_whole() -> None:
    """A zero-width space inside "rent" made "what about r\u200bent freeze" not covered: they used to stay."""
    assert clean_question("\u200bWho won\u200d?").text == "Who won?"
    assert clean_question("what about r\u200bent fr\u200deeze").text == "what about rent freeze"
    assert clean_question("rent?" + "\u200b" * 5000) == Asked("rent?", False)  # was cut as too long


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069"])
def test_a_direction_mark_inside_a_word_leaves_it_whole_and_none_stays(mark: str) -> None:
    """A trial: a left-to-right mark pasted inside "edison" split it ("con edi son rates": not covered),
    where a zero-width space was removed; `meeting-bot check` already removed them."""
    assert clean_question(f"con edi{mark}son rates").text == "con edison rates"
    assert clean_question(f"{mark}when did they meet {mark} ?").text == "when did they meet ?"


def test_a_spoiler_is_read_plainly_and_kept_as_said() -> None:
    """A noticed fault: an answer's title showed the words its asker hid as a spoiler."""
    assert clean_question("what did ||trump|| say?") == Asked(
        "what did trump say?", False, "what did ||trump|| say?"
    )
    assert clean_question("what did **trump** say?").said is None  # nothing hidden: shown as read
    # As said, it cleans to the same again (the bot keeps it so, and reads it back as history).
    again = clean_question("what did ||trump|| say?").said
    assert clean_question(again) == clean_question("what did ||trump|| say?")


@pytest.mark.parametrize(
    "typed",
    [
        "||Mamdani say [here](https://x.com/||)",
        "what did ||Mamdani [say](https://x.com/a||) about rent",
        "</a||b:12> what did Mamdani say||",
        # A review: an escape sequence may end in "|" ("\x1b[|", "\x9b|"), and a masked link's title
        # may hold the closing marks; the cleaning takes them out with them.
        "what did \x1b[||Mamdani|| say",
        "what did \x9b||Mamdani|| say",
        'what did ||Mamdani [x](https://a.b "||") say',
        "what did a || b \x1b[||Mamdani|| say",  # a stray mark too: all of it is hidden
        # A second review: pipes Discord shows as pipes, which cleaning makes marks, and words Discord
        # never shows (a link's address, an emoji's name) counted as shown.
        "`||` what did ||Mamdani|| say about rent?",
        "｜｜ what did ||Mamdani|| say",
        "|\u200b| what did ||Mamdani|| say",
        "what did \x1b[||Mamdani|| say [source](https://en.wikipedia.org/wiki/Zohran_Mamdani)",
        "what did \x1b[||Mamdani|| say <:mamdani:1>",
    ],
)
def test_a_spoiler_stays_hidden_whatever_the_cleaning_takes_out(typed: str) -> None:
    """A noticed fault: the masked link (or mention) came off first, taking the spoiler's closing "||"
    with it, so the spoilered name was shown in the answer's title. Discord's client hides it."""
    asked = clean_question(typed)
    assert "Mamdani" in asked.text  # read
    assert "mamdani" not in hide_spoilers(asked.said or asked.text).casefold()  # never shown


def test_an_answer_names_its_question_and_what_it_continues_as_said(answerer: Answerer) -> None:
    first, more = answerer.ask_many(
        ["what did ||Mamdani|| propose on energy?", "more please"],
        histories=[[], ["what did ||Mamdani|| propose on energy?"]],
    )
    assert first.question == "what did ||Mamdani|| propose on energy?"
    assert "co-op" in first.highlight  # the hidden word was read
    assert more.question == "more please" and more.continues == "what did ||Mamdani|| propose on energy?"
    plain = answerer.ask("what did Mamdani propose on energy?")
    assert (plain.highlight, plain.excerpts) == (first.highlight, first.excerpts)
    # However the spoiler is typed (a review: "|| obama ||" was read with its marks, and answered).
    for typed in ("what did || obama || say about the meeting", "what did ||obama\n|| say about the meeting"):
        assert answerer.ask(typed).kind == answerer.ask("what did obama say about the meeting").kind


def test_mentions_and_link_addresses_are_no_part_of_a_question() -> None:
    """`<@123> <@&9> @here what about rent?` used to be not covered (the ids were read as words)."""
    assert clean_question("<@123456> <@&999> <#42> @here what about rent?").text == "what about rent?"
    assert (
        clean_question("when was it [the meeting](https://evil.example/x) ?").text
        == "when was it the meeting ?"
    )
    with pytest.raises(EmptyQuestion):
        clean_question("@everyone")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("<:emoji:123> <a:dance:456> rent?", "rent?"),  # custom emoji
        ("<t:1700000000:R> what happened", "what happened"),  # a timestamp
        ("</ask:123> what about rent", "what about rent"),  # a slash-command mention
        ('[rent](http://x.y "title") now', "rent now"),  # a link with a title
        ("[rent](http://a.b/c_(d)) now", "rent now"),  # brackets in the address
        ("email me@everyone.com about rent", "email about rent"),  # an address, and no mention inside it
        ("what did trump@here say", "what did trump@here say"),
        ("`@everyone` what is the slogan", "what is the slogan"),  # a code span a mention leaves empty
        ("```@everyone``` when was it", "when was it"),  # and a code block's marks
        ("use `rent` here", "use rent here"),  # a code span with words: its marks go, as before
        ("a\x00\x00\x00b  c", "a b c"),  # what is removed leaves one space
        (
            "\U0001f468\u200d\U0001f469\u200d\U0001f467 rent?",
            "\U0001f468\u200d\U0001f469\u200d\U0001f467 rent?",
        ),
    ],
)
def test_chat_markup_goes_and_the_rest_of_the_question_stays_as_typed(typed: str, read: str) -> None:
    """Found by a second trial: these changed the answer, or the cleaning changed what was typed (a family
    emoji split in three, "me@everyone.com" cut)."""
    assert clean_question(typed).text == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("ｗｈｅｎ ｄｉｄ ｔｈｅｙ ｍｅｅｔ？", "when did they meet?"),  # full-width letters
        ("𝐰𝐡𝐞𝐧 did they meet", "when did they meet"),  # mathematical bold letters
        ("𝑤ℎ𝑒𝑛 ℍ𝕠𝕨 ⓦⓗⓞ 🅆🄷🄾 ʷʰᵉⁿ ﬁnd", "when How who WHO when find"),  # italic, double-struck, circled...
        ("w̶h̶e̶n̶ did they meet", "when did they meet"),  # struck through
        ("h̷̢̛o̵͇͝w̴̰̍ old is mamdani", "how old is mamdani"),  # stacked marks
        ("w̞h͋eͅn̐ d̯i͍d̼ t͐h͊ëy͍ ḿeͫe̼t̡", "when did they meet"),  # a light zalgo: one mark a letter
        (
            "que\u0301 paso\u0301 en la reunio\u0301n",
            "que\u0301 paso\u0301 en la reunio\u0301n",
        ),  # accents typed apart
        ("Nguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai"),  # composed letters of two marks each
        ("T̲r̲u̲m̲p̲ nói gì về tiền thuê nhà?", "Trump nói gì về tiền thuê nhà?"),  # only the decorated word
        ("Quel âge a M̲a̲m̲d̲a̲n̲i̲ ?", "Quel âge a Mamdani ?"),  # loses its marks: a review's trial
        ("﹫everyone ＜@123456789＞ when?", "when?"),  # full-width mentions are mentions
        ("¿Qué pasó en la reunión?", "¿Qué pasó en la reunión?"),  # accents are spelling
        ("Tiếng Việt", "Tiếng Việt"),  # two marks on a letter too
        ("בְּרֵאשִׁ֖ית ٱللَّٰهِ", "בְּרֵאשִׁ֖ית ٱللَّٰهِ"),  # a script's own points, however many
        ("ㅋㅋㅋ ½", "ㅋㅋㅋ ½"),  # only the compatibility forms of Latin letters are normalised
        ("**when** did *they* __meet__?", "when did they meet?"),
        ("***very*** ||hidden|| ~~struck~~ `code` **bold**.", "very hidden struck code bold."),
        ("> when did they meet", "when did they meet"),  # a block quote
        ("> 100 people attended?", "> 100 people attended?"),  # "more than", not a quote
        ("https://nytimes.com/a when did they meet", "when did they meet"),  # a host read as a word the
        ("john.doe@gmail.com when did they meet?", "when did they meet?"),  # article lacks: declined
        ("see https://x.y/a, when did they meet?", "see, when did they meet?"),
        ("<https://x.y> rent?", "rent?"),
        ("https://x.y", "https://x.y"),  # nothing else: kept, so it is not an empty question
        ("is 3.5/10 a fair score? and U.S. policy / rent", "is 3.5/10 a fair score? and U.S. policy / rent"),
        ("did they agree on housing.rent/price caps?", "did they agree on housing.rent/price caps?"),
        ("join discord.gg/abc when did they meet", "join when did they meet"),
        ("```\nwhen did they meet\n```", "when did they meet"),  # a code block
        ("## when did they meet\n-# small print", "when did they meet\nsmall print"),  # heading, subtext
        ("what is 5*7*2", "what is 5*7*2"),  # a sum, not emphasis
        ("(2)*(3)*(4) and 2 *3* 4", "(2)*(3)*(4) and 2 *3* 4"),
        ("snake_case, a_b_c and __init__.py", "snake_case, a_b_c and __init__.py"),
    ],
)
def test_a_question_is_read_as_plain_words(typed: str, read: str) -> None:
    """Found by a trial: the full-width question got an unrelated answer, struck-through and stacked
    letters were read as another language, and a web address or emphasis marks changed the answer."""
    assert clean_question(typed).text == read


@pytest.mark.parametrize("typed", ["ﷺ" * 3000, "`" * 5000 + "a", "*a " * 2000, "𝐰" * 3000])
def test_reading_plain_words_keeps_the_question_within_its_length(typed: str) -> None:
    """A review found an Arabic ligature read as its 18 letters after the cut (a 36,000-character
    question), and a run of backticks that took seconds to read."""
    asked = clean_question(typed)
    assert len(asked.text) <= MAX_QUESTION_CHARS and asked.truncated


def test_cleaning_a_long_run_of_format_characters_takes_linear_time() -> None:
    assert clean_question("a\u200b" * 200_000).text.startswith("aaaa")


@pytest.mark.parametrize("question", ["When was the fair\udcff?", "\ud800", "\udcff\u200b"])
def test_a_lone_surrogate_makes_the_question_unreadable(question: str) -> None:
    with pytest.raises(UnreadableQuestion) as caught:
        clean_question(question)
    assert isinstance(caught.value, BadQuestion)
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message


def test_unreadable_and_blank_earlier_messages_are_dropped_from_the_history() -> None:
    query = Query.of("and then?", ["When was the fair?", "bad \udcff byte", "\u200b"])
    assert query.history == ("When was the fair?",)


def test_control_characters_are_removed_and_spaces_trimmed() -> None:
    asked = clean_question("  When\x00 was\x1b[31m the\x07 fair?\x7f ")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", asked.text)
    # A terminal colour code goes whole: its "[31m" used to stay in the question (and a line of only one
    # was a question that the chat answered as a follow-up, repeating the answer before).
    assert asked.text.split() == ["When", "was", "the", "fair?"]
    assert asked.truncated is False
    with pytest.raises(EmptyQuestion):
        clean_question("\x1b[31m\x1b]0;title\x07")


@pytest.mark.parametrize(
    "typed",
    [
        "How much has \x1b]0;x Con Edison raised rates?",  # a title sequence never ended
        "How much has Con\x9d Edison raised rates?",  # a right quote decoded in the wrong encoding
        "\x1bHow much has Con Edison raised rates?",  # a stray ESC before a capital
    ],
)
def test_an_unfinished_escape_sequence_takes_no_words_with_it(typed: str) -> None:
    """Removing terminal sequences whole must not remove the question: an opener without its terminator
    took the rest of the text, and ESC took the letter after it."""
    words = clean_question(typed).text.split()
    assert words[-3:] == ["Edison", "raised", "rates?"] and "How" in words


def test_a_short_question_is_kept_as_it_is() -> None:
    assert clean_question("Who won the pumpkin contest?").text == "Who won the pumpkin contest?"


def test_a_question_of_exactly_the_limit_is_not_truncated() -> None:
    text = "a" * MAX_QUESTION_CHARS
    assert clean_question(text) == Asked(text, False)


def test_a_long_question_is_cut_at_a_word_boundary() -> None:
    text = " ".join(f"word{i}" for i in range(600))  # about 4,000 characters
    asked = clean_question(text)
    assert asked.truncated is True
    assert len(asked.text) <= MAX_QUESTION_CHARS
    assert text.startswith(asked.text)
    assert text[len(asked.text)] == " "  # the cut falls between words, not inside one
    assert len(asked.text) > MAX_QUESTION_CHARS - len("word599 ")


def test_a_long_question_without_spaces_is_cut_at_the_limit() -> None:
    assert clean_question("x" * 2500) == Asked("x" * MAX_QUESTION_CHARS, True)


def test_c1_control_characters_are_removed() -> None:
    asked = clean_question("When\x9b31m was\x90 the fair?")
    assert not re.search(r"[\x80-\x9f]", asked.text)


# ---------------------------------------------------------------- answers


def test_excerpts_are_numbered_from_one_with_section_and_paragraph_citations(fair: Answerer) -> None:
    answer = fair.ask("When did the bakery sell apple pies?", k=3)
    assert [e.rank for e in answer.excerpts] == [1, 2, 3]
    for e in answer.excerpts:
        assert e.citation == _expected_citation(fair, e, with_title=False)
        assert e.doc_title == "The Village Fair"
    top = answer.excerpts[0]
    assert (top.citation, top.text) == (
        "Food, ¶1",
        "The bakery sold apple pies for four dollars. The queue reached the church door.",
    )


def _expected_citation(answerer: Answerer, e: Excerpt, with_title: bool) -> str:
    """The citation an excerpt should carry, rebuilt from its chunk."""
    (chunk,) = [c for c in answerer.index.chunks if c.id == e.chunk_id]
    where = f"{chunk.section}, ¶{chunk.paragraph}" + (f" ({chunk.question})" if chunk.question else "")
    return f"{e.doc_title} — {where}" if with_title else where


def test_a_list_item_is_cited_as_its_own_paragraph(fair: Answerer) -> None:
    top = fair.ask("Who sold lemonade for library books?").excerpts[0]
    assert top.citation == "Food, ¶2"
    assert top.text.startswith("Lemonade:")


def test_an_faq_citation_includes_its_question(fair: Answerer) -> None:
    top = fair.ask("Who won the pumpkin contest?").excerpts[0]
    assert top.citation == "Questions, ¶1 (Who won the pumpkin contest?)"
    assert top.section == "Questions" and top.paragraph == 1


def test_the_highlight_is_a_sentence_inside_the_first_excerpt(fair: Answerer) -> None:
    answer = fair.ask("What prize did Farmer Giles get, a silver cup?")
    assert answer.answered
    first = answer.excerpts[0]
    assert first.highlight is not None
    a, b = first.highlight
    assert 0 <= a < b <= len(first.text)
    assert first.text[a:b] == answer.highlight == "His prize was a silver cup."
    assert all(e.highlight is None for e in answer.excerpts[1:])


def test_a_fragment_is_highlighted_with_the_sentence_it_completes(
    write_corpus: Callable[..., Path], fake_embedder: Embedder
) -> None:
    """ "Rent." alone answers nothing: a fragment of a few words is shown with the sentence before it."""
    text = (
        "---\ntitle: Letters\n---\n\n"
        "The mayor wrote a short letter to the governor about housing. Rent. Nothing else.\n\n"
        "The governor read the letter twice. A meeting followed a week later.\n"
    )
    answerer = _answerer(write_corpus({"letters.md": text}), fake_embedder)
    answer = answerer.ask("What was the mayor's letter to the governor about, rent?")
    first = answer.excerpts[0]
    wrote = "The mayor wrote a short letter to the governor about housing."
    assert answer.highlight == f"{wrote} Rent. Nothing else."
    a, b = first.highlight
    assert first.text[a:b] == answer.highlight
    # Units are still chosen between: the other paragraph's second sentence, not the whole chunk.
    later = answerer.ask("When did a meeting follow, a week later?")
    assert later.highlight == "A meeting followed a week later."


def test_fragments_join_the_sentence_before_them_or_at_the_start_the_one_after() -> None:
    from bot.core.chunking import split_sentences
    from bot.core.highlight import units as _units

    def units(text: str) -> list[str]:
        sentences = split_sentences(text)
        return [" ".join(s.text for s in sentences[a : b + 1]) for a, b in _units(sentences)]

    assert units("The median one-bedroom rent? $3,500 a month. In some places, more.") == [
        "The median one-bedroom rent? $3,500 a month.",
        "In some places, more.",
    ]
    assert units("But the goal? A city people can afford to live in. Same.") == [
        "But the goal? A city people can afford to live in. Same."
    ]
    assert units("Possibly.") == ["Possibly."]
    # A chunk that opens in mid-paragraph: its leading fragment ended a sentence outside the chunk.
    sentences = split_sentences('Same." Mamdani spoke next, about rents.')
    assert _units(sentences, opens_paragraph=False) == [(0, 0), (1, 1)]
    assert _units(sentences, opens_paragraph=True) == [(0, 1)]
    assert units("He said it twice, to be sure. She agreed at once.") == [
        "He said it twice, to be sure.",
        "She agreed at once.",
    ]


def test_a_quoted_statement_of_several_sentences_is_one_unit() -> None:
    from bot.core.chunking import split_sentences
    from bot.core.highlight import units

    text = (
        'He wrote: "Rent comes first for us. Then we fix the rest of it. Nothing else matters now." '
        'She agreed with him at once. "Fine by me," she said later.'
    )
    sentences = split_sentences(text)
    inside = frozenset(s.start for s in sentences[1:3])  # the two sentences that go on with the quotation
    runs = units(sentences, quoted=inside)
    assert [" ".join(s.text for s in sentences[a : b + 1]) for a, b in runs] == [
        'He wrote: "Rent comes first for us. Then we fix the rest of it. Nothing else matters now."',
        "She agreed with him at once.",
        '"Fine by me," she said later.',
    ]
    assert units(sentences) == [(i, i) for i in range(5)]  # without the quotations, sentence by sentence


def test_which_sentences_go_on_with_a_quotation_is_read_over_the_whole_paragraph(
    write_corpus: Callable[..., Path],
) -> None:
    """A chunk may open inside a quotation: whether a sentence continues one depends on the paragraph
    before the chunk, not only on the chunk; a quotation never runs past its paragraph."""
    from bot.core.chunking import chunk_corpus
    from bot.core.highlight import inside_quotations

    quote = '"We will build. We will fix the rents. We will start now," the mayor said. '
    text = (
        "---\ntitle: Q\n---\n\n"
        + quote
        + "A long sentence about the city and its many neighbourhoods and their streets. " * 6
        + '\n\nPlain text again. "Alone." More words here.\n\n'
        + 'He said: "We will see. Then we act on it later today. Nobody in the room agreed with him.\n'
    )
    chunks = chunk_corpus(load_corpus(write_corpus({"q.md": text})))
    inside = inside_quotations(chunks)
    starts = {s.text: s.start for c in chunks for s in c.sentences}
    # Only the first paragraph's quotation joins sentences; the last paragraph's is never closed (a stray
    # mark), and joining there would take the rest of its paragraph into one bold line.
    assert inside["q"] == {starts["We will fix the rents."], starts['We will start now," the mayor said.']}
    # Some chunk begins inside the quotation, yet its first sentence is still known to go on with it.
    assert any(c.sentences[0].text == "We will fix the rents." for c in chunks)


@pytest.mark.parametrize(
    "question",
    ["what's the capital of france?", "how many bones are in the human body", "best lakers lineup rn"],
)
def test_a_question_that_names_little_of_the_article_gets_no_closest_passages(
    answerer: Answerer, question: str
) -> None:
    """These were shown "the closest passages", for "capital" (a word people ask about the article with)
    or "human" ("Housing is a human right"): at least half of what a question names must be the article's."""
    answer = answerer.ask(question)
    assert (answer.kind, answer.excerpts) == ("not_covered", ())


def test_a_declined_question_about_the_article_still_gets_its_closest_passages(answerer: Answerer) -> None:
    """ "potus" is no word of the article, "meeting" is: half of what it names (docs/command-line.md)."""
    answer = answerer.ask("what did potus say about the meeting?")
    assert answer.kind == "not_covered" and len(answer.excerpts) == 3


def test_a_plainly_unrelated_question_is_not_covered_with_no_passages(fair: Answerer) -> None:
    answer = fair.ask("Xylophone quantum zebra?")
    assert (answer.answered, answer.kind, answer.highlight) == (False, "not_covered", None)
    assert answer.excerpts == ()  # nothing near: no "closest" passages to mislead
    assert answer.reply == "The article doesn't cover this."


def test_the_answer_carries_the_cleaned_question_and_its_sources(fair: Answerer) -> None:
    answer = fair.ask("  Who won\x00 the pumpkin contest?  ")
    assert answer.question == "Who won the pumpkin contest?"  # the NUL is a space, and runs of spaces one
    assert answer.truncated is False
    assert [(s.title, s.date) for s in answer.sources] == [("The Village Fair", "2024-05-01")]


def test_a_truncated_question_is_answered_and_flagged(fair: Answerer) -> None:
    answer = fair.ask("Who won the pumpkin contest? " * 100)
    assert answer.truncated is True
    assert len(answer.question) <= MAX_QUESTION_CHARS
    assert answer.excerpts


def test_a_blank_question_is_refused_by_the_answerer(fair: Answerer) -> None:
    with pytest.raises(EmptyQuestion):
        fair.ask("   ")


def test_an_unreadable_question_is_refused_by_the_answerer(fair: Answerer) -> None:
    with pytest.raises(UnreadableQuestion):
        fair.ask_many(["Who won the pumpkin contest?", "Did rain \udcff fall?"])


@pytest.mark.parametrize(("k", "expected"), [(-3, 1), (0, 1), (1, 1), (5, 5), (MAX_K, MAX_K), (50, MAX_K)])
def test_k_is_clamped_to_one_to_ten(many: Answerer, k: int, expected: int) -> None:
    assert len(many.index.chunks) > MAX_K
    answer = many.ask("What is this paragraph about?", k=k)
    assert [e.rank for e in answer.excerpts] == list(range(1, expected + 1))


def test_excerpts_never_overlap_even_when_windows_do(
    write_corpus: Callable[..., Path], fake_embedder: Embedder
) -> None:
    sentences = " ".join(f"The council met for meeting number {n} about the harbour wall." for n in range(12))
    answerer = _answerer(write_corpus({"long.md": f"---\ntitle: Long\n---\n\n{sentences}\n"}), fake_embedder)
    chunks = {c.id: c for c in answerer.index.chunks}
    assert any(a.end > b.start for a, b in pairwise(answerer.index.chunks))
    answer = answerer.ask("When did the council meet about the harbour wall?", k=MAX_K)
    spans = sorted((chunks[e.chunk_id].start, chunks[e.chunk_id].end) for e in answer.excerpts)
    assert len(spans) >= 2
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))


def test_ask_many_answers_in_order(fair: Answerer) -> None:
    answers: list[Answer] = fair.ask_many(["Who won the pumpkin contest?", "Did rain fall?"])
    assert [a.question for a in answers] == ["Who won the pumpkin contest?", "Did rain fall?"]
    assert answers[0].excerpts[0].section == "Questions"
    assert answers[1].excerpts[0].section == "Weather"


def test_two_documents_put_the_title_into_citations(
    write_corpus: Callable[..., Path], fake_embedder: Embedder
) -> None:
    answerer = _answerer(write_corpus({"fair.md": FAIR, "harbour.md": HARBOUR}), fake_embedder)
    answer = answerer.ask("Where did the brass band play sea shanties?")
    top = answer.excerpts[0]
    assert top.citation == "The Harbour Festival — Opening, ¶1"
    assert top.doc_title == "The Harbour Festival"
    assert len({e.doc_title for e in answer.excerpts}) == 2
    for e in answer.excerpts:
        assert e.citation == _expected_citation(answerer, e, with_title=True)


def test_a_query_is_validated_once_at_the_edge() -> None:
    from bot.core.answer import MAX_K, EmptyQuestion, Query, UnreadableQuestion

    q = Query.of("  When?\x00 ", ["", "Who met?", "\u200b"], k=99)
    assert (q.text, q.history, q.k, q.truncated) == ("When?", ("Who met?",), MAX_K, False)
    assert Query.of("x", k=0).k == 1
    assert Query.of("a " * 1500).truncated
    with pytest.raises(EmptyQuestion):
        Query.of("\u200b\u2060")
    with pytest.raises(UnreadableQuestion):
        Query.of("a\udcff")


def test_a_link_alone_goes_on_from_nothing_said_before(answerer: Answerer) -> None:
    """A trial: a bare link sent in a DM after a question got "the closest passages" to that question;
    alone it asks nothing of the article, and gets the reply it gets with nothing before it."""
    from bot.core.answer import Query, history_read

    assert Query.of("https://example.com/a", ["when did they meet?"]).history == ()
    assert history_read("https://example.com/a", ["when did they meet?"]) == []  # nor stored with it
    assert Query.of("<https://x.y> and why?", ["when did they meet?"]).history == ("when did they meet?",)
    after = answerer.ask("https://example.com/a", history=["when did they meet?"])
    alone = answerer.ask("https://example.com/a")
    assert (after.kind, after.excerpts) == (alone.kind, alone.excerpts) == ("not_covered", ())


def test_each_query_keeps_its_own_number_of_excerpts(fair: Answerer) -> None:
    from bot.core.answer import Query

    one, three = fair.answer(
        [Query.of("Who won the pumpkin contest?", k=1), Query.of("What did the bakery sell?", k=3)]
    )
    assert len(one.excerpts) == 1 and len(three.excerpts) == 3


def test_an_index_larger_than_the_candidate_pool_is_searched_through_the_index(
    write_corpus: Callable[..., Path], fake_embedder: Embedder
) -> None:
    from bot.core.fusion import CANDIDATES

    words = [f"{a}{b}" for a in "bcdfghklmnprst" for b in ("ar", "el", "in", "ox", "um", "ey", "ith", "ond")]
    body = "\n\n".join(f"The {w} festival had its own parade. Nobody else saw {w} coming." for w in words)
    big = _answerer(write_corpus({"big.md": f"---\ntitle: Big\n---\n\n{body}\n"}), fake_embedder)
    assert len(big.index.chunks) > CANDIDATES  # so candidates come from the FAISS search, not all chunks
    answer = big.ask("When did the gox festival parade?", k=3)
    assert "The gox festival" in answer.excerpts[0].text
    assert len(answer.excerpts) == 3 and len({e.chunk_id for e in answer.excerpts}) == 3


def test_an_answer_given_unasked_needs_the_stricter_bar(answerer: Answerer) -> None:
    """In ask-channels the bot speaks unasked: only answers at the bar chosen for them (95% of the
    answerable training questions out of fold, not 99%) count as sure. "did you guys see the game?" is
    answered from the article, but not surely; a plain question about it is."""
    model = answerer.retriever.model
    assert model.abstain_threshold < model.channel_threshold < 1
    sure = answerer.ask("How old is Mamdani?")
    assert sure.kind == "answer" and sure.sure and sure.confidence >= model.channel_threshold
    unsure = answerer.ask("did you guys see the game?")
    assert not unsure.sure and unsure.confidence < model.channel_threshold


@pytest.mark.parametrize(
    "text", ["what are the rules here?", "who can help me?", "what's this channel about?"]
)
def test_a_question_naming_nothing_of_the_article_is_not_answered_unasked(
    answerer: Answerer, text: str
) -> None:
    """A helper's trial in an ask-channel: chat among people there was answered, sure, with the opening
    line or Con Edison's rates. Alone it names nothing the article speaks of; asked of the bot it is still
    answered as before, and a follow-up leans on what came before."""
    answer = answerer.ask(text)
    assert answer.kind == "answer" and answer.sure  # the abstainer alone would answer it unasked
    assert not answer.named
    after = answerer.ask("what were they wearing?", history=["what happened at the oval office meeting?"])
    assert after.kind == "answer" and after.named and "corduroy" in after.excerpts[0].text
    # A heading's words are the article's too (the passages never say "media" or "missed").
    assert answerer.ask("what did the media miss?").named


def test_the_speakers_of_each_sentence_are_read_from_its_quotations(
    write_corpus: Callable[..., Path],
) -> None:
    from bot.core.chunking import chunk_corpus
    from bot.core.highlight import sentence_speakers

    text = (
        "---\ntitle: Q\n---\n\n"
        'Plain words first. "We will build," Jane Doe said. Steve Bannon told the paper: "Nobody cares."'
        ' The mayor’s office wrote: "Rent." Nothing quoted here.\n'
    )
    (chunk,) = chunk_corpus(load_corpus(write_corpus({"q.md": text})))
    assert sentence_speakers([chunk])[0] == [
        frozenset(),
        frozenset({"doe"}),
        frozenset({"bannon"}),
        frozenset(),
        frozenset(),
    ]  # "The mayor’s office" names nobody: no surname


def test_what_someone_said_is_not_bolded_in_someone_elses_words(answerer: Answerer) -> None:
    # "what did mamdani say about trump" bolded Trump's "He wants to see no crime... All things that I
    # agree with": the bold-line model now reads whether a line quotes only people other than the one
    # asked about (feature other_speaker). Trump's own words still answer what Trump said.
    mamdani = answerer.ask("what did mamdani say about trump")
    assert mamdani.kind == "answer" and "All things that I agree with" not in mamdani.highlight
    trump = answerer.ask("what did trump say about mamdani")
    assert "All things that I agree with" in trump.highlight, trump.highlight


@pytest.mark.parametrize(
    "question", ["what did mamdani say about trump?", "so what did zohran mamdani say about trump"]
)
def test_what_someone_said_comes_first_from_a_passage_quoting_them(answerer: Answerer, question: str) -> None:
    # A trial: the first passage was Trump's words about Mamdani, and the line in bold the one of it that
    # quotes nobody ("Mamdani, …, didn't flinch."); Mamdani's words about Trump at the rally came second.
    a = answerer.ask(question)
    assert a.kind == "answer" and "April 2025" in a.excerpts[0].text
    assert "he profits from their desperation" in (a.highlight or ""), a.highlight


@pytest.mark.parametrize(
    ("question", "line"),
    [
        # His words at the meeting are quoted `"…," he said`: the passage quotes him, and stays first.
        ("what did mamdani say in the meeting?", "What we’re looking to do"),
        # Reported, not quoted: far above any passage quoting him, it stays first.
        ("what did trump say about his 2017 tax reform", "Trump mentioned his 2017 tax reform"),
        # The aide is not Trump, though the words naming him say "trump".
        ("what did the one-time trump aide say the gop risks?", "Republicans underestimate Mamdani"),
        # A claim asked about, not someone's words.
        ("did trump say prices are coming down", "Con Edison"),
        # A review: a passage quoting him on something else moved first (his words to the press).
        ("what did trump say about the poor", "he profits from their desperation"),
        # ... and the rule overrode the month asked for (the rally is April's; Bannon spoke in November).
        ("what did mamdani say in november 2025", "November 2025"),
        ("what did bannon say in april", "April 2025"),
        # Two people asked about: no one person's words to put first.
        ("what did trump and mamdani say", "All things that I agree with"),
    ],
)
def test_a_passage_quoting_the_one_asked_about_moves_only_when_it_should(
    answerer: Answerer, question: str, line: str
) -> None:
    a = answerer.ask(question)
    assert line in a.excerpts[0].text, (a.excerpts[0].text, a.highlight)


@pytest.mark.parametrize(
    ("before", "question", "line"),
    [
        # A trial: his words at the meeting came first; the rally, where the feud peaked, second.
        ("when did the feud peak", "what did mamdani say", "he profits from their desperation"),
        ("will they meet again?", "what did trump say", "I think we will"),
        # The paragraph before quotes him only in a label ("fascist"), which is no statement: as alone.
        ("what happened at the meeting", "what did mamdani say", "What we’re looking to do"),
        # A review: the bold line of the passage put first is one of his statements, not the line on
        # the question before ("Mamdani’s rise was meteoric.").
        ("how did mamdani rise", "what did mamdani say", "Housing is a human right"),
        # ... the first passage, of the paragraph before and opening his words, stays first (a passage
        # after it, opening with their unattributed end, went first);
        ("what did mamdani say", "what did trump say", "All things that I agree with"),
        # ... and a passage opening with the end of his post does not quote him: the post does.
        ("what was in the letter", "what did trump say", "Mamdani is a communist"),
    ],
)
def test_a_follow_up_asking_whose_words_and_nothing_more_asks_for_them_there(
    answerer: Answerer, before: str, question: str, line: str
) -> None:
    a = answerer.ask(question, history=[before])
    assert a.kind == "answer" and line in (a.highlight or ""), a.highlight


def test_the_people_a_passage_quotes_are_read_in_its_paragraph(write_corpus: Callable[..., Path]) -> None:
    from bot.core.chunking import chunk_corpus
    from bot.core.highlight import sentence_speakers

    text = (
        "---\ntitle: Q\n---\n\n"
        '"We will build. We will fix it," Jane Doe said. "Now or never." Doe, who rarely speaks, nodded. '
        '"Rent first," she said. '
        + "A long sentence about the city and its many neighbourhoods and their streets. "
        * 6
        + "\n\n"
        'Steve Bannon told the paper: "Nobody cares." Nothing more.\n'
    )
    chunks = chunk_corpus(load_corpus(write_corpus({"q.md": text})))
    speakers = {c.sentences[0].text: dict(zip((s.text for s in c.sentences), found, strict=True))
                for c, found in zip(chunks, sentence_speakers(chunks), strict=True)}  # fmt: skip
    # A chunk opening inside a quotation: read alone, its closing mark would open a quotation, and
    # `," Jane Doe said. "` would be the quoted words, nobody's; read in the paragraph, they are Doe's.
    inside = speakers['We will fix it," Jane Doe said.']
    assert inside['We will fix it," Jane Doe said.'] == {"doe"}
    assert inside['"Now or never."'] == {"doe"}  # the rest of a split quotation: the same speaker
    # "she said" is the words of the one quoted by name whom the sentence before opens with.
    assert speakers["Doe, who rarely speaks, nodded."]['"Rent first," she said.'] == {"doe"}
    assert speakers["Doe, who rarely speaks, nodded."]["Doe, who rarely speaks, nodded."] == frozenset()
    # A quotation of a word or three is a label: it counts only when asked to (the bold line's
    # other_speaker reads who called whom what; a question for someone's words wants a statement).
    labelled = 'Plain. Doe had labeled him a "crook." More words follow here, and then some more.'
    (chunk,) = chunk_corpus(load_corpus(write_corpus({"l.md": "---\ntitle: L\n---\n\n" + labelled + "\n"})))
    assert sentence_speakers([chunk])[0][1] == {"doe"}
    assert sentence_speakers([chunk], shortest=4)[0][1] == frozenset()
    assert speakers['Steve Bannon told the paper: "Nobody cares."'] == {
        'Steve Bannon told the paper: "Nobody cares."': {"bannon"},
        "Nothing more.": frozenset(),
    }


@pytest.mark.parametrize("question", ["when will they meet again?", "so when r they meeting again"])
def test_a_question_for_a_time_bolds_a_line_that_gives_one(answerer: Answerer, question: str) -> None:
    # A new user's trial: "when will they meet again?" bolded "Trump confirmed they'll meet again.", the
    # line of the training questions that ask whether they will, over the date a line further on gives.
    a = answerer.ask(question)
    assert a.kind == "answer" and "November 3, 2026" in (a.highlight or ""), a.highlight


def test_a_date_of_something_else_is_not_bolded_for_a_time(answerer: Answerer) -> None:
    # A review: "when will the compact be signed?", which the article cannot answer, bolded the next
    # meeting's date; the line must share a word with the question.
    a = answerer.ask("when will the compact be signed?")
    assert "November 3, 2026" not in (a.highlight or ""), a.highlight


def test_a_question_whether_keeps_its_line_and_a_clause_asks_no_time(answerer: Answerer) -> None:
    assert "Trump confirmed they" in (answerer.ask("will they meet again?").highlight or "")
    # "when" of a clause is not what the question asks for.
    a = answerer.ask("what did trump call mamdani when they were fighting")
    assert "communist" in (a.highlight or ""), a.highlight
