"""Data tables as people use them: read on the page in their language, opened in Excel with
accents, numbers and text intact, and never a cell that a spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from rumbo.core.numbers import parse_decimal
from rumbo.core.tables import (
    Table,
    format_number,
    sheet_name,
    table_csv_response,
    table_xlsx_response,
)

HOSTILE = "<script>alert(1)</script>"


def sample() -> Table:
    return Table(
        caption="Participantes: mujeres/hombres [2024]",
        columns=["País", "Texto", "Valor"],
        rows=[
            ["México", "=SUM(A1)", Decimal("1234.5")],
            ["Belice", "1/2", None],
            ["Canadá, Ottawa", '+1 "555"', -20],
            ["El Salvador", "-5", 0.1],
            ["Panamá", "@cmd", 3],
            ["Honduras", "2024-01-01", Decimal("1E+3")],
            ["Nicaragua", "00123", 3 * 13.7],
            [HOSTILE, "-x", 1],
        ],
        numeric={2},
    )


@pytest.mark.parametrize(
    ("value", "lang", "kwargs", "shown"),
    [
        (Decimal("1234.5"), "es", {}, "1.234,5"),
        (Decimal("1234.5"), "en", {}, "1,234.5"),
        (-1234567.25, "es", {}, "-1.234.567,25"),
        (-1234567.25, "en", {}, "-1,234,567.25"),
        (Decimal("-0.04"), "es", {"places": 1}, "0,0"),
        (Decimal("2.345"), "en", {"places": 2}, "2.35"),
        (45, "es", {"percent": True}, "45\u00a0%"),
        (45, "en", {"percent": True}, "45%"),
        (1500, "en", {"unit": "USD"}, "1,500\u00a0USD"),
        (None, "es", {}, ""),
        (float("nan"), "en", {}, ""),
    ],
)
def test_numbers_are_shown_as_each_language_writes_them(value, lang, kwargs, shown):
    assert format_number(value, lang, **kwargs) == shown


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_shown_number_reads_back_as_the_same_number(lang):
    assert parse_decimal(format_number(Decimal("1234567.5"), lang)) == Decimal("1234567.5")


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the accents right
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline="")))


@pytest.mark.parametrize("lang", ["es", "en"])
def test_csv_is_utf8_with_bom_comma_separated_and_numbers_with_a_point(lang):
    with translation.override(lang):
        response = table_csv_response(sample(), "Participantes año 2024/ñ.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="Participantes-ano-2024-n.csv"'
    )
    raw = response.content.decode("utf-8-sig")
    assert raw.splitlines()[0] == "País,Texto,Valor"
    assert '"Canadá, Ottawa"' in raw and '"\'+1 ""555"""' in raw  # RFC 4180 quoting
    assert raw.endswith("\r\n")
    rows = read_csv(response)
    assert rows[0] == ["País", "Texto", "Valor"]
    assert [r[2] for r in rows[1:]] == [
        "1234.5", "", "-20", "0.1", "3", "1000", "41.099999999999994", "1",
    ]  # fmt: skip
    assert rows[3][0] == "Canadá, Ottawa"


def test_csv_never_lets_a_cell_become_a_formula():
    rows = read_csv(table_csv_response(sample(), "x"))
    texts = {r[0]: r[1] for r in rows[1:]}
    assert texts["México"] == "'=SUM(A1)"
    assert texts["Canadá, Ottawa"] == '\'+1 "555"'
    assert texts["Panamá"] == "'@cmd"
    assert texts[HOSTILE] == "'-x"
    assert texts["El Salvador"] == "-5"  # a number is left as it is
    assert texts["Belice"] == "1/2" and texts["Nicaragua"] == "00123"


def test_a_filename_with_nothing_usable_becomes_data():
    response = table_csv_response(sample(), '"/../..;')
    assert response["Content-Disposition"] == 'attachment; filename="data.csv"'


@pytest.mark.parametrize("lang", ["es", "en"])
def test_xlsx_keeps_numbers_as_numbers_and_text_as_text(lang):
    with translation.override(lang):
        response = table_xlsx_response(sample(), "Participantes 2024")
    assert response["Content-Disposition"] == 'attachment; filename="Participantes-2024.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "Participantes mujeres hombres 2"
    assert len(sheet.title) <= 31
    assert sheet["A1"].value == "Participantes: mujeres/hombres [2024]"
    assert [c.value for c in sheet[2]] == ["País", "Texto", "Valor"]
    assert all(c.font.b for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    values = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert values[:6] + values[7:] == [1234.5, None, -20, 0.1, 3, 1000, 1]
    assert values[6] == pytest.approx(41.1)  # Excel keeps 15 significant digits
    texts = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert texts == ["=SUM(A1)", "1/2", '+1 "555"', "-5", "@cmd", "2024-01-01", "00123", "-x"]
    for cell in sheet["B"][2:]:
        assert cell.data_type == "s"  # never a formula, a date or a number
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["C"].width


@pytest.mark.parametrize(
    ("caption", "name"),
    [("a[b]c:d*e?f/g\\h", "a b c d e f g h"), ("", "Data"), ("x" * 40, "x" * 31)],
)
def test_sheet_names_are_ones_excel_accepts(caption, name):
    assert sheet_name(caption) == name


@pytest.mark.parametrize("lang", ["es", "en"])
def test_html_table_has_headers_numbers_in_the_language_and_no_data_said(lang):
    with translation.override(lang):
        html = render_to_string("core/_table.html", {"table": sample()})
    assert "<caption>Participantes: mujeres/hombres [2024]</caption>" in html
    assert '<th scope="col">País</th>' in html and '<th scope="col" class="num">Valor</th>' in html
    assert '<th scope="row">México</th>' in html
    number = "1.234,5" if lang == "es" else "1,234.5"
    assert f'<td class="num">{number}</td>' in html
    # One number of decimals per column, so that the column lines up.
    # A float's noise (41.099999999999994) adds no decimals.
    for shown in ["-20,0", "41,1", "3,0"] if lang == "es" else ["-20.0", "41.1", "3.0"]:
        assert f'<td class="num">{shown}</td>' in html
    no_data = "sin datos" if lang == "es" else "no data"
    assert (
        f'<td class="num"><span aria-hidden="true">—</span><span class="sr">{no_data}</span>'
        in html
    )
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "download" not in html  # no links unless the page gives their addresses


def test_html_table_offers_the_downloads_the_page_gives():
    with translation.override("es"):
        html = render_to_string("core/_table.html", {"table": sample(), "csv_url": "/t.csv"})
    assert '<a href="/t.csv" download>Descargar datos (CSV)</a>' in html
    assert "Excel" not in html


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_numeric_column_stays_numeric_in_files_and_per_cent_is_a_percentage(lang):
    """Text such as "not set" in a column of numbers is shown on the page but left blank in
    the files (so that the column sums and sorts), and a per cent column is a percentage in
    Excel (51.7 is 51.7 %, not 5,170 %) and shown with its sign on the page."""
    table = Table(
        caption="Resumen",
        columns=["Indicador", "Meta", "% logrado"],
        rows=[["A", "not set", Decimal("51.7")], ["B", 10, None]],
        numeric={1, 2},
        percent={2},
    )
    with translation.override(lang):
        book = openpyxl.load_workbook(io.BytesIO(table_xlsx_response(table, "r").content))
        page = render_to_string("core/_table.html", {"table": table})
        text = table_csv_response(table, "r").content.decode("utf-8-sig")
    sheet = book.active
    assert [sheet["B3"].value, sheet["B4"].value] == [None, 10]
    assert sheet["C3"].value == pytest.approx(0.517) and sheet["C3"].number_format == "0.0%"
    assert list(csv.reader(io.StringIO(text)))[1:] == [["A", "", "51.7"], ["B", "10", ""]]
    assert "not set" in page
    assert ("51,7\u00a0%" if lang == "es" else "51.7%") in page
