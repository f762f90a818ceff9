"""Tag stage: find knowledge-base entities in an article's title and body.

A gazetteer matcher, generic over :class:`~streams.kb.KbEntity` records: every
name of every entity is tokenised and reduced to token matching forms
(:func:`streams.text.normalize.matching_form`) once, when the :class:`Tagger`
is built, into a dict keyed by the first token. Tagging an article is then
one pass over its tokens with a dict look-up each, so its cost is
O(tokens × longest name) however big the KB grows.

Matching rules, and why:

* Tokens are maximal runs of letters, digits and combining marks, located by
  one regex pass so that every mention carries character offsets into the
  text it was found in. The boundaries are essentially those of camel-tools'
  ``simple_word_tokenize`` (whitespace, Unicode punctuation and symbols),
  which gives no offsets and took 3 ms on the 480-word seed article alone.
* Tokens compare by matching form, so diacritics and alef/alef-maksura/
  teh-marbuta variants never prevent a match; Latin case is folded too, then
  checked by the rule below.
* Arabic attaches proclitics to the next word. On the *first* token of a
  name the matcher also tries the token without و/ف (and), then ب/ل/ك
  (in, for, like), and ل+ال contracted to لل (للهند = ل + الهند), so
  لروسيا, بالهند and والهند all match. Names that start with the article ال
  also match without it (العراق and عراق, as in عراق ما بعد صدام), but only
  with no proclitic (فيمن is "in whom", not ف + يمن) and unless a stop
  phrase says the form is a common word (هند, يمن, كاميرون). A form left
  with fewer than three letters once proclitics and article are removed is
  never matched: too many short words would collide with names. Non-first
  tokens must match as written (والهرسك in البوسنة والهرسك). A first token
  with tanween is an indefinite noun or adjective (سورياً "a Syrian"), never
  a name.
* Latin matches are whole-token and keep the name's capitalisation as a
  constraint: a capitalised name token needs a capitalised text token, an
  all-capitals one (US, UK, UN) needs all capitals. So "turkey sandwich" and
  "chad" are not countries, while "UNITED STATES" in a headline is.
* A multi-token name may span spaces, hyphens, "&", "/", apostrophes and a
  full stop (for abbreviations: "U.S.", "St. Lucia"; a name split across two
  sentences is rare enough), never a comma, colon, bracket, quote or line
  break.
* Longest match wins, left to right: الولايات المتحدة is one mention of the
  United States, never also a partial match. Stop phrases (KB data too) take
  part in this like names but emit nothing, so "Latin America" never yields
  the United States via "America", and an ambiguous word such as عمان
  (Oman or Amman) is not guessed at. A name that two entities share is
  treated as a stop phrase for the same reason.

A mention's span covers whole tokens as written, proclitics included
("لروسيا", "والهند"): offsets then point at real words of the text, and
``text[start:end]`` is exactly the mention's ``text``. Punctuation around
tokens stays outside it: "Ukraine's" gives "Ukraine", "U.S." gives "U.S".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple, TypedDict

from streams.kb import KbEntity
from streams.kb.countries import country_entities, country_stop_phrases
from streams.slug import entity_topic
from streams.text.normalize import clean_text, matching_form

STAGE = "tag"

# A letter or digit, then word characters and combining marks (Latin,
# Arabic harakat, Quranic annotation marks). Tatweel is a letter to `\w` but
# never starts a token, so no token can normalise to nothing; a "_" inside a
# token only makes its form unmatchable. One character class per position
# keeps this pass, the bulk of a warm tagging call, as fast as `\w+`.
_TOKEN_RE = re.compile(
    r"[^\W_\u0640][\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670"
    r"\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]*"
)
# What may separate two tokens of one name (see the module docstring).
_JOINER_RE = re.compile(r"[^\S\n]*(?:[-‐‑–&/'’.][^\S\n]*)?")

# Proclitic sequences that can precede a noun: conjunction, preposition or
# both. Longest first only for readability; every applicable one is tried.
_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
_CONJUNCTIONS = ("", "و", "ف")
_ARTICLE = "ال"
_LAM_ARTICLE = "لل"  # ل + ال, with the article's alef dropped
_MIN_CORE_LETTERS = 3
# Tanween marks an indefinite noun or adjective (سورياً "a Syrian",
# بريطانياً "British"); names in the KB never take it.
_TANWEEN_RE = re.compile("[\u064b-\u064d]")

# Latin case constraints of a name token.
_ANY_CASE, _CAPITALISED, _ALL_CAPS = 0, 1, 2

# Token infos cached per tagger, cleared wholesale when this big (~25 MB);
# a day of SaudiNewsNet (2,050 articles, 600k tokens) has 77k distinct tokens.
_CACHE_MAX = 1 << 17


class Mention(TypedDict):
    """One occurrence: ``text`` is exactly ``<field's text>[start:end]``."""

    field: str
    start: int
    end: int
    text: str


class EntityTag(TypedDict):
    """One entity found in an article, as published with it."""

    id: str
    type: str
    name: str
    name_ar: str
    slug: str
    topic: str
    count: int
    mentions: list[Mention]


class _Pattern(NamedTuple):
    """A name in the index, minus its first token (the index key)."""

    rest: tuple[str, ...]
    cases: tuple[int, ...]
    entity: KbEntity | None  # None: a stop phrase
    bare: bool  # the name's article was removed to make the key


class _Token(NamedTuple):
    """What a distinct token surface means to this tagger."""

    form: str
    patterns: tuple[_Pattern, ...]  # names it may start, longest first


class Tagger:
    """Finds the names of ``entities`` in text; build once, use for every article."""

    def __init__(self, entities: Iterable[KbEntity], stop_phrases: Iterable[str] = ()) -> None:
        by_key: dict[tuple[str, ...], _Pattern] = {}
        shared: set[tuple[str, ...]] = set()
        for entity in entities:
            for name in entity.names:
                _add_name(by_key, shared, name, entity)
        for phrase in stop_phrases:
            _add_name(by_key, shared, phrase, None)
        index: dict[str, list[_Pattern]] = {}
        for key, pattern in by_key.items():
            index.setdefault(key[0], []).append(pattern)
        self._index = index
        self._tokens: dict[str, _Token] = {}
        self.shared_names: frozenset[tuple[str, ...]] = frozenset(shared)
        """Matching forms that several entities claim; never tagged."""

    def tag(self, title: str, body: str, *, topic_prefix: str = "") -> list[EntityTag]:
        """Entities in ``title`` and ``body`` (display-form text), by first mention.

        Offsets are character offsets into the strings given.
        """
        found: dict[str, tuple[KbEntity, list[Mention]]] = {}
        for field, text in (("title", title), ("body", body)):
            for entity, start, end in self._scan(text):
                mention: Mention = {
                    "field": field,
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                }
                found.setdefault(entity.id, (entity, []))[1].append(mention)
        return [
            {
                "id": entity.id,
                "type": entity.type,
                "name": entity.name_en,
                "name_ar": entity.name_ar,
                "slug": entity.slug,
                "topic": entity_topic(entity.type, entity.slug, topic_prefix),
                "count": len(mentions),
                "mentions": mentions,
            }
            for entity, mentions in found.values()
        ]

    def _scan(self, text: str) -> list[tuple[KbEntity, int, int]]:
        """Longest matches, left to right, as (entity, start, end)."""
        spans = [match.span() for match in _TOKEN_RE.finditer(text)]
        surfaces = [text[start:end] for start, end in spans]
        tokens = self._lookup(surfaces)
        found = []
        free = 0  # tokens before this one belong to a match already
        for i, token in enumerate(tokens):
            if not token.patterns or i < free:
                continue
            for pattern in token.patterns:
                if _matches(pattern, i, text, spans, surfaces, tokens):
                    free = i + 1 + len(pattern.rest)
                    if pattern.entity is not None:
                        found.append((pattern.entity, spans[i][0], spans[free - 1][1]))
                    break
        return found

    def _lookup(self, surfaces: Sequence[str]) -> list[_Token]:
        cache = self._tokens
        if len(cache) > _CACHE_MAX:
            cache.clear()
        missing = [surface for surface in dict.fromkeys(surfaces) if surface not in cache]
        for surface, form in zip(missing, _forms(missing), strict=True):
            cache[surface] = _Token(form, self._patterns_starting(surface, form))
        return [cache[surface] for surface in surfaces]

    def _patterns_starting(self, surface: str, form: str) -> tuple[_Pattern, ...]:
        if _TANWEEN_RE.search(surface):
            return ()
        patterns = [
            pattern
            for key, stripped in _first_token_keys(form)
            for pattern in self._index.get(key, ())
            if not (stripped and pattern.bare)
        ]
        # Stable: for equal lengths the token as written beats a stripped form.
        patterns.sort(key=lambda pattern: -len(pattern.rest))
        return tuple(patterns)


@cache
def get_tagger() -> Tagger:
    """The process-wide tagger over the country KB (built on first use)."""
    return Tagger(country_entities(), stop_phrases=country_stop_phrases())


def _add_name(
    by_key: dict[tuple[str, ...], _Pattern],
    shared: set[tuple[str, ...]],
    name: str,
    entity: KbEntity | None,
) -> None:
    surfaces = _TOKEN_RE.findall(clean_text(name))
    if not surfaces:
        return
    forms = _forms(surfaces)
    # Stop phrases block in any case: blocking too much is their purpose.
    cases = tuple(_case_rule(surface) if entity else _ANY_CASE for surface in surfaces)
    keys = [(tuple(forms), False)]
    first = forms[0]
    if first.startswith(_ARTICLE) and len(first) - len(_ARTICLE) >= _MIN_CORE_LETTERS:
        keys.append(((first[len(_ARTICLE) :], *forms[1:]), True))
    for key, bare in keys:
        old = by_key.get(key)
        if entity is None or old is None:
            by_key[key] = _Pattern(key[1:], cases, entity, bare)
        elif old.entity is None:
            continue  # a stop phrase or a shared name stays one
        elif old.entity.id != entity.id:
            shared.add(key)
            by_key[key] = _Pattern(key[1:], cases, None, bare)
        else:  # the same entity spelt twice: keep the looser rules
            cases = tuple(map(min, old.cases, cases))
            by_key[key] = old._replace(cases=cases, bare=old.bare and bare)


def _forms(surfaces: Sequence[str]) -> list[str]:
    """Matching forms of tokens, in one :func:`matching_form` call when possible.

    One call over the joined tokens costs a fraction of one call per token.
    It is exact whenever it yields one form per token: a token starts with a
    letter or digit, which normalisation keeps, so a token can split into
    more forms (an unusual mark inside it) but never vanish, and a count
    that matches means no token split.
    """
    if not surfaces:
        return []
    forms = matching_form(" ".join(surfaces)).split(" ")
    if len(forms) == len(surfaces):
        return forms
    return [matching_form(surface) for surface in surfaces]


def _first_token_keys(form: str) -> list[tuple[str, bool]]:
    """Index keys a name's first token may have when written as ``form``,
    each with whether proclitics were stripped to get it."""
    if not form or not "\u0600" <= form[0] <= "\u06ff":
        return [(form, False)]
    stripped = [form[len(proclitic) :] for proclitic in _PROCLITICS if form.startswith(proclitic)]
    for conjunction in _CONJUNCTIONS:
        contracted = conjunction + _LAM_ARTICLE
        if form.startswith(contracted):
            stripped.append(_ARTICLE + form[len(contracted) :])
    return [
        (form, False),
        *((key, True) for key in stripped if _core_letters(key) >= _MIN_CORE_LETTERS),
    ]


def _core_letters(form: str) -> int:
    return len(form) - len(_ARTICLE) if form.startswith(_ARTICLE) else len(form)


def _case_rule(surface: str) -> int:
    if len(surface) > 1 and surface.isupper():
        return _ALL_CAPS
    return _CAPITALISED if surface[0].isupper() else _ANY_CASE


def _case_ok(surface: str, rule: int) -> bool:
    if rule == _ALL_CAPS:
        return surface.isupper()
    return rule == _ANY_CASE or surface[0].isupper()


def _matches(
    pattern: _Pattern,
    i: int,
    text: str,
    spans: Sequence[tuple[int, int]],
    surfaces: Sequence[str],
    tokens: Sequence[_Token],
) -> bool:
    """Whether ``pattern`` matches the tokens from ``i`` (its key already did)."""
    last = i + len(pattern.rest)
    if last >= len(tokens):
        return False
    for j, form in enumerate(pattern.rest, i + 1):
        if tokens[j].form != form:
            return False
        gap = text[spans[j - 1][1] : spans[j][0]]
        if gap != " " and not _JOINER_RE.fullmatch(gap):
            return False
    return all(_case_ok(surfaces[i + k], rule) for k, rule in enumerate(pattern.cases) if rule)
