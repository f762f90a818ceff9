"""Countries and territories, with their English and Arabic names from CLDR.

Babel ships the Unicode CLDR, so the KB needs no download and is the same on
every machine with the same Babel. Every two-letter CLDR region is one
entity, and so is every continent (see ``_CONTINENTS``: أوروبا, أفريقيا
and آسيا are among the places Arabic news names most); the other numeric
codes are groupings of regions ("001" العالم, the world, is a common word;
"015" شمال أفريقيا is a compass direction and a continent, which the
tagger reads as a region), and a few letter codes are not places (see
``_NOT_PLACES``). The European
Union and the United Nations are CLDR regions too, but they are
organisations, so they get that type and topics.

Names come from three places, all matched alike:

* the ``en`` and ``ar`` CLDR names, which become ``name_en``/``name_ar``;
* CLDR's regional spellings ("St Lucia" in ``en_001``, "Saint Lucia" in
  ``en_CA``, "سبتة ومليلية" in ``ar_SA``). Babel drops CLDR's ``alt="short"``
  and ``alt="variant"`` forms when it compiles its data ("Hong Kong" for
  "Hong Kong SAR China"), so regional locales are the only alternates it
  exposes;
* ``country_aliases.json``: a small curated list of the names news actually
  uses that CLDR lacks (أمريكا, Britain, الإمارات, …) and of stop phrases
  that must never be tagged, each with a note saying why.

Slugs are the slugified English CLDR name, so they are stable for a given
Babel release; a CLDR rename (Turkey → Türkiye in CLDR 42) would rename the
topic, which the tests pin for the names the seed relies on.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale, localedata

from streams.kb import EntityType, KbEntity
from streams.slug import slugify

SOURCE = "cldr"
ID_PREFIX = "cldr:"

# CLDR region codes that are neither countries nor territories: the
# eurozone (a currency area), "outlying Oceania" (a statistical grouping),
# two pseudo-locale regions for testing software, and "unknown region".
_NOT_PLACES = frozenset({"EZ", "QO", "XA", "XB", "ZZ"})
# The continents among CLDR's numeric groupings, and Latin America (a
# cultural region news names as often as South America): Africa, North
# America, South America, Oceania, the Americas, Asia, Europe.
_CONTINENTS = frozenset({"002", "003", "005", "009", "019", "142", "150", "419"})
_ORGANIZATIONS = frozenset({"EU", "UN"})
_LANGUAGES = ("en", "ar")
_CURATED_FILE = "country_aliases.json"
_DEMONYMS_FILE = "demonyms.json"
# Endings that turn a masculine nisba into feminine, masculine plural (both
# cases) and feminine plural: الروسي → الروسية، الروسيون، الروسيين، الروسيات.
_NISBA_ENDINGS = ("", "ة", "ون", "ين", "ات")


@cache
def country_entities() -> tuple[KbEntity, ...]:
    """One entity per CLDR country, territory or continent (and EU, UN), sorted by id."""
    names = {language: Locale(language).territories for language in _LANGUAGES}
    codes = sorted(code for code in names["en"] if _is_place(code))
    variants = {language: _regional_variants(language) for language in _LANGUAGES}
    curated = _curated_aliases(frozenset(codes))
    linked = _curated_aliases(frozenset(codes), "linked_aliases")
    demonyms = _demonyms(frozenset(codes))
    entities: list[KbEntity] = []
    slugs: dict[str, str] = {}
    for code in codes:
        name_en, name_ar = names["en"][code], names["ar"][code]
        slug = slugify(name_en)
        if slug in slugs:
            raise ValueError(f"CLDR names of {slugs[slug]} and {code} share the slug {slug!r}")
        slugs[slug] = code
        canonical = {name_en, name_ar}
        extra = [*variants["en"].get(code, ()), *variants["ar"].get(code, ()), *curated[code]]
        entities.append(
            KbEntity(
                id=ID_PREFIX + code,
                type=_entity_type(code),
                name_en=name_en,
                name_ar=name_ar,
                slug=slug,
                source=SOURCE,
                aliases=tuple(name for name in dict.fromkeys(extra) if name not in canonical),
                demonyms=demonyms.get(code, ()),
                linked_aliases=tuple(linked[code]),
            )
        )
    return tuple(entities)


@cache
def country_stop_phrases() -> tuple[str, ...]:
    """Phrases the tagger must consume without tagging (see the JSON's notes)."""
    return tuple(name for item in _curated()["stop_phrases"] for name in item["names"])


def _is_place(code: str) -> bool:
    return (len(code) == 2 and code.isalpha() and code not in _NOT_PLACES) or code in _CONTINENTS


def _entity_type(code: str) -> EntityType:
    return "organization" if code in _ORGANIZATIONS else "location"


def _regional_variants(language: str) -> dict[str, list[str]]:
    """Region names that regional locales of ``language`` spell differently.

    Locales with an explicit script (``en_Dsrt``, ``en_Shaw``) are skipped:
    they write English in other alphabets.
    """
    base = Locale(language).territories
    found: dict[str, list[str]] = {}
    for identifier in sorted(localedata.locale_identifiers()):
        locale = Locale.parse(identifier)
        if locale.language != language or identifier == language or locale.script:
            continue
        for code, name in locale.territories.items():
            if _is_place(code) and name != base.get(code) and name not in found.get(code, ()):
                found.setdefault(code, []).append(name)
    return found


@cache
def _curated() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(_CURATED_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    for item in [*data["aliases"], *data.get("linked_aliases", ()), *data["stop_phrases"]]:
        if not item.get("note", "").strip() or not item.get("names"):
            raise ValueError(f"{_CURATED_FILE}: every item needs names and a note: {item}")
    return data


def _demonyms(codes: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Demonym forms by region code, from ``demonyms.json`` (see its notes)."""
    text = resources.files(__package__).joinpath(_DEMONYMS_FILE).read_text(encoding="utf-8")
    found: dict[str, tuple[str, ...]] = {}
    for item in json.loads(text)["demonyms"]:
        if item["code"] not in codes:
            raise ValueError(f"{_DEMONYMS_FILE}: {item['code']!r} is not a KB region code")
        arabic = ["ال" + stem + ending for stem in item["ar"] for ending in _NISBA_ENDINGS]
        found[item["code"]] = tuple(dict.fromkeys([*arabic, *item["ar_extra"], *item["en"]]))
    return found


def _curated_aliases(codes: frozenset[str], kind: str = "aliases") -> dict[str, list[str]]:
    """Names of the curated file's list ``kind`` (``aliases`` or
    ``linked_aliases``, see :attr:`KbEntity.linked_aliases`) by region code."""
    aliases: dict[str, list[str]] = {code: [] for code in codes}
    for item in _curated().get(kind, ()):
        if item["code"] not in codes:
            raise ValueError(f"{_CURATED_FILE}: {item['code']!r} is not a KB region code")
        aliases[item["code"]].extend(item["names"])
    return aliases
