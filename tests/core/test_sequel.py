"""Asking what came next ("what happened next?", "and then?"): read by its words, answered with the
article's line after the one shown in bold before. Committed index and the ONNX encoder, as the CLI
loads them."""

from __future__ import annotations

import pytest

from bot.core.answer import MAX_K, Answerer, history_read
from bot.core.kinds import Kind
from bot.core.replies import SEQUEL_END
from bot.core.sequel import asks_what_came_next

LETTER = "tell me about the letter"


@pytest.mark.parametrize(
    "text",
    ["what happened next", "what happened next?", "and then?", "and then", "then what?", "what then",
     "what happened after", "what happened after that", "what did he say next", "after that?",
     "what did they do after that", "and after that?", "what came next", "what happened later", "then?",
     "so what happened next", "afterwards?", "tell me what happened next", "ok what happened then",
     "What Happened Next?!", "what was next?", "what was after that?", "so what was next?"],
)  # fmt: skip
def test_asking_what_came_next_is_read(text: str) -> None:
    assert asks_what_came_next(text)


@pytest.mark.parametrize(
    "text",
    # The story's future, a question of its own, chat, and paging ("next" is a request for more).
    ["what's next?", "whats next", "what comes next", "what happens next", "what will happen after?",
     "what next", "next", "ok then", "see you later", "later", "after all", "what happened",
     "what happened after the meeting?", "what did trump say next", "and then 2", "", "?",
     # Whether something was so (a review found these stepping on a line).
     "was that it then?", "did he say that then?", "were they right then?", "was it after?",
     "what was it then?", "did that happen after?", "was this said after?", "so did that happen after?",
     "ok did he say that then?", "oh did that happen next?", "he said that after?", "they did that after?"],
)  # fmt: skip
def test_other_messages_are_not_asking_what_came_next(text: str) -> None:
    assert not asks_what_came_next(text)


def test_what_happened_next_bolds_the_line_after_the_one_shown(answerer: Answerer) -> None:
    # A trial: the letter's line came back in bold for "what happened after".
    before = answerer.ask(LETTER)
    assert before.highlight and before.highlight.startswith("In October, Mamdani’s office sent")
    after = answerer.ask("what happened after", history=[LETTER])
    assert after.kind == Kind.ANSWER and after.highlight == "Trump reportedly read it twice."
    first = after.excerpts[0]
    assert first.text[first.highlight[0] : first.highlight[1]] == after.highlight
    # Each "and then?" goes one line on, with chatter between skipped.
    then = answerer.ask("and then?", history=[LETTER, "what happened after", "wow"])
    assert then.highlight == "A week later, the meeting was scheduled."


def test_the_end_of_a_section_says_so(answerer: Answerer) -> None:
    told = answerer.ask("and then?", history=[LETTER, "what happened after", "and then?"])
    assert told.kind == Kind.NOT_COVERED and told.reply == SEQUEL_END and not told.excerpts
    # ... and says so again when asked again (a helper's trial: it was searched as typed, and declined as a
    # question the article does not cover).
    again = answerer.ask("and then?", history=[LETTER, "what happened after", "and then?", "and then?"])
    assert again.reply == SEQUEL_END and not again.excerpts


def test_what_he_said_next_goes_on_with_his_words(answerer: Answerer) -> None:
    # A trial: "what did he say next" gave "The press has eaten this thing up" again.
    asked = "what did trump say about the press"
    assert answerer.ask(asked).highlight == '"The press has eaten this thing up," Trump told reporters.'
    told = answerer.ask("what did he say next", history=[asked])
    assert told.highlight and told.highlight.startswith('"For some reason the press has found this')


def test_with_nothing_answered_before_it_is_searched_as_typed(answerer: Answerer) -> None:
    assert (
        answerer.ask("what happened next?").highlight
        == answerer.ask("what happened next?", history=["hi"]).highlight
    )
    # After a question the article doesn't answer, there is no line to go on from.
    declined = answerer.ask("who won the 2022 world cup?")
    assert declined.kind == Kind.NOT_COVERED
    assert answerer.ask("and then?", history=["who won the 2022 world cup?"]).reply != SEQUEL_END


def test_more_after_it_pages_on_and_a_long_run_stays_bounded(answerer: Answerer) -> None:
    more = answerer.ask("more please", history=["what did trump say about the press", "what did he say next"])
    assert more.continues == "what did he say next"
    # A run of requests longer than any kept history neither recurses without end nor fails.
    told = answerer.ask("and then?", history=[LETTER, *["and then?"] * 200], k=MAX_K)
    assert told.kind in (Kind.ANSWER, Kind.NOT_COVERED)


def test_each_earlier_message_is_answered_once(answerer: Answerer, monkeypatch) -> None:
    # A review: a run of requests that read as chatter answered the same messages again at every level,
    # 17 messages in three minutes (119,888 answers).
    calls = 0
    answer = Answerer.answer

    def counted(self: Answerer, *args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return answer(self, *args, **kwargs)

    monkeypatch.setattr(Answerer, "answer", counted)
    answerer.ask("okay then what", history=["hi", *["okay then what"] * 16])
    assert calls <= 2 * 17


def test_a_long_run_is_stored_with_the_question_it_started_from(answerer: Answerer) -> None:
    # A review: past six, the stored history lost the question, and a restart went on from another one.
    history = [LETTER, "what happened after", *["what happened next?"] * 6]
    stored = history_read("and then?", history)
    assert stored[0] == LETTER
    assert answerer.ask("and then?", history=stored).reply == answerer.ask("and then?", history=history).reply


def test_more_please_between_is_skipped(answerer: Answerer) -> None:
    # A review: after "more please", "and then?" bolded the letter again (its excerpts have no bold line).
    told = answerer.ask("and then?", history=[LETTER, "more please"])
    assert told.highlight == "Trump reportedly read it twice."
    told = answerer.ask("and then?", history=[LETTER, "what happened after", "more please"])
    assert told.highlight == "A week later, the meeting was scheduled."


def test_more_please_after_a_long_run_is_stored_with_the_question_too(answerer: Answerer) -> None:
    # A second review: "more please" after seven "and then?" was stored without the question.
    history = ["how was the meeting arranged?", *["and then?"] * 7]
    stored = history_read("more please", history)
    assert stored[0] == "how was the meeting arranged?"
    whole, restored = [*history, "more please"], [*stored, "more please"]
    assert (
        answerer.ask("and then?", history=restored).highlight
        == answerer.ask("and then?", history=whole).highlight
    )


def test_requests_for_more_between_do_not_use_up_the_look_back(answerer: Answerer) -> None:
    told = answerer.ask("and then?", history=[LETTER, *["more please"] * 6], k=1)
    assert told.highlight == "Trump reportedly read it twice."
