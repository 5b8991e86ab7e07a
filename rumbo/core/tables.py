"""Data tables: the numbers behind a chart, shown as an HTML table and downloaded as CSV or
Excel.

A `Table` holds raw values (numbers as Decimal, int or float; None for no data). The page shows
them as the active language writes numbers; the files keep them machine-readable: CSV with a
point as decimal mark and no grouping, Excel with real numbers. Text is never turned into a
formula, a date or a number on the way out."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import get_language

from .numbers import format_decimal

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def active_language() -> str:
    """The active language as Rumbo writes numbers: "en" or "es" (the default)."""
    return "en" if (get_language() or "es").lower().startswith("en") else "es"


def to_decimal(value: Any) -> Decimal | None:
    """`value` as a finite Decimal; None for None, NaN, infinity and what is not a number.
    Floats go through their shortest repr, so 0.1 stays 0.1."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))  # "nan" and "inf" read as themselves, refused below
    else:
        return None
    return number if number.is_finite() else None


def format_number(
    value: Any, lang: str, *, places: int | None = None, percent: bool = False, unit: str = ""
) -> str:
    """A number as people read it in `lang`: thousands grouped and the language's decimal mark
    (es "1.234,5", en "1,234.5"); "" for no number. `places` fixes the decimals (rounded half
    up); None keeps the value's own. `percent` adds the % sign (the value is already in per
    cent: 45 is "45 %"), else `unit` follows the number."""
    number = to_decimal(value)
    if number is None:
        return ""
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # never "-0"
    text = format_decimal(number, lang)
    sign = "-" if text.startswith("-") else ""
    whole, mark, fraction = text.lstrip("-").partition("," if lang == "es" else ".")
    grouped = f"{int(whole):,}".replace(",", "." if lang == "es" else ",")
    text = f"{sign}{grouped}{mark}{fraction}"
    if percent:
        return f"{text}\u00a0%" if lang == "es" else f"{text}%"
    return f"{text}\u00a0{unit}" if unit else text


@dataclass(frozen=True)
class Cell:
    """One cell as the page shows it."""

    text: str
    numeric: bool
    missing: bool


@dataclass
class Table:
    """A caption, column headings, rows of raw values, and the indexes of numeric columns
    (right-aligned, formatted per language, written as numbers to files; in a numeric column,
    text such as "not set" is shown on the page and left blank in files). Of those, `percent`
    columns hold per cent values (45 is 45 %): shown with the sign, and a percentage in
    Excel."""

    caption: str
    columns: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)
    percent: set[int] = field(default_factory=set)

    @property
    def header(self) -> list[Cell]:
        return [Cell(name, i in self.numeric, False) for i, name in enumerate(self.columns)]

    @property
    def row_header(self) -> bool:
        """Whether the first column names its row (then it is a <th scope="row">)."""
        return bool(self.columns) and 0 not in self.numeric

    @property
    def display_rows(self) -> list[list[Cell]]:
        """The rows as the active language writes them, each numeric column with one number of
        decimals (the most any of its values has, so that the column lines up); None is a
        missing cell."""
        lang = active_language()
        places = {i: _places(row[i] for row in self.rows if i < len(row)) for i in self.numeric}
        shown = []
        for row in self.rows:
            cells = []
            for i, value in enumerate(row):
                numeric = i in self.numeric
                if value is None:
                    cells.append(Cell("", numeric, True))
                elif numeric and to_decimal(value) is not None:
                    text = format_number(value, lang, places=places[i], percent=i in self.percent)
                    cells.append(Cell(text, True, False))
                else:
                    cells.append(Cell(str(value), numeric, False))
            shown.append(cells)
        return shown


def _places(values: Iterable[Any]) -> int:
    most = 0
    for value in values:
        number = to_decimal(value)
        if isinstance(value, float) and number is not None and abs(number) < 10**15:
            number = round(number, 6).normalize()  # a float's noise is not a precision
        exponent = number.as_tuple().exponent if number is not None else 0
        if isinstance(exponent, int) and exponent < 0:
            most = max(most, -exponent)
    return min(most, 6)


def safe_filename(filename: str, extension: str) -> str:
    """`filename` in plain ASCII letters, digits, dots, dashes and underscores, ending in
    `extension` (".csv"): accents dropped, anything else a dash; "data" when nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    if ascii_name.lower().endswith(extension):
        ascii_name = ascii_name[: -len(extension)]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip(".-_")[:100] or "data"
    return f"{stem}{extension}"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _machine_number(number: Decimal) -> str:
    text = format(number, "f")
    return "0" if number == 0 else text


def csv_cell(value: Any, numeric: bool) -> str:
    """A cell as CSV writes it: numbers with a point and no grouping; text that a spreadsheet
    would run as a formula gets a leading apostrophe; text in a numeric column, nothing (a
    column of numbers stays one that sums and sorts)."""
    if value is None:
        return ""
    number = to_decimal(value)
    if number is not None:
        return _machine_number(number)
    if numeric:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        return Decimal(text.strip()).is_finite()
    except InvalidOperation:
        return False


def table_csv(table: Table) -> str:
    """The table as RFC 4180 CSV (comma, double quotes where needed, CRLF), headings first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(name, False) for name in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(value, i in table.numeric) for i, value in enumerate(row)])
    return out.getvalue()


def table_csv_response(table: Table, filename: str) -> HttpResponse:
    """The table as a CSV download, UTF-8 with a byte-order mark (Excel then reads accents)."""
    content = ("\ufeff" + table_csv(table)).encode("utf-8")
    return _attachment(content, "text/csv; charset=utf-8", safe_filename(filename, ".csv"))


def sheet_name(caption: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    name = SHEET_NAME_FORBIDDEN.sub(" ", caption).strip().strip("'")
    return " ".join(name.split())[:31].strip() or "Data"


def _width(texts: Iterable[str]) -> float:
    return min(60, max(8, *(len(t) + 2 for t in texts)))


def safe_workbook(target: str | IO[bytes]) -> xlsxwriter.Workbook:
    """A workbook written row by row, where what people typed stays what they typed: a cell
    that starts with "=" never becomes a formula, nor text a number or a link."""
    return xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )


def write_table_sheet(book: xlsxwriter.Workbook, name: str, table: Table) -> None:
    """Adds the table to `book` as the sheet `name`: the caption in the first row, the
    headings (bold, frozen) in the second, numbers as numbers (per cent columns as
    percentages), text in numeric columns left blank, everything else as text."""
    sheet = book.add_worksheet(name)
    title = book.add_format({"bold": True, "font_size": 12})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    per_cent = book.add_format({"num_format": "0.0%"})
    for i, heading in enumerate(table.columns):
        texts = [str(heading)]
        texts += [str(row[i]) for row in table.rows[:500] if i < len(row) and row[i] is not None]
        sheet.set_column(i, i, _width(texts))
    sheet.freeze_panes(2, 0)
    sheet.write_string(0, 0, table.caption, title)
    for i, heading in enumerate(table.columns):
        sheet.write_string(1, i, str(heading), bold)
    for r, row in enumerate(table.rows, start=2):
        for i, value in enumerate(row):
            number = to_decimal(value)
            if number is not None and i in table.percent:
                sheet.write_number(r, i, float(number) / 100, per_cent)
            elif number is not None:
                sheet.write_number(r, i, float(number))
            elif value is not None and i not in table.numeric:
                sheet.write_string(r, i, str(value))


def table_xlsx(table: Table, target: io.BytesIO) -> None:
    """Writes the table to `target` as a workbook of one sheet (see `write_table_sheet`)."""
    book = safe_workbook(target)
    write_table_sheet(book, sheet_name(table.caption), table)
    book.close()


def table_xlsx_response(table: Table, filename: str) -> HttpResponse:
    """The table as an Excel (.xlsx) download."""
    target = io.BytesIO()
    table_xlsx(table, target)
    return _attachment(target.getvalue(), XLSX_TYPE, safe_filename(filename, ".xlsx"))
