from __future__ import annotations

from typing import Any

from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient


def api_for(user: Any) -> APIClient:
    """An API client acting as one member of the test cast (anonymous stays anonymous)."""
    client = APIClient()
    if getattr(user, "is_authenticated", False):
        client.force_authenticate(user)
    return client


def conforms(schema: dict[str, Any], component: str, payload: object) -> None:
    """Raise unless `payload` matches the named component of the OpenAPI schema."""
    OAS30Validator(
        {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    ).validate(payload)
