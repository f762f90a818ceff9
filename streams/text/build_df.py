"""Rebuild ``streams/data/df.tsv``, the document frequencies behind keyword IDF.

    python -m streams.text.build_df ../shared/corpus/saudinewsnet

A document is an article's title and body, analysed exactly as enrich does
(:func:`streams.text.terms.content_stems`); exact copies (same cleaned
title and body) count once, so republished wire stories do not look common. Only
stems in at least ``--min-df`` documents are kept, at most ``--max-stems``
of them: the rest get the IDF of an unseen stem, which differs little from
theirs. The output is sorted (document frequency descending, then stem), so
the same inputs always give the same file. Rebuild it whenever stop words,
tokenisation or stemming change.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import orjson

from streams.sources import iter_records
from streams.text.keywords import DF_PATH, DOCUMENTS_HEADER, DocumentFrequencies
from streams.text.normalize import clean_text
from streams.text.terms import analyse_text, content_stems

DEFAULT_MIN_DF = 3
DEFAULT_MAX_STEMS = 25_000


def count_documents(paths: Iterable[str | Path]) -> DocumentFrequencies:
    """Document frequencies of content stems over the articles in ``paths``
    (anything :func:`streams.sources.iter_records` reads); records that are
    not article objects are skipped."""
    seen: set[str] = set()
    counts: Counter[str] = Counter()
    for record in iter_records(paths):
        try:
            article = orjson.loads(record.value)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(article, dict):
            continue
        title = clean_text(str(article.get("title") or ""))
        body = clean_text(str(article.get("body") or ""))
        digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        counts.update(content_stems(analyse_text(title).terms + analyse_text(body).terms))
    return DocumentFrequencies(len(seen), dict(counts))


def write_document_frequencies(
    frequencies: DocumentFrequencies, path: Path, *, min_df: int, max_stems: int, note: str
) -> int:
    """Write the kept stems to ``path``; returns how many were kept."""
    kept = sorted(
        ((stem, df) for stem, df in frequencies.counts.items() if df >= min_df),
        key=lambda item: (-item[1], item[0]),
    )[:max_stems]
    lines = [
        f"{DOCUMENTS_HEADER}{frequencies.documents}",
        f"# {note}",
        f"# stems in >= {min_df} documents, at most {max_stems}; stem<TAB>documents",
        *(f"{stem}\t{df}" for stem, df in kept),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="corpus files or directories")
    parser.add_argument("--out", type=Path, default=DF_PATH)
    parser.add_argument("--min-df", type=int, default=DEFAULT_MIN_DF)
    parser.add_argument("--max-stems", type=int, default=DEFAULT_MAX_STEMS)
    args = parser.parse_args(argv)
    frequencies = count_documents(args.paths)
    sources = " ".join(Path(p).name for p in args.paths)
    kept = write_document_frequencies(
        frequencies,
        args.out,
        min_df=args.min_df,
        max_stems=args.max_stems,
        note=f"built by `python -m streams.text.build_df` from {sources}",
    )
    print(f"{frequencies.documents} documents, {kept} stems -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
