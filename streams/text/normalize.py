"""Text normalisation over camel-tools: a display form and a matching form.

`clean_text` gives the text we show subscribers; `matching_form` gives the
canonical form that dedup and tagging compare. Both live here, once, so no
stage re-implements them and the two never disagree about what "the same
text" means.
"""

from __future__ import annotations

import html
import re
import unicodedata

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

from streams.text.memo import Memo

_TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,2000}>", re.IGNORECASE | re.DOTALL)
_TATWEEL = "\u0640"
# Bidi embeddings/overrides/isolates, zero-width chars, BOM and C0/C1 controls
# except tab and newline. They carry no meaning for readers or matching and
# can be used to spoof text.
_INVISIBLE_RE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb" + _TATWEEL + "]"
)
_NON_WORD_RE = re.compile(r"[\W_]+")
# The two characters camel-tools' normalize_unicode maps to words before NFKC.
_CAMEL_CHAR_FIX_RE = re.compile("[\ufdfc\ufdfd]")


def clean_text(text: str) -> str:
    """Display form: no HTML, presentation forms and ligatures unfolded by
    camel-tools' ``normalize_unicode`` (NFKC), no tatweel or invisible
    characters; diacritics are kept for display.

    Paragraph breaks survive as single newlines; other whitespace runs become
    one space.
    """
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = _normalize_unicode(text)
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Whitespace runs to one space, spaces around line breaks and blank lines
    # dropped: str.split() does this in C, where a regex was 40 % of the time.
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def matching_form(text: str) -> str:
    """Canonical form for comparing text: the display form, undiacritised,
    with alef, alef maksura and teh marbuta variants folded, Latin casefolded,
    punctuation dropped and whitespace collapsed to single spaces.
    """
    return matching_form_of_clean(clean_text(text))


def matching_form_of_clean(text: str) -> str:
    """:func:`matching_form` of text that is already in display form.

    For callers that hold the :func:`clean_text` result anyway (enrich), so
    the text is not cleaned twice.

    Folding is per character, so a text's form is its whitespace-separated
    chunks' forms joined; chunks repeat like words, and a memo hit is far
    cheaper than ``str.translate``, which looks every non-ASCII character
    up in the table one by one (a 2,000-character body took ~120 µs).
    """
    return " ".join(" ".join(map(_CHUNK_FORMS.__getitem__, text.split())).split())


def _fold(text: str) -> str:
    """The character-level steps of the matching form: undiacritise, fold
    alef, alef maksura and teh marbuta, casefold, punctuation to spaces."""
    text = dediac_ar(text)
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    text = normalize_teh_marbuta_ar(text)
    return _NON_WORD_RE.sub(" ", text.casefold())


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table giving each character its :func:`_fold`.

    Every step of :func:`_fold` maps each character on its own (camel-tools'
    functions are character classes and replacements; casefold and the
    punctuation class are per character), so folding a text is folding its
    characters. The table computes a character's form with :func:`_fold`
    itself the first time it meets it; afterwards a whole text folds in one
    C pass, where the six steps over the text took a third of enrich's time.
    """

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold(chr(code))
        return folded


_FOLDED_CHARS = _FoldTable()
# Chunks (whitespace-separated) whose matching forms are kept: a few corpus
# days' vocabulary.
_CHUNK_CACHE = 1 << 18
_CHUNK_FORMS: Memo[str, str] = Memo(lambda chunk: chunk.translate(_FOLDED_CHARS), _CHUNK_CACHE)


def _normalize_unicode(text: str) -> str:
    """camel-tools' ``normalize_unicode``, without its cost in the usual case.

    It maps U+FDFC (rial sign) and U+FDFD (basmala ligature) to words with a
    per-character Python loop, then applies NFKC; that loop was two thirds
    of enrich's time. Text without those two characters gets exactly the
    same result from NFKC alone.
    """
    if _CAMEL_CHAR_FIX_RE.search(text):
        return normalize_unicode(text)
    # No-break space (in 40 % of corpus bodies) sends NFKC down its slow
    # path; NFKC maps it to a space, and a space never composes, so mapping
    # it first changes nothing but the speed.
    return unicodedata.normalize("NFKC", text.replace("\xa0", " "))
