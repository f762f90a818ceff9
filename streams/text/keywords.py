"""Keywords and keyphrases of an article by TF-IDF over stems.

Term frequency counts the stems of content words (stop words, numbers and
single letters have no stem, see :mod:`streams.text.terms`); a title
occurrence counts :data:`TITLE_WEIGHT` times, since the headline says what
the article is about. Inverse document frequencies come from
``streams/data/df.tsv``, learned from the shared SaudiNewsNet corpus by
:mod:`streams.text.build_df`; a stem missing from it (rare, or English: the
corpus is Arabic) gets the IDF of a stem seen in no document, so English
keywords rank by frequency alone, after stop words.

A keyword's weight is ``(1 + ln tf) * idf``, scaled so the article's weights
have unit length; scores are therefore comparable across articles.

Keyphrases are runs of two to :data:`MAX_PHRASE_WORDS` content words, with
no stop word or punctuation inside, that occur at least twice (a title
occurrence counting once here). A phrase
found as often as a longer phrase containing it is dropped in favour of the
longer one (مجلس الشؤون السياسية والأمنية, not also الشؤون السياسية), and
of phrases that overlap (two or more stems in common, or one inside the
other) only the best is kept. A phrase's weight is ``(1 + ln tf)`` times the
sum of its stems' IDFs, on the keyword scale.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress, repeat
from operator import attrgetter, ge, mul
from pathlib import Path
from typing import Any, NamedTuple

from streams.text.memo import Memo
from streams.text.terms import DATA_DIR, Term

DF_PATH = DATA_DIR / "df.tsv"
DOCUMENTS_HEADER = "# documents\t"

KEYWORDS = 10
KEYPHRASES = 5
TITLE_WEIGHT = 2
MAX_PHRASE_WORDS = 4
MIN_PHRASE_OCCURRENCES = 2
SCORE_DIGITS = 4

# A field's stems (None for tokens that are not content words) and terms.
_Field = tuple[list[str | None], Sequence[Term]]
_STEM = attrgetter("stem")
_DISPLAY = attrgetter("display")
# 1 + ln(tf), memoised: term frequencies are small integers that repeat.
_TF_WEIGHT: Memo[int, float] = Memo(lambda n: 1 + math.log(n), 1 << 16)
_SEPARATOR = "\x00"
_RUN_RE = re.compile("[^\x00]{2,}")


@dataclass(frozen=True)
class DocumentFrequencies:
    """How many documents of a reference corpus contain each stem."""

    documents: int
    counts: dict[str, int]

    def idf_table(self) -> tuple[dict[str, float], float]:
        """Smoothed IDF ``ln((N + 1) / (df + 1)) + 1`` of every stem, and of an unseen one."""
        total = self.documents + 1
        idf = {stem: math.log(total / (df + 1)) + 1 for stem, df in self.counts.items()}
        return idf, math.log(total) + 1


def read_document_frequencies(path: Path) -> DocumentFrequencies:
    """Parse a DF file: a ``# documents<TAB>N`` line, comments, then ``stem<TAB>df`` lines."""
    documents = None
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(DOCUMENTS_HEADER):
            documents = int(line[len(DOCUMENTS_HEADER) :])
        elif line and not line.startswith("#"):
            stem, df = line.split("\t")
            counts[stem] = int(df)
    if documents is None:
        raise ValueError(f"{path}: no '{DOCUMENTS_HEADER.strip()}' line")
    return DocumentFrequencies(documents, counts)


@cache
def load_idf() -> tuple[dict[str, float], float]:
    """IDF of every stem in the shipped DF file, and of an unseen stem (read once)."""
    return read_document_frequencies(DF_PATH).idf_table()


class Keywords(NamedTuple):
    """What an article is about, best first where ranked."""

    stems: list[str]  # distinct content stems in order of first occurrence
    keywords: list[dict[str, Any]]  # {term, stem, score}
    keyphrases: list[dict[str, Any]]  # {text, score}


def keywords(title: Sequence[Term], body: Sequence[Term]) -> Keywords:
    """Stems, keywords and keyphrases of an article from the terms of its
    title and body tokens.

    ``stems`` equals :func:`~streams.text.terms.content_stems` of title and
    body, a by-product of counting them. A keyword's ``term`` is the stem's
    most frequent written form in the article (the first one on a tie). Ties
    in score go to the stem or phrase seen first, so the result is
    deterministic.
    """
    idf, unseen = load_idf()
    title_stems, body_stems = list(map(_STEM, title)), list(map(_STEM, body))
    occurrences = Counter(title_stems)
    occurrences.update(body_stems)
    occurrences.pop(None, None)
    if not occurrences:
        return Keywords([], [], [])
    tf = occurrences.copy()
    for _ in range(TITLE_WEIGHT - 1):
        tf.update(title_stems)
    tf.pop(None, None)
    stems = list(tf)
    # Weights, norm and ranking with no Python-level loop over the stems:
    # weight = (1 + ln tf) * idf; the sort is stable, so ties go to the stem
    # seen first.
    weights = dict(
        zip(
            stems,
            map(mul, map(_TF_WEIGHT.__getitem__, tf.values()), map(idf.get, stems, repeat(unseen))),
            strict=True,
        )
    )
    norm = math.hypot(*weights.values())
    top = sorted(stems, key=weights.__getitem__, reverse=True)[:KEYWORDS]
    fields = ((title_stems, title), (body_stems, body))
    written = _written_forms(top, fields)
    found = [
        {
            "term": written[stem],
            "stem": stem,
            "score": round(weights[stem] / norm, SCORE_DIGITS),
        }
        for stem in top
    ]
    recurring = list(
        compress(occurrences, map(ge, occurrences.values(), repeat(MIN_PHRASE_OCCURRENCES)))
    )
    return Keywords(list(occurrences), found, _keyphrases(fields, recurring, idf, unseen, norm))


def _written_forms(stems: list[str], fields: tuple[_Field, _Field]) -> dict[str, str]:
    """Each of ``stems``' most frequent written form (the first one on a tie).

    ``compress`` picks the occurrences of those stems in C, so Python only
    sees the few distinct terms that matter.
    """
    wanted = set(stems)
    found: Counter[Term] = Counter()
    for field_stems, words in fields:
        found.update(compress(words, map(wanted.__contains__, field_stems)))
    forms: Counter[tuple[str, str]] = Counter()
    for word, n in found.items():
        forms[word.stem, word.display] += n  # spellings with diacritics share a form
    best: dict[str, tuple[int, str]] = {}
    for (stem, written), n in forms.items():
        if n > best.get(stem, (0, ""))[0]:
            best[stem] = (n, written)
    return {stem: written for stem, (_, written) in best.items()}


def _keyphrases(
    fields: tuple[_Field, _Field],
    recurring: list[str],
    idf: dict[str, float],
    unseen: float,
    norm: float,
) -> list[dict[str, Any]]:
    """See the module doc.

    Only stems that recur can make a recurring phrase. Each of them is
    written as one character and everything else as a separator; a regex
    then finds the runs of recurring content words, and phrases are the
    substrings of those runs, counted with ``zip`` and ``Counter`` in C.
    """
    if not recurring:
        return []
    code = {stem: chr(index + 1) for index, stem in enumerate(recurring)}
    encoded = ["".join(map(code.get, stems, repeat(_SEPARATOR))) for stems, _ in fields]
    compact = [_SEPARATOR.join(_RUN_RE.findall(text)) for text in encoded]
    found: dict[str, int] = {}  # occurrences
    tf: dict[str, int] = {}  # title occurrences weighted
    for size in range(2, MAX_PHRASE_WORDS + 1):
        title_counts, counts = (Counter(_substrings(text, size)) for text in compact)
        counts.update(title_counts)
        recurrent = compress(counts, map(ge, counts.values(), repeat(MIN_PHRASE_OCCURRENCES)))
        frequent = {key: counts[key] for key in recurrent if _SEPARATOR not in key}
        if not frequent:  # no phrase of this size recurs, so no longer one does
            break
        found.update(frequent)
        for key, n in frequent.items():
            tf[key] = n + (TITLE_WEIGHT - 1) * title_counts[key]
    for key, n in list(found.items()):  # a longer phrase as frequent replaces its parts
        for part in (key[:-1], key[1:]):
            if found.get(part) == n:
                found.pop(part)
    stems = {key: tuple(recurring[ord(char) - 1] for char in key) for key in found}
    scored = {
        key: _TF_WEIGHT[tf[key]] * sum(idf.get(stem, unseen) for stem in stems[key]) / norm
        for key in found
    }
    chosen: list[str] = []
    for key in sorted(scored, key=scored.__getitem__, reverse=True):
        if not any(_overlaps(key, other) for other in chosen):
            chosen.append(key)
            if len(chosen) == KEYPHRASES:
                break
    words = [field_words for _, field_words in fields]
    return [
        {"text": _phrase_text(key, encoded, words), "score": round(scored[key], SCORE_DIGITS)}
        for key in chosen
    ]


def _substrings(text: str, size: int) -> Iterator[str]:
    """Every substring of ``text`` of length ``size``."""
    return map("".join, zip(*(text[start:] for start in range(size)), strict=False))


def _overlaps(key: str, other: str) -> bool:
    """Whether two phrases say the same thing: one's stems all in the other,
    or two or more in common (overlapping windows of one longer name)."""
    common = len(set(key) & set(other))
    return common >= 2 or common == min(len(key), len(other))


def _phrase_text(key: str, encoded: list[str], words: list[Sequence[Term]]) -> str:
    """The phrase's most frequent written form (the first one on a tie); its
    occurrences are where its code string occurs in a field's encoding."""
    forms: Counter[str] = Counter()
    for text, field_words in zip(encoded, words, strict=True):
        start = text.find(key)
        while start >= 0:
            window = field_words[start : start + len(key)]
            forms[" ".join(map(_DISPLAY, window))] += 1
            start = text.find(key, start + 1)
    return forms.most_common(1)[0][0]
