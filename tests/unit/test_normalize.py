from streams.text.normalize import clean_text, matching_form


def test_clean_text_strips_html_entities_tatweel_and_bidi_but_keeps_diacritics():
    raw = "<p>وقالـــت  وَزَارَةُ&nbsp;الخارجية</p><script>x()</script>\u202e\n\n\nإلى"
    assert clean_text(raw) == "وقالت وَزَارَةُ الخارجية\nإلى"


def test_clean_text_unfolds_presentation_forms():
    assert clean_text("ﺑﻮﺗﻴﻦ ﻻ") == "بوتين لا"


def test_matching_form_folds_diacritics_alef_yeh_teh_marbuta_and_case():
    assert matching_form("وَزَارَةُ إلى أمريكا") == matching_form("وزاره الي امريكا")
    assert matching_form("Hello, WORLD!") == "hello world"


def test_matching_form_of_empty_and_punctuation_only_is_empty():
    assert matching_form("") == ""
    assert matching_form(" ،.!؟ ") == ""
