"""The `meeting-bot` command: index, ask, chat, check, eval, bench, run, sync, start, invite, report,
forget."""

from __future__ import annotations

import argparse
import errno
import functools
import io
import json
import logging
import os
import re
import shlex
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, TextIO, TypeVar

from pydantic import ValidationError

from bot.config import (
    MAX_SNOWFLAKE,
    Settings,
    chosen_env_file_missing,
    env_file,
    env_file_bad_line,
    env_file_bare_names,
    env_file_unknown_names,
)
from bot.core import loading
from bot.core.answer import (
    DEFAULT_K,
    HISTORY_KEPT,
    MAX_K,
    Answer,
    Answerer,
    BadQuestion,
    EmptyQuestion,
    Query,
    UnreadableQuestion,
    answer_each,
    kept_in_conversation,
)
from bot.core.build import (
    BuildExtrasMissing,
    Paths,
    ensure_encoder,
    index_fresh,
    rebuild,
    tidy,
)
from bot.core.corpus import CorpusError
from bot.core.embedding import EmbeddingError
from bot.core.files import unreadable
from bot.core.index import IndexError_
from bot.core.kinds import QUESTION_KINDS, Kind
from bot.core.replies import UNSURE
from bot.core.text import contains, plain_letters, remove_invisible, replace_controls
from bot.core.training import TrainingDataError
from bot.launch import INTERRUPTED

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported only by the commands that use it
    from bot.core.quotes import QuoteCheck, QuoteChecker
    from bot.store import Store, UsageReport

log = logging.getLogger("bot")
T = TypeVar("T")

EXIT_USAGE = 2
EXIT_FAILURE = 1
MAX_STDIN = 1_000_000  # bytes of standard input read as one question or one text to check
# `ask --batch` answers this many lines per encoder pass, then prints and flushes their lines.
BATCH_GROUP = 32
# A batch whose first bytes hold a NUL is a binary file, not JSON lines (JSON text never holds one).
BINARY_SNIFF = 8192


class UserError(Exception):
    """A problem the person running the command can fix; its message is one sentence."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- loading


def paths_of(settings: Settings) -> Paths:
    """The build paths from settings."""
    return Paths.of(settings)


def load_answerer(settings: Settings) -> Answerer:
    """The serving answerer for these settings (bot.core.loading)."""
    return loading.load_answerer(paths_of(settings), settings.encoder_threads)


# ---------------------------------------------------------------- output


def answer_json(answer: Answer) -> dict:
    """The JSON object of an answer (the `--json` and `--batch` format)."""
    return {
        "question": answer.question,
        "kind": answer.kind,
        "answered": answer.answered,
        "reply": answer.reply,
        "highlight": answer.highlight,
        "excerpts": [
            {
                "rank": e.rank,
                "text": e.text,
                "citation": e.citation,
                "section": e.section,
                "paragraph": e.paragraph,
                "score": e.score,
                "chunk_id": e.chunk_id,
            }
            for e in answer.shown
        ],
        "contents": [{"section": h.title, "citation": h.citation} for h in answer.contents],
        "examples": list(answer.examples),
        "truncated": answer.truncated,
        "confidence": answer.confidence,
        "sure": answer.sure,  # the abstainer's stricter bar, for answering unasked in an ask-channel
        "named": answer.named,  # ... where the question must also name something of the article
        "continues": answer.continues,
    }


HOW_TO_ASK = (
    'Ask one question with {cmd} ask "When was the meeting?", or type questions one per line in '
    "{cmd} chat, where a follow-up is read with the questions before it. Nothing you ask here is stored."
)


@functools.cache
def command_name() -> str:
    """How to type this command here: `meeting-bot` when the shell finds it, else the path it was run by
    (`.venv/bin/meeting-bot` outside the virtual environment), or the interpreter's with `-m bot`; quoted
    for the shell where a path needs it."""
    ran = Path(sys.argv[0])
    found = shutil.which("meeting-bot")
    if found and (ran.name != "meeting-bot" or _same_file(Path(found), ran)):
        return "meeting-bot"
    if ran.name == "meeting-bot":
        return shlex.quote(_typed_path(ran))
    python = shutil.which("python")
    if python and Path(python).absolute() == Path(sys.executable).absolute():
        return "python -m bot"
    return f"{shlex.quote(_typed_path(Path(sys.executable)))} -m bot"


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths are one existing file (a hard link, say)."""
    try:
        return a.samefile(b)
    except OSError:  # either is missing or unreadable
        return False


def _typed_path(path: Path) -> str:
    """A path as typed at a prompt in the current folder: relative, with ./ when it has no folder; absolute
    when the current folder is gone."""
    try:
        typed = os.path.relpath(path) if path.is_absolute() else str(path)
    except OSError:  # the current folder was deleted: only an absolute path gets here, and stays so
        return str(path)
    return typed if os.sep in typed else f".{os.sep}{typed}"


def answer_text(answer: Answer, bold: bool = False) -> str:
    """A terminal rendering: the answering sentence, then numbered excerpts with citations."""
    on, off = ("\033[1m", "\033[0m") if bold else ("", "")
    lines = []
    if answer.truncated:
        lines.append("(Your question was over 2,000 characters; it was cut and answered up to there.)")
    if answer.continues and answer.reply:
        lines.append(answer.reply)
    elif answer.kind == Kind.ANSWER:
        if not answer.sure:
            lines.append(UNSURE)
        lines.append(f"» {on}{answer.highlight}{off}" if answer.highlight else "» See the excerpts below.")
    elif answer.reply:
        lines.append(answer.reply)
    if answer.kind == Kind.HELP:
        lines += ["", HOW_TO_ASK.format(cmd=command_name())]
    for e in answer.shown:
        text = e.text
        if e.highlight and bold:
            a, b = e.highlight
            text = f"{text[:a]}{on}{text[a:b]}{off}{text[b:]}"
        lines += ["", f"[{e.rank}] {text}", f"    — {e.citation}"]
    if answer.contents:
        lines += ["", "Sections:"] + [f"  • {h.citation}" for h in answer.contents]
    if answer.examples:
        lines += ["", "For example:"] + [f"  • {q}" for q in answer.examples]
    if answer.sources and answer.kind in (*QUESTION_KINDS, Kind.OVERVIEW) and answer.excerpts:
        s = answer.sources[0]
        lines += ["", f"Source: {s.title} ({s.source}); meeting of {s.date}."]
    return "\n".join(lines)


# ---------------------------------------------------------------- logging

# Interaction and webhook tokens travel in Discord's URLs: /webhooks/<app id>/<token>, and
# /interactions/<id>/<token>/callback. An error on such a request quotes the URL.
_TOKEN_IN_URL = re.compile(r"(/(?:webhooks|interactions)/\d+/)[^/?\s'\"]+")


class RedactingFormatter(logging.Formatter):
    """Formats as the formatter it wraps, with interaction tokens cut out of messages and tracebacks."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return _TOKEN_IN_URL.sub(r"\1<token>", self.inner.format(record))


# ---------------------------------------------------------------- commands


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Export the encoder if needed and (re)build the index and retrieval model."""
    from tqdm import tqdm

    paths = paths_of(settings)
    _not_over_the_store(paths.index, settings)
    if ensure_encoder(paths.encoder, settings.encoder_threads):
        print(f"Exported the ONNX encoder to {paths.encoder}.")
    if args.if_needed and index_fresh(paths):
        tidy(paths.index)  # what a killed rebuild left beside it
        print(f"The index in {paths.index} is up to date.")
        return 0
    bars: list[tqdm] = []

    def progress(total: int) -> Callable[[int], None]:
        bar = tqdm(total=total, desc="Embedding", unit="text", disable=None)
        bars.append(bar)
        return bar.update

    try:
        manifest = rebuild(paths, progress)
    finally:
        for bar in bars:
            bar.close()
    print(f"Index built in {paths.index}: {manifest.chunks} chunks, {manifest.sentences} sentences.")
    return 0


def _not_over_the_store(index: Path, settings: Settings) -> None:
    """UserError if the question store keeps a file in the index folder, which a build replaces whole."""
    from bot.store import StoreError, store_files

    try:
        folder = index.expanduser().resolve()
        inside = [f for f in store_files(settings) if folder in f.expanduser().resolve().parents]
    except (OSError, RuntimeError, ValueError, StoreError):
        return  # a name that cannot be resolved is met, and told, where the index is written
    if inside:
        raise UserError(
            f"INDEX_DIR {index} holds the question store's {inside[0].name}, and a build replaces the "
            "folder whole; keep DATA_DIR (and DATABASE_URL) out of INDEX_DIR.",
            EXIT_USAGE,
        )


# A line longer than this is refused without being held whole (a question is cut at 2,000 characters,
# and a batch line with its history stays far below this).
MAX_LINE = 1_000_000


# A line shorter than this is not judged binary: a stray NUL line ("\x00") is that line's own error.
BINARY_LINE = 32
TOO_LONG = f"That line is over {MAX_LINE:,} characters; it was skipped."
BINARY_INPUT = "The standard input holds binary data, not questions (one per line)."


def bounded_lines(source: Any, binary_stops: bool = False) -> Iterator[bytes | str | None]:
    """The lines of a text or bytes stream, never holding more than MAX_LINE of one: an over-long line
    comes back as None as soon as it is seen to be one, and is then read and dropped a piece at a time.
    With `binary_stops`, a line of BINARY_LINE bytes or more that is binary data is a UserError instead:
    /dev/zero after some questions is one line that may never end, and random bytes break into short
    lines that each failed as not UTF-8 (a review: 11,606 such replies); a stray bad byte or NUL in a
    line of text, or a short line of them, is that line's own."""
    while line := source.readline(MAX_LINE + 1):
        newline = b"\n" if isinstance(line, bytes) else "\n"
        over_long = len(line) > MAX_LINE and not line.endswith(newline)
        if binary_stops and (over_long or len(line) >= BINARY_LINE):
            sample = line[:BINARY_SNIFF] if over_long else line  # an over-long line is judged by its start
            if _looks_binary(
                sample if isinstance(sample, bytes) else sample.encode("utf-8", "surrogateescape")
            ):
                raise UserError(BINARY_INPUT, EXIT_USAGE)
        if over_long:
            yield None
            while (rest := source.readline(MAX_LINE)) and not rest.endswith(newline):
                pass
            continue
        yield line


BINARY_REST = "The rest of the input is binary data, not JSON lines; the lines before it were answered."
_BINARY_REST = b"\0binary"  # stands for the binary rest of a batch among its lines (no line is this)


def _read_batch(source: Any) -> Iterator[tuple[int, bytes | str | None]]:
    """The batch's numbered lines that hold something; binary data after them (/dev/zero, which never
    ends, or random bytes) ends them with _BINARY_REST, so that the lines before it are still answered."""
    n = 0
    try:
        for n, line in enumerate(bounded_lines(source, binary_stops=True), 1):  # noqa: B007
            if line is None or line.strip():
                yield n, line
    except UserError:
        yield n + 1, _BINARY_REST


def _batch_item(n: int, line: bytes | str | None, k: int) -> tuple[Query | None, dict | None]:
    """The query of one batch line (its question and optional history), or an error object for it."""
    if line is None:
        return None, {"line": n, "error": TOO_LONG}
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            return None, {"line": n, "error": "This line is not UTF-8 text."}
    try:
        item = json.loads(line.removeprefix("\ufeff"))  # the byte-order mark an editor writes first
    except RecursionError:
        return None, {"line": n, "error": "This line nests too deeply to be read as JSON."}
    except ValueError:
        return None, {"line": n, "error": "This line is not valid JSON."}
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        return None, {"line": n, "error": 'This line needs a "question" string.'}
    # "history": the earlier user messages of the conversation, oldest first.
    history = item.get("history")
    if history is None:  # absent or null: no earlier messages
        history = []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        return None, {
            "line": n,
            "error": 'The "history" must be a list of strings (earlier messages, oldest first).',
        }
    # "k": this line's number of excerpts (absent or null: the command's -k).
    line_k = item.get("k")
    if line_k is None:
        line_k = k
    if type(line_k) is float and line_k.is_integer():  # 2.0, as some JSON writers put 2
        line_k = int(line_k)
    if type(line_k) is not int or not 1 <= line_k <= MAX_K:
        return None, {"line": n, "error": f'The "k" must be a whole number from 1 to {MAX_K}.'}
    try:
        return Query.of(item["question"], history, line_k), None
    except BadQuestion as exc:
        return None, _line_error(n, exc)


def _line_error(n: int, exc: Exception) -> dict:
    """The error object of a batch line whose question could not be answered."""
    if isinstance(exc, EmptyQuestion):
        return {"line": n, "error": "The question is empty."}
    if isinstance(exc, BadQuestion):
        return {"line": n, "error": str(exc)}
    log.error("batch line %d could not be answered: %.200r", n, exc)
    return {"line": n, "error": f"This question could not be answered ({type(exc).__name__})."}


def _answer_batch(answerer: Answerer, source: Iterable[bytes | str], k: int, out: TextIO) -> None:
    """Answer JSON lines BATCH_GROUP at a time, printing each group's lines in input order, then flushing."""
    lines = _read_batch(source)
    while group := list(islice(lines, BATCH_GROUP)):
        binary_rest = group[-1][1] is _BINARY_REST
        group = group[:-1] if binary_rest else group
        items = [_batch_item(n, line, k) for n, line in group]
        queries = [q for q, _ in items if q is not None]
        answers = iter(answer_each(answerer, queries) if queries else ())
        for (n, _), (q, err) in zip(group, items, strict=True):
            if q is None:
                obj = err
            else:
                result = next(answers)
                obj = answer_json(result) if isinstance(result, Answer) else _line_error(n, result)
            print(json.dumps(obj, ensure_ascii=False), file=out)
        out.flush()
        if binary_rest:
            raise UserError(BINARY_REST, EXIT_USAGE)


def standard_input() -> TextIO:
    """sys.stdin, or a UserError when the command was started with it closed (`<&-`), where Python
    leaves it None."""
    if sys.stdin is None:
        raise UserError("There is no standard input to read from; it was closed.", EXIT_USAGE)
    return sys.stdin


def standard_output() -> TextIO:
    """sys.stdout, or a UserError when the command was started with it closed (`>&-`), where Python
    leaves it None: an answer would have nowhere to go."""
    if sys.stdout is None:
        raise UserError("There is no standard output to write to; it was closed.", EXIT_USAGE)
    return sys.stdout


# Writing the output failed for want of room: said in one sentence, not as an unexpected failure.
_NO_ROOM = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
# The commands whose output is what they are for: with standard output closed there is no point running
# them. The others (building the index, serving, registering commands, forgetting a user) do their work
# and write their few lines of news nowhere.
_OUTPUT_COMMANDS = frozenset({"ask", "chat", "check", "eval", "invite", "bench", "report", "start"})


def _discard_output() -> None:
    """Send what is still to be written to standard output nowhere: the reader went away or the disk is
    full, and Python would try (and fail) to write it again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno() if sys.stdout is not None else 1)
    except (OSError, ValueError):  # a stand-in stdout without a descriptor (tests)
        pass
    finally:
        os.close(devnull)
    sys.stdout = open(os.devnull, "w")


def read_stdin() -> str:
    """The whole standard input as text (`-` in place of a question or a text to check)."""
    stdin = standard_input()
    source = getattr(stdin, "buffer", None)
    data = source.read(MAX_STDIN + 1) if source is not None else stdin.read(MAX_STDIN + 1).encode()
    if len(data) > MAX_STDIN:
        raise UserError(f"The standard input is over {MAX_STDIN:,} bytes; give a shorter text.", EXIT_USAGE)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            "The standard input is not UTF-8 text; paste it again as plain text.", EXIT_USAGE
        ) from exc


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question (`-` reads it from stdin), or a batch of JSON lines."""
    # Its words as typed, with or without quotes: `ask how old is mamdani` is one question (a trial).
    words = " ".join(args.question) if args.question else None
    if args.batch is not None and words is not None:
        raise UserError("Give either a question or --batch FILE, not both.", EXIT_USAGE)
    question = read_stdin() if words == "-" else words
    if args.batch is None and (question is None or not question.strip()):
        raise UserError(
            f"The question is empty; ask one, for example: {command_name()} ask when did they meet.",
            EXIT_USAGE,
        )
    _check_k(args.k)
    answerer = load_answerer(settings)
    if question is not None:
        answer = answerer.ask(question, args.k)
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False))
        else:
            print(answer_text(answer, bold=sys.stdout.isatty()))
        return 0
    with _open_batch(args.batch) as source:
        _answer_batch(answerer, source, args.k, sys.stdout)
    return 0


def _open_batch(path: str) -> BinaryIO | TextIO:
    """The batch input as bytes (each line is decoded on its own); a binary file is refused."""
    if path == "-":
        stdin = standard_input()
        source: BinaryIO | TextIO = getattr(stdin, "buffer", stdin)
        name = "The standard input"
    else:
        try:
            source = open(path, "rb")  # closed by the caller's `with`
        except OSError as exc:
            raise UserError(f"Cannot read {path}: {exc.strerror}.", EXIT_USAGE) from exc
        name = path
    peek = getattr(source, "peek", None)
    if peek is not None and _starts_binary(peek(BINARY_SNIFF)[:BINARY_SNIFF]):
        source.close()
        raise UserError(
            f"{name} holds binary data, not JSON lines (one question object per line).", EXIT_USAGE
        )
    return source


def _looks_binary(block: bytes) -> bool:
    """Whether the start of a batch, or of a chat line, is binary: NUL bytes among many bytes that are not
    UTF-8 (an image, random bytes), or so many NULs that it is no text (/dev/zero, UTF-16). A stray NUL
    line, or one line that is not UTF-8, is only that line's error."""
    if b"\0" not in block:
        return False
    not_utf8 = block.decode("utf-8", errors="replace").count("\ufffd")
    return block.count(b"\0") * 4 > len(block) or not_utf8 * 8 > len(block)


def _starts_binary(block: bytes) -> bool:
    """Whether input beginning with this block is binary from its first line: a first line of text
    (UTF-8, no NUL, ended) is read and answered, and binary data after it ends the reading there (a
    trial: "who is mamdani" followed by random bytes was refused whole)."""
    first, ended, _ = block.partition(b"\n")
    if ended and b"\0" not in first:
        try:
            first.decode("utf-8")
            return False
        except UnicodeDecodeError:
            pass
    return _looks_binary(block)


# A line that is only one of these ends the terminal chat, as end of input does.
QUIT_LINES = frozenset({"quit", "exit", "/quit", "/exit", ":q"})


def _check_k(k: int) -> None:
    """UserError unless `-k` is a number of excerpts an answer can show."""
    if not 1 <= k <= MAX_K:
        raise UserError(f"-k must be between 1 and {MAX_K}.", EXIT_USAGE)


def chat_loop(answerer: Answerer, source: TextIO, out: TextIO, k: int = DEFAULT_K) -> None:
    """Answer each line typed as a question (with up to `k` excerpts, and `k` more a page), until end of
    input or "quit"; read like a DM, with follow-ups."""
    history: list[str] = []
    for line in bounded_lines(source, binary_stops=True):
        if line is None:
            print(TOO_LONG, file=out, flush=True)
            continue
        if plain_letters(line).strip().rstrip(".!").strip().casefold() in QUIT_LINES:  # "Quit.", "ｑｕｉｔ"
            return
        try:
            answer = answerer.ask(line, k, history=history[-HISTORY_KEPT:])
        except EmptyQuestion:
            continue  # a blank line (or one of only control characters) is not a question
        except UnreadableQuestion as exc:  # bytes that are not UTF-8: say so, and go on to the next line
            print(exc, file=out)
            print(file=out, flush=True)
            continue
        if kept_in_conversation(answer):
            history.append(answer.question)  # only questions (and requests for more) are context
        print(answer_text(answer, bold=out.isatty()), file=out)
        print(file=out, flush=True)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Questions typed in the terminal, one per line, answered as the bot would."""
    k = getattr(args, "k", DEFAULT_K)  # `start` without a token comes here, with no -k of its own
    _check_k(k)
    answerer = load_answerer(settings)
    # Piped binary data (/dev/zero, a file that is no text) is refused, as a batch's is: /dev/zero is one
    # line without end, read and dropped a piece at a time for ever without a word (a trial).
    stdin = standard_input()  # started with its standard input closed (`<&-`): said in one line
    peek = None if stdin.isatty() else getattr(getattr(stdin, "buffer", None), "peek", None)
    if peek is not None and _starts_binary(peek(BINARY_SNIFF)[:BINARY_SNIFF]):
        raise UserError(BINARY_INPUT, EXIT_USAGE)
    if isinstance(stdin, io.TextIOWrapper):
        # A byte that is not UTF-8 becomes a lone surrogate, refused for its own line, instead of
        # ending the chat.
        stdin.reconfigure(errors="surrogateescape")
    if stdin.isatty():
        print("Ask about the Trump–Mamdani meeting, one question per line (“quit” or Ctrl-D to leave).")
    chat_loop(answerer, stdin, sys.stdout, k)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Retrieval figures on a question set in the dev.jsonl format, or on follow-up pairs."""
    from bot.core.evaluation import (
        evaluate,
        evaluate_contacts,
        is_first_contact_file,
        is_followup_file,
        read_contacts,
    )
    from bot.core.training import read_questions

    path = Path(args.file)
    if not path.is_file():
        what = (
            "a folder, not a question file"
            if path.is_dir()
            else "not a regular file"
            if path.exists()
            else "not there"
        )
        raise UserError(f"{path} is {what}.", EXIT_USAGE)
    _require_examples(path)  # an empty file has no format to go by: say so before guessing one
    if is_followup_file(path):
        return _eval_followups(args, settings, path)
    if _is_quotes_file(path):
        return _eval_quotes(args, settings, path)
    first_contact = is_first_contact_file(path)
    items = _examples(path, read_contacts if first_contact else read_questions)
    answerer = load_answerer(settings)
    report = evaluate_contacts(answerer, items) if first_contact else evaluate(answerer, items)
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False))
        return 0
    if first_contact:
        print(
            f"{path}: {report.answerable} basic questions, {report.intents} greetings/help/summary/"
            f"non-English messages, {report.off_topic} off-topic questions"
        )
    else:
        print(f"{path}: {report.answerable} answerable, {report.unanswerable} unanswerable questions")

    def rate(value: float, of: int) -> str:
        return f"{value:.3f}" if of else "n/a  "  # a rate of no questions is not 0

    print(f"  hit@1           {rate(report.hit1, report.answerable)}")
    print(f"  hit@3           {rate(report.hit3, report.answerable)}")
    print(f"  MRR@5           {rate(report.mrr5, report.answerable)}")
    print(
        f"  highlight@gold  {rate(report.highlight, report.answerable)}  "
        "(the bold line shares 60% with a gold place)"
    )
    print(f"  answered        {rate(report.answered, report.answerable)}  (of answerable questions)")
    if first_contact:
        print(f"  intents right   {rate(report.intents_right, report.intents)}  (reply of an expected kind)")
        print(f"  off-topic       {rate(report.off_topic_declined, report.off_topic)}  (declined)")
        if report.several:
            print(f"  all parts shown {rate(report.parts_shown, report.several)}  (of questions with parts)")
    else:
        print(f"  abstained       {rate(report.abstained, report.unanswerable)}  (of unanswerable questions)")
    if report.misses:
        print("Misses:")
        for m in report.misses:
            print(f"  {m.id:>6}  {m.problem:<26} {m.question}")

    def reachable(gold: str) -> bool:
        return any(contains(c.text, gold) for c in answerer.index.chunks)

    # A question whose gold is in no passage (a typo, a heading) can only miss; say so, not only "miss".
    lost = [
        item
        for item in items
        if item.gold
        and not (all if getattr(item, "gold_all", False) else any)(reachable(g) for g in item.gold)
    ]
    if lost:
        print(
            f"Note: {len(lost)} question(s) have gold text in no passage of the index, e.g. "
            f"{lost[0].text!r} ({lost[0].gold[0]!r}); they can only miss."
        )
    return 0


def _examples(path: Path, read: Callable[[Path], Sequence[T]]) -> Sequence[T]:
    """The examples `read` finds in the file; a usage error when it has a bad line or none."""
    try:
        items = read(path)
    except ValueError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    _require_examples(path, items)
    return items


def _require_examples(path: Path, items: Sequence[object] | None = None) -> None:
    """A usage error when the file holds no examples: no line but blank ones (or none read from it)."""
    if items is None:
        try:
            with path.open("rb") as f:
                blank = all(not line.removeprefix(b"\xef\xbb\xbf").strip() for line in f)
        except OSError:
            return  # unreadable: the reader of its format says so, naming the file
    else:
        blank = not items
    if blank:
        raise UserError(f"{path} holds no examples: it is empty or has only blank lines.", EXIT_USAGE)


def _eval_followups(args: argparse.Namespace, settings: Settings, path: Path) -> int:
    """hit@1 of follow-ups read after their first question and read alone."""
    from bot.core.evaluation import evaluate_followups, read_followups

    pairs = _examples(path, read_followups)
    report = evaluate_followups(load_answerer(settings), pairs)
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False))
        return 0
    print(f"{path}: {report.n} follow-up pairs, {report.dependent} that need the question before")
    print("                        with context  follow-up alone")
    r = report
    answerable = r.dependent + r.standalone
    rows = [  # (name, with context, alone, how many the rates are of: none is "n/a", not 0)
        (f"hit@1 ({r.dependent} in context)", r.hit1_with, r.hit1_without, r.dependent),
        (
            f"hit@1 ({r.standalone} standalone)",
            r.standalone_hit1_with,
            r.standalone_hit1_without,
            r.standalone,
        ),
        ("answered", report.answered_with, report.answered_without, answerable),
    ]
    if report.unanswerable:
        rows.append(
            (
                f"abstained ({report.unanswerable})",
                report.abstained_with,
                report.abstained_without,
                report.unanswerable,
            )
        )
    for name, with_context, alone, of in rows:
        figures = f"{with_context:>8.3f}{alone:>14.3f}" if of else f"{'n/a':>8}{'n/a':>14}"
        print(f"  {name:<22}{figures}")
    if report.misses:
        print("Misses (with context):")
        for m in report.misses:
            print(f"  {m.id:>6}  {m.problem:<26} {m.followup}")
    return 0


# ---------------------------------------------------------------- the quote check


def _is_quotes_file(path: Path) -> bool:
    from bot.core.evaluation import is_quotes_file

    return is_quotes_file(path)


def load_checker(settings: Settings) -> QuoteChecker:
    """The quote checker over the serving index and encoder."""
    from bot.core.quotes import QuoteChecker

    answerer = load_answerer(settings)
    return QuoteChecker(answerer.index, answerer.retriever.embedder)


def check_json(result: QuoteCheck) -> dict:
    """The JSON object of a quote check (the `check --json` format)."""
    return {
        "text": result.text,
        "spans": [
            {
                "quote": s.quote,
                "verdict": s.verdict,
                "article_text": s.article_text,
                "citation": s.citation,
                "chunk_id": s.chunk_id,
                "similarity": s.similarity,
                "meaning": s.meaning,
                "differs": [{"said": d.said, "article": d.article} for d in s.differs],
                "speaker": s.speaker,
                "claimed": s.claimed,
                "misattributed": s.misattributed,
                "truncated": s.truncated,
            }
            for s in result.spans
        ],
        "unchecked": result.unchecked,
        "too_short": result.too_short,
        "truncated": result.truncated,
    }


VERDICT_LINES = {
    "verbatim": "in the article, word for word",
    "close": "close, but not word for word: the article's words differ",
    "absent": "not in the article",
}


def check_text(result: QuoteCheck) -> str:
    """A terminal rendering of a quote check: each span, its verdict, the article's words and citation."""
    from bot.core.quotes import difference_note, speaker_note, too_short_note

    lines = []
    if result.truncated:
        lines.append("(The text was over 4,000 characters; it was checked up to there.)")
    for n, s in enumerate(result.spans, 1):
        if lines:
            lines.append("")
        quote = " ".join(s.quote.split())  # on one line: a quote's line breaks could pose as verdicts
        lines.append(f"[{n}] “{quote}”" + (" (only its first words were checked)" if s.truncated else ""))
        lines.append(f"    {VERDICT_LINES[s.verdict]}")
        label = "nearest passage" if s.verdict == "absent" else "the article"
        lines.append(f"    {label}: {s.article_text}")
        lines.append(f"    — {s.citation}")
        if s.differs:
            lines.append("    differs: " + "; ".join(difference_note(d) for d in s.differs))
        if who := speaker_note(s):
            lines.append(f"    {who}")
    if result.unchecked:
        lines += ["", f"({result.unchecked} more quoted passages were not checked.)"]
    if result.too_short:
        lines += ["", f"({too_short_note(result.too_short)})"]
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Check a quote (or each quoted passage of a text) against the article."""
    from bot.core.quotes import BadText, EmptyText

    # Its words as typed, with or without quotes around the whole, as `ask` takes a question.
    words = " ".join(args.text)
    text = read_stdin() if words == "-" else words
    if not text or not text.strip():
        raise UserError(
            f"There is nothing to check; give a quote like `{command_name()} check 'Trump said \"…\"'`.",
            EXIT_USAGE,
        )
    checker = load_checker(settings)
    try:
        result = checker.check(text)
    except EmptyText as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    except BadText as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    if args.json:
        print(json.dumps(check_json(result), ensure_ascii=False))
    else:
        print(check_text(result))
    return 0


def _eval_quotes(args: argparse.Namespace, settings: Settings, path: Path) -> int:
    """Verdict accuracy and the confusion table on a quote set."""
    from bot.core.evaluation import evaluate_quotes, read_quote_examples
    from bot.core.quotes import VERDICTS

    examples = _examples(path, read_quote_examples)
    report = evaluate_quotes(load_checker(settings), examples)
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False))
        return 0
    print(f"{path}: {report.n} quotes")
    print(f"  verdict accuracy  {report.accuracy:.3f}")
    if report.speakers:
        print(f"  speaker named     {report.speakers_right:.3f}  (of {report.speakers} that give one)")
    if report.claims:
        r = report
        print(f"  claimed speaker   {r.claims_right:.3f}  (of {r.claims} that say whom the message names)")
        print(
            f"  misattributions   {r.false_corrections} said where the message was right, "
            f"{r.missed_corrections} missed  (of {r.misattributions} wrong names)"
        )
    ranges = []
    if report.lowest_close is not None:
        ranges.append(f"close ≥ {report.lowest_close:.2f}")
    if report.highest_absent is not None:
        ranges.append(f"absent ≤ {report.highest_absent:.2f}")
    if ranges:  # a set without close or absent quotes has no range to show
        which = " and ".join(
            w
            for w, shown in (
                ("the lowest of the close quotes", report.lowest_close is not None),
                ("the highest of the absent ones", report.highest_absent is not None),
            )
            if shown
        )
        print(f"  similarity        {', '.join(ranges)}  ({which})")
    columns = (*VERDICTS, "none")
    print("  expected \\ given " + "".join(f"{c:>10}" for c in columns))
    for v in VERDICTS:
        print(f"  {v:<17}" + "".join(f"{report.confusion[v][c]:>10}" for c in columns))
    if report.misses:
        print("Misses:")
        for m in report.misses:
            print(f"  {m.id:>6}  {m.problem:<34} {m.quote[:80]}")
    return 0


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """Serve Discord when a token is configured, else answer questions typed in the terminal."""
    if settings.token:
        return cmd_run(args, settings)
    print("No DISCORD_TOKEN set: answering questions typed here instead.", file=sys.stderr)
    if not args.debug:
        logging.getLogger().setLevel(logging.WARNING)  # the terminal is for answers, not library chatter
    return cmd_chat(args, settings)


def _require_token(settings: Settings) -> None:
    """UserError unless a Discord token is set: checked before anything is loaded or created."""
    if not settings.token:
        raise UserError("DISCORD_TOKEN is not set; put it in .env or the environment (see .env.example).")


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Connect to Discord and serve."""
    from bot.chat.client import DiscordUnavailable, run_bot

    _require_token(settings)
    answerer = load_answerer(settings)
    store = _open_store(settings)
    try:
        run_bot(settings, answerer, store, lambda: load_answerer(settings))
    except DiscordUnavailable as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Register the slash commands with Discord now."""
    from bot.chat.client import DiscordUnavailable, sync_commands

    _require_token(settings)
    answerer = load_answerer(settings)
    store = _open_store(settings)
    try:
        where = sync_commands(settings, answerer, store)
    except DiscordUnavailable as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    print(f"Slash commands registered for {where}.")
    return 0


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    """Print the link that adds the bot to a server, with exactly the permissions it needs."""
    from bot.chat.permissions import id_from_token, invite_url

    client_id = settings.discord_application_id or id_from_token(settings.token)
    if client_id is None:
        where = (
            "DISCORD_TOKEN does not hold one (it is not a bot token)"
            if settings.token
            else "no DISCORD_TOKEN is set, which would carry it"
        )
        raise UserError(
            "No application id: set DISCORD_APPLICATION_ID (Developer Portal → General Information → "
            f"Application ID) in .env or the environment; {where}.",
            EXIT_USAGE,
        )
    print(invite_url(client_id))
    return 0


# The scale test's synthetic index holds 384 float32s a chunk: 5 million are about 7.7 GB.
MAX_SCALE = 5_000_000
# Each run starts fresh processes (about 6 s for both paths); the memory test reads about 37 questions
# a second. Past these, a typo ran until stopped.
MAX_RUNS = 100
MAX_RSS_QUESTIONS = 1_000_000


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Measure cold start, latency, throughput and memory against the plain approach."""
    from bot.bench import RSS_FIRST, run_bench

    if not 1 <= args.runs <= MAX_RUNS:
        raise UserError(f"--runs must be at least 1 and at most {MAX_RUNS}.", EXIT_USAGE)
    if not 0 <= args.scale <= MAX_SCALE:  # 100 billion ran until stopped (a trial)
        raise UserError(
            f"--scale must be 0 (skip the scale test) or more chunks, at most {MAX_SCALE:,}.", EXIT_USAGE
        )
    if args.rss_questions and not RSS_FIRST < args.rss_questions <= MAX_RSS_QUESTIONS:
        raise UserError(
            f"--rss-questions must be 0 (skip it) or more than {RSS_FIRST}, at most {MAX_RSS_QUESTIONS:,}.",
            EXIT_USAGE,
        )
    return run_bench(settings, args)


def _open_store(settings: Settings, create: bool = True, reads_only: bool = False) -> Store:
    """The store from settings, old rows already deleted; its failures as one sentence (`create`: make a
    missing SQLite file, as serving does; reading and deleting do not; `reads_only`: a copy that cannot be
    pruned is read as it is)."""
    from bot.store import StoreError, open_store

    try:
        return open_store(settings, create, reads_only)
    except StoreError as exc:
        raise UserError(str(exc)) from exc


def report_json(report: UsageReport, retention_days: int, database_found: bool = True) -> dict:
    """The JSON object of a usage report (the `report --json` format). `database_found` is false when
    there was no database to read (none made yet, or a mistyped DATA_DIR), so zero is not taken for a
    count."""
    return {
        "generated_at": report.generated_at.isoformat(),
        "database_found": database_found,
        "retention_days": retention_days,
        "questions": report.questions,
        "abstained": report.abstained,
        "abstention_rate": round(report.abstention_rate, 4),
        "more_requests": report.more_requests,
        "kinds": {k.kind: k.count for k in report.kinds},
        "votes_up": report.votes_up,
        "votes_down": report.votes_down,
        "per_day": [
            {"day": d.day.isoformat(), "questions": d.questions, "abstained": d.abstained}
            for d in report.per_day
        ],
        "section_votes": [{"section": v.section, "up": v.up, "down": v.down} for v in report.section_votes],
        "top_unanswered": [
            {"question": g.question, "count": g.count, "examples": list(g.examples)}
            for g in report.top_unanswered
        ],
    }


NONE_STORED = "No questions stored yet (the Discord bot stores what it answers)."


def _as_shown(stored: str) -> str:
    """A stored question for the terminal on one line: no escape sequence nor bidirectional override
    reaches it (rows written by an older version or another client may hold them; a trial)."""
    return " ".join(remove_invisible(replace_controls(stored)).split())


def report_text(report: UsageReport, retention_days: int) -> str:
    """A terminal rendering of the usage report."""
    kept = f"the last {retention_days} days" if retention_days else "everything (RETENTION_DAYS=0)"
    lines = [f"Usage report, {report.generated_at:%Y-%m-%d %H:%M} UTC; the store keeps {kept}."]
    if not report.questions and not report.more_requests:
        # The command line answers without storing: only the Discord bot keeps what it answered.
        return "\n".join([*lines, "", NONE_STORED])
    lines += [
        "",
        f"{report.questions_said}, {report.abstained} abstained ({report.abstention_rate:.1%})"
        f"{report.more_said}; votes: {report.votes_up} 👍, {report.votes_down} 👎.",
        "Replies by kind: " + ", ".join(f"{k.kind} {k.count}" for k in report.kinds) + ".",
        "",
        "Questions per day (UTC):",
    ]
    lines += [f"  {d.day.isoformat()}  {d.questions:>6}  ({d.abstained} abstained)" for d in report.per_day]
    lines += ["", "Votes per cited section (a vote counts for each section the answer cited):"]
    if report.section_votes:
        width = max(len(v.section) for v in report.section_votes)
        lines += [f"  {v.section:<{width}}  {v.up:>5} 👍 {v.down:>5} 👎" for v in report.section_votes]
    else:
        lines.append("  no votes yet")
    lines += ["", "Most asked questions the article didn't answer (near-duplicates grouped):"]
    if report.top_unanswered:
        for g in report.top_unanswered:
            lines.append(f"  {g.count:>5}×  {_as_shown(g.question)}")
            lines += [f"          also: {_as_shown(e)}" for e in g.examples]
    else:
        lines.append("  none")
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Questions per day, abstention rate, votes per section and unanswered questions, after retention."""
    from bot.store import Store, StoreError, StoreMissing, open_store

    if args.png is not None:
        _not_a_store_file(args.png, settings)
    missing = False
    try:
        store = open_store(settings, create=False, reads_only=True)
    except StoreMissing:  # none made yet, or a mistyped DATA_DIR: an empty report, which says where
        missing = True
        store = Store.open("sqlite://", b"none kept")
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    try:
        report = store.report(retention_days=settings.retention_days)
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    written = write_chart(report, args.png) if args.png is not None else None
    if args.json:
        print(json.dumps(report_json(report, settings.retention_days, not missing), ensure_ascii=False))
    else:
        text = report_text(report, settings.retention_days)
        if missing:
            text = text.replace(
                NONE_STORED,
                f"No questions stored yet: there is no database in DATA_DIR "
                f"{settings.data_dir} (the Discord bot makes it, and stores what it answers).",
            )
        print(text)
        if written:
            print(f"\nChart written to {args.png} ({written / 1024:.0f} kB).")
    return 0


def _not_a_store_file(path: str, settings: Settings) -> None:
    """UserError if the chart would be written over the database, its journal or the salt file."""
    from bot.store import StoreError, store_files

    try:
        target = Path(path).expanduser().resolve()
        files = store_files(settings)
        clash = next((f for f in files if f.resolve() == target or _same_file(f, target)), None)
    except (OSError, RuntimeError, ValueError, StoreError):
        return  # a name that cannot be resolved is met, and told, where the chart is written
    if clash is not None:
        raise UserError(
            f"--png {path} is the question store's own file ({clash}); write the chart to another file.",
            EXIT_USAGE,
        )


def write_chart(report: UsageReport, path: str) -> int:
    """`report --png FILE`: draw the report's chart (matplotlib, loaded only now) and write it; its size."""
    from bot.chart import ChartUnavailable, draw_chart

    if not path or path == "-" or path.endswith(("/", os.sep)):
        raise UserError("--png needs the name of a file to write (not a folder, not -).", EXIT_USAGE)
    _not_a_file_of_other_content(path)
    try:
        png = draw_chart(report).png
    except ChartUnavailable as exc:
        raise UserError(str(exc)) from exc
    try:
        write_whole(Path(path).expanduser(), png)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UserError(f"Cannot write the chart to {path}: {reason}.") from exc
    return len(png)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _not_a_file_of_other_content(path: str) -> None:
    """UserError if the chart would replace a file that holds something else: an earlier chart or an
    empty file is replaced, a program, a script or a document never (a trial's `--png .venv/bin/python`
    wrote the chart over the Python interpreter its link points to). Devices and pipes are written to."""
    target = Path(path).expanduser()
    try:
        if not target.is_file() or target.stat().st_size == 0 or _is_own_output(target.stat()):
            return  # `--png /dev/stdout >> app.log` appends to the log
        with open(target, "rb") as existing:
            head = existing.read(len(PNG_SIGNATURE))
    except OSError:
        return  # unreadable or gone: met, and told, where the chart is written
    if head != PNG_SIGNATURE:
        raise UserError(
            f"--png {path} is a file that holds something other than a chart; write the chart to a new "
            "file, or remove that one first.",
            EXIT_USAGE,
        )


def write_whole(target: Path, data: bytes) -> None:
    """Write a file whole or not at all: into a temporary file beside it, then renamed over it (through a
    symbolic link, the file it points to). Written in place instead, as a plain write would, whatever
    is not a lone regular file this process may write: a device or pipe (/dev/stdout), this process's
    own output (`--png /dev/stdout >> log` appends), a file with other hard links, or one in a folder
    where no temporary file can be made. A file this user may not write is refused, never replaced."""
    try:
        shown = target.stat() if target.exists() else None
        resolved = target.resolve()
    except RuntimeError as exc:  # a loop of symbolic links
        raise OSError(errno.ELOOP, "a loop of symbolic links") from exc
    if shown is not None:
        if _is_own_output(shown):
            out = sys.stdout if os.path.samestat(shown, os.fstat(sys.stdout.fileno())) else sys.stderr
            out.flush()
            out.buffer.write(data)
            out.buffer.flush()
            return
        if not stat.S_ISREG(shown.st_mode) or shown.st_nlink > 1:
            _write_in_place(target, data)  # a folder raises IsADirectoryError: one sentence from the caller
            return
        if not os.access(resolved, os.W_OK):
            raise PermissionError(errno.EACCES, "Permission denied")
    mode = stat.S_IMODE(shown.st_mode) if shown is not None else 0o666 & ~_umask()  # a private file stays so
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{resolved.name}.", dir=resolved.parent)
    except PermissionError:
        if shown is None:
            raise
        _write_in_place(resolved, data)  # the folder is closed to new files, the file itself is not
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, resolved)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _is_own_output(st: os.stat_result) -> bool:
    """Whether a file is what this process's standard output or error already writes to."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if os.path.samestat(st, os.fstat(stream.fileno())):
                return True
        except (OSError, ValueError, AttributeError):  # no real file behind the stream (a test's capture)
            continue
    return False


def _write_in_place(target: Path, data: bytes) -> None:
    with open(target, "wb") as out:
        out.write(data)


def _umask() -> int:
    """The process's file-creation mask (read by setting it, then set back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def cmd_forget(args: argparse.Namespace, settings: Settings) -> int:
    """Delete every question and vote of one Discord user."""
    from bot.store import StoreError

    # A Discord id is 1 to 2^64 - 1: "0" (a trial) or 99999999999999999999 is nobody's, and deletes nothing.
    if not re.fullmatch(r"[0-9]+", args.user_id):
        raise UserError(
            "USER_ID must be a Discord user id, digits only (e.g. 123456789012345678).", EXIT_USAGE
        )
    digits = args.user_id.lstrip("0")  # "0001" is 1; Python reads no int of over 4,300 digits
    if len(digits) > 20 or not 1 <= int(digits or "0") <= MAX_SNOWFLAKE:
        raise UserError(  # digits, but out of range: "digits only" told a trial nothing it had not done
            f"USER_ID {args.user_id[:24]}{'…' if len(args.user_id) > 24 else ''} is no Discord user id, "
            f"which is a number from 1 to {MAX_SNOWFLAKE} (e.g. 123456789012345678).",
            EXIT_USAGE,
        )
    store = _open_store(settings, create=False)
    try:
        deleted = store.forget(int(args.user_id))
    except StoreError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    print(f"Deleted {deleted} row{'s' if deleted != 1 else ''} (questions and votes) of user {args.user_id}.")
    return 0


# ---------------------------------------------------------------- parsing


class _CommandLineError(Exception):
    """A command line argparse cannot read, as its one sentence (raised out of `parse`'s parsing)."""


class _Parser(argparse.ArgumentParser):
    """argparse, whose errors are one sentence naming the help to read, as every other error here is (it
    printed the top command's usage line first, even for a sub-command's mistake)."""

    commands: dict[str, argparse.ArgumentParser]  # each sub-command's parser, by name

    def error(self, message: str) -> NoReturn:
        raise _CommandLineError(f"{_brief(message.rstrip('.'))}; see `{self.prog} --help`.")


# An error quotes what was typed, briefly: a 1,900-dash word was echoed whole (a trial).
_LONG_WORD = re.compile(r"\S{41,}")
_MAX_ERROR_CHARS = 200


def _brief(message: str) -> str:
    """The message on one line as the terminal may show it (`_as_shown`: no escape sequence, tabs as
    spaces), each word of over 40 characters cut to 40 and the whole to about 200."""
    message = _LONG_WORD.sub(lambda m: m.group()[:39] + "…", _as_shown(message))
    if len(message) <= _MAX_ERROR_CHARS:
        return message
    cut = message.rfind(" ", 0, _MAX_ERROR_CHARS)
    return message[: cut if cut > 0 else _MAX_ERROR_CHARS] + " …"


def build_parser() -> _Parser:
    """The argument parser of every sub-command."""
    p = _Parser(
        prog="meeting-bot",
        description="Answers questions about the Nov 21, 2025 Trump–Mamdani meeting with cited excerpts.",
    )
    p.add_argument("--debug", action="store_true", help="log details and show tracebacks")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p.commands = sub.choices

    s = sub.add_parser("index", help="build the index and retrieval model from corpus/ and train/")
    s.add_argument("--if-needed", action="store_true", help="only when it is missing or stale")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("ask", help="answer a question with cited excerpts")
    s.add_argument(
        "question", nargs="*", help='the question, quoted or not ("-" reads stdin; omit with --batch)'
    )
    s.add_argument("-k", type=int, default=DEFAULT_K, help=f"how many excerpts (default {DEFAULT_K})")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument(
        "--batch",
        metavar="FILE",
        help='JSON lines with a "question" key and optional "history" (earlier messages); - for stdin',
    )
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="answer questions typed one per line until end of input")
    s.add_argument("-k", type=int, default=DEFAULT_K, help=f"how many excerpts (default {DEFAULT_K})")
    s.set_defaults(func=cmd_chat)

    s = sub.add_parser("eval", help="hit@1, hit@3, MRR@5, answer and abstain rates on a question set")
    s.add_argument("file", help="a JSON-lines file in the eval/dev.jsonl format, or follow-up pairs")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("check", help="check a quote against the article: verbatim, close or absent")
    s.add_argument(
        "text",
        nargs="*",
        help='the text to check, quoted or not; its quoted passages are checked one by one ("-" reads stdin)',
    )
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("start", help="run on Discord if DISCORD_TOKEN is set, else chat in the terminal")
    s.set_defaults(func=cmd_start)

    s = sub.add_parser("run", help="connect to Discord and serve")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("sync", help="register the slash commands with Discord")
    s.set_defaults(func=cmd_sync)

    s = sub.add_parser("invite", help="print the link that adds the bot to a server, with its permissions")
    s.set_defaults(func=cmd_invite)

    s = sub.add_parser("bench", help="measure speed and memory against the plain approach")
    s.add_argument("--json", action="store_true", help="print the results as JSON")
    s.add_argument("--runs", type=int, default=5, help="repetitions of each measurement (default 5)")
    s.add_argument("--scale", type=int, default=100_000, help="chunks in the synthetic scale test")
    s.add_argument(
        "--rss-questions",
        type=int,
        default=10_000,
        help="distinct long questions in the memory test (default 10,000; 0 skips it)",
    )
    s.set_defaults(func=cmd_bench)

    s = sub.add_parser(
        "report", help="questions per day, abstentions, votes per section, unanswered questions"
    )
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s.add_argument(
        "--png", metavar="FILE", help="also write the chart (questions per day by kind, votes) as a PNG"
    )
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("forget", help="delete every stored question and vote of one Discord user")
    s.add_argument("user_id", metavar="USER_ID", help="the Discord user id (digits)")
    s.set_defaults(func=cmd_forget)
    return p


def parse(parser: _Parser, argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments; the words of an unquoted question may have options among them (`ask how old -k 1
    is mamdani`): argparse takes the question's first run of words and leaves the rest over, in order."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args, rest = parser.parse_known_args(argv)
        words = _question_words(rest) if args.command in ("ask", "check") else None
        if rest and words is None and rest != ["--"]:  # a lone "--" ends no options and harms none
            # the sub-command's own parser, whose --help lists the options it knows
            command = parser.commands[args.command]
            known = next((w for w in rest if w.split("=")[0] in command._option_string_actions), None)
            if known is not None and known in argv[: argv.index(args.command)]:
                # `meeting-bot --json check x`: an option of the command, typed before it (a trial)
                command.error(f"{known} is an option of {args.command}: put it after the command")
            command.error(f"unrecognized arguments: {' '.join(rest)}")
    except _CommandLineError as exc:
        # With --json among the options, the sentence goes where a program reads the JSON too, as every
        # other error's does (a trial found `ask --json -k abc hi` wrote nothing there).
        options = argv[: argv.index("--") if "--" in argv else len(argv)]
        asked_json = any(w == "--json" or w.startswith("--json=") for w in options)
        _report_error(argparse.Namespace(json=asked_json), exc)
        raise SystemExit(EXIT_USAGE) from None
    if words:
        field = "question" if args.command == "ask" else "text"
        setattr(args, field, [*getattr(args, field), *words])
    return args


_NEGATIVE = re.compile(r"-\d\S*")  # "-5", "-2.5%", "-1e5", "-5k": a word of the question, no option


def _question_words(rest: Sequence[str]) -> list[str] | None:
    """The words of a question left over by argparse, or None if one is an option it does not know: after
    a `--`, every word is the question's; before it, a word with a dash only when a number ("-5")."""
    words, literal = [], False
    for word in rest:
        if word == "--" and not literal:
            literal = True
        elif literal or not word.startswith("-") or word == "-" or _NEGATIVE.fullmatch(word):
            words.append(word)
        else:
            return None
    return words


def _report_error(args: argparse.Namespace, exc: Exception) -> None:
    """The one-sentence error on stderr, and with --json an {"error": …} object on stdout too, so that a
    program reading the JSON meets the error where it reads (a trial found nothing there)."""
    print(f"error: {exc}", file=sys.stderr)
    if getattr(args, "json", False) and sys.stdout is not None:
        try:
            print(json.dumps({"error": str(exc)}, ensure_ascii=False), flush=True)
        except (OSError, ValueError):  # stdout closed or full: stderr has said it
            pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, configure logging once, run, and turn errors into one sentence."""
    args = parse(build_parser(), argv)
    missing = chosen_env_file_missing()
    if missing is not None:
        print(f"error: MEETING_BOT_ENV_FILE names {missing}, which is not a file.", file=sys.stderr)
        return EXIT_USAGE
    bad_line = env_file_bad_line()
    if bad_line is not None:
        path, line = bad_line
        print(
            f"error: line {line} of the settings file {path} cannot be read "
            "(write NAME=value; close any quote).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    # Lines that set nothing, in the file's order: a name that is no setting, or a name with no value.
    warnings: list[tuple[int, str]] = []
    unknown = env_file_unknown_names()
    for line, meant in unknown[1] if unknown is not None else ():
        guess = f", perhaps a typo of {meant}" if meant else ""
        warnings.append(
            (line, f"line {line} of the settings file {unknown[0]} sets no setting{guess}; it is ignored.")
        )
    bare = env_file_bare_names()
    for b in bare[1] if bare is not None else ():
        where = f"line {b.line} of the settings file {bare[0]}"
        if b.named and not b.set_later:
            warned = f"{where} names {b.named} with no value (write NAME=value), so the file leaves it unset."
        else:  # a later line sets it, or it names no setting
            guess = f", perhaps a typo of {b.meant}" if b.meant else ""
            warned = f"{where} has no value (write NAME=value){guess}; it is ignored."
        warnings.append((b.line, warned))
    for _, warned in sorted(warnings, key=lambda w: w[0]):
        print(f"warning: {warned}", file=sys.stderr)
    try:
        settings = Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        reason_ = err["msg"].removeprefix("Value error, ")  # pydantic's prefix to a validator's reason
        if err["loc"]:
            print(f"error: {str(err['loc'][0]).upper()} is invalid: {reason_}.", file=sys.stderr)
        else:  # a rule across settings, which names them
            print(f"error: {reason_}.", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, UnicodeDecodeError) as exc:
        print(
            f"error: the settings file {env_file()} cannot be read as UTF-8 text ({unreadable(exc)}).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    level = getattr(logging, settings.log_level)  # one of the level names (Settings checks it)
    if args.debug:
        level = logging.DEBUG
    elif args.command not in ("run", "start"):
        level = max(level, logging.WARNING)  # library chatter would bury answers in a terminal
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(handler.formatter))
    # discord.py's debug lines carry interaction tokens (in webhook and interaction-callback URLs) and
    # whole gateway payloads: these loggers stay at INFO even under --debug.
    for noisy in ("discord.http", "discord.gateway", "discord.webhook"):
        logging.getLogger(noisy).setLevel(max(level, logging.INFO))
    logging.getLogger("bm25s").setLevel(max(level, logging.WARNING))  # it logs every index build
    needs_output = args.command in _OUTPUT_COMMANDS and not _serves(args, settings)
    if sys.stdout is None and not needs_output:
        sys.stdout = open(os.devnull, "w")  # its work is not its output: done, its news written nowhere
    try:
        if needs_output:
            standard_output()
        code = args.func(args, settings)
        if sys.stdout is not None:
            sys.stdout.flush()  # a full disk or a closed pipe is met here, not at exit
        return code
    except UserError as exc:
        _report_error(args, exc)
        return exc.code
    except BadQuestion as exc:  # empty, or bytes that are not UTF-8
        _report_error(args, exc)
        return EXIT_USAGE
    except (IndexError_, EmbeddingError, CorpusError, BuildExtrasMissing, TrainingDataError) as exc:
        _report_error(args, exc)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`); say nothing more and don't let Python complain at exit.
        _discard_output()
        return 0
    except OSError as exc:
        if args.debug:
            raise
        if exc.errno not in _NO_ROOM:
            if exc.filename is not None and exc.strerror:
                # A file or folder the bot may not read, or a folder where a file was expected: named,
                # with what is wrong (a helper's trial had "something went wrong (PermissionError)").
                name = exc.filename if isinstance(exc.filename, str | bytes) else str(exc.filename)
                # One line, whatever the name: its control characters escaped.
                shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in os.fsdecode(name))
                print(f"error: {shown}: {exc.strerror.lower()}.", file=sys.stderr)
                return EXIT_FAILURE
            return _unexpected(exc)
        print(f"error: the output could not be written: {os.strerror(exc.errno).lower()}.", file=sys.stderr)
        _discard_output()
        return EXIT_FAILURE
    except Exception as exc:
        if args.debug:
            raise
        return _unexpected(exc)


def _serves(args: argparse.Namespace, settings: Settings) -> bool:
    """Whether the command serves Discord, which writes nothing to standard output."""
    return args.command == "start" and bool(settings.token)


def _unexpected(exc: Exception) -> int:
    """One sentence for a failure nothing else explains (the traceback only under --debug)."""
    log.error("unexpected failure: %.200r", exc)  # cut: some errors carry whole inputs
    print(
        f"error: something went wrong ({type(exc).__name__}); run again with --debug for details.",
        file=sys.stderr,
    )
    return EXIT_FAILURE
