from streams.stages.dedup import dedup


def _article(article_id: str, content: str = "h" * 64) -> dict:
    return {
        "id": article_id,
        "source": "okaz",
        "url": None,
        "title": "t",
        "content_hash": content,
        "origin": {"topic": "articles.raw", "partition": 0, "offset": 1, "timestamp": 0},
    }


def test_first_article_passes_and_copy_is_a_duplicate_of_it():
    store: dict = {}
    assert dedup(_article("a"), store) is None
    notice = dedup(_article("b"), store)
    assert notice["duplicate_of"] == "a"
    assert notice["method"] == "exact"
    assert notice["similarity"] == 1.0


def test_redelivery_of_the_same_id_is_not_a_duplicate():
    store: dict = {}
    assert dedup(_article("a"), store) is None
    assert dedup(_article("a"), store) is None
    first = dedup(_article("b"), store)
    assert first == dedup(_article("b"), store)


def test_different_content_is_not_a_duplicate():
    store: dict = {}
    assert dedup(_article("a", "1" * 64), store) is None
    assert dedup(_article("b", "2" * 64), store) is None
