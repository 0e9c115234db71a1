"""Settings for development and the embedded default (SQLite + sandbox). Other modules only override."""

from __future__ import annotations

from config.env import BASE_DIR, VAR_DIR, env, generated_secret, new_credentials_keyring, new_django_secret_key

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or generated_secret("secret_key", new_django_secret_key)
# Keyring for credentials at rest: comma-separated `<key id>:<base64 32-byte key>`, the first one encrypts.
CREDENTIALS_KEYS = env.str("CREDENTIALS_KEYS", default="") or generated_secret(
    "credentials_keys", new_credentials_keyring
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base URL used in links we hand out (connect links, attachment URLs); empty = from the request.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="").rstrip("/")

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
    "django_q",
    "apps.core",
    "apps.connectors",
    "apps.integrations",
    "apps.applications",
    "apps.attribution",
]

MIDDLEWARE = [
    "apps.core.api.middleware.ApiErrorMiddleware",
    "apps.core.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the web process itself, DEBUG or not (gzip/brotli variants and far-future caching).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions, language, CSRF, login and messages serve the browser pages; the /v1 API passes them by.
    "apps.core.browser_middleware.BrowserSessionMiddleware",
    "apps.core.browser_middleware.BrowserLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "apps.core.browser_middleware.BrowserCsrfViewMiddleware",
    "apps.core.browser_middleware.BrowserAuthenticationMiddleware",
    "apps.core.browser_middleware.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Outbound ATS calls made while answering a request are stored together at its end (the request log).
    "apps.integrations.request_log.RequestLogScopeMiddleware",
]

# LOG_FORMAT=json: one JSON object per log line, and one line per request (gunicorn's own access log is then off).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT == "json":
    MIDDLEWARE.insert(0, "apps.core.request_log.RequestLogMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tributary.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker share the file: WAL lets readers run beside the writer, IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed copies next to each file; production.py adds hashed names (cache-busting) on top.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# django-q2 keeps each cluster's status (its heartbeat, read by /readyz) in this cache: it must be shared by
# every web and worker process, on every machine, so it lives in the database (SQLite or PostgreSQL alike).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "apps.core.cache.HeartbeatDatabaseCache", "LOCATION": "tributary_cache"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.integrations.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apps.integrations.authentication.HasApiKey"],
    "DEFAULT_RENDERER_CLASSES": ["apps.core.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JsonParser"],
    # OPTIONS would answer DRF's metadata document, not the contract's envelope: refuse it like any other method.
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": [],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tributary API",
    "DESCRIPTION": "Unified ATS API, wire-compatible with the Kombo unified API (ATS, general and connect endpoints).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/v1",
    "SERVERS": [{"url": "/v1"}],
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "APPEND_COMPONENTS": {
        "securitySchemes": {"ApiKeyAuth": {"type": "http", "scheme": "bearer"}},
    },
    "SECURITY": [{"ApiKeyAuth": []}],
    "DISABLE_ERRORS_AND_WARNINGS": False,
    # Swagger UI and ReDoc load their assets from Tributary (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No spec validation against swagger.io's online validator (a request leaving the machine).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Enums stay inline: many unrelated fields are called `status`, and the contract names none of them.
    # Request schemas as strict as the validation (NUL-free parameters, cursor shape, one file source).
    "POSTPROCESSING_HOOKS": ["apps.core.api.schema_strict.strict_requests"],
}

Q_CLUSTER = {
    "name": "tributary",
    "orm": "default",  # the ORM broker on the main database; set REDIS_URL for larger fleets
    "workers": env.int("Q_WORKERS", default=2),
    # A task running longer than `timeout` is killed; `retry` must exceed it or a slow task is started twice.
    "timeout": env.int("Q_TIMEOUT", default=1800),
    "retry": env.int("Q_RETRY", default=2100),
    # Retries are ours (SyncRun resume), not broker redelivery of a failed task.
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "poll": env.float("Q_POLL", default=0.5),
    "label": "Background tasks",
    "cache": "shared",
}
if env.str("REDIS_URL", default=""):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = env.str("REDIS_URL")
else:  # the ORM broker, taking tasks oldest first (apps.integrations.fifo_broker)
    Q_CLUSTER["broker_class"] = "apps.integrations.fifo_broker.FifoORM"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "apps.core.logging.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "apps.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Where `manage.py demo` keeps the demo API key and the generated admin password (mode 600), to print them again.
DEMO_CREDENTIALS_FILE = env.path("DEMO_CREDENTIALS_FILE", default=str(VAR_DIR / "demo-credentials.json"))

SANDBOX_DIR = env.path("SANDBOX_DIR", default=str(VAR_DIR / "sandbox"))

# Sync: a RUNNING run whose worker has not checkpointed for this long is taken over (the worker died); one task
# works on a run at most this long, then hands over to a fresh task (must stay below Q_CLUSTER["timeout"]).
SYNC_STALE_AFTER_SECONDS = env.int("SYNC_STALE_AFTER_SECONDS", default=600)
# Finished sync runs (and their per-model checkpoints) are kept this long; each integration's latest successful
# run of each type is always kept, since the next delta starts from its watermark.
SYNC_RUN_RETENTION_DAYS = env.int("SYNC_RUN_RETENTION_DAYS", default=30)
# The request log (every outbound ATS call, apps.integrations.request_log) is kept this long.
REQUEST_LOG_RETENTION_DAYS = env.int("REQUEST_LOG_RETENTION_DAYS", default=14)
# Integrations a connection flow created (its checks passed) but whose flow was never finished are deleted this
# long after they were created, once no unexpired link can still finish them (apps.integrations.abandoned).
ABANDONED_INTEGRATION_RETENTION_DAYS = env.int("ABANDONED_INTEGRATION_RETENTION_DAYS", default=7)
SYNC_TASK_TIME_BUDGET_SECONDS = env.int("SYNC_TASK_TIME_BUDGET_SECONDS", default=int(0.8 * Q_CLUSTER["timeout"]))
# Fairness: a worker's task yields a run after this many seconds or committed pages (whichever comes first) and a
# fresh task for it goes to the back of the queue, so a large full sync never holds a worker while small deltas wait.
SYNC_TASK_SLICE_SECONDS = env.float("SYNC_TASK_SLICE_SECONDS", default=30.0)
SYNC_TASK_SLICE_PAGES = env.int("SYNC_TASK_SLICE_PAGES", default=50)
# Runs of one tool active at once across the whole fleet (QUEUED or RUNNING), e.g. {"workable": 8, "sandbox": null}.
# A tool not named here defaults to its connector's `rate_budget.max_concurrency` (no cap without a rate budget):
# a vendor budget shared by all our integrations (Workable's partner token, say) is never exceeded.
SYNC_TOOL_CONCURRENCY = env.json("SYNC_TOOL_CONCURRENCY", default={})

# Connectors and the connection flow.
# Per-tool base URL for new connections, e.g. an emulator: {"smartrecruiters": "http://127.0.0.1:8081"}.
CONNECTOR_BASE_URLS = env.json("CONNECTOR_BASE_URLS", default={})
# Tributary's OAuth app per tool: {"smartrecruiters": {"client_id": "…", "client_secret": "…"}}.
CONNECTOR_OAUTH_CLIENTS = env.json("CONNECTOR_OAUTH_CLIENTS", default={})
# Largest ATS answer read (a page, a downloaded attachment, a passthrough response); larger ones are refused.
CONNECTOR_MAX_RESPONSE_BYTES = env.int("CONNECTOR_MAX_RESPONSE_BYTES", default=64 * 1024 * 1024)
# Seconds an ATS may take to answer before the request counts as timed out (and is retried where that is safe).
CONNECTOR_READ_TIMEOUT_SECONDS = env.float("CONNECTOR_READ_TIMEOUT_SECONDS", default=30.0)
# Lifetimes of connection links (the contract: EMBEDDED 1 hour, MAGIC_LINK 1 year) and of what the flow hands out.
CONNECT_EMBEDDED_LINK_SECONDS = env.int("CONNECT_EMBEDDED_LINK_SECONDS", default=3600)
CONNECT_MAGIC_LINK_SECONDS = env.int("CONNECT_MAGIC_LINK_SECONDS", default=365 * 24 * 3600)
CONNECT_ACTIVATION_TOKEN_SECONDS = env.int("CONNECT_ACTIVATION_TOKEN_SECONDS", default=24 * 3600)
CONNECT_OAUTH_STATE_SECONDS = env.int("CONNECT_OAUTH_STATE_SECONDS", default=600)

# The write path (POST /v1/ats/...).
# Largest file per attachment (base64 `data` or downloaded `data_url`); request bodies may carry a few of them.
WRITE_ATTACHMENT_MAX_BYTES = env.int("WRITE_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=64 * 1024 * 1024)
# `data_url` is only fetched from public addresses; these networks (CIDR) are allowed anyway (tests: loopback).
WRITE_FETCH_ALLOWED_NETWORKS = env.list("WRITE_FETCH_ALLOWED_NETWORKS", default=[])
# Lifetime of the signed `data_url` of attachments read live (GET …/attachments).
WRITE_DOWNLOAD_URL_SECONDS = env.int("WRITE_DOWNLOAD_URL_SECONDS", default=600)
# Idempotency-Key: how long a key is remembered, how long a request waits for an identical one still running,
# and after how long a running one counts as dead (its write is then looked up in the ATS before a retry).
IDEMPOTENCY_KEY_TTL_SECONDS = env.int("IDEMPOTENCY_KEY_TTL_SECONDS", default=24 * 3600)
IDEMPOTENCY_WAIT_SECONDS = env.int("IDEMPOTENCY_WAIT_SECONDS", default=60)
IDEMPOTENCY_STALE_SECONDS = env.int("IDEMPOTENCY_STALE_SECONDS", default=300)

# Outgoing webhooks (apps.integrations.webhook_*). Endpoint URLs must be public unless inside these networks (CIDR).
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
# Inbound ATS webhooks (apps.integrations.inbound_*). Where the ATSs reach us (default PUBLIC_BASE_URL); while an
# integration received an event within INBOUND_WEBHOOK_HEALTHY_HOURS, its scheduled delta (the safety net for lost
# webhooks) runs INBOUND_WEBHOOK_DELTA_FACTOR times less often; a targeted delta whose worker stopped beating for
# INBOUND_TARGETED_STALE_SECONDS is taken over.
INBOUND_WEBHOOK_BASE_URL = env.str("INBOUND_WEBHOOK_BASE_URL", default="").rstrip("/")
INBOUND_WEBHOOK_HEALTHY_HOURS = env.float("INBOUND_WEBHOOK_HEALTHY_HOURS", default=6.0)
INBOUND_WEBHOOK_DELTA_FACTOR = env.float("INBOUND_WEBHOOK_DELTA_FACTOR", default=3.0)
INBOUND_TARGETED_STALE_SECONDS = env.int("INBOUND_TARGETED_STALE_SECONDS", default=120)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Retries: exponential backoff with jitter from the base, each wait at most the max, for the window (24 h).
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=10.0)
WEBHOOK_RETRY_MAX_DELAY_SECONDS = env.float("WEBHOOK_RETRY_MAX_DELAY_SECONDS", default=3600.0)
WEBHOOK_RETRY_WINDOW_SECONDS = env.float("WEBHOOK_RETRY_WINDOW_SECONDS", default=24 * 3600.0)
# An endpoint whose every attempt failed for this long is disabled (staff re-enable it in the admin).
WEBHOOK_DISABLE_AFTER_SECONDS = env.float("WEBHOOK_DISABLE_AFTER_SECONDS", default=24 * 3600.0)
# After a secret rotation the previous secret keeps signing this long.
WEBHOOK_SECRET_OVERLAP_SECONDS = env.float("WEBHOOK_SECRET_OVERLAP_SECONDS", default=24 * 3600.0)
# A worker holds a delivery this long while sending; one that died loses it after that.
WEBHOOK_LEASE_SECONDS = env.float("WEBHOOK_LEASE_SECONDS", default=60.0)
# A delivery whose queued task has not reached a worker after this long is queued again by the sweeper.
WEBHOOK_REQUEUE_SECONDS = env.float("WEBHOOK_REQUEUE_SECONDS", default=300.0)
WEBHOOK_EVENT_RETENTION_DAYS = env.int("WEBHOOK_EVENT_RETENTION_DAYS", default=30)
