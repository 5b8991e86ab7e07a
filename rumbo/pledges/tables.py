"""Pledges as tables (page, CSV, Excel) and the pledged-vs-delivered chart, through
`rumbo.core.tables` and `rumbo.core.charts`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rumbo.core import charts
from rumbo.core.i18n import field_values, pick
from rumbo.core.tables import Table

from .models import Pledge, PledgeUpdate
from .selectors import CurrencyTotal


def status_label(status: str | None) -> str:
    if status in PledgeUpdate.Status.values:
        return str(PledgeUpdate.Status(status).label)
    return _("Not reported")


def totals_table(totals: list[CurrencyTotal]) -> Table:
    return Table(
        caption=_("Pledged and delivered so far, per currency"),
        columns=[_("Currency"), _("Pledged"), _("Delivered"), _("Delivered (%)"), _("Pledges")],
        rows=[[t.currency, t.pledged, t.delivered, t.share, t.pledges] for t in totals],
        numeric={1, 2, 3, 4},
    )


def totals_charts(totals: list[CurrencyTotal]) -> list[tuple[str, SafeString]]:
    """One chart per currency (amounts in different currencies share no scale), with its
    title: a bar for what was pledged and one for what was delivered so far."""
    out = []
    for t in totals:
        title = _("Pledged and delivered so far in %(currency)s") % {"currency": t.currency}
        bars = [charts.Bar(_("Pledged"), t.pledged), charts.Bar(_("Delivered"), t.delivered)]
        out.append((title, charts.bar_chart(bars, title=title, unit=t.currency)))
    return out


def _text(record: Any, field: str) -> str:
    return pick(field_values(record, field))[0]


def pledges_table(pledges: Iterable[Pledge], caption: str) -> Table:
    """One row per pledge, as the viewer may see it (links already read through readers)."""
    rows = []
    for p in pledges:
        org = p.organisation
        rows.append(
            [
                p.pk,
                _text(p, "title"),
                _text(org, "name") if org is not None else "",
                p.pledged_on.isoformat(),
                p.ends_on.isoformat() if p.ends_on else "",
                p.amount,
                p.currency,
                getattr(p, "latest_delivered", None),
                _text(p, "in_kind"),
                status_label(getattr(p, "latest_status", None)),
                ", ".join(str(g.number) for g in p.gcm_objectives.all()),
            ]
        )
    return Table(
        caption=caption,
        columns=[
            _("Id"),
            _("Pledge"),
            _("Pledged by"),
            _("Date pledged"),
            _("To be fulfilled by"),
            _("Amount pledged"),
            _("Currency"),
            _("Delivered so far"),
            _("In kind"),
            _("Progress"),
            _("Global Compact objectives"),
        ],
        rows=rows,
        numeric={0, 5, 7},
    )
