"""The calendar of obligations in the reminders: each person's digest lists what they owe
that is late or due within a month, and the calendar feeds carry the due dates (a body's
feed, what the body owes; a person's feed, what they owe). Read through the obligations'
readers, once per group of people who see the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rumbo.core.i18n import field_values, pick
from rumbo.core.visibility import clearance_of
from rumbo.obligations.occurrences import DONE, DUE, LATE, Occurrence
from rumbo.obligations.selectors import occurrences_for, owned_keys

from .calendar import CalendarEntry
from .digest import DigestItem, by_viewer, language_of

SOON_DAYS = 30  # as the home page's "What I owe"
SHOWN = 10
YEAR = dt.timedelta(days=365)
STATUS = {DONE: gettext_lazy("Done"), DUE: gettext_lazy("Due"), LATE: gettext_lazy("Late")}


def _title(o: Occurrence) -> str:
    return pick(field_values(o.obligation, "title"))[0]


def _clearance_key(user: Any) -> tuple[int, str]:
    return (clearance_of(user), language_of(user))


def _keys(user: Any) -> set[Any]:
    """What `user` answers for (as `owned_keys`), from their working groups as prefetched."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    keys: set[Any] = {("secretariat", 0)} if user.is_secretariat else set()
    if user.organisation_id is not None:
        keys |= {("country", user.organisation_id), ("organisation", user.organisation_id)}
    return keys | {("body", group.pk) for group in user.working_groups.all()}


def _pending(found: list[Occurrence], keys: set[Any], today: dt.date) -> list[Occurrence]:
    """Of `found`, what `keys` answer for that is not done: late (within the last year) or
    due by the horizon; late first, then by due date."""
    mine = [o for o in found if o.debtor.key in keys and not o.done and o.due >= today - YEAR]
    return sorted(mine, key=lambda o: (o.status != LATE, o.due))


def _owed(user: Any, today: dt.date, horizon_days: int) -> list[Occurrence]:
    keys = owned_keys(user)
    if not keys:
        return []
    return _pending(occurrences_for(user, today=today, horizon_days=horizon_days), keys, today)


def _items(owed: list[Occurrence]) -> list[DigestItem]:
    section = _("What I owe")
    items = [
        DigestItem(
            section,
            _title(o),
            reverse("obligation_detail", kwargs={"pk": o.obligation.pk}),
            f"{o.period.label()} · {o.debtor.label} · {STATUS[o.status]}",
            o.due,
        )
        for o in owed[:SHOWN]
    ]
    if len(owed) > SHOWN:
        items.append(
            DigestItem(section, _("And more: see the full list"), reverse("obligation_calendar"))
        )
    return items


def obligations_owed(users: Sequence[Any], today: dt.date) -> dict[int, list[DigestItem]]:
    """The occurrences are read once per clearance and language (obligations, their
    fulfilments and the records their rules count are visible by clearance alone), then each
    person gets what they answer for."""
    out: dict[int, list[DigestItem]] = {}
    for group, members in by_viewer(users, _clearance_key).items():
        answering = [(user, _keys(user)) for user in members]
        if not any(keys for _user, keys in answering):
            continue
        with translation.override(group[-1]):
            found = occurrences_for(members[0], today=today, horizon_days=SOON_DAYS)
            for user, keys in answering:
                owed = _pending(found, keys, today)
                if owed:
                    out[user.pk] = _items(owed)
    return out


def obligation_entries(user: Any, body: Any = None) -> Iterable[CalendarEntry]:
    """Due dates as all-day events: of what `body` owes (its feed), or of what `user` owes
    (their own feed), from a year back to the months ahead the calendar shows."""
    today = timezone.localdate()
    if body is None:
        found = _owed(user, today, 92)
    else:
        found = [
            o
            for o in occurrences_for(user, today=today)
            if o.debtor.body is not None and o.debtor.body.pk == body.pk and o.due >= today - YEAR
        ]
    for o in found:
        key = "-".join(str(part) for part in o.debtor.key)
        yield CalendarEntry(
            uid=f"obligation-{o.obligation.pk}-{o.period.code}-{key}@rumbo",
            title=_("Due: %(title)s (%(who)s)") % {"title": _title(o), "who": o.debtor.label},
            start=o.due,
            url=reverse("obligation_detail", kwargs={"pk": o.obligation.pk}),
            description=f"{o.period.label()} · {STATUS[o.status]}",
        )
