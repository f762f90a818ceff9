"""Name-likeness scores: the fast run-time n-grams are the model's, and the
committed weights tell names from common words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.ner.namelike import _weights, name_scores, ngrams


def _reference(form: str) -> tuple[int, ...]:
    model = _weights()
    assert model is not None
    bias, weights = model
    total = bias + sum(weights.get(gram, 0j) for gram in sorted(ngrams(form)))
    edges = (-2000, 0, 2000)  # the weights are in thousandths
    return tuple(sum(score > edge for edge in edges) for score in (total.real, total.imag))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءئؤ", min_size=1, max_size=12))
def test_scores_sum_the_weights_of_the_words_ngrams(form: str) -> None:
    assert name_scores(form) == _reference(form)


def test_ngrams_are_2_to_4_letters_with_ends_marked() -> None:
    assert ngrams("ab") == {"<a", "ab", "b>", "<ab", "ab>", "<ab>"}


def test_transliterated_names_score_above_common_words() -> None:
    person = name_scores("فيرغسون")[0]
    for common in ("المسلمين", "الحكومه"):
        assert name_scores(common)[0] < person, common
