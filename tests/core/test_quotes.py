"""The quote check: splitting a message into quoted spans (pure), the article's speakers, and verdicts
against the real index and encoder."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.core.attribution import SpeakerNames, quotations, same_person
from bot.core.build import Paths
from bot.core.evaluation import evaluate_quotes, read_quote_examples
from bot.core.loading import load_answerer
from bot.core.quotes import (
    ABSENT,
    CLOSE,
    MAX_SPAN_WORDS,
    MAX_SPANS,
    MAX_TEXT_CHARS,
    VERBATIM,
    EmptyText,
    QuoteChecker,
    TooShort,
    UnreadableText,
    clean_text,
    speaker_note,
    split_spans,
    too_short_note,
)
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def checker() -> QuoteChecker:
    """The checker over the committed index and the serving encoder."""
    answerer = load_answerer(Paths.of(Settings(_env_file=None)))
    return QuoteChecker(answerer.index, answerer.retriever.embedder)


# ---------------------------------------------------------------- splitting (no model)


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("He wants to see no crime.", ["He wants to see no crime."]),  # no marks: the whole text
        ('Trump said "no crime at all" today', ["no crime at all"]),
        ("Trump said “no crime at all” and “rents coming down”", ["no crime at all", "rents coming down"]),
        ("Bannon: 'at their peril' he said", ["at their peril"]),
        ("He's right that ‘rents are high’ and it’s true", ["rents are high"]),  # apostrophes are not marks
        ("He's right and it’s true", ["He's right and it’s true"]),
        ("'I'd like to talk about rent'", ["I'd like to talk about rent"]),
        ('she said "the goal? Same', ["the goal? Same"]),  # unbalanced: the rest of the text
        ("\"outer 'inner words' outer\"", ["outer 'inner words' outer"]),  # nested: the outer one
        ("a stray” closer here", ["a stray” closer here"]),
        ('a "scare" quote and "two words"', ["scare", "two words"]),  # a word that means something alone
        ('"the" and "two words"', ["two words"]),  # a function word only when nothing longer
        ('only a "scare" quote', ["scare"]),
        ('only "it\'s"', ["it's"]),  # split, then too short to check (below)
        ("«guillemets work too» and „low ones too“", ["guillemets work too", "low ones too"]),
        ("He said »It’s ambitious« today", ["It’s ambitious"]),  # German guillemets, pointing inwards
        ("» an arrow, not a quote", ["» an arrow, not a quote"]),  # a » with nothing to close it
        # An elision opens nothing: `'90s`, `'tis`; a closer is followed by no letter or digit.
        (
            "Back in the '90s, Trump said 'the press has eaten this thing up'",
            ["the press has eaten this thing up"],
        ),
        ("'tis 'It's ambitious'", ["It's ambitious"]),
        ("in '08 he said 'rents are high' and rock 'n' roll", ["rents are high"]),
        ('""', []),
        ("   ", []),
    ],
)
def test_split_spans(text: str, spans: list[str]) -> None:
    assert [s.text for s in split_spans(text)] == spans


def test_a_span_is_checked_on_its_first_words() -> None:
    (span,) = split_spans("word " * (MAX_SPAN_WORDS + 30))
    assert span.truncated and len(span.text.split()) == MAX_SPAN_WORDS and not span.quoted


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u180e", "\u034f"]
# Default-ignorable marks that are not format characters: variation selectors, Khmer inherent vowels.
INVISIBLE += ["\ufe0f", "\ufe00", "\U000e0100", "\u17b4", "\u17b5", "\u180b"]


@pytest.mark.parametrize("char", INVISIBLE + ["\x00", "\x07", "\x7f", "\x90"])
def test_clean_text_removes_invisible_and_control_characters(char: str) -> None:
    text, _ = clean_text(f"a spec{char}tacular success")
    assert text == "a spectacular success"


def test_line_and_paragraph_separators_are_line_breaks() -> None:
    text, _ = clean_text("He wants\u2028to see\u2029housing")
    assert text == "He wants\nto see\nhousing"


def test_clean_text_removes_terminal_sequences_and_keeps_line_breaks() -> None:
    text, _ = clean_text("\x1b]0;title\x07He wants\tto see \x1b[31mhousing\x1b[0m\r\nbeing built")
    assert text == "He wants to see housing \nbeing built"


def test_clean_text() -> None:
    with pytest.raises(EmptyText):
        clean_text(" … !! ")
    with pytest.raises(UnreadableText):
        clean_text("caf\udce9 words")
    text, cut = clean_text("x" * (MAX_TEXT_CHARS + 10))
    assert cut and len(text) == MAX_TEXT_CHARS
    with pytest.raises(EmptyText):
        clean_text("\u200b\u202e\x1b")


# ---------------------------------------------------------------- the article's speakers (no model)


def test_quotations_name_the_speaker_beside_them_and_no_one_else() -> None:
    text = (
        '"We will win," Trump said. "Everyone knows it." Then Steve Bannon told reporters: "No chance." '
        '"Maybe," he said. His slogan: "Rent first."'
    )
    found = {text[q.start : q.end]: q.speaker for q in quotations(text)}
    assert found == {
        "We will win,": "Trump",
        "Everyone knows it.": "Trump",  # a split quote keeps its speaker
        "No chance.": "Steve Bannon",
        "Maybe,": None,  # a pronoun names nobody
        "Rent first.": "Steve Bannon",  # ... but a pronoun's labelled words are the last one named's
    }
    # "…," he said: the words of the name that opens the sentence before, when that is someone quoted by
    # name (here or, given as `speakers`, elsewhere) and the sentence names no other of them.
    said = (
        'Trump confirmed they will meet. "I hope we do," he said. "Soon." Bob Roe, a planner, did not '
        'flinch. "We will build," he said. Then came the vote. "Maybe," she said.'
    )
    assert [q.speaker for q in quotations(said)] == [None, None, None, None]  # no one quoted by name
    speakers = frozenset({"trump", "roe"})
    assert [q.speaker for q in quotations(said, speakers)] == ["Trump", "Trump", "Bob Roe", None]
    assert [q.speaker for q in quotations('Roe said "Yes." Bob Roe sat. "No," he said.')] == [
        "Roe",
        "Bob Roe",
    ]
    # A review's cases for another article: no one quoted by name opens the sentence, or two are named.
    for text in [
        'Con Edison raised rates again. "We had no choice," he said.',
        'Reporters pressed Mamdani on rent. "It is far too high," he said.',
        'Asked about the bonds, Trump shrugged. "Bonds are fine by me," he said.',
        'Mamdani met Donald J. Trump again in December. "It went better," he said.',
        'Trump and Mamdani shook hands. "Good," he said.',
    ]:
        assert [q.speaker for q in quotations(text, frozenset({"trump", "mamdani"}))] == [None], text
    # "their" is more than one person's; a name that speaks nowhere in the paragraph is no one's voice.
    assert [q.speaker for q in quotations('Trump said "Yes." Their motto: "No."')] == ["Trump", None]
    assert [q.speaker for q in quotations('Vienna is near. His motto: "No."')] == [None]
    assert same_person("Steve Bannon", "Bannon") and not same_person("Trump", "Mamdani")


NAMES = SpeakerNames(
    ["Trump", "Zohran Mamdani", "Steve Bannon", "Mamdani’s office"],
    ["Donald J. Trump met Zohran Kwame Mamdani; Steve Bannon spoke."],
)


@pytest.mark.parametrize(
    ("before", "after", "claimed"),
    [
        # The one person the attributing clause names, as the subject of its verb of saying, or before a
        # colon or dash, or right after the quotation.
        ("Steve Bannon told reporters", "", "Bannon"),
        ("and Mamdani said", "", "Mamdani"),  # the second of two quotations
        ("Mamdani said", "", "Mamdani"),
        ("", " is what Trump said", "Trump"),
        ("Trump told him", "", "Trump"),
        ("Mamdani:", "", "Mamdani"),
        (", and Mamdani said", "", "Mamdani"),  # the second of two quotations
        ("President Trump literally said", "", "Trump"),
        ("", ", Mamdani said", "Mamdani"),
        ("", " — Zohran Mamdani", "Mamdani"),
        ("", ", said Trump", "Trump"),
        # Nobody, or nobody clearly: a wrong correction is worse than none.
        # Two people the article quotes in the attributing clause: which one spoke is guesswork, even where
        # the grammar looks plain (a correction there was wrong too often: passives, headlines, "quoted").
        ("Trump met Mamdani and said", "", None),
        ("Trump told Mamdani:", "", None),
        ("Trump, sitting next to Mamdani, said", "", None),
        ("Trump praised Mamdani, saying", "", None),
        ("Trump said of Mamdani:", "", None),
        ("Trump told reporters that Mamdani said", "", None),
        ("Trump was told by Mamdani:", "", None),
        ("Mamdani was praised by Trump:", "", None),
        ("Trump On Mamdani:", "", None),
        ("TRUMP ON MAMDANI:", "", None),
        ("Mamdani responded to Trump saying", "", None),
        ("Trump responded to Mamdani's letter:", "", None),
        ("Mamdani quoted Trump:", "", None),
        ("Trump got a letter from Mamdani:", "", None),
        ("Mamdani, in the words of Trump:", "", None),
        ("Mamdani thanked Trump for saying", "", None),
        ("", ", Trump said of Mamdani", None),
        ("Trump and Mamdani said", "", None),
        # Not a plain attribution: a question, a hedge, a description of the words, a comment after, any
        # other words before (the whole text between the quotations must be the attribution).
        ("Did Trump really tell reporters", "", None),
        ("Trump met Mamdani. Then Mamdani said", "", None),
        ("Asked about Mamdani, Trump said", "", None),
        ("It is not true that, last April, Trump said", "", None),
        ("Myth:\nMamdani said", "", None),
        ("So, Mamdani:", "", None),
        ("Mamdani cited:", "", None),
        ("Mamdani’s office said", "", None),  # someone speaking for him is not plainly him
        ("Steve said", "", None),  # a first name alone is not plainly Bannon
        ("Mamdani said", "?", None),
        ("According to Trump,", "", None),
        ("Bannon's line", " is going around", None),
        ("On Mamdani:", "", None),
        ("A Trump ally warned:", "", None),
        ("Trump world:", "", None),
        ("Trump Mamdani:", "", None),
        ("TRUMP ON MAMDANI:", "", None),
        ("Mamdani thanked Trump for saying", "", None),
        ("Mamdani:", ", the president said of him.", None),
        ("", ". Mamdani said he was grateful.", None),
        ("Trump said", ", Mamdani said", None),  # which of the two?
        ("the mayor and Trump said", "", None),
        ("When Mamdani arrived Trump met him and said", "", None),
        ("Trump kissed Mamdani and said", "", None),  # a verb not known to take an object: unclear
        ("the article says Trump", "", None),
        ("a letter to Trump said", "", None),
        ("Biden met Trump and said", "", None),
        ("Reporters asked Trump and he said", "", None),
        ("Trump met Mamdani. He said", "", None),
        ("Trump was told", "", None),
        ("Mamdani's critics praised Trump, saying", "", None),
        ("On Truth Social:", "", None),
        ("lol Trump", "", None),  # a name, but no verb of saying, colon or dash
        ("", ", he said", None),
        ("", " Trump hates it", None),
    ],
)
def test_only_a_plain_attribution_claims_a_speaker(before: str, after: str, claimed: str | None) -> None:
    assert NAMES.claimed(before, after) == claimed


# ---------------------------------------------------------------- verdicts (real index and encoder)


def test_verbatim_folds_case_quotes_dashes_and_spaces(checker: QuoteChecker) -> None:
    result = checker.check("TRUMP DOESN'T just ignore the   poor -- he profits from their desperation")
    (span,) = result.spans
    assert span.verdict == VERBATIM and span.similarity == 1.0
    assert span.citation == "Background: The Long Road to the Oval, ¶1"
    assert (
        "when Mamdani, speaking at a rally in Brooklyn, said:" in span.article_text
    )  # the sentence around it
    assert span.speaker == "Mamdani" and span.chunk_id.startswith("meeting#")


def test_close_gives_what_the_article_says_and_the_words_that_differ(checker: QuoteChecker) -> None:
    (span,) = checker.check('Bannon: "This isn’t about socialism. It’s about power."').spans
    assert span.verdict == CLOSE and 0.55 <= span.similarity < 1
    assert "It’s about survival." in span.article_text
    assert [(d.said, d.article) for d in span.differs] == [("power", "survival")]
    assert span.speaker == "Steve Bannon" and span.claimed == "Bannon" and not span.misattributed


def test_a_close_quote_is_not_said_to_be_the_speakers_own_words(checker: QuoteChecker) -> None:
    """A trial: "Mamdani is a terrorist…" (Trump's words have "communist") got "The article has Trump
    saying this."; the article's words are his, these are not."""
    (span,) = checker.check('Trump said "Mamdani is a terrorist who wants to destroy New York"').spans
    assert span.verdict == CLOSE and not span.misattributed
    assert speaker_note(span) == "The article's words are said by Trump."
    (span,) = checker.check('Mamdani said "If he could be a huge success, I’d be very happy"').spans
    assert (
        span.verdict == CLOSE and speaker_note(span) == "The article's words are said by Trump, not Mamdani."
    )
    (span,) = checker.check('Mamdani said "If he could be a spectacular success, I’d be very happy"').spans
    assert span.verdict == VERBATIM
    assert speaker_note(span) == "The article has Trump saying this, not Mamdani."


def test_a_dropped_word_shows_as_left_out(checker: QuoteChecker) -> None:
    (span,) = checker.check(
        '"I would feel comfortable living in Mamdani’s New York under his leadership"'
    ).spans
    assert span.verdict == CLOSE
    assert [(d.said, d.article) for d in span.differs] == [("", "City")]


@pytest.mark.parametrize(
    ("quote", "differs"),
    [
        ("Con Edison has raised rates 18% since 2022", [("", "serving 3.1 million residential customers")]),
        (
            "Con Edison has raised rates since 2022",
            [("", "serving 3.1 million residential customers"), ("", "18")],
        ),
    ],
)
def test_a_phrase_left_out_longer_than_the_slack_shows_as_left_out(
    checker: QuoteChecker, quote: str, differs: list[tuple[str, str]]
) -> None:
    """A trial: the window began after the left-out phrase, so "Con Edison" showed as changed into
    "residential customers", as though the article did not say Con Edison there."""
    (span,) = checker.check(f'Trump said "{quote}"').spans
    assert span.verdict == CLOSE
    assert [(d.said, d.article) for d in span.differs] == differs


def test_a_short_nearest_sentence_is_shown_with_the_sentences_before_it(checker: QuoteChecker) -> None:
    """The nearest sentence of "the rent is too damn high" is the letter's last word, which was shown
    alone as `Rent."`."""
    (span,) = checker.check('"the rent is too damn high"').spans
    assert span.verdict == ABSENT
    assert len(span.article_text.split()) >= 6 and span.article_text.endswith('Rent."')


def test_a_short_nearest_sentence_that_opens_its_paragraph_is_shown_with_the_next(
    checker: QuoteChecker,
) -> None:
    (span,) = checker.check('"yes we can"').spans
    assert span.verdict == ABSENT and len(span.article_text.split()) >= 6


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('Trump said "Mamdani is not a communist"', 'Trump had called Mamdani a "communist."'),
        ('Trump said "He wants to see more crime"', "He wants to see no crime."),
        ('Mamdani said "housing is not a human right"', "Housing is a human right"),
    ],
)
def test_a_quote_that_adds_or_drops_a_negation_is_not_close(
    checker: QuoteChecker, text: str, shown: str
) -> None:
    """A helper's trial: these were "close: the article says something nearly the same", word overlap
    0.83 to 0.89, though they say the opposite. Absent, the nearest passage shows what the article says."""
    (span,) = checker.check(text).spans
    assert span.verdict == ABSENT and shown in span.article_text


@pytest.mark.parametrize(
    "text",
    [
        'Trump said "He does not want to see crime"',  # the same negation in other words
        'Trump said "No, he wants to see rents coming down"',  # "No," answers; it negates nothing
        '"Oh no, the press has eaten this thing up"',
        '"The press has eaten this thing up, no?"',
        'Mamdani said "Trump doesnt just ignore the poor, he profits from their desperation"',  # doesn’t
        'Mamdani said "Trump doesn`t just ignore the poor, he profits from their desperation"',
    ],
)
def test_the_same_negation_however_written_is_still_close(checker: QuoteChecker, text: str) -> None:
    """A review found "No," and "no?" counted as negations, and "doesnt" (the article's "doesn’t"
    without its apostrophe) not counted: all these were absent."""
    (span,) = checker.check(text).spans
    assert span.verdict == CLOSE


@pytest.mark.parametrize(
    "text", ['"The press hasnt eaten this thing up"', '"The press hasn‘t eaten this thing up"']
)
def test_a_negation_written_without_its_apostrophe_still_counts(checker: QuoteChecker, text: str) -> None:
    (span,) = checker.check(text).spans
    assert span.verdict == ABSENT


def test_absent_gives_the_nearest_passage(checker: QuoteChecker) -> None:
    (span,) = checker.check('Trump said "Mamdani is the best mayor New York has ever had"').spans
    assert span.verdict == ABSENT and span.similarity < 0.55
    assert "mayor" in span.article_text and span.citation and not span.differs
    assert span.speaker is None and not span.misattributed


def test_right_words_wrong_speaker(checker: QuoteChecker) -> None:
    (span,) = checker.check('Mamdani said "If he could be a spectacular success, I\'d be very happy."').spans
    assert span.verdict == VERBATIM
    assert (span.speaker, span.claimed, span.misattributed) == ("Trump", "Mamdani", True)
    (span,) = checker.check('"What we’re looking to do is put those people right back" - Trump').spans
    # "…," he said, after a sentence opening with Mamdani: his words (the article names him just before).
    assert (span.speaker, span.claimed, span.misattributed) == ("Mamdani", "Trump", True)


SPECTACULAR = "If he could be a spectacular success, I’d be very happy."
BANNON = "Republicans underestimate Mamdani at their peril."
MAMDANI = "Trump doesn’t just ignore the poor—he profits from their desperation."


@pytest.mark.parametrize(
    "message",
    [
        f'Trump met Mamdani and said "{SPECTACULAR}"',
        f'Trump told Mamdani: "{SPECTACULAR}"',
        f'Trump, sitting next to Mamdani, said "{SPECTACULAR}"',
        f'Trump, asked about Mamdani, said "{SPECTACULAR}"',
        f'Trump praised Mamdani, saying "{SPECTACULAR}"',
        f'Trump on Mamdani: "{SPECTACULAR}"',
        f'Trump said of Mamdani: "{SPECTACULAR}"',
        f'Mamdani was praised by Trump: "{SPECTACULAR}"',
        f'Trump On Mamdani: "{SPECTACULAR}"',
        f'Mamdani responded to Trump saying "{SPECTACULAR}"',
        f'Trump responded to Mamdani\'s letter: "{SPECTACULAR}"',
        f'Mamdani quoted Trump: "{SPECTACULAR}"',
        f'Mamdani got praise from Trump: "{SPECTACULAR}"',
        f'Trump said "{SPECTACULAR}"',
    ],
)
def test_a_message_that_has_the_speaker_right_is_not_corrected(checker: QuoteChecker, message: str) -> None:
    (span,) = checker.check(message).spans
    assert (span.verdict, span.speaker, span.misattributed) == (VERBATIM, "Trump", False)
    assert span.claimed in ("Trump", None)


@pytest.mark.parametrize(
    ("message", "claimed"),
    [
        (f'Mamdani said "{SPECTACULAR}"', "Mamdani"),
        (f'Mamdani told reporters: "{SPECTACULAR}"', "Mamdani"),
        (f'Mamdani: "{SPECTACULAR}"', "Mamdani"),
        (f'"{SPECTACULAR}", Mamdani said', "Mamdani"),
        (f'Steve Bannon told reporters "{SPECTACULAR}"', "Bannon"),
    ],
)
def test_a_wrong_speaker_is_still_corrected(checker: QuoteChecker, message: str, claimed: str) -> None:
    (span,) = checker.check(message).spans
    assert (span.speaker, span.claimed, span.misattributed) == ("Trump", claimed, True)


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_inside_a_quote_leave_it_verbatim(checker: QuoteChecker, char: str) -> None:
    (span,) = checker.check(
        f'Trump said "If he could be a spec{char}tacular success, I’d be very happy."'
    ).spans
    assert span.verdict == VERBATIM and not span.differs
    assert span.quote == SPECTACULAR  # what is displayed is clean too: no override reverses it
    (span,) = checker.check(f'"It{char}’s ambitious"').spans
    assert span.verdict == VERBATIM and span.quote == "It’s ambitious"


def test_elided_single_quotes_do_not_hide_the_real_quote(checker: QuoteChecker) -> None:
    (span,) = checker.check("Back in the '90s, Trump said 'the press has eaten this thing up'").spans
    assert (span.quote, span.verdict) == ("the press has eaten this thing up", VERBATIM)
    assert span.speaker == "Trump"
    assert span.claimed is None  # "Back in the '90s, Trump said" is more than a plain attribution
    (span,) = checker.check("'tis 'It's ambitious'").spans
    assert (span.quote, span.verdict) == ("It's ambitious", VERBATIM)


@pytest.mark.parametrize("text", ["'s'", "it's", "U.S.", 'he said "the"', "“an”"])
def test_a_single_word_is_too_short_to_check(checker: QuoteChecker, text: str) -> None:
    with pytest.raises(TooShort) as caught:
        checker.check(text)
    message = str(caught.value)
    assert message.endswith(".") and message.count(".") == 1 and "\n" not in message


@pytest.mark.parametrize(
    ("text", "verdict", "speaker", "claimed"),
    [
        ('he is a "communist"', VERBATIM, "Trump", None),  # inside Trump's quotation
        ('Trump called Mamdani a "communist"', VERBATIM, "Trump", "Trump"),
        ('Mamdani called Trump a "communist"', VERBATIM, "Trump", "Mamdani"),  # the roles swapped
        ('Trump called Mamdani a "fascist"', VERBATIM, "Mamdani", "Trump"),
        ('Trump said "danger"', VERBATIM, "Trump", "Trump"),
        ("“ambitious”", VERBATIM, None, None),  # the article's own words, nobody's quotation
        ('Trump called him "brilliant"', ABSENT, None, "Trump"),
    ],
)
def test_a_one_word_quote_is_found_in_the_articles_quotations(
    checker: QuoteChecker, text: str, verdict: str, speaker: str | None, claimed: str | None
) -> None:
    """A trial: `Trump called Mamdani a "fascist"`, the commonest claim about a quote, was "too short to
    check" (exit status 2), though whom the article has saying the word is what the claim is about."""
    (span,) = checker.check(text).spans
    assert (span.verdict, span.speaker, span.claimed) == (verdict, speaker, claimed)
    assert span.misattributed == (
        verdict != ABSENT and speaker is not None and claimed not in (None, speaker)
    )
    if verdict == VERBATIM:
        assert text.split('"')[-2 if '"' in text else 0].strip("“”") in span.article_text


def test_a_list_of_quotations_is_claimed_for_the_one_who_opens_it(checker: QuoteChecker) -> None:
    """A trial: in `Mamdani called Trump a "communist" and "a danger to America"` the second quote was
    claimed for no one, so its misattribution (they are Trump's words) went unsaid."""
    result = checker.check('Mamdani called Trump a "communist" and "a danger to America"')
    assert [(s.speaker, s.claimed, s.misattributed) for s in result.spans] == [("Trump", "Mamdani", True)] * 2
    listed = checker.check('Trump said "no crime", "housing being built" and "rents coming down"')
    assert [s.claimed for s in listed.spans] == ["Trump"] * 3
    other = checker.check('Trump said "no crime" but "Housing is a human right"')  # not a list: unclaimed
    assert [s.claimed for s in other.spans] == ["Trump", None]


@pytest.mark.parametrize(
    "text",
    [
        'Trump called Mamdani a "communist", and "fascist", Mamdani said',
        'Trump said "He wants to see no crime" and "Housing is a human right," Mamdani said',
        'Trump said "communist" and "fascist" — Mamdani',
        'Trump said "communist" and "fascist" was Mamdani\'s word',
        'Trump said "communist"\n\n"Housing is a human right" is my favorite slogan',
    ],
)
def test_words_after_a_quotation_leave_it_out_of_the_list(checker: QuoteChecker, text: str) -> None:
    """A trial: the second quote of these was claimed for Trump, the list's speaker, and "corrected",
    though the words after it name someone else, ask, or stand apart."""
    first, second = checker.check(text).spans
    assert first.claimed == "Trump" and second.claimed is None and not second.misattributed


@pytest.mark.parametrize("text", ['Mamdani said "people"', 'Mamdani said "see"', 'Trump said "wants"'])
def test_a_common_word_is_nobodys(checker: QuoteChecker, text: str) -> None:
    """A trial: `Mamdani said "people"` was "The article has Trump saying this, not Mamdani", though the
    article has Mamdani saying it ("…put those people right back…," he said): a word the article has
    outside one person's quotations names no one."""
    (span,) = checker.check(text).spans
    assert span.verdict == VERBATIM and span.speaker is None and not span.misattributed


@pytest.mark.parametrize("text", ['Mamdani said "he\'s"', 'Trump said "isn\'t"', 'he said "would"'])
def test_a_contraction_or_a_stopword_alone_is_too_short(checker: QuoteChecker, text: str) -> None:
    with pytest.raises(TooShort):
        checker.check(text)


def test_a_quotation_closed_just_past_the_limit_is_whole_and_a_long_one_cut_is_checked(
    checker: QuoteChecker,
) -> None:
    """A trial: a quote whose closing mark was the 4,001st character was dropped, and a long last quote
    cut by the limit left only a "the" before it, so the text was "too short to check"."""
    quote = '"He wants to see no crime."'
    text = " " * (MAX_TEXT_CHARS - len(quote) + 1) + quote  # its closing mark is one past the limit
    assert [s.quote for s in checker.check(text).spans] == ["He wants to see no crime."]
    long = checker.check('He said "the" and then Bannon said "' + "rents coming down " * 400 + '"')
    assert long.truncated and [s.quote.split()[:3] for s in long.spans] == [["rents", "coming", "down"]]


@pytest.mark.parametrize(
    "text",
    [
        'Trump called Bannon. Bannon told POLITICO "Republicans underestimate Mamdani at their peril"',
        'Mamdani called Trump. Trump said "The press has eaten this thing up."',
        'Mamdani called Trump and he said "The press has eaten this thing up"',
        'Mamdani called Trump when Trump said "The press has eaten this thing up"',
        'Mamdani called in. Trump said "The press has eaten this thing up"',
        'Trump called after Mamdani called him a "fascist"',
        'Trump called Mamdani who called him a "fascist"',
        'Trump called it when Mamdani said "Housing is a human right"',
        'Mamdani called out Trump\'s remark "nobody cares"',  # a third trial: particles, possessives
        'Mamdani called attention to Trump\'s "nobody cares"',
        'Mamdani called Trump\'s bluff on "nobody cares"',
        'Mamdani called on Trump to "see rents coming down"',
        'Trump called Mamdani upon reading "I\'d like to talk about rent"',
    ],
)
def test_calling_someone_claims_nothing_across_a_clause(checker: QuoteChecker, text: str) -> None:
    """A trial: "X called …" took up to four words of anything after the verb, a full stop and a verb of
    saying among them, and so claimed for X words the message gives to someone else, and "corrected"."""
    (span,) = checker.check(text).spans
    assert span.claimed is None and not span.misattributed


@pytest.mark.parametrize(
    "text",
    [
        'Mamdani said "coming"',
        'Mamdani said "wants to"',
        'Trump said "fascist" and "communist"?',
        'Bannon said "ideology now"',  # close to Trump's "Now, we may disagree…" by one common word
        'Mamdani said "the working people"',
        'Mamdani said "stimulating supply"',  # the article's scare quote: "as a model for "…,""
        'Mamdani said "to be"',  # a fourth trial: common words found only in one person's quotation
        'Mamdani said "the goal"',
        'Trump said "at their"',
        'Bannon called the Mamdani slogan "Housing is a human right"',  # "the …" is a thing here
        'Mamdani called the Trump line "The press has eaten this thing up"',
    ],
)
def test_no_correction_where_the_article_or_the_message_leaves_room(checker: QuoteChecker, text: str) -> None:
    """Trials: "coming" is also in a heading ("A Meeting No One Saw Coming"), "wants to" in the article's
    own words ("Mamdani wants to cap…"), a question after a list asks, two or three words are close to a
    quotation by one common word, and "Trump mentioned his 2017 tax reform as a model for "stimulating
    supply,"" quotes no one; each was "corrected"."""
    assert not any(s.misattributed for s in checker.check(text).spans)


def test_a_cut_text_gives_no_fragment_a_verdict_and_its_last_quote_no_claim(checker: QuoteChecker) -> None:
    """A trial: a one-word quote cut by the limit was checked as "success" (verbatim, Trump's, and a
    misattribution) or "communis" (absent); a quote whose attribution was cut off was claimed from the
    words before it; a text whose only quote was cut off was "too short" with no word of the cut."""
    long = '"' + ("Pneumonoultramicroscopicsilicovolcanoconiosis " * 200)[:3976] + '"'
    assert [s.quote[:6] for s in checker.check(long + ' Mamdani said "successful"').spans] == ["Pneumo"]
    quote = '"The press has eaten this thing up"'
    text = " " * (MAX_TEXT_CHARS - len("Trump said ") - len(quote)) + "Trump said " + quote + ", Mamdani said"
    (span,) = checker.check(text).spans
    assert span.verdict == VERBATIM and span.claimed is None and not span.misattributed
    with pytest.raises(TooShort, match="Only the first 4,000 characters are checked"):
        checker.check("x " * 1993 + 'Trump said "He wants to see no crime"')


def test_the_slogan_is_mamdanis(checker: QuoteChecker) -> None:
    """A trial: `Trump said "Housing is a human right"` was verbatim with no speaker and no
    misattribution; the article gives it as Mamdani's ("Mamdani’s rise … His slogan: …")."""
    (span,) = checker.check('Trump said "Housing is a human right"').spans
    assert (span.verdict, span.speaker, span.misattributed) == (VERBATIM, "Mamdani", True)


def test_one_word_quotes_beside_longer_ones_are_counted_not_dropped_unsaid(checker: QuoteChecker) -> None:
    """A trial: `he called it "fascist" and said "…"` checked the longer quote and said nothing of the
    word, which a reader took for checked. A word that means something alone is checked now; a function
    word still proves nothing."""
    result = checker.check('He called it "the" and "it\'s" and said "Housing is a human right"')
    assert [s.quote for s in result.spans] == ["Housing is a human right"] and result.too_short == 2
    assert checker.check('Trump said "Housing is a human right"').too_short == 0
    assert too_short_note(1) == "1 quoted common word was not checked: a common word proves nothing."


def test_a_changed_first_word_is_matched_within_the_articles_quotation(checker: QuoteChecker) -> None:
    """A trial: "I would like to talk about rent" showed “I would” where the article has “House I’d”: the
    window took in the word before the article's quotation mark to match the span's two words."""
    (span,) = checker.check('He wrote "I would like to talk about rent"').spans
    assert [(d.said, d.article) for d in span.differs] == [("I would", "I’d")]


def test_several_spans_each_get_a_verdict(checker: QuoteChecker) -> None:
    result = checker.check(
        'Trump said "He wants to see rents going down", then "It’s ambitious. It’s controversial." '
        "and 'Con Edison is robbing the people of Queens'"
    )
    assert [s.verdict for s in result.spans] == [CLOSE, VERBATIM, ABSENT]
    assert result.spans[0].claimed == "Trump" and result.spans[0].speaker == "Trump"


def test_unbalanced_and_many_quotes_do_not_crash(checker: QuoteChecker) -> None:
    (span,) = checker.check('he said "He wants to see no crime. He wants').spans
    assert span.verdict == VERBATIM
    many = checker.check(" ".join(f'"rents coming down {n} times"' for n in range(MAX_SPANS + 5)))
    assert len(many.spans) == MAX_SPANS and many.unchecked == 5


def test_a_quotation_cut_by_the_length_limit_is_not_checked_or_counted_as_a_one_word_quote(
    checker: QuoteChecker,
) -> None:
    """A trial: a long text of quotes cut at MAX_TEXT_CHARS inside one was told its cut-off "He" was a
    one-word quote left unchecked, words it never quoted alone."""
    one = 'Trump said "He wants to see no crime." '
    before = MAX_TEXT_CHARS - len('and "He')  # the limit falls right after "He"
    text = one * (before // len(one)) + " " * (before % len(one)) + 'and "He said much more."'
    result = checker.check(text)
    assert result.truncated and result.too_short == 0
    assert all(s.quote == "He wants to see no crime." for s in result.spans)
    whole = checker.check('"' + "word " * 2000 + '"')  # one quotation, cut: its first words are checked
    assert whole.truncated and len(whole.spans) == 1 and whole.spans[0].truncated


def test_the_train_examples_are_all_right(checker: QuoteChecker) -> None:
    report = evaluate_quotes(checker, read_quote_examples(REPO_ROOT / "train" / "quotes" / "quotes.jsonl"))
    assert report.n >= 40
    assert report.accuracy >= 0.95 and report.speakers_right >= 0.95
    # Precision first: only a plain attribution ("Mamdani said", "Trump:") claims anyone, so fewer claims are
    # read (0.53 of those the file gives) and 6 of 8 wrong names go uncorrected, but none is said wrongly.
    assert report.claims >= 40 and report.claims_right >= 0.5 and report.misattributions >= 5
    assert report.false_corrections == 0  # never "not X" where the message had it right
    assert report.lowest_close > report.highest_absent  # the threshold sits in the gap


@pytest.mark.parametrize(
    "message",
    [
        f'"The press has eaten this thing up"\nBannon said "{BANNON}"',
        f'"{BANNON}" Trump said "The press has eaten this thing up"',
        f'"The press has eaten this thing up". Mamdani said "{MAMDANI}"',
        "Mamdani said \"Trump said 'The press has eaten this thing up'\"",  # Mamdani quoting Trump
    ],
)
def test_words_that_introduce_the_next_quotation_or_a_quotation_within_claim_nothing(
    checker: QuoteChecker, message: str
) -> None:
    assert not any(s.misattributed for s in checker.check(message).spans)
