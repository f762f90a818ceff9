"""Validate stage: raw bytes in, a checked raw-article dict out.

Everything a producer can get wrong is caught here and reported as a
:class:`StageError` with a reason code, so the worker never sees a
malformed article past this point.
"""

from __future__ import annotations

from typing import Any

import orjson

from streams import schemas
from streams.ids import article_id
from streams.models import StageError

STAGE = "validate"


def validate(raw: bytes, *, max_message_bytes: int, max_body_chars: int) -> dict[str, Any]:
    """Decode and check one raw message; return the article with its ``id`` set."""
    if len(raw) > max_message_bytes:
        raise StageError(
            STAGE, "too_large", f"message is {len(raw)} bytes, limit is {max_message_bytes}"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StageError(
            STAGE, "invalid_utf8", f"not UTF-8: byte {exc.start} ({exc.reason})"
        ) from None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise StageError(STAGE, "invalid_json", f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise StageError(
            STAGE, "not_an_object", f"expected a JSON object, got {type(value).__name__}"
        )
    found = schemas.errors(schemas.RAW, value)
    ident = _id_or_none(value)
    if found:
        raise StageError(STAGE, "schema", "; ".join(found), ident)
    body = value["body"]
    if len(body) > max_body_chars:
        raise StageError(
            STAGE, "too_large", f"body has {len(body)} characters, limit is {max_body_chars}", ident
        )
    value["id"] = ident
    return value


def _id_or_none(value: dict[str, Any]) -> str | None:
    """The article id when one can be derived from a (possibly invalid) object."""
    try:
        return article_id(value)
    except Exception:  # an id is a courtesy on a dead letter, never a reason to fail
        return None
