"""Every offset of an agent's partitions handled, in order, even when Faust skips some.

faust-streaming can hand a stream an event past offsets it never handed it:
records fetched around a restart, rebalance or table recovery
(faust-streaming/faust#216 and #221 report the same). With Faust's own acks
the skipped offsets are lost; with ours (:mod:`streams.agents.acks`) they are
never acked, so the partition's commit stops at the first of them: nothing
is lost, but the skipped articles wait for the next restart, and every
commit of that partition waits with them. The fault suite saw it: after a
SIGTERM and restart, offsets 687-694 of ``articles.signed`` never reached
the dedup agent, which handled and acked everything after them while the
group's commit stayed at 687.

:class:`OffsetGuard` knows the next offset each partition owes (one past the
last event handled, or the committed offset when that is further on). An
event past it means a skip: the partition is sought back to the owed offset
and events are refused (neither handled nor acked), each one seeking again,
until the re-read arrives, which is the first event at or below an offset
already refused (offsets refused before that were fetched before the
seek). An offset that holds no record (a transaction marker, a compacted
record) is passed over that way too. Events handled twice are re-emitted byte-identically
(at-least-once, see the README).

What the guard knows is forgotten at every new consumer generation (a
rebalance): a partition may have moved to another worker and back, and
Faust reads the committed offsets again at assignment. A seek that fails
(the partition was just revoked) leaves the event refused; its new owner
reads it from the committed offset.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("newsstreams.offsets")


class OffsetGuard:
    """Admits an agent's events in offset order, seeking back over skips.

    ``committed(tp)`` is the group's committed offset as the consumer knows
    it (None when none), ``seek(tp, offset)`` moves the consumer.
    """

    def __init__(
        self,
        committed: Callable[[Any], int | None],
        seek: Callable[[Any, int], Awaitable[None]],
    ) -> None:
        self._committed = committed
        self._seek = seek
        self._next: dict[Any, int] = {}
        self._refused: dict[Any, int] = {}  # highest offset refused while re-reading
        self._generation: int | None = None

    async def admit(self, tp: Any, offset: int, generation: int | None = None) -> bool:
        """Whether to handle the event at ``offset`` of ``tp``, fetched in
        consumer ``generation``, now (else it comes again after the seek
        this call may start)."""
        if generation != self._generation:
            self._next.clear()
            self._refused.clear()
            self._generation = generation
        refused = self._refused.get(tp)
        if refused is not None and offset <= refused:  # the re-read has begun
            del self._refused[tp]
        else:
            owed = self._owed(tp)
            if owed is not None and offset > owed:
                if refused is None:
                    log.warning(
                        "%s: offsets %d-%d were skipped; reading again from %d",
                        tp,
                        owed,
                        offset - 1,
                        owed,
                    )
                # Sought again for every event fetched before the re-read:
                # Faust's fetch loop sets its read offset to each record of
                # a batch it is still handing out, past our seek, and then
                # drops re-read records below it (seen: a lone seek stalled
                # the partition for good).
                try:
                    await self._seek(tp, owed)
                except Exception as exc:  # revoked meanwhile: its next owner reads it
                    log.warning("%s: cannot seek back (%r)", tp, exc)
                    return False
                self._refused[tp] = offset
                return False
        self._next[tp] = offset + 1
        return True

    def _owed(self, tp: Any) -> int | None:
        known = [o for o in (self._next.get(tp), self._committed(tp)) if o is not None]
        return max(known, default=None)


def faust_guard(app: Any) -> OffsetGuard:
    """A guard over ``app``'s consumer.

    Seeks go through ``Consumer.seek_wait``, as Faust's own recovery does:
    it runs in the consumer's thread and resets Faust's read offset too.
    ``Consumer.seek`` calls aiokafka from the agents' thread instead; with
    it, in one checklist run, the re-read never came (our reading: aiokafka's
    fetcher is not reliably woken by a call from another thread).
    Faust keeps the committed offsets it read at assignment and wrote since
    in ``Consumer._committed_offset`` (no public accessor); asking the broker
    instead would cost a round trip per check.
    """
    return OffsetGuard(
        lambda tp: app.consumer._committed_offset.get(tp),
        lambda tp, offset: app.consumer.seek_wait({tp: offset}),
    )
