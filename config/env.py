"""Environment access for settings: django-environ plus generated development secrets."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRIBUTARY_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()


def generated_secret(name: str, generate: Callable[[], str]) -> str:
    """Read a development secret from var/, generating it once (mode 600) when absent.

    Production settings never call this: they refuse to start without the secret in the environment.
    """
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        value = generate()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value + "\n")
        return value


def new_django_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_credentials_keyring() -> str:
    """A keyring with a single AES-256 key: `<key id>:<urlsafe base64 key>`."""
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return f"k{secrets.token_hex(3)}:{key}"
