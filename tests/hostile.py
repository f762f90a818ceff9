"""Deterministic generator of malformed raw messages, one kind after another.

Every message is malformed by construction: each must end in the dead-letter
topic with a reason. Used by the unit property tests (through the pipeline)
and by the 10,000-message run through a real worker.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import orjson

# Small enough that "huge" messages stay cheap to push through Kafka;
# tests set NEWSSTREAMS_MAX_BODY_CHARS to this.
MAX_BODY_CHARS = 20_000

_VALID = {"source": "okaz", "title": "عنوان الخبر", "body": "نص الخبر هنا"}


def _truncated(rng: random.Random) -> bytes:
    whole = orjson.dumps({**_VALID, "id": f"t{rng.random()}"})
    return whole[: rng.randint(1, len(whole) - 1)]


def _deep(rng: random.Random) -> bytes:
    depth = rng.randint(600, 3000)
    if rng.random() < 0.5:
        return b"[" * depth + b"]" * depth
    nested = b'{"a":' * depth + b"1" + b"}" * depth
    return b'{"source":"s","title":' + nested + b',"body":"b"}'


def _huge(rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return orjson.dumps({**_VALID, "body": "خبر " * (MAX_BODY_CHARS // 4 + rng.randint(1, 99))})
    return orjson.dumps({**_VALID, "title": "x" * rng.randint(2001, 5000)})


def _wrong_types(rng: random.Random) -> bytes:
    field = rng.choice(["source", "title", "body", "url", "published_at", "id"])
    value = rng.choice([None, True, [], {}, ["a"], {"k": "v"}, 3.5])
    if field in ("published_at",) and value is None:
        value = []
    return orjson.dumps({**_VALID, field: value})


def _invalid_utf8(rng: random.Random) -> bytes:
    whole = bytearray(orjson.dumps(_VALID))
    where = rng.randint(1, len(whole) - 2)
    whole[where:where] = rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80"])
    return bytes(whole)


def _invisible(rng: random.Random) -> bytes:
    junk = "".join(rng.choice("\u0000\u202e\u202d\u2066\u200b\ufeff\u0007") for _ in range(9))
    if rng.random() < 0.5:
        return orjson.dumps({"source": "okaz", "title": junk, "body": junk})
    return orjson.dumps({**_VALID, "source": f"ok{junk}az"})


def _markup_only(rng: random.Random) -> bytes:
    markup = rng.choice(
        ["<script>alert(1)</script>", "<style>p{}</style><b></b>", "<img src=x onerror=alert(1)>"]
    )
    return orjson.dumps({"source": "okaz", "title": markup, "body": "<p>&nbsp;</p>" + markup})


def _numbers_for_text(rng: random.Random) -> bytes:
    return orjson.dumps({"source": rng.randint(0, 9), "title": rng.random(), "body": 7})


def _not_an_object(rng: random.Random) -> bytes:
    return rng.choice([b"[]", b'"text"', b"42", b"null", b"true", b'[{"source": "s"}]'])


def _missing(rng: random.Random) -> bytes:
    article = dict(_VALID)
    del article[rng.choice(list(article))]
    return orjson.dumps(article)


def _random_bytes(rng: random.Random) -> bytes:
    return rng.randbytes(rng.randint(0, 300))


KINDS: dict[str, Callable[[random.Random], bytes]] = {
    "truncated": _truncated,
    "deep": _deep,
    "huge": _huge,
    "wrong_types": _wrong_types,
    "invalid_utf8": _invalid_utf8,
    "invisible": _invisible,
    "markup_only": _markup_only,
    "numbers_for_text": _numbers_for_text,
    "not_an_object": _not_an_object,
    "missing": _missing,
    "random_bytes": _random_bytes,
}


def malformed(count: int, seed: int = 0) -> Iterator[tuple[str, bytes]]:
    """``count`` (kind, message) pairs, cycling through every kind."""
    rng = random.Random(seed)
    names = list(KINDS)
    for index in range(count):
        kind = names[index % len(names)]
        yield kind, KINDS[kind](rng)
