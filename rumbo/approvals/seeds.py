"""Loading the approval questions the source documents record (`data/approvals.yaml`), with
the seed loader's own merge: a question is added when missing, and what people changed in it
is never overwritten by a reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from rumbo.plans.models import Plan
from rumbo.seeds.loader import VISIBILITY, Loader, SeedError, _choice, _read, _text, _translated

from .models import ApprovalQuestion

DATA_FILE = Path(__file__).resolve().parent / "data" / "approvals.yaml"


def load_approvals(loader: Loader, path: Path = DATA_FILE) -> None:
    """Merge the questions of `path` (their plans must be loaded already)."""
    if not path.exists():
        return
    doc = _read(path)
    loader.source = path.name
    for i, row in enumerate(doc.get("questions", [])):
        where = f"{path.name}: questions[{i}]"
        plan = Plan.objects.filter(code=str(row["plan"])).first() if row.get("plan") else None
        if row.get("plan") and plan is None:
            raise SeedError(where, f"unknown plan code {row['plan']!r}")
        values: dict[str, Any] = {
            "plan": plan,
            "text_version": str(
                row.get("text_version") or (plan.document_version if plan else "1")
            ),
            "rule": _choice(row.get("rule", "recorded"), ApprovalQuestion.Rule, where),
            "recorded_approvals": row.get("recorded_approvals"),
            "visibility": VISIBILITY[row.get("visibility", "members")],
            **_translated(
                title=_text(row.get("title"), f"{where}.title", required=True),
                recorded_as=_text(row.get("recorded_as"), f"{where}.recorded_as"),
                source=_text(row.get("source"), f"{where}.source", required=True),
            ),
        }
        _, created = loader.merge(
            ApprovalQuestion, {"code": str(row["code"])}, values, where, key=str(row["code"])
        )
        loader.report.count("approval questions", created)


@transaction.atomic
def load_approval_seeds(*, actor: Any = None) -> None:
    """Load the approval questions alone (the plans must be loaded)."""
    from rumbo.seeds.loader import DATA_DIR

    load_approvals(Loader(DATA_DIR, actor))
