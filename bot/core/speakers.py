"""Whose words or views a question asks for, and whether the article knows them at all.

The article quotes and describes a few people and groups. "What did Eric Adams think of it?" asks for a
fact it lacks, however close the rest of the question comes to a passage about the meeting, and the
abstainer, which reads how close the question comes, used to answer such questions with Trump's or
Mamdani's words. The one asked about is read from the wording ("what did/would X say, think, call...",
"what does X think", "how did X react", "did X comment...", "what was X's reaction"; not "what does X
say", which asks what a text says) and is a stranger when none of the words naming them is in the article
or the training questions (which hold the words people use for the article's people: "the commander in
chief", "the ex-strategist"); one known word makes them the article's ("mr trump", "trump's advisor"),
unless they are described ("the …", "a …") by a word it lacks: "the white house press secretary".
Such a question is declined; its nearest passages are still shown when they are near, so a name the
article knows by another word ("potus") costs the reader only the bold line. So is a question whether they
talked about, or what was said about, something none of whose words the article or the training questions
use ("did they talk about tariffs", `unknown_topic`), whether they met someone the article has no word
for ("did trump meet biden"), or, when the abstainer is not sure, how many there are of something it has
no word for ("how many kids does mamdani have", answered before from "Mamdani, 33, …" and its other
numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.chunking import split_sentences
from bot.core.language import proper_names
from bot.core.lexical import LexicalIndex
from bot.core.measures import asked_measures
from bot.core.names import NAME_RUN
from bot.core.text import AUXILIARY_WORDS, WORD_OF_LETTERS, fold, quoted_pieces

# Verbs that ask for someone's words, views or deeds towards the meeting.
_DEEDS = (
    r"think|thinks|thought|believe|believes|believed|react|reacts|reacted|respond|responds|responded|"
    r"comment|comments|commented|reply|replies|replied|tweet|tweets|tweeted|argue|argues|argued|"
    r"announce|announces|announced|report|reports|reported|praise|praises|praised|critici[sz]e|"
    r"critici[sz]es|critici[sz]ed|endorse|endorses|endorsed|call|calls|called|make of|made of|"
    r"support|supports|supported|oppose|opposes|opposed|"
    r"(?:feel|feels|felt)\s+about"
)
# Verbs of saying: only in the past ("what did X say"), since "what does the text say" asks a document.
_SAID = r"say|said|tell|told|write|wrote|posted"  # not "post": "what did the blog post say"
_VERB_OF_SAYING = re.compile(rf"\b(?:{_SAID}|saying|posting)\b", re.IGNORECASE)
_WHAT_OR_HOW = re.compile(r"(?:what|how)\b", re.IGNORECASE)
# ... and as they happen: "what is X saying", "how are X reacting".
_DOING = r"saying|thinking|reacting|responding|commenting|reporting|tweeting|posting|arguing"
_ADVERBS = r"(?:\s+(?:ever|even|actually|really|publicly|officially|just|also|already|first))*"
# The one asked about: a few words, no clause (a lazy run stops at the first verb).
_WHO = r"(?P<who>[^\W\d_][\w'’.-]*(?:\s+[\w'’.-]+){0,5}?)"
_ASKS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b(?:(?:what|how)\s+)?(?:did|has|have|had|would|will|could|might)\s+{_WHO}{_ADVERBS}\s+(?:{_DEEDS}|{_SAID})\b",
        rf"\b(?:(?:what|how)\s+)?(?:does|do)\s+{_WHO}{_ADVERBS}\s+(?:{_DEEDS})\b",
        rf"\b(?:what|how)\s+(?:is|are|was|were)\s+{_WHO}{_ADVERBS}\s+(?:{_DOING})\b",
        rf"(?:\bwhat\s+(?:was|were|is|are)\s+|^){_WHO}['’]s?\s+(?:reaction|response|take|view|views|opinion|stance)\b",
    )
)
# Words for nobody in particular: "did anyone say", "what do people think".
_ANYONE = frozenset(
    "anyone anybody someone somebody everyone everybody nobody people folks one others".split()
)


def asked_about(question: str) -> str | None:
    """The words naming whose words or views the question asks for, or None if it asks for none."""
    found = _asking(question)
    return found.group("who") if found else None


@dataclass(frozen=True)
class WordsAsked:
    """A question for someone's words: whose (as the question names them), and the rest of it."""

    who: str  # "mamdani" of "what did mamdani say about trump"
    rest: str  # "about trump": what the words are asked about, if anything


def asks_for_words(question: str) -> WordsAsked | None:
    """Whose words a question asks for, when it asks for them with "what" or "how" and a verb of saying
    ("what did mamdani say about trump", "what has trump said"), else None: "what did trump call him" or
    "how did mamdani react" asks for a view or a deed, which the article may give without quoting anyone,
    and "did trump say prices are coming down" whether a claim was made."""
    found = _asking(question)
    if found is None or not _WHAT_OR_HOW.match(found.group(0)):
        return None
    if not _VERB_OF_SAYING.search(question, found.end("who"), found.end()):
        return None
    return WordsAsked(
        found.group("who"), " ".join(f"{question[: found.start()]} {question[found.end() :]}".split())
    )


def _asking(question: str) -> re.Match[str] | None:
    for pattern in _ASKS:
        found = pattern.search(question)
        if found:
            return found
    return None


# Pronouns that stand for one man or one woman, and words that say which someone is: a "he" is no "his
# wife", a "she" no "the governor's husband".
_HE = frozenset("he him his himself".split())
_SHE = frozenset("she her hers herself".split())
_SUBJECTS = frozenset(("he", "she"))
_MEN = frozenset("man men boy guy mr sir husband father dad son brother uncle nephew king prince".split())
_WOMEN = frozenset(
    "woman women girl lady mrs ms miss madam wife mother mom mum daughter sister aunt niece queen".split()
)


def stranger_pointed_at(
    question: str,
    earlier: Iterable[str],
    lexical: LexicalIndex,
    known: frozenset[str],
    names: Names | None = None,
) -> str | None:
    """The stranger a follow-up asks about as "he" or "she", else None: "what did he call trump?" after "what
    did eric adams say?" asks what Adams called him, which the article no more says than what Adams said
    (a trial found it answered with Mamdani's word for Trump). `earlier`: the messages before it, latest
    first.

    The pronoun must be in whom the follow-up asks about ("what did he call trump?", "what did his aides
    say?"; not "what did trump call him?"), and the message just before must have asked about the stranger
    by name, or about "him" after a message that did. Any other message between them is another subject
    ("who is the mayor-elect?"), and a pronoun of the other sex is someone else ("what did he say?" after
    "what did his wife say?"), as is one named before it in the follow-up itself. A name's sex is not
    read: "he" after "what did kathy hochul say?" is taken for her."""
    found = _asking(question)
    if found:
        pronouns, before = _words(found.group("who")) & (_HE | _SHE), question[: found.start()]
    else:
        # Any other question whose subject is "he" or "she" ("when will she meet trump again?", "how old is
        # he?"; not "his office", often the office of someone it names), with nothing the article names
        # before it: whatever it asks of the stranger, the article lacks.
        first = next((w for w in WORD_OF_LETTERS.finditer(question) if fold(w.group()) in _SUBJECTS), None)
        pronouns = {fold(first.group())} if first else set()
        before = question[: first.start()] if first else ""
    if not pronouns or lexical.coverage(before, known):
        # "who is the former adviser and what did he tell politico?": he is named before. Chat before it
        # names no one ("lol what did he call trump?"): no word of the article or its questions.
        return None
    for text in earlier:
        before = asked_about(text)
        if before is None:
            return None
        named = _words(before) - _HE - _SHE
        if not named:
            continue  # "what did he call trump?": whom it asked about is further back
        if (pronouns & _HE and named & _WOMEN) or (pronouns & _SHE and named & _MEN):
            return None
        return unknown_speaker(text, lexical, known) or (unquoted_person(text, names) if names else None)
    return None


def _words(text: str) -> set[str]:
    return set(WORD_OF_LETTERS.findall(fold(text)))


# The bot's own views, or advice to the asker: the article holds neither. "Should I vote for Mamdani?" and
# "who do you support?" were answered, sure, with a line on his voters and one of his quotes (a trial),
# which reads as the bot taking a side. Only views of people and stands, never "do you think they will
# meet again?" (a prediction the article may answer) nor "what do you know about…" (a request).
_YOU = r"(?:you|u|ya)"
# Of the bot's own likes and stands; "would you like to…" is a request, so "like" and "love" only as "do
# you…" and never before "to".
_OPINION = re.compile(
    rf"\b(?:do|did|does)\s+{_YOU}\s+(?:\w+\s+)?(?:like|love)(?!\s+to\b)\b"
    rf"|\b(?:do|did|would|will|does)\s+{_YOU}\s+(?:\w+\s+)?(?:hate|dislike|prefer|support|trust|endorse|"
    r"favou?r|admire|side\s+with|root\s+for|vote\s+for|agree\s+with)\b"
    # "what do you think of trump?": the view asked of the bot is the whole question, its object short;
    # "what do you think about what trump said about rent" asks about the article's words.
    rf"|^\W*(?:so\s+|and\s+|ok\s+)?(?:what|how)\s+(?:do|did|would)\s+{_YOU}\s+(?:\w+\s+)?(?:think|feel)\s+"
    r"(?:of|about)\s+(?:[\w'’-]+\s+){0,2}[\w'’-]+\W*$"
    r"|\byour\s+(?:own\s+|personal\s+|honest\s+|political\s+)?(?:opinion|opinions|view|views|stance|"
    r"position|verdict|vote|pick|favou?rite|politics)\b"
    r"|\b(?:should|shall)\s+(?:i|we)\s+(?:\w+\s+)?(?:vote|support|back|trust|believe|like|donate|root|side)\b"
    rf"|\bwho\s+(?:should|would|will|do|did)\s+(?:i|we|{_YOU})\s+(?:\w+\s+)?(?:vote|support|back|root|side|"
    r"pick|choose|prefer|trust)\b"
    rf"|\bwhich\s+side\s+(?:are|r)\s+{_YOU}\s+on\b|\b(?:are|r)\s+{_YOU}\s+on\s+[\w'’]+\s+side\b"
    rf"|\b(?:are|r)\s+{_YOU}\s+(?:a\s+)?(?:for|against|pro|anti|fan|supporter|republican|democrat|"
    r"liberal|conservative|socialist|leftist|right-wing|left-wing)\b",
    re.IGNORECASE,
)


def asks_for_an_opinion(question: str) -> str | None:
    """The words that ask for the bot's own view or for advice to the asker, else None."""
    found = _OPINION.search(question)
    return found.group() if found else None


def unknown_speaker(question: str, lexical: LexicalIndex, known: frozenset[str]) -> str | None:
    """The one the question asks about when the article (and the training questions, `known` stems)
    has no word for any of the words naming them, else None. One known word is enough to be one of
    the article's ("mr trump", "the 47th president", "trump's former advisor")."""
    who = asked_about(question)
    if who is None:
        return None
    words = " ".join(w for w in who.split() if w.casefold() not in _ANYONE)
    stems = lexical.content_stems(words)
    if stems and lexical.coverage(words, known) == 0.0:
        return who
    head = _head(who)
    if head and lexical.content_stems(head) and not _near_known(head, lexical, known):
        # The other words say whose they are or where from, not who: "the white house press secretary" and
        # "the trump campaign manager" are people the article never names, though it knows the White House
        # and Trump.
        return who
    return None


# Words after the one that says who someone is: "the chief of staff", "the mayor from chicago".
_AFTER_HEAD = frozenset("of at from in for on with".split())
# Words of how many or which part, before "of": who they are comes after it ("the rest of the
# republicans", "a couple of reporters"; a review found these declined).
_PART_OF = frozenset(
    "rest majority minority most many some few couple bunch lot lots number group handful half part all any "
    "none each one two three members member".split()
)
# Someone described by what they are opens with "the", "a" or "an"; other runs of words asked about may end
# in an adverb or a verb ("does mamdani still think": "mamdani still"), no word for anyone. What belongs
# to the people the article quotes ("trump's …", "his …") is most often their words ("mamdani's speech",
# "trump's response"; a review found both declined), which a word the article lacks does not make a
# stranger's, and is not read.
_DETERMINERS = frozenset(("the", "a", "an"))


def _head(who: str) -> str | None:
    """For someone named by what they are, the word that says it: the last before "of", "at"… ("the
    chief of staff": chief). None for anyone else, and for several joined ("the adviser and obama": one
    known is enough)."""
    if who.split()[0].casefold() not in _DETERMINERS:
        return None
    words = [w for w in WORD_OF_LETTERS.findall(fold(who)) if w != "s"]
    if set(words) & _JOINS:
        return None
    cut = next((i for i, w in enumerate(words) if w in _AFTER_HEAD), len(words))
    if cut and words[cut - 1] in _PART_OF and cut + 1 < len(words):
        return _head(" ".join(["the", *words[cut + 1 :]]))  # "the rest of the republicans": republicans
    head = words[cut - 1] if cut else None
    return None if head in _ANYONE else head


def _near_known(word: str, lexical: LexicalIndex, known: frozenset[str]) -> bool:
    """Whether a word is the article's or the training questions', its stem is one of theirs with up to
    two letters more at its end ("advisor", stem "advisor", is the article's "adviser", stem "advis"), or
    it opens with one of theirs of FAMILY letters or more ("councilmember": the article's "council")."""
    if lexical.coverage(word, known) > 0:
        return True
    stems = lexical.content_stems(word)
    theirs = lexical.vocabulary | known
    if any(stem[:-n] in theirs for stem in stems for n in (1, 2) if len(stem) - n >= 5):
        return True
    return any(word.startswith(w) for w in theirs if FAMILY <= len(w) < len(word))


# Words before a name that name nobody: "the White House", "mr giuliani", "giuliani's".
_TITLES = frozenset("the a an mr mrs ms dr former s".split())
_JOINS = frozenset({"and", "or", "nor"})
# The verbs (and nouns) of `_ASKS` that ask for words or views, which only a quotation gives; not deeds
# ("announce", "support", "praise", "call").
_WORDS_OR_VIEWS = re.compile(
    r"\b(?:say|said|saying|tell|told|write|wrote|posted|posting|think|thinks|thought|thinking|believe[sd]?|"
    r"react\w*|respond\w*|comment\w*|repl(?:y|ies|ied)|tweet\w*|argu\w+|report\w*|feel|feels|felt|"
    r"make|made|reaction|response|take|views?|opinion|stance)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Names:
    """The names the article writes (words it always capitalises mid-sentence, `language.proper_names`,
    acronyms aside: `proper`), the words that name the people it quotes (`quoted`: their surnames and
    every word of a name run ending in one, "steve", "zohran", "donald"), and the words of the names of
    several words that a sentence holding a quotation writes (`voiced`: "the White House" of the letter
    sent to it, "Truth Social" of Trump's post there), all folded; and those names whole (`runs`: "con
    edison", "oval office")."""

    proper: frozenset[str]
    quoted: frozenset[str]
    voiced: frozenset[str] = frozenset()
    runs: frozenset[str] = frozenset()

    @classmethod
    def of(cls, texts: Iterable[str], people: Iterable[str]) -> Names:
        """Read from the article's `texts`; `people`: the folded surnames of those it quotes."""
        texts = list(texts)
        proper = {fold(w) for w in proper_names(texts)}
        quoted = set(people)
        voiced, runs = set(), set()
        acronyms = set()  # an acronym may be a typo's repair ("gop" read as GDP): not a name asked for
        for text in texts:
            acronyms.update(fold(w) for w in WORD_OF_LETTERS.findall(text) if len(w) > 1 and w.isupper())
            for run in NAME_RUN.finditer(text):  # "Steve Bannon", "Donald J. Trump"
                words = [fold(w) for w in WORD_OF_LETTERS.findall(run.group()) if w[0].isupper()]
                runs.add(" ".join(words))
                if len(words) > 1 and words[-1] in people:
                    # ... only its names: a sentence's first word ("When Donald J. Trump sat…") is none
                    quoted.update(w for w in words if w in proper)
            for sentence in split_sentences(text):
                if quoted_pieces(sentence.text):
                    for run in NAME_RUN.finditer(sentence.text):
                        voiced.update(fold(w) for w in WORD_OF_LETTERS.findall(run.group()))
        return cls(frozenset(proper - acronyms), frozenset(quoted), frozenset(voiced), frozenset(runs))


def unquoted_person(question: str, names: Names) -> str | None:
    """The one whose words or views the question asks for, when every word naming them is a name the
    article writes but none is one of the people it quotes, else None: "what did bloomberg say" was
    answered from "think of Giuliani and Bloomberg on public safety", which quotes neither. A name the
    article never writes is `unknown_speaker`'s."""
    found = _asking(question)
    if found is None or not _WORDS_OR_VIEWS.search(question, found.end("who"), found.end()):
        return None  # a deed the article may tell of unquoted: "why did the White House announce it?"
    who = found.group("who")
    words = [w for w in WORD_OF_LETTERS.findall(fold(who)) if w not in _TITLES | _ANYONE | AUXILIARY_WORDS]
    # An auxiliary names no one ("how would giuliani have reacted"). One name each ("giuliani and
    # bloomberg"); a name of several words is most often a place or a body, which may stand for one of
    # the people it quotes ("the White House", "Truth Social": a sentence writing it holds a quotation),
    # or not ("what did con edison say", "the oval office").
    if not words or words[0] in _JOINS or words[-1] in _JOINS:
        return None
    named = {w for w in words if w not in _JOINS}
    if any(a not in _JOINS and b not in _JOINS for a, b in zip(words, words[1:], strict=False)):
        # A name of several words, as the article writes it, that no sentence holding a quotation writes.
        name = " ".join(w for w in words if w not in _DETERMINERS)
        if name in names.runs and not named & (names.voiced | names.quoted):
            return who
        return None
    if named <= names.proper and not named & names.quoted:
        return who
    return None


# Verbs that ask whether something was talked about, or what was said or agreed about it ("did they talk
# about tariffs", "did trump mention the subway", "what did trump say about immigration", "did they agree
# on tariffs"), and the topic after them, to the end of its clause.
_TOPIC = re.compile(
    r"\b(?:(?:talk|talks|talked|talking|speak|speaks|spoke|speaking)\s+(?:about|abt|on|of)"
    r"|(?:discuss|discusses|discussed|discussing|mention|mentions|mentioned|mentioning|bring\s+up|"
    r"brings\s+up|brought\s+up|touch\s+on|touched\s+on|get\s+into|got\s+into)(?:\s+(?:about|abt))?"
    r"|(?:say|says|said|tell|told)\s+(?:anything\s+|something\s+|much\s+)?(?:about|abt)"
    r"|(?:dis)?agree(?:s|d|ing)?\s+(?:on|about|abt|over|upon))"
    r"\b\s*(?P<topic>[^?.!,;:()\n]+)",
    re.IGNORECASE,
)
# Verbs of meeting someone ("did trump meet biden", "who met putin?", "trump sitting down with xi"), and the
# one met: up to a preposition, a conjunction, a word of time or manner, an -ly adverb or a number ("did
# they meet in person", "meet again": no one; "will trump meet xi next month", "meet biden privately": xi,
# biden).
_MET = re.compile(
    r"\b(?:(?:meet|meets|met)(?:\s+up)?(?:\s+with)?|(?:meeting|sit|sits|sat|sitting)\s+(?:down\s+)?with)"
    r"\s+(?P<topic>[^?.!,;:()\n]+)",
    re.IGNORECASE,
)
_AFTER_THE_ONE_MET = re.compile(
    r"\b(?:in|at|on|for|about|over|to|from|after|before|during|since|with|and|or|but|because|so|when|where|"
    r"while|than|like|again|yet|ever|never|still|last|next|this|that|these|those|soon|later|earlier|once|"
    r"twice|already|today|tonight|tomorrow|yesterday|day|days|week|weeks|month|months|year|years|time|"
    r"times|\w+ly|\d\w*)\b.*",
    re.IGNORECASE,
)
# What "how many" counts ("how many children does he have", "how many votes did he get"), up to an
# auxiliary, a preposition, a pronoun or a conjunction: the article cannot count what it has no word for.
# A unit of money ("how many dollars") is a measure, which bot.core.measures reads; a word of quantity
# before "of" counts nothing ("how many thousands of people").
_COUNTED = re.compile(
    r"\bhow\s+many\s+(?:(?:thousands|hundreds|dozens|millions|billions|tons|lots|kinds|types|sorts)\s+of\s+)?"
    r"(?P<topic>(?:(?!(?:do|does|did|is|are|was|were|will|would|can|could|should|might|"
    r"must|has|have|had|r|in|of|on|at|for|from|to|by|with|and|or|there|they|he|she|it|we|you|i)\b)"
    r"[^\W\d_][\w'’-]*\s*){1,4})",
    re.IGNORECASE,
)
# A topic's word shares this many first letters with a known one: of its family ("communism" and the
# article's "communist"). One edit away was too loose: "abortion" was "about", "police" "policy".
FAMILY = 6
_POINTS_BACK = re.compile(r"\b(?:him|her|them|it|his|hers|their|this|that|these|those)\b", re.IGNORECASE)


def unknown_topic(question: str, lexical: LexicalIndex, known: frozenset[str]) -> str | None:
    """The topic a question asks whether they talked about, or what someone said about, when neither the
    article nor the training questions (`known` stems) has a word of it nor of its family (FAMILY),
    else None: "did they talk about tariffs", "did they mention the subway", "what did trump say about
    immigration". A trial found such questions answered, sure, with "Just two men … talking about
    concrete numbers": the question's other words are the article's. One known word keeps it ("did they
    talk about the national guard": "national" is the article's), as for a speaker; and as for a speaker,
    one the article calls otherwise is declined ("what did trump say about potus"), its nearest passages
    still shown when they are near. So is whom someone met ("when did trump meet biden", "who met
    putin?", a helper's trial: answered, sure, with "Trump confirmed they'll meet again.")."""
    found = _TOPIC.search(question)
    if found is not None:
        topic = found.group("topic")
    elif (met := _MET.search(question)) is not None:
        topic = _AFTER_THE_ONE_MET.sub("", met.group("topic"))
    else:
        return None
    return _unknown(topic, lexical, known)


# Words of how much, which name no topic ("did they agree on a lot?", "did they talk about nothing?").
_HOW_MUCH = frozenset(
    "nothing anything something everything lot lots plenty much many most some few little bit stuff thing "
    "things all any none whole".split()
)


def _unknown(topic: str, lexical: LexicalIndex, known: frozenset[str]) -> str | None:
    """The topic, when neither the article nor the training questions (`known` stems) has a word of it nor
    of its family (FAMILY), else None."""
    stems = lexical.content_stems(topic)
    if not stems or lexical.coverage(topic, known) > 0.0 or _POINTS_BACK.search(topic):
        return None  # "what did trump say about him afterwards": someone already named
    if stems <= lexical.content_stems(" ".join(_HOW_MUCH)):
        return None  # "a lot", "nothing": how much, not what
    families = {w[:FAMILY] for w in lexical.vocabulary | known if len(w) >= FAMILY}
    if any(len(s) >= FAMILY and s[:FAMILY] in families for s in stems):
        return None
    return topic.strip()


def unknown_count(
    question: str, lexical: LexicalIndex, known: frozenset[str], names: frozenset[str] = frozenset()
) -> str | None:
    """What a "how many" question counts, when neither the article nor the training questions (`known`
    stems) has a word of it nor of its family, else None: "how many kids does mamdani have" was answered
    from "Mamdani, 33, …", which holds other numbers. A unit of money ("how many dollars") is a measure,
    which bot.core.measures reads. People count the article's things in other words too ("how many
    inhabitants does nyc have", "clients" of Con Edison), so the caller declines only a question the
    abstainer is not sure of (Retriever._stranger)."""
    counted = _COUNTED.search(question)
    if counted is None or "money" in asked_measures(question):
        return None
    # What is counted ends before a name the article writes (`names`, folded), the subject of a clause
    # typed without its auxiliary: "how many kids mamdani has" counts kids ("how many trump voters" voters).
    words = counted.group("topic").split()
    end = next((n for n, w in enumerate(words) if n and fold(w) in names), len(words))
    return _unknown(" ".join(words[:end]), lexical, known)
