"""Settings come from the environment; every default works on a fresh machine with no servers."""

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LAKESAIL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def _persistent_secret(name: str, make) -> str:
    """Read a secret from the environment, else from var/, generating it there on first run."""
    if os.environ.get(name):
        return os.environ[name]
    path = VAR_DIR / name.lower()
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _persistent_secret("SECRET_KEY", lambda: secrets.token_urlsafe(50))
FIELD_ENCRYPTION_KEY = _persistent_secret("FIELD_ENCRYPTION_KEY", lambda: Fernet.generate_key().decode())
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
PORT = int(os.environ.get("PORT", "8000"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "apps.core",
    "apps.identity",
    "apps.identity.sso",
    "apps.org",
    "apps.infra",
    "apps.workloads",
    "apps.notifications",
]

MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "apps.core.audit_context.AuditContextMiddleware",  # after RequestIdMiddleware: it copies the request id
    "apps.core.middleware.NoStoreMiddleware",
    "apps.core.ratelimit.RateLimitMiddleware",  # before sessions and authentication: a 429 costs no query
    "apps.core.limits.RequestLimitsMiddleware",  # before anything reads the body
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.identity.middleware.ConsoleLoginMiddleware",
    # After authentication (replays go to the same credential); the write check is innermost, around the view.
    "apps.core.idempotency.IdempotencyMiddleware",
    "apps.core.etags.ConditionalRequestMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "lakesail_console.urls"
WSGI_APPLICATION = "lakesail_console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.console",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lakesail.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "apps.core.db.postgresql"  # Django's, with psycopg's C timestamp loader
    # The planner's price of a random page read, for this console's sessions: PostgreSQL's default (4) prices
    # spinning disks, and on SSD or cached data, where 1.1 is the usual advice, it made a page's `id = ANY(100
    # ids)` scan whole tables instead of reading their index (a members page: 49 -> 40 ms). Empty: the server's.
    _RANDOM_PAGE_COST = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1")
    if _RANDOM_PAGE_COST:
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", f"-c random_page_cost={_RANDOM_PAGE_COST}")
    # The queries every request runs (apps.core.compiled) are prepared once a connection has run them this many times:
    # PostgreSQL then skips parsing and planning them. Empty: never (a connection pooler that cannot keep prepared
    # statements, such as PgBouncer before 1.21 in transaction mode). Django's other queries are never prepared.
    _PREPARE_THRESHOLD = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        int(_PREPARE_THRESHOLD) if _PREPARE_THRESHOLD else None
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat share one file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory: integration tests share the test database with a real Celery worker.
    # One file per test run, so concurrent runs in one checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["apps.identity.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

# Login tokens (Bearer): idle and absolute lifetimes.
LOGIN_TOKEN_IDLE_SECONDS = 30 * 60
LOGIN_TOKEN_ABSOLUTE_SECONDS = 12 * 3600

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

# Email: EMAIL_URL=smtp://user:pass@host:port (smtp+tls:// for STARTTLS); console output by default.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    from urllib.parse import unquote, urlparse

    _email = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "127.0.0.1"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
else:
    # Logs recipients and a redacted subject; the whole message (links, codes) only with DEBUG.
    EMAIL_BACKEND = "apps.core.mail.LogEmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "LakeSail Console <noreply@lakesail.local>")

# Celery: a broker that needs no server process by default (kombu's filesystem transport).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL == "filesystem://":
    for _sub in ("in", "processed", "control"):
        (_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "in"),
        "data_folder_out": str(_BROKER_DIR / "in"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "lakesail")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = _env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # Sail servers whose supervisor died, and records whose process is gone (workers also reap on start).
    "reap-sail-processes": {"task": "apps.infra.tasks.reap_sail_processes_task", "schedule": 300.0},
    # Outbox events a dead worker left undelivered (apps/core/events.py); each is enqueued again after a grace.
    "sweep-events": {"task": "apps.core.tasks.sweep_events", "schedule": 60.0},
    "prune-audit-events": {"task": "apps.core.tasks.prune_audit_events", "schedule": 24 * 3600.0},
}
# Audit records older than this are deleted by the daily prune-audit-events task.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.identity.api.authentication.BearerAuthentication",
        "apps.identity.api.authentication.ConsoleSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["apps.core.api.renderers.JSONRenderer"],  # DRF's bytes, written by orjson
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],  # with the JSON nesting limit
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "LakeSail platform API",
    "DESCRIPTION": "The LakeSail platform API as implemented by LakeSail Console.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Collapsed tags: expanded, Swagger UI stops rendering after the first tag once the schema passes ~130 operations.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "docExpansion": "none"},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {},
    "AUTHENTICATION_WHITELIST": [
        "apps.identity.api.authentication.BearerAuthentication",
        "apps.identity.api.authentication.ConsoleSessionAuthentication",
    ],
}

# Every handler redacts secrets in URLs (invitation tokens, token=/code= values): apps/core/logging.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "apps.core.middleware.RequestIdLogFilter"},
        "redact_secrets": {"()": "apps.core.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "redact_secrets"],
        },
        # runserver's request log, as Django configures it, plus the redaction.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (console when DEBUG, mail_admins) would print without the redaction: root's only.
        "django": {"handlers": []},
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

LAKESAIL_DATA_DIR = Path(os.environ.get("LAKESAIL_DATA_DIR", VAR_DIR / "data"))

# --- Identity (issue 3): sign-in defaults, links in emails ---
CONSOLE_BASE_URL = os.environ.get("CONSOLE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Recovery codes and email codes are random secrets: a salted SHA-256 is enough (passwords stay on Argon2).
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "apps.identity.hashers.RandomSecretHasher"]
AUTH_LOCKOUT_FAILURES = 10  # consecutive failures on one account
AUTH_LOCKOUT_SECONDS = 15 * 60
AUTH_IP_ACCOUNT_ATTEMPTS_PER_MINUTE = 20
AUTH_IP_FAILURES_PER_MINUTE = 30  # per client address, sliding: slows a sprayer, never locks a shared address out
AUTH_REAUTH_SECONDS = 15 * 60  # sensitive actions need a sign-in this recent
CONSOLE_REAUTH_URL = "identity-reauth"  # where the console sends a sensitive action with a stale sign-in

# --- Org (issue 4) ---
INVITATION_TTL_DAYS = 7

# --- SSO and outbound HTTP (issue 3, apps/identity/sso, apps/core/http.py) ---
# Per-organization OpenID providers sign in through their own backend (settings come from the database).
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "apps.identity.sso.backends.IdentityProviderBackend"]
# The outbound HTTP helper refuses loopback, private, link-local, metadata... addresses except inside
# these networks (CIDRs, comma-separated; e.g. "10.20.0.0/16" for an IdP on the company network).
OUTBOUND_HTTP_ALLOWED_NETWORKS = [
    n.strip() for n in os.environ.get("OUTBOUND_HTTP_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
OUTBOUND_HTTP_TIMEOUT_SECONDS = float(os.environ.get("OUTBOUND_HTTP_TIMEOUT_SECONDS", "10"))
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["IdentityProviderTypeEnum"] = "apps.identity.sso.catalog.PROVIDER_TYPE_IDS"


# --- Security hardening (docs/security.md) ---
# Input limits: larger bodies are a 413, longer query strings a 414, deeper JSON, longer searches
# and further pages a 400, before any of it reaches a parser or the database.
REQUEST_MAX_BODY_BYTES = int(os.environ.get("REQUEST_MAX_BODY_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES  # Django's own check agrees with ours
REQUEST_MAX_QUERY_STRING_BYTES = int(os.environ.get("REQUEST_MAX_QUERY_STRING_BYTES", "8192"))
REQUEST_MAX_JSON_DEPTH = 32
LIST_MAX_SEARCH_LENGTH = 200
LIST_MAX_PAGE = 1_000_000
# Proxies whose X-Forwarded-For is believed (CIDRs, comma-separated; none by default): apps/core/client_ip.py.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(n.strip(), strict=False))
    for n in os.environ.get("TRUSTED_PROXIES", "").split(",")
    if n.strip()
]

# --- Safe writes and rate limits (docs/api-conventions.md) ---
# Requests per principal (Bearer token or session) and per client IP over the whole API: "N/s", "N/m" or
# "N/h"; empty for no limit of that kind.
RATE_LIMIT_PER_PRINCIPAL = os.environ.get("RATE_LIMIT_PER_PRINCIPAL", "1200/m")
RATE_LIMIT_PER_IP = os.environ.get("RATE_LIMIT_PER_IP", "600/m")
# Rate-limit counters, idempotency records and write locks are shared by every worker: Redis when CACHE_URL or
# the Celery broker names it, else a table in the database (`manage.py createcachetable`; tests create it).
CACHE_URL = os.environ.get("CACHE_URL", "")
_REDIS_URL = next((url for url in (CACHE_URL, CELERY_BROKER_URL) if url.startswith(("redis://", "rediss://"))), "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache" if _REDIS_URL else "apps.core.cache.DatabaseCache",
        "LOCATION": _REDIS_URL or "lakesail_cache",
        "KEY_FUNCTION": "apps.core.cache.namespaced_key",  # keys carry the database name
        # The database cache evicts arbitrary rows past MAX_ENTRIES: room for a day of idempotency records.
        "OPTIONS": {} if _REDIS_URL else {"MAX_ENTRIES": 100_000},
    }
}
# Console sessions are read on every console request: from Redis when it is the cache (written through to the
# database, which stays their record; revoking a login still ends its session, checked on its Login row); from the
# database otherwise, where reading the cache would be a query too.
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if _REDIS_URL else 'db'}"
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",  # drf-spectacular's default
    "apps.core.api.schema_hooks.document_conventions",
    "apps.core.api.schema_hooks.document_safe_writes",
]

# --- Infra: the aws provider (apps/infra/providers/aws, docs/infra-aws.md) ---
# The LakeSail AWS account that every customer's connection role trusts (with the connection's ExternalId).
# The default is AWS's documentation placeholder account: set the real one in production.
LAKESAIL_AWS_ACCOUNT_ID = os.environ.get("LAKESAIL_AWS_ACCOUNT_ID", "111122223333")
# Where CloudFormation fetches the connection template (the quick-create link's templateURL); "{id}" is replaced by
# the connection id. Point it at a public bucket to host one copy; the body holds no secret.
LAKESAIL_AWS_TEMPLATE_BASE_URL = os.environ.get(
    "LAKESAIL_AWS_TEMPLATE_BASE_URL", f"{CONSOLE_BASE_URL}/api/v1/infra/connections/{{id}}/template/download"
)
# boto3 reads AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) itself; the provider names no endpoint.
# A step that waits for AWS (NAT gateway, EKS cluster and node group) polls this often, and gives up after this long
# with a retryable error: the operation runner runs the step again, which finds the resource and waits on.
LAKESAIL_AWS_POLL_SECONDS = float(os.environ.get("LAKESAIL_AWS_POLL_SECONDS", "15"))
LAKESAIL_AWS_WAIT_SECONDS = float(os.environ.get("LAKESAIL_AWS_WAIT_SECONDS", "900"))

# --- Infrastructure (docs/infra.md) ---
# Operations (provision, update, destroy, template sync) heartbeat while they run; one whose heartbeat is older
# than the stale limit lost its worker, and beat enqueues it again.
INFRA_OPERATION_HEARTBEAT_SECONDS = float(os.environ.get("INFRA_OPERATION_HEARTBEAT_SECONDS", "30"))
INFRA_OPERATION_STALE_SECONDS = float(os.environ.get("INFRA_OPERATION_STALE_SECONDS", "300"))
# A step failing with a retryable provider error is tried this many times, waiting N x this delay before try N+1.
INFRA_STEP_ATTEMPTS = int(os.environ.get("INFRA_STEP_ATTEMPTS", "3"))
INFRA_STEP_RETRY_SECONDS = float(os.environ.get("INFRA_STEP_RETRY_SECONDS", "5"))
INFRA_METRICS_SAMPLE_SECONDS = 30
INFRA_METRICS_RETENTION_DAYS = 7
INFRA_HEALTH_CHECK_SECONDS = 60
# The local provider's estimated cost of a running cluster (estimatedCost in the metrics endpoint).
LOCAL_CLUSTER_HOURLY_PRICE_USD = float(os.environ.get("LOCAL_CLUSTER_HOURLY_PRICE_USD", "0"))
# A local cluster's server gets SIGINT and this long to finish its queries before SIGKILL.
LOCAL_CLUSTER_STOP_GRACE_SECONDS = float(os.environ.get("LOCAL_CLUSTER_STOP_GRACE_SECONDS", "8"))
CELERY_BEAT_SCHEDULE.update(
    {
        "resume-infra-operations": {"task": "apps.infra.tasks.resume_stale_operations_task", "schedule": 60.0},
        "sample-cluster-metrics": {
            "task": "apps.infra.tasks.sample_cluster_metrics_task",
            "schedule": float(INFRA_METRICS_SAMPLE_SECONDS),
        },
        "check-cluster-health": {
            "task": "apps.infra.tasks.check_cluster_health_task",
            "schedule": float(INFRA_HEALTH_CHECK_SECONDS),
        },
    }
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "InfraProviderEnum": "apps.infra.models.statuses.ProviderKey",
        "CatalogProviderEnum": "apps.workloads.models.choices.CatalogProvider",
        "ConnectionStatusEnum": "apps.infra.models.statuses.ConnectionStatus",
        "InfraResourceStatusEnum": "apps.infra.models.statuses.ResourceStatus",
        "ClusterHealthStatusEnum": "apps.infra.models.statuses.HealthStatus",
    }
)

# --- Spark Connect sessions and their gRPC proxy (docs/sessions.md) ---
# Where the session proxy listens and what `connectionInfo.grpcEndpoint` tells clients to dial. With a certificate
# (PEM files) it serves TLS; without one it serves plaintext on a loopback address (development) and a self-signed
# certificate generated into var/ anywhere else.
SESSION_PROXY_HOST = os.environ.get("SESSION_PROXY_HOST", "localhost")
SESSION_PROXY_PORT = int(os.environ.get("SESSION_PROXY_PORT", "15102"))
SESSION_PROXY_ENDPOINT = os.environ.get("SESSION_PROXY_ENDPOINT", f"localhost:{SESSION_PROXY_PORT}")
SESSION_PROXY_TLS_CERT_FILE = os.environ.get("SESSION_PROXY_TLS_CERT_FILE", "")
SESSION_PROXY_TLS_KEY_FILE = os.environ.get("SESSION_PROXY_TLS_KEY_FILE", "")
SESSION_PROXY_MAX_MESSAGE_BYTES = int(os.environ.get("SESSION_PROXY_MAX_MESSAGE_BYTES", str(256 * 1024 * 1024)))


def _ed25519_private_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )


# Proxy tokens are EdDSA (Ed25519) JWTs: the console signs with the private key, the proxy verifies with the public
# one (derived from the private key unless given, so a proxy host may hold the public key only).
SESSION_TOKEN_PRIVATE_KEY = _persistent_secret("SESSION_TOKEN_PRIVATE_KEY", _ed25519_private_pem)
SESSION_TOKEN_PUBLIC_KEY = os.environ.get("SESSION_TOKEN_PUBLIC_KEY", "")
SESSION_TOKEN_DEFAULT_SECONDS = int(os.environ.get("SESSION_TOKEN_DEFAULT_SECONDS", "3600"))
SESSION_TOKEN_MAX_SECONDS = int(os.environ.get("SESSION_TOKEN_MAX_SECONDS", str(12 * 3600)))
# The proxy writes a session's activity at most this often: idle tracking has this granularity.
SESSION_ACTIVITY_WRITE_SECONDS = float(os.environ.get("SESSION_ACTIVITY_WRITE_SECONDS", "5"))
# A session server gets SIGINT and this long to finish its queries before SIGKILL.
SESSION_SERVER_STOP_GRACE_SECONDS = float(os.environ.get("SESSION_SERVER_STOP_GRACE_SECONDS", "5"))
SESSION_REAP_SECONDS = float(os.environ.get("SESSION_REAP_SECONDS", "30"))
CELERY_BEAT_SCHEDULE["reap-sessions"] = {
    "task": "apps.workloads.session_tasks.reap_sessions_task",
    "schedule": SESSION_REAP_SECONDS,
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "SessionStatusEnum": "apps.workloads.models.sessions.SessionStatus",
        "SessionEndpointTypeEnum": "apps.workloads.models.sessions.EndpointType",
    }
)

# --- Runs and scheduling (docs/runs.md) ---
# How many runs one cluster executes at once; more wait, pending with `cluster_capacity`.
CLUSTER_RUN_SLOTS = int(os.environ.get("CLUSTER_RUN_SLOTS", "4"))
# Automatic retries (maxRetries) wait this times 2^n before running again, up to RUNS_RETRY_MAX_SECONDS.
RUNS_RETRY_BASE_SECONDS = float(os.environ.get("RUNS_RETRY_BASE_SECONDS", "10"))
RUNS_RETRY_MAX_SECONDS = float(os.environ.get("RUNS_RETRY_MAX_SECONDS", "600"))
# A worker executing a run refreshes its heartbeat this often; a run silent for RUNS_LOST_SECONDS is lost.
RUNS_HEARTBEAT_SECONDS = float(os.environ.get("RUNS_HEARTBEAT_SECONDS", "5"))
RUNS_LOST_SECONDS = float(os.environ.get("RUNS_LOST_SECONDS", "60"))
# The dispatcher is woken by every change that may start a run; beat also runs it this often, as a safety net.
RUNS_DISPATCH_SECONDS = float(os.environ.get("RUNS_DISPATCH_SECONDS", "5"))
CELERY_BEAT_SCHEDULE["dispatch-job-runs"] = {
    "task": "apps.workloads.run_tasks.dispatch_runs",
    "schedule": RUNS_DISPATCH_SECONDS,
    "options": {"expires": RUNS_DISPATCH_SECONDS * 2},
}
CELERY_BEAT_SCHEDULE["sweep-lost-job-runs"] = {
    "task": "apps.workloads.run_tasks.sweep_lost_runs",
    "schedule": max(RUNS_LOST_SECONDS / 4, 1.0),
}
RUNS_MAX_TIMEOUT_SECONDS = 7 * 24 * 3600
RUNS_BACKFILL_MAX_SLOTS = int(os.environ.get("RUNS_BACKFILL_MAX_SLOTS", "1000"))
# What a scheduler catching up after downtime may create per job (missedSchedulePolicy `all`).
RUNS_MISSED_SLOTS_MAX = int(os.environ.get("RUNS_MISSED_SLOTS_MAX", "100"))
# A slot fired at most this late is on time (missedSchedulePolicy `skip` still fires it).
RUNS_SCHEDULER_GRACE_SECONDS = float(os.environ.get("RUNS_SCHEDULER_GRACE_SECONDS", "60"))
# Beat ticks this often: a slot's run exists at most about this long after the slot.
RUNS_SCHEDULER_TICK_SECONDS = float(os.environ.get("RUNS_SCHEDULER_TICK_SECONDS", "1"))
CELERY_BEAT_SCHEDULE["schedule-job-runs"] = {
    "task": "apps.workloads.schedule_tasks.schedule_tick",
    "schedule": RUNS_SCHEDULER_TICK_SECONDS,
    "options": {"expires": RUNS_SCHEDULER_TICK_SECONDS * 5},  # a backlog of ticks is one tick's work
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "JobRunStatusEnum": "apps.workloads.models.runs.JobRunStatus",
        "JobRunTriggerEnum": "apps.workloads.models.runs.RunTrigger",
        "JobRunPendingReasonEnum": "apps.workloads.models.runs.PendingReason",
        "JobRunCleanupModeEnum": "apps.workloads.models.runs.RunCleanupMode",
    }
)

# --- Notifications (docs/notifications.md) ---
# A notification is tried this many times (a permanent failure stops at once), waiting 30 s, 2 min, 8 min, 32 min.
NOTIFICATIONS_MAX_ATTEMPTS = 5
NOTIFICATIONS_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "30"))
# This many failed attempts in a row make a channel `failing` (and its organization's Owners and Admins hear of it).
NOTIFICATIONS_FAILING_AFTER = 5
NOTIFICATIONS_SEND_TIMEOUT_SECONDS = float(os.environ.get("NOTIFICATIONS_SEND_TIMEOUT_SECONDS", "10"))
NOTIFICATIONS_PAGERDUTY_EVENTS_URL = os.environ.get(
    "NOTIFICATIONS_PAGERDUTY_EVENTS_URL", "https://events.pagerduty.com/v2/enqueue"
)
NOTIFICATIONS_EMAIL_DOMAIN = os.environ.get("NOTIFICATIONS_EMAIL_DOMAIN", "lakesail.local")  # in Message-IDs
CELERY_BEAT_SCHEDULE.update(
    {
        "send-notification-digests": {"task": "apps.notifications.tasks.send_due_digests", "schedule": 60.0},
        "sweep-notifications": {"task": "apps.notifications.tasks.sweep_notifications", "schedule": 60.0},
    }
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "NotificationChannelTypeEnum": "apps.notifications.models.statuses.ChannelType",
        "NotificationChannelStatusEnum": "apps.notifications.models.statuses.ChannelStatus",
        "NotificationScopeTypeEnum": "apps.notifications.models.statuses.ScopeType",
        "NotificationDeliveryModeEnum": "apps.notifications.models.statuses.DeliveryMode",
        "NotificationStatusEnum": "apps.notifications.models.statuses.NotificationStatus",
        "NotificationKindEnum": "apps.notifications.models.statuses.NotificationKind",
    }
)
