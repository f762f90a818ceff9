"""Named-entity recognition for Arabic (and English) news, fully offline.

* :mod:`~streams.ner.tokens` and :mod:`~streams.ner.clitics`: tokens with
  offsets and the Arabic proclitic rules shared by the gazetteer and the CRF;
* :mod:`~streams.ner.gazetteer`: longest-match KB name matcher;
* :mod:`~streams.ner.features`, :mod:`~streams.ner.crf`: the CRF mention
  detector (features cached per word type, Viterbi over cached emissions);
* :mod:`~streams.ner.detect`: CRF and gazetteer together over a document,
  with document-level propagation; :mod:`~streams.ner.link`: mentions to
  KB entities or stable discovered ids, short forms to full names;
* :mod:`~streams.ner.triggers`: trigger nouns and titles (الرئيس, وزارة…);
* :mod:`~streams.ner.conll`, :mod:`~streams.ner.evaluate`,
  :mod:`~streams.ner.train`: reading AQMAR-style CoNLL, conlleval-style
  scoring, reproducible training and cross-validation;
* :mod:`~streams.ner.clusters`: distributional word clusters learned offline
  from the unlabeled news corpus (the feature that generalises beyond the
  20 annotated articles).
* :mod:`~streams.ner.native`: the tag path's modules compiled by mypyc,
  used when built from the current sources.
"""

from pathlib import Path

from streams.ner.native import activate as _activate

MODEL_PATH = Path(__file__).resolve().parent / "model.crfsuite"
"""The committed CRF model (``newsstreams train-ner`` rebuilds it). Here, not
in a compiled module, whose ``__file__`` is its build's (see :mod:`streams.ner.native`)."""

NATIVE = _activate(__path__)
"""Whether the tag path runs compiled (:mod:`streams.ner.native`)."""
