"""The tag stage's kernels in Rust (``kernels/``), when built; None otherwise.

Why: with the tagger compiled by mypyc (:mod:`streams.ner.native`), what
was left of tagging a fresh article was flat, and its largest boxes were
work Python can only hand to numpy or the dict piece by piece: looking up
every whitespace chunk of the text (one dict probe per chunk through
``np.fromiter``, then numpy over the text's code points for the offsets;
a sixth of tagging), the features and weights of each new word type
(feature strings made only to be looked up once; a fifth), the
name-likeness score of a new word (each n-gram a new string) and the
CRF's Viterbi decoding (a gather of a ``(frames, window, labels)`` array,
five shifted additions and hmmlearn's Viterbi over separator states; a
twelfth). Each is one pass of a few loops in a compiled language:
``ChunkTable``, ``Emitter``, ``NameScorer`` and ``decode`` in
``kernels/src/``, built by ``make native`` with cargo beside the mypyc
build and loaded from there (so only a build of the current sources runs).

The plain-Python paths stay, and are the reference: they run when there is
no build (``NEWSSTREAMS_NATIVE=0``, the Docker image, a machine without
cargo), and the tests run both and compare (``tests/unit/test_kernels.py``).
"""

from __future__ import annotations

from types import ModuleType


def _load() -> ModuleType | None:
    try:
        # Only on the package's path when a build of the current sources
        # is there (streams.ner.native.activate).
        from streams.ner import _kernels  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _kernels


KERNELS = _load()
"""The built kernels module (``ChunkTable``, ``Emitter``, ``NameScorer``,
``decode``), or None."""
