"""The matrix in Excel: export, offline edits, preview, conflicts, all-or-nothing apply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from rumbo.plans.models import Activity, StatusChange
from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows
from rumbo.tracking.xlsx.columns import COLUMNS
from rumbo.tracking.xlsx.importer import apply_import, preview_import
from rumbo.tracking.xlsx.writer import write_matrix

pytestmark = pytest.mark.django_db
COL = {c.key: i + 1 for i, c in enumerate(COLUMNS)}  # 1-based for openpyxl


@pytest.fixture
def wg_plan(bodies):
    plan = PlanFactory(code="wg-plan", owner_body=bodies.wg_lab)
    pillar = ElementFactory(plan=plan, code="L1", title_es="Línea uno", title_en="Line one")
    for i in range(3):
        ActivityFactory(plan=plan, element=pillar, code=f"A{i}", plan_year=1)
    return plan


def export(user, path: Path, lang: str = "es", **filters) -> Path:
    qs = matrix_queryset(user, MatrixFilters(**filters))
    write_matrix(str(path), rows(user, qs), lang=lang, max_years=3)
    return path


def row_of(ws, code: str) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, COL["code"]).value == code:
            return r
    raise AssertionError(code)


def test_export_has_headers_validation_frozen_row_and_hidden_ids(cast, wg_plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx", lang="en", plan="wg-plan")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    assert [c.value for c in ws[1]][:5] == ["Plan", "Pillar / line", "Topic", "Code", "Activity"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["O"].hidden and ws.column_dimensions["P"].hidden
    sources = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "Not started" in sources["J"] and sources["H"] == '"1,2,3"'
    assert ws.max_row == 4
    r = row_of(ws, "A1")
    assert ws.cell(r, COL["pillar"]).value == "L1 Line one"
    assert ws.cell(r, COL["id"]).data_type == "s"  # ids as text, never mangled
    assert book["_rumbo"].sheet_state == "hidden"


def test_export_view_gives_what_the_filters_show(cast, canary):
    response = client_for(cast.observer).get(url("matrix_export", "en") + "?plan=public-plan")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    path = Path(__file__).parent / "_tmp_export.xlsx"
    try:
        path.write_bytes(data)
        ws = openpyxl.load_workbook(path).worksheets[0]
        titles = [ws.cell(r, COL["activity"]).value for r in range(2, ws.max_row + 1)]
    finally:
        path.unlink(missing_ok=True)
    assert titles and not any("CANARY" in (t or "") for t in titles)


def test_round_trip_preview_then_apply(cast, wg_plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx", plan="wg-plan")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    r = row_of(ws, "A1")
    ws.cell(r, COL["assumptions"]).value = "Depende del financiamiento"
    ws.cell(r, COL["deadline"]).value = "31/12/2024"
    ws.cell(r, COL["year"]).value = "2do año"
    ws.cell(row_of(ws, "A2"), COL["status"]).value = "Cancelada"
    new = ws.max_row + 1
    ws.cell(new, COL["plan"]).value = "wg-plan"
    ws.cell(new, COL["pillar"]).value = "L1 Línea uno"
    ws.cell(new, COL["code"]).value = "A9"
    ws.cell(new, COL["activity"]).value = "Taller nuevo"
    ws.cell(new, COL["status"]).value = "No iniciada"
    book.save(path)

    preview = preview_import(cast.secretariat, path)
    assert preview.ok, preview.problems
    assert (preview.count_added, preview.count_changed, preview.unchanged) == (1, 2, 1)
    changed = {r.code: {c.key: (c.old, c.new) for c in r.changes} for r in preview.rows}
    assert changed["A1"]["deadline"] == ("", "2024-12-31")
    assert changed["A1"]["year"] == ("1", "2")
    assert changed["A2"]["status"] == ("not_started", "cancelled")  # labels on the page

    done = apply_import(cast.secretariat, preview)
    assert done == {"added": 1, "changed": 2}
    a1 = Activity.objects.get(plan=wg_plan, code="A1")
    assert a1.assumptions_risks_es == "Depende del financiamiento"
    assert a1.end_date == dt.date(2024, 12, 31) and a1.plan_year == 2
    assert Activity.objects.get(plan=wg_plan, code="A9").element.code == "L1"
    assert StatusChange.objects.filter(activity__code="A2", new_status="cancelled").exists()


def test_a_row_changed_in_rumbo_since_the_export_is_a_conflict(cast, wg_plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx", plan="wg-plan")
    a0 = Activity.objects.get(plan=wg_plan, code="A0")
    from rumbo.plans import services

    services.activity_update(
        actor=cast.secretariat,
        activity=a0,
        data={"title_es": "Cambiado en Rumbo"},
        expected_version=a0.version,
    )
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws.cell(row_of(ws, "A0"), COL["activity"]).value = "Cambiado en Excel"
    book.save(path)
    preview = preview_import(cast.secretariat, path)
    assert [r.kind for r in preview.rows] == ["conflict"]
    apply_import(cast.secretariat, preview)
    a0.refresh_from_db()
    assert a0.title_es == "Cambiado en Rumbo"


def test_bad_cells_are_named_by_row_and_column_and_nothing_is_written(cast, wg_plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx", plan="wg-plan")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws.cell(row_of(ws, "A0"), COL["status"]).value = "Casi listo"
    ws.cell(row_of(ws, "A1"), COL["deadline"]).value = "el martes"
    ws.cell(row_of(ws, "A2"), COL["year"]).value = 7
    ws.cell(row_of(ws, "A2"), COL["assumptions"]).value = "cambio válido"
    book.save(path)
    preview = preview_import(cast.secretariat, path)
    assert not preview.ok
    where = {(p.row, p.column.split()[0]) for p in preview.problems}
    assert (row_of(ws, "A0"), "J") in where and (row_of(ws, "A1"), "I") in where
    assert (row_of(ws, "A2"), "H") in where
    with pytest.raises(ValueError):
        apply_import(cast.secretariat, preview)
    assert not Activity.objects.filter(assumptions_risks_es="cambio válido").exists()


def test_a_group_member_cannot_start_an_activity_without_an_approved_note(cast, wg_plan, tmp_path):
    path = export(cast.wg, tmp_path / "m.xlsx", plan="wg-plan")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws.cell(row_of(ws, "A0"), COL["status"]).value = "En curso"
    book.save(path)
    preview = preview_import(cast.wg, path)
    assert [p.column.split()[0] for p in preview.problems] == ["J"]
    secretariat = preview_import(cast.secretariat, path)
    assert secretariat.ok and secretariat.needs_reason


def test_observers_cannot_change_plans_through_excel(cast, wg_plan, tmp_path):
    path = export(cast.observer, tmp_path / "m.xlsx", plan="wg-plan")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws.cell(row_of(ws, "A0"), COL["assumptions"]).value = "Nuevo riesgo"
    book.save(path)
    preview = preview_import(cast.observer, path)
    assert not preview.ok and "wg-plan" in preview.problems[0].message


def test_plan_table_layout_with_merged_pillar_cells(cast, tmp_path):
    plan = "crm-sp-2023-2026"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(
        [
            "Pilar programático",
            "Tema",
            "Descripción de la actividad",
            "Indicadores de resultados / impacto",
            "Parte responsable",
            "Plazo de cumplimiento (1er año, 2do año, 3er año)",
            "Estado (finalizado/ en proceso de implementarse/ no alcanzado)",
            "Supuestos o riesgos",
        ]
    )
    ws.append(
        [
            "Gobernanza migratoria",
            "Generación y uso de datos sobre migración",
            "Taller regional de estadísticas migratorias",
            "Número de países",
            "PPT, SE",
            "1er año",
            "Finalizado",
            "Recursos disponibles",
        ]
    )
    ws.append(
        [
            None,
            "Gestión integrada de fronteras",
            "Diagnóstico de pasos fronterizos",
            "Informe",
            "Grupo de Trabajo",
            "2do año",
            "no alcanzado",
            "",
        ]
    )
    ws.merge_cells("A2:A3")
    book.create_sheet("Notas").append(["hoja extra"])
    path = tmp_path / "tabla.xlsx"
    book.save(path)

    preview = preview_import(cast.secretariat, path, plan_code=plan)
    assert preview.layout == "plan-table" and preview.ignored_sheets == ["Notas"]
    assert preview.count_added == 2 and preview.needs_reason
    apply_import(cast.secretariat, preview, reason="Registro histórico de la matriz")
    made = Activity.objects.get(plan__code=plan, title_es="Diagnóstico de pasos fronterizos")
    assert made.element.code == "P1.T2"  # merged pillar filled down, topic matched by title
    assert made.status == "not_achieved" and made.plan_year == 2


def test_import_pages_preview_then_apply(cast, wg_plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx", plan="wg-plan")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    ws.cell(row_of(ws, "A1"), COL["assumptions"]).value = "Riesgo político"
    book.save(path)
    client = client_for(cast.secretariat)
    upload = SimpleUploadedFile("m.xlsx", path.read_bytes())
    response = client.post(url("matrix_import", "en"), {"file": upload, "plan": ""})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert "Riesgo político" in page and "Apply these changes" in page
    assert not Activity.objects.get(plan=wg_plan, code="A1").assumptions_risks_es
    applied = client.post(response["Location"])
    assert applied.status_code == 302
    assert Activity.objects.get(plan=wg_plan, code="A1").assumptions_risks_es == "Riesgo político"


def test_the_workbook_comes_back_with_bad_cells_marked(cast, wg_plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx", plan="wg-plan")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    bad_row = row_of(ws, "A1")
    ws.cell(bad_row, COL["status"]).value = "Casi listo"
    book.save(path)
    client = client_for(cast.secretariat)
    response = client.post(
        url("matrix_import", "en"),
        {"file": SimpleUploadedFile("m.xlsx", path.read_bytes()), "plan": ""},
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Download the workbook with these cells marked" in preview
    marked = client.get(response["Location"] + "marked.xlsx")
    assert marked.status_code == 200
    back = tmp_path / "back.xlsx"
    back.write_bytes(b"".join(marked.streaming_content))
    cell = openpyxl.load_workbook(back).worksheets[0].cell(bad_row, COL["status"])
    assert "is not a status" in cell.comment.text
    assert cell.fill.fill_type == "solid"
    other = client_for(cast.wg).get(response["Location"] + "marked.xlsx")
    assert other.status_code == 404  # an import belongs to the person who made it


def test_a_row_without_its_version_is_refused_not_applied_blindly(cast, wg_plan, tmp_path):
    path = export(cast.secretariat, tmp_path / "m.xlsx", plan="wg-plan")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    r = row_of(ws, "A0")
    ws.cell(r, COL["assumptions"]).value = "sin versión"
    ws.cell(r, COL["version"]).value = None
    book.save(path)
    with translation.override("en"):
        preview = preview_import(cast.secretariat, path)
    assert not preview.ok
    problem = next(p for p in preview.problems if p.row == r)
    assert "version" in problem.message and "Row version" in problem.column
    assert not Activity.objects.filter(assumptions_risks_es="sin versión").exists()
