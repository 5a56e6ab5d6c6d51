"""Tests of the `meeting-bot` command line, run as a subprocess against the committed index."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import BATCH_GROUP, BINARY_INPUT, BINARY_REST, build_parser, parse
from bot.core.answer import MAX_QUESTION_CHARS
from bot.core.kinds import Kind
from bot.core.replies import UNSURE
from bot.launch import _in_import

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ("INDEX_DIR", "CORPUS_DIR", "TRAIN_DIR", "ENCODER_DIR", "ENCODER_THREADS", "LOG_LEVEL")
ANSWER_KEYS = {"question", "kind", "answered", "reply", "highlight", "excerpts", "truncated", "sure", "named"}
EXCERPT_KEYS = {"rank", "text", "citation", "section", "paragraph", "score", "chunk_id"}


def environment(**settings: str) -> dict[str, str]:
    """This process's environment with only the given bot settings (and UTF-8 standard streams)."""
    environ = {k: v for k, v in os.environ.items() if k.upper() not in SETTINGS}
    environ.update(settings, PYTHONIOENCODING="utf-8")
    return environ


def run(*args: str, stdin: str | None = None, **settings: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` from the checkout and wait for it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=environment(**settings),
        timeout=120,
    )


def run_bytes(
    *args: str | bytes, stdin: bytes = b"", io_encoding: str = "utf-8"
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m bot ARGS` with raw bytes in and out; `io_encoding` is PYTHONIOENCODING."""
    env = environment()
    env["PYTHONIOENCODING"] = io_encoding
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=120
    )


def ask_json(question: str, *extra: str) -> dict:
    """`ask --json QUESTION`, checked to have succeeded, as a parsed object."""
    result = run("ask", "--json", *extra, "--", question)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    (line,) = result.stdout.splitlines()
    return json.loads(line)


def assert_one_sentence_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The command failed with `code` and said why in one line on stderr, without a traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and line.endswith("."), line
    return line


def check_answer_object(obj: dict) -> None:
    """An `--json` answer object has the documented keys and types."""
    assert ANSWER_KEYS <= set(obj)
    assert isinstance(obj["question"], str) and isinstance(obj["answered"], bool)
    assert obj["highlight"] is None or isinstance(obj["highlight"], str)
    assert obj["kind"] in list(Kind)
    assert isinstance(obj["sure"], bool) and (obj["answered"] or not obj["sure"])
    if obj["kind"] in ("answer", "overview"):
        assert obj["excerpts"]
    else:
        assert isinstance(obj["reply"], str) and obj["reply"]
    for rank, e in enumerate(obj["excerpts"], 1):
        assert set(e) == EXCERPT_KEYS
        assert e["rank"] == rank
        assert isinstance(e["text"], str) and e["text"]
        assert isinstance(e["paragraph"], int) and isinstance(e["score"], float)
        assert "¶" in e["citation"] and e["section"] in e["citation"]
        assert re.fullmatch(r"meeting#[0-9a-f]{10}", e["chunk_id"])


# ---------------------------------------------------------------- ask


def test_ask_says_when_it_is_not_sure_of_an_answer() -> None:
    # A new-user trial: "who won the 2026 midterms" was answered with "Everything. With control of the
    # House and Senate on the line…", looking as sure as any answer; the JSON said "sure": false. (It is
    # declined since the abstainer reads the answer-line cosine; another question the article does not
    # answer, but that is answered all the same, stands in for it.)
    question = "when does the next world cup start"
    unsure = ask_json(question)
    assert unsure["kind"] == "answer" and unsure["sure"] is False
    result = run("ask", question)
    lines = result.stdout.splitlines()
    assert lines[0] == UNSURE and lines[1].startswith("» ")
    sure = run("ask", "When was the meeting?").stdout.splitlines()
    assert sure[0].startswith("» ")


def test_ask_prints_the_highlight_and_up_to_three_cited_excerpts() -> None:
    result = run("ask", "When was the meeting?")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("» ") and len(lines[0]) > 10
    ranks = [line.split("]")[0] + "]" for line in lines if re.match(r"\[\d+\] ", line)]
    assert 1 <= len(ranks) <= 3 and ranks == [f"[{i}]" for i in range(1, len(ranks) + 1)]
    citations = [line for line in lines if line.startswith("    — ")]
    assert len(citations) == len(ranks) and all("¶" in c for c in citations)
    first = next(line for line in lines if line.startswith("[1] "))
    assert lines[0][2:] in first  # the highlighted sentence is quoted from excerpt 1
    assert "\033[" not in result.stdout  # no terminal bold when piped


def test_ask_reads_a_question_typed_without_quotes_as_one() -> None:
    """A trial: `ask how old is mamdani` was "unrecognized arguments: old is mamdani"."""
    unquoted = run("ask", "--json", "how", "old", "is", "mamdani", "-k", "1")
    assert unquoted.returncode == 0, unquoted.stderr
    quoted = run("ask", "--json", "how old is mamdani", "-k", "1")
    assert json.loads(unquoted.stdout) == json.loads(quoted.stdout)
    assert json.loads(unquoted.stdout)["question"] == "how old is mamdani"
    both = run("ask", "how", "old", "--batch", "-", stdin="")
    assert both.returncode == 2 and both.stderr.strip() == (
        "error: Give either a question or --batch FILE, not both."
    )


def test_ask_reads_options_among_the_words_of_a_question() -> None:
    """A trial: `ask how old -k 1 is mamdani` was "unrecognized arguments: is mamdani"."""
    between = run("ask", "how", "old", "-k", "1", "is", "--json", "mamdani")
    assert between.returncode == 0, between.stderr
    assert json.loads(between.stdout)["question"] == "how old is mamdani"
    assert len(json.loads(between.stdout)["excerpts"]) == 1
    typo = run("ask", "how", "old", "--jsn", "is", "mamdani")
    assert typo.returncode == 2 and "unrecognized arguments: --jsn is mamdani" in typo.stderr
    other = run("eval", "eval/dev.jsonl", "more")
    assert other.returncode == 2 and "unrecognized arguments: more" in other.stderr


def test_an_error_quotes_a_long_word_briefly() -> None:
    """A trial: `ask` with a word of 1,900 dashes echoed all of them in its error."""
    dashes = run("ask", "-" * 1900, "1")
    assert dashes.returncode == 2 and "unrecognized arguments: " + "-" * 39 + "…" in dashes.stderr
    many = run("eval", "eval/dev.jsonl", *["more"] * 300)
    # Tabs part words as spaces do (the sentence had been cut to nothing), and escapes are not echoed.
    tabs = run("chat", "--nope=" + "\t".join(["word"] * 100))
    assert "--nope=word word" in tabs.stderr
    escape = run("chat", "--nope=\x1b[31mRED\x07")
    assert "\x1b" not in escape.stderr and "\x07" not in escape.stderr and "RED" in escape.stderr
    for out in (dashes, many, tabs, escape):
        assert len(out.stderr) < 300 and out.stderr.count("\n") == 1 and "--help" in out.stderr, out.stderr


@pytest.mark.parametrize(
    ("argv", "question"),
    [
        (["ask", "how", "old", "-k", "2", "--", "is", "mamdani"], ["how", "old", "is", "mamdani"]),
        (["ask", "how", "much", "-k", "2", "is", "-5", "percent"], ["how", "much", "is", "-5", "percent"]),
        (["ask", "what", "-k", "2", "--", "--json", "means"], ["what", "--json", "means"]),
        (["ask", "rent", "-k", "2", "fell", "-5k", "or", "-1e5"], ["rent", "fell", "-5k", "or", "-1e5"]),
    ],
)
def test_the_words_of_a_question_after_an_option_may_follow_a_double_dash_or_be_negative_numbers(
    argv: list[str], question: list[str]
) -> None:
    """A trial: `ask how old -k 2 -- is mamdani` and `… is -5 percent` were refused as unknown options."""
    args = parse(build_parser(), argv)
    assert args.question == question and args.k == 2


def test_check_reads_a_text_typed_without_quotes_as_one() -> None:
    """`check I would feel comfortable` was "unrecognized arguments: would feel comfortable"."""
    unquoted = run("check", "--json", "I", "would", "feel", "comfortable", "living")
    assert unquoted.returncode == 0, unquoted.stderr
    quoted = run("check", "--json", "I would feel comfortable living")
    assert json.loads(unquoted.stdout) == json.loads(quoted.stdout)
    (span,) = json.loads(unquoted.stdout)["spans"]
    assert span["quote"] == "I would feel comfortable living" and span["verdict"] == "verbatim"
    after = parse(build_parser(), ["check", "Trump", "said", "--json", '"I', 'would"'])
    assert after.text == ["Trump", "said", '"I', 'would"'] and after.json


@pytest.mark.parametrize(
    ("argv", "help_of"),
    [
        (["ask", "--bogus", "hi"], "meeting-bot ask --help"),
        (["ask", "-k", "x", "hi"], "meeting-bot ask --help"),
        (["bench", "--runs"], "meeting-bot bench --help"),
        (["frob"], "meeting-bot --help"),
        (["--json", "check", "x"], "meeting-bot check --help"),  # an option of check before it
        ([], "meeting-bot --help"),
    ],
)
def test_a_mistyped_command_line_gets_one_sentence_naming_the_help_to_read(
    argv: list[str], help_of: str
) -> None:
    """argparse printed the top command's usage line before its error, even for a sub-command's mistake."""
    result = run(*argv)
    assert result.returncode == 2 and (result.stdout == "") == ("--json" not in argv)
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and line.endswith(f"; see `{help_of}`.")
    if argv[:1] == ["--json"]:
        assert "--json is an option of check: put it after the command" in line
    assert "usage:" not in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "--json", "-k", "abc", "hi"],
        ["check", "--json", "--bogus", "hi"],
        ["report", "--json", "--bogus"],
        ["check", "--json=1", "x"],  # a trial: written with "=", it wrote no object
        ["--json", "check", "x"],
    ],
)
def test_a_mistyped_command_line_with_json_writes_its_error_object_too(argv: list[str]) -> None:
    """A trial: `ask --json -k abc hi` wrote its error to stderr only, though `ask --json -k 0 hi` wrote
    the {"error": …} object a program reading the JSON looks for."""
    result = run(*argv)
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"error": result.stderr.strip().removeprefix("error: ")}
    after = run("ask", "--bogus", "--", "--json")  # a word of the question, no option
    assert after.returncode == 2 and after.stdout == ""


def test_a_lone_double_dash_after_another_command_is_harmless() -> None:
    """A second trial: `chat --` and `index --` were refused as "unrecognized arguments: --"."""
    assert parse(build_parser(), ["chat", "--"]).command == "chat"
    assert parse(build_parser(), ["index", "--"]).command == "index"


def test_an_error_with_json_is_a_json_object_on_stdout_too() -> None:
    """A trial: `ask --json` on an empty question printed nothing where a program reads its JSON."""
    result = run("ask", "--json", "")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"error": result.stderr.strip().removeprefix("error: ")}
    plain = run("ask", "")
    assert plain.returncode == 2 and plain.stdout == "" and plain.stderr.startswith("error: ")


def test_ask_json_gives_the_documented_object() -> None:
    obj = ask_json("What is Mamdani's slogan?")
    check_answer_object(obj)
    assert obj["question"] == "What is Mamdani's slogan?"
    assert obj["answered"] is True and obj["truncated"] is False
    assert 1 <= len(obj["excerpts"]) <= 3
    assert obj["highlight"] in obj["excerpts"][0]["text"]
    assert "Housing is a human right" in obj["excerpts"][0]["text"]


def test_k_bounds_the_excerpts_and_only_those_that_support_the_answer_are_shown() -> None:
    one = ask_json("What did they say about energy costs?", "-k", "1")
    five = ask_json("What did they say about energy costs?", "-k", "5")
    check_answer_object(five)
    assert [e["rank"] for e in one["excerpts"]] == [1]
    ranks = [e["rank"] for e in five["excerpts"]]
    assert ranks == list(range(1, len(ranks) + 1)) and 1 <= len(ranks) <= 5
    assert len({e["chunk_id"] for e in five["excerpts"]}) == len(ranks)
    gap = json.loads((ROOT / "index" / "retrieval.json").read_text(encoding="utf-8"))["support_gap"]
    scores = [e["score"] for e in five["excerpts"]]
    assert all(scores[0] - s <= gap + 1e-3 for s in scores)  # those shown stay near the first


@pytest.mark.parametrize("k", ["0", "11"])
def test_ask_k_out_of_range_is_a_usage_error(k: str) -> None:
    assert "-k" in assert_one_sentence_error(run("ask", "-k", k, "When was the meeting?"), 2)


def test_ask_batch_answers_good_lines_and_reports_bad_ones_in_order() -> None:
    lines = [
        json.dumps({"question": "Who is Steve Bannon?"}),
        "{this is not json",
        json.dumps({"text": "no question key"}),
    ]
    result = run("ask", "--batch", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3
    check_answer_object(out[0])
    assert out[0]["question"] == "Who is Steve Bannon?"
    assert out[1]["line"] == 2 and "JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "question" in out[2]["error"]


def test_a_batch_line_may_set_its_own_number_of_excerpts() -> None:
    """A trial: a line's "k" was ignored without a word, so every answer had the command's -k."""
    question = "What did they say about energy costs?"
    lines = [{"question": question, "k": 1}, {"question": question}, {"question": question, "k": None}]
    lines += [{"question": question, "k": 1.0}]  # a whole number as some JSON writers put it
    lines += [{"question": question, "k": bad} for bad in (0, 11, "2", 2.5, True)]
    result = run("ask", "--batch", "-", "-k", "5", stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out[0]["excerpts"]) == 1 and len(out[1]["excerpts"]) > 1 and out[2] == out[1]
    assert out[3] == out[0]
    assert [o["line"] for o in out[4:]] == [5, 6, 7, 8, 9]
    assert all(o["error"] == 'The "k" must be a whole number from 1 to 10.' for o in out[4:])


def test_ask_batch_reports_a_control_character_question_as_a_line_error() -> None:
    lines = [json.dumps({"question": "When was the meeting?"}), json.dumps({"question": "\u0000"})]
    result = run("ask", "--batch", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 2 and out[1]["line"] == 2 and "error" in out[1]


def test_ask_batch_answers_the_other_lines_when_one_question_holds_a_lone_surrogate() -> None:
    stdin = '{"question": "ok?"}\n{"question": "a\\udcff"}\n{"question": "When was the meeting?"}\n'
    result = run("ask", "--batch", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    first, bad, last = [json.loads(line) for line in result.stdout.splitlines()]
    check_answer_object(first)
    check_answer_object(last)
    assert bad == {"line": 2, "error": bad["error"]} and "UTF-8" in bad["error"]
    assert last["question"] == "When was the meeting?"


def test_ask_batch_reports_a_deeply_nested_line_and_answers_the_next() -> None:
    stdin = "[" * 100_000 + "\n" + json.dumps({"question": "When was the meeting?"}) + "\n"
    result = run("ask", "--batch", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    bad, good = [json.loads(line) for line in result.stdout.splitlines()]
    assert bad["line"] == 1 and bad["error"].endswith(".")
    check_answer_object(good)


def test_ask_batch_reports_a_line_that_is_not_utf8_and_answers_the_others(tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes(
        b'{"question": "When was the meeting?"}\n{"question": "When\xff?"}\n{"question": "Who met?"}\n'
    )
    result = run_bytes("ask", "--batch", str(batch))
    assert result.returncode == 0, result.stderr
    first, bad, last = [json.loads(line) for line in result.stdout.decode().splitlines()]
    check_answer_object(first)
    check_answer_object(last)
    assert bad["line"] == 2 and "UTF-8" in bad["error"]


def test_ask_batch_reads_a_file_an_editor_saved_with_a_byte_order_mark_and_a_null_history(
    tmp_path: Path,
) -> None:
    """A Windows editor's byte-order mark made line 1 "not valid JSON", and `"history": null` was refused."""
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes(
        b'\xef\xbb\xbf{"question": "When was the meeting?"}\n\n{"question": "Who met?", "history": null}\n'
    )
    result = run_bytes("ask", "--batch", str(batch))
    assert result.returncode == 0, result.stderr
    first, second = [json.loads(line) for line in result.stdout.decode().splitlines()]
    check_answer_object(first)
    check_answer_object(second)
    assert first["question"] == "When was the meeting?" and second["question"] == "Who met?"


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(b'{"question": "When was the meeting?"}', id="good-line"),
        pytest.param(b'{"question": "caf\xe9 rent"}', id="latin-1-line"),
    ],
)
def test_ask_batch_reports_a_line_holding_a_nul_byte_and_answers_the_others(
    tmp_path: Path, first: bytes
) -> None:
    """One NUL byte near the start, alone or after a Latin-1 line, used to refuse the whole file as
    binary, answering nothing."""
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes(first + b'\n\x00\n{"question": "Who met?"}\n')
    result = run_bytes("ask", "--batch", str(batch))
    assert result.returncode == 0, result.stderr
    top, bad, last = [json.loads(line) for line in result.stdout.decode().splitlines()]
    if b"\xe9" in first:
        assert top["line"] == 1 and "UTF-8" in top["error"]
    else:
        check_answer_object(top)
    check_answer_object(last)
    assert bad == {"line": 2, "error": "This line is not valid JSON."}


@pytest.mark.parametrize("content", [bytes(4096), '{"question": "hi"}\n'.encode("utf-16")])
def test_ask_batch_of_nul_bytes_or_utf16_is_refused_as_binary(tmp_path: Path, content: bytes) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes(content)
    result = run_bytes("ask", "--batch", str(batch))
    assert result.returncode == 2 and result.stdout == b""
    assert "binary data" in result.stderr.decode()


BINARY_ERROR = f"error: {BINARY_INPUT}"


def test_chat_on_dev_zero_says_so_and_stops() -> None:
    """A trial piped /dev/zero into `chat`: one line without end, dropped a piece at a time for ever,
    at full CPU and without a word."""
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "chat"],
            stdin=zero,
            capture_output=True,
            cwd=ROOT,
            env=environment(),
            timeout=60,
        )
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().strip() == BINARY_ERROR


@pytest.mark.parametrize("delay", [0.1, 0.2, 0.3])
@pytest.mark.parametrize("how", ["script", "module"])
def test_ctrl_c_while_the_command_starts_ends_it_quietly(delay: float, how: str) -> None:
    """A trial: Ctrl-C in the first half second (the command line's imports) printed Python's traceback of
    the import; later it ended the command quietly with status 130. Now it is quiet once the command's
    own code runs (in the interpreter's first few hundredths of a second, Python's own start-up may still
    speak), by the installed `meeting-bot` as by `python -m bot`."""
    script = Path(sys.executable).parent / "meeting-bot"
    if how == "script" and not script.exists():
        pytest.skip("the meeting-bot script is not installed beside this interpreter")
    started = subprocess.Popen(
        [str(script), "chat"] if how == "script" else [sys.executable, "-m", "bot", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=environment(),
    )
    time.sleep(delay)
    started.send_signal(signal.SIGINT)
    _, err = started.communicate(timeout=60)
    assert "Traceback" not in err.decode(errors="replace")
    assert started.returncode in (130, -signal.SIGINT)


def test_a_ctrl_c_a_library_swallowed_still_ends_the_command_with_130(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh clone's test run: Ctrl-C 0.3 s into `meeting-bot chat` was swallowed as something loaded,
    and the command went on and ended with 0."""
    import bot.cli
    import bot.launch

    def swallowing() -> int:
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            pass  # as a library catching everything would
        return 0

    monkeypatch.setattr(bot.cli, "main", swallowing)
    before = signal.getsignal(signal.SIGINT)
    try:
        assert bot.launch.main() == bot.launch.INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, before)


def test_a_ctrl_c_in_the_import_machinery_is_told_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI run: a Ctrl-C as a module lock's callback ran in Python's import machinery printed "Exception
    ignored in ..." with a traceback and was lost (1 in 120 Ctrl-Cs at start here). Signalled in an
    importlib frame, the command now ends at once with 130 (bot.launch)."""
    (tmp_path / "peek_import_frames.py").write_text(
        "import sys\nFRAMES = []\nf = sys._getframe(1)\nwhile f:\n    FRAMES.append(f)\n    f = f.f_back\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import peek_import_frames  # type: ignore[import-not-found]

    assert any(_in_import(f) for f in peek_import_frames.FRAMES)
    assert not _in_import(sys._getframe()) and not _in_import(None)


def test_chat_on_a_binary_blob_says_so_and_stops() -> None:
    result = run_bytes("chat", stdin=bytes(range(256)) * 90)
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().strip() == BINARY_ERROR


def test_chat_stops_at_binary_data_after_its_questions() -> None:
    """The review: /dev/zero arriving after a first question was dropped a piece at a time for ever."""
    # Blank lines first, more than the start's binary check reads, so the question is read as text.
    script = (
        f'( printf "%.0s\\n" $(seq 9000); echo "When was the meeting?"; cat /dev/zero ) '
        f'| "{sys.executable}" -m bot chat -k 1'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, cwd=ROOT, env=environment(), timeout=90
    )
    assert result.returncode == 2
    assert result.stdout.decode().startswith("» ")  # the question before it was answered
    assert result.stderr.decode().strip() == BINARY_ERROR


def test_chat_stops_at_random_bytes_after_its_questions() -> None:
    """The review: random bytes after a question broke into short lines, each answered "not UTF-8"."""
    typed = b"\n" * 9000 + b"When was the meeting?\n" + bytes(range(256)) * 90
    result = run_bytes("chat", "-k", "1", stdin=typed)
    assert result.returncode == 2
    out = result.stdout.decode()
    assert out.startswith("» ") and "not valid text" not in out
    assert result.stderr.decode().strip() == BINARY_ERROR


@pytest.mark.parametrize("after", ["cat /dev/zero", "head -c 23040 /dev/urandom"])
def test_chat_answers_a_first_question_before_binary_data(after: str) -> None:
    """A trial: "who is mamdani" followed by random bytes was refused whole, the question unanswered,
    since the start's binary check read both."""
    script = f'( echo "When was the meeting?"; {after} ) | "{sys.executable}" -m bot chat -k 1'
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, cwd=ROOT, env=environment(), timeout=90
    )
    assert result.returncode == 2
    assert result.stdout.decode(errors="replace").startswith("» ")
    assert result.stderr.decode().strip() == BINARY_ERROR


@pytest.mark.parametrize("after", ["cat /dev/zero", "head -c 23040 /dev/urandom"])
def test_a_batch_answers_its_lines_before_binary_data(after: str) -> None:
    """A trial: a batch's good first line followed by random bytes was refused whole; and a batch line
    followed by /dev/zero was read and dropped a piece at a time for ever."""
    first = json.dumps({"question": "When was the meeting?"})
    script = f"( echo '{first}'; echo '{first}'; {after} ) | \"{sys.executable}\" -m bot ask --batch - -k 1"
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, cwd=ROOT, env=environment(), timeout=90
    )
    assert result.returncode == 2
    lines = [json.loads(x) for x in result.stdout.decode().splitlines()]
    assert len(lines) >= 2 and all(x.get("kind") == "answer" for x in lines[:2])
    assert all("error" in x for x in lines[2:])  # a random line without NUL is a line that is not UTF-8
    assert result.stderr.decode().strip() == f"error: {BINARY_REST}"


@pytest.mark.parametrize(
    "command",
    ["chat", "ask -", "ask --batch -", "check -", "ask --json -"],
    ids=lambda c: c.replace(" ", "_"),
)
def test_a_command_with_its_input_closed_says_so(command: str) -> None:
    """The review: `meeting-bot chat <&-` raised AttributeError (sys.stdin is None); a trial then found
    `ask -`, `ask --batch -` and `check -` failing the same way ("something went wrong")."""
    script = f'"{sys.executable}" -m bot {command} <&-'
    assert shell_sentence(script) == (2, "error: There is no standard input to read from; it was closed.")


def shell_sentence(script: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """The exit status of a bash script running the bot, and the one line it wrote to stderr. Standard
    output is block-buffered, as in a user's shell (a full disk was first met only at exit)."""
    env = {k: v for k, v in (env or environment()).items() if k != "PYTHONUNBUFFERED"}
    result = subprocess.run(["bash", "-c", script], capture_output=True, cwd=ROOT, env=env, timeout=60)
    (line,) = result.stderr.decode().strip().splitlines() or [""]
    return result.returncode, line


@pytest.mark.parametrize(
    "command",
    ["ask 'who is mamdani'", "chat", "ask --batch -", "start"],
    ids=lambda c: c.split()[0] + ("_batch" if "batch" in c else ""),
)
def test_a_command_with_its_output_closed_says_so(command: str) -> None:
    """A trial: `meeting-bot ask "who is mamdani" >&-` (and `chat`, `--batch`) said "something went wrong
    (AttributeError)": Python leaves sys.stdout None. `start` without a token chats in the terminal."""
    script = f'printf "who is mamdani\\n" | "{sys.executable}" -m bot {command} >&-'
    closed = "error: There is no standard output to write to; it was closed."
    assert shell_sentence(script, {**environment(), "DISCORD_TOKEN": ""}) == (2, closed)


def test_a_command_whose_work_is_not_its_output_runs_with_it_closed() -> None:
    """Building the index (here: finding it up to date) writes a line of news; closed, it is written
    nowhere and the work is done."""
    assert shell_sentence(f'"{sys.executable}" -m bot index --if-needed >&-') == (0, "")


def test_a_reader_that_goes_away_before_a_short_answer_is_no_failure() -> None:
    """`meeting-bot ask ... | true` printed "Exception ignored ... BrokenPipeError" at exit (status 120)
    when standard output was block-buffered: the pipe was found closed only then."""
    script = f'"{sys.executable}" -m bot ask "who is mamdani" | true; exit ${{PIPESTATUS[0]}}'
    assert shell_sentence(script) == (0, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize(
    "command",
    [
        "ask 'who is mamdani'",
        "ask --json 'who is mamdani'",
        "chat",
        "eval eval/dev.jsonl",
        "check '\"I hope we do\"'",
    ],
    ids=["ask", "ask_json", "chat", "eval", "check"],
)
def test_a_full_disk_is_one_sentence(command: str) -> None:
    """A trial: `meeting-bot ask ... >/dev/full` said "something went wrong (OSError)"; a review then
    found `ask`, `eval` and `check` still ending in Python's "Exception ignored" at exit (status 120)."""
    script = f'printf "who is mamdani\\n" | "{sys.executable}" -m bot {command} >/dev/full'
    assert shell_sentence(script) == (1, "error: the output could not be written: no space left on device.")


def test_ask_batch_of_a_binary_file_is_one_short_sentence(tmp_path: Path) -> None:
    batch = tmp_path / "picture.bin"
    batch.write_bytes(bytes(range(256)) * 90)  # 23,040 bytes
    result = run_bytes("ask", "--batch", str(batch))
    assert result.returncode == 2
    assert result.stdout == b""
    (line,) = result.stderr.decode().strip().splitlines()
    assert line.startswith("error: ") and line.endswith(".") and len(line) < 200, line
    assert "picture.bin" in line


def test_ask_batch_prints_each_group_before_the_input_ends() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--batch", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=environment(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for i in range(BATCH_GROUP):
            proc.stdin.write(json.dumps({"question": f"When was the meeting? ({i})"}).encode() + b"\n")
        proc.stdin.flush()
        # The input stays open: the first group's answers must come out anyway.
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        first = proc.stdout.readline() if ready else b""
        proc.stdin.write(json.dumps({"question": "Who met?"}).encode() + b"\n")
        proc.stdin.close()
        rest = proc.stdout.read().decode().splitlines()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
    assert first, "nothing was printed while the input was still open"
    out = [json.loads(first), *(json.loads(line) for line in rest)]
    assert [o["question"] for o in out[:-1]] == [f"When was the meeting? ({i})" for i in range(BATCH_GROUP)]
    assert out[-1]["question"] == "Who met?"


def test_help_in_the_terminal_says_how_to_ask_there_without_discord_markup() -> None:
    """It used to tell a terminal user to use `/ask` or mention the bot, with raw *…* and backticks."""
    result = run_bytes("ask", "help")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert re.search(r"(meeting-bot|python -m bot) chat", text), text
    assert "/ask" not in text and not set("*`") & set(text)
    assert "Nothing you ask here is stored." in text  # the command line keeps no questions


@pytest.mark.parametrize("on_path", [True, False])
def test_help_names_the_command_as_it_can_be_typed_here(on_path: bool) -> None:
    """Help used to name `meeting-bot`, which a shell finds only with the virtual environment active."""
    script = Path(sys.executable).parent / "meeting-bot"
    if not script.exists():
        pytest.skip("the meeting-bot script is not installed beside this interpreter")
    env = environment()
    others = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p) != script.parent]
    env["PATH"] = os.pathsep.join([str(script.parent)] * on_path + others)
    result = subprocess.run(
        [str(script), "ask", "help"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    named = re.search(r"Ask one question with (.+?) ask ", result.stdout).group(1)
    assert named == "meeting-bot" if on_path else Path(ROOT, named).resolve() == script.resolve()


def test_ask_a_question_and_a_batch_together_is_a_usage_error() -> None:
    result = run("ask", "When was the meeting?", "--batch", "-", stdin="")
    assert "--batch" in assert_one_sentence_error(result, 2)
    assert result.stdout == ""


def test_ask_a_question_of_bytes_that_are_not_utf8_is_one_sentence() -> None:
    result = run_bytes("ask", b"When\xff?")
    assert result.returncode == 2, result.stderr
    assert b"Traceback" not in result.stderr and result.stdout == b""
    (line,) = result.stderr.decode().strip().splitlines()
    assert line.startswith("error: ") and line.endswith(".") and "UTF-8" in line


def test_ask_a_question_of_zero_width_characters_is_empty() -> None:
    result = run("ask", "\u200b\u200c\u200d\u2060\ufeff")
    assert "empty" in assert_one_sentence_error(result, 2)
    assert result.stdout == ""


@pytest.mark.parametrize("question", ["", "   "], ids=["empty", "spaces"])
def test_ask_an_empty_question_is_a_usage_error(question: str) -> None:
    result = run("ask", question)
    assert "empty" in assert_one_sentence_error(result, 2)
    assert result.stdout == ""


def test_ask_a_very_long_question_is_answered_and_marked_truncated() -> None:
    question = ("How much is the median one-bedroom rent in New York City? " * 50)[:2500]
    assert len(question) == 2500
    obj = ask_json(question)
    check_answer_object(obj)
    assert obj["truncated"] is True
    assert len(obj["question"]) <= MAX_QUESTION_CHARS


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("@everyone when was the meeting?", id="mention"),
        pytest.param("```python\nimport os\nos.system('rm -rf /')\n```\nwhat is this?", id="code-fence"),
        pytest.param(
            "**Who** said _the press_ has [eaten](http://x) this up?\n> quote\n# head", id="markdown"
        ),
        pytest.param("会议是什么时候举行的？", id="chinese"),
        pytest.param("¿Cuándo se reunieron Trump y Mamdani?", id="spanish"),
        pytest.param("-k 5", id="looks-like-an-option"),
    ],
)
def test_odd_questions_are_answered_or_declined_without_a_crash(question: str) -> None:
    check_answer_object(ask_json(question))


def test_a_closed_output_pipe_is_not_reported_as_a_failure() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "When was the meeting?"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=environment(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `meeting-bot ask ... | head -c 0`, before anything is printed
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert stderr == ""


# ---------------------------------------------------------------- eval and chat


def test_eval_prints_the_retrieval_figures() -> None:
    result = run("eval", "eval/dev.jsonl")
    assert result.returncode == 0, result.stderr
    for name in ("hit@1", "hit@3", "MRR@5", "answered", "abstained"):
        m = re.search(rf"^\s+{re.escape(name)}\s+(\d\.\d{{3}})\b", result.stdout, re.M)
        assert m, name
        assert 0.0 <= float(m.group(1)) <= 1.0


@pytest.mark.parametrize("telemetry", [None, ""], ids=["unset", "empty"])
def test_answering_writes_nothing_in_the_home_folder(telemetry: str | None, tmp_path: Path) -> None:
    """onnxruntime 1.32 kept a device id and a telemetry queue under ~/.cache/Microsoft, for Microsoft;
    an empty ORT_DISABLE_TELEMETRY (an env file's `ORT_DISABLE_TELEMETRY=`) let it record too."""
    env = environment(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / ".cache"))
    env.pop("ORT_DISABLE_TELEMETRY", None)  # as a user's shell has it (this test process may have set it)
    if telemetry is not None:
        env["ORT_DISABLE_TELEMETRY"] = telemetry
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "When was the meeting?"],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == []


def test_eval_of_a_missing_file_is_a_usage_error() -> None:
    assert "missing.jsonl" in assert_one_sentence_error(run("eval", "missing.jsonl"), 2)


def test_chat_answers_each_line_of_standard_input() -> None:
    result = run("chat", stdin="When was the meeting?\n\nWhat is Mamdani's slogan?\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    openings = [line for line in lines if line.startswith(("» ", "The article doesn't say"))]
    assert len(openings) == 2
    assert sum(line.startswith("[1] ") for line in lines) == 2
    assert "Housing is a human right" in result.stdout


@pytest.mark.parametrize("quit_line", ["  Quit ", "exit.", "ｑｕｉｔ", "/quit"])
def test_chat_ends_at_quit(quit_line: str) -> None:
    result = run("chat", stdin=f"When was the meeting?\n{quit_line}\nWhat is Mamdani's slogan?\n")
    assert result.returncode == 0, result.stderr
    assert "November 21, 2025" in result.stdout and "Housing is a human right" not in result.stdout


def test_chat_shows_more_passages_when_asked_for_more() -> None:
    result = run("chat", stdin="When was the meeting?\nmore please\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "More passages, continuing the numbering:" in lines
    ranks = [int(line[1 : line.index("]")]) for line in lines if re.match(r"\[\d+\] ", line)]
    assert ranks[0] == 1 and ranks[-3:] == [ranks[-3], ranks[-3] + 1, ranks[-3] + 2] and ranks[-3] > 1
    assert len(ranks) == len(set(ranks))  # numbered on, no passage twice


def test_start_without_a_token_answers_typed_questions() -> None:
    # The README's first command: with no DISCORD_TOKEN, `start` hands over to the terminal chat. It
    # crashed once chat read a -k that `start` does not have.
    result = run("start", stdin="When was the meeting?\n", DISCORD_TOKEN="")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "unexpected failure" not in result.stderr
    assert "November 21, 2025" in result.stdout


def test_chat_shows_k_excerpts_a_page() -> None:
    # The docs promised "3, or -k" a page; chat refused -k.
    result = run("chat", "-k", "1", stdin="When was the meeting?\nmore please\n")
    assert result.returncode == 0, result.stderr
    ranks = [
        int(line[1 : line.index("]")]) for line in result.stdout.splitlines() if re.match(r"\[\d+\] ", line)
    ]
    assert ranks == [1, 2]
    assert "-k must be between 1 and" in assert_one_sentence_error(run("chat", "-k", "0", stdin=""), 2)


def test_chat_keeps_the_question_through_a_long_run_of_requests_for_more() -> None:
    # Each "Those were all the passages that match." was kept and pushed the question out of the 17
    # messages kept: the follow-up then got "Mamdani's rise was meteoric."
    lines = ["what did they say about energy costs?", *["more"] * 18, "and what did Mamdani propose?"]
    result = run("chat", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    last = [line for line in result.stdout.splitlines() if line.startswith("» ")][-1]
    assert "energy co-op" in last


def test_chat_survives_a_line_of_control_characters() -> None:
    result = run("chat", stdin="When was the meeting?\n\x01\nWhat is Mamdani's slogan?\n")
    assert result.returncode == 0, result.stderr
    assert sum(line.startswith("[1] ") for line in result.stdout.splitlines()) == 2


@pytest.mark.parametrize("io_encoding", ["utf-8", "utf-8:surrogateescape"])
def test_chat_answers_the_lines_around_one_that_is_not_utf8(io_encoding: str) -> None:
    result = run_bytes("chat", stdin=b"When was the meeting?\n\xff\nWho met?\n", io_encoding=io_encoding)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    lines = result.stdout.decode().splitlines()
    assert sum(line.startswith("[1] ") for line in lines) == 2
    assert any("UTF-8" in line for line in lines + result.stderr.decode().splitlines())


# ---------------------------------------------------------------- bench and run, refused early


def test_bench_with_fewer_than_one_run_is_a_usage_error() -> None:
    assert "--runs" in assert_one_sentence_error(run("bench", "--runs", "0"), 2)


@pytest.mark.parametrize("command", ["run", "sync"])
def test_run_without_a_token_says_so_before_creating_anything(command: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = environment(DATA_DIR=str(data))
    env.pop("DISCORD_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert "DISCORD_TOKEN is not set" in assert_one_sentence_error(result, 1)
    assert not data.exists()


# ---------------------------------------------------------------- settings and a missing or stale index


def test_an_empty_index_folder_says_how_to_build_it(tmp_path: Path) -> None:
    result = run("ask", "When was the meeting?", INDEX_DIR=str(tmp_path))
    assert "meeting-bot index" in assert_one_sentence_error(result, 1)
    assert result.stdout == ""


def test_an_edited_corpus_makes_the_index_out_of_date(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    with (corpus / "meeting.md").open("a", encoding="utf-8") as f:
        f.write("\nA sentence added after the index was built.\n")
    result = run("ask", "When was the meeting?", CORPUS_DIR=str(corpus))
    line = assert_one_sentence_error(result, 1)
    assert "out of date" in line and "corpus" in line and "meeting-bot index" in line


def test_a_file_that_cannot_be_read_is_named_in_the_error(tmp_path: Path) -> None:
    # A helper's trial: a folder named like a corpus file (or one the bot may not read) gave "something
    # went wrong (IsADirectoryError)", where `meeting-bot index` named the file and what was wrong.
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "notes.md").mkdir()
    line = assert_one_sentence_error(run("ask", "When was the meeting?", CORPUS_DIR=str(corpus)), 1)
    assert "notes.md" in line and "is a directory" in line and "something went wrong" not in line
    # A name with a line break in it stays one line (a review forged a second "error:" line so).
    (corpus / "notes.md").rmdir()
    (corpus / "x\nerror: all good.md").mkdir()
    line = assert_one_sentence_error(run("ask", "When was the meeting?", CORPUS_DIR=str(corpus)), 1)
    assert "x\\nerror: all good.md" in line


def test_changed_training_questions_make_the_index_out_of_date(tmp_path: Path) -> None:
    train = tmp_path / "train"
    shutil.copytree(ROOT / "train", train)
    with (train / "questions.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"question": "A new training question?", "gold": ["Rent."]}) + "\n")
    line = assert_one_sentence_error(run("ask", "When?", TRAIN_DIR=str(train)), 1)
    assert "training files" in line and "meeting-bot index" in line


@pytest.mark.parametrize("command", [("ask", "When?"), ("index",), ("index", "--if-needed")])
def test_a_missing_training_folder_is_named(tmp_path: Path, command: tuple[str, ...]) -> None:
    # A mistyped TRAIN_DIR built an untrained index (a warning in the log) and made `ask` call the index
    # out of date; now neither builds nor answers, and the index is left as it was.
    index = tmp_path / "index"
    shutil.copytree(ROOT / "index", index)
    before = {p.name: p.read_bytes() for p in index.iterdir()}
    result = run(*command, TRAIN_DIR=str(tmp_path / "typo"), INDEX_DIR=str(index))
    line = assert_one_sentence_error(result, 1)
    assert line.startswith(f"error: No training folder at {tmp_path / 'typo'}; check TRAIN_DIR")
    assert {p.name: p.read_bytes() for p in index.iterdir()} == before


def test_a_training_folder_without_training_files_is_named(tmp_path: Path) -> None:
    """A trial: TRAIN_DIR at a folder of other files (/etc) built an untrained model with a warning only."""
    index, train = tmp_path / "index", tmp_path / "notes"
    shutil.copytree(ROOT / "index", index)
    (train / "checks").mkdir(parents=True)
    (train / "checks" / "set.jsonl").write_text("")  # a check set, never trained on
    (train / "suggestions.txt").write_text("When did they meet?\n")  # what a training folder may hold
    (train / "todo.txt").write_text("not training")
    before = {p.name: p.read_bytes() for p in index.iterdir()}
    line = assert_one_sentence_error(run("index", TRAIN_DIR=str(train), INDEX_DIR=str(index)), 1)
    assert line == (
        f"error: TRAIN_DIR {train} holds no training files (*.jsonl); check TRAIN_DIR "
        "(the checkout's train/ is the default; an empty folder builds without training)."
    )
    assert {p.name: p.read_bytes() for p in index.iterdir()} == before


@pytest.mark.parametrize("data", [".", "data"])
def test_index_never_builds_over_the_question_store(tmp_path: Path, data: str) -> None:
    """A build replaces INDEX_DIR whole: with DATA_DIR in it, a rebuild would delete every question kept."""
    index = tmp_path / "index"
    shutil.copytree(ROOT / "index", index)
    (index / data).mkdir(exist_ok=True)
    (index / data / "salt").write_text("s" * 64)
    before = sorted(p.name for p in index.rglob("*"))
    result = run("index", INDEX_DIR=str(index), DATA_DIR=str(index / data))
    line = assert_one_sentence_error(result, 2)
    assert line == (
        f"error: INDEX_DIR {index} holds the question store's salt, and a build replaces the folder whole; "
        "keep DATA_DIR (and DATABASE_URL) out of INDEX_DIR."
    )
    assert sorted(p.name for p in index.rglob("*")) == before


def test_a_missing_encoder_says_how_to_export_it(tmp_path: Path) -> None:
    line = assert_one_sentence_error(run("ask", "When?", ENCODER_DIR=str(tmp_path)), 1)
    assert "meeting-bot index" in line


def test_an_encoder_from_an_older_export_says_how_to_redo_it(tmp_path: Path) -> None:
    """An export without the current format marker (an older release's had none) is not silently used."""
    encoder = tmp_path / "encoder"
    shutil.copytree(ROOT / "models" / "minilm-onnx", encoder)
    (encoder / "encoder.json").unlink()
    line = assert_one_sentence_error(run("ask", "When?", ENCODER_DIR=str(encoder)), 1)
    assert "older" in line and "meeting-bot index" in line


def test_an_invalid_setting_is_named() -> None:
    line = assert_one_sentence_error(run("ask", "When?", ENCODER_THREADS="zero"), 2)
    assert "ENCODER_THREADS" in line


# ---------------------------------------------------------------- index


@pytest.fixture
def index_copy(tmp_path: Path) -> Path:
    """A copy of the committed index, for commands that might rebuild or damage it."""
    copy = tmp_path / "index"
    shutil.copytree(ROOT / "index", copy)
    return copy


def test_rebuilding_without_the_build_extras_says_what_to_install(
    index_copy: Path, without_build_extras: dict[str, str]
) -> None:
    before = {p.name: p.read_bytes() for p in index_copy.iterdir()}
    result = run("index", INDEX_DIR=str(index_copy), **without_build_extras)
    line = assert_one_sentence_error(result, 1)
    assert "build extras" in line and "torch" in line and "pip install -e '.[build]'" in line
    assert {p.name: p.read_bytes() for p in index_copy.iterdir()} == before  # untouched
    assert sorted(p.name for p in index_copy.parent.iterdir()) == ["index", "without-build-extras"]


def test_index_if_needed_with_a_fresh_index_needs_no_build_extras_and_tidies_up(
    index_copy: Path, without_build_extras: dict[str, str]
) -> None:
    for name in ("index.new", ".index-k1ll3d_0", ".index.new-k1ll3d_0"):  # as a killed rebuild leaves them
        (index_copy.parent / name).mkdir()
        (index_copy.parent / name / "chunks.faiss").write_bytes(b"half written")
    result = run("index", "--if-needed", INDEX_DIR=str(index_copy), **without_build_extras)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert sorted(p.name for p in index_copy.parent.iterdir()) == [
        ".index.lock",
        "index",
        "without-build-extras",
    ]


def test_index_if_needed_over_a_damaged_index_does_not_call_it_up_to_date(
    index_copy: Path, without_build_extras: dict[str, str]
) -> None:
    (index_copy / "chunks.faiss").write_bytes(b"not a faiss index at all")
    result = run("index", "--if-needed", INDEX_DIR=str(index_copy), **without_build_extras)
    assert "up to date" not in result.stdout
    assert "build extras" in assert_one_sentence_error(result, 1)  # it went on to rebuild


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: _edit_first_chunk(d, rows=[10**6]), id="row-past-sentences"),
        pytest.param(lambda d: _edit_first_chunk(d, doc="elsewhere"), id="unknown-document"),
    ],
)
def test_an_inconsistent_index_is_one_sentence_naming_the_fix(index_copy: Path, damage) -> None:
    damage(index_copy)
    line = assert_one_sentence_error(run("ask", "When was the meeting?", INDEX_DIR=str(index_copy)), 1)
    assert "damaged" in line and "meeting-bot index" in line


def _edit_first_chunk(folder: Path, **changes: object) -> None:
    meta = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
    meta["chunks"][0].update(changes)
    (folder / "chunks.json").write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize(
    "line", ['{"question": 5, "gold": []}', '{"question": "q", "gold": "not a list"}', "{not json"]
)
def test_a_malformed_training_file_is_one_sentence_naming_the_line(line: str, tmp_path: Path) -> None:
    train = tmp_path / "train"
    shutil.copytree(ROOT / "train", train)
    with (train / "questions.jsonl").open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    result = run("index", TRAIN_DIR=str(train), INDEX_DIR=str(tmp_path / "index"))
    message = assert_one_sentence_error(result, 1)
    assert "questions.jsonl:" in message and "not a question object" in message


def test_an_over_long_line_is_skipped_in_one_sentence_and_the_next_is_answered() -> None:
    from bot.cli import MAX_LINE

    huge = b'{"question": "' + b"a" * (MAX_LINE + 10) + b'"}\n'
    batch = run_bytes("ask", "--batch", "-", "-k", "1", stdin=huge + b'{"question": "How old is Mamdani?"}\n')
    assert batch.returncode == 0, batch.stderr
    first, second = (json.loads(line) for line in batch.stdout.decode().splitlines())
    assert first == {"line": 1, "error": f"That line is over {MAX_LINE:,} characters; it was skipped."}
    assert "33" in second["excerpts"][0]["text"]
    chat = run_bytes("chat", stdin=b"x" * (MAX_LINE + 10) + b"\nHow old is Mamdani?\n")
    assert chat.returncode == 0 and b"Traceback" not in chat.stderr
    out = chat.stdout.decode()
    assert "it was skipped" in out and "33" in out


@pytest.mark.parametrize(
    "lines",
    [
        ['{"question": "a\\udcff b", "gold": ["Mamdani, 33"]}'],  # a lone surrogate in training text
        ['{"question": "", "gold": ["Mamdani, 33"]}'],  # an empty training question
    ],
    ids=["surrogate", "empty"],
)
def test_unsound_training_text_is_one_sentence(lines: list[str], tmp_path: Path) -> None:
    train = tmp_path / "train"
    shutil.copytree(ROOT / "train", train)
    with (train / "questions.jsonl").open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    result = run("index", TRAIN_DIR=str(train), INDEX_DIR=str(tmp_path / "index"))
    assert "not a question object" in assert_one_sentence_error(result, 1)


def test_training_files_without_an_answerable_question_are_one_sentence(tmp_path: Path) -> None:
    train = tmp_path / "train"
    train.mkdir()
    (train / "questions.jsonl").write_text('{"question": "what is a cat?", "gold": []}\n', encoding="utf-8")
    result = run("index", TRAIN_DIR=str(train), INDEX_DIR=str(tmp_path / "index"))
    assert "no answerable question" in assert_one_sentence_error(result, 1)


@pytest.mark.parametrize("first", [b"\xff\xfe not utf-8\n", b"[" * 100_000 + b"\n"], ids=["bytes", "deep"])
def test_an_eval_file_whose_first_line_is_bad_is_one_sentence(first: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(first + b'{"question": "q", "gold": []}\n')
    message = assert_one_sentence_error(run("eval", str(path)), 2)
    assert "bad.jsonl" in message and "codec" not in message and "0xff" not in message


def test_eval_of_a_set_without_answerable_questions_says_n_a_not_zero(tmp_path: Path) -> None:
    """A set of only unanswerable questions printed hit@1 0.000, as if every answer had been wrong."""
    path = tmp_path / "refusals.jsonl"
    path.write_text('{"question": "who won the super bowl?", "gold": []}\n', encoding="utf-8")
    result = run("eval", str(path))
    assert result.returncode == 0, result.stderr
    figures = dict(line.split(None, 1) for line in result.stdout.splitlines()[1:] if line.startswith("  "))
    assert figures["hit@1"].strip() == "n/a" and figures["abstained"].startswith("1.000")


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"question": "when was the meeting?"}', "'gold'"),
        ('{"first": "when was the meeting?", "followup": "and where?"}', "'gold'"),
        ('{"question": "when was the meeting?", "kind": "basic"}', "gold places"),
    ],
    ids=["question", "follow-up", "first-contact"],
)
def test_eval_of_questions_without_gold_is_one_sentence(line: str, said: str, tmp_path: Path) -> None:
    """A file of bare questions was scored as if all were to be declined (abstained 0.000, no word)."""
    path = tmp_path / "bare.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    message = assert_one_sentence_error(run("eval", str(path)), 2)
    assert "bare.jsonl:1" in message and said in message


def test_eval_says_when_a_gold_text_is_in_no_passage(tmp_path: Path) -> None:
    """A gold text that is not in the article used to count as a plain miss, without a word."""
    path = tmp_path / "typo.jsonl"
    path.write_text(
        '{"id": "g1", "question": "When was the meeting?", "gold": ["November 21, 2025"]}\n'
        '{"id": "g2", "question": "Who won the cup?", "gold": ["the cup was won by Spain"]}\n',
        encoding="utf-8",
    )
    result = run("eval", str(path))
    assert result.returncode == 0, result.stderr
    (note,) = [line for line in result.stdout.splitlines() if line.startswith("Note:")]
    assert "1 question(s)" in note and "won by Spain" in note


def test_a_database_url_with_a_port_that_is_not_a_number_is_one_sentence(tmp_path: Path) -> None:
    result = run("report", DATA_DIR=str(tmp_path), DATABASE_URL="postgresql://u:pw@host:abc/z")
    message = assert_one_sentence_error(result, 1)
    assert "DATABASE_URL" in message and "pw" not in message


def test_bench_with_a_negative_scale_is_a_usage_error() -> None:
    assert "--scale" in assert_one_sentence_error(run("bench", "--scale", "-1"), 2)
    assert "at most 5,000,000" in assert_one_sentence_error(run("bench", "--scale", "100000000000"), 2)


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--runs", "0", "at most 100"),
        ("--runs", "1000000", "at most 100"),  # ran until stopped
        ("--rss-questions", "50", "more than 100"),
        ("--rss-questions", "10000000000", "at most 1,000,000"),
    ],
)
def test_bench_counts_out_of_bounds_are_usage_errors(flag: str, value: str, said: str) -> None:
    message = assert_one_sentence_error(run("bench", flag, value), 2)
    assert flag in message and said in message


@pytest.mark.parametrize("blank", ["\u034f", "\u3164", "\u2800 \u115f", "@everyone", "<@123> \u200b"])
def test_a_question_of_blank_letters_is_empty(blank: str) -> None:
    message = assert_one_sentence_error(run("ask", blank), 2)
    assert "empty once mentions, markup and invisible characters are left out" in message


def test_the_log_never_shows_an_interaction_token_even_in_a_traceback() -> None:
    import logging

    from bot.cli import RedactingFormatter

    formatter = RedactingFormatter(logging.Formatter("%(message)s"))
    url = "http://127.0.0.1/api/v10/webhooks/123/SECRET-token_1?wait=1"
    try:
        raise ConnectionError(f"closed while POSTing {url} and /interactions/9/OTHERsecret/callback")
    except ConnectionError:
        record = logging.LogRecord("x", logging.ERROR, "", 0, "failed %s", (url,), sys.exc_info())
    text = formatter.format(record)
    assert "SECRET" not in text and "OTHERsecret" not in text
    assert "/webhooks/123/<token>" in text and "/interactions/9/<token>/callback" in text


def test_the_command_named_in_help_can_be_pasted_into_a_shell(tmp_path, monkeypatch) -> None:
    """A trial found a path with a space printed bare, and `python -m bot` named for an interpreter whose
    `python` on the PATH lacks the packages."""
    from bot import cli

    folder = tmp_path / "odd dir"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    monkeypatch.setattr(cli.sys, "argv", [str(folder / ".venv" / "bin" / "meeting-bot")])
    cli.command_name.cache_clear()
    try:
        assert cli.command_name() == "'odd dir/.venv/bin/meeting-bot'"
        monkeypatch.setattr(cli.sys, "argv", [str(folder / "bot" / "__main__.py")])
        monkeypatch.setattr(cli.sys, "executable", str(folder / ".venv" / "bin" / "python"))
        cli.command_name.cache_clear()
        assert cli.command_name() == "'odd dir/.venv/bin/python' -m bot"
    finally:
        cli.command_name.cache_clear()


def test_help_names_the_path_run_when_another_meeting_bot_is_on_the_path_or_the_folder_is_gone(
    tmp_path, monkeypatch
) -> None:
    """A trial found `meeting-bot` named when the shell would run another program of that name, and help
    failing (FileNotFoundError) in a folder that had been deleted."""
    from bot import cli

    script = tmp_path / "venv" / "bin" / "meeting-bot"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    other = tmp_path / "other" / "meeting-bot"
    other.parent.mkdir()
    other.write_text("#!/bin/sh\n")
    monkeypatch.setattr(cli.sys, "argv", [str(script)])
    monkeypatch.setattr(cli.shutil, "which", lambda name: str(other))
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    cli.command_name.cache_clear()
    try:
        assert cli.command_name() == "../venv/bin/meeting-bot"
        gone.rmdir()
        cli.command_name.cache_clear()
        assert cli.command_name() == str(script)
        monkeypatch.setattr(cli.shutil, "which", lambda name: str(script))
        cli.command_name.cache_clear()
        assert cli.command_name() == "meeting-bot"
    finally:
        cli.command_name.cache_clear()
