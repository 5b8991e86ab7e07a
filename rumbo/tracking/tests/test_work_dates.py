"""Records of work carry the date of the work: a status change is dated when it happened and
when it was recorded, and the semester figures count it when it happened. Also: a progress
form sent twice (Back, then Save again) records once; a date given as a month stays a month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rumbo.plans.models import Activity, StatusChange
from rumbo.plans.models.activity import is_overdue
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.testing.forms import form_values
from rumbo.testing.http import client_for, url
from rumbo.tracking.models import ProgressUpdate
from rumbo.tracking.summary import semiannual_figures

pytestmark = pytest.mark.django_db
S = Activity.Status


@pytest.fixture
def past_activity(bodies):
    plan = PlanFactory(code="past-plan", period_start=2023, period_end=2024)
    return ActivityFactory(plan=plan, code="P1", status=S.NOT_STARTED)


def record_progress(client, activity, lang: str, **changes: str):
    page = client.get(url("progress_create", lang, pk=activity.pk))
    values, _ = form_values(page.content.decode())
    values.update(changes)
    return client.post(url("progress_create", lang, pk=activity.pk), values)


@pytest.mark.parametrize("lang, typed", [("es", "2023-09-28"), ("en", "2023-09-28")])
def test_a_progress_update_about_past_work_counts_in_its_semester(cast, past_activity, lang, typed):
    client = client_for(cast.secretariat)
    response = record_progress(
        client,
        past_activity,
        lang,
        date=typed,
        text_es="Taller realizado",
        new_status=S.IN_PROGRESS,
        status_reason="Se realizó sin nota conceptual",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change = StatusChange.objects.get(activity=past_activity)
    assert change.happened_on == dt.date(2023, 9, 28)
    assert timezone.localdate(change.at) == timezone.localdate()  # recorded today

    then = semiannual_figures(cast.secretariat, 2023, 2, plan_code="past-plan")
    assert (then.totals.in_progress, then.totals.not_started) == (1, 0)
    before = semiannual_figures(cast.secretariat, 2023, 1, plan_code="past-plan")
    assert (before.totals.in_progress, before.totals.not_started) == (0, 1)


def test_the_activity_page_shows_both_dates(cast, past_activity):
    client = client_for(cast.secretariat)
    record_progress(
        client,
        past_activity,
        "en",
        date="2023-09-28",
        text_es="Taller realizado",
        new_status=S.IN_PROGRESS,
        status_reason="Acta",
    )
    page = client.get(url("activity_detail", "en", pk=past_activity.pk)).content.decode()
    assert 'datetime="2023-09-28"' in page and "recorded" in page


def test_a_status_change_on_the_edit_form_takes_the_date_of_the_work(cast, past_activity):
    client = client_for(cast.secretariat)
    edit = url("activity_edit", "es", pk=past_activity.pk)
    values, _ = form_values(client.get(edit).content.decode())
    values.update(status=S.FINISHED, status_date="2024-03-15", status_reason="Informe final")
    assert client.post(edit, values).status_code == 302
    assert StatusChange.objects.get(activity=past_activity).happened_on == dt.date(2024, 3, 15)
    assert semiannual_figures(cast.secretariat, 2024, 1, plan_code="past-plan").totals.finished == 1

    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    values, _ = form_values(client.get(edit).content.decode())
    values.update(status=S.CANCELLED, status_date=future, status_reason="x")
    page = client.post(edit, values).content.decode()
    assert "no en el futuro" in page
    assert Activity.objects.get(pk=past_activity.pk).status == S.FINISHED


def test_an_activity_the_sources_give_no_status_counts_as_not_reported(cast):
    figures = semiannual_figures(cast.secretariat, 2023, 2, plan_code="un-rn-2023-2024")
    assert figures.totals.total == 26
    assert figures.totals.not_reported == 26 and figures.totals.not_started == 0
    assert figures.totals.percent_finished is None  # nothing known: no percentage


def test_the_default_semester_of_the_summary_is_not_empty(cast):
    page = client_for(cast.public).get(url("semiannual_summary", "en")).content.decode()
    assert "crm-lmap-2023-2027" in page  # the Action Plan's actions, in force this semester


def test_back_then_save_again_records_the_update_once(cast, past_activity):
    client = client_for(cast.secretariat)
    page = client.get(url("progress_create", "es", pk=past_activity.pk))
    values, _ = form_values(page.content.decode())
    values.update(date="2023-09-28", text_es="Reunión realizada")
    first = client.post(url("progress_create", "es", pk=past_activity.pk), values)
    again = client.post(url("progress_create", "es", pk=past_activity.pk), values, follow=True)
    assert first.status_code == 302 and again.status_code == 200
    assert ProgressUpdate.objects.filter(activity=past_activity).count() == 1
    assert "ya se había guardado" in again.content.decode()
    # A new form is a new update.
    assert (
        record_progress(client, past_activity, "es", date="2023-10-02", text_es="Otra").status_code
        == 302
    )
    assert ProgressUpdate.objects.filter(activity=past_activity).count() == 2


def test_a_month_stays_a_month(cast):
    act = Activity.objects.get(plan__code="un-rn-2023-2024", code="BP1.5")
    act.start_precision = act.end_precision = Activity.Precision.MONTH
    Activity.objects.filter(pk=act.pk).update(
        start_date=dt.date(2023, 7, 1),
        end_date=dt.date(2023, 7, 31),
        start_precision=Activity.Precision.MONTH,
        end_precision=Activity.Precision.MONTH,
        status=S.NOT_STARTED,
    )
    client = client_for(cast.secretariat)
    page = client.get(url("activity_detail", "es", pk=act.pk)).content.decode()
    assert "julio de 2023" in page
    english = client.get(url("activity_detail", "en", pk=act.pk)).content.decode()
    assert "July 2023" in english
    # Saved unchanged: still a month. A day typed in: a day.
    edit = url("activity_edit", "es", pk=act.pk)
    values, _ = form_values(client.get(edit).content.decode())
    assert client.post(edit, values).status_code == 302
    act.refresh_from_db()
    assert (act.start_precision, act.end_precision) == ("month", "month")
    values, _ = form_values(client.get(edit).content.decode())
    values.update(end_date="2023-08-20", end_precision="month")
    assert client.post(edit, values).status_code == 302
    act.refresh_from_db()
    assert act.end_date == dt.date(2023, 8, 31) and act.end_precision == "month"
    values, _ = form_values(client.get(edit).content.decode())
    values.update(end_date="2023-08-20", end_precision="day")
    assert client.post(edit, values).status_code == 302
    act.refresh_from_db()
    assert act.end_date == dt.date(2023, 8, 20) and act.end_precision == "day"


def test_nothing_is_overdue_when_nothing_was_reported():
    act = Activity(end_date=dt.date(2023, 7, 31), end_precision="month", status=S.NOT_REPORTED)
    assert not is_overdue(act, dt.date(2026, 11, 29))
    act.status = S.NOT_STARTED
    assert is_overdue(act, dt.date(2023, 8, 1))
    assert not is_overdue(act, dt.date(2023, 7, 31))  # July is not over before its last day


def test_the_same_update_sent_from_a_form_shown_anew_is_recorded_once(cast, past_activity):
    """Back may show the form anew (a new one-time key): the same person's identical update
    of the same activity is still recorded once."""
    client = client_for(cast.secretariat)
    for _ in range(2):
        response = record_progress(
            client, past_activity, "en", date="2023-09-28", text_es="Reunión realizada"
        )
        assert response.status_code == 302
    assert ProgressUpdate.objects.filter(activity=past_activity).count() == 1


def test_a_status_change_reported_for_the_future_is_refused(cast, past_activity):
    client = client_for(cast.secretariat)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = record_progress(
        client,
        past_activity,
        "en",
        date=future,
        text_es="Se hará",
        new_status=S.IN_PROGRESS,
        status_reason="x",
    )
    assert response.status_code == 200
    assert "not in the future" in response.content.decode()
    assert not ProgressUpdate.objects.filter(activity=past_activity).exists()


def test_a_month_stays_a_month_in_excel_and_back(cast, tmp_path):
    import openpyxl

    from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows
    from rumbo.tracking.xlsx.columns import COLUMNS
    from rumbo.tracking.xlsx.importer import preview_import
    from rumbo.tracking.xlsx.writer import write_matrix

    act = Activity.objects.get(plan__code="un-rn-2023-2024", code="BP1.5")
    Activity.objects.filter(pk=act.pk).update(
        end_date=dt.date(2023, 7, 31), end_precision=Activity.Precision.MONTH
    )
    path = tmp_path / "m.xlsx"
    user = cast.secretariat
    qs = matrix_queryset(user, MatrixFilters(plan="un-rn-2023-2024"))
    write_matrix(str(path), rows(user, qs), lang="es")
    ws = openpyxl.load_workbook(path).worksheets[0]
    col = [c.key for c in COLUMNS].index("deadline") + 1
    code = [c.key for c in COLUMNS].index("code") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, code).value == "BP1.5")
    cell = ws.cell(row, col)
    assert cell.number_format == "mmmm yyyy"  # shown as "julio 2023", not a day
    preview = preview_import(user, path)
    assert preview.ok and not [r for r in preview.rows if r.code == "BP1.5"]
    act.refresh_from_db()
    assert act.end_precision == Activity.Precision.MONTH


def test_work_reported_after_later_work_leaves_the_status_as_the_later_work_left_it(
    cast, past_activity
):
    """Finished in March 2024 (recorded first); then a report that it started in September
    2023: the history and the semester figures take both, the status stays finished."""
    client = client_for(cast.secretariat)
    edit = url("activity_edit", "en", pk=past_activity.pk)
    values, _ = form_values(client.get(edit).content.decode())
    values.update(status=S.FINISHED, status_date="2024-03-15", status_reason="Final report")
    assert client.post(edit, values).status_code == 302
    response = record_progress(
        client,
        past_activity,
        "en",
        date="2023-09-28",
        text_es="Taller inicial",
        new_status=S.IN_PROGRESS,
        status_reason="Minutes",
    )
    assert response.status_code == 302
    past_activity.refresh_from_db()
    assert past_activity.status == S.FINISHED
    history = list(
        StatusChange.objects.filter(activity=past_activity)
        .order_by("happened_on")
        .values_list("happened_on", "old_status", "new_status")
    )
    assert history == [
        (dt.date(2023, 9, 28), S.NOT_STARTED, S.IN_PROGRESS),
        (dt.date(2024, 3, 15), S.NOT_STARTED, S.FINISHED),
    ]
    figures = [
        semiannual_figures(cast.secretariat, year, half, plan_code="past-plan").totals
        for year, half in ((2023, 1), (2023, 2), (2024, 1))
    ]
    assert [(t.not_started, t.in_progress, t.finished) for t in figures] == [
        (1, 0, 0),
        (0, 1, 0),
        (0, 0, 1),
    ]
