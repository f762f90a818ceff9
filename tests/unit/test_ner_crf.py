"""The CRF: our cached-emission Viterbi gives crfsuite's labelling; the committed model loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pycrfsuite
import pytest

from streams.kb import KbEntity
from streams.ner import MODEL_PATH
from streams.ner.conll import Sentence
from streams.ner.crf import CrfModel
from streams.ner.detect import MentionDetector, get_detector
from streams.ner.features import PAD, WINDOW, FeatureExtractor
from streams.ner.gazetteer import Gazetteer
from streams.ner.train import train

CAIRO = KbEntity("t:cairo", "location", "Cairo", "القاهرة", "cairo", "test")
TRAINING = [
    Sentence(
        ["زار", "الرئيس", "محمد", "علي", "مدينة", "القاهرة", "."],
        ["O", "O", "B-PER", "I-PER", "O", "B-LOC", "O"],
    ),
    Sentence(
        ["قال", "الوزير", "أحمد", "إن", "وزارة", "الصحة", "تعمل", "."],
        ["O", "O", "B-PER", "O", "B-ORG", "I-ORG", "O", "O"],
    ),
    Sentence(["وصل", "خالد", "إلى", "القاهرة", "أمس"], ["O", "B-PER", "O", "B-LOC", "O"]),
    Sentence(["أعلنت", "شركة", "أرامكو", "نتائجها"], ["O", "B-ORG", "I-ORG", "O"]),
    Sentence(["Obama", "visited", "Cairo", "."], ["B-PER", "O", "B-LOC", "O"]),
] * 3
UNSEEN = [
    ["التقى", "الرئيس", "سعيد", "بوزير", "الخارجية", "في", "القاهرة"],
    ["قالت", "وزارة", "الداخلية", "إن", "خالد", "غادر", "."],
    ["كلمة"],
    ["Merkel", "met", "Obama", "in", "Cairo"],
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FeatureExtractor]:
    path = tmp_path_factory.mktemp("crf") / "tiny.crfsuite"
    extractor = FeatureExtractor([CAIRO])
    train(TRAINING, path, extractor)
    return path, extractor


def test_viterbi_over_cached_emissions_equals_crfsuite(
    tiny_model: tuple[Path, FeatureExtractor],
) -> None:
    path, extractor = tiny_model
    reference = pycrfsuite.Tagger()
    reference.open(str(path))
    expected = [reference.tag(extractor.sentence(tokens)) for tokens in UNSEEN]
    model = CrfModel(path, extractor)
    assert model.tag(UNSEEN) == expected
    assert model.tag(UNSEEN) == expected  # warm cache, same answer
    assert model.tag([]) == []
    assert model.tag([[]]) == [[]]
    # sentences decode independently, empty ones anywhere in the document
    assert model.tag([UNSEEN[1], [], UNSEEN[0]]) == [expected[1], [], expected[0]]


def test_it_learned_something(tiny_model: tuple[Path, FeatureExtractor]) -> None:
    path, extractor = tiny_model
    (labels,) = CrfModel(path, extractor).tag([TRAINING[0].tokens])
    assert labels == TRAINING[0].gold


def test_features_weigh_against_labels_they_never_had(
    tiny_model: tuple[Path, FeatureExtractor],
) -> None:
    """Possible states: a gazetteer hit two tokens on makes ``O`` less likely
    although no training token labelled ``O`` had one there."""
    path, extractor = tiny_model
    seen = {
        (attribute, label)
        for sentence in TRAINING
        for features, label in zip(
            extractor.sentence(sentence.tokens), sentence.gold or [], strict=True
        )
        for attribute in features
    }
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    unseen = {
        pair: weight for pair, weight in tagger.info().state_features.items() if pair not in seen
    }
    assert unseen.get(("2:g=LOC-B", "O"), 0.0) < 0


def test_features_are_per_type_and_windowed() -> None:
    extractor = FeatureExtractor([CAIRO])
    (own,) = extractor.own(["بالقاهرة"])
    assert "w=بالقاهره" in own
    assert "c=القاهره" in own and "c=قاهره" in own  # proclitic and article stripped
    assert "g=LOC-B" in own  # gazetteer membership through the stripped form
    (trigger,) = extractor.own(["والرئيس"])
    assert "t=PER" in trigger
    rows = extractor.sentence(["الرئيس", "محمد"])
    assert "-1:w=الرئيس" in rows[1] and "-1:t=PER" in rows[1]
    assert "-1:pad" in rows[0] and "2:pad" in rows[1]
    (punct,) = extractor.own(["،"])
    assert punct == ("pu", "w=،")


WORDS = ["بالقاهرة", "والرئيس", "القاهرة", "محمد", "،", "Putin", "2015", "وزارة", PAD, "كلمة"]


def test_neighbours_contribute_forms_classes_and_coarse_clusters_only() -> None:
    extractor = FeatureExtractor([CAIRO])
    (own,) = extractor.own(["بالقاهرة"])
    (neighbour,) = extractor.neighbour(["بالقاهرة"])
    assert neighbour == tuple(f for f in own if f.split("=")[0] in NEIGHBOUR_FAMILIES)
    assert {"w=بالقاهره", "c=القاهره", "g=LOC-B"} <= set(neighbour)
    assert any(f.startswith("k2=") for f in own), "the word is in the cluster vocabulary"
    assert extractor.neighbour([PAD]) == [("pad",)]
    assert extractor.neighbour(["،"]) == [("pu", "w=،")]
    assert extractor.compute(["كلمة"]) == extractor.compute(["كلمة"])
    assert "كلمة" not in extractor._own, "run-time features are not cached"


# Feature families (the part before "=") a neighbour contributes.
NEIGHBOUR_FAMILIES = {"w", "c", "s", "k0", "k1", "t", "g", "f"}


def test_emissions_are_each_offsets_feature_weights_summed(
    tiny_model: tuple[Path, FeatureExtractor],
) -> None:
    path, extractor = tiny_model
    model = CrfModel(path, extractor)
    weights: dict[str, np.ndarray] = {}
    for (attribute, label), weight in pycrfsuite_state_features(path).items():
        weights.setdefault(attribute, np.zeros(len(model.labels)))[model.labels.index(label)] += (
            weight
        )
    table = model.emissions(WORDS)
    own, neighbour = extractor.own(WORDS), extractor.neighbour(WORDS)
    zero = np.zeros(len(model.labels))
    for row, (features, shifted) in enumerate(zip(own, neighbour, strict=True)):
        for column, k in enumerate(WINDOW):
            names = ["b", *features] if k == 0 else [f"{k}:{f}" for f in shifted]
            expected = sum((weights.get(name, zero) for name in names), zero)
            np.testing.assert_allclose(table[row, column], expected, rtol=0, atol=1e-12)


def pycrfsuite_state_features(path: Path) -> dict[tuple[str, str], float]:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return tagger.info().state_features


def test_committed_model_is_small_and_loads_offline() -> None:
    assert MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    detector = get_detector()
    assert detector.model is not None
    assert set(detector.model.labels) == {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"}
    assert get_detector() is detector  # loaded once per process


def test_a_new_spelling_of_a_known_form_copies_its_emission_rows(
    tiny_model: tuple[Path, FeatureExtractor],
) -> None:
    """بلدٍ (with tanween) has the matching form of بلد: the detector copies
    the rows it has, and they are the rows the model computes for it."""
    path, extractor = tiny_model
    model = CrfModel(path, extractor)
    detector = MentionDetector(model, Gazetteer([CAIRO]))
    # The compiled detector's methods cannot be wrapped to record calls
    # (streams.ner.native), so this reads its form → computing type index.
    plain, marked, latin = detector.lexicon.ids(["بلد", "بلدٍ", "Cairo"]).tolist()
    form = detector.lexicon.forms[plain]
    assert detector.lexicon.forms[marked] == form
    (later,) = detector.lexicon.ids(["وبلد", "بلد"])[:1].tolist()  # a new type, a known one
    (again,) = detector.lexicon.ids(["بلدً"]).tolist()  # a later batch copies too
    computed = detector._form_types.values()
    assert plain in computed and later in computed
    assert marked not in computed and again not in computed
    rows = detector._emissions
    np.testing.assert_array_equal(rows[marked], rows[plain])
    np.testing.assert_array_equal(rows[again], rows[plain])
    for type_id, surface in [(plain, "بلد"), (marked, "بلدٍ"), (latin, "Cairo"), (later, "وبلد")]:
        np.testing.assert_array_equal(rows[type_id], model.emissions([surface])[0])
