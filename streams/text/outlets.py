"""Outlet metadata (name, country, language) from the editable registry
``streams/data/sources.json``, keyed by the article's ``source`` id.

The registry is read and checked once per process, so a broken edit fails
the worker at start-up instead of dead-lettering every article. Unknown
sources are normal (anyone may produce): they get no outlet, and their
``source`` passes through untouched.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from streams.text.terms import DATA_DIR

REGISTRY_PATH = DATA_DIR / "sources.json"
FIELDS = ("name", "name_ar", "country", "language")

_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class RegistryError(ValueError):
    """The outlet registry file is malformed; the message says where."""


def outlet(source: str) -> dict[str, Any] | None:
    """The registry entry for ``source`` (case-insensitive), or ``None``."""
    return registry().get(source.strip().casefold())


@cache
def registry() -> dict[str, dict[str, Any]]:
    """The shipped registry, read once."""
    return read_registry(REGISTRY_PATH)


def read_registry(path: Path) -> dict[str, dict[str, Any]]:
    """Parse and check a registry file: ``{"outlets": {source: {name, name_ar,
    country, language}}}``."""
    try:
        data = orjson.loads(path.read_bytes())
        outlets = data["outlets"]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise RegistryError(f"{path}: not an outlet registry ({exc})") from None
    if not isinstance(outlets, dict):
        raise RegistryError(f"{path}: 'outlets' must be an object")
    return {source.casefold(): _checked(path, source, entry) for source, entry in outlets.items()}


def _checked(path: Path, source: str, entry: Any) -> dict[str, Any]:
    where = f"{path}: outlet {source!r}"
    if not isinstance(entry, dict) or set(entry) != set(FIELDS):
        raise RegistryError(f"{where} must have exactly the keys {', '.join(FIELDS)}")
    if not isinstance(entry["name"], str) or not entry["name"].strip():
        raise RegistryError(f"{where}: name must be a non-empty string")
    if entry["name_ar"] is not None and not isinstance(entry["name_ar"], str):
        raise RegistryError(f"{where}: name_ar must be a string or null")
    if not isinstance(entry["country"], str) or not _COUNTRY_RE.match(entry["country"]):
        raise RegistryError(f"{where}: country must be an ISO 3166-1 alpha-2 code")
    if not isinstance(entry["language"], str) or not _LANGUAGE_RE.match(entry["language"]):
        raise RegistryError(f"{where}: language must be a BCP 47 tag such as 'ar'")
    return {field: entry[field] for field in FIELDS}
