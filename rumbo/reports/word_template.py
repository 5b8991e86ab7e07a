"""The Word template reports are written on: its styles (Title, Heading 1–3, Caption, a table
style), page size, margins, letterhead and footer. The secretariat replaces it without touching
code by putting its own .docx at `<RUMBO_VAR_DIR>/reports/template.docx` (or naming one in the
REPORTS_WORD_TEMPLATE setting): whatever its body holds is dropped, its styles, headers and
footers are kept. The default one shipped in word/template.docx was made by `make_default`
(python -m rumbo.reports.word_template)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

SHIPPED = Path(__file__).resolve().parent / "word" / "template.docx"
LETTERHEAD = "Conferencia Regional sobre Migración · Regional Conference on Migration"


def template_path() -> Path:
    """The template in force: the setting's, else the one under RUMBO_VAR_DIR, else the
    shipped one."""
    named = getattr(settings, "REPORTS_WORD_TEMPLATE", None)
    if named:
        return Path(named)
    replaced = Path(settings.VAR_DIR) / "reports" / "template.docx"
    if replaced.is_file():
        return replaced
    if SHIPPED.is_file():
        return SHIPPED
    # An installation without the shipped file (a package built without it): made once.
    built = Path(settings.VAR_DIR) / "reports" / "default-template.docx"
    return built if built.is_file() else make_default(built)


def add_field(paragraph: object, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC...) in `paragraph`, with the text shown until it is updated."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run._r.append(code)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)  # type: ignore[attr-defined]
    end_run = paragraph.add_run()  # type: ignore[attr-defined]
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    end_run._r.append(end)


def make_default(path: Path = SHIPPED) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    styles = doc.styles
    styles["Normal"].font.name = "Liberation Sans"
    styles["Normal"].font.size = Pt(10)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        styles[name].font.color.rgb = RGBColor(0x1D, 0x3A, 0x5F)
    header = section.header.paragraphs[0]
    header.text = LETTERHEAD
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.runs[0].font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_field(footer, "PAGE", "1")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":  # pragma: no cover
    print(make_default(Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED))
