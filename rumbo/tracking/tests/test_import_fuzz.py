"""Whatever file people upload, the importer answers with a clear message: never a crash,
never a 500, never a partial write."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from rumbo.core.models import AuditEvent
from rumbo.plans.models import Activity
from rumbo.testing.http import client_for, url
from rumbo.tracking.xlsx.columns import header_labels
from rumbo.tracking.xlsx.importer import preview_import

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cell = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 2), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(
        [
            "=1+1",
            "=SUM(A1:A3)",
            "#REF!",
            "1.234,50",
            "Año 2",
            "finalizado",
            "\x07",
            "INF",
            "NaN",
            "1e400",
            "-0",
            "99999999999999999999",
        ]
    ),
)


def workbook(
    header: list[str],
    rows: list[list[object]],
    *,
    merge: str = "",
    extra_sheet: bool = False,
    far_cell: bool = False,
) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(header)
    for row in rows:
        # openpyxl refuses to write control characters; Excel files cannot hold them either.
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    if merge:
        ws.merge_cells(merge)
    if extra_sheet:
        book.create_sheet("Otra").append(["x", 1])
    if far_cell:
        ws.cell(1_000_000, 1).value = None
        ws.cell(1_000_000, 2).number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(user, data: bytes, tmp_path: Path) -> None:
    before = (Activity.objects.count(), AuditEvent.objects.count())
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    preview = preview_import(user, path, plan_code="crm-sp-2023-2026")
    for problem in preview.problems:
        assert problem.message and "Traceback" not in problem.message
    assert (Activity.objects.count(), AuditEvent.objects.count()) == before


@FUZZ
@given(
    rows=st.lists(st.lists(cell, min_size=0, max_size=18), max_size=12),
    drop=st.sets(st.integers(min_value=0, max_value=15), max_size=4),
    merge=st.sampled_from(["", "A2:A4", "B2:C2", "J2:J3"]),
    extra=st.booleans(),
)
def test_rumbo_layout_with_any_cells(cast, tmp_path_factory, rows, drop, merge, extra):
    header = [h for i, h in enumerate(header_labels("es")) if i not in drop]
    check(
        cast.secretariat,
        workbook(header, rows, merge=merge, extra_sheet=extra),
        tmp_path_factory.mktemp("f"),
    )


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes(cast, tmp_path_factory, data):
    check(cast.secretariat, data, tmp_path_factory.mktemp("b"))


def test_a_zip_that_is_not_a_workbook(cast, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hola.txt", "no soy un libro")
    check(cast.secretariat, out.getvalue(), tmp_path)


def test_a_million_empty_rows_are_skipped_quickly(cast, tmp_path):
    header = header_labels("es")
    data = workbook(header, [["x"] * 3], far_cell=True)
    check(cast.secretariat, data, tmp_path)


def test_latin1_text_renamed_xlsx_through_the_page(cast):
    client = client_for(cast.secretariat)
    upload = SimpleUploadedFile("matriz.xlsx", "Región;Año;Situación\n".encode("latin-1"))
    response = client.post(url("matrix_import", "es"), {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "no es un libro de Excel" in page or "not an Excel workbook" in page


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=8, max_size=8), min_size=1, max_size=6))
def test_plan_table_layout_with_any_cells(cast, tmp_path_factory, rows):
    header = [
        "Pilar programático",
        "Tema",
        "Descripción de la actividad",
        "Indicadores",
        "Parte responsable",
        "Plazo de cumplimiento",
        "Estado",
        "Supuestos o riesgos",
    ]
    check(
        cast.secretariat,
        workbook(header, rows, merge="A2:A3" if len(rows) > 2 else ""),
        tmp_path_factory.mktemp("p"),
    )
