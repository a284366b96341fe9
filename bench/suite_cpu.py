"""Where the test suite's CPU goes: a pytest plugin that writes each test's CPU seconds (bench/suite-time.md).

    PYTHONPATH=bench .venv/bin/python -m pytest -p suite_cpu -n 0 tests/browser   # the whole machine, serially
    PYTHONPATH=bench make test PYTEST_ARGS="-p suite_cpu"                         # this process's tree, in parallel

Three measures per test, written to ``artifacts/suite-cpu-<pid>.txt``, busiest first:

- ``wall``: the seconds the test took, setup and teardown included. A test whose wall time is well above
  its CPU waits (a timeout, a sleep, a server starting) while its core could run another test.

- ``machine``: every core's busy time (/proc/stat) while the test ran. It includes Chromium, whose
  processes a test's own rusage does not see. It is only meaningful when one test runs at a time (``-n 0``).
- ``tree``: the CPU time of the pytest process and every process below it (/proc/<pid>/stat). It is
  meaningful in parallel runs, and it misses what has left the tree (Chromium's renderers).
"""

import os
import time
from collections import Counter
from pathlib import Path

import pytest

TICKS = os.sysconf("SC_CLK_TCK")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def machine_busy() -> float:
    with open("/proc/stat") as stat:
        ticks = [int(field) for field in stat.readline().split()[1:]]
    idle, iowait = ticks[3], ticks[4]
    return (sum(ticks) - idle - iowait) / TICKS


def tree_busy() -> float:
    """User and system time of this process and its live descendants, with what they reaped."""
    parents: dict[int, int] = {}
    busy: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            text = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        parents[int(name)] = int(fields[1])
        busy[int(name)] = sum(int(field) for field in fields[11:15])  # utime stime cutime cstime
    me = os.getpid()

    def below_me(pid: int) -> bool:
        while pid and pid != me:
            pid = parents.get(pid, 0)
        return pid == me

    return sum(ticks for pid, ticks in busy.items() if below_me(pid)) / TICKS


WALL: Counter = Counter()
MACHINE: Counter = Counter()
TREE: Counter = Counter()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started, machine, tree = time.monotonic(), machine_busy(), tree_busy()
    try:
        return (yield)
    finally:
        WALL[item.nodeid] += time.monotonic() - started
        MACHINE[item.nodeid] += machine_busy() - machine
        TREE[item.nodeid] += tree_busy() - tree


def pytest_unconfigure(config):
    if not TREE:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"{WALL[test]:8.2f} {MACHINE[test]:8.2f} {TREE[test]:8.2f} {test}" for test, _ in MACHINE.most_common()]
    (ARTIFACTS / f"suite-cpu-{os.getpid()}.txt").write_text(
        "    wall  machine     tree  test (seconds)\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
