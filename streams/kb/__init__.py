"""The knowledge base: entities the tagger can recognise, as plain data.

An entity is a frozen :class:`KbEntity`, whatever its origin: this issue fills
the KB with countries and territories from CLDR (``streams.kb.countries``);
later ones add people and organisations from other sources. The tagger is
generic over these records, so a new source is a new module that yields
``KbEntity`` values, not a change to the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

EntityType = Literal["person", "organization", "location"]

#: The entity types that have topics (``entity.<type>.<slug>``).
ENTITY_TYPES: frozenset[str] = frozenset(get_args(EntityType))


@dataclass(frozen=True, slots=True)
class KbEntity:
    """One entity and every name it may be written with.

    ``aliases`` is a tuple, not a list, so that entities stay hashable and
    cannot be mutated behind the tagger's precomputed index.
    """

    id: str
    """Stable, source-qualified id, e.g. ``"cldr:RU"``."""
    type: EntityType
    name_en: str
    """Canonical English name (the ``name`` of a tag)."""
    name_ar: str
    """Canonical Arabic name."""
    slug: str
    """Topic-name part, unique within the KB; see :func:`streams.slug.slugify`."""
    source: str
    """Where the entity comes from, e.g. ``"cldr"`` or ``"curated"``."""
    aliases: tuple[str, ...] = ()
    """Other names, in any language, matched like the canonical ones."""
    demonyms: tuple[str, ...] = ()
    """Adjectives that refer to the entity without naming it (nisba forms
    such as الروسي/الروسية, "Russian"): matched and linked like names, but
    kept apart so that NER evaluation can leave them out (annotation
    guidelines tag the country, not the adjective)."""
    linked_aliases: tuple[str, ...] = ()
    """Names that refer to the entity only where detection has found a name:
    a mention the CRF finds with one of them is linked to the entity, but
    they are never matched in raw text nor used as gazetteer features
    (الدولة الإسلامية is Islamic State in the news and the caliphs' Islamic
    state in history: as a KB name it cost cross-validated F1)."""

    def __post_init__(self) -> None:
        if self.type not in ENTITY_TYPES:
            raise ValueError(f"{self.id}: unknown entity type {self.type!r}")
        if not self.name_en.strip() or not self.name_ar.strip():
            raise ValueError(f"{self.id}: needs both an English and an Arabic name")

    @property
    def names(self) -> tuple[str, ...]:
        """Every name to match: canonical English, canonical Arabic, aliases."""
        return (self.name_en, self.name_ar, *self.aliases)
