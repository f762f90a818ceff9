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
  which generalise to names the 20 training articles never show.

Neighbours contribute a smaller set (form, bare forms, stem, cluster, trigger,
gazetteer, punctuation).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache

import Stemmer

from streams.kb import KbEntity
from streams.ner.clitics import bare_candidates, is_arabic, without_article
from streams.ner.clusters import WordInfo, word_infos
from streams.ner.gazetteer import DEMONYM, forms, name_forms
from streams.ner.triggers import triggers_of

#: Offsets of the window; position 0 is the token being labelled.
WINDOW = (-2, -1, 0, 1, 2)
#: Stand-in surface for positions before the start or after the end of a sentence.
PAD = "\x00"
_TYPE_CODES = {"person": "PER", "organization": "ORG", "location": "LOC"}
_NEIGHBOUR_KEYS = ("w=", "c=", "s=", "k0=", "k1=", "t=", "g=", "pu", "pad", "f=")


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("arabic")


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

    def _fill(self, surfaces: Sequence[str]) -> None:
        missing = [s for s in dict.fromkeys(surfaces) if s not in self._own]
        if not missing:
            return
        words = [s for s in missing if s[0].isalnum()]
        word_forms = dict(zip(words, forms(words), strict=True))
        for surface in missing:
            form = word_forms.get(surface)
            own = self._features(surface, form)
            self._own[surface] = own
            self._neighbour[surface] = tuple(f for f in own if f.startswith(_NEIGHBOUR_KEYS))

    def _features(self, surface: str, form: str | None) -> tuple[str, ...]:
        if form is None:  # punctuation
            return ("pu", f"w={surface}")
        features = [f"w={form}"]
        candidates = bare_candidates(form)
        features.extend(f"c={c}" for c in candidates[1:])
        stem = _stemmer().stemWord(form)
        features.append(f"s={stem}")
        core = without_article(candidates[-1]) or candidates[-1]
        for n in (2, 3):
            features.append(f"p{n}={form[:n]}")
            features.append(f"x{n}={form[-n:]}")
        features.append(f"cx2={core[-2:]}")
        features.append(f"n={min(len(core), 9)}")
        features.extend(_shape(surface, form))
        features.extend(f"t={kind}" for kind in triggers_of(form))
        gaz = {tag for c in candidates for tag in self._gazetteer.get(c, ())}
        features.extend(f"g={tag}" for tag in sorted(gaz))
        info = _best_info(candidates)
        if info is None:
            features.append("f=0")
        else:
            features.append(f"f={min(int(math.log2(info.count)), 14)}")
            features.extend(f"k{g}={c}" for g, c in enumerate(info.clusters))
            features.extend(
                f"a{kind}={b}" for kind, b in zip("PLO", info.after_trigger, strict=True) if b
            )
        return tuple(features)


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
