"""Evidence files: stored under random names, written only for updates that are recorded,
served only through their record (as visible as it), and abandoned uploads cleaned on a
schedule."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from rumbo.core.visibility import Visibility
from rumbo.testing.api import api_for, conforms
from rumbo.testing.http import client_for, url
from rumbo.tracking import services, uploads
from rumbo.tracking.models import Evidence, ImportSession, ProgressUpdate
from rumbo.tracking.tasks import CLEANING_INTERVAL, clean_uploads, schedule_cleaning

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 acta de la reunion\n%%EOF\n"
RANDOM_NAME = re.compile(r"evidence/[0-9a-f]{32}")


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def record(actor, activity, *, visibility=Visibility.PUBLIC, name="Acta reunión.pdf", data=PDF):
    """A progress update with one evidence file, committed (so that its files are kept)."""
    update = services.progress_update_create(
        actor=actor,
        activity=activity,
        data={"date": dt.date(2024, 5, 7), "text_es": "Taller realizado", "visibility": visibility},
        files=[SimpleUploadedFile(name, data, content_type="application/pdf")],
    )
    return update.evidence.get()


def test_a_file_is_stored_under_a_random_name_not_its_own(cast, canary, media):
    evidence = record(cast.secretariat, canary.open_activity, name="Informe CONFIDENCIAL.pdf")
    assert RANDOM_NAME.fullmatch(evidence.file.name)
    assert "Informe" not in evidence.file.name and ".pdf" not in evidence.file.name
    assert evidence.name == "Informe CONFIDENCIAL.pdf" and evidence.size == len(PDF)
    assert (media / evidence.file.name).read_bytes() == PDF
    other = record(cast.secretariat, canary.open_activity, name="Informe CONFIDENCIAL.pdf")
    assert other.file.name != evidence.file.name


@pytest.mark.parametrize(
    ("where", "level"),
    [("open_activity", Visibility.MEMBERS), ("secret_activity", Visibility.PUBLIC)],
    ids=["members-only update", "update on a members-only activity"],
)
def test_members_only_evidence_is_for_members_and_404_for_everyone_else(
    cast, canary, media, where, level
):
    evidence = record(cast.secretariat, getattr(canary, where), visibility=level)
    link = url("evidence_download", pk=evidence.pk)
    allowed = client_for(cast.focal).get(link)
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == PDF
    absent = evidence.pk + 10_000
    for user in (cast.observer, cast.civil, cast.public):
        client = client_for(user)
        refused = client.get(link)
        missing = client.get(url("evidence_download", pk=absent))
        assert refused.status_code == missing.status_code == 404
        # The same page, once the path typed and the per-response CSRF mask are set aside.
        assert normal(refused.content, evidence.pk) == normal(missing.content, absent)


def normal(body: bytes, pk: int) -> bytes:
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    body = body.replace(f"%2Fevidence%2F{pk}%2F".encode(), b"%2Fevidence%2FX%2F")  # log-in ?next=
    return body.replace(f"/evidence/{pk}/".encode(), b"/evidence/X/")


def test_public_evidence_downloads_for_anyone_as_an_attachment(cast, canary, media):
    evidence = record(cast.secretariat, canary.open_activity, name="Acta reunión.pdf")
    response = client_for(cast.public).get(url("evidence_download", "en", pk=evidence.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Acta%20reuni%C3%B3n.pdf" in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_a_page_uploaded_as_evidence_is_never_rendered(cast, canary, media):
    page = b"<html><script>alert(document.cookie)</script></html>"
    evidence = record(cast.secretariat, canary.open_activity, name="informe.html", data=page)
    response = client_for(cast.public).get(url("evidence_download", pk=evidence.pk))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_activity_page_links_the_download_view(cast, canary, media):
    evidence = record(cast.secretariat, canary.open_activity)
    page = client_for(cast.public).get(url("activity_detail", pk=canary.open_activity.pk))
    html = page.content.decode()
    assert url("evidence_download", pk=evidence.pk) in html
    assert evidence.file.name not in html and "/media/" not in html


def test_the_api_gives_download_links_that_work(cast, canary, media):
    evidence = record(cast.secretariat, canary.open_activity)
    hidden = record(cast.secretariat, canary.open_activity, visibility=Visibility.MEMBERS)
    listing = api_for(cast.public).get(
        f"/api/v1/progress-updates/?activity={canary.open_activity.pk}"
    )
    body = listing.json()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    conforms(schema, "PaginatedProgressUpdateList", body)
    links = [e["url"] for u in body["results"] for e in u["evidence"]]
    assert links == [url("evidence_download", pk=evidence.pk)]
    assert body["count"] == 1  # the members-only update and its file are not listed
    assert url("evidence_download", pk=hidden.pk) not in str(body)
    download = client_for(cast.public).get(links[0])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_refused_update_leaves_no_file_and_no_row(cast, canary, media):
    before = (ProgressUpdate.objects.count(), Evidence.objects.count())
    with pytest.raises(ValidationError):
        # Started without an approved note and without the secretariat's reason: refused by
        # the status rule, after the update and its evidence were written.
        services.progress_update_create(
            actor=cast.secretariat,
            activity=canary.open_activity,
            data={"date": dt.date(2024, 5, 7), "text_es": "Empezamos", "new_status": "in_progress"},
            files=[SimpleUploadedFile("acta.pdf", PDF), SimpleUploadedFile("lista.pdf", PDF)],
        )
    assert (ProgressUpdate.objects.count(), Evidence.objects.count()) == before
    assert files_in(media) == []


def test_a_refused_update_through_the_page_leaves_no_file(cast, canary, media):
    response = client_for(cast.secretariat).post(
        url("progress_create", pk=canary.open_activity.pk),
        {
            "date": "2024-05-07",
            "text_es": "Empezamos",
            "new_status": "in_progress",
            "visibility": Visibility.PUBLIC,
            "files": [SimpleUploadedFile("acta.pdf", PDF)],
        },
    )
    assert response.status_code == 200  # the form again, with the status rule's message
    assert not Evidence.objects.exists()
    assert files_in(media) == []


def test_the_media_folder_is_not_served(cast, canary, media, settings):
    evidence = record(cast.secretariat, canary.open_activity)
    client = client_for(cast.focal)
    for path in (f"/{settings.MEDIA_URL}{evidence.file.name}", f"/es/media/{evidence.file.name}"):
        assert client.get(path).status_code == 404


# -- abandoned uploads -----------------------------------------------------------------------
def age(name: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(default_storage.path(name), (then, then))


def test_the_cleaning_deletes_abandoned_uploads_and_nothing_else(cast, canary, media):
    kept = record(cast.secretariat, canary.open_activity)
    age(kept.file.name, 48)
    stale = ImportSession.objects.create(token="stale", user=cast.secretariat, filename="a.xlsx")
    stale.upload.save("stale.xlsx", SimpleUploadedFile("a.xlsx", b"PK"), save=True)
    ImportSession.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - dt.timedelta(days=15)
    )
    fresh = ImportSession.objects.create(token="fresh", user=cast.secretariat, filename="b.xlsx")
    fresh.upload.save("fresh.xlsx", SimpleUploadedFile("b.xlsx", b"PK"), save=True)
    old_orphan = default_storage.save("evidence/" + "a" * 32, SimpleUploadedFile("x", b"x"))
    age(old_orphan, 2)
    young_orphan = default_storage.save("evidence/" + "b" * 32, SimpleUploadedFile("y", b"y"))
    age(young_orphan, 0.5)
    stale_file = stale.upload.name

    result = clean_uploads.enqueue()  # in-process in the tests: runs now

    assert result.return_value == {"imports": 1, "orphans": 1}
    assert not ImportSession.objects.filter(pk=stale.pk).exists()
    assert not default_storage.exists(stale_file)
    assert ImportSession.objects.filter(pk=fresh.pk).exists()
    assert default_storage.exists(fresh.upload.name)
    assert not default_storage.exists(old_orphan)
    assert default_storage.exists(young_orphan)
    assert default_storage.exists(kept.file.name)
    assert uploads.clean_abandoned_uploads() == uploads.Cleaned(imports=0, orphans=0)


def test_the_commands_run_the_same_cleaning(cast, media, capsys):
    stale = ImportSession.objects.create(token="stale", user=cast.secretariat, filename="a.xlsx")
    ImportSession.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - dt.timedelta(days=20)
    )
    call_command("clean_imports", "--days", "14")
    assert "Deleted 1 import previews" in capsys.readouterr().out
    call_command("clean_uploads")
    assert "Deleted 0 import previews and 0 orphan files" in capsys.readouterr().out
    assert not schedule_cleaning()  # the in-process backend cannot defer: cron runs it
    call_command("clean_uploads", "--schedule")
    assert "Nothing scheduled" in capsys.readouterr().out


def test_on_the_database_queue_the_cleaning_schedules_itself_once(media, settings, monkeypatch):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker recycles database connections between tasks; inside this test's transaction
    # that would close the connection (PostgreSQL) and lose the test's data.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert schedule_cleaning()
    assert not schedule_cleaning()  # one run waiting is enough
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    done = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert done.return_value == {"imports": 0, "orphans": 0}
    following = DBTaskResult.objects.get(status="READY")
    wait = following.run_after - done.finished_at
    assert abs(wait - CLEANING_INTERVAL) < dt.timedelta(minutes=1)


def test_the_cleaning_reads_the_folder_of_every_kind_of_attached_file():
    """A kind of record with files of its own (`RandomName(folder)`) has its orphans cleaned
    too: a folder missing from `FOLDERS` would keep abandoned files for ever."""
    from django.apps import apps as django_apps
    from django.db.models import FileField

    from rumbo.core.files import RandomName

    folders = {
        field.upload_to.folder
        for model in django_apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField) and isinstance(field.upload_to, RandomName)
    }
    assert folders and folders <= set(uploads.FOLDERS), folders - set(uploads.FOLDERS)
