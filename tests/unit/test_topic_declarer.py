"""Entity topics are created in batches, in the background, and only once."""

from __future__ import annotations

import asyncio
import threading

import pytest
from kafka.errors import KafkaTimeoutError

from streams.agents import topics
from streams.agents.topics import TopicDeclarer


class FakeBroker:
    """Records create requests; each one blocks until ``release`` is set, and
    the first ``hangs`` clients connected never return at all."""

    def __init__(self, failures: int = 0, hangs: int = 0) -> None:
        self.batches: list[list[str]] = []
        self.announced: list[list[str]] = []
        self.release = threading.Event()
        self.failures = failures
        self.hangs = hangs
        self.clients = 0

    def connect(self):
        self.clients += 1
        return self.hang if self.clients <= self.hangs else self.create

    def hang(self, names: list[str]) -> None:
        threading.Event().wait(1)  # "forever" next to the 0.1 s timeout; ends for asyncio.run

    def create(self, names: list[str]) -> None:
        self.release.wait(5)
        if self.failures:
            self.failures -= 1
            raise KafkaTimeoutError("broker not ready")
        self.batches.append(list(names))

    async def announce(self, names: list[str]) -> None:
        self.announced.append(list(names))

    def declarer(self) -> TopicDeclarer:
        return TopicDeclarer({"known": "known-topic"}, self.connect, self.announce, str.upper)


def _declare_a(broker: FakeBroker) -> FakeBroker:
    """Declare topic "a" with ``broker`` answering at once; returns it."""

    async def scenario() -> None:
        broker.release.set()
        await asyncio.wait_for(broker.declarer().declare_soon(["a"]), 5)

    asyncio.run(scenario())
    return broker


def test_names_asked_for_meanwhile_are_created_in_one_batch() -> None:
    async def scenario() -> FakeBroker:
        broker = FakeBroker()
        declarer = broker.declarer()
        first = declarer.declare_soon(["a"])
        await asyncio.sleep(0.05)  # the creator took "a" and is waiting on the broker
        later = [declarer.declare_soon(["b", "c"]), declarer.declare_soon(["c", "known"])]
        assert not first.done(), "declare_soon does not wait"
        broker.release.set()
        await asyncio.gather(first, *later)
        assert await declarer.topic("c") == "C"
        assert await declarer.topic("known") == "known-topic"
        return broker

    broker = asyncio.run(scenario())
    assert broker.batches == [["a"], ["b", "c"]]
    assert broker.announced == broker.batches, "the producer learns each batch once"


def test_a_cancelled_sender_does_not_cancel_the_others() -> None:
    async def scenario() -> str:
        broker = FakeBroker()
        declarer = broker.declarer()
        cancelled = asyncio.ensure_future(declarer.topic("a"))
        other = asyncio.ensure_future(declarer.topic("a"))
        await asyncio.sleep(0.05)
        cancelled.cancel()
        broker.release.set()
        return await other

    assert asyncio.run(scenario()) == "A"


def test_broker_errors_are_retried_until_the_topics_exist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(topics, "RETRY_SECONDS", 0.01)
    assert _declare_a(FakeBroker(failures=2)).batches == [["a"]]


def test_a_create_that_hangs_is_retried_over_a_new_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(topics, "CREATE_TIMEOUT_SECONDS", 0.1)
    broker = _declare_a(FakeBroker(hangs=1))
    assert broker.batches == [["a"]]
    assert broker.clients == 2


def test_a_hung_metadata_refresh_does_not_hold_the_topics_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(topics, "CREATE_TIMEOUT_SECONDS", 0.1)

    async def never(names: list[str]) -> None:
        await asyncio.Event().wait()

    async def scenario() -> str:
        broker = FakeBroker()
        broker.release.set()
        declarer = TopicDeclarer({}, broker.connect, never, str.upper)
        return await asyncio.wait_for(declarer.topic("a"), 5)

    assert asyncio.run(scenario()) == "A"
