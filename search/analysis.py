"""Words as the keyword side sees them: Snowball stems in Swedish, Danish and English,
whole identifiers, and query words without stop words.

A passage is analysed with its own language's stemmer; a query word may be in any of the
three languages, so it is looked up under all three stems (``word_variants``).
Identifiers such as registration numbers ("2023/1234", "Fi2021/03456", "SFS 2018:218") are
kept whole, so typed with their punctuation they find exactly the page that carries them.
"""

from __future__ import annotations

import re
import threading

import Stemmer

from portal.language import STOPWORDS

STEMMER_NAMES = {"sv": "swedish", "da": "danish", "en": "english"}
# Letters and digits joined by / - . : with a digit somewhere: case numbers and the like.
_IDENTIFIER = re.compile(r"(?<![\w/.:-])(?=[\w/.:-]*\d)\w+(?:[/.:-]\w+)+")
_WORD = re.compile(r"\w+")
_stemmers_lock = threading.Lock()
_stemmers: dict[str, Stemmer.Stemmer] = {}


def _stemmer(language: str) -> Stemmer.Stemmer:
    name = STEMMER_NAMES.get(language, STEMMER_NAMES["sv"])
    with _stemmers_lock:
        if name not in _stemmers:
            _stemmers[name] = Stemmer.Stemmer(name)
        return _stemmers[name]


def identifiers(text: str) -> list[str]:
    """Identifiers in ``text``, lower-cased, with their punctuation."""
    return [match.group(0).lower().strip(".:-/") for match in _IDENTIFIER.finditer(text)]


def query_words(text: str) -> list[str]:
    """The words of a query that carry meaning: no stop words, no single letters."""
    words = [word for word in _WORD.findall(text.lower()) if len(word) > 1]
    return list(dict.fromkeys(word for word in words if word not in STOPWORDS))


def analyse(text: str, language: str) -> list[str]:
    """A passage's index terms: stems in its language, plus whole identifiers."""
    lowered = text.lower()
    words = [w for w in _WORD.findall(lowered) if len(w) > 1 and w not in STOPWORDS]
    return _stemmer(language).stemWords(words) + identifiers(text)


def word_variants(word: str) -> set[str]:
    """The terms a query word may be indexed under, whatever the passage's language."""
    return {word} | {_stemmer(language).stemWord(word) for language in STEMMER_NAMES}


def stem_words(words: list[str], language: str) -> list[str]:
    return _stemmer(language).stemWords(words)


def word_parts(text: str) -> list[str]:
    """The words inside ``text`` ("Fi2021/03456" -> "fi2021", "03456")."""
    return _WORD.findall(text.lower())
