"""Resident memory and CPU time of a process, and how busy the machine is,
read from Linux's /proc (psutil is not a dependency; these three files are
all the bench needs)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> dict[str, int]:
    """``VmRSS`` (resident now) and ``VmHWM`` (peak resident) of ``pid``, in kB."""
    wanted = {"VmRSS", "VmHWM"}
    found: dict[str, int] = {}
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in wanted:
            found[name] = int(value.split()[0])
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time ``pid`` has used so far."""
    stat = (PROC / str(pid) / "stat").read_text()
    # Fields after the command name, which is in parentheses and may hold spaces:
    # state is field 3, utime and stime are fields 14 and 15.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass(frozen=True)
class CpuTimes:
    """Machine-wide CPU time counters (all cores), in clock ticks."""

    busy: int
    total: int

    @classmethod
    def now(cls) -> CpuTimes:
        first = (PROC / "stat").read_text().splitlines()[0].split()
        ticks = [int(value) for value in first[1:]]
        idle = ticks[3] + ticks[4]  # idle + iowait
        # guest time is already counted in user time, so leave it out of the total
        total = sum(ticks[:8])
        return cls(total - idle, total)

    def busy_since(self, before: CpuTimes) -> float:
        """Fraction of all cores' time spent busy between ``before`` and this."""
        total = self.total - before.total
        return (self.busy - before.busy) / total if total else 0.0
