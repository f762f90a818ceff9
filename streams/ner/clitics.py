"""Arabic proclitics: which bare forms a written token may stand for.

Arabic attaches conjunctions (و, ف), prepositions (ب, ل, ك) and the article
(ال) to the next word, so لروسيا is ل + روسيا and للهند is ل + الهند. The
gazetteer and the CRF features both need "what could this token be without
its proclitics", and must agree, so the rule lives here once.

Stripping is ambiguous (بوتين is a name, not ب + وتين), so callers get every
candidate and decide: the gazetteer looks each one up in its index, the CRF
gets each as a feature, and linking prefers a candidate the corpus vocabulary
knows better than the written token.
"""

from __future__ import annotations

from functools import lru_cache

# Proclitic sequences that can precede a noun: conjunction, preposition or
# both. Longest first only for readability; every applicable one is tried.
PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
_CONJUNCTIONS = ("", "و", "ف")
ARTICLE = "ال"
_LAM_ARTICLE = "لل"  # ل + ال, with the article's alef dropped
#: Forms with fewer letters than this once proclitics and article are gone
#: are never produced: too many short words would collide with names.
MIN_CORE_LETTERS = 3
# By first letter: the proclitics, and the contracted ``ل``+``ال`` prefixes
# (``لل``, ``ولل``, ``فلل``), a form starting with it may have, each in its
# order above. Every new word type's features and gazetteer entry strip
# its form, and most forms start with none of these letters: one look-up
# rules them out, where trying each of the 14 prefixes cost ~3 µs a form.
_PREFIXES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    letter: (
        tuple(p for p in PROCLITICS if p[0] == letter),
        tuple(c + _LAM_ARTICLE for c in _CONJUNCTIONS if (c + _LAM_ARTICLE)[0] == letter),
    )
    for letter in {p[0] for p in PROCLITICS}
}


def is_arabic(form: str) -> bool:
    """Whether ``form`` starts with an Arabic letter (proclitics can apply)."""
    return bool(form) and "\u0600" <= form[0] <= "\u06ff"


def stripped_forms(form: str) -> list[str]:
    """Forms ``form`` (a matching form) may have once its proclitics are
    removed, ``ل``+``ال`` contracted as ``لل`` restored to ``ال``; the
    article itself is kept (see :func:`without_article`)."""
    prefixes = _PREFIXES.get(form[:1])
    if prefixes is None:
        return []
    proclitics, contracted = prefixes
    stripped = [form[len(proclitic) :] for proclitic in proclitics if form.startswith(proclitic)]
    for prefix in contracted:
        if form.startswith(prefix):
            stripped.append(ARTICLE + form[len(prefix) :])
    return [key for key in dict.fromkeys(stripped) if core_letters(key) >= MIN_CORE_LETTERS]


def without_article(form: str) -> str | None:
    """``form`` without a leading ``ال`` when enough letters remain, else None."""
    if form.startswith(ARTICLE) and len(form) - len(ARTICLE) >= MIN_CORE_LETTERS:
        return form[len(ARTICLE) :]
    return None


def core_letters(form: str) -> int:
    """Letters of ``form`` not counting a leading article."""
    return len(form) - len(ARTICLE) if form.startswith(ARTICLE) else len(form)


@lru_cache(maxsize=1 << 16)
def bare_candidates(form: str) -> tuple[str, ...]:
    """Every bare form ``form`` may stand for: itself, proclitics stripped,
    and each of those without the article. Order: as written first.

    Cached: callers ask for every token of every article, and the
    vocabulary is Zipfian."""
    out = [form]
    for candidate in (form, *stripped_forms(form)):
        out.append(candidate)
        bare = without_article(candidate)
        if bare:
            out.append(bare)
    return tuple(dict.fromkeys(out))
