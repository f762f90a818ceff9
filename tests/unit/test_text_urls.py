"""Canonical URLs: one article, one URL."""

from urllib.parse import quote

import pytest

from streams.text.urls import canonical_url

# As the corpus has it (aawsat, 2015-07-22): raw Arabic in the path.
RAW = "http://aawsat.com/home/article/411641/الفقر-أحد-أسباب-تأخر-النمو-العقلي-لدى-الأطفال"


def test_raw_arabic_and_percent_encoded_forms_compare_equal():
    encoded = quote(RAW, safe=":/")
    assert canonical_url(RAW) == canonical_url(encoded) == canonical_url(encoded.lower())
    assert canonical_url(RAW).isascii()
    assert canonical_url(RAW).startswith("http://aawsat.com/home/article/411641/%D8%A7%D9%84")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://WWW.Alriyadh.com:80/1066924#comments", "http://www.alriyadh.com/1066924"),
        ("https://x.com:443/a?utm_source=tw&id=5&fbclid=abc#top", "https://x.com/a?id=5"),
        ("https://x.com/a?UTM_Medium=x&gclid=1", "https://x.com/a"),
        (  # corpus (alwatan): parameters kept in order
            "http://www.alwatan.com.sa/Politics/News_Detail.aspx?ArticleID=229816&CategoryID=1",
            "http://www.alwatan.com.sa/Politics/News_Detail.aspx?ArticleID=229816&CategoryID=1",
        ),
        (  # corpus (almadina): a parameter without a value stays so
            "http://www.al-madina.com/node/620153/67-مليار.html?weekly",
            "http://www.al-madina.com/node/620153/67-%D9%85%D9%84%D9%8A%D8%A7%D8%B1.html?weekly",
        ),
        ("http://x.com/a%2Fb%7e%41", "http://x.com/a%2Fb~A"),  # reserved escapes stay
        ("http://x.com/a b?q=a b", "http://x.com/a%20b?q=a%20b"),
        ("http://x.com", "http://x.com/"),
        ("http://موقع.السعودية/خبر", "http://xn--4gbrim.xn--mgberp4a5d4ar/%D8%AE%D8%A8%D8%B1"),
        ("http://%D9%85%D9%88%D9%82%D8%B9.com/", "http://xn--4gbrim.com/"),
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
        ("  http://x.com/a  ", "http://x.com/a"),
    ],
)
def test_canonical_form(url, canonical):
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    "url", [None, "", "   ", "not a url", "/relative/path", "http://x.com:99999/"]
)
def test_blank_relative_or_malformed_urls_have_none(url):
    assert canonical_url(url) is None
