#!/usr/bin/env bash
# The load bench, by hand (not in CI): gunicorn on the scale database, wrk on the key pages.
#
#   bench/run.sh                      # 20 s per page, 4 connections, 4 gunicorn workers
#   DURATION=10 WORKERS=3 bench/run.sh --only dashboard
#
# Needs: PostgreSQL with the scale data set (see docs/performance.md:
#   DJANGO_DEBUG=1 DATABASE_URL=$DATABASE_URL .venv/bin/python manage.py migrate
#   DJANGO_DEBUG=1 DATABASE_URL=$DATABASE_URL .venv/bin/python manage.py seed_scale
# ) and wrk (apt-get install -y wrk). Extra arguments go to bench/load.py.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mentorship_scale}"
export DJANGO_SETTINGS_MODULE=bench.settings
# One database connection per worker for the whole run: CPU per request is read from the
# PostgreSQL backends' counters, which a reconnect (every 60 s by default) would take away.
export DATABASE_CONN_MAX_AGE="${DATABASE_CONN_MAX_AGE:-3600}"
PORT="${PORT:-8100}"
WORKERS="${WORKERS:-4}"
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-4}"
PY=.venv/bin/python

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 2; }
$PY manage.py collectstatic --noinput -v0

LOG="$(mktemp -t bench-gunicorn.XXXXXX.log)"
.venv/bin/gunicorn mentorship.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --access-logfile - --log-level warning >"$LOG" 2>&1 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT

for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$PORT/health/" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/health/" >/dev/null || { cat "$LOG"; exit 1; }

echo "gunicorn: $WORKERS sync workers on port $PORT (log: $LOG); database: ${DATABASE_URL##*/}"
BENCH_SERVER_PID="$GUNICORN" $PY -m bench.load --base-url "http://127.0.0.1:$PORT" --duration "$DURATION" \
  --connections "$CONNECTIONS" "$@"
