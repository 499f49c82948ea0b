"""Tell Swedish, Danish and English apart: the three content languages.

Letters settle most texts (ä/ö are Swedish, æ/ø Danish); small lists of function words
that differ between the three settle the rest. It is meant for a case summary or a search
query, runs in microseconds and needs no model.
"""

import re
from collections import Counter

_WORD_ANY_CASE = re.compile(r"[a-zåäöæøéüA-ZÅÄÖÆØÉÜ]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Only words that mark one language against the other two: shared ones ("det", "som",
# "med", "har") would tie Swedish and Danish and tell nothing.
_FUNCTION_WORDS = {
    "sv": _words(
        """och är för av till inte ett från också när hur vad våra vår vårt ska mellan genom
        vid detta denna dessa mot utan än många mycket nya hade kunde vara sedan där här
        också bara inom utifrån kring samt även dock vilka vilket finns blir att något några
        myndigheten myndigheter"""
    ),
    "da": _words(
        """og er af til ikke et fra også når hvordan hvad hvor vores skal mellem gennem ved
        dette denne disse mod uden end mange meget nye havde kunne være siden kun inden
        omkring også dog hvilke hvilket findes bliver nogle noget
        jeg hos at der styrelsen myndigheden"""
    ),
    "en": _words(
        """the and of to is that for with as on was were it by be are this from or an have
        has not which our their they at can more what how when we into about after all
        been also its would should there these those than such between through"""
    ),
}
# Spelled alike in Swedish and Danish, so they only tell these two from English.
_NORDIC_WORDS = _words(
    "det som en den med om på så de kan vi har var under sin sitt sina sit sine eller efter blev "
    "skulle"
)

# Suffixes of longer words: -het/-hed, plural -ingar/-inger, definite plural -erna/-erne.
_SWEDISH_ENDINGS = ("het", "heten", "heter", "ingar", "ingarna", "arna", "erna", "orna")
_DANISH_ENDINGS = ("hed", "heden", "heder", "else", "elsen", "inger", "ingerne", "erne")

_LETTER_WEIGHT = 2  # one ä or æ says more than one function word


def detect_language(text: str, default: str = "sv") -> str:
    """Return "sv", "da" or "en" for ``text``; ``default`` when nothing points anywhere."""
    text = text or ""
    lowered = text.lower()
    scores: Counter[str] = Counter()
    scores["sv"] += _LETTER_WEIGHT * (lowered.count("ä") + lowered.count("ö"))
    scores["da"] += _LETTER_WEIGHT * (lowered.count("æ") + lowered.count("ø"))
    for token in _WORD_ANY_CASE.findall(text):
        if token.isupper():
            continue  # an abbreviation such as IT, AI or SKV
        word = token.lower()
        for language, words in _FUNCTION_WORDS.items():
            if word in words:
                scores[language] += 1
        if word in _NORDIC_WORDS:
            scores["sv"] += 0.5
            scores["da"] += 0.5
        elif len(word) > 6 and word.endswith(_SWEDISH_ENDINGS):
            scores["sv"] += 0.5
        elif len(word) > 6 and word.endswith(_DANISH_ENDINGS):
            scores["da"] += 0.5
    if "å" in lowered:
        # Nordic for sure, but not which one.
        scores["sv"] += 0.5
        scores["da"] += 0.5
    if not scores or max(scores.values()) <= 0:
        return default
    best = max(scores.values())
    leaders = [language for language in ("sv", "da", "en") if scores[language] == best]
    return default if default in leaders else leaders[0]


# Words too common to mark in a snippet, to choose a passage by or to name a theme with.
_STOPWORD_TEXT = """
    och att det som en ett är på av för med till den har de inte om vi jag kan så man
    men var vid eller från när hur vad sig under efter alla också andra
    og at det som en et er på af for med til den har de ikke om vi jeg kan så man
    men var ved eller fra når hvordan hvad sig under efter alle også andre
    the and of to a in is for on that with as are by be this it or from at an how what
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
