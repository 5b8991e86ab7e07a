"""Who a report is built for, by user name (the command line's --as)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model


def active_user_named(username: str) -> Any | None:
    """The active account with that user name, or None."""
    return get_user_model()._default_manager.filter(username=username, is_active=True).first()
