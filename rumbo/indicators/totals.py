"""The stored whole-plan figures (`models.IndicatorTotal`): rebuilt here, read here.

`refresh` runs inside the transaction of every service that changes what counts: approving a
value, correcting an approved one, changing how an indicator combines its values. It computes
with the same rules as the live figures (`aggregation.whole_plan`), so that a stored figure is
always the one a fresh computation would give (a test compares them after each kind of
change)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from rumbo.core.numbers import plain

from .cell import Cell
from .combining import whole_plan
from .models import Indicator, IndicatorTotal, Measurement

CHUNK = 500  # indicators per pass (bounded IN lists and memory)


def refresh(indicator_ids: Iterable[int]) -> None:
    """Recompute the stored figures of these indicators from their approved values. Internal:
    derived data, read back only for indicators the reader may see."""
    ids = sorted(set(indicator_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        inds = [
            i for i in Indicator.objects.filter(pk__in=chunk).order_by("pk") if not i.is_computed
        ]
        approved = Measurement.objects.approved().filter(indicator__in=[i.pk for i in inds])
        region, per_country = whole_plan(approved, inds)
        rows = [_row(pk, cell, combined=True, country_id=None) for pk, cell in region.items()] + [
            _row(pk, cell, combined=False, country_id=country_id)
            for pk, countries in per_country.items()
            for country_id, cell in countries.items()
        ]
        IndicatorTotal.objects.filter(indicator__in=chunk).delete()
        IndicatorTotal.objects.bulk_create(rows, batch_size=1000)


def fill_missing() -> None:
    """Store the figures of every indicator with approved values and no figure stored."""
    counted = Measurement.objects.approved().values("indicator_id")
    stored = IndicatorTotal.objects.filter(combined=True).values("indicator_id")
    missing = (
        Indicator.objects.filter(pk__in=counted).exclude(pk__in=stored).values_list("pk", flat=True)
    )
    refresh(list(missing))


def _row(pk: int, cell: Cell, *, combined: bool, country_id: int | None) -> IndicatorTotal:
    return IndicatorTotal(
        indicator_id=pk,
        combined=combined,
        country_id=country_id,
        value=cell.value,
        numerator=cell.numerator,
        denominator=cell.denominator,
        reporting=cell.reporting,
    )


def _cell(row: IndicatorTotal) -> Cell:
    return Cell(plain(row.value), plain(row.numerator), plain(row.denominator), row.reporting)


def _visible(user: Any, indicator_ids: list[int]) -> QuerySet[IndicatorTotal]:
    """The stored figures of those of these indicators the person may see (the callers have
    read them through `indicators_for` already; the rule is applied here again all the same)."""
    visible = Indicator.objects.visible_to(user).filter(pk__in=indicator_ids)
    return IndicatorTotal.objects.filter(indicator__in=visible)


def whole_plan_figures(
    user: Any, indicator_ids: list[int], *, country_id: int | None = None
) -> dict[int, Cell]:
    """Each indicator's whole-plan figure for the region, or for one country (absent: nothing
    approved yet)."""
    rows = _visible(user, indicator_ids)
    if country_id is None:
        rows = rows.filter(combined=True)
    else:
        rows = rows.filter(combined=False, country_id=country_id)
    return {row.indicator_id: _cell(row) for row in rows}


def countries_figures(user: Any, indicator_ids: list[int]) -> dict[int, dict[int | None, Cell]]:
    """Each indicator's whole-plan figure per country (None: values reported for the region
    as a whole)."""
    out: dict[int, dict[int | None, Cell]] = {}
    for row in _visible(user, indicator_ids).filter(combined=False):
        out.setdefault(row.indicator_id, {})[row.country_id] = _cell(row)
    return out
