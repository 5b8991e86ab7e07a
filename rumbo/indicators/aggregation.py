"""Figures of indicators: by period, by country and for the region, target against actual.

The rules, written once (docs/indicators.md explains them to users; how values combine is in
`combining`):
- Only approved values count, and only those the viewer may see.
- Over time: a cumulative indicator's figure for a period is its running total.
- % achieved is the progress from the baseline to the target, (actual − baseline) / (target −
  baseline), or actual / target without a baseline (only when higher is better).

The database does the grouping: a plan's figures take a fixed number of queries whatever the
number of values (one per kind of grouping), and return rows per indicator × period, never per
value. Whole-plan figures are stored as they change (`totals`): an overview of hundreds of
indicators reads one row per indicator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from . import computed, periods, totals
from .cell import Cell
from .combining import SUMS, add, group_cell, ratio
from .models import Category, Indicator, Measurement, MeasurementPart
from .selectors import targets_queryset, values_queryset

Unit = Indicator.Unit
Agg = Indicator.Aggregation
HUNDRED = Decimal(100)


@dataclass
class Figure:
    """An indicator's figures for one viewer."""

    indicator: Indicator
    periods: list[periods.Period]
    region: dict[str, Cell] = field(default_factory=dict)  # period code -> figure
    total: Cell = field(default_factory=Cell)  # the whole plan, to date
    targets: dict[str, Decimal] = field(default_factory=dict)  # regional, by period code
    # dimension code -> category code -> period code -> figure
    breakdown: dict[str, dict[str, dict[str, Cell]]] = field(default_factory=dict)
    breakdown_total: dict[str, dict[str, Cell]] = field(default_factory=dict)
    rule_text: str = ""  # how a computed figure is counted

    @property
    def target_total(self) -> Decimal | None:
        """The target for the whole plan: set as such, or the last period's for a cumulative
        indicator (its targets are totals to date)."""
        if periods.WHOLE_PLAN in self.targets:
            return self.targets[periods.WHOLE_PLAN]
        if self.indicator.cumulative:
            dated = [c for c in self.targets if c != periods.WHOLE_PLAN]
            if dated:
                return self.targets[max(dated, key=periods.sort_key)]
        return None

    @property
    def achieved(self) -> Decimal | None:
        """% of the way from the baseline to the whole-plan target (None: not computable)."""
        return achieved(self.indicator, self.total.value, self.target_total)

    def achieved_in(self, code: str) -> Decimal | None:
        cell = self.region.get(code)
        return achieved(self.indicator, cell.value if cell else None, self.targets.get(code))


def achieved(
    indicator: Indicator, actual: Decimal | None, target: Decimal | None
) -> Decimal | None:
    if actual is None or target is None or indicator.unit in (Unit.TEXT, Unit.YES_NO):
        return None
    base = indicator.baseline_value
    if base is not None:
        if target == base:
            return None
        return ((actual - base) / (target - base) * HUNDRED).quantize(Decimal("0.1"))
    if indicator.direction == Indicator.Direction.DECREASE or target == 0:
        return None
    return (actual / target * HUNDRED).quantize(Decimal("0.1"))


def _running(ind: Indicator, codes: Sequence[str], cells: dict[str, Cell]) -> dict[str, Cell]:
    """A cumulative indicator's figures: each period's is the total to date."""
    out: dict[str, Cell] = {}
    acc = Cell()
    last = max((i for i, code in enumerate(codes) if code in cells), default=-1)
    for code in codes[: last + 1]:  # not carried into periods nothing was reported for yet
        if code in cells:
            acc = add(acc, cells[code])
        if acc.reporting:
            out[code] = Cell(acc.value, acc.numerator, acc.denominator, acc.reporting)
    return out


def figures(
    user: Any,
    indicators: Iterable[Indicator],
    *,
    country_id: int | None = None,
    with_breakdown: bool = True,
    by_period: bool = True,
) -> list[Figure]:
    """The figures of `indicators` (already read through `indicators_for(user)`, with their
    plan; their targets are read here) for the region, or for one country. A fixed number of
    queries: the whole-plan figures are the stored ones (`totals`); by period (and by
    category, with the breakdown) they are grouped by the database from the values."""
    inds = list(indicators)
    wanted = targets_queryset(user).filter(
        indicator__in=[i.pk for i in inds],
        **({"country__isnull": True} if country_id is None else {"country_id": country_id}),
    )
    targets: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for pk, period, value in wanted.values_list("indicator_id", "period", "value"):
        targets[pk][period] = value
    out = {i.pk: _new_figure(i, targets[i.pk]) for i in inds}
    reported = [i for i in inds if not i.is_computed]
    ids = [i.pk for i in reported]
    stored = totals.whole_plan_figures(user, ids, country_id=country_id) if ids else {}
    values = values_queryset(user, approved_only=True, indicator_ids=ids)
    if country_id is not None:
        values = values.filter(country_id=country_id)
    region_rows: dict[int, dict[str, Cell]] = defaultdict(dict)
    if by_period and reported:
        by_id = {i.pk: i for i in reported}
        rows: Iterable[Mapping[str, Any]] = (
            values.values("indicator_id", "period").annotate(**SUMS).order_by()
        )
        for row in rows:
            pk = row["indicator_id"]
            region_rows[pk][row["period"]] = group_cell(by_id[pk], row)
    for ind in inds:
        fig = out[ind.pk]
        codes = [p.code for p in fig.periods]
        if ind.is_computed:
            counted = computed.figures_for(user, ind, fig.periods, country_id=country_id)
            fig.rule_text = computed.rule_text(ind.rule)
            fig.region = _running(ind, codes, counted) if ind.cumulative else counted
            for cell in counted.values():
                fig.total = add(fig.total, cell)
            continue
        cells = region_rows.get(ind.pk, {})
        fig.region = _running(ind, codes, cells) if ind.cumulative else cells
        fig.total = stored.get(ind.pk, Cell())
    if with_breakdown and by_period:
        _breakdowns(values, [i for i in reported if i.unit not in (Unit.TEXT, Unit.YES_NO)], out)
    return [out[i.pk] for i in inds]


def overview(
    user: Any, indicators: Iterable[Indicator], *, country_id: int | None = None
) -> list[Figure]:
    """Whole-plan figures only (target, figure, % achieved): what an overview of hundreds of
    indicators shows, read from the stored figures in one query."""
    return figures(user, indicators, country_id=country_id, by_period=False)


def _new_figure(ind: Indicator, targets: dict[str, Decimal]) -> Figure:
    plan = ind.plan
    fig = Figure(ind, periods.periods_between(plan.period_start, plan.period_end, ind.frequency))
    fig.targets = targets
    return fig


def _breakdowns(
    values: QuerySet[Measurement], inds: list[Indicator], out: dict[int, Figure]
) -> None:
    """Figures by category (sex, age group...) per period and for the whole plan."""
    if not inds:
        return
    ids = [i.pk for i in inds]
    parts = MeasurementPart.objects.filter(measurement__in=values.filter(indicator__in=ids))
    # Grouped by category id, the categories named afterwards (a few rows): joined in the
    # grouping, PostgreSQL loops over every dimension and category for each value.
    rows = list(
        parts.values("measurement__indicator_id", "measurement__period", "category_id")
        .annotate(**SUMS)
        .order_by()
    )
    named = Category.objects.filter(pk__in={row["category_id"] for row in rows})
    names = {
        pk: (dim, code) for pk, dim, code in named.values_list("pk", "dimension__code", "code")
    }
    per_period: dict[int, dict[str, dict[str, dict[str, Cell]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for row in rows:
        fig = out[row["measurement__indicator_id"]]
        dim, cat = names[row["category_id"]]
        per_period[fig.indicator.pk][dim][cat][row["measurement__period"]] = group_cell(
            fig.indicator, row
        )
    for ind_id, dims in per_period.items():
        fig = out[ind_id]
        codes = [p.code for p in fig.periods]
        for dim, cats in dims.items():
            for cat, cells in cats.items():
                shown = _running(fig.indicator, codes, cells) if fig.indicator.cumulative else cells
                fig.breakdown.setdefault(dim, {})[cat] = shown
                total = Cell()
                for c in cells.values():
                    total = add(total, c)
                if fig.indicator.unit == Unit.PERCENT:
                    total.value = ratio(total.numerator, total.denominator)
                elif fig.indicator.aggregation == Agg.AVERAGE and total.reporting:
                    total.value = None  # an average of averages would mislead; see per period
                fig.breakdown_total.setdefault(dim, {})[cat] = total


def by_country(user: Any, indicators: Iterable[Indicator]) -> dict[int, dict[int | None, Cell]]:
    """Each indicator's whole-plan figure per country (None: values reported for the region as
    a whole): the stored figures, in one query."""
    ids = [i.pk for i in indicators if not i.is_computed]
    return totals.countries_figures(user, ids) if ids else {}
