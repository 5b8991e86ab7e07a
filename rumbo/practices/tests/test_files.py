"""Files of good practices: stored under random names, added and removed with an edit."""

from __future__ import annotations

import pytest

from rumbo.core.models import AuditEvent
from rumbo.core.visibility import Visibility
from rumbo.practices import services
from rumbo.practices.selectors import get_practice_for

from .factories import a_file, published, submitted

pytestmark = pytest.mark.django_db


def test_files_are_stored_under_random_names(cast):
    p = submitted(cast.civil, files=[a_file("CANARY-name.pdf")])
    item = p.files.get()
    assert item.name == "CANARY-name.pdf"
    assert "CANARY" not in item.file.name and item.file.name.startswith("practice-files/")


def test_an_edit_adds_and_removes_files_and_the_removed_file_is_deleted(
    cast, django_capture_on_commit_callbacks
):
    p = submitted(cast.civil, files=[a_file("old.pdf")])
    old = p.files.get()
    storage, path = old.file.storage, old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        p = services.practice_update(
            actor=cast.civil,
            practice=get_practice_for(cast.civil, p.pk),
            data={"title_es": "Práctica", "summary_es": "Resumen de Práctica"},
            expected_version=p.version,
            files=[a_file("new.pdf")],
            remove_files=[old.pk],
        )
    assert [f.name for f in p.files.all()] == ["new.pdf"]
    assert not storage.exists(path)
    assert p.version == 2  # only the files changed: the version still moves on
    actions = list(AuditEvent.objects.for_object(p).values_list("action", flat=True))
    assert actions.count("attach") == 2


def test_a_file_of_another_practice_cannot_be_removed(cast):
    mine = submitted(cast.civil)
    theirs = submitted(cast.focal, files=[a_file()])
    with pytest.raises(services.ValidationError):
        services.practice_update(
            actor=cast.civil,
            practice=get_practice_for(cast.civil, mine.pk),
            data={"title_es": "x", "summary_es": "y"},
            expected_version=1,
            remove_files=[theirs.files.get().pk],
        )
    assert theirs.files.count() == 1


def test_audit_rows_of_an_unpublished_practice_are_not_public(cast):
    p = submitted(cast.civil, "CANARY")
    assert set(AuditEvent.objects.for_object(p).values_list("visibility", flat=True)) == {
        Visibility.MEMBERS
    }
    assert not AuditEvent.objects.for_object(p).visible_to(cast.observer).exists()
    q = published(cast.civil, cast.secretariat)
    last = AuditEvent.objects.for_object(q).first()
    assert last is not None and last.visibility == Visibility.PUBLIC
