"""Light stems for Arabic and English words: the Snowball stemmers (PyStemmer,
MIT/BSD licensed, C, offline).

Snowball's Arabic stemmer strips affixes in a fixed order, and two of its
choices split one word's forms over several stems, which hurts keyword
counts:

* it removes the conjunction و/ف only when no alef follows, so with the
  article after it (والوزارة, فالأمر) neither is removed, and before a
  hamza on alef it removes the conjunction only after the suffixes, whose
  rules depend on the word's length (وإيران → اير, إيران → ايران);
* it removes that conjunction from a bare word (وزارة → زار) but not once
  it has stripped the article (الوزارة → وزار).

Two small rules around the library fix both: a conjunction directly before
the article or a hamza on alef is dropped first, and Snowball's own conjunction rule (و/ف, no
alef after it, more than three letters) is applied once more to its
result. Every form of a word then gets the same stem (وزارة, الوزارة,
والوزارة, للوزارة → زار). Like any light stemmer it also conflates some
unrelated words that share letters; keyword ranking tolerates that.
"""

from __future__ import annotations

import Stemmer

_ARABIC = Stemmer.Stemmer("arabic")
_ENGLISH = Stemmer.Stemmer("english")
_CONJUNCTIONS = ("و", "ف")
_ARTICLE = "ال"
_HAMZA_ALEFS = ("أ", "إ", "آ")
_ALEF = "ا"
# A conjunction before the article is dropped only when at least this many
# letters remain, so short words that merely start so (والد, والي) stay whole.
_MIN_AFTER_CONJUNCTION = 5


def stem_arabic(word: str) -> str:
    """Light stem of an Arabic word (diacritics and alef forms are Snowball's to fold)."""
    if (
        word[:1] in _CONJUNCTIONS
        and (word[1:3] == _ARTICLE or word[1:2] in _HAMZA_ALEFS)
        and len(word) - 1 >= _MIN_AFTER_CONJUNCTION
    ):
        word = word[1:]
    stem = _ARABIC.stemWord(word)
    if stem[:1] in _CONJUNCTIONS and stem[1:2] != _ALEF and len(stem) > 3:
        stem = stem[1:]
    return stem


def stem_english(word: str) -> str:
    """Porter2 stem of an English word, lower-cased; typographic apostrophes
    become ASCII ones so that possessives are stripped."""
    return _ENGLISH.stemWord(word.lower().replace("’", "'"))
