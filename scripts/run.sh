#!/usr/bin/env bash
# Web server, Celery worker, Celery beat and the session proxy together; Ctrl-C stops them all.
set -uo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  exit 0
}
trap stop INT TERM EXIT
.venv/bin/celery -A lakesail_console worker -l info --concurrency=2 & pids+=($!)
.venv/bin/celery -A lakesail_console beat -l info & pids+=($!)
.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload & pids+=($!)
# The Spark Connect session proxy (plaintext on localhost: sc://localhost:${SESSION_PROXY_PORT:-15102}).
.venv/bin/python manage.py session_proxy & pids+=($!)
wait -n "${pids[@]}"
