"""HTTP Basic on the API, with the lock-out of :mod:`rumbo.core.lockout`.

Django REST framework's BasicAuthentication calls ``authenticate(request=request, ...)``, so
django-axes counts its failures and refuses a locked-out attempt before any password is
hashed. DRF would then answer as for any wrong password ("Invalid username/password.", an
invitation to try again); this class answers 429 Too Many Requests with a JSON body and
Retry-After instead, and the OpenAPI schema documents that answer on every operation that
accepts HTTP Basic.

Nothing here imports django-axes at module level: DRF imports authentication classes while
the URLconf loads, and axes' models need the app registry.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.utils.translation import ngettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication
from rest_framework.request import Request

LOCKED_OUT_STATUS = 429


class LockedOut(exceptions.APIException):
    status_code = LOCKED_OUT_STATUS
    default_code = "locked_out"

    def __init__(self, minutes: int) -> None:
        detail = ngettext(
            "Too many failed authentication attempts from this address: authentication is "
            "blocked for %(minutes)d minute, and each new attempt starts the wait again.",
            "Too many failed authentication attempts from this address: authentication is "
            "blocked for %(minutes)d minutes, and each new attempt starts the wait again.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(detail)
        self.wait = minutes * 60  # DRF's exception handler sends it as Retry-After


class LockoutBasicAuthentication(BasicAuthentication):
    """HTTP Basic authentication that answers 429 to a locked-out caller."""

    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            # django-axes marks the request it was given (DRF's Request) when it refused the
            # attempt, or when this failure reached the limit.
            if request is not None and getattr(request, "axes_locked_out", False):
                from .lockout import lockout_minutes

                raise LockedOut(lockout_minutes(request)) from None
            raise


class LockoutBasicScheme(OpenApiAuthenticationExtension):
    target_class = LockoutBasicAuthentication
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": (
                f"After {settings.AXES_FAILURE_LIMIT} failed attempts for one user name from "
                f"one address, or {settings.RUMBO_ADDRESS_FAILURE_LIMIT} from one address, "
                "authentication from there is refused with status 429 until no attempt has "
                f"been made for {settings.AXES_COOLOFF_TIME.total_seconds() / 60:g} minutes."
            ),
        }


_LOCKED_OUT_RESPONSE: dict[str, Any] = {
    "description": "Too many failed HTTP Basic attempts: authentication is locked out for a "
    "while. Nothing was checked; wait the number of seconds in Retry-After.",
    "headers": {
        "Retry-After": {
            "schema": {"type": "integer"},
            "description": "Seconds until the lock-out ends, if no new attempt is made.",
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LockedOut"}}},
}


def document_lockout(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the 429 answer on every operation with Basic."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["LockedOut"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and {"basicAuth": []} in operation.get("security", []):
                responses = operation.setdefault("responses", {})
                responses[str(LOCKED_OUT_STATUS)] = copy.deepcopy(_LOCKED_OUT_RESPONSE)
    return result
