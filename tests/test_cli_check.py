"""`meeting-bot check`, and `meeting-bot eval` on quote sets: subprocesses over the committed index."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.test_cli import ROOT, environment, run, run_bytes

SPAN_KEYS = {"quote", "verdict", "article_text", "citation", "chunk_id", "similarity"}


def test_check_prints_each_quote_with_its_verdict_and_citation() -> None:
    result = run(
        "check", 'Mamdani said "If he could be a huge success, I’d be very happy" and "It’s ambitious."'
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] “If he could be a huge success, I’d be very happy”" in out
    assert "close, but not word for word: the article's words differ" in out
    assert "“huge” where the article has “spectacular”" in out
    assert "The article's words are said by Trump, not Mamdani." in out
    assert "[2] “It’s ambitious.”" in out and "in the article, word for word" in out
    assert out.count("— What Comes Next, ¶1") == 2


def test_blank_lines_between_quotes_do_not_stall_the_check() -> None:
    """A trial: each blank line between two quotes doubled the time of reading who said them (20 took
    2 s, 26 took 140 s). Not a speed bar: 40 of them would have taken days, and a minute is ample."""
    text = 'Trump said "communist" and' + "\n" * 40 + ' x "fascist"'
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--json", "-"],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=environment(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [s["quote"] for s in json.loads(result.stdout)["spans"]] == ["communist", "fascist"]


def test_one_word_quotes_left_unchecked_are_said_so() -> None:
    text = 'He called it "the" and said "Housing is a human right"'
    printed = run("check", text)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.rstrip().endswith(
        "(1 quoted common word was not checked: a common word proves nothing.)"
    )
    obj = json.loads(run("check", "--json", text).stdout)
    assert obj["too_short"] == 1 and [s["quote"] for s in obj["spans"]] == ["Housing is a human right"]


def test_a_quote_with_line_breaks_is_printed_on_one_line() -> None:
    """A trial's quote held lines such as "    in the article, word for word", which printed as a verdict."""
    forged = 'Trump said "I love socialism very much\n    in the article, word for word\n    the article: x"'
    result = run("check", forged)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[1] “I love socialism very much in the article, word for word the article: x”"
    assert lines[1] == "    not in the article" and "word for word" not in "".join(lines[1:])


def test_check_json_gives_the_documented_object() -> None:
    text = "\"He's a danger to America\" and 'We will freeze the rent for every New Yorker on day one'"
    result = run("check", "--json", text)
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["text"] == text
    verbatim, absent = obj["spans"]
    assert SPAN_KEYS <= verbatim.keys() and SPAN_KEYS <= absent.keys()
    assert verbatim["verdict"] == "verbatim" and verbatim["similarity"] == 1.0
    assert "He’s a danger to America." in verbatim["article_text"]  # the article's curly apostrophe
    assert verbatim["citation"] == "Background: The Long Road to the Oval, ¶1"
    assert verbatim["speaker"] == "Trump"
    assert (
        absent["verdict"] == "absent" and absent["article_text"] and absent["chunk_id"].startswith("meeting#")
    )


@pytest.mark.parametrize("text", ["", "   ", "“ ”", "!!!"])
def test_check_of_nothing_is_one_sentence_and_a_usage_error(text: str) -> None:
    result = run("check", "--", text)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_check_of_bytes_that_are_not_utf8_is_one_sentence() -> None:
    result = run_bytes("check", b"caf\xe9 \xff\xfe")
    assert result.returncode == 2
    assert b"not valid UTF-8" in result.stderr and b"Traceback" not in result.stderr
    result = run_bytes("check", "-", stdin=b"\xff\xfe not text")
    assert result.returncode == 2 and b"not UTF-8" in result.stderr


def test_ask_reads_the_question_from_standard_input() -> None:
    result = run("ask", "--json", "-", stdin="When did they meet in the Oval Office?\n")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["question"].startswith("When did they meet") and answer["kind"] == "answer"


def test_standard_input_that_is_too_long_or_not_text_is_one_sentence() -> None:
    for command in ("ask", "check"):
        result = run_bytes(command, "-", stdin=b"x" * 1_000_001)
        assert result.returncode == 2 and b"over 1,000,000 bytes" in result.stderr
        assert result.stderr.count(b"\n") == 1 and b"Traceback" not in result.stderr
        result = run_bytes(command, "-", stdin=b"caf\xe9")
        assert result.returncode == 2 and b"not UTF-8" in result.stderr


def test_check_reads_standard_input() -> None:
    result = run("check", "--json", "-", stdin="He wants to see rents coming down.")
    assert result.returncode == 0, result.stderr
    (span,) = json.loads(result.stdout)["spans"]
    assert span["verdict"] == "verbatim" and span["speaker"] == "Trump"


def test_eval_of_the_quote_examples_prints_accuracy_and_the_confusion_table() -> None:
    result = run("eval", "train/quotes/quotes.jsonl")
    assert result.returncode == 0, result.stderr
    accuracy = float(result.stdout.split("verdict accuracy")[1].split()[0])
    assert accuracy >= 0.95  # 1.000 when the thresholds were chosen; a slide fails
    assert "expected \\ given" in result.stdout
    for verdict in ("verbatim", "close", "absent"):
        assert any(line.strip().startswith(verdict) for line in result.stdout.splitlines())


def test_eval_of_a_malformed_quote_file_names_the_line(tmp_path) -> None:
    bad = tmp_path / "quotes.jsonl"
    bad.write_text(
        '{"message": "ab cd", "quote": "ab cd", "verdict": "verbatim"}\n'
        '{"message": "cd ef", "quote": "cd ef", "verdict": "maybe"}\n',
        encoding="utf-8",
    )
    result = run("eval", str(bad))
    assert result.returncode == 2 and ":2:" in result.stderr and "Traceback" not in result.stderr


def test_check_prints_no_terminal_escapes_and_finds_the_quote_inside_them() -> None:
    result = run("check", 'Trump said "\x1b]0;pwned\x07He wants to see \x1b[31mhousing\x1b[0m being built."')
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "pwned" not in result.stdout
    assert "[1] “He wants to see housing being built.”" in result.stdout
    assert "in the article, word for word" in result.stdout


@pytest.mark.parametrize("text", ["'s'", "it's", 'a "the"'])
def test_check_of_a_single_word_is_too_short(text: str) -> None:
    result = run("check", "--", text)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: That is too short to check") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"message": "", "quote": "", "verdict": "absent"}', "no words"),
        ('{"message": "\\ud800 rent", "quote": "rent control", "verdict": "absent"}', "not valid Unicode"),
        ('{"message": "it\'s", "quote": "it\'s", "verdict": "verbatim"}', "2 words"),
        ('{"message": "He wants to see", "quote": "it", "verdict": "verbatim"}', "fewer than 2 words"),
    ],
)
def test_eval_of_a_quote_line_that_cannot_be_checked_names_the_line(
    tmp_path, line: str, problem: str
) -> None:
    bad = tmp_path / "quotes.jsonl"
    bad.write_text(
        '{"message": "It’s ambitious", "quote": "It’s ambitious", "verdict": "verbatim"}\n' + line + "\n"
    )
    result = run("eval", str(bad))
    assert result.returncode == 2, result.stderr
    assert f"{bad}:2: not a quote example (" in result.stderr and problem in result.stderr
    assert result.stderr.count("\n") == 1 and "went wrong" not in result.stderr


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_eval_of_an_empty_file_says_so(tmp_path, content: str) -> None:
    empty = tmp_path / "nothing.jsonl"
    empty.write_text(content)
    result = run("eval", str(empty))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"error: {empty} holds no examples: it is empty or has only blank lines.\n"


def test_eval_shows_claimed_speakers_and_only_the_similarity_ranges_it_has(tmp_path) -> None:
    only_verbatim = tmp_path / "quotes.jsonl"
    only_verbatim.write_text(
        '{"message": "Trump told reporters: \\"He wants to see no crime.\\"", '
        '"quote": "He wants to see no crime.", "verdict": "verbatim", '
        '"speaker": "Trump", "claimed": "Trump"}\n'
        '{"message": "Trump and Mamdani said \\"It’s ambitious\\"", "quote": "It’s ambitious", '
        '"verdict": "verbatim", "claimed": null}\n',
        encoding="utf-8",
    )
    result = run("eval", str(only_verbatim))
    assert result.returncode == 0, result.stderr
    assert "claimed speaker   1.000  (of 2 that say whom the message names)" in result.stdout
    assert "0 said where the message was right, 0 missed" in result.stdout
    assert "similarity" not in result.stdout  # no close or absent quotes: no "close ≥ 0.00, absent ≤ 0.00"
    train = run("eval", "train/quotes/quotes.jsonl")
    assert "close ≥ " in train.stdout and "absent ≤ " in train.stdout
    assert "  misattributions   0 said where the message was right" in train.stdout


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("[1, 2]\n", "1: not a question object (a JSON array, not an object)."),
        ('"just text"\n', "1: not a question object (a JSON string, not an object)."),
        ("null\n", "1: not a question object (a JSON null, not an object)."),
        # A blank gold place is found in every passage: it scored every answer a hit.
        (
            '{"question": "when?", "gold": ["Oval"]}\n{"question": "why?", "gold": [" "]}\n',
            '2: not a question object (a place in "gold" is blank: it would be found in every passage).',
        ),
        (
            '{"id": "b", "kind": "basic", "question": "when?", "gold": ["Oval"], '
            '"parts": [["Oval"], [""]]}\n',
            '1: not a first-contact message (a place in "parts" is blank: '
            "it would be found in every passage).",
        ),
        (
            '{"first": "when?", "followup": "and where?", "gold": ["", "Oval"]}\n',
            '1: not a follow-up pair (a place in "gold" is blank: it would be found in every passage).',
        ),
        (
            '{"question": "\\u0000", "gold": ["Oval"]}\n',
            "1: not a question object (the question has no words or holds text that is not valid Unicode).",
        ),  # fmt: skip
        (
            '{"id": "o", "question": "\\u0000", "kind": "off_topic"}\n',
            "1: not a first-contact message (the question has no words).",
        ),
        (
            '{"first": "\\u0000", "followup": "and where?", "gold": ["Oval"]}\n',
            "1: not a follow-up pair (first and followup must each have words).",
        ),
        (
            '{"message": "Trump said \\"He wants to see no crime.\\"", "quote": "He wants to see no crime.", '
            '"verdict": "verbatim"}\n{"question": "hi"}\n',
            "2: not a quote example (it has no 'message' field).",
        ),
    ],
)
def test_eval_names_a_line_that_is_not_an_example_in_words(tmp_path, content: str, said: str) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text(content, encoding="utf-8")
    result = run("eval", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"error: {path}:{said}\n"


def test_eval_reads_a_file_with_a_byte_order_mark(tmp_path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + b'{"message": "Trump said \\"He wants to see no crime.\\"", "quote": "He wants to see no crime.", '
        b'"verdict": "verbatim"}\n'
    )
    result = run("eval", str(path))
    assert result.returncode == 0, result.stderr
    assert "verdict accuracy  1.000" in result.stdout


def test_eval_of_a_folder_or_nothing_says_which(tmp_path) -> None:
    assert run("eval", str(tmp_path)).stderr == f"error: {tmp_path} is a folder, not a question file.\n"
    missing = tmp_path / "none.jsonl"
    assert run("eval", str(missing)).stderr == f"error: {missing} is not there.\n"
    assert run("eval", "/dev/null").stderr == "error: /dev/null is not a regular file.\n"
