"""Reporting an indicator's value in a real browser: a focal point opens the form from their
list of values due, types numbers the Spanish way with a breakdown by sex, saves, saves the
form again unchanged (nothing is blanked), submits, and the secretariat approves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.test_e2e import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _indicator(code: str, unit: str, currency: str = ""):
    from rumbo.indicators import services
    from rumbo.indicators.models import Dimension
    from rumbo.organisations.models import User
    from rumbo.plans.models import Plan

    se = User.objects.get(username="secretaria")
    plan = Plan.objects.get(code="crm-sp-2023-2026")
    return services.indicator_create(
        actor=se,
        plan=plan,
        data={
            "code": code,
            "kind": "result",
            "name_es": f"Personas capacitadas {code}",
            "name_en": f"People trained {code}",
            "unit": unit,
            "currency": currency,
            "frequency": "year",
            "reported_by": "countries",
            "dimensions": [Dimension.objects.get(code="sex")],
        },
    )


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_focal_point_reports_and_the_secretariat_approves(browser, site, lang):
    from rumbo.indicators.models import Measurement

    count = _indicator(f"E2E-{lang}", "count")
    page = browser.new_page()
    log_in(page, site, "puntofocal")
    page.goto(f"{site}/{lang}/indicators/report/")
    row = page.locator("tr", has_text=f"E2E-{lang}")
    expect(row).to_contain_text("falta" if lang == "es" else "missing")
    row.get_by_role("link").last.click()
    # A thousand and more, with thousands marks; the breakdown by sex.
    big = "1.234" if lang == "es" else "1,234"
    page.locator("#id_value").fill(big)
    page.get_by_label("Mujeres:" if lang == "es" else "Women:", exact=True).fill(
        "1.000" if lang == "es" else "1,000"
    )
    page.get_by_label("Hombres:" if lang == "es" else "Men:", exact=True).fill("234")
    page.get_by_role("button", name="Guardar borrador" if lang == "es" else "Save draft").click()
    expect(page.locator(".messages")).to_contain_text(
        "Valor guardado" if lang == "es" else "Value saved"
    )
    m = Measurement.objects.get(indicator=count)
    assert (m.value, m.status) == (Decimal(1234), "draft")
    version = m.version
    # Saved again as it stands: the numbers the form shows are read back the same.
    page.get_by_role("button", name="Guardar borrador" if lang == "es" else "Save draft").click()
    m.refresh_from_db()
    assert (m.value, m.version) == (Decimal(1234), version)
    assert sorted(p.value for p in m.parts.all()) == [Decimal(234), Decimal(1000)]
    page.get_by_role(
        "button", name="Guardar y enviar" if lang == "es" else "Save and submit"
    ).click()
    expect(page.locator(".messages")).to_contain_text("enviado" if lang == "es" else "submitted")
    m.refresh_from_db()
    assert m.status == "submitted"
    page.close()

    page = browser.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/{lang}/indicators/review/")
    row = page.locator(f"#value-{m.pk}")
    expect(row).to_contain_text(f"E2E-{lang}")
    row.get_by_role("button", name="Aprobar" if lang == "es" else "Approve").click()
    expect(page.locator(".messages")).to_contain_text("aprobado" if lang == "es" else "approved")
    m.refresh_from_db()
    assert m.status == "approved"
    page.goto(f"{site}/{lang}/indicators/{count.pk}/")
    expect(page.locator("table.values")).to_contain_text("1\u00a0234" if lang == "es" else "1,234")
    page.close()


def test_an_amount_in_spanish_survives_an_unchanged_save(browser, site):
    from rumbo.indicators.models import Measurement

    money = _indicator("E2E-M", "money", "USD")
    page = browser.new_page()
    log_in(page, site, "puntofocal")
    page.goto(f"{site}/es/indicators/{money.pk}/values/2025/GTM/")
    page.get_by_label("Monto (USD)").fill("15.000,50")
    page.get_by_label("Mujeres").fill("10.000,50")
    page.get_by_label("Hombres").fill("5000")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.locator(".messages")).to_contain_text("Valor guardado")
    expect(page.get_by_label("Monto (USD)")).to_have_value("15000,5")
    page.get_by_role("button", name="Guardar borrador").click()
    expect(page.locator(".messages")).to_contain_text("Valor guardado")
    m = Measurement.objects.get(indicator=money)
    assert m.value == Decimal("15000.50")
    assert sorted(p.value for p in m.parts.all()) == [Decimal(5000), Decimal("10000.50")]
    page.close()
