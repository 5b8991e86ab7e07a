"""What other apps add to the plan pages, so that plans never import them.

Follow-up (rumbo.tracking) shows an activity's concept note and progress on the activity page:
it registers a provider here when the app is ready, and the page merges what each provider
gives into its template context. Plans thus stay usable, and testable, without follow-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Activity

ActivityContext = Callable[[Any, Activity], dict[str, Any]]

_activity_context: dict[str, ActivityContext] = {}


def add_activity_context(name: str, provider: ActivityContext) -> None:
    """Register `provider(user, activity)`; registering a name again replaces it."""
    _activity_context[name] = provider


def activity_context(user: Any, activity: Activity) -> dict[str, Any]:
    """Everything the registered providers add to the page of `activity` for `user`."""
    out: dict[str, Any] = {}
    for provider in _activity_context.values():
        out.update(provider(user, activity))
    return out
