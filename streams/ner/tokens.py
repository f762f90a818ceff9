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


def tokenize(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, is_word)`` of every token of ``text``, in order."""
    return [(*m.span(), m.lastindex == 1) for m in _TOKEN_RE.finditer(text)]


def sentence_bounds(text: str, tokens: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """``[i, j)`` token index ranges of the decoding units of ``text``.

    A unit ends after sentence-final or clause punctuation, or before a line
    break. The CRF decodes unit by unit: no name spans a comma, and Viterbi
    runs over all units of an article at once, so its cost follows the
    longest unit; news paragraphs are often one 100-token sentence, while
    clauses rarely pass 40 tokens. Cross-validation decodes the same units
    (:meth:`streams.ner.detect.MentionDetector.tag_tokens`).
    """
    bounds = []
    begin = 0
    for i, (start, end, is_word) in enumerate(tokens):
        if i > begin and "\n" in text[tokens[i - 1][1] : start]:
            bounds.append((begin, i))
            begin = i
        if not is_word and text[start:end] in _SENTENCE_END:
            bounds.append((begin, i + 1))
            begin = i + 1
    if begin < len(tokens):
        bounds.append((begin, len(tokens)))
    return bounds
