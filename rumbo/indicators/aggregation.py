"""Figures of indicators: by period, by country and for the region, target against actual.

The rules, written once (docs/indicators.md explains them to users):
- Only approved values count, and only those the viewer may see.
- Countries combine by the indicator's aggregation: a sum, or the average of the countries that
  reported. A percentage is always recomputed from the sums of its numerators and denominators,
  never averaged; yes/no counts the countries answering yes, out of those that answered.
- Over time: a cumulative indicator's figure for a period is its running total; the figure for
  the whole plan is the sum (sum), the average of every value (average), or each country's
  latest value added up (latest: a level, such as laws in force).
- % achieved is the progress from the baseline to the target, (actual − baseline) / (target −
  baseline), or actual / target without a baseline (only when higher is better).

The database does the grouping: a plan's figures take a fixed number of queries whatever the
number of values (one per kind of grouping), and return rows per indicator × period, never per
value."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from . import computed, periods
from .cell import Cell
from .models import Indicator, Measurement, MeasurementPart
from .selectors import values_queryset

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


def _ratio(num: Decimal | None, den: Decimal | None) -> Decimal | None:
    if num is None or not den:
        return None
    return (num / den * HUNDRED).quantize(Decimal("0.01"))


def _cell(ind: Indicator, row: Mapping[str, Any]) -> Cell:
    """A database group (sums, average, count) as the indicator's figure."""
    n = int(row.get("n") or 0)
    if ind.unit == Unit.PERCENT:
        num, den = row.get("num"), row.get("den")
        return Cell(_ratio(num, den), num, den, n)
    if ind.unit == Unit.TEXT:
        return Cell(None, None, None, n)
    if ind.aggregation == Agg.AVERAGE and ind.unit != Unit.YES_NO:
        avg = row.get("avg")
        return Cell(None if avg is None else Decimal(avg).quantize(Decimal("0.01")), None, None, n)
    return Cell(row.get("total"), None, None, n)


def _add(a: Cell, b: Cell) -> Cell:
    def plus(x: Decimal | None, y: Decimal | None) -> Decimal | None:
        return y if x is None else x if y is None else x + y

    return Cell(
        plus(a.value, b.value),
        plus(a.numerator, b.numerator),
        plus(a.denominator, b.denominator),
        a.reporting + b.reporting,
    )


def _running(ind: Indicator, codes: Sequence[str], cells: dict[str, Cell]) -> dict[str, Cell]:
    """A cumulative indicator's figures: each period's is the total to date."""
    out: dict[str, Cell] = {}
    acc = Cell()
    last = max((i for i, code in enumerate(codes) if code in cells), default=-1)
    for code in codes[: last + 1]:  # not carried into periods nothing was reported for yet
        if code in cells:
            acc = _add(acc, cells[code])
        if acc.reporting:
            out[code] = Cell(acc.value, acc.numerator, acc.denominator, acc.reporting)
    return out


_SUMS = {
    "total": Sum("value"),
    "num": Sum("numerator"),
    "den": Sum("denominator"),
    "avg": Avg("value"),
    "n": Count("id"),
}


def figures(
    user: Any,
    indicators: Iterable[Indicator],
    *,
    country_id: int | None = None,
    with_breakdown: bool = True,
) -> list[Figure]:
    """The figures of `indicators` (already read through `indicators_for(user)`, with their
    plan and targets) for the region, or for one country. A fixed number of queries."""
    inds = list(indicators)
    out = {i.pk: _new_figure(i, country_id) for i in inds}
    reported = [i for i in inds if not i.is_computed]
    values = values_queryset(user, approved_only=True, indicator_ids=[i.pk for i in reported])
    if country_id is not None:
        values = values.filter(country_id=country_id)
    by_id = {i.pk: i for i in inds}
    region_rows: dict[int, dict[str, Cell]] = defaultdict(dict)
    # The whole plan of a sum or an average adds up the periods' groups: no second pass.
    sums: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"total": None, "num": None, "den": None, "n": 0}
    )
    rows: Iterable[Mapping[str, Any]] = (
        values.values("indicator_id", "period").annotate(**_SUMS).order_by()
    )
    for row in rows:
        ind = by_id[row["indicator_id"]]
        region_rows[ind.pk][row["period"]] = _cell(ind, row)
        acc = sums[ind.pk]
        for key in ("total", "num", "den"):
            if row[key] is not None:
                acc[key] = row[key] if acc[key] is None else acc[key] + row[key]
        acc["n"] += row["n"]
    totals = {
        pk: _cell(
            by_id[pk],
            {
                **acc,
                "avg": acc["total"] / acc["n"] if acc["n"] and acc["total"] is not None else None,
            },
        )
        for pk, acc in sums.items()
        if not _is_latest(by_id[pk])
    }
    totals.update(_latest_totals(values, [i for i in reported if _is_latest(i)], by_id))
    for ind in inds:
        fig = out[ind.pk]
        codes = [p.code for p in fig.periods]
        if ind.is_computed:
            counted = computed.figures_for(user, ind, fig.periods, country_id=country_id)
            fig.rule_text = computed.rule_text(ind.rule)
            fig.region = _running(ind, codes, counted) if ind.cumulative else counted
            for cell in counted.values():
                fig.total = _add(fig.total, cell)
            continue
        cells = region_rows.get(ind.pk, {})
        fig.region = _running(ind, codes, cells) if ind.cumulative else cells
        fig.total = totals.get(ind.pk, Cell())
    if with_breakdown:
        _breakdowns(values, [i for i in reported if i.unit not in (Unit.TEXT, Unit.YES_NO)], out)
    return [out[i.pk] for i in inds]


def _is_latest(ind: Indicator) -> bool:
    return ind.aggregation == Agg.LATEST or ind.unit == Unit.YES_NO


def _new_figure(ind: Indicator, country_id: int | None) -> Figure:
    plan = ind.plan
    fig = Figure(ind, periods.periods_between(plan.period_start, plan.period_end, ind.frequency))
    fig.targets = {t.period: t.value for t in ind.targets.all() if t.country_id == country_id}
    return fig


def _latest_totals(
    values: QuerySet[Measurement], inds: list[Indicator], by_id: dict[int, Indicator]
) -> dict[int, Cell]:
    """Each country's latest value, added up: the figure of a level (and of yes/no)."""
    if not inds:
        return {}
    latest = latest_values(values.filter(indicator__in=[i.pk for i in inds]))
    rows = latest.values("indicator_id").annotate(**_SUMS).order_by()
    return {row["indicator_id"]: _cell(by_id[row["indicator_id"]], row) for row in rows}


def latest_values(scoped: QuerySet[Measurement]) -> QuerySet[Measurement]:
    """Of `scoped`, each country's (and the region's) value of its latest period: ranked in
    one pass by a window function (a correlated subquery per row reads the table again for
    every value)."""
    ranked = scoped.annotate(
        latest_rank=Window(
            RowNumber(),
            partition_by=[F("indicator_id"), F("country_id")],
            order_by=F("period").desc(),
        )
    ).filter(latest_rank=1)
    return scoped.filter(pk__in=ranked.order_by().values("pk"))


def _breakdowns(
    values: QuerySet[Measurement], inds: list[Indicator], out: dict[int, Figure]
) -> None:
    """Figures by category (sex, age group...) per period and for the whole plan."""
    if not inds:
        return
    ids = [i.pk for i in inds]
    parts = MeasurementPart.objects.filter(measurement__in=values.filter(indicator__in=ids))
    part_sums = {
        "total": Sum("value"),
        "num": Sum("numerator"),
        "den": Sum("denominator"),
        "avg": Avg("value"),
        "n": Count("id"),
    }
    rows = (
        parts.values(
            "measurement__indicator_id",
            "measurement__period",
            "category__dimension__code",
            "category__code",
        )
        .annotate(**part_sums)
        .order_by()
    )
    per_period: dict[int, dict[str, dict[str, dict[str, Cell]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for row in rows:
        fig = out[row["measurement__indicator_id"]]
        cell = _cell(fig.indicator, row)
        per_period[fig.indicator.pk][row["category__dimension__code"]][row["category__code"]][
            row["measurement__period"]
        ] = cell
    for ind_id, dims in per_period.items():
        fig = out[ind_id]
        codes = [p.code for p in fig.periods]
        for dim, cats in dims.items():
            for cat, cells in cats.items():
                shown = _running(fig.indicator, codes, cells) if fig.indicator.cumulative else cells
                fig.breakdown.setdefault(dim, {})[cat] = shown
                total = Cell()
                for c in cells.values():
                    total = _add(total, c)
                if fig.indicator.unit == Unit.PERCENT:
                    total.value = _ratio(total.numerator, total.denominator)
                elif fig.indicator.aggregation == Agg.AVERAGE and total.reporting:
                    total.value = None  # an average of averages would mislead; see per period
                fig.breakdown_total.setdefault(dim, {})[cat] = total


def by_country(user: Any, indicators: Iterable[Indicator]) -> dict[int, dict[int | None, Cell]]:
    """Each indicator's whole-plan figure per country (None: regional values), in two queries."""
    inds = [i for i in indicators if not i.is_computed]
    by_id = {i.pk: i for i in inds}
    values = values_queryset(user, approved_only=True, indicator_ids=list(by_id))
    out: dict[int, dict[int | None, Cell]] = defaultdict(dict)
    plain = [i.pk for i in inds if not _is_latest(i)]
    for row in (
        values.filter(indicator__in=plain)
        .values("indicator_id", "country_id")
        .annotate(**_SUMS)
        .order_by()
    ):
        out[row["indicator_id"]][row["country_id"]] = _cell(by_id[row["indicator_id"]], row)
    levels = [i.pk for i in inds if _is_latest(i)]
    if levels:
        latest = latest_values(values.filter(indicator__in=levels))
        for m in latest.order_by().only(
            "indicator_id", "country_id", "value", "numerator", "denominator"
        ):
            ind = by_id[m.indicator_id]
            value = _ratio(m.numerator, m.denominator) if ind.unit == Unit.PERCENT else m.value
            out[m.indicator_id][m.country_id] = Cell(value, m.numerator, m.denominator, 1)
    return out
