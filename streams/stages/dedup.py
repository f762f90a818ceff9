"""Dedup stage: exact duplicates by normalised-content hash.

State lives behind a tiny store protocol so the stage stays pure: the
worker passes a changelog-backed Faust table (partitioned by the content
hash, so every copy of a text meets the same partition), the offline mode a
dict. The store maps a content hash to the first article seen with it.
"""

from __future__ import annotations

from typing import Any, Protocol

STAGE = "dedup"


class Store(Protocol):
    """The part of ``dict`` / ``faust.Table`` the stage needs."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def __setitem__(self, key: str, value: Any) -> None: ...


def dedup(article: dict[str, Any], store: Store) -> dict[str, Any] | None:
    """The duplicate notice for ``article``, or ``None`` if it is the first of its content.

    The first article is remembered under its content hash. The same article
    id arriving again (a re-delivery after a crash or a producer retry) is not
    a duplicate of itself: it gets ``None`` again and so the same outcome.
    """
    key = article["content_hash"]
    first = store.get(key)
    if first is None:
        store[key] = {"id": article["id"], "source": article["source"]}
        return None
    if first["id"] == article["id"]:
        return None
    return {
        "id": article["id"],
        "duplicate_of": first["id"],
        "similarity": 1.0,
        "method": "exact",
        "source": article["source"],
        "url": article["url"],
        "title": article["title"],
        "content_hash": key,
        "origin": article["origin"],
    }
