from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation


def client_for(user: Any) -> Client:
    """A browser session for one member of the test cast (anonymous stays logged out)."""
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user)
    return client


def url(name: str, lang: str = "es", **kwargs: Any) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)
