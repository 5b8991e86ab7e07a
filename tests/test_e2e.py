"""What a person does, in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rumbo.seeds.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, site: str, username: str) -> None:
    page.goto(f"{site}/es/")
    page.get_by_role("link", name="Iniciar sesión").click()
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()


def test_log_in_switch_language_and_open_a_plan(browser, site):
    page = browser.new_page()
    log_in(page, site, "puntofocal")
    expect(page.get_by_text("puntofocal").first).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Regional Labour Mobility Action Plan 2023-2027").first.click()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Regional Labour Mobility Action Plan")
    )
    action = page.locator("#el-L1\\.A6")
    assert action.is_visible()
    assert "system dynamics" in action.inner_text()
    page.get_by_role("link", name="Español").click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert "dinámica de sistemas" in page.locator("#el-L1\\.A6").inner_text()
    page.close()


def test_secretariat_updates_an_activity_status_by_keyboard(browser, site):
    page = browser.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/en/plans/un-rn-2023-2024/")
    page.get_by_role("link", name="BP1.5").click()
    page.get_by_role("link", name="Edit activity").click()
    status = page.locator("#id_status")
    status.focus()
    status.select_option("in_progress")
    # No concept note yet: the secretariat says why the activity goes ahead.
    page.locator("#id_status_reason").fill("Confirmed by the co-chairs; the note follows.")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_text("Activity saved.")).to_be_visible()
    expect(page.locator("dd.status-in_progress")).to_contain_text("In progress")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("cell", name="Not reported").first).to_be_visible()
    expect(page.get_by_role("cell", name="In progress").first).to_be_visible()
    page.close()


def test_matrix_offline_round_trip(browser, site, tmp_path):
    """Filter the matrix, download it, edit it as Excel would, upload it, check the
    preview and apply it."""
    import openpyxl

    from rumbo.plans.models import Activity
    from rumbo.tracking.xlsx.columns import COLUMNS

    col = {c.key: i + 1 for i, c in enumerate(COLUMNS)}
    page = browser.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/es/matrix/")
    page.get_by_text("Filtrar y ordenar").click()
    page.locator("#f-plan").select_option("un-rn-2023-2024")
    page.get_by_role("button", name="Aplicar").click()
    expect(page.get_by_text("26 actividades")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar Excel").click()
    path = tmp_path / "matriz.xlsx"
    info.value.save_as(path)

    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["code"]).value == "BP2.3")
    ws.cell(row, col["assumptions"]).value = "Depende de la respuesta de las redes nacionales"
    book.save(path)

    page.get_by_role("link", name="Importar un libro editado").click()
    page.get_by_label("Libro de Excel (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Revisar el archivo").click()
    expect(page.get_by_text("Depende de la respuesta de las redes nacionales")).to_be_visible()
    assert not Activity.objects.get(code="BP2.3").assumptions_risks_es
    page.get_by_role("button", name="Aplicar estos cambios").click()
    expect(page.get_by_text("1 modificadas", exact=False)).to_be_visible()
    assert Activity.objects.get(code="BP2.3").assumptions_risks_es.startswith("Depende")
    page.close()


@pytest.mark.parametrize("lang,save", [("es", "Guardar"), ("en", "Save")])
def test_forms_saved_unchanged_keep_their_amounts(browser, site, lang, save):
    """A number box shows "15000,50" as empty and sends nothing back: amounts are text boxes
    read in either language, so saving a form unchanged keeps every amount."""
    from decimal import Decimal

    from rumbo.organisations.models import User
    from rumbo.plans.models import Activity, BudgetLine
    from rumbo.tracking import services as tracking_services
    from rumbo.tracking.models import ConceptNote

    activity = Activity.objects.get(plan__code="un-rn-2023-2024", code="BP1.2")
    BudgetLine.objects.filter(activity=activity).delete()
    BudgetLine.objects.create(
        activity=activity, amount=Decimal("15000.50"), committed=Decimal("1234.56")
    )
    tracking_services.concept_note_save(
        actor=User.objects.get(username="secretaria"),
        activity=activity,
        data={"objective_es": "Objetivo", "budget_amount": Decimal("15000.50")},
    )
    page = browser.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/{lang}/activities/{activity.pk}/edit/")
    page.get_by_role("button", name=save, exact=True).click()
    expect(page.locator(".errorlist")).to_have_count(0)
    page.goto(f"{site}/{lang}/activities/{activity.pk}/note/edit/")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".errorlist")).to_have_count(0)
    expect(page.locator(".messages")).to_be_visible()  # "Concept note saved."
    page.close()
    line = BudgetLine.objects.get(activity=activity)
    assert (line.amount, line.committed) == (Decimal("15000.50"), Decimal("1234.56"))
    assert ConceptNote.objects.get(activity=activity).budget_amount == Decimal("15000.50")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_plan_and_element_forms_saved_unchanged_change_nothing(browser, site, lang):
    """Saved unchanged in a browser, the plan and element forms are accepted and leave the
    records as they were (no new version, no audit row)."""
    from rumbo.core.models import AuditEvent
    from rumbo.plans.models import Plan, PlanElement

    plan = Plan.objects.get(code="crm-sp-2023-2026")
    element = PlanElement.objects.filter(plan=plan).order_by("depth", "order").first()
    events = AuditEvent.objects.count()
    page = browser.new_page()
    log_in(page, site, "secretaria")
    for path in (f"plans/{plan.code}/edit/", f"elements/{element.pk}/edit/"):
        page.goto(f"{site}/{lang}/{path}")
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator(".errorlist")).to_have_count(0)
        expect(page).to_have_url(f"{site}/{lang}/plans/{plan.code}/")
    page.close()
    assert Plan.objects.get(pk=plan.pk).version == plan.version
    assert PlanElement.objects.get(pk=element.pk).version == element.version
    assert AuditEvent.objects.count() == events
