"""Reachability checks for /healthz and the diagnostics operation."""

from django.conf import settings
from django.db import connection


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_broker() -> str:
    from lakesail_console.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type


def check_data_dir() -> str:
    path = settings.LAKESAIL_DATA_DIR
    path.mkdir(parents=True, exist_ok=True)
    probe = path / ".healthz"
    probe.write_text("ok")
    probe.unlink()
    return str(path)


CHECKS = {"database": check_database, "broker": check_broker, "dataDir": check_data_dir}


def run_checks() -> dict[str, dict[str, str]]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"status": "ok", "detail": check()}
        except Exception as exc:  # a health check reports failures, it does not raise them
            results[name] = {"status": "failed", "detail": f"{type(exc).__name__}: {exc}"}
    return results
