from __future__ import annotations

import pytest

from rumbo.core.models import AuditEvent
from rumbo.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_admin_changes_are_audited_with_before_and_after(admin_client_se):
    plan = Plan.objects.get(code="crm-sp-2019-2022")
    url = f"/es/admin/plans/plan/{plan.pk}/change/"
    page = admin_client_se.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "owner_body": plan.owner_body_id,
            "status": "closed",
            "levels": '[{"es": "Pilar", "en": "Pillar"}, {"es": "Tema", "en": "Topic"}]',
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, list | dict)} | {
        "levels": data["levels"]
    }
    assert f'name="version" value="{plan.version}"' in page.content.decode()
    data["version"] = plan.version
    # Submitting the change form keeps the statements as they are only if they are sent back;
    # send them all unchanged.
    statements = list(plan.statements.order_by("order", "id"))
    data["statements-TOTAL_FORMS"] = str(len(statements))
    data["statements-INITIAL_FORMS"] = str(len(statements))
    for i, st in enumerate(statements):
        for field in ("id", "kind", "code", "order", "title_es", "title_en", "text_es", "text_en"):
            value = getattr(st, field)
            data[f"statements-{i}-{field}"] = "" if value is None else value
        data[f"statements-{i}-plan"] = plan.pk
    response = admin_client_se.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.status == "closed"
    event = AuditEvent.objects.for_object(plan).latest("at")
    assert event.changes["status"] == {"old": "endorsed", "new": "closed"}
    assert event.reason == "admin" and event.actor_label == "se"


def test_nobody_changes_the_audit_log_in_the_admin(admin_client_se):
    event = AuditEvent.objects.first()
    assert admin_client_se.get("/es/admin/core/auditevent/").status_code == 200
    change = admin_client_se.post(f"/es/admin/core/auditevent/{event.pk}/change/", {})
    assert change.status_code == 403
    delete = admin_client_se.post(f"/es/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
