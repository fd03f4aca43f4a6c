"""Settings for benchmark servers: the console's own, plus the bare comparison views, and limits out of the way."""

from lakesail_console.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
RATE_LIMIT_PER_PRINCIPAL = "100000000/s"
RATE_LIMIT_PER_IP = "100000000/s"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
