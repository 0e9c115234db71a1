"""Test settings: PostgreSQL from DATABASE_URL (the test command starts a throwaway cluster)."""

from __future__ import annotations

import secrets
import tempfile

from config.env import env, new_credentials_keyring
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, Q_CLUSTER

if not env.str("DATABASE_URL", default=""):
    raise RuntimeError("Tests run on PostgreSQL: use the README's test command, which starts a throwaway cluster.")

DEBUG = False
# Random per run; worker processes a test starts get the same values through the environment.
SECRET_KEY = env.str("SECRET_KEY", default="") or secrets.token_urlsafe(50)
CREDENTIALS_KEYS = env.str("CREDENTIALS_KEYS", default="") or new_credentials_keyring()
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Worker processes a test starts inherit the directory through the environment.
SANDBOX_DIR = env.str("SANDBOX_DIR", default="") or tempfile.mkdtemp(prefix="tributary-sandbox-")
Q_CLUSTER = {**Q_CLUSTER, "workers": 1, "poll": 0.1}
# Kept demo credentials go to a directory of this run, never to the developer's var/.
DEMO_CREDENTIALS_FILE = env.str("DEMO_CREDENTIALS_FILE", default="") or (
    f"{tempfile.mkdtemp(prefix='tributary-demo-')}/demo-credentials.json"
)
STATIC_ROOT = env.str("STATIC_ROOT", default="") or tempfile.mkdtemp(prefix="tributary-static-")
