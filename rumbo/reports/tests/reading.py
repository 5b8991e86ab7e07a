"""Opening generated reports the way their readers' software does, for the tests: the text of
a Word file (paragraphs, tables, and its fields), of a PDF (pypdf), of a workbook (openpyxl)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pypdf
from docx import Document


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(str(path), read_only=True)
    parts = []
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    book.close()
    return "\n".join(parts)


READERS = {"docx": docx_text, "pdf": pdf_text, "xlsx": xlsx_text}


def file_text(path: Path) -> str:
    return READERS[path.suffix.lstrip(".")](path)
