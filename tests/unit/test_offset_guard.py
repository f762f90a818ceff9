"""Offsets Faust skipped are read again before the agent goes on."""

from __future__ import annotations

import asyncio

from streams.agents.offsets import OffsetGuard

TP = ("articles.signed", 0)


class FakeConsumer:
    def __init__(self, committed: int | None, revoked: bool = False) -> None:
        self.committed = committed
        self.revoked = revoked
        self.seeks: list[int] = []

    def guard(self) -> OffsetGuard:
        return OffsetGuard(lambda tp: self.committed, self.seek)

    async def seek(self, tp: object, offset: int) -> None:
        if self.revoked:
            raise RuntimeError("IllegalStateError: partition is not currently assigned")
        self.seeks.append(offset)


def _admitted(guard: OffsetGuard, offsets: list[int], generation: int = 1) -> list[int]:
    async def run() -> list[int]:
        return [offset for offset in offsets if await guard.admit(TP, offset, generation)]

    return asyncio.run(run())


def test_events_in_order_pass_without_a_seek() -> None:
    consumer = FakeConsumer(committed=687)
    assert _admitted(consumer.guard(), [687, 688, 689]) == [687, 688, 689]
    assert consumer.seeks == []


def test_a_skip_after_a_restart_is_read_again_from_the_committed_offset() -> None:
    # the fault suite's case: committed 687, Faust's first event 695
    consumer = FakeConsumer(committed=687)
    stale_then_reread = [695, 696, 697, *range(687, 699)]
    assert _admitted(consumer.guard(), stale_then_reread) == list(range(687, 699))
    # once per stale event: Faust moves its read offset past a seek while it
    # hands out a batch it already holds
    assert consumer.seeks == [687, 687, 687]


def test_a_skip_mid_stream_is_read_again_from_the_next_owed_offset() -> None:
    consumer = FakeConsumer(committed=None)
    offsets = [10, 11, 12, 15, 16, 13, 14, 15, 16, 17]
    assert _admitted(consumer.guard(), offsets) == [10, 11, 12, 13, 14, 15, 16, 17]
    assert consumer.seeks == [13, 13]


def test_an_offset_without_a_record_is_passed_over_after_one_seek() -> None:
    # 5 holds a transaction marker: the re-read starts at 6, below the 7 refused
    consumer = FakeConsumer(committed=None)
    assert _admitted(consumer.guard(), [3, 4, 6, 7, 6, 7, 8]) == [3, 4, 6, 7, 8]
    assert consumer.seeks == [5, 5]


def test_redeliveries_below_the_owed_offset_are_handled_again() -> None:
    # a rebalance seeks back to the committed offset: at-least-once
    consumer = FakeConsumer(committed=None)
    assert _admitted(consumer.guard(), [1, 2, 3, 2, 3, 4]) == [1, 2, 3, 2, 3, 4]
    assert consumer.seeks == []


def test_a_partition_that_comes_back_committed_further_is_not_read_again() -> None:
    # another worker handled 4-9 and committed 10 while the partition was away
    consumer = FakeConsumer(committed=None)
    guard = consumer.guard()
    assert _admitted(guard, [1, 2, 3]) == [1, 2, 3]
    consumer.committed = 10
    assert _admitted(guard, [10, 11]) == [10, 11]
    assert consumer.seeks == []


def test_a_new_generation_forgets_what_was_owed_and_refused() -> None:
    # refusing 20-21 while re-reading from 12; a rebalance gives the partition
    # to another worker, which commits 30, and back: 30 is not "stale"
    consumer = FakeConsumer(committed=None)
    guard = consumer.guard()
    assert _admitted(guard, [10, 11, 20, 21]) == [10, 11]
    consumer.committed = 30
    assert _admitted(guard, [30, 31], generation=2) == [30, 31]
    assert consumer.seeks == [12, 12]


def test_a_seek_on_a_revoked_partition_refuses_without_failing() -> None:
    consumer = FakeConsumer(committed=5, revoked=True)
    guard = consumer.guard()
    assert _admitted(guard, [8, 9]) == []
    consumer.revoked = False
    assert _admitted(guard, [5, 6], generation=2) == [5, 6]
