"""Dedup stage: exact, same-URL and near duplicates in a sliding window, and
a story id for every article.

*Who is a duplicate of whom* depends on the order articles are seen in, so
the stage decides in one total order: the worker feeds it from a
single-partition topic (see :mod:`streams.app`), the offline mode in file
order. The expensive, parallel part, sketching (:mod:`streams.stages.minhash`),
happens before, wherever the raw article landed.

An article is a **duplicate** when an earlier article still in the window
has a word-shingle Jaccard of at least ``threshold`` with it, computed
exactly on the shingle sets of :mod:`streams.stages.minhash` (candidates come
from datasketch's LSH). That is the one definition, and every method is a
label on a pair that meets it, never a way around it: ``exact`` when the
shingle sets are identical (Jaccard 1), ``url`` when the two share a
canonical URL, ``near`` otherwise. The article's ``content_hash`` (enrich) is
not used to match: it hashes the body alone when the body is long, so an old
body under a new headline has the same hash but, counting the headline's
shingles, a Jaccard that may be below the threshold (15 corpus pairs between
0.6 and 0.8); such a pair is not a duplicate, but it is the same story.
Identical shingle sets have identical MinHash signatures, so the LSH always
proposes them: no separate hash lookup is needed for ``exact``.

A notice names every matching earlier article (``matches``) and the first
article of their group (``duplicate_of``: the one subscribers received on
``articles.enriched``). Every article gets a ``story_id``: the first article
of the earliest story among its matches, the earlier articles within
``story_threshold`` and those with the same URL (an edited version of a
page), else its own id.

Texts shorter than ``min_words`` words (titles alone, placeholder bodies such
as "الكاريكاتير") have no shingle set, so the definition cannot decide them:
two such texts are duplicates only when their URL is the same (identical
placeholders are different cartoons or galleries, not copies), and a short
text is never a duplicate of a long one (an empty first fetch and the full
article at the same URL are one story, two articles).

The window holds what arrived during the last ``window_days`` of *stream
time*: the newest publication time seen so far (ingestion time for articles
without a trustworthy one). An entry expires ``window_days`` of stream time
after it **arrived**, whatever its own publication time, so a late or
out-of-order article is still compared with the whole window and stays
matchable for a full window after it came.

Determinism: an article's decision is stored with its entry and replayed
when its id comes again (a re-delivery after a crash, a producer re-send),
so it is never a duplicate of itself nor of a later copy, and re-deliveries
yield identical outputs for as long as the entry is in the window.

State lives in one store (the worker's is a changelog-backed Faust table;
offline it is a dict), ``str`` keys and ``bytes`` values, by prefix:

    article:<id>    the entry: arrival number and clock, content hash, URL key,
                    group and story, decision, MinHash signature, shingle set
    seq:<n>         id of the n-th arrival (expiry walks these in order)
    url:<blake2b>   id of the latest entry with this canonical URL
    clock           next arrival number, oldest live arrival, stream clock

Each step writes its entry last but the clock, so a crash that loses the
tail of a step's writes leaves either a step the re-delivery redoes
identically (a pointer to a missing entry is ignored) or an entry it
replays, catching the clock up. The LSH index is derived: built
from the entries when the stage first meets a store and rebuilt whenever
the store's clock is not where the index left it (a restart, a recovery
from the changelog, a rebalance that moved the partition away and back).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np
import orjson
from datasketch import LeanMinHash

from streams.settings import Settings
from streams.stages.minhash import Sketch, Sketcher, SketchIndex, indexable, jaccard

STAGE = "dedup"

METHOD_EXACT = "exact"
METHOD_URL = "url"
METHOD_NEAR = "near"
# A match's strongest evidence first: identical shingles, then the same page.
METHOD_RANK = {METHOD_EXACT: 0, METHOD_URL: 1, METHOD_NEAR: 2}

ARTICLE = "article:"
SEQ = "seq:"
URL = "url:"
CLOCK = "clock"

# A notice lists at most this many matches (duplicate.schema.json says so):
# a text repeated thousands of times must not make notices that large.
MAX_MATCHES = 50
DAY_MS = 86_400_000
# The published_at_status (enrich) that means "the feed's own date": others
# (missing, unparseable, future) fall back to the ingestion time.
STATUS_FEED = "feed"
# Bumped whenever the stage's keys or entries change meaning: v2 dropped the
# ``hash:`` pointers (whose expiry old code would no longer do) and decides
# exact and URL matches by Jaccard, so old decisions must not be replayed.
STATE_VERSION = 2


class Store(Protocol):
    """The part of ``dict`` / ``faust.Table`` the stage needs (str → bytes)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def __setitem__(self, key: str, value: Any) -> None: ...

    def pop(self, key: str, default: Any = None) -> Any: ...

    def items(self) -> Iterable[tuple[str, Any]]: ...


@dataclass(frozen=True)
class DedupConfig:
    """The stage's knobs; see the README's configuration table."""

    threshold: float = 0.8
    story_threshold: float = 0.4
    window_days: float = 7.0
    num_perm: int = 64
    shingle_size: int = 5
    min_words: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.story_threshold <= self.threshold <= 1:
            raise ValueError(
                f"need 0 < story threshold ({self.story_threshold}) <= dedup threshold "
                f"({self.threshold}) <= 1"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> DedupConfig:
        return cls(
            threshold=settings.dedup_threshold,
            story_threshold=settings.story_threshold,
            window_days=settings.dedup_window_days,
            num_perm=settings.dedup_num_perm,
            shingle_size=settings.dedup_shingle_size,
            min_words=settings.dedup_min_words,
        )

    @property
    def window_ms(self) -> int:
        return round(self.window_days * DAY_MS)

    @property
    def sketch_format(self) -> str:
        """What stored state depends on (shingles, permutations and the
        stage's own layout): state kept under another format is not
        comparable (the worker names its table after it)."""
        return f"k{self.shingle_size}-p{self.num_perm}-v{STATE_VERSION}"


@dataclass(frozen=True)
class Match:
    """An earlier article this one copies, and how."""

    id: str
    method: str
    similarity: float

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "method": self.method, "similarity": self.similarity}


@dataclass(frozen=True)
class Decision:
    """The stage's verdict on one article."""

    story_id: str
    duplicate_of: str | None = None
    matches: tuple[Match, ...] = ()

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None

    def notice(self, article: dict[str, Any]) -> dict[str, Any]:
        """The duplicate notice for ``article`` (topic ``articles.duplicates``)."""
        return {
            "id": article["id"],
            "duplicate_of": self.duplicate_of,
            "similarity": max(m.similarity for m in self.matches),
            "method": min((m.method for m in self.matches), key=METHOD_RANK.__getitem__),
            "matches": [m.as_dict() for m in self.matches],
            "story_id": self.story_id,
            "source": article["source"],
            "url": article["url"],
            "title": article["title"],
            "content_hash": article["content_hash"],
            "origin": article["origin"],
        }


class Deduplicator:
    """The stage: sketches articles and decides them against a store.

    :meth:`sketch` is pure and runs anywhere; :meth:`decide` must see the
    articles of one store in one order. The LSH index over the store's
    entries is kept in memory, for the last store used.
    """

    def __init__(self, config: DedupConfig) -> None:
        self.config = config
        self.sketcher = Sketcher(
            num_perm=config.num_perm, shingle_size=config.shingle_size, min_words=config.min_words
        )
        self._store: Store | None = None
        self._index: SketchIndex | None = None
        self._synced: tuple[int, int] | None = None

    def sketch(
        self, article: dict[str, Any], forms: tuple[str, str] | None = None
    ) -> Sketch | None:
        """The article's sketch; ``None`` for texts too short to match by content.

        ``forms`` are the matching forms of its title and body, when the
        caller has them (:func:`streams.stages.enrich.enrich_with_forms`).
        """
        if forms is None:
            return self.sketcher.sketch(article["title"], article["body"])
        return self.sketcher.sketch_forms(*forms)

    def dedup(self, article: dict[str, Any], store: Store) -> Decision:
        """:meth:`sketch` and :meth:`decide` in one call (offline use, benchmarks)."""
        return self.decide(article, self.sketch(article), store)

    def decide(self, article: dict[str, Any], sketch: Sketch | None, store: Store) -> Decision:
        """Decide ``article`` (with its :meth:`sketch`) and record it in ``store``."""
        clock = _Clock.load(store)
        index = self._index_for(store, clock)
        known = store.get(ARTICLE + article["id"])
        if known is not None:
            entry = _Entry.decode(known)
            if entry.seq >= clock.next:  # its step's clock write was lost
                self._save_clock(
                    store, _Clock(entry.seq + 1, clock.head, max(clock.now, entry.clock))
                )
            return entry.decision()
        now = max(clock.now, event_time_ms(article))
        head = self._expire(store, index, clock, now - self.config.window_ms)
        minhash = indexable(sketch.signature) if sketch is not None else None
        entry = self._new_entry(article, sketch, minhash, store, index, clock.next, now)
        store[SEQ + str(entry.seq)] = entry.id.encode()
        if entry.url is not None:
            store[URL + entry.url] = entry.id.encode()
        store[ARTICLE + entry.id] = entry.encode()
        if minhash is not None:
            index.add(entry.id, minhash)
        self._save_clock(store, _Clock(clock.next + 1, head, now))
        return entry.decision()

    def window(self, store: Store) -> int:
        """How many articles ``store``'s window holds."""
        clock = _Clock.load(store)
        return clock.next - clock.head

    def _new_entry(
        self,
        article: dict[str, Any],
        sketch: Sketch | None,
        minhash: LeanMinHash | None,
        store: Store,
        index: SketchIndex,
        seq: int,
        now: int,
    ) -> _Entry:
        url = url_key(article)
        content_hash = article["content_hash"]
        matched: list[tuple[_Entry, Match]] = []
        story_links: list[_Entry] = []
        for other in self._neighbours(url, minhash, store, index):
            same_url = url is not None and other.url == url
            method, similarity = self._compare(content_hash, same_url, sketch, other)
            if method is not None:
                matched.append((other, Match(other.id, method, round(similarity, 4))))
            if method is not None or same_url or similarity >= self.config.story_threshold:
                story_links.append(other)
        matched.sort(key=lambda pair: pair[0].seq)
        group = min((other for other, _ in matched), key=lambda e: e.group_seq, default=None)
        story = min(story_links, key=lambda e: e.story_seq, default=None)
        own = (article["id"], seq)
        return _Entry(
            id=article["id"],
            seq=seq,
            clock=now,
            content_hash=content_hash,
            url=url,
            group=group.group if group else own,
            story=story.story if story else own,
            matches=tuple(match for _, match in matched[:MAX_MATCHES]),
            signature=sketch.signature if sketch is not None else None,
            shingles=sketch.shingles if sketch is not None else None,
        )

    def _compare(
        self, content_hash: str, same_url: bool, sketch: Sketch | None, other: _Entry
    ) -> tuple[str | None, float]:
        """How ``other`` matches the new article (a method, or ``None``) and
        their similarity: the Jaccard of their shingle sets; for two texts
        too short to have one, whether their content hashes agree."""
        if sketch is None and other.shingles is None:
            return (METHOD_URL if same_url else None), float(other.content_hash == content_hash)
        if sketch is None or other.shingles is None:
            return None, 0.0
        similarity = jaccard(sketch.shingles, other.shingles)
        if similarity < self.config.threshold:
            return None, similarity
        if similarity == 1.0:  # exact: only identical sets reach it
            return METHOD_EXACT, similarity
        return (METHOD_URL if same_url else METHOD_NEAR), similarity

    def _neighbours(
        self, url: str | None, minhash: LeanMinHash | None, store: Store, index: SketchIndex
    ) -> Iterator[_Entry]:
        """Entries that may match: LSH candidates (every entry with the same
        shingle set among them) and the latest entry with the same URL."""
        ids: set[str] = set()
        if minhash is not None:
            ids.update(index.candidates(minhash))
        if url is not None:
            ids.add(_text(store.get(URL + url)))
        ids.discard("")
        for other_id in sorted(ids):
            raw = store.get(ARTICLE + other_id)
            if raw is not None:
                yield _Entry.decode(raw)

    def _expire(self, store: Store, index: SketchIndex, clock: _Clock, horizon: int) -> int:
        """Drop entries that arrived before ``horizon``, oldest first; the new head."""
        head = clock.head
        while head < clock.next:
            seq_key = SEQ + str(head)
            article_id = _text(store.get(seq_key))
            raw = store.get(ARTICLE + article_id) if article_id else None
            header = _Entry.decode_header(raw) if raw is not None else None
            if header is not None and header["seq"] == head:
                if header["clock"] >= horizon:
                    break
                store.pop(ARTICLE + article_id)
                url_pointer = URL + header["url"] if header["url"] else ""
                if url_pointer and _text(store.get(url_pointer)) == article_id:
                    store.pop(url_pointer)
                index.remove(article_id)
            store.pop(seq_key)
            head += 1
        return head

    def _index_for(self, store: Store, clock: _Clock) -> SketchIndex:
        """The LSH index of ``store``'s entries, rebuilt if it does not match."""
        if self._index is None or self._store is not store or self._synced != clock.position:
            index = SketchIndex(self.config.num_perm, self.config.story_threshold)
            for key, raw in list(store.items()):
                if key.startswith(ARTICLE):
                    entry = _Entry.decode(raw)
                    if entry.signature is not None:
                        index.add(entry.id, indexable(entry.signature))
            self._store, self._index, self._synced = store, index, clock.position
        return self._index

    def _save_clock(self, store: Store, clock: _Clock) -> None:
        store[CLOCK] = clock.encode()
        self._synced = clock.position


def event_time_ms(article: dict[str, Any]) -> int:
    """Stream time an article brings: its publication time when the feed gave
    a usable one, else its ingestion time (milliseconds since the epoch)."""
    published = article.get("published_at")
    if published and article.get("published_at_status", STATUS_FEED) == STATUS_FEED:
        return _epoch_ms(published)
    return _epoch_ms(article["ingested_at"])


def url_key(article: dict[str, Any]) -> str | None:
    """Store key part for the article's canonical URL (its URL when enrich
    gives no canonical form), hashed so long URLs make short keys."""
    url = article.get("canonical_url") or article.get("url")
    if not url:
        return None
    return hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _epoch_ms(rfc3339: str) -> int:
    return round(datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000)


def _text(value: bytes | None) -> str:
    return value.decode() if value else ""


@dataclass(frozen=True)
class _Clock:
    """Arrival numbers ``[head, next)`` are in the window; ``now`` is the stream clock."""

    next: int = 0
    head: int = 0
    now: int = -(2**62)

    @property
    def position(self) -> tuple[int, int]:
        return self.next, self.head

    @classmethod
    def load(cls, store: Store) -> _Clock:
        raw = store.get(CLOCK)
        return cls(**orjson.loads(raw)) if raw else cls()

    def encode(self) -> bytes:
        return orjson.dumps({"next": self.next, "head": self.head, "now": self.now})


_PREFIX = struct.Struct("<II")  # header length (padded to 4), signature length


@dataclass(frozen=True)
class _Entry:
    """One article in the window, as stored: a JSON header, then the MinHash
    signature and the shingle set as raw ``uint32`` arrays."""

    id: str
    seq: int
    clock: int
    content_hash: str
    url: str | None
    group: tuple[str, int]
    story: tuple[str, int]
    matches: tuple[Match, ...]
    signature: np.ndarray | None = field(default=None, compare=False)
    shingles: np.ndarray | None = field(default=None, compare=False)

    @property
    def group_seq(self) -> int:
        return self.group[1]

    @property
    def story_seq(self) -> int:
        return self.story[1]

    def decision(self) -> Decision:
        if not self.matches:
            return Decision(self.story[0])
        return Decision(self.story[0], self.group[0], self.matches)

    def encode(self) -> bytes:
        header = orjson.dumps(
            {
                "id": self.id,
                "seq": self.seq,
                "clock": self.clock,
                "hash": self.content_hash,
                "url": self.url,
                "group": self.group,
                "story": self.story,
                "matches": [m.as_dict() for m in self.matches],
            }
        )
        header += b" " * (-len(header) % 4)
        signature = self.signature if self.signature is not None else np.empty(0, np.uint32)
        shingles = self.shingles if self.shingles is not None else np.empty(0, np.uint32)
        return (
            _PREFIX.pack(len(header), signature.size)
            + header
            + signature.astype(np.uint32).tobytes()
            + shingles.astype(np.uint32).tobytes()
        )

    @staticmethod
    def decode_header(raw: bytes) -> dict[str, Any]:
        size, _ = _PREFIX.unpack_from(raw)
        return orjson.loads(raw[_PREFIX.size : _PREFIX.size + size])

    @classmethod
    def decode(cls, raw: bytes) -> _Entry:
        size, signature_size = _PREFIX.unpack_from(raw)
        header = orjson.loads(raw[_PREFIX.size : _PREFIX.size + size])
        offset = _PREFIX.size + size
        signature = np.frombuffer(raw, np.uint32, signature_size, offset)
        shingles = np.frombuffer(raw, np.uint32, offset=offset + 4 * signature_size)
        return cls(
            id=header["id"],
            seq=header["seq"],
            clock=header["clock"],
            content_hash=header["hash"],
            url=header["url"],
            group=tuple(header["group"]),
            story=tuple(header["story"]),
            matches=tuple(Match(**m) for m in header["matches"]),
            signature=signature if signature.size else None,
            shingles=shingles if shingles.size else None,
        )
