"""scripts/test.sh (`make test`): both shares run, each with its own TEST_SHARE, and the exit status is pytest's
for the whole suite. A stand-in for Python records how it was called and exits as the test tells it."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "test.sh"

STAND_IN = """#!/usr/bin/env bash
echo "$TEST_SHARE $*" >> "$CALLS"
[ "$TEST_SHARE" = waits ] && echo "waits report"
exit "$(cat "$EXITS/$TEST_SHARE")"
"""


def run(tmp_path: Path, *, rest: int, waits: int) -> tuple[int, str, list[str]]:
    python = tmp_path / "python"
    python.write_text(STAND_IN)
    python.chmod(0o755)
    (tmp_path / "rest").write_text(str(rest))
    (tmp_path / "waits").write_text(str(waits))
    calls = tmp_path / "calls"
    env = {**os.environ, "CALLS": str(calls), "EXITS": str(tmp_path)}
    done = subprocess.run(
        [str(SCRIPT), str(python), "2", "-q", "-m", "not slow"], env=env, capture_output=True, text=True, timeout=30
    )
    return done.returncode, done.stdout, sorted(calls.read_text().splitlines())


def test_both_shares_run_with_the_callers_arguments_and_the_waits_report_follows(tmp_path):
    status, output, calls = run(tmp_path, rest=0, waits=0)
    assert status == 0
    assert calls == [
        "rest -m pytest -n 2 --dist worksteal -q -m not slow",
        "waits -m pytest -p no:xdist -q -m not slow",
    ]
    assert output.rstrip().endswith("(marked waits), in a process of their own ===\nwaits report")


@pytest.mark.parametrize(
    ("rest", "waits", "expected"),
    [
        (1, 0, 1),  # a failure in either share fails the run
        (0, 1, 1),
        (2, 1, 2),  # the rest's status first: an interrupted or broken run says so
        (5, 0, 0),  # arguments that select tests of one share only: the other selected none
        (0, 5, 0),
        (5, 1, 1),
        (5, 5, 5),  # nothing selected at all
        (4, 4, 4),  # a usage error
    ],
)
def test_exit_status_is_the_suites(tmp_path, rest, waits, expected):
    assert run(tmp_path, rest=rest, waits=waits)[0] == expected
