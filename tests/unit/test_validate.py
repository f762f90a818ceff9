import orjson
import pytest

from streams.models import StageError
from streams.stages.validate import validate

LIMITS = {"max_message_bytes": 1_000_000, "max_body_chars": 100_000}


def _reason(raw: bytes) -> str:
    with pytest.raises(StageError) as info:
        validate(raw, **LIMITS)
    return info.value.reason


def test_valid_article_gets_a_stable_id():
    raw = orjson.dumps({"source": "s", "title": "t", "body": "b", "url": "http://x/1"})
    first = validate(raw, **LIMITS)
    assert first["id"].startswith("a-")
    assert validate(raw, **LIMITS)["id"] == first["id"]


def test_producer_id_wins():
    raw = orjson.dumps({"id": "mine", "source": "s", "title": "t", "body": ""})
    assert validate(raw, **LIMITS)["id"] == "mine"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe not utf8", "invalid_utf8"),
        (b"{not json", "invalid_json"),
        (b"[1, 2]", "not_an_object"),
        (b'"just a string"', "not_an_object"),
        (orjson.dumps({"source": "s", "title": 5, "body": "b"}), "schema"),
        (orjson.dumps({"source": "s", "title": " ", "body": "\n"}), "schema"),
        (orjson.dumps({"title": "t", "body": "b"}), "schema"),
        (
            orjson.dumps({"source": "s", "title": "t", "body": "b", "language": "<script>"}),
            "schema",
        ),
    ],
)
def test_bad_input_is_rejected_with_a_reason(raw: bytes, reason: str):
    assert _reason(raw) == reason


def test_limits():
    big = orjson.dumps({"source": "s", "title": "t", "body": "x" * 200_000})
    assert _reason(big) == "too_large"
    with pytest.raises(StageError) as info:
        validate(big, max_message_bytes=100, max_body_chars=10)
    assert "limit is 100" in info.value.error


def test_schema_error_names_the_field_and_keeps_the_id():
    with pytest.raises(StageError) as info:
        validate(orjson.dumps({"source": "s", "title": 5, "body": "b", "id": "x1"}), **LIMITS)
    assert "title" in info.value.error
    assert info.value.article_id == "x1"
