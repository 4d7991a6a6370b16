#!/usr/bin/env bash
# `make run`: SQLite, demo data, console email, and a real Celery worker with beat on a broker
# kept in files under .run/ (no Redis needed), beside Django's development server.
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL REDIS_URL CELERY_BROKER_URL EMAIL_URL  # the embedded defaults, always
export DJANGO_SETTINGS_MODULE=mentoring.settings.base DEBUG=1
PY=.venv/bin/python
mkdir -p .run/broker/queue .run/broker/processed
port=${PORT:-8000}
# Links in emails (sent by the worker) point at the port the app really runs on.
export SITE_URL=${SITE_URL:-http://127.0.0.1:$port}

$PY manage.py migrate --no-input -v 0
$PY manage.py seed_demo

.venv/bin/celery -A mentoring worker --beat --pool=solo --loglevel=INFO \
  --schedule .run/celerybeat-schedule > >(sed -u 's/^/[worker] /') 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
echo "Celery worker and beat running: their lines, and every email, start with [worker]."
echo "Open http://127.0.0.1:$port — stop with Ctrl+C."
$PY manage.py runserver "127.0.0.1:$port"
