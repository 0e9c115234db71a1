"""What the fleet benchmark reads about processes (Linux /proc): CPU used and time spent waiting for a CPU.

`/proc/<pid>/schedstat` holds, in nanoseconds, the time a task ran on a CPU and the time it sat runnable on a run
queue waiting for one (https://docs.kernel.org/scheduler/sched-stats.html). On a loaded machine the second says
whether the workers are short of CPU: a worker that is runnable but waits is limited by the machine, one that is
neither running nor waiting is blocked (on PostgreSQL, say) or idle.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.db import connection


@dataclass
class ProcessTimes:
    cpu_s: float = 0.0
    runqueue_wait_s: float = 0.0
    processes: int = 0

    def __add__(self, other: ProcessTimes) -> ProcessTimes:
        return ProcessTimes(
            self.cpu_s + other.cpu_s, self.runqueue_wait_s + other.runqueue_wait_s, self.processes + other.processes
        )

    def minus(self, earlier: ProcessTimes) -> ProcessTimes:
        return ProcessTimes(self.cpu_s - earlier.cpu_s, self.runqueue_wait_s - earlier.runqueue_wait_s, self.processes)


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def times(pids: list[int]) -> ProcessTimes:
    """CPU and run-queue wait of these processes (all their threads), each since it started."""
    total = ProcessTimes()
    for pid in pids:
        try:
            running_ns, waiting_ns = (int(value) for value in Path(f"/proc/{pid}/schedstat").read_text().split()[:2])
        except (OSError, ValueError):
            continue
        total = total + ProcessTimes(running_ns / 1e9, waiting_ns / 1e9, 1)
    return total


def postgres_pids() -> list[int]:
    """The local PostgreSQL server's processes (its postmaster and backends), or [] when it is not readable here."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            data_directory = cursor.fetchone()[0]
        postmaster = int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
    except Exception:  # noqa: BLE001 - a remote or unreadable server: not measured
        return []
    return descendants(postmaster) if Path(f"/proc/{postmaster}").exists() else []


def load_average() -> float:
    return round(os.getloadavg()[0], 2)
