"""Light stems: every form of a word gets one stem."""

import pytest

from streams.text.stems import stem_arabic, stem_english


@pytest.mark.parametrize(
    "forms",
    [
        ("وزارة", "الوزارة", "والوزارة", "للوزارة", "بالوزارة"),  # و both root letter and prefix
        ("وزير", "الوزير", "والوزير"),
        ("إيران", "وإيران", "الإيرانية"),
        ("الرياض", "والرياض", "بالرياض"),
        ("اجتماع", "اجتماعاً", "الاجتماع"),
        ("الحوثي", "الحوثيين", "الحوثيون"),
    ],
)
def test_arabic_forms_share_a_stem(forms):
    assert len({stem_arabic(form) for form in forms}) == 1


def test_short_words_that_start_like_a_conjunction_and_article_stay_whole():
    assert stem_arabic("والد") == "والد"


def test_diacritics_do_not_change_the_stem():
    assert stem_arabic("الرِّحْلات") == stem_arabic("الرحلات")


def test_english_stems_are_lower_case_and_drop_possessives():
    assert stem_english("Ukraine’s") == stem_english("Ukraine's") == stem_english("ukraine")
    assert stem_english("Countries") == stem_english("country") == "countri"
