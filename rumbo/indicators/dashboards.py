"""The evaluation dashboards: what a plan, a working group and a member country have done and
reported, as figures, charts and the tables behind them.

Everything is read through the readers of each kind (plans, activities, parties,
organisations, indicators, values), so a dashboard shows a viewer exactly what they may see,
and its downloads the same tables. Figures come from `aggregation` (grouped in the database:
a fixed number of queries however many values there are); a page shows a few indicators in
full and pages through the rest, so that its size and its time do not grow with the plan.
Each chart is drawn from the same data as its table, and the table is what the CSV and Excel
downloads hold."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rumbo.core import charts
from rumbo.core.i18n import field_values, pick
from rumbo.core.tables import Table, active_language, format_number
from rumbo.core.visibility import clearance_of
from rumbo.organisations.models import Body, Organisation
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity, Plan
from rumbo.plans.models.activity import OPEN, is_overdue, overdue_q
from rumbo.plans.selectors import activities_queryset, plans_for
from rumbo.tracking.summary import StatusCounts

from .aggregation import Figure, by_country, figures, overview
from .cell import Cell
from .models import Indicator
from .selectors import dimensions_for, indicators_for

S = Activity.Status
Unit = Indicator.Unit
# The order statuses are counted and shown in: done first, unknown last.
STATUSES = [S.FINISHED, S.IN_PROGRESS, S.NOT_STARTED, S.NOT_ACHIEVED, S.CANCELLED, S.NOT_REPORTED]
PANELS_PER_PAGE = 5  # indicators shown in full (three charts each) per page of a plan
ROWS_PER_PAGE = 25  # rows of an indicator overview or a list of values per page
LISTED = 50  # commitments and gaps listed on a country page (the downloads hold them all)


def text(obj: Any, name: str) -> str:
    """A translated field in the active language, or the other one when it is missing."""
    return pick(field_values(obj, name))[0] if obj is not None else ""


def plan_name(plan: Any) -> str:
    """How a table names a plan: its short title (or title) in the active language, as
    people know it, not its code."""
    return text(plan, "short_title") or text(plan, "title")


def tidy(value: Decimal | None) -> Decimal | None:
    """A figure with the decimals it has, at most two (sums of stored values carry four)."""
    if value is None:
        return None
    exponent = value.normalize().as_tuple().exponent
    places = min(2, max(0, -exponent)) if isinstance(exponent, int) else 2
    return value.quantize(Decimal(1).scaleb(-places))


def shown(indicator: Indicator, value: Decimal | None, missing: str = "") -> str:
    """A figure of `indicator` as the active language writes it, with its unit."""
    if value is None:
        return missing or _("no data")
    lang = active_language()
    if indicator.unit == Unit.PERCENT:
        return format_number(tidy(value), lang, percent=True)
    if indicator.unit == Unit.MONEY:
        return format_number(tidy(value), lang, unit=indicator.currency)
    return format_number(tidy(value), lang)


def unit_label(indicator: Indicator) -> str:
    label = str(indicator.get_unit_display())
    return f"{label} ({indicator.currency})" if indicator.unit == Unit.MONEY else label


@dataclass
class Chart:
    """A chart and its table; `name` asks for the table as a download."""

    name: str
    svg: SafeString | None
    table: Table


# Activities -------------------------------------------------------------------------------


@dataclass
class ActivityFigures:
    counts: StatusCounts = field(default_factory=StatusCounts)
    overdue: int = 0

    @property
    def percent_finished(self) -> str:
        value = self.counts.percent_finished
        if value is None:
            return _("not computable")
        return format_number(Decimal(str(value)), active_language(), percent=True)


def activity_figures(
    user: Any, activities: QuerySet[Activity], *, by: str | None = None
) -> dict[Any, ActivityFigures]:
    """Status counts and overdue activities of `activities` (read through the activities'
    reader), in total (key None) and grouped by the field `by`. Two queries."""
    today = timezone.localdate()
    # A restricted concept note may have moved an activity's end date: below its level the
    # activity is judged by the date it had before (Activity.redact_for), once read.
    restricted = Q(note_visibility__gt=clearance_of(user))
    keys = [by, "status"] if by else ["status"]
    activities = activities.select_related(None).prefetch_related(None)
    rows = (
        activities.order_by()
        .values(*keys)
        .annotate(n=Count("id"), late=Count("id", filter=overdue_q(today) & ~restricted))
    )
    out: dict[Any, ActivityFigures] = {None: ActivityFigures()}
    for row in rows:
        for key in {None, row[by] if by else None}:
            group = out.setdefault(key, ActivityFigures())
            setattr(group.counts, row["status"], getattr(group.counts, row["status"]) + row["n"])
            group.overdue += row["late"]
    fields = ["id", "status", "end_date", "end_precision", "note_visibility", "note_fields"]
    for act in activities.filter(restricted, status__in=OPEN).only(*fields, *([by] if by else [])):
        if is_overdue(act, today):
            for key in {None, getattr(act, by) if by else None}:
                out.setdefault(key, ActivityFigures()).overdue += 1
    return out


def status_chart(figures_: ActivityFigures, caption: str) -> Chart:
    labels = dict(S.choices)
    rows: list[list[Any]] = [[str(labels[s]), getattr(figures_.counts, s)] for s in STATUSES]
    rows.append([_("Total"), figures_.counts.total])
    rows.append([_("Overdue (open and past their end)"), figures_.overdue])
    table = Table(caption, [_("Status"), _("Activities")], rows, numeric={1})
    bars = [charts.Bar(row[0], row[1]) for row in rows[: len(STATUSES)]]
    svg = charts.bar_chart(bars, title=caption) if figures_.counts.total else None
    return Chart("activities", svg, table)


def status_table(groups: dict[Any, ActivityFigures], names: dict[Any, str], caption: str) -> Table:
    """Status counts per group (plan), one row each, with their overdue activities."""
    labels = dict(S.choices)
    columns = [_("Plan"), *(str(labels[s]) for s in STATUSES), _("Total"), _("Overdue")]
    rows = [
        [names.get(key, ""), *(getattr(g.counts, s) for s in STATUSES), g.counts.total, g.overdue]
        for key, g in groups.items()
        if key is not None
    ]
    rows.sort(key=lambda r: str(r[0]))
    return Table(caption, columns, rows, numeric=set(range(1, len(columns))))


# Indicators -------------------------------------------------------------------------------


def plan_indicators(user: Any, plans: Iterable[Plan] | Plan) -> QuerySet[Indicator]:
    chosen = [plans] if isinstance(plans, Plan) else list(plans)
    return indicators_for(user).filter(plan__in=chosen).order_by("plan__code", "order", "code")


def overview_indicators(user: Any, plans: Iterable[Plan] | Plan) -> QuerySet[Indicator]:
    """The indicators of an overview: their plan, nothing prefetched (their figures and
    targets are read in bulk by `overview`)."""
    return plan_indicators(user, plans).prefetch_related(None)


def member_countries(user: Any) -> list[Organisation]:
    """The member countries the viewer may see, by name in the active language."""
    found = organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE)
    return sorted(found, key=lambda o: text(o, "name"))


def target_or_not_set(value: Decimal | None) -> Any:
    """A target or baseline for a table: the number, or "not set"."""
    return _("not set") if value is None else tidy(value)


def achieved_text(fig: Figure) -> str:
    if fig.target_total is None:
        return _("no target set")
    value = fig.achieved
    if value is None:
        return _("not computable")
    return format_number(tidy(value), active_language(), percent=True)


def overview_table(figs: Sequence[Figure], caption: str, *, with_plan: bool = False) -> Table:
    """One row per indicator: its baseline, whole-plan target and figure, and % achieved."""
    columns = [_("Code"), _("Indicator"), _("Unit"), _("Baseline"), _("Target (whole plan)")]
    columns += [_("Whole plan, to date"), _("% achieved")]
    if with_plan:
        columns.insert(0, _("Plan"))
    rows = []
    for fig in figs:
        ind = fig.indicator
        row: list[Any] = [ind.code, text(ind, "name"), unit_label(ind)]
        row += [
            target_or_not_set(ind.baseline_value),
            target_or_not_set(fig.target_total),
        ]
        value = None if ind.unit == Unit.TEXT else tidy(fig.total.value)
        row += [value, fig.achieved]
        rows.append([plan_name(ind.plan), *row] if with_plan else row)
    first = 4 if with_plan else 3
    last = len(columns) - 1
    return Table(caption, columns, rows, numeric=set(range(first, len(columns))), percent={last})


def periods_chart(fig: Figure) -> Chart:
    """Target against actual over the periods (running totals for a cumulative indicator)."""
    ind = fig.indicator
    actual_name = _("Actual (total to date)") if ind.cumulative else _("Actual")
    labels = [p.label() for p in fig.periods]
    actual = [tidy(fig.region[p.code].value) if p.code in fig.region else None for p in fig.periods]
    rows: list[list[Any]] = []
    for label, value, p in zip(labels, actual, fig.periods, strict=True):
        target = fig.targets.get(p.code)
        rows.append(
            [
                label,
                value,
                _("not set") if target is None else tidy(target),
                fig.achieved_in(p.code),
            ]
        )
    caption = _("%(code)s: target and actual by period") % {"code": ind.code}
    columns = [_("Period"), actual_name, _("Target"), _("% achieved")]
    table = Table(caption, columns, rows, numeric={1, 2, 3}, percent={3})
    svg = None
    if ind.unit not in (Unit.TEXT,):
        series = [charts.Series(actual_name, actual)]
        if fig.targets:
            series.append(
                charts.Series(_("Target"), [fig.targets.get(p.code) for p in fig.periods], "target")
            )
        svg = charts.line_chart(
            labels,
            series,
            title=caption,
            percent=ind.unit == Unit.PERCENT,
            unit=ind.currency if ind.unit == Unit.MONEY else "",
        )
    return Chart(f"periods-{ind.pk}", svg, table)


def countries_chart(
    indicator: Indicator, cells: dict[int | None, Cell], countries: list[Organisation]
) -> Chart:
    """The whole-plan figure of each member country (and of values given for the region)."""
    yes_no = indicator.unit == Unit.YES_NO
    rows: list[list[Any]] = []
    for country in countries:
        cell = cells.get(country.pk)
        value: Decimal | str | None = tidy(cell.value) if cell else None
        if yes_no and value is not None:
            value = _("Yes") if value else _("No")
        rows.append([text(country, "name"), value, cell.reporting if cell else 0])
    if None in cells:
        rows.append([_("Region (not by country)"), tidy(cells[None].value), cells[None].reporting])
    caption = _("%(code)s: whole plan by country") % {"code": indicator.code}
    table = Table(caption, [_("Country"), _("Whole plan"), _("Values")], rows, numeric={1, 2})
    svg = None
    if not yes_no and indicator.unit != Unit.TEXT:
        svg = charts.bar_chart(
            [charts.Bar(r[0], r[1]) for r in rows],
            title=caption,
            percent=indicator.unit == Unit.PERCENT,
            unit=indicator.currency if indicator.unit == Unit.MONEY else "",
        )
    return Chart(f"countries-{indicator.pk}", svg, table)


def sex_chart(fig: Figure, categories: list[Any]) -> Chart | None:
    """By sex over the periods, stacked when the parts add up (counts and money)."""
    cells = fig.breakdown.get("sex")
    if not cells or not categories:
        return None
    ind = fig.indicator
    categories = [c for c in categories if c.code in cells]  # those reported
    rows: list[list[Any]] = []
    for p in fig.periods:
        values = [cells.get(c.code, {}).get(p.code) for c in categories]
        if any(v is not None for v in values):
            rows.append([p.label(), *(tidy(v.value) if v else None for v in values)])
    totals = fig.breakdown_total.get("sex", {})
    names = [text(c, "name") for c in categories]
    caption = _("%(code)s: by sex") % {"code": ind.code}
    table_rows = [
        *rows,
        [
            _("Whole plan"),
            *(tidy(totals[c.code].value) if c.code in totals else None for c in categories),
        ],
    ]
    table = Table(caption, [_("Period"), *names], table_rows, numeric=set(range(1, len(names) + 1)))
    adds_up = (
        ind.unit in (Unit.COUNT, Unit.MONEY) and ind.aggregation != Indicator.Aggregation.AVERAGE
    )
    svg = None
    if adds_up and rows:
        svg = charts.stacked_bar_chart(
            [r[0] for r in rows],
            names,
            [r[1:] for r in rows],
            title=caption,
            unit=ind.currency if ind.unit == Unit.MONEY else "",
        )
    return Chart(f"sex-{ind.pk}", svg, table)


@dataclass
class Panel:
    """One indicator in full: its facts and its charts."""

    figure: Figure
    facts: list[tuple[str, str]]
    charts: list[Chart]

    @property
    def indicator(self) -> Indicator:
        return self.figure.indicator


def _sex_categories(user: Any) -> list[Any]:
    sex = next((d for d in dimensions_for(user) if d.code == "sex"), None)
    return [c for c in sex.categories.all() if c.active] if sex else []


def panels(user: Any, indicators: Sequence[Indicator]) -> list[Panel]:
    """The indicators in full. A fixed number of queries whatever their number."""
    figs = figures(user, indicators)
    per_country = by_country(user, indicators)
    countries = member_countries(user)
    sexes = _sex_categories(user)
    out = []
    for fig in figs:
        ind = fig.indicator
        facts = [
            (_("Unit"), unit_label(ind)),
            (_("Baseline"), shown(ind, ind.baseline_value, _("not set"))),
            (_("Target (whole plan)"), shown(ind, fig.target_total, _("not set"))),
            (
                _("Whole plan, to date"),
                shown(ind, None if ind.unit == Unit.TEXT else fig.total.value),
            ),
            (_("% achieved"), achieved_text(fig)),
        ]
        found = [periods_chart(fig)]
        if not ind.is_computed:  # a computed figure is counted for the region
            found.append(countries_chart(ind, per_country.get(ind.pk, {}), countries))
        if any(d.code == "sex" for d in ind.dimensions.all()):
            by_sex = sex_chart(fig, sexes)
            if by_sex:
                found.append(by_sex)
        out.append(Panel(fig, facts, found))
    return out


# Plan dashboard ---------------------------------------------------------------------------


@dataclass
class PlanDashboard:
    plan: Plan
    activities: ActivityFigures
    activity_chart: Chart
    page: Page
    overview: Table
    panels: list[Panel]


def plan_dashboard(user: Any, plan: Plan, *, page: Any = 1) -> PlanDashboard:
    acts = activity_figures(user, activities_queryset(user).filter(plan=plan))[None]
    chart = status_chart(acts, _("Activities by status"))
    shown_page = Paginator(plan_indicators(user, plan), PANELS_PER_PAGE).get_page(page)
    full = panels(user, list(shown_page.object_list))
    overview = overview_table([p.figure for p in full], _("Indicators on this page"))
    return PlanDashboard(plan, acts, chart, shown_page, overview, full)


def _indicator_table(user: Any, indicators: QuerySet[Indicator], name: str) -> Table:
    kind, _dash, pk = name.partition("-")
    if kind not in ("periods", "countries", "sex") or not pk.isdigit():
        raise Http404
    found = list(indicators.filter(pk=int(pk)))
    if not found:
        raise Http404
    (panel,) = panels(user, found)
    chart = next((c for c in panel.charts if c.name == name), None)
    if chart is None:
        raise Http404
    return chart.table


def plan_table(user: Any, plan: Plan, name: str) -> Table:
    """A table of the plan dashboard, whole (the overview lists every indicator)."""
    if name == "activities":
        acts = activity_figures(user, activities_queryset(user).filter(plan=plan))[None]
        return status_chart(acts, _("Activities by status")).table
    if name == "indicators":
        figs = overview(user, overview_indicators(user, plan))
        return overview_table(figs, _("Indicators"))
    return _indicator_table(user, plan_indicators(user, plan), name)


# Working-group dashboard ------------------------------------------------------------------


@dataclass
class BodyDashboard:
    body: Body
    plans: list[Plan]
    activities: ActivityFigures
    activity_chart: Chart
    by_plan: Table
    page: Page
    overview: Table


def _body_activities(user: Any, body: Body, plans: list[Plan]) -> QuerySet[Activity]:
    return activities_queryset(user).filter(Q(plan__in=plans) | Q(working_group=body))


def _body_plans(user: Any, body: Body) -> list[Plan]:
    return list(plans_for(user).filter(owner_body=body).order_by("-period_start", "code"))


def _by_plan(user: Any, body: Body, plans: list[Plan]) -> tuple[dict[Any, ActivityFigures], Table]:
    groups = activity_figures(user, _body_activities(user, body, plans), by="plan_id")
    known = {p.pk: p for p in plans}
    others = [k for k in groups if k is not None and k not in known]
    if others:  # plans of other bodies holding activities of this group
        known.update({p.pk: p for p in plans_for(user).filter(pk__in=others)})
    names = {pk: f"{p.code} — {text(p, 'title')}" for pk, p in known.items()}
    return groups, status_table(groups, names, _("Activities by plan and status"))


def body_dashboard(user: Any, body: Body, *, page: Any = 1) -> BodyDashboard:
    plans = _body_plans(user, body)
    groups, by_plan = _by_plan(user, body, plans)
    chart = status_chart(groups[None], _("Activities by status"))
    shown_page = Paginator(overview_indicators(user, plans), ROWS_PER_PAGE).get_page(page)
    figs = overview(user, list(shown_page.object_list))
    table = overview_table(figs, _("Indicators of the group's plans"), with_plan=True)
    return BodyDashboard(body, plans, groups[None], chart, by_plan, shown_page, table)


def body_table(user: Any, body: Body, name: str) -> Table:
    plans = _body_plans(user, body)
    if name == "activities":
        groups, _table = _by_plan(user, body, plans)
        return status_chart(groups[None], _("Activities by status")).table
    if name == "plans":
        return _by_plan(user, body, plans)[1]
    if name == "indicators":
        figs = overview(user, overview_indicators(user, plans))
        return overview_table(figs, _("Indicators of the group's plans"), with_plan=True)
    raise Http404
