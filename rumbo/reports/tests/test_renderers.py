"""The three formats, read back with the libraries their readers' software uses: structure
(real heading styles, a table of contents, header rows that repeat), numbers as each language
writes them (and as numbers in Excel), the "translation pending" mark, tagged PDF with
embedded fonts, and nothing half-written when writing stops midway."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from docx import Document
from docx.oxml.ns import qn

from rumbo.core.tables import Table
from rumbo.reports.content import ChartBlock, Facts, Paragraph, ReportContent, TableBlock
from rumbo.reports.render import render

from .reading import docx_text, pdf_text

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 100 20">'
    "<title>Chart</title><rect width='50' height='10' fill='#0072B2'/></svg>"
)


def sample(lang: str, rows: int = 3) -> ReportContent:
    content = ReportContent(
        kind="plan",
        lang=lang,
        title="Informe" if lang == "es" else "Report",
        subtitle="Plan X",
        generated_on=dt.date(2026, 7, 1),
        reader_label="Public",
    )
    first = content.section("Uno" if lang == "es" else "One")
    first.add(Facts([("Period", "2023–2027")]))
    first.add(Paragraph("solo en español", pending="es"))
    money = Table(
        "Budget",
        ["Line", "Amount", "Share"],
        [[f"line {i}", Decimal("1234.5") + i, Decimal("12.5")] for i in range(rows)],
        numeric={1, 2},
        percent={2},
    )
    first.add(TableBlock(money))
    first.sub("Detalle" if lang == "es" else "Detail").add(
        ChartBlock(SVG, Table("By status", ["Status", "N"], [["Finished", 4]], numeric={1}))
    )
    return content


@pytest.mark.parametrize(("lang", "number"), [("es", "1.234,5"), ("en", "1,234.5")])
def test_word_has_heading_styles_a_contents_field_and_header_rows_that_repeat(
    tmp_path: Path, lang: str, number: str
) -> None:
    out = render(sample(lang, rows=60), "docx", tmp_path / "r.docx")
    doc: Any = Document(str(out))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Head")]
    top, sub = ("Uno", "Detalle") if lang == "es" else ("One", "Detail")
    assert headings == [("Heading 1", top), ("Heading 2", sub)]
    assert 'TOC \\o "1-3"' in doc.element.xml
    assert doc.settings.element.find(qn("w:updateFields")) is not None
    budget = doc.tables[0]
    assert len(budget.rows) == 61
    assert budget.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert budget.rows[1].cells[1].text == number
    text = docx_text(out)
    assert "(translation pending)" in text or "(traducción pendiente)" in text
    # The chart is given as its table.
    assert "By status" in text and "Finished" in text


@pytest.mark.parametrize(("lang", "number"), [("es", "1.234,5"), ("en", "1,234.5")])
def test_pdf_is_tagged_with_embedded_fonts_and_the_language_s_numbers(
    tmp_path: Path, lang: str, number: str
) -> None:
    out = render(sample(lang), "pdf", tmp_path / "r.pdf")
    reader = pypdf.PdfReader(str(out))
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]) == lang
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    pages: list[Any] = list(reader.pages)
    fonts = [font.get_object() for page in pages for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descriptor = (
            font.get("/FontDescriptor")
            or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        )
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object().keys())
    text = pdf_text(out)
    assert number in text
    assert ("Uno" if lang == "es" else "One") in text


def test_workbook_has_one_sheet_per_table_with_numbers_as_numbers(tmp_path: Path) -> None:
    out = render(sample("es"), "xlsx", tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(str(out))
    assert book.sheetnames == ["Contenido", "Budget", "By status"]
    sheet = book["Budget"]
    assert [c.value for c in sheet[2]] == ["Line", "Amount", "Share"]
    assert sheet["B3"].value == 1234.5 and sheet["B3"].data_type == "n"
    assert sheet["C3"].value == 0.125 and sheet["C3"].number_format == "0.0%"
    assert book["Contenido"]["A1"].value == "Informe"


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_a_report_stopped_midway_leaves_no_file(tmp_path: Path, fmt: str) -> None:
    calls: list[tuple[int, int]] = []

    def stop(done: int, total: int) -> None:
        calls.append((done, total))
        raise KeyboardInterrupt  # as when the job is killed

    with pytest.raises(KeyboardInterrupt):
        render(sample("en"), fmt, tmp_path / f"r.{fmt}", progress=stop)
    assert calls
    assert list(tmp_path.iterdir()) == []
    # Run again, it completes, reporting its progress up to the end.
    seen: list[tuple[int, int]] = []
    render(sample("en"), fmt, tmp_path / f"r.{fmt}", progress=lambda d, t: seen.append((d, t)))
    assert [p.name for p in tmp_path.iterdir()] == [f"r.{fmt}"]
    assert seen[-1][0] == seen[-1][1]


def test_the_secretariat_s_own_word_template_is_used_without_touching_code(
    tmp_path: Path, settings: Any
) -> None:
    """A template under RUMBO_VAR_DIR/reports/ replaces the shipped one: its letterhead is
    kept, whatever its body held is dropped."""
    from rumbo.reports.word_template import make_default

    settings.VAR_DIR = tmp_path
    own = make_default(tmp_path / "reports" / "template.docx")
    doc: Any = Document(str(own))
    doc.sections[0].header.paragraphs[0].text = "Secretaría Ejecutiva — membrete propio"
    doc.add_paragraph("Texto de ejemplo de la plantilla")
    doc.save(str(own))
    out = render(sample("es"), "docx", tmp_path / "r.docx")
    written: Any = Document(str(out))
    assert written.sections[0].header.paragraphs[0].text == "Secretaría Ejecutiva — membrete propio"
    assert "Texto de ejemplo" not in docx_text(out)
    assert written.paragraphs[0].style.name == "Title"
