"""What follow-up adds to pages of other apps (registered in TrackingConfig.ready)."""

from __future__ import annotations

from typing import Any

from rumbo.plans.models import Activity

from .access import can_report_on
from .selectors import follow_up_for


def activity_follow_up(user: Any, activity: Activity) -> dict[str, Any]:
    """The activity page's concept note, progress and status history, as `user` may see them."""
    return {
        "can_report": can_report_on(user, activity),
        "follow_up": follow_up_for(user, activity),
    }
