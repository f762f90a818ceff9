"""Word-shingle sketches of an article and a datasketch LSH index over them.

Dedup compares articles as sets of word shingles: every run of
``shingle_size`` consecutive words of the matching form of title and body
(:func:`~streams.text.normalize.matching_form`; title and body are already
in display form, so the cheaper ``matching_form_of_clean`` gives it), each
shingle hashed to 32 bits. A :class:`Sketch` keeps that set (sorted, so the
exact Jaccard of two articles is one ``numpy`` intersection) and its
datasketch MinHash signature, which only serves the LSH index: the index proposes candidates,
and every candidate is verified with the exact Jaccard of the shingle sets.
Estimating the Jaccard from signatures instead cannot tell 0.78 from 0.8
(the standard error at 0.8 is 0.035 with 128 permutations), and the corpus
has hundreds of pairs in between.

Shingles are hashed with CRC-32 (zlib, C): it is deterministic across
processes, unlike ``hash()``, and much faster than datasketch's default
SHA-1; the MinHash "affine32" scheme pre-mixes every input with a
MurmurHash3 finalizer, so a weak but fast hash is what it is built for.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from datasketch.storage import UnorderedStorage

from streams.text.normalize import matching_form_of_clean

SCHEME = "affine32"
SEED = 1
# LSH parameters are chosen by datasketch's optimiser for the story threshold
# with false negatives weighted four times false positives: a false positive
# costs one exact Jaccard (microseconds), a false negative a missed match.
LSH_WEIGHTS = (0.2, 0.8)


@dataclass(frozen=True)
class Sketch:
    """An article's shingle set and MinHash signature (both ``uint32``)."""

    shingles: np.ndarray
    signature: np.ndarray

    def as_dict(self) -> dict[str, str]:
        """JSON-safe form, for the message that carries it to dedup."""
        return {
            "shingles": base64.b64encode(self.shingles.tobytes()).decode("ascii"),
            "signature": base64.b64encode(self.signature.tobytes()).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Sketch:
        return cls(
            np.frombuffer(base64.b64decode(data["shingles"]), dtype=np.uint32),
            np.frombuffer(base64.b64decode(data["signature"]), dtype=np.uint32),
        )


def shingle_hashes(title: str, body: str, shingle_size: int, min_words: int) -> np.ndarray | None:
    """Sorted, distinct 32-bit hashes of the word shingles of title and body
    (both in display form, :func:`~streams.text.normalize.clean_text`).

    ``None`` when the text has fewer than ``min_words`` words: a title alone
    or a placeholder body ("الكاريكاتير", "صور اقتصادية") says too little to
    tell one article from another, so such texts are never matched by
    content (see :mod:`streams.stages.dedup`).
    """
    return form_shingle_hashes(
        matching_form_of_clean(title), matching_form_of_clean(body), shingle_size, min_words
    )


def form_shingle_hashes(
    title_form: str, body_form: str, shingle_size: int, min_words: int
) -> np.ndarray | None:
    """:func:`shingle_hashes` from the matching forms of title and body
    (:func:`~streams.text.normalize.matching_form_of_clean`), for callers
    that hold them already (enrich computes them).

    A shingle's hash is the CRC-32 of its words joined by single spaces, and
    a matching form is exactly such words, so the text is encoded once and
    each shingle hashed as a slice of it (``memoryview``, no copy, every
    step in C): joining and encoding each shingle took most of the sketch.
    UTF-8 never has a space byte inside a character, so the space bytes are
    the word boundaries.
    """
    data = " ".join(filter(None, (title_form, body_form))).encode()
    words = data.count(b" ") + 1 if data else 0
    if words < max(min_words, shingle_size):
        return None
    spaces = np.flatnonzero(np.frombuffer(data, np.uint8) == ord(" "))
    count = words - shingle_size + 1
    starts = [0, *(spaces[: count - 1] + 1).tolist()]
    ends = [*spaces[shingle_size - 1 :].tolist(), len(data)]
    view = memoryview(data)
    shingles = map(view.__getitem__, map(slice, starts, ends))
    return _sorted_distinct(np.fromiter(map(zlib.crc32, shingles), dtype=np.uint32, count=count))


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``, for a 1-D array: numpy 2's ``unique`` hashes
    the values and then sorts them as well, which took a fifth of the
    sketch; one sort and a neighbour comparison give the same array."""
    values = np.sort(values)
    keep = np.empty(values.size, dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted, distinct hash arrays."""
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


class Sketcher:
    """Makes sketches with one fixed set of MinHash permutations."""

    def __init__(self, *, num_perm: int, shingle_size: int, min_words: int) -> None:
        self.shingle_size = shingle_size
        self.min_words = min_words
        # The inputs are already 32-bit shingle hashes: datasketch calls its
        # hash function once per input, and the builtin ``int`` returns them
        # as they are without a Python-level call each. One MinHash is
        # cleared and reused: a fresh one (``copy``) re-checks its
        # permutations, a tenth of the sketch. Not for concurrent threads;
        # the pipeline sketches on its event loop's thread.
        self._minhash = MinHash(num_perm=num_perm, seed=SEED, hashfunc=int, scheme=SCHEME)

    def sketch(self, title: str, body: str) -> Sketch | None:
        """The sketch of an article's text, ``None`` if it is too short to match."""
        return self.sketch_forms(matching_form_of_clean(title), matching_form_of_clean(body))

    def sketch_forms(self, title_form: str, body_form: str) -> Sketch | None:
        """:meth:`sketch` from the matching forms of title and body."""
        shingles = form_shingle_hashes(title_form, body_form, self.shingle_size, self.min_words)
        if shingles is None:
            return None
        minhash = self._minhash
        minhash.clear()
        minhash.update_batch(shingles.tolist())
        return Sketch(shingles, minhash.digest())


def indexable(signature: np.ndarray) -> LeanMinHash:
    """A signature in the form the LSH index takes (frozen, cheap to build)."""
    return LeanMinHash(seed=SEED, hashvalues=signature, scheme=SCHEME)


class SketchIndex:
    """datasketch's MinHashLSH over article sketches, keyed by article id.

    Banded for ``threshold`` (the lowest similarity that matters, the story
    threshold); callers verify candidates exactly with :func:`jaccard`.
    """

    def __init__(self, num_perm: int, threshold: float) -> None:
        params = lsh_bands(num_perm, threshold)
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=params)
        self._lsh.hashtables = [_CompactBuckets() for _ in range(self._lsh.b)]

    @property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band) datasketch chose."""
        return self._lsh.b, self._lsh.r

    def __len__(self) -> int:
        return self._lsh.keys.size()

    def __contains__(self, key: str) -> bool:
        return key in self._lsh

    def add(self, key: str, minhash: LeanMinHash) -> None:
        self._lsh.insert(key, minhash, check_duplication=False)

    def remove(self, key: str) -> None:
        if key in self._lsh:
            self._lsh.remove(key)

    def candidates(self, minhash: LeanMinHash) -> list[str]:
        """Keys sharing at least one band with ``minhash``, in no particular order."""
        return self._lsh.query(minhash)


@cache
def lsh_bands(num_perm: int, threshold: float) -> tuple[int, int]:
    """The (bands, rows per band) datasketch's optimiser chooses for
    ``threshold`` with :data:`LSH_WEIGHTS`, computed once per process: the
    optimiser integrates numerically (~15 ms), and an index is built for
    every store the stage meets (each benchmark pass and evaluation, each
    rebuild in the worker)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


class _CompactBuckets(UnorderedStorage):
    """datasketch storage for one band: bucket → its key, or a set of keys.

    datasketch's dict storage keeps a ``set`` per bucket (216 bytes even with
    one member), and in a window of news nearly every bucket holds a single
    article: storing that key directly saves ~200 bytes per article and band,
    two thirds of the index (measured in the README's memory figures).
    """

    def __init__(self) -> None:
        self._buckets: dict[Hashable, Any] = {}

    def keys(self) -> Iterable[Hashable]:
        return self._buckets.keys()

    def get(self, key: Hashable) -> tuple[Any, ...] | set[Any]:
        members = self._buckets.get(key)
        if members is None:
            return ()
        return members if isinstance(members, set) else (members,)

    def insert(self, key: Hashable, *vals: Any, **kwargs: Any) -> None:
        members = self._buckets.get(key)
        if isinstance(members, set):
            members.update(vals)
            return
        merged = set(vals) if members is None else {members, *vals}
        self._buckets[key] = merged.pop() if len(merged) == 1 else merged

    def remove(self, *keys: Hashable, **kwargs: Any) -> None:
        for key in keys:
            self._buckets.pop(key, None)

    def remove_val(self, key: Hashable, val: Any, **kwargs: Any) -> None:
        members = self._buckets.get(key)
        if not isinstance(members, set):
            if members == val:
                del self._buckets[key]
            return
        members.discard(val)
        if len(members) == 1:
            self._buckets[key] = members.pop()

    def size(self) -> int:
        return len(self._buckets)

    def itemcounts(self, **kwargs: Any) -> dict[Hashable, int]:
        return {key: len(self.get(key)) for key in self._buckets}

    def has_key(self, key: Hashable) -> bool:
        return key in self._buckets
