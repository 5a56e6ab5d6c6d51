"""`meeting-bot check`, and `meeting-bot eval` on quote sets: subprocesses over the committed index."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import run, run_bytes

SPAN_KEYS = {"quote", "verdict", "article_text", "citation", "chunk_id", "similarity"}


def test_check_prints_each_quote_with_its_verdict_and_citation() -> None:
    result = run(
        "check", 'Mamdani said "If he could be a huge success, I’d be very happy" and "It’s ambitious."'
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] “If he could be a huge success, I’d be very happy”" in out
    assert "close: the article says something nearly the same" in out
    assert "“huge” where the article has “spectacular”" in out
    assert "The article has Trump saying this, not Mamdani." in out
    assert "[2] “It’s ambitious.”" in out and "in the article, word for word" in out
    assert out.count("— What Comes Next, ¶1") == 2


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
        '{"message": "a", "quote": "a", "verdict": "verbatim"}\n'
        '{"message": "b", "quote": "b", "verdict": "maybe"}\n',
        encoding="utf-8",
    )
    result = run("eval", str(bad))
    assert result.returncode == 2 and ":2:" in result.stderr and "Traceback" not in result.stderr
