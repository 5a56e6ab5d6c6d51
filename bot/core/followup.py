"""How much a message leans on the conversation before it, judged from its own words.

A follow-up such as "and what did Mamdani propose?" or "when was that?" names too little of its own to
find its passage; "When was Mamdani elected to the City Council?" names plenty. The reader scores how
self-contained a message is from the informative words it brings (rare words of the article count most,
names that occur everywhere count little) or, for a message that does not refer back, from how
confident the abstainer is that the article answers it read alone ("Is Mamdani a socialist?" uses only
common words but is a whole question). It lowers that when the message opens like a continuation
("and …", "what about …") or points back ("he", "that", "it"). The less self-contained, the more weight
the earlier messages get when it is searched.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from bot.core.cache import ByteBoundedCache, text_size
from bot.core.lexical import FUNCTION_WORDS, LexicalIndex
from bot.core.text import AUXILIARIES, WORD, fold

log = logging.getLogger(__name__)

# The context's weight, relative to the message's own 1.0, for a message that says nothing of its own:
# as much as the message itself. Chosen among 0.5, 1.0 and 1.5 on tests/data/followups_tune.jsonl (not
# on the test pairs): 0.5 left a quarter of the context-dependent pairs there unresolved; 1.5 resolved
# one more than 1.0 but let one more follow-up the article does not answer be answered.
# What may vouch for a message was chosen among three settings: its words only (on the tune pairs it
# let "Is Mamdani a socialist?" after a Con Edison question be pulled to Con Edison), its words or its
# confidence alone, and the same except for messages that refer back (tied on the tune pairs; the
# last kept two test follow-ups that say "it" or "the other" in context, and is the sounder reading).
# That a continuation ("what about …", "and …") may be vouched for by its confidence too was chosen on
# the tune pairs and the topic switches of tests/data/followups_switch.jsonl (written from the article
# for it): tune pairs' hit@1 in context 0.947 either way, topic switches 0.800 → 0.860.
MAX_CONTEXT_WEIGHT = 1.0
# Informative-word mass at which a message counts as self-contained: about two words that each occur
# in only a few passages.
SELF_CONTAINED_MASS = 2.0
# A word the article never uses still means something to the encoder, but pins no passage: half credit.
UNKNOWN_WORD_CREDIT = 0.5
# Openers that continue the previous question rather than start a new one.
CONTINUATIONS = ("and", "but", "so", "also", "or", "plus", "what about", "how about")
# A preposition, a question word and at most one more word, and nothing else, asks about what was said
# before, as "and …" does: "on what platform" after "how did trump respond" asks where he answered (a
# trial found it read alone: "platform" is no word of the article, and Trump's words at the meeting were
# bolded); "for how long", "in which city". It is read as a continuation (halved) that switches to no new
# topic, and it points back, so the passage that answered the question before counts (a review found "in
# which city" read as a switch). A whole question opened so ("in which borough does mamdani serve") asks
# of its own.
_ASKED_AFTER_A_PREPOSITION = re.compile(
    r"^(?:on|in|at|for|by|with|from|to|since|until|till|about|under|during)\s+"
    r"(?:what|which|whom|who|how|where|when)(?:\s+[\w'-]++)?\W*$"  # possessive: linear on "on what ''''…"
)
# A correction asks the question before again about something else, as "what about …" does: "no I meant
# trump" after "what is mamdani's housing plan?" (a trial found it read alone, and the opening sentence
# bolded).
_CORRECTION = re.compile(r"^(?:(?:no|nah|nope|sorry|oops)\W+)?i\s+mean[t]?\b")
CONTINUATION_WORDS = frozenset(w for c in CONTINUATIONS for w in c.split()) | frozenset(
    "no nah nope sorry oops i mean meant".split()
)
CONTINUATION_FACTOR = 0.5
# Words a reply may open with before it goes on ("ok and trump?", "hmm, what about energy?"); not "yes"
# or "no", which open whole questions ("yes or no, did trump endorse him?").
INTERJECTIONS = r"ok|okay|k|alright|right|cool|hmm+|well|oh|ah|yeah|thanks"
_INTERJECTION = re.compile(rf"^(?:(?:{INTERJECTIONS})\W+)+")
_INTERJECTION_WORD = re.compile(rf"(?:{INTERJECTIONS})")  # "hmm", "hmmm" too
# Words that point back at something said before; weaker evidence than an opener, since a standalone
# question also says "they" or "this story".
BACK_REFERENCES = frozenset(
    "he him his she her hers it its they them their theirs that this these those there then else other "
    "others ones former latter same".split()
)
BACK_REFERENCE_FACTOR = 0.75
# Verbs of answering whose object, left unsaid at the end of a message, is what was said before: "how did
# trump respond" after a question on Mamdani's rally asks how he answered it (a trial found it read alone,
# and Trump's words at the meeting bolded), as "how did trump respond to that" was.
RESPONDING = frozenset(
    "respond responds responded responding react reacts reacted reacting reply replies replied replying "
    "retort retorts retorted".split()
)
# So too verbs of proposing, when the message before names a subject of a passage where someone suggests
# or proposes: "what did trump suggest" after a question on Mamdani's plans for energy asks what Trump
# suggested on energy (a trial found Trump's words at the meeting bolded, read alone); after "who is
# mamdani?" or "what did trump say about the press?" it asks of its own (a review found his words on the
# press bolded). Not "offer", which asks as often for a concession (a review found "what did trump
# offer" after Mamdani on energy prices given Mamdani's plan).
PROPOSING = frozenset(
    "suggest suggests suggested propose proposes proposed recommend recommends recommended".split()
)
_HITS = frozenset(
    "say says said fire fires fired hit hits shoot shot push pushed strike struck talk talked".split()
)
_ANSWERING = RESPONDING | {"back"}  # "back" after one of _HITS (`_pointers`)
# "They" points back only at something plural: after "how much is rent?", "when did they meet?" asks about
# the two men the whole article is about, not about rent. What counts as plural before it: a word for
# people in the plural, two of the people the article quotes, a noun that ends in a plural "s" ("energy
# costs": "how much have they gone up?"), or a "they" that itself stood for one of those.
PLURAL_PRONOUNS = frozenset("they them their theirs".split())
PLURAL_WORDS = frozenset("both people men women children folks".split())
# How many earlier messages are read at most: older ones contribute a product of weights anyway.
MAX_HISTORY = 3
# Word credits of recently seen words, bounded by bytes (a "word" of a pasted text can be 2,000 characters).
CREDIT_CACHE_BYTES = 2**20
_FLOAT_BYTES = 24

# Asking who someone named is, and nothing else ("who is mamdani?", "who was steve bannon"): read alone
# when all it names are names the article writes. Not "what is …": the article's capitalised words
# include months and places, which a follow-up asks about in context ("what was april?" after a
# question on the feud).
_NAMING = re.compile(
    r"^who(?:\s*(?:is|are|was|were|'s|s))?\s+(?:the\s+)?(?P<what>[^\W\d_]+(?:[\s-]+[^\W\d_]+){0,3})\W*$"
)


class FollowupReader:
    """Scores how self-contained a message is against one lexical index; cheap and thread-safe."""

    def __init__(
        self,
        lexical: LexicalIndex,
        passages: int,
        asked: frozenset[str] = frozenset(),
        people: frozenset[str] = frozenset(),
        names: frozenset[str] = frozenset(),
    ) -> None:
        self.lexical = lexical
        self.people = people  # the surnames of the people the article quotes, folded
        self.names = names  # the names the article writes, folded (bot.core.speakers.Names.proper)
        self.passages = max(1, passages)
        self.asked = asked  # the content stems of the training questions: words people ask about it with
        self._name_stems = lexical.content_stems(" ".join(sorted(people | names)))
        # The passages where someone suggests or proposes something (`ends_pointing_back`).
        self._proposals = lexical.scores(" ".join(sorted(PROPOSING))) > 0
        # The credit of a word that half the passages hold: a word held by more names no topic of its own.
        self._common = math.log((self.passages + 1) / (self.passages / 2 + 1)) / math.log(self.passages + 1)
        self._credit: ByteBoundedCache[str, float] = ByteBoundedCache(
            CREDIT_CACHE_BYTES, lambda word, _: text_size(word) + _FLOAT_BYTES
        )

    def word_credit(self, word: str) -> float:
        """How much one content word pins down a passage: normalised IDF over the indexed chunks."""
        found = self._credit.get(word)
        if found is None:
            # One BM25 query per new word: the chunks with a positive score are the ones containing it.
            df = int(np.count_nonzero(self.lexical.scores(word)))
            if df == 0:
                found = UNKNOWN_WORD_CREDIT
            else:
                found = math.log((self.passages + 1) / (df + 1)) / math.log(self.passages + 1)
            self._credit.put(word, found)
        return found

    def plural(self, text: str, before: bool = True) -> bool:
        """Whether a message names something plural that a later "they" may stand for; `before`, whether
        the message before it did (so its own "they" stood for that)."""
        words = WORD.findall(fold(text))
        if any(w in PLURAL_WORDS for w in words) or len({w for w in words if w in self.people}) > 1:
            return True
        if before and any(w in PLURAL_PRONOUNS for w in words):
            return True
        return any(
            len(w) > 3
            and w.endswith("s")
            and not w.endswith(("ss", "us", "is"))
            and w not in FUNCTION_WORDS
            and (stems := self.lexical.content_stems(w))
            and not stems & FUNCTION_WORDS
            and w not in stems
            # ... a word of the article or of the training questions: not "always", "texas", "series"
            and self.lexical.coverage(w, self.asked) > 0
            for w in words
        )

    def self_contained(
        self,
        text: str,
        confidence: float | None = None,
        plural_before: bool = True,
        ends: frozenset[str] = frozenset(),
    ) -> float:
        """0 (only makes sense in context) … 1 (stands on its own).

        `confidence`, the abstainer's P(answerable) for the message read alone, vouches for a whole
        question that names only what the whole article is about ("Is Mamdani a socialist?").
        """
        folded = fold(text)
        asked_to_name = _NAMING.match(folded)
        if asked_to_name and set(WORD.findall(asked_to_name.group("what"))) <= self.names:
            # "who is mamdani?" asks who he is whatever came before; a name is no ellipsis (after two
            # questions on the letter, it bolded the letter: the name is in every passage, so its words
            # pinned nothing and the conversation tipped it).
            return 1.0
        words = WORD.findall(folded)
        content = [w for w in words if w not in BACK_REFERENCES and self.lexical.content_stems(w)]
        mass = sum(self.word_credit(w) for w in content)
        score = min(1.0, mass / SELF_CONTAINED_MASS)
        continues = _continues(folded, self.people)
        pointers = _pointers(words, plural_before, ends)
        points_back = bool(pointers)
        # A whole question of its own (a question word or auxiliary and two words of its own, no "and …")
        # must name a word of the article; any other message may name one of those people ask about it
        # with ("for how long?", "age?", "and the midterms?" go on from the question before).
        whole = len(content) > 1 and _ASKING_WORD.search(folded) is not None and not continues
        also = frozenset() if whole else self.asked
        if content and not points_back and self.lexical.coverage(" ".join(content), also) == 0:
            # It does not point back at what was said, and nothing it names is of the article ("bonjour",
            # "asdf", "what about bitcoin?", "what is the capital of france?" after a question about the
            # meeting, though people ask about the meeting with "capital"): it is not a follow-up, even
            # when it opens like one; what it asks about is new.
            return 1.0
        if not (content or points_back or continues or _ASKING.search(folded)):
            # Nothing of its own, nothing pointed back at, and no question either: "no thanks", "no no
            # no" reply to the bot; they ask nothing of the conversation ("for how long?" does).
            return 1.0
        if (
            confidence is not None
            and not pointers - PLURAL_PRONOUNS
            and any(self.lexical.coverage(w) > 0 for w in content)  # it names something of the article
            and not (continues and all(self.word_credit(w) <= self._common for w in content))
        ):
            # Either kind of evidence suffices: rare words of its own, or being answerable alone. Only
            # a message that does not refer back can be vouched for so: "what does mamdani want to do
            # about it" looks answerable alone, but what "it" is only the conversation says. "They" is
            # the exception: most often the two men, so a question answerable alone that says only
            # "they" ("when did they meet?" after "what are rents like in nyc?") is vouched for, and
            # still counts as pointing back below ("how much have they gone up?" is not answerable
            # alone and goes on from "energy costs"; a trial's 40 such pairs kept 37 answers, not 20). Nor can
            # one that names nothing of the article: "for how long?" is worded as people ask about it,
            # which the abstainer counts in its favour, but says nothing of what it asks about. A
            # continuation can ("what about energy?" after a question about the letter: energy is what
            # is asked now), halved below like any continuation, so the earlier question still gives
            # the frame; but only when it names something that not most passages hold: "and Trump?"
            # after "what does Mamdani want for public housing?" swaps the person, and asks the rest
            # of the earlier question again.
            score = max(score, confidence)
        # "and" (or "and so", "but also") before a whole question of its own (a question word and two
        # words, nothing pointed back at) only joins it on: "and what did trump say about rent?" after
        # "when did they meet?" and "where?" was halved, and the two questions before it showed the
        # opening (a trial).
        # "what about …" and "how about …" are no question words there: they ask the question before
        # again about something else, and stay halved (a review).
        joins_a_whole_question = (
            len(content) > 1
            and not points_back
            and _JOINED_QUESTION.match(_INTERJECTION.sub("", folded)) is not None
        )
        if continues and not joins_a_whole_question:
            score *= CONTINUATION_FACTOR
        if points_back:
            score *= BACK_REFERENCE_FACTOR
        return score

    def switches(self, text: str) -> bool:
        """Whether the message opens like a continuation, asks no question of its own and names something of
        the article: "what about other cities?", "and housing?" switch the topic; "and when?", "what about
        him?", "and the other guy's?" and "and what did mamdani propose?" (after a question on energy) do
        not."""
        folded = fold(text)
        words = WORD.findall(folded)
        opening = _INTERJECTION.sub("", folded)
        return (
            _continues(folded, self.people)
            and _JOINED_QUESTION.match(opening) is None
            and _ASKED_AFTER_A_PREPOSITION.match(opening) is None  # "in which city" asks of what was said
            and any(
                w not in BACK_REFERENCES and w not in CONTINUATION_WORDS and self.lexical.coverage(w) > 0
                for w in words
            )
        )

    def context_weight(
        self,
        text: str,
        confidence: float | None = None,
        plural_before: bool = True,
        ends: frozenset[str] = frozenset(),
    ) -> float:
        """The weight of the earlier messages when this message is searched (0 = ignore them);
        `plural_before`, whether what came before names something plural that "they" may stand for;
        `ends`, the last words that point back at what came before (`ends_pointing_back`)."""
        return MAX_CONTEXT_WEIGHT * (1.0 - self.self_contained(text, confidence, plural_before, ends))

    def weights(
        self, text: str, history: Sequence[str], confidence: Callable[[str], float] | None = None
    ) -> list[float]:
        """Weights of the message (1.0) and of each earlier message, newest first.

        Each earlier message gets what the message after it leans on it, times that message's own
        weight: so a chain of elliptic questions reaches back, and a self-contained one cuts it off.
        `confidence(message)`, when given, is the abstainer's P(answerable) for a message read alone.
        """
        recent = list(history[-MAX_HISTORY:])
        plurals = self._plurals(recent)
        out = [1.0]
        lean = self.context_weight(
            text,
            confidence(text) if confidence else None,
            not recent or plurals[-1],
            self.ends_pointing_back(text, recent),
        )
        for n in range(len(recent) - 1, -1, -1):
            if lean <= 0.0:
                break
            out.append(out[-1] * lean)
            earlier = recent[n]
            lean = self.context_weight(
                earlier,
                confidence(earlier) if confidence else None,
                plurals[n - 1] if n else False,
                self.ends_pointing_back(earlier, recent[:n]),
            )
        return out

    def _plurals(self, recent: Sequence[str]) -> list[bool]:
        """Whether each message leaves something plural for a later "they" (the oldest's own "they"
        stands for the two men: what it might have pointed back at is too far back to count)."""
        plurals: list[bool] = []
        for earlier in recent:
            plurals.append(self.plural(earlier, plurals[-1] if plurals else False))
        return plurals

    def points_back(self, text: str, history: Sequence[str]) -> bool:
        """Whether the message points back at what came before ("he", "it", "that"; "they" only at
        something plural)."""
        recent = list(history[-MAX_HISTORY:])
        if recent and _ASKED_AFTER_A_PREPOSITION.match(_INTERJECTION.sub("", fold(text))):
            return True  # "on what platform": asked of what was said before
        plural_before = bool(recent) and self._plurals(recent)[-1]
        return bool(_pointers(WORD.findall(fold(text)), plural_before, self.ends_pointing_back(text, recent)))

    def ends_pointing_back(self, text: str, before: Sequence[str]) -> frozenset[str]:
        """The last words that, ending this message with their object left unsaid, point back at the
        earlier messages `before` (oldest first), when the latest that names one of the people the
        article quotes names another (`someone_else`): a verb of answering or "said back"; and a verb of
        proposing when the latest message with a content word names something besides names that a
        passage where someone suggests or proposes holds ("what does mamdani want for energy", and
        "where?" after it; not "who is zohran mamdani?" or "what did trump say about the press?")."""
        if not self.someone_else(text, before):
            return frozenset()
        last = WORD.findall(fold(text))[-1:]
        if not last or last[0] not in PROPOSING:
            return _ANSWERING  # the subject (a BM25 query) is looked up only for a verb of proposing
        subject = next((m for m in reversed(before) if self.lexical.content_stems(m)), "")
        named = [w for w in WORD.findall(fold(subject)) if self.lexical.content_stems(w) - self._name_stems]
        if named and bool(np.any(self.lexical.scores(" ".join(named))[self._proposals] > 0)):
            return _ANSWERING | PROPOSING
        return _ANSWERING

    def someone_else(self, text: str, before: Sequence[str]) -> bool:
        """Whether this message names one of the people the article quotes, and the latest of the earlier
        messages `before` (oldest first) that names any of them names another: whom a "how did trump
        respond" may answer ("what did mamdani say at the rally?", "what did mamdani's office send to the
        white house?"; not "how much is rent?"), also past a message naming nobody that goes on about the
        same thing ("where was the rally?" between them: Trump's words at the meeting were bolded). A
        group's "how did republicans react?" asks of its own after any message (a trial found Bannon's
        words bolded after "who is mamdani?")."""
        own = set(WORD.findall(fold(text))) & self.people
        for n in range(len(before) - 1, -1, -1) if own else ():
            named = set(WORD.findall(fold(before[n]))) & self.people
            if named:
                return bool(named - own)
            # Past one naming nobody only while it stays on the subject of the one before it, by a word of
            # its own or by having none ("where was he?", "when?"): not past "how much is rent?" (another
            # subject) or "what is his slogan?" (what the article says of how Trump took that is nothing).
            stems = self.lexical.content_stems(before[n])
            if not n or (stems and not stems & self.lexical.content_stems(before[n - 1])):
                return False
        return False


def _pointers(words: Sequence[str], plural_before: bool, ends: frozenset[str] = frozenset()) -> set[str]:
    """The words of a message that point back; "they" with nothing plural before it is the two men. One
    that ends on one of `ends` (`FollowupReader.ends_pointing_back`: after "what did mamdani say at the
    rally?", "how did trump respond" or "what did he say back") answers what came before: its last word
    points back too. After any other ("how much is rent?"), "how did republicans respond?" asks of its
    own."""
    pointers = {w for w in words if w in BACK_REFERENCES}
    if pointers and pointers <= PLURAL_PRONOUNS and not plural_before:
        pointers = set()
    # "Said back", "hit back" ("come back", "give back" are no answer).
    if words and words[-1] in ends and (words[-1] != "back" or (len(words) > 1 and words[-2] in _HITS)):
        pointers.add(words[-1])
    return pointers


def _continues(folded: str, people: frozenset[str] = frozenset()) -> bool:
    """Whether a (folded) message opens like a continuation; an interjection first ("ok and trump?")
    does not hide it. A correction continues only when it names one of the `people` ("no i meant
    trump"): "no i meant in queens" after "how much is rent?" leaned on it and was answered with a line on
    Mamdani's district (a trial); read alone, it is declined."""
    opening = _INTERJECTION.sub("", folded)
    corrects = _CORRECTION.match(opening) is not None and bool(set(WORD.findall(opening)) & people)
    return (
        corrects
        or _ASKED_AFTER_A_PREPOSITION.match(opening) is not None
        or any(
            opening == c or opening.startswith(c + " ") or opening.startswith(c + ",") for c in CONTINUATIONS
        )
    )


def swap_name(text: str, previous: str, people: frozenset[str]) -> str | None:
    """The earlier question about the person this continuation names instead ("and trump?" after "what
    did mamdani propose?" goes on from "what did trump propose?"); else None.

    Only an elliptic continuation swaps: it names one of the `people` (surnames, folded), the earlier
    question named one other (or two, the second of them the one named now: "and trump?" after "what
    did mamdani call trump?" goes on from "what did trump call mamdani?"), and it adds nothing else but
    words of the earlier question ("and how old is trump?" after "how old is mamdani"); nor does one
    that points back ("and what did he tell trump?" still asks about Mamdani). Without it the earlier
    question's name outweighs the follow-up's: both are in most passages, and "and how old is trump?"
    found Mamdani's age."""
    folded = fold(text)
    words = WORD.findall(folded)
    earlier = WORD.findall(fold(previous))
    if _VICE_VERSA.search(folded):
        return _the_other_way_round(words, earlier, previous, people)
    if not _continues(folded, people) or any(w in BACK_REFERENCES for w in words):
        return None
    own = {w for w in words if w in people}
    named = list(dict.fromkeys(w for w in earlier if w in people))  # in the order the question names them
    if len(own) != 1 or not 1 <= len(named) <= 2 or own == {named[0]}:
        return None
    (new,) = own
    if len(named) == 2 and new != named[1]:
        return None
    # ... and a possessive's "s" ("and trump's?").
    said = FUNCTION_WORDS | CONTINUATION_WORDS | own | set(earlier) | {"s"}
    if any(w not in said and not _INTERJECTION_WORD.fullmatch(w) for w in words):
        return None  # "but why would trump agree?" asks something of its own
    # One person named before: the other takes their place. Two: "and trump?" after "what did mamdani
    # call trump?" asks what trump called mamdani, so they change places (only when the one named now
    # is the one the question was about, not the one it asked of).
    swaps = [new] if len(named) == 1 else [named[1], named[0]]  # what each name named before becomes
    return _renamed(previous, named, swaps)


# "and vice versa?", "the other way round?": the question before with its two people changing places.
_VICE_VERSA = re.compile(r"\b(?:vice\W+versa|(?:the\W+)?other\W+way\W+a?round)\b")
_VICE_VERSA_WORDS = frozenset("vice versa the other way round around".split())
# All a message that asks "vice versa" may say: "and vice versa?", "what about the other way round?",
# "is it vice versa too?"; not "is there no other way around it?" nor "and vice versa how?" (a review).
_SAYS_VICE_VERSA = (
    (CONTINUATION_WORDS - {"how"}) | _VICE_VERSA_WORDS | frozenset("what is it too then".split())
)


def _the_other_way_round(
    words: Sequence[str], earlier: Sequence[str], previous: str, people: frozenset[str]
) -> str | None:
    """The earlier question with its two people changing places ("and vice versa?" after "what did trump
    call mamdani?" asks what mamdani called trump), when the message says nothing else and the earlier
    question named two of the `people`; else None."""
    named = list(dict.fromkeys(w for w in earlier if w in people))
    said = all(w in _SAYS_VICE_VERSA or _INTERJECTION_WORD.fullmatch(w) for w in words)
    if len(named) != 2 or not said:
        return None
    return _renamed(previous, named, [named[1], named[0]])


def _renamed(previous: str, named: Sequence[str], swaps: Sequence[str]) -> str:
    """`previous` with each of the `named` (folded surnames) written as the swap at its place."""
    # One group per name, so the match says which it was ("MAMDANİ" matches "mamdani" but folds otherwise).
    pattern = "|".join(f"(?P<n{i}>{re.escape(w)})" for i, w in enumerate(named))
    return re.sub(
        rf"(?<![^\W_])(?:{pattern})(?![^\W_])",
        lambda m: swaps[int(str(m.lastgroup)[1:])],
        previous,
        flags=re.IGNORECASE,
    )


# A follow-up that is only a question word ("where?", "and why?", "for how long?") asks the question before
# it again about something else: it is read as that question with its question word changed ("when was the
# meeting?" → "where was the meeting?"), or put in front of it ("did trump endorse him?" → "why did trump
# endorse him?").
# "and where?", "so, when was it?", "hmm, why?"
_OPENER = rf"^\W*(?:(?:{INTERJECTIONS})\W+)*(?:(?:and|so|but|then|also)\W+)?"
_OPENING = re.compile(_OPENER, re.IGNORECASE)
_HOW = r"how\s+(?:long|much|many|old|come|often)"
_WH = r"when|where|why|who|whom|whose"
_AUX = AUXILIARIES
# A message that asks something: a question mark, or a question word or auxiliary anywhere in it.
_ASKING = re.compile(rf"\?|\b(?:what|which|how|{_WH}|{_AUX}|more|else|again)\b")
# A whole question has a question word or an auxiliary ("what is the capital of france?", not "age?").
_ASKING_WORD = re.compile(rf"\b(?:what|which|how|{_WH}|{_AUX})\b")
# A conjunction, then a question word or auxiliary: "and what did trump say…", "but why would…".
_JOINED_QUESTION = re.compile(
    rf"(?:(?:and|but|so|also|or|plus)\W+)+(?:what(?!\W+about\b)|which|how(?!\W+about\b)|{_WH}|{_AUX})\b"
)
# Words that stress a bare question word and ask nothing more ("where exactly?", "why tho", "how so").
_STRESS = r"(?:\W+(?:exactly|precisely|specifically|tho|though|then|so))*"
_BARE = re.compile(
    rf"{_OPENER}(?P<wh>(?:(?:for|since|until)\s+)?(?:{_HOW}|what\s+(?:time|year|day|for)|{_WH}|how))"
    rf"{_STRESS}\W*$",
    re.IGNORECASE,
)
# The earlier question's own question word: "how tall" whole, but only "how" of "how did".
_ASKED_WITH = re.compile(
    rf"{_OPENER}(?:{_HOW}|what\s+(?:time|year|day)|{_WH}|what|which|how(?:\s+(?!(?:{_AUX})\b)\w+)?)\b",
    re.IGNORECASE,
)
_ASKED_YES_NO = re.compile(rf"{_OPENER}(?P<aux>{_AUX})(?:n['’]t)?\b", re.IGNORECASE)


def restated(
    history: Sequence[str],
    people: frozenset[str] = frozenset(),
    restate: Callable[[str, str], str | None] | None = None,
) -> list[str]:
    """The earlier messages, each bare question word read as the question before it asked again: after
    "when was the meeting?" and "where?", a later follow-up leans on "where was the meeting?", and "why?"
    asks "why was the meeting?" (not "why?" of "where?"); and each continuation that names one of the
    `people` instead as the question before it about them (`swap_name`): after "what did trump call
    mamdani before?" and "and mamdani?", "when was that?" leans on "what did mamdani call trump before?";
    and, with `restate`, each message it reads as the question before asked again otherwise (a place
    instead of another: `bot.core.places.Places.restate`)."""
    out: list[str] = []
    for text in history:
        again = (
            (
                ask_again(text, out[-1])
                or swap_name(text, out[-1], people)
                or (restate and restate(text, out[-1]))
            )
            if out
            else None
        )
        out.append(again or text)
    return out


def bare_start(text: str) -> int:
    """Where the question word of a question starts, after its opener ("so, when was it?")."""
    return _OPENING.match(text).end()  # it matches every text: each of its parts may be empty


def ask_again(text: str, previous: str) -> str | None:
    """The earlier question asked with this message's question word, when the message is only one; else
    None."""
    bare = _BARE.match(text)
    if not bare:
        return None
    wh = bare.group("wh").lower()
    asked = _ASKED_WITH.match(previous)
    if asked:
        stressed = bare.end("wh") < len(text.rstrip(" \t\n?!.…"))
        own = previous[bare_start(previous) : asked.end()].lower()
        if stressed and own.split()[:1] == wh.split()[:1]:
            # "how exactly?" after "how much is rent?" asks that more exactly, not "how is rent".
            return previous
        return wh + previous[asked.end() :]
    yes_no = _ASKED_YES_NO.match(previous)
    if yes_no:
        return f"{wh} {previous[yes_no.start('aux') :]}"
    return None
