"""How an indicator's approved values combine into one figure: the rules shared by the live
figures (`aggregation`) and the stored whole-plan ones (`totals`).

- Countries combine by the indicator's aggregation: a sum, or the average. A percentage is
  always recomputed from the sums of its numerators and denominators, never averaged; yes/no
  counts the countries answering yes, out of those that answered.
- The whole plan: the sum (sum), the average of every value (average), or each country's
  latest value added up (latest, and yes/no: a level, such as laws in force)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from .cell import Cell
from .models import Indicator, Measurement

Unit = Indicator.Unit
Agg = Indicator.Aggregation
HUNDRED = Decimal(100)

SUMS = {
    "total": Sum("value"),
    "num": Sum("numerator"),
    "den": Sum("denominator"),
    "avg": Avg("value"),
    "n": Count("id"),
}


def ratio(num: Decimal | None, den: Decimal | None) -> Decimal | None:
    if num is None or not den:
        return None
    return (num / den * HUNDRED).quantize(Decimal("0.01"))


def group_cell(ind: Indicator, row: Mapping[str, Any]) -> Cell:
    """A group of values (their sums, average and count) as the indicator's figure."""
    n = int(row.get("n") or 0)
    if ind.unit == Unit.PERCENT:
        num, den = row.get("num"), row.get("den")
        return Cell(ratio(num, den), num, den, n)
    if ind.unit == Unit.TEXT:
        return Cell(None, None, None, n)
    if ind.aggregation == Agg.AVERAGE and ind.unit != Unit.YES_NO:
        avg = row.get("avg")
        return Cell(None if avg is None else Decimal(avg).quantize(Decimal("0.01")), None, None, n)
    return Cell(row.get("total"), None, None, n)


def add(a: Cell, b: Cell) -> Cell:
    def plus(x: Decimal | None, y: Decimal | None) -> Decimal | None:
        return y if x is None else x if y is None else x + y

    return Cell(
        plus(a.value, b.value),
        plus(a.numerator, b.numerator),
        plus(a.denominator, b.denominator),
        a.reporting + b.reporting,
    )


def is_latest(ind: Indicator) -> bool:
    """Whether the whole plan's figure is each country's latest value (a level)."""
    return ind.aggregation == Agg.LATEST or ind.unit == Unit.YES_NO


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


class _Sums:
    """Running sums of groups, to combine them without reading the values again."""

    def __init__(self) -> None:
        self.total: Decimal | None = None
        self.num: Decimal | None = None
        self.den: Decimal | None = None
        self.n = 0

    def add(self, total: Any, num: Any, den: Any, n: int) -> None:
        if total is not None:
            self.total = total if self.total is None else self.total + total
        if num is not None:
            self.num = num if self.num is None else self.num + num
        if den is not None:
            self.den = den if self.den is None else self.den + den
        self.n += n

    def row(self) -> dict[str, Any]:
        avg = self.total / self.n if self.n and self.total is not None else None
        return {"total": self.total, "num": self.num, "den": self.den, "avg": avg, "n": self.n}


def whole_plan(
    approved: QuerySet[Measurement], inds: list[Indicator]
) -> tuple[dict[int, Cell], dict[int, dict[int | None, Cell]]]:
    """Each indicator's whole-plan figure for the region, and per country (None: the values
    reported for the region as a whole), from its `approved` values. Two queries."""
    by_id = {i.pk: i for i in inds}
    region: dict[int, Cell] = {}
    per_country: dict[int, dict[int | None, Cell]] = defaultdict(dict)
    plain = [i.pk for i in inds if not is_latest(i)]
    if plain:
        sums: dict[int, _Sums] = defaultdict(_Sums)
        rows: Iterable[Mapping[str, Any]] = (
            approved.filter(indicator__in=plain)
            .values("indicator_id", "country_id")
            .annotate(**SUMS)
            .order_by()
        )
        for row in rows:
            pk = row["indicator_id"]
            per_country[pk][row["country_id"]] = group_cell(by_id[pk], row)
            sums[pk].add(row["total"], row["num"], row["den"], row["n"])
        region.update({pk: group_cell(by_id[pk], acc.row()) for pk, acc in sums.items()})
    levels = [i.pk for i in inds if is_latest(i)]
    if levels:
        latest: dict[int, _Sums] = defaultdict(_Sums)
        for m in (
            latest_values(approved.filter(indicator__in=levels))
            .order_by()
            .only("indicator_id", "country_id", "value", "numerator", "denominator")
        ):
            ind = by_id[m.indicator_id]
            value = ratio(m.numerator, m.denominator) if ind.unit == Unit.PERCENT else m.value
            per_country[m.indicator_id][m.country_id] = Cell(value, m.numerator, m.denominator, 1)
            latest[m.indicator_id].add(m.value, m.numerator, m.denominator, 1)
        region.update({pk: group_cell(by_id[pk], acc.row()) for pk, acc in latest.items()})
    return region, dict(per_country)
