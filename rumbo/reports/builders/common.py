"""What every report kind shares: looking records up as the reader sees them (a record the
reader may not see is reported exactly like one that does not exist), content fields in the
report's language with their fallback, and the activity tables of the tracking matrix."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.http import Http404
from django.utils.translation import gettext as _

from rumbo.core.i18n import field_values, pick
from rumbo.core.tables import Table
from rumbo.indicators.dashboards import plan_name, text
from rumbo.organisations.models import Body, Organisation
from rumbo.organisations.selectors import get_body_for
from rumbo.plans.models import Plan
from rumbo.plans.selectors import get_plan_for
from rumbo.tracking.matrix import MatrixFilters, MatrixRow, matrix_queryset, rows

from ..content import Paragraph
from ..params import ReportError

T = TypeVar("T")

__all__ = ["activity_table", "found", "paragraph", "plan_name", "text"]


def found(lookup: Callable[..., T], reader: Any, key: str, what: str) -> T:
    """`lookup(reader, key)`; a record the reader may not see, like a missing one, is a
    ReportError naming only what was asked for."""
    try:
        return lookup(reader, key)
    except Http404:
        raise ReportError(f"no {what} {key!r} (or not visible to this reader)") from None


def plan_for(reader: Any, code: str) -> Plan:
    return found(get_plan_for, reader, code, "plan")


def body_for(reader: Any, code: str) -> Body:
    return found(get_body_for, reader, code, "body")


def paragraph(obj: Any, field: str) -> Paragraph | None:
    """A content field in the active language, or the other one marked as pending; None when
    neither has text."""
    value, fallback = pick(field_values(obj, field))
    return Paragraph(value, fallback) if value else None


def org_name(org: Organisation) -> str:
    return text(org, "acronym") or text(org, "name")


def matrix_rows(reader: Any, filters: MatrixFilters) -> Iterable[MatrixRow]:
    return rows(reader, matrix_queryset(reader, filters))


def activity_table(found_rows: Iterable[MatrixRow], caption: str, *, with_plan: bool) -> Table:
    """The tracking matrix's columns (2019–2022 Strategic Plan §4.2/§4.3) for these rows."""
    columns = [_("Code"), _("Activity"), _("Responsible party"), _("Deadline"), _("Status")]
    columns += [_("Working group"), _("Overdue")]
    if with_plan:
        columns.insert(0, _("Plan"))
    out = []
    for row in found_rows:
        act = row.activity
        group = act.working_group  # None when the reader may not see it (matrix.rows)
        cells: list[Any] = [
            act.code,
            text(act, "title"),
            row.responsible_text(org_name),
            act.end_label,  # (the matrix reads only its own columns: see ROW_FIELDS)
            str(act.get_status_display()),
            text(group, "name") if group else "",
            _("Yes") if row.overdue else "",
        ]
        out.append([plan_name(act.plan), *cells] if with_plan else cells)
    return Table(caption, columns, out)
