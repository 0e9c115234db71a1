"""Bearer API keys for the /v1 API.

The key is looked up in the database on every request (no cache: a revoked key fails on the very next request, in
every process). The same statement also loads the integration named by `X-Integration-Id` if it belongs to the
key's environment, so that the ATS lists need no second round trip for it (`prefetched_integration`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.core.db import reused_cursor
from apps.integrations.models import ApiKey, Environment, Integration
from apps.integrations.selectors import api_key_for_token, api_key_hash
from apps.integrations.services import api_key_touch

MISSING_KEY_MESSAGE = "Missing API key: send the header `Authorization: Bearer <API key>`."
INVALID_KEY_MESSAGE = "The API key is invalid or has been revoked."
INTEGRATION_HEADER = "HTTP_X_INTEGRATION_ID"
PREFETCHED = "_tributary_integration"  # attribute of the ApiKey: (integration id asked for, Integration or None)


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[None, ApiKey]:
        header = request.META.get("HTTP_AUTHORIZATION", "").strip()
        if not header:
            raise exceptions.NotAuthenticated(MISSING_KEY_MESSAGE)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise exceptions.AuthenticationFailed(MISSING_KEY_MESSAGE)
        integration_id = request.META.get(INTEGRATION_HEADER, "").strip()
        api_key = _api_key_with_integration(token.strip(), integration_id)
        if api_key is None:
            raise exceptions.AuthenticationFailed(INVALID_KEY_MESSAGE)
        api_key_touch(api_key=api_key)
        return None, api_key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class HasApiKey(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiKey)


def prefetched_integration(request: Request) -> Integration | None:
    """The integration of `X-Integration-Id` loaded with the API key, or None (not found, or not loaded: the caller
    then asks `integration_for_request`, which also words the error)."""
    loaded = getattr(request.auth, PREFETCHED, None)
    if loaded is None or loaded[0] != request.META.get(INTEGRATION_HEADER, "").strip():
        return None
    return loaded[1]  # type: ignore[no-any-return]


# -- one statement: the key, its environment and the named integration ------------------------------------------

Converter = Callable[[Any, Any, Any], Any]
_MODELS: tuple[type[Model], ...] = (ApiKey, Environment, Integration)


@cache
def _statement(vendor: str) -> tuple[str, tuple[tuple[int, tuple[Converter, ...], Any], ...]]:
    """The SQL (parameters: integration id, key hash) and, per column position, Django's converters for it."""
    quote = connection.ops.quote_name
    selected, converters = [], []
    for alias, model in zip(("k", "e", "i"), _MODELS, strict=True):
        for field in model._meta.concrete_fields:
            column = field.get_col(alias)
            found = (*connection.ops.get_db_converters(column), *field.get_db_converters(connection))
            if found:
                converters.append((len(selected), tuple(found), column))
            selected.append(f"{alias}.{quote(field.column)}")
    key_fk = quote(ApiKey._meta.get_field("environment").column)
    integration_fk = quote(Integration._meta.get_field("environment").column)
    sql = (
        f"SELECT {', '.join(selected)} FROM {quote(ApiKey._meta.db_table)} k "
        f"INNER JOIN {quote(Environment._meta.db_table)} e ON e.{quote(Environment._meta.pk.column)} = k.{key_fk} "
        f"LEFT OUTER JOIN {quote(Integration._meta.db_table)} i "
        f"ON i.{integration_fk} = k.{key_fk} AND i.{quote(Integration._meta.pk.column)} = %s "
        f"WHERE k.{quote('key_hash')} = %s AND k.{quote('revoked_at')} IS NULL"
    )
    return sql, tuple(converters)


def _api_key_with_integration(token: str, integration_id: str) -> ApiKey | None:
    """The active key for `token` (its environment loaded), with the environment's integration `integration_id`
    (or None) stored under `PREFETCHED`. Elsewhere than on PostgreSQL: the plain lookup, nothing prefetched."""
    if connection.vendor != "postgresql":
        return api_key_for_token(token)
    sql, converters = _statement(connection.vendor)
    cursor = reused_cursor()
    cursor.execute(sql, (integration_id, api_key_hash(token)))
    row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, functions, column in converters:
        for function in functions:
            values[position] = function(values[position], column, connection)
    instances = []
    start = 0
    for model in _MODELS:
        fields = model._meta.concrete_fields
        names = [field.attname for field in fields]
        instances.append(model.from_db(connection.alias, names, values[start : start + len(fields)]))
        start += len(fields)
    api_key, environment, integration = instances
    api_key._state.fields_cache["environment"] = environment
    if integration.pk is None:  # no such integration in this environment: the LEFT JOIN's nulls
        setattr(api_key, PREFETCHED, (integration_id, None))
    else:
        integration._state.fields_cache["environment"] = environment
        setattr(api_key, PREFETCHED, (integration_id, integration))
    return api_key  # type: ignore[return-value]
