#!/usr/bin/env bash
# Bytes of a first visit and time to draw every chart, in Debian's Chromium.
#
#   bash bench/chart_weight.sh [PROJECT_DIR] [LABEL]   # about 1 minute
#
# Serves PROJECT_DIR (default: this checkout) as production does (collectstatic with
# WhiteNoise's compressed, hashed files; gunicorn) on a throw-away SQLite database
# with the 2021 report, then runs bench/chart_weight.py against it, which appends
# one JSON line to bench/chart_weight.jsonl. Point PROJECT_DIR at a copy of an
# older commit (git archive <commit> | tar -x -C DIR; ln -s $PWD/.venv DIR/.venv)
# to measure it with the same browser and the same script. With SCREENSHOTS_DIR set
# it also saves full-page shots of every page there (bench/screenshots.py).
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
PROJECT="$(cd "${1:-$HERE}" && pwd)"
LABEL="${2:-$(git -C "$HERE" rev-parse --short HEAD)}"
PORT="${BENCH_PORT:-8131}"
WORK="$(mktemp -d)"
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

export DATABASE_URL="sqlite:///$WORK/bench.sqlite3"
export DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG=/dev/null
PY="$PROJECT/.venv/bin/python"

cd "$PROJECT"
$PY manage.py migrate --noinput -v0
$PY manage.py seed_report wanzhou_2021 >/dev/null
$PY manage.py setup_roles >/dev/null
$PY manage.py shell -c "
from django.contrib.auth.models import Group, User
User.objects.create_user(username='bench', password='bench-pw').groups.add(Group.objects.get(name='viewer'))
"
# STATIC_ROOT inside the project is git-ignored (staticfiles/).
$PY manage.py collectstatic --noinput --clear -v0
.venv/bin/gunicorn --config wanzhou_police/gunicorn.conf.py &
server=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
"$HERE/.venv/bin/python" "$HERE/bench/chart_weight.py" "http://127.0.0.1:$PORT" --label "$LABEL" \
  >>"$HERE/bench/chart_weight.jsonl"
tail -n 1 "$HERE/bench/chart_weight.jsonl"
if [[ -n "${SCREENSHOTS_DIR:-}" ]]; then
  "$HERE/.venv/bin/python" "$HERE/bench/screenshots.py" "http://127.0.0.1:$PORT" "$SCREENSHOTS_DIR"
fi
