"""The `meeting-bot` command: index, ask, chat, eval, bench, run, sync, start."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot.config import Settings
from bot.core.answer import DEFAULT_K, MAX_K, Answer, Answerer, EmptyQuestion, clean_question
from bot.core.build import Paths, encoder_ready, ensure_encoder, index_fresh, rebuild, training_hash
from bot.core.corpus import CorpusError
from bot.core.embedding import MODEL_NAME, EmbeddingError, OnnxEmbedder
from bot.core.index import IndexError_, check_fresh

log = logging.getLogger("bot")

EXIT_USAGE = 2
EXIT_FAILURE = 1


class UserError(Exception):
    """A problem the person running the command can fix; its message is one sentence."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- loading


def paths_of(settings: Settings) -> Paths:
    """The build paths from settings."""
    return Paths(settings.corpus_dir, settings.index_dir, settings.train_dir, settings.encoder_dir)


def load_answerer(settings: Settings) -> Answerer:
    """The serving answerer: a fresh index and the ONNX encoder (no torch)."""
    paths = paths_of(settings)
    check_fresh(paths.index, paths.corpus, training_hash(paths.train), MODEL_NAME)
    if not encoder_ready(paths.encoder):
        raise EmbeddingError(
            f"The ONNX encoder is missing from {paths.encoder}; export it with `meeting-bot index`."
        )
    return Answerer.load(paths.index, OnnxEmbedder(paths.encoder, threads=settings.encoder_threads))


# ---------------------------------------------------------------- output


def answer_json(answer: Answer) -> dict:
    """The JSON object of an answer (the `--json` and `--batch` format)."""
    return {
        "question": answer.question,
        "answered": answer.answered,
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
            for e in answer.excerpts
        ],
        "truncated": answer.truncated,
        "confidence": answer.confidence,
    }


def answer_text(answer: Answer, bold: bool = False) -> str:
    """A terminal rendering: the answering sentence, then numbered excerpts with citations."""
    on, off = ("\033[1m", "\033[0m") if bold else ("", "")
    lines = []
    if answer.truncated:
        lines.append("(Your question was over 2,000 characters; it was cut and answered up to there.)")
    if answer.answered:
        lines.append(f"» {on}{answer.highlight}{off}" if answer.highlight else "» See the excerpts below.")
    else:
        lines.append("The article doesn't say. The closest passages, which may not answer it:")
    for e in answer.excerpts:
        text = e.text
        if e.highlight and bold:
            a, b = e.highlight
            text = f"{text[:a]}{on}{text[a:b]}{off}{text[b:]}"
        lines += ["", f"[{e.rank}] {text}", f"    — {e.citation}"]
    if answer.sources:
        s = answer.sources[0]
        lines += ["", f"Source: {s.title} ({s.source}); meeting of {s.date}."]
    return "\n".join(lines)


# ---------------------------------------------------------------- commands


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Export the encoder if needed and (re)build the index and retrieval model."""
    from tqdm import tqdm

    paths = paths_of(settings)
    if ensure_encoder(paths.encoder):
        print(f"Exported the ONNX encoder to {paths.encoder}.")
    if args.if_needed and index_fresh(paths):
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


def _read_batch(source: TextIO) -> Iterable[tuple[int, str]]:
    for n, line in enumerate(source, 1):
        if line.strip():
            yield n, line


def _batch_item(n: int, line: str) -> tuple[str | None, dict | None]:
    """The question of one batch line, or an error object for that line."""
    try:
        item = json.loads(line)
    except ValueError:
        return None, {"line": n, "error": "This line is not valid JSON."}
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        return None, {"line": n, "error": 'This line needs a "question" string.'}
    try:
        clean_question(item["question"])
    except EmptyQuestion:
        return None, {"line": n, "error": "The question is empty."}
    return item["question"], None


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or a batch of JSON lines."""
    if args.batch is None and (args.question is None or not args.question.strip()):
        raise UserError(
            'The question is empty; ask something like `meeting-bot ask "When was the meeting?"`.', EXIT_USAGE
        )
    if not 1 <= args.k <= MAX_K:
        raise UserError(f"-k must be between 1 and {MAX_K}.", EXIT_USAGE)
    answerer = load_answerer(settings)
    if args.batch is None:
        answer = answerer.ask(args.question, args.k)
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False))
        else:
            print(answer_text(answer, bold=sys.stdout.isatty()))
        return 0
    source = sys.stdin if args.batch == "-" else _open_text(args.batch)
    with source:
        items = [_batch_item(n, line) for n, line in _read_batch(source)]
    questions = [q for q, err in items if q is not None]
    answers = iter(answerer.ask_many(questions, args.k)) if questions else iter(())
    for q, err in items:
        out = err if q is None else answer_json(next(answers))
        print(json.dumps(out, ensure_ascii=False))
    return 0


def _open_text(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")  # noqa: SIM115 - closed by the caller's `with`
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.", EXIT_USAGE) from exc


def chat_loop(answerer: Answerer, source: TextIO, out: TextIO) -> None:
    """Answer each line typed as a question, until end of input."""
    for line in source:
        try:
            answer = answerer.ask(line)
        except EmptyQuestion:
            continue  # a blank line (or one of only control characters) is not a question
        print(answer_text(answer, bold=out.isatty()), file=out)
        print(file=out, flush=True)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Questions typed in the terminal, one per line, answered as the bot would."""
    answerer = load_answerer(settings)
    if sys.stdin.isatty():
        print("Ask about the Trump–Mamdani meeting, one question per line (Ctrl-D to quit).")
    chat_loop(answerer, sys.stdin, sys.stdout)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Retrieval figures on a question set in the dev.jsonl format."""
    from bot.core.evaluation import evaluate
    from bot.core.training import read_questions

    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"There is no question file at {path}.", EXIT_USAGE)
    try:
        questions = read_questions(path)
    except ValueError as exc:
        raise UserError(str(exc), EXIT_USAGE) from exc
    answerer = load_answerer(settings)
    report = evaluate(answerer.retriever, questions)
    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False))
        return 0
    print(f"{path}: {report.answerable} answerable, {report.unanswerable} unanswerable questions")
    print(f"  hit@1        {report.hit1:.3f}")
    print(f"  hit@3        {report.hit3:.3f}")
    print(f"  MRR@5        {report.mrr5:.3f}")
    print(f"  answered     {report.answered:.3f}  (of answerable questions)")
    print(f"  abstained    {report.abstained:.3f}  (of unanswerable questions)")
    print(f"  highlight    {report.highlight:.3f}  (answering sentence inside a gold place)")
    if report.misses:
        print("Misses:")
        for m in report.misses:
            print(f"  {m.id:>6}  {m.problem:<26} {m.question}")
    return 0


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """Serve Discord when a token is configured, else answer questions typed in the terminal."""
    if settings.discord_token is not None and settings.discord_token.get_secret_value().strip():
        return cmd_run(args, settings)
    print("No DISCORD_TOKEN set: answering questions typed here instead.", file=sys.stderr)
    return cmd_chat(args, settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Connect to Discord and serve."""
    from bot.chat.client import run_bot

    return run_bot(settings, load_answerer(settings))


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Register the slash commands with Discord now."""
    from bot.chat.client import sync_commands

    return sync_commands(settings, load_answerer(settings))


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Measure cold start, latency, throughput and memory against the plain approach."""
    from bot.bench import run_bench

    return run_bench(settings, args)


# ---------------------------------------------------------------- parsing


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    p = argparse.ArgumentParser(
        prog="meeting-bot",
        description="Answers questions about the Nov 21, 2025 Trump–Mamdani meeting with cited excerpts.",
    )
    p.add_argument("--debug", action="store_true", help="log details and show tracebacks")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("index", help="build the index and retrieval model from corpus/ and train/")
    s.add_argument("--if-needed", action="store_true", help="only when it is missing or stale")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("ask", help="answer a question with cited excerpts")
    s.add_argument("question", nargs="?", help="the question (omit with --batch)")
    s.add_argument("-k", type=int, default=DEFAULT_K, help=f"how many excerpts (default {DEFAULT_K})")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--batch", metavar="FILE", help='JSON lines with a "question" key; - for stdin')
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="answer questions typed one per line until end of input")
    s.set_defaults(func=cmd_chat)

    s = sub.add_parser("eval", help="hit@1, hit@3, MRR@5, answer and abstain rates on a question set")
    s.add_argument("file", help="a JSON-lines file in the eval/dev.jsonl format")
    s.add_argument("--json", action="store_true", help="print the report as JSON")
    s.set_defaults(func=cmd_eval)

    s = sub.add_parser("start", help="run on Discord if DISCORD_TOKEN is set, else chat in the terminal")
    s.set_defaults(func=cmd_start)

    s = sub.add_parser("run", help="connect to Discord and serve")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("sync", help="register the slash commands with Discord")
    s.set_defaults(func=cmd_sync)

    s = sub.add_parser("bench", help="measure speed and memory against the plain approach")
    s.add_argument("--json", action="store_true", help="print the results as JSON")
    s.add_argument("--runs", type=int, default=5, help="repetitions of each measurement (default 5)")
    s.add_argument("--scale", type=int, default=100_000, help="chunks in the synthetic scale test")
    s.set_defaults(func=cmd_bench)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, configure logging once, run, and turn errors into one sentence."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "a setting"
        print(f"error: {name} is invalid: {err['msg']}.", file=sys.stderr)
        return EXIT_USAGE
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    if args.debug:
        level = logging.DEBUG
    elif args.command not in ("run", "start"):
        level = max(level, logging.WARNING)  # library chatter would bury answers in a terminal
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(max(level, logging.WARNING))  # it logs every index build
    try:
        return args.func(args, settings)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except EmptyQuestion as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (IndexError_, EmbeddingError, CorpusError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); say nothing more and don't let Python complain at exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except Exception as exc:
        if args.debug:
            raise
        log.error("unexpected failure: %r", exc)
        print(
            f"error: something went wrong ({type(exc).__name__}); run again with --debug for details.",
            file=sys.stderr,
        )
        return EXIT_FAILURE
