"""What other apps add to plans, so that plans never import them.

Follow-up (rumbo.tracking) registers here when the app is ready:
- what the activity page shows of an activity's concept note and progress (each provider's
  context is merged into the page's);
- when an activity may start: with an approved concept note (2023–2026 Strategic Plan,
  "Responsabilidades"). Without any such rule registered, only the secretariat, saying why,
  may start an activity.
Plans thus stay usable, and testable, without follow-up.
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


StartPermit = Callable[[Activity], bool]

_start_permits: dict[str, StartPermit] = {}


def add_start_permit(name: str, permit: StartPermit) -> None:
    """Register `permit(activity)`: True when the activity may start (be in progress or
    finished) without the secretariat's reason; registering a name again replaces it."""
    _start_permits[name] = permit


def may_start(activity: Activity) -> bool:
    return any(permit(activity) for permit in _start_permits.values())
