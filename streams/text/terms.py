"""What enrichment needs to know about one word, computed once per distinct word.

A :class:`Term` says which script a word is in, whether it is a stop word,
its stem and how to show it. News vocabulary repeats heavily (a corpus day
of 2,000 articles has ~690,000 tokens but ~78,000 distinct ones, and on the
third day of a stream only 1 token in 30 is new), so analyses are memoised
and the per-word work (matching form, stop-word look-up, Snowball) runs for
a small fraction of the words enrich sees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import NamedTuple

import regex
from camel_tools.utils.dediac import dediac_ar

from streams.text.memo import Memo
from streams.text.normalize import matching_form_of_clean
from streams.text.stems import stem_arabic, stem_english
from streams.text.tokens import tokenize

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Term kinds, which language detection counts: the script of a word, Arabic
# split by whether the word has letters that Arabic does not use (Persian,
# Urdu, Kurdish, ...), Latin by whether it is an English stop word.
ARABIC = "arabic"
ARABIC_SCRIPT = "arabic_script"
LATIN = "latin"
ENGLISH_STOP = "english_stop"
OTHER = "other"  # letters of any other script
NUMBER = "number"  # no letters at all
PUNCTUATION = "punctuation"  # not a word: punctuation, a symbol, a line break

# Distinct tokens (and whitespace-separated chunks) whose analyses are kept:
# about three corpus days' vocabulary, some tens of MB.
CACHE_WORDS = 1 << 18

_ARABIC_RE = regex.compile(r"\p{Arabic}")
_LATIN_RE = regex.compile(r"\p{Latin}")
_LETTER_RE = regex.compile(r"\p{L}")
# Arabic-script letters outside the Arabic alphabet: everything past U+063A
# that is not a basic letter, alef wasla (U+0671) or veh (U+06A4, "V" in
# Gulf and Levantine spelling of foreign names).
_NON_ARABIC_LETTER_RE = regex.compile(
    r"[\u0620\u063b-\u063f\u0672-\u06a3\u06a5-\u06d5\u06ee-\u06ff]"
)
_CONJUNCTIONS = ("و", "ف")


class Term(NamedTuple):
    """One token's analysis. ``stem`` is ``None`` for tokens that are not
    content words (stop words, numbers, single letters, punctuation)."""

    kind: str
    stem: str | None
    display: str


def term(token: str) -> Term:
    """The analysis of a token from :func:`streams.text.tokens.tokenize`."""
    return _CACHE[token]


def terms(tokens: Iterable[str]) -> list[Term]:
    """:func:`term` of each token."""
    return list(map(_CACHE.__getitem__, tokens))


class TextTerms(NamedTuple):
    """A text's terms and its matching form, from one pass over the text."""

    terms: list[Term]
    matching_form: str


def analyse_text(text: str) -> TextTerms:
    """``terms(tokenize(text))`` and ``matching_form_of_clean(text)`` for a
    display-form text, assembled from memoised whitespace-separated chunks.

    No token holds whitespace except a line break, so a line's tokens are
    those of its chunks, in order, and a text's are its lines' with a
    line-break token between them. The matching form folds each character
    on its own and whitespace to spaces, so it too is the chunks' forms
    joined. Chunks repeat like words do, so most of a text is looked up,
    not tokenised or folded: a third of the cost of doing both over the text.
    A chunk's form is already single-spaced and trimmed (or empty), so the
    text's is the non-empty ones joined, with no second split over the text.
    """
    found: list[Term] = []
    forms: list[str] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            found.append(_NEWLINE)
        chunks = list(map(_CHUNKS.__getitem__, line.split()))
        found.extend(chain.from_iterable(map(_CHUNK_TERMS, chunks)))
        forms.extend(map(_CHUNK_FORM, chunks))
    return TextTerms(found, " ".join(filter(None, forms)))


def count_kinds(terms: Iterable[Term]) -> Counter[str]:
    """How many tokens there are of each kind."""
    return Counter(map(_KIND, terms))


def content_stems(terms: Iterable[Term]) -> list[str]:
    """The distinct stems of content words, in order of first occurrence."""
    return [*filter(None, dict.fromkeys(map(_STEM, terms)))]


def _analyse(word: str) -> Term:
    if not word[0].isalnum():
        return Term(PUNCTUATION, None, word)
    letters = len(_LETTER_RE.findall(word))
    if not letters:
        return Term(NUMBER, None, word)
    if _ARABIC_RE.search(word):
        display = dediac_ar(word)
        kind = ARABIC_SCRIPT if _NON_ARABIC_LETTER_RE.search(word) else ARABIC
        if letters == 1 or _is_arabic_stop(matching_form_of_clean(display)):
            return Term(kind, None, display)
        return Term(kind, stem_arabic(display) or None, display)
    if _LATIN_RE.search(word):
        if matching_form_of_clean(word) in stop_words("en"):
            return Term(ENGLISH_STOP, None, word)
        return Term(LATIN, stem_english(word) or None if letters > 1 else None, word)
    return Term(OTHER, matching_form_of_clean(word) if letters > 1 else None, word)


_CACHE: Memo[str, Term] = Memo(_analyse, CACHE_WORDS)
_CHUNKS: Memo[str, tuple[tuple[Term, ...], str]] = Memo(
    lambda chunk: (tuple(map(_CACHE.__getitem__, tokenize(chunk))), matching_form_of_clean(chunk)),
    CACHE_WORDS,
)
_CHUNK_TERMS = itemgetter(0)
_CHUNK_FORM = itemgetter(1)
_NEWLINE = _analyse("\n")
_STEM = attrgetter("stem")
_KIND = attrgetter("kind")


def _is_arabic_stop(form: str) -> bool:
    """A stop word, alone or behind the conjunction و/ف (وفي, فإن)."""
    stops = stop_words("ar")
    return form in stops or (form[:1] in _CONJUNCTIONS and form[1:] in stops)


@cache
def stop_words(language: str) -> frozenset[str]:
    """Matching forms of ``streams/data/stopwords_<language>.txt``."""
    path = DATA_DIR / f"stopwords_{language}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(
        matching_form_of_clean(line.strip())
        for line in lines
        if line.strip() and not line.lstrip().startswith("#")
    )
