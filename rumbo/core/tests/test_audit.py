from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError, audited_update
from rumbo.testing.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_update_records_who_what_before_and_after(cast):
    plan = PlanFactory(title_es="Antes", title_en="Before")
    audited_update(
        actor=cast.secretariat,
        instance=plan,
        data={"title_es": "Después", "status": "closed"},
        expected_version=plan.version,
    )
    event = AuditEvent.objects.for_object(plan).get()
    assert event.actor == cast.secretariat and event.actor_label == "se"
    assert event.action == "status"  # a change that moves the status is named for it
    assert event.changes["title_es"] == {"old": "Antes", "new": "Después"}
    assert event.changes["status"] == {"old": "approved", "new": "closed"}
    assert "title_en" not in event.changes
    plan.refresh_from_db()
    assert plan.version == 2


def test_an_update_that_changes_nothing_writes_nothing(cast):
    plan = PlanFactory()
    audited_update(actor=cast.secretariat, instance=plan, data={"title_es": plan.title_es})
    assert not AuditEvent.objects.for_object(plan).exists()


def test_stale_version_is_a_conflict_and_writes_nothing(cast):
    plan = PlanFactory(title_es="Original")
    audited_update(
        actor=cast.secretariat, instance=plan, data={"title_es": "Primero"}, expected_version=1
    )
    with pytest.raises(ConflictError):
        audited_update(
            actor=cast.secretariat, instance=plan, data={"title_es": "Segundo"}, expected_version=1
        )
    plan.refresh_from_db()
    assert plan.title_es == "Primero"
    assert AuditEvent.objects.for_object(plan).count() == 1


def test_audit_rows_cannot_be_changed_through_the_model(cast):
    plan = PlanFactory()
    audited_update(actor=cast.secretariat, instance=plan, data={"title_es": "X"})
    event = AuditEvent.objects.for_object(plan).get()
    event.reason = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()


def test_audit_rows_cannot_be_changed_in_the_database(cast):
    plan = PlanFactory()
    audited_update(actor=cast.secretariat, instance=plan, data={"title_es": "X"})
    events = AuditEvent.objects.for_object(plan)
    with pytest.raises(DatabaseError), transaction.atomic():
        events.update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        events.delete()
    assert events.get().reason == ""


def test_the_log_refuses_truncate_and_replace(cast):
    """Bulk ways round the row triggers: TRUNCATE (PostgreSQL) and REPLACE INTO (SQLite)."""
    plan = PlanFactory()
    audited_update(actor=cast.secretariat, instance=plan, data={"title_es": "X"})
    event = AuditEvent.objects.for_object(plan).get()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute("TRUNCATE core_auditevent CASCADE")
        else:
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(
                    "REPLACE INTO core_auditevent (id, at, actor_label, action, content_type_id,"
                    " object_id, object_label, changes, reason, visibility)"
                    " SELECT id, at, 'nobody', action, content_type_id, object_id, object_label,"
                    " '{}', 'rewritten', visibility FROM core_auditevent WHERE id = %s",
                    [event.pk],
                )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_label == "se" and event.reason == ""
