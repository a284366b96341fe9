#!/usr/bin/env bash
# The limit findings' requests against `make serve` on PostgreSQL and Redis; writes bench/limits-results.md.
#
#   bash bench/limits_check.sh        # about 2 minutes; PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379
#
# 1. A fresh database wanzhou_limits (dropped and recreated) and Redis database 5 (flushed: the page
#    cache's keys count revisions from 1 again in a fresh database).
# 2. `make serve` in the background, in its own process group, with a production-like environment
#    (HTTPS on behind the proxy, a random secret key, 2 gunicorn workers on 127.0.0.1:8765).
# 3. The 2021 report, an editor, a viewer and an analyst, a draft 2022 report, a 2021 figure renamed to
#    markup and a published 2020 report stating it too (finding 5: the metric page charts two years or more),
#    all through manage.py.
# 4. bench/limits_check.py sends the requests and prints the table; this script adds what the database
#    holds afterwards and stops the server it started (and only that one), within STOP_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_NAME=wanzhou_limits
PG="postgres://postgres@127.0.0.1:5432"
PORT=8765
REDIS_DB=5
OUT=bench/limits-results.md
LOG="${TMPDIR:-/tmp}/wanzhou-limits-serve.log"
START_SECONDS=120   # migrate + collectstatic + gunicorn on a shared machine
CHECK_SECONDS=600   # every request of the checks together
STOP_SECONDS=40     # gunicorn's graceful_timeout is 30 s
PY=.venv/bin/python

export DJANGO_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_BEHIND_PROXY=1
export DJANGO_SECURE_SSL_REDIRECT=0
export DATABASE_URL="$PG/$DB_NAME"
export CACHE_URL="redis://127.0.0.1:6379/$REDIS_DB"
export GUNICORN_BIND="127.0.0.1:$PORT"
export GUNICORN_WORKERS=2

serve_pid=""   # `make serve`, leader of its own process group
master=""      # gunicorn's master, make's child
stop_server() {  # TERM to the gunicorn we started (it stops its workers); KILL its group if it outlives STOP_SECONDS
  [ -n "$serve_pid" ] || return 0
  if [ -n "$master" ]; then kill -TERM "$master" 2>/dev/null || true; else kill -TERM "$serve_pid" 2>/dev/null || true; fi
  for _ in $(seq 1 $((STOP_SECONDS * 5))); do
    pgrep -g "$serve_pid" >/dev/null || break
    sleep 0.2
  done
  if pgrep -g "$serve_pid" >/dev/null; then
    echo "the server outlived ${STOP_SECONDS}s after TERM: KILL to its process group $serve_pid" >&2
    kill -KILL -- "-$serve_pid" 2>/dev/null || true
  fi
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
}
trap stop_server EXIT

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "something already answers on port $PORT; stop it first" >&2
  exit 1
fi

echo "== database $DB_NAME, Redis database $REDIS_DB"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -qc "CREATE DATABASE $DB_NAME"
redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null

echo "== make serve (log: $LOG)"
# `-o .venv/.installed`: the venv is ready (a symlink to the shared one); never reinstall it.
# setsid: its own process group, so the server and only it can be stopped at the end.
setsid make -o .venv/.installed serve >"$LOG" 2>&1 &
serve_pid=$!
ready=""
for _ in $(seq 1 $((START_SECONDS * 2))); do
  if curl -sf -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "make serve did not answer on $PORT within ${START_SECONDS}s:" >&2
  tail -30 "$LOG" >&2
  exit 1
fi
master=$(pgrep -P "$serve_pid" | head -1)
if [ "$(ps -o comm= -p "$master")" = sh ]; then master=$(pgrep -P "$master" | head -1); fi  # make ran it through a shell
echo "   gunicorn master $master, workers $(pgrep -P "$master" | tr '\n' ' ')"

echo "== the 2021 report, the users, the 2022 draft, the renamed figure"
$PY manage.py seed_report wanzhou_2021
editor_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')
viewer_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')
analyst_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')
export LIMITS_EDITOR="limits_editor:$editor_password"
export LIMITS_VIEWER="limits_viewer:$viewer_password"
export LIMITS_ANALYST="limits_analyst:$analyst_password"
SECTION_ID=$($PY manage.py shell --no-imports -c "
import os
from decimal import Decimal
from django.contrib.auth.models import Group, User
from metrics.models import Figure
from reports.models import Report, Section

for role in ('editor', 'viewer', 'analyst'):
    name, _sep, password = os.environ[f'LIMITS_{role.upper()}'].partition(':')
    user = User.objects.create_user(username=name, password=password, is_staff=(role == 'editor'))
    user.groups.set([Group.objects.get(name=role)])

# A published 2020 report stating the renamed figure too: the metric page draws a chart from two years on.
earlier = Report.objects.create(year=2020, title='2020年工作綜述（測試數據）', agency='萬州區公安局')
section_2020 = Section.objects.create(report=earlier, slug='mediation', topic='mediation', position=3, heading='化解矛盾 服務群眾', source_paragraph=1)
Figure.objects.create(
    report=earlier, section=section_2020, code='mediation.resolution_rate', name='矛盾糾紛化解率', theme='矛盾糾紛',
    value=Decimal('97.5'), unit_id='%', qualifier='exact', source_paragraph=2, source_quote='化解率97.5%', position=1,
)

draft = Report.objects.create(year=2022, title='2022年工作綜述（草稿）', agency='萬州區公安局', published=False)
section = Section.objects.create(report=draft, slug='mediation', topic='mediation', position=3, heading='化解矛盾 服務群眾', source_paragraph=1)
Figure.objects.create(
    report=draft, section=section, code='mediation.disputes_screened', name='排查矛盾糾紛', theme='矛盾糾紛',
    value=Decimal(20000), unit_id='起', qualifier='exact', source_paragraph=2, source_quote='排查矛盾糾紛20000起', position=1,
)

figure = Figure.objects.get(report__year=2021, code='mediation.resolution_rate')
figure.name = '化解率<a href=\"https://evil.example/x\">詳情</a>'
figure._change_reason = 'limits check: markup in a name'
figure.save()
print(figure.section_id)
")
echo "   2021 mediation section $SECTION_ID"

echo "== the checks"
checks_status=0
TABLE=$(timeout "$CHECK_SECONDS" python3 bench/limits_check.py \
  --base "http://127.0.0.1:$PORT" --master-pid "$master" --section-id "$SECTION_ID" --metric-code mediation.resolution_rate) \
  || checks_status=$?
[ "$checks_status" = 0 ] || TABLE="**limits_check.py stopped with exit status $checks_status (124: past ${CHECK_SECONDS}s).**"
echo "$TABLE"

AFTER=$($PY manage.py shell --no-imports -c "
from axes.models import AccessAttempt, AccessLog
from reports.models import Report, Section
for report in Report.objects.order_by('year'):
    print(f'- {report.year}: published={report.published}, {report.figures.count()} figures')
section = Section.objects.get(pk=$SECTION_ID)
print(f'- the 2021 mediation section (id {section.pk}) after finding 6: {section.figures.count()} figures, '
      f'{section.history.count()} history rows (1: the baseline seed_report records), heading {section.heading!r}')
failed = sorted({str(address) for address in AccessAttempt.objects.values_list('ip_address', flat=True)})
logged = sorted({str(address) for address in AccessLog.objects.values_list('ip_address', flat=True)})
print(f'- django-axes addresses: failed logins from {failed}, logins from {logged}')
")
ERRORS=$(grep -cE '" 5[0-9][0-9] |Traceback|Internal Server Error' "$LOG" || true)
WARNINGS=$(grep -c 'X-Forwarded-For entry' "$LOG" || true)

stop_server

{
  echo "# Limit findings against \`make serve\` (PostgreSQL and Redis)"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, shared with other work ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'));"
  echo "times are wall times seen by the client, on a loaded machine. Git $(git rev-parse --short HEAD) (branch $(git rev-parse --abbrev-ref HEAD))."
  echo
  echo "Commands: \`bash bench/limits_check.sh\`, which creates the database \`$DB_NAME\`, flushes Redis database $REDIS_DB, runs"
  echo "\`make -o .venv/.installed serve\` with"
  echo
  echo '```sh'
  echo 'DJANGO_SECRET_KEY=<random> DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_BEHIND_PROXY=1 DJANGO_SECURE_SSL_REDIRECT=0 \'
  echo "DATABASE_URL=$PG/$DB_NAME CACHE_URL=$CACHE_URL GUNICORN_BIND=$GUNICORN_BIND GUNICORN_WORKERS=$GUNICORN_WORKERS"
  echo '```'
  echo
  echo "then \`manage.py seed_report wanzhou_2021\`, creates an editor (staff, group editor), a viewer and an analyst,"
  echo "a draft 2022 report (one mediation figure), renames the 2021 figure \`mediation.resolution_rate\` to"
  echo "\`$(printf '%s' '化解率<a href="https://evil.example/x">詳情</a>')\` and adds a published 2020 report stating that code"
  echo "(so its metric page has a chart), runs"
  echo "\`python3 bench/limits_check.py --base http://127.0.0.1:$PORT --master-pid <gunicorn master> --section-id $SECTION_ID\`"
  echo "and stops the server. Every request says \`X-Forwarded-Proto: https\` and \`X-Forwarded-For\` as nginx would."
  echo
  echo "Memory: VmRSS of each gunicorn worker before and after the request (the larger growth of the two workers), and"
  echo "in brackets the peak: VmHWM after the request (reset to the RSS just before it through /proc/<pid>/clear_refs)"
  echo "less the RSS before, which a transient allocation freed by the end cannot hide. Both workers first served the"
  echo "import page, the section form, the explorer and a small import four times each. Result: \"ok\" when the answer"
  echo "is the expected one, under 2 s for a refusal (under half the 20 s request limit for a review or a create) and"
  echo "under 50 MiB of peak growth (the bound of the tests)."
  echo
  echo "$TABLE"
  echo
  echo "The database afterwards:"
  echo
  echo "$AFTER"
  echo
  echo "The server's log had $ERRORS lines with a 5xx status, a traceback or \"Internal Server Error\"; $WARNINGS warnings"
  echo "\"X-Forwarded-For entry … is not an IP address\" (the zone id itself is accepted and dropped)."
} >"$OUT"
echo "== wrote $OUT"
