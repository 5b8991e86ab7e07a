"""The plan progress report: where a plan stands (status counts, % finished, what is overdue),
its activities as the tracking matrix lists them, and its indicators (target against actual by
period, by country and by sex), all as the reader may see them. The figures, charts and tables
are the dashboards' own (rumbo.indicators.dashboards)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from rumbo.core.tables import Table
from rumbo.indicators.aggregation import overview
from rumbo.indicators.dashboards import (
    ActivityFigures,
    activity_figures,
    overview_indicators,
    overview_table,
    panels,
    plan_indicators,
    status_chart,
)
from rumbo.plans.models import Plan
from rumbo.plans.selectors import activities_queryset
from rumbo.tracking.matrix import MatrixFilters

from ..content import ChartBlock, Facts, Paragraph, ReportContent, Section, TableBlock
from ..params import ReportParams
from .common import activity_table, matrix_rows, paragraph, plan_for, plan_name, text


def add_activities(section: Section, figures: ActivityFigures, caption: str) -> None:
    """Status counts as a chart and its table, with % finished and overdue as facts."""
    chart = status_chart(figures, caption)
    section.add(
        Facts(
            [
                (_("Activities"), str(figures.counts.total)),
                (_("Finished (%)"), figures.percent_finished),
                (_("Overdue (open and past their end)"), str(figures.overdue)),
            ]
        )
    )
    if chart.svg:
        section.add(ChartBlock(str(chart.svg), chart.table))
    else:
        section.add(TableBlock(chart.table))


def add_indicators(section: Section, reader: Any, plans: list[Plan] | Plan) -> None:
    """The overview of every indicator, then each one in full (facts, and its charts: target
    and actual by period, by country, by sex)."""
    found = list(plan_indicators(reader, plans))
    if not found:
        section.add(Paragraph(_("No indicators."), note=True))
        return
    figs = overview(reader, overview_indicators(reader, plans))
    section.add(
        TableBlock(overview_table(figs, _("Indicators"), with_plan=not isinstance(plans, Plan)))
    )
    for panel in panels(reader, found):
        ind = panel.indicator
        sub = section.sub(f"{ind.code} {text(ind, 'name')}")
        sub.add(Facts(panel.facts))
        for chart in panel.charts:
            sub.add(
                ChartBlock(str(chart.svg), chart.table) if chart.svg else TableBlock(chart.table)
            )


def build_plan(reader: Any, params: ReportParams, content: ReportContent) -> None:
    plan = plan_for(reader, params.plan)
    content.title = _("Plan progress report")
    content.subtitle = f"{plan_name(plan)} ({plan.period_label})"
    about = content.section(_("The plan"))
    about.add(
        Facts(
            [
                (_("Plan"), plan_name(plan)),
                (_("Code"), plan.code),
                (_("Kind"), str(plan.get_kind_display())),
                (_("Period"), plan.period_label),
                (_("Status"), str(plan.get_status_display())),
            ]
        )
    )
    described = paragraph(plan, "description")
    if described:
        about.add(described)
    acts = activity_figures(reader, activities_queryset(reader).filter(plan=plan))[None]
    add_activities(
        content.section(_("Progress of the activities")), acts, _("Activities by status")
    )
    listed = content.section(_("Activities"))
    table: Table = activity_table(
        matrix_rows(reader, MatrixFilters(plan=plan.code, sort="code")),
        _("Activities"),
        with_plan=False,
    )
    listed.add(TableBlock(table) if table.rows else Paragraph(_("No activities."), note=True))
    add_indicators(content.section(_("Indicators")), reader, plan)
