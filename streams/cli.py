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

    counts = topic_counts(settings, args.pattern)
    if not counts:
        print("no entity topics yet")
    for topic, count in sorted(counts.items()):
        print(f"{count:8d}  {topic}")
    return 0


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

    p = sub.add_parser("topics", help="list entity topics with message counts")
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
