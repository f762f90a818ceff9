"""Bench arithmetic and /proc readings: percentiles, rates, ratios, memory, CPU."""

from __future__ import annotations

import os

import pytest

from streams.bench import procfs
from streams.bench.kafka import ratios
from streams.bench.stats import distribution, sustained_rate


def test_percentiles_interpolate_between_samples():
    summary = distribution(list(range(100, 0, -1)))  # 1..100 ms, unsorted
    assert summary == pytest.approx(
        {"n": 100, "p50": 50.5, "p95": 95.05, "p99": 99.01, "mean": 50.5, "max": 100.0}
    )
    assert distribution([7]) == {
        "n": 1,
        "p50": 7.0,
        "p95": 7.0,
        "p99": 7.0,
        "mean": 7.0,
        "max": 7.0,
    }
    assert distribution([]) is None


def test_sustained_rate_counts_intervals_within_the_window():
    rate = sustained_rate([3000, 1000, 1500, 2000, 500])
    assert (rate.records, rate.first_ms, rate.last_ms) == (5, 500, 3000)
    assert rate.per_second == pytest.approx(4 / 2.5)
    assert sustained_rate([1000, 1500, 2000, 500], since_ms=1000).per_second == pytest.approx(2.0)
    assert sustained_rate([1000]) is None
    assert sustained_rate([1000, 1000]) is None


def _run(system: str, workers: int, throughput: float, phase: str = "saturation") -> dict:
    return {"system": system, "workers": workers, "phase": phase, "throughput": throughput}


def test_ratios_compare_saturation_runs_and_leave_missing_ones_out():
    runs = [
        _run("newsstreams", 1, 200.0),
        _run("newsstreams", 1, 50.0, phase="rate"),
        _run("newsstreams", 2, 340.0),
        _run("faust", 1, 400.0),
    ]
    assert ratios(runs) == pytest.approx(
        {"vs_aiokafka": None, "vs_faust_identity": 0.5, "two_workers_vs_one": 1.7}
    )


def test_memory_and_cpu_of_this_process_from_proc():
    memory = procfs.memory_kb(os.getpid())
    assert memory["VmHWM"] >= memory["VmRSS"] > 1000
    before = procfs.cpu_seconds(os.getpid())
    machine = procfs.CpuTimes.now()
    sum(i * i for i in range(2_000_000))
    assert procfs.cpu_seconds(os.getpid()) > before
    assert 0.0 <= procfs.CpuTimes.now().busy_since(machine) <= 1.0
