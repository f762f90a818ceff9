"""Token types interned to integers, so detection works on arrays, not strings.

Why: detection used to tokenise every article with a regex (a tuple and
three strings per token) and then look every token up, by its string, in
four per-surface caches of 100k+ entries (matching form, gazetteer entry,
CRF emission row, a suffix memo): each look-up a cache miss, and together
over half of tagging. A :class:`Lexicon` gives every distinct token surface
an id once; an article then costs one look-up per whitespace-separated
chunk (``str.split`` runs in C; chunks repeat like words do), and every
per-type fact is a numpy gather by id. What a consumer needs per type it
computes when the type is interned (the ``on_new`` callback) and keeps in
an array indexed by id.

Tokens are exactly those of :func:`streams.ner.tokens.tokens_of`: a new
chunk is tokenised with the same expression, and a token never spans
whitespace, so tokenising chunk by chunk cannot cut differently.

Memory is bounded like the other memos: when more than ``limit`` types are
interned, :meth:`Lexicon.trim` (called between documents, as ids change)
forgets everything and ids restart from 0; when only the chunk memo is over
``limit``, it forgets the chunks and keeps the types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain, compress, pairwise, repeat
from typing import Any, NamedTuple

import numpy as np

from streams.ner.gazetteer import forms
from streams.ner.kernels import KERNELS
from streams.ner.tokens import SENTENCE_END, TOKEN_RE, WORD_RE
from streams.text.normalize import matching_form

#: Called with the first new id, the new surfaces and their matching forms.
NewTypes = Callable[[int, list[str], list[str]], None]

# Whitespace as ``str.split()`` and the regex ``\s`` see it (the same C
# predicate); every such code point is below U+3001 (a unit test checks).
_SPACE_LIMIT = 0x3001
_SPACE = np.array([chr(c).isspace() for c in range(_SPACE_LIMIT + 1)])
_SPACE[_SPACE_LIMIT] = False  # stands for every code point above
_NEWLINE = ord("\n")
_INITIAL = 1024
# (chr: mypyc takes no surrogate in a string literal)
_SURROGATE_RE = re.compile(f"[{chr(0xD800)}-{chr(0xDFFF)}]")


class TextTokens(NamedTuple):
    """The tokens of one text, as arrays."""

    ids: np.ndarray
    """Type id of each token."""
    starts: np.ndarray
    """Offset of each token in the text."""
    ends: np.ndarray
    """Offset just past each token."""
    breaks: np.ndarray
    """Index of the first token after each line break."""


class Lexicon:
    """Token types seen so far: id ↔ surface, and per-type facts."""

    def __init__(
        self, on_new: NewTypes | None = None, limit: int = 1 << 18, kernels: bool = True
    ) -> None:
        """``kernels``: use the Rust chunk table when built (see
        :mod:`streams.ner.kernels`); the plain path otherwise, as the
        tests do to compare them."""
        self.limit = limit
        self._on_new = on_new
        self._types: dict[str, int] = {}
        self._table = KERNELS.ChunkTable() if kernels and KERNELS is not None else None
        # Without the table: chunks as ragged rows: chunk id → its token type ids, stored end
        # to end in ``_chunk_types`` from ``_chunk_first[id]``, ``_chunk_sizes[id]`` long.
        self._chunks: dict[str, int] = {}
        self._chunk_first = np.zeros(_INITIAL, dtype=np.int64)
        self._chunk_sizes = np.zeros(_INITIAL, dtype=np.int64)
        self._chunk_types = np.zeros(_INITIAL, dtype=np.int64)
        self._chunk_types_used = 0
        self.surfaces: list[str] = []
        """Surface of each type."""
        self.forms: list[str] = []
        """Matching form of each type."""
        self.lengths = np.zeros(_INITIAL, dtype=np.int64)
        """Length of each type's surface."""
        self.words = np.zeros(_INITIAL, dtype=bool)
        """Whether each type is a word token (else a punctuation character)."""
        self.unit_ends = np.zeros(_INITIAL, dtype=bool)
        """Whether each type ends a decoding unit (:data:`~streams.ner.tokens.SENTENCE_END`)."""

    def __len__(self) -> int:
        return len(self.surfaces)

    def chunk_count(self) -> int:
        """How many chunks are memoised."""
        return len(self._table) if self._table is not None else len(self._chunks)

    def trim(self) -> None:
        """Between documents: forget every type when there are more than
        the limit (ids restart from 0), or only the chunk memo when that
        alone is over it. Chunks outnumber types about 1.5 to 1 in news,
        and a chunk of known types is interned again for a regex and a
        look-up, where a type costs its features: forgetting the types with
        the chunks cost a worker a cold start every ~9,000 SaudiNewsNet
        articles (tag ~400 articles/s for the next 2,000, against ~600)."""
        forget_types = len(self._types) > self.limit
        if forget_types:
            self._types.clear()
            self.surfaces.clear()
            self.forms.clear()
        if forget_types or self.chunk_count() > self.limit:  # chunks hold type ids
            self._chunks.clear()
            self._chunk_types_used = 0
            if self._table is not None:
                self._table.clear()

    def ids(self, surfaces: Sequence[str]) -> np.ndarray:
        """Type id of each of ``surfaces``, interning new ones."""
        found = np.fromiter(map(self._types.get, surfaces, repeat(-1)), np.int64, len(surfaces))
        return _filled(found, surfaces, self._types, self._add)

    def tokens(self, text: str) -> TextTokens:
        """The tokens of ``text`` (those of :func:`~streams.ner.tokens.tokens_of`)."""
        if self._table is not None:
            return self._table_tokens(self._table, text)
        chunks = text.split()
        if not chunks:
            empty = np.zeros(0, dtype=np.int64)
            return TextTokens(empty, empty, empty, empty)
        found = np.fromiter(map(self._chunks.get, chunks, repeat(-1)), np.int64, len(chunks))
        found = _filled(found, chunks, self._chunks, self._add_chunks)
        counts = self._chunk_sizes[found]
        ends = counts.cumsum()
        firsts = ends - counts  # index of each chunk's first token
        ids = self._chunk_types[
            np.arange(ends[-1]) + (self._chunk_first[found] - firsts).repeat(counts)
        ]
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        space = _SPACE[np.minimum(codes, _SPACE_LIMIT)]
        # A chunk begins at a non-space after a space or at the start.
        begins = (~space & np.concatenate(([True], space[:-1]))).nonzero()[0]
        # Tokens of a chunk are contiguous: offsets are running sums of their
        # lengths, shifted so each chunk's first token sits where it begins.
        lengths = self.lengths[ids]
        ends = lengths.cumsum()
        starts = ends - lengths
        shift = (begins - starts[firsts]).repeat(counts)
        starts += shift
        ends += shift
        breaks = starts.searchsorted((codes == _NEWLINE).nonzero()[0])
        return TextTokens(ids, starts, ends, breaks)

    def units(self, ids: np.ndarray, breaks: np.ndarray | None = None) -> list[tuple[int, int]]:
        """``[i, j)`` token ranges of the decoding units of tokens ``ids``,
        with a line break before each token index in ``breaks`` (those of
        :func:`~streams.ner.tokens.sentence_bounds`)."""
        cut = np.empty(len(ids) + 1, dtype=bool)  # before token i (and at the end)
        cut.fill(True)  # (np.ones is a Python-level wrapper of these two C calls)
        cut[1:-1] = self.unit_ends[ids[:-1]]
        if breaks is not None:
            cut[breaks] = True
        return list(pairwise(cut.nonzero()[0].tolist())) if len(ids) else []

    def _table_tokens(self, table: Any, text: str) -> TextTokens:
        """:meth:`tokens` through the Rust chunk table: it looks up every
        chunk, the ones it lacks are tokenised and interned here, then it
        makes the arrays.

        Rust strings are UTF-8, which has no lone surrogates: a text with
        one (never valid JSON text, but a caller may build it) has each
        replaced by U+FFFD, also one code point and one punctuation token,
        so every offset stays right."""
        try:
            missing = table.scan(text)
        except UnicodeEncodeError:
            missing = table.scan(_SURROGATE_RE.sub("\ufffd", text))
        if missing:
            table.add(missing, *self._chunk_rows(missing))
        ids, starts, ends, breaks = table.tokens(self.lengths)
        return TextTokens(
            np.frombuffer(ids, np.int64),
            np.frombuffer(starts, np.int64),
            np.frombuffer(ends, np.int64),
            np.frombuffer(breaks, np.int64),
        )

    def _chunk_rows(self, chunks: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """How many tokens each of ``chunks`` has, and all their type ids
        end to end (new types interned)."""
        tokens = [TOKEN_RE.findall(chunk) for chunk in chunks]
        sizes = np.fromiter(map(len, tokens), np.int64, len(tokens))
        return sizes, self.ids(list(chain.from_iterable(tokens)))

    def _add_chunks(self, chunks: list[str]) -> None:
        sizes, ids = self._chunk_rows(chunks)
        first, used = len(self._chunks), self._chunk_types_used
        count, end = first + len(chunks), used + len(ids)
        if count > len(self._chunk_sizes):
            capacity = max(count, 2 * len(self._chunk_sizes))
            self._chunk_sizes = grown(self._chunk_sizes, capacity)
            self._chunk_first = grown(self._chunk_first, capacity)
        if end > len(self._chunk_types):
            self._chunk_types = grown(self._chunk_types, max(end, 2 * len(self._chunk_types)))
        self._chunk_sizes[first:count] = sizes
        self._chunk_first[first:count] = used + np.cumsum(sizes) - sizes
        self._chunk_types[used:end] = ids
        self._chunk_types_used = end
        self._chunks.update(zip(chunks, range(first, count), strict=True))

    def _add(self, surfaces: list[str]) -> None:
        first = len(self.surfaces)
        size = first + len(surfaces)
        if size > len(self.lengths):
            capacity = max(size, 2 * len(self.lengths))
            self.lengths = grown(self.lengths, capacity)
            self.words = grown(self.words, capacity)
            self.unit_ends = grown(self.unit_ends, capacity)
        # Words are normalised in one batch (see :func:`forms`), anything
        # else one by one, as its form may be empty.
        words = [surface for surface in surfaces if surface[:1].isalnum()]
        by_surface = dict(zip(words, forms(words), strict=True))
        new_forms = [
            by_surface[surface] if surface in by_surface else matching_form(surface)
            for surface in surfaces
        ]
        self._types.update(zip(surfaces, range(first, size), strict=True))
        self.surfaces.extend(surfaces)
        self.forms.extend(new_forms)
        self.lengths[first:size] = list(map(len, surfaces))
        self.words[first:size] = [WORD_RE.fullmatch(s) is not None for s in surfaces]
        self.unit_ends[first:size] = list(map(SENTENCE_END.__contains__, surfaces))
        if self._on_new is not None:
            self._on_new(first, surfaces, new_forms)


def _filled(
    found: np.ndarray,
    keys: Sequence[str],
    index: dict[str, int],
    add: Callable[[list[str]], None],
) -> np.ndarray:
    """``found`` (ids of ``keys`` in ``index``, -1 where missing) with the
    missing ones interned by ``add`` and looked up again: only those, as in
    a stream most of an article's words are already known."""
    missing = found < 0
    if np.count_nonzero(missing):  # a C call, where ndarray.any() goes through Python
        new = list(compress(keys, missing))
        add([*dict.fromkeys(new)])
        found[missing] = np.fromiter(map(index.__getitem__, new), np.int64, len(new))
    return found


def grown(array: np.ndarray, capacity: int) -> np.ndarray:
    """A copy of per-type ``array`` with room for ``capacity`` types."""
    bigger = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger
