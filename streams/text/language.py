"""Offline language identification for Arabic, English and everything else.

No model, two kinds of evidence:

* Script: each word counts for the language of its script, Arabic script
  for Arabic and Latin for English, any other script for "other". So the
  English names and acronyms inside an Arabic article do not outweigh its
  Arabic, and an English article quoting Arabic stays English.
* Whether the script's words really are that language. Arabic-script text
  is Arabic unless a tenth of its words use letters Arabic does not
  (Persian, Urdu, Kurdish and Pashto all do). Latin-script text is English
  only when a tenth of its words are English stop words (English prose
  runs at ~40 %, French, Spanish or German at a few per cent). Stop words
  cannot judge Arabic: headline-style Arabic news goes below 2 %.

Limits, by design: fewer than :data:`MIN_WORDS_FOR_EVIDENCE` words of a
script are judged by the script alone (a short French headline is ``en``,
a short Persian one ``ar``); the
answer is ``ar``, ``en`` or ``other``, nothing finer; a text with no
letters is ``other`` unless the producer declared a language.
"""

from __future__ import annotations

from collections.abc import Mapping

from streams.text.terms import (
    ARABIC,
    ARABIC_SCRIPT,
    ENGLISH_STOP,
    LATIN,
    OTHER,
    analyse_text,
    count_kinds,
)

ARABIC_LANGUAGE = "ar"
ENGLISH_LANGUAGE = "en"
OTHER_LANGUAGE = "other"

# Below this many words of a script, there is too little evidence to judge by.
MIN_WORDS_FOR_EVIDENCE = 8
# Arabic-script text with at least this share of words in letters Arabic
# does not use is another language.
MAX_NON_ARABIC_SHARE = 0.1
# Latin-script text needs at least this share of English stop words to be English.
MIN_ENGLISH_STOP_SHARE = 0.1
# A declared language wins when at least this share of the words count for it.
MIN_DECLARED_SHARE = 0.2

# ISO 639-1 and 639-2 codes of the two languages we tell apart.
_DECLARED_CLASS = {
    "ar": ARABIC_LANGUAGE,
    "ara": ARABIC_LANGUAGE,
    "en": ENGLISH_LANGUAGE,
    "eng": ENGLISH_LANGUAGE,
}


def detect_language(text: str, declared: str | None = None) -> str:
    """``ar``, ``en`` or ``other`` for ``text`` (a display form); see the module doc."""
    return language_of(count_kinds(analyse_text(text).terms), declared)


def language_of(kinds: Mapping[str, int], declared: str | None = None) -> str:
    """The language of a text given how many of its tokens are of each
    :class:`~streams.text.terms.Term` kind.

    A declared language (BCP 47; only its primary subtag counts) wins when
    the text agrees with it, that is when at least :data:`MIN_DECLARED_SHARE`
    of the words count for it; otherwise the language with most words wins,
    Arabic before English before other on a tie.
    """
    non_arabic = kinds.get(ARABIC_SCRIPT, 0)
    english_stop = kinds.get(ENGLISH_STOP, 0)
    arabic = kinds.get(ARABIC, 0) + non_arabic
    latin = kinds.get(LATIN, 0) + english_stop
    letter_words = arabic + latin + kinds.get(OTHER, 0)
    votes = {
        ARABIC_LANGUAGE: _vote(arabic, non_arabic < MAX_NON_ARABIC_SHARE * arabic),
        ENGLISH_LANGUAGE: _vote(latin, english_stop >= MIN_ENGLISH_STOP_SHARE * latin),
    }
    votes[OTHER_LANGUAGE] = letter_words - votes[ARABIC_LANGUAGE] - votes[ENGLISH_LANGUAGE]
    claimed = _language_class(declared)
    if letter_words == 0:
        return claimed or OTHER_LANGUAGE
    if claimed and votes[claimed] >= MIN_DECLARED_SHARE * letter_words:
        return claimed
    return max(votes, key=votes.__getitem__)


def _vote(words: int, confirmed: bool) -> int:
    """The words of a script that count for its language: all of them when
    the evidence confirms it or they are too few to judge, else none."""
    return words if confirmed or words < MIN_WORDS_FOR_EVIDENCE else 0


def _language_class(declared: str | None) -> str | None:
    """``ar``, ``en`` or ``other`` for a declared language tag; ``None`` if none."""
    if not declared:
        return None
    primary = declared.replace("_", "-").split("-", 1)[0].lower()
    return _DECLARED_CLASS.get(primary, OTHER_LANGUAGE)
