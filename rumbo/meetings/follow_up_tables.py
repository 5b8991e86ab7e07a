"""The follow-up grid as people read it: each status with a symbol and its name (never colour
alone), and as a table to download (CSV, Excel) through `rumbo.core.tables`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rumbo.core.tables import Table

from .models_agreements import Agreement, FollowUp
from .selectors_agreements import Cell, Grid

S = FollowUp.Status
SYMBOLS = {
    S.NOT_REPORTED: "?",
    S.NONE: "○",
    S.IN_PROGRESS: "◐",
    S.IMPLEMENTED: "●",
}


@dataclass(frozen=True)
class Mark:
    value: str
    symbol: str
    label: str


def status_mark(status: str) -> Mark:
    """The symbol and name of a status ("" or unknown: not reported)."""
    value = S(status) if status in S.values else S.NOT_REPORTED
    return Mark(value.value, SYMBOLS[value], str(value.label))


def legend() -> list[Mark]:
    return [status_mark(value) for value in S.values]


def grid_cells_html(grid: Grid) -> list[tuple[Agreement, SafeString]]:
    """Each agreement of the grid with its row of cells as HTML: the status's symbol (hidden
    from screen readers) and its name (for them only; the legend names the symbols). Built
    here rather than in the template: a page of 35 countries has over a thousand cells and
    four kinds of them. The dates are on each agreement's page and each country's."""
    made: dict[str, SafeString] = {}

    def cell(found: Cell | None) -> SafeString:
        status = found.status if found else ""
        if status not in made:
            mark = status_mark(status)
            made[status] = format_html(
                '<td><span aria-hidden="true">{}</span><span class="sr">{}</span></td>',
                mark.symbol,
                mark.label,
            )
        return made[status]

    rows = []
    for agreement, cells in grid.rows():
        parts = [cell(found) for _country, found in cells]
        rows.append((agreement, format_html("{}" * len(parts), *parts)))  # one call a row
    return rows


def grid_table(grid: Grid, caption: str) -> Table:
    """Agreements as rows, countries as columns, each cell the status's symbol and name."""
    columns = [_("Meeting"), _("Agreement"), _("Kind"), _("Text")]
    columns += [str(c) for c in grid.countries]
    rows = []
    for agreement, cells in grid.rows():
        row: list[object] = [
            str(agreement.meeting),
            agreement.code,
            agreement.get_kind_display(),
            agreement.text,
        ]
        for _country, cell in cells:
            mark = status_mark(cell.status if cell else "")
            row.append(f"{mark.symbol} {mark.label}")
        rows.append(row)
    return Table(caption=caption, columns=columns, rows=rows)
