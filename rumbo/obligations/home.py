"""What the calendar of obligations adds to the home page (registered in the app's ready()):
"What I owe": the person's own occurrences late or due soon, with the freshness of their
country and working groups. A fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core.i18n import field_values, pick
from rumbo.organisations.models import Organisation
from rumbo.plans.extensions import HomeItem, HomeSection, add_home_section

from .occurrences import DONE, LATE
from .selectors import country_freshness, freshness_of, occurrences_for, owned_keys

SOON_DAYS = 30
SHOWN = 12


def _title(obj: Any) -> str:
    return pick(field_values(obj, "title"))[0]


def _percent(value: int | None) -> str:
    return _("nothing due yet") if value is None else f"{value} %"


def what_i_owe_section(user: Any) -> HomeSection | None:
    keys = owned_keys(user)
    if not keys:
        return None
    today = timezone.localdate()
    found = occurrences_for(user, today=today, horizon_days=SOON_DAYS)
    since = today - dt.timedelta(days=365)
    mine = [o for o in found if o.debtor.key in keys and o.status != DONE and o.due >= since]
    items: list[HomeItem] = []
    org = getattr(user, "organisation", None)
    if org is not None and org.kind == Organisation.Kind.MEMBER_STATE:
        fresh = country_freshness(user, found, org, today)
        items.append(
            HomeItem(
                label=_("Freshness of %(name)s: %(figure)s")
                % {"name": pick(field_values(org, "name"))[0], "figure": _percent(fresh.percent)},
                url=reverse("obligation_calendar"),
                detail=_("%(done)s of %(due)s up to date")
                % {"done": fresh.up_to_date, "due": fresh.parts},
            )
        )
    bodies = {o.debtor.body.pk: o.debtor.body for o in found if o.debtor.body is not None}
    for kind, pk in sorted(keys):
        if kind != "body" or pk not in bodies:
            continue
        body = bodies[pk]
        fresh = freshness_of(found, {("body", pk)}, today)
        items.append(
            HomeItem(
                label=_("Freshness of %(name)s: %(figure)s")
                % {"name": pick(field_values(body, "name"))[0], "figure": _percent(fresh.percent)},
                url=reverse("body_obligations", kwargs={"code": body.code}),
                detail=_("%(done)s of %(due)s up to date")
                % {"done": fresh.up_to_date, "due": fresh.parts},
            )
        )
    for o in sorted(mine, key=lambda o: (o.status != LATE, o.due))[:SHOWN]:
        items.append(
            HomeItem(
                label=_title(o.obligation),
                url=reverse("obligation_detail", kwargs={"pk": o.obligation.pk}),
                detail=f"{o.period.label()} · {o.debtor.label} · "
                + (_("Late") if o.status == LATE else _("Due")),
                when=o.due,
            )
        )
    return HomeSection(
        title=_("What I owe"),
        items=items,
        empty_text=_("Nothing you owe is late or due in the next 30 days."),
        more_url=reverse("obligation_calendar") if len(mine) > SHOWN else "",
    )


def register() -> None:
    add_home_section("what I owe", what_i_owe_section, order=40)
