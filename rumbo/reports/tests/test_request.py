"""Asking for a report from a page: the form offers only what the person may see, names what
is missing in their language, and the report is prepared as a job whose file is theirs, in the
language and format chosen."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from rumbo.jobs.models import Job
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db


def ask(user, lang, django_capture_on_commit_callbacks, **data):
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        return client, client.post(url("report_request", lang), data)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_plan_report_asked_for_on_its_page_is_prepared_for_its_reader(
    cast, canary, media, django_capture_on_commit_callbacks, lang
):
    form = client_for(cast.observer).get(
        url("report_request", lang) + "?kind=plan&plan=public-plan"
    )
    assert form.status_code == 200
    assert 'value="public-plan" selected' in form.content.decode()
    assert "closed-plan" not in form.content.decode()  # not offered to a lower role
    client, done = ask(
        cast.observer,
        lang,
        django_capture_on_commit_callbacks,
        kind="plan",
        plan="public-plan",
        format="docx",
        language=lang,
    )
    job = Job.objects.get(requested_by=cast.observer)
    assert done.status_code == 302 and done["Location"].endswith(f"/jobs/{job.pk}/")
    assert (job.kind, job.status, job.language) == ("report", Job.Status.DONE, lang)
    assert job.params == {"kind": "plan", "format": "docx", "plan": "public-plan"}
    assert job.output_name.endswith(".docx") and "public-plan" in job.output_name
    page = client.get(done["Location"]).content.decode()
    assert ("Informe #" if lang == "es" else "Report #") in page  # a document, not a verb
    assert ("Tipo de informe" if lang == "es" else "Kind of report") in form.content.decode()
    download = client.get(url("job_download", lang, pk=job.pk))
    text = "\n".join(
        p.text for p in Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs
    )
    assert ("Plan público" if lang == "es" else "Public plan") in text
    assert "CANARY" not in text  # the observer's report leaves members-only content out
    # Nobody else gets the file, the secretariat included.
    assert client_for(cast.secretariat).get(url("job_download", lang, pk=job.pk)).status_code == 404


@pytest.mark.parametrize(
    ("lang", "needed", "period"),
    [
        ("es", "Este informe lo necesita.", "El informe semestral es de un semestre."),
        ("en", "This report needs it.", "The semi-annual report is for one semester."),
    ],
)
def test_what_a_report_needs_is_named_in_the_persons_language(
    cast, canary, media, django_capture_on_commit_callbacks, lang, needed, period
):
    _client, page = ask(
        cast.focal,
        lang,
        django_capture_on_commit_callbacks,
        kind="plan",
        format="pdf",
        language=lang,
    )
    assert page.status_code == 200 and needed in page.content.decode()
    _client, page = ask(
        cast.focal,
        lang,
        django_capture_on_commit_callbacks,
        kind="semiannual",
        period="2025",
        format="pdf",
        language=lang,
    )
    assert period in page.content.decode()
    assert not Job.objects.exists()


def test_a_plan_the_person_may_not_see_is_refused_as_if_it_did_not_exist(
    cast, canary, media, django_capture_on_commit_callbacks
):
    pages = []
    for code in ("closed-plan", "no-such-plan"):
        _client, page = ask(
            cast.observer,
            "en",
            django_capture_on_commit_callbacks,
            kind="plan",
            plan=code,
            format="xlsx",
            language="en",
        )
        assert page.status_code == 200
        pages.append(re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+", "", page.content.decode()))
    assert pages[0].replace("closed-plan", "X") == pages[1].replace("no-such-plan", "X")
    assert not Job.objects.exists()


def test_asking_for_a_report_needs_an_account(cast):
    page = client_for(cast.public).get(url("report_request", "en"))
    assert page.status_code == 302 and "login" in page["Location"]
