"""Figures on a question set: hit@1, hit@3, MRR@5, answer and decline rates, highlight@gold, reply kinds.

Formats: plain question sets (eval/dev.jsonl: `gold` article substrings, empty when the article does
not answer), first-contact sets (eval/firstcontact_dev.jsonl: `kind` basic / intent / off_topic),
follow-up pairs, and quote checks (eval/quotes_dev.jsonl: `message`, `quote`, `verdict`, optionally
`speaker` and `claimed`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.highlight import HIGHLIGHT_SHARE
from bot.core.kinds import Kind
from bot.core.text import contains, fold, remove_invisible, shares_run
from bot.core.training import Question, gold_places, has_words, read_json_lines

if TYPE_CHECKING:  # typing only: reading question files needs no Answerer
    from bot.core.answer import Answer, Answerer
    from bot.core.quotes import QuoteChecker, SpanCheck

log = logging.getLogger(__name__)

DEPTH = 5
FIRST_CONTACT_KINDS = ("basic", "intent", "off_topic")
# What an off-topic message may get, unless told otherwise.
DECLINED = (Kind.NOT_COVERED, Kind.CHATTER, Kind.HELP)


@dataclass(frozen=True)
class Miss:
    """A question the system got wrong, and how."""

    id: str
    question: str
    problem: str  # "rank N", "not found", "abstained", "answered (should abstain)", "kind X", ...
    top: str  # the first excerpt's text (or the reply), shortened


@dataclass(frozen=True)
class Report:
    """Figures on one question set."""

    answerable: int
    unanswerable: int
    hit1: float
    hit3: float
    mrr5: float
    answered: float  # share of answerable questions answered
    abstained: float  # share of unanswerable questions declined
    highlight: float  # highlight@gold: share of answerable questions whose bold line is in a gold place
    misses: tuple[Miss, ...]
    intents: int = 0  # first-contact messages that are not questions (greetings, help, ...)
    intents_right: float = 0.0  # share of them that got a reply of an expected kind
    off_topic: int = 0
    off_topic_declined: float = 0.0  # share of off-topic questions not answered from the article
    several: int = 0  # first-contact questions that ask several things (with `parts`)
    parts_shown: float = 0.0  # share of them whose answer shows a gold place of every part


@dataclass(frozen=True)
class Contact:
    """A first-contact message: a basic question (with gold), an intent (expected kinds) or off-topic."""

    id: str
    text: str
    kind: str  # one of FIRST_CONTACT_KINDS
    gold: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()
    parts: tuple[tuple[str, ...], ...] = ()  # a question of several parts: the gold places of each


def is_first_contact_file(path: Path) -> bool:
    """Whether a JSON-lines file is in the first-contact format (its first object has a contact kind)."""
    first = _first_object(path)
    return isinstance(first, dict) and first.get("kind") in FIRST_CONTACT_KINDS and "question" in first


def read_contacts(path: Path) -> list[Contact]:
    """Read a first-contact file (ValueError naming the line if one is malformed)."""

    def parse(n: int, d: dict) -> Contact:
        if d["kind"] not in FIRST_CONTACT_KINDS or not isinstance(d["question"], str):
            raise ValueError(f"kind must be one of {', '.join(FIRST_CONTACT_KINDS)}")
        if d["kind"] != "intent" and not has_words(d["question"]):  # an intent may be a lone emoji
            raise ValueError("the question has no words")
        gold = gold_places(d.get("gold") or [])
        expect = d.get("expect") or []
        if not isinstance(expect, list) or not all(isinstance(k, str) for k in expect):
            raise TypeError("expect is a list of reply kinds")
        if d["kind"] == "basic" and not gold:  # scored as one to decline, it would count as a miss
            raise ValueError("a basic question needs its gold places")
        parts = d.get("parts") or []
        if not isinstance(parts, list) or not all(isinstance(p, list) and p for p in parts):
            raise TypeError("parts is a list of lists of gold places")
        return Contact(
            str(d.get("id", n)),
            d["question"],
            d["kind"],
            gold,
            tuple(expect),
            tuple(gold_places(p, "parts") for p in parts),
        )

    return read_json_lines(path, "a first-contact message", parse)


def highlight_hits(highlight: str | None, gold: Sequence[str]) -> bool:
    """highlight@gold for one answer: the bold line shares a long enough run with some gold substring."""
    return bool(highlight) and any(shares_run(highlight, g, HIGHLIGHT_SHARE) for g in gold)


def answer_rank(answer: Answer, gold: Sequence[str], gold_all: bool = False) -> int | None:
    """1-based rank at which the excerpts so far contain the gold (all of it if `gold_all`)."""
    found: set[int] = set()
    for e in answer.excerpts:
        found |= {i for i, g in enumerate(gold) if contains(e.text, g)}
        if (len(found) == len(gold)) if gold_all else found:
            return e.rank
    return None


def _top(answer: Answer) -> str:
    return (answer.excerpts[0].text if answer.excerpts else answer.reply or "")[:90]


def evaluate(answerer: Answerer, questions: Sequence[Question]) -> Report:
    """Ask every question as a person would and score the replies."""
    answers = answerer.ask_many([q.text for q in questions], DEPTH)
    return _score([(q.id, q.text, q.gold, q.gold_all, a) for q, a in zip(questions, answers, strict=True)])


def evaluate_contacts(answerer: Answerer, contacts: Sequence[Contact]) -> Report:
    """Score a first-contact set: basic questions as in `evaluate`, plus intents and off-topic."""
    answers = answerer.ask_many([c.text for c in contacts], DEPTH)
    basic = [
        (c.id, c.text, c.gold, False, a) for c, a in zip(contacts, answers, strict=True) if c.kind == "basic"
    ]
    report = _score(basic)
    intents, declined, misses = [], [], list(report.misses)
    for c, a in zip(contacts, answers, strict=True):
        if c.kind == "basic":
            continue
        right = a.kind in (c.expect or DECLINED)
        (intents if c.kind == "intent" else declined).append(right)
        if not right:
            misses.append(Miss(c.id, c.text, f"kind {a.kind}", _top(a)))
    # A question of several parts: does the reply show where the article answers each?
    several = [
        a.kind == Kind.ANSWER
        and all(any(contains(e.text, g) for e in a.shown for g in part) for part in c.parts)
        for c, a in zip(contacts, answers, strict=True)
        if c.parts
    ]
    return Report(
        **{
            **report.__dict__,
            "several": len(several),
            "parts_shown": sum(several) / max(1, len(several)),
            "misses": tuple(misses),
            "intents": len(intents),
            "intents_right": sum(intents) / max(1, len(intents)),
            "off_topic": len(declined),
            "off_topic_declined": sum(declined) / max(1, len(declined)),
        }
    )


def _score(items: Sequence[tuple[str, str, tuple[str, ...], bool, Answer]]) -> Report:
    """Figures from (id, question, gold, gold_all, answer): empty gold means unanswerable."""
    ranks, answered, abstained, highlights, misses = [], [], [], [], []
    for qid, text, gold, gold_all, a in items:
        if not gold:
            abstained.append(a.kind != Kind.ANSWER)
            if a.kind == Kind.ANSWER:
                misses.append(Miss(qid, text, "answered (should abstain)", _top(a)))
            continue
        rank = answer_rank(a, gold, gold_all)
        ranks.append(rank)
        answered.append(a.kind == Kind.ANSWER)
        highlights.append(a.kind == Kind.ANSWER and highlight_hits(a.highlight, gold))
        if rank != 1:
            misses.append(Miss(qid, text, f"rank {rank}" if rank else "not found", _top(a)))
        elif a.kind != Kind.ANSWER:
            misses.append(
                Miss(qid, text, "abstained" if a.kind == Kind.NOT_COVERED else f"kind {a.kind}", _top(a))
            )
        elif not highlights[-1]:
            misses.append(Miss(qid, text, "bold line", (a.highlight or "")[:90]))
    n = max(1, len(ranks))
    return Report(
        answerable=len(ranks),
        unanswerable=len(abstained),
        hit1=sum(r == 1 for r in ranks) / n,
        hit3=sum(r is not None and r <= 3 for r in ranks) / n,
        mrr5=sum(1 / r for r in ranks if r) / n,
        answered=sum(answered) / n,
        abstained=sum(abstained) / max(1, len(abstained)),
        highlight=sum(highlights) / n,
        misses=tuple(misses),
    )


def _first_object(path: Path) -> object:
    """The first JSON object of a JSON-lines file, or None."""
    try:
        with path.open(encoding="utf-8-sig") as f:
            for line in f:
                if line.strip():
                    return json.loads(line)
    except (ValueError, RecursionError, OSError):  # not JSON (or not UTF-8): the reader says so by line
        return None
    return None


# ---------------------------------------------------------------- conversation follow-ups


@dataclass(frozen=True)
class FollowupPair:
    """A question, a follow-up asked after it, and the article substrings that answer the follow-up.

    `standalone` marks a follow-up that makes sense on its own; empty `gold` marks one the article
    does not answer.
    """

    id: str
    first: str
    followup: str
    gold: tuple[str, ...]
    standalone: bool


@dataclass(frozen=True)
class FollowupMiss:
    """A follow-up answered wrongly when read in context."""

    id: str
    followup: str
    problem: str  # "rank N (alone: rank M)", "abstained", "answered (should abstain)", ...
    top: str


@dataclass(frozen=True)
class FollowupReport:
    """hit@1 on follow-ups read with the previous question and on the follow-up alone."""

    hit1_with: float  # context-dependent answerable follow-ups
    hit1_without: float
    standalone_hit1_with: float  # follow-ups that stand on their own
    standalone_hit1_without: float
    n: int  # pairs in all
    misses: tuple[FollowupMiss, ...]
    dependent: int = 0  # answerable context-dependent pairs
    standalone: int = 0  # answerable standalone pairs
    answered_with: float = 0.0  # share of answerable follow-ups answered (not abstained)
    answered_without: float = 0.0
    unanswerable: int = 0
    abstained_with: float = 0.0  # share of unanswerable follow-ups declined
    abstained_without: float = 0.0


def is_followup_file(path: Path) -> bool:
    """Whether a JSON-lines file holds follow-up pairs (its first object has "first" and "followup")."""
    item = _first_object(path)
    return isinstance(item, dict) and "first" in item and "followup" in item


def read_followups(path: Path) -> list[FollowupPair]:
    """Read a JSON-lines file of {"id", "first", "followup", "gold", "standalone"} (ValueError if bad)."""

    def parse(n: int, d: dict) -> FollowupPair:
        if not isinstance(d["first"], str) or not isinstance(d["followup"], str):
            raise TypeError("first and followup must be strings")
        if not (has_words(d["first"]) and has_words(d["followup"])):
            raise ValueError("first and followup must each have words")
        gold = gold_places(d["gold"])  # required, as in question sets: [] says the article does not answer
        return FollowupPair(
            str(d.get("id", n)), d["first"], d["followup"], gold, bool(d.get("standalone", False))
        )

    return read_json_lines(path, "a follow-up pair", parse)


def evaluate_followups(answerer: Answerer, pairs: Sequence[FollowupPair]) -> FollowupReport:
    """Ask every follow-up twice, after its first question and alone, and compare hit@1."""
    followups = [p.followup for p in pairs]
    with_context = answerer.ask_many(followups, DEPTH, [[p.first] for p in pairs])
    alone = answerer.ask_many(followups, DEPTH)
    dep: list[tuple[bool, bool]] = []
    own: list[tuple[bool, bool]] = []
    answered: list[tuple[bool, bool]] = []
    abstained: list[tuple[bool, bool]] = []
    misses = []
    for p, w, a in zip(pairs, with_context, alone, strict=True):
        top = w.excerpts[0].text[:90] if w.excerpts else ""
        if not p.gold:
            abstained.append((not w.answered, not a.answered))
            if w.answered:
                misses.append(FollowupMiss(p.id, p.followup, "answered (should abstain)", top))
            continue
        rw, ra = answer_rank(w, p.gold), answer_rank(a, p.gold)
        (own if p.standalone else dep).append((rw == 1, ra == 1))
        answered.append((w.answered, a.answered))
        if rw != 1:
            were = f"rank {rw}" if rw else "not found"
            misses.append(
                FollowupMiss(p.id, p.followup, f"{were} (alone: {f'rank {ra}' if ra else 'not found'})", top)
            )
        elif not w.answered:
            misses.append(FollowupMiss(p.id, p.followup, "abstained", top))

    def share(pairs_: list[tuple[bool, bool]], side: int) -> float:
        return sum(x[side] for x in pairs_) / max(1, len(pairs_))

    report = FollowupReport(
        hit1_with=share(dep, 0),
        hit1_without=share(dep, 1),
        standalone_hit1_with=share(own, 0),
        standalone_hit1_without=share(own, 1),
        n=len(pairs),
        misses=tuple(misses),
        dependent=len(dep),
        standalone=len(own),
        answered_with=share(answered, 0),
        answered_without=share(answered, 1),
        unanswerable=len(abstained),
        abstained_with=share(abstained, 0),
        abstained_without=share(abstained, 1),
    )
    log.info("follow-ups: hit@1 %.3f with context, %.3f without", report.hit1_with, report.hit1_without)
    return report


# ---------------------------------------------------------------- quote checks


@dataclass(frozen=True)
class QuoteExample:
    """A message with one quote in it, the verdict it should get and, when given, who the article has
    saying it."""

    id: str
    message: str
    quote: str
    verdict: str
    speaker: str | None = None  # who the article has saying it (None: nobody, or not given)
    claimed: str | None = None  # who the message says said it (None: nobody)
    gives_claimed: bool = False  # whether the example says whom the message claims (`claimed` may be null)

    @property
    def misattributed(self) -> bool:
        """Whether the check should say the article has someone else saying it."""
        from bot.core.quotes import is_misattribution

        return is_misattribution(self.verdict, self.speaker, self.claimed)


@dataclass(frozen=True)
class QuoteMiss:
    """A quote given the wrong verdict (or speaker)."""

    id: str
    quote: str
    problem: str  # "close (expected verbatim)", "speaker None (expected Trump)", "not found as a span",
    # "claimed Mamdani (expected Trump)"


@dataclass(frozen=True)
class QuotesReport:
    """Verdict accuracy on a quote set, the confusion table, and how the similarity separates verdicts."""

    n: int
    accuracy: float
    confusion: dict[str, dict[str, int]]  # expected verdict → verdict given → count
    speakers: int  # examples that name the article's speaker
    speakers_right: float
    lowest_close: float | None  # the lowest similarity among spans expected `close` (None: there are none)
    highest_absent: float | None  # the highest similarity among spans expected `absent` (None: none)
    misses: tuple[QuoteMiss, ...]
    claims: int = 0  # examples that say whom the message claims as the speaker (`claimed`)
    claims_right: float = 0.0  # the claimed speaker found (the same person, or nobody when null)
    misattributions: int = 0  # of the `claims` examples, those whose message names the wrong person
    false_corrections: int = 0  # "not X" said where the message had it right (or named nobody)
    missed_corrections: int = 0  # a wrong name let through


def is_quotes_file(path: Path) -> bool:
    """Whether a JSON-lines file holds quote examples (its first object has message, quote, verdict)."""
    first = _first_object(path)
    return isinstance(first, dict) and {"message", "quote", "verdict"} <= first.keys()


def read_quote_examples(path: Path) -> list[QuoteExample]:
    """Read a quote file: {"id", "message", "quote", "verdict", "speaker"?, "claimed"?} per line.

    ValueError (naming the line) if a line is not one, or if its message or quote could not be checked:
    no words, text that is not valid Unicode, or a quote of fewer than two words."""
    from bot.core.quotes import MIN_WORDS, VERDICTS, BadText, EmptyText, UnreadableText, prepare, real_words

    def parse(n: int, d: dict) -> QuoteExample:
        if not all(isinstance(d[k], str) for k in ("message", "quote", "verdict")):
            raise TypeError("message, quote and verdict must be strings")
        if d["verdict"] not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
        for key in ("speaker", "claimed"):
            if d.get(key) is not None and not isinstance(d[key], str):
                raise TypeError(f"{key} must be a string or null")
        try:
            prepare(d["message"])
        except EmptyText:
            raise ValueError("the message has no words to check") from None
        except UnreadableText:
            raise ValueError("the message holds text that is not valid Unicode") from None
        except BadText:
            raise ValueError(f"the message quotes nothing of {MIN_WORDS} words or more") from None
        if real_words(remove_invisible(d["quote"])) < MIN_WORDS:
            raise ValueError(f"the quote has fewer than {MIN_WORDS} words, too few to check")
        return QuoteExample(
            str(d.get("id", n)),
            d["message"],
            d["quote"],
            d["verdict"],
            d.get("speaker"),
            d.get("claimed"),
            "claimed" in d,
        )

    return read_json_lines(path, "a quote example", parse)


def _matching_span(spans: Sequence[SpanCheck], quote: str) -> SpanCheck | None:
    """The checked span that is the example's quote: the same words, else the one sharing most words."""
    from bot.core.quotes import words_of

    def words(text: str) -> list[str]:
        return [fold(w.group(0)) for w in words_of(text)]

    wanted = words(quote)
    best, best_share = None, 0.0
    for span in spans:
        got = words(span.quote)
        if got == wanted:
            return span
        share = len(set(got) & set(wanted)) / max(1, len(set(got) | set(wanted)))
        if share > best_share:
            best, best_share = span, share
    return best if best_share >= 0.5 else None


def evaluate_quotes(checker: QuoteChecker, examples: Sequence[QuoteExample]) -> QuotesReport:
    """Check every example's message and score the verdict of the span that is its quote."""
    from bot.core.attribution import same_person
    from bot.core.quotes import VERDICTS

    confusion = {v: dict.fromkeys((*VERDICTS, "none"), 0) for v in VERDICTS}
    misses, right, speakers, close_sims, absent_sims = [], 0, [], [], []
    claims: list[bool] = []
    misattributions = false_corrections = missed_corrections = 0
    for ex in examples:
        span = _matching_span(checker.check(ex.message).spans, ex.quote)
        got = span.verdict if span is not None else "none"
        confusion[ex.verdict][got] += 1
        right += got == ex.verdict
        if span is None:
            misses.append(QuoteMiss(ex.id, ex.quote, "not found as a span"))
            continue
        if got != ex.verdict:
            misses.append(QuoteMiss(ex.id, ex.quote, f"{got} (expected {ex.verdict}, {span.similarity:.2f})"))
        (close_sims if ex.verdict == "close" else absent_sims if ex.verdict == "absent" else []).append(
            span.similarity
        )
        if ex.speaker is not None:
            named = span.speaker is not None and same_person(span.speaker, ex.speaker)
            speakers.append(named)
            if not named:
                misses.append(QuoteMiss(ex.id, ex.quote, f"speaker {span.speaker} (expected {ex.speaker})"))
        if ex.gives_claimed:
            found = (
                span.claimed is None
                if ex.claimed is None
                else span.claimed is not None and same_person(span.claimed, ex.claimed)
            )
            claims.append(found)
            if not found:
                misses.append(QuoteMiss(ex.id, ex.quote, f"claimed {span.claimed} (expected {ex.claimed})"))
            misattributions += ex.misattributed
            if span.misattributed and not ex.misattributed:
                false_corrections += 1
                misses.append(
                    QuoteMiss(ex.id, ex.quote, f"said not {span.claimed}, but the message is right")
                )
            elif ex.misattributed and not span.misattributed:
                missed_corrections += 1
                misses.append(QuoteMiss(ex.id, ex.quote, f"did not say the article has {ex.speaker}"))
    n = max(1, len(examples))
    return QuotesReport(
        n=len(examples),
        accuracy=right / n,
        confusion=confusion,
        speakers=len(speakers),
        speakers_right=sum(speakers) / max(1, len(speakers)),
        lowest_close=min(close_sims, default=None),
        highest_absent=max(absent_sims, default=None),
        misses=tuple(misses),
        claims=len(claims),
        claims_right=sum(claims) / max(1, len(claims)),
        misattributions=misattributions,
        false_corrections=false_corrections,
        missed_corrections=missed_corrections,
    )
