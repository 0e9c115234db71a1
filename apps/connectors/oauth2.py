"""OAuth2 plumbing every connector shares: the credential keys it stores, the token request, the stored expiry.

A vendor's client keeps what is its own: the token path, its grant forms, when to renew and its error wording
(`vendor`, e.g. "Factorial").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.connectors.catalog import AuthKind, AuthMode, CredentialField
from apps.connectors.errors import ConnectorAuthError, ConnectorBadResponse, ConnectorInputError
from apps.connectors.http import HttpClient

# The credential keys (`Integration.credentials`) of the API-key and OAuth2 auth modes.
API_KEY = "api_key"
ACCESS_TOKEN = "access_token"
REFRESH_TOKEN = "refresh_token"
EXPIRES_AT = "expires_at"  # epoch seconds as a string; "" when the token never expires / no lifetime was given
CLIENT_ID = "client_id"
CLIENT_SECRET = "client_secret"


def api_key_mode(
    *,
    field_label: str = "API key",
    help_text: str,
    placeholder: str,
    guide: str,
    links: tuple[tuple[str, str], ...] = (),
) -> AuthMode:
    """The API-key auth mode: one secret field stored as `api_key`, with the vendor's field label, where to find the
    key (`help_text`), what its start looks like (`placeholder`), and the Markdown `guide` with its `links`."""
    return AuthMode(
        kind=AuthKind.API_KEY,
        label="API key",
        fields=(CredentialField(name=API_KEY, label=field_label, help_text=help_text, placeholder=placeholder),),
        guide=guide,
        links=links,
    )


REFRESH_MARGIN_SECONDS = 60  # renew this long before the stored expiry: the token must not lapse in flight


def token_expiring(
    credentials: Mapping[str, str], *, now: float, margin: float = REFRESH_MARGIN_SECONDS, unreadable: bool = True
) -> bool:
    """Whether the stored access token expires within `margin` seconds of `now`. No `expires_at`: the token has
    no lifetime (it never expires); one that is not a number counts as `unreadable` (expiring or not)."""
    raw = credentials.get(EXPIRES_AT, "")
    if not raw:
        return False
    try:
        return float(raw) - margin <= now
    except ValueError:
        return unreadable


def token_request(http: HttpClient, token_path: str, form: Mapping[str, str], *, vendor: str) -> dict[str, Any]:
    """POST the form-encoded grant to the token endpoint (RFC 6749 §4.1.3, §6). A refused grant (400
    `invalid_grant`, a used or foreign code / refresh token) is an authentication error: connect again."""
    try:
        response = http.request("POST", token_path, data=dict(form), idempotent=False, authenticate=False)
    except ConnectorInputError as error:
        raise ConnectorAuthError(
            f"{vendor} refused the authorization grant.",
            status_code=error.status_code,
            remote_message=error.remote_message,
        ) from None
    body = response.json()
    if not isinstance(body, dict) or not body.get("access_token"):
        raise ConnectorBadResponse(f"{vendor}'s token endpoint answered without an access_token.")
    return body


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def token_credentials(body: Mapping[str, Any], *, now: float, from_created_at: bool = False) -> dict[str, str]:
    """The credentials to store from a token response: the tokens and when the access token expires. `expires_in`
    counts from now, or (`from_created_at`, Doorkeeper) from the response's `created_at`; without `expires_in` the
    token never expires (`EXPIRES_AT` = "")."""
    credentials = {ACCESS_TOKEN: str(body["access_token"])}
    if body.get("refresh_token"):
        credentials[REFRESH_TOKEN] = str(body["refresh_token"])
    expires_in = _number(body.get("expires_in"))
    if expires_in is None:
        credentials[EXPIRES_AT] = ""
        return credentials
    created = _number(body.get("created_at")) if from_created_at else None
    credentials[EXPIRES_AT] = str(int((now if created is None else created) + expires_in))
    return credentials
