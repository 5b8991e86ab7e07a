"""Evidence files of values: attached with the value's save (all or nothing, audited, under the
value's rules), listed where the value is, downloaded only by whoever may see the value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError
from rumbo.core.visibility import Visibility
from rumbo.indicators import services
from rumbo.indicators.models import Measurement, MeasurementFile
from rumbo.testing.api import api_for, conforms
from rumbo.testing.factories import IndicatorFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.services import MAX_EVIDENCE_BYTES

from .conftest import D

pytestmark = pytest.mark.django_db
S = Measurement.Status
PDF = b"%PDF-1.4 lista de participantes\n%%EOF\n"
RANDOM_NAME = re.compile(r"value-evidence/[0-9a-f]{32}")


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def upload(name="Participantes taller.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def save(actor, indicator, period, country, *, value=5, **kwargs) -> Measurement:
    return services.measurement_save(
        actor=actor,
        indicator=indicator,
        period=period,
        country=country,
        given=services.ValueInput(value=D(value)),
        **kwargs,
    )


def form_url(ind, period, place, lang="en"):
    return url("value_edit", lang, pk=ind.pk, period=period, country=place)


def download(user, item, lang="en"):
    return client_for(user).get(url("measurement_file_download", lang, pk=item.pk))


def normal(body: bytes, pk: int) -> bytes:
    """A page without what differs between two requests (the CSRF mask, the path typed)."""
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    body = body.replace(f"%2Ffiles%2F{pk}%2F".encode(), b"%2Ffiles%2FX%2F")
    return body.replace(f"/files/{pk}/".encode(), b"/files/X/")


# Attaching and listing --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("es", ("Archivos de evidencia", "Archivos adjuntos", "Quitar")),
        ("en", ("Evidence files", "Attached files", "Remove")),
    ],
)
def test_a_focal_point_attaches_files_to_a_draft_and_sees_them_listed(
    cast, orgs, ind, media, lang, labels
):
    page = form_url(ind.count, "2023", "GTM", lang)
    form = client_for(cast.focal).get(page).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert labels[0] in form and 'type="file" name="files" multiple' in form
    response = client_for(cast.focal).post(
        page,
        {
            "value": "12",
            "save": "1",
            "files": [upload(), upload("Datos.xlsx", b"PK-not-really")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    m = Measurement.objects.get(indicator=ind.count, country=orgs.gtm)
    assert m.status == S.DRAFT and m.value == 12
    stored = list(m.files.order_by("name"))
    assert [(f.name, f.size, f.uploaded_by) for f in stored] == [
        ("Datos.xlsx", 13, cast.focal),
        ("Participantes taller.pdf", len(PDF), cast.focal),
    ]
    for item in stored:
        assert RANDOM_NAME.fullmatch(item.file.name)
    assert (media / stored[1].file.name).read_bytes() == PDF
    shown = client_for(cast.focal).get(page).content.decode()
    for item in stored:
        assert url("measurement_file_download", lang, pk=item.pk) in shown
        assert item.file.name not in shown
    assert "Participantes taller.pdf" in shown and "/media/" not in shown
    assert labels[1] in shown and labels[2] in shown
    assert f'name="remove_files" value="{stored[0].pk}"' in shown
    attach = AuditEvent.objects.get(action=AuditEvent.Action.ATTACH, object_id=str(m.pk))
    assert sorted(attach.changes["files"]["new"]) == ["Datos.xlsx", "Participantes taller.pdf"]
    assert attach.actor == cast.focal


def test_attaching_a_file_alone_is_a_change_that_moves_the_version(cast, orgs, ind, media):
    m = save(cast.focal, ind.count, "2023", orgs.gtm)
    again = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload()], expected_version=1)
    assert again.version == m.version + 1
    # A form read before the file was attached is refused, and its file not kept.
    with pytest.raises(ConflictError):
        save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload("b.pdf")], expected_version=1)
    assert list(again.files.values_list("name", flat=True)) == ["Participantes taller.pdf"]
    assert len(files_in(media)) == 1


def test_a_country_attaching_to_its_submitted_value_takes_it_back_to_draft(cast, orgs, ind, media):
    m = save(cast.focal, ind.count, "2023", orgs.gtm)
    m = services.measurement_submit(actor=cast.focal, measurement=m)
    m = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload()], expected_version=m.version)
    assert m.status == S.DRAFT and m.files.count() == 1


# Downloading ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["focal", "secretariat"])
def test_the_reporting_country_and_the_secretariat_download_a_draft_s_file(
    cast, orgs, ind, media, who
):
    m = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload("Acta reunión.pdf")])
    response = download(getattr(cast, who), m.files.get())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Acta%20reuni%C3%B3n.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_page_uploaded_as_evidence_is_never_rendered(cast, orgs, ind, media):
    page = b"<html><script>alert(document.cookie)</script></html>"
    m = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload("informe.html", page)])
    response = download(cast.focal, m.files.get())
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("case", "refused"),
    [
        ("draft", ("public", "civil", "observer", "wg", "ppt")),
        ("members_only", ("public", "civil", "observer")),
    ],
)
def test_whoever_may_not_see_the_value_gets_the_same_404_as_for_no_file(
    cast, orgs, ind, media, case, refused
):
    if case == "draft":
        m = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload()])
    else:
        secret = IndicatorFactory(plan=ind.plan, code="SEC", visibility=Visibility.MEMBERS)
        m = save(cast.focal, secret, "2023", orgs.gtm, files=[upload()])
        m = services.measurement_submit(actor=cast.focal, measurement=m)
        services.measurement_approve(actor=cast.secretariat, measurement=m)
        assert download(cast.wg, m.files.get()).status_code == 200  # a member
    item = m.files.get()
    absent = item.pk + 10_000
    for who in refused:
        client = client_for(getattr(cast, who))
        hidden = client.get(url("measurement_file_download", "en", pk=item.pk))
        missing = client.get(url("measurement_file_download", "en", pk=absent))
        assert hidden.status_code == missing.status_code == 404, who
        assert normal(hidden.content, item.pk) == normal(missing.content, absent), who
        assert b"Participantes" not in hidden.content


def test_an_approved_value_s_files_are_as_public_as_it(cast, orgs, ind, media):
    m = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload()])
    m = services.measurement_submit(actor=cast.focal, measurement=m)
    services.measurement_approve(actor=cast.secretariat, measurement=m)
    response = download(cast.public, m.files.get())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    detail = client_for(cast.public).get(url("indicator_detail", "en", pk=ind.count.pk))
    assert url("measurement_file_download", "en", pk=m.files.get().pk) in detail.content.decode()


# All or nothing ---------------------------------------------------------------------------------
def test_a_refused_save_leaves_no_file_and_no_row(cast, orgs, ind, media):
    women, men = ind.cats["women"].pk, ind.cats["men"].pk
    with pytest.raises(ValidationError) as exc:
        services.measurement_save(
            actor=cast.focal,
            indicator=ind.count,
            period="2023",
            country=orgs.gtm,
            given=services.ValueInput(
                value=D(10), parts={women: {"value": D(3)}, men: {"value": D(3)}}
            ),
            files=[upload()],
        )
    assert "breakdown:sex" in exc.value.message_dict
    with pytest.raises(ValidationError):  # a period the indicator does not report
        save(cast.focal, ind.count, "2023-Q1", orgs.gtm, files=[upload()])
    assert not Measurement.objects.exists() and not MeasurementFile.objects.exists()
    assert files_in(media) == []


def test_a_form_sent_after_someone_else_s_change_keeps_no_file(cast, orgs, ind, media):
    m = save(cast.focal, ind.count, "2023", orgs.gtm)
    save(cast.secretariat, ind.count, "2023", orgs.gtm, value=6)  # the version moves on
    response = client_for(cast.focal).post(
        form_url(ind.count, "2023", "GTM"),
        {"value": "7", "version": m.version, "save": "1", "files": [upload()]},
    )
    assert response.status_code == 200
    assert "Someone else changed" in response.content.decode()
    assert not MeasurementFile.objects.exists() and files_in(media) == []


def test_another_country_s_focal_point_writes_no_file(cast, orgs, ind, media):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        save(cast.ppt, ind.count, "2023", orgs.gtm, files=[upload()])
    assert files_in(media) == []


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Evidence files</a>: big.pdf is larger than 20 MB."),
        ("es", "Archivos de evidencia</a>: big.pdf supera los 20 MB."),
    ],
)
def test_a_file_over_the_limit_is_refused_naming_the_field(cast, orgs, ind, media, lang, message):
    big = upload("big.pdf", b"x" * (MAX_EVIDENCE_BYTES + 1))
    response = client_for(cast.focal).post(
        form_url(ind.count, "2023", "GTM", lang), {"value": "3", "save": "1", "files": [big]}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measurement.objects.exists() and files_in(media) == []


# Removing ---------------------------------------------------------------------------------------
def test_removing_a_file_is_audited_and_deletes_it_once_committed(
    cast, orgs, ind, media, django_capture_on_commit_callbacks
):
    m = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload(), upload("keep.pdf")])
    gone = m.files.get(name="Participantes taller.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.focal).post(
            form_url(ind.count, "2023", "GTM"),
            {"value": "5", "version": m.version, "save": "1", "remove_files": [gone.pk]},
        )
    assert response.status_code == 302
    assert list(m.files.values_list("name", flat=True)) == ["keep.pdf"]
    assert [p.name for p in files_in(media)] == [Path(m.files.get().file.name).name]
    event = AuditEvent.objects.filter(object_id=str(m.pk)).latest("id")
    assert event.changes == {"files": {"old": ["Participantes taller.pdf"], "new": []}}
    assert event.actor == cast.focal
    assert Measurement.objects.get(pk=m.pk).version == m.version + 1


def test_files_follow_the_value_s_rules_in_a_locked_period(cast, orgs, ind, media):
    m = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload()])
    item = m.files.get()
    services.period_lock(actor=cast.secretariat, plan=ind.plan, period="2023")
    # The focal point: no box to remove it nor to add more, and the service refuses.
    page = client_for(cast.focal).get(form_url(ind.count, "2023", "GTM")).content.decode()
    assert 'name="remove_files"' not in page and 'name="files"' not in page
    assert url("measurement_file_download", "en", pk=item.pk) in page
    with pytest.raises(ValidationError) as exc:
        save(cast.focal, ind.count, "2023", orgs.gtm, remove_files=[item.pk])
    assert "period" in exc.value.message_dict
    # The secretariat, saying why.
    with pytest.raises(ValidationError) as exc:
        save(cast.secretariat, ind.count, "2023", orgs.gtm, remove_files=[item.pk])
    assert "reason" in exc.value.message_dict
    save(
        cast.secretariat,
        ind.count,
        "2023",
        orgs.gtm,
        remove_files=[item.pk],
        reason="wrong file attached",
    )
    assert not MeasurementFile.objects.exists()
    event = AuditEvent.objects.filter(object_id=str(m.pk)).latest("id")
    assert event.reason == "wrong file attached" and event.changes["files"]["new"] == []


def test_a_file_of_another_value_cannot_be_removed_through_this_one(cast, orgs, ind, media):
    other = save(cast.ppt, ind.count, "2023", orgs.pan, files=[upload()])
    save(cast.focal, ind.count, "2023", orgs.gtm)
    with pytest.raises(ValidationError) as exc:
        save(cast.focal, ind.count, "2023", orgs.gtm, remove_files=[other.files.get().pk])
    assert "remove_files" in exc.value.message_dict
    assert other.files.count() == 1


# The API and the pages that list values -------------------------------------------------------
def test_the_api_lists_each_file_with_a_download_link_that_works(cast, orgs, ind, media):
    m = save(cast.focal, ind.count, "2023", orgs.gtm, files=[upload()])
    body = api_for(cast.focal).get(f"/api/v1/indicator-values/{m.pk}/").json()
    conforms(SchemaGenerator().get_schema(request=None, public=True), "Measurement", body)
    item = m.files.get()
    link = url("measurement_file_download", "es", pk=item.pk)
    assert body["files"] == [{"name": "Participantes taller.pdf", "size": len(PDF), "url": link}]
    assert client_for(cast.focal).get(link).status_code == 200
    listing = api_for(cast.ppt).get(f"/api/v1/indicator-values/?plan={ind.plan.code}").json()
    assert "Participantes" not in str(listing)


def _value_with_files(cast, orgs, indicator, period, *, submit=True):
    m = save(cast.focal, indicator, period, orgs.gtm, files=[upload(), upload("b.pdf")])
    if submit:
        services.measurement_submit(actor=cast.focal, measurement=m)
    return m


@pytest.mark.parametrize(("page", "who"), [("review", "secretariat"), ("report", "focal")])
def test_listing_files_takes_no_query_per_value(
    cast, orgs, ind, media, page, who, django_assert_num_queries
):
    client = client_for(getattr(cast, who))
    path = url("indicator_review" if page == "review" else "indicator_report", "en")
    # The period due now is the last year of the plan (2025): the report page lists it.
    first = IndicatorFactory(plan=ind.plan, code="F0", reported_by="countries")
    _value_with_files(cast, orgs, first, "2025")
    client.get(path)
    with CaptureQueriesContext(connection) as small:
        response = client.get(path)
    assert response.status_code == 200
    for n in range(1, 4):
        more = IndicatorFactory(plan=ind.plan, code=f"F{n}", reported_by="countries")
        _value_with_files(cast, orgs, more, "2025")
        _value_with_files(cast, orgs, more, "2024", submit=False)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(path)
    html = response.content.decode()
    if page == "review":
        assert html.count("Participantes taller.pdf") == 4  # the four submitted values
    else:
        assert "2 files" in html


def test_the_indicator_page_lists_files_in_a_fixed_number_of_queries(
    cast, orgs, ind, media, django_assert_num_queries
):
    client = client_for(cast.focal)
    path = url("indicator_detail", "en", pk=ind.count.pk)
    _value_with_files(cast, orgs, ind.count, "2023")
    client.get(path)
    with CaptureQueriesContext(connection) as small:
        client.get(path)
    _value_with_files(cast, orgs, ind.count, "2024")
    _value_with_files(cast, orgs, ind.count, "2025", submit=False)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(path).content.decode()
    assert html.count(">Participantes taller.pdf</a>") == 3


def test_the_cleaning_of_abandoned_uploads_keeps_values_files_and_deletes_orphans(
    cast, orgs, ind, media
):
    import os
    import time

    from django.core.files.storage import default_storage

    from rumbo.tracking import uploads

    m = save(cast.focal, ind.count, "2024", orgs.gtm, files=[upload()])
    (kept,) = m.files.all()
    orphan = default_storage.save("value-evidence/" + "c" * 32, SimpleUploadedFile("x", b"x"))
    two_hours_ago = time.time() - 7200
    for name in (kept.file.name, orphan):
        os.utime(default_storage.path(name), (two_hours_ago, two_hours_ago))
    assert uploads.clean_orphan_files() == 1
    assert default_storage.exists(kept.file.name)
    assert not default_storage.exists(orphan)
