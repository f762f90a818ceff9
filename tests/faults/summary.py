"""The fault-suite summary rows, collected by the tests and printed by conftest.

A module of its own so both import the same object (``tests.faults.summary``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultRow:
    """One line of the fault-suite summary table."""

    fault: str
    guarantee: str
    injected: int
    articles: int
    lost: int
    emitted_twice: int


SUMMARY: list[FaultRow] = []


def table() -> list[str]:
    """The rows as a Markdown table (pasted into the README)."""
    lines = [
        "| fault | guarantee | injected | articles | lost | emitted twice |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.fault} | {r.guarantee} | {r.injected} | {r.articles} | {r.lost} "
        f"| {r.emitted_twice} |"
        for r in SUMMARY
    ]
    return lines
