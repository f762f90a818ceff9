"""Input formats become the raw messages the pipeline expects, malformed input included."""

from __future__ import annotations

import zipfile
from pathlib import Path

import orjson
import pytest

from streams.sources import SourceError, SourceRecord, count_records, iter_records

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SAUDI_DAY = CORPUS / "saudinewsnet" / "2015-07-22.zip"

SAUDI = {
    "source": "okaz",
    "url": "http://okaz.com.sa/article/1",
    "date_extracted": "2015-07-22 00:05:53",
    "title": "عنوان",
    "author": "",
    "content": "فقرة أولى\nفقرة ثانية",
}
SAUDI_MAPPED = {
    "source": "okaz",
    "url": "http://okaz.com.sa/article/1",
    "title": "عنوان",
    "author": "",
    "body": "فقرة أولى\nفقرة ثانية",
    "published_at": "2015-07-22 00:05:53",
    "language": "ar",
}
ARTICLE = {"id": "x1", "source": "wire", "title": "Title", "body": "Body", "language": "en"}


def decoded(records: list[SourceRecord]) -> list[object]:
    return [orjson.loads(r.value) for r in records]


def test_txt_first_line_is_title_rest_is_body(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("\n\n  العنوان  \r\nالسطر الأول\n\nالسطر الثاني\n\n", encoding="utf-8")
    [record] = iter_records([path])
    assert orjson.loads(record.value) == {
        "source": "local",
        "title": "العنوان",
        "body": "السطر الأول\n\nالسطر الثاني",
    }
    assert record.origin == str(path)


def test_txt_that_is_not_utf8_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("café\nbody".encode("latin-1"))
    with pytest.raises(SourceError, match="not UTF-8"):
        list(iter_records([path]))


def test_json_object_and_array(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_bytes(orjson.dumps(ARTICLE))
    many = tmp_path / "many.json"
    many.write_bytes(orjson.dumps([ARTICLE, SAUDI, 7]))
    records = list(iter_records([one, many]))
    assert decoded(records) == [ARTICLE, ARTICLE, SAUDI_MAPPED, 7]
    assert records[0].value == orjson.dumps(ARTICLE)
    assert [r.origin for r in records] == [
        str(one),
        f"{many}[0]",
        f"{many}[1]",
        f"{many}[2]",
    ]


def test_json_file_that_is_not_json_goes_through_whole(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"title": ')
    assert list(iter_records([path])) == [SourceRecord(b'{"title": ', str(path))]


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson"])
def test_jsonl_keeps_malformed_lines_and_skips_blank_ones(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"feed{suffix}"
    lines = [orjson.dumps(ARTICLE), b"", b"{not json", b"   ", orjson.dumps(SAUDI), b"[1, 2]"]
    path.write_bytes(b"\r\n".join(lines) + b"\n")
    records = list(iter_records([path]))
    assert [r.origin for r in records] == [f"{path}:{n}" for n in (1, 3, 5, 6)]
    assert records[0].value == orjson.dumps(ARTICLE)
    assert records[1].value == b"{not json"
    assert orjson.loads(records[2].value) == SAUDI_MAPPED
    assert records[3].value == b"[1, 2]"


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(ARTICLE) + b"\n")
    txt = tmp_path / "bom.txt"
    txt.write_bytes("\ufeffTitle\nBody".encode())
    assert decoded(list(iter_records([jsonl, txt]))) == [
        ARTICLE,
        {"source": "local", "title": "Title", "body": "Body"},
    ]


def test_zip_members_are_read_by_their_own_format(tmp_path: Path) -> None:
    path = tmp_path / "day.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("b/day.json", orjson.dumps([SAUDI, SAUDI]))
        archive.writestr("a.jsonl", orjson.dumps(ARTICLE) + b"\nbroken\n")
        archive.writestr("README.md", "not an input")
        archive.writestr("c/", "")
    records = list(iter_records([path]))
    assert [r.origin for r in records] == [
        f"{path}!a.jsonl:1",
        f"{path}!a.jsonl:2",
        f"{path}!b/day.json[0]",
        f"{path}!b/day.json[1]",
    ]
    assert records[1].value == b"broken"
    assert decoded([records[0], records[2]]) == [ARTICLE, SAUDI_MAPPED]


def test_broken_zip_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(SourceError, match="not a readable zip"):
        list(iter_records([path]))


def test_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("T2\nB2", encoding="utf-8")
    (tmp_path / "a.txt").write_text("T1\nB1", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    records = list(iter_records([tmp_path]))
    assert [orjson.loads(r.value)["title"] for r in records] == ["T1", "T2"]
    assert count_records([tmp_path]) == 2


def test_bad_paths_fail_before_anything_is_read(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("T\nB", encoding="utf-8")
    unsupported = tmp_path / "data.csv"
    unsupported.write_text("a,b", encoding="utf-8")
    with pytest.raises(SourceError, match=r"unsupported input type '\.csv'"):
        iter_records([good, unsupported])
    with pytest.raises(SourceError, match="no such file or directory"):
        iter_records([good, tmp_path / "missing.jsonl"])


def test_project_seed_is_one_article() -> None:
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    records = list(iter_records([seeds]))
    assert records, "seeds/ holds the sample article"
    article = orjson.loads(records[0].value)
    assert article["source"] == "local"
    assert article["title"] and article["body"]


@pytest.mark.corpus
@pytest.mark.skipif(not SAUDI_DAY.exists(), reason=f"shared corpus not found at {SAUDI_DAY}")
def test_saudinewsnet_day_archive() -> None:
    records = list(iter_records([SAUDI_DAY]))
    assert len(records) == 2050
    assert count_records([SAUDI_DAY]) == 2050
    first = orjson.loads(records[0].value)
    assert set(first) == {
        "source",
        "url",
        "title",
        "author",
        "body",
        "published_at",
        "language",
    }
    assert first["language"] == "ar"
    assert first["published_at"] == "2015-07-22 00:05:53"
    assert records[0].origin == f"{SAUDI_DAY}!2015-07-22.json[0]"
