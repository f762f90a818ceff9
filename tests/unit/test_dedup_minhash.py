"""Sketches and the LSH index behind the dedup stage."""

from __future__ import annotations

import zlib

import numpy as np
from datasketch import MinHashLSH
from datasketch.storage import DictSetStorage
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.stages.minhash import (
    LSH_WEIGHTS,
    Sketch,
    Sketcher,
    SketchIndex,
    _CompactBuckets,
    _sorted_distinct,
    form_shingle_hashes,
    indexable,
    jaccard,
    shingle_hashes,
)
from streams.text.normalize import matching_form_of_clean

TEXT = " ".join(f"word{i}" for i in range(40))


def test_shingles_are_taken_from_the_matching_form_of_title_and_body():
    plain = shingle_hashes("وزير الخارجية", "يلتقي نظيره الروسي في موسكو اليوم لبحث الأزمة", 5, 10)
    marked = shingle_hashes(
        "وَزِيرُ الخارجيّة!", "يلتقي نظيرهُ الروسي، في موسكو اليوم لبحث الازمة", 5, 10
    )
    assert plain is not None and np.array_equal(plain, marked)
    assert plain.dtype == np.uint32 and np.all(np.diff(plain.astype(np.int64)) > 0)
    assert plain.size == 10 - 5 + 1  # ten words


# Words as matching forms have them: no whitespace, any script; a few
# repeat, so that some shingles do.
_WORDS = st.lists(
    st.sampled_from(["في", "the", "و"])
    | st.text(st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=8),
    max_size=30,
)


@given(_WORDS, _WORDS, st.integers(1, 6), st.integers(0, 12))
def test_shingle_hashes_are_crc32_of_each_run_of_words(title, body, size, min_words):
    """The slicing in form_shingle_hashes hashes exactly what joining each
    shingle's words would: dedup state and decisions depend on the values."""
    words = [*title, *body]
    found = form_shingle_hashes(" ".join(title), " ".join(body), size, min_words)
    if len(words) < max(size, min_words):
        assert found is None
        return
    runs = (" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    expected = sorted({zlib.crc32(run.encode()) for run in runs})
    assert found is not None and found.tolist() == expected


@given(st.lists(st.integers(0, 2**32 - 1) | st.integers(0, 5)))
def test_sorted_distinct_is_numpy_unique(values):
    array = np.array(values, dtype=np.uint32)
    found = _sorted_distinct(array)
    assert found.dtype == np.uint32 and found.tolist() == np.unique(array).tolist()


def test_a_sketcher_carries_nothing_from_one_sketch_to_the_next():
    """The sketcher reuses one MinHash: each signature must depend on its own
    text only, and stay as it was when later texts are sketched."""
    sketcher = Sketcher(num_perm=64, shingle_size=5, min_words=10)
    first = sketcher.sketch("", TEXT)
    kept = first.signature.copy()
    other = sketcher.sketch("", " ".join(f"other{i}" for i in range(40)))
    again = sketcher.sketch("", TEXT)
    fresh = Sketcher(num_perm=64, shingle_size=5, min_words=10).sketch("", TEXT)
    assert np.array_equal(first.signature, kept)
    assert np.array_equal(again.signature, kept) and np.array_equal(fresh.signature, kept)
    assert not np.array_equal(other.signature, kept)


def test_shingles_of_display_text_are_those_of_its_matching_form(seed_text):
    title, body = seed_text
    forms = matching_form_of_clean(title), matching_form_of_clean(body)
    assert np.array_equal(shingle_hashes(title, body, 5, 10), form_shingle_hashes(*forms, 5, 10))
    sketcher = Sketcher(num_perm=64, shingle_size=5, min_words=10)
    plain, from_forms = sketcher.sketch(title, body), sketcher.sketch_forms(*forms)
    assert plain is not None and from_forms is not None
    assert np.array_equal(plain.signature, from_forms.signature)


def test_texts_below_min_words_have_no_shingles():
    assert shingle_hashes("كاريكاتير", "الكاريكاتير", 5, 10) is None
    assert shingle_hashes("one two three four", "five six seven eight nine", 5, 10) is None
    assert shingle_hashes("one two three four", "five six seven eight nine ten", 5, 10).size == 6


@given(
    st.sets(st.integers(0, 2**32 - 1), min_size=1, max_size=60),
    st.sets(st.integers(0, 2**32 - 1), min_size=1, max_size=60),
)
def test_jaccard_is_exact(a, b):
    left = np.array(sorted(a), dtype=np.uint32)
    right = np.array(sorted(b), dtype=np.uint32)
    assert jaccard(left, right) == len(a & b) / len(a | b)


def test_sketch_survives_the_wire():
    sketch = Sketcher(num_perm=64, shingle_size=5, min_words=10).sketch("title", TEXT)
    assert sketch is not None and sketch.signature.size == 64
    again = Sketch.from_dict(sketch.as_dict())
    assert np.array_equal(again.shingles, sketch.shingles)
    assert np.array_equal(again.signature, sketch.signature)


def test_index_bands_are_those_datasketch_optimises_for():
    for num_perm, threshold in ((64, 0.4), (128, 0.8)):
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
        assert SketchIndex(num_perm, threshold).bands == (lsh.b, lsh.r)


def test_index_finds_similar_sketches_and_forgets_removed_ones():
    sketcher = Sketcher(num_perm=64, shingle_size=5, min_words=10)
    index = SketchIndex(64, threshold=0.4)
    assert index.bands == (21, 3)
    original = sketcher.sketch("", TEXT)
    copy = sketcher.sketch("", TEXT.replace("word20", "changed"))
    other = sketcher.sketch("", " ".join(f"other{i}" for i in range(40)))
    for key, sketch in (("original", original), ("copy", copy), ("other", other)):
        index.add(key, indexable(sketch.signature))
    assert set(index.candidates(indexable(original.signature))) == {"original", "copy"}
    index.remove("copy")
    index.remove("never-added")
    assert index.candidates(indexable(copy.signature)) == ["original"]
    assert len(index) == 2 and "copy" not in index


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from("abc"), st.sampled_from(["x", "y", "z"])),
        max_size=40,
    )
)
def test_compact_buckets_behave_like_datasketch_dict_storage(operations):
    compact, reference = _CompactBuckets(), DictSetStorage({})
    for insert, bucket, key in operations:
        for storage in (compact, reference):
            if insert:
                storage.insert(bucket, key)
            elif key in storage.get(bucket):
                storage.remove_val(bucket, key)
                if not storage.get(bucket):
                    storage.remove(bucket)
        assert {b: set(compact.get(b)) for b in compact} == {
            b: set(reference.get(b)) for b in reference
        }
    assert compact.size() == reference.size()
    assert compact.itemcounts() == reference.itemcounts()
