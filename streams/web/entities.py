"""The entity index behind ``GET /entities``: the latest ``entities.registry``
record per entity id, searchable by type and name.

Names are compared in :func:`streams.text.normalize.matching_form` (no
diacritics, alef/teh marbuta/alef maksura folded, Latin casefolded,
punctuation dropped), the form the tagger itself matches in, so ``?q=بوتين``
finds "فلاديمير بوتين" and ``?q=putin`` finds "Vladimir Putin" whatever the
hamza or case the client typed.
"""

from __future__ import annotations

from typing import Any

from streams.text.normalize import matching_form


class EntityIndex:
    """Registry records by entity id, each with its searchable name forms."""

    def __init__(self) -> None:
        self._records: dict[str, dict[str, Any]] = {}
        self._forms: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self._records)

    def apply(self, key: str, record: dict[str, Any] | None) -> None:
        """Take one registry message: the newest record wins; a tombstone
        (``None``) removes the entity, as compaction would."""
        if record is None:
            self._records.pop(key, None)
            self._forms.pop(key, None)
            return
        self._records[key] = record
        names = [record["name"], record.get("name_ar") or "", *record["names"], record["slug"]]
        self._forms[key] = [form for form in map(matching_form, names) if form]

    def get(self, entity_id: str) -> dict[str, Any] | None:
        return self._records.get(entity_id)

    def search(self, *, type_: str | None = None, q: str | None = None) -> list[dict[str, Any]]:
        """Records of ``type_`` whose names contain ``q`` (both optional), most
        mentioned first."""
        wanted = matching_form(q) if q else ""
        found = [
            record
            for key, record in self._records.items()
            if (not type_ or record["type"] == type_)
            and (not wanted or any(wanted in form for form in self._forms[key]))
        ]
        return sorted(found, key=lambda r: (-r["mentions"], -r["articles"], r["id"]))
