"""Who marks an occurrence done: the one who owes it. The secretariat for its own
obligations and on anyone's behalf; the presidency's officials for the year their country
holds it; for a body, those who record its meetings (`meetings.access.can_manage_meetings`:
its working-group members, the presidency, which leads the groups, officials of its member
countries); an organisation's people for their organisation.

`Fulfiller(user)` reads what it needs once (two queries), so that a calendar of hundreds of
occurrences asks nothing more per row."""

from __future__ import annotations

from typing import Any

from rumbo.core.visibility import clearance_of
from rumbo.meetings.access import GROUP_KINDS, can_record_meetings
from rumbo.organisations.models import Body, User

from .occurrences import Occurrence


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class Fulfiller:
    def __init__(self, user: Any) -> None:
        self.user = user
        self.signed_in = _signed_in(user)
        self.secretariat = self.signed_in and bool(user.is_secretariat)
        self.records_meetings = self.signed_in and can_record_meetings(user)
        self.org: int | None = user.organisation_id if self.signed_in else None
        self.role = user.role if self.signed_in else ""
        self.clearance = clearance_of(user)
        self.groups: set[int] = set()
        self.member_of: set[int] = set()
        if self.records_meetings and not self.secretariat:
            self.groups = set(user.working_groups.values_list("pk", flat=True))
            if self.org is not None:
                self.member_of = set(
                    Body.objects.filter(members=self.org).values_list("pk", flat=True)
                )

    def may(self, occ: Occurrence) -> bool:
        if not self.signed_in:
            return False
        if self.secretariat:
            return True
        kind, key = occ.debtor.key
        if kind == "country":
            return self.role == User.Role.PPT and self.org == key
        if kind == "organisation":
            return bool(self.role) and self.org == key
        body = occ.debtor.body
        if kind != "body" or body is None or not self.records_meetings:
            return False
        return self._manages(body)

    def _manages(self, body: Body) -> bool:
        """As `meetings.access.can_manage_meetings`, from what was read once."""
        if body.visibility > self.clearance:
            return False
        if body.kind in GROUP_KINDS and body.pk in self.groups:
            return True
        if self.role == User.Role.PPT:
            if body.kind in GROUP_KINDS:
                return True
            if body.kind == Body.Kind.PPT and body.country_id == self.org:
                return True
        return body.pk in self.member_of


def can_fulfil(user: Any, occ: Occurrence) -> bool:
    """Whether `user` may mark `occ` done (or correct how it was marked)."""
    return Fulfiller(user).may(occ)
