# gunicorn reads ./gunicorn.conf.py: its access and error logs redact tokens in URLs (apps/core/logging.py).
logger_class = "apps.core.logging.GunicornLogger"
