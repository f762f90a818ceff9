"""Entity linking within one document: mentions → entities with stable ids.

Rules, and why:

* A gazetteer mention is its KB entity: the KB is curated, so its match
  rules (:mod:`streams.ner.gazetteer`) already decided. So is a mention
  the CRF found whose key is that of a KB entity's linked alias
  (:attr:`~streams.kb.KbEntity.linked_aliases`: الدولة الإسلامية).
* Any other mention gets a *key*: the matching forms of its tokens, with a
  proclitic removed from the first token when the corpus knows the bare form
  better than the written one (لبوتين → بوتين, but بايدن stays: ايدن is
  no word), the article removed (الناتو ≡ ناتو) and عبد compounds joined
  (عبد العزيز ≡ عبدالعزيز). A person's name written with its lineage keeps
  the given and the family name (عزام بن محمد الدخيل ≡ عزام الدخيل, as
  the news writes him both ways); a lineage with no family name after it
  stays whole (فيصل بن خالد بن عبدالعزيز, أسامة بن لادن). Mentions with
  equal keys are one entity, whatever their proclitics, diacritics or hamza
  spelling.
* A person mention whose key begins or ends a longer person name in the
  same document (توكاييف in قاسم جومارت توكاييف, بايدن in جو بايدن)
  is that person, when only one such name fits. Short forms resolve in
  either direction of the text: a headline often uses the short form first.
* An unknown entity's id is ``ner:<type>:<key>``, stable across articles and
  runs; its slug is the key transliterated (:func:`streams.slug.slugify`,
  camel-tools' safe Buckwalter map), so equal names give equal topics. Slug
  collisions between different ids are resolved where topics are granted
  (:mod:`streams.stages.topic_policy`), which has the state to see them.
* A one-word unknown entity is kept only if it is a place or organisation
  rare in the news corpus (:func:`_stands_alone`): otherwise it is a lone
  given name or a common noun the CRF tagged, never a topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

from streams.kb import KbEntity
from streams.kb.catalog import kb_entities
from streams.ner.clitics import without_article
from streams.ner.clusters import RARE_WORD_COUNT, is_common_word
from streams.ner.detect import Span, majority, vote
from streams.ner.gazetteer import DEMONYM, name_forms
from streams.ner.names import LINEAGE, is_common_noun, is_eponym, is_name, preferred_bare, trim
from streams.ner.tokens import TOKEN_RE, WORD_RE
from streams.slug import slugify
from streams.text.memo import Memo
from streams.text.normalize import matching_form

ENTITY_TYPES = {"PER": "person", "ORG": "organization", "LOC": "location"}
_ABD = "عبد"
_DIACRITIC_RE = re.compile("[\u064b-\u065f\u0670]")
# Per-name work memoised across articles (names recur; both are pure).
_MEMO_LIMIT = 1 << 16
_SLUGS: Memo[str, str] = Memo(slugify, _MEMO_LIMIT)
# The words before a name (:func:`_words_before`) are a few common ones
# (الرئيس, قال): a look-up, where matching_form cleans and folds each afresh.
_TOKEN_FORMS: Memo[str, str] = Memo(matching_form, _MEMO_LIMIT)


class LinkedEntity:
    """One entity of a document with its mentions (spans), in text order.

    A plain class, not a dataclass: the compiled tagger (:mod:`streams.ner.native`)
    compiles this ``__init__``, where a dataclass's is generated, interpreted Python.
    """

    def __init__(self, id: str, type: str, slug: str, kb: KbEntity | None) -> None:
        self.id = id
        self.type = type
        self.slug = slug
        self.kb = kb
        self.spans: list[Span] = []
        self.names: list[str] = []
        """Distinct display names in this document, proclitics removed, in text order."""
        self._displays: list[str | None] = []

    def add(self, span: Span, display: str | None) -> None:
        """A mention, with its display name (None for a demonym)."""
        self.spans.append(span)
        self._displays.append(display)

    def finish(self) -> None:
        """Put spans and names in text order."""
        pairs = sorted(zip(self.spans, self._displays, strict=True), key=lambda p: p[0][:2])
        self.spans = [span for span, _ in pairs]
        self.names = list(dict.fromkeys(d for _, d in pairs if d is not None))


def link(spans: Sequence[Span], texts: Sequence[str]) -> list[LinkedEntity]:
    """Group a document's mention spans into entities, by first mention."""
    entities: dict[str, LinkedEntity] = {}
    unknown: list[tuple[Span, tuple[str, ...], str]] = []
    for span in sorted(spans, key=lambda s: (s.field, s.start)):
        if span.entity is not None:
            known = span.entity
            entity = entities.get(known.id) or _new_entity(entities, known)
            surface = texts[span.field][span.start : span.end]
            entity.add(span, None if span.role == DEMONYM else _display(surface))
        else:
            name = _name_span(span, texts)
            if name is None:
                continue
            key, bare = entity_key(name.forms)
            kb = _linked_aliases().get(key)
            if kb is not None:
                entity = entities.get(kb.id) or _new_entity(entities, kb)
                surface = texts[name.field][name.start : name.end]
                entity.add(name, _display(surface, name.forms[0], bare))
            elif key:
                unknown.append((name, key, bare))
    labels: dict[tuple[str, ...], dict[str, int]] = {}
    for span, key, _ in unknown:
        vote(labels.setdefault(key, {}), span.label)
    long_names = _person_names(entities.values(), unknown, labels)
    resolved = [
        (span, key, bare, _short_form_target(span, key, long_names)) for span, key, bare in unknown
    ]
    for span, key, bare, target in sorted(resolved, key=lambda item: item[3] is not None):
        if target is None or target not in entities:
            label = majority(labels[key])
            if len(key) == 1 and not _stands_alone(label, bare):
                continue
            entity_type = ENTITY_TYPES[label]
            target = f"ner:{entity_type}:{' '.join(key)}"
            if target not in entities:
                entities[target] = LinkedEntity(target, entity_type, _SLUGS[" ".join(key)], None)
        surface = texts[span.field][span.start : span.end]
        entities[target].add(span, _display(surface, span.forms[0], bare))
    ordered = sorted(entities.values(), key=lambda e: min(s[:2] for s in e.spans))
    for entity in ordered:
        entity.finish()
    return ordered


def _new_entity(entities: dict[str, LinkedEntity], known: KbEntity) -> LinkedEntity:
    """A new entity for KB entity ``known``, added to ``entities``."""
    entity = entities[known.id] = LinkedEntity(known.id, known.type, known.slug, known)
    return entity


@cache
def _linked_aliases() -> dict[tuple[str, ...], KbEntity]:
    """The KB entity of each linked alias (:attr:`KbEntity.linked_aliases`), by key."""
    return {
        entity_key(name_forms(alias))[0]: entity
        for entity in kb_entities()
        for alias in entity.linked_aliases
    }


def entity_key(span_forms: Sequence[str]) -> tuple[tuple[str, ...], str]:
    """The key of an unknown mention's forms, and its first token's bare
    form (proclitics removed, article kept); see the module docstring."""
    return _KEYS[tuple(span_forms)]


def _entity_key(span_forms: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    if not span_forms:
        return (), ""
    bare = preferred_bare(span_forms[0])
    tokens = [without_article(bare) or bare, *span_forms[1:]]
    joined: list[str] = []
    for token in tokens:
        if joined and joined[-1] == _ABD and token.startswith("ال"):
            joined[-1] += token
        else:
            joined.append(token)
    return _without_lineage(tuple(joined)), bare


def _without_lineage(key: tuple[str, ...]) -> tuple[str, ...]:
    """``key`` without the father's (and forefathers') names between a given
    name and a family name: ``X بن Y [بن Z…] F…`` → ``X F…``."""
    if len(key) < 4 or key[1] not in LINEAGE:
        return key
    last = max(i for i, token in enumerate(key) if token in LINEAGE)
    family = key[last + 2 :]
    return (key[0], *family) if family else key


_KEYS: Memo[tuple[str, ...], tuple[tuple[str, ...], str]] = Memo(_entity_key, _MEMO_LIMIT)


def _name_span(span: Span, texts: Sequence[str]) -> Span | None:
    """The name inside a discovered span (titles and common words cut off
    its edges, :func:`streams.ner.names.trim`), or None if it is no name."""
    if span.label == "PER" and is_eponym(_words_before(texts[span.field], span.start), span.forms):
        return None
    trimmed = trim(span.forms, span.label)
    if trimmed is None:
        return None
    first, last, label = trimmed
    if (first, last) != (0, len(span.forms) - 1):
        text = texts[span.field]
        tokens = list(TOKEN_RE.finditer(text, span.start, span.end))
        words = [i for i, token in enumerate(tokens) if WORD_RE.fullmatch(token.group())]
        if len(words) != len(span.forms):  # not as the detector cut it: keep it whole
            return span if is_name(span.forms, span.label) else None
        span = span._replace(
            start=tokens[words[first]].start(),
            end=tokens[words[last]].end(),
            forms=span.forms[first : last + 1],
            first=span.first + words[first],
            last=span.first + words[last],
        )
    if label != span.label:
        span = span._replace(label=label)
    return span if is_name(span.forms, span.label) else None


def _person_names(
    known: Iterable[LinkedEntity],
    unknown: Sequence[tuple[Span, tuple[str, ...], str]],
    labels: dict[tuple[str, ...], dict[str, int]],
) -> list[tuple[tuple[str, ...], str]]:
    """Multi-word person names of the document with the entity id each links to."""
    names: dict[tuple[str, ...], str] = {}
    for entity in known:
        if entity.type == "person":
            for span in entity.spans:
                key, _ = entity_key(span.forms)
                if len(key) > 1:
                    names.setdefault(key, entity.id)
    for _, key, _ in unknown:
        if len(key) > 1 and majority(labels[key]) == "PER":
            names.setdefault(key, f"ner:person:{' '.join(key)}")
    return list(names.items())


def _short_form_target(
    span: Span, key: tuple[str, ...], long_names: Sequence[tuple[tuple[str, ...], str]]
) -> str | None:
    """The one longer person name ``key`` is part of, if exactly one entity fits."""
    if span.label != "PER":
        return None
    targets = {
        target for name, target in long_names if len(name) > len(key) and _contains(name, key)
    }
    return targets.pop() if len(targets) == 1 else None


def _contains(name: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether ``part`` begins or ends ``name``, articles ignored (الغامدي ≡
    غامدي). A middle word is a father's name (محمد بن عبدالعزيز الصفيان),
    not a way to refer to the person."""
    name, part = _ARTICLELESS[name], _ARTICLELESS[part]
    return name[: len(part)] == part or name[-len(part) :] == part


def _without_articles(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(without_article(token) or token for token in tokens)


_ARTICLELESS: Memo[tuple[str, ...], tuple[str, ...]] = Memo(_without_articles, _MEMO_LIMIT)


def _words_before(text: str, start: int, count: int = 2) -> list[str]:
    """Matching forms of the (up to) ``count`` words right before ``start``,
    within the clause (punctuation stops it)."""
    tokens: list[str] = TOKEN_RE.findall(text, max(0, start - 64), start)
    words: list[str] = []
    for token in reversed(tokens[-count:]):
        if not WORD_RE.fullmatch(token):
            break
        words.insert(0, _TOKEN_FORMS[token])
    return words


def _stands_alone(label: str, bare: str) -> bool:
    """Whether a one-word unknown name is an entity by itself.

    A lone given name or surname (فهد, عادل) names no one in particular,
    and the AQMAR-trained CRF also tags group nouns as persons (المسلمون);
    a person needs a full name, or a full name in the same article to
    resolve to. A one-word place or organisation must be rare in the news
    corpus: frequent ones are common nouns (الساحل, الجزيرة, المملكة).
    """
    if label == "PER":
        return False
    bare_core = without_article(bare) or bare
    return not (
        is_common_word(bare, RARE_WORD_COUNT)
        or is_common_word(bare_core, RARE_WORD_COUNT)
        or is_common_noun(bare_core)
    )


def _display(surface: str, form: str = "", bare: str = "") -> str:
    """Display name of a mention: the surface without the proclitic letters
    that ``form`` lost to become ``bare``, when they can be cut at the
    character level (no diacritics inside); لل restored to ال."""
    cut = len(form) - len(bare)
    if form and form != bare and not _DIACRITIC_RE.search(surface[: cut + 2]):
        if bare.startswith("ال") and form[cut:].startswith("لل"):
            surface = "ال" + surface[cut + 2 :]
        else:
            surface = surface[cut:]
    return surface
