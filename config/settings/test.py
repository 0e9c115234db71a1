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
SECRET_KEY = secrets.token_urlsafe(50)
CREDENTIALS_KEYS = new_credentials_keyring()
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0
SANDBOX_DIR = tempfile.mkdtemp(prefix="tributary-sandbox-")
Q_CLUSTER = {**Q_CLUSTER, "workers": 1, "poll": 0.1}
