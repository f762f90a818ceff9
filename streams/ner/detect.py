"""Mention detection: the CRF and the KB gazetteer together, over a whole document.

:class:`MentionDetector` finds person, organisation and location mentions in
the fields of one document (title and body, or a CoNLL file's sentences):

1. the CRF (:mod:`streams.ner.crf`) labels every sentence; a person's span
   never begins with a title (السلطان لاجين is لاجين, as annotators mark
   it), nor ends in a word joining a name's parts (عمر بن → عمر بن الخطاب),
   and a title alone (الخليفة) is no name;
2. the gazetteer (:mod:`streams.ner.gazetteer`) finds KB names and demonyms;
3. KB matches win where the two overlap (they are curated and linked), except
   that an organisation the CRF found may contain a KB match (وزارة الخارجية
   الروسية holds a demonym, جامعة الملك سعود a person), and both are kept;
   an organisation noun before a KB place makes an organisation of both
   (منتخب البرتغال, جامعة القاهرة) where the CRF did not tag the noun;
4. a rare word right after مدينة or بلدة is a place (مدينة الري) if nothing
   else tagged it;
5. names the CRF found once are found everywhere else in the document too
   ("one sense per discourse"): a name is rarely a common word in one
   sentence and a name in the next, and the CRF misses repeats it has less
   context for.

Everything is deterministic and per document; nothing is learned at run time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from pathlib import Path
from typing import NamedTuple

import numpy as np

from streams.kb import KbEntity
from streams.kb.catalog import kb_entities, kb_stop_phrases
from streams.ner.clitics import (
    ARTICLE,
    bare_candidates,
    core_letters,
    is_arabic,
    stripped_forms,
)
from streams.ner.clusters import COMMON_WORD_COUNT, RARE_WORD_COUNT, is_common_word, word_infos
from streams.ner.conll import OUTSIDE
from streams.ner.crf import CrfModel
from streams.ner.features import PAD, WINDOW, FeatureExtractor
from streams.ner.gazetteer import NAME, Entry, Gazetteer, Words
from streams.ner.lexicon import Lexicon, grown
from streams.ner.namelike import name_scores
from streams.ner.names import trim
from streams.ner.triggers import triggers_of

#: The committed model (see :mod:`streams.ner.train`).
MODEL_PATH = Path(__file__).resolve().parent / "model.crfsuite"
LABELS = {"person": "PER", "organization": "ORG", "location": "LOC"}
#: Where a mention came from (:data:`CITY`: the word after a city noun).
KB, CRF, DOC, CITY = "kb", "crf", "doc", "city"
# Token types the lexicon keeps (see :class:`~streams.ner.lexicon.Lexicon`).
_LEXICON_MAX = 1 << 18
# Lengths of word-form tails kept per type for :meth:`MentionDetector._propagate`.
_TAILS = (3, 4, 5)
# Words that join the parts of Arabic names; never a short form of one.
# Labels whose one-word names spread (see :meth:`MentionDetector._propagate`):
# people only. Spreading one-word places and organisations cost 4 points of
# LOC precision in cross-validation (الكمبيوتر tagged once became 61 errors).
_SPREAD_SINGLE = frozenset({"PER"})
# Name-likeness bucket (:data:`~streams.ner.namelike.SCORE_EDGES`) from which
# a frequent word reads as a person's name: log-odds above 0.
_PERSON_LIKE_BUCKET = 2
# News count from which a word never seen after a person's title does not
# spread as a one-word name (see :func:`_reads_as_name`).
_KNOWN_WORD_COUNT = 50
# Words that begin a part of an Arabic name (أبو بكر, عبد العزيز) and the
# words between a given name and the father's (see :meth:`MentionDetector._before_link`).
_PART_HEADS = frozenset({"ابو", "ابي", "ابا", "ام", "عبد"})
_SON_OF = frozenset({"بن", "بنت"})
# Nouns before a place's name (مدينة الري), as matching forms; with the
# article they are no construct (المدينة القديمة).
_CITY_NOUNS = frozenset({"مدينه", "بلده"})
_CITY_DEFINITE = frozenset({"المدينه", "البلده"})
# Words before a name that make it part of a competition's name (كأس
# إسبانيا, أمم أوروبا), as matching forms.
_COMPETITIONS = frozenset({"كاس", "امم"})
# Organisation nouns that make no organisation with the place after them
# (see :meth:`MentionDetector._named_after_places`), as matching forms.
_NOT_ORG_HEADS = frozenset({"برنامج"})
_NAME_LINKS = frozenset(
    {"بن", "ابن", "بنت", "ابو", "ابي", "ام", "ال", "عبد", "دي", "دا", "فون", "van"}
)
# Words that begin a foreign name and never end one (سان جيرمان, سانت لويس,
# لوس أنجلوس): the CRF often stops before the rest of the name.
_NAME_PREFIXES = frozenset({"سان", "سانت", "سانتا", "سانتو", "لوس", "لاس"})
_PERSON_LINKS = _NAME_LINKS | _NAME_PREFIXES


class Span(NamedTuple):
    """One mention in field ``field`` of a document: ``text[start:end]``."""

    field: int
    start: int
    end: int
    label: str
    """``PER``, ``ORG`` or ``LOC``."""
    source: str
    """:data:`KB`, :data:`CRF`, :data:`CITY` or :data:`DOC` (propagated within the document)."""
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
    ids: np.ndarray
    """Type id (:class:`~streams.ner.lexicon.Lexicon`) of each token."""
    starts: list[int]
    ends: list[int]
    words: np.ndarray
    """Whether each token is a word (else a punctuation character)."""
    sentences: list[tuple[int, int]]
    word_index: list[int] = field(init=False)
    """Token index of each word token, in order."""
    word_ids: np.ndarray = field(init=False)
    """Type id of each word token."""
    id_list: list[int] = field(init=False)
    """:attr:`ids` as a list, for look-ups one token at a time."""

    def __post_init__(self) -> None:
        self.id_list = self.ids.tolist()
        word_index = self.words.nonzero()[0]
        self.word_index = word_index.tolist()
        self.word_ids = self.ids[word_index]


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
        # Per token type, indexed by lexicon id and filled as types are
        # interned (:meth:`_add_types`): gazetteer entry, whether it has
        # patterns, the id of its form's tail (:meth:`_propagate`), CRF
        # emission rows.
        self._entries: list[Entry] = []
        self._starts_name = np.zeros(0, dtype=bool)
        self._city_heads = np.zeros(0, dtype=bool)
        self._tails = np.zeros((0, len(_TAILS)), dtype=np.int64)
        self._tail_ids: dict[str, int] = {}
        self._emissions = np.zeros((0, len(WINDOW), len(model.labels) if model else 0))
        self._form_types: dict[str, int] = {}
        """An interned Arabic word type of each matching form (see :meth:`_add_emissions`)."""
        self.lexicon = Lexicon(self._add_types, _LEXICON_MAX)

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> MentionDetector:
        """A detector over the whole KB with the model at ``path``."""
        return cls(CrfModel(path, default_extractor()), default_gazetteer())

    def detect(self, texts: Sequence[str]) -> list[Span]:
        """Mentions in the fields ``texts`` of one document, by field and offset."""
        self.lexicon.trim()
        return self._detect([self._from_text(text) for text in texts])

    def tag_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels (PER/LOC/ORG) of pre-tokenised sentences of one document.

        Mentions nested in a longer one are left out (BIO cannot nest), and
        so are demonyms used as adjectives: annotation guidelines tag the
        country, not its adjective. A plural demonym names people, though
        (الألمان, للصينيين, المصريون): AQMAR tags those ``PER``. A name
        just after كأس (cup) or أمم (nations) is part of a competition's
        name (كأس إسبانيا, أمم أوروبا), which AQMAR leaves untagged, unless it
        is the person the cup is named after (كأس جول ريميه).
        """
        self.lexicon.trim()
        fields = [self._from_tokens(tokens) for tokens in sentences]
        labels = [[OUTSIDE] * len(tokens) for tokens in sentences]
        spans = [
            s if s.role == NAME else s._replace(label="PER")
            for s in self._detect(fields)
            if (s.role == NAME or _plural_demonym(s.forms))
            and not (s.label != "PER" and self._in_competition(fields[s.field], s.first))
        ]
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

    def _in_competition(self, f: _Field, first: int) -> bool:
        """Whether the word before token ``first`` names a competition (كأس, أمم)."""
        head = first - 1
        if head < 0 or not f.words[head]:
            return False
        return not _COMPETITIONS.isdisjoint(bare_candidates(self.lexicon.forms[f.id_list[head]]))

    def _detect(self, fields: list[_Field]) -> list[Span]:
        kb = [self._kb_spans(i, f) for i, f in enumerate(fields)]
        crf = self._crf_spans(fields)
        kept: list[Span] = []
        for f, field_kb, field_crf in zip(fields, kb, crf, strict=True):
            kept.extend(field_kb)
            field_crf.extend(self._named_after_places(f, field_kb, field_crf))
            kept.extend(s for s in field_crf if _keep_crf(s, field_kb))
        if fields and self._city_heads[np.concatenate([f.word_ids for f in fields])].any():
            for index, f in enumerate(fields):
                kept = self._after_city_nouns(index, f, kept)
        kept = self._propagate(fields, kept)
        kept.sort(key=lambda s: (s.field, s.start, -s.end))
        return kept

    def _after_city_nouns(self, index: int, f: _Field, found: list[Span]) -> list[Span]:
        """``found`` with the one-word places named by a city noun before
        them (مدينة الري, بلدة القطائع) in field ``index``: a word rare in the
        news and no trigger, right after مدينة or بلدة without the article,
        that nothing else tagged, or that the CRF tagged a place alone. Both
        come from :data:`CITY`, and spread through the document."""
        heads = self._city_heads[f.word_ids].nonzero()[0].tolist()
        if not heads:
            return found
        at = {s.first: n for n, s in enumerate(found) if s.field == index}
        covered = {i for s in found if s.field == index for i in range(s.first, s.last + 1)}
        forms, words = self.lexicon.forms, f.word_index
        out = list(found)
        for j in heads:
            if j + 1 >= len(words) or words[j + 1] != words[j] + 1:
                continue  # punctuation between
            token = words[j + 1]
            if token in covered:
                span = found[at[token]] if token in at else None
                if span and span.source == CRF and span.label == "LOC" and span.last == token:
                    out[at[token]] = span._replace(source=CITY)
                continue
            form = forms[f.id_list[token]]
            if len(form) < 3 or not _name_like(form):
                continue
            out.append(
                Span(
                    index,
                    f.starts[token],
                    f.ends[token],
                    "LOC",
                    CITY,
                    None,
                    NAME,
                    (form,),
                    token,
                    token,
                )
            )
        return out

    def _named_after_places(
        self, f: _Field, kb_spans: Sequence[Span], crf_spans: Sequence[Span]
    ) -> list[Span]:
        """Organisations named by an organisation noun and a KB place
        (منتخب البرتغال, جامعة القاهرة) that the CRF left as the place alone.

        The two make a construct (idafa), whose first noun never has the
        article: الهيئة بجدة is "the authority, in Jeddah", الشركة السعودية
        "the Saudi company". A programme of a country is its programme, not
        an organisation (برنامج إيران النووي), so programmes are left out.
        The place is kept too, nested (as an organisation holding a KB
        match is, see :func:`_keep_crf`)."""
        out = []
        forms, words = self.lexicon.forms, f.words
        for place in kb_spans:
            head = place.first - 1
            if place.label != "LOC" or place.role != NAME or head < 0 or not words[head]:
                continue
            form = forms[f.id_list[head]]
            if "ORG" not in triggers_of(form) or _definite(form):
                continue
            if not _NOT_ORG_HEADS.isdisjoint(bare_candidates(form)):
                continue
            if any(s.first <= head <= s.last for s in crf_spans):
                continue
            out.append(
                Span(
                    place.field,
                    f.starts[head],
                    place.end,
                    "ORG",
                    CRF,
                    None,
                    NAME,
                    (form, *place.forms),
                    head,
                    place.last,
                )
            )
        return out

    def _kb_spans(self, index: int, f: _Field) -> list[Span]:
        candidates = self._starts_name[f.word_ids].nonzero()[0].tolist()
        if not candidates:
            return []
        words = Words(
            list(map(f.starts.__getitem__, f.word_index)),
            list(map(f.ends.__getitem__, f.word_index)),
            f.word_ids.tolist(),
            self._entries,
            self.lexicon.surfaces,
        )
        out = []
        for match in self.gazetteer.scan(f.text, words, candidates):
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
        if self.model is None:
            return [[] for _ in fields]
        # The document's decoding units laid end to end: (field, first
        # token in the field, its offset in the document).
        units: list[tuple[int, int, int]] = []
        ends: list[int] = []
        base = 0
        for index, f in enumerate(fields):
            units.extend((index, begin, base) for begin, _ in f.sentences)
            ends.extend(base + end for _, end in f.sentences)
            base += len(f.ids)
        model = self.model
        rows = np.concatenate([f.ids for f in fields])
        states = model.states(self._emissions, rows, ends, self._pad())
        out: list[list[Span]] = [[] for _ in fields]
        for unit, first, last, kind in _chunks(model.labels, states, ends):
            index, _, base = units[unit]
            f = fields[index]
            first, last = first - base, last - base
            words = f.words
            while first <= last and not words[first]:
                first += 1
            while last >= first and not words[last]:
                last -= 1
            if kind == "PER":
                first = self._after_titles(f, first, last)
                last = self._past_link(f, last, _PERSON_LINKS)
                if first <= last:
                    first = self._before_link(f, first)
            else:
                last = self._past_link(f, last, _NAME_PREFIXES)
            if first > last:
                continue
            spans = out[index]
            if spans and spans[-1].last >= first:  # the one before took this one's first word
                previous = spans.pop()
                first, last, kind = previous.first, max(last, previous.last), previous.label
            spans.append(
                Span(
                    index,
                    f.starts[first],
                    f.ends[last],
                    kind,
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
        """``found`` and the other occurrences of names the CRF found,
        labelled by majority; a longer name the CRF found elsewhere replaces
        shorter ones within it.

        Only names that are unlikely to be a common word spread: several
        words, or one person's name rare in the news corpus; one wrong tag
        on الكمبيوتر must not become sixty. The first and last words of a
        person's full name spread as that person's short forms (الرازي, راؤول, and
        a surname as frequent as الغامدي: within the document that wrote the
        full name, it is that person), unless the news has them often and
        never after a title (see :func:`_name_part_like`); and no word the
        news knows (:data:`_KNOWN_WORD_COUNT`) spreads alone unless it reads as
        a name (see :func:`_reads_as_name`).
        """
        votes: dict[tuple[str, ...], Counter[str]] = {}
        # One-word places spread only when a city noun named them.
        from_city = {span.forms for span in found if span.source == CITY}
        for span in found:
            if span.source in (CRF, CITY):
                votes.setdefault(span.forms, Counter())[span.label] += 1
        votes = {
            name: counter
            for name, counter in votes.items()
            if len(name) > 1
            or name in from_city
            or (
                majority(counter) in _SPREAD_SINGLE
                and _name_like(name[0])
                and _reads_as_name(name[0])
            )
        }
        for name, counter in list(votes.items()):
            if len(name) > 1 and majority(counter) == "PER":
                for part in {name[0], name[-1]}:
                    if part not in _NAME_LINKS and _name_part_like(part) and _reads_as_name(part):
                        votes.setdefault((part,), Counter())["PER"] += 1
        if not votes:
            return found
        by_key: dict[str, list[tuple[str, ...]]] = {}
        for name in votes:
            for key in bare_candidates(name[0]):
                # A one-word name found with a proclitic (بسنة) must not
                # spread as the common word it strips to (سنة).
                if len(name) == 1 and key != name[0] and not _name_part_like(key):
                    continue
                by_key.setdefault(key, []).append(name)
        for names in by_key.values():
            names.sort(key=len, reverse=True)
        longer = {key: [n for n in names if len(n) > 1] for key, names in by_key.items()}
        longer = {key: names for key, names in longer.items() if names}
        covered = [set[int]() for _ in fields]
        spans_of: list[list[int]] = [[] for _ in fields]  # indices in found, by field
        for n, span in enumerate(found):
            covered[span.field].update(range(span.first, span.last + 1))
            spans_of[span.field].append(n)
        replaced: set[int] = set()
        # A word can match a key only if it ends like one (see
        # :func:`_tail_length`): a cheap filter, by tail ids, before the
        # candidate look-ups.
        key_tails = np.zeros(len(self._tail_ids), dtype=bool)
        tail_ids = (self._tail_ids.get(key[-_tail_length(key) :]) for key in by_key)
        key_tails[[tail for tail in tail_ids if tail is not None]] = True
        forms = self.lexicon.forms
        out = []
        for index, f in enumerate(fields):
            words = f.word_index
            positions = key_tails[self._tails[f.word_ids]].any(axis=1).nonzero()[0].tolist()
            if not positions:
                continue
            word_ids = f.word_ids.tolist()
            taken = covered[index]
            end = -1  # words before this one are inside a propagated match
            for j in positions:
                if j < end:
                    continue
                # A word already in a span can only begin a longer name.
                keys = by_key if words[j] not in taken else longer
                if not keys:
                    continue
                match = _name_at(forms, word_ids, j, keys)
                if match is None:
                    continue
                first, last = words[j], words[j + len(match) - 1]
                if any(i in taken for i in range(first, last + 1)):
                    inside = [
                        n
                        for n in spans_of[index]
                        if found[n].first <= last and found[n].last >= first
                    ]
                    # A longer name the document has elsewhere wins over the
                    # shorter ones the CRF or this found inside it (ألبرت
                    # أينشتاين over أينشتاين), if they are all within it,
                    # none from the KB, and of its type.
                    label = majority(votes[match])
                    if len(match) < 2 or any(
                        found[n].source == KB
                        or found[n].label != label
                        or found[n].first < first
                        or found[n].last > last
                        for n in inside
                    ):
                        continue
                    replaced.update(inside)
                out.append(
                    Span(
                        index,
                        f.starts[first],
                        f.ends[last],
                        majority(votes[match]),
                        DOC,
                        None,
                        NAME,
                        tuple(map(forms.__getitem__, word_ids[j : j + len(match)])),
                        first,
                        last,
                    )
                )
                end = j + len(match)
        if replaced:
            found = [span for n, span in enumerate(found) if n not in replaced]
        return found + out

    def _after_titles(self, f: _Field, first: int, last: int) -> int:
        """The first token of a person's span from ``first`` to ``last``
        (words at both ends) once leading titles are left out, with the
        title's complement, as linking cuts them (:func:`~streams.ner.names.trim`:
        وزير التعليم عزام الدخيل → عزام الدخيل, السلطان لاجين → لاجين); a
        title alone is no name (past ``last`` then)."""
        index = [i for i in range(first, last + 1) if f.words[i]]
        forms = self.lexicon.forms
        trimmed = trim(tuple(forms[f.id_list[i]] for i in index), "PER")
        return last + 1 if trimmed is None else index[trimmed[0]]

    def _before_link(self, f: _Field, first: int) -> int:
        """The first token of a person's span starting at ``first``, back
        over the words that begin a name's part before it (أبي بكر, عبد
        العزيز), and over a بن and the given name before it (أبي طالب → علي
        بن أبي طالب): no name starts with بن or after one, and أبي بكر is no بكر."""
        forms, words, ids = self.lexicon.forms, f.words, f.id_list
        while first > 0 and words[first - 1]:
            before = forms[ids[first - 1]]
            if before in _PART_HEADS or before in _SON_OF or forms[ids[first]] in _SON_OF:
                first -= 1
            else:
                break
        return first

    def _past_link(self, f: _Field, last: int, links: frozenset[str]) -> int:
        """The last token of a span ending at ``last``, one word further if
        that is one of ``links``, words that join the parts of a name or
        begin one (عمر بن → عمر بن الخطاب, سان → سان جيرمان): no name ends
        in one."""
        following = last + 1
        if following < len(f.id_list) and f.words[following]:
            form = self.lexicon.forms[f.id_list[last]]
            if not links.isdisjoint(bare_candidates(form)):
                return following
        return last

    def _span_forms(self, f: _Field, first: int, last: int) -> tuple[str, ...]:
        ids = f.id_list[first : last + 1]
        return tuple(compress(map(self.lexicon.forms.__getitem__, ids), f.words[first : last + 1]))

    def _from_text(self, text: str) -> _Field:
        tokens = self.lexicon.tokens(text)
        return _Field(
            text,
            tokens.ids,
            tokens.starts.tolist(),
            tokens.ends.tolist(),
            self.lexicon.words[tokens.ids],
            self.lexicon.units(tokens.ids, tokens.breaks),
        )

    def _from_tokens(self, surfaces: Sequence[str]) -> _Field:
        """A field of given tokens, as if joined by spaces (CoNLL input)."""
        starts = []
        position = 0
        for surface in surfaces:
            starts.append(position)
            position += len(surface) + 1
        ids = self.lexicon.ids(surfaces)
        return _Field(
            " ".join(surfaces),
            ids,
            starts,
            [start + len(surface) for start, surface in zip(starts, surfaces, strict=True)],
            np.array([surface[:1].isalnum() for surface in surfaces], dtype=bool),
            self.lexicon.units(ids),
        )

    def _pad(self) -> int:
        """Type id of :data:`~streams.ner.features.PAD` (ids change on a trim)."""
        return int(self.lexicon.ids([PAD])[0])

    def _add_types(self, first: int, surfaces: list[str], type_forms: list[str]) -> None:
        """Per-type data of newly interned types ``first``, ``first + 1``, ..."""
        end = first + len(surfaces)
        if end > len(self._starts_name):
            capacity = max(end, 2 * len(self._starts_name), 1024)
            self._starts_name = grown(self._starts_name, capacity)
            self._city_heads = grown(self._city_heads, capacity)
            self._tails = grown(self._tails, capacity)
            self._emissions = grown(self._emissions, capacity)
        entries = self.gazetteer.entries(surfaces, type_forms)
        self._entries[first:] = entries
        self._starts_name[first:end] = [entry.starts_names for entry in entries]
        self._city_heads[first:end] = [_is_city_noun(form) for form in type_forms]
        if not first:  # the lexicon starts afresh
            self._tail_ids.clear()
            self._form_types.clear()
        tail_ids = self._tail_ids
        self._tails[first:end] = [
            [tail_ids.setdefault(form[-n:], len(tail_ids)) for n in _TAILS] for form in type_forms
        ]
        if self.model is not None:
            self._add_emissions(self.model, first, surfaces, type_forms)

    def _add_emissions(
        self, model: CrfModel, first: int, surfaces: list[str], type_forms: list[str]
    ) -> None:
        """CRF emission rows of new types ``first``, ``first + 1``, ...

        An Arabic word's features are those of its matching form alone, and
        about one new surface in nine has the form of a type already
        interned (a word with diacritics or tatweel: بلدٍ, بلد): it copies
        that type's rows instead of computing features and weights again.
        """
        known = self._form_types
        computed, copied, sources = [], [], []
        for offset, (surface, form) in enumerate(zip(surfaces, type_forms, strict=True)):
            if not (surface[:1].isalnum() and is_arabic(form)):
                computed.append(offset)
            elif form in known:
                copied.append(first + offset)
                sources.append(known[form])
            else:
                computed.append(offset)
                known[form] = first + offset
        rows = model.emissions([surfaces[i] for i in computed], [type_forms[i] for i in computed])
        self._emissions[[first + i for i in computed]] = rows
        self._emissions[copied] = self._emissions[sources]


@cache
def get_detector() -> MentionDetector:
    """The process-wide detector with the committed model (loaded once, offline)."""
    return MentionDetector.load(MODEL_PATH)


def majority(votes: Counter[str]) -> str:
    """The label with most votes, the first counted on a tie: what
    ``votes.most_common(1)`` gives, without its heap machinery."""
    return max(votes, key=votes.__getitem__)


def _name_at(
    forms: Sequence[str], word_ids: Sequence[int], j: int, by_key: dict[str, list[tuple[str, ...]]]
) -> tuple[str, ...] | None:
    """The longest name starting at word ``j`` (of type ids ``word_ids``, whose
    matching forms are ``forms``), if any.

    A name written without the article does not match a word that has it
    there: خليفة (a given name) is not الخليفة (the caliph), nor خلافة
    الخلافة."""
    candidates = bare_candidates(forms[word_ids[j]])
    for key in candidates:
        for name in by_key.get(key, ()):
            if not name[0].startswith(ARTICLE) and ARTICLE + key in candidates:
                continue
            if tuple(map(forms.__getitem__, word_ids[j + 1 : j + len(name)])) == name[1:]:
                return name
    return None


def _tail_length(key: str) -> int:
    """How much of ``key``'s end every word whose bare candidates
    (:func:`~streams.ner.clitics.bare_candidates`) include it shares.

    A candidate is the form itself, a suffix of it (proclitics or article
    stripped), or ال + a suffix of 3+ letters (لل restored); every candidate
    but the form has 3+ core letters. So a key shorter than 3 is the whole
    form (and a form that short is its own tail at every length), and a
    longer one shares its last ``max(3, core letters)``, capped at the
    longest tail kept.
    """
    return min(_TAILS[-1], len(key), max(_TAILS[0], core_letters(key)))


def _name_part_like(form: str) -> bool:
    """A first or last word of a person's name that can stand alone for
    them within the document: rare in the news, or up to
    :data:`COMMON_WORD_COUNT` if the news has it after a person title too
    (عمر, خالد, الغامدي) or it reads as a person's name by its letters
    (:func:`~streams.ner.namelike.name_scores`). A frequent word that is
    neither (الحكم, الكثير) ending a wrong span would otherwise be tagged
    all over it; but the short form of a name the article wrote in full
    must still find that person (آشتون كارتر … كارتر)."""
    if not _name_like(form, COMMON_WORD_COUNT):
        return False
    info = word_infos().get(form)
    if info is None or info.count <= RARE_WORD_COUNT or info.after_trigger[0] > 0:
        return True
    # Foreign surnames the news has often and only after a given name
    # (كارتر, كيري): their letters still say name, where الكثير's do not.
    scores = name_scores(form)
    return bool(scores) and scores[0] >= _PERSON_LIKE_BUCKET


def _definite(form: str) -> bool:
    """Whether a word has the article, maybe after proclitics (الهيئة, بالهيئة, للهيئة)."""
    return any(candidate.startswith(ARTICLE) for candidate in (form, *stripped_forms(form)))


def _is_city_noun(form: str) -> bool:
    """Whether a word is مدينة or بلدة, maybe with proclitics, without the article."""
    candidates = bare_candidates(form)
    return not _CITY_NOUNS.isdisjoint(candidates) and _CITY_DEFINITE.isdisjoint(candidates)


def _reads_as_name(form: str) -> bool:
    """Whether a one-word person's name may spread through its document:
    the news has it seldom (under :data:`_KNOWN_WORD_COUNT`), or after a
    person's title, or its letters read as a person's name. A word the news
    has often enough to know, never after a title, is a common word the CRF
    misread once (استطاع, خلافة), and spreading it multiplies the error."""
    info = word_infos().get(form)
    if info is None or info.count < _KNOWN_WORD_COUNT or info.after_trigger[0] > 0:
        return True
    scores = name_scores(form)
    return bool(scores) and scores[0] >= _PERSON_LIKE_BUCKET


def _name_like(form: str, above: int = RARE_WORD_COUNT) -> bool:
    """A word that can stand alone for a name: not more frequent than
    ``above`` in the news, and no trigger noun."""
    return not is_common_word(form, above) and not triggers_of(form)


def _chunks(
    labels: Sequence[str], states: np.ndarray, ends: Sequence[int]
) -> Iterator[tuple[int, int, int, str]]:
    """``(unit, first, last, type)`` of the chunks of labels ``states`` of
    units ending at ``ends``, in order: as :func:`streams.ner.evaluate.chunks`
    cuts each unit (``I-X`` continues only a chunk of ``X``), found from the
    few tokens labelled other than O instead of a step per token."""
    tagged = (states != labels.index(OUTSIDE)).nonzero()[0]
    units = np.searchsorted(ends, tagged, side="right").tolist()
    kind, unit, first, last = "", -1, -1, -1
    for position, position_unit, state in zip(
        tagged.tolist(), units, states[tagged].tolist(), strict=True
    ):
        label = labels[state]
        if position == last + 1 and position_unit == unit and label == "I-" + kind:
            last = position
            continue
        if kind:
            yield unit, first, last, kind
        kind, unit, first, last = label[2:], position_unit, position, position
    if kind:
        yield unit, first, last, kind


def _plural_demonym(forms: Sequence[str]) -> bool:
    """Whether a demonym's matching forms read as a plural, a people
    (المصريون, الصينيين, and the one-word broken plurals الألمان, الأتراك)
    rather than an adjective (الصينية, البرتغالي)."""
    last = forms[-1]
    return last.endswith(("ون", "ين")) or (len(forms) == 1 and last.endswith(("ان", "اك")))


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
