"""A member country's report: its commitments (as responsible party) and where they stand,
the values it reported, those missing, and its follow-up of the agreements, as the reader may
see them. The tables are the country page's (rumbo.indicators.dashboards_country)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from rumbo.core.tables import Table
from rumbo.indicators.dashboards import activity_figures
from rumbo.indicators.dashboards_country import commitments_of, country_table, get_country_for
from rumbo.meetings.models_agreements import FollowUp
from rumbo.meetings.selectors_agreements import country_follow_up

from ..content import Paragraph, ReportContent, TableBlock
from ..params import ReportParams
from .common import found, text
from .plan import add_activities


def build_country(reader: Any, params: ReportParams, content: ReportContent) -> None:
    country = found(get_country_for, reader, params.country, "member country")
    content.title = _("Country report")
    content.subtitle = text(country, "name")
    figures = activity_figures(reader, commitments_of(reader, country))[None]
    add_activities(content.section(_("Commitments")), figures, _("Commitments by status"))
    listed = country_table(reader, country, "commitments")
    content.section(_("Commitments of the country")).add(_table_or(listed, _("No commitments.")))
    values = content.section(_("Indicators"))
    values.add(_table_or(country_table(reader, country, "values"), _("No values reported.")))
    values.add(_table_or(country_table(reader, country, "missing"), _("No values missing.")))
    follow = country_follow_up(reader, country)
    labels = dict(FollowUp.Status.choices)
    counts = Table(
        _("Follow-up of the agreements"),
        [_("Status"), _("Agreements")],
        [[str(labels[s]), n] for s, n in follow.counts.items()] + [[_("Total"), follow.total]],
        numeric={1},
    )
    content.section(_("Follow-up of the agreements")).add(TableBlock(counts))


def _table_or(table: Table, empty: str) -> TableBlock | Paragraph:
    return TableBlock(table) if table.rows else Paragraph(f"{table.caption}: {empty}", note=True)
