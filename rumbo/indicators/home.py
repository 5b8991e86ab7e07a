"""What evaluation adds to the home page (registered in IndicatorsConfig.ready): the values due
from my country for the last period that ended, the values waiting for the secretariat's
review; and where changes to indicators and values link to."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from rumbo.core.i18n import field_values, pick
from rumbo.plans.extensions import HomeItem, HomeSection, add_home_section, add_record_links

from . import periods
from .access import can_review_values, reporting_country_id
from .models import Indicator, Measurement
from .selectors import due_period, indicators_for, values_queryset

SHOWN = 20
LABEL_CHARS = 140
Status = Measurement.Status


def _name(ind: Indicator) -> str:
    return f"{ind.code} {Truncator(pick(field_values(ind, 'name'))[0]).chars(LABEL_CHARS)}"


def values_due_section(user: Any) -> HomeSection | None:
    """For a country's reporters: each indicator their country reports, for the period just
    ended, that has no value yet, or one still in draft or returned with comments."""
    country_id = reporting_country_id(user)
    if country_id is None:
        return None
    today = timezone.localdate()
    inds = list(
        indicators_for(user)
        .prefetch_related(None)
        .filter(reported_by=Indicator.Reporter.COUNTRIES)
        .order_by("plan__code", "order", "id")
    )
    due = {ind.pk: p for ind in inds if (p := due_period(ind, today)) is not None}
    states = {
        (m["indicator_id"], m["period"]): m["status"]
        for m in values_queryset(user)
        .filter(country_id=country_id, indicator__in=list(due))
        .values("indicator_id", "period", "status")
    }
    country_code = user.organisation.code
    items: list[HomeItem] = []
    for ind in inds:
        period = due.get(ind.pk)
        if period is None:
            continue
        status = states.get((ind.pk, period.code))
        if status in (Status.SUBMITTED, Status.APPROVED):
            continue
        texts: dict[str | None, str] = {
            None: _("%(period)s · not reported yet"),
            Status.DRAFT: _("%(period)s · draft, not submitted"),
            Status.RETURNED: _("%(period)s · returned with comments"),
        }
        detail = texts[status] % {"period": period.label()}
        items.append(
            HomeItem(
                label=_name(ind),
                url=reverse(
                    "value_edit",
                    kwargs={"pk": ind.pk, "period": period.code, "country": country_code},
                ),
                detail=detail,
                when=period.end,
            )
        )
    return HomeSection(
        title=_("Values due from your country"),
        items=items[:SHOWN],
        empty_text=_("Your country has reported every value due."),
        more_url=reverse("indicator_report") if len(items) > SHOWN else "",
    )


def values_waiting_section(user: Any) -> HomeSection | None:
    if not can_review_values(user):
        return None
    waiting = (
        values_queryset(user)
        .filter(status=Status.SUBMITTED)
        .select_related("indicator", "country")
        .order_by("submitted_at", "pk")
    )
    rows = list(waiting[: SHOWN + 1])
    return HomeSection(
        title=_("Values waiting for your review"),
        items=[
            HomeItem(
                label=_name(m.indicator),
                url=reverse("indicator_review"),
                detail=f"{periods.parse(m.period).label()} · "
                f"{m.country.code if m.country else _('region')}",
                when=m.submitted_at,
            )
            for m in rows[:SHOWN]
        ],
        empty_text=_("No value waits for your review."),
        more_url=reverse("indicator_review") if len(rows) > SHOWN else "",
    )


def indicator_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    found = indicators_for(user).prefetch_related(None).filter(pk__in=[int(i) for i in ids])
    return {
        str(ind.pk): (_name(ind), reverse("indicator_detail", kwargs={"pk": ind.pk}))
        for ind in found
    }


def value_links(user: Any, ids: list[str]) -> dict[str, tuple[str, str]]:
    found = (
        values_queryset(user)
        .filter(pk__in=[int(i) for i in ids])
        .select_related("indicator", "country")
    )
    return {
        str(m.pk): (
            f"{_name(m.indicator)} · {periods.parse(m.period).label()}",
            reverse("indicator_detail", kwargs={"pk": m.indicator_id}),
        )
        for m in found
    }


def register() -> None:
    add_home_section("values_due", values_due_section, order=35)
    add_home_section("values_waiting", values_waiting_section, order=25)
    add_record_links("indicators.indicator", indicator_links)
    add_record_links("indicators.measurement", value_links)
