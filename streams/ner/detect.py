"""Mention detection: the CRF and the KB gazetteer together, over a whole document.

:class:`MentionDetector` finds person, organisation and location mentions in
the fields of one document (title and body, or a CoNLL file's sentences):

1. the CRF (:mod:`streams.ner.crf`) labels every sentence;
2. the gazetteer (:mod:`streams.ner.gazetteer`) finds KB names and demonyms;
3. KB matches win where the two overlap (they are curated and linked), except
   that an organisation the CRF found may contain a KB match (وزارة الخارجية
   الروسية holds a demonym, جامعة الملك سعود a person), and both are kept;
4. names the CRF found once are found everywhere else in the document too
   ("one sense per discourse"): a name is rarely a common word in one
   sentence and a name in the next, and the CRF misses repeats it has less
   context for.

Everything is deterministic and per document; nothing is learned at run time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, count, filterfalse
from pathlib import Path
from typing import NamedTuple

import numpy as np

from streams.kb import KbEntity
from streams.kb.catalog import kb_entities, kb_stop_phrases
from streams.ner.clitics import bare_candidates
from streams.ner.clusters import COMMON_WORD_COUNT, RARE_WORD_COUNT, is_common_word
from streams.ner.conll import OUTSIDE
from streams.ner.crf import CrfModel
from streams.ner.evaluate import chunks
from streams.ner.features import FeatureExtractor
from streams.ner.gazetteer import NAME, Gazetteer, forms
from streams.ner.tokens import Tokens, sentence_bounds, tokens_of
from streams.ner.triggers import triggers_of
from streams.text.memo import Memo
from streams.text.normalize import matching_form

#: The committed model (see :mod:`streams.ner.train`).
MODEL_PATH = Path(__file__).resolve().parent / "model.crfsuite"
LABELS = {"person": "PER", "organization": "ORG", "location": "LOC"}
#: Where a mention came from.
KB, CRF, DOC = "kb", "crf", "doc"
_FORM_CACHE_MAX = 1 << 17
_TAIL = 3
# Words that join the parts of Arabic names; never a short form of one.
# Labels whose one-word names spread (see :meth:`MentionDetector._propagate`):
# people only. Spreading one-word places and organisations cost 4 points of
# LOC precision in cross-validation (الكمبيوتر tagged once became 61 errors).
_SPREAD_SINGLE = frozenset({"PER"})
_NAME_LINKS = frozenset(
    {"بن", "ابن", "بنت", "ابو", "ابي", "ام", "ال", "عبد", "دي", "دا", "فون", "van"}
)


class Span(NamedTuple):
    """One mention in field ``field`` of a document: ``text[start:end]``."""

    field: int
    start: int
    end: int
    label: str
    """``PER``, ``ORG`` or ``LOC``."""
    source: str
    """:data:`KB`, :data:`CRF` or :data:`DOC` (propagated within the document)."""
    entity: KbEntity | None
    """The KB entity, for gazetteer matches."""
    role: str
    """:data:`~streams.ner.gazetteer.NAME` or :data:`~streams.ner.gazetteer.DEMONYM`."""
    forms: tuple[str, ...]
    """Matching forms of its word tokens, as written."""
    first: int
    """Index of its first token in the field's token list."""
    last: int
    """Index of its last token (inclusive)."""


@dataclass
class _Field:
    """One field of a document, tokenised once for every step of detection."""

    text: str
    tokens: Tokens
    sentences: list[tuple[int, int]]
    forms: list[str] = field(default_factory=list)
    """Matching form of each token (only word tokens' are used)."""
    word_index: list[int] = field(default_factory=list)
    """Token index of each word token, in order."""


@cache
def default_extractor() -> FeatureExtractor:
    """Features over the whole KB (what the committed model is trained with)."""
    return FeatureExtractor(kb_entities())


@cache
def default_gazetteer() -> Gazetteer:
    """The process-wide gazetteer over the whole KB."""
    return Gazetteer(kb_entities(), kb_stop_phrases())


class MentionDetector:
    """CRF + gazetteer over documents; build once per process (:func:`get_detector`)."""

    def __init__(self, model: CrfModel | None, gazetteer: Gazetteer) -> None:
        self.model = model
        self.gazetteer = gazetteer
        self._forms: dict[str, str] = {}

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> MentionDetector:
        """A detector over the whole KB with the model at ``path``."""
        return cls(CrfModel(path, default_extractor()), default_gazetteer())

    def detect(self, texts: Sequence[str]) -> list[Span]:
        """Mentions in the fields ``texts`` of one document, by field and offset."""
        return self._detect([_from_text(text) for text in texts])

    def tag_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels (PER/LOC/ORG) of pre-tokenised sentences of one document.

        Demonyms and mentions nested in a longer one are left out: BIO cannot
        nest, and annotation guidelines tag the country, not its adjective.
        """
        fields = [_from_tokens(tokens) for tokens in sentences]
        labels = [[OUTSIDE] * len(tokens) for tokens in sentences]
        spans = [s for s in self._detect(fields) if s.role == NAME]
        spans.sort(key=lambda s: (s.field, s.first, -s.last))
        taken = -1
        current = -1
        for span in spans:
            if span.field != current:
                current, taken = span.field, -1
            if span.first <= taken:
                continue
            row = labels[span.field]
            row[span.first] = f"B-{span.label}"
            for i in range(span.first + 1, span.last + 1):
                row[i] = f"I-{span.label}"
            taken = span.last
        return labels

    def _detect(self, fields: list[_Field]) -> list[Span]:
        for f in fields:
            f.word_index = list(compress(range(len(f.tokens.words)), f.tokens.words))
            f.forms = self._forms_of(f.tokens)
        kb = [self._kb_spans(i, f) for i, f in enumerate(fields)]
        crf = self._crf_spans(fields)
        kept: list[Span] = []
        for field_kb, field_crf in zip(kb, crf, strict=True):
            kept.extend(field_kb)
            kept.extend(s for s in field_crf if _keep_crf(s, field_kb))
        kept.extend(self._propagate(fields, kept))
        kept.sort(key=lambda s: (s.field, s.start, -s.end))
        return kept

    def _kb_spans(self, index: int, f: _Field) -> list[Span]:
        spans = list(map(f.tokens.spans.__getitem__, f.word_index))
        surfaces = list(map(f.tokens.surfaces.__getitem__, f.word_index))
        out = []
        for match in self.gazetteer.scan(f.text, spans, surfaces):
            first, last = f.word_index[match.first], f.word_index[match.last]
            out.append(
                Span(
                    index,
                    match.start,
                    match.end,
                    LABELS[match.entity.type],
                    KB,
                    match.entity,
                    match.role,
                    self._span_forms(f, first, last),
                    first,
                    last,
                )
            )
        return out

    def _crf_spans(self, fields: list[_Field]) -> list[list[Span]]:
        out: list[list[Span]] = [[] for _ in fields]
        if self.model is None:
            return out
        # The document's decoding units laid end to end: (field, first
        # token in the field, its offset in the document).
        surfaces: list[str] = []
        units: list[tuple[int, int, int]] = []
        ends: list[int] = []
        for index, f in enumerate(fields):
            base = len(surfaces)
            units.extend((index, begin, base) for begin, _ in f.sentences)
            ends.extend(base + end for _, end in f.sentences)
            surfaces.extend(f.tokens.surfaces)
        model = self.model
        states = model.states(surfaces, ends)
        # Only units with a label other than O yield spans, and few do.
        tagged = np.flatnonzero(states != model.labels.index(OUTSIDE))
        for unit in np.unique(np.searchsorted(ends, tagged, side="right")).tolist():
            index, begin, base = units[unit]
            labels = list(map(model.labels.__getitem__, states[base + begin : ends[unit]].tolist()))
            f = fields[index]
            words = f.tokens.words
            for label, start, end in sorted(chunks(labels), key=lambda c: c[1]):
                first, last = begin + start, begin + end - 1
                while first <= last and not words[first]:
                    first += 1
                while last >= first and not words[last]:
                    last -= 1
                if first > last:
                    continue
                out[index].append(
                    Span(
                        index,
                        f.tokens.spans[first][0],
                        f.tokens.spans[last][1],
                        label,
                        CRF,
                        None,
                        NAME,
                        self._span_forms(f, first, last),
                        first,
                        last,
                    )
                )
        return out

    def _propagate(self, fields: list[_Field], found: list[Span]) -> list[Span]:
        """Other occurrences of names the CRF found, labelled by majority.

        Only names that are unlikely to be a common word spread: several
        words, or one person's name rare in the news corpus; one wrong tag
        on الكمبيوتر must not become sixty. The first and last words of a
        person's full name spread as that person's short forms (الرازي, راؤول, and
        a surname as frequent as الغامدي: within the document that wrote the
        full name, it is that person).
        """
        votes: dict[tuple[str, ...], Counter[str]] = {}
        for span in found:
            if span.source == CRF:
                votes.setdefault(span.forms, Counter())[span.label] += 1
        votes = {
            name: counter
            for name, counter in votes.items()
            if len(name) > 1
            or (counter.most_common(1)[0][0] in _SPREAD_SINGLE and _name_like(name[0]))
        }
        for name, counter in list(votes.items()):
            if len(name) > 1 and counter.most_common(1)[0][0] == "PER":
                for part in {name[0], name[-1]}:
                    if part not in _NAME_LINKS and _name_like(part, COMMON_WORD_COUNT):
                        votes.setdefault((part,), Counter())["PER"] += 1
        if not votes:
            return []
        by_key: dict[str, list[tuple[str, ...]]] = {}
        for name in votes:
            for key in bare_candidates(name[0]):
                by_key.setdefault(key, []).append(name)
        for names in by_key.values():
            names.sort(key=len, reverse=True)
        covered = [set[int]() for _ in fields]
        for span in found:
            covered[span.field].update(range(span.first, span.last + 1))
        # Stripping only removes prefixes, so a word can match a key only if
        # it ends like one: a cheap filter before the candidate look-ups.
        tails = {key[-_TAIL:] for key in by_key}
        short_key = any(len(key) < _TAIL for key in by_key)
        out = []
        for index, f in enumerate(fields):
            words = f.word_index
            word_forms = list(map(f.forms.__getitem__, words))
            taken = covered[index]
            end = -1  # words before this one are inside a propagated match
            positions = (
                range(len(words))
                if short_key
                else compress(count(), map(tails.__contains__, map(_TAILS.__getitem__, word_forms)))
            )
            for j in positions:
                if j < end or words[j] in taken:
                    continue
                match = self._name_at(word_forms, j, by_key)
                if match is None:
                    continue
                first, last = words[j], words[j + len(match) - 1]
                if any(i in taken for i in range(first, last + 1)):
                    continue
                out.append(
                    Span(
                        index,
                        f.tokens.spans[first][0],
                        f.tokens.spans[last][1],
                        votes[match].most_common(1)[0][0],
                        DOC,
                        None,
                        NAME,
                        tuple(word_forms[j : j + len(match)]),
                        first,
                        last,
                    )
                )
                end = j + len(match)
        return out

    @staticmethod
    def _name_at(
        word_forms: Sequence[str], j: int, by_key: dict[str, list[tuple[str, ...]]]
    ) -> tuple[str, ...] | None:
        """The longest name starting at word ``j``, if any."""
        for key in bare_candidates(word_forms[j]):
            for name in by_key.get(key, ()):
                if tuple(word_forms[j + 1 : j + len(name)]) == name[1:]:
                    return name
        return None

    @staticmethod
    def _span_forms(f: _Field, first: int, last: int) -> tuple[str, ...]:
        return tuple(compress(f.forms[first : last + 1], f.tokens.words[first : last + 1]))

    def _forms_of(self, tokens: Tokens) -> list[str]:
        """Matching form of each token, memoised by surface; new word
        surfaces are normalised in one batch (see
        :func:`~streams.ner.gazetteer.forms`)."""
        memo = self._forms
        new = [*dict.fromkeys(filterfalse(memo.__contains__, tokens.surfaces))]
        if new:
            if len(memo) + len(new) > _FORM_CACHE_MAX:
                memo.clear()
                new = list(dict.fromkeys(tokens.surfaces))
            words = [surface for surface in new if surface[:1].isalnum()]
            memo.update(zip(words, forms(words), strict=True))
            memo.update((surface, matching_form(surface)) for surface in new if surface not in memo)
        return list(map(memo.__getitem__, tokens.surfaces))


@cache
def get_detector() -> MentionDetector:
    """The process-wide detector with the committed model (loaded once, offline)."""
    return MentionDetector.load(MODEL_PATH)


def _tail(form: str) -> str:
    return form[-_TAIL:]


# A form's tail, memoised so the filter in :meth:`MentionDetector._propagate`
# runs over a document's words without a Python-level step per word.
_TAILS: Memo[str, str] = Memo(_tail, _FORM_CACHE_MAX)


def _name_like(form: str, above: int = RARE_WORD_COUNT) -> bool:
    """A word that can stand alone for a name: not more frequent than
    ``above`` in the news, and no trigger noun."""
    return not is_common_word(form, above) and not triggers_of(form)


def _keep_crf(span: Span, kb_spans: Sequence[Span]) -> bool:
    """Whether a CRF span survives the KB matches of its field (see the module docstring)."""
    for name in kb_spans:
        if name.end <= span.start or span.end <= name.start:
            continue
        inside = span.start <= name.start and name.end <= span.end
        if not (
            span.label == "ORG" and inside and (name.start, name.end) != (span.start, span.end)
        ):
            return False
    return True


def _from_text(text: str) -> _Field:
    tokens = tokens_of(text)
    return _Field(text, tokens, sentence_bounds(text, tokens))


def _from_tokens(surfaces: Sequence[str]) -> _Field:
    spans = []
    position = 0
    for surface in surfaces:
        spans.append((position, position + len(surface)))
        position += len(surface) + 1
    text = " ".join(surfaces)
    tokens = Tokens(spans, list(surfaces), [surface[:1].isalnum() for surface in surfaces])
    return _Field(text, tokens, sentence_bounds(text, tokens))
