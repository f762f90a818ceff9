"""Ack an event only after the agent has handled it.

Faust acks an event in a ``finally`` around the ``yield`` that hands it to
the agent, so an agent cancelled mid-event (SIGTERM, a rebalance revoking
its partition) acks, and its offset is committed, though its outputs were
never sent: the fault suite lost an article that way. Here acks are manual
and come right after the handler returns, so an interrupted event is not
acked and is delivered again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from faust import EventT, StreamT


async def handle_each(stream: StreamT, handle: Callable[[EventT], Awaitable[None]]) -> None:
    """Run ``handle`` on every event of ``stream``, acking each once it returned."""
    manual = stream.noack()
    async for event in manual.events():
        await handle(event)
        await manual.ack(event)
