"""Bearer API keys for the /v1 API."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.integrations.models import ApiKey
from apps.integrations.selectors import api_key_for_token
from apps.integrations.services import api_key_touch

MISSING_KEY_MESSAGE = "Missing API key: send the header `Authorization: Bearer <API key>`."
INVALID_KEY_MESSAGE = "The API key is invalid or has been revoked."


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[None, ApiKey]:
        header = request.META.get("HTTP_AUTHORIZATION", "").strip()
        if not header:
            raise exceptions.NotAuthenticated(MISSING_KEY_MESSAGE)
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise exceptions.AuthenticationFailed(MISSING_KEY_MESSAGE)
        api_key = api_key_for_token(token.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed(INVALID_KEY_MESSAGE)
        api_key_touch(api_key=api_key)
        return None, api_key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class HasApiKey(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiKey)
