"""The worker's HTTP endpoints, on Faust's web server.

    GET  /                  the live page (static HTML + JS from streams/web/static)
    GET  /live              the JSON the page polls: trending, rates, latest articles
    GET  /health            200, or 503 with the reasons (starting, broker, agents, lag)
    GET  /metrics           Prometheus text (streams.metrics)
    POST /articles          an article or an array of them → articles.raw (202/400/413)
    GET  /entities          registry records; ?type=person|organization|location, ?q=name
    GET  /entities/{id}     one registry record, or 404

Importing this module registers the views on :data:`streams.app.app`.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from faust import web
from faust.sensors.metrics import performance_metrics
from faust.web.base import BlueprintManager

from streams import metrics
from streams.app import app, raw_topic, settings
from streams.web import state
from streams.web.health import HealthInputs, assess, consumer_lag
from streams.web.ingest import Rejected, parse_articles
from streams.web.live import trending_counts

STATIC = Path(__file__).with_name("static")
TRENDING_LIMIT = 15
ENTITY_TYPES = ("person", "organization", "location")
HTTP_ACCEPTED = 202
HTTP_BAD_REQUEST = 400
HTTP_NOT_FOUND = 404
HTTP_TOO_LARGE = 413

# Faust's built-in pages are for debugging its internals and its
# production index takes "/", which is the live page here: serve only ours.
app.web.blueprints = BlueprintManager([])
app.web.add_static("/static/", STATIC)


@app.page("/")
class LivePage(web.View):
    async def get(self, request: web.Request) -> web.Response:
        return self.html((STATIC / "index.html").read_text(encoding="utf-8"))


@app.page("/live")
class LiveData(web.View):
    async def get(self, request: web.Request) -> web.Response:
        now = time.time()
        counts = trending_counts(state.trending_windows(), now, state.TRENDING_HORIZON)
        trending = [
            {**_label(entity_id), "count": count}
            for entity_id, count in counts.most_common(TRENDING_LIMIT)
        ]
        return self.json(
            {
                "now": now,
                "horizon_s": state.TRENDING_HORIZON,
                "window_s": state.TRENDING_WINDOW,
                "trending": trending,
                "rates": state.feed.rates(now),
                "latest": list(state.feed.latest),
                "entity_topics": len(state.entities),
            }
        )


def _label(entity_id: str) -> dict[str, Any]:
    """How to show an entity: as an article named it lately, else as the
    registry does, else by its id (after a restart, before either)."""
    known = state.feed.labels.get(entity_id) or state.entities.get(entity_id)
    if known is None:
        return {"id": entity_id, "type": None, "name": entity_id, "name_ar": None, "topic": None}
    return {field: known.get(field) for field in ("id", "type", "name", "name_ar", "topic")}


@app.page("/health")
class Health(web.View):
    async def get(self, request: web.Request) -> web.Response:
        status, body = assess(
            HealthInputs(
                broker_error=await state.probe.check(),
                agents={
                    agent.name.rsplit(".", 1)[-1]: agent.state for agent in app.agents.values()
                },
                lag_by_partition=_lag(),
                max_lag=settings.health_max_lag,
                started=state.started.is_set(),
            )
        )
        return self.json(body, status=status)


def _lag() -> dict[str, dict[int, int]]:
    consumer = performance_metrics(app)["consumer"]
    return consumer_lag(consumer["read_offsets"], consumer["end_offsets"])


@app.page("/metrics")
class Metrics(web.View):
    async def get(self, request: web.Request) -> web.Response:
        metrics.set_lag(_lag())
        metrics.set_entity_topics(len(state.entities))
        body, content_type = metrics.exposition()
        # aiohttp wants the charset apart from the content type
        return self.bytes(body, content_type=content_type.split(";")[0])


@app.page("/articles")
class Articles(web.View):
    async def post(self, request: web.Request) -> web.Response:
        limit = settings.http_max_bytes
        body = await _read_limited(request, limit)
        if body is None:
            return self.json(
                {"error": f"request body over {limit} bytes (NEWSSTREAMS_HTTP_MAX_BYTES)"},
                status=HTTP_TOO_LARGE,
            )
        parsed = parse_articles(body, settings)
        if isinstance(parsed, Rejected):
            metrics.HTTP_ARTICLES.labels("rejected").inc()
            return self.json({"errors": parsed.errors}, status=HTTP_BAD_REQUEST)
        sent = [await raw_topic.send(key=key.encode(), value=raw) for key, raw in parsed.messages]
        await asyncio.gather(*sent)  # 202 means the broker has them
        metrics.HTTP_ARTICLES.labels("accepted").inc(len(parsed.messages))
        return self.json({"ids": parsed.ids}, status=HTTP_ACCEPTED)


async def _read_limited(request: Any, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed ``limit``
    (declared length, or bytes actually read for a chunked upload)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


@app.page("/entities")
class Entities(web.View):
    async def get(self, request: web.Request) -> web.Response:
        type_ = request.query.get("type") or None
        if type_ is not None and type_ not in ENTITY_TYPES:
            return self.json(
                {"error": f"type must be one of {', '.join(ENTITY_TYPES)}, got {type_!r}"},
                status=HTTP_BAD_REQUEST,
            )
        found = state.entities.search(type_=type_, q=request.query.get("q") or None)
        return self.json({"count": len(found), "entities": found})


@app.page("/entities/{entity_id}")
class Entity(web.View):
    async def get(self, request: web.Request, entity_id: str) -> web.Response:
        record = state.entities.get(entity_id)
        if record is None:
            return self.json({"error": f"no entity {entity_id!r}"}, status=HTTP_NOT_FOUND)
        return self.json(record)
