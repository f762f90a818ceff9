"""Ack an event only after the agent has handled it.

Faust acks an event in a ``finally`` around the ``yield`` that hands it to
the agent, so an agent cancelled mid-event (SIGTERM, a rebalance revoking
its partition) acks, and its offset is committed, though the sends for it
were never attached: the fault suite lost an article that way. Here acks
are manual and come after the loop body returns, so an interrupted event
is not acked and is delivered again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from faust import EventT, StreamT


async def handled_events(stream: StreamT) -> AsyncIterator[EventT]:
    """The events of ``stream``, each acked when the caller asks for the next."""
    manual = stream.noack()
    async for event in manual.events():
        yield event
        await manual.ack(event)
