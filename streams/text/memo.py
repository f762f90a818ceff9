"""A memo whose hits cost one dict look-up made from C.

``map(memo.__getitem__, items)`` runs a whole text's look-ups without a
Python-level call per item, several times cheaper than a ``functools``
cache, which matters for per-word work done on every word of every article.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V]):
    """``memo[key]`` is ``function(key)``, computed on first use.

    A long-running worker meets an open vocabulary (names, typos), so the
    memo is bounded crudely: emptied when it holds ``limit`` entries. That
    costs recomputation, never a different answer, as ``function`` must be
    pure.
    """

    def __init__(self, function: Callable[[K], V], limit: int) -> None:
        super().__init__()
        self.function = function
        self.limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.function(key)
        return value
