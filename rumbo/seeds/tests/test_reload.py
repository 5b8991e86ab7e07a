"""Loading the shipped data again on a live database keeps people's work.

People change the shipped records through the pages, the Excel import and the API; the data
is loaded again (`make run` a second time, `rumbo demo --no-accounts` in production): every
change stays as they left it, a record they removed stays removed, and a field nobody touched
follows a correction of the data, with an audit row saying so."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from rumbo.core.models import AuditEvent
from rumbo.core.services import audited_delete
from rumbo.plans.models import Activity, ActivityParty, Plan
from rumbo.testing.api import api_for
from rumbo.testing.forms import form_values
from rumbo.testing.http import client_for, url
from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows
from rumbo.tracking.xlsx.columns import COLUMNS
from rumbo.tracking.xlsx.importer import apply_import, preview_import
from rumbo.tracking.xlsx.writer import write_matrix

pytestmark = pytest.mark.django_db
PLAN = "un-rn-2023-2024"
COL = {c.key: i + 1 for i, c in enumerate(COLUMNS)}


def seeded(code: str) -> Activity:
    return Activity.objects.get(plan__code=PLAN, code=code)


def edit_on_the_page(user, code: str, **changes: str) -> None:
    client = client_for(user)
    page = client.get(url("activity_edit", "es", pk=seeded(code).pk))
    values, _ = form_values(page.content.decode())
    values.update(changes)
    response = client.post(url("activity_edit", "es", pk=seeded(code).pk), values)
    assert response.status_code == 302, response.content.decode()[:2000]


def edit_in_excel(user, tmp_path: Path, code: str, assumptions: str) -> None:
    path = tmp_path / "matrix.xlsx"
    write_matrix(str(path), rows(user, matrix_queryset(user, MatrixFilters(plan=PLAN))), lang="es")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, COL["code"]).value == code)
    ws.cell(row, COL["assumptions"]).value = assumptions
    book.save(path)
    preview = preview_import(user, path)
    assert preview.ok, preview.problems
    apply_import(user, preview)


def people_work(cast, tmp_path: Path) -> dict[str, object]:
    """Changes made the three ways people make them; what each left."""
    se = cast.secretariat
    edit_on_the_page(
        se,
        "BP1.1",
        title_es="Título corregido por la Secretaría",
        assumptions_risks_es="Depende de la financiación",
    )
    act = seeded("BP1.2")
    response = api_for(se).post(
        "/api/v1/progress-updates/",
        {
            "activity": act.pk,
            "date": "2023-09-28",
            "text_es": "Reunión realizada",
            "new_status": "in_progress",
            "status_reason": "Acta disponible",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    act.refresh_from_db()
    patched = api_for(se).patch(
        f"/api/v1/matrix/{act.pk}/",
        {"version": act.version, "indicators_es": "Dos talleres realizados (informe de la OIM)"},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    edit_in_excel(se, tmp_path, "BP1.3", "Supuesto escrito en Excel")
    audited_delete(actor=se, instance=seeded("BP1.4"))
    return what_is_there()


def what_is_there() -> dict[str, object]:
    return {
        "BP1.1": seeded("BP1.1").title_es,
        "BP1.1 assumptions": seeded("BP1.1").assumptions_risks_es,
        "BP1.2": seeded("BP1.2").status,
        "BP1.2 indicators": seeded("BP1.2").indicators_es,
        "BP1.3": seeded("BP1.3").assumptions_risks_es,
    }


def test_reloading_the_same_data_keeps_everything_people_did(cast, tmp_path):
    from rumbo.seeds.loader import load_seeds

    left = people_work(cast, tmp_path)
    assert left["BP1.2"] == Activity.Status.IN_PROGRESS
    assert left["BP1.2 indicators"] == "Dos talleres realizados (informe de la OIM)"
    audit_rows = AuditEvent.objects.count()

    report = load_seeds()

    assert what_is_there() == left
    assert not Activity.objects.filter(plan__code=PLAN, code="BP1.4").exists()
    assert report.created == {} and report.updated == 0
    assert report.removed == 1  # BP1.4, removed by a person, is not restored
    assert AuditEvent.objects.count() == audit_rows  # nothing changed, nothing to audit
    # The page agrees with the history: the status is the last one recorded.
    act = seeded("BP1.2")
    assert act.status_changes.order_by("-happened_on", "-at").first().new_status == act.status


def corrected_data(tmp_path: Path) -> Path:
    """The shipped data with two corrections: one to a record people changed, one to a
    record nobody touched."""
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    path = data / "plans" / f"{PLAN}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for row in doc["activities"]:
        if row["code"] == "BP1.1":
            row["title"]["es"] = "Título corregido en los datos"
        if row["code"] == "BP1.5":
            row["description"] = {"es": "Descripción corregida", "en": "Corrected description"}
            row["accompanying"] = [*(row.get("accompanying") or []), "ACNUR"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def test_a_corrected_data_file_updates_only_what_nobody_changed(cast, tmp_path):
    from rumbo.seeds.loader import load_seeds

    left = people_work(cast, tmp_path)
    untouched = seeded("BP1.5")
    version = untouched.version

    report = load_seeds(corrected_data(tmp_path))

    assert what_is_there() == left  # BP1.1's title stays as the secretariat wrote it
    assert report.kept >= 1
    fixed = seeded("BP1.5")
    assert fixed.description_es == "Descripción corregida"
    assert fixed.version == version + 1  # an edit begun before the correction is refused
    accompanying = ActivityParty.objects.filter(activity=fixed, role="accompanying")
    assert "ACNUR" in set(accompanying.values_list("organisation__code", flat=True))
    event = AuditEvent.objects.for_object(fixed).order_by("-id").first()
    assert event.reason == f"Updated from plans/{PLAN}.yaml"
    assert "description_es" in event.changes and "responsible_parties" in event.changes
    assert not Activity.objects.filter(plan__code=PLAN, code="BP1.4").exists()


def test_a_database_loaded_before_the_data_was_remembered_keeps_audited_changes(cast, tmp_path):
    """Records loaded by an earlier version have no remembered values: the audit log tells
    which fields people changed, and those are kept."""
    from rumbo.seeds.loader import load_seeds
    from rumbo.seeds.models import SeedRecord

    left = people_work(cast, tmp_path)
    SeedRecord.objects.all().delete()

    load_seeds(corrected_data(tmp_path))

    assert what_is_there() == left
    assert seeded("BP1.5").description_es == "Descripción corregida"
    assert not Activity.objects.filter(plan__code=PLAN, code="BP1.4").exists()
    assert Plan.objects.filter(code=PLAN).exists()
