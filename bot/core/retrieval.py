"""Question → ranked hits: the components fused per chunk (adapted dense, best sentence, training-question
expansion, BM25), abstention, the excerpts chosen (bot.core.diversify) and the bold line (bot.core.highlight).

A follow-up is searched blended with the conversation before it (bot.core.context)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.core.arithmetic import is_sum
from bot.core.chunking import Chunk, Sentence
from bot.core.context import Said, blend
from bot.core.corpus import OPENING
from bot.core.diversify import diverse
from bot.core.embedding import Embedder
from bot.core.followup import MAX_HISTORY, FollowupReader, ask_again, restated, swap_name
from bot.core.fusion import Fusion, Scored
from bot.core.highlight import Highlighter, HighlightModel, paragraph_of
from bot.core.index import Index
from bot.core.later import turned_out_unknown
from bot.core.lexical import LexicalIndex
from bot.core.lists import Lists
from bot.core.measures import missing_measure
from bot.core.model import RetrievalModel, adapt
from bot.core.parts import question_parts
from bot.core.places import Places, read_places
from bot.core.replies import LACKS_MEASURE, LACKS_NAME, LACKS_OUTCOME, LACKS_PLACE
from bot.core.speakers import (
    Names,
    asks_for_an_opinion,
    asks_for_words,
    stranger_pointed_at,
    unknown_count,
    unknown_speaker,
    unknown_topic,
    unquoted_person,
)
from bot.core.spelling import Speller
from bot.core.subjects import date_words
from bot.core.text import (
    MONTHS,
    as_question,
    as_request_question,
    versus_as_and,
    without_chat_openers,
    without_filler,
    without_reminding_again,
)
from bot.core.unnamed import unnamed

log = logging.getLogger(__name__)

MMR_POOL = 30  # the best candidates that maximal marginal relevance chooses among
# How much a follow-up's passages in the paragraph that answered the message before it are raised, times
# how much it leans on that message (bot.core.followup). Chosen on tests/data/followups_tune.jsonl among
# 0.02, 0.05, 0.1 and 0.2, the least that reads the most right there (0.947 → 1.000 from 0.1); the
# topic switches of tests/data/followups_switch.jsonl stay at 0.920 at each (0.860 at 0.2 before only a
# follow-up not answerable alone, or pointing back, and not switching topic was raised so).
BEFORE_PRIOR = 0.1
# The most items of a list shown after the line that introduces it ("…three concrete issues:"), whatever
# the k asked for: the list is the answer. bot.core.answer.MAX_K (10) leaves room for one more.
LIST_MOST = 8
# The best passages among which one naming the month (and year) asked, or quoting the one whose words are
# asked for, goes first.
FIRST_CHOICES = 3
PART_PASSAGES = 3  # the passages a part of a question read alone takes its bold line from, as a question
# A declined question is "near" the article above this fraction of the answering threshold (a fixed
# design choice, not tuned: halfway between no confidence and enough to answer).
NEAR_FRACTION = 0.5
# ... and when at least this share of the words the question names are the article's (a fixed choice
# too: half).
NEAR_WORDS = 0.5

# A month or a year named ("what did mamdani say in april", "january 1 2026?"). "May" only before a number:
# it is more often "may" the verb ("we may disagree").
_DATE = re.compile(
    r"\b(?:" + "|".join(m for m in MONTHS if m != "may") + r"|may(?=\s+\d)|(?:19|20)\d\d)\b", re.IGNORECASE
)
_MONTHS = frozenset(MONTHS)


def dates_named(text: str) -> frozenset[str]:
    """The months and years a text names, folded."""
    return frozenset(d.casefold() for d in _DATE.findall(text))


def dated(date: str) -> frozenset[str]:
    """The month and year of an ISO date ("2025-11-21": november, 2025); none if it is not one."""
    words = date_words(date)  # month, its short form, day, day with its suffix, year
    return frozenset({words[0], words[-1]}) if words else frozenset()


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its fused score."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Retrieval:
    """The ranked hits for one question, whether the article answers it, and the best sentence."""

    question: str
    hits: tuple[Hit, ...]
    answered: bool
    confidence: float
    highlight: Sentence | None
    near: bool = True  # whether the passages are near the question, even when they don't answer it
    supported: int = 0  # how many leading hits support the answer (the rest only on request)
    sure: bool = False  # answered, and sure enough to answer unasked (RetrievalModel.channel_threshold)
    # The question names something of the article (one of its words, a name, a heading's word), or is read
    # with the messages before it: where nobody asked the bot, only such a question is answered.
    named: bool = True
    # Declined as a whole, but the article answers parts of it: the first `partly` hits are their passages.
    partly: int = 0
    # Declined because the passages show the article lacks what is asked: a measure (bot.core.measures),
    # how a plan turned out (bot.core.later) or a name (bot.core.unnamed); "" otherwise.
    lacking: str = ""
    # Answered by a line that introduces a list ("…three concrete issues:"): the hits after the first that
    # are the list's items, all shown whatever the k asked for (bot.core.answer keeps them).
    listed: int = 0


def searched_index(index: Index, model: RetrievalModel, article: LexicalIndex) -> LexicalIndex:
    """BM25 over each passage followed by the texts of the training questions it answers (`article`, the
    passages alone, when the model carries no texts)."""
    if not model.expansion_texts:
        return article
    asked: list[list[str]] = [[] for _ in index.chunks]
    for row, chunk in model.expansion_chunks:
        asked[int(chunk)].append(model.expansion_texts[int(row)])
    passages = [c.search_text for c in index.chunks]
    return LexicalIndex(
        [" ".join([p, *a]) for p, a in zip(passages, asked, strict=True)], names_from=passages
    )


def _overlap(a: Chunk, b: Chunk) -> bool:
    """Whether two chunks share text (chunks overlap by whole sentences)."""
    return a.doc == b.doc and a.start < b.end and b.start < a.end


class Retriever:
    """Ranks the index's chunks for questions; pure and thread-safe once built."""

    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        model: RetrievalModel,
        speller: Speller | None = None,
        highlighter: HighlightModel | None = None,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.model = model
        # A figure asked of another place than the bold line's (bot.core.places); a name of several words
        # among them is no typo ("los angeles").
        texts = [c.text for c in index.chunks]
        self.places = Places.of(texts, read_places())
        self.speller = speller.keeping(self.places.names) if speller else None
        self.highlighter = highlighter or HighlightModel.default()
        self.lexical = LexicalIndex([c.search_text for c in index.chunks])
        # What the fused score's BM25 reads: each passage with the training questions it answers.
        self.searched = searched_index(index, model, self.lexical)
        self.fusion = Fusion(index, model)
        self.bold_line = Highlighter(index, self.lexical, model, self.highlighter)
        # The people the article quotes (Trump, Mamdani, Bannon): a follow-up may name another instead.
        self.people = self.bold_line.people
        self._people_stems = self.lexical.content_stems(" ".join(sorted(self.people)))
        # The names the article writes, and which of them are the people it quotes (bot.core.speakers).
        self.names = Names.of(texts, self.people)
        self._paragraphs = [paragraph_of(c) for c in index.chunks]  # per chunk (`_near_before`)
        self._positions = {c.id: i for i, c in enumerate(index.chunks)}
        # The words of the titles and headings, which the passages' own words lack ("what the media missed");
        # not the label of an opening or of the FAQ ("Frequently Asked Questions": "can I ask a question?").
        labels = {OPENING} | {c.section for c in index.chunks if c.question}
        headings = [t for d in index.docs.values() for t in (d.title, *d.sections) if t not in labels]
        self._heading_stems = self.lexical.content_stems(" ".join(headings))
        # A bold line that ends its paragraph with a colon introduces the paragraphs after it.
        self.lists = Lists(index.chunks, self.lexical.content_stems)
        self.followups = FollowupReader(
            self.lexical, len(index.chunks), model.asked_words, self.people, self.names.proper
        )
        self._starts = np.array([c.start for c in index.chunks])
        self._ends = np.array([c.end for c in index.chunks])
        doc_ids = {d: i for i, d in enumerate(index.docs)}
        self._docs = np.array([doc_ids[c.doc] for c in index.chunks])
        # For `_dated_first`: the months and years each passage names, and its article's own month and
        # year, which every passage of it speaks of unsaid ("what did trump tell reporters in november"
        # asks about the meeting, whose passages do not say "November"; a review).
        self._dates = [dates_named(c.text) | dated(index.docs[c.doc].date) for c in index.chunks]

    def retrieve(self, question: str, k: int = 3) -> Retrieval:
        """Rank chunks for one question."""
        return self.retrieve_many([question], k)[0]

    def prepare(self, question: str) -> str:
        """The question as it is searched: a greeting before it and words of emphasis after its question
        word off (`without_chat_openers`), chat filler at its end off (`without_filler`), and an "again" that
        asks to be reminded ("where did they meet again?", `without_reminding_again`), typos against the
        corpus repaired, two people set side by side in chat joined by "and" ("trump vs mamdani",
        `versus_as_and`), a request to be told about something asked as a question ("tell me about
        mamdani" → "who is mamdani?", `as_request_question`), and the question mark a question typed
        without one lacks (`as_question`). Training reads its questions as written: a mark added there too
        did no better out of fold, and worse on the check sets (docs/experiments.md)."""
        return self.prepare_opened(without_chat_openers(question))

    def prepare_opened(self, opened: str) -> str:
        """`prepare` for a question whose greeting and words of emphasis are already off
        (`without_chat_openers`, which the message-kind reading applies first)."""
        plain = without_reminding_again(without_filler(opened))
        spelled = self.speller.correct(plain) if self.speller else plain
        return as_question(as_request_question(versus_as_and(spelled, self.people), self.people))

    def retrieve_many(
        self,
        questions: Sequence[str],
        k: int = 3,
        histories: Sequence[Sequence[str]] | None = None,
        known: Mapping[str, np.ndarray] | None = None,
        spelled: Mapping[str, str] | None = None,
    ) -> list[Retrieval]:
        """Rank chunks for several questions with one batched encoder call.

        `histories[i]` lists the earlier messages of question i's conversation, oldest first;
        `known` maps texts (as `prepare` returns them) to raw vectors already computed, and `spelled`
        texts to what `prepare` already returned for them.
        """
        spelled = spelled or {}

        def prepare(text: str) -> str:
            return spelled[text] if text in spelled else self.prepare(text)

        prepared = [prepare(q) for q in questions]
        known = known or {}
        # A question that asks two or three things shows each part's best passage (bot.core.parts).
        parts = [question_parts(p) for p in prepared]
        part_texts = list(dict.fromkeys(t for ps in parts for t in ps))
        if not histories or not any(histories):
            # The single-question path: the questions (and any parts) in one encoder call.
            raw = self._encode(prepared + part_texts, known)
            vectors = dict(zip(part_texts, raw[len(prepared) :], strict=True))
            return [
                replace(self._parts_shown(self.rank(p, v, k), [(t, vectors[t]) for t in ps]), question=q)
                for q, p, v, ps in zip(questions, prepared, raw[: len(prepared)], parts, strict=True)
            ]
        if len(histories) != len(questions):
            raise ValueError(f"{len(histories)} histories for {len(questions)} questions")
        # Fragments are restated from the whole history given, then the last MAX_HISTORY are read.
        earlier = [
            restated([prepare(h) for h in history], self.people, self.places.restate)[-MAX_HISTORY:]
            for history in histories
        ]
        # A continuation that names someone else and says nothing more ("and trump?" after "how old is
        # mamdani?") is the last question asked about them: it is read as that question, after what came
        # before it, as a bare question word is asked again (`_asked_again`); so is one that names only a
        # place after a question for a figure ("and brooklyn?" after "how much is rent in queens").
        swapped = [
            (swap_name(p, texts[-1], self.people) or self.places.restate(p, texts[-1])) if texts else None
            for p, texts in zip(prepared, earlier, strict=True)
        ]
        prepared = [s or p for s, p in zip(swapped, prepared, strict=True)]
        earlier = [texts[:-1] if s else texts for s, texts in zip(swapped, earlier, strict=True)]
        # One encoder call for the questions and every distinct earlier message.
        extra = list(dict.fromkeys([*(t for texts in earlier for t in texts), *part_texts]))
        raw = self._encode(prepared + extra, known)
        vectors = dict(zip(extra, raw[len(prepared) :], strict=True))
        # How self-contained a message is depends partly on whether the article answers it read
        # alone; earlier messages are scored alone only when a chain of follow-ups reaches them.
        alone: dict[str, float] = {}

        def confidence(text: str) -> float:
            """P(answerable) of an earlier message read alone, once per distinct text in the batch."""
            if text not in alone:
                alone[text] = self.model.confidence(self.score(text, vectors[text]).features)
            return alone[text]

        passages_before: dict[tuple[str, ...], Chunk | None] = {}

        def answered_before(texts: Sequence[str]) -> Chunk | None:
            """`_answered_before`, once per distinct run of earlier messages in the batch (a bare question
            word asks whether it was answered, and then leans on its passage)."""
            key = tuple(texts)
            if key not in passages_before:
                passages_before[key] = self._answered_before(texts, vectors, confidence, k, answered_before)
            return passages_before[key]

        def answered(texts: Sequence[str]) -> bool:
            """Whether the last of the earlier messages was answered, alone or read with those before it."""
            return confidence(texts[-1]) >= self.model.abstain_threshold or (
                len(texts) > 1 and answered_before(texts) is not None
            )

        prepared, own_raw = self._asked_again(prepared, raw[: len(prepared)], earlier, answered, known)
        out = []
        for q, p, v, texts, ps in zip(questions, prepared, own_raw, earlier, parts, strict=True):
            own = self.score(p, v)
            own_confidence = self.model.confidence(own.features)
            weights = self.followups.weights(
                p, texts, lambda text, p=p, c=own_confidence: c if text == p else confidence(text)
            )
            context = [Said(t, w, vectors[t]) for t, w in zip(reversed(texts), weights[1:], strict=False)]
            # The paragraph that answered the message before counts for a follow-up that leans on it: one
            # pointing back at it or not answerable alone, unless it switches to something it names ("what
            # about other cities?"). One answerable alone ("also what did bannon say?" after a question
            # on Con Edison) names its own subject.
            points_back = self.followups.points_back(p, texts)
            leans = not self.followups.switches(p) and (
                points_back or own_confidence < self.model.abstain_threshold
            )
            before = answered_before(texts) if context and leans else None
            # A question asking whose words and nothing more asks for them where the answer before was.
            shown_before = answered_before(texts) if context and self._whose_words_only(p) else None
            result = self.rank_in_context(p, v, context, k, before, shown_before) if context else None
            if result is None or (
                not result.answered
                and own_confidence >= self.model.abstain_threshold
                and not points_back
                and result.lacking != LACKS_PLACE
            ):
                # Declined in context but answerable alone, and pointing back at nothing: what came
                # before was another subject ("what did steve bannon say?" after "how much is rent in
                # nyc?" was declined; a trial). Not "what did she call trump?" after a question about
                # someone the article never names: "she" is that stranger. Nor a figure asked of a place
                # the line never names ("and brooklyn?" after "how much is rent in queens?", read as "how
                # much is rent in brooklyn?"): read alone, it was answered with other cities' crises.
                alone_result = self._ranked(p, own, k, own.query, v, ())
                result = alone_result if result is None or alone_result.answered else result
            out.append(replace(self._parts_shown(result, [(t, vectors[t]) for t in ps]), question=q))
        return out

    def _answered_before(
        self,
        texts: Sequence[str],
        vectors: Mapping[str, np.ndarray],
        confidence: Callable[[str], float],
        k: int,
        answered_before: Callable[[Sequence[str]], Chunk | None],
    ) -> Chunk | None:
        """The passage that answered the last of the earlier messages, read with those before it as it
        was (`answered_before` gives the passage that answered the message before it); None if it was
        declined."""
        last, earlier = texts[-1], texts[:-1]
        weights = self.followups.weights(last, earlier, confidence)
        context = [Said(t, w, vectors[t]) for t, w in zip(reversed(earlier), weights[1:], strict=False)]
        shown_before = answered_before(earlier) if earlier and self._whose_words_only(last) else None
        r = self.rank_in_context(last, vectors[last], context, k, shown_before=shown_before)
        return r.hits[0].chunk if r.answered and r.hits else None

    def _whose_words_only(self, question: str) -> bool:
        """Whether a question asks for someone's words and nothing more ("what did mamdani say?")."""
        asked = asks_for_words(question)
        return asked is not None and not self.lexical.content_stems(asked.rest)

    def _parts_shown(self, r: Retrieval, parts: Sequence[tuple[str, np.ndarray]]) -> Retrieval:
        """A question that asks several things shows each part's own best passage: it goes right after the
        passages shown, from wherever it ranked or from outside the hits (the support gap, or the whole
        question's vector sitting between the parts, would hide it). `parts`: the text and raw vector of
        each part. Only a part the article answers read alone, and not a passage whose text overlaps one
        shown; the bold line and the first passage stay the whole question's. The hits keep their number,
        so what is shown is the same at any depth asked for. A declined question, or one with a part the
        article does not answer read alone: `_parts_answered`."""
        if not parts or not r.hits:
            return r
        if not r.answered:
            return self._parts_answered(r, parts)
        strangers: list[str] = []
        passages = [self._part_passage(text, vector, strangers) for text, vector in parts]
        if None in passages and (any(passages) or strangers):
            # The article answers some parts read alone and not others ("when did they meet and what is
            # the capital of peru?"): it does not answer all of it, though the whole question's words
            # may carry it past the abstainer. So too when a part asks about something the article has
            # no word for, or for a fact its passage shows the article lacks, though no other part is
            # answered alone ("how many siblings does mamdani have and how old is he": "he" names no one
            # read alone; "how old is trump, and what time did they meet?").
            return self._parts_answered(replace(r, answered=False, sure=False), parts, passages)
        hits, shown = list(r.hits), max(1, r.supported)
        if r.listed:  # a list shown whole, at any k: the parts' passages go right after it, at any k too
            shown = 1 + r.listed
        first = shown
        for found in passages:
            if found is None:
                continue  # "how tall is trump?" has no passage to show
            best, score = found
            at = next((n for n, h in enumerate(hits) if h.chunk.id == best.id), len(hits))
            if at < shown or any(_overlap(best, h.chunk) for h in hits[:shown]):
                continue
            del hits[at : at + 1]
            hits.insert(shown, Hit(best, score))
            shown += 1
        if not r.listed:
            return replace(r, hits=tuple(hits[: len(r.hits)]), supported=shown)
        added = shown - first
        return replace(
            r,
            hits=tuple(hits[: len(r.hits) + added]),
            supported=max(shown, r.supported + added),
            listed=r.listed + added,
        )

    def _parts_answered(
        self,
        r: Retrieval,
        parts: Sequence[tuple[str, np.ndarray]],
        passages: Sequence[tuple[Chunk, float] | None] | None = None,
    ) -> Retrieval:
        """A declined question of several parts, of which the article answers some read alone ("who won the
        super bowl and when did they meet?"): it stays declined (the article does not answer all of it),
        and the passages of the parts it answers come first, shown as near, so the reader finds them.
        `passages`: each part's `_part_passage`, when already found."""
        if passages is None:
            passages = [self._part_passage(text, vector) for text, vector in parts]
        found: list[Hit] = []
        for best in passages:
            if best is not None and all(not _overlap(best[0], h.chunk) for h in found):
                found.append(Hit(*best))
        if not found:
            return r
        rest = [h for h in r.hits if all(not _overlap(h.chunk, f.chunk) for f in found)]
        return replace(
            r, hits=tuple([*found, *rest][: max(len(r.hits), len(found))]), near=True, partly=len(found)
        )

    def _names_the_article(self, question: str) -> bool:
        """Whether a question has a content word that the article or its headings use (a name, a topic):
        "what are the rules here?" and "who can help me?" were answered in an ask-channel, sure, with the
        opening line and Con Edison's rates (a helper's trial)."""
        return self.lexical.coverage(question, self._heading_stems) > 0

    def article_word(self, word: str) -> bool:
        """Whether a word (stemmed, unless a function word) is one the article uses."""
        return self.lexical.coverage(word) > 0

    def _stranger(self, question: str, confidence: float) -> str | None:
        """Whom or what the question asks about that the article and the training questions have no word
        for: a speaker ("what did eric adams say") or one it names but never quotes ("what did bloomberg
        say"), a topic talked about ("did they discuss tariffs") or, unless the abstainer is sure
        (`confidence` at the ask-channel bar), a thing counted ("how many kids does mamdani have"); or the
        words asking for the bot's own view or advice ("should I vote for him?"), which it has none of."""
        known = self.model.asked_words
        return (
            unknown_speaker(question, self.lexical, known)
            or unquoted_person(question, self.names)
            or unknown_topic(question, self.lexical, known)
            or asks_for_an_opinion(question)
            or (
                unknown_count(question, self.lexical, known, self.names.proper)
                if confidence < self.model.channel_threshold
                else None
            )
        )

    def _part_passage(
        self, text: str, vector: np.ndarray, strangers: list[str] | None = None
    ) -> tuple[Chunk, float] | None:
        """The best passage of a part of a question and its score, if the article answers the part alone;
        what the part asks about that the article has no word for, or a fact its passage shows the
        article lacks (`_lacking`), is added to `strangers`."""
        if is_sum(text, self.article_word):
            return None  # "what is 2+2" is declined alone (bot.core.answer reads sums before retrieval)
        s = self.score(text, vector)
        confidence = self.model.confidence(s.features)
        if confidence < self.model.abstain_threshold:
            return None
        stranger = self._stranger(text, confidence)
        if stranger is not None:
            if strangers is not None:
                strangers.append(stranger)
            return None  # "what did eric adams say" is declined alone too
        best = self.index.chunks[int(s.positions[0])]
        shown = [int(p) for p in s.positions[:PART_PASSAGES]]
        _, line = self.bold_line.choose(
            text, s.query, vector, shown, [float(f) for f in s.fused[: len(shown)]]
        )
        lacking = self._lacking(text, best, line)
        if lacking:
            if strangers is not None:
                strangers.append(lacking)
            return None  # "how much would it cost" of a passage without a sum, as alone
        return best, float(s.fused[0])

    def _lacking(
        self,
        question: str,
        chunk: Chunk,
        line: Sentence | None,
        context: Sequence[Said] = (),
        shown: Callable[[], Sequence[Chunk]] = tuple,
    ) -> str:
        """What the passage to be shown first, or its bold line, shows the article lacks of what the
        question asks ("" if nothing): a measure it holds none of ("how much money is in the compact?",
        bot.core.measures), how a plan it only plans turned out ("did they end up meeting again?",
        bot.core.later), a figure of a place it never names ("what's the median rent in boston?",
        bot.core.places), or a name it brings in only as "a …" ("who was the centrist democrat mamdani
        beat?", bot.core.unnamed)."""
        # A question of several parts has its measure in one part, whose own passage is read alone
        # (`_part_passage`): "how old is mamdani, and when did he join the council?" is first answered by
        # the council's passage, which gives no age.
        measure = (
            None
            if question_parts(question)
            else missing_measure(question, chunk.text, lambda: [c.text for c in shown()])
        )
        if measure is not None:
            log.debug("declined: the first passage holds no %s", measure)
            return LACKS_MEASURE
        if line is None:
            return ""
        place = self.places.asked_elsewhere(question, line.text)
        if place is not None:
            log.debug("declined: a figure asked of %r, which the bold line never names", place)
            return LACKS_PLACE
        stems = self.lexical.content_stems
        if turned_out_unknown(question, line.text, stems, [c.text for c in context], self._people_stems):
            log.debug("declined: asks how it turned out, and the line only plans it")
            return LACKS_OUTCOME
        if unnamed(question, line.text, stems, self.people, self.article_word):
            log.debug("declined: asks for a name, and the line gives none")
            return LACKS_NAME
        return ""

    def _asked_again(
        self,
        prepared: list[str],
        raw: np.ndarray,
        earlier: Sequence[Sequence[str]],
        answered: Callable[[Sequence[str]], bool],
        known: Mapping[str, np.ndarray],
    ) -> tuple[list[str], np.ndarray]:
        """A bare question word after a question the article answers is that question asked again with
        it ("where?" after "when was the meeting?": bot.core.followup.ask_again), with its own vector;
        so is one after a follow-up answered in its context ("where?" after "who did trump meet with?"
        and "when was that?", which a trial found declined). After a question the article does not answer
        ("who is the mayor of chicago?" → "how old?"), the follow-up is read as it was: the earlier
        question's subject is not the article's. `answered(texts)`: whether the last of `texts` was."""
        again = {
            i: asked
            for i, (p, texts) in enumerate(zip(prepared, earlier, strict=True))
            if texts and (asked := ask_again(p, texts[-1])) and answered(texts)
        }
        if not again:
            return prepared, raw
        texts = list(again.values())
        fresh = self._encode(texts, known)
        raw = raw.copy()
        for n, i in enumerate(again):
            raw[i] = fresh[n]
        return [again.get(i, p) for i, p in enumerate(prepared)], raw

    def _encode(self, texts: Sequence[str], known: Mapping[str, np.ndarray]) -> np.ndarray:
        """Raw vectors of the texts: those in `known` as they are, the rest in one encoder call."""
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if len(missing) == len(texts):
            return self.embedder.encode(texts)
        fresh = dict(zip(missing, self.embedder.encode(missing), strict=True)) if missing else {}
        return np.stack([known[t] if t in known else fresh[t] for t in texts])

    def score(self, question: str, raw: np.ndarray) -> Scored:
        """Fuse the components for every candidate chunk of a question with raw vector `raw`."""
        coverage = self.lexical.coverage(question, self.model.asked_words)
        article = self.lexical.scores(question)
        searched = article if self.searched is self.lexical else self.searched.scores(question)
        return self._score(raw, searched, coverage, article)

    def score_in_context(self, question: str, raw: np.ndarray, context: Sequence[Said]) -> Scored:
        """Fuse the components for a follow-up blended with the earlier messages it leans on."""
        return self._score(
            *blend(self.lexical, question, raw, context, self.model.asked_words, self.searched)
        )

    def _score(
        self, raw: np.ndarray, lexical_all: np.ndarray, coverage: float, article: np.ndarray
    ) -> Scored:
        """Fuse the components given the raw query vector and the BM25 scores of every chunk (as searched,
        and by the article's words alone)."""
        return self.fusion.score(raw, lexical_all, coverage, article)

    def rank(self, question: str, raw: np.ndarray, k: int, shown_before: Chunk | None = None) -> Retrieval:
        """Rank chunks for a question whose raw (unadapted) vector is already computed (`shown_before`: as
        for `rank_in_context`)."""
        s = self.score(question, raw)
        return self._ranked(question, s, k, s.query, raw, (), shown_before)

    def rank_in_context(
        self,
        question: str,
        raw: np.ndarray,
        context: Sequence[Said],
        k: int,
        before: Chunk | None = None,
        shown_before: Chunk | None = None,
    ) -> Retrieval:
        """Rank chunks for a follow-up read with the earlier messages it leans on (weights > 0); `before`,
        the passage that answered the message before it, whose paragraph it likely goes on about;
        `shown_before`, that passage too, for a question asking whose words and nothing more
        (`_quoted_first`), leaned on or not."""
        context = [s for s in context if s.weight > 0]
        if not context:
            return self.rank(question, raw, k, shown_before)
        s = self.score_in_context(question, raw, context)
        if before is not None:
            s = self._near_before(s, before, context[0].weight)
        # The blend chose the passage; which of its sentences answers is more the follow-up's own
        # business, so the highlight is read halfway between the follow-up alone and the blend.
        middle = s.query + adapt(raw[None, :], self.model.adapter)[0]
        middle = middle / max(float(np.linalg.norm(middle)), 1e-12)
        retrieval = self._ranked(question, s, k, middle, raw, context, shown_before)
        log.debug("follow-up %r read with context weight %.2f", question, context[0].weight)
        return retrieval

    def _near_before(self, s: Scored, before: Chunk, weight: float) -> Scored:
        """The scores with the passages of the paragraph that answered the message before raised by
        BEFORE_PRIOR times how much the follow-up leans on that message: "by how much?" after "did his
        approval go up?" went to Con Edison's "18%", the likeliest "how much" of the article."""
        paragraph = paragraph_of(before)
        near = np.array([self._paragraphs[p] == paragraph for p in s.positions])
        # Raised at most to the best score: the order changes, the gaps to the first do not (raised past
        # it, every other passage fell out of the support gap: "ok what did trump say about that meeting"
        # after Bannon's words kept only his passage; a helper's trial).
        top = float(s.fused.max()) if len(s.fused) else 0.0
        raised = np.minimum(s.fused + np.float32(BEFORE_PRIOR * weight), np.float32(top))
        fused = np.where(near, raised, s.fused).astype(np.float32)
        order = np.lexsort((~near, -fused))  # by score; a raised passage first among equals
        return replace(s, positions=s.positions[order], fused=fused[order], components=s.components[:, order])

    def _ranked(
        self,
        question: str,
        s: Scored,
        k: int,
        highlight_query: np.ndarray,
        raw: np.ndarray,
        context: Sequence[Said],
        shown_before: Chunk | None = None,
    ) -> Retrieval:
        """Hits, abstention and highlight (sought with `highlight_query`) from scored candidates;
        `shown_before`, as for `rank_in_context`."""
        chosen, speaker = self._first_shown(question, s, k, shown_before)
        hits = [Hit(self.index.chunks[s.positions[i]], float(s.fused[i])) for i in chosen]
        confidence = self.model.confidence(s.features)
        # What someone the article never names said or thought, named or as the "he" of a follow-up, or
        # whether they talked about something it never names, is a fact it lacks (bot.core.speakers).
        stranger = self._stranger(question, confidence) or (
            stranger_pointed_at(
                question, [c.text for c in context], self.lexical, self.model.asked_words, self.names
            )
            if context
            else None
        )
        answered = confidence >= self.model.abstain_threshold and stranger is None
        if stranger is not None:
            log.debug("declined: the article has no word for %r", stranger)
        highlight, lacking, listed, picked = None, "", [], None
        if hits:
            rank, highlight = self.bold_line.choose(
                question,
                highlight_query,
                raw,
                [int(s.positions[i]) for i in chosen],
                [float(s.fused[i]) for i in chosen],
                context,
                speaker,
            )
            if rank:  # the answering line is in a later passage: that passage is the answer, so it goes first
                hits.insert(0, hits.pop(rank))
            listed = self.lists.introduced(hits[0].chunk, highlight)[:LIST_MOST]
            picked = self.lists.asked_item(question, hits[0].chunk, [c.text for c in context])
            if picked is not None:
                # "what was the third issue": that item answers, its opening line in bold, unless the line
                # chosen is in it already ("in the first issue, what did mamdani cite?")
                rest = [h for h in hits if not _overlap(h.chunk, picked)]
                inside = highlight is not None and picked.start <= highlight.start < picked.end
                if not (inside and highlight.text in picked.text):
                    highlight = picked.sentences[0]
                hits, listed = [Hit(picked, hits[0].score), *rest][: len(hits)], []
            elif (whole := self.lists.asked_whole(question, hits[0].chunk)) is not None:
                # "what are the three issues?" found one item: the other items follow it, in their order
                listed = [c for c in whole.items if not _overlap(c, hits[0].chunk)][:LIST_MOST]
            if listed:  # "…three concrete issues:" is answered by the whole list after it, at any k
                rest = [h for h in hits[1:] if all(not _overlap(h.chunk, c) for c in listed)]
                shown = max(len(hits), 1 + len(listed))
                hits = [hits[0], *(Hit(c, hits[0].score) for c in listed), *rest][:shown]
            first = hits[0].chunk

            def after() -> list[Chunk]:
                """The next best passages, the same at any k (an age may be in one of them)."""
                chosen = (self.index.chunks[int(s.positions[i])] for i in self.excerpts_of(s, PART_PASSAGES))
                return [c for c in chosen if c.id != first.id]

            lacking = self._lacking(question, first, highlight, context, after) if answered else ""
            answered = answered and not lacking
        # Declined, the nearest passages are still worth showing when the abstainer was not far from
        # answering and at least half of what the question names is the article's, or of what a message it
        # leans on names ("is it higher anywhere?" after a question about rent); a plainly unrelated
        # question gets none ("what's the capital of france?": neither word is the article's, though
        # people ask about it with "capital"; "how many bones are in the human body?": only "human").
        # A question the abstainer answered but whose first passage lacks the fact it asks for is near.
        near = answered or bool(lacking) or (bool(hits) and self._near(question, confidence, context))
        # The leading hits within the support gap of the first: a prefix, so that the first k of a search
        # for more hits show the same (a later hit chosen for its difference may score above an earlier).
        top = hits[0].score if hits else 0.0
        supported = next((n for n, h in enumerate(hits) if h.score < top - self.model.support_gap), len(hits))
        if picked is not None:
            supported = 1  # the other items, or the list's line, do not answer "what was the third issue"
        sure = answered and confidence >= self.model.channel_threshold
        return Retrieval(
            question,
            tuple(hits),
            answered,
            confidence,
            highlight,
            near=near,
            supported=supported,
            sure=sure,
            named=bool(context) or self._names_the_article(question),
            lacking=lacking,
            listed=len(listed) if answered else 0,  # a decline shows k passages, as ever
        )

    def _near(self, question: str, confidence: float, context: Sequence[Said]) -> bool:
        """Whether a declined question came near enough for its nearest passages to be shown (above);
        never for the bot's own view: one shown for "should I vote for him?" reads as advice."""
        return (
            not asks_for_an_opinion(question)
            and confidence >= NEAR_FRACTION * self.model.abstain_threshold
            and max(self.lexical.coverage(t) for t in [question, *(c.text for c in context)]) >= NEAR_WORDS
        )

    def _first_shown(
        self, question: str, s: Scored, k: int, shown_before: Chunk | None = None
    ) -> tuple[list[int], str | None]:
        """The k excerpts to show (indices into `s`), the best first unless the question names a month
        (`_dated_first`) or asks for someone's words (`_quoted_first`), and, when a passage was put
        first for quoting someone's statement, who (the bold line is then one of theirs). Chosen among
        the same passages at any k, so that the first k of a search for more are the same."""
        chosen = self.excerpts_of(s, k)
        if not chosen:
            return chosen, None
        named = dates_named(question)
        if named & _MONTHS:
            return self._dated_first(named, s, k, chosen), None
        return self._quoted_first(question, s, k, chosen, shown_before)

    def _dated_first(self, named: frozenset[str], s: Scored, k: int, chosen: list[int]) -> list[int]:
        """The excerpts `chosen`, the first of the best FIRST_CHOICES that names every month and year
        the question names (`named`) put first: "what did mamdani say in april" asks what he said then (a
        trial found his words at the meeting first, and the April rally second). A year alone moves
        nothing: it is most often part of a name ("the 2026 midterms", "his 2017 tax reform") or by the
        way ("what did trump say about rent in 2026" went to a line on mid-2026; a review)."""
        return self._put_first(s, k, chosen, lambda i: named <= self._dates[int(s.positions[i])])

    def _quoted_first(
        self, question: str, s: Scored, k: int, chosen: list[int], shown_before: Chunk | None = None
    ) -> tuple[list[int], str | None]:
        """The excerpts `chosen`, with a passage quoting a statement of the one person whose words the
        question asks for (`asks_for_words`) put first, when the first quotes none, and who, if one was
        (else None): the first of the best FIRST_CHOICES that quotes them in a sentence sharing a word
        with the rest of the question (any sentence, if the rest has no word), and scores within the
        support gap of the first (as near as a passage that supports the answer). "what did mamdani say
        about trump" asks for Mamdani's words, and found first the passage of Trump's words about him (in
        bold, a line of it that quotes nobody), with Mamdani's words about Trump at the rally second. Not
        a passage quoting them on something else: "what did trump say about the poor" moved his words to
        the press first (a review). A follow-up asking whose words and nothing more asks for them where
        the answer before was (`_quoted_there`)."""
        asked = asks_for_words(question)
        person = self.bold_line.person_named(asked.who) if asked else None
        if asked is None or person is None:
            return chosen, None
        about = self.lexical.content_stems(asked.rest)
        near = float(s.fused[chosen[0]]) - self.model.support_gap
        if not about and shown_before is not None:
            there = self._quoted_there(s, k, chosen, person, shown_before)
            if there is not None:
                return there, person if there != chosen else None
        if person in self.bold_line.quotes(int(s.positions[chosen[0]])):
            return chosen, None

        def fits(i: int) -> bool:
            quoting = self.bold_line.quoting(int(s.positions[i]), person)
            on_it = not about or any(about & self.lexical.content_stems(t) for t in quoting)
            return s.fused[i] >= near and bool(quoting) and on_it

        moved = self._put_first(s, k, chosen, fits)
        return moved, person if moved != chosen else None

    def _quoted_there(
        self, s: Scored, k: int, chosen: list[int], person: str, shown_before: Chunk
    ) -> list[int] | None:
        """The excerpts to show for a follow-up asking for `person`'s words and nothing more, after the
        passage `shown_before` ("what did mamdani say" after "when did the feud peak" had his words at the
        meeting first, and the rally second; a trial): `chosen` when the first is of its paragraph and
        opens a statement of theirs; else, first, the passage shown before if it opens one, or the best
        of its paragraph that does; None if none does. A passage opening with the end of a statement
        ('He's a danger to America."') does not open it."""
        there = paragraph_of(shown_before)

        def opens_there(i: int) -> bool:
            position = int(s.positions[i])
            return self._paragraphs[position] == there and person in self.bold_line.opens_statement_of(
                position
            )

        if opens_there(chosen[0]):
            return chosen
        quoting = [i for i in range(len(s.positions)) if opens_there(i)]
        if not quoting:
            return None
        own = self._positions[shown_before.id]
        found = next((i for i in quoting if int(s.positions[i]) == own), quoting[0])
        window = self.index.chunks[int(s.positions[found])]
        # The best others that do not overlap it (a window may overlap two of them).
        others = self.excerpts_of(s, 2 * k + 2)
        rest = (i for i in others if not _overlap(self.index.chunks[int(s.positions[i])], window))
        return [found, *rest][:k]

    def _put_first(self, s: Scored, k: int, chosen: list[int], fits: Callable[[int], bool]) -> list[int]:
        """The excerpts `chosen` with the first of the best FIRST_CHOICES that `fits` put first."""
        best = chosen if k >= FIRST_CHOICES else self.excerpts_of(s, FIRST_CHOICES)
        first = next((i for i in best[:FIRST_CHOICES] if fits(i)), None)
        if first is None or first == chosen[0]:
            return chosen
        return [first, *(i for i in chosen if i != first)][:k]

    def excerpts_of(self, s: Scored, k: int) -> list[int]:
        """Indices into `s` of the excerpts to show: the best, then maximal marginal relevance."""
        pool = min(len(s.positions), MMR_POOL)
        top = s.positions[:pool]
        vecs = self.fusion.chunk_vectors(top)
        return diverse(s.fused[:pool], vecs, self._starts[top], self._ends[top], self._docs[top], k)
