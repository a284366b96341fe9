#!/usr/bin/env bash
# Benchmark the portal under gunicorn on PostgreSQL and write bench/results.md.
#
#   bash bench/run.sh            # about 6 minutes; needs PostgreSQL on 127.0.0.1:5432 and wrk
#
# 1. The 2021 report: /healthz, the overview, a section page and the explorer,
#    16 connections for DURATION seconds each (wrk), and SQL queries per page.
# 2. The same on 20 synthetic years x 500 figures per section.
# 3. A full CSV export of 100,000 figures: wall time and the gunicorn worker's peak
#    memory, next to PostgreSQL's own COPY of the same columns.
# It uses its own database (wanzhou_bench, dropped and recreated) and ports 8100/8101.
# The page runs use gunicorn's configured workers; the export runs one worker with one
# thread so its memory can be read from /proc.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-16}"
DB_NAME="${BENCH_DB:-wanzhou_bench}"
PG="postgres://postgres@127.0.0.1:5432"
PORT=8100
EXPORT_PORT=8101
OUT=bench/results.md
WORK=bench/raw   # the raw lines, kept so results.md can be rebuilt: python bench/write_results.py bench/raw
rm -rf "$WORK" && mkdir -p "$WORK"
PY=.venv/bin/python

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
make install >/dev/null

export DATABASE_URL="$PG/$DB_NAME"
export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export DJANGO_CONN_MAX_AGE=60
export GUNICORN_ACCESS_LOG=/dev/null
# No worker recycling during a 20 s run: a recycled worker closes its keep-alive
# connections, which wrk counts as read errors (nginx in front would retry them).
export GUNICORN_MAX_REQUESTS=0

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -f "$WORK"/*.csv; }
trap cleanup EXIT

fresh_database() {  # an empty database with the schema, the roles and a logged-in "bench" analyst
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -qc "CREATE DATABASE $DB_NAME"
  $PY manage.py migrate --noinput -v0
  $PY manage.py setup_roles >/dev/null
  SESSION=$($PY manage.py shell --no-imports -c "
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
user = User.objects.create_user(username='bench')
user.groups.set(Group.objects.filter(name__in=['viewer', 'analyst']))
session = SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1], HASH_SESSION_KEY: user.get_session_auth_hash()})
session.create()
print(session.session_key)
")
}

echo "== database $DB_NAME"
$PY manage.py collectstatic --noinput -v0
fresh_database
$PY manage.py seed_report wanzhou_2021 >/dev/null

start_gunicorn() {  # port, extra gunicorn args...
  local port="$1"; shift
  GUNICORN_BIND="127.0.0.1:$port" .venv/bin/gunicorn --config wanzhou_police/gunicorn.conf.py "$@" &
  pids+=($!)
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "gunicorn did not start on $port" >&2; exit 1
}

load() {  # label, path
  local url="http://127.0.0.1:$PORT$2" status
  # Warm the cache, and make sure the session works: a redirect to the login page would be fast and meaningless.
  status=$(curl -s -o /dev/null -w '%{http_code}' -b "sessionid=$SESSION" "$url")
  [ "$status" = 200 ] || { echo "GET $2 answered $status, not 200" >&2; exit 1; }
  local line
  line=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -H "Cookie: sessionid=$SESSION" -s bench/wrk_report.lua "$url" | grep '^RESULT')
  echo "$1 $2 $line" | tee -a "$WORK/load.txt"
}

queries() {  # label, paths...
  local label="$1"; shift
  BENCH_PATHS="$*" $PY manage.py shell --no-imports < bench/count_queries.py | grep "^QUERIES" | sed "s/^/$label /" | tee -a "$WORK/queries.txt"
}

pages_for() {  # year -> the four benchmarked paths
  echo "/healthz /reports/$1/ /reports/$1/mediation/ /metrics/?year=$1"
}

echo "== 1. the 2021 report"
start_gunicorn "$PORT"
queries small $(pages_for 2021)
for path in $(pages_for 2021); do load small "$path"; done

echo "== 2. 20 years x 500 figures per section"
$PY manage.py generate_benchmark_data --years 20 --figures-per-section 500 --force
queries large $(pages_for 1989)
for path in $(pages_for 1989); do load large "$path"; done

echo "== 3. CSV export of 100,000 figures"
kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true; pids=()
fresh_database
$PY manage.py generate_benchmark_data --years 40 --figures-per-section 834   # 100,080 synthetic figures
FIGURES=$($PY manage.py shell --no-imports -c "from metrics.models import Figure; print(Figure.objects.count())")
start_gunicorn "$EXPORT_PORT" --workers 1 --threads 1 --max-requests 0
master=${pids[-1]}
worker=$(pgrep -P "$master" | head -1)
status=$(curl -s -o /dev/null -w '%{http_code}' -b "sessionid=$SESSION" "http://127.0.0.1:$EXPORT_PORT/metrics/?year=1989&_export=csv")
[ "$status" = 200 ] || { echo "export answered $status, not 200" >&2; exit 1; }
idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$worker/status")
COPY_SQL="COPY (SELECT r.year, r.agency, s.slug, f.code, f.name, f.value, f.unit, f.qualifier, f.source_paragraph, f.source_quote
  FROM metrics_figure f JOIN reports_report r ON r.id = f.report_id JOIN reports_section s ON s.id = f.section_id
  ORDER BY r.year, s.position, f.position, f.id) TO STDOUT WITH CSV HEADER"
for run in 1 2 3; do
  t0=$(date +%s.%N)
  bytes=$(curl -sf -b "sessionid=$SESSION" -o "$WORK/export.csv" -w '%{size_download}' "http://127.0.0.1:$EXPORT_PORT/metrics/?_export=csv")
  t1=$(date +%s.%N)
  psql "$DATABASE_URL" -qc "$COPY_SQL" > "$WORK/copy.csv"
  t2=$(date +%s.%N)
  rows=$(($(wc -l < "$WORK/export.csv") - 1))
  echo "EXPORT run=$run web_s=$(awk "BEGIN {print $t1 - $t0}") copy_s=$(awk "BEGIN {print $t2 - $t1}") rows=$rows bytes=$bytes" | tee -a "$WORK/export.txt"
done
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$worker/status")
echo "MEMORY idle_kb=$idle_kb peak_kb=$peak_kb figures=$FIGURES" | tee -a "$WORK/export.txt"

{
  echo "cores=$(nproc)"
  echo "cpu=$(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')"
  echo "duration=$DURATION"
  echo "connections=$CONNECTIONS"
  echo "measured=$(date -u '+%Y-%m-%d %H:%M')"
} > "$WORK/machine.txt"
# Written beside and then moved, so the Datasette section of the old file can be carried over.
$PY bench/write_results.py "$WORK" "$OUT" > "$WORK/results.md" && mv "$WORK/results.md" "$OUT"
echo "== wrote $OUT"
