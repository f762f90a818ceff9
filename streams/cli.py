"""The ``newsstreams`` command line.

Every failure a user can cause (no broker, bad path, bad setting) ends as
one readable line on stderr and exit status 1; ``--debug`` shows the
traceback for bug reports.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from streams.settings import Settings


def _cmd_broker(args: argparse.Namespace, settings: Settings) -> int:
    from streams import broker

    config = broker.BrokerConfig.from_settings(settings)
    if args.action == "start":
        status = broker.start(config)
    elif args.action == "stop":
        stopped = broker.stop(config)
        print("broker stopped" if stopped else "no broker of ours was running")
        return 0
    elif args.action == "fetch":
        print(f"Kafka jars in {broker.fetch_jars(config)}")
        return 0
    else:
        status = broker.status(config)
    print(status.detail)
    return 0 if status.running or args.action != "status" else 3


def _cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from streams.worker import run_worker

    run_worker(loglevel=args.loglevel)
    return 0


def _cmd_produce(args: argparse.Namespace, settings: Settings) -> int:
    from streams.kafka_io import ensure_core_topics, produce
    from streams.sources import count_records, iter_records

    total = count_records(args.paths)  # bad paths fail here, before touching Kafka
    ensure_core_topics(settings)
    report = produce(
        settings, iter_records(args.paths), rate=args.rate, progress=not args.quiet, total=total
    )
    shown = ", ".join(report.ids[:5]) + (", …" if len(report.ids) > 5 else "")
    print(
        f"sent {report.sent} article(s) to {report.topic} in {report.seconds:.1f} s"
        + (f" (ids: {shown})" if shown else "")
        + (f", {report.failed} failed" if report.failed else "")
    )
    return 0 if report.failed == 0 else 1


def _cmd_subscribe(args: argparse.Namespace, settings: Settings) -> int:
    from streams.kafka_io import subscribe

    out = sys.stdout.buffer
    for record in subscribe(
        settings,
        args.patterns,
        from_beginning=args.from_beginning,
        timeout=args.timeout,
        max_messages=args.max,
    ):
        out.write(orjson.dumps(record) + b"\n")
        out.flush()
    return 0


def _cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    from streams.kafka_io import topic_counts
    from streams.registry import by_topic, read_registry

    counts = topic_counts(settings, args.pattern)
    if not counts:
        print("no entity topics yet")
        return 0
    registry = by_topic(read_registry(settings))
    for topic, count in sorted(counts.items()):
        print(f"{count:8d}  {topic}{_registry_summary(registry.get(topic))}")
    return 0


def _registry_summary(record: dict | None) -> str:
    """What the registry says of a topic: its entity's names, mentions, origin."""
    if record is None:
        return ""
    names = " / ".join(dict.fromkeys(n for n in (record["name"], record["name_ar"]) if n))
    origin = "KB" if record["kb"] else "discovered"
    return f"  {names}  ({record['mentions']} mentions, {origin})"


def _cmd_process(args: argparse.Namespace, settings: Settings) -> int:
    from streams.offline import process_files

    report = process_files(args.paths, Path(args.out), settings, progress=not args.quiet)
    counts = ", ".join(f"{name} {n}" for name, n in sorted(report.outcomes.items()))
    print(
        f"{report.total} article(s): {counts}; {len(report.entity_topics)} entity topic(s)"
        f" in {args.out}"
    )
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from streams.demo import run_demo

    return run_demo(settings, Path(args.seeds), timeout=args.timeout)


def _cmd_eval_dedup(args: argparse.Namespace, settings: Settings) -> int:
    from streams.eval_dedup import evaluate, render

    print(render(evaluate(args.paths, settings, progress=not args.quiet)))
    return 0


def _cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from streams.bench.articles import DEFAULT_CORPUS
    from streams.bench.report import render_markdown
    from streams.bench.run import options_for, run_bench, run_profile
    from streams.sources import SourceError

    corpus = Path(args.corpus) if args.corpus else DEFAULT_CORPUS
    if not corpus.exists():
        if args.corpus:
            raise SourceError(f"{corpus}: no such file or directory")
        print(f"bench skipped: no shared corpus at {corpus} (give one with --corpus PATH)")
        return 0
    options = options_for(
        args.preset, corpus, out_dir=args.out, rate=args.rate, kafka=not args.offline_only
    )
    if args.profile:
        profile = run_profile(options, settings)
        print("\n".join(profile["tree"]))
        print(f"\nfull profile: {profile['html']} and {profile['text']}")
        return 0
    results = run_bench(options, settings, log=lambda line: print(line, file=sys.stderr))
    print(render_markdown(results))
    return 0


def _cmd_tag(args: argparse.Namespace, settings: Settings) -> int:
    from streams.ner import MODEL_PATH
    from streams.ner.conll import read_conll, write_conll
    from streams.ner.detect import MentionDetector

    detector = MentionDetector.load(args.model or MODEL_PATH)
    sentences = read_conll(args.conll)
    for sentence, tags in zip(
        sentences, detector.tag_tokens([s.tokens for s in sentences]), strict=True
    ):
        sentence.predicted = tags
    write_conll(sys.stdout, sentences)
    return 0


def _cmd_eval_ner(args: argparse.Namespace, settings: Settings) -> int:
    from streams.ner.conll import read_conll
    from streams.ner.evaluate import score

    print(score(s for path in args.files for s in read_conll(path)).report())
    return 0


def _cmd_train_ner(args: argparse.Namespace, settings: Settings) -> int:
    from streams.ner.train import main as train_main

    argv = ["--data", args.data] if args.data else []
    argv += ["--cv", str(args.cv)] if args.cv else []
    argv += ["--out", args.out] if args.out else []
    return train_main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsstreams",
        description="Validate, enrich, deduplicate and tag news articles into entity topics.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("broker", help="run a local single-node Apache Kafka (KRaft)")
    p.add_argument("action", choices=["start", "stop", "status", "fetch"])
    p.set_defaults(func=_cmd_broker)

    p = sub.add_parser("worker", help="run the Faust worker (all agents)")
    p.add_argument("--loglevel", default="info", choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=_cmd_worker)

    p = sub.add_parser("produce", help="push articles from files to articles.raw")
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=".txt, .json, .jsonl, SaudiNewsNet .zip, or a directory",
    )
    p.add_argument("--rate", type=float, default=None, help="articles per second (default: max)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_produce)

    p = sub.add_parser("subscribe", help="print messages of topics matching regexes as JSON lines")
    p.add_argument("patterns", nargs="+", metavar="PATTERN")
    p.add_argument("--from-beginning", action="store_true")
    p.add_argument(
        "--timeout", type=float, default=None, help="stop after this many seconds without a message"
    )
    p.add_argument("--max", type=int, default=None, help="stop after N messages")
    p.set_defaults(func=_cmd_subscribe)

    p = sub.add_parser(
        "topics", help="list entity topics with message counts and what the registry says of them"
    )
    p.add_argument("--pattern", default=r"entity\..*", help="topic regex (default: entity topics)")
    p.set_defaults(func=_cmd_topics)

    p = sub.add_parser("process", help="run the pipeline offline over files (no Kafka)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_process)

    p = sub.add_parser("demo", help="broker + worker + seeds/ → entity topics, then stop")
    p.add_argument("--seeds", default=str(Path(__file__).resolve().parent.parent / "seeds"))
    p.add_argument("--timeout", type=float, default=120.0)
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("bench", help="benchmark stages, pipeline and Kafka against baselines")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="preset", action="store_const", const="quick")
    size.add_argument("--long", dest="preset", action="store_const", const="long")
    p.add_argument("--corpus", default=None, help="articles (default: the shared SaudiNewsNet)")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: bench/)")
    p.add_argument("--rate", type=float, default=None, help="articles/s of the latency run (50)")
    p.add_argument("--offline-only", action="store_true", help="no Kafka runs")
    p.add_argument(
        "--profile",
        action="store_true",
        help="only profile the offline pipeline (pyinstrument; writes OUT/out/profile.*)",
    )
    p.set_defaults(func=_cmd_bench, preset="default")

    p = sub.add_parser(
        "tag", help="tag a CoNLL file (token [gold] per line): writes token gold predicted"
    )
    p.add_argument("--conll", required=True, metavar="FILE", help="one document per file")
    p.add_argument("--model", default=None, help="CRF model (default: the committed one)")
    p.set_defaults(func=_cmd_tag)

    p = sub.add_parser(
        "eval-ner", help="precision/recall/F1 per type of 'token gold predicted' files"
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=_cmd_eval_ner)

    p = sub.add_parser("train-ner", help="retrain the NER CRF on AQMAR, or cross-validate it")
    p.add_argument("--data", default=None, help="CoNLL dir (default: the shared AQMAR train)")
    p.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold CV by article")
    p.add_argument(
        "--out", default=None, help="model file (default: the committed one); with --cv a dir"
    )
    p.set_defaults(func=_cmd_train_ner)

    p = sub.add_parser(
        "eval-dedup",
        help="score near-duplicate detection against brute-force Jaccard (no Kafka)",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="inputs, streamed in this order")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_eval_dedup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace, Settings], int] = args.func
    try:
        return func(args, Settings.from_env())
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"newsstreams: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
