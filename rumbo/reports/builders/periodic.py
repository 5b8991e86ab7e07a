"""The reports that fall due: the secretariat's semi-annual report to the GRCM (SP 2023–2026)
and the Presidency Pro-Tempore's annual report (SP 2019–2022 §4.2: a) commitments achieved, in
progress and pending; b) a balance of the work done; c) recommendations and next steps). The
status counts at the end of the period are the semi-annual summary's
(rumbo.tracking.summary), worked out by the date of the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from rumbo.core.tables import Table, active_language, format_number
from rumbo.indicators.dashboards import STATUSES
from rumbo.meetings.models import Meeting
from rumbo.meetings.selectors_agreements import agreements_for
from rumbo.plans.models import Activity, Plan
from rumbo.plans.selectors import plans_for
from rumbo.tracking.matrix import MatrixFilters
from rumbo.tracking.summary import SemiannualFigures, StatusCounts, semiannual_figures

from ..content import Facts, Paragraph, ReportContent, Section, TableBlock
from ..params import ReportError, ReportParams
from .common import activity_table, body_for, matrix_rows, plan_for, plan_name
from .meetings import follow_up_table, meetings_between, meetings_table
from .plan import add_indicators

S = Activity.Status


def commitment_labels() -> dict[str, str]:
    """The statuses as the semi-annual summary page names commitments."""
    return {
        S.FINISHED: pgettext("commitments", "Finished"),
        S.IN_PROGRESS: pgettext("commitments", "In progress"),
        S.NOT_STARTED: pgettext("commitments", "Pending (not started)"),
        S.NOT_ACHIEVED: pgettext("commitments", "Not achieved"),
        S.CANCELLED: pgettext("commitments", "Cancelled"),
        S.NOT_REPORTED: pgettext("commitments", "Not reported"),
    }


def _percent(counts: StatusCounts) -> Any:
    value = counts.percent_finished
    return _("not computable") if value is None else value


def counts_table(figures: SemiannualFigures, caption: str, *, by_group: bool) -> Table:
    labels = commitment_labels()
    first = _("Working group") if by_group else _("Plan")
    columns = [first, *(str(labels[s]) for s in STATUSES), _("Total"), _("Finished (%)")]
    lang_rows = []
    for row in figures.by_group if by_group else figures.by_plan:
        if by_group and row.code == "":
            name = _("No working group")
        elif by_group and row.code == "?":
            name = _("Other groups")  # groups the reader may not see are not named
        else:
            name = row.label.get(active_language()) or row.label.get("es") or row.code
        counts = row.counts
        lang_rows.append(
            [name, *(getattr(counts, s) for s in STATUSES), counts.total, _percent(counts)]
        )
    n = len(columns)
    return Table(caption, columns, lang_rows, numeric=set(range(1, n)), percent={n - 1})


def _totals(figures: SemiannualFigures) -> Facts:
    t = figures.totals
    percent = t.percent_finished
    labels = commitment_labels()
    return Facts(
        [
            (_("Commitments"), str(t.total)),
            *((labels[s], str(getattr(t, s))) for s in STATUSES),
            (
                _("Finished (%)"),
                _("not computable")
                if percent is None
                else format_number(percent, active_language(), percent=True),
            ),
        ]
    )


def _period_label(first: dt.date, last: dt.date) -> str:
    return f"{date_format(first, 'DATE_FORMAT')} – {date_format(last, 'DATE_FORMAT')}"


def _meetings_and_agreements(reader: Any, section: Section, first: dt.date, last: dt.date) -> None:
    held = meetings_between(reader, first, last).filter(status=Meeting.Status.HELD)
    table = meetings_table(held, _("Meetings held"))
    section.add(TableBlock(table) if table.rows else Paragraph(_("No meetings held."), note=True))
    adopted = agreements_for(reader).filter(
        meeting__start_date__gte=first, meeting__start_date__lte=last
    )
    follow = follow_up_table(
        reader, adopted.order_by("meeting__start_date", "order", "id"), _("Agreements adopted")
    )
    section.add(
        TableBlock(follow) if follow.rows else Paragraph(_("No agreements adopted."), note=True)
    )


def build_semiannual(reader: Any, params: ReportParams, content: ReportContent) -> None:
    period = params.period
    if period is None or period.half is None:  # params.check refuses it first
        raise ReportError("a semiannual report needs a semester: --period YYYY-H1 or YYYY-H2")
    figures = semiannual_figures(reader, period.year, period.half, plan_code=params.plan or None)
    content.title = _("Semi-annual report to the GRCM")
    content.subtitle = _("%(period)s (%(dates)s)") % {
        "period": _("First semester %(year)s") % {"year": period.year}
        if period.half == 1
        else _("Second semester %(year)s") % {"year": period.year},
        "dates": _period_label(figures.start, figures.end),
    }
    summary = content.section(_("Summary"))
    summary.add(
        Paragraph(
            _("Status of the commitments at the end of the semester, by the date of the work.")
        )
    )
    summary.add(_totals(figures))
    commitments = content.section(_("Commitments"))
    commitments.add(TableBlock(counts_table(figures, _("Commitments by plan"), by_group=False)))
    commitments.add(
        TableBlock(counts_table(figures, _("Commitments by working group"), by_group=True))
    )
    _meetings_and_agreements(
        reader, content.section(_("Meetings and agreements")), figures.start, figures.end
    )


def _ppt_plans(reader: Any, params: ReportParams, year: int) -> list[Plan]:
    if params.plan:
        return [plan_for(reader, params.plan)]
    qs = plans_for(reader).filter(
        kind=Plan.Kind.PPT_ANNUAL, period_start__lte=year, period_end__gte=year
    )
    if params.body:
        qs = qs.filter(owner_body=body_for(reader, params.body))
    return list(qs.order_by("code"))


def build_ppt_annual(reader: Any, params: ReportParams, content: ReportContent) -> None:
    period = params.period
    if period is None:  # params.check refuses it first
        raise ReportError("a ppt-annual report needs --period")
    if period.half is not None:
        raise ReportError("a ppt-annual report covers a year: --period YYYY")
    year = period.year
    plans = _ppt_plans(reader, params, year)
    content.title = _("Annual report of the Presidency Pro-Tempore")
    content.subtitle = str(year)
    if params.body:
        body = body_for(reader, params.body)
        content.subtitle = f"{body} — {year}"
    # a) commitments achieved, in progress and pending, at the end of the year.
    achieved = content.section(_("a) Commitments achieved, in progress and pending"))
    if not plans:
        achieved.add(Paragraph(_("No annual plan of the Presidency for this year."), note=True))
    rows_by_status: dict[str, list[Any]] = {}
    for plan in plans:
        figures = semiannual_figures(reader, year, 2, plan_code=plan.code)
        sub = achieved.sub(plan_name(plan))
        sub.add(_totals(figures))
        for row in matrix_rows(reader, MatrixFilters(plan=plan.code, sort="code")):
            rows_by_status.setdefault(row.activity.status, []).append(row)
    headings = [
        (S.FINISHED, _("Achieved")),
        (S.IN_PROGRESS, _("In progress")),
        (S.NOT_STARTED, _("Pending")),
    ]
    for status, heading in headings:
        table = activity_table(rows_by_status.get(status, []), heading, with_plan=len(plans) > 1)
        if table.rows:
            achieved.add(TableBlock(table))
    # b) a balance of the work done.
    balance = content.section(_("b) Balance of the work done"))
    _meetings_and_agreements(reader, balance, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if plans:
        add_indicators(balance.sub(_("Indicators")), reader, plans)
    # c) recommendations and next steps.
    steps = content.section(_("c) Recommendations and next steps"))
    steps.add(
        Paragraph(_("The Presidency Pro-Tempore writes its recommendations here."), note=True)
    )
    still_open = rows_by_status.get(S.IN_PROGRESS, []) + rows_by_status.get(S.NOT_STARTED, [])
    table = activity_table(still_open, _("Commitments still open"), with_plan=len(plans) > 1)
    if table.rows:
        steps.add(TableBlock(table))
