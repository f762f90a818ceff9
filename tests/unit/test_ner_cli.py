"""`newsstreams tag --conll`, `eval-ner`: CoNLL in, BIO predictions and conlleval scores out."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.cli import main


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_tag_conll_writes_token_gold_predicted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conll = write(
        tmp_path / "in.txt",
        [
            "قال O",
            "الرئيس O",
            "الروسي O",
            "فلاديمير B-PER",
            "بوتين I-PER",
            "في O",
            "موسكو B-LOC",
            ". O",
            "",
            "وزار O",
            "الهند B-LOC",
        ],
    )
    assert main(["tag", "--conll", str(conll)]) == 0
    out = capsys.readouterr().out
    lines = out.split("\n")
    assert lines[3:7] == [
        "فلاديمير B-PER B-PER",
        "بوتين I-PER I-PER",
        "في O O",
        "موسكو B-LOC B-LOC",
    ]
    assert lines[2] == "الروسي O O"  # a demonym is not a location span
    assert lines[8] == ""  # sentence break kept
    assert lines[10] == "الهند B-LOC B-LOC"


def test_tag_conll_without_gold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conll = write(tmp_path / "in.txt", ["زار", "روسيا"])
    assert main(["tag", "--conll", str(conll)]) == 0
    assert capsys.readouterr().out.split("\n")[:2] == ["زار O O", "روسيا O B-LOC"]


def test_eval_ner_prints_per_type_and_overall(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = write(tmp_path / "a.txt", ["محمد B-PER B-PER", "علي I-PER O", "مصر B-LOC B-LOC"])
    two = write(tmp_path / "b.txt", ["وزارة B-ORG B-ORG", "الصحة I-ORG I-ORG"])
    assert main(["eval-ner", str(one), str(two)]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    assert rows["PER"][:3] == ["0.00", "0.00", "0.00"]
    assert rows["LOC"][:3] == ["100.00", "100.00", "100.00"]
    assert rows["ORG"][:3] == ["100.00", "100.00", "100.00"]
    assert rows["overall"][:3] == ["66.67", "66.67", "66.67"]


def test_eval_ner_on_a_missing_file_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval-ner", str(tmp_path / "nope.txt")]) == 1
    assert capsys.readouterr().err.startswith("newsstreams: error:")
