"""Offline language detection."""

import pytest

from streams.text.language import detect_language

ARABIC = (
    "توصلت دراسة جديدة إلى أن الفقر يؤثر على مخ الأطفال وهو ما يفسر ميل الفقراء منهم "
    "لتحقيق نتائج في اختبارات التحصيل أقل من نظرائهم"
)
ENGLISH = (
    "Saudi Arabia said on Tuesday it would raise its oil output next month, as the "
    "kingdom seeks to defend its share of the market against rival producers."
)
FRENCH = (
    "Le président de la République a annoncé mardi une nouvelle série de mesures pour "
    "soutenir les entreprises touchées par la crise économique."
)
PERSIAN = "رئیس جمهور ایران روز سه شنبه در سفر به استان خوزستان گفت که دولت برای حل مشکلات مردم تلاش می کند"  # noqa: E501
# An Arabic corpus article's English names (aawsat, 2015-07-21).
ARABIC_WITH_ENGLISH = (
    "وفي منطقة أوبود تجد مطعما شهيرا اسمه: بيبيك بينغيل Bebek Bengil Dirty Duck Diner "
    "ويتميز بجلسات خارجية جميلة، ومساحات خضراء، يقدم الدجاج والبط"
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ARABIC, "ar"),
        (ENGLISH, "en"),
        (FRENCH, "other"),
        (PERSIAN, "other"),
        (ARABIC_WITH_ENGLISH, "ar"),
        ("Russia and Ukraine", "en"),
        ("روسيا وأوكرانيا", "ar"),
        ("Путин и Зеленский", "other"),
        ("12345 !!!", "other"),
        ("", "other"),
    ],
)
def test_detected_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "declared", "language"),
    [
        ("Putin بوتين بوتين", "en", "en"),  # a third English: agrees
        ("روسيا", "en", "ar"),  # no English at all: disagrees
        (ENGLISH, "ar", "en"),
        (ARABIC, "ar-SA", "ar"),
        (ARABIC, "ara", "ar"),
        (FRENCH, "fr", "other"),
        (ENGLISH, "fr", "en"),
        ("12345", "ar", "ar"),  # nothing to disagree with
    ],
)
def test_declared_language_wins_when_the_text_agrees(text, declared, language):
    assert detect_language(text, declared) == language
