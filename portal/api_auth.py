"""Who an API request speaks for: a personal API token, else the session, else no one.

Public content needs no credentials; members-only content is reached with the session (a
browser on the site) or ``Authorization: Bearer <key>`` (an intranet integration). A token
is read-only, and a key that is unknown, revoked or whose account is closed gets 401, never
the anonymous answer: an integration must learn that its key stopped working.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from .api_tokens import ApiToken

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``: the request then counts as the token's user, for the
    visibility rule and every member-only field."""

    openapi_description = "A personal API token, made under My account → API tokens."

    def __call__(self, request):
        header = request.headers.get(self.header)
        if not header:
            return None  # the session or an anonymous visitor: see ``visitor``
        scheme, _space, key = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise AuthenticationError  # a header we cannot read is no credential to ignore
        return self.authenticate(request, key.strip())

    def authenticate(self, request, token: str):
        api_token = ApiToken.objects.authenticate(token)
        if api_token is None:
            raise AuthenticationError
        if request.method not in READ_METHODS:
            raise HttpError(403, str(_("API tokens are read-only.")))
        request.user = api_token.user
        return api_token


# Django Ninja names a security scheme after its class.
SCHEME_NAME = ApiTokenAuth.__name__


def visitor(request):
    """No token: the session's user, or an anonymous visitor (who sees public content)."""
    return request.user


def optional_auth_in_schema(schema: dict) -> dict:
    """Say in the OpenAPI schema what the API does: every operation answers without
    credentials too (``{}`` among its security requirements), and a bad key gets 401."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            security = operation.get("security")
            if not security or not any(SCHEME_NAME in item for item in security):
                continue
            if {} not in security:
                security.append({})
            operation["responses"].setdefault(
                401,
                {
                    "description": "Unauthorized: the API token is unknown or revoked",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                    },
                },
            )
    return schema
