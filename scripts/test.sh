#!/usr/bin/env bash
# `make test`: the whole suite, in two shares that run at the same time.
#
#   scripts/test.sh PYTHON WORKERS [pytest arguments...]
#
# - The tests marked `waits` (pytest.ini) start a server of their own and wait out its real timeouts and
#   retry intervals: a few CPU seconds in 40 s of waiting. They run in one process at normal priority,
#   so their clocks see a machine that answers at once, and no core sits idle while they wait.
# - Every other test runs in WORKERS pytest-xdist processes (--dist worksteal), niced, using the cores.
#
# tests/conftest.py keeps each share's tests by TEST_SHARE. The waits share's report is printed after the
# other's. The exit status is pytest's: 0 when both shares pass; a share that selected no test (5) counts
# as passed when the other ran tests.
set -uo pipefail

python=$1
workers=$2
shift 2

waits_log="$(mktemp)"
trap 'rm -f "$waits_log"' EXIT

TEST_SHARE=waits "$python" -m pytest -p no:xdist "$@" >"$waits_log" 2>&1 &
waits_pid=$!
TEST_SHARE=rest nice -n 10 "$python" -m pytest -n "$workers" --dist worksteal "$@"
rest_status=$?
wait "$waits_pid"
waits_status=$?

echo
echo "=== the tests that wait on real clocks (marked waits), in a process of their own ==="
cat "$waits_log"

if ((rest_status == 5 && waits_status == 5)); then
  exit 5
elif ((rest_status == 5)); then
  exit "$waits_status"
elif ((waits_status == 5)); then
  exit "$rest_status"
elif ((rest_status != 0)); then
  exit "$rest_status"
fi
exit "$waits_status"
