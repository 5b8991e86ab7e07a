"""Results in the IATI file: expected results, indicators, baselines, and by
period the targets and the approved figures with their dimensions (country, sex...)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from rumbo.indicators import periods
from rumbo.indicators.aggregation import Figure
from rumbo.indicators.cell import Cell
from rumbo.indicators.models import ExpectedResult, Indicator

from . import codes
from .selectors import PlanExport
from .writing import Element, Texts, narratives, number, sub, texts, translated


def results(el: Element, export: PlanExport, indicators: list[Indicator]) -> None:
    """The expected results (each with its indicators), then each indicator tied to no
    result as a result of its own."""
    grouped: dict[int, tuple[ExpectedResult, list[Indicator]]] = {}
    loose: list[Indicator] = []
    for ind in indicators:
        if ind.result is not None:
            grouped.setdefault(ind.result.pk, (ind.result, []))[1].append(ind)
        else:
            loose.append(ind)
    ordered = sorted(grouped.values(), key=lambda g: (g[0].order, g[0].pk))
    for result, inds in ordered:
        _result(el, export, texts(result, "text"), inds)
    for ind in loose:
        _result(el, export, texts(ind, "name"), [ind])


def _result(el: Element, export: PlanExport, title: Texts, inds: list[Indicator]) -> None:
    kinds = {ind.kind for ind in inds}
    kind = codes.RESULT_TYPE[kinds.pop()] if len(kinds) == 1 else codes.OTHER_RESULT
    result = sub(el, "result", type=kind)
    narratives(sub(result, "title"), title)
    for ind in inds:
        _indicator(result, export, ind)


def _indicator(result: Element, export: PlanExport, ind: Indicator) -> None:
    attrs = {"measure": codes.MEASURE[ind.unit]}
    if ind.unit not in (Indicator.Unit.TEXT, Indicator.Unit.YES_NO):
        attrs["ascending"] = "1" if ind.direction == Indicator.Direction.INCREASE else "0"
    el = sub(result, "indicator", **attrs)
    narratives(sub(el, "title"), texts(ind, "name"))
    verification = texts(ind, "means_of_verification")
    if verification:
        narratives(sub(el, "description"), verification)
    plan = export.plan
    if ind.baseline_value is not None:
        day = ind.baseline_date
        baseline = sub(
            el,
            "baseline",
            year=str(day.year if day else plan.period_start),
            **({"iso-date": day.isoformat()} if day else {}),
            value=number(ind.baseline_value),
        )
        if day is None:
            note = translated(lambda: _("Year not recorded: the plan's first year."))
            narratives(sub(baseline, "comment"), note)
    region = export.figures.get(ind.pk)
    by_country = export.country_figures.get(ind.pk, [])
    for code in _period_codes(region, by_country):
        targets = list(_targets(code, region, by_country))
        actuals = list(_actuals(code, export, region, by_country))
        if not targets and not actuals:
            continue
        span = periods.parse(code, plan_years=(plan.period_start, plan.period_end))
        period = sub(el, "period")
        sub(period, "period-start", **{"iso-date": span.start.isoformat()})
        sub(period, "period-end", **{"iso-date": span.end.isoformat()})
        for name, value, dims in [*targets, *actuals]:
            item = sub(period, name, value=value)
            for dim, category in dims:
                sub(item, "dimension", name=dim, value=category)


Figures = list[tuple[str, Figure]]
Item = tuple[str, str, list[tuple[str, str]]]  # (target|actual, value, [(dimension, category)])


def _period_codes(region: Figure | None, by_country: Figures) -> list[str]:
    found: set[str] = set()
    for fig in [*([region] if region else []), *(f for _c, f in by_country)]:
        found |= set(fig.targets) | set(fig.region)
        for cats in fig.breakdown.values():
            for cells in cats.values():
                found |= set(cells)
    return sorted(found, key=periods.sort_key)


def _targets(code: str, region: Figure | None, by_country: Figures) -> Iterable[Item]:
    if region and code in region.targets:
        yield "target", number(region.targets[code]), []
    for country, fig in by_country:
        if code in fig.targets:
            yield "target", number(fig.targets[code]), [("country", country)]


def _actuals(
    code: str, export: PlanExport, region: Figure | None, by_country: Figures
) -> Iterable[Item]:
    """The region's figure, then its breakdown, then each country's figure and breakdown:
    the figures Rumbo's pages show, from approved values only."""
    places: list[tuple[list[tuple[str, str]], Figure]] = [([], region)] if region else []
    places += [([("country", country)], fig) for country, fig in by_country]
    for where, fig in places:
        figure = _value(fig.region.get(code))
        if figure is not None:
            yield "actual", figure, where
        for dim, category, cells in _breakdown(fig, export):
            part = _value(cells.get(code))
            if part is not None:
                yield "actual", part, [*where, (dim, category)]


def _breakdown(fig: Figure, export: PlanExport) -> list[tuple[str, str, dict[str, Cell]]]:
    """A figure's breakdown, dimensions and categories in their own order."""
    order = export.categories
    rows = [
        (dim, category, cells)
        for dim, cats in fig.breakdown.items()
        for category, cells in cats.items()
    ]

    def key(row: tuple[str, str, dict[str, Cell]]) -> tuple[int, str, int, str]:
        dim_order, cat_order = order.get(row[0], (0, {}))
        return (dim_order, row[0], cat_order.get(row[1], 0), row[1])

    return sorted(rows, key=key)


def _value(cell: Cell | None) -> str | None:
    return None if cell is None or cell.value is None else number(cell.value)
