#!/usr/bin/env bash
# The analyst explorer against Datasette on the same 100,080 figures, side by side, in one run;
# writes the "Against Datasette" section of bench/results.md (the rest of that file is bench/run.sh's).
#
#   bash bench/peer.sh        # about 8 minutes; needs wrk, and PyPI once (Datasette)
#
# Datasette is installed into bench/.work/datasette-venv (git-ignored), never into the project.
# Each side is ONE process on its own SQLite file: gunicorn with one worker and one thread for the
# portal, `datasette serve` for Datasette, both with their default settings otherwise.
# The rows are the same: the portal's own export (manage.py export_figures, every year) is loaded
# into a `figures` table, in the export's order, with an index on report_year (the portal's rows
# are found through its index on the report).
#  1. Pages: /metrics/?year=1989 (25 rows) against /figures/figures?report_year=1989&_size=25,
#     after a 5 s warm-up of each, wrk with CONNECTIONS connections for DURATION seconds each, ROUNDS
#     rounds that alternate the two so both meet the same load on the machine; the median round counts.
#  2. Full CSV: /metrics/?_export=csv against /figures/figures.csv?_stream=on&_size=max, 3 runs each,
#     alternating: the median wall time, the rows, and each server process's peak memory.
# Each server's CPU time per request is read from /proc as well: unlike requests per second it does
# not depend on how much of the shared machine the other jobs leave. Both servers and wrk run at
# nice NICE (default -10, as root) so those jobs disturb the run less; the same for both sides.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-8}"
ROUNDS="${ROUNDS:-5}"
NICE="${NICE:--10}"
DATASETTE_VERSION=0.65.5
WORK=bench/.work
RAW="$WORK/peer"
OURS=8110
THEIRS=8111
YEAR=1989
PY=.venv/bin/python
DATASETTE="$WORK/datasette-venv/bin/datasette"
OURS_PAGE="http://127.0.0.1:$OURS/metrics/?year=$YEAR"
THEIRS_PAGE="http://127.0.0.1:$THEIRS/figures/figures?report_year=$YEAR&_size=25"
OURS_CSV="http://127.0.0.1:$OURS/metrics/?_export=csv"
THEIRS_CSV="http://127.0.0.1:$THEIRS/figures/figures.csv?_stream=on&_size=max"

mkdir -p "$WORK" && rm -rf "$RAW" && mkdir -p "$RAW"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
if ! "$DATASETTE" --version 2>/dev/null | grep -q "$DATASETTE_VERSION"; then
  python3 -m venv "$WORK/datasette-venv"
  "$WORK/datasette-venv/bin/pip" install -q "datasette==$DATASETTE_VERSION"
fi

export DATABASE_URL="sqlite:///$PWD/$WORK/portal.sqlite3"
export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_CONN_MAX_AGE=60
export DJANGO_SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export GUNICORN_ACCESS_LOG=/dev/null GUNICORN_MAX_REQUESTS=0
unset CACHE_URL

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -f "$RAW"/*.csv; }
trap cleanup EXIT

echo "== data: 40 synthetic years x 3 sections x 834 figures"
$PY manage.py collectstatic --noinput -v0
if [ "${KEEP_DATA:-0}" != 1 ] || [ ! -f "$WORK/figures.db" ]; then  # KEEP_DATA=1 reuses the last run's two databases
  rm -f "$WORK/portal.sqlite3" "$WORK/figures.db"
  $PY manage.py migrate --noinput -v0
  $PY manage.py setup_roles >/dev/null
  $PY manage.py generate_benchmark_data --years 40 --figures-per-section 834 >/dev/null
  $PY manage.py export_figures > "$WORK/rows.csv"
  $PY - "$WORK/rows.csv" "$WORK/figures.db" <<'EOF'
import csv, sqlite3, sys
source, target = sys.argv[1:]
with open(source, encoding="utf-8-sig", newline="") as rows:
    reader = csv.reader(rows)
    header = next(reader)
    types = {"report_year": "INTEGER", "source_paragraph": "INTEGER"}
    types |= dict.fromkeys(("value", "stated_value", "previous_value", "change"), "NUMERIC")
    db = sqlite3.connect(target)
    columns = ", ".join(f"{name} {types.get(name, 'TEXT')}" for name in header)
    db.execute(f"CREATE TABLE figures ({columns})")
    db.executemany(f"INSERT INTO figures VALUES ({', '.join('?' * len(header))})", reader)
    db.execute("CREATE INDEX figures_report_year ON figures (report_year)")
    db.commit()
    print("figures table:", db.execute("SELECT count(*) FROM figures").fetchone()[0], "rows")
EOF
fi
SESSION=$($PY manage.py shell --no-imports -c "
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
user, _ = User.objects.get_or_create(username='bench')
user.groups.set(Group.objects.filter(name__in=['viewer', 'analyst']))
session = SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1], HASH_SESSION_KEY: user.get_session_auth_hash()})
session.create()
print(session.session_key)
")

echo "== servers: one process each"
nice -n "$NICE" true 2>/dev/null || NICE=0   # raising priority needs root; otherwise both run at 0
# With autogroup scheduling (Linux's default) a nice value only ranks a process within its session;
# the session's own nice ranks this whole run (servers, wrk, curl) against the machine's other jobs.
if [ -w "/proc/$$/autogroup" ]; then echo "$NICE" >"/proc/$$/autogroup" 2>/dev/null || true; fi
GUNICORN_BIND="127.0.0.1:$OURS" nice -n "$NICE" .venv/bin/gunicorn --config wanzhou_police/gunicorn.conf.py \
  --workers 1 --threads 1 --max-requests 0 >"$RAW/gunicorn.log" 2>&1 &
pids+=($!)
ours_master=$!
nice -n "$NICE" "$DATASETTE" serve "$WORK/figures.db" --host 127.0.0.1 --port "$THEIRS" >"$RAW/datasette.log" 2>&1 &
pids+=($!)
theirs_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$OURS/healthz" >/dev/null && curl -sf "http://127.0.0.1:$THEIRS/-/versions.json" >/dev/null && break
  sleep 0.2
done
ours_pid=$(pgrep -P "$ours_master" | head -1)

check() {  # url, then curl options: the page must answer 200 with the 25 rows of the year
  local url="$1"; shift
  local body
  body=$(curl -s -w '\n%{http_code}' "$@" "$url")
  [ "$(tail -1 <<<"$body")" = 200 ] || { echo "GET $url answered $(tail -1 <<<"$body")" >&2; exit 1; }
  [ "$(grep -o "合成指標" <<<"$body" | wc -l)" -ge 25 ] || { echo "GET $url does not show 25 rows" >&2; exit 1; }
}
check "$OURS_PAGE" -b "sessionid=$SESSION"
check "$THEIRS_PAGE"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system time of a process, in clock ticks
TICK_MS=$((1000 / $(getconf CLK_TCK)))

load_page() {  # side, pid, url, extra wrk args...: one wrk round, with the CPU time the server spent on it
  local side="$1" pid="$2" url="$3"; shift 3
  local before after line
  before=$(cpu_ticks "$pid")
  line=$(nice -n "$NICE" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$@" -s bench/wrk_report.lua "$url" | grep '^RESULT')
  after=$(cpu_ticks "$pid")
  echo "PAGE side=$side round=$round ${line#RESULT } cpu_ms=$(((after - before) * TICK_MS))" | tee -a "$RAW/pages.txt"
}

echo "== 1. pages: a 5 s warm-up each, then $ROUNDS rounds of ${DURATION}s, $CONNECTIONS connections"
nice -n "$NICE" wrk -t2 -c"$CONNECTIONS" -d5s -H "Cookie: sessionid=$SESSION" "$OURS_PAGE" >/dev/null
nice -n "$NICE" wrk -t2 -c"$CONNECTIONS" -d5s "$THEIRS_PAGE" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  load_page ours "$ours_pid" "$OURS_PAGE" -H "Cookie: sessionid=$SESSION"
  load_page datasette "$theirs_pid" "$THEIRS_PAGE"
done

echo "== 2. full CSV"
for side in ours datasette; do
  pid=$([ "$side" = ours ] && echo "$ours_pid" || echo "$theirs_pid")
  echo "MEMORY side=$side when=before_csv rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")" | tee -a "$RAW/csv.txt"
done
seconds() { awk "BEGIN {print $2 - $1}"; }
export_csv() {  # side, pid, url, output, extra curl args...
  local side="$1" pid="$2" url="$3" out="$4"; shift 4
  local t0 t1 before after
  before=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  nice -n "$NICE" curl -sf "$@" -o "$out" "$url"
  t1=$(date +%s.%N); after=$(cpu_ticks "$pid")
  echo "CSV side=$side run=$run seconds=$(seconds "$t0" "$t1") cpu_ms=$(((after - before) * TICK_MS)) rows=$(($(wc -l <"$out") - 1)) bytes=$(wc -c <"$out")" | tee -a "$RAW/csv.txt"
}
for run in 1 2 3; do
  export_csv ours "$ours_pid" "$OURS_CSV" "$RAW/ours.csv" -b "sessionid=$SESSION"
  export_csv datasette "$theirs_pid" "$THEIRS_CSV" "$RAW/theirs.csv"
done
for side in ours datasette; do
  pid=$([ "$side" = ours ] && echo "$ours_pid" || echo "$theirs_pid")
  echo "MEMORY side=$side when=after_csv peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status") rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")" | tee -a "$RAW/csv.txt"
done

{
  echo "cores=$(nproc)"
  echo "cpu=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')"
  echo "duration=$DURATION"
  echo "connections=$CONNECTIONS"
  echo "rounds=$ROUNDS"
  echo "nice=$NICE"
  echo "datasette=$("$DATASETTE" --version)"
  echo "figures=$(($(wc -l <"$WORK/rows.csv") - 1))"
  echo "year=$YEAR"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "measured=$(date -u '+%Y-%m-%d %H:%M')"
  echo "command=DURATION=$DURATION CONNECTIONS=$CONNECTIONS ROUNDS=$ROUNDS NICE=$NICE${KEEP_DATA:+ KEEP_DATA=$KEEP_DATA} bash bench/peer.sh"
} >"$RAW/machine.txt"
$PY bench/write_peer_results.py "$RAW" bench/results.md
echo "== wrote the Datasette section of bench/results.md"
