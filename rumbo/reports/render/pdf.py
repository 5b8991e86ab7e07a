"""PDF with WeasyPrint from server-rendered HTML (templates/reports/report.html): headings as
h1–h3 and tables with their header cells, tagged (pdf_tags) so that screen readers follow the
structure, declared PDF/UA-1; the fonts it uses embedded (WeasyPrint embeds them); charts as
the dashboards' SVG, each followed by its table; a table of contents with page numbers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import HTML

from ..content import ReportContent


def report_html(content: ReportContent) -> str:
    anchors = {id(s): f"s{i}" for i, (_d, s) in enumerate(content.walk(), start=1)}
    sections = [(min(depth, 3) + 0, anchors[id(s)], s) for depth, s in content.walk()]
    return render_to_string("reports/report.html", {"content": content, "sections": sections})


def write_pdf(content: ReportContent, path: Path, progress: Callable[[int, int], None]) -> None:
    html = report_html(content)
    progress(1, 3)
    document = HTML(string=html).render(pdf_tags=True)
    progress(2, 3)
    # PDF/UA-1: tagged, with its language and title, and saying so in its metadata.
    document.write_pdf(str(path), pdf_tags=True, pdf_variant="pdf/ua-1")
    progress(3, 3)
