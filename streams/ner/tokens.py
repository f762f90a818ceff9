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
from itertools import accumulate, compress, count, pairwise
from operator import add, sub
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
# A token and the whitespace before it: (whitespace, token, the token if a word).
_TOKEN_GAP_RE = re.compile(rf"(\s*)(({WORD})|\S)")
#: A token (as :func:`tokens_of` cuts them), without the whitespace before it.
TOKEN_RE = re.compile(rf"{WORD}|\S")
# Punctuation that ends a decoding unit: sentence-final marks (Latin and
# Arabic question mark) and clause marks (Arabic and Latin comma and
# semicolon, colon). A newline ends one too.
SENTENCE_END = frozenset(".!?؟…،؛;:,")
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

    ``findall`` returns each token with the whitespace before it as plain
    strings, and the offsets are running sums of their lengths, so no
    Python-level step or match object is made per token: the word tokens
    of an article are its bulk, and a per-token comprehension over match
    objects was a sixth of tagging.
    """
    found = _TOKEN_GAP_RE.findall(text)
    if not found:
        return Tokens([], [], [])
    gaps, surfaces, words = zip(*found, strict=True)
    lengths = list(map(len, surfaces))
    ends = list(accumulate(map(add, map(len, gaps), lengths)))
    return Tokens(
        list(zip(map(sub, ends, lengths), ends, strict=True)),
        list(surfaces),
        list(map(bool, words)),
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
    cuts = list(compress(count(1), map(SENTENCE_END.__contains__, tokens.surfaces)))
    if "\n" in text:
        # ``(offset,)`` sorts just before a span starting there: the bisection
        # finds the first token after the break without a list of starts.
        spans = tokens.spans
        cuts.extend(bisect_left(spans, (m.start(),)) for m in _NEWLINE_RE.finditer(text))
    return list(pairwise(sorted({0, len(tokens.surfaces), *cuts})))
