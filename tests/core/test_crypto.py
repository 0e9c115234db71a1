from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.core.crypto import DecryptionError, Keyring


def _key(byte: int) -> str:
    return base64.urlsafe_b64encode(bytes([byte]) * 32).decode()


def test_round_trip_with_fresh_nonce_per_value() -> None:
    ring = Keyring.parse(f"k1:{_key(1)}")

    first = ring.encrypt("s3cret", associated_data="integration:x:api_key")
    second = ring.encrypt("s3cret", associated_data="integration:x:api_key")

    assert first != second  # a fresh nonce each time
    assert first.split(".")[1] != second.split(".")[1]
    assert ring.decrypt(first, associated_data="integration:x:api_key") == "s3cret"
    assert "s3cret" not in first


def test_token_is_bound_to_its_associated_data() -> None:
    ring = Keyring.parse(f"k1:{_key(1)}")
    token = ring.encrypt("s3cret", associated_data="integration:a:api_key")

    with pytest.raises(DecryptionError):
        ring.decrypt(token, associated_data="integration:b:api_key")


def test_rotation_encrypts_with_first_key_and_decrypts_with_any() -> None:
    old = Keyring.parse(f"k1:{_key(1)}")
    token = old.encrypt("s3cret", associated_data="a")
    rotated = Keyring.parse(f"k2:{_key(2)},k1:{_key(1)}")

    assert rotated.decrypt(token, associated_data="a") == "s3cret"
    assert Keyring.key_id_of(rotated.encrypt("s3cret", associated_data="a")) == "k2"


def test_unknown_key_id_fails_clearly() -> None:
    token = Keyring.parse(f"k1:{_key(1)}").encrypt("s3cret", associated_data="a")

    with pytest.raises(DecryptionError, match="unknown key id"):
        Keyring.parse(f"k2:{_key(2)}").decrypt(token, associated_data="a")


@pytest.mark.parametrize("spec", ["", "nokey", f"k1:{base64.urlsafe_b64encode(b'short').decode()}"])
def test_bad_keyring_is_refused(spec: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        Keyring.parse(spec)
