"""The main flows of an official's day, in a real browser, in both languages, on a desktop
and on a phone: edit an activity, write and submit a concept note, record progress (and send
the form twice by going Back), and the matrix's Excel round trip. Nothing overflows a phone
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
