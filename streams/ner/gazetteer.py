"""Longest-match gazetteer over knowledge-base names, with exact offsets.

Generic over :class:`~streams.kb.KbEntity` records: every name of every
entity is tokenised and reduced to token matching forms
(:func:`streams.text.normalize.matching_form`) once, when the
:class:`Gazetteer` is built, into a dict keyed by the first token. What a
token type may start is looked up once per type (:meth:`Gazetteer.entries`,
kept by the caller), and a scan visits only the words that can start a
name, so its cost does not grow with the KB.

Matching rules, and why:

* Tokens compare by matching form, so diacritics and alef/alef-maksura/
  teh-marbuta variants never prevent a match; Latin case is folded too, then
  checked by the rule below.
* On the *first* token of a name the matcher also tries the token without
  its proclitics (:mod:`streams.ner.clitics`), so لروسيا, بالهند and
  والهند all match. Names that start with the article ال also match without
  it (العراق and عراق), but only with no proclitic (فيمن is "in whom", not
  ف + يمن) and unless a stop phrase says the form is a common word (هند,
  يمن, كاميرون). Non-first tokens must match as written (والهرسك in البوسنة
  والهرسك). A first token with tanween is an indefinite noun or adjective
  (سورياً "a Syrian"), never a name.
* Latin matches are whole-token and keep the name's capitalisation as a
  constraint: a capitalised name token needs a capitalised text token, an
  all-capitals one (US, UK, UN) needs all capitals. So "turkey sandwich" and
  "chad" are not countries, while "UNITED STATES" in a headline is.
* A multi-token name may span spaces, hyphens, "&", "/", apostrophes and a
  full stop (for abbreviations: "U.S.", "St. Lucia"), never a comma, colon,
  bracket, quote or line break.
* Longest match wins, left to right: الولايات المتحدة is one mention of the
  United States, never also a partial match. Stop phrases take part in this
  like names but emit nothing, so "Latin America" never yields the United
  States via "America", and an ambiguous word such as عمان (Oman or Amman)
  is not guessed at. A name that two entities share is treated as a stop
  phrase for the same reason.

A match covers whole tokens as written, proclitics included ("لروسيا"):
offsets then point at real words of the text. Punctuation around tokens
stays outside it: "Ukraine's" gives "Ukraine", "U.S." gives "U.S".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from streams.kb import KbEntity
from streams.ner.clitics import bare_candidates, stripped_forms, without_article
from streams.ner.tokens import WORD_RE
from streams.text.normalize import clean_text, matching_form

# What may separate two tokens of one name (see the module docstring).
_JOINER_RE = re.compile(r"[^\S\n]*(?:[-‐‑–&/'’.][^\S\n]*)?")
# Tanween marks an indefinite noun or adjective (سورياً "a Syrian",
# بريطانياً "British"); names in the KB never take it.
_TANWEEN_RE = re.compile("[\u064b-\u064d]")

# Latin case constraints of a name token.
_ANY_CASE, _CAPITALISED, _ALL_CAPS = 0, 1, 2

#: Roles a matched name can play: the entity's name, or a demonym/nisba
#: adjective derived from it (الروسي, Russian), which refers to the entity
#: without naming it.
NAME, DEMONYM = "name", "demonym"


class Match(NamedTuple):
    """One gazetteer hit: ``text[start:end]`` names ``entity``."""

    entity: KbEntity
    start: int
    end: int
    role: str
    first: int
    """Index of its first token in the word-token list scanned."""
    last: int
    """Index of its last token (inclusive)."""


class _Pattern(NamedTuple):
    """A name in the index, minus its first token (the index key)."""

    rest: tuple[str, ...]
    cases: tuple[int, ...]
    entity: KbEntity | None  # None: a stop phrase
    bare: bool  # the name's article was removed to make the key
    role: str


class Entry(NamedTuple):
    """What a distinct token surface means to a gazetteer (see :meth:`Gazetteer.entries`)."""

    form: str
    following: dict[str, tuple[_Pattern, ...]]
    """Names of several tokens it may start, by their second token's form, longest first."""
    alone: tuple[_Pattern, ...]
    """Names of just this token."""

    @property
    def starts_names(self) -> bool:
        return bool(self.following or self.alone)


# The ``following`` of every entry that starts no name (most); never written to.
_NO_FOLLOWING: dict[str, tuple[_Pattern, ...]] = {}


class Words(NamedTuple):
    """The word tokens of a text, for :meth:`Gazetteer.scan`: word ``i`` is
    ``text[starts[i]:ends[i]]``, of token type ``ids[i]``, whose entry
    (:meth:`Gazetteer.entries`) and surface are ``entries[ids[i]]`` and
    ``surfaces[ids[i]]``. Types, so callers keep entries once per type."""

    starts: Sequence[int]
    ends: Sequence[int]
    ids: Sequence[int]
    entries: Sequence[Entry]
    surfaces: Sequence[str]


class Gazetteer:
    """Finds the names of ``entities`` in text; build once, use for every article."""

    def __init__(self, entities: Iterable[KbEntity], stop_phrases: Iterable[str] = ()) -> None:
        by_key: dict[tuple[str, ...], _Pattern] = {}
        shared: set[tuple[str, ...]] = set()
        entities = tuple(entities)
        for entity in entities:
            for name in entity.names:
                _add_name(by_key, shared, name, entity, NAME)
            for name in entity.demonyms:
                _add_name(by_key, shared, name, entity, DEMONYM)
        for phrase in stop_phrases:
            _add_name(by_key, shared, phrase, None, NAME)
        index: dict[str, list[_Pattern]] = {}
        for key, pattern in by_key.items():
            index.setdefault(key[0], []).append(pattern)
        self._index = index
        self.entities = entities
        self.shared_names: frozenset[tuple[str, ...]] = frozenset(shared)
        """Matching forms that several entities claim; never tagged."""

    def entries(self, surfaces: Sequence[str], surface_forms: Sequence[str]) -> list[Entry]:
        """The entry of each token surface, given its matching form.

        Not cached here: callers compute them once per token type and keep
        them (:class:`streams.ner.lexicon.Lexicon` ids index them).
        """
        entries = []
        for surface, form in zip(surfaces, surface_forms, strict=True):
            patterns = self._patterns_starting(surface, form)
            if not patterns:  # most words: no new dict nor tuples
                entries.append(Entry(form, _NO_FOLLOWING, ()))
                continue
            following: dict[str, tuple[_Pattern, ...]] = {}
            for pattern in patterns:
                if pattern.rest:
                    following[pattern.rest[0]] = (*following.get(pattern.rest[0], ()), pattern)
            alone = tuple(pattern for pattern in patterns if not pattern.rest)
            entries.append(Entry(form, following, alone))
        return entries

    def scan(self, text: str, words: Words, candidates: Iterable[int]) -> list[Match]:
        """Longest matches among the word tokens ``words`` of ``text``, left to right.

        ``candidates`` (ascending) are the indices of the words whose entry
        :attr:`~Entry.starts_names`: few can, and callers find them without
        a Python step per word. Longer names are tried first; only those
        whose second token is the next word can match, so only those are.
        """
        found = []
        free = 0  # tokens before this one belong to a match already
        ids, entries = words.ids, words.entries
        last = len(ids) - 1
        for i in candidates:
            if i < free:
                continue
            entry = entries[ids[i]]
            following = entry.following.get(entries[ids[i + 1]].form, ()) if i < last else ()
            for pattern in (*following, *entry.alone):
                if _matches(pattern, i, text, words):
                    free = i + 1 + len(pattern.rest)
                    if pattern.entity is not None:
                        found.append(
                            Match(
                                pattern.entity,
                                words.starts[i],
                                words.ends[free - 1],
                                pattern.role,
                                i,
                                free - 1,
                            )
                        )
                    break
        return found

    def _patterns_starting(self, surface: str, form: str) -> tuple[_Pattern, ...]:
        # Every key tried below is one of the form's bare candidates, which
        # its features need too (cached): one set test rules out most words.
        if self._index.keys().isdisjoint(bare_candidates(form)) or _TANWEEN_RE.search(surface):
            return ()
        keys = [(form, False), *((key, True) for key in stripped_forms(form))]
        patterns = [
            pattern
            for key, stripped in keys
            for pattern in self._index.get(key, ())
            if not (stripped and pattern.bare)
        ]
        # Stable: for equal lengths the token as written beats a stripped form.
        patterns.sort(key=lambda pattern: -len(pattern.rest))
        return tuple(patterns)


def name_forms(name: str) -> list[str]:
    """Token matching forms of a name as the gazetteer indexes it."""
    return forms(WORD_RE.findall(clean_text(name)))


def forms(surfaces: Sequence[str]) -> list[str]:
    """Matching forms of tokens, in one :func:`matching_form` call when possible.

    One call over the joined tokens costs a fraction of one call per token.
    It is exact whenever it yields one form per token: a token starts with a
    letter or digit, which normalisation keeps, so a token can split into
    more forms (an unusual mark inside it) but never vanish, and a count
    that matches means no token split.
    """
    if not surfaces:
        return []
    joined = matching_form(" ".join(surfaces)).split(" ")
    if len(joined) == len(surfaces):
        return joined
    return [matching_form(surface) for surface in surfaces]


def _add_name(
    by_key: dict[tuple[str, ...], _Pattern],
    shared: set[tuple[str, ...]],
    name: str,
    entity: KbEntity | None,
    role: str,
) -> None:
    surfaces = WORD_RE.findall(clean_text(name))
    if not surfaces:
        return
    name_tokens = forms(surfaces)
    # Stop phrases block in any case: blocking too much is their purpose.
    cases = tuple(_case_rule(surface) if entity else _ANY_CASE for surface in surfaces)
    keys = [(tuple(name_tokens), False)]
    bare = without_article(name_tokens[0])
    if bare:
        keys.append(((bare, *name_tokens[1:]), True))
    for key, is_bare in keys:
        old = by_key.get(key)
        if entity is None or old is None:
            by_key[key] = _Pattern(key[1:], cases, entity, is_bare, role)
        elif old.entity is None:
            continue  # a stop phrase or a shared name stays one
        elif old.entity.id != entity.id:
            shared.add(key)
            by_key[key] = _Pattern(key[1:], cases, None, is_bare, role)
        else:  # the same entity spelt twice: keep the looser rules, prefer the name role
            cases = tuple(map(min, old.cases, cases))
            by_key[key] = old._replace(
                cases=cases,
                bare=old.bare and is_bare,
                role=NAME if NAME in (old.role, role) else role,
            )


def _case_rule(surface: str) -> int:
    if len(surface) > 1 and surface.isupper():
        return _ALL_CAPS
    return _CAPITALISED if surface[0].isupper() else _ANY_CASE


def _case_ok(surface: str, rule: int) -> bool:
    if rule == _ALL_CAPS:
        return surface.isupper()
    return rule == _ANY_CASE or surface[0].isupper()


def _matches(pattern: _Pattern, i: int, text: str, words: Words) -> bool:
    """Whether ``pattern`` matches the words from ``i`` (its key already did)."""
    last = i + len(pattern.rest)
    ids = words.ids
    if last >= len(ids):
        return False
    for j, form in enumerate(pattern.rest, i + 1):
        if words.entries[ids[j]].form != form:
            return False
        gap = text[words.ends[j - 1] : words.starts[j]]
        if gap != " " and not _JOINER_RE.fullmatch(gap):
            return False
    surfaces = words.surfaces
    return all(_case_ok(surfaces[ids[i + k]], rule) for k, rule in enumerate(pattern.cases) if rule)
