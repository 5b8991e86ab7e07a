"""Reporting an indicator's value in a real browser: a focal point opens the form from their
list of values due, types numbers the Spanish way with a breakdown by sex, saves, saves the
form again unchanged (nothing is blanked), submits, and the secretariat approves."""

from __future__ import annotations

import re
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
    expect(page.locator("table.values")).to_contain_text("1.234" if lang == "es" else "1,234")
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


# Saving a form unchanged, in both languages ----------------------------------------------------
# A number shown back in a form must read back as the same number: "1234,5" in Spanish and
# "1234.5" in English, never blanked (a number box holding "1234,5" is empty to a browser)
# nor misread by the other language's rules.
SAVED = {"es": "Indicador guardado.", "en": "Indicator saved."}
# (The edit form shows the baseline with the database's four decimals, "1234,5000": unlike the
# targets form, IndicatorForm does not trim them. Either way it is this language's decimal
# mark, and it reads back as the same number.)
SHOWN = {"es": re.compile(r"^1\.?234,50*$"), "en": re.compile(r"^1,?234\.50*$")}
SAVE = {"es": "Guardar", "en": "Save"}


def _designed(code: str):
    """An indicator with a baseline in the thousands with decimals, its means of verification
    in both languages, two disaggregations and a value already reported under its design (so a
    phantom design change would be refused for want of a reason)."""
    import datetime

    from rumbo.indicators import services
    from rumbo.indicators.models import Dimension
    from rumbo.organisations.models import Organisation, User
    from rumbo.plans.models import Plan

    se = User.objects.get(username="secretaria")
    ind = services.indicator_create(
        actor=se,
        plan=Plan.objects.get(code="crm-sp-2023-2026"),
        data={
            "code": code,
            "kind": "result",
            "name_es": f"Fondos movilizados {code}",
            "name_en": f"Funds raised {code}",
            "unit": "money",
            "currency": "USD",
            "direction": "increase",
            "aggregation": "sum",
            "frequency": "semester",
            "reported_by": "countries",
            "dimensions": list(Dimension.objects.filter(code__in=["sex", "age"])),
            "baseline_value": Decimal("1234.5"),
            "baseline_date": datetime.date(2022, 12, 31),
            "means_of_verification_es": "Informes nacionales, 1.º semestre",
            "means_of_verification_en": "National reports, first half",
        },
    )
    services.measurement_save(
        actor=se,
        indicator=ind,
        period="2024-S1",
        country=Organisation.objects.get(code="GTM"),
        given=services.ValueInput(value=Decimal("2500.75")),
    )
    ind.refresh_from_db()
    return ind


def _state(ind) -> dict:
    """Everything stored about an indicator: each column, its disaggregations, its design
    revisions, its targets and its audit rows."""
    from rumbo.core.models import AuditEvent
    from rumbo.indicators.models import Indicator, IndicatorDesign, Target

    ind = Indicator.objects.get(pk=ind.pk)
    return {
        **{f.attname: getattr(ind, f.attname) for f in Indicator._meta.concrete_fields},
        "dimensions": sorted(ind.dimensions.values_list("code", flat=True)),
        "designs": IndicatorDesign.objects.filter(indicator=ind).count(),
        "targets": sorted(
            Target.objects.filter(indicator=ind).values_list("period", "country_id", "value"),
            key=str,
        ),
        "audit": AuditEvent.objects.for_object(ind).count(),
    }


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_indicator_saved_unchanged_stays_as_it_was(browser, site, lang):
    ind = _designed(f"E2E-B{lang}")
    before = _state(ind)
    assert before["baseline_value"] == Decimal("1234.5")
    page = browser.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/{lang}/indicators/{ind.pk}/edit/")
    # The baseline as this language writes it, in a box that holds text.
    expect(page.locator("#id_baseline_value")).to_have_value(SHOWN[lang])
    assert page.locator("#id_baseline_value").get_attribute("type") == "text"
    expect(page.locator("#id_means_of_verification_es")).to_have_value(
        "Informes nacionales, 1.º semestre"
    )
    page.get_by_role("button", name=SAVE[lang], exact=True).click()
    expect(page.locator(".messages")).to_contain_text(SAVED[lang])
    expect(page.locator(".errors")).to_have_count(0)
    assert page.url.endswith(f"/{lang}/indicators/{ind.pk}/")
    # Nothing changed: same columns (baseline, names, unit, version, design number), same
    # disaggregations, no design revision, no audit row.
    assert _state(ind) == before
    page.goto(f"{site}/{lang}/indicators/{ind.pk}/edit/")
    expect(page.locator("#id_baseline_value")).to_have_value(SHOWN[lang])
    page.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_targets_saved_unchanged_stay_as_they_were(browser, site, lang):
    from rumbo.indicators import services
    from rumbo.organisations.models import Organisation, User

    ind = _designed(f"E2E-T{lang}")
    gtm = Organisation.objects.get(code="GTM")
    services.targets_set(
        actor=User.objects.get(username="secretaria"),
        indicator=ind,
        targets={
            ("2024-S1", None): Decimal("1500.25"),
            ("2024", None): Decimal("3000"),
            ("2025-S2", None): Decimal("0.5"),
            ("plan", None): Decimal("12345.6789"),
            ("2024", gtm.pk): Decimal("750.5"),
        },
    )
    before = _state(ind)
    assert len(before["targets"]) == 5
    page = browser.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/{lang}/indicators/{ind.pk}/targets/")
    shown = {"es": ("1500,25", "12345,6789", "0,5"), "en": ("1500.25", "12345.6789", "0.5")}
    for box, value in zip(
        ("#id_t_2024-S1", "#id_t_plan", "#id_t_2025-S2"), shown[lang], strict=True
    ):
        expect(page.locator(box)).to_have_value(value)
    expect(page.locator("#id_t_2024")).to_have_value("3000")
    expect(page.locator("#id_t_2023-S1")).to_have_value("")
    # The unit is named as such, apart from the hint that follows it.
    expect(page.locator("main p.meta").first).to_contain_text(
        "Unidad: Monto de dinero (USD)." if lang == "es" else "Unit: Amount of money (USD)."
    )
    page.get_by_role("button", name="Guardar las metas" if lang == "es" else "Save targets").click()
    expect(page.locator(".messages")).to_contain_text(
        "Metas guardadas" if lang == "es" else "Targets saved"
    )
    expect(page.locator(".errors")).to_have_count(0)
    # Every target as it was (the country's too), no new version, no audit row.
    assert _state(ind) == before
    page.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_new_indicator_keeps_a_baseline_typed_as_the_language_writes_it(browser, site, lang):
    from rumbo.indicators.models import Indicator

    page = browser.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/{lang}/plans/crm-sp-2023-2026/indicators/new/")
    page.locator("#id_code").fill(f"E2E-N{lang}")
    page.locator("#id_kind").select_option("result")
    page.locator("#id_name_es").fill("Personas atendidas")
    page.locator("#id_name_en").fill("People served")
    page.locator("#id_unit").select_option("count")
    page.locator("#id_frequency").select_option("year")
    # Thousands and a decimal, as each language writes them.
    page.locator("#id_baseline_value").fill("1.234,5" if lang == "es" else "1,234.5")
    page.locator("#id_means_of_verification_es").fill("Registros administrativos")
    page.get_by_role("button", name=SAVE[lang], exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        "Indicador creado" if lang == "es" else "Indicator created"
    )
    ind = Indicator.objects.get(plan__code="crm-sp-2023-2026", code=f"E2E-N{lang}")
    assert ind.baseline_value == Decimal("1234.5")
    assert (ind.name_es, ind.name_en, ind.unit) == ("Personas atendidas", "People served", "count")
    # And its edit form shows the number back the way this language writes it.
    page.goto(f"{site}/{lang}/indicators/{ind.pk}/edit/")
    expect(page.locator("#id_baseline_value")).to_have_value(SHOWN[lang])
    page.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_count_target_typed_with_thousands_is_a_thousand_and_more(browser, site, lang):
    """ "1.500" in Spanish and "1,500" in English are fifteen hundred in the targets form as in
    the value form, never one and a half (the targets of a count are not read as money)."""
    from rumbo.indicators.models import Target

    count = _indicator(f"E2E-C{lang}", "count")
    page = browser.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/{lang}/indicators/{count.pk}/targets/")
    # The page itself says numbers may be written 1.234,5 or 1,234.5.
    page.locator("#id_t_2025").fill("1.500" if lang == "es" else "1,500")
    page.get_by_role("button", name="Guardar las metas" if lang == "es" else "Save targets").click()
    expect(page.locator(".messages")).to_contain_text(
        "Metas guardadas" if lang == "es" else "Targets saved"
    )
    assert Target.objects.get(indicator=count, period="2025").value == Decimal(1500)
    page.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_map_and_its_legend_fit_a_phone(browser, site, lang):
    """On a phone the map of the member countries is shown whole, its legend beside it: the
    colours mean nothing without it."""
    count = _indicator(f"E2E-MAP{lang}", "count")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, site, "secretaria")
    page.goto(f"{site}/{lang}/dashboards/map/?plan=crm-sp-2023-2026&indicator={count.pk}")
    legend = page.locator("svg.chart-tiles g.legend")
    expect(legend).to_contain_text("Leyenda" if lang == "es" else "Legend")
    box = legend.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    frame = page.locator("svg.chart-tiles").locator("xpath=..")
    assert frame.evaluate("f => f.scrollWidth <= f.clientWidth")
    context.close()


def test_a_table_wider_than_a_phone_shows_that_it_goes_on(browser, site):
    """The plan's indicators on a phone: the table scrolls sideways in its frame, and the frame
    shades its right edge so that the columns out of sight (baseline, targets) are looked for."""
    _indicator("E2E-WIDE", "count")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site}/es/plans/crm-sp-2023-2026/indicators/")
    frame = page.locator("div.scroll:has(table.indicators)")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shading = frame.evaluate("f => getComputedStyle(f).backgroundImage")
    assert shading.count("radial-gradient") == 2
    context.close()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_dashboard_says_so_when_there_are_no_activities(browser, site, lang):
    """The strategic plan has indicators and no activities: its dashboard says so in a line,
    instead of a table and a chart of zeros. A working group's, with activities, counts them."""
    page = browser.new_page()
    page.goto(f"{site}/{lang}/plans/crm-sp-2023-2026/dashboard/")
    activities = page.locator("section[aria-labelledby=activities-h]")
    expect(activities).to_contain_text(
        "Todavía no hay actividades." if lang == "es" else "No activities yet."
    )
    expect(activities.locator("table, svg, dl")).to_have_count(0)
    page.goto(f"{site}/{lang}/bodies/WG-LAB/dashboard/")
    activities = page.locator("section[aria-labelledby=activities-h]")
    expect(activities.locator("dl.facts")).to_be_visible()
    expect(activities).not_to_contain_text(
        "Todavía no hay actividades." if lang == "es" else "No activities yet."
    )
    page.close()


@pytest.mark.parametrize("page_name", ["review", "report"])
def test_values_to_review_and_to_report_fit_a_phone(browser, site, page_name):
    """On a phone each value is a card, its cells labelled from the table's headers: the page
    never scrolls sideways, and the secretariat's decision (approve, return with comments) or
    the country's state and action are inside the screen. On a desktop it stays a table."""
    from rumbo.indicators import services
    from rumbo.organisations.models import Organisation, User

    count = _indicator(f"E2E-PH-{page_name}", "count")
    m = services.measurement_save(
        actor=User.objects.get(username="puntofocal"),
        indicator=count,
        period="2024",
        country=Organisation.objects.get(code="GTM"),
        given=services.ValueInput(value=Decimal(1200), evidence="Informe anual del Ministerio"),
    )
    services.measurement_submit(actor=User.objects.get(username="puntofocal"), measurement=m)
    user, table = {"review": ("secretaria", "table.review"), "report": ("puntofocal", "table.due")}[
        page_name
    ]
    for width, cards in ((1366, False), (390, True)):  # approved last, on the phone
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        log_in(page, site, user)
        page.goto(f"{site}/es/indicators/{page_name}/")
        if page_name == "review":
            row = page.locator(f"#value-{m.pk}")
            parts = [
                row.get_by_role("button", name="Aprobar"),
                row.locator("textarea"),
                row.get_by_role("button", name="Devolver con observaciones"),
            ]
            label = "Decisión"
        else:
            row = page.locator(f"{table} tr", has_text=count.code)
            parts = [row.locator(".tag"), row.get_by_role("link").last]
            label = "Estado"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        display = row.evaluate("r => getComputedStyle(r).display")
        if not cards:
            assert display == "table-row"
            context.close()
            continue
        assert display == "grid"
        frame = page.locator(f"div.scroll:has({table})")
        assert frame.evaluate("f => f.scrollWidth <= f.clientWidth")
        for part in parts:
            box = part.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        # The header's word labels the cell, as the table's header did.
        cell = row.locator(f"td[data-label='{label}']")
        assert cell.evaluate("c => getComputedStyle(c, '::before').content") == f'"{label}"'
        if page_name == "review":  # and the decision works from there
            parts[0].click()
            expect(page.locator(".messages")).to_contain_text("aprobado")
            m.refresh_from_db()
            assert m.status == "approved"
        context.close()
