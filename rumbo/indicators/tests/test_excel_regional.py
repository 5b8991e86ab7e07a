"""The indicator template for the region as a whole (values with no country): the
secretariat's alone, with the same round trip and rules as a country's template."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rumbo.core.models import AuditEvent
from rumbo.indicators import services
from rumbo.indicators.models import Indicator, Measurement
from rumbo.indicators.xlsx.apply import apply_import
from rumbo.indicators.xlsx.importer import preview_import
from rumbo.indicators.xlsx.preview import Preview
from rumbo.indicators.xlsx.template import build_template
from rumbo.indicators.xlsx.writer import write_template
from rumbo.testing.factories import IndicatorFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.models import ImportSession

from .conftest import report
from .test_excel import LABELS, columns, preview_of, rows_by_code, upload

U = Indicator.Unit
By = Indicator.Reporter
SHEET = {"en": "Indicators (region)", "es": "Indicadores (región)"}
CHOICE = {"en": "Region (all countries)", "es": "Región (todos los países)"}
REFUSED = {
    "en": "This workbook has values for the region (all countries): only the Executive "
    "Secretariat reports them.",
    "es": "Este libro tiene valores para la región (todos los países): solo la Secretaría "
    "Ejecutiva los reporta.",
}


@pytest.fixture
def regional(ind):
    """Beside `ind`'s indicators (each country reports them): two reported for the region,
    one by the secretariat and broken down by sex, an amount whose reporter is not decided yet."""
    r1 = IndicatorFactory(plan=ind.plan, code="R1", reported_by=By.SECRETARIAT)
    r1.dimensions.add(ind.sex)
    r2 = IndicatorFactory(plan=ind.plan, code="R2", unit=U.MONEY, currency="USD", reported_by="")
    return SimpleNamespace(r1=r1, r2=r2)


def download_region(client: Any, lang: str, **query: str) -> tuple[openpyxl.Workbook, str]:
    """The region's template and the file name it is offered under."""
    response = client.get(
        url("indicator_template", lang), {"plan": "eval-plan", "country": "region", **query}
    )
    assert response.status_code == 200, response.content[:500]
    disposition = unquote(response["Content-Disposition"])
    raw = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(raw)), disposition


def token_of(preview_url: str) -> str:
    return preview_url.rstrip("/").rsplit("/", 1)[1]


# -- the round trip ---------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_secretariat_fills_the_regions_template_and_values_without_country_are_saved(
    cast, orgs, ind, regional, lang
):
    client = client_for(cast.secretariat)
    book, disposition = download_region(client, lang, period="2024")
    assert {"en": "-region-", "es": "-región-"}[lang] in disposition
    ws = book.worksheets[0]
    assert ws.title == SHEET[lang]
    head, rows = columns(ws), rows_by_code(ws)
    # The indicators reported for the region, not those each country reports.
    assert set(rows) == {("R1", "2024"), ("R2", "2024")}
    country = head[{"en": "Country code", "es": "Código del país"}[lang]]
    assert {ws.cell(r, country).value for r in rows.values()} == {"REGION"}
    L = LABELS[lang]
    r1, r2 = rows[("R1", "2024")], rows[("R2", "2024")]
    ws.cell(r1, head[L["value"]]).value = 10
    ws.cell(r1, head[L["women"]]).value = 6
    ws.cell(r1, head[L["men"]]).value = "4"
    ws.cell(r2, head[L["value"]]).value = "2,5" if lang == "es" else "2.5"
    preview = preview_of(upload(client, book, lang))
    page = client.get(preview).content.decode()
    assert f"R1 {regional.r1.name_en if lang == 'en' else regional.r1.name_es}" in page
    assert {"en": "· Region", "es": "· Región"}[lang] in page
    assert Measurement.objects.count() == 0  # nothing written by the preview
    assert client.post(preview, {"submit": "on"}).status_code == 302
    saved = {m.indicator.code: m for m in Measurement.objects.all()}
    assert set(saved) == {"R1", "R2"}
    assert all(m.country is None and m.status == "submitted" for m in saved.values())
    assert saved["R2"].value == 2.5
    assert {p.category.code: p.value for p in saved["R1"].parts.all()} == {"women": 6, "men": 4}
    # Audited as an import by the secretariat.
    events = AuditEvent.objects.for_object(saved["R1"])
    assert events.filter(action=AuditEvent.Action.IMPORT, actor=cast.secretariat).exists()
    # Downloaded again, the template holds what was saved and uploads as unchanged.
    again, _name = download_region(client, lang, period="2024")
    session = ImportSession.objects.get(token=token_of(preview_of(upload(client, again, lang))))
    assert session.preview["rows"] == [] and session.preview["unchanged"] == 2


@pytest.mark.django_db
def test_a_country_indicator_with_a_value_for_the_region_is_in_the_regions_template(
    cast, orgs, ind, regional
):
    report(cast.secretariat, ind.average, "2024", None, value=1)
    report(cast.secretariat, ind.latest, "2024", orgs.gtm, value=1)
    book, _name = download_region(client_for(cast.secretariat), "en", period="2024")
    rows = rows_by_code(book.worksheets[0])
    # AV has a value for the region (it can be corrected); LT only a country's value.
    assert set(rows) == {("R1", "2024"), ("R2", "2024"), ("AV", "2024")}


@pytest.mark.django_db
def test_the_country_templates_are_unchanged_by_the_region(cast, orgs, ind, regional):
    """A country's template stays a country's: its code on every row, its own sheet name,
    and none of the region's values in it."""
    report(cast.secretariat, regional.r2, "2024", None, value=1)
    client = client_for(cast.secretariat)
    response = client.get(
        url("indicator_template", "en"), {"plan": "eval-plan", "country": "GTM", "period": "2024"}
    )
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert ws.title == "Indicators" and "-GTM-" in response["Content-Disposition"]
    rows = rows_by_code(ws)
    assert ("C1", "2024") in rows
    head = columns(ws)
    assert {ws.cell(r, head["Country code"]).value for r in rows.values()} == {"GTM"}
    r2 = rows[("R2", "2024")]  # the secretariat may report it for GTM: not with the region's
    assert ws.cell(r2, head["Value"]).value is None and not ws.cell(r2, head["Value version"]).value


# -- conflicts and locked periods, as for a country -------------------------------------------
@pytest.mark.django_db
def test_the_same_stale_regional_workbook_uploaded_again_is_a_conflict_not_an_overwrite(
    cast, ind, regional
):
    client = client_for(cast.secretariat)
    book, _name = download_region(client, "en", period="2024")
    ws = book.worksheets[0]
    head, rows = columns(ws), rows_by_code(ws)
    ws.cell(rows[("R2", "2024")], head["Value"]).value = 5
    assert client.post(preview_of(upload(client, book, "en")), {}).status_code == 302
    # Meanwhile, in Rumbo, the value is corrected.
    report(cast.secretariat, regional.r2, "2024", None, value=7)
    response = client.get(preview_of(upload(client, book, "en")))
    preview = response.context["preview"]
    assert [(p.row, p.column) for p in preview.problems] == [(rows[("R2", "2024")], "Status")]
    assert "changed in Rumbo after the template was downloaded" in preview.problems[0].message
    assert client.post(response.request["PATH_INFO"], {}).status_code == 200
    m = Measurement.objects.get()
    assert (m.country, m.value) == (None, 7)


@pytest.mark.django_db
def test_a_regional_value_changed_between_preview_and_apply_rolls_everything_back(
    cast, ind, regional
):
    client = client_for(cast.secretariat)
    report(cast.secretariat, regional.r1, "2024", None, value=1)
    book, _name = download_region(client, "en", period="2024")
    ws = book.worksheets[0]
    head, rows = columns(ws), rows_by_code(ws)
    ws.cell(rows[("R1", "2024")], head["Value"]).value = 3
    ws.cell(rows[("R2", "2024")], head["Value"]).value = 4
    preview_url = preview_of(upload(client, book, "en"))
    report(cast.secretariat, regional.r1, "2024", None, value=8)  # after the preview
    response = client.post(preview_url, {})
    assert "Nothing was saved: these rows changed in Rumbo since the preview" in (
        response.content.decode()
    )
    assert {m.indicator.code: m.value for m in Measurement.objects.all()} == {"R1": 8}


@pytest.mark.django_db
def test_a_locked_period_asks_the_secretariat_why_for_the_region_too(cast, ind, regional):
    report(cast.secretariat, regional.r2, "2024", None, value=1)
    services.period_lock(actor=cast.secretariat, plan=ind.plan, period="2024")
    client = client_for(cast.secretariat)
    book, _name = download_region(client, "en", period="2024")
    ws = book.worksheets[0]
    ws.cell(rows_by_code(ws)[("R2", "2024")], columns(ws)["Value"]).value = 2
    preview_url = preview_of(upload(client, book, "en"))
    response = client.post(preview_url, {})
    assert response.status_code == 200 and Measurement.objects.get().value == 1
    assert response.context["form"].errors["reason"]
    assert client.post(preview_url, {"reason": "Regional figure revised"}).status_code == 302
    m = Measurement.objects.get()
    assert (m.country, m.value) == (None, 2)
    assert AuditEvent.objects.for_object(m).filter(reason="Regional figure revised").exists()


# -- problems named by row and column ---------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_bad_cell_of_a_regional_workbook_is_named_and_nothing_is_written(
    cast, ind, regional, lang
):
    client = client_for(cast.secretariat)
    book, _name = download_region(client, lang, period="2024")
    ws = book.worksheets[0]
    L = LABELS[lang]
    head, rows = columns(ws), rows_by_code(ws)
    r1, r2 = rows[("R1", "2024")], rows[("R2", "2024")]
    ws.cell(r1, head[L["value"]]).value = 10
    ws.cell(r1, head[L["women"]]).value = "seis"  # not a number
    ws.cell(r2, head[L["value"]]).value = 3  # a good row, not written either
    response = client.get(preview_of(upload(client, book, lang)))
    problems = response.context["preview"].problems
    assert [(p.row, p.column) for p in problems] == [(r1, L["women"])]
    with translation.override(lang):
        text = str(problems[0])
    assert (
        text
        == {
            "en": f"Row {r1}, column “Sex: Women”: “seis” is not a number.",
            "es": f"Fila {r1}, columna “Sexo: Mujeres”: “seis” no es un número.",
        }[lang]
    )
    assert client.post(response.request["PATH_INFO"], {}).status_code == 200
    assert Measurement.objects.count() == 0
    marked = client.get(
        url("indicator_import_marked", lang, token=token_of(response.request["PATH_INFO"]))
    )
    back = openpyxl.load_workbook(io.BytesIO(b"".join(marked.streaming_content))).worksheets[0]
    commented = [(c.row, c.column) for row in back.iter_rows() for c in row if c.comment]
    assert commented == [(r1, head[L["women"]])]


@pytest.mark.django_db
def test_a_regional_breakdown_that_does_not_add_up_is_named_on_its_column(cast, ind, regional):
    client = client_for(cast.secretariat)
    book, _name = download_region(client, "en", period="2024")
    ws = book.worksheets[0]
    head, r = columns(ws), rows_by_code(ws)[("R1", "2024")]
    ws.cell(r, head["Value"]).value = 10
    ws.cell(r, head["Sex: Women"]).value = 3
    problems = client.get(preview_of(upload(client, book, "en"))).context["preview"].problems
    assert [(p.row, p.column) for p in problems] == [(r, "Sex: Women")]
    assert "adds up to 3, not 10" in problems[0].message
    assert Measurement.objects.count() == 0


# -- only the secretariat ---------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["focal", "ppt", "observer", "wg"])
def test_nobody_but_the_secretariat_gets_the_regions_template(cast, ind, regional, role):
    client = client_for(getattr(cast, role))
    for lang in ("en", "es"):
        response = client.get(
            url("indicator_template", lang), {"plan": "eval-plan", "country": "region"}
        )
        assert response.status_code == 403 and not response.get("Content-Disposition")
        page = client.get(url("indicator_template", lang)).content.decode()
        assert CHOICE[lang] not in page and 'value="region"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_secretariat_is_offered_the_region_in_the_country_selector(cast, ind, lang):
    page = client_for(cast.secretariat).get(url("indicator_template", lang))
    body = page.content.decode()
    assert f'<option value="region">{CHOICE[lang]}</option>' in body
    assert 'value="GTM"' in body and len(page.content) < 150_000


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_regional_upload_by_a_focal_point_is_refused_and_nothing_is_written(
    cast, ind, regional, lang
):
    book, _name = download_region(client_for(cast.secretariat), lang, period="2024")
    ws = book.worksheets[0]
    ws.cell(rows_by_code(ws)[("R2", "2024")], columns(ws)[LABELS[lang]["value"]]).value = 3
    client = client_for(cast.focal)
    response = client.get(preview_of(upload(client, book, lang)))
    problems = response.context["preview"].problems
    assert [p.row for p in problems] == [None]  # said once, for the whole file
    assert problems[0].message.startswith(REFUSED[lang])
    assert REFUSED[lang] in response.content.decode()
    assert client.post(response.request["PATH_INFO"], {}).status_code == 200
    assert Measurement.objects.count() == 0


@pytest.mark.django_db
def test_a_regional_preview_applied_by_anyone_else_is_refused(cast, ind, regional):
    """The secretariat's previewed workbook, applied by a focal point: refused by the value
    service's own permission check, nothing written."""
    client = client_for(cast.secretariat)
    book, _name = download_region(client, "en", period="2024")
    ws = book.worksheets[0]
    ws.cell(rows_by_code(ws)[("R2", "2024")], columns(ws)["Value"]).value = 3
    token = token_of(preview_of(upload(client, book, "en")))
    preview = Preview.from_json(ImportSession.objects.get(token=token).preview)
    assert preview.ok and [r.country_id for r in preview.rows] == [None]
    with pytest.raises(PermissionDenied):
        apply_import(cast.focal, preview)
    assert Measurement.objects.count() == 0


# -- a fixed number of queries ----------------------------------------------------------------
def _regional_plan(cast: Any, sex: Any, n: int, code: str) -> Any:
    plan = PlanFactory(code=code, period_start=2023, period_end=2025)
    for i in range(n):
        indicator: Indicator = IndicatorFactory.create(
            plan=plan, code=f"R{i}", unit=U.MONEY, currency="USD", reported_by=By.SECRETARIAT
        )
        if i % 2 == 0:
            indicator.dimensions.add(sex)
        if i % 3 == 0:  # some rows correct an existing value
            report(cast.secretariat, indicator, "2025", None, value=1)
    return plan


@pytest.mark.django_db
def test_the_regional_preview_makes_the_same_queries_for_3_or_30_rows(cast, ind, tmp_path):
    counts = []
    for n in (3, 30):
        plan = _regional_plan(cast, ind.sex, n, f"rq{n}")
        path: Path = tmp_path / f"{n}.xlsx"
        write_template(str(path), build_template(cast.secretariat, plan, None, None), lang="en")
        book = openpyxl.load_workbook(path)
        ws = book.worksheets[0]
        head = columns(ws)
        for r in range(2, 2 + n):
            ws.cell(r, head["Value"]).value = r
            if ws.cell(r, head["Sex: Women"]).protection.locked is False:
                ws.cell(r, head["Sex: Women"]).value = r - 1
                ws.cell(r, head["Sex: Men"]).value = 1
        book.save(path)
        with CaptureQueriesContext(connection) as queries:
            preview = preview_import(cast.secretariat, path)
        assert preview.ok and len(preview.rows) == n, preview.problems
        assert all(row.country_id is None for row in preview.rows)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_the_regional_download_makes_the_same_queries_for_2_or_12_indicators(cast, ind):
    client = client_for(cast.secretariat)
    client.get(url("indicator_template", "en"))  # the session and the user, once
    counts = []
    for n in (2, 12):
        plan = _regional_plan(cast, ind.sex, n, f"rd{n}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                url("indicator_template", "en"), {"plan": plan.code, "country": "region"}
            )
            b"".join(response.streaming_content)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
