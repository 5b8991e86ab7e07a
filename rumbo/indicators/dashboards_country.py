"""A member country's page (its commitments, what it reported and when, what is missing) and
the map of the member countries coloured by one indicator's figure.

Read like the plan dashboards (dashboards.py): through the readers of each kind, the viewer
seeing only what they may see, with a fixed number of queries whatever the amount of data.
What a country has not reported is worked out from counts grouped in the database; only the
gaps listed on the page are read period by period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core import charts
from rumbo.core.tables import Table
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity, Plan
from rumbo.plans.models.activity import is_overdue
from rumbo.plans.selectors import activities_queryset, parties_for, plans_for

from . import periods
from .aggregation import Figure, achieved, by_country
from .dashboards import (
    LISTED,
    ROWS_PER_PAGE,
    ActivityFigures,
    Chart,
    Unit,
    activity_figures,
    member_countries,
    plan_name,
    status_chart,
    target_or_not_set,
    text,
    tidy,
    unit_label,
)
from .models import Indicator, Measurement
from .selectors import indicators_for, values_queryset

# Country page -----------------------------------------------------------------------------


def get_country_for(user: Any, code: str) -> Organisation:
    """A member country the viewer may see (anything else is missing)."""
    found = organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE, code=code.upper())
    country = found.first()
    if country is None:
        raise Http404
    return country


def commitments_of(user: Any, country: Organisation) -> QuerySet[Activity]:
    """The activities the country is a responsible party of (as the viewer may see them)."""
    parties = parties_for(user).filter(organisation=country)
    return (
        activities_queryset(user)
        .filter(Exists(parties.filter(activity=OuterRef("pk"))))
        .select_related("plan")  # an activity is never more visible than its plan
        .prefetch_related(Prefetch("parties", queryset=parties, to_attr="country_roles"))
        .order_by("plan__code", "code", "pk")
    )


def commitments_table(activities: Iterable[Activity], caption: str) -> Table:
    today = timezone.localdate()
    columns = [_("Plan"), _("Code"), _("Activity"), _("Role"), _("Status"), _("End")]
    columns.append(_("Overdue"))
    rows = [
        [
            plan_name(act.plan),
            act.code,
            text(act, "title"),
            # (`country_roles`: the prefetch above, to_attr)
            ", ".join(str(p.get_role_display()) for p in act.country_roles),  # type: ignore[attr-defined]
            str(act.get_status_display()),
            act.end_label,
            _("Yes") if is_overdue(act, today) else "",
        ]
        for act in activities
    ]
    return Table(caption, columns, rows)


def shown_value(m: Measurement) -> Any:
    """A value as a table holds it: a number, yes/no, or the qualitative text."""
    ind = m.indicator
    if ind.unit == Unit.TEXT:
        return m.text
    if ind.unit == Unit.PERCENT:
        if m.numerator is not None and m.denominator:
            return tidy(m.numerator / m.denominator * 100)
        return tidy(m.value)
    if ind.unit == Unit.YES_NO and m.value is not None:
        return _("Yes") if m.value else _("No")
    return tidy(m.value)


def country_values(
    user: Any, country: Organisation, *, indicator_ids: list[int] | None = None
) -> QuerySet[Measurement]:
    """What the country reported that the viewer may see (its own officials see their drafts
    and submissions; everyone else approved values only), latest work first; with
    `indicator_ids`, of those indicators only."""
    return (
        values_queryset(user, indicator_ids=indicator_ids)
        .filter(country=country)
        .select_related("indicator__plan")  # a value is never more visible than its indicator
        .order_by(F("submitted_at").desc(nulls_first=True), "-period", "indicator__code", "pk")
    )


def values_page(user: Any, country: Organisation, number: Any) -> Page:
    """One page of `country_values`: the page's values found in the index first (a country
    may have tens of thousands), then only those read as records, in the same order."""
    ordered: Any = country_values(user, country).values_list("pk", "indicator_id")
    page = Paginator(ordered, ROWS_PER_PAGE).get_page(number)
    found: list[tuple[int, int]] = list(page.object_list)
    records = country_values(user, country, indicator_ids=[i for _pk, i in found])
    page.object_list = list(records.filter(pk__in=[pk for pk, _i in found]))
    return page


def values_table(values: Iterable[Measurement], caption: str) -> Table:
    columns = [_("Period"), _("Plan"), _("Indicator"), _("Value"), _("Unit"), _("Status")]
    columns += [_("Submitted"), _("Reviewed")]
    rows = []
    for m in values:
        ind = m.indicator
        period = periods.parse(m.period, plan_years=(ind.plan.period_start, ind.plan.period_end))
        rows.append(
            [
                period.label(),
                plan_name(ind.plan),
                f"{ind.code} {text(ind, 'name')}",
                shown_value(m),
                unit_label(ind),
                str(m.get_status_display()),
                _day(m.submitted_at),
                _day(m.decided_at),
            ]
        )
    return Table(caption, columns, rows, numeric={3})


def _day(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


@dataclass
class Gap:
    indicator: Indicator
    missing: list[periods.Period]


GAP_FIELDS = ["code", "order", "name_es", "name_en", "frequency", "plan__code"]
GAP_FIELDS += ["plan__period_start", "plan__period_end", "plan__title_es", "plan__title_en"]
GAP_FIELDS += ["plan__short_title_es", "plan__short_title_en"]

Span = tuple[int, int, str]  # a plan's first and last year, and a reporting frequency
SPAN = ("plan__period_start", "plan__period_end", "frequency")


def gaps_of(
    user: Any, country: Organisation, *, limit: int | None = LISTED
) -> tuple[list[Gap], int]:
    """Indicators that countries report and this one has no value for (that the viewer may
    see) in a period that has ended: the first `limit` of them with those periods, and how
    many (indicator, period) are missing in all.

    Counted in the database: an indicator's ended periods depend only on its plan's years and
    its frequency (a few spans for thousands of indicators), so what is owed is counted by
    span, and what was given by indicator among the country's values. Four queries; only the
    indicators listed are read as records, and only their values by period."""
    today = timezone.localdate()
    reported = (
        indicators_for(user)
        .prefetch_related(None)
        .select_related(None)
        .filter(reported_by=Indicator.Reporter.COUNTRIES)
        .exclude(plan__period_start__gt=today.year)
    )
    per_span = reported.order_by().values_list(*SPAN).annotate(n=Count("pk"))
    indicators = {(first, last, freq): n for first, last, freq, n in per_span}
    ended: dict[Span, list[periods.Period]] = {
        span: [p for p in periods.periods_between(*span) if p.end < today] for span in indicators
    }

    def sent(ids: list[int] | None = None) -> QuerySet[Measurement]:
        """The country's values the viewer may see (of those indicators only, when given). A
        draft, or a value returned for correction, is not reported yet: still missing."""
        return values_queryset(user, indicator_ids=ids).filter(
            country=country,
            status__in=[Measurement.Status.SUBMITTED, Measurement.Status.APPROVED],
        )

    # Counted over the periods not yet ended left out (a few codes) rather than over the ended
    # ones kept (many): the database then reads the country's values of each indicator in one
    # range of an index, instead of probing it once per indicator and period.
    counted = (
        sent()
        .exclude(period__in=_not_ended(ended))
        .filter(
            indicator__reported_by=Indicator.Reporter.COUNTRIES,
            indicator__plan__period_start__lte=today.year,
        )
        .order_by()
        .values_list("indicator_id", *(f"indicator__{f}" for f in SPAN))
        .annotate(n=Count("period", distinct=True))
    )
    complete, reported_periods = [], 0
    for pk, first, last, freq, n in counted:
        owed = len(ended.get((first, last, freq), ()))  # a span no visible indicator has: 0
        reported_periods += min(n, owed)
        if n >= owed:
            complete.append(pk)
    total = sum(n * len(ended[span]) for span, n in indicators.items()) - reported_periods
    owing = [span for span, found in ended.items() if found]
    records = (
        reported.filter(_any_span(owing))
        .exclude(pk__in=complete)
        .select_related("plan")
        .only(*GAP_FIELDS)
        .order_by("plan__code", "order", "code", "pk")
    )
    listed = list(records if limit is None else records[:limit])
    ended_codes = {p.code for found in ended.values() for p in found}
    present = set(
        sent([i.pk for i in listed])
        .filter(period__in=ended_codes)
        .order_by()
        .values_list("indicator_id", "period")
    )
    gaps = [Gap(i, [p for p in ended[_span(i)] if (i.pk, p.code) not in present]) for i in listed]
    return gaps, total


def _not_ended(ended: Mapping[Span, list[periods.Period]]) -> set[str]:
    """The codes of the spans' periods that have not ended for any span (the whole-plan
    period ends with its plan: ended for one plan, it may not be for another)."""
    done = {p.code for found in ended.values() for p in found}
    return {p.code for span in ended for p in periods.periods_between(*span)} - done


def _any_span(spans: list[Span]) -> Q:
    """Indicators of any of these spans (none: no indicator)."""
    found = Q(pk__in=[])
    for span in spans:
        found |= Q(**dict(zip(SPAN, span, strict=True)))
    return found


def _span(indicator: Indicator) -> Span:
    return (indicator.plan.period_start, indicator.plan.period_end, indicator.frequency)


def gaps_table(gaps: Iterable[Gap], caption: str) -> Table:
    columns = [_("Plan"), _("Code"), _("Indicator"), _("Periods without a value")]
    labels: dict[periods.Period, str] = {}  # the same few periods, labelled once each
    rows = [
        [
            plan_name(g.indicator.plan),
            g.indicator.code,
            text(g.indicator, "name"),
            ", ".join(
                labels[p] if p in labels else labels.setdefault(p, p.label()) for p in g.missing
            ),
        ]
        for g in gaps
    ]
    return Table(caption, columns, rows)


@dataclass
class CountryPage:
    country: Organisation
    activities: ActivityFigures
    activity_chart: Chart
    commitments: Table
    commitment_count: int
    values: Page
    values_table: Table
    gaps: Table
    gap_count: int
    gap_indicators: int


def country_page(user: Any, country: Organisation, *, page: Any = 1) -> CountryPage:
    commitments = commitments_of(user, country)
    acts = activity_figures(user, commitments)[None]
    chart = status_chart(acts, _("Commitments by status"))
    listed = list(commitments[:LISTED])
    values = values_page(user, country, page)
    gaps, gap_count = gaps_of(user, country)
    return CountryPage(
        country=country,
        activities=acts,
        activity_chart=chart,
        commitments=commitments_table(listed, _("Commitments")),
        commitment_count=acts.counts.total,
        values=values,
        values_table=values_table(values.object_list, _("Values reported")),
        gaps=gaps_table(gaps, _("Values missing")),
        gap_count=gap_count,
        gap_indicators=len(gaps),
    )


def country_table(user: Any, country: Organisation, name: str) -> Table:
    if name == "activities":
        acts = activity_figures(user, commitments_of(user, country))[None]
        return status_chart(acts, _("Commitments by status")).table
    if name == "commitments":
        return commitments_table(commitments_of(user, country), _("Commitments"))
    if name == "values":
        return values_table(country_values(user, country).iterator(2000), _("Values reported"))
    if name == "missing":
        return gaps_table(gaps_of(user, country, limit=None)[0], _("Values missing"))
    raise Http404


# Map of the member countries --------------------------------------------------------------


def map_indicators(user: Any, plan: Plan) -> QuerySet[Indicator]:
    """The indicators of a plan that a map can show: figures reported by country."""
    return (
        indicators_for(user)
        .prefetch_related(None)
        .filter(plan=plan, reported_by=Indicator.Reporter.COUNTRIES)
        .exclude(unit=Unit.TEXT)
        .order_by("order", "code")
    )


@dataclass
class MapChoice:
    """What the map form asks for: a plan, one of its indicators, and the figure to show."""

    plan: Plan | None = None
    options: list[Indicator] | None = None
    indicator: Indicator | None = None
    figure: str = "total"


def map_choice(user: Any, query: Mapping[str, str]) -> MapChoice:
    """The plan, indicator and figure named in the query string, each only if the viewer may
    see it: an indicator names its plan; a plan alone offers its indicators to choose from."""
    choice = MapChoice(figure="achieved" if query.get("figure") == "achieved" else "total")
    pk = query.get("indicator") or ""
    if pk.isdigit():
        choice.indicator = (
            indicators_for(user)
            .filter(pk=int(pk), reported_by=Indicator.Reporter.COUNTRIES)
            .exclude(unit=Unit.TEXT)
            .first()
        )
    if choice.indicator is not None and query.get("plan") not in (
        None,
        "",
        choice.indicator.plan.code,
    ):
        choice.indicator = None  # the plan was changed: offer its indicators
    if choice.indicator is not None:
        choice.plan = choice.indicator.plan
    elif query.get("plan"):
        choice.plan = next(iter(plans_for(user).filter(code=query["plan"])), None)
    if choice.plan is not None:
        choice.options = list(map_indicators(user, choice.plan))
    return choice


@dataclass
class CountryMap:
    indicator: Indicator
    figure: str
    chart: Chart


def country_map(user: Any, indicator: Indicator, figure: str) -> CountryMap:
    """Each member country's whole-plan figure of `indicator` (read with its targets), or its %
    achieved against its own whole-plan target, as a tile map and its table."""
    cells = by_country(user, [indicator]).get(indicator.pk, {})
    targets: dict[int, dict[str, Decimal]] = {}
    for t in indicator.targets.all():
        if t.country_id is not None:
            targets.setdefault(t.country_id, {})[t.period] = t.value
    rows, values, names = [], {}, {}
    for country in member_countries(user):
        cell = cells.get(country.pk)
        actual = tidy(cell.value) if cell else None
        target = Figure(indicator, [], targets=targets.get(country.pk, {})).target_total
        done = achieved(indicator, actual, target)
        rows.append([text(country, "name"), actual, target_or_not_set(target), done])
        values[country.code] = done if figure == "achieved" else actual
        names[country.code] = text(country, "name")
    caption = _("%(code)s by country: %(figure)s") % {
        "code": indicator.code,
        "figure": _("% achieved") if figure == "achieved" else _("whole plan, to date"),
    }
    columns = [_("Country"), _("Whole plan, to date"), _("Target (whole plan)"), _("% achieved")]
    table = Table(caption, columns, rows, numeric={1, 2, 3}, percent={3})
    percent = figure == "achieved" or indicator.unit == Unit.PERCENT
    unit = indicator.currency if indicator.unit == Unit.MONEY and figure == "total" else ""
    svg = charts.tile_map(values, title=caption, names=names, percent=percent, unit=unit)
    return CountryMap(indicator, figure, Chart("map", svg, table))
