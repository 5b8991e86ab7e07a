"""An import is applied once: "Apply" clicked twice, or two requests at the same moment,
change the plans once, and the second request is told so (never a 500)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from rumbo.core import db_triggers
from rumbo.plans.models import Activity
from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows
from rumbo.tracking.models import ImportSession
from rumbo.tracking.xlsx import importer
from rumbo.tracking.xlsx.columns import COLUMNS
from rumbo.tracking.xlsx.writer import write_matrix

COL = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
ALREADY = "This import had already been applied: nothing was changed this time."


def upload_with_a_new_activity(user: Any, client: Any, tmp_path: Path, bodies: Any) -> str:
    """Export a plan, add one activity to the workbook, upload it: the preview's address."""
    plan = PlanFactory(code="wg-plan", owner_body=bodies.wg_lab)
    pillar = ElementFactory(plan=plan, code="L1", title_es="Línea uno")
    ActivityFactory(plan=plan, element=pillar, code="A1", plan_year=1)
    path = tmp_path / "m.xlsx"
    qs = matrix_queryset(user, MatrixFilters(plan="wg-plan"))
    write_matrix(str(path), rows(user, qs), lang="es", max_years=3)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    new = ws.max_row + 1
    ws.cell(new, COL["plan"]).value = "wg-plan"
    ws.cell(new, COL["pillar"]).value = "L1 Línea uno"
    ws.cell(new, COL["code"]).value = "A9"
    ws.cell(new, COL["activity"]).value = "Taller nuevo"
    ws.cell(new, COL["status"]).value = "No iniciada"
    book.save(path)
    upload = SimpleUploadedFile("m.xlsx", path.read_bytes())
    response = client.post(url("matrix_import", "en"), {"file": upload, "plan": ""})
    assert response.status_code == 302
    return response["Location"]


def added() -> int:
    return Activity.objects.filter(plan__code="wg-plan", code="A9").count()


@pytest.mark.django_db
def test_apply_clicked_twice_applies_once_and_says_so(cast, bodies, tmp_path):
    client = client_for(cast.secretariat)
    preview = upload_with_a_new_activity(cast.secretariat, client, tmp_path, bodies)
    assert client.post(preview).status_code == 302
    again = client.post(preview, follow=True)
    assert again.status_code == 200
    assert ALREADY in again.content.decode()
    assert added() == 1


@pytest.mark.django_db
def test_an_apply_that_finishes_while_another_starts_is_not_repeated(
    cast, bodies, tmp_path, monkeypatch
):
    """The request read the import as not applied; before it applies, another request
    finishes applying it. It must see that under its lock, not trust what it read."""
    client = client_for(cast.secretariat)
    preview = upload_with_a_new_activity(cast.secretariat, client, tmp_path, bodies)
    read = importer.Preview.from_json.__func__

    def read_then_the_other_request_applies(cls: Any, data: dict[str, Any]) -> Any:
        ImportSession.objects.filter(applied_at__isnull=True).update(applied_at=timezone.now())
        return read(cls, data)

    monkeypatch.setattr(
        importer.Preview, "from_json", classmethod(read_then_the_other_request_applies)
    )
    response = client.post(preview, follow=True)
    assert added() == 0
    assert response.status_code == 200
    assert ALREADY in response.content.decode()


@pytest.fixture
def committed(transactional_db: None) -> Any:
    """Writes committed for real, so that two threads (two connections) see them. The
    database is emptied afterwards, which the append-only audit log must then allow (as in
    tests/test_e2e.py)."""
    yield
    db_triggers.uninstall(connection)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="threads on SQLite's in-memory test database cannot wait for each other's locks; "
    "tests/test_sqlite_writers.py runs concurrent writers on an SQLite file",
)
def test_two_applies_at_the_same_moment_apply_once(committed, cast, bodies, tmp_path):
    preview = upload_with_a_new_activity(
        cast.secretariat, client_for(cast.secretariat), tmp_path, bodies
    )
    start = threading.Barrier(2)
    statuses: list[int] = []

    def apply() -> None:
        client = client_for(cast.secretariat)
        start.wait()
        try:
            statuses.append(client.post(preview).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302, 302]  # the second is sent back to the preview, with the message
    assert added() == 1
