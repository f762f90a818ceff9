"""The JSON Schemas in ``schemas/`` (the public contract), loaded once.

Schemas reference each other by file name (``origin.schema.json``), so they
are registered under their ``$id`` and resolved through one registry.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from streams.settings import PROJECT_ROOT

SCHEMA_DIR = PROJECT_ROOT / "schemas"

RAW = "article.raw"
ENRICHED = "article.enriched"
DUPLICATE = "duplicate"
DEADLETTER = "deadletter"
ENTITY_MESSAGE = "entity.message"


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        contents = orjson.loads(path.read_bytes())
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A compiled validator for ``schemas/<name>.schema.json``."""
    schema: dict[str, Any] = orjson.loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes())
    return Draft202012Validator(schema, registry=_registry())


def errors(name: str, instance: Any, limit: int = 3) -> list[str]:
    """Readable messages for the first ``limit`` violations, empty when valid."""
    found = []
    for error in validator(name).iter_errors(instance):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        found.append(f"{where}: {_message(error)}")
        if len(found) >= limit:
            break
    return found


def _message(error: ValidationError, limit: int = 200) -> str:
    """The error without a repr of the (possibly huge) instance for combinators,
    whose schema says in ``$comment`` what it requires."""
    if error.validator in ("anyOf", "oneOf") and "$comment" in error.schema:
        return str(error.schema["$comment"])
    message = error.message
    return message if len(message) <= limit else message[: limit - 1] + "…"
