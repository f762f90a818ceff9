"""Text normalisation over camel-tools: a display form and a matching form.

`clean_text` gives the text we show subscribers; `matching_form` gives the
canonical form that dedup and tagging compare. Both live here, once, so no
stage re-implements them and the two never disagree about what "the same
text" means.
"""

from __future__ import annotations

import html
import re

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

_TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,2000}>", re.IGNORECASE | re.DOTALL)
_TATWEEL = "\u0640"
# Bidi embeddings/overrides/isolates, zero-width chars, BOM and C0/C1 controls
# except tab and newline. They carry no meaning for readers or matching and
# can be used to spoof text.
_INVISIBLE_RE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb" + _TATWEEL + "]"
)
_SPACES_RE = re.compile(r"[^\S\n]+")
_BLANK_LINES_RE = re.compile(r"\s*\n\s*")
_NON_WORD_RE = re.compile(r"[\W_]+")


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
    text = normalize_unicode(text)
    text = _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES_RE.sub(" ", text)
    return _BLANK_LINES_RE.sub("\n", text).strip()


def matching_form(text: str) -> str:
    """Canonical form for comparing text: the display form, undiacritised,
    with alef, alef maksura and teh marbuta variants folded, Latin casefolded,
    punctuation dropped and whitespace collapsed to single spaces.
    """
    text = clean_text(text)
    if _has_arabic(text):
        text = dediac_ar(text)
        text = normalize_alef_ar(text)
        text = normalize_alef_maksura_ar(text)
        text = normalize_teh_marbuta_ar(text)
    text = _NON_WORD_RE.sub(" ", text.casefold())
    return " ".join(text.split())


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in text)
