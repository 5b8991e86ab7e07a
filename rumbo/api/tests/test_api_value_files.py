"""Evidence files of a value over the API (/indicator-values/<id>/files/): attached and
removed as the value's form does, through the same service (the value's rules, its version,
its audit), all or nothing, refused to whoever may not report the value without writing a
file."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from rumbo.core.models import AuditEvent
from rumbo.indicators import services
from rumbo.indicators.models import Measurement, MeasurementFile
from rumbo.testing.api import api_for, conforms
from rumbo.testing.factories import IndicatorFactory, PlanFactory
from rumbo.testing.http import url
from rumbo.tracking.services import MAX_EVIDENCE_BYTES

pytestmark = pytest.mark.django_db
S = Measurement.Status
PDF = b"%PDF-1.4 lista de participantes\n%%EOF\n"
RANDOM_NAME = re.compile(r"value-evidence/[0-9a-f]{32}")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def upload(name: str = "Participantes taller.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def save(actor, indicator, period, country, **kwargs) -> Measurement:
    return services.measurement_save(
        actor=actor,
        indicator=indicator,
        period=period,
        country=country,
        given=services.ValueInput(value=Decimal(5)),
        **kwargs,
    )


@pytest.fixture
def ind(cast, orgs, bodies):
    """A count of a 2023–2025 plan; Guatemala's draft of 2024 and approved value of 2023."""
    plan = PlanFactory(
        code="files-plan", owner_body=bodies.wg_lab, period_start=2023, period_end=2025
    )
    count = IndicatorFactory(plan=plan, code="C1")
    approved = save(cast.focal, count, "2023", orgs.gtm)
    approved = services.measurement_submit(actor=cast.focal, measurement=approved)
    approved = services.measurement_approve(actor=cast.secretariat, measurement=approved)
    return SimpleNamespace(
        plan=plan, count=count, draft=save(cast.focal, count, "2024", orgs.gtm), approved=approved
    )


def files_path(m: Measurement) -> str:
    return f"/api/v1/indicator-values/{m.pk}/files/"


def unchanged(m: Measurement, names: list[str]) -> None:
    """`m` as it was (version, status), with the files `names` and no other."""
    now = Measurement.objects.get(pk=m.pk)
    assert (now.version, now.status) == (m.version, m.status)
    assert sorted(now.files.values_list("name", flat=True)) == sorted(names)


# Attaching --------------------------------------------------------------------------------------
def test_a_focal_point_attaches_files_that_are_audited_and_move_the_version(
    schema, cast, ind, media
):
    m = ind.draft
    response = api_for(cast.focal).post(
        files_path(m),
        {"version": m.version, "files": [upload(), upload("Datos.xlsx", b"PK-datos")]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    conforms(schema, "MeasurementFiles", body)
    stored = list(m.files.order_by("name"))
    assert body["version"] == m.version + 1
    assert sorted(body["files"], key=lambda f: f["name"]) == [
        {
            "id": f.pk,
            "name": f.name,
            "size": f.size,
            "url": url("measurement_file_download", "es", pk=f.pk),
        }
        for f in stored
    ]
    assert [(f.name, f.size, f.uploaded_by) for f in stored] == [
        ("Datos.xlsx", 8, cast.focal),
        ("Participantes taller.pdf", len(PDF), cast.focal),
    ]
    for item in stored:
        assert RANDOM_NAME.fullmatch(item.file.name)
    assert (media / stored[1].file.name).read_bytes() == PDF
    event = AuditEvent.objects.get(action=AuditEvent.Action.ATTACH, object_id=str(m.pk))
    assert sorted(event.changes["files"]["new"]) == ["Datos.xlsx", "Participantes taller.pdf"]
    assert event.actor == cast.focal
    # The value lists them too, and reading the files gives the same answer.
    value = api_for(cast.focal).get(f"/api/v1/indicator-values/{m.pk}/").json()
    assert sorted(f["name"] for f in value["files"]) == ["Datos.xlsx", "Participantes taller.pdf"]
    assert api_for(cast.focal).get(files_path(m)).json() == body


def test_a_country_attaching_to_its_submitted_value_takes_it_back_to_draft(cast, ind, media):
    m = services.measurement_submit(actor=cast.focal, measurement=ind.draft)
    response = api_for(cast.focal).post(
        files_path(m), {"version": m.version, "files": [upload()]}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert Measurement.objects.get(pk=m.pk).status == S.DRAFT


def test_a_stale_version_is_a_409_and_keeps_no_file(cast, ind, media):
    m = ind.draft
    services.measurement_save(
        actor=cast.secretariat,
        indicator=ind.count,
        period="2024",
        country=m.country,
        given=services.ValueInput(value=Decimal(6)),
    )  # the version moves on
    response = api_for(cast.focal).post(
        files_path(m), {"version": m.version, "files": [upload()]}, format="multipart"
    )
    assert response.status_code == 409
    assert "detail" in response.json()
    assert not MeasurementFile.objects.exists() and files_in(media) == []


# Removing ---------------------------------------------------------------------------------------
def test_removing_a_file_by_id_is_audited_and_deletes_it_once_committed(
    cast, ind, media, django_capture_on_commit_callbacks
):
    m = save(cast.focal, ind.count, "2024", ind.draft.country, files=[upload(), upload("keep.pdf")])
    gone = m.files.get(name="Participantes taller.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(cast.focal).post(
            files_path(m), {"version": m.version, "remove_files": [gone.pk]}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert [f["name"] for f in response.json()["files"]] == ["keep.pdf"]
    assert response.json()["version"] == m.version + 1
    assert [p.name for p in files_in(media)] == [Path(m.files.get().file.name).name]
    event = AuditEvent.objects.filter(object_id=str(m.pk)).latest("id")
    assert event.changes == {"files": {"old": ["Participantes taller.pdf"], "new": []}}
    assert event.actor == cast.focal


def test_attaching_and_removing_in_one_multipart_request(cast, ind, media):
    m = save(cast.focal, ind.count, "2024", ind.draft.country, files=[upload("old.pdf")])
    response = api_for(cast.focal).post(
        files_path(m),
        {"version": m.version, "files": [upload("new.pdf")], "remove_files": [m.files.get().pk]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert [f["name"] for f in response.json()["files"]] == ["new.pdf"]
    assert response.json()["version"] == m.version + 1  # one change of the value


# All or nothing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "big.pdf is larger than 20 MB."), ("es", "big.pdf supera los 20 MB.")],
)
def test_a_file_over_the_limit_refuses_the_whole_request_naming_the_field(
    cast, ind, media, lang, message
):
    m = save(cast.focal, ind.count, "2024", ind.draft.country, files=[upload("keep.pdf")])
    before = files_in(media)
    big = upload("big.pdf", b"x" * (MAX_EVIDENCE_BYTES + 1))
    response = api_for(cast.focal).post(
        files_path(m),
        {
            "version": m.version,
            "files": [upload("fine.pdf"), big],
            "remove_files": [m.files.get().pk],
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 400
    assert response.json() == {"files": [message]}
    unchanged(m, ["keep.pdf"])
    assert files_in(media) == before


def test_a_file_that_is_not_the_value_s_refuses_the_whole_request(cast, orgs, ind, media):
    other = save(cast.ppt, ind.count, "2024", orgs.pan, files=[upload("other.pdf")])
    m = ind.draft
    before = files_in(media)
    response = api_for(cast.focal).post(
        files_path(m),
        {"version": m.version, "files": [upload()], "remove_files": [other.files.get().pk]},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["remove_files"]
    unchanged(m, [])
    unchanged(other, ["other.pdf"])
    assert files_in(media) == before


@pytest.mark.parametrize(
    ("lang", "fmt", "field", "message"),
    [
        ("en", "multipart", "files", "Send files to attach, or the ids of files to remove."),
        ("es", "json", "remove_files", "Envíe archivos para adjuntar, o los ids de los archivos"),
    ],
)
def test_a_request_that_changes_nothing_is_refused_naming_the_field(
    cast, ind, media, lang, fmt, field, message
):
    response = api_for(cast.focal).post(
        files_path(ind.draft), {"version": ind.draft.version}, format=fmt, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 400
    assert response.json()[field][0].startswith(message)
    unchanged(ind.draft, [])


# The value's rules ------------------------------------------------------------------------------
def test_in_a_locked_period_only_the_secretariat_changes_files_saying_why(cast, ind, media):
    m = save(cast.focal, ind.count, "2024", ind.draft.country, files=[upload()])
    item = m.files.get()
    services.period_lock(actor=cast.secretariat, plan=ind.plan, period="2024")
    removal = {"version": m.version, "remove_files": [item.pk]}
    focal = api_for(cast.focal).post(files_path(m), removal, format="json")
    assert focal.status_code == 400 and "period" in focal.json()
    secretariat = api_for(cast.secretariat)
    unexplained = secretariat.post(files_path(m), removal, format="json")
    assert unexplained.status_code == 400 and "reason" in unexplained.json()
    unchanged(m, ["Participantes taller.pdf"])
    done = secretariat.post(
        files_path(m), {**removal, "reason": "wrong file attached"}, format="json"
    )
    assert done.status_code == 200, done.json()
    assert done.json()["files"] == []
    event = AuditEvent.objects.filter(object_id=str(m.pk)).latest("id")
    assert event.reason == "wrong file attached" and event.changes["files"]["new"] == []


def test_the_secretariat_changing_an_approved_value_s_files_says_why_and_keeps_it_approved(
    cast, ind, media
):
    m = ind.approved
    body = {"version": m.version, "files": [upload()]}
    unexplained = api_for(cast.secretariat).post(files_path(m), body, format="multipart")
    assert unexplained.status_code == 400 and "reason" in unexplained.json()
    assert files_in(media) == []
    body = {"version": m.version, "files": [upload()], "reason": "the signed minutes"}
    done = api_for(cast.secretariat).post(files_path(m), body, format="multipart")
    assert done.status_code == 200, done.json()
    assert Measurement.objects.get(pk=m.pk).status == S.APPROVED


# Who may ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "value", "status"),
    [
        ("ppt", "approved", 403),  # another country's focal point: sees it, may not change it
        ("ppt", "draft", 404),  # ... and does not see another country's draft
        ("observer", "approved", 403),
        ("observer", "draft", 404),
        ("civil", "approved", 403),
        ("public", "approved", 403),
        ("public", "draft", 403),
    ],
)
def test_whoever_may_not_report_the_value_is_refused_and_no_file_is_written(
    cast, ind, media, who, value, status
):
    m = getattr(ind, value)
    response = api_for(getattr(cast, who)).post(
        files_path(m), {"version": m.version, "files": [upload()]}, format="multipart"
    )
    assert response.status_code == status
    unchanged(m, [])
    assert files_in(media) == [] and not MeasurementFile.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ATTACH).exists()


def test_the_schema_documents_the_upload(schema):
    operation = schema["paths"]["/api/v1/indicator-values/{id}/files/"]["post"]
    content = operation["requestBody"]["content"]
    multipart = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    files = schema["components"]["schemas"][multipart]["properties"]["files"]
    assert files["type"] == "array" and files["items"]["format"] == "binary"
    as_json = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "files" not in schema["components"]["schemas"][as_json]["properties"]
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
