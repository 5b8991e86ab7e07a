"""Word (.docx) with python-docx, on the template in force (word_template.py): a title page
block, a table of contents field Word and LibreOffice fill in on opening, headings as the
template's Heading 1–3 styles, tables whose header row repeats on each page and whose rows
flow across pages. A chart is given as the table it was drawn from (python-docx cannot draw an
SVG, and no rasteriser ships with Rumbo)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

from rumbo.core.tables import Table

from ..content import ChartBlock, Facts, Paragraph, ReportContent, TableBlock
from ..word_template import add_field, template_path

LANG_TAGS = {"es": "es-ES", "en": "en-GB"}


def _blank(doc: Any) -> None:
    """Drops what the template's body holds, keeping its page settings."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _set_language(doc: Any, lang: str) -> None:
    """The language spelling checkers and screen readers use for the whole document."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    tag = rpr.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        rpr.append(tag)
    tag.set(qn("w:val"), LANG_TAGS[lang])


def _update_fields_on_open(doc: Any) -> None:
    settings = doc.settings.element
    flag = settings.find(qn("w:updateFields"))
    if flag is None:
        flag = OxmlElement("w:updateFields")
        settings.append(flag)
    flag.set(qn("w:val"), "true")


def _styles(doc: Any) -> dict[str, str]:
    """The template's style ids by name, read once (python-docx looks a name up by walking
    every style, each time)."""
    return {style.name: style.style_id for style in doc.styles if style.name}


def _add(doc: Any, text: str, styles: dict[str, str], name: str) -> Any:
    """A paragraph in the style `name`, or in the default one when the template lacks it."""
    paragraph = doc.add_paragraph(text)
    if name in styles:
        paragraph._p.style = styles[name]
    return paragraph


def _paragraph(doc: Any, block: Paragraph) -> None:
    p = doc.add_paragraph()
    run = p.add_run(block.text)
    if block.note:
        run.italic = True
    if block.pending:
        mark = p.add_run(" " + _("(translation pending)"))
        mark.italic = True


def _facts(doc: Any, block: Facts) -> None:
    for label, value in block.items:
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(str(value))


# Characters XML 1.0 cannot hold (a control character pasted into a title, say).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    clean = html.escape(NOT_XML.sub("", text), quote=False)  # &, < and > as XML needs
    return f'<w:r>{props}<w:t xml:space="preserve">{clean}</w:t></w:r>'


def _table(doc: Any, table: Table, styles: dict[str, str]) -> None:
    """The table written as WordprocessingML in one piece (python-docx builds a cell in
    hundreds of calls: a report of thousands of rows would take minutes): the first row a
    header that repeats on each page; rows may break across pages; numbers right-aligned."""
    caption = _add(doc, table.caption, styles, "Caption")
    caption.paragraph_format.keep_with_next = True
    style = f'<w:tblStyle w:val="{styles["Table Grid"]}"/>' if "Table Grid" in styles else ""
    right = '<w:pPr><w:jc w:val="right"/></w:pPr>'
    header = "".join(
        f"<w:tc><w:p>{right if h.numeric else ''}{_run(h.text, bold=True)}</w:p></w:tc>"
        for h in table.header
    )
    parts = [
        f'<w:tbl xmlns:w="{W}"><w:tblPr>{style}<w:tblW w:w="5000" w:type="pct"/>',
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1"',
        ' w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "<w:gridCol/>" * len(table.columns),
        f"</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>{header}</w:tr>",
    ]
    for shown in table.display_rows:
        cells = "".join(
            f"<w:tc><w:p>{right if c.numeric else ''}{_run(c.text)}</w:p></w:tc>" for c in shown
        )
        parts.append(f"<w:tr>{cells}</w:tr>")
    parts.append("</w:tbl>")
    doc.element.body.sectPr.addprevious(parse_xml("".join(parts)))


def write_docx(content: ReportContent, path: Path, progress: Callable[[int, int], None]) -> None:
    doc = Document(str(template_path()))
    _blank(doc)
    _set_language(doc, content.lang)
    _update_fields_on_open(doc)
    props = doc.core_properties
    props.title, props.subject, props.language = content.title, content.subtitle, content.lang
    styles = _styles(doc)
    _add(doc, content.title, styles, "Title")
    if content.subtitle:
        _add(doc, content.subtitle, styles, "Subtitle")
    made = _("Prepared on %(date)s for: %(reader)s") % {
        "date": date_format(content.generated_on, "DATE_FORMAT"),
        "reader": content.reader_label,
    }
    doc.add_paragraph(made)
    _add(doc, _("Contents"), styles, "TOC Heading")
    add_field(
        doc.add_paragraph(),
        'TOC \\o "1-3" \\h \\z \\u',
        _("The table of contents is filled in when the document is opened."),
    )
    total, done = content.block_count, 0
    for depth, section in content.walk():
        _add(doc, section.heading, styles, f"Heading {min(depth, 3)}")
        done += 1
        for block in section.blocks:
            if isinstance(block, Paragraph):
                _paragraph(doc, block)
            elif isinstance(block, Facts):
                _facts(doc, block)
            elif isinstance(block, TableBlock | ChartBlock):
                _table(doc, block.table, styles)
            done += 1
        progress(done, total)
    doc.save(str(path))
    progress(total, total)
