"""Read input files into raw article messages for ``articles.raw``.

Sources only reshape known input formats into the raw-message shape; they do not
validate. Anything malformed (a JSONL line that is not JSON, an object without a
title) is passed on as-is, so that the pipeline dead-letters it with a reason the
user can see, instead of it vanishing here.

Supported inputs:

* ``.txt``: first non-empty line is the title, the rest is the body.
* ``.json``: one object, or an array of objects.
* ``.jsonl`` / ``.ndjson``: one JSON value per line; blank lines are skipped.
* ``.zip``: e.g. a SaudiNewsNet daily archive; its ``.json``/``.jsonl``/``.ndjson``/
  ``.txt`` members are read as above.
* a directory: every supported file below it, in sorted order.

SaudiNewsNet-shaped objects (``content`` and ``date_extracted``, no ``body``) are
mapped to the raw-article fields wherever they appear.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

TEXT_SUFFIXES = frozenset({".txt"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ZIP_SUFFIXES = frozenset({".zip"})
MEMBER_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
SUPPORTED_SUFFIXES = MEMBER_SUFFIXES | ZIP_SUFFIXES

TEXT_SOURCE = "local"
BOM = b"\xef\xbb\xbf"


class SourceError(ValueError):
    """An input path cannot be read as articles; the message is one readable line."""


@dataclass(frozen=True)
class SourceRecord:
    """One raw message: the exact bytes to produce, and where they came from.

    ``origin`` (``"file.jsonl:12"``, ``"file.json[3]"``, ``"day.zip!day.json[0]"``)
    exists so that delivery failures can point at the input that caused them.
    """

    value: bytes
    origin: str


def iter_records(paths: Iterable[str | Path]) -> Iterator[SourceRecord]:
    """All raw messages in ``paths``, in order.

    Paths are checked before anything is read, so a typo in the last argument
    fails the run before the first message is produced.
    """
    return _records(resolve_files(paths))


def count_records(paths: Iterable[str | Path]) -> int:
    """How many records :func:`iter_records` yields (a progress-bar total).

    It reads and decodes the inputs; orjson makes that fast next to producing.
    """
    return sum(1 for _ in iter_records(paths))


def resolve_files(paths: Iterable[str | Path]) -> list[Path]:
    """The input files named by ``paths``, directories expanded in sorted order."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                )
            )
        elif not path.exists():
            raise SourceError(f"{path}: no such file or directory")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise SourceError(
                f"{path}: unsupported input type {path.suffix or '(no extension)'!r}; "
                f"expected one of {', '.join(sorted(SUPPORTED_SUFFIXES))} or a directory"
            )
        else:
            files.append(path)
    return files


def to_raw_article(obj: Any) -> Any:
    """Map a SaudiNewsNet object to the raw-article shape; leave anything else alone."""
    if not (
        isinstance(obj, dict) and "content" in obj and "date_extracted" in obj and "body" not in obj
    ):
        return obj
    article = {key: obj[key] for key in ("source", "url", "title", "author") if key in obj}
    article["body"] = obj["content"]
    article["published_at"] = obj["date_extracted"]
    article["language"] = "ar"
    return article


def _records(files: list[Path]) -> Iterator[SourceRecord]:
    for path in files:
        if path.suffix.lower() in ZIP_SUFFIXES:
            yield from _from_zip(path)
            continue
        try:
            with path.open("rb") as stream:
                yield from _from_stream(path.suffix.lower(), stream, str(path))
        except OSError as exc:
            raise SourceError(f"{path}: {exc.strerror or exc}") from None


def _from_stream(suffix: str, stream: BinaryIO, origin: str) -> Iterator[SourceRecord]:
    if suffix in JSONL_SUFFIXES:
        yield from _from_jsonl(stream, origin)
    elif suffix in JSON_SUFFIXES:
        yield from _from_json(stream.read(), origin)
    else:
        yield _from_text(stream.read(), origin)


def _from_zip(path: Path) -> Iterator[SourceRecord]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path}: not a readable zip archive ({exc})") from None
    with archive:
        members = sorted(
            (m for m in archive.infolist() if not m.is_dir() and _suffix(m.filename)),
            key=lambda m: m.filename,
        )
        for member in members:
            with archive.open(member) as stream:
                yield from _from_stream(
                    _suffix(member.filename), stream, f"{path}!{member.filename}"
                )


def _suffix(name: str) -> str:
    """The member's lower-cased suffix when we can read it, else ``""``."""
    suffix = Path(name).suffix.lower()
    return suffix if suffix in MEMBER_SUFFIXES else ""


def _from_text(data: bytes, origin: str) -> SourceRecord:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{origin}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    title = lines[first].strip() if first < len(lines) else ""
    body = "\n".join(lines[first + 1 :]).strip()
    article = {"source": TEXT_SOURCE, "title": title, "body": body}
    return SourceRecord(orjson.dumps(article), origin)


def _from_json(data: bytes, origin: str) -> Iterator[SourceRecord]:
    """An object, or an array of them; a file that is not JSON goes through whole."""
    try:
        value = orjson.loads(data.removeprefix(BOM))
    except orjson.JSONDecodeError:
        yield SourceRecord(data, origin)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield SourceRecord(orjson.dumps(to_raw_article(item)), f"{origin}[{index}]")
    else:
        yield SourceRecord(orjson.dumps(to_raw_article(value)), origin)


def _from_jsonl(lines: Iterable[bytes], origin: str) -> Iterator[SourceRecord]:
    """One record per non-blank line; lines that are not JSON objects go through as-is."""
    for number, line in enumerate(lines, start=1):
        raw = line.rstrip(b"\r\n")
        if number == 1:
            raw = raw.removeprefix(BOM)
        if not raw.strip():
            continue
        where = f"{origin}:{number}"
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            yield SourceRecord(raw, where)
            continue
        if isinstance(value, dict):
            yield SourceRecord(orjson.dumps(to_raw_article(value)), where)
        else:
            yield SourceRecord(raw, where)
