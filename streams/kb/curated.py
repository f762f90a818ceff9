"""Curated people, organisations and regions, read from editable JSON files.

``persons.json``, ``organizations.json`` and ``places.json`` hold the
entities no maintained offline source gives us (see each file's ``about``):
CLDR has countries, continents and cities, but not the regions news names
daily (الضفة الغربية, كردستان, إنجلترا). Every entry is checked
when loaded: both canonical names present, a note saying who or what it is,
and slugs unique within the file, so a bad edit fails at start-up and in the
tests, not silently in production.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from streams.kb import EntityType, KbEntity
from streams.slug import slugify

SOURCE = "curated"
_FILES: dict[EntityType, str] = {
    "person": "persons.json",
    "organization": "organizations.json",
    "location": "places.json",
}
# "عبد" + a word with the article is written both split and joined
# (عبد العزيز / عبدالعزيز); matching compares token by token, so both spellings
# are generated rather than left to every entry to list.
_ABD_SPLIT = re.compile(r"\bعبد (?=ال)")
_ABD_JOINED = re.compile(r"\bعبدال")


def read_json(name: str) -> dict[str, Any]:
    """A KB data file of this package, parsed."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def curated_entities() -> tuple[KbEntity, ...]:
    """People, organisations and regions from the curated files, in file order."""
    entities = []
    for entity_type, name in _FILES.items():
        slugs: set[str] = set()
        for item in read_json(name)["entities"]:
            if not item.get("note", "").strip():
                raise ValueError(f"{name}: every entry needs a note: {item}")
            slug = item.get("slug") or slugify(item["name_en"])
            if slug in slugs:
                raise ValueError(f"{name}: slug {slug!r} is used twice")
            slugs.add(slug)
            canonical = {item["name_en"], item["name_ar"]}
            names = [
                variant
                for alias in (item["name_ar"], *item.get("aliases", ()))
                for variant in spelling_variants(alias)
            ]
            entities.append(
                KbEntity(
                    id=f"kb:{entity_type}:{slug}",
                    type=entity_type,
                    name_en=item["name_en"],
                    name_ar=item["name_ar"],
                    slug=slug,
                    source=SOURCE,
                    aliases=tuple(n for n in dict.fromkeys(names) if n not in canonical),
                    linked_aliases=tuple(item.get("linked_aliases", ())),
                )
            )
    return tuple(entities)


@cache
def curated_stop_phrases() -> tuple[str, ...]:
    """Stop phrases of the curated files (see their notes)."""
    return tuple(
        phrase
        for name in _FILES.values()
        for item in read_json(name).get("stop_phrases", ())
        for phrase in item["names"]
    )


def spelling_variants(name: str) -> list[str]:
    """``name`` and its other عبد-compound spelling, if it has one."""
    variants = [name]
    if _ABD_SPLIT.search(name):
        variants.append(_ABD_SPLIT.sub("عبد", name))
    if _ABD_JOINED.search(name):
        variants.append(_ABD_JOINED.sub("عبد ال", name))
    return variants
