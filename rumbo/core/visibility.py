"""The visibility rule, in one place.

Every record has a visibility level; a viewer has a clearance. A record is shown only when
its (effective) level is at or below the viewer's clearance:
public < network (civil society) < observers < members (member countries and secretariat).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.IntegerChoices):
    PUBLIC = 0, _("Public")
    NETWORK = 1, _("Civil-society network")
    OBSERVERS = 2, _("Observers")
    MEMBERS = 3, _("Member countries only")


def clearance_of(user: Any) -> int:
    """The highest visibility level a viewer may see (public for anonymous visitors)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Visibility.PUBLIC
    return int(getattr(user, "clearance", Visibility.PUBLIC))


class VisibleQuerySet(models.QuerySet):
    """A queryset whose records carry a visibility level.

    `visibility_field` names the column holding the record's effective level; subclasses of
    records that inherit their parent's level (elements, activities) store the effective level
    in their own column so that every list, count and search filters on one indexed field.
    """

    visibility_field = "visibility"

    def visible_to(self, user: Any) -> VisibleQuerySet:
        return self.filter(**{f"{self.visibility_field}__lte": clearance_of(user)})


class EffectiveVisibleQuerySet(VisibleQuerySet):
    visibility_field = "effective_visibility"
