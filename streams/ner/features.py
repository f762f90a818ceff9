"""CRF features, computed once per word type and shifted over a ±2 window.

Every feature of position ``i`` is a feature of one token ``w[i+k]``
(``k`` in -2..2) prefixed with ``k``: no feature looks at two tokens at once.
That keeps the features a function of the word type alone, so they are
computed once per distinct token surface and cached (news vocabulary is
Zipfian: a day of 600k tokens has 77k types), and it lets the decoder sum
cached per-type weight vectors instead of looking features up per token
(:mod:`streams.ner.crf`).

What a token contributes, and why (AQMAR, Arabic Wikipedia and news):

* its matching form, and each bare form it may stand for once proclitics and
  the article are stripped (:mod:`streams.ner.clitics`), since بالقاهرة and
  القاهرة are the same name;
* the Snowball (PyStemmer, C) stem, affixes and a shape class (Latin,
  capitalised, digits, punctuation, has article, length);
* trigger classes (الرئيس → person, وزارة → organisation, مدينة → place);
* KB gazetteer membership by type and position (first/inner token of a
  name, demonym): the single biggest gain in earlier experiments;
* distributional clusters at three granularities, a frequency band and the
  trigger-context scores from unlabeled news (:mod:`streams.ner.clusters`),
  which generalise to names the 20 training articles never show;
* for a word the news does not know, how much its letters look like a
  person's or a place's name (:mod:`streams.ner.namelike`).

Neighbours contribute a smaller set (form, bare forms, stem, cluster, trigger,
gazetteer, punctuation).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
import Stemmer

from streams.kb import KbEntity
from streams.ner.clitics import bare_candidates, is_arabic, without_article
from streams.ner.clusters import WordInfo, word_infos
from streams.ner.gazetteer import DEMONYM, forms, name_forms
from streams.ner.kernels import KERNELS
from streams.ner.namelike import CLASSES, kernel_scorer, name_scores
from streams.ner.triggers import trigger_forms, triggers_of

#: Offsets of the window; position 0 is the token being labelled.
WINDOW = (-2, -1, 0, 1, 2)
#: Stand-in surface for positions before the start or after the end of a sentence.
PAD = "\x00"
_TYPE_CODES = {"person": "PER", "organization": "ORG", "location": "LOC"}
#: What a neighbour contributes (see :func:`neighbour_features`): feature
#: keys (``pu`` and ``pad`` whole), and the two coarsest of the three cluster
#: granularities (``k0=``, ``k1=``).
_NEIGHBOUR_KEYS = ("w=", "c=", "s=", "k0=", "k1=", "t=", "g=", "pu", "pad", "f=")


@cache
def _stemmer() -> Stemmer.Stemmer:
    """The Arabic stemmer, without PyStemmer's word cache: features are
    computed once per new word type, so the cache would almost never hit,
    and keeping it bounded costs more than stemming (~3 µs a word with it,
    ~1.5 µs without)."""
    return Stemmer.Stemmer("arabic", 0)


class FeatureExtractor:
    """Per-type features for a given gazetteer (KB entities); cached by surface."""

    def __init__(self, entities: Iterable[KbEntity] = ()) -> None:
        self._gazetteer = _gazetteer_index(entities)
        self._own: dict[str, tuple[str, ...]] = {PAD: ("pad",)}
        self._neighbour: dict[str, tuple[str, ...]] = {PAD: ("pad",)}

    def own(self, surfaces: Sequence[str]) -> list[tuple[str, ...]]:
        """Features of each token as the one being labelled (position 0)."""
        self._fill(surfaces)
        return [self._own[s] for s in surfaces]

    def neighbour(self, surfaces: Sequence[str]) -> list[tuple[str, ...]]:
        """Features of each token as a neighbour (unprefixed)."""
        self._fill(surfaces)
        return [self._neighbour[s] for s in surfaces]

    def sentence(self, surfaces: Sequence[str]) -> list[list[str]]:
        """Full feature lists of every position of a sentence (for training)."""
        padded = [PAD, PAD, *surfaces, PAD, PAD]
        own = self.own(padded)
        neighbour = self.neighbour(padded)
        out = []
        for i in range(2, len(padded) - 2):
            features = ["b", *own[i]]
            for k in WINDOW:
                if k:
                    features.extend(f"{k}:{f}" for f in neighbour[i + k])
            out.append(features)
        return out

    def compute(
        self, surfaces: Sequence[str], surface_forms: Sequence[str] | None = None
    ) -> list[tuple[str, ...]]:
        """Own features of each of ``surfaces`` (distinct), computed afresh
        and not cached: the run-time caller keeps what it needs per type
        itself (:meth:`streams.ner.crf.CrfModel.emissions`), and a
        long-running worker meets new word forms for ever, so a cache here
        would only grow. A type's neighbour features are a subset of these
        (:func:`neighbour_features`), which that caller does not need apart.

        ``surface_forms`` are their matching forms when the caller has them
        (the lexicon interns every type with its form), so that they are not
        normalised twice; computed here otherwise."""
        if surface_forms is None:
            words = [s for s in surfaces if s[0].isalnum()]
            word_forms = dict(zip(words, forms(words), strict=True))
        else:
            given = zip(surfaces, surface_forms, strict=True)
            word_forms = {s: form for s, form in given if s[0].isalnum()}
        own = self._own
        return [own[s] if s in own else self._features(s, word_forms.get(s)) for s in surfaces]

    def emitter(self, keys: dict[str, int], blocks: np.ndarray, bias: np.ndarray) -> Any:
        """The Rust twin of :meth:`compute` for Arabic words, which also
        sums their features' weights (``blocks`` by ``keys``, plus ``bias``;
        see :meth:`streams.ner.crf.CrfModel.emissions`), or None without
        the kernels (:mod:`streams.ner.kernels`). It gets this extractor's
        data; stems come per call (:meth:`stems`)."""
        if KERNELS is None:
            return None
        infos = {
            form: (info.count, list(info.clusters), list(info.after_trigger))
            for form, info in word_infos().items()
        }
        gazetteer = {form: sorted(tags) for form, tags in self._gazetteer.items()}
        scorer = kernel_scorer()
        names = None if scorer is None else ("".join(kind[0] for kind in CLASSES), scorer)
        triggers = list(trigger_forms().items())
        return KERNELS.Emitter(keys, blocks, bias, gazetteer, infos, triggers, names)

    def stems(self, word_forms: list[str]) -> list[str]:
        """The Snowball stem of each of ``word_forms`` (matching forms), in
        one call: what :meth:`emitter` needs besides the forms."""
        stems: list[str] = _stemmer().stemWords(word_forms)
        return stems

    def _fill(self, surfaces: Sequence[str]) -> None:
        missing = [s for s in dict.fromkeys(surfaces) if s not in self._own]
        if not missing:
            return
        own = self.compute(missing)
        self._own.update(zip(missing, own, strict=True))
        self._neighbour.update(zip(missing, map(neighbour_features, own), strict=True))

    def _features(self, surface: str, form: str | None) -> tuple[str, ...]:
        """Own features of one type."""
        if form is None:  # punctuation
            return ("pu", f"w={surface}")
        candidates = bare_candidates(form)
        shared = [f"w={form}", *[f"c={c}" for c in candidates[1:]]]
        shared.append(f"s={_stemmer().stemWord(form)}")
        core = without_article(candidates[-1]) or candidates[-1]
        affixes = (
            f"p2={form[:2]}",
            f"x2={form[-2:]}",
            f"p3={form[:3]}",
            f"x3={form[-3:]}",
            f"cx2={core[-2:]}",
            f"n={min(len(core), 9)}",
            *_shape(surface, form),
        )
        classes = [f"t={kind}" for kind in triggers_of(form)]
        gaz = {tag for c in candidates for tag in self._gazetteer.get(c, ())}
        classes.extend(f"g={tag}" for tag in sorted(gaz))
        info = _best_info(candidates)
        if info is None:
            classes.append("f=0")
            clusters: list[str] = []
            after = _name_scores(form)
        else:
            classes.append(f"f={min(int(math.log2(info.count)), 14)}")
            clusters = [f"k{g}={c}" for g, c in enumerate(info.clusters)]
            after = [f"a{kind}={b}" for kind, b in zip("PLO", info.after_trigger, strict=True) if b]
        return (*shared, *affixes, *classes, *clusters, *after)


def neighbour_features(own: tuple[str, ...]) -> tuple[str, ...]:
    """What a type contributes as a neighbour: its own features with the
    neighbour keys (:data:`_NEIGHBOUR_KEYS`), in order. No other own feature
    starts like one, so this is the form, bare forms, stem, trigger and
    gazetteer classes, frequency band and the two coarsest clusters."""
    return tuple(f for f in own if f.startswith(_NEIGHBOUR_KEYS))


def _name_scores(form: str) -> list[str]:
    """Name-likeness buckets of a word the news corpus does not know
    (:mod:`streams.ner.namelike`); a known word has its clusters instead."""
    scores = name_scores(form) if is_arabic(form) else ()
    if not scores:  # not Arabic, or no weights file
        return []
    return [f"n{kind[0]}={b}" for kind, b in zip(CLASSES, scores, strict=True)]


def _shape(surface: str, form: str) -> list[str]:
    if is_arabic(form):
        shape = ["ar"]
        if form.startswith("ال"):
            shape.append("al")
        return shape
    if surface.isdigit() or form.isdigit():
        return ["d"]
    if surface[:1].isupper():
        return ["Lc", "L"] if not surface.isupper() else ["LC", "L"]
    return ["L"]


def _best_info(candidates: Sequence[str]) -> WordInfo | None:
    """Corpus info of the written form, else of the most frequent bare form."""
    infos = word_infos()
    info = infos.get(candidates[0])
    if info is not None:
        return info
    known = [infos[c] for c in candidates[1:] if c in infos]
    return max(known, key=lambda i: i.count) if known else None


def _gazetteer_index(entities: Iterable[KbEntity]) -> dict[str, frozenset[str]]:
    """Token matching form → gazetteer tags (``LOC-B``, ``PER-I``, ``DEM``…)."""
    index: dict[str, set[str]] = {}
    for entity in entities:
        code = _TYPE_CODES[entity.type]
        for name in entity.names:
            tokens = name_forms(name)
            for i, token in enumerate(tokens):
                tag = f"{code}-{'B' if i == 0 else 'I'}"
                index.setdefault(token, set()).add(tag)
                bare = without_article(token) if i == 0 else None
                if bare:
                    index.setdefault(bare, set()).add(tag)
        for name in entity.demonyms:
            for token in name_forms(name):
                index.setdefault(token, set()).add(DEMONYM)
    return {form: frozenset(tags) for form, tags in index.items()}
