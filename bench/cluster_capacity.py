"""Requests per second per core on the running cluster (`make cluster`), for docs/deploy.md.

    .venv/bin/python bench/cluster_capacity.py [SECONDS]

For each kind of request, a steady load (bench/load.py, 4 connections) through nginx for
SECONDS (default 15), while the CPU time that the gunicorn nodes and the PostgreSQL servers
spend is read from /proc before and after. Requests per second *per core* is requests
answered divided by the nodes' CPU seconds: it does not depend on the load tool sharing the
machine's cores, which the plain requests per second does. The database's CPU seconds per
thousand requests say how much of a database core the same load needs.
"""

import importlib.util
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests_cluster"))

from load import Load  # noqa: E402

_spec = importlib.util.spec_from_file_location("cluster", ROOT / "scripts" / "cluster.py")
cluster = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cluster)

TICKS = os.sysconf("SC_CLK_TCK")

KINDS = [
    ("cached section page", ["/reports/2021/stability/", "/reports/2021/mediation/", "/reports/2021/"]),
    ("explorer (uncached, 25 rows)", ["/metrics/?year=2021", "/metrics/?year=2021&sort=-value"]),
    ("CSV export (54 figures)", ["/metrics/?year=2021&_export=csv"]),
    ("XLSX export (54 figures)", ["/metrics/?year=2021&_export=xlsx"]),
]


def tree(pid: int) -> list[int]:
    """``pid`` and every descendant."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(roots: list[int]) -> float:
    """CPU seconds of ``roots`` and their descendants, those that have exited included (the roots'
    cutime and cstime: the postmaster and gunicorn's arbiter wait for their children)."""
    total = 0
    for pid in [pid for root in roots for pid in tree(root)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if pid in roots:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / TICKS


def main(seconds: float) -> None:
    sessions = json.loads(
        cluster.manage(
            "shell",
            "--no-imports",
            "-c",
            __import__("conftest").ACCOUNTS,
            env=cluster.portal_env(replica=False),
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    cookie = f"sessionid={sessions['drill_viewer']}"
    nodes = [cluster.recorded(cluster.node_name(port)) for port in cluster.NODE_PORTS]
    databases = [cluster.recorded("pg-primary"), cluster.recorded("pg-replica")]
    print("| request | req/s (2 cores shared with the load tool) | req/s per node core | DB CPU s per 1,000 | lost |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, paths in KINDS:
        urls = [cluster.PORTAL_URL.rstrip("/") + path for path in paths]
        with Load(urls, cookie=cookie, connections=2):
            time.sleep(1)  # warm: the page cache filled, connections open
        app_before, db_before = cpu_seconds(nodes), cpu_seconds(databases)
        load = Load(urls, cookie=cookie, connections=4)
        with load:
            started = time.perf_counter()
            time.sleep(seconds)
            tally = load.stop()
            elapsed = time.perf_counter() - started
        app = cpu_seconds(nodes) - app_before
        db = cpu_seconds(databases) - db_before
        print(
            f"| {label} | {tally.ok / elapsed:.0f} | {tally.ok / app:.0f} "
            f"| {db / tally.ok * 1000:.1f} | {tally.lost} |",
            flush=True,
        )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 15)
