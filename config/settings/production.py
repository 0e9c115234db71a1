"""Production hardening. Refuses to start without the secrets in the environment."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from config.env import env

for _name in ("SECRET_KEY", "CREDENTIALS_KEYS", "DATABASE_URL", "ALLOWED_HOSTS"):
    if not env.str(_name, default=""):
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production.")

from config.settings.base import *  # noqa: E402,F403

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True

STORAGES = {
    **STORAGES,  # noqa: F405
    # Hashed file names (served with far-future cache headers): needs `collectstatic` at every deploy.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
