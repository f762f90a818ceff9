"""Cities: CLDR's time-zone exemplar cities in Arabic and English, plus curated ones.

Babel ships CLDR's exemplar city of every time zone in every locale, so the
KB gets ~330 world cities (capitals and large cities mostly) in both
languages with no download. ``cities.json`` drops the ones whose Arabic name
is a common word, fixes a few spellings and adds cities without a zone of
their own (Washington, Beijing, Mecca, Jeddah…); see its ``about``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from babel import Locale

from streams.kb import KbEntity
from streams.kb.curated import read_json, spelling_variants
from streams.slug import slugify
from streams.text.normalize import matching_form

_FILE = "cities.json"
_SKIP_PREFIXES = ("Etc/", "Antarctica/")


@cache
def city_entities(
    taken_names: frozenset[str] = frozenset(), taken_slugs: frozenset[str] = frozenset()
) -> tuple[KbEntity, ...]:
    """City entities, sorted by id, leaving out any whose name (matching
    form) is in ``taken_names`` or whose slug is taken (by another location
    or an earlier city)."""
    data = read_json(_FILE)
    skip = set(data["skip_zones"]["zones"])
    overrides = {item["zone"]: item for item in data["overrides"]}
    ar, en = Locale("ar").time_zones, Locale("en").time_zones
    entities: list[KbEntity] = []
    slugs = set(taken_slugs)
    for zone in sorted(ar):
        city_ar = ar[zone].get("city")
        if zone in skip or zone.startswith(_SKIP_PREFIXES) or zone.count("/") != 1 or not city_ar:
            continue
        override = overrides.get(zone, {})
        name_en = en.get(zone, {}).get("city") or zone.split("/")[1].replace("_", " ")
        name_ar = override.get("name_ar", city_ar)
        entity = _entity(
            f"cldr:tz:{zone}", name_en, name_ar, override.get("aliases", ()), taken_names, slugs
        )
        if entity:
            entities.append(entity)
    for item in data["extra"]:
        entity = _entity(
            f"kb:location:{slugify(item['name_en'])}",
            item["name_en"],
            item["name_ar"],
            item["aliases"],
            taken_names,
            slugs,
        )
        if entity is None:
            raise ValueError(f"{_FILE}: extra city {item['name_en']!r} collides with a name")
        entities.append(entity)
    return tuple(entities)


@cache
def city_stop_phrases() -> tuple[str, ...]:
    """Stop phrases of ``cities.json`` (see their notes)."""
    return tuple(phrase for item in read_json(_FILE)["stop_phrases"] for phrase in item["names"])


def _entity(
    entity_id: str,
    name_en: str,
    name_ar: str,
    aliases: Iterable[str],
    taken_names: frozenset[str],
    slugs: set[str],
) -> KbEntity | None:
    names = [name_en, name_ar, *aliases]
    slug = slugify(name_en)
    if slug in slugs or any(matching_form(name) in taken_names for name in names):
        return None
    slugs.add(slug)
    variants = [v for name in aliases for v in spelling_variants(name)]
    return KbEntity(
        id=entity_id,
        type="location",
        name_en=name_en,
        name_ar=name_ar,
        slug=slug,
        source="cldr" if entity_id.startswith("cldr:") else "curated",
        aliases=tuple(n for n in dict.fromkeys(variants) if n not in (name_en, name_ar)),
    )
