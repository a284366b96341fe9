#!/usr/bin/env bash
# The search page's latency on the 20-year data set, through gunicorn, on PostgreSQL and on SQLite;
# writes bench/search-results.md.
#
#   bash bench/search.sh        # about 5 minutes; PostgreSQL on 127.0.0.1:5432
#
# For each database: a fresh one (PostgreSQL $BENCH_DB, default wanzhou_search_bench, dropped and recreated; SQLite a file
# under $TMPDIR), migrate, roles, the 2021 report with its text, 20 synthetic years × 500 figures a section
# (generate_benchmark_data writes in bulk, so rebuild_search_index follows), a viewer; gunicorn with the
# project's config (2 workers on 127.0.0.1:8766, production-like settings); bench/search_bench.py asks each
# query 60 times one at a time. Only the gunicorn this script started is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

PG="postgres://postgres@127.0.0.1:5432"
PORT=8766
BENCH_DB=${BENCH_DB:-wanzhou_search_bench}
OUT=bench/search-results.md
PY=.venv/bin/python
SOURCE_2021=${SOURCE_2021:-../shared/source/wanzhou-police-2021-work-report.zh-Hant.txt}
SQLITE_FILE="${TMPDIR:-/tmp}/wanzhou-search-bench.sqlite3"
LOG="${TMPDIR:-/tmp}/wanzhou-search-bench.log"

export DJANGO_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_BEHIND_PROXY=1
export DJANGO_SECURE_SSL_REDIRECT=0
export GUNICORN_BIND="127.0.0.1:$PORT"
export GUNICORN_WORKERS=2
viewer_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')
export SEARCH_VIEWER="search_viewer:$viewer_password"

gunicorn_pid=""
stop_server() {
  [ -n "$gunicorn_pid" ] || return 0
  kill -TERM "$gunicorn_pid" 2>/dev/null || true
  wait "$gunicorn_pid" 2>/dev/null || true
  gunicorn_pid=""
}
trap stop_server EXIT

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "something already answers on port $PORT; stop it first" >&2
  exit 1
fi

prepare() {
  $PY manage.py migrate --noinput -v0
  $PY manage.py setup_roles -v0
  $PY manage.py seed_report wanzhou_2021 >/dev/null
  if [ -f "$SOURCE_2021" ]; then $PY manage.py attach_source 2021 "$SOURCE_2021" >/dev/null; fi
  $PY manage.py generate_benchmark_data --years 20 --figures-per-section 500 --force
  $PY manage.py rebuild_search_index
  $PY manage.py shell --no-imports -c "
import os
from django.contrib.auth.models import Group, User
name, _sep, password = os.environ['SEARCH_VIEWER'].partition(':')
user = User.objects.create_user(username=name, password=password)
user.groups.set([Group.objects.get(name='viewer')])
"
}

measure() {  # $1: label
  $PY manage.py collectstatic --noinput -v0
  .venv/bin/gunicorn --config wanzhou_police/gunicorn.conf.py >"$LOG" 2>&1 &
  gunicorn_pid=$!
  for _ in $(seq 1 120); do
    curl -sf -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  local before after
  before=$(cut -d' ' -f1 /proc/loadavg)
  python3 bench/search_bench.py --base "http://127.0.0.1:$PORT" --label "$1"
  after=$(cut -d' ' -f1 /proc/loadavg)
  echo
  echo "Load average (1 min) on this $(nproc)-core machine: $before before, $after after."
  stop_server
}

{
  echo "# Search: latency through gunicorn"
  echo
  echo "Written by \`bash bench/search.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores."
  echo "Data: the 2021 report with its text and 20 synthetic years × 3 sections × 500 figures (entries in the"
  echo "index as each table's title says). Each query: 60 requests one at a time,"
  echo "after 3 unmeasured; the time is the whole request as the client sees it (login session, permission"
  echo "checks, the counts, the page of 20, the template)."
  echo
} >"$OUT.tmp"

echo "== PostgreSQL"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -qc "CREATE DATABASE $BENCH_DB"
export DATABASE_URL="$PG/$BENCH_DB"
prepare
ENTRIES=$($PY manage.py shell --no-imports -c "from search.models import SearchEntry; print(SearchEntry.objects.count())")
$PY manage.py shell --no-imports -c "exec(open('bench/search_inprocess.py').read())" | tee -a "$OUT.tmp"
echo >>"$OUT.tmp"
measure "PostgreSQL 15, pg_trgm GIN ($ENTRIES entries)" | tee -a "$OUT.tmp"
echo >>"$OUT.tmp"

echo "== SQLite"
rm -f "$SQLITE_FILE"
export DATABASE_URL="sqlite:///$SQLITE_FILE"
prepare
ENTRIES=$($PY manage.py shell --no-imports -c "from search.models import SearchEntry; print(SearchEntry.objects.count())")
$PY manage.py shell --no-imports -c "exec(open('bench/search_inprocess.py').read())" | tee -a "$OUT.tmp"
echo >>"$OUT.tmp"
measure "SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'), FTS5 trigram ($ENTRIES entries)" | tee -a "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "== wrote $OUT"
