"""What a report holds, before any format: sections with headings, paragraphs, tables of raw
values (numbers stay numbers until a renderer writes them as the report's language does) and
charts (an SVG drawing and the table it was drawn from).

A builder fills it for one reader; the renderers only lay it out. Nothing here reads the
database, so the same content can be written to Word, PDF and Excel, or kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from rumbo.core.tables import Table


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; `pending` is the language the text is in when it is a fallback (the
    report's language had no text): the renderers mark it "translation pending"."""

    text: str
    pending: str | None = None
    note: bool = False  # a remark about the data (shown smaller), not content


@dataclass(frozen=True)
class Facts:
    """Label–value pairs (a plan's period, its status...)."""

    items: list[tuple[str, str]]


@dataclass(frozen=True)
class TableBlock:
    table: Table


@dataclass(frozen=True)
class ChartBlock:
    """A chart drawn on the server (SVG) and the table it was drawn from: a format that cannot
    show the drawing shows the table."""

    svg: str
    table: Table


Block = Paragraph | Facts | TableBlock | ChartBlock


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def add(self, block: Block) -> Section:
        self.blocks.append(block)
        return self

    def sub(self, heading: str) -> Section:
        child = Section(heading)
        self.subsections.append(child)
        return child


@dataclass
class ReportContent:
    kind: str
    lang: str  # "es" or "en"
    title: str
    subtitle: str
    generated_on: dt.date
    reader_label: str  # for whom it was built ("Public", "Member countries only"...)
    sections: list[Section] = field(default_factory=list)

    def section(self, heading: str) -> Section:
        found = Section(heading)
        self.sections.append(found)
        return found

    def walk(self) -> Iterator[tuple[int, Section]]:
        """Every section with its depth (1 for the top ones), in reading order."""

        def down(sections: list[Section], depth: int) -> Iterator[tuple[int, Section]]:
            for s in sections:
                yield depth, s
                yield from down(s.subsections, depth + 1)

        yield from down(self.sections, 1)

    def tables(self) -> Iterator[Table]:
        """Every table, charts' tables included, in reading order (the workbook's sheets)."""
        for _depth, s in self.walk():
            for block in s.blocks:
                if isinstance(block, TableBlock | ChartBlock):
                    yield block.table

    @property
    def block_count(self) -> int:
        return sum(len(s.blocks) + 1 for _d, s in self.walk())
