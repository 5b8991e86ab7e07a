"""The large matrix export runs as a background job: above the threshold the button asks for
a job, whose file is the very workbook the immediate export writes, built as its requester
sees the matrix."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import override_settings

from rumbo.core.visibility import Visibility
from rumbo.jobs.models import Job
from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(bodies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = PlanFactory(code="big-plan", owner_body=bodies.wg_lab)
    pillar = ElementFactory(plan=plan, code="L1", title_es="Línea uno", title_en="Line one")
    for i in range(4):
        ActivityFactory(plan=plan, element=pillar, code=f"A{i}", plan_year=1)
    ActivityFactory(
        plan=plan,
        element=pillar,
        code="S1",
        title_es="Actividad reservada",
        title_en="Closed-door activity",
        visibility=Visibility.MEMBERS,
    )
    return plan


def cells(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def test_a_large_export_becomes_a_job_whose_file_is_the_immediate_exports(
    cast, plan, django_capture_on_commit_callbacks
):
    client = client_for(cast.focal)
    export = url("matrix_export", lang="en") + "?plan=big-plan&page=2&size=50"
    with override_settings(RUMBO_MATRIX_EXPORT_INLINE_ROWS=1000):
        immediate = client.get(export)
    assert immediate["Content-Type"].startswith("application/vnd.openxml")

    with override_settings(RUMBO_MATRIX_EXPORT_INLINE_ROWS=3):
        # The matrix page's button asks for a job (a POST form, not a link).
        page = client.get(url("matrix", lang="en") + "?plan=big-plan").content.decode()
        assert 'method="post" action="/en/matrix/export.xlsx?plan=big-plan"' in page
        # A link to the export (shared, bookmarked) offers the same button, writes nothing.
        offered = client.get(export)
        assert offered.status_code == 200 and "Prepare the Excel file" in offered.content.decode()
        assert not Job.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(export)
    job = Job.objects.get()
    assert asked.status_code == 302 and asked["Location"] == url("job_detail", "en", pk=job.pk)
    assert job.kind == "matrix-export" and job.language == "en"
    assert job.params == {"query": "plan=big-plan"}  # the page's own parameters left out
    assert job.status == Job.Status.DONE and job.progress_done == job.progress_total == 5

    prepared = client.get(url("job_download", pk=job.pk))
    assert prepared["Content-Type"] == immediate["Content-Type"]
    assert prepared["Content-Disposition"] == immediate["Content-Disposition"]
    made = cells(body(prepared))
    assert made == cells(body(immediate))
    assert "Closed-door activity" in str(made)


def test_a_job_builds_the_file_as_its_requester_sees_the_matrix(
    cast, plan, django_capture_on_commit_callbacks
):
    client = client_for(cast.observer)
    with (
        override_settings(RUMBO_MATRIX_EXPORT_INLINE_ROWS=3),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(url("matrix_export") + "?plan=big-plan")
    job = Job.objects.get(requested_by=cast.observer)
    made = cells(body(client.get(url("job_download", pk=job.pk))))
    assert job.progress_total == 4 and len(made["Matriz"]) == 5  # header + the 4 public rows
    assert "reservada" not in str(made)


def test_the_public_export_is_written_at_once_and_the_public_cannot_ask_for_a_job(cast, plan):
    client = client_for(cast.public)
    with override_settings(RUMBO_MATRIX_EXPORT_INLINE_ROWS=1):
        response = client.get(url("matrix_export") + "?plan=big-plan")
        assert response["Content-Type"].startswith("application/vnd.openxml")
        assert len(cells(body(response))["Matriz"]) == 5
        assert client.post(url("matrix_export") + "?plan=big-plan").status_code == 403
    assert not Job.objects.exists()
