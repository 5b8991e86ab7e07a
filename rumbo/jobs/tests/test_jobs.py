"""Background jobs: a job runs to done and its file is its requester's only; progress; a
runner that fails; a run killed midway, then run again; the real database queue and its
worker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from rumbo.core.models import AuditEvent
from rumbo.jobs.models import STALE_AFTER, Job
from rumbo.jobs.registry import JobFailed, Output, register, scratch_path
from rumbo.jobs.running import execute
from rumbo.jobs.services import job_request, job_run_again
from rumbo.testing.http import client_for, url
from tests.leaks.crawl import normalised

pytestmark = pytest.mark.django_db

CONTENT = b"one,two\n1,2\n"
# What each test kind's runner did, as the row said while it ran.
SEEN: list[tuple[int, int | None]] = []
KILL = {"on": True}


class Killed(BaseException):
    """What a worker killed midway looks like from inside: nothing after it runs."""


def _echo(job: Job, progress) -> Output:  # type: ignore[no-untyped-def]
    path = scratch_path(job, "echo.csv")
    path.write_bytes(CONTENT + str(job.params.get("n", "")).encode())
    return Output(filename="echo.csv", content_type="text/csv", path=path)


def _counting(job: Job, progress) -> Output:  # type: ignore[no-untyped-def]
    SEEN.clear()
    for done in range(1, 11):
        progress(done, 10)
        row = Job.objects.get(pk=job.pk)
        SEEN.append((row.progress_done, row.progress_total))
    return _echo(job, progress)


def _broken(job: Job, progress) -> Output:  # type: ignore[no-untyped-def]
    progress(1, 4)
    raise ValueError("the data behind this file is inconsistent")


def _refused(job: Job, progress) -> Output:  # type: ignore[no-untyped-def]
    raise JobFailed(gettext_lazy("Unknown language."))


def _killed_once(job: Job, progress) -> Output:  # type: ignore[no-untyped-def]
    progress(2, 10)
    scratch_path(job, "echo.csv").write_bytes(b"half a fi")
    if KILL["on"]:
        raise Killed
    return _echo(job, progress)


register("test-echo", _echo, "Echo")
register("test-counting", _counting, "Counting")
register("test-broken", _broken, "Broken")
register("test-killed", _killed_once, "Killed once")
register("test-refused", _refused, "Refused")


def ask(user, kind: str, capture, lang: str = "es", **params) -> Job:  # type: ignore[no-untyped-def]
    """Ask for a job as a view does; the commit hands it to the (in-process) queue."""
    with capture(execute=True):
        job = job_request(actor=user, kind=kind, params=params, language=lang)
    job.refresh_from_db()
    return job


def stored_files(media: Path) -> list[Path]:
    folder = media / "job-files"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_job_runs_to_done_and_its_file_is_its_requesters_only(
    cast, media, django_capture_on_commit_callbacks
):
    cast.focal.email = "focal@example.org"
    cast.focal.save()
    job = ask(cast.focal, "test-echo", django_capture_on_commit_callbacks, n=7)
    assert job.status == Job.Status.DONE
    assert job.output_name == "echo.csv" and job.output_size == len(CONTENT) + 1
    assert job.task_result_id
    assert len(stored_files(media)) == 1
    # Stored under a random name, never the runner's.
    assert "echo" not in job.output.name

    response = client_for(cast.focal).get(url("job_download", pk=job.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT + b"7"
    assert "echo.csv" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]

    # Anyone else, the secretariat included: 404, word for word a missing job's.
    for other in (cast.observer, cast.secretariat, cast.ppt):
        client = client_for(other)
        for name in ("job_download", "job_detail"):
            hidden = client.get(url(name, pk=job.pk))
            missing = client.get(url(name, pk=987654321))
            assert hidden.status_code == missing.status_code == 404
            ids = (job.pk, 987654321)
            assert normalised(hidden.content.decode(), *ids) == normalised(
                missing.content.decode(), *ids
            )
        assert f"#{job.pk}" not in client.get(url("job_list")).content.decode()
    # The public is asked to log in, whatever the job.
    assert client_for(cast.public).get(url("job_download", pk=job.pk)).status_code == 302

    # The requester was told, in the language they asked in, with the job's address.
    (message,) = mail.outbox
    assert message.to == ["focal@example.org"]
    assert "archivo está listo" in message.subject
    assert f"/es/jobs/{job.pk}/" in message.body

    page = client_for(cast.focal).get(url("job_list", lang="en")).content.decode()
    assert "My files" in page and "echo.csv" in page and 'http-equiv="refresh"' not in page


def test_progress_is_written_at_most_twice_a_second_and_shown_as_a_progress_bar(
    cast, media, django_capture_on_commit_callbacks
):
    job = ask(cast.focal, "test-counting", django_capture_on_commit_callbacks)
    # Ten calls in a fraction of a second: the first is written, the rest wait for the last.
    assert SEEN[:9] == [(1, 10)] * 9
    assert SEEN[9] == (10, 10)
    assert job.status == Job.Status.DONE

    # A job under way: its bar and a page that refreshes itself (no script), in es and en.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress_done=3, progress_total=10, heartbeat_at=timezone.now()
    )
    client = client_for(cast.focal)
    for lang, word in (("es", "en curso"), ("en", "in progress")):
        for name, kwargs in (("job_list", {}), ("job_detail", {"pk": job.pk})):
            page = client.get(url(name, lang=lang, **kwargs)).content.decode()
            assert '<progress max="10" value="3"' in page
            assert '<meta http-equiv="refresh" content="3">' in page
            assert word in page


def test_a_runner_that_fails_leaves_a_failed_job_with_a_translated_message_and_no_file(
    cast, media, django_capture_on_commit_callbacks
):
    job = ask(cast.focal, "test-broken", django_capture_on_commit_callbacks, lang="en")
    assert job.status == Job.Status.FAILED
    assert not job.output and stored_files(media) == []
    assert not mail.outbox
    client = client_for(cast.focal)
    for lang, said, button in (
        ("es", "No se pudo preparar el archivo", "Preparar de nuevo"),
        ("en", "The file could not be prepared", "Prepare it again"),
    ):
        page = client.get(url("job_detail", lang=lang, pk=job.pk)).content.decode()
        assert said in page and button in page
        assert "inconsistent" not in page  # the details are for the log, not the page
    assert client.get(url("job_download", pk=job.pk)).status_code == 404

    # A runner's own message for the person, in the language they asked in.
    told = ask(cast.focal, "test-refused", django_capture_on_commit_callbacks, lang="es")
    assert told.status == Job.Status.FAILED and told.message == "Idioma desconocido."
    assert "Idioma desconocido." in client.get(url("job_detail", pk=told.pk)).content.decode()


def test_a_run_killed_midway_leaves_no_file_and_can_be_run_again(
    cast, media, django_capture_on_commit_callbacks
):
    KILL["on"] = True
    job = ask(cast.focal, "test-killed", django_capture_on_commit_callbacks)
    # The worker died: the row still says running, with its last progress, and no file.
    assert job.status == Job.Status.RUNNING and job.progress_done == 2
    assert not job.output and stored_files(media) == []
    client = client_for(cast.focal)
    again = url("job_run_again", pk=job.pk)

    # While its last sign of life is recent, it is taken for running: no second run.
    assert not job.can_run_again
    client.post(again, {"version": job.version})
    job.refresh_from_db()
    assert job.attempt == 1 and job.status == Job.Status.RUNNING

    # Quiet for longer than STALE_AFTER: shown as interrupted, with the button.
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - STALE_AFTER - dt.timedelta(1)
    )
    page = client.get(url("job_detail", lang="en", pk=job.pk)).content.decode()
    assert "interrupted" in page and "Prepare it again" in page
    assert 'http-equiv="refresh"' not in page
    # Someone else may not run it again (404, as for a missing job).
    assert client_for(cast.observer).post(again, {"version": job.version}).status_code == 404

    KILL["on"] = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(again, {"version": job.version})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempt == 2
    assert len(stored_files(media)) == 1
    assert b"".join(client.get(url("job_download", pk=job.pk)).streaming_content) == CONTENT
    event = AuditEvent.objects.for_object(job).get(action=AuditEvent.Action.STATUS)
    assert event.changes == {"status": {"old": "interrupted", "new": "queued"}}
    assert event.actor == cast.focal

    # The first run, had it survived somewhere, finds itself replaced and writes nothing.
    assert execute(job.pk, 1).status == "skipped"
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempt == 2


def test_running_again_is_refused_for_a_job_that_is_done(
    cast, media, django_capture_on_commit_callbacks
):
    job = ask(cast.focal, "test-echo", django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        job_run_again(actor=cast.focal, job=job, expected_version=job.version)
    assert refused.value.code == "not_stopped"
    job.refresh_from_db()
    assert job.attempt == 1 and job.status == Job.Status.DONE


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_database_queue_and_its_worker_run_a_job(
    committed, cast, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_request(actor=cast.focal, kind="test-echo", params={"n": 3}, language="en")
    job.refresh_from_db()
    # Queued, not run: the request returns at once; the worker runs it.
    assert job.status == Job.Status.QUEUED
    queued = DBTaskResult.objects.get()
    assert str(queued.id) == job.task_result_id
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.output.read() == CONTENT + b"3"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
