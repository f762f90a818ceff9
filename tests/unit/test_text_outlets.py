"""The outlet registry."""

import orjson
import pytest

from streams.sources import iter_records
from streams.text.outlets import RegistryError, outlet, read_registry


def test_known_sources_get_their_outlet_case_insensitively():
    assert outlet("was") == {
        "name": "Saudi Press Agency",
        "name_ar": "وكالة الأنباء السعودية",
        "country": "SA",
        "language": "ar",
    }
    assert outlet(" OKAZ ") == outlet("okaz")


def test_unknown_sources_have_none():
    assert outlet("my-blog") is None


def test_every_corpus_source_is_registered(corpus_day):
    sources = {orjson.loads(r.value)["source"] for r in iter_records([corpus_day])}
    assert all(outlet(source) for source in sources)


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"{}",
        b'{"outlets": []}',
        b'{"outlets": {"x": {"name": "X"}}}',
        b'{"outlets": {"x": {"name": "X", "name_ar": null, "country": "Saudi", "language": "ar"}}}',
        b'{"outlets": {"x": {"name": "", "name_ar": null, "country": "SA", "language": "ar"}}}',
        b'{"outlets": {"x": {"name": "X", "name_ar": null, "country": "SA", "language": "??"}}}',
    ],
)
def test_broken_registries_fail_with_a_readable_error(tmp_path, content):
    path = tmp_path / "sources.json"
    path.write_bytes(content)
    with pytest.raises(RegistryError, match=r"sources\.json"):
        read_registry(path)


def test_a_valid_registry_reads(tmp_path):
    entry = {"name": "Arab News", "name_ar": None, "country": "SA", "language": "en"}
    path = tmp_path / "sources.json"
    path.write_bytes(orjson.dumps({"outlets": {"ArabNews": entry}}))
    assert read_registry(path) == {"arabnews": entry}
