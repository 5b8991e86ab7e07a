"""The visibility rule, in one place.

Every record has a visibility level; a viewer has a clearance. A record is shown only when
its (effective) level is at or below the viewer's clearance:
public < network (civil society) < observers < members (member countries and secretariat).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _

_M = TypeVar("_M", bound=models.Model)


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


class RedactingIterable(ModelIterable):
    """Hands out records as one viewer may see them: a record that carries content copied
    from a more restricted record (an approved concept note's indicators in a public
    activity, say) blanks that content for viewers below its level (`redact_for`)."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        clearance = self.queryset._viewer_clearance
        for obj in super().__iter__():
            obj.redact_for(clearance)
            yield obj


class VisibleQuerySet(models.QuerySet[_M]):
    """A queryset whose records carry a visibility level.

    `visibility_field` names the column holding the record's effective level; subclasses of
    records that inherit their parent's level (elements, activities) store the effective level
    in their own column so that every list, count and search filters on one indexed field.
    `visible_to` also remembers the viewer's clearance, so that records holding restricted
    parts are redacted as they are read, whatever the caller does next with the queryset.
    """

    visibility_field = "visibility"
    _viewer_clearance: int | None = None

    def visible_to(self, user: Any) -> Self:
        return self.for_clearance(clearance_of(user))

    def for_clearance(self, clearance: int) -> Self:
        qs = self.filter(**{f"{self.visibility_field}__lte": clearance})
        qs._viewer_clearance = clearance
        if hasattr(self.model, "redact_for"):
            qs._iterable_class = RedactingIterable
        return qs

    def _clone(self):  # type: ignore[no-untyped-def]
        clone = super()._clone()
        clone._viewer_clearance = self._viewer_clearance
        return clone


class EffectiveVisibleQuerySet(VisibleQuerySet[_M]):
    visibility_field = "effective_visibility"


if TYPE_CHECKING:
    # The managers `as_manager()` builds, named for annotations: the models' default managers
    # are rebuilt at run time by modeltranslation, so their type is declared on each model.
    VisibleManager = models.Manager.from_queryset(VisibleQuerySet)
    EffectiveVisibleManager = models.Manager.from_queryset(EffectiveVisibleQuerySet)
