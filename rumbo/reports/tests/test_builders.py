"""What each kind holds, in the CRM's order and in the language asked, counted as the reader
may see it (members-only commitments are left out of the counts, not only of the lists)."""

from __future__ import annotations

from typing import Any

import pytest

from rumbo.core.visibility import Visibility
from rumbo.plans.models import Activity, Plan
from rumbo.reports.builders import build
from rumbo.reports.content import Facts, Paragraph, ReportContent, TableBlock
from rumbo.reports.params import ReportParams, parse_period
from rumbo.testing.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db
S = Activity.Status


@pytest.fixture
def ppt_plan(bodies: Any) -> Any:
    plan = PlanFactory(
        code="ppt-2025",
        kind=Plan.Kind.PPT_ANNUAL,
        owner_body=bodies.ppt,
        period_start=2025,
        period_end=2025,
        description_es="Plan anual de la Presidencia",
        description_en="",
    )
    ActivityFactory(plan=plan, code="P1", status=S.FINISHED)
    ActivityFactory(plan=plan, code="P2", status=S.IN_PROGRESS)
    ActivityFactory(plan=plan, code="P3", status=S.NOT_STARTED)
    ActivityFactory(
        plan=plan,
        code="P4",
        status=S.FINISHED,
        title_es="Compromiso reservado",
        title_en="Members-only commitment",
        visibility=Visibility.MEMBERS,
    )
    return plan


def facts(content: ReportContent, heading: str) -> dict[str, str]:
    for _depth, section in content.walk():
        if section.heading == heading:
            return dict(next(b for b in section.blocks if isinstance(b, Facts)).items)
    raise AssertionError(f"no section {heading!r}")


def all_text(content: ReportContent) -> str:
    parts = []
    for _depth, section in content.walk():
        parts.append(section.heading)
        for block in section.blocks:
            if isinstance(block, TableBlock):
                parts.append(block.table.caption)
                parts += [str(v) for row in block.table.rows for v in row]
            elif isinstance(block, Paragraph):
                parts.append(block.text)
    return "\n".join(parts)


def test_semiannual_counts_only_the_commitments_the_reader_may_see(
    cast: Any, ppt_plan: Plan
) -> None:
    params = ReportParams(plan=ppt_plan.code, period=parse_period("2025-H1"))
    public = build("semiannual", params, cast.public, "es")
    member = build("semiannual", params, cast.focal, "es")
    assert public.title == "Informe semestral al GRCM"
    assert public.subtitle.startswith("Primer semestre de 2025")
    seen = facts(public, "Resumen")
    assert (seen["Compromisos"], seen["Finalizados"], seen["En proceso"]) == ("3", "1", "1")
    assert seen["Finalizado (%)"] == "33,3\u00a0%"
    seen = facts(member, "Resumen")
    assert (seen["Compromisos"], seen["Finalizados"]) == ("4", "2")


def test_ppt_annual_report_has_the_three_parts_of_section_4_2_in_order(
    cast: Any, ppt_plan: Plan
) -> None:
    content = build("ppt-annual", ReportParams(period=parse_period("2025")), cast.public, "en")
    assert [s.heading for s in content.sections] == [
        "a) Commitments achieved, in progress and pending",
        "b) Balance of the work done",
        "c) Recommendations and next steps",
    ]
    text = all_text(content)
    assert "Achieved" in text and "P1" in text and "P3" in text
    assert "Members-only commitment" not in text and "P4" not in text
    member = all_text(
        build("ppt-annual", ReportParams(period=parse_period("2025")), cast.focal, "en")
    )
    assert "Members-only commitment" in member


def test_plan_report_speaks_the_language_asked_and_marks_missing_translations(
    cast: Any, ppt_plan: Plan
) -> None:
    es = build("plan", ReportParams(plan=ppt_plan.code), cast.public, "es")
    en = build("plan", ReportParams(plan=ppt_plan.code), cast.public, "en")
    assert [s.heading for s in es.sections] == [
        "El plan",
        "Avance de las actividades",
        "Actividades",
        "Indicadores",
    ]
    assert [s.heading for s in en.sections] == [
        "The plan",
        "Progress of the activities",
        "Activities",
        "Indicators",
    ]
    # The description exists only in Spanish: the English report gives it, marked.
    (described,) = [b for b in en.sections[0].blocks if isinstance(b, Paragraph)]
    assert (described.text, described.pending) == ("Plan anual de la Presidencia", "es")
    assert facts(en, "Progress of the activities")["Activities"] == "3"
    assert facts(es, "Avance de las actividades")["Finalizado (%)"] == "33,3\u00a0%"
    assert facts(en, "Progress of the activities")["Finished (%)"] == "33.3%"


def test_a_plan_report_costs_the_same_queries_however_many_activities(
    cast: Any, ppt_plan: Plan
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            build("plan", ReportParams(plan=ppt_plan.code), cast.focal, "es")
        return len(ctx.captured_queries)

    few = queries()
    for n in range(20):
        ActivityFactory(plan=ppt_plan, code=f"M{n}", status=S.IN_PROGRESS)
    assert queries() == few
