"""OAuthProvider options used by vendors beyond the basics: per-grant lifetimes (tokens that never expire),
`created_at`, vendor authorize parameters carried to the grant, per-client revocation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from apps.connectors.emulation.clock import ManualClock
from apps.connectors.emulation.oauth import InvalidToken, OAuthClient, OAuthProvider

START = datetime(2025, 1, 1, tzinfo=UTC)


def _ttl(extras: Mapping[str, str]) -> int | None:
    return None if extras.get("owner") == "company" else 60


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def provider(clock: ManualClock) -> OAuthProvider:
    return OAuthProvider(
        known_scopes={"read"},
        clients=[OAuthClient("app", "secret", ("http://127.0.0.1/cb",), default_scopes=frozenset({"read"}))],
        clock=clock,
        authorize_params=("owner",),
        access_token_ttl_for=_ttl,
        include_created_at=True,
    )


def test_per_grant_lifetime_and_created_at(provider: OAuthProvider, clock: ManualClock) -> None:
    user = provider.issue_token("app", ["read"], with_refresh_token=True)
    company = provider.issue_token("app", ["read"], extras={"owner": "company"})

    clock.advance(61)

    assert (user["expires_in"], user["created_at"]) == (60, int(START.timestamp()))
    assert "expires_in" not in company
    with pytest.raises(InvalidToken, match="expired"):
        provider.authenticate(user["access_token"])
    assert provider.authenticate(company["access_token"]).extras == {"owner": "company"}
    assert provider.snapshot()["liveAccessTokens"] == 1


def test_expire_spares_non_expiring_tokens_unless_included(provider: OAuthProvider) -> None:
    provider.issue_token("app", ["read"])
    company = provider.issue_token("app", ["read"], extras={"owner": "company"})

    assert provider.expire_access_tokens() == 1
    assert provider.authenticate(company["access_token"]).expires_at is None
    assert provider.expire_access_tokens(include_non_expiring=True) == 1
    with pytest.raises(InvalidToken, match="expired"):
        provider.authenticate(company["access_token"])


def test_revoke_client_tokens_ends_access_and_refresh_tokens(provider: OAuthProvider) -> None:
    token = provider.issue_token("app", ["read"], with_refresh_token=True, extras={"owner": "company"})

    assert provider.revoke_client_tokens("app") == 1
    with pytest.raises(InvalidToken, match="invalid"):
        provider.authenticate(token["access_token"])
    assert provider.snapshot()["liveRefreshTokens"] == 0
