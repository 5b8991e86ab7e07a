"""What an import would do, as the preview page shows it and the import session keeps it
(as JSON) until it is applied."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rumbo.plans.models import Activity

from .columns import LABEL


@dataclass
class Problem:
    row: int | None
    column: str
    message: str


def _shown(key: str, value: str) -> str:
    """A value as the preview shows it, in the language of the page: a status by its label."""
    if key == "status" and value in Activity.Status.values:
        return str(Activity.Status(value).label)
    return value


@dataclass
class FieldChange:
    key: str
    label: str  # as when the preview was made; pages show field_label, in their language
    old: str  # a status is kept as its code (shown_old/shown_new give its label)
    new: str

    @property
    def field_label(self) -> str:
        return str(LABEL[self.key]) if self.key in LABEL else self.label

    @property
    def shown_old(self) -> str:
        return _shown(self.key, self.old)

    @property
    def shown_new(self) -> str:
        return _shown(self.key, self.new)


@dataclass
class RowPlan:
    row: int
    kind: str  # added | changed | conflict
    activity_id: int | None
    plan: str
    code: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    version: int | None = None
    needs_reason: bool = False

    @property
    def status_change(self) -> FieldChange | None:
        return next((c for c in self.changes if c.key == "status"), None)


@dataclass
class Preview:
    layout: str = ""
    sheet: str = ""
    language: str = "es"
    ignored_sheets: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Cells edited in columns that are not imported (the budget), each with why.
    not_imported: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.kind == kind)

    @property
    def count_added(self) -> int:
        return self.count("added")

    @property
    def count_changed(self) -> int:
        return self.count("changed")

    @property
    def count_conflict(self) -> int:
        return self.count("conflict")

    @property
    def changes(self) -> list[RowPlan]:
        """The rows that will be applied: added and changed (not the conflicts)."""
        return [r for r in self.rows if r.kind != "conflict"]

    @property
    def conflicts(self) -> list[RowPlan]:
        """Rows changed in Rumbo since the workbook was exported: never applied."""
        return [r for r in self.rows if r.kind == "conflict"]

    @property
    def reasons_needed(self) -> list[RowPlan]:
        """Rows whose status change needs a reason (no approved concept note)."""
        return [r for r in self.changes if r.needs_reason]

    @property
    def needs_reason(self) -> bool:
        return bool(self.reasons_needed)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        rows = [
            RowPlan(**{**r, "changes": [FieldChange(**c) for c in r["changes"]]})
            for r in data.get("rows", [])
        ]
        return cls(
            **{
                **data,
                "rows": rows,
                "problems": [Problem(**p) for p in data.get("problems", [])],
                "warnings": [Problem(**p) for p in data.get("warnings", [])],
                "not_imported": [Problem(**p) for p in data.get("not_imported", [])],
            }
        )
