"""Ack an event only once the broker has stored its outputs, without waiting
for that before handling the next event.

Faust acks an event in a ``finally`` around the ``yield`` that hands it to
the agent, so an agent cancelled mid-event (SIGTERM, a rebalance revoking
its partition) acks, and its offset is committed, though its outputs were
never sent: the fault suite lost an article that way. Here acks are manual.

Awaiting each event's deliveries before taking the next one made every
event pay a broker round trip on the single ``articles.signed`` partition.
Instead the handler hands its outputs to the producer and returns a
*delivery* (an awaitable that ends once the broker has them all); an acker
task awaits the deliveries in arrival order and acks each event after its
own, so an offset is never committed before its outputs are stored, and up
to ``MAX_IN_FLIGHT`` events are on their way at once (back-pressure beyond).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from faust import EventT, StreamT

from streams.agents.offsets import OffsetGuard

MAX_IN_FLIGHT = 64  # events handed to the producer, not yet stored and acked

Delivery = Awaitable[None]
InFlight = tuple[EventT, "asyncio.Future[None]"]


async def handle_each(
    stream: StreamT,
    handle: Callable[[EventT], Awaitable[Delivery]],
    guard: OffsetGuard | None = None,
) -> None:
    """Run ``handle`` on every event of ``stream`` in order; ack each event,
    in order, once the delivery ``handle`` returned for it has completed.
    Events ``guard`` refuses (Faust skipped offsets before them) are left
    alone: they come again."""
    manual = stream.noack()
    in_flight: asyncio.Queue[InFlight | None] = asyncio.Queue(MAX_IN_FLIGHT)
    acker = asyncio.ensure_future(_ack_in_order(manual, in_flight))
    try:
        async for event in manual.events():
            if guard and not await guard.admit(
                event.message.tp, event.message.offset, event.message.generation_id
            ):
                continue
            delivery = asyncio.ensure_future(await handle(event))
            if acker.done():  # it only ends by failing: surface that here
                acker.result()
            await in_flight.put((event, delivery))
            # Let the other agent run: one that never waits (its events are
            # buffered, its sends only queued) would otherwise keep the event
            # loop, and ingest, with a backlog, starved the dedup agent.
            await asyncio.sleep(0)
        await in_flight.put(None)  # the stream ended: ack what is left, then stop
        await acker
    finally:
        # Events still in flight are not acked: they come again after a
        # restart or rebalance (at-least-once; their outputs are byte-identical).
        acker.cancel()
        while not in_flight.empty():
            if (item := in_flight.get_nowait()) is not None:
                item[1].cancel()


async def _ack_in_order(stream: StreamT, in_flight: asyncio.Queue[InFlight | None]) -> None:
    while (item := await in_flight.get()) is not None:
        event, delivery = item
        await delivery
        await stream.ack(event)
