from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .visibility import Visibility, clearance_of


def viewer(request: HttpRequest) -> dict[str, Any]:
    level = clearance_of(getattr(request, "user", None))
    return {"viewer_clearance": level, "viewer_clearance_label": Visibility(level).label}
