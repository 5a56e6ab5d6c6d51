"""Every kind of reply, read by the real model from the committed index; and the intent model's parts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.core.answer import Answerer
from bot.core.intents import (
    QUESTION,
    Example,
    Intent,
    IntentModel,
    IntentReader,
    choose_bars,
    fewest_not_clearly_beaten,
    read_examples,
    train_intents,
)
from bot.core.kinds import Kind
from bot.core.language import LanguageReader, proper_names
from bot.core.replies import CHATTER as CHATTER_LINES
from bot.core.replies import NOT_COVERED_BECAUSE, NOT_COVERED_SHORT
from tests.core.ranking import RANKED_WORSE

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", ["hello there", "thank you!", "lol", "ok", "good bot", "👍", "!!!"])
def test_chatter_gets_one_friendly_line_and_no_passages(answerer: Answerer, text: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "chatter" and a.excerpts == () and a.highlight is None
    assert a.reply and "\n" not in a.reply and len(a.reply) < 200


@pytest.mark.parametrize("text", ["bad bot", "you suck", "this bot is useless"])
def test_a_reaction_that_is_no_praise_gets_no_thumbs_up(answerer: Answerer, text: str) -> None:
    """A trial found insults answered "👍 Ask me anything…": reactions share one line, which must fit all."""
    a = answerer.ask(text)
    assert a.kind == "chatter" and a.reply and "👍" not in a.reply


def test_serving_holds_blas_to_one_thread(answerer: Answerer) -> None:
    # Two OpenBLAS threads beside onnxruntime's stalled the message-kind product for 3-6 ms.
    from threadpoolctl import threadpool_info

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_every_chatter_group_of_the_examples_has_its_own_line() -> None:
    lines = (ROOT / "train" / "intents" / "intents.jsonl").read_text(encoding="utf-8").splitlines()
    groups = {json.loads(line).get("group") for line in lines} - {None}
    assert groups and groups <= set(CHATTER_LINES), groups - set(CHATTER_LINES)


@pytest.mark.parametrize(
    "text",
    [
        "can you summarize the great depression",
        "give me the tl;dr on black holes",
        "summarize the book of genesis",
        "quick overview of the american revolution pls",
        "summarize pride and prejudice for my english class",
        "overview of how the immune system works",
    ],
)
def test_a_summary_of_something_else_is_not_the_articles_overview(answerer: Answerer, text: str) -> None:
    # Read as summary requests, with the opening and the sections, until requests about other subjects
    # joined the examples to search (train/checks/other_subjects.jsonl; none of these is an example).
    assert answerer.ask(text).kind == "not_covered"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what do you know about bernie sanders", "not_covered"),  # was help
        ("info on ethereum", "not_covered"),  # was the overview
        ("tell me about the moon landing", "not_covered"),
        ("tell me about yourself", "help"),  # the bot is no other subject
        ("describe this bot", "help"),
        ("what do you know about", "help"),
        ("tell me about the article", "overview"),
        # A helper's trial in an ask-channel: "what is this song about?" got the article's overview, for its
        # likeness to "what is this about?". The article under other names stays the article (a review).
        ("what is this song about?", "not_covered"),
        ("what is this article about?", "overview"),
        ("what's the text about", "overview"),
        ("what is this paragraph about?", "overview"),
        ("what is this about", "overview"),
    ],
)
def test_a_request_about_another_subject_is_no_request_for_help(
    answerer: Answerer, text: str, kind: str
) -> None:
    # A helper's trial: requests to be told about things none of whose words the article, the training
    # questions or the message-kind examples use were read as help or as the overview.
    assert answerer.ask(text).kind == kind


@pytest.mark.parametrize(
    ("text", "history"),
    [
        ("no, that's wrong", ["when was the meeting?"]),
        ("that's not what i meant", ["when was the meeting?"]),
        ("your answer is wrong", []),
    ],
)
def test_being_told_the_reply_missed_gets_an_apology_and_a_hint(
    answerer: Answerer, text: str, history: list[str]
) -> None:
    # None of these is an example's own words. "no, that's wrong" after a question was answered with the
    # meeting's opening again ("that" pointed back at it), and "that's not what i asked" with a quote.
    a = answerer.ask(text, history=history)
    assert (a.kind, a.reply, a.excerpts) == ("chatter", CHATTER_LINES["feedback"], ())


@pytest.mark.parametrize(
    ("text", "history", "group"),
    [
        ("r u sure?", ["how old is mamdani?"], "doubt"),
        ("are you certain?", [], "doubt"),
        ("what do u mean?", ["how old is mamdani?"], "unclear"),
        ("not sure what you mean", [], "unclear"),
        ("where did u get that", ["what is mamdani's slogan"], "doubt"),
    ],
)
def test_doubt_and_asking_to_explain_get_the_bots_own_line(
    answerer: Answerer, text: str, history: list[str], group: str
) -> None:
    # None of these is an example's own words. "are you sure?" was answered with the meeting's opening,
    # "explain" with a line of the feud: the article has no line that answers them.
    a = answerer.ask(text, history=history)
    assert (a.kind, a.reply, a.excerpts) == ("chatter", CHATTER_LINES[group], ())


# Words of being wrong, of doubt or of asking to explain, in questions about the article.
QUESTIONS_WITH_CHAT_WORDS = ["what did trump get wrong", "was trump wrong about mamdani?",
                             "explain the affordability compact", "what does democratic socialist mean",
                             "are you sure trump endorsed him?", "where did trump say that"]  # fmt: skip


@pytest.mark.parametrize("text", QUESTIONS_WITH_CHAT_WORDS)
def test_a_question_with_words_of_chat_is_still_a_question(answerer: Answerer, text: str) -> None:
    assert answerer.ask(text).kind == "answer"


def test_a_goodbye_gets_a_goodbye(answerer: Answerer) -> None:
    a = answerer.ask("ok im out, bye!")
    assert a.kind == "chatter" and a.reply == CHATTER_LINES["bye"]


def test_a_greeting_offers_an_example_question_from_the_faq(answerer: Answerer) -> None:
    a = answerer.ask("hello there")
    faq = {c.question for c in answerer.index.chunks if c.question}
    assert any(q in a.reply for q in faq)


@pytest.mark.parametrize("text", ["help", "what can this bot do", "who are you", "how does this work"])
def test_help_says_what_the_bot_knows_and_how_to_ask(answerer: Answerer, text: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "help" and a.excerpts == ()
    assert "2025-11-21" in a.reply
    assert not set("*`") & set(a.reply)  # plain text: each surface adds how to ask there, in its own markup
    assert [h.title for h in a.contents][-1] == "Frequently Asked Questions"
    assert len(a.examples) == 3


@pytest.mark.parametrize(
    "text",
    [
        "anybody here?",
        "anyone around?",
        "is anybody out there?",
        "somebody there?",
        "can someone help me?",
        "can anyone hear me?",  # answered with "someone in the White House is listening"
        "anyone reading this?",  # answered with "Trump reportedly read it twice."
        "can anyone see this?",
    ],
)
def test_asking_whether_anyone_is_there_gets_help(answerer: Answerer, text: str) -> None:
    """A noticed fault: "anybody here?" was answered from the article ("Yet here they were, 45 minutes
    into a meeting…"), "anyone around?" with its opening line."""
    assert answerer.ask(text).kind == "help"


@pytest.mark.parametrize(
    "text", ["who can see my questions?", "do you keep my messages", "can the admins read what I ask"]
)
def test_asking_who_sees_ones_questions_gets_help(answerer: Answerer, text: str) -> None:
    """A trial's finding: "who can see my questions?" was answered from the article ("Yet here they were,
    45 minutes into a meeting…"); help now says what becomes of a question (on Discord, `your_questions`)."""
    assert answerer.ask(text).kind == "help"


@pytest.mark.parametrize(
    "text",
    [
        "list commands for trump",
        "how to ask about trump",
        "can the bot verify his quotes",
        "can mods read them",
    ],
)
def test_help_about_others_through_the_bot_is_still_help(answerer: Answerer, text: str) -> None:
    """A second review: once a help reading of a message about others was searched, these (about the
    bot, its commands, asking it) were answered from the article."""
    assert answerer.ask(text).kind == "help"


def test_a_follow_up_on_ones_questions_is_still_help(answerer: Answerer) -> None:
    # "them" is the questions: "who can read them?" was answered "Trump reportedly read it twice."
    assert answerer.ask("who can read them?", history=["who can see my questions?"]).kind == "help"


@pytest.mark.parametrize(
    "text",
    [
        "was the meeting private?",
        "who saw the meeting?",
        "who can see the letter?",
        # A review: these read as help once the examples of asking who sees one's questions were added.
        "who can see what trump asked",
        "what happens to his messages",
        "are their questions private",
        "how long do they keep the questions",
        "can others see their questions",
    ],
)
def test_a_question_about_privacy_at_the_meeting_is_asked_of_the_article(
    answerer: Answerer, text: str
) -> None:
    assert answerer.ask(text).kind != "help"


@pytest.mark.parametrize(
    "text", ["anyone else there?", "anyone free tonight?", "who was there?", "did anyone read the letter?"]
)
def test_a_question_about_who_was_there_is_no_call(answerer: Answerer, text: str) -> None:
    assert answerer.ask(text).kind != "help"


def test_a_greeting_to_everyone_is_no_call_for_help(answerer: Answerer) -> None:
    assert answerer.ask("hi everyone").kind == "chatter"
    assert answerer.ask("nobody?").kind != "help"  # a call on no one


@pytest.mark.parametrize("text", ["anyone there?", "anyone?", "nobody there?", "anyone else there?"])
def test_a_call_later_in_a_conversation_may_ask_about_the_meeting(answerer: Answerer, text: str) -> None:
    """A review: after "who was in the room?", "anyone there?" got the guide; it asks who else was."""
    assert answerer.ask(text, history=["who was in the room?"]).kind != "help"


@pytest.mark.parametrize("text", ["who's the author", "whats the source", "who wrote the article"])
def test_who_wrote_it_gets_help_which_names_the_source(answerer: Answerer, text: str) -> None:
    """A trial found "who wrote this article" given the overview, and "source?" told the article doesn't
    cover it; the article names no author, and help names where it comes from."""
    a = answerer.ask(text)
    (doc,) = answerer.index.docs.values()
    assert a.kind == "help" and doc.title in a.reply


def test_a_so_in_a_conversation_goes_on_from_it(answerer: Answerer) -> None:
    # A trial: "so what happened?" after a question on the rally got the overview, as it does first.
    a = answerer.ask("so what happened?", history=["what did mamdani say at the rally in brooklyn?"])
    assert a.kind == "answer", a.kind


@pytest.mark.parametrize(
    "text",
    # "too long didnt read", what tl;dr stands for: a trial got "Trump reportedly read it twice."
    ["tl;dr", "summarize", "what is the article about?", "so what happened", "too long didnt read"],
)
def test_an_overview_is_the_opening_paragraph_and_the_sections(answerer: Answerer, text: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "overview"
    (opening,) = a.excerpts
    assert opening.citation == "Opening, ¶1" and opening.text.startswith("When Donald J. Trump sat across")
    raw = (answerer.index.folder.parent / "corpus" / "raw" / "meeting.txt").read_text(encoding="utf-8")
    assert opening.text in raw  # verbatim
    assert [h.title for h in a.contents] == list(next(iter(answerer.index.docs.values())).sections)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("tell me about the meeting", "overview"),  # bolded "Trump confirmed they'll meet again."
        ("tell me more about this story pls", "overview"),  # answered from the article
        ("info on the news piece", "overview"),
        ("what do u know about this piece", "overview"),  # was help
        ("can u summarize trump and mamdani's meeting", "overview"),  # the people's names are no subject
        ("give me a quick recap of the oval office meeting", "overview"),
        ("fill me in on the meeting", "overview"),
        ("um can you summarize the artcle", "overview"),  # a typo of a word the bot knows
        ("explain the meeting to me", "overview"),
        ("info on the whole oval office thing", "overview"),
        ("tell me about trump", "answer"),  # a person of the article: who he is
        ("tell me about the meeting's outcome", "answer"),  # one thing about it
        ("summarize mamdani's housing plan", "answer"),
        # A helper's trial of the first version: these were the overview.
        ("tell me about the reporters", "answer"),  # "report" was a word for a piece of writing
        ("tell me about everything trump said", "answer"),  # a person's, not the whole
        ("tell me about mamdani's story", "answer"),
        ("tell me about mamdani's office", "answer"),  # a word of the title alone
        ("tell me about the oval office", "answer"),
        ("tell me about their next meeting", "answer"),  # another meeting
        # Found by a newcomer check set (docs/check-sets.md): the meeting's day, chat around the request,
        # chat joining the two people, and how to tell it were read as things asked about.
        ("fill me in on the nov 21 meeting", "overview"),
        ("what do u know abt the trump x mamdani meeting lol", "overview"),
        ("explain this whole news story to me like im 5", "overview"),
        ("tell me about the meeting of may 3", "answer"),  # another day
        ("what do u know abt the nov 3 meeting lol", "answer"),  # another day of the same month (a review)
        ("tell me about the trump x bannon meeting lol", "answer"),  # not the title's people (a review)
        ("summarize the super bowl", "not_covered"),  # nothing of the article
        ("what do you know about bernie sanders", "not_covered"),  # no typo of the article's words
    ],
)
def test_a_request_about_the_article_as_a_whole_gets_the_overview(
    answerer: Answerer, text: str, kind: str
) -> None:
    # A request whose subject is the article or the meeting as a whole (words for a piece of writing,
    # the title's words) was asked as "what is the meeting?" and answered with one line of it.
    assert answerer.ask(text).kind == kind


@pytest.mark.parametrize(
    "text", ["¿Qué pasó en la reunión?", "Was hat Trump über Mamdani gesagt?", "Что сказал Трамп?"]
)
def test_a_question_not_in_english_gets_the_language_note(answerer: Answerer, text: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "language" and "English" in a.reply and a.excerpts == ()


@pytest.mark.parametrize(
    "text", ["Trump和Mamdani什么时候见面的？", "TrumpとMamdaniはいつ会いましたか", "Mamdani说了什么"]
)
def test_a_question_in_an_unspaced_script_around_latin_names_gets_the_language_note(
    answerer: Answerer, text: str
) -> None:
    # A new user's trial: written with no space around the names, the whole question was read as one word
    # starting with Latin letters, too short to judge, and declined in English.
    assert answerer.ask(text).kind == "language"


@pytest.mark.parametrize(
    "text", ["trump vs mamdani", "tell me about trump vs. mamdani", "zohran versus donald"]
)
def test_the_two_people_set_side_by_side_in_chat_are_answered(answerer: Answerer, text: str) -> None:
    # Declined before: "vs" is no word of the article's or of the training questions', so the abstainer
    # counted a third of the question unknown.
    a = answerer.ask(text)
    assert a.kind == "answer" and a.answered


@pytest.mark.parametrize(
    "text", ["what's 5 times 7", "is ethereum a good buy", "who won the super bowl in 1990"]
)
def test_off_topic_is_not_covered(answerer: Answerer, text: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "not_covered" and not a.answered and a.highlight is None


@pytest.mark.parametrize(
    "text", ["what is 3500 divided by 2", "how much is 4200 minus 3500?", "what's 33 x 2"]
)
def test_a_sum_of_the_articles_own_numbers_is_declined_with_no_passages(
    answerer: Answerer, text: str
) -> None:
    """The rent and age lines hold these numbers; before sums were read, the first two were answered."""
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.excerpts == () and a.reply


@pytest.mark.parametrize(
    "text", ["ok so what's 7 times 6 again", "what's 5 times 7 :)", "hey bot what's 5 times 7"]
)
def test_a_sum_with_chat_around_it_is_declined_with_no_passages(answerer: Answerer, text: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "not_covered" and not a.excerpts


def test_a_sum_is_no_context_for_a_follow_up(answerer: Answerer) -> None:
    a = answerer.ask("and how old is he?", history=["who is mamdani?", "what's 5 times 7"])
    assert a.kind == "answer" and "33" in a.highlight


def test_a_question_too_vague_to_answer_alone_is_not_covered(answerer: Answerer) -> None:
    """Read alone, "how soon?" names nothing to look up; the training files teach a few such fragments
    (none of these), and a passage that merely has a number is no answer. Before the fragments were
    taught, all six were answered (from the rent or population lines); one of six may slip."""
    vague = ["how soon?", "how much more?", "which year?", "what size?", "what price?", "how many of them?"]
    answers = [answerer.ask(text) for text in vague]
    assert sum(a.kind == "not_covered" for a in answers) >= 5, [(a.question, a.kind) for a in answers]


@pytest.mark.parametrize(
    ("text", "plain", "gold"),
    [
        ("hola, who is mamdani", "who is mamdani", "Mamdani"),
        ("good morning, how old is mamdani?", "how old is mamdani?", "33"),
        ("who tf is mamdani", "who is mamdani", "Mamdani"),
        ("what the heck happened in the oval office", "what happened in the oval office", "Oval Office"),
    ],
)
def test_a_greeting_or_emphasis_does_not_break_a_question(
    answerer: Answerer, text: str, plain: str, gold: str
) -> None:
    # A trial: each was declined ("The article doesn't cover this"), and the same question without the
    # greeting or the emphasis answered: it is answered as that question is.
    a, b = answerer.ask(text), answerer.ask(plain)
    assert a.kind == "answer" and gold in a.excerpts[0].text
    assert a.excerpts[0].text == b.excerpts[0].text


@pytest.mark.parametrize(
    ("text", "kind"),
    [("how tf does this work", "help"), ("what the hell happened", "overview"), ("wtf happened", "overview")],
)
def test_emphasis_is_left_out_when_a_message_is_read_for_its_kind(
    answerer: Answerer, text: str, kind: str
) -> None:
    # A review: searched without its emphasis, "how tf does this work" was answered from the article
    # ("A week later, the meeting was scheduled."), while "how does this work" gets help.
    assert answerer.ask(text).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        *("did they talk about tariffs", "did they mention the subway", "did they bring up bitcoin"),
        *("what did trump say about tariffs", "did they talk about abortion"),
        *("when did trump meet biden", "did trump meet obama", "who met putin?"),  # a helper's trial
        *("did they agree on tariffs?", "did they agree on immigration"),  # a review's
        # Someone described by a word the article lacks, though it has the others (a trial: "… press
        # secretary" was answered with Trump's words to reporters).
        *("what did the white house press secretary say", "what did the trump campaign manager say"),
    ],
)
def test_whether_they_talked_about_what_the_article_never_names_is_declined(
    answerer: Answerer, text: str
) -> None:
    # A trial: "did they talk about tariffs" was answered, sure, with "Just two men … talking about
    # concrete numbers"; the question's other words are the article's.
    assert answerer.ask(text).kind == "not_covered"


@pytest.mark.parametrize(
    "text",
    [
        "did they talk about rent",
        "did they discuss housing",
        "did they talk about communism",
        "did they talk about housng",
        "did they agree on rent",
    ],
)
def test_whether_they_talked_about_what_the_article_names_is_answered(answerer: Answerer, text: str) -> None:
    assert answerer.ask(text).kind == "answer"


@pytest.mark.parametrize(
    ("text", "opening"),
    [
        ("👋", "Hi!"),
        ("👋🏽", "Hi!"),
        ("👋!", "Hi!"),
        ("🙏", "You're welcome"),
        ("✌️", "Bye"),
        ("😂", "Noted"),
        ("👋😂", "Noted"),
    ],
)
def test_a_lone_emoji_gets_the_line_of_what_it_says(answerer: Answerer, text: str, opening: str) -> None:
    # A trial: a wave, a common first message, got "Noted." as any other emoji did.
    a = answerer.ask(text)
    assert a.kind == "chatter" and a.reply.startswith(opening) and a.excerpts == ()


@pytest.mark.parametrize("text", ["wait what", "hold on", "maybe"])
def test_holding_on_and_hedging_is_chatter(answerer: Answerer, text: str) -> None:
    # Each was answered from the article ("maybe" with "Possibly. Cities like Philadelphia…") before
    # examples of holding on and hedging joined the message-kind examples (none of these three words).
    a = answerer.ask(text)
    assert a.kind == "chatter" and a.excerpts == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        *(("/start", "help"), ("!start", "help"), ("/start@somebot", "help"), ("/menu", "help")),
        *(("/settings", "help"), ("/stats", "help")),
        # A command read as a kind keeps it, one naming the article's things is searched (a review:
        # "/rent" and "/trump" got help), and a command with a question is the question.
        *(("/tldr", "overview"), ("/hello", "chatter"), ("/rent", "answer"), ("/trump", "answer")),
        ("/ask who is mamdani", "answer"),
    ],
)
def test_a_bots_control_typed_as_a_message_gets_help(answerer: Answerer, text: str, kind: str) -> None:
    # "/start" was searched for "start" and answered with when the meeting began; "/menu" was declined.
    assert answerer.ask(text).kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A trial: "source?" after an answer was searched and declined; help names the article.
        *(("source?", "help"), ("Sauce pls", "help"), ("citation needed", "help"), ("link?", "help")),
        ("what source did bannon speak to?", "answer"),  # a question about the article's sources
    ],
)
def test_a_lone_request_for_the_source_gets_help(answerer: Answerer, text: str, kind: str) -> None:
    reply = answerer.ask(text, history=["who said it was a wake-up call"])
    assert reply.kind == kind


@pytest.mark.parametrize(
    "text", ["When did the meeting happen?", "tell me about mamdani", "thanks, and who is bannon?"]
)
def test_questions_about_the_article_are_answered(answerer: Answerer, text: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "answer" and a.answered and a.excerpts


def test_chatter_in_a_conversation_is_not_read_as_a_follow_up(answerer: Answerer) -> None:
    a = answerer.ask("thanks!", history=["How old is Mamdani?"])
    assert a.kind == "chatter"


def test_the_reader_takes_the_nearest_kind_only_past_both_bars() -> None:
    vectors = np.eye(4, dtype=np.float32)
    model = IntentModel(
        vectors, (Kind.HELP, Kind.CHATTER, Kind.OVERVIEW, QUESTION), ("", "thanks", "", ""), 0.5, 0.1
    )
    reader = IntentReader(model)
    near_chatter = np.array([0.1, 0.9, 0.0, 0.3], np.float32)
    assert reader.read("thx", near_chatter).kind == Kind.CHATTER
    assert reader.read("thx", near_chatter).group == "thanks"
    assert reader.read("thx", np.array([0.0, 0.45, 0.0, 0.0], np.float32)) is None  # not close enough
    assert reader.read("q", np.array([0.0, 0.7, 0.0, 0.65], np.float32)) is None  # a question is as near
    assert reader.read("🎉", np.zeros(4, np.float32)).kind == Kind.CHATTER  # nothing to search for


def _clusters(seed: int, dim: int, per_kind: int, spread: float) -> tuple[np.ndarray, list[str]]:
    """Unit vectors scattered around one axis per kind (help, chatter, overview, question)."""
    rng = np.random.default_rng(seed)
    kinds, rows = [], []
    for centre, kind in zip(
        np.eye(dim, dtype=np.float32)[:4], (Kind.HELP, Kind.CHATTER, Kind.OVERVIEW, QUESTION), strict=True
    ):
        for _ in range(per_kind):
            v = centre + spread * rng.standard_normal(dim).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
            kinds.append(kind)
    return np.stack(rows), kinds


def test_the_bars_keep_questions_and_read_examples_out_of_fold() -> None:
    similarity, margin, neighbours, accuracy = choose_bars(*_clusters(0, 8, 20, 0.15))
    assert accuracy > 0.95 and 0.25 <= similarity <= 0.9 and margin >= 0
    assert neighbours == 1  # every choice reads them all right: the fewest neighbours are taken


def test_more_neighbours_only_when_they_read_clearly_more_right() -> None:
    # Three more examples of 400 read right (0.75%) is within two standard errors of the paired difference:
    # the fewer neighbours stay. Twenty more is clear.
    base = np.zeros(400, bool)
    base[:280] = True
    near, clear = base.copy(), base.copy()
    near[280:283] = True
    clear[280:300] = True
    assert fewest_not_clearly_beaten({3: base, 6: near}) == 3
    assert fewest_not_clearly_beaten({3: base, 6: clear}) == 6
    assert fewest_not_clearly_beaten({1: base, 3: clear, 6: clear}) == 3  # a tie goes to the fewest


def test_an_example_is_left_out_with_its_copies() -> None:
    # Two copies each of a help and a chatter example: read out of fold, neither copy may vouch for the other.
    a, b, c = np.eye(3, dtype=np.float32)
    *_, accuracy = choose_bars(
        np.stack([a, a, b, b, c]), [Kind.HELP, Kind.HELP, Kind.CHATTER, Kind.CHATTER, QUESTION]
    )
    assert accuracy == 0.0


def test_an_examples_own_words_take_its_kind_whatever_its_neighbours() -> None:
    vectors = np.array([[1, 0], [0, 1], [0.1, 1], [0.2, 1]], np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    kinds = (Kind.HELP, QUESTION, QUESTION, QUESTION)
    model = IntentModel(vectors, kinds, ("",) * 4, 0.5, 0.1, neighbours=3, keys=("what is this",))
    near_questions = np.array([0.3, 0.95], np.float32) / np.linalg.norm([0.3, 0.95])
    assert IntentReader(model).read("What is this?", near_questions).kind == Kind.HELP
    assert IntentReader(model).read("what is it", near_questions) is None


def test_a_phrase_matched_by_its_words_is_no_neighbour(tmp_path: Path) -> None:
    """Thanks and greetings in other languages, as neighbours, drew a Spanish question to the thanks:
    matched by their own words only, they take nothing else with them, and survive a save."""
    path = tmp_path / "intents.jsonl"
    path.write_text(
        '{"text": "help", "kind": "help"}\n{"text": "thanks", "kind": "chatter", "group": "thanks"}\n'
        '{"text": "Gracias", "kind": "chatter", "group": "thanks", "match": "words"}\n',
        encoding="utf-8",
    )
    examples = read_examples(path)
    assert examples[2] == Example("Gracias", Kind.CHATTER, "thanks", words_only=True)
    vectors = {"help": [1, 0, 0], "thanks": [0, 1, 0], "Gracias": [0, 0, 1], "q": [0, 0.6, 0.8]}
    model = train_intents(examples, ["q"], lambda texts: np.array([vectors[t] for t in texts], np.float32))
    assert model.phrases == (("gracias", Kind.CHATTER, "thanks"),) and len(model.vectors) == 3
    model.save(tmp_path)
    reader = IntentReader(IntentModel.load(tmp_path))
    assert reader.read("gracias!", np.array([0, 0, 1], np.float32)) == Intent(Kind.CHATTER, "thanks", 1.0)
    assert reader.read("gracias amigo", np.array([0, 0, 1], np.float32)) is None  # no vector to be near
    path.write_text('{"text": "x", "kind": "chatter", "match": "sound"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="match must be"):
        read_examples(path)


@pytest.mark.parametrize(
    ("text", "kind", "reply"),
    [
        ("gracias", "chatter", CHATTER_LINES["thanks"]),
        ("Merci!", "chatter", CHATTER_LINES["thanks"]),
        ("bonjour", "chatter", None),
        ("que decia la carta escrita a mano", "language", None),  # drawn to the thanks as neighbours
    ],
)
def test_thanks_and_greetings_in_other_languages_get_the_friendly_line(
    answerer: Answerer, text: str, kind: str, reply: str | None
) -> None:
    """A trial: "gracias", "merci", "obrigado" and "bonjour" were told "The article doesn't cover this."."""
    a = answerer.ask(text)
    assert a.kind == kind and a.excerpts == ()
    assert reply is None or a.reply == reply


def test_every_example_is_read_as_its_own_kind(answerer: Answerer) -> None:
    # Ten were not, with three neighbours: "what is this" (help) sits among "what is it", "what is that".
    lines = (ROOT / "train" / "intents" / "intents.jsonl").read_text(encoding="utf-8").splitlines()
    examples = [json.loads(line) for line in lines]
    searched = ("answer", "not_covered")
    got = {e["text"]: answerer.ask(e["text"]).kind for e in examples}
    misread = [
        (e["text"], got[e["text"]])
        for e in examples
        if (got[e["text"]] not in searched if e["kind"] == "question" else got[e["text"]] != e["kind"])
    ]
    assert not misread, misread


def test_one_stray_example_does_not_decide_when_several_neighbours_count() -> None:
    # Three help examples near one another and one stray near the message; questions in between.
    help_rows = [[1, 0, 0, 0], [0.95, 0.31, 0, 0], [0.95, 0, 0.31, 0], [0, 0, 0, 1]]
    vectors = np.array([*help_rows, [0, 1, 0, 0], [0, 0, 1, 0]], np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    kinds = (Kind.HELP, Kind.HELP, Kind.HELP, Kind.HELP, QUESTION, QUESTION)
    message = np.array([0, 0.3, 0.3, 0.9], np.float32)  # near the stray help example only
    message /= np.linalg.norm(message)
    one = IntentModel(vectors, kinds, ("",) * 6, 0.5, 0.1, neighbours=1)
    three = IntentModel(vectors, kinds, ("",) * 6, 0.5, 0.1, neighbours=3)
    assert IntentReader(one).read("building what exactly?", message).kind == Kind.HELP
    assert IntentReader(three).read("building what exactly?", message) is None
    near_all = np.array([0.9, 0.2, 0.2, 0.3], np.float32)
    assert IntentReader(three).read("what can you do", near_all / np.linalg.norm(near_all)).kind == Kind.HELP


def test_the_bars_count_several_neighbours_when_single_examples_mislead() -> None:
    # Each kind's examples are widely scattered, so the single nearest one is often of another kind;
    # averaging a few neighbours reads the examples clearly better, out of fold.
    *_, neighbours, accuracy = choose_bars(*_clusters(1, 16, 30, 0.45))
    assert neighbours > 1 and accuracy > 0.5


def test_language_reader_leaves_short_english_and_names_alone() -> None:
    # The article's names, as `proper_names` finds them ("Con Edison": "con" and "edison").
    reader = LanguageReader({"trump", "mamdani", "con", "edison"}, {"who", "met", "when", "meeting", "rates"})
    for text in ("lol", "gm", "tl;dr", "thx", "Mamdani?", "wen was teh meeting", "con ed rates", "Who met?"):
        assert reader.is_english(text), text
    assert reader.language("¿Qué dijeron Trump y Mamdani sobre la vivienda y los alquileres?") == "es"
    assert reader.language("Что сказал Трамп?") == "ru"  # another script: not English whatever the score
    assert reader.language("Was hat Trump über Mamdani gesagt?") == "de"  # "was" alone is not enough


@pytest.mark.parametrize(
    "text",
    [
        # The identifier splits these between related languages (Italian 0.46, Portuguese 0.41): each holds
        # function words of one of its likeliest three ("quando", "se", "e"; "que", "sobre"). Not
        # "Wanneer was de ontmoeting tussen Trump en Mamdani?": "de" and "tussen" only, "was" and "en"
        # being English words.
        "Quando se encontraram Trump e Mamdani?",
        "O que Trump disse sobre Mamdani?",
        # Every word but the article's names a function word of the likeliest (a new user's trial: "quien
        # es mamdani" was searched, at 0.83 Spanish, and bolded "Then came the quiet shift.").
        "quien es mamdani",
        "qui est trump?",
        # Four words or more, none English, and the identifier at 0.8 or over.
        "ano ang napag-usapan nila?",
        "selamat pagi, gimana hasil pertemuannya?",
    ],
)
def test_short_messages_in_related_languages_are_not_english(answerer: Answerer, text: str) -> None:
    # Which of the related languages is named does not matter: the reply is the same language note.
    assert not answerer.languages.is_english(text)
    assert answerer.ask(text).kind == "language"


@pytest.mark.parametrize(
    "text",
    [
        *("la la la", "info on elon musk", "hw mch iz rnt", "hat trick for mamdani", "con ed rates"),
        # A reviewer's: two function words of another language, one of them of two letters.
        *("um er idk", "per se", "not per se", "de blasio era", "per la times trump said", "trump was og af"),
        "que la",  # all function words, but no name of the article's: may be a loan
        # With a name, the identifier under 0.8 (a review: Italian at 0.58, German at 0.64).
        *("trump per se", "Mamdani per se?", "white house per se", "um der trump"),
    ],
)
def test_english_with_a_foreign_word_or_two_stays_english(answerer: Answerer, text: str) -> None:
    # One function word of another language ("la") is no evidence; nor a guess under 0.8 for a short one.
    assert answerer.languages.is_english(text)


def _language_check(name: str) -> tuple[list[str], list[str]]:
    """A language check set of train/checks: its messages in other languages, and its English ones."""
    lines = [json.loads(x) for x in (ROOT / "train" / "checks" / name).read_text().splitlines()]
    foreign = [x["question"] for x in lines if x["expect"] == ["language"]]
    return foreign, [x["question"] for x in lines if x["expect"] != ["language"]]


def test_the_language_check_reads_most_other_languages_and_every_english_message(answerer: Answerer) -> None:
    # train/checks/languages.jsonl: 160 short messages in 16 other languages and 240 in English slang,
    # written by a helper for this check. Before the function words and the bar for longer messages,
    # 82 of the 160 were read as not English; now 102 (one of slack below).
    foreign, english = _language_check("languages.jsonl")
    assert len(foreign) == 160 and len(english) == 238
    read = sum(not answerer.languages.is_english(t) for t in foreign)
    assert read >= 101, read
    assert [t for t in english if not answerer.languages.is_english(t)] == []


def test_a_second_language_check_measured_once_after_the_rules_were_chosen(answerer: Answerer) -> None:
    # train/checks/languages_b.jsonl: 150 messages in 14 other languages and 497 in English (names with
    # particles, abbreviations, phrases English borrows), by another helper, measured once when the rules
    # were settled. Other languages read 85 of 150 before this round's rules, 113 now; English misread 3
    # both before and now, all three with a phrase of another language ("que sera sera i guess").
    foreign, english = _language_check("languages_b.jsonl")
    assert len(foreign) == 150 and len(english) == 497
    assert sum(not answerer.languages.is_english(t) for t in foreign) >= 112
    assert sum(not answerer.languages.is_english(t) for t in english) <= 4


@pytest.mark.parametrize(
    "text",
    [
        "apa yang dibahas?",
        "ano ang nangyari?",
        "ile lat ma mamdani",
        "vad hände?",
        "mi történt?",
        "Was hat Trump über die WHO gesagt?",  # the WHO is no question word (a review)
    ],
)
def test_a_declined_message_more_likely_another_language_gets_the_language_note(
    answerer: Answerer, text: str
) -> None:
    # Too short or too mixed for the identifier to be sure, so not read as another language up front;
    # each was declined with "The article doesn't cover this." before a decline listened to its lean.
    assert answerer.languages.is_english(text)
    a = answerer.ask(text)
    assert a.kind == "language" and "English" in a.reply and a.excerpts == ()


@pytest.mark.parametrize(
    "text",
    [
        "kathy hochul",
        "andrew cuomo?",
        "lionel messi",
        *("bill de blasio", "jean luc picard", "kathy hochul news", "tolstoy", "voila"),
        "who is kathy hochul",
        "what's the capital of france",
        "asdf",
        # Sure of Dutch at 0.95 to 0.99 ("met" is Dutch for "with"): a helper's trial.
        *("who met bob", "who met sam altman", "who met pizza", "who met code"),
    ],
)
def test_english_the_article_does_not_answer_is_still_declined(answerer: Answerer, text: str) -> None:
    # A name is no evidence of a language: "kathy hochul" leans German at 0.45; "lionel messi", whose
    # "lionel" is an English word, got the language note in a helper's trial, and the rest in a review
    # (one word: the identifier is sure "tolstoy" is Spanish).
    assert answerer.ask(text).kind == "not_covered"


def test_declined_messages_lean_to_their_language_in_both_language_checks(answerer: Answerer) -> None:
    # The language note for a declined message that leans to another language (LEANS): other languages
    # got it 102 of 160 and 113 of 150 times before, 127 and 132 now; English messages 0 of 238 and 3 of
    # 497 before, 2 and 4 now ("la la la", "martin van buren fun fact"). A message of slack.
    for name, most_foreign, least_read, most_english in (
        ("languages.jsonl", 160, 126, 3),
        ("languages_b.jsonl", 150, 131, 5),
    ):
        foreign, english = _language_check(name)
        assert len(foreign) == most_foreign
        assert sum(a.kind == "language" for a in answerer.ask_many(foreign)) >= least_read, name
        assert sum(a.kind == "language" for a in answerer.ask_many(english)) <= most_english, name


def test_every_english_text_of_the_project_is_read_as_english(answerer: Answerer) -> None:
    # Training questions, message examples, the check set and the test conversations are all English;
    # "im out" was read as German ("im": in the) and "im done" would be.
    texts = ["im out", "im done", "omg lol wtf", "lmao ngl fr", "wat hapend thn", "blah blah blah"]
    for path in [*(ROOT / "train").rglob("*.jsonl"), *(ROOT / "tests" / "data").glob("*.jsonl")]:
        if path.name in ("languages.jsonl", "languages_b.jsonl"):
            continue  # held to their own figures above
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if "language" in item.get("expect", ()):
                continue  # the message-kind checks hold messages in other languages on purpose
            texts += [item[k] for k in ("question", "text", "first", "followup", "message") if k in item]
    assert len(texts) > 1500
    misread = [t for t in texts if not answerer.languages.is_english(t)]
    assert not misread, misread


@pytest.mark.parametrize(
    "text", ["¿Cuándo se reunieron Trump y Mamdani?", "¿Cuándo se reunieron?", "¡Hola Mamdani!"]
)
def test_spanish_inverted_marks_are_not_english(answerer: Answerer, text: str) -> None:
    assert answerer.languages.language(text) == "es"


@pytest.mark.parametrize("text", ["blah blah blah", "lol gg ez", "hw mch iz rnt", "trmp n mmdni", "la la la"])
def test_english_chat_of_unknown_words_is_not_read_as_foreign(answerer: Answerer, text: str) -> None:
    assert answerer.languages.is_english(text)


def test_proper_names_are_words_always_capitalised_mid_sentence() -> None:
    names = proper_names(["Then Trump met Mamdani. The mayor met Trump too.", "Yes, Mamdani spoke."])
    assert {"trump", "mamdani"} <= names and "mayor" not in names and "then" not in names


def test_a_sentence_after_a_closing_quotation_starts_with_a_capital_like_any_other() -> None:
    # "Yet" and "Then" were taken for names: the sentence before them ends in a quotation mark.
    names = proper_names(
        ['He met Trump, who said "no." Yet here they were.', 'Trump said "go." Then he left.']
    )
    assert "trump" in names and not {"yet", "then"} & names


@pytest.mark.parametrize(
    ("text", "near"),
    [
        ("what did eric adams think about the meeting", True),
        ("did AOC say anything about trump meeting mamdani", True),
        ("how did governor hochul react", False),
    ],
)
def test_what_someone_the_article_never_names_said_is_not_covered(
    answerer: Answerer, text: str, near: bool
) -> None:
    """All three were answered from Trump's or Mamdani's words before bot.core.speakers; the nearest
    passages are still offered, marked as such, when at least half of what the question names is the
    article's (none of "governor hochul react" is)."""
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.highlight is None and bool(a.excerpts) == near


@pytest.mark.parametrize(
    "text",
    [
        *(
            "what did bloomberg say",
            "did giuliani say anything about it",
            "what did giuliani and bloomberg say",
        ),
        "What did Con Edison say in response to the meeting?",  # two trials' (a name of several words)
    ],
)
def test_what_someone_the_article_names_but_never_quotes_said_is_not_covered(
    answerer: Answerer, text: str
) -> None:
    """A trial: "what did bloomberg say" was answered, sure, from "think of Giuliani and Bloomberg on
    public safety", which quotes neither; the passages that name them are still offered."""
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.highlight is None and a.excerpts


@pytest.mark.parametrize(
    "text",
    ["what did steve bannon say", "what did zohran say about rent", "what did the white house say"],
)
def test_what_a_quoted_person_said_by_their_full_or_given_name_is_answered(
    answerer: Answerer, text: str
) -> None:
    assert answerer.ask(text).kind == "answer"


@pytest.mark.parametrize(
    "text",
    [
        "how much money will the affordability compact bring the city?",
        "at what time did trump and mamdani sit down?",
        "what year will the fresh kills homes be finished?",
        "how many homes will be built at the navy yard?",
        # Passages on the sites name two, but count none; the Background (Trump read the letter "twice")
        # now ranks first.
        pytest.param("how many sites did trump offer?", marks=RANKED_WORSE),
        "how much would the affordability compact cost taxpayers?",
        "how much do con edison customers pay per month?",  # 3.1 million customers is no sum
    ],
)
def test_a_measure_the_first_passage_lacks_is_not_covered(answerer: Answerer, text: str) -> None:
    """Each came close enough to a passage on the same subject to be answered from it, though none of
    those passages holds a sum, a time, a year or a count (bot.core.measures); the nearest passages are
    still offered, marked as such."""
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.highlight is None and a.excerpts


@pytest.mark.parametrize(
    "text",
    [
        "did they end up meeting again?",
        "did mamdani actually become mayor?",
        "was the energy co-op ever set up?",
        "have they met again since?",
        "so did congress fund the affordability compact",
        "did mamdani turn out to be a spectacular success",
        "when did the senate vote on the affordability compact",  # a trial's
    ],
)
def test_how_a_plan_turned_out_is_not_covered(answerer: Answerer, text: str) -> None:
    """The article, written just after the meeting, says only what was planned or expected; each was
    answered, sure, with the line of the plan ("Trump confirmed they'll meet again"). The nearest passages
    are still offered, marked as such (bot.core.later)."""
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.highlight is None and a.excerpts


@pytest.mark.parametrize(
    "text",
    [
        "whats the name of the democrat mamdani defeated",
        "who was the centrist democrat he beat in the primary",
        "what was the luxury development in astoria called",
        "which neighborhoods have the highest rent",  # "In some neighborhoods, it's $4,200."
        "so in which neighborhoods is rent highest?",
    ],
)
def test_a_name_the_article_never_gives_is_not_covered(answerer: Answerer, text: str) -> None:
    """The article brings both in as "a centrist Democrat" and "a luxury development"; a trial found such
    questions answered, sure, from those lines (bot.core.unnamed)."""
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.highlight is None and a.excerpts


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("what's the name of mamdani's proposal to washington?", "New York Affordability Compact"),
        ("who did mamdani defeat in the primary?", "centrist Democrat"),
        ("who is the former trump adviser?", "Bannon"),
        # "Which" asks which one, and "a …" tells (a helper's trial); only "some …" does not.
        ("which luxury development did mamdani block?", "in Astoria"),
        ("which co-op did mamdani propose?", "municipal energy co-op"),
        ("which democrat did mamdani beat?", "centrist Democrat"),
        ("which city's housing model inspired mamdani?", "Vienna"),
    ],
)
def test_a_name_the_article_gives_is_answered(answerer: Answerer, text: str, answer: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "answer" and answer in (a.highlight or "")


def test_a_part_asking_how_a_plan_turned_out_is_declined_alone_too(answerer: Answerer) -> None:
    """A trial: "did they end up meeting again and what was the astoria development called" was told
    the article answers part of it; each part alone is declined, so the whole is, as any question none
    of whose parts the article answers."""
    a = answerer.ask("did they end up meeting again and what was the astoria development called")
    assert a.kind == "not_covered" and a.part_answers == 0
    b = answerer.ask("did they end up meeting again and when did they first meet")
    assert b.kind == "not_covered" and b.part_answers == 1 and "November 21, 2025" in b.excerpts[0].text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("how much money will the affordability compact bring the city?", "measure"),
        ("did they end up meeting again?", "outcome"),
        ("what was the luxury development in astoria called", "name"),
        ("what's the median rent in boston", "place"),
    ],
)
def test_a_fact_the_passages_show_missing_is_declined_with_the_reason(
    answerer: Answerer, text: str, reason: str
) -> None:
    """Told only "The article doesn't cover this.", a person asking how the plan turned out could not tell
    whether the bot misread them; the reply says what the article lacks, then the closest passages."""
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.excerpts
    assert a.reply == NOT_COVERED_BECAUSE[reason]
    assert a.reply.startswith("The article doesn't cover this")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("will they meet again?", "meet again"),
        ("when does he actually become mayor?", "January 1, 2026"),
        ("did trump ever call mamdani a communist?", "communist"),
        ("did trump actually say he'd be happy if mamdani succeeded?", "very happy"),
        ("did trump actually read the letter?", "twice"),
        ("did he ever get elected to the city council?", "2021"),
        ("did trump ever fire back at mamdani?", "Truth Social"),
    ],
)
def test_what_the_article_says_happened_or_was_said_is_answered(
    answerer: Answerer, text: str, answer: str
) -> None:
    a = answerer.ask(text)
    assert a.kind == "answer" and answer in (a.highlight or "")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("how many residential customers does con edison serve?", "3.1 million"),
        ("what share of their income do new yorkers spend on rent?", "30%"),
        ("how much does a one-bedroom cost in nyc?", "$3,500"),
        ("how much does a one-bedroom cost in some neighborhoods?", "$4,200"),
        ("how much money does new york city generate?", "$1.744 trillion"),
        # A trial: a rule reading what a sum is of by the words beside it declined these (reverted).
        ("how much does an apartment cost in new york?", "$3,500"),
        ("how much do tenants pay?", "$3,500"),
        # The answer to "how much more" may be a share.
        ("how much more do people pay for energy since 2022?", "18%"),
        ("how much did con edison charge people extra since 2022", "18%"),
        ("what year was mamdani elected to the city council?", "2021"),
        ("how much has con edison raised rates?", "18%"),
        ("how many times did trump read the letter?", "twice"),
        # Declined: P(answerable) 0.280 against a bar of 0.285.
        pytest.param("what percent did trump's approval go up?", "7 points", marks=RANKED_WORSE),
        # No measure asked: charges and costs are nouns here, and the time is of the year.
        ("how much did con ed charges go up", "18%"),
        ("how much do energy costs hurt new yorkers", "18%"),
        ("what time of year did they meet?", "November 21, 2025"),
    ],
)
def test_a_measure_the_first_passage_holds_is_answered(answerer: Answerer, text: str, answer: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "answer" and answer in (a.highlight or "")


@pytest.mark.parametrize(
    "text",
    [
        "should I vote for mamdani?",
        "who do you support?",
        "do you like trump",
        "what do you think of mamdani",
        "what's your opinion on rent control",
        "are you a democrat",
        "who should we back in the mayoral race",
        "would you vote for mamdani?",
        "do you agree with trump?",
        "which side are you on",
        "are you on trump's side",
    ],
)
def test_the_bots_own_view_or_advice_to_the_asker_is_not_covered(answerer: Answerer, text: str) -> None:
    """A trial: "should I vote for mamdani?" and "who do you support?" were answered, sure, with a line on
    his voters and one of his quotes, which reads as the bot taking a side; no passage is offered either,
    "closest" or not."""
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.highlight is None and not a.excerpts


@pytest.mark.parametrize(
    "text",
    [
        "what did steve bannon say about mamdani",
        "what did the president say about rent",
        # A first trial of bot.core.speakers declined these: one unknown word declined the question.
        "what did mr trump say about rent",
        "what does the text say about energy costs",
        "what did trump's former advisor say",
        "how many customers does con edison have",
        "how much is rent in nyc",
        "how many times did trump read it",
        # Put to the bot, yet about the article: not its own view (bot.core.speakers.asks_for_an_opinion).
        "do you think they will meet again?",  # a prediction the article answers, asked of the bot
        "what do you know about con edison",
        "can you tell me what trump said he agrees with",
        "did trump say he would support mamdani",
        "what did mamdani say he would like to talk about",
        # A review of the opinion rule's first version found these declined:
        "would you like to tell me when they met",
        "what do you think about what trump said about rent",
        "what do you think about the part where trump said he would feel comfortable living in NYC",
        "did you back up the claim with a source",
        "do you think trump liked him?",
        "should I read the FAQ?",
    ],
)
def test_what_the_article_does_say_is_answered(answerer: Answerer, text: str) -> None:
    a = answerer.ask(text)
    assert a.kind == "answer" and a.highlight


@pytest.mark.parametrize("text", ["selamat pagi", "gracias amigo", "asdf"])
def test_a_word_or_two_the_article_has_nothing_on_gets_what_the_bot_is_for(
    answerer: Answerer, text: str
) -> None:
    # "bonjour" or "merhaba" got a bare "The article doesn't cover this." (now greetings, matched by words)
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.excerpts == ()
    assert a.reply == NOT_COVERED_SHORT.format(example=answerer.ask("help").examples[0])
    assert answerer.ask("what is photosynthesis").reply == "The article doesn't cover this."
    assert answerer.ask("2+2").reply == "The article doesn't cover this."  # a sum is no word
    assert answerer.ask("what is 17 + 25").reply == "The article doesn't cover this."  # nor, with words


@pytest.mark.parametrize("text", ["a" * 200, "asdf" * 60, "x" * 2000])
def test_a_key_held_down_is_not_chatter(answerer: Answerer, text: str) -> None:
    # 200 "a"s sat near a goodbye and were told "Bye!": no word at all is searched, and declined.
    a = answerer.ask(text)
    assert a.kind == "not_covered" and a.excerpts == ()


@pytest.mark.parametrize("text", ["y = mx + b", "f = ma", "E = mc^2"])
def test_an_equation_of_letters_is_not_read_as_another_language(answerer: Answerer, text: str) -> None:
    # A trial found "y = mx + b" given the language note: its "words" are letters standing for numbers.
    assert answerer.languages.is_english(text)
    assert answerer.ask(text).kind == "not_covered"
    assert answerer.languages.language("cuánto es 2+2") == "es"  # "es" is a word: still read as Spanish
