"""Deterministic article ids.

A producer may give an ``id``. When it does not, the id is derived from the
article itself, so that re-sending the same article (a producer retry, a
replay after a crash) yields the same id, the same Kafka key and therefore
the same outcome, instead of a spurious duplicate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

ID_PREFIX = "a-"


def article_id(raw: Mapping[str, Any]) -> str:
    """The article's id: the producer's own, or a hash of source and URL
    (or of source, title and body when there is no URL)."""
    given = raw.get("id")
    if isinstance(given, str) and given.strip():
        return given.strip()
    source = _text(raw.get("source"))
    url = raw.get("url")
    if isinstance(url, str) and url.strip():
        basis = f"{source}\x1f{url.strip()}"
    else:
        basis = f"{source}\x1f{_text(raw.get('title'))}\x1f{_text(raw.get('body'))}"
    return ID_PREFIX + hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _text(value: Any) -> str:
    """Strings as they are; anything else (wrong types, deeply nested JSON whose
    repr would recurse without end) contributes nothing to the id."""
    return value if isinstance(value, str) else ""
