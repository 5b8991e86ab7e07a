"""Loading the obligations the source documents set (`data/obligations.yaml`), with the seed
loader's own merge: an obligation is added when missing, and what people changed in it is
never overwritten by a reload."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction

from rumbo.seeds.loader import VISIBILITY, Loader, SeedError, _choice, _read, _text, _translated

from .models import Obligation

DATA_FILE = Path(__file__).resolve().parent / "data" / "obligations.yaml"


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise SeedError(where, f"not a date: {value!r}") from None


def load_obligations(loader: Loader, path: Path = DATA_FILE) -> None:
    """Merge the obligations of `path` (the organisations and bodies must be loaded)."""
    if not path.exists():
        return
    doc = _read(path)
    loader.source = path.name
    for i, row in enumerate(doc.get("obligations", [])):
        where = f"{path.name}: obligations[{i}]"
        body = loader.body(str(row["body"]), where) if row.get("body") else None
        org = loader.org(str(row["organisation"]), where) if row.get("organisation") else None
        starts_on = _date(row.get("starts_on"), f"{where}.starts_on")
        if starts_on is None:
            raise SeedError(where, "starts_on is required")
        values: dict[str, Any] = {
            "debtor": _choice(row.get("debtor"), Obligation.Debtor, where),
            "body": body,
            "organisation": org,
            "frequency": _choice(row.get("frequency"), Obligation.Frequency, where),
            "months": [int(m) for m in row.get("months") or []],
            "times": int(row.get("times", 1)),
            "due_from": _choice(row.get("due_from", "end"), Obligation.DueFrom, where),
            "grace_days": int(row.get("grace_days", 0)),
            "starts_on": starts_on,
            "ends_on": _date(row.get("ends_on"), f"{where}.ends_on"),
            "rule": _choice(row.get("rule", "hand"), Obligation.Rule, where),
            "visibility": VISIBILITY[row.get("visibility", "public")],
            **_translated(
                title=_text(row.get("title"), f"{where}.title", required=True),
                creditor=_text(row.get("creditor"), f"{where}.creditor"),
                quote=_text(row.get("quote"), f"{where}.quote", required=True),
                source=_text(row.get("source"), f"{where}.source", required=True),
                assumption=_text(row.get("assumption"), f"{where}.assumption"),
            ),
        }
        _, created = loader.merge(
            Obligation, {"code": str(row["code"])}, values, where, key=str(row["code"])
        )
        loader.report.count("obligations", created)


@transaction.atomic
def load_obligation_seeds(*, actor: Any = None) -> None:
    """Load the obligations alone (the organisations and bodies must be loaded)."""
    from rumbo.seeds.loader import DATA_DIR

    load_obligations(Loader(DATA_DIR, actor))
