"""Tokens with character offsets, and sentence boundaries.

Word tokens are maximal runs of letters, digits and combining marks; the
boundaries are essentially those of camel-tools' ``simple_word_tokenize``
(whitespace, Unicode punctuation and symbols), which gives no offsets and
took 3 ms on the 480-word seed article alone. The CRF also sees punctuation
(a comma or a bracket next to a name is evidence), so :func:`tokenize` yields
every other non-space character as a one-character token too, as in the
AQMAR training data.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import pairwise, repeat
from typing import NamedTuple

# A letter or digit, then word characters and combining marks (Latin,
# Arabic harakat, Quranic annotation marks). Tatweel is a letter to `\w` but
# never starts a token, so no token can normalise to nothing; a "_" inside a
# token only makes its form unmatchable. One character class per position
# keeps this pass as fast as `\w+`.
WORD = (
    r"[^\W_\u0640][\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670"
    r"\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]*"
)
WORD_RE = re.compile(WORD)
_TOKEN_RE = re.compile(rf"({WORD})|\S")
# Punctuation that ends a decoding unit: sentence-final marks (Latin and
# Arabic question mark) and clause marks (Arabic and Latin comma and
# semicolon, colon). A newline ends one too.
_SENTENCE_END = frozenset(".!?؟…،؛;:,")
_NEWLINE_RE = re.compile("\n")


class Tokens(NamedTuple):
    """The tokens of a text as parallel lists, each built in one C-level pass."""

    spans: list[tuple[int, int]]
    """``(start, end)`` of each token."""
    surfaces: list[str]
    """Each token as written."""
    words: list[bool]
    """Whether each token is a word (else a punctuation character)."""


def tokens_of(text: str) -> Tokens:
    """Every token of ``text``, in order (see the module docstring).

    ``map`` over the matches fills the lists without a Python-level step
    per token: the word tokens of an article are its bulk, and a per-token
    comprehension was a sixth of tagging.
    """
    matches = list(_TOKEN_RE.finditer(text))
    return Tokens(
        list(map(re.Match.span, matches)),
        list(map(re.Match.group, matches)),
        list(map(bool, map(re.Match.group, matches, repeat(1)))),
    )


def tokenize(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, is_word)`` of every token of ``text``, in order."""
    spans, _, words = tokens_of(text)
    return [(start, end, word) for (start, end), word in zip(spans, words, strict=True)]


def sentence_bounds(text: str, tokens: Tokens) -> list[tuple[int, int]]:
    """``[i, j)`` token index ranges of the decoding units of ``text``.

    A unit ends after sentence-final or clause punctuation, or before a line
    break. The CRF decodes unit by unit: no name spans a comma; news
    paragraphs are often one 100-token sentence, while clauses rarely pass
    40 tokens. Cross-validation decodes the same units
    (:meth:`streams.ner.detect.MentionDetector.tag_tokens`).

    Those marks are never part of a word token, so each is a token of its
    own; line breaks lie between tokens and are found in the text, not by
    walking the tokens.
    """
    cuts = [i + 1 for i, surface in enumerate(tokens.surfaces) if surface in _SENTENCE_END]
    if "\n" in text:
        starts = [start for start, _ in tokens.spans]
        cuts.extend(bisect_left(starts, m.start()) for m in _NEWLINE_RE.finditer(text))
    return list(pairwise(sorted({0, len(tokens.surfaces), *cuts})))
