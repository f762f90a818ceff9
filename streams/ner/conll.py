"""CoNLL-style NER files: one ``token [gold [predicted]]`` per line, blank line between sentences.

The AQMAR training data has a handful of malformed tags (``OO``, ``IO``,
``-ORG``, ``MIS1```) and MIS (miscellaneous) classes we do not model;
:func:`normalize_tag` maps every tag to BIO over PER/LOC/ORG without ever
failing, and :func:`repair_bio` makes the sequence well formed (an ``I-X``
that follows no ``X`` begins a chunk, as conlleval reads it anyway).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

#: The entity classes of the model and of its output.
TYPES = ("PER", "LOC", "ORG")
OUTSIDE = "O"
_TAG_RE = re.compile(r"([BI])?-?([A-Za-z]+)")


@dataclass
class Sentence:
    """Tokens of one sentence with their gold and predicted tags (either may be absent)."""

    tokens: list[str]
    gold: list[str] | None = None
    predicted: list[str] | None = None


def normalize_tag(raw: str) -> str:
    """BIO tag over :data:`TYPES` for any raw tag; unknown or MIS → ``O``.

    A tag with a type but no B/I prefix (``-ORG``) comes back as ``I-ORG``:
    :func:`repair_bio` turns it into ``B-ORG`` when nothing precedes it.
    """
    match = _TAG_RE.fullmatch(raw.strip().strip("`'\\"))
    if not match:
        return OUTSIDE
    prefix, kind = match.groups()
    kind = kind.upper()
    if kind not in TYPES:
        return OUTSIDE
    return f"{prefix or 'I'}-{kind}"


def repair_bio(tags: Sequence[str]) -> list[str]:
    """``tags`` with every chunk starting in ``B-``."""
    out = []
    previous = OUTSIDE
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def read_conll(path: Path | str) -> list[Sentence]:
    """Sentences of a CoNLL file; a second column is gold, a third predicted."""
    with open(path, encoding="utf-8") as handle:
        return list(parse_conll(handle))


def parse_conll(lines: Iterable[str]) -> Iterable[Sentence]:
    """Sentences from CoNLL lines (see :func:`read_conll`)."""
    rows: list[list[str]] = []
    for line in [*lines, ""]:
        fields = line.split()
        if fields:
            rows.append(fields)
            continue
        if not rows:
            continue
        width = min(len(row) for row in rows)
        tokens = [row[0] for row in rows]
        gold = repair_bio([normalize_tag(row[1]) for row in rows]) if width > 1 else None
        predicted = repair_bio([normalize_tag(row[2]) for row in rows]) if width > 2 else None
        yield Sentence(tokens, gold, predicted)
        rows = []


def write_conll(out: TextIO, sentences: Iterable[Sentence]) -> None:
    """Write ``token gold predicted`` lines (gold ``O`` when unknown)."""
    for sentence in sentences:
        gold = sentence.gold or [OUTSIDE] * len(sentence.tokens)
        predicted = sentence.predicted or [OUTSIDE] * len(sentence.tokens)
        for token, g, p in zip(sentence.tokens, gold, predicted, strict=True):
            out.write(f"{token} {g} {p}\n")
        out.write("\n")
