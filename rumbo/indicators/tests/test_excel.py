"""The indicator template's round trip: download, fill offline, upload, preview, apply."""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rumbo.core.visibility import Visibility
from rumbo.indicators import services
from rumbo.indicators.models import Indicator, Measurement
from rumbo.indicators.xlsx import cells
from rumbo.indicators.xlsx.apply import ImportConflict, apply_import
from rumbo.indicators.xlsx.importer import preview_import
from rumbo.indicators.xlsx.preview import Preview
from rumbo.indicators.xlsx.template import reportable
from rumbo.testing.factories import IndicatorFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.models import ImportSession

from .conftest import report

U = Indicator.Unit
ALREADY = {
    "en": "This import had already been applied: nothing was changed this time.",
    "es": "Esta importación ya se había aplicado: esta vez no se cambió nada.",
}


# -- helpers ----------------------------------------------------------------------------------
def download(client: Any, lang: str, **query: str) -> openpyxl.Workbook:
    response = client.get(url("indicator_template", lang), query)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment")
    raw = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(raw))


def columns(ws: Any) -> dict[str, int]:
    """Header text -> column number."""
    return {c.value: c.column for c in ws[1] if c.value}


def rows_by_code(ws: Any) -> dict[tuple[str, str], int]:
    """(indicator code, period code) -> row number."""
    head = columns(ws)
    code_col = next(c for h, c in head.items() if h in ("Code", "Código"))
    period_col = next(c for h, c in head.items() if h in ("Period code", "Código del periodo"))
    return {
        (ws.cell(r, code_col).value, ws.cell(r, period_col).value): r
        for r in range(2, ws.max_row + 1)
    }


def upload(client: Any, book: openpyxl.Workbook, lang: str, name: str = "t.xlsx") -> Any:
    buf = io.BytesIO()
    book.save(buf)
    return upload_bytes(client, buf.getvalue(), lang, name)


def upload_bytes(client: Any, raw: bytes, lang: str, name: str = "t.xlsx") -> Any:
    return client.post(url("indicator_import", lang), {"file": SimpleUploadedFile(name, raw)})


def preview_of(response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


@pytest.fixture
def money(ind):
    return IndicatorFactory(plan=ind.plan, code="MN", unit=U.MONEY, currency="USD")


@pytest.fixture
def quarterly(ind):
    return IndicatorFactory(plan=ind.plan, code="QT", frequency="quarter")


# -- the round trip ---------------------------------------------------------------------------
LABELS = {
    "en": {
        "value": "Value",
        "num": "Numerator",
        "den": "Denominator",
        "text": "Qualitative value",
        "women": "Sex: Women",
        "men": "Sex: Men",
        "evidence": "Evidence",
        "yes": "Yes",
    },
    "es": {
        "value": "Valor",
        "num": "Numerador",
        "den": "Denominador",
        "text": "Valor cualitativo",
        "women": "Sexo: Mujeres",
        "men": "Sexo: Hombres",
        "evidence": "Evidencia",
        "yes": "Sí",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_round_trip_in_both_languages(cast, orgs, ind, money, quarterly, lang):
    client = client_for(cast.focal)
    book = download(client, lang, plan="eval-plan", country="GTM", period="2024")
    ws = book.worksheets[0]
    L = LABELS[lang]
    head = columns(ws)
    rows = rows_by_code(ws)
    # One row per indicator, and one per quarter for the quarterly one.
    assert {("QT", f"2024-Q{n}") for n in range(1, 5)} <= set(rows)
    assert ("C1", "2024") in rows and ("TX", "2024") in rows
    # Identifiers are text, in hidden columns.
    assert ws.column_dimensions["A"].hidden
    assert ws.cell(rows[("C1", "2024")], 1).value == str(ind.count.pk)
    assert ws.cell(rows[("C1", "2024")], 1).data_type == "s"

    def put(key: tuple[str, str], label: str, value: Any) -> None:
        ws.cell(rows[key], head[L[label]]).value = value

    put(("C1", "2024"), "value", 10)  # a real number
    put(("C1", "2024"), "women", "6")
    put(("C1", "2024"), "men", 4.0)
    put(("P1", "2024"), "num", "3")
    put(("P1", "2024"), "den", 4)
    put(("YN", "2024"), "value", L["yes"])
    put(("TX", "2024"), "text", "Hecho")
    put(("MN", "2024"), "value", "1.234,5")  # Spanish text: a thousands point, a decimal comma
    put(("MN", "2024"), "evidence", "Informe anual")
    put(("QT", "2024-Q2"), "value", 7)
    preview = preview_of(upload(client, book, lang))
    page = client.get(preview).content.decode()
    assert Measurement.objects.count() == 0  # nothing written by the preview
    assert ("1234,5" if lang == "es" else "1234.5") in page
    response = client.post(preview, {"submit": "on"})
    assert response.status_code == 302
    saved = {(m.indicator.code, m.period): m for m in Measurement.objects.all()}
    assert set(saved) == {
        ("C1", "2024"),
        ("P1", "2024"),
        ("YN", "2024"),
        ("TX", "2024"),
        ("MN", "2024"),
        ("QT", "2024-Q2"),
    }
    assert all(m.country == orgs.gtm and m.status == "submitted" for m in saved.values())
    assert saved[("MN", "2024")].value == Decimal("1234.5")
    assert saved[("MN", "2024")].evidence == "Informe anual"
    assert saved[("P1", "2024")].value == Decimal(75)
    assert saved[("YN", "2024")].value == 1
    assert saved[("TX", "2024")].text == "Hecho"
    parts = {p.category.code: p.value for p in saved[("C1", "2024")].parts.all()}
    assert parts == {"women": 6, "men": 4}
    # The same workbook downloaded again holds what was saved, and uploads as unchanged.
    again = download(client, lang, plan="eval-plan", country="GTM", period="2024")
    preview = preview_of(upload(client, again, lang))
    session = ImportSession.objects.get(token=preview.rstrip("/").rsplit("/", 1)[1])
    assert session.preview["rows"] == [] and session.preview["unchanged"] == 6


@pytest.mark.django_db
def test_values_are_saved_as_drafts_without_submit(cast, ind):
    client = client_for(cast.focal)
    book = download(client, "en", plan="eval-plan", country="GTM", period="2024")
    ws = book.worksheets[0]
    ws.cell(rows_by_code(ws)[("C1", "2024")], columns(ws)["Value"]).value = 5
    preview = preview_of(upload(client, book, "en"))
    assert client.post(preview, {}).status_code == 302
    (m,) = Measurement.objects.all()
    assert (m.status, m.value, m.reported_by) == ("draft", 5, cast.focal)


# -- problems named by row and column, the workbook given back marked -------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_errors_are_named_by_row_and_column_and_marked_in_the_workbook(cast, ind, lang):
    client = client_for(cast.focal)
    book = download(client, lang, plan="eval-plan", country="GTM", period="2024")
    ws = book.worksheets[0]
    L = LABELS[lang]
    head, rows = columns(ws), rows_by_code(ws)
    c1, p1, yn = rows[("C1", "2024")], rows[("P1", "2024")], rows[("YN", "2024")]
    ws.cell(c1, head[L["value"]]).value = 10
    ws.cell(c1, head[L["women"]]).value = "seis"  # not a number
    ws.cell(p1, head[L["num"]]).value = 5
    ws.cell(p1, head[L["den"]]).value = 4  # numerator above the denominator
    ws.cell(yn, head[L["value"]]).value = "quizás"
    response = client.get(preview_of(upload(client, book, lang)))
    page = response.content.decode()
    token = response.request["PATH_INFO"].rstrip("/").rsplit("/", 1)[1]
    problems = ImportSession.objects.get(token=token).preview["problems"]
    named = {(p["row"], p["column"]) for p in problems}
    assert named == {(c1, L["women"]), (p1, L["num"]), (yn, L["value"])}
    with translation.override(lang):
        texts = [str(p) for p in Preview.from_json({"problems": problems}).problems]
    expected = {
        "en": f"Row {c1}, column “Sex: Women”: “seis” is not a number.",
        "es": f"Fila {c1}, columna “Sexo: Mujeres”: “seis” no es un número.",
    }[lang]
    assert expected in texts
    assert "quizás" in page and L["women"] in page
    # Nothing can be applied, and nothing was written.
    assert "Apply these changes" not in page and "Aplicar estos cambios" not in page
    assert client.post(response.request["PATH_INFO"], {}).status_code == 200
    assert Measurement.objects.count() == 0
    # The workbook comes back with a comment and a fill on each bad cell, and only there.
    marked = client.get(url("indicator_import_marked", lang, token=token))
    assert marked.status_code == 200
    back = openpyxl.load_workbook(io.BytesIO(b"".join(marked.streaming_content))).worksheets[0]
    commented = {
        (c.row, c.column): c.comment.text for row in back.iter_rows() for c in row if c.comment
    }
    assert set(commented) == {
        (c1, head[L["women"]]),
        (p1, head[L["num"]]),
        (yn, head[L["value"]]),
    }
    assert "seis" in commented[(c1, head[L["women"]])]
    assert back.cell(c1, head[L["women"]]).fill.fgColor.rgb == "FFF4B4B4"


@pytest.mark.django_db
def test_a_breakdown_that_does_not_add_up_is_named_on_its_column_unless_explained(cast, ind):
    client = client_for(cast.focal)
    book = download(client, "en", plan="eval-plan", country="GTM", period="2024")
    ws = book.worksheets[0]
    head, r = columns(ws), rows_by_code(ws)[("C1", "2024")]
    ws.cell(r, head["Value"]).value = 10
    ws.cell(r, head["Sex: Women"]).value = 3
    response = client.get(preview_of(upload(client, book, "en")))
    problems = response.context["preview"].problems
    assert [(p.row, p.column) for p in problems] == [(r, "Sex: Women")]
    assert "adds up to 3, not 10" in problems[0].message
    ws.cell(r, head["Why the breakdown does not add up"]).value = "Sex not recorded for 7"
    response = client.get(preview_of(upload(client, book, "en")))
    assert response.context["preview"].ok
    assert client.post(response.request["PATH_INFO"], {}).status_code == 302
    (m,) = Measurement.objects.all()
    assert m.breakdown_note == "Sex not recorded for 7"
    assert [(p.category.code, p.value) for p in m.parts.all()] == [("women", 3)]


# -- permissions ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_row_for_another_country_is_refused(cast, orgs, ind):
    client = client_for(cast.focal)
    book = download(client, "en", plan="eval-plan", country="GTM", period="2024")
    ws = book.worksheets[0]
    head, rows = columns(ws), rows_by_code(ws)
    ok, other = rows[("C1", "2024")], rows[("AV", "2024")]
    ws.cell(ok, head["Value"]).value = 1
    ws.cell(other, head["Value"]).value = 2
    ws.cell(other, head["Country code"]).value = "MEX"  # the hidden identifier, edited
    response = client.get(preview_of(upload(client, book, "en")))
    preview = response.context["preview"]
    assert [(p.row, p.column) for p in preview.problems] == [(other, "Indicator")]
    assert "You may not report AV for MEX" in preview.problems[0].message
    assert client.post(response.request["PATH_INFO"], {}).status_code == 200
    assert Measurement.objects.count() == 0  # the good row is not written either


@pytest.mark.django_db
def test_a_focal_point_may_only_download_their_own_country(cast, ind):
    client = client_for(cast.focal)
    response = client.get(url("indicator_template", "en"), {"plan": "eval-plan", "country": "MEX"})
    assert response.status_code == 200  # the form again, with the error
    assert "MEX is not one of the available choices" in response.content.decode()
    page = client.get(url("indicator_template", "en")).content.decode()
    assert 'value="GTM" selected' in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["observer", "civil", "wg"])
def test_people_who_report_for_no_country_get_no_template(cast, ind, role):
    client = client_for(getattr(cast, role))
    page = client.get(url("indicator_template", "es")).content.decode()
    assert "Usted no reporta valores de indicadores para ningún país." in page
    response = client.get(url("indicator_template", "es"), {"plan": "eval-plan"})
    assert response.status_code == 200 and not response.get("Content-Disposition")


@pytest.mark.django_db
def test_the_template_needs_a_login(ind):
    response = client_for(None).get(url("indicator_template", "en"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_a_members_only_indicator_never_reaches_a_lower_role(cast, orgs, ind, canary):
    secret = IndicatorFactory(
        plan=ind.plan, code="SECRET", name_en="CANARY members", visibility=Visibility.MEMBERS
    )
    # The secretariat sees it, and may report it for any country.
    book = download(client_for(cast.secretariat), "en", plan="eval-plan", country="GTM")
    assert ("SECRET", "2025") in rows_by_code(book.worksheets[0])
    # A focal point of a member country too (members-only is for members).
    book = download(client_for(cast.focal), "en", plan="eval-plan", country="GTM")
    assert ("SECRET", "2025") in rows_by_code(book.worksheets[0])
    # Below members, it is not even found: a workbook naming it gets "no indicator that you
    # may see" (the visibility rule), where a public one gets "you may not report" (the
    # permission rule).
    assert secret not in reportable(cast.observer, ind.plan, orgs.gtm)
    raw = io.BytesIO()
    book.save(raw)
    response = client_for(cast.observer).get(
        preview_of(upload_bytes(client_for(cast.observer), raw.getvalue(), "en"))
    )
    messages = {p.message for p in response.context["preview"].problems}
    assert f"No indicator with id {secret.pk} that you may see." in messages
    assert "You may not report C1 for GTM." in messages
    assert "CANARY" not in response.content.decode()


# -- conflicts, all or nothing, applied once --------------------------------------------------
def fill(client: Any, lang: str = "en", **values: Any) -> tuple[openpyxl.Workbook, Any]:
    """A downloaded 2024 template with `values` (indicator code -> Value) filled in."""
    book = download(client, lang, plan="eval-plan", country="GTM", period="2024")
    ws = book.worksheets[0]
    head, rows = columns(ws), rows_by_code(ws)
    for code, value in values.items():
        ws.cell(rows[(code, "2024")], head[LABELS[lang]["value"]]).value = value
    return book, ws


@pytest.mark.django_db
def test_a_value_changed_since_the_download_is_a_conflict_and_nothing_is_written(cast, orgs, ind):
    client = client_for(cast.focal)
    report(cast.focal, ind.average, "2024", orgs.gtm, value=1)
    book, ws = fill(client, AV=2, LT=3, CU=4)
    # Meanwhile, in Rumbo, someone corrects AV.
    report(cast.focal, ind.average, "2024", orgs.gtm, value=9)
    response = client.get(preview_of(upload(client, book, "en")))
    preview = response.context["preview"]
    row = rows_by_code(ws)[("AV", "2024")]
    assert [(p.row, p.column) for p in preview.problems] == [(row, "Status")]
    assert "changed in Rumbo after the template was downloaded" in preview.problems[0].message
    assert client.post(response.request["PATH_INFO"], {}).status_code == 200
    values = {m.indicator.code: m.value for m in Measurement.objects.all()}
    assert values == {"AV": 9}  # the other two rows were not written either


@pytest.mark.django_db
def test_a_value_created_since_the_download_is_a_conflict(cast, orgs, ind):
    client = client_for(cast.focal)
    book, _ws = fill(client, AV=2)
    report(cast.secretariat, ind.average, "2024", orgs.gtm, value=5)
    preview = client.get(preview_of(upload(client, book, "en"))).context["preview"]
    assert [p.column for p in preview.problems] == ["Status"]
    assert Measurement.objects.get().value == 5


@pytest.mark.django_db
def test_one_bad_row_writes_zero_rows(cast, ind):
    client = client_for(cast.focal)
    book, _ws = fill(client, AV=2, LT=3, CU=-4)  # a count cannot be negative
    response = client.get(preview_of(upload(client, book, "en")))
    assert len(response.context["preview"].problems) == 1
    assert client.post(response.request["PATH_INFO"], {"submit": "on"}).status_code == 200
    assert Measurement.objects.count() == 0


@pytest.mark.django_db
def test_a_change_between_preview_and_apply_rolls_everything_back(cast, orgs, ind):
    client = client_for(cast.focal)
    report(cast.focal, ind.latest, "2024", orgs.gtm, value=1)
    book, _ws = fill(client, AV=2, LT=3)
    preview_url = preview_of(upload(client, book, "en"))
    report(cast.secretariat, ind.latest, "2024", orgs.gtm, value=8)  # after the preview
    response = client.post(preview_url, {})
    assert response.status_code == 200
    assert "Nothing was saved: these rows changed in Rumbo since the preview" in (
        response.content.decode()
    )
    assert {m.indicator.code: m.value for m in Measurement.objects.all()} == {"LT": 8}
    # Applied directly, the same: ImportConflict, no row written.
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    preview = Preview.from_json(ImportSession.objects.get(token=token).preview)
    with pytest.raises(ImportConflict):
        apply_import(cast.focal, preview)
    assert Measurement.objects.count() == 1


@pytest.mark.django_db
def test_apply_clicked_twice_applies_once_and_says_so(cast, ind):
    client = client_for(cast.focal)
    book, _ws = fill(client, "es", AV=2)
    preview = preview_of(upload(client, book, "es"))
    assert client.post(preview, {"submit": "on"}).status_code == 302
    again = client.post(preview, {"submit": "on"}, follow=True)
    assert again.status_code == 200
    assert ALREADY["es"] in again.content.decode()
    m = Measurement.objects.get()
    assert (m.status, m.version) == ("submitted", 2)  # saved once, submitted once


@pytest.mark.django_db
def test_a_correction_of_an_approved_value_by_a_focal_point_goes_back_to_draft(cast, orgs, ind):
    report(cast.focal, ind.average, "2024", orgs.gtm, value=1, approve_as=cast.secretariat)
    client = client_for(cast.focal)
    book, _ws = fill(client, AV=3)
    response = client.get(preview_of(upload(client, book, "en")))
    (row,) = response.context["preview"].rows
    assert (row.kind, row.back_to_draft) == ("corrected", True)
    assert [(c.label, c.old, c.new) for c in row.changes] == [("Value", "1", "3")]
    assert client.post(response.request["PATH_INFO"], {}).status_code == 302
    m = Measurement.objects.get()
    assert (m.value, m.status) == (3, "draft")


@pytest.mark.django_db
def test_locked_periods_refuse_a_focal_point_and_ask_the_secretariat_why(cast, orgs, ind):
    services.period_lock(actor=cast.secretariat, plan=ind.plan, period="2024")
    client = client_for(cast.focal)
    book, _ws = fill(client, AV=2)
    preview = client.get(preview_of(upload(client, book, "en"))).context["preview"]
    assert [p.column for p in preview.problems] == ["Period"]
    assert "locked" in preview.problems[0].message
    se = client_for(cast.secretariat)
    book, _ws = fill(se, AV=2)
    preview_url = preview_of(upload(se, book, "en"))
    response = se.post(preview_url, {})
    assert response.status_code == 200 and Measurement.objects.count() == 0
    assert response.context["form"].errors["reason"]
    assert se.post(preview_url, {"reason": "Late report from GTM"}).status_code == 302
    assert Measurement.objects.get().value == 2


# -- the workbook itself ----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_template_protects_identifiers_greys_what_does_not_apply_and_keeps_numbers(
    cast, orgs, ind
):
    report(
        cast.focal,
        ind.count,
        "2025",
        orgs.gtm,
        value=12,
        parts={ind.cats["women"].pk: {"value": 12}},
    )
    report(cast.focal, ind.percent, "2025", orgs.gtm, numerator=1, denominator=3)
    book = download(client_for(cast.focal), "es", plan="eval-plan", country="GTM")
    ws = book.worksheets[0]
    head, rows = columns(ws), rows_by_code(ws)
    assert set(rows) == {(c, "2025") for c in ("C1", "P1", "AV", "LT", "CU", "YN", "TX")}
    assert ws.protection.sheet  # only the input cells can be typed in
    for key in ("Id del indicador", "Código del periodo", "Código del país", "Versión del valor"):
        dims = list(ws.column_dimensions.values())
        assert any(d.hidden and d.min <= head[key] <= d.max for d in dims), key
    c1, p1, yn, tx = (rows[(c, "2025")] for c in ("C1", "P1", "YN", "TX"))
    assert ws.cell(c1, head["Código del país"]).value == "GTM"
    assert ws.cell(c1, head["Versión del valor"]).value == "1"  # text, not a number
    # Numbers are numbers; the current value and its breakdown are there.
    assert ws.cell(c1, head["Valor"]).value == 12 and ws.cell(c1, head["Valor"]).data_type == "n"
    assert ws.cell(c1, head["Sexo: Mujeres"]).value == 12
    assert ws.cell(p1, head["Denominador"]).value == 3
    assert ws.cell(c1, head["Estado"]).value == "Borrador"
    # Input cells are unlocked; what does not apply is locked and greyed.
    assert not ws.cell(c1, head["Valor"]).protection.locked
    assert not ws.cell(c1, head["Evidencia"]).protection.locked
    for r, key in ((c1, "Numerador"), (tx, "Valor"), (yn, "Sexo: Mujeres"), (p1, "Valor")):
        cell = ws.cell(r, head[key])
        assert cell.protection.locked and cell.fill.fgColor.rgb == "FFBFBFBF", (r, key)
    assert ws.cell(c1, head["Indicador"]).protection.locked
    # A yes/no list where a yes/no is answered.
    yes_no = openpyxl.utils.get_column_letter(head["Valor"]) + str(yn)
    lists = [v for v in ws.data_validations.dataValidation if yes_no in v.sqref]
    assert lists and lists[0].formula1 == '"Sí,No"'


@pytest.mark.django_db
def test_a_year_brings_the_quarters_of_a_quarterly_indicator_that_have_begun(cast, ind, quarterly):
    client = client_for(cast.secretariat)
    book = download(client, "en", plan="eval-plan", country="MEX", period="2025-Q3")
    codes = set(rows_by_code(book.worksheets[0]))
    # The quarter itself, and the year containing it for the yearly indicators.
    assert ("QT", "2025-Q3") in codes and ("C1", "2025") in codes
    assert not any(p.startswith("2025-Q") and p != "2025-Q3" for _c, p in codes)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_form_page_in_both_languages(cast, ind, lang):
    page = client_for(cast.focal).get(url("indicator_template", lang))
    assert page.status_code == 200
    body = page.content.decode()
    assert {"en": "Indicator template", "es": "Plantilla de indicadores"}[lang] in body
    assert "eval-plan" in body and len(page.content) < 150_000
    assert client_for(cast.focal).get(url("indicator_import", lang)).status_code == 200


@pytest.mark.django_db
def test_another_persons_or_a_matrix_import_is_not_found(cast, ind):
    client = client_for(cast.focal)
    book, _ws = fill(client, AV=2)
    preview = preview_of(upload(client, book, "en"))
    token = preview.rstrip("/").rsplit("/", 1)[1]
    assert client_for(cast.ppt).get(preview).status_code == 404
    assert client_for(cast.ppt).post(preview, {}).status_code == 404
    ImportSession.objects.create(token="matrix-one", user=cast.focal, filename="m.xlsx")
    assert client.get(url("indicator_import_apply", "en", token="matrix-one")).status_code == 404
    assert client.get(url("indicator_import_marked", "en", token=token)).status_code == 200
    assert Measurement.objects.count() == 0


# -- hostile files ----------------------------------------------------------------------------
def _xlsx(sheet_xml: bytes | None = None, *, stream: Any = None) -> bytes:
    """A minimal package around one sheet part (given whole, or written by `stream`)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        if stream is not None:
            with zf.open("xl/worksheets/sheet1.xml", "w") as part:
                stream(part)
        else:
            zf.writestr("xl/worksheets/sheet1.xml", sheet_xml or b"")
    return buf.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["zip-bomb", "huge-sheet"])
def test_a_hostile_file_is_refused_quickly_and_never_kept(cast, ind, hostile):
    if hostile == "zip-bomb":
        # 40 MB of one repeated cell, compressed about 1,000 to 1.
        def bomb(part: Any) -> None:
            part.write(b"<worksheet><sheetData><row>")
            chunk = b'<c t="inlineStr"><is><t>x</t></is></c>' * 25_000
            for _ in range(40):
                part.write(chunk)
            part.write(b"</row></sheetData></worksheet>")

        raw, expected = _xlsx(stream=bomb), "compressed more than 100 to 1"
    else:
        rows = b"".join(
            b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 200_002)
        )
        raw, expected = (
            _xlsx(b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"),
            "200,000 rows",
        )
    assert len(raw) < 3_000_000
    started = time.monotonic()
    response = upload_bytes(client_for(cast.focal), raw, "en", "hostile.xlsx")
    assert time.monotonic() - started < 10
    assert response.status_code == 200  # the form again, with why
    assert expected in response.content.decode()
    assert not ImportSession.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_no_workbook_is_reported_on_the_preview(cast, ind):
    client = client_for(cast.focal)
    response = client.get(preview_of(upload_bytes(client, b"name;value\nC1;3\n", "es", "x.xlsx")))
    (problem,) = response.context["preview"].problems
    assert "no es un libro de Excel" in problem.message
    assert problem.row is None


# -- the cell parser --------------------------------------------------------------------------
def _spanish(d: Decimal) -> str:
    """As a Spanish spreadsheet shows it: 1.234.567,25."""
    whole, _dot, frac = format(abs(d), "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return ("-" if d < 0 else "") + grouped + ("," + frac if frac else "")


def _english(d: Decimal) -> str:
    whole, _dot, frac = format(abs(d), "f").partition(".")
    return ("-" if d < 0 else "") + f"{int(whole):,}" + ("." + frac if frac else "")


amounts = st.decimals(
    min_value=Decimal("-999999999999"),
    max_value=Decimal("999999999999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@given(amounts)
@settings(max_examples=300, deadline=None)
def test_numbers_read_the_same_in_every_way_they_are_written(d):
    assert cells.number(format(d, "f")) == d
    assert cells.number(format(d, "f").replace(".", ",")) == d
    assert cells.number(_english(d)) == d
    if abs(d) >= 1000 and d != d.to_integral_value():
        # With a thousands point, the decimal comma must be there to tell them apart.
        assert cells.number(_spanish(d)) == d
    if abs(d) < 10**10:  # what a float holds exactly to 4 decimals
        assert cells.number(float(d)) == d


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.booleans(), st.none()))
@settings(max_examples=500, deadline=None)
def test_any_cell_is_a_number_or_a_named_problem(value):
    for parse in (cells.number, cells.yes_no):
        try:
            found = parse(value)
        except cells.CellError as exc:
            assert str(exc)
        else:
            assert found is None or (found.is_finite() and abs(found) < 10**16)


def test_yes_and_no_in_both_languages():
    assert [cells.yes_no(w) for w in ("Sí", "si", "Yes", "1", 1, True)] == [1] * 6
    assert [cells.yes_no(w) for w in ("No", "no", "0", 0, False)] == [0] * 5
    assert cells.yes_no("  ") is None
    with pytest.raises(cells.CellError):
        cells.yes_no("quizás")


# -- a fixed number of queries ----------------------------------------------------------------
def _filled_template(user: Any, plan: Any, country: Any, path: Path, *, count: int) -> None:
    from rumbo.indicators.xlsx.template import build_template
    from rumbo.indicators.xlsx.writer import write_template

    write_template(str(path), build_template(user, plan, country, None), lang="en")
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    head = columns(ws)
    for r in range(2, 2 + count):
        ws.cell(r, head["Value"]).value = f"{r},5" if r % 2 else r
        if ws.cell(r, head["Sex: Women"]).protection.locked is False:  # broken down by sex
            ws.cell(r, head["Sex: Women"]).value = r - 1
            ws.cell(r, head["Sex: Men"]).value = "1,5" if r % 2 else 1
    book.save(path)


@pytest.mark.django_db
def test_the_preview_makes_the_same_queries_for_3_or_30_rows(cast, orgs, ind, tmp_path):
    """Indicators, countries, values with their breakdown, locks and categories are read
    once for the whole file, whatever its length (breakdowns included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rumbo.testing.factories import PlanFactory

    sex = ind.sex
    counts = []
    for n in (3, 30):
        plan = PlanFactory(code=f"q{n}", period_start=2023, period_end=2025)
        for i in range(n):
            indicator = IndicatorFactory(plan=plan, code=f"M{i}", unit=U.MONEY, currency="USD")
            if i % 2 == 0:
                indicator.dimensions.add(sex)
            if i % 3 == 0:  # some rows correct an existing value
                report(cast.focal, indicator, "2025", orgs.gtm, value=1)
        path = tmp_path / f"{n}.xlsx"
        _filled_template(cast.focal, plan, orgs.gtm, path, count=n)
        with CaptureQueriesContext(connection) as queries:
            preview = preview_import(cast.focal, path)
        assert preview.ok and len(preview.rows) == n, preview.problems
        assert sum(1 for row in preview.rows if row.data["parts"]) == (n + 1) // 2
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


small = st.one_of(st.none(), st.integers(min_value=-2, max_value=12).map(Decimal))


@pytest.mark.django_db
@given(value=small, women=small, men=small, note=st.sampled_from(["", "Not recorded"]))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_batched_breakdown_check_agrees_with_the_service(ind, value, women, men, note):
    """The importer gives check_value the categories read once for the whole file: it must
    then accept exactly what check_value accepts reading them itself, with the same result."""
    categories = {c.pk: c for c in ind.sex.categories.all()}
    parts = {
        ind.cats[code].pk: {"value": amount}
        for code, amount in (("women", women), ("men", men))
        if amount is not None
    }
    given_ = services.ValueInput(value=value, breakdown_note=note, parts=parts)
    indicator = Indicator.objects.prefetch_related("dimensions").get(pk=ind.count.pk)
    try:
        expected = services.check_value(indicator, given_)
    except ValidationError as exc:
        with pytest.raises(ValidationError) as found:
            services.check_value(indicator, given_, categories=categories)
        assert found.value.message_dict == exc.message_dict
    else:
        assert services.check_value(indicator, given_, categories=categories) == expected


@pytest.mark.django_db
@given(
    num=small,
    den=small,
    women=st.tuples(small, small),
    men=st.tuples(small, small),
    note=st.sampled_from(["", "Not recorded"]),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_batched_check_of_a_percentage_agrees_with_the_service(ind, num, den, women, men, note):
    ind.percent.dimensions.add(ind.sex)
    categories = {c.pk: c for c in ind.sex.categories.all()}
    parts = {
        ind.cats[code].pk: {"numerator": share[0], "denominator": share[1]}
        for code, share in (("women", women), ("men", men))
    }
    given_ = services.ValueInput(numerator=num, denominator=den, breakdown_note=note, parts=parts)
    indicator = Indicator.objects.prefetch_related("dimensions").get(pk=ind.percent.pk)
    try:
        expected = services.check_value(indicator, given_)
    except ValidationError as exc:
        with pytest.raises(ValidationError) as found:
            services.check_value(indicator, given_, categories=categories)
        assert found.value.message_dict == exc.message_dict
    else:
        assert services.check_value(indicator, given_, categories=categories) == expected


@pytest.mark.django_db
def test_the_template_download_makes_the_same_queries_for_2_or_12_indicators(cast, orgs, ind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rumbo.testing.factories import PlanFactory

    client = client_for(cast.focal)
    client.get(url("indicator_template", "en"))  # the session and the user, once
    counts = []
    for n in (2, 12):
        plan = PlanFactory(code=f"dl{n}", period_start=2023, period_end=2025)
        for i in range(n):
            indicator = IndicatorFactory(plan=plan, code=f"D{i}")
            indicator.dimensions.add(ind.sex)
            report(
                cast.focal,
                indicator,
                "2025",
                orgs.gtm,
                value=2,
                parts={ind.cats["men"].pk: {"value": 2}},
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                url("indicator_template", "en"), {"plan": plan.code, "country": "GTM"}
            )
            b"".join(response.streaming_content)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_each_import_page_opens_only_its_own_kind_of_upload(client, cast):
    """An indicator upload's token on the matrix's pages (and the reverse) is not found,
    never a server error."""
    client.force_login(cast.focal)
    ours = ImportSession.objects.create(
        token="ind-token",
        kind="indicator-template",
        user=cast.focal,
        filename="a.xlsx",
        preview={"kind": "indicator-template", "rows": []},
    )
    matrix = ImportSession.objects.create(
        token="mat-token", user=cast.focal, filename="m.xlsx", preview={}
    )
    for name in ("matrix_import_apply", "matrix_import_marked"):
        assert client.get(reverse(name, kwargs={"token": ours.token})).status_code == 404
    for name in ("indicator_import_apply", "indicator_import_marked"):
        assert client.get(reverse(name, kwargs={"token": matrix.token})).status_code == 404
