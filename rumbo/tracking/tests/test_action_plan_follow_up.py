"""The Labour Mobility Action Plan's 26 actions are followed up like activities: in the
matrix, the roadmap and the semester summary, "not reported" until somebody reports, with
nothing the plan does not say (no dates, no responsible parties, no status)."""

from __future__ import annotations

import pytest

from rumbo.plans.models import Activity, PlanElement
from rumbo.testing.http import client_for, url
from rumbo.tracking.summary import semiannual_figures

pytestmark = pytest.mark.django_db
LMAP = "crm-lmap-2023-2027"


def test_one_activity_per_action_with_its_text_and_nothing_else():
    actions = PlanElement.objects.filter(plan__code=LMAP, depth=2).order_by("code")
    followed = Activity.objects.filter(plan__code=LMAP).order_by("code")
    assert followed.count() == actions.count() == 26
    for action, activity in zip(actions, followed, strict=True):
        assert activity.code == action.code and activity.element_id == action.pk
        assert (activity.title_es, activity.title_en) == (action.title_es, action.title_en)
        assert activity.status == Activity.Status.NOT_REPORTED
        assert activity.start_date is None and activity.end_date is None
        assert not activity.parties.exists() and not activity.budget_lines.exists()


@pytest.mark.parametrize(
    "lang, label", [("es", "Sin información reportada"), ("en", "Not reported")]
)
def test_the_actions_are_in_the_matrix_and_the_roadmap(cast, lang, label):
    client = client_for(cast.public)
    matrix = client.get(url("matrix", lang) + f"?plan={LMAP}").content.decode()
    assert "L1.A6" in matrix and "L4.A6" in matrix and label in matrix
    roadmap = client.get(url("plan_roadmap", lang, code=LMAP)).content.decode()
    assert "L1.A6" in roadmap  # without dates: listed as not scheduled, not drawn


def test_the_actions_count_in_the_semester_summary(cast):
    figures = semiannual_figures(cast.public, 2026, 1, plan_code=LMAP)
    assert figures.totals.total == 26 and figures.totals.not_reported == 26


def test_a_progress_update_on_an_action_is_followed_up(cast):
    action = Activity.objects.get(plan__code=LMAP, code="L1.A6")
    client = client_for(cast.secretariat)
    response = client.post(
        url("progress_create", "en", pk=action.pk),
        {
            "date": "2026-03-02",
            "text_es": "Metodología en diseño",
            "new_status": "in_progress",
            "status_reason": "Trabajo iniciado por la PPT",
            "visibility": 0,
            "submission_key": "6f1f8c2e-8a43-4e53-9d2b-0b5f3c1d2a10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    figures = semiannual_figures(cast.public, 2026, 1, plan_code=LMAP)
    assert (figures.totals.in_progress, figures.totals.not_reported) == (1, 25)
