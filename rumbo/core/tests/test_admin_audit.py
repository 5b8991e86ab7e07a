"""The admin is one more way to change records: versions checked, every change audited
(people and inline rows included), and no crash when someone who acted is deleted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.forms import MultiWidget

from rumbo.core.models import AuditEvent
from rumbo.organisations.models import User
from rumbo.plans.models import Activity, BudgetLine
from rumbo.testing.factories import ActivityFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


def change_form_data(page) -> dict:
    """What a browser would send back from an admin change page, unchanged."""
    data: dict = {}
    forms = [page.context["adminform"].form] + [
        f for formset in page.context["inline_admin_formsets"] for f in formset.formset.forms
    ]
    for form in forms:
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            value = form[name].value()
            if value is None:
                continue
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, MultiWidget):
                for i, part in enumerate(widget.decompress(value) or []):
                    data[f"{key}_{i}"] = "" if part is None else str(part)
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            else:
                data[key] = str(value)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def test_an_inline_budget_change_is_audited_with_its_amounts(admin_client_se, cast):
    activity = ActivityFactory(plan=PlanFactory(code="adm"), code="ADM1")
    line = BudgetLine.objects.create(activity=activity, amount=Decimal(100))
    url = f"/es/admin/plans/activity/{activity.pk}/change/"
    page = admin_client_se.get(url)
    data = change_form_data(page)
    key = next(k for k, v in data.items() if k.endswith("-amount") and v.startswith("100"))
    data[key] = "999999"
    response = admin_client_se.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    line.refresh_from_db()
    assert line.amount == Decimal(999999)
    events = list(AuditEvent.objects.for_object(activity))
    assert len(events) == 1
    change = events[0].changes["budget_lines"]
    assert change["old"][0][0] == "100.00" and change["new"][0][0] == "999999.00"
    # No phantom change of an empty text into another empty text.
    for values in events[0].changes.values():
        assert (values["old"] or "", values["new"] or "") != ("", "")


def test_a_stale_admin_form_is_refused(admin_client_se):
    activity = ActivityFactory(plan=PlanFactory(code="adm2"), code="ADM2", title_es="uno")
    url = f"/es/admin/plans/activity/{activity.pk}/change/"
    data = change_form_data(admin_client_se.get(url))
    Activity.objects.filter(pk=activity.pk).update(title_es="cambiado", version=5)
    data["title_es"] = "mío"
    response = admin_client_se.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any(e.startswith("Otra persona modificó") for e in errors), response.context[
        "adminform"
    ].form.errors
    activity.refresh_from_db()
    assert activity.title_es == "cambiado" and activity.version == 5


def test_changing_a_person_s_role_in_the_admin_is_audited(admin_client_se, cast):
    person = UserFactory(username="someone", role=User.Role.CIVIL_SOCIETY)
    url = f"/es/admin/organisations/user/{person.pk}/change/"
    data = change_form_data(admin_client_se.get(url))
    data["role"] = User.Role.SECRETARIAT
    data["is_superuser"] = "on"
    response = admin_client_se.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.for_object(person).get()
    assert event.changes["role"] == {"old": "civil_society", "new": "secretariat"}
    assert event.changes["is_superuser"] == {"old": False, "new": True}
    assert event.actor_label == "se"


def test_a_person_with_history_cannot_be_deleted_only_deactivated(admin_client_se, cast):
    from rumbo.core.services import audited_update

    actor = UserFactory(username="author", role=User.Role.FOCAL_POINT)
    audited_update(actor=actor, instance=PlanFactory(), data={"title_es": "X"})
    url = f"/es/admin/organisations/user/{actor.pk}/delete/"
    page = admin_client_se.get(url)
    assert page.status_code == 200
    response = admin_client_se.post(url, {"post": "yes"})
    assert response.status_code in {200, 302}
    assert User.objects.filter(pk=actor.pk).exists()
    assert AuditEvent.objects.filter(actor=actor).exists()


def test_a_person_without_history_is_deleted_and_the_deletion_audited(admin_client_se):
    person = UserFactory(username="nobody-yet")
    response = admin_client_se.post(
        f"/es/admin/organisations/user/{person.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(username="nobody-yet").exists()
    assert AuditEvent.objects.filter(object_label="nobody-yet", action="delete").exists()


def test_a_dimension_added_in_the_admin_is_audited_with_its_categories(admin_client_se):
    from rumbo.indicators.models import Dimension

    response = admin_client_se.post(
        "/en/admin/indicators/dimension/add/",
        {
            "code": "disability",
            "name_es": "Discapacidad",
            "name_en": "Disability",
            "order": 5,
            "categories-TOTAL_FORMS": 1,
            "categories-INITIAL_FORMS": 0,
            "categories-0-code": "yes",
            "categories-0-name_es": "Con discapacidad",
            "categories-0-name_en": "With a disability",
            "categories-0-order": 0,
            "categories-0-active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    dim = Dimension.objects.get(code="disability")
    event = AuditEvent.objects.for_object(dim).get()
    assert event.changes["categories"]["new"] == [
        ["yes", "Con discapacidad", "With a disability", 0, True]
    ]
