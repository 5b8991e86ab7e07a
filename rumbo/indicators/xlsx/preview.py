"""What an import of the template would do, as the preview page shows it and the import
session keeps it (as JSON) until it is applied."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from rumbo.indicators.services import ValueInput
from rumbo.tracking.xlsx import preview as tracking_preview

# Marks a session as an indicator import (the matrix keeps its own in the same table).
KIND = "indicator-template"


@dataclass
class Problem:
    row: int | None
    letter: str  # the column's letter ("J"), "" for the whole file
    column: str  # the column's header as the sheet has it ("Sexo: Mujeres")
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    row: int
    kind: str  # new | corrected
    indicator_id: int
    code: str
    name: str
    period: str
    period_label: str
    country_id: int | None  # None: the region as a whole
    country: str  # the country's code, or REGION
    version: int | None  # of the value when the template was downloaded (None: no value)
    data: dict[str, Any] = field(default_factory=dict)  # a ValueInput, numbers as text
    changes: list[Change] = field(default_factory=list)
    needs_reason: bool = False
    back_to_draft: bool = False

    def value_input(self) -> ValueInput:
        d = self.data

        def num(x: str | None) -> Decimal | None:
            return None if x is None else Decimal(x)

        return ValueInput(
            value=num(d.get("value")),
            numerator=num(d.get("numerator")),
            denominator=num(d.get("denominator")),
            text=d.get("text", ""),
            evidence=d.get("evidence", ""),
            comment=d.get("comment", ""),
            breakdown_note=d.get("breakdown_note", ""),
            parts={
                int(cid): {k: num(x) for k, x in share.items()}
                for cid, share in d.get("parts", {}).items()
            },
        )


def input_json(given: ValueInput) -> dict[str, Any]:
    def txt(x: Decimal | None) -> str | None:
        return None if x is None else str(x)

    return {
        "value": txt(given.value),
        "numerator": txt(given.numerator),
        "denominator": txt(given.denominator),
        "text": given.text,
        "evidence": given.evidence,
        "comment": given.comment,
        "breakdown_note": given.breakdown_note,
        "parts": {
            str(cid): {k: txt(x) for k, x in share.items()} for cid, share in given.parts.items()
        },
    }


@dataclass
class Preview:
    kind: str = KIND
    sheet: str = ""
    language: str = "es"
    rows: list[RowPlan] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def count_new(self) -> int:
        return sum(1 for r in self.rows if r.kind == "new")

    @property
    def count_corrected(self) -> int:
        return sum(1 for r in self.rows if r.kind == "corrected")

    @property
    def needs_reason(self) -> bool:
        return any(r.needs_reason for r in self.rows)

    def for_marking(self) -> tracking_preview.Preview:
        """The problems as the matrix's marking reads them ("J (Women)")."""
        return tracking_preview.Preview(
            sheet=self.sheet,
            problems=[
                tracking_preview.Problem(p.row, f"{p.letter} ({p.column})", p.message)
                for p in self.problems
                if p.letter
            ],
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        return cls(
            kind=data.get("kind", ""),
            sheet=data.get("sheet", ""),
            language=data.get("language", "es"),
            rows=[
                RowPlan(**{**r, "changes": [Change(**c) for c in r["changes"]]})
                for r in data.get("rows", [])
            ],
            unchanged=data.get("unchanged", 0),
            problems=[Problem(**p) for p in data.get("problems", [])],
        )
