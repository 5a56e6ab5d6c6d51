"""Questions → Answers: cleaned input, retrieval, and cited excerpts as plain data."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.core import replies
from bot.core.arithmetic import is_sum
from bot.core.cache import ByteBoundedCache, text_size
from bot.core.calls import asks_whether_anyone_is_there
from bot.core.chunking import Chunk
from bot.core.embedding import Embedder
from bot.core.files import reason
from bot.core.followup import MAX_HISTORY
from bot.core.highlight import HighlightModel
from bot.core.index import REBUILD, Index, IndexCorrupt, load_index
from bot.core.intents import Intent, IntentModel, IntentReader
from bot.core.kinds import QUESTION_KINDS, Kind
from bot.core.language import LanguageReader, proper_names, words_of
from bot.core.model import RetrievalModel
from bot.core.more import asks_for_more, continued_at, page, pages_asked, without_requests
from bot.core.paragraphs import full_paragraph
from bot.core.replies import ALL_SHOWN, MORE, Heading
from bot.core.retrieval import Hit, Retrieval, Retriever
from bot.core.sequel import asks_what_came_next, line_after, line_of
from bot.core.spelling import Speller
from bot.core.subjects import WholeArticle, unknown_to
from bot.core.text import (
    SPOILER,
    WORD,
    cut_at_word,
    gist_subject,
    has_lone_surrogates,
    hidden_words,
    is_invisible,
    keep_hidden,
    only_addresses,
    plain_letters,
    plain_markup,
    remove_chat_markup,
    remove_invisible_in_words,
    replace_controls,
    request_subject,
    said_markup,
    without_chat_openers,
    without_filler,
    without_so,
)

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
DEFAULT_K = 3
MAX_K = 10
# How many of a query's latest earlier messages are read for the questions among them (the context is the
# last MAX_HISTORY of those): chatter between questions is skipped, a long history is not all encoded.
HISTORY_SCAN = 2 * MAX_HISTORY
# The bytes of recent messages' vectors kept for the later turns of their conversations: about 1,000
# messages of 2,000 characters, many more short ones.
RECENT_VECTORS_BYTES = 4 * 1024 * 1024
# How many earlier messages a conversation keeps: those read, the question a run of requests for more
# continues, and that run (after MAX_K passages there is nothing more to show).
HISTORY_KEPT = HISTORY_SCAN + 1 + MAX_K

# A lone command typed as a message, as other bots are driven ("/start", "!menu", "/start@somebot"). Those
# read as a kind keep it ("/help", "/tldr", "/hello"), and those naming something the article may answer
# are searched as that word ("/rent", "/trump", as before); the commands of a bot's own controls get help,
# which says how to ask ("/start" was answered with when the meeting began, "/menu" declined).
_COMMAND_TYPED = re.compile(r"[/!](?P<word>[^\W\d_]+)(?:@\w+)?")
_BOT_CONTROLS = frozenset(
    "start begin menu settings options commands cmds command version ping status stats config setup "
    "list".split()
)
# A lone request for the source ("source?", "sauce pls", "citation needed"), as people ask after a reply (a
# trial: "source?" was searched and declined): help names the article and how excerpts are cited. Matched
# whole, not as an example of help, whose neighbours would take in questions about the article's sources
# ("did you back up the claim with a source").
_SOURCE_ASKED = re.compile(
    r"\W*(?:sources?|sauce|citations?|cite|links?|refs?|references?)(?:\s+(?:pls|plz|please|needed))?\W*",
    re.IGNORECASE,
)


# Help is about the bot and the one asking: a message that speaks of others (a third person, or someone the
# article quotes) and of neither the bot nor the asker is no request for help, however like one it reads
# ("who can see what trump asked", "what happens to his messages", "are their questions private"; a
# review found these read as help once examples of asking who sees one's own questions were added). Only
# a subject or a possessive counts ("who can read them?" after "who can see my questions?" asks of the
# questions), and words of the bot and of asking it are of the bot ("list commands for trump", "how to
# ask about him", "can the mods read their questions"; a second review).
_THIRD_PERSON = frozenset("he his she her hers they their theirs".split())
_FIRST_OR_SECOND = frozenset(
    """i me my mine myself you your yours yourself u ur ya we us our ours bot bots command commands cmd
    cmds syntax usage prefix slash ask mod mods moderator moderators admin admins server discord dm dms
    channel""".split()
)


class BadQuestion(ValueError):
    """A question that cannot be answered as it was typed; its message is one sentence for the asker."""


class EmptyQuestion(BadQuestion):
    """The question has no text in it."""


class UnreadableQuestion(BadQuestion):
    """The question holds lone surrogates: bytes that were not valid text, which no encoder can take."""


@dataclass(frozen=True)
class Asked:
    """A question's text cleaned and cut to length; `said`, when it hid words as a spoiler, the same with
    those kept between "||" marks (what may be shown of it: `hide_spoilers`)."""

    text: str
    truncated: bool
    said: str | None = None


@dataclass(frozen=True)
class Query:
    """One question as it will be answered: its cleaned text, the conversation before it (oldest first,
    cleaned) and how many excerpts to return. Made with `Query.of`, which validates once, at the edge."""

    text: str
    history: tuple[str, ...] = ()
    k: int = DEFAULT_K
    truncated: bool = False
    # The messages (this one or earlier ones) that hid words as a spoiler: (text, as said with its "||").
    # The answer's question and what it continues are given as said, so that what shows them can hide them.
    spoilers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, question: str, history: Sequence[str] = (), k: int = DEFAULT_K) -> Query:
        """The query for a question as typed: BadQuestion if it is blank or unreadable; the history's
        blank messages dropped; k kept within 1..MAX_K. A message that is only a link goes on from nothing
        said before: alone it asks nothing of the article (a trial found one after a question shown the
        passages nearest that question)."""
        asked = clean_question(question)
        earlier = () if only_addresses(asked.text) else tuple(_cleaned(history))
        spoilers = tuple((a.text, a.said) for a in (*earlier, asked) if a.said is not None)
        texts = tuple(a.text for a in earlier)
        return cls(asked.text, texts, max(1, min(MAX_K, int(k))), asked.truncated, spoilers)

    def as_said(self, answer: Answer) -> Answer:
        """The answer with its question, and what it continues, as they were said (spoilers marked)."""
        if not self.spoilers:
            return answer
        said = dict(self.spoilers)
        continues = None if answer.continues is None else said.get(answer.continues, answer.continues)
        return replace(answer, question=said.get(answer.question, answer.question), continues=continues)


@dataclass(frozen=True)
class Excerpt:
    """One cited passage of the article."""

    rank: int
    text: str
    citation: str
    section: str
    paragraph: int
    score: float
    chunk_id: str
    doc_title: str
    highlight: tuple[int, int] | None  # span of the answering sentence within `text`


@dataclass(frozen=True)
class Source:
    """The document an answer quotes."""

    title: str
    date: str
    source: str


@dataclass(frozen=True)
class Answer:
    """What the bot says: the answering sentence and cited excerpts, or that the article doesn't say."""

    question: str
    answered: bool
    highlight: str | None
    excerpts: tuple[Excerpt, ...]
    truncated: bool
    confidence: float
    sources: tuple[Source, ...]
    kind: Kind = Kind.ANSWER
    reply: str | None = None  # the bot's own sentence (help, chatter, language, not covered)
    contents: tuple[Heading, ...] = ()  # the sections, for an overview or help
    examples: tuple[str, ...] = ()  # questions the article answers, for help
    supported: int | None = None  # how many excerpts support the answer (None: all); the rest on request
    continues: str | None = None  # for "more please": the earlier question whose further passages these are
    # An answer sure enough to be given unasked, where people also chat (ask-channels): the abstainer's
    # stricter bar, which answers 95% of the answerable training questions out of fold.
    sure: bool = False
    # The question names something of the article, or leans on the messages before it: where nobody
    # asked the bot (ask-channels), only such a question is answered.
    named: bool = True
    # Declined as a whole, but the first this many excerpts answer parts of the question (the rest are
    # only the closest passages).
    part_answers: int = 0
    # Answered by a line that introduces a list: the excerpts after the first that are its items, shown
    # whatever the k (Retrieval.listed).
    listed: int = 0

    @property
    def shown(self) -> tuple[Excerpt, ...]:
        """The excerpts shown with the reply: those that support the answer."""
        return self.excerpts if self.supported is None else self.excerpts[: self.supported]


def clean_question(text: str) -> Asked:
    """Strip control and format characters (zero-width spaces and joiners inside a word), mentions, link
    addresses and spaces, with letters read as letters (`plain_letters`: full-width and styled forms,
    decorating marks); cut at a word boundary past MAX_QUESTION_CHARS; then Discord's markup off and web
    and e-mail addresses out (`plain_markup`).

    EmptyQuestion if nothing visible is left; UnreadableQuestion if it holds lone surrogates.
    """
    typed = text or ""
    text = remove_chat_markup(plain_letters(remove_invisible_in_words(replace_controls(typed)))).strip()
    if has_lone_surrogates(text):
        raise UnreadableQuestion(
            "The question holds characters that are not valid text (broken UTF-8 or a lone surrogate); "
            "type it again as plain text."
        )
    truncated = len(text) > MAX_QUESTION_CHARS
    if truncated:
        text = cut_at_word(text, MAX_QUESTION_CHARS)
    marked = text
    text = plain_markup(text).strip()  # on at most MAX_QUESTION_CHARS characters: its patterns look ahead
    if all(is_invisible(c) for c in text):
        # "@everyone" alone was "empty" with no word of why (a trial): say what was taken out.
        raise EmptyQuestion(
            "The question is empty once mentions, markup and invisible characters are left out; "
            "type a question about the meeting."
        )
    said = said_markup(marked, cut=truncated) if SPOILER in marked else text
    if SPOILER in typed:  # what was hidden as typed stays hidden, whatever the cleaning took out (a review)
        said = keep_hidden(said, hidden_words(typed))
    return Asked(text, truncated, said if said != text else None)


def _cleaned(history: Sequence[str]) -> list[Asked]:
    """Earlier messages cleaned like questions; blank or unreadable ones dropped (nothing to lean on)."""
    if isinstance(history, str):
        raise TypeError("history is a sequence of messages, not one string")
    out = []
    for message in history:
        try:
            out.append(clean_question(message))
        except BadQuestion:
            continue
    return out


def citation(index: Index, hit: Hit) -> str:
    """Where a reader finds the excerpt: section and paragraph (and title when there are several)."""
    return place(index, hit.chunk)


def place(index: Index, c: Chunk) -> str:
    """Where a reader finds a chunk: section and paragraph, the FAQ's question, the title among several."""
    where = f"{c.section}, ¶{c.paragraph}"
    if c.question:
        where += f" ({c.question})"
    if len(index.docs) > 1:
        where = f"{index.docs[c.doc].title} — {where}"
    return where


def compose(index: Index, retrieval: Retrieval, truncated: bool, hint: bool = True) -> Answer:
    """Turn a retrieval into an Answer with numbered, cited excerpts (none when none is near); `hint`: a
    declined word or two may say what to ask instead (`replies.not_covered_text`)."""
    excerpts = []
    hits = retrieval.hits if retrieval.near else ()
    for rank, hit in enumerate(hits, 1):
        span = None
        if rank == 1 and retrieval.highlight and retrieval.answered:
            start = retrieval.highlight.start - hit.chunk.start
            span = (start, start + len(retrieval.highlight.text))
        excerpts.append(
            Excerpt(
                rank=rank,
                text=hit.chunk.text,
                citation=citation(index, hit),
                section=hit.chunk.section,
                paragraph=hit.chunk.paragraph,
                score=round(hit.score, 4),
                chunk_id=hit.chunk.id,
                doc_title=index.docs[hit.chunk.doc].title,
                highlight=span,
            )
        )
    near = bool(excerpts)
    docs = {index.docs[h.chunk.doc] for h in retrieval.hits} or set(index.docs.values())
    return Answer(
        question=retrieval.question,
        answered=retrieval.answered,
        highlight=retrieval.highlight.text if retrieval.answered and retrieval.highlight else None,
        excerpts=tuple(excerpts),
        truncated=truncated,
        confidence=round(retrieval.confidence, 4),
        sources=_sources(index, docs),
        kind=Kind.ANSWER if retrieval.answered else Kind.NOT_COVERED,
        supported=max(1, retrieval.supported) if retrieval.answered and excerpts else None,
        reply=None
        if retrieval.answered
        else replies.not_covered_text(
            retrieval.question, near, index, hint, retrieval.partly > 0, retrieval.lacking
        ),
        sure=retrieval.sure,
        named=retrieval.named,
        part_answers=min(retrieval.partly, len(excerpts)) if not retrieval.answered else 0,
        listed=min(retrieval.listed, len(excerpts) - 1) if retrieval.answered and excerpts else 0,
    )


def continued(query: Query, pages_before: int | None) -> Query:
    """What a query searches: itself, or for a request for more (after `pages_before` others) the message
    before those, asked with its own earlier messages for every passage; itself when there is none."""
    at = None if pages_before is None else continued_at(query.history, pages_before)
    return query if at is None else Query(query.history[at], query.history[:at], MAX_K)


def declined(index: Index, query: Query, reply: str, continues: str | None = None) -> Answer:
    """A decline with no passages (a sum, or "more" after one) and the bot's own `reply`."""
    nothing = Retrieval(query.text, (), False, 0.0, None, near=False)
    return replace(compose(index, nothing, query.truncated), reply=reply, continues=continues)


def kept_in_conversation(answer: Answer) -> bool:
    """Whether a message is context for the ones after it: a question about the article or a summary request
    (which "more" goes on from; retrieval reads only the questions), or a request for more that showed
    passages (one that found none left would only push the question out of those kept)."""
    kept = answer.kind in QUESTION_KINDS or answer.kind == Kind.OVERVIEW
    return kept and not (answer.continues is not None and not answer.excerpts)


def history_read(text: str, history: Sequence[str]) -> list[str]:
    """The earlier messages an answer to `text` depends on, and so all that is worth storing with it: the
    last HISTORY_SCAN that are not requests for more; for a request for more, or one asking what came
    next, the question it continues (with those before it) and the requests since; none for a message
    that is only a link (`Query.of`)."""
    if only_addresses(text):
        return []
    if asks_what_came_next(text):
        # Each of a run of "and then?" goes on from the one before: the run is kept whole, with the
        # question it started from (a review: past six, a restart went on from another question).
        run = 0
        for message in reversed(history):
            if not (asks_what_came_next(message) or asks_for_more(message)):
                break
            run += 1
        at = len(history) - run - 1
        if at >= 0:
            return [*without_requests(history[:at], HISTORY_SCAN), *history[at:]][-HISTORY_KEPT:]
    if not asks_for_more(text):
        return without_requests(history, HISTORY_SCAN)
    at = continued_at(history, pages_asked(history))
    if at is None:
        return []  # no question left to continue
    if asks_what_came_next(history[at]):  # more of an "and then?": stored as that message's own answer was
        return [*history_read(history[at], history[:at]), *history[at:]][-HISTORY_KEPT:]
    return [*without_requests(history[:at], HISTORY_SCAN), *history[at:]]


def continuation(earlier: Answer, query: Query, pages_before: int) -> Answer:
    """The next `query.k` excerpts of an earlier answer (asked again with every passage), after those it
    showed and those of `pages_before` requests for more; numbered as they were."""
    first = min(max(query.k, 1 + earlier.listed), len(earlier.shown))  # a list was shown whole
    excerpts = tuple(replace(e, highlight=None) for e in earlier.excerpts[page(first, pages_before, query.k)])
    if excerpts:
        reply = replies.MORE_ANSWERING if earlier.answered else replies.MORE_CLOSEST
    else:
        reply = replies.NO_MORE if earlier.excerpts or earlier.answered else replies.NO_MORE_NOT_COVERED
    return replace(
        earlier,
        question=query.text,
        highlight=None,
        excerpts=excerpts,
        truncated=query.truncated,
        supported=None,
        reply=reply,
        continues=earlier.question,
    )


def _sources(index: Index, docs: set) -> tuple[Source, ...]:
    return tuple(Source(d.title, d.date, d.source) for d in sorted(docs, key=lambda d: d.doc_id))


def paragraph_excerpt(index: Index, chunk: Chunk, rank: int) -> Excerpt:
    """The whole paragraph of a chunk as a cited excerpt, with no bold line."""
    para = full_paragraph(index, chunk.id)
    where = place(index, chunk)
    return Excerpt(rank, para.text, where, para.section, para.number, 1.0, chunk.id, para.doc_title, None)


def overview(index: Index, question: str, truncated: bool) -> Answer:
    """The article's opening paragraph, verbatim and cited, and its sections as a table of contents."""
    first = index.chunks[0]
    opening = paragraph_excerpt(index, first, 1)
    return Answer(
        question=question,
        answered=False,
        highlight=None,
        excerpts=(opening,),
        truncated=truncated,
        confidence=1.0,
        sources=_sources(index, {index.docs[first.doc]}),
        kind=Kind.OVERVIEW,
        reply=replies.OVERVIEW,
        contents=replies.contents(index),
    )


def overview_more(index: Index, query: Query, summary: str, pages_before: int) -> Answer:
    """ "more please" after a summary: the article's next `query.k` paragraphs in order, verbatim and
    cited, after the opening and those of `pages_before` earlier requests; numbered on from the opening."""
    firsts: dict[tuple, Chunk] = {}
    for c in index.chunks:
        firsts.setdefault((c.doc, c.section, c.paragraph), c)
    paragraphs = list(firsts.values())[1:]  # the opening was the summary's
    shown = paragraphs[page(0, pages_before, query.k)]
    excerpts = [paragraph_excerpt(index, c, n) for n, c in enumerate(shown, start=2 + pages_before * query.k)]
    return Answer(
        question=query.text,
        answered=False,
        highlight=None,
        excerpts=tuple(excerpts),
        truncated=query.truncated,
        confidence=1.0,
        sources=_sources(index, {index.docs[c.doc] for c in paragraphs[:1]}),
        kind=Kind.OVERVIEW,
        reply=replies.OVERVIEW_MORE if excerpts else replies.OVERVIEW_END,
        continues=summary,
    )


def fixed_reply(index: Index, question: str, truncated: bool, kind: Kind, group: str = "") -> Answer:
    """Help, chatter or the language note: the bot's own short sentences, no excerpts."""
    examples = replies.example_questions(index)
    if kind == Kind.HELP:
        text, contents_ = replies.help_text(index), replies.contents(index)
    elif kind == Kind.CHATTER:
        text, contents_, examples = replies.chatter_text(group, examples), (), ()
    else:
        text, contents_, examples = replies.LANGUAGE, (), ()
    return Answer(
        question=question,
        answered=False,
        highlight=None,
        excerpts=(),
        truncated=truncated,
        confidence=1.0,
        sources=_sources(index, set(index.docs.values())),
        kind=kind,
        reply=text,
        contents=contents_,
        examples=examples,
    )


def corpus_speller(index: Index) -> Speller:
    """Typo repair towards the words of the indexed chunks (IndexCorrupt if its file is missing)."""
    try:
        return Speller.load(index.folder, [c.text for c in index.chunks])
    except ValueError as exc:  # files.Damage
        raise IndexCorrupt(
            f"The typo list in {index.folder} is damaged ({reason(exc)}); rebuild it with `{REBUILD}`."
        ) from exc


def load_checked(
    index_dir: Path,
) -> tuple[Index, RetrievalModel, Speller, IntentModel, HighlightModel]:
    """The index, its retrieval, message-kind and bold-line models and typo repair, checked to fit
    together (else an IndexError_)."""
    index = load_index(index_dir)
    model = RetrievalModel.load(index_dir)
    model.check(index)
    intents = IntentModel.load(index_dir)
    if intents.vectors.shape[1:] != (index.manifest.dim,):
        raise IndexCorrupt(
            f"The message-kind model in {index_dir} does not fit the index; rebuild it with `{REBUILD}`."
        )
    return index, model, corpus_speller(index), intents, HighlightModel.load(index_dir)


class Answerer:
    """The bot's brain: one loaded index and encoder answering any number of questions."""

    def __init__(
        self,
        index: Index,
        embedder: Embedder,
        model: RetrievalModel,
        speller: Speller | None = None,
        intents: IntentModel | None = None,
        highlighter: HighlightModel | None = None,
    ) -> None:
        self.index = index
        self._chunks = {c.id: c for c in index.chunks}
        self.retriever = Retriever(index, embedder, model, speller, highlighter)
        self.intents = IntentReader(intents) if intents is not None else None
        texts = [c.text for c in index.chunks]
        # English as the article, the speller and the message-kind examples (how people chat) write it.
        english = words_of([*texts, *(intents.keys if intents is not None else ())])
        self.languages = LanguageReader(
            proper_names(texts), english | (speller.known_words if speller else set())
        )
        # The words of the article's subjects and of the bot itself: the article's, the training questions'
        # and the message-kind examples'.
        lexical = self.retriever.lexical
        self._known = (
            lexical.vocabulary
            | model.asked_words
            | (lexical.words_of(intents.keys) if intents is not None else frozenset())
        )
        self._vocabulary = sorted(self._known)  # what a typo may be a typo of
        docs = index.docs.values()
        self._whole = WholeArticle.of(
            [d.title for d in docs], self.retriever.people, lexical, [d.date for d in docs]
        )
        # Vectors of recent messages, for the turns of a conversation after them.
        self._recent: ByteBoundedCache[str, np.ndarray] = ByteBoundedCache(
            RECENT_VECTORS_BYTES, lambda text, vector: text_size(text) + vector.nbytes
        )

    @classmethod
    def load(cls, index_dir: Path, embedder: Embedder) -> Answerer:
        """Load the index and every model beside it, checked to fit together (else an IndexError_)."""
        index, model, speller, intents, highlighter = load_checked(index_dir)
        return cls(index, embedder, model, speller, intents, highlighter)

    def read(self, text: str, vector: np.ndarray, first: bool = False) -> Intent | None:
        """What a message is when it is not a question for retrieval: not English, help, chatter...
        `first`: it opens its conversation, where a call asking whether anyone is there is asked of the bot
        (bot/core/calls.py)."""
        if not self.languages.is_english(text):
            return Intent(Kind.LANGUAGE)
        if is_sum(text, self.retriever.article_word):  # the article works out no sum: declined, no passages
            return Intent(Kind.NOT_COVERED)
        subject = self._subject(text)  # read once, for both checks below
        if self._about_the_article(subject):
            return Intent(Kind.OVERVIEW)  # "tell me about this story", "summarize the meeting"
        if _SOURCE_ASKED.fullmatch(text):
            return Intent(Kind.HELP)  # "source?": help names the article and how each excerpt is cited
        intent = self.intents.read(text, vector) if self.intents else None
        if intent is not None and intent.kind in (Kind.HELP, Kind.OVERVIEW) and self._other_subject(subject):
            return None  # "tell me about bernie sanders" is no request for help: searched, and declined
        if intent is not None and intent.kind == Kind.HELP and self._of_others(text):
            return None  # "what happens to his messages": searched
        command = _COMMAND_TYPED.fullmatch(text.strip()) if intent is None else None
        if command and command["word"].casefold() in _BOT_CONTROLS:
            return Intent(Kind.HELP)  # "/start", "!menu": a bot's control typed as text; help says how to ask
        if intent is None and first and asks_whether_anyone_is_there(text):
            return Intent(Kind.HELP)  # "anybody here?": no question about the article (bot/core/calls.py)
        return intent

    def _subject(self, text: str) -> str:
        """What a request to be told about something, or "what is this X about?", asks about, typos
        repaired ("bernie sanders", "this song"); "" for any other message."""
        return self._requested(text) or self._spelled(gist_subject(without_filler(text)))

    def _about_the_article(self, subject: str) -> bool:
        """Whether a request's `subject` (`_subject`) is the article itself or the meeting as a whole
        ("tell me more about this story pls", "summarize the oval office meeting"; bot.core.subjects)."""
        return bool(subject) and self._whole.asks_for_whole(subject, self.retriever.lexical)

    def _of_others(self, text: str) -> bool:
        """Whether a message speaks of a third person or of someone the article quotes, and neither of
        the bot nor of the one asking (`_THIRD_PERSON`)."""
        words = set(WORD.findall(text.casefold()))
        others = words & _THIRD_PERSON or words & self.retriever.people
        return bool(others) and not words & _FIRST_OR_SECOND

    def _other_subject(self, subject: str) -> bool:
        """Whether a request's `subject` (`_subject`) has no word the article, the training questions or
        the message-kind examples use, nor a typo of one ("info on ethereum", "what do you know about
        bernie sanders", "what is this song about?"); "tell me about yourself" and "summarize the artcle"
        are not."""
        stems = self.retriever.lexical.content_stems(subject) if subject else frozenset()
        return bool(stems) and unknown_to(stems, self._known, self._vocabulary)

    def _encode(self, texts: Sequence[str], earlier: set[str]) -> dict[str, np.ndarray]:
        """The texts' vectors in one encoder pass. The earlier messages of a conversation come from the
        cache of recent messages when they are in it: a conversation's messages were encoded again at
        every turn (0.3 to 1.2 s a turn after a few 2,000-character messages). The messages asked now
        are always encoded, so a repeated question costs what a new one does."""
        vectors = {t: v for t in texts if t in earlier and (v := self._recent.get(t)) is not None}
        missing = [t for t in texts if t not in vectors]
        if missing:
            for text, vector in zip(missing, self.retriever.embedder.encode(missing), strict=True):
                vectors[text] = vector
                self._recent.put(text, vector.copy())  # a copy: a row would keep its whole batch alive
        return vectors

    def _requested(self, text: str) -> str:
        """What a request asks about, chat around it aside ("… lol", "btw …"), typos repaired."""
        return self._spelled(request_subject(without_filler(text)))

    def _spelled(self, subject: str) -> str:
        """A request's subject with its typos repaired towards the article's words (only the subject: every
        message is read for its kind, and repairing a long one costs)."""
        return self.retriever.speller.correct(subject) if subject and self.retriever.speller else subject

    def ask(self, question: str, k: int = DEFAULT_K, history: Sequence[str] = ()) -> Answer:
        """Answer one question, read after the earlier messages in `history` (oldest first)."""
        return self.ask_many([question], k, [history])[0]

    def ask_many(
        self,
        questions: Sequence[str],
        k: int = DEFAULT_K,
        histories: Sequence[Sequence[str]] | None = None,
    ) -> list[Answer]:
        """Answer several questions with one encoder pass (a BadQuestion if any is blank or unreadable).

        `histories[i]`, when given, lists the earlier messages of question i's conversation.
        """
        if histories is not None and len(histories) != len(questions):
            raise ValueError(f"{len(histories)} histories for {len(questions)} questions")
        return self.answer(
            [Query.of(q, histories[i] if histories else (), k) for i, q in enumerate(questions)]
        )

    def answer(self, queries: Sequence[Query], sequels: bool = True) -> list[Answer]:
        """Answer queries with one encoder pass: each read for its kind, the questions retrieved.

        Only the questions among a query's earlier messages are its context: "thanks" or "lol" after a
        question is no topic to lean on (and would push the question out of the MAX_HISTORY read). A
        request for more ("more please") asks the question before it again, with that question's own
        earlier messages, for every passage, and shows the next page of them. A request for what came
        next ("and then?") shows the line after the one shown before (`_sequel`); with `sequels` False it
        is searched as typed (`_sequel` answers the messages before it so, once each).
        """
        # What each query searches: itself, or for a request for more the question it continues.
        pages = [pages_asked(q.history) if asks_for_more(q.text) else None for q in queries]
        searched = [continued(q, n) for q, n in zip(queries, pages, strict=True)]
        recent = [without_requests(q.history, HISTORY_SCAN) for q in searched]
        texts = [q.text for q, n in zip(queries, pages, strict=True) if n is None]  # requests aren't read
        earlier = [h for r in recent for h in r] + [
            s.text for s, q in zip(searched, queries, strict=True) if s is not q
        ]
        said = dict.fromkeys(texts + earlier)
        # Read for their kind without a greeting before a question or words of emphasis, as they are
        # searched: "how tf does this work" asks for help, "what the hell happened" for the overview.
        opened = {t: without_chat_openers(t) for t in said}
        # ... and, for a first message, without a "so" opening it: in a conversation "so what happened?"
        # goes on from what was asked before (a trial: after a question on the rally, it got the overview).
        first = {q.text for q, n in zip(queries, pages, strict=True) if n is None and not q.history}
        read_as = {t: without_so(opened[t]) if t in first else opened[t] for t in said}
        # Typos repaired once, reused by retrieval.
        spelled = {t: self.retriever.prepare_opened(opened[t]) for t in said}
        # Encoded: the messages as read for their kind (as typed, less those openers: the typo repair reads
        # "lol" as "low") and as searched. A message without typos is encoded once; one with typos twice.
        distinct = list(dict.fromkeys([*read_as.values(), *spelled.values()]))
        vectors = self._encode(distinct, {*(read_as[h] for h in earlier), *(spelled[h] for h in earlier)})
        kinds = {h: self.read(read_as[h], vectors[read_as[h]]) for h in dict.fromkeys(earlier)}
        # Each query answered without a search where it can be: None where it is searched below.
        answers: list[Answer | None] = []
        for q, s, n in zip(queries, searched, pages, strict=True):
            after = self._sequel(s) if sequels and s.history and asks_what_came_next(s.text) else None
            if after is not None:  # "what happened next?": the line after the one shown
                answers.append(after if n is None else continuation(after, q, n))
            elif n is not None:
                answers.append(self._more_unsearched(q, s, n, kinds))
            else:
                intent = self.read(read_as[q.text], vectors[read_as[q.text]], first=not q.history)
                answers.append(self._unsearched(q, intent))
        asked = [i for i, a in enumerate(answers) if a is None]
        if asked:
            # One retrieval at the largest k; each answer keeps its own k's excerpts.
            k = max(searched[i].k for i in asked)
            histories = [[h for h in recent[i] if kinds[h] is None] for i in asked]
            results = self.retriever.retrieve_many(
                [searched[i].text for i in asked], k, histories if any(histories) else None, vectors, spelled
            )
            for i, r, history in zip(asked, results, histories, strict=True):
                q, n = searched[i], pages[i]
                # A list the bold line introduces is shown whole (Retrieval.listed), whatever the k.
                shown = replace(r, hits=r.hits[: max(q.k, 1 + r.listed)])
                # After a question, the person knows what the bot is for: no hint with a short decline.
                answered = compose(self.index, shown, q.truncated, hint=not history)
                if answered.kind == Kind.NOT_COVERED and n is None and self.languages.leans_to_other(q.text):
                    # Declined, and more likely another language than English: the language note.
                    answered = fixed_reply(self.index, q.text, q.truncated, Kind.LANGUAGE)
                answers[i] = answered if n is None else continuation(answered, queries[i], n)
        # Every slot is filled; each answer names its question as it was said (spoilers marked).
        return [q.as_said(a) for q, a in zip(queries, answers, strict=True)]  # type: ignore[arg-type]

    def _unsearched(self, query: Query, intent: Intent | None) -> Answer | None:
        """The reply to a message read as `intent` (`read`), or None for a question to search."""
        if intent is None:
            return None
        if intent.kind == Kind.OVERVIEW:
            return overview(self.index, query.text, query.truncated)
        if intent.kind == Kind.NOT_COVERED:  # a sum: declined as it is, with no hint
            return declined(self.index, query, replies.NOT_COVERED)
        return fixed_reply(self.index, query.text, query.truncated, intent.kind, intent.group)

    def _more_unsearched(
        self, query: Query, searched: Query, pages: int, kinds: dict[str, Intent | None]
    ) -> Answer | None:
        """The reply to a request for more (after `pages` others) that needs no search: the article going
        on after a summary, none after a sum, that every passage was shown after a run of requests too
        long to keep the question, or how "more" works; None when it continues a question (`searched`,
        read as `kinds[searched.text]`), which is searched again."""
        if searched is not query:
            earlier = kinds[searched.text]
            if earlier is None:
                return None  # continues the question before it
            if earlier.kind == Kind.OVERVIEW:
                return overview_more(self.index, query, searched.text, pages)  # the article goes on
            if earlier.kind == Kind.NOT_COVERED:
                # After a sum: there were no passages, as after a question plainly not covered.
                return declined(self.index, query, replies.NO_MORE_NOT_COVERED, continues=searched.text)
        if searched is query and query.history:
            group = ALL_SHOWN  # after a run of requests so long the question is no longer kept
        else:
            group = MORE  # after chatter, help, a summary, or nothing: how "more" works
        return fixed_reply(self.index, query.text, query.truncated, Kind.CHATTER, group)

    def _sequel(self, query: Query) -> Answer | None:
        """The answer to "what happened next?" (`bot.core.sequel`): the article's line after the one the
        message before showed in bold (chatter and requests for more between skipped), with the passages
        that follow it; a decline when that line ends its section. None when nothing before was answered
        with a bold line: the message is then searched as it is.

        Each earlier message is answered once, as it was: a run of such requests goes on from the answer
        before each (a table, not a recursion, which had answered the same messages again at every level
        of a run: 17 messages took three minutes; a review)."""
        history = query.history[-HISTORY_KEPT:]
        told: dict[int, Answer] = {}

        def said(j: int) -> Answer:
            """History[j] as it was answered, read after those before it."""
            if j not in told:
                q = Query(history[j], history[:j], query.k)
                after = self._told_after(q, history, j, said) if j and asks_what_came_next(q.text) else None
                told[j] = after if after is not None else self.answer([q], sequels=False)[0]
            return told[j]

        return self._told_after(query, history, len(history), said)

    def _told_after(
        self, query: Query, history: Sequence[str], end: int, said: Callable[[int], Answer]
    ) -> Answer | None:
        """`_sequel` for `query`, asked after `history[:end]` (`said(j)`: the answer to `history[j]`)."""
        looked = 0
        for j in range(end - 1, -1, -1):
            if asks_for_more(history[j]):
                continue  # "more please" showed passages further down the same answer; not counted
            earlier = said(j)
            looked += 1
            if earlier.kind != Kind.CHATTER or looked == HISTORY_SCAN:
                break
        else:
            return None
        if earlier.kind == Kind.CHATTER:
            return None
        if earlier.reply == replies.SEQUEL_END:
            # Still at the end of the section: said again (a helper's trial: the next "and then?" was
            # searched as typed and declined as a question the article does not cover).
            return declined(self.index, query, replies.SEQUEL_END)
        first = earlier.excerpts[0] if earlier.answered and earlier.excerpts else None
        if first is None or first.highlight is None:
            return None
        shown = self._chunks[first.chunk_id]
        line_end = shown.start + first.highlight[1]
        # A list shown whole (the line introducing it, then its items): the story goes on after the items.
        for e in earlier.excerpts[1 : 1 + earlier.listed]:
            item = self._chunks[e.chunk_id]
            if (item.doc, item.section) == (shown.doc, shown.section):
                line_end = max(line_end, item.end)
        found = line_after(self.index.chunks, shown, line_end, query.k)
        if found is None:
            return declined(self.index, query, replies.SEQUEL_END)
        chunks, position, at = found
        line = line_of(chunks[0], *self.retriever.bold_line.unit_from(position, at))
        hits = tuple(Hit(c, 0.0) for c in chunks)
        told = Retrieval(query.text, hits, True, earlier.confidence, line, supported=1, sure=earlier.sure)
        return compose(self.index, told, query.truncated)


def answer_each(answerer: Answerer, queries: Sequence[Query]) -> list[Answer | Exception]:
    """Answer in one pass; if that fails, each query on its own, so a bad one fails only itself.

    Each item is the query's Answer or the exception that answering it raised.
    """
    try:
        return list(answerer.answer(queries))
    except Exception as exc:
        if len(queries) == 1:
            return [exc]
        log.warning(
            "answering %d questions together failed (%s); answering them one by one",
            len(queries),
            type(exc).__name__,
        )
    out: list[Answer | Exception] = []
    for query in queries:
        try:
            out += answerer.answer([query])
        except Exception as exc:
            out.append(exc)
    return out
