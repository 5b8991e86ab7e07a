"""The main flows of an official's day, in a real browser, in both languages, on a desktop
and on a phone: edit an activity, write a concept note, record progress (and send the form
twice by going Back), and the matrix's Excel round trip. Nothing overflows a phone
sideways; everything typed is found as typed."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.test_e2e import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
WORDS = {
    "es": {
        "edit": "Editar actividad",
        "status": "Estado",
        "status_date": "Fecha del cambio de estado",
        "reason": "Motivo para avanzar sin una nota conceptual aprobada",
        "save": "Guardar",
        "saved": "Actividad guardada.",
        "in_progress": "En curso",
        "record": "Registrar avance",
        "progress_saved": "Avance registrado.",
        "again": "ya se había guardado",
        "note": "Escribir la nota conceptual",
        "save_draft": "Guardar borrador",
        "submit": "Enviar para aprobación",
        "filters": "Filtrar y ordenar",
        "apply": "Aplicar",
        "download": "Descargar Excel",
        "import": "Importar un libro editado",
        "workbook": "Libro de Excel (.xlsx)",
        "check": "Revisar el archivo",
        "apply_changes": "Aplicar estos cambios",
        "applied": "1 modificadas",
    },
    "en": {
        "edit": "Edit activity",
        "status": "Status",
        "status_date": "Date of the status change",
        "reason": "Reason for going ahead without an approved concept note",
        "save": "Save",
        "saved": "Activity saved.",
        "in_progress": "In progress",
        "record": "Record progress",
        "progress_saved": "Progress recorded.",
        "again": "had already been saved",
        "note": "Write the concept note",
        "save_draft": "Save draft",
        "submit": "Submit for approval",
        "filters": "Filter and sort",
        "apply": "Apply",
        "download": "Download Excel",
        "import": "Import an edited workbook",
        "workbook": "Excel workbook (.xlsx)",
        "check": "Check the file",
        "apply_changes": "Apply these changes",
        "applied": "1 changed",
    },
}
CASES = [(lang, size) for lang in ("es", "en") for size in SIZES]


def fits(page) -> None:
    """The page does not scroll sideways (a table may scroll inside its own box)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the screen"


def start(browser, site: str, lang: str, size: str, code: str):
    """The secretariat's browser at this size, on the page of a network-plan activity."""
    from rumbo.plans.models import Activity

    page = browser.new_page(viewport=SIZES[size])
    log_in(page, site, "secretaria")
    pk = Activity.objects.get(plan__code="un-rn-2023-2024", code=code).pk
    page.goto(f"{site}/{lang}/activities/{pk}/")
    return page


@pytest.mark.parametrize("lang,size", CASES)
def test_edit_an_activity_status_dated_when_it_happened(browser, site, lang, size):
    from rumbo.plans.models import Activity, StatusChange

    w = WORDS[lang]
    page = start(browser, site, lang, size, "BP1.3")
    fits(page)
    page.get_by_role("link", name=w["edit"]).click()
    fits(page)
    # Each field by its label, as a screen reader announces it.
    expect(page.get_by_label(w["status_date"])).to_be_visible()
    page.locator("#id_status").select_option("in_progress")
    page.get_by_label(w["status_date"]).fill("2023-09-28")
    page.locator("#id_status_reason").fill("Acta de la reunión")
    page.locator("main form").last.get_by_role("button", name=w["save"], exact=True).click()
    expect(page.get_by_text(w["saved"])).to_be_visible()
    expect(page.locator("dd.status-in_progress")).to_contain_text(w["in_progress"])
    fits(page)
    activity = Activity.objects.get(plan__code="un-rn-2023-2024", code="BP1.3")
    change = StatusChange.objects.get(activity=activity)
    assert change.happened_on == dt.date(2023, 9, 28)
    page.close()


@pytest.mark.parametrize("lang,size", CASES)
def test_record_progress_then_back_and_save_again(browser, site, lang, size):
    from rumbo.plans.models import Activity
    from rumbo.tracking.models import ProgressUpdate

    w = WORDS[lang]
    page = start(browser, site, lang, size, "BP1.6")
    page.get_by_role("link", name=w["record"]).click()
    fits(page)
    page.locator("#id_date").fill("2023-10-02")
    page.locator("#id_text_es").fill("Reunión de coordinación realizada")
    page.locator("main form").get_by_role("button", name=w["save"], exact=True).click()
    expect(page.get_by_text(w["progress_saved"])).to_be_visible()
    page.go_back()
    page.locator("main form").get_by_role("button", name=w["save"], exact=True).click()
    expect(page.get_by_text(w["again"])).to_be_visible()
    activity = Activity.objects.get(plan__code="un-rn-2023-2024", code="BP1.6")
    assert ProgressUpdate.objects.filter(activity=activity).count() == 1
    page.close()


@pytest.mark.parametrize("lang,size", CASES)
def test_write_a_concept_note_draft(browser, site, lang, size):
    from rumbo.tracking.models import ConceptNote

    w = WORDS[lang]
    page = start(browser, site, lang, size, "BP1.1")
    page.goto(page.url + "note/edit/")
    fits(page)
    page.locator("#id_objective_es").fill("Fortalecer la coordinación regional")
    page.locator("main form").get_by_role("button", name=w["save_draft"]).click()
    fits(page)
    note = ConceptNote.objects.get(activity__code="BP1.1", activity__plan__code="un-rn-2023-2024")
    assert note.objective_es == "Fortalecer la coordinación regional"
    assert note.status == ConceptNote.Status.DRAFT
    page.close()


@pytest.mark.parametrize("lang,size", CASES)
def test_matrix_round_trip_through_excel(browser, site, tmp_path, lang, size):
    """Filter the matrix, download it, edit it as Excel would, upload it, check the preview,
    apply it."""
    import openpyxl

    from rumbo.plans.models import Activity
    from rumbo.tracking.xlsx.columns import COLUMNS

    w = WORDS[lang]
    col = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
    page = browser.new_page(viewport=SIZES[size], accept_downloads=True)
    log_in(page, site, "secretaria")
    page.goto(f"{site}/{lang}/matrix/")
    fits(page)
    page.get_by_text(w["filters"]).click()
    page.locator("#f-plan").select_option("un-rn-2023-2024")
    page.get_by_role("button", name=w["apply"], exact=True).click()
    fits(page)
    with page.expect_download() as info:
        page.get_by_role("link", name=w["download"]).click()
    path = tmp_path / "matrix.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["code"]).value == "BP2.3")
    typed = f"Depende de las redes nacionales ({lang}, {size})"
    ws.cell(row, col["assumptions"]).value = typed
    book.save(path)

    page.get_by_role("link", name=w["import"]).click()
    fits(page)
    page.get_by_label(w["workbook"]).set_input_files(str(path))
    page.get_by_role("button", name=w["check"]).click()
    expect(page.get_by_text(typed).first).to_be_visible()
    fits(page)
    page.get_by_role("button", name=w["apply_changes"]).click()
    expect(page.get_by_text(w["applied"], exact=False)).to_be_visible()
    activity = Activity.objects.get(plan__code="un-rn-2023-2024", code="BP2.3")
    field = "assumptions_risks_es" if lang == "es" else "assumptions_risks_en"
    assert getattr(activity, field) == typed
    page.close()
