"""Mention detection: the CRF and the KB gazetteer together, over a whole document.

:class:`MentionDetector` finds person, organisation and location mentions in
the fields of one document (title and body, or a CoNLL file's sentences):

1. the CRF (:mod:`streams.ner.crf`) labels every sentence; a person's span
   never begins with a title (السلطان لاجين is لاجين, as annotators mark
   it, also when the title is just before the span), nor ends in a word
   joining a name's parts (عمر بن → عمر بن الخطاب), a eulogy (كرم الله
   وجهه) or an indefinite accusative (دخل أبو عبيدة صلحا); a title alone
   (الخليفة) is no name; names joined by و are one span each (أرسطو
   وبطليموس), و + a word that reads as no name ends the span, and a word
   with a possessive suffix separates two names (مروان خلفه ابنه الوليد);
   a one-word person takes a given name right before it (إسحاق [نيوتن])
   and, if a given name, a rare word right after it ([يوسف] كالا);
2. the gazetteer (:mod:`streams.ner.gazetteer`) finds KB names and demonyms;
3. KB matches win where the two overlap (they are curated and linked), except
   that an organisation the CRF found may contain a KB match (وزارة الخارجية
   الروسية holds a demonym, جامعة الملك سعود a person), and both are kept;
   an organisation noun before a KB place makes an organisation of both
   (منتخب البرتغال, جامعة القاهرة) where the CRF did not tag the noun, and
   a place or organisation noun without the article before a person makes
   a place or organisation named after them (مسجد ابن طولون, جيش ابن أبي
   طالب), the person kept inside; a state's noun (دولة, ولاية) before a
   person names a reign, no place; compass directions around a place make
   a region of both (شمال إيطاليا, جنوب شرق آسيا, ألمانيا الغربية), the
   place kept inside;
4. a rare word right after مدينة or بلدة is a place (مدينة الري) if nothing
   else tagged it, and quoted words right after an organisation noun are an
   organisation (شركة "مايكروسوفت");
5. names the CRF found once are found everywhere else in the document too
   ("one sense per discourse"): a name is rarely a common word in one
   sentence and a name in the next, and the CRF misses repeats it has less
   context for;
6. a person's span takes the lineage after it that nothing tagged (مروان
   [بن الحكم]), and people's spans side by side, with no و or mark
   between, are one person (حسام الدين لاجين, أبو بكر محمد بن يحيى); a
   name-like word between two names of one type in a list is one more of
   that type (العراق والشام ومصر, دمشق وقرطبة والقدس), and a regnal name
   or an epithet the news does not know after a ruler's title is a person
   (الخليفة المعتضد بالله, الخليفة المستنصر).

Everything is deterministic and per document; nothing is learned at run time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import compress
from pathlib import Path
from typing import NamedTuple

import numpy as np

from streams.kb import KbEntity
from streams.kb.catalog import kb_entities, kb_stop_phrases
from streams.ner import MODEL_PATH
from streams.ner.clitics import (
    ARTICLE,
    bare_candidates,
    core_letters,
    is_arabic,
)
from streams.ner.clusters import word_infos
from streams.ner.conll import OUTSIDE
from streams.ner.crf import CrfModel
from streams.ner.features import PAD, WINDOW, FeatureExtractor
from streams.ner.gazetteer import DEMONYM, NAME, Entry, Gazetteer, Words
from streams.ner.lexicon import Lexicon, grown
from streams.ner.names import LINEAGE, is_title, preferred_bare, trim
from streams.ner.triggers import triggers_of
from streams.ner.words import (
    AND,
    KNOWN_WORD_COUNT,
    adverbial,
    affixed_word,
    begins_name,
    conjoins,
    definite,
    given_name,
    is_city_noun,
    name_like,
    name_part_like,
    plural_demonym,
    plural_nisba,
    plural_stem,
    preposition_and_word,
    reads_as_name,
    spelt_like_a_person,
    suffixed,
)

LABELS = {"person": "PER", "organization": "ORG", "location": "LOC"}
#: Where a mention came from (:data:`CITY`: the word after a city noun;
#: :data:`REGION`: compass directions and a place, see
#: :meth:`MentionDetector._regions`; :data:`LIST`: a name between two of a
#: list, see :meth:`MentionDetector._listed`).
KB, CRF, DOC, CITY, REGION, LIST = "kb", "crf", "doc", "city", "region", "list"
# Token types the lexicon keeps (see :class:`~streams.ner.lexicon.Lexicon`).
_LEXICON_MAX = 1 << 18
# Lengths of word-form tails kept per type for :meth:`MentionDetector._propagate`.
_TAILS = (3, 4, 5)
# Labels whose one-word names spread (see :meth:`MentionDetector._propagate`):
# people only. Spreading one-word places and organisations cost 4 points of
# LOC precision in cross-validation (الكمبيوتر tagged once became 61 errors).
_SPREAD_SINGLE = frozenset({"PER"})
# Words that begin a part of an Arabic name (أبو بكر, عبد العزيز) and the
# words between a given name and the father's (see :meth:`MentionDetector._before_link`).
_PART_HEADS = frozenset({"ابو", "ابي", "ابا", "ام", "عبد"})
_SON_OF = frozenset({"بن", "بنت"})
# "Sons of", before the name of a tribe or dynasty (بني أمية, بنو هاشم).
_SONS = frozenset({"بني", "بنو"})
_ABD = "عبد"
# Words before a name that make it part of a competition's name (كأس
# إسبانيا, أمم أوروبا, دوري أبطال أوروبا), as matching forms.
_COMPETITIONS = frozenset({"كاس", "امم", "ابطال"})
# Organisation nouns that make no organisation with the place after them
# (see :meth:`MentionDetector._named_after_places`), as matching forms.
_NOT_ORG_HEADS = frozenset({"برنامج"})
# Quotation marks that open and close a name (شركة "مايكروسوفت"), and the
# most words a quoted name has.
_OPENING_QUOTES = frozenset('"“«')
_CLOSING_QUOTES = frozenset('"”»')
_QUOTED_WORDS = 3
# Marks between the names of a list (X و Y، Z), as matching forms.
_LIST_MARKS = frozenset({"و", "،", ","})
# Compass directions, as matching forms: before a place they name a region
# of it (شمال إيطاليا, وسط آسيا).
_DIRECTIONS = frozenset({"شمال", "جنوب", "شرق", "غرب", "وسط", "شمالي", "جنوبي", "شرقي", "غربي"})
# And as adjectives after a place's name (ألمانيا الغربية, آسيا الوسطى):
# feminine, as the names of countries and cities are; a masculine one agrees
# with a noun before the place (ريف حلب الشمالي: Aleppo's northern countryside).
_DIRECTION_ADJECTIVES = frozenset({"الشماليه", "الجنوبيه", "الشرقيه", "الغربيه", "الوسطي"})
# Verbs of the blessings said after a name (كرم الله وجهه, رضي الله عنه,
# رحمه الله, صلى الله عليه وسلم), as matching forms, and the word after them.
_EULOGIES = frozenset({"كرم", "رضي", "رحمه", "رحمها", "رحمهم", "صلي"})
_GOD = "الله"
# The words of a regnal name that joins a ruler's epithet to God (المعتضد
# بالله, الآمر بأحكام الله, المعز لدين الله), as matching forms.
_BY_GOD = "بالله"
# Titles of rulers, whose epithet follows them (الخليفة المستنصر), and the
# nisba ending of an adjective after them (الخليفة الأموي), as matching forms.
_RULERS = frozenset({"الخليفه", "السلطان", "الملك", "الامير", "الشيخ", "الامام"})
_NISBA = "ي"
_BY_GODS_WORD = frozenset({"بامر", "باحكام", "لدين"})
# Nouns of a state or a rule, as matching forms: before a person they name
# a reign (دولة بني طولون, ولاية بن طولون), not a place.
_POLITIES = frozenset({"دوله", "ولايه", "مملكه", "اماره", "جمهوريه"})
# Words that join the parts of Arabic names (بني and بنو, "sons of", a
# tribe's or dynasty's: بني أمية); never a short form of one.
_NAME_LINKS = frozenset(
    {"بن", "ابن", "بنت", "بني", "بنو", "ابو", "ابي", "ام", "ال", "عبد", "دي", "دا", "فون", "van"}
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
    """:data:`KB`, :data:`CRF`, :data:`CITY`, :data:`REGION`, :data:`LIST` or
    :data:`DOC` (propagated within the document)."""
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


class _Field:
    """One field of a document, tokenised once for every step of detection.

    A plain class, not a dataclass: the compiled tagger (:mod:`streams.ner.native`)
    compiles this ``__init__``, where a dataclass's is generated, interpreted Python.
    """

    def __init__(
        self,
        text: str,
        ids: np.ndarray,
        starts: list[int],
        ends: list[int],
        words: np.ndarray,
        sentences: list[tuple[int, int]],
    ) -> None:
        self.text = text
        self.ids = ids
        """Type id (:class:`~streams.ner.lexicon.Lexicon`) of each token."""
        self.starts = starts
        self.ends = ends
        self.words: list[bool] = words.tolist()
        """Whether each token is a word (else a punctuation character)."""
        self.sentences = sentences
        self.id_list: list[int] = ids.tolist()
        """:attr:`ids` as a list, for look-ups one token at a time."""
        self.word_index: list[int] = words.nonzero()[0].tolist()
        """Token index of each word token, in order."""
        self.word_ids: np.ndarray = ids[words]
        """Type id of each word token."""


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
        self._ruler_titles = np.zeros(0, dtype=bool)
        self._regnal_marks = np.zeros(0, dtype=bool)
        self._opening_quotes = np.zeros(0, dtype=bool)
        self._tails = np.zeros((0, len(_TAILS)), dtype=np.int64)
        self._tail_ids: dict[str, int] = {}
        self._emissions = np.zeros((0, len(WINDOW), len(model.labels) if model else 0))
        self._form_types: dict[str, int] = {}
        """An interned Arabic word type of each matching form (see :meth:`_add_emissions`)."""
        self._pad_id = -1
        self.lexicon = Lexicon(self._add_types, _LEXICON_MAX)

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> MentionDetector:
        """A detector over the whole KB with the model at ``path``."""
        return cls(CrfModel(path, default_extractor()), default_gazetteer())

    def detect(self, texts: Sequence[str]) -> list[Span]:
        """Mentions in the fields ``texts`` of one document, by field and offset.

        Regions (:data:`REGION`: شمال سوريا, شرق جدة) are AQMAR's convention
        and only in the BIO output (:meth:`tag_tokens`): to a subscriber the
        place inside is the entity, and every direction of every city a
        topic of its own would flood the discovered ones (SaudiNewsNet
        2015-07-22 gained 14 such topics, شرق جدة and وسط المدينة among them).
        """
        self.lexicon.trim()
        fields = [self._from_text(text) for text in texts]
        return [span for span in self._detect(fields) if span.source != REGION]

    def tag_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO labels (PER/LOC/ORG) of pre-tokenised sentences of one document.

        Mentions nested in a longer one are left out (BIO cannot nest), and
        so are demonyms used as adjectives: annotation guidelines tag the
        country, not its adjective. A plural demonym names people, though
        (الألمان, للصينيين, المصريون): AQMAR tags those ``PER``. A name
        just after كأس (cup), أمم (nations) or أبطال (champions) is part of a
        competition's name (كأس إسبانيا, أمم أوروبا, دوري أبطال أوروبا),
        which AQMAR leaves untagged, unless it
        is the person the cup is named after (كأس جول ريميه). A plural nisba
        the news does not know names a people or a dynasty as a plural
        demonym does (الفاطميون, الساسانيين, see :func:`~streams.ner.words.plural_nisba`): AQMAR
        tags those ``PER`` too, and a people named once is that people in
        its other case and with other proclitics too (المسلمين tagged, so
        المسلمون, للمسلمين: see :func:`~streams.ner.words.plural_stem`).
        """
        self.lexicon.trim()
        fields = [self._from_tokens(tokens) for tokens in sentences]
        labels = [[OUTSIDE] * len(tokens) for tokens in sentences]
        spans = [
            s if s.role == NAME else s._replace(label="PER")
            for s in self._detect(fields)
            if (s.role == NAME or plural_demonym(s.forms))
            and not (s.label != "PER" and self._in_competition(fields[s.field], s.first))
        ]
        spans.extend(self._one_word_people(fields, spans, plural_nisba))
        spans.extend(self._other_cases(fields, spans))
        spans.extend(self._tribes(fields, spans))
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

    def _tribes(self, fields: list[_Field], spans: Sequence[Span]) -> list[Span]:
        """``PER`` spans of the tribes and dynasties named "sons of" a name
        (بني أمية, بنو هاشم, بني ساعدة) that no span in ``spans`` covers:
        بني or بنو and a word that can stand for a name (rare in the news,
        :func:`~streams.ner.words.name_like`, and read as one,
        :func:`~streams.ner.words.reads_as_name`), a people as AQMAR tags
        them; بني is the verb "was built" too, but before a common word
        (بني عليه). After a place or organisation noun without the article
        the two name a place or organisation after the tribe (جامع بني أمية,
        see :meth:`_named_after_people`). Only in the BIO output, as peoples
        are: a subscriber gets no topic per tribe from a person's detector."""
        covered = _covered(spans)
        forms = self.lexicon.forms
        out = []
        for index, f in enumerate(fields):
            ids, words = f.id_list, f.word_index
            for n, i in enumerate(words[:-1]):
                name = words[n + 1]
                if forms[ids[i]] not in _SONS or name != i + 1:
                    continue
                form = forms[ids[name]]
                if (index, i) in covered or (index, name) in covered:
                    continue
                if definite(form) or not (name_like(form) and reads_as_name(form)):
                    continue
                first, label = i, "PER"
                head = i - 1
                if head >= 0 and f.words[head] and (index, head) not in covered:
                    noun = forms[ids[head]]
                    kind = None if definite(noun) else _named_after_people(noun)
                    if kind is not None:
                        first, label = head, kind
                out.append(self._crf_span(index, f, first, name, label))
        return out

    def _other_cases(self, fields: list[_Field], spans: Sequence[Span]) -> list[Span]:
        """One-word ``PER`` spans of the peoples that one-word person spans
        in ``spans`` name, in their other case or with other proclitics
        (المسلمين tagged: المسلمون, للمسلمين; see :func:`~streams.ner.words.plural_stem`),
        where no span in ``spans`` covers them. The CRF has the accusative
        and genitive (المسلمين) far more often than the nominative, and
        misses المسلمون after a verb; a people is one within a document as
        a name is (:meth:`_propagate`), which does not spread such frequent
        words."""
        peoples = {
            stem
            for s in spans
            if s.label == "PER" and s.source != KB and len(s.forms) == 1
            if (stem := plural_stem(s.forms[0]))
        }
        if not peoples:
            return []
        return self._one_word_people(fields, spans, lambda form: plural_stem(form) in peoples)

    def _one_word_people(
        self, fields: list[_Field], spans: Sequence[Span], people: Callable[[str], bool]
    ) -> list[Span]:
        """One-word ``PER`` spans of the words in ``fields`` whose matching
        form ``people`` accepts and that no span in ``spans`` covers."""
        covered = _covered(spans)
        forms = self.lexicon.forms
        out = []
        for index, f in enumerate(fields):
            for i in f.word_index:
                form = forms[f.id_list[i]]
                if (index, i) not in covered and people(form):
                    out.append(
                        Span(index, f.starts[i], f.ends[i], "PER", CRF, None, NAME, (form,), i, i)
                    )
        return out

    def _in_competition(self, f: _Field, first: int) -> bool:
        """Whether the word before token ``first`` names a competition (كأس, أمم, أبطال)."""
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
            survivors = [s for s in field_crf if _keep_crf(s, field_kb)]
            kept.extend(survivors)
            kept.extend(self._named_after_people(f, field_kb, survivors))
            kept.extend(self._regions(f, [*field_kb, *survivors], survivors))
        # np.count_nonzero is a C call; ndarray.any() runs a Python-level
        # wrapper first (numpy's _methods).
        word_ids = np.concatenate([f.word_ids for f in fields]) if fields else None
        if word_ids is not None and np.count_nonzero(self._city_heads[word_ids]):
            for index, f in enumerate(fields):
                kept = self._after_city_nouns(index, f, kept)
        kept.extend(self._quoted_names(fields, kept))
        kept = self._propagate(fields, kept)
        covered = _covered(kept)
        kept = [self._with_lineage(fields[s.field], s, covered) for s in kept]
        kept = self._listed(fields, kept)
        kept.extend(self._regnal_names(fields, kept))
        kept.extend(self._after_rulers(fields, kept))
        kept.sort(key=lambda s: (s.field, s.start, -s.end))
        return _joined(kept)

    def _quoted_names(self, fields: list[_Field], spans: Sequence[Span]) -> list[Span]:
        """Organisations named in quotes right after an organisation noun
        without the article (شركة "مايكروسوفت", وكالة "ناسا") that no span
        in ``spans`` touches: the noun says what the quoted words name. One
        to three Arabic words, the first without the article (إدارة "الأجزاء
        الصلبة" quotes a phrase); not after a programme's noun (برنامج
        "مايكروسوفت وورد" names software)."""
        out = []
        forms, surfaces = self.lexicon.forms, self.lexicon.surfaces
        # Only the tokens before an opening quote can be the noun: found by
        # a per-type flag, not by a step per token (this runs on every article).
        for index, f in enumerate(fields):
            ids, words, size = f.id_list, f.words, len(f.id_list)
            covered: set[int] | None = None
            for i in self._opening_quotes[f.ids[1:]].nonzero()[0].tolist():
                if i >= size - 3 or not words[i] or words[i + 1]:
                    continue
                noun = forms[ids[i]]
                if definite(noun) or "ORG" not in triggers_of(noun):
                    continue
                if not _NOT_ORG_HEADS.isdisjoint(bare_candidates(noun)):
                    continue
                first = last = i + 2
                while last + 1 < size and words[last + 1] and last - first < _QUOTED_WORDS - 1:
                    last += 1
                closing = last + 1
                if (
                    closing >= size
                    or surfaces[ids[closing]] not in _CLOSING_QUOTES
                    or not all(words[first : last + 1])
                    or definite(surfaces[ids[first]])  # as written: إليكترونك is no ال
                    or not all(is_arabic(forms[ids[j]]) for j in range(first, last + 1))
                ):
                    continue
                if covered is None:
                    covered = _covered_in(spans, index)
                if any(j in covered for j in range(i, closing + 1)):
                    continue
                out.append(self._crf_span(index, f, first, last, "ORG"))
        return out

    def _crf_span(self, index: int, f: _Field, first: int, last: int, label: str) -> Span:
        """A name the rules read in field ``index`` (``f``), tokens ``first`` to
        ``last``: labelled as the CRF's own spans are, for what follows."""
        start, end, forms = f.starts[first], f.ends[last], self._span_forms(f, first, last)
        return Span(index, start, end, label, CRF, None, NAME, forms, first, last)

    def _regnal_names(self, fields: list[_Field], spans: Sequence[Span]) -> list[Span]:
        """Regnal names that nothing tagged after a ruler's title (الخليفة
        المعتضد بالله, الخليفة الفاطمي العزيز بالله, الآمر بأحكام الله): a
        word with the article and بالله, or بأمر, بأحكام or لدين and الله,
        the title just before, or before adjectives with the article. Without
        the title such a phrase is a prayer's (الإيمان بالله, إلا بالله)."""
        out = []
        forms = self.lexicon.forms
        for index, f in enumerate(fields):
            marks = self._regnal_marks[f.word_ids].nonzero()[0].tolist()
            if not marks:
                continue
            covered = _covered_in(spans, index)
            ids, words = f.id_list, f.word_index
            for n in marks:
                i = words[n]
                form = forms[ids[i]]
                if form == _BY_GOD:
                    last = i
                elif (
                    form in _BY_GODS_WORD
                    and n + 1 < len(words)
                    and forms[ids[words[n + 1]]] == _GOD
                ):
                    last = words[n + 1]
                else:
                    continue
                if n < 2 or not definite(forms[ids[words[n - 1]]]):
                    continue
                first = words[n - 1]
                before = n - 2
                while (
                    before > 0
                    and not is_title(forms[ids[words[before]]])
                    and definite(forms[ids[words[before]]])
                ):
                    before -= 1
                if not is_title(forms[ids[words[before]]]) or any(
                    i in covered for i in range(first, last + 1)
                ):
                    continue
                out.append(self._crf_span(index, f, first, last, "PER"))
        return out

    def _after_rulers(self, fields: list[_Field], spans: Sequence[Span]) -> list[Span]:
        """A ruler's epithet that nothing tagged right after his title
        (الخليفة المستنصر, الملك الأشرف): a word with the article that the
        news does not know, after الخليفة, السلطان, الملك, الأمير, الشيخ or
        الإمام, and no nisba (الخليفة الفاطمي is a dynasty's caliph)."""
        out = []
        forms = self.lexicon.forms
        infos = word_infos()
        for index, f in enumerate(fields):
            titles = self._ruler_titles[f.word_ids].nonzero()[0].tolist()
            if not titles:
                continue
            covered = _covered_in(spans, index)
            ids, words = f.id_list, f.word_index
            for n in (title + 1 for title in titles if title + 1 < len(words)):
                i = words[n]
                form = forms[ids[i]]
                if (
                    i in covered
                    or not form.startswith(ARTICLE)
                    or form.endswith(_NISBA)
                    or form in infos
                    or (n > 1 and forms[ids[words[n - 2]]] == _ABD)
                ):
                    continue
                out.append(
                    Span(index, f.starts[i], f.ends[i], "PER", CRF, None, NAME, (form,), i, i)
                )
        return out

    def _listed(self, fields: list[_Field], spans: list[Span]) -> list[Span]:
        """``spans`` with the one-word names of lists between two names of one
        type (العراق والشام وشمال أفريقيا, المسيحيين و الهنود و الصينيين),
        joined to both by و or a comma: a word nothing tagged, if rare enough
        in the news to be a name (see :func:`~streams.ner.words.name_like`), is one more, and a
        one-word name the CRF gave another type takes the list's (دمشق
        وقرطبة والقدس: the CRF read قرطبة as a person)."""
        out = list(spans)
        forms = self.lexicon.forms
        for index, f in enumerate(fields):
            mine = [n for n, s in enumerate(spans) if s.field == index]
            names = [spans[n] for n in mine if spans[n].role == NAME]
            if len(names) < 2:
                continue
            cover: dict[int, int] = {}  # spans over each token (a Counter's calls cost more)
            for n in mine:
                for i in range(spans[n].first, spans[n].last + 1):
                    cover[i] = cover.get(i, 0) + 1
            alone = {
                spans[n].first: n
                for n in mine
                if spans[n].first == spans[n].last and spans[n].source != KB
            }
            starting = {s.first: s.label for s in names}
            ids, size = f.id_list, len(f.id_list)
            for left in names:
                i = left.last + 1
                if i + 1 >= size:
                    continue
                if forms[ids[i]] in _LIST_MARKS:
                    i += 1  # X و Y, X، Y
                    if i + 1 >= size or forms[ids[i]].startswith(AND):
                        continue
                elif not forms[ids[i]].startswith(AND):
                    continue  # X وY
                form, after = forms[ids[i]], forms[ids[i + 1]]
                if not f.words[i] or form in _LIST_MARKS:
                    continue
                if after in _LIST_MARKS:
                    right = starting.get(i + 2)
                else:
                    right = starting.get(i + 1) if after.startswith(AND) else None
                if right != left.label or not name_like(preferred_bare(form)):
                    continue
                if i not in cover:
                    out.append(
                        Span(index, f.starts[i], f.ends[i], right, LIST, None, NAME, (form,), i, i)
                    )
                elif cover[i] == 1 and i in alone and spans[alone[i]].label != right:
                    out[alone[i]] = spans[alone[i]]._replace(label=right)
        return out

    def _with_lineage(self, f: _Field, span: Span, covered: set[tuple[int, int]]) -> Span:
        """A person's span with the lineage right after it that no span
        holds (by field and token in ``covered``): بن, ابن or بنت and the
        father's name (مروان [بن الحكم], عبد الملك [بن مروان]), with its
        first part (بن [عبد الملك]), as many times as it goes on."""
        if span.label != "PER" or span.source == KB:
            return span
        forms, words, ids = self.lexicon.forms, f.words, f.id_list
        last, end = span.last, len(ids)

        def free(i: int) -> bool:
            return i < end and words[i] and (span.field, i) not in covered

        while free(last + 1) and free(last + 2) and forms[ids[last + 1]] in LINEAGE:
            last += 2
            if forms[ids[last]] in _PART_HEADS and free(last + 1):
                last += 1
        if last == span.last:
            return span
        return span._replace(
            end=f.ends[last],
            forms=(*span.forms, *self._span_forms(f, span.last + 1, last)),
            last=last,
        )

    def _after_city_nouns(self, index: int, f: _Field, found: list[Span]) -> list[Span]:
        """``found`` with the one-word places named by a city noun before
        them (مدينة الري, بلدة القطائع) in field ``index``: a word rare in the
        news and no trigger, right after مدينة or بلدة without the article,
        that nothing else tagged, or that the CRF tagged a place alone or
        with the noun (مدينة السلام → السلام: the noun is no part of the
        name, as in AQMAR and the KB's cities). All come from :data:`CITY`,
        and spread through the document."""
        heads = self._city_heads[f.word_ids].nonzero()[0].tolist()
        if not heads:
            return found
        at = {s.first: n for n, s in enumerate(found) if s.field == index}
        covered = _covered_in(found, index)
        forms, words = self.lexicon.forms, f.word_index
        out = list(found)
        for j in heads:
            if j + 1 >= len(words) or words[j + 1] != words[j] + 1:
                continue  # punctuation between
            token, noun = words[j + 1], words[j]
            span = found[at[noun]] if noun in at else None
            if span and span.source == CRF and span.label == "LOC" and span.last == token:
                out[at[noun]] = span._replace(
                    start=f.starts[token], source=CITY, forms=span.forms[1:], first=token
                )
                continue
            if token in covered:
                span = found[at[token]] if token in at else None
                if span and span.source == CRF and span.label == "LOC" and span.last == token:
                    out[at[token]] = span._replace(source=CITY)
                continue
            form = forms[f.id_list[token]]
            if len(form) < 3 or not name_like(form):
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

        def organisation(form: str) -> str | None:
            if "ORG" not in triggers_of(form):
                return None
            return None if not _NOT_ORG_HEADS.isdisjoint(bare_candidates(form)) else "ORG"

        return self._named_after(f, kb_spans, "LOC", crf_spans, organisation)

    def _named_after_people(
        self, f: _Field, kb_spans: Sequence[Span], crf_spans: Sequence[Span]
    ) -> list[Span]:
        """Places and organisations named after a person (مسجد ابن طولون,
        جامع عمرو بن العاص, جيش ابن أبي طالب): a person's span right after
        a place or organisation noun without the article, in construct with
        it, makes a span of both of the noun's class (the CRF tags such
        names after people as the person alone). The person is kept too,
        nested, as a KB place inside an organisation is. Not after a noun of a
        state or rule (:data:`_POLITIES`): دولة بني طولون is the dynasty's
        reign, and AQMAR tags the people alone."""
        return self._named_after(f, (*kb_spans, *crf_spans), "PER", crf_spans, _named_after_people)

    def _named_after(
        self,
        f: _Field,
        named: Sequence[Span],
        label: str,
        crf_spans: Sequence[Span],
        kind_of: Callable[[str], str | None],
    ) -> list[Span]:
        """Spans of a noun and the name of ``label`` right after it, of the
        class ``kind_of`` gives the noun's matching form (None: no such
        noun): the two in construct, so the noun without the article, and
        no CRF span over the noun already."""
        out = []
        forms, words = self.lexicon.forms, f.words
        for name in named:
            head = name.first - 1
            if name.label != label or name.role != NAME or head < 0 or not words[head]:
                continue
            form = forms[f.id_list[head]]
            kind = None if definite(form) else kind_of(form)
            if kind is None or any(s.first <= head <= s.last for s in crf_spans):
                continue
            out.append(
                Span(
                    name.field,
                    f.starts[head],
                    name.end,
                    kind,
                    CRF,
                    None,
                    NAME,
                    (form, *name.forms),
                    head,
                    name.last,
                )
            )
        return out

    def _regions(self, f: _Field, places: Sequence[Span], crf_spans: Sequence[Span]) -> list[Span]:
        """Regions named by compass directions around a place (شمال إيطاليا,
        وسط آسيا, جنوب شرق آسيا; ألمانيا الغربية), as AQMAR and the KB's own
        regions (شرق آسيا, كوريا الجنوبية) name them, where the CRF left the
        directions out: one place of the directions (nouns without the
        article before, adjectives with it after) and the place, the place
        kept inside (linking still finds إيطاليا in شمال إيطاليا). A region
        does not spread through the document (:meth:`_propagate`): spread,
        it would replace the place the CRF found inside its other mentions."""
        out = []
        forms, words, ids = self.lexicon.forms, f.words, f.id_list
        for place in places:
            if place.label != "LOC" or place.role != NAME:
                continue
            first, last = place.first, place.last
            while first > 0 and words[first - 1]:
                form = forms[ids[first - 1]]
                if _DIRECTIONS.isdisjoint(bare_candidates(form)) or definite(form):
                    break
                first -= 1
            if (
                last + 1 < len(ids)
                and words[last + 1]
                and forms[ids[last + 1]] in _DIRECTION_ADJECTIVES
            ):
                last += 1
            if (first, last) == (place.first, place.last) or any(
                s.first < first <= s.last or s.first <= last < s.last for s in crf_spans
            ):
                continue  # no direction, or a CRF span across the region's edge
            out.append(
                place._replace(
                    start=f.starts[first],
                    end=f.ends[last],
                    source=REGION,
                    entity=None,
                    forms=self._span_forms(f, first, last),
                    first=first,
                    last=last,
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
            if match.role == DEMONYM and self._given_name_after_title(f, first, last):
                continue
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

    def _given_name_after_title(self, f: _Field, first: int, last: int) -> bool:
        """Whether the one-word demonym at ``first`` is a given name: without
        the article right after a person's title with it, it cannot be the
        title's adjective, which would agree in definiteness (الرئيس
        الأمريكي), so it names the person (الأمير تركي الفيصل)."""
        forms, ids = self.lexicon.forms, f.id_list
        before = first - 1
        return (
            first == last
            and before >= 0
            and f.words[before]
            and not definite(forms[ids[first]])
            and definite(forms[ids[before]])
            and is_title(forms[ids[before]])
        )

    def _before_adverbial(self, f: _Field, first: int, last: int) -> int:
        """The last word of span ``first..last`` without the adverbials
        after it (:func:`~streams.ner.words.adverbial`: دخل أبو عبيدة صلحا,
        ريال متراجعا, ريال بارتفاع in a market report); never its first word."""
        forms, ids = self.lexicon.forms, f.id_list
        while last > first and adverbial(forms[ids[last]]):
            last -= 1
        return last

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
                if first == last:
                    first = self._given_name_before(f, first, out[index])
                if first == last:
                    last = self._surname_after(f, last)
                last = self._before_eulogy(f, first, last)
                last = self._before_adverbial(f, first, last)
                parts = self._coordinated(f, first, last)
            else:
                last = self._before_adverbial(f, first, last)
                parts = [(first, self._past_link(f, last, _NAME_PREFIXES))]
            spans = out[index]
            for first, last in parts:
                if first > last:
                    continue
                label = kind
                if spans and spans[-1].last >= first:  # the one before took this one's first word
                    previous = spans.pop()
                    first, last, label = previous.first, max(last, previous.last), previous.label
                spans.append(self._crf_span(index, f, first, last, label))
        return out

    def _given_name_before(self, f: _Field, first: int, spans: Sequence[Span]) -> int:
        """The first token of a one-word person's span at ``first``, back over
        a given name right before it (:func:`~streams.ner.words.given_name`:
        إسحاق نيوتن, خورخي فالدانو, كين طومسون) that no span in ``spans`` (the
        field's so far) holds: the CRF often tags a foreign surname it has
        context for and leaves out the given name before it, and the surname
        alone then spreads as the name. Not a word with the article (an
        adjective: المدرب الجديد), a title, a trigger noun or a known word
        with an affix (:func:`~streams.ner.words.affixed_word`: ونائبه, his
        deputy), and not before a word with the article, which is no
        surname the CRF cut from its given name (لورانس العرب: العرب would
        then spread as a surname)."""
        before = first - 1
        if (
            before < 0
            or not f.words[before]
            or (spans and spans[-1].last >= before)
            or definite(self.lexicon.forms[f.id_list[first]])
        ):
            return first
        form = self.lexicon.forms[f.id_list[before]]
        if (
            definite(form)
            or is_title(form)
            or triggers_of(form)
            or affixed_word(self.lexicon.surfaces[f.id_list[before]], form)
            or not given_name(form)
        ):
            return first
        return before

    def _surname_after(self, f: _Field, last: int) -> int:
        """The last token of a one-word person's span ending at ``last``,
        forward over the surname right after a given name (:func:`~streams.ner.words.given_name`:
        يوسف كالا, بدر الجمالى, سيمون برودكين): a word the news has seldom
        (under :data:`~streams.ner.words.KNOWN_WORD_COUNT`) or not at all,
        no title, trigger, name link or و + word (the next name of a list),
        and no known word with an affix (:func:`~streams.ner.words.affixed_word`:
        a verb or a noun of the sentence). The CRF often tags the given name
        it knows and stops before a surname it has never seen."""
        after = last + 1
        forms = self.lexicon.forms
        if after >= len(f.id_list) or not f.words[after] or not given_name(forms[f.id_list[last]]):
            return last
        form = forms[f.id_list[after]]
        info = word_infos().get(form)
        if (
            (info is not None and info.count >= KNOWN_WORD_COUNT)
            or not is_arabic(form)
            or form.startswith(AND)
            or form in _NAME_LINKS
            or is_title(form)
            or triggers_of(form)
            or affixed_word(self.lexicon.surfaces[f.id_list[after]], form)
        ):
            return last
        return after

    def _before_eulogy(self, f: _Field, first: int, last: int) -> int:
        """The last token of a person's span from ``first`` to ``last`` once a
        eulogy after the name is left out (علي بن أبي طالب كرم الله وجهه,
        رضي الله عنه, رحمه الله): a verb of blessing followed by الله,
        inside the span or at its end (the CRF tags كرم alone too, which
        would spread); before ``first`` if the span begins with one."""
        forms, ids = self.lexicon.forms, f.id_list
        for i in range(first, min(last + 1, len(ids) - 1)):
            if forms[ids[i]] in _EULOGIES and forms[ids[i + 1]] == _GOD:
                return i - 1
        return last

    def _coordinated(self, f: _Field, first: int, last: int) -> list[tuple[int, int]]:
        """The names of a person's span from ``first`` to ``last`` that joins
        several with و (أرسطو وبطليموس, لويس فيغو وجواو بينتو): one span
        each, the و-word beginning the next (see :func:`~streams.ner.words.conjoins`). A
        word after the و that does not begin a name (:func:`~streams.ner.words.begins_name`:
        دي وأستطاع, آل سعود وسمو ولي العهد) ends the span, as a conjunction
        ends a name in linking (:func:`~streams.ner.names.trim`); a name
        after a name link is no other name (آل وديان, بن وهب). A word
        with a possessive suffix (:func:`~streams.ner.words.suffixed`: عبد الملك بن مروان خلفه
        ابنه الوليد) is in no name: the names on either side of it are spans
        of their own."""
        parts = []
        surfaces, forms, ids = self.lexicon.surfaces, self.lexicon.forms, f.id_list
        for i in range(first + 1, last + 1):
            if not f.words[i]:
                continue
            if suffixed(surfaces[ids[i]], forms[ids[i]]):
                parts.append((first, i - 1))
                first = i + 1
            elif i > first and conjoins(surfaces[ids[i]], forms[ids[i]]):
                if not begins_name(forms[ids[i]][1:]):
                    return [*parts, (first, i - 1)]
                if _PERSON_LINKS.isdisjoint(bare_candidates(forms[ids[i - 1]])):
                    parts.append((first, i - 1))
                    first = i
        parts.append((first, last))
        return [(a, b) for a, b in parts if a <= b]

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
        never after a title (see :func:`~streams.ner.words.name_part_like`); and no word the
        news knows (:data:`~streams.ner.words.KNOWN_WORD_COUNT`) spreads alone unless it reads as
        a name (see :func:`~streams.ner.words.reads_as_name`). A last word with the
        article is a surname or nisba only after a name (أبو بكر الرازي, محمد
        الغامدي, see :func:`_follows_a_name`); after a word the news lacks and
        whose letters are no person's it is a common noun the CRF took into the
        span (ايون الهيدروجين), and spread it would be tagged all through the
        document (15 times in AQMAR's Periodic_Table).
        """
        votes: dict[tuple[str, ...], dict[str, int]] = {}
        # One-word places spread only when a city noun named them.
        from_city = {span.forms for span in found if span.source == CITY}
        for span in found:
            if span.source in (CRF, CITY):
                vote(votes.setdefault(span.forms, {}), span.label)
        votes = {
            name: counter
            for name, counter in votes.items()
            if len(name) > 1
            or name in from_city
            or (
                majority(counter) in _SPREAD_SINGLE
                and name_like(name[0])
                and reads_as_name(name[0])
            )
        }
        for name, counter in list(votes.items()):
            if len(name) > 1 and majority(counter) == "PER":
                for part in {name[0], name[-1]}:
                    if part == name[-1] and definite(part) and not _follows_a_name(name):
                        continue
                    if part not in _NAME_LINKS and name_part_like(part) and reads_as_name(part):
                        vote(votes.setdefault((part,), {}), "PER")
        if not votes:
            return found
        by_key: dict[str, list[tuple[str, ...]]] = {}
        for name in votes:
            for key in bare_candidates(name[0]):
                # A one-word name found with a proclitic (بسنة) must not
                # spread as the common word it strips to (سنة).
                if len(name) == 1 and key != name[0] and not name_part_like(key):
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
            # ndarray.any(axis=1) without its Python-level wrapper:
            ends_like_key = np.logical_or.reduce(key_tails[self._tails[f.word_ids]], axis=1)
            positions = ends_like_key.nonzero()[0].tolist()
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
        title alone is no name (past ``last`` then). A title just before the
        span counts too: the CRF often leaves the title out but keeps its
        complement (الخليفة [الأموي عمر] → عمر, العالم [الإنجليزي تومسون]
        → تومسون); الملك after عبد is a name's part, no title."""
        index = [i for i in range(first, last + 1) if f.words[i]]
        forms = self.lexicon.forms
        before = first - 1
        if (
            before >= 0
            and f.words[before]
            and is_title(forms[f.id_list[before]])
            and not (before > 0 and forms[f.id_list[before - 1]] == _ABD)
        ):
            index.insert(0, before)
        trimmed = trim(tuple(forms[f.id_list[i]] for i in index), "PER")
        return last + 1 if trimmed is None else max(first, index[trimmed[0]])

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
        """Type id of :data:`~streams.ner.features.PAD`, interned once per
        lexicon cycle (ids restart after a trim: :meth:`_add_types` forgets it)."""
        if self._pad_id < 0:
            self._pad_id = int(self.lexicon.ids([PAD])[0])
        return self._pad_id

    def _add_types(self, first: int, surfaces: list[str], type_forms: list[str]) -> None:
        """Per-type data of newly interned types ``first``, ``first + 1``, ..."""
        end = first + len(surfaces)
        if end > len(self._starts_name):
            capacity = max(end, 2 * len(self._starts_name), 1024)
            self._starts_name = grown(self._starts_name, capacity)
            self._city_heads = grown(self._city_heads, capacity)
            self._ruler_titles = grown(self._ruler_titles, capacity)
            self._regnal_marks = grown(self._regnal_marks, capacity)
            self._opening_quotes = grown(self._opening_quotes, capacity)
            self._tails = grown(self._tails, capacity)
            self._emissions = grown(self._emissions, capacity)
        entries = self.gazetteer.entries(surfaces, type_forms)
        self._entries[first:] = entries
        self._starts_name[first:end] = [entry.starts_names for entry in entries]
        self._city_heads[first:end] = [is_city_noun(form) for form in type_forms]
        self._ruler_titles[first:end] = [
            not _RULERS.isdisjoint(bare_candidates(form)) for form in type_forms
        ]
        self._opening_quotes[first:end] = [s in _OPENING_QUOTES for s in surfaces]
        self._regnal_marks[first:end] = [
            form == _BY_GOD or form in _BY_GODS_WORD for form in type_forms
        ]
        if not first:  # the lexicon starts afresh
            self._tail_ids.clear()
            self._form_types.clear()
            self._pad_id = -1
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


def _covered(spans: Iterable[Span]) -> set[tuple[int, int]]:
    """``(field, token)`` of every token inside one of ``spans``."""
    return {(s.field, i) for s in spans for i in range(s.first, s.last + 1)}


def _covered_in(spans: Iterable[Span], field: int) -> set[int]:
    """The tokens of field ``field`` inside one of ``spans``."""
    return {i for s in spans if s.field == field for i in range(s.first, s.last + 1)}


def vote(votes: dict[str, int], label: str) -> None:
    """One more vote for ``label``. Votes are a plain dict, not a
    ``Counter``: its constructor and missing-key hook run as interpreted
    Python, which the compiled tagger (:mod:`streams.ner.native`) paid for
    on every span."""
    votes[label] = votes.get(label, 0) + 1


def majority(votes: dict[str, int]) -> str:
    """The label with most votes, the first counted on a tie: what
    ``Counter.most_common(1)`` gives, without its heap machinery."""
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


def _named_after_people(form: str) -> str | None:
    """The class of the places or organisations a noun (a matching form)
    names after people (مسجد, جامع: ``LOC``; جيش: ``ORG``), or None: a
    trigger of one such class and no state's noun (:data:`_POLITIES`)."""
    kinds = [kind for kind in triggers_of(form) if kind != "PER"]
    if len(kinds) != 1 or not _POLITIES.isdisjoint(bare_candidates(form)):
        return None
    return kinds[0]


def _follows_a_name(name: tuple[str, ...]) -> bool:
    """Whether the last word of a person's name (matching forms ``name``)
    follows a name: a name link before it (أبو بكر الرازي, ابن النفيس), or
    a first word that the news has, proclitics aside (محمد الغامدي, ونايف
    البلوي), or that is spelt like a person's name
    (:func:`~streams.ner.words.spelt_like_a_person`)."""
    first = name[0]
    return (
        not _NAME_LINKS.isdisjoint(name[:-1])
        or any(map(word_infos().__contains__, bare_candidates(first)))
        or spelt_like_a_person(first)
    )


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


def _chunks(
    labels: Sequence[str], states: np.ndarray, ends: Sequence[int]
) -> Iterator[tuple[int, int, int, str]]:
    """``(unit, first, last, type)`` of the chunks of labels ``states`` of
    units ending at ``ends``, in order: as :func:`streams.ner.evaluate.chunks`
    cuts each unit (``I-X`` continues only a chunk of ``X``), found from the
    few tokens labelled other than O instead of a step per token."""
    tagged = (states != labels.index(OUTSIDE)).nonzero()[0]
    positions = tagged.tolist()
    # Few tokens are tagged: a bisection each beats np.searchsorted, whose
    # Python-level wrapper and list-to-array conversion cost more.
    units = [bisect_right(ends, position) for position in positions]
    kind, unit, first, last = "", -1, -1, -1
    for position, position_unit, state in zip(
        positions, units, states[tagged].tolist(), strict=True
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


def _joined(spans: list[Span]) -> list[Span]:
    """``spans`` (sorted) with each run of people's spans found side by side,
    no word or mark between them and none from the KB, as one person (حسام
    الدين لاجين: a laqab and the name; أبو بكر محمد بن يحيى: a kunya and
    the name; and the halves of a long name the CRF cut, سيف يوسف أحمد
    الفلاسي): two people are joined by و or a comma. Not after one word with
    the article (a title or a place the CRF misread: المنشد, الغاط) or a
    title (المستشارين الدكتور), nor before one word that reads as ل or ب
    and a word the news knows (للصحفيين, لتميزه): those are misread words,
    which would spoil the name they join."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and span.label == "PER"
            and last.label == "PER"
            and KB not in (span.source, last.source)
            and span.field == last.field
            and span.first == last.last + 1
            and not span.forms[0].startswith(AND)
            and not (len(last.forms) == 1 and definite(last.forms[0]))
            and not is_title(last.forms[-1])
            and not (len(span.forms) == 1 and preposition_and_word(span.forms[0]))
        ):
            out[-1] = last._replace(
                end=span.end, source=CRF, forms=(*last.forms, *span.forms), last=span.last
            )
        else:
            out.append(span)
    return out


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
