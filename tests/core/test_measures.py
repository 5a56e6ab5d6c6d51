"""Which measure a question asks for, and whether a passage holds one (bot.core.measures)."""

from __future__ import annotations

import pytest

from bot.core.measures import asked_measures, missing_measure


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("how much money will the compact bring in?", ("money",)),
        ("how much does a one-bedroom cost?", ("money",)),
        ("what's the price of a subway ride", ("money",)),
        ("what percentage of voters backed him?", ("share",)),
        ("at what time did they sit down?", ("time of day",)),
        ("which year was he elected?", ("year",)),
        ("how many customers does con edison serve?", ("count",)),
        ("how many dollars would the grants cover?", ("money", "count")),
        ("how much does con edison charge per kilowatt-hour?", ("money",)),
        ("how much would the co-op cost to set up?", ("money",)),
        ("how much is he paid", ("money",)),
        # A second trial: the verb taking an object or an adverb, "how much more", a question inside a
        # request, and a time of day "in" a place or part of the day.
        ("how much would the affordability compact cost taxpayers?", ("money",)),
        ("how much does the compact cost exactly?", ("money",)),
        ("how much more will the compact cost?", ("sum or share",)),
        ("how much did con edison charge people extra since 2022", ("sum or share",)),
        ("how much have energy bills cost households since 2022", ("sum or share",)),
        ("how much money did his campaign raise?", ("money",)),
        ("tell me how much the compact would cost", ("money",)),
        ("how much'll it cost", ("money",)),
        ("how much do teachers get paid?", ("money",)),
        ("what time in the morning did they meet?", ("time of day",)),
        ("what times did they meet?", ("time of day",)),
        # Someone's age (a trial's "how old is bannon" was answered with his words "in November 2025").
        ("how old is mamdani?", ("age",)),
        ("what age is steve bannon", ("age",)),
        ("whats bannon's age", ("age",)),
        ("age of bannon?", ("age",)),  # a review's
    ],
)
def test_a_question_asking_for_a_measure_is_read(question: str, kinds: tuple[str, ...]) -> None:
    assert asked_measures(question) == kinds


@pytest.mark.parametrize(
    "question",
    [
        "how much has con edison raised rates?",  # a share answers it, not a sum
        "how much is the median rent?",
        "what time zone is new york in?",
        "when did they meet?",
        "what did trump say about rent?",
        "how much attention did trump pay to mamdani?",  # paying attention costs nothing
        "how much did trump pay attention to mamdani?",
        "how much did con ed charges go up",
        "how much do energy costs hurt new yorkers?",
        "what time of year did they meet?",
        "what time in the campaign did trump call him a communist?",
        "what time of the year was it?",
        # A third trial: "what time of/in" asks when, but before a part of the day; a price that only
        # describes ("price caps") is not asked.
        "what time in the election cycle is the next meeting?",
        "at what time of his presidency did trump meet mamdani?",
        "what time in washington did they meet?",
        "what are their price caps?",
        "what is the cost benefit for trump?",
        # The age of a thing described is when it was made (a review: "how old is the letter?" of its
        # "In October" had been declined).
        "how old is the letter?",
        "how old is trump's tax reform?",
        "how old is it?",
        "how old is the mayor-elect",  # left to the passage found
    ],
)
def test_most_questions_ask_for_no_measure(question: str) -> None:
    assert asked_measures(question) == ()


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("how much does it cost?", "The median one-bedroom rent? $3,500 a month."),
        ("how much more do people pay for energy?", "Con Edison has raised rates 18% since 2022."),
        ("how much federal money does the city get?", "It controls billions in housing funding."),
        ("what percent did his approval rise?", "His poll numbers improved 7 points after the meeting."),
        ("what share of new yorkers are rent-burdened?", "Nearly half of them spend more than 30% on rent."),
        ("what time did it start?", "They met on a Friday afternoon."),
        ("what year was he elected?", "Elected to the City Council in 2021, he rose fast."),
        ("how many times did trump read it?", "Trump reportedly read it twice."),
        ("how many days later was it scheduled?", "A week later, the meeting was scheduled."),
        ("how old is mamdani?", "Mamdani, 33, set to become New York City’s 110th mayor"),
        ("how old is he?", "He is a 33-year-old democratic socialist."),
        ("what age is he?", "He was elected aged 29."),
        ("how old is he?", "Mamdani, 33, set to become New York City’s 110th mayor"),
        ("whats mamdani's age", "Mamdani, 33, set to become New York City’s 110th mayor"),
        # Someone described, not named: whose age cannot be told (a review).
        ("how old is new york city's next mayor?", "Mamdani, 33, set to become New York City’s 110th mayor"),
    ],
)
def test_a_passage_holding_the_measure_keeps_the_question(question: str, passage: str) -> None:
    assert missing_measure(question, passage) is None


@pytest.mark.parametrize(
    ("question", "passage", "kind"),
    [
        ("how much money is in the compact?", "Mamdani's team is drafting a compact for Congress.", "money"),
        ("what percent of the vote did he win?", "Mamdani's rise was meteoric.", "share"),
        (
            "what time of day did they meet?",
            "They met in the Oval Office on November 21, 2025.",
            "time of day",
        ),
        ("what year will the homes be done?", "Trump offered land at Fresh Kills.", "year"),
        ("how much does the co-op cost?", "Con Edison serves 3.1 million residential customers.", "money"),
        (
            "how many homes will be built there?",
            "Trump offered federal land at Fresh Kills for housing.",
            "count",
        ),
        # A year, or a figure of something else, is no age.
        ("how old is bannon?", 'Steve Bannon told POLITICO Magazine in November 2025: "Republicans…"', "age"),
        ("how old was he when elected?", "Elected to the City Council in 2021, he rose fast.", "age"),
        (
            "how old is he?",
            "Its 8.336 million residents, nearly half of whom spend 30% on rent.",
            "age",
        ),
        # An age given to someone else (a review: "mamdani is 33. how old is trump?" bolded it).
        ("how old is trump?", "Mamdani, 33, set to become New York City’s 110th mayor", "age"),
        ("how old is new york?", "Mamdani, 33, set to become New York City’s 110th mayor", "age"),
        ("whats trump's age", "Mamdani, 33, set to become New York City’s 110th mayor", "age"),
    ],
)
def test_a_passage_without_the_measure_lacks_the_fact(question: str, passage: str, kind: str) -> None:
    assert missing_measure(question, passage) == kind


def test_an_age_in_a_passage_shown_after_the_first_counts() -> None:
    # A review: "how old is mamdani the socialist?" is first answered by the passage on his politics.
    first = "Mamdani, who identifies as a democratic socialist, didn’t flinch."
    shown = ["Mamdani, 33, set to become New York City’s 110th mayor"]
    assert missing_measure("how old is mamdani the socialist?", first) == "age"
    assert missing_measure("how old is mamdani the socialist?", first, lambda: shown) is None
    assert missing_measure("how old is bannon?", first, lambda: shown) == "age"  # someone else's
