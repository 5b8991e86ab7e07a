"""Plans as plain JSON-ready data, exactly as one viewer may see them: the records in the
same shape as the API gives them (`rumbo export-plans`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rumbo.plans.selectors import Node, plan_view, plans_for

from .serializers import ActivitySerializer, PlanElementSerializer, PlanSerializer


def _node(node: Node) -> dict[str, Any]:
    data = dict(PlanElementSerializer(node.element).data)
    data["activities"] = [dict(ActivitySerializer(a).data) for a in node.activities]
    data["children"] = [_node(child) for child in node.children]
    return data


def export_plans(user: Any, codes: Iterable[str] | None = None) -> dict[str, Any]:
    plans = plans_for(user).order_by("-period_start", "code")
    if codes:
        plans = plans.filter(code__in=list(codes))
    out = []
    for plan in plans:
        view = plan_view(user, plan)
        data = dict(PlanSerializer(plan).data)
        data["statements"] = [
            {
                "kind": st.kind,
                "code": st.code,
                **{
                    f"{f}_{lang}": getattr(st, f"{f}_{lang}")
                    for f in ("title", "text")
                    for lang in ("es", "en")
                },
            }
            for _label, items in view.statement_groups
            for st in items
        ]
        data["results"] = [
            {
                "code": r.code,
                "text_es": r.text_es,
                "text_en": r.text_en,
                "indicators": [
                    {"code": i.code, "kind": i.kind, "name_es": i.name_es, "name_en": i.name_en}
                    for i in r.indicators.all()
                ],
            }
            for r in view.results
        ]
        data["indicators"] = [
            {"code": i.code, "kind": i.kind, "name_es": i.name_es, "name_en": i.name_en}
            for i in view.loose_indicators
        ]
        data["elements"] = [_node(n) for n in view.roots]
        data["unplaced_activities"] = [
            dict(ActivitySerializer(a).data) for a in view.unplaced_activities
        ]
        out.append(data)
    return {"format": "rumbo-plans", "version": 1, "plans": out}
