"""Acks follow deliveries: in order, never before an event's outputs are stored."""

from __future__ import annotations

import asyncio

import pytest

from streams.agents.acks import handle_each


class FakeStream:
    """The part of a Faust stream ``handle_each`` uses: ``noack``, ``events``, ``ack``."""

    def __init__(self, events: list[str], hold_open: bool = False) -> None:
        self._events = events
        self._hold_open = hold_open
        self.acked: list[str] = []

    def noack(self) -> FakeStream:
        return self

    async def events(self):
        for event in self._events:
            yield event
        if self._hold_open:  # a live stream: no more events for now
            await asyncio.Event().wait()

    async def ack(self, event: str) -> None:
        self.acked.append(event)


def test_events_are_acked_in_order_once_their_deliveries_complete() -> None:
    async def scenario() -> list[str]:
        stream = FakeStream(["a", "b", "c"], hold_open=True)
        stored = {name: asyncio.Event() for name in "abc"}

        async def handle(event: str):
            return stored[event].wait()

        agent = asyncio.ensure_future(handle_each(stream, handle))
        await asyncio.sleep(0.01)
        assert stream.acked == []  # handed over, nothing stored yet
        stored["b"].set()
        await asyncio.sleep(0.01)
        assert stream.acked == []  # b is stored, but a is not: no ack may pass it
        stored["a"].set()
        await asyncio.sleep(0.01)
        assert stream.acked == ["a", "b"]
        stored["c"].set()
        await asyncio.sleep(0.01)
        agent.cancel()
        with pytest.raises(asyncio.CancelledError):
            await agent
        return stream.acked

    assert asyncio.run(scenario()) == ["a", "b", "c"]


def test_a_cancelled_agent_leaves_undelivered_events_unacked() -> None:
    async def scenario() -> list[str]:
        stream = FakeStream(["a", "b"], hold_open=True)
        never = asyncio.Event()

        async def handle(event: str):
            return asyncio.sleep(0) if event == "a" else never.wait()

        agent = asyncio.ensure_future(handle_each(stream, handle))
        await asyncio.sleep(0.01)
        agent.cancel()  # SIGTERM or a revoked partition while b is on its way
        with pytest.raises(asyncio.CancelledError):
            await agent
        return stream.acked

    assert asyncio.run(scenario()) == ["a"]


def test_a_failing_acker_stops_the_agent() -> None:
    class BrokenStream(FakeStream):
        async def ack(self, event: str) -> None:
            raise RuntimeError("consumer gone")

    async def scenario() -> None:
        stream = BrokenStream([str(i) for i in range(10)])

        async def handle(event: str):
            await asyncio.sleep(0.001)
            return asyncio.sleep(0)

        await handle_each(stream, handle)

    with pytest.raises(RuntimeError, match="consumer gone"):
        asyncio.run(scenario())
