"""Encryption of secrets at rest: AES-256-GCM with a fresh nonce per value and a key id for rotation.

A token looks like `<key id>.<base64 nonce>.<base64 ciphertext+tag>`. The associated data binds a token to
where it is stored (e.g. integration id + field name), so a ciphertext copied to another row does not decrypt.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


class DecryptionError(Exception):
    pass


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keyring:
    """Ordered AES keys; the first encrypts, any of them decrypts."""

    keys: dict[str, bytes]
    current_key_id: str

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        keys: dict[str, bytes] = {}
        first = ""
        for entry in filter(None, (part.strip() for part in spec.split(","))):
            key_id, _, encoded = entry.partition(":")
            if not key_id or "." in key_id or not encoded:
                raise ImproperlyConfigured("CREDENTIALS_KEYS entries must look like `<key id>:<base64 key>`.")
            key = _b64d(encoded)
            if len(key) != 32:
                raise ImproperlyConfigured(f"CREDENTIALS_KEYS key {key_id!r} must be 32 bytes (AES-256).")
            keys[key_id] = key
            first = first or key_id
        if not keys:
            raise ImproperlyConfigured("CREDENTIALS_KEYS holds no key.")
        return cls(keys=keys, current_key_id=first)

    def encrypt(self, plaintext: str, *, associated_data: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current_key_id]).encrypt(nonce, plaintext.encode(), associated_data.encode())
        return f"{self.current_key_id}.{_b64e(nonce)}.{_b64e(sealed)}"

    def decrypt(self, token: str, *, associated_data: str) -> str:
        try:
            key_id, nonce, sealed = token.split(".")
            key = self.keys[key_id]
            return AESGCM(key).decrypt(_b64d(nonce), _b64d(sealed), associated_data.encode()).decode()
        except KeyError as exc:
            raise DecryptionError(f"unknown key id in token: {exc}") from None
        except (ValueError, InvalidTag) as exc:
            raise DecryptionError("token does not decrypt") from exc

    @staticmethod
    def key_id_of(token: str) -> str:
        return token.split(".", 1)[0]


@lru_cache(maxsize=4)
def _keyring_for(spec: str) -> Keyring:
    return Keyring.parse(spec)


def keyring() -> Keyring:
    return _keyring_for(settings.CREDENTIALS_KEYS)
