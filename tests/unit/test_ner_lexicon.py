"""The lexicon tokenises exactly as ``tokens_of`` does, through its chunk memo and after a trim."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.ner.kernels import KERNELS
from streams.ner.lexicon import _SPACE, _SPACE_LIMIT, Lexicon
from streams.ner.tokens import sentence_bounds, tokens_of

TEXTS = [
    "",
    " \n\t ",
    "قال الرئيس، (أمس) U.S.\nثم غادر",
    "  الرِّحْلات\u00a0والـتاريخ…  Ukraine's \u2028 x\u3000y\u200bz ،؛\n\nend ",
    "\x00 pad\x00 ـــ 12.5% \U0001f600 ok",
]


def _check(lexicon: Lexicon, text: str) -> None:
    expected = tokens_of(text)
    got = lexicon.tokens(text)
    assert [lexicon.surfaces[i] for i in got.ids.tolist()] == expected.surfaces
    assert list(zip(got.starts.tolist(), got.ends.tolist(), strict=True)) == expected.spans
    assert lexicon.words[got.ids].tolist() == expected.words
    assert lexicon.units(got.ids, got.breaks) == sentence_bounds(text, expected)


#: The lexicon's two paths: the Rust chunk table (when built) and plain Python.
PATHS = [True, False] if KERNELS is not None else [False]


@pytest.mark.parametrize("kernels", PATHS)
def test_tokens_offsets_word_flags_and_units_are_those_of_tokens_of(kernels: bool) -> None:
    lexicon = Lexicon(kernels=kernels)
    for _ in range(2):  # cold, then every chunk from the memo
        for text in TEXTS:
            _check(lexicon, text)


@pytest.mark.parametrize("kernels", PATHS)
def test_a_trim_restarts_ids_and_changes_no_answer(kernels: bool) -> None:
    seen: list[tuple[int, list[str]]] = []
    lexicon = Lexicon(
        lambda first, surfaces, _forms: seen.append((first, surfaces)), limit=3, kernels=kernels
    )
    _check(lexicon, TEXTS[2])
    assert len(lexicon) > 3
    lexicon.trim()
    assert len(lexicon) == 0
    _check(lexicon, TEXTS[2])
    assert seen[-1][0] == 0  # consumers are told the ids restart


@pytest.mark.parametrize("kernels", PATHS)
def test_too_many_chunks_alone_forget_the_chunks_and_keep_the_types(kernels: bool) -> None:
    seen: list[tuple[int, list[str]]] = []
    lexicon = Lexicon(
        lambda first, surfaces, _forms: seen.append((first, surfaces)), limit=3, kernels=kernels
    )
    text = "ب ب، ،ب ب،ب"  # four chunks of two types
    before = lexicon.tokens(text).ids.tolist()
    assert (len(lexicon), lexicon.chunk_count()) == (2, 4)
    lexicon.trim()
    assert (len(lexicon), lexicon.chunk_count()) == (2, 0)
    assert lexicon.tokens(text).ids.tolist() == before
    _check(lexicon, TEXTS[2])
    assert [first for first, _ in seen] == [0, 2]  # no type interned twice


def test_the_whitespace_table_is_pythons_for_every_code_point() -> None:
    spaces = [c for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert max(spaces) < _SPACE_LIMIT
    assert np.flatnonzero(_SPACE).tolist() == spaces


@pytest.mark.parametrize("kernels", PATHS)
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("اب ل\n\t\u00a0\x1c.،,(ـً-_x1\u200b\u2029")))
def test_any_text_tokenises_as_tokens_of(kernels: bool, text: str) -> None:
    _check(Lexicon(kernels=kernels), text)
