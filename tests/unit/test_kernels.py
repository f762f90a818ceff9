"""The Rust kernels (streams.ner.kernels) answer exactly as their plain-Python twins."""

from __future__ import annotations

import sys
from itertools import chain
from pathlib import Path

import numpy as np
import pytest

import streams.ner
from streams.ner import namelike, native
from streams.ner.clitics import is_arabic
from streams.ner.detect import get_detector
from streams.ner.features import PAD, WINDOW
from streams.ner.kernels import KERNELS
from streams.ner.lexicon import Lexicon
from streams.ner.tokens import tokens_of
from streams.text.normalize import matching_form

# (from the package directory: a compiled module's __file__ is in its build)
_CLUSTER_WORDS = Path(streams.ner.__file__).parent / "data" / "clusters.tsv"

if KERNELS is None:
    # `make` builds them wherever cargo is; only a machine without it may
    # run the plain paths alone (and then nothing here applies).
    if native.find_cargo() is not None:
        pytest.fail("cargo is here but the kernels are not built: run make native")
    pytest.skip("no cargo: the Rust kernels are not built", allow_module_level=True)


def _units(rng: np.random.Generator, tokens: int) -> list[int]:
    """Random unit ends over ``tokens`` tokens, empty units included."""
    cuts = rng.integers(0, tokens + 1, size=rng.integers(0, 12))
    return sorted({*cuts.tolist(), tokens})


def test_decode_labels_every_unit_as_the_numpy_reference_on_random_scores() -> None:
    model = get_detector().model
    assert model is not None
    rng = np.random.default_rng(7)
    for _ in range(200):
        types = int(rng.integers(2, 40))
        table = rng.normal(scale=3.0, size=(types, len(WINDOW), len(model.labels)))
        rows = rng.integers(0, types, size=int(rng.integers(0, 60)))
        ends = _units(rng, len(rows))
        pad = int(rng.integers(0, types))
        expected = model.numpy_states(table, rows, ends, pad)
        assert model.states(table, rows, ends, pad).tolist() == expected.tolist()


def test_decode_labels_the_seed_article_as_the_numpy_reference(
    seed_text: tuple[str, str],
) -> None:
    model = get_detector().model
    assert model is not None
    title, body = seed_text
    units = [tokens_of(line).surfaces for line in [title, *body.splitlines()] if line.strip()]
    surfaces = list(dict.fromkeys([PAD, *chain.from_iterable(units)]))
    table = model.emissions(surfaces)
    row_of = {surface: row for row, surface in enumerate(surfaces)}
    rows = np.array([row_of[s] for s in chain.from_iterable(units)], dtype=np.int64)
    ends = np.cumsum([len(unit) for unit in units]).tolist()
    states = model.states(table, rows, ends, row_of[PAD])
    assert states.tolist() == model.numpy_states(table, rows, ends, row_of[PAD]).tolist()
    assert len(set(states.tolist())) > 1  # names were found: not all O


def test_decode_refuses_what_does_not_fit_with_a_value_error() -> None:
    assert KERNELS is not None
    table = np.zeros((3, 5, 7))
    transitions = np.zeros((7, 7))
    rows = np.array([0, 1, 2], dtype=np.int64)
    ends = np.array([3], dtype=np.int64)
    cases = [
        (table, rows + 1, ends, 0, transitions),  # a row past the table
        (table, rows, ends, 3, transitions),  # the pad past the table
        (table, rows, np.array([4], dtype=np.int64), 0, transitions),  # past the tokens
        (table, rows, np.array([2, 1], dtype=np.int64), 0, transitions),  # not ascending
        (table, rows, ends, 0, np.zeros((6, 6))),
        (table[:, ::2], rows, ends, 0, transitions),  # not contiguous
    ]
    for case_table, case_rows, case_ends, pad, case_transitions in cases:
        with pytest.raises(ValueError):
            KERNELS.decode(case_table, 5, 7, case_rows, case_ends, pad, case_transitions)


def test_the_chunk_table_splits_on_pythons_whitespace_for_every_code_point() -> None:
    assert KERNELS is not None
    code_points = [c for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    text = " ".join(f"a{chr(c)}b" for c in code_points)
    assert KERNELS.ChunkTable().scan(text) == list(dict.fromkeys(text.split()))


def test_a_lone_surrogate_keeps_every_offset() -> None:
    text = "قال \ud800الرئيس x\udfff y"
    expected = tokens_of(text)
    got = Lexicon().tokens(text)
    assert list(zip(got.starts.tolist(), got.ends.tolist(), strict=True)) == expected.spans
    plain = Lexicon(kernels=False).tokens(text)
    assert got.starts.tolist() == plain.starts.tolist()


def test_name_scores_are_the_plain_ones_for_news_words_and_odd_forms() -> None:
    assert namelike.kernel_scorer() is not None
    words = [line.split("\t", 1)[0] for line in _CLUSTER_WORDS.read_text("utf-8").splitlines()]
    forms = [w for w in words[2:5000] if w and not w.startswith("#")]
    forms += ["", "ا", "<>", "راذرفورد", "ديموقراطس", "السيوطي", "abc", "ب" * 40]
    for form in forms:
        assert namelike.name_scores(form) == namelike.plain_name_scores(form), form


def test_the_chunk_table_wants_the_scanned_chunks_added_before_cutting() -> None:
    assert KERNELS is not None
    table = KERNELS.ChunkTable()
    assert table.scan("ab ab\ncd") == ["ab", "cd"]
    with pytest.raises(ValueError):
        table.tokens(np.zeros(4, dtype=np.int64))


def _news_forms(count: int) -> list[str]:
    """Arabic word forms of the cluster vocabulary (the news' most frequent)."""
    lines = _CLUSTER_WORDS.read_text("utf-8").splitlines()
    words = [line.split("\t", 1)[0] for line in lines if not line.startswith("#")]
    return [w for w in words if w[:1].isalnum() and is_arabic(w)][:count]


def test_emitter_features_and_rows_are_the_plain_ones_to_the_last_bit() -> None:
    model = get_detector().model
    assert model is not None and model._emitter is not None
    extractor = model._extractor
    # Frequent words (clusters, after-trigger buckets), and words the news
    # does not know (name scores), clitics and the article in every shape.
    odd = ["والقاهرة", "للهند", "لروسيا", "فللأمم", "بوتين", "راذرفورد", "ال", "الا", "ب" * 30]
    forms = [*_news_forms(20_000), *odd, *(f"{w}ات" for w in _news_forms(3_000))]
    stems = extractor.stems(forms)
    for form, stem in zip(forms, stems, strict=True):
        assert model._emitter.features(form, stem) == list(extractor.compute([form], [form])[0])
    rows = model.emissions(forms, forms)
    assert rows.tobytes() == model.plain_emissions(forms, forms).tobytes()


def test_emissions_of_a_mixed_batch_take_each_type_by_its_path() -> None:
    model = get_detector().model
    assert model is not None
    surfaces = ["القاهرة", "Cairo", "،", "2015", "وبوتين", "ـ", PAD, "x1"]
    surface_forms = [matching_form(s) for s in surfaces]
    got = model.emissions(surfaces, surface_forms)
    assert got.tobytes() == model.plain_emissions(surfaces, surface_forms).tobytes()
