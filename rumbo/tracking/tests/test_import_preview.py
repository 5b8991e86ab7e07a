"""The import preview as an official reads it: plain changes apart from real conflicts,
statuses by their labels, responsible parties imported and budget edits named as not
imported, required reasons asked for row by row before applying, and a marked workbook named
in the page's language. Everything stays all-or-nothing."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.models import AuditEvent
from rumbo.organisations.models import Organisation
from rumbo.plans import services
from rumbo.plans.models import Activity, ActivityParty, BudgetLine, StatusChange
from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows
from rumbo.tracking.xlsx.columns import COLUMNS
from rumbo.tracking.xlsx.importer import apply_import, preview_import
from rumbo.tracking.xlsx.writer import write_matrix

pytestmark = pytest.mark.django_db
COL = {c.key: i + 1 for i, c in enumerate(COLUMNS)}  # 1-based for openpyxl


@pytest.fixture
def plan(bodies):
    plan = PlanFactory(code="ip-plan", owner_body=bodies.wg_lab)
    pillar = ElementFactory(plan=plan, code="L1", title_es="Línea uno", title_en="Line one")
    oim = Organisation.objects.get(code="OIM")
    for i in range(4):
        act = ActivityFactory(plan=plan, element=pillar, code=f"A{i}", plan_year=1)
        ActivityParty.objects.create(activity=act, organisation=oim, role="lead")
        BudgetLine.objects.create(activity=act, amount=1000, currency="USD")
    return plan


def export(user, path: Path, lang: str = "es") -> Path:
    qs = matrix_queryset(user, MatrixFilters(plan="ip-plan"))
    write_matrix(str(path), rows(user, qs), lang=lang, max_years=3)
    return path


def edit(path: Path, changes: dict[str, dict[str, object]]) -> dict[str, int]:
    """Set cells by activity code and column key; returns each code's row number."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    where = {ws.cell(r, COL["code"]).value: r for r in range(2, ws.max_row + 1)}
    for code, cells in changes.items():
        for key, value in cells.items():
            ws.cell(where[code], COL[key]).value = value
    book.save(path)
    return where


def upload(client, path: Path, lang: str = "es") -> str:
    response = client.post(
        url("matrix_import", lang),
        {"file": SimpleUploadedFile("edited.xlsx", path.read_bytes()), "plan": ""},
    )
    assert response.status_code == 302
    return response["Location"]


def section(html: str, heading_id: str) -> str:
    """The text of the <section> a heading opens (empty when there is none)."""
    found = re.search(rf'<h2 id="{heading_id}">.*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_plain_changes_are_not_listed_as_conflicts(cast, plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx")
    a0 = Activity.objects.get(plan=plan, code="A0")
    services.activity_update(
        actor=cast.secretariat,
        activity=a0,
        data={"title_es": "Cambiado en Rumbo"},
        expected_version=a0.version,
    )
    edit(
        path,
        {"A0": {"activity": "Cambiado en Excel"}, "A1": {"assumptions": "Riesgo nuevo"}},
    )
    client = client_for(cast.secretariat)
    html = client.get(upload(client, path, "en")).content.decode()
    changes, conflicts = section(html, "changes-h"), section(html, "conflicts-h")
    assert "Riesgo nuevo" in changes and "Cambiado en Excel" not in changes
    assert "Cambiado en Excel" in conflicts and "Riesgo nuevo" not in conflicts
    # Without a real conflict there is no Conflicts section at all.
    path = export(cast.secretariat, tmp_path / "m2.xlsx")
    edit(path, {"A2": {"assumptions": "Otro riesgo"}})
    html = client.get(upload(client, path, "en")).content.decode()
    assert 'id="conflicts-h"' not in html and "Otro riesgo" in section(html, "changes-h")


def test_statuses_are_shown_by_their_labels_in_the_page_language(cast, plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx")
    where = edit(path, {"A1": {"status": "Cancelada"}})
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    new = ws.max_row + 1
    for key, value in {"plan": "ip-plan", "code": "A9", "activity": "Taller", "status": ""}.items():
        ws.cell(new, COL[key]).value = value or None
    ws.cell(new, COL["status"]).value = "No iniciada"
    book.save(path)
    client = client_for(cast.secretariat)
    location = upload(client, path)
    es = client.get(location).content.decode()
    en = client.get(location.replace("/es/", "/en/", 1)).content.decode()
    assert "not_started" not in es and "not_started" not in en and "cancelled" not in en
    assert "<td>No iniciada</td><td>Cancelada</td>" in es
    assert "<td>Not started</td><td>Cancelled</td>" in en
    assert "<td>Status</td><td>—</td><td>Not started</td>" in en  # the added row
    assert where["A1"] == 3


def test_responsible_parties_are_imported_through_the_audited_service(cast, plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx")
    edit(path, {"A1": {"responsible": "oim, Guatemala (CEPAL/CELADE)"}})
    preview = preview_import(cast.secretariat, path)
    assert preview.ok, preview.problems
    [row] = preview.rows
    assert [(c.key, c.old, c.new) for c in row.changes] == [
        ("responsible", "OIM", "oim, Guatemala (CEPAL/CELADE)")
    ]
    apply_import(cast.secretariat, preview)
    a1 = Activity.objects.get(plan=plan, code="A1")
    parties = [(p.organisation.code, p.role) for p in ActivityParty.objects.filter(activity=a1)]
    assert parties == [("OIM", "lead"), ("GTM", "lead"), ("CEPAL", "accompanying")]
    event = AuditEvent.objects.for_object(a1).latest("id")
    assert "responsible_parties" in event.changes
    assert a1.version == row.version + 1


def test_unknown_organisations_are_a_problem_named_by_row_and_column(cast, plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx")
    where = edit(path, {"A2": {"responsible": "OIM, Ministerio Imaginario"}})
    preview = preview_import(cast.secretariat, path)
    assert not preview.ok
    [problem] = preview.problems
    assert problem.row == where["A2"] and problem.column.startswith("G ")
    assert "Ministerio Imaginario" in problem.message


def test_budget_edits_are_listed_as_not_imported_with_why(cast, plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx")
    where = edit(path, {"A3": {"budget": 2500, "currency": "EUR"}})
    preview = preview_import(cast.secretariat, path)
    assert preview.ok and preview.rows == [] and preview.unchanged == 4
    assert [(p.row, p.column[0]) for p in preview.not_imported] == [
        (where["A3"], "M"),
        (where["A3"], "N"),
    ]
    client = client_for(cast.secretariat)
    html = client.get(upload(client, path, "en")).content.decode()
    ignored = section(html, "ignored-h")
    assert "2500 instead of 1000.00" in ignored and "activity&#x27;s page" in ignored
    assert BudgetLine.objects.get(activity__code="A3", activity__plan=plan).amount == 1000


def test_required_reasons_are_asked_row_by_row_before_applying(cast, plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx")
    where = edit(
        path,
        {
            "A0": {"status": "Finalizada", "assumptions": "Sin nota"},
            "A1": {"status": "En curso"},
            "A2": {"assumptions": "Cambio sin estado"},
        },
    )
    client = client_for(cast.secretariat)
    location = upload(client, path, "en")
    html = client.get(location).content.decode()
    reasons = section(html, "reasons-h")
    assert html.index('id="reasons-h"') < html.index('id="changes-h"')  # at the top
    for code in ("A0", "A1"):
        assert f"Row {where[code]}, {code}" in reasons
        assert f'name="reason-{where[code]}"' in reasons
    assert "A2" not in reasons
    assert "Not started → Finished" in reasons

    # Without every reason nothing is written, and the page says which rows lack one.
    refused = client.post(location, {f"reason-{where['A0']}": "Urgente"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert f"row {where['A1']} (A1)" in page and f"row {where['A0']} (A0)" not in page
    assert "Urgente" in page  # what was typed is kept
    assert not Activity.objects.filter(plan=plan, status__in=["finished", "in_progress"]).exists()

    applied = client.post(
        location,
        {f"reason-{where['A0']}": "Urgente", f"reason-{where['A1']}": "Acordado en la reunión"},
    )
    assert applied.status_code == 302
    history = dict(
        StatusChange.objects.filter(activity__plan=plan).values_list("activity__code", "reason")
    )
    assert history == {"A0": "Urgente", "A1": "Acordado en la reunión"}
    # Each reason goes with its own status change alone, never with the other changes.
    events = AuditEvent.objects.filter(
        object_id__in=[str(a.pk) for a in Activity.objects.filter(plan=plan)],
    ).exclude(action=AuditEvent.Action.CREATE)
    by_field = {
        (event.object_label.split()[0], tuple(sorted(event.changes))): event.reason
        for event in events
    }
    assert by_field[("A0", ("status",))] == "Urgente"
    assert by_field[("A1", ("status",))] == "Acordado en la reunión"
    assert by_field[("A2", ("assumptions_risks_es",))] == ""
    assert [
        r for (code, fields), r in by_field.items() if code == "A0" and "status" not in fields
    ] == [""]


def test_the_marked_workbook_is_named_in_the_page_language(cast, plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx")
    edit(path, {"A1": {"status": "Casi listo"}})
    client = client_for(cast.secretariat)
    location = upload(client, path)
    es = client.get(location + "marked.xlsx")
    assert es.status_code == 200
    assert 'filename="edited-por-corregir.xlsx"' in es["Content-Disposition"]
    en = client.get(location.replace("/es/", "/en/", 1) + "marked.xlsx")
    assert 'filename="edited-to-correct.xlsx"' in en["Content-Disposition"]


def test_preview_queries_do_not_grow_with_rows(cast, plan, tmp_path):
    small = export(cast.secretariat, tmp_path / "small.xlsx")
    oim = Organisation.objects.get(code="OIM")
    for i in range(4, 40):
        act = ActivityFactory(plan=plan, code=f"A{i}", plan_year=1)
        ActivityParty.objects.create(activity=act, organisation=oim, role="lead")
        BudgetLine.objects.create(activity=act, amount=5, currency="USD")
    large = export(cast.secretariat, tmp_path / "large.xlsx")
    for path in (small, large):
        edit(path, {"A1": {"responsible": "OIM (CEPAL/CELADE)", "budget": 7}})
    with CaptureQueriesContext(connection) as few:
        assert preview_import(cast.secretariat, small).ok
    with CaptureQueriesContext(connection) as many:
        preview = preview_import(cast.secretariat, large)
    assert preview.ok and preview.unchanged == 39
    assert len(many) == len(few)
