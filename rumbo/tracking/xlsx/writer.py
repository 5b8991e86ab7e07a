"""Writes the matrix to .xlsx in constant memory, row by row, as it is read from the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.utils import translation

from rumbo.core.i18n import pick
from rumbo.core.tables import safe_workbook
from rumbo.plans.models import Activity

from ..matrix import MatrixRow
from .columns import COLUMNS, FORMAT_NAME, FORMAT_VERSION, META_SHEET, header_labels
from .values import status_labels

KEYS = [c.key for c in COLUMNS]
COL = {key: i for i, key in enumerate(KEYS)}
BUDGET = COL["budget"]


@dataclass(frozen=True)
class GivenAs:
    """A date given as a month or a year ("Julio de 2023"): written as that date, shown as
    the month or the year, so that nobody reads a day the plan never gave. Read back unchanged,
    it is the same date, and the activity keeps its precision."""

    day: dt.date
    precision: str


LAST_ROW = 1_048_575


def _element_label(element: Any, lang: str) -> str:
    if element is None:
        return ""
    title, _ = pick({"es": element.title_es, "en": element.title_en}, lang)
    return f"{element.code} {title}".strip()


class Names:
    """str() of the organisations and working groups a workbook names, worked out once
    each: thousands of rows name the same few dozen, and one workbook is written in one
    active language."""

    def __init__(self) -> None:
        self.known: dict[tuple[type, Any], str] = {}

    def __call__(self, obj: Any) -> str:
        key = (type(obj), obj.pk)
        name = self.known.get(key)
        if name is None:
            name = self.known[key] = str(obj)
        return name


def row_values(
    row: MatrixRow, lang: str, status_labels: dict[str, str], *, name: Callable[[Any], str] = str
) -> list[Any]:
    """The cells of one matrix row, in column order (None for an empty cell). `name` gives
    an organisation's or group's name (`Names()` to reuse them across rows)."""
    act = row.activity

    def text(name: str) -> str:
        return pick({"es": getattr(act, f"{name}_es"), "en": getattr(act, f"{name}_en")}, lang)[0]

    topic = _element_label(row.topic, lang)
    if row.linked:
        linked = "; ".join(_element_label(el, lang) for el in row.linked)
        topic = f"{topic} [{linked}]" if topic else linked
    return [
        act.plan.code,
        _element_label(row.pillar, lang),
        topic,
        act.code,
        text("title"),
        text("indicators"),
        row.responsible_text(name),
        act.plan_year,
        GivenAs(act.end_date, act.end_precision)
        if act.end_date and act.end_precision != Activity.Precision.DAY
        else act.end_date,
        status_labels[act.status],
        text("assumptions_risks"),
        name(act.working_group) if act.working_group else "",
        row.budget_total,
        row.budget_currency,
        str(act.pk),
        act.version,
    ]


class MatrixWorkbook:
    """One matrix sheet with a frozen, bold header, validation lists for status and deadline
    year, hidden id and version columns, and a hidden sheet naming the format."""

    def __init__(self, target: str | IO[bytes], *, lang: str, max_years: int = 5) -> None:
        self.lang = lang
        self.labels = status_labels(lang)
        self.book = safe_workbook(target)
        with translation.override(lang):
            from django.utils.translation import gettext

            sheet_name = gettext("Matrix")
        self.sheet = self.book.add_worksheet(sheet_name[:31])
        self.header = self.book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DCE6EE", "border": 1}
        )
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.given_as: dict[str, Any] = {
            Activity.Precision.MONTH: self.book.add_format({"num_format": "mmmm yyyy"}),
            Activity.Precision.YEAR: self.book.add_format({"num_format": "yyyy"}),
        }
        self.money = self.book.add_format({"num_format": "#,##0.00"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        for i, column in enumerate(COLUMNS):
            options = {"hidden": True} if column.hidden else {}
            fmt = self.wrap if column.width >= 28 else None
            self.sheet.set_column(i, i, column.width, fmt, options)
        self.sheet.freeze_panes(1, 0)
        self.sheet.write_row(0, 0, header_labels(lang), self.header)
        self.sheet.data_validation(
            1,
            COL["status"],
            LAST_ROW,
            COL["status"],
            {"validate": "list", "source": list(self.labels.values())},
        )
        self.sheet.data_validation(
            1,
            COL["year"],
            LAST_ROW,
            COL["year"],
            {"validate": "list", "source": [str(y) for y in range(1, max_years + 1)]},
        )
        self.sheet.data_validation(
            1,
            COL["deadline"],
            LAST_ROW,
            COL["deadline"],
            {"validate": "date", "criteria": ">", "value": dt.date(1990, 1, 1)},
        )
        self.rows = 0

    def add(self, values: list[Any]) -> None:
        r = self.rows + 1
        write = self.sheet
        for c, value in enumerate(values):
            # Most cells are plain text or whole numbers: those are written first, without
            # running every value through the type tests below (same result either way).
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                if c == BUDGET:
                    write.write_number(r, c, float(value), self.money)
                else:
                    write.write_string(r, c, value)
            elif kind is int:
                write.write_number(r, c, value)
            else:
                self._add_other(r, c, value)
        self.rows = r

    def _add_other(self, r: int, c: int, value: Any) -> None:
        write = self.sheet
        if value is None or value == "":
            return
        if isinstance(value, dt.date):
            write.write_datetime(r, c, dt.datetime.combine(value, dt.time()), self.date)
        elif isinstance(value, GivenAs):
            moment = dt.datetime.combine(value.day, dt.time())
            write.write_datetime(r, c, moment, self.given_as[value.precision])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            write.write_number(r, c, value)
        elif c == BUDGET:
            write.write_number(r, c, float(value), self.money)
        else:
            write.write_string(r, c, str(value))

    def close(self) -> None:
        meta = self.book.add_worksheet(META_SHEET)
        meta.write_row(0, 0, ["format", FORMAT_NAME])
        meta.write_row(1, 0, ["version", FORMAT_VERSION])
        meta.write_row(2, 0, ["language", self.lang])
        meta.write_row(3, 0, ["rows", self.rows])
        meta.hide()
        self.sheet.activate()
        self.book.close()


def write_matrix(
    target: str | IO[bytes], rows: Iterable[MatrixRow], *, lang: str, max_years: int = 5
) -> int:
    """Write the rows; return how many were written."""
    book = MatrixWorkbook(target, lang=lang, max_years=max_years)
    labels, names = book.labels, Names()
    # Organisation and group names follow the workbook's language, not the caller's.
    with translation.override(lang):
        for row in rows:
            book.add(row_values(row, lang, labels, name=names))
    book.close()
    return book.rows
