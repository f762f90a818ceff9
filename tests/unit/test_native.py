"""The compiled tagger (streams.ner.native): used only when built from the
current sources, and tagging exactly as the plain Python does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

import streams.ner
from streams.ner import native
from streams.sources import iter_records
from streams.stages.tag import tag
from tests.conftest import ROOT, SAUDINEWSNET, SEED

# Tags each (title, body) of stdin's JSON list with the plain-Python tagger.
_PLAIN_TAGGER = """
import sys, orjson, streams.ner
from streams.stages.tag import tag
assert not streams.ner.NATIVE
sys.stdout.buffer.write(orjson.dumps([tag(t, b) for t, b in orjson.loads(sys.stdin.buffer.read())]))
"""


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the compiled modules' sources, with builds kept under ``tmp_path``."""
    package = tmp_path / "src"
    package.mkdir()
    for name in native.MODULES:
        shutil.copyfile(Path(native.__file__).parent / f"{name}.py", package / f"{name}.py")
    monkeypatch.setattr(native, "_PACKAGE_DIR", package)
    monkeypatch.setattr(native, "_ROOT", tmp_path / "builds")
    return package


def test_an_edited_source_has_another_build(sources: Path) -> None:
    before = native.build_dir()
    detect = sources / "detect.py"
    original = detect.read_text(encoding="utf-8")
    detect.write_text(original + "\n# edited\n", encoding="utf-8")
    assert native.build_dir() != before
    detect.write_text(original, encoding="utf-8")
    assert native.build_dir() == before


def test_only_a_build_of_the_current_sources_is_put_first(
    sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ["/the/sources"]
    assert not native.activate(path)  # nothing built
    assert path == ["/the/sources"]
    modules = native.build_dir() / "streams" / "ner"
    modules.mkdir(parents=True)
    monkeypatch.setenv("NEWSSTREAMS_NATIVE", "0")
    assert not native.activate(path)  # built, but turned off
    monkeypatch.delenv("NEWSSTREAMS_NATIVE")
    assert native.activate(path)
    assert path == [str(modules), "/the/sources"]
    (sources / "words.py").write_text("# edited\n", encoding="utf-8")
    assert not native.activate(["/the/sources"])  # that build is stale now


def _texts() -> list[tuple[str, str]]:
    """The seed article and, when the shared corpus is here, 300 real ones."""
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    texts = [(title, body)]
    day = SAUDINEWSNET / "2015-07-22.zip"
    if day.exists():
        for record in iter_records([day]):
            article = orjson.loads(record.value)
            texts.append((article.get("title") or "", article.get("body") or ""))
            if len(texts) > 300:
                break
    return texts


@pytest.mark.skipif(
    not streams.ner.NATIVE, reason="no build of the current sources: run `make native`"
)
def test_the_compiled_tagger_tags_as_the_plain_python() -> None:
    from streams.ner import detect

    assert not str(detect.__file__).endswith(".py")
    texts = _texts()
    plain = subprocess.run(
        [sys.executable, "-c", _PLAIN_TAGGER],
        input=orjson.dumps(texts),
        capture_output=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "NEWSSTREAMS_NATIVE": "0"},
    ).stdout
    compiled = [tag(title, body) for title, body in texts]
    assert any(compiled)
    assert orjson.loads(plain) == orjson.loads(orjson.dumps(compiled))


def test_a_failing_cargo_leaves_the_kernels_out_and_the_build_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(native, "find_cargo", lambda: "/bin/false")
    monkeypatch.setattr(native, "_ROOT", tmp_path)
    package = tmp_path / "build" / "streams" / "ner"
    package.mkdir(parents=True)
    native._build_kernels(package)
    assert "the Rust kernels are not built" in capsys.readouterr().out
    assert not native.has_kernels(tmp_path / "build")
