"""What the matrix page shows of each row: the columns a person chose (or the defaults, which
fit a 1366 px screen), and the sortable headers. All of it lives in the query string, so it
works without JavaScript and a shared link, the pager and the export keep it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .matrix import MatrixFilters


@dataclass(frozen=True)
class PageColumn:
    key: str
    label: Promise
    sort: str = ""  # the `sort` value this header orders by; "" when it does not
    default: bool = False


# In the order of the 2019–2022 Strategic Plan's matrix (§4.2/§4.3), then plan data. The
# defaults are the columns people read the matrix for; the long texts are one click away.
PAGE_COLUMNS = [
    PageColumn("plan", _("Plan"), sort="plan", default=True),
    PageColumn("pillar", _("Pillar / line")),
    PageColumn("topic", _("Topic"), default=True),
    PageColumn("activity", _("Activity"), sort="code", default=True),
    PageColumn("indicators", _("Result / impact indicators")),
    PageColumn("responsible", _("Responsible party"), default=True),
    PageColumn("deadline", _("Deadline"), sort="deadline", default=True),
    PageColumn("status", _("Status"), sort="status", default=True),
    PageColumn("assumptions", _("Assumptions or risks")),
    PageColumn("group", _("Working group"), sort="group", default=True),
    PageColumn("budget", _("Budget")),
]
BY_KEY = {c.key: c for c in PAGE_COLUMNS}
DEFAULT_COLUMNS = [c.key for c in PAGE_COLUMNS if c.default]
# The activity names the row: it is always shown.
ALWAYS = {"activity"}


@dataclass
class Header:
    column: PageColumn
    url: str  # "" when the column does not sort
    aria_sort: str  # "ascending" | "descending" | ""
    next_is_descending: bool

    @property
    def key(self) -> str:
        return self.column.key

    @property
    def label(self) -> Promise:
        return self.column.label


@dataclass
class Layout:
    shown: list[str]
    headers: list[Header]
    choices: list[tuple[PageColumn, bool]]  # every column, and whether it is shown
    # {column: shown?}, worked out once: one lookup per cell, the cheapest way for the
    # template to lay out hundreds of rows.
    show: dict[str, bool]

    @property
    def width(self) -> int:
        return len(self.shown)


def chosen_columns(query: QueryDict) -> list[str]:
    """The columns asked for (`cols`, repeated), in the page's order; the defaults when
    none is valid."""
    asked = set(query.getlist("cols")) & BY_KEY.keys()
    if not asked:
        return list(DEFAULT_COLUMNS)
    return [c.key for c in PAGE_COLUMNS if c.key in asked | ALWAYS]


def layout(query: QueryDict, filters: MatrixFilters) -> Layout:
    shown = chosen_columns(query)
    headers = []
    for key in shown:
        column = BY_KEY[key]
        if not column.sort:
            headers.append(Header(column, "", "", False))
            continue
        current = filters.sort == column.sort
        descending = current and not filters.descending
        params = query.copy()
        params.pop("page", None)
        params["sort"] = column.sort
        if descending:
            params["desc"] = "on"
        else:
            params.pop("desc", None)
        aria = ("descending" if filters.descending else "ascending") if current else ""
        headers.append(Header(column, "?" + params.urlencode(), aria, descending))
    show = {c.key: c.key in shown for c in PAGE_COLUMNS}
    return Layout(shown, headers, [(c, show[c.key]) for c in PAGE_COLUMNS], show)
