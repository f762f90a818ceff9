"""Tokens and sentence counts of display-form text.

Word boundaries are those of camel-tools' ``simple_word_tokenize``: a word
is a maximal run of letters, digits and combining marks, ended by
whitespace, punctuation or a symbol (``tests/unit/test_text_tokens.py``
checks this on corpus text). We do not call that function: it runs a regex
match at every character from Python and cost about 1 ms per corpus
article, the whole enrich budget. One compiled pattern finds the same words
in one C pass, and the punctuation with them.

Two additions for English and numbers, where splitting at every
punctuation mark loses meaning: a number keeps its decimal and thousands
separators (``4.5``, ``1,000``, ``٤٫٥``) and a word its inner apostrophes
(``don't``, ``Ukraine's``), which the English stemmer expects. An
underscore inside a word does not split it.

Sentences end at ``!``, ``?``, ``؟``, ``…``, at line breaks (the display
form keeps paragraph breaks as newlines) and at a full stop that is not
inside a number, after a single Latin letter (``U.S.``) or after a common
English abbreviation (``Mr.``); Arabic has no such abbreviations in news.
"""

from __future__ import annotations

import re

# Combining marks that may sit inside a word: Latin diacritics left
# uncomposed, Arabic harakat, dagger alef and Quranic annotation marks.
_MARKS = (
    "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
)
_TOKEN_RE = re.compile(
    r"\d+(?:[.,٫٬]\d+)+"  # a number with separators
    rf"|[^\W_][\w{_MARKS}]*(?:['’][\w{_MARKS}]+)*"  # a word
    r"|[^\w\s]|\n"  # punctuation, a symbol or a line break: a phrase break
)
# Every alternative starts with its end character, so that the regex engine
# can scan for those; the abbreviation checks look behind from the full stop.
_SENTENCE_END_RE = re.compile(
    r"[\n!?؟…]+"
    r"|\.(?<!\b[a-z]\.)"
    r"(?<!\b(?:mr|dr|st|jr|sr|ms|vs|co|no|lt)\.)"
    r"(?<!\b(?:mrs|gen|col|sgt|gov|sen|rep|rev|etc|inc|ltd)\.)"
    r"(?<!\b(?:prof|corp)\.)"
    r"(?!\d)",
    re.IGNORECASE,
)
_HAS_WORD_RE = re.compile(r"[^\W_]")


def tokenize(text: str) -> list[str]:
    """The tokens of ``text`` (a display form) in order: words, and the
    punctuation, symbols and line breaks between them. These phrase breaks
    keep a multi-word keyphrase from spanning a comma, a quote or a
    sentence end. No token contains whitespace, other than a line break."""
    return _TOKEN_RE.findall(text)


def count_sentences(text: str) -> int:
    """How many sentences ``text`` (a display form) has: pieces between
    sentence ends that hold a word."""
    return sum(map(bool, map(_HAS_WORD_RE.search, _SENTENCE_END_RE.split(text))))
