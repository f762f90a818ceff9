"""The bench's outputs: ``results.json``, ``report.md`` (also printed) and ``chart.png``.

Everything here reads the results dict that :func:`streams.bench.run.run_bench`
builds, so a report can be re-rendered from a saved ``results.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from streams.bench.kafka import AIOKAFKA, COLD, FAUST_IDENTITY, NEWSSTREAMS, RATE, SAT
from streams.ner import native

RESULTS, REPORT, CHART = "results.json", "report.md", "chart.png"

Results = dict[str, Any]


def write_outputs(results: Results, out_dir: Path) -> dict[str, Path]:
    """Write the three outputs into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name for name in (RESULTS, REPORT, CHART)}
    paths[RESULTS].write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2) + b"\n")
    paths[REPORT].write_text(render_markdown(results), encoding="utf-8")
    write_chart(results, paths[CHART])
    return paths


def goals(results: Results) -> list[dict[str, Any]]:
    """The issue's acceptance goals against this run's figures (``None``: not measured)."""
    offline = results.get("offline") or {}
    kafka = results.get("kafka") or {}
    ratios = kafka.get("ratios", {})
    paced = _run(kafka, NEWSSTREAMS.key, 1, RATE)
    latency = (paced or {}).get("latency_ms") or {}
    tag = next((s for s in offline.get("stages", ()) if s["name"] == "tag"), {})
    return [
        _goal(
            "tag stage, one core",
            "≥ 500 articles/s",
            tag.get("per_second"),
            lambda v: v >= 500,
        ),
        _goal(
            "whole offline pipeline, one core",
            "≥ 1,000 articles/s",
            offline.get("pipeline", {}).get("per_second"),
            lambda v: v >= 1000,
        ),
        _goal(
            "Kafka end to end vs Faust identity agent",
            "≥ 0.50×",
            ratios.get("vs_faust_identity"),
            lambda v: v >= 0.5,
        ),
        _goal(
            f"p99 latency raw → entity topic at {_rate_label(paced)}",
            "≤ 100 ms",
            latency.get("p99"),
            lambda v: v <= 100,
        ),
        _goal(
            "two workers vs one",
            "≥ 1.6×",
            ratios.get("two_workers_vs_one"),
            lambda v: v >= 1.6,
        ),
    ]


def _goal(
    name: str, target: str, value: float | None, met: Callable[[float], bool]
) -> dict[str, Any]:
    return {
        "goal": name,
        "target": target,
        "value": value,
        "met": None if value is None else met(value),
    }


def _tagger(meta: dict[str, Any]) -> str:
    """How the tag path ran (:mod:`streams.ner.native`); older results lack it."""
    compiled = meta.get("tagger_compiled")
    kernels = bool(meta.get("tagger_kernels"))
    return "build not recorded" if compiled is None else native.describe(compiled, kernels)


def render_markdown(results: Results) -> str:
    """The readable report: goals, then one table per measurement."""
    meta = results["meta"]
    lines = [
        "# newsstreams benchmark",
        "",
        f"`{meta['command']}` at {meta['started_at']} ({meta['seconds']:.0f} s), "
        f"commit {meta.get('commit') or 'unknown'}, {meta['cpus']} CPUs, "
        f"load average {meta['load_average']:.1f} at start; "
        f"{meta['articles']} SaudiNewsNet articles from {meta['corpus']}; "
        f"tagger {_tagger(meta)}.",
    ]
    if meta["load_average"] > meta["cpus"] * 0.5:
        lines += ["", "**The machine was busy when this run started: figures are noisy.**"]
    lines += ["", "## Goals", "", "| goal | target | measured | met |", "|---|---|---:|---|"]
    for goal in results.get("goals", []):
        met = {True: "yes", False: "**no**", None: "not measured"}[goal["met"]]
        lines.append(f"| {goal['goal']} | {goal['target']} | {_num(goal['value'])} | {met} |")
    if results.get("offline"):
        lines += _offline_lines(results["offline"])
    if results.get("dedup_window"):
        lines += _dedup_lines(results["dedup_window"])
    if results.get("kafka"):
        lines += _kafka_lines(results["kafka"])
    return "\n".join(lines) + "\n"


def _offline_lines(offline: dict[str, Any]) -> list[str]:
    warmup, repeats, size = offline["warmup"], offline["repeats"], offline["slice"]
    lines = [
        "",
        "## Offline, one core: steady state on fresh articles",
        "",
        f"A warm-up runs the pipeline over {warmup['articles']} articles from empty caches "
        f"(the cold row). Then {repeats} interleaved passes each take {2 * size} articles the "
        f"process has not seen: the stages, chained, over {size} (each timed on what the "
        f"previous one passed on) and the whole pipeline over {size} others. µs per article "
        "entering the row, for the best pass and the median pass; articles/s from the best.",
        "",
        "| stage | articles in, by pass | articles/s, best | µs/article, best "
        "| µs/article, median |",
        "|---|---:|---:|---:|---:|",
    ]
    rows = [*offline["stages"], offline["stage_chain"], offline["pipeline"]]
    for row in [*rows, offline["pipeline_cold"]]:
        counts = " / ".join(str(n) for n in row["passes_articles"])
        lines.append(
            f"| {row['name']} | {counts} | {_num(row['per_second'])} "
            f"| {_num(row['us_per_article'])} | {_num(row['median_us_per_article'])} |"
        )
    new_types = offline["new_types_per_article"]
    kb = offline["kb_per_article"]
    outcomes = ", ".join(f"{name} {n}" for name, n in sorted(offline["outcomes"].items()))
    lines += [
        "",
        "New token types interned per article (the new words the tagger met): "
        f"{_num(warmup['new_types_per_article'])} in the warm-up; "
        f"{_list(new_types['stage chain'])} in the stage chain's passes, "
        f"{_list(new_types['pipeline'])} in the pipeline's. Mean raw size: "
        f"{_num(warmup['kb_per_article'])} kB in the warm-up, {_list(kb['stage chain'])} "
        f"and {_list(kb['pipeline'])} kB in those passes.",
        "",
        "The stages' sum and the pipeline ran on different articles, so what the "
        "pipeline adds to its stages (stage metrics, encoding check, dead letters, the "
        "stages evicting each other's data from the CPU caches) is not estimated: it "
        "would be lost in the articles' difference and the spread between passes. "
        f"Outcomes of the timed pipeline passes: {outcomes}.",
    ]
    return lines


def _list(values: list[float | None]) -> str:
    """Per-pass values, ``—`` where unmeasured (the lexicon emptied itself)."""
    return " / ".join(_num(value) for value in values)


def _dedup_lines(window: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## Dedup cost as its window grows",
        "",
        "| window (articles held) | median µs/article | p95 µs/article | mean µs/article |",
        "|---|---:|---:|---:|",
    ]
    for point in window["points"]:
        lines.append(
            f"| {point['window_from']}–{point['window_to']} | {_num(point['us']['p50'])} "
            f"| {_num(point['us']['p95'])} | {_num(point['us']['mean'])} |"
        )
    return lines


def _kafka_lines(kafka: dict[str, Any]) -> list[str]:
    ours = _run(kafka, NEWSSTREAMS.key, 1, SAT)
    paced = _run(kafka, NEWSSTREAMS.key, 1, RATE)
    lines = [
        "",
        "## Kafka end to end",
        "",
        f"Saturation: a backlog of {(ours or {}).get('articles', '—')} articles, drained by "
        "processes warmed up on others (first pass); latency: "
        f"{(paced or {}).get('articles', '—')} articles at {_rate_label(paced)}. Articles/s are "
        "output records per second from their Kafka timestamps; latency is raw record → last "
        "entity-topic record (baselines: → output record).",
        "",
        "| system | workers | first pass /s | saturation /s | newsstreams ÷ this "
        "| p50 ms | p95 ms | p99 ms | CPU cores | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for system, workers in (
        (NEWSSTREAMS, 1),
        (NEWSSTREAMS, 2),
        (FAUST_IDENTITY, 1),
        (AIOKAFKA, 1),
    ):
        saturation = _run(kafka, system.key, workers, SAT)
        if saturation is None:
            continue
        cold = _run(kafka, system.key, workers, COLD) or {}
        latency = (_run(kafka, system.key, workers, RATE) or {}).get("latency_ms") or {}
        if system is not NEWSSTREAMS:
            ratio = _num(_ratio(ours, saturation))
        elif workers == 1:
            ratio = "—"
        else:
            ratio = f"2 workers ÷ 1: {_num(_ratio(saturation, ours))}"
        cores = "+".join(f"{c:.2f}" for c in saturation["cpu"]["worker_cores"])
        peak = max(m.get("VmHWM", 0) for m in saturation["memory_kb"]) / 1024
        lines.append(
            f"| {system.label} | {workers} | {_num(cold.get('throughput'))} "
            f"| {_num(saturation['throughput'])} | {ratio} | {_num(latency.get('p50'))} "
            f"| {_num(latency.get('p95'))} | {_num(latency.get('p99'))} | {cores} "
            f"| {peak:.0f} |"
        )
    lines += [
        "",
        "CPU cores: worker CPU time ÷ wall time during the saturation pass "
        "(1.00 = one core); the machine was "
        + ", ".join(
            f"{run['cpu']['machine_busy']:.0%} busy during {run['label']} × {run['workers']}"
            for run in kafka["runs"]
            if run["phase"] == SAT
        )
        + ".",
    ]
    if ours and paced and (ours["throughput"] or 0) < paced["offered_rate"]:
        lines.append(
            f"newsstreams drains less than the offered {_rate_label(paced)}: its latency is "
            "queueing delay and grows with the length of the run."
        )
    if ours and ours.get("outputs_by_topic"):
        mix = ", ".join(
            f"{topic.rsplit('.', 1)[-1]} {n}" for topic, n in ours["outputs_by_topic"].items()
        )
        lines.append(f"newsstreams outcomes in the saturation pass: {mix}.")
    return lines


def write_chart(results: Results, path: Path) -> None:
    """Throughput bars, latency CDF at the fixed rate, and dedup cost by window."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (bars, cdf, dedup) = plt.subplots(1, 3, figsize=(16, 5))
    labels, values = _throughputs(results)
    bars.barh(labels, values, color=["#4c72b0" if "newsstreams" in x else "#999" for x in labels])
    for y, value in enumerate(values):
        bars.annotate(f" {value:,.0f}", (value, y), va="center", fontsize=8)
    bars.invert_yaxis()
    bars.set_xscale("log")  # baselines run one to two orders of magnitude apart
    bars.set_xlabel("articles/s (log)")
    bars.set_title("Throughput")

    kafka = results.get("kafka") or {}
    for run in kafka.get("runs", []):
        samples = sorted(run.get("latency_samples_ms") or ())
        if run["phase"] == RATE and samples:
            ys = [(i + 1) / len(samples) for i in range(len(samples))]
            cdf.step([max(s, 0.5) for s in samples], ys, where="post", label=run["label"])
    if cdf.get_legend_handles_labels()[0]:
        cdf.set_xscale("log")
        cdf.axvline(100, color="red", linewidth=0.8, linestyle=":")
        cdf.legend(fontsize=8, loc="lower right")
    else:
        cdf.text(0.5, 0.5, "not measured", ha="center", transform=cdf.transAxes)
    cdf.set_xlabel("latency ms, raw → entity topic (log)")
    cdf.set_ylabel("fraction of articles")
    cdf.set_title(f"Latency CDF at {_rate_label(_run(kafka, NEWSSTREAMS.key, 1, RATE))}")

    points = (results.get("dedup_window") or {}).get("points", [])
    if points:
        xs = [(p["window_from"] + p["window_to"]) / 2 for p in points]
        dedup.plot(xs, [p["us"]["p50"] for p in points], marker="o", label="median")
        dedup.plot(xs, [p["us"]["p95"] for p in points], marker=".", label="p95")
        dedup.legend(fontsize=8)
    else:
        dedup.text(0.5, 0.5, "not measured", ha="center", transform=dedup.transAxes)
    dedup.set_xlabel("articles in the dedup window")
    dedup.set_ylabel("µs per article")
    dedup.set_ylim(bottom=0)
    dedup.set_title("Dedup cost as the window grows")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _throughputs(results: Results) -> tuple[list[str], list[float]]:
    found: list[tuple[str, float | None]] = []
    if results.get("offline"):
        found.append(("newsstreams offline, 1 core", results["offline"]["pipeline"]["per_second"]))
    kafka = results.get("kafka") or {}
    for run in kafka.get("runs", []):
        if run["phase"] == SAT:
            found.append((f"{run['label']} × {run['workers']}, Kafka", run["throughput"]))
    kept = [(label, value) for label, value in found if value]
    return [label for label, _ in kept], [value for _, value in kept]


def _run(kafka: dict[str, Any], system: str, workers: int, phase: str) -> dict[str, Any] | None:
    for run in kafka.get("runs", []):
        if (run["system"], run["workers"], run["phase"]) == (system, workers, phase):
            return run
    return None


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> float | None:
    if not a or not b or not a.get("throughput") or not b.get("throughput"):
        return None
    return a["throughput"] / b["throughput"]


def _rate_label(paced: dict[str, Any] | None) -> str:
    return f"{paced['offered_rate']:g} articles/s" if paced else "a fixed rate"


def _num(value: float | None) -> str:
    """Three significant figures, thousands separated; ``—`` for no value."""
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"
