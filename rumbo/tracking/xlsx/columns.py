"""The matrix columns, shared by the writer and the reader so they can never drift apart."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FORMAT_NAME = "rumbo-matrix"
FORMAT_VERSION = 1
META_SHEET = "_rumbo"


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    width: int
    editable: bool = False
    hidden: bool = False


COLUMNS = [
    Column("plan", _("Plan"), 16),
    Column("pillar", _("Pillar / line"), 28),
    Column("topic", _("Topic"), 28),
    Column("code", _("Code"), 10, editable=True),
    Column("activity", _("Activity"), 60, editable=True),
    Column("indicators", _("Result / impact indicators"), 40, editable=True),
    Column("responsible", _("Responsible party"), 30),
    Column("year", _("Deadline (year of the plan)"), 12, editable=True),
    Column("deadline", _("Deadline (date)"), 14, editable=True),
    Column("status", _("Status"), 16, editable=True),
    Column("assumptions", _("Assumptions or risks"), 40, editable=True),
    Column("working_group", _("Working group"), 24),
    Column("budget", _("Budget"), 14),
    Column("currency", _("Currency"), 8),
    Column("id", _("Rumbo id"), 10, hidden=True),
    Column("version", _("Row version"), 8, hidden=True),
]
LABEL = {c.key: c.label for c in COLUMNS}

# The 8 columns of the tracking matrix as the 2019–2022 Strategic Plan lays it out (§4.2,
# §4.3), for workbooks typed by hand from the plan's own table.
PLAN_TABLE_COLUMNS = {
    "pillar": ["pilar programático", "pilar", "programmatic pillar", "pillar"],
    "topic": ["tema", "topic"],
    "activity": ["descripción de la actividad", "actividad", "activity description", "activity"],
    "indicators": [
        "indicadores de resultados / impacto",
        "indicadores de resultados/impacto",
        "indicadores",
        "result / impact indicators",
        "indicators",
    ],
    "responsible": ["parte responsable", "responsable", "responsible party"],
    "year": [
        "plazo de cumplimiento (1er año, 2do año, 3er año)",
        "plazo de cumplimiento",
        "plazo",
        "deadline",
    ],
    "status": [
        "estado (finalizado/ en proceso de implementarse/ no alcanzado)",
        "estado",
        "status",
    ],
    "assumptions": ["supuestos o riesgos", "supuestos", "assumptions or risks", "risks"],
}


def normalise(text: object) -> str:
    """Header or choice text compared without case, accents or repeated spaces."""
    value = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(value.lower().replace("\u00a0", " ").split())


def header_labels(lang: str) -> list[str]:
    with translation.override(lang):
        return [str(c.label) for c in COLUMNS]


def header_index() -> dict[str, str]:
    """Normalised header (either language) -> column key."""
    index: dict[str, str] = {}
    for lang in ("es", "en"):
        for column, label in zip(COLUMNS, header_labels(lang), strict=True):
            index[normalise(label)] = column.key
    return index
