"""The worker's web server on a real broker: every endpoint, against one worker.

The tests share the module's worker (``web_worker``) and only add articles,
so each one measures what it changed (new ids, metric deltas) rather than
absolute totals.
"""

from __future__ import annotations

import socket
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from streams.kafka_io import message_key, produce, read_all
from streams.outcomes import OutcomeWatcher
from streams.sources import SourceRecord
from tests.articles import article
from tests.kafka_fixtures import WEB_HTTP_MAX_BYTES, WebWorker, http

pytestmark = pytest.mark.integration

OUTCOME_TIMEOUT = 180.0
JSON = {"Content-Type": "application/json"}


def post_json(worker: WebWorker, value: Any) -> Any:
    return http("POST", worker.url + "/articles", orjson.dumps(value), JSON)


def wait_for(fetch: Callable[[], Any], ok: Callable[[Any], bool], worker: WebWorker) -> Any:
    """Poll ``fetch`` until ``ok`` holds of its result."""
    deadline = time.monotonic() + OUTCOME_TIMEOUT
    while True:
        value = fetch()
        if ok(value):
            return value
        assert worker.handle.alive(), worker.handle.log()
        assert time.monotonic() < deadline, f"last value: {value!r}\n{worker.handle.log()}"
        time.sleep(0.5)


def get_json(worker: WebWorker, path: str) -> Any:
    reply = http("GET", worker.url + path)
    assert reply.status == 200, (path, reply.status, reply.body)
    return reply.json()


def test_health_reports_broker_agents_and_lag(web_worker):
    reply = http("GET", web_worker.url + "/health")
    assert reply.status == 200
    body = reply.json()
    assert body["status"] == "ok" and body["reasons"] == []
    assert body["broker"] == {"reachable": True, "error": None}
    assert body["agents"] == {"ingest": "running", "dedup": "running"}
    assert isinstance(body["lag"]["total"], int)


def test_posted_articles_reach_the_pipeline_as_kafka_input_would(web_worker):
    settings = web_worker.settings
    items = [
        article("محادثات بين روسيا وأوكرانيا", 1, "روسيا"),
        article("Kazakhstan signs an energy deal", 2, "كازاخستان"),
    ]
    watcher = OutcomeWatcher(settings)
    reply = post_json(web_worker, items)
    assert reply.status == 202, reply.body
    ids = reply.json()["ids"]
    assert ids == [message_key(orjson.dumps(item)) for item in items]
    outcomes = watcher.wait_for(ids, OUTCOME_TIMEOUT, web_worker.handle.alive)
    assert set(outcomes.by_topic[settings.topic("articles.enriched")]) >= set(ids)
    raw = {r["key"]: r["value"] for r in read_all(settings, settings.topic("articles.raw"))}
    assert [raw[i] for i in ids] == items


def test_invalid_articles_get_400_with_reasons_and_nothing_is_produced(web_worker):
    settings = web_worker.settings
    raw_before = len(read_all(settings, settings.topic("articles.raw")))
    good = article("خبر سليم", 3, "روسيا")
    reply = post_json(web_worker, [good, {"source": "s", "title": 5, "body": "b"}, "text"])
    assert reply.status == 400
    errors = reply.json()["errors"]
    assert [(e["index"], e["reason"]) for e in errors] == [(1, "schema"), (2, "not_an_object")]
    assert "title" in errors[0]["error"]
    reply = http("POST", web_worker.url + "/articles", b"{not json", JSON)
    assert reply.status == 400
    assert [e["reason"] for e in reply.json()["errors"]] == ["invalid_json"]
    assert len(read_all(settings, settings.topic("articles.raw"))) == raw_before


def _sized(size: int, seed: int) -> bytes:
    """A valid article encoded in exactly ``size`` bytes."""
    shell = orjson.dumps(article("مقال طويل", seed, "روسيا"))
    value = orjson.loads(shell)
    value["body"] += " " + "x" * (size - len(shell) - 1)
    encoded = orjson.dumps(value)
    assert len(encoded) == size
    return encoded


def test_bodies_over_the_limit_get_413_and_the_limit_itself_passes(web_worker):
    watcher = OutcomeWatcher(web_worker.settings)
    at_limit = http("POST", web_worker.url + "/articles", _sized(WEB_HTTP_MAX_BYTES, 4), JSON)
    assert at_limit.status == 202, at_limit.body
    ids = at_limit.json()["ids"]
    assert watcher.wait_for(ids, OUTCOME_TIMEOUT, web_worker.handle.alive).ids() == set(ids)
    over = http("POST", web_worker.url + "/articles", _sized(WEB_HTTP_MAX_BYTES + 1, 5), JSON)
    assert over.status == 413
    assert "NEWSSTREAMS_HTTP_MAX_BYTES" in over.json()["error"]
    # without a Content-Length the limit holds on the bytes actually read
    body = _sized(WEB_HTTP_MAX_BYTES + 1, 6)
    chunks = (body[i : i + 8192] for i in range(0, len(body), 8192))
    chunked = http(
        "POST", web_worker.url + "/articles", chunks, {**JSON, "Transfer-Encoding": "chunked"}
    )
    assert chunked.status == 413


def _scrape(worker: WebWorker) -> dict[tuple[str, tuple], float]:
    reply = http("GET", worker.url + "/metrics")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(reply.body.decode())
        for sample in family.samples
    }


def _delta(after: dict, before: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_metrics_count_what_the_worker_did(web_worker):
    settings = web_worker.settings
    original = article("الهند تطلق قمرا صناعيا", 7, "الهند")
    copy = {**original, "source": "another-paper", "url": "http://t/copy-7"}
    before = _scrape(web_worker)
    watcher = OutcomeWatcher(settings)
    accepted = post_json(web_worker, original).json()["ids"]
    # the copy after the original, so that the copy is the duplicate
    watcher.wait_for(accepted, OUTCOME_TIMEOUT, web_worker.handle.alive)
    accepted += post_json(web_worker, copy).json()["ids"]
    dead = produce(settings, [SourceRecord(b"not json", "test:0")], progress=False)
    outcomes = watcher.wait_for(accepted + dead.ids, OUTCOME_TIMEOUT, web_worker.handle.alive)
    assert outcomes.ids() == set(accepted + dead.ids)
    after = _scrape(web_worker)

    assert _delta(after, before, "newsstreams_outcomes_total", outcome="enriched") == 1
    assert _delta(after, before, "newsstreams_outcomes_total", outcome="duplicate") == 1
    assert _delta(after, before, "newsstreams_duplicates_total", method="exact") == 1
    invalid_json = {"reason": "invalid_json", "stage": "validate"}
    assert _delta(after, before, "newsstreams_dead_letters_total", **invalid_json) == 1
    assert _delta(after, before, "newsstreams_http_articles_total", result="accepted") == 2
    assert _delta(after, before, "newsstreams_stage_articles_in_total", stage="validate") == 3
    assert _delta(after, before, "newsstreams_stage_articles_out_total", stage="validate") == 2
    for stage in ("enrich", "tag", "sketch", "dedup"):
        assert _delta(after, before, "newsstreams_stage_articles_out_total", stage=stage) == 2
    for stage in ("topic_policy", "route"):
        assert _delta(after, before, "newsstreams_stage_articles_out_total", stage=stage) == 1
    assert _delta(after, before, "newsstreams_stage_seconds_count", stage="tag") == 2
    for outcome, count in (("enriched", 1), ("duplicate", 1), ("deadletter", 1)):
        assert _delta(after, before, "newsstreams_end_to_end_seconds_count", outcome=outcome) == (
            count
        )
    assert ("newsstreams_consumer_lag_total", ()) in after
    # the registry is read asynchronously: India's topic shows up there soon
    wait_for(
        lambda: _scrape(web_worker)[("newsstreams_entity_topics", ())],
        lambda count: count >= 1,
        web_worker,
    )


def _entity(worker: WebWorker, entity_id: str) -> dict[str, Any] | None:
    reply = http("GET", worker.url + "/entities/" + urllib.parse.quote(entity_id))
    return reply.json() if reply.status == 200 else None


def test_entities_come_from_the_registry_with_type_and_query(web_worker):
    settings = web_worker.settings
    before = _entity(web_worker, "cldr:UA") or {"articles": 0, "mentions": 0}
    # Ukraine in the title and twice in the body
    assert post_json(web_worker, article("اشتباكات على حدود أوكرانيا", 8, "أوكرانيا")).status == 202
    ukraine = wait_for(
        lambda: _entity(web_worker, "cldr:UA"),
        lambda record: record is not None and record["articles"] == before["articles"] + 1,
        web_worker,
    )
    assert ukraine["topic"] == settings.topic("entity.location.ukraine")
    assert ukraine["mentions"] >= before["mentions"] + 3
    listed = get_json(web_worker, "/entities?type=location")
    assert "cldr:UA" in {e["id"] for e in listed["entities"]}
    assert {e["type"] for e in listed["entities"]} == {"location"}
    assert listed["count"] == len(listed["entities"])
    # Arabic with another hamza and a diacritic, English in capitals
    for q in ("اوكرانيا", "أوكرانِيا", "UKRAINE"):
        found = get_json(web_worker, "/entities?q=" + urllib.parse.quote(q))["entities"]
        assert [e["id"] for e in found] == ["cldr:UA"], q
    assert get_json(web_worker, "/entities?type=person&q=ukraine")["entities"] == []
    assert http("GET", web_worker.url + "/entities/nobody").status == 404
    assert http("GET", web_worker.url + "/entities?type=planet").status == 400


def test_live_page_and_the_data_it_polls(web_worker):
    page = http("GET", web_worker.url + "/")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert b'id="trending"' in page.body and b"/static/app.js" in page.body
    assert http("GET", web_worker.url + "/static/app.js").status == 200
    posted = article("كازاخستان تفتتح مطارا", 9, "كازاخستان")
    # a person the tagger finds but who has no topic yet (a discovered entity)
    posted["body"] += " وقال المدير العام للمطار عبدالرحمن الفهيد المطيري إن المطار جاهز."
    [article_id] = post_json(web_worker, posted).json()["ids"]
    live = wait_for(
        lambda: get_json(web_worker, "/live"),
        lambda body: article_id in {a["id"] for a in body["latest"]},
        web_worker,
    )
    [shown] = [a for a in live["latest"] if a["id"] == article_id]
    assert shown["language"] == "ar"
    chips = {chip["id"]: chip for chip in shown["entities"]}
    assert "cldr:KZ" in chips
    topicless = [chip_id for chip_id, chip in chips.items() if not chip["topic"]]
    assert topicless, "the article names an entity without a topic"
    trending = {entity["id"]: entity for entity in live["trending"]}
    assert not set(topicless) & set(trending), "only entities with a topic trend"
    assert trending["cldr:KZ"]["count"] >= 1
    assert trending["cldr:KZ"]["name_ar"] == "كازاخستان"
    assert live["rates"]["articles_per_s"] > 0


def test_web_server_listens_on_loopback_only(web_worker):
    """NEWSSTREAMS_WEB_HOST defaults to 127.0.0.1 (Faust itself would bind every
    interface): another loopback address on the same port is refused."""
    port = web_worker.settings.web_port
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.2", port), 5):
        pass


def test_worker_logs_one_json_object_per_line(web_worker):
    """The module's worker runs with NEWSSTREAMS_LOG_FORMAT=json."""
    lines = [line for line in web_worker.handle.log_path.read_text().splitlines() if line]
    assert lines
    records = [orjson.loads(line) for line in lines]
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["logger"].startswith("faust") for r in records)
