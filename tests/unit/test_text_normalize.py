"""The display and matching forms on corpus snippets, and the fast paths
that must give exactly what the plain camel-tools steps give."""

import pytest
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

from streams.text.normalize import (
    _NON_WORD_RE,
    _normalize_unicode,
    clean_text,
    matching_form,
    matching_form_of_clean,
)

# Corpus snippets (SaudiNewsNet 2015-07-21, aawsat): presentation forms,
# tatweel (لـ), diacritics.
PRESENTATION = "ﻗﺎﻝ ﻣﺼﺪﺭ ﻣﺴﺆﻭﻝ لـ«الشرق الأوسط» إﻥ العشرات ﻣﻦ ﺍﻷﻓﺮﺍﺩ"
DIACRITISED = "تعريف عبد الفتاح كيليطو لأدب الرِّحْلات، فجَدَّدتْ الطاقة"
# Titles and author lines with entities, as alweeam and okaz send them.
ENTITIES = "توزيع &#8220;موسوعة خطب الجمعة&#8221; على خطباء الجوامع"
AUTHOR = "&nbsp;واس (الرياض)"


def test_presentation_forms_and_tatweel_are_unfolded_for_display():
    assert clean_text(PRESENTATION) == "قال مصدر مسؤول ل«الشرق الأوسط» إن العشرات من الأفراد"


def test_display_keeps_diacritics_and_matching_drops_them():
    assert clean_text(DIACRITISED) == DIACRITISED
    assert matching_form(DIACRITISED) == "تعريف عبد الفتاح كيليطو لادب الرحلات فجددت الطاقه"


def test_entities_are_decoded_and_no_break_spaces_trimmed():
    assert clean_text(ENTITIES) == "توزيع “موسوعة خطب الجمعة” على خطباء الجوامع"
    assert clean_text(AUTHOR) == "واس (الرياض)"


def test_html_markup_is_stripped_and_paragraphs_kept():
    html = "<div><p>مجلس الشؤون السياسية</p>\n<p>يعقد اجتماعاً في جدة</p><script>x()</script></div>"
    assert clean_text(html) == "مجلس الشؤون السياسية\nيعقد اجتماعاً في جدة"


@pytest.mark.parametrize(
    "text",
    [PRESENTATION, DIACRITISED, ENTITIES, AUTHOR, "ريال \ufdfc و\ufdfd", "a\u00a0\u0301b", ""],
)
def test_unicode_fast_path_is_camel_tools_normalize_unicode(text):
    assert _normalize_unicode(text) == normalize_unicode(text)


@pytest.mark.parametrize(
    "text", [PRESENTATION, DIACRITISED, ENTITIES, "İstanbul STRASSE straße ǅ", "x_y 4.5 ٤٫٥"]
)
def test_matching_form_of_clean_is_the_camel_tools_chain(text):
    """The per-character table gives what the whole-text steps give."""
    clean = clean_text(text)
    chain = normalize_teh_marbuta_ar(
        normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(clean)))
    ).casefold()
    assert matching_form_of_clean(clean) == " ".join(_NON_WORD_RE.sub(" ", chain).split())
    assert matching_form_of_clean(clean) == matching_form(text)
