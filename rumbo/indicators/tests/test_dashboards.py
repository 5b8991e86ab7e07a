"""The evaluation dashboards: the figures a person reads on them, their charts and tables, the
downloads, what each role may see, and their cost (queries, page size)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.visibility import Visibility
from rumbo.indicators import services
from rumbo.indicators.models import Indicator, Measurement
from rumbo.plans.models import Activity
from rumbo.testing.factories import (
    ActivityFactory,
    IndicatorFactory,
    OrganisationFactory,
    PlanFactory,
)
from rumbo.testing.http import client_for, url

from .conftest import D, report

pytestmark = pytest.mark.django_db
U = Indicator.Unit
LOWER_ROLES = ["public", "civil", "observer"]


def get(user, name, lang="es", query="", **kwargs):
    response = client_for(user).get(url(name, lang, **kwargs) + query)
    assert response.status_code == 200, response.status_code
    return response


def page_text(user, name, lang="es", query="", **kwargs) -> str:
    return get(user, name, lang, query, **kwargs).content.decode()


def csv_rows(user, name, table, **kwargs) -> list[list[str]]:
    response = get(user, name, "en", f"?table={table}&format=csv", **kwargs)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(user, name, table, **kwargs) -> list[tuple]:
    response = get(user, name, "en", f"?table={table}&format=xlsx", **kwargs)
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def same_page(a: bytes, b: bytes, value_a: str, value_b: str) -> bool:
    """Whether two answers are the same but for the value asked for (and the form token)."""

    def plain(text: bytes, value: str) -> str:
        token = r'name="csrfmiddlewaretoken" value="[^"]*"'
        return re.sub(token, "", text.decode()).replace(value, "X")

    return plain(a, value_a) == plain(b, value_b)


@pytest.fixture
def reported(cast, orgs, ind):
    """Guatemala and Panama report a percentage (1 of 2, 90 of 100: 91/102 = 89.22 %) and a
    count by sex with a target, all approved."""
    se = cast.secretariat
    report(cast.focal, ind.percent, "2023", orgs.gtm, numerator=1, denominator=2, approve_as=se)
    report(cast.ppt, ind.percent, "2023", orgs.pan, numerator=90, denominator=100, approve_as=se)
    women, men = ind.cats["women"].pk, ind.cats["men"].pk
    for actor, country, value, w in ((cast.focal, orgs.gtm, 30, 20), (cast.ppt, orgs.pan, 10, 4)):
        parts = {women: {"value": D(w)}, men: {"value": D(value - w)}}
        report(actor, ind.count, "2023", country, value=value, parts=parts, approve_as=se)
    services.targets_set(
        actor=se,
        indicator=ind.count,
        targets={("2023", None): D(50), ("plan", None): D(80)},
        expected_version=ind.count.version,
        reason="",
    )
    return ind


# What the page says -----------------------------------------------------------------------


def test_a_recomputed_percentage_is_written_as_each_language_writes_it(cast, reported):
    es = page_text(cast.public, "plan_dashboard", "es", code=reported.plan.code)
    en = page_text(cast.public, "plan_dashboard", "en", code=reported.plan.code)
    assert "89,22\u00a0%" in es  # 91/102, not the average of 50 % and 90 %
    assert "89.22%" in en
    assert "70,00" not in es


def test_target_against_actual_and_achieved_with_not_set_where_nothing_is_set(cast, reported):
    text = page_text(cast.public, "plan_dashboard", "en", code=reported.plan.code)
    panel = text[text.index(f'id="ind-{reported.count.pk}"') :]
    panel = panel[: panel.index("</article>")]
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", panel))
    assert facts["Target (whole plan)"] == "80"
    assert facts["Whole plan, to date"] == "40"
    assert facts["% achieved"] == "50%"  # 40 of 80
    assert facts["Baseline"] == "not set"
    percent = text[text.index(f'id="ind-{reported.percent.pk}"') :]
    assert "<dt>Target (whole plan)</dt><dd>not set</dd>" in percent[: percent.index("</article>")]


def test_each_indicator_has_its_charts_with_text_alternatives_and_data_tables(cast, reported):
    text = page_text(cast.public, "plan_dashboard", "en", code=reported.plan.code)
    panel = text[text.index(f'id="ind-{reported.count.pk}"') :]
    panel = panel[: panel.index("</article>")]
    # Over time (actual solid, target dashed), by country, by sex (stacked).
    assert panel.count('role="img"') == 3
    assert 'class="chart chart-line"' in panel and 'stroke-dasharray="6 4"' in panel
    assert 'class="chart chart-bar"' in panel and 'class="chart chart-stacked"' in panel
    assert panel.count("<desc id=") == 3
    assert panel.count('<table class="data">') == 3
    assert f"?table=sex-{reported.count.pk}&amp;format=xlsx" in panel
    # The figures by sex (20 + 4 women, 10 + 6 men) are in the table, not only in the drawing.
    sex_table = panel[panel.index("C1: by sex</caption>") :]
    assert re.search(r"<th scope=\"row\">Whole plan</th><td class=\"num\">24</td>", sex_table)


def test_downloads_hold_the_numbers_of_the_page(cast, reported):
    code = reported.plan.code
    rows = csv_rows(cast.public, "plan_dashboard", "indicators", code=code)
    by_code = {row[0]: row for row in rows[1:]}
    assert rows[0][:2] == ["Code", "Indicator"]
    assert by_code["P1"][5] == "89.22"
    assert by_code["C1"][4:7] == ["80", "40", "50.0"]
    sheet = xlsx_rows(cast.public, "plan_dashboard", f"countries-{reported.percent.pk}", code=code)
    assert sheet[0][0] == "P1: whole plan by country"
    values = {row[0]: row[1] for row in sheet[2:]}
    assert values["Guatemala"] == 50 and values["Panama"] == 90
    periods = csv_rows(cast.public, "plan_dashboard", f"periods-{reported.count.pk}", code=code)
    assert periods[1] == ["2023", "40", "50", "80.0"]
    # "not set" is said on the page; a file's column of numbers holds numbers only.
    assert periods[2][1:3] == ["", ""]
    achieved = xlsx_rows(cast.public, "plan_dashboard", "indicators", code=code)
    c1 = next(row for row in achieved[2:] if row[0] == "C1")
    assert c1[6] == 0.5  # 50 % achieved, a percentage in Excel


def test_an_unknown_table_or_format_is_not_found(cast, reported):
    client = client_for(cast.public)
    base = url("plan_dashboard", "en", code=reported.plan.code)
    assert client.get(base + "?table=nothing&format=csv").status_code == 404
    assert client.get(base + "?table=indicators&format=pdf").status_code == 404
    assert client.get(base + "?table=periods-987654&format=csv").status_code == 404


# Activities -------------------------------------------------------------------------------


def test_activity_status_counts_overdue_and_percentage_finished(cast, ind):
    plan = ind.plan
    S = Activity.Status
    ActivityFactory(plan=plan, status=S.FINISHED)
    ActivityFactory(plan=plan, status=S.FINISHED)
    ActivityFactory(plan=plan, status=S.IN_PROGRESS, end_date=dt.date(2020, 1, 31))
    ActivityFactory(plan=plan, status=S.NOT_REPORTED, end_date=dt.date(2020, 1, 31))
    ActivityFactory(plan=plan, status=S.CANCELLED)
    rows = dict(
        r[:2] for r in csv_rows(cast.public, "plan_dashboard", "activities", code=plan.code)
    )
    assert rows["Finished"] == "2" and rows["Not reported"] == "1" and rows["Total"] == "5"
    assert rows["Overdue (open and past their end)"] == "1"  # "not reported" is not overdue
    text = page_text(cast.public, "plan_dashboard", "en", code=plan.code)
    assert "<dt>% finished</dt><dd>66.7%</dd>" in text  # 2 of 3: cancelled and unknown left out


# Who sees what ----------------------------------------------------------------------------


@pytest.fixture
def secret(cast, orgs, reported):
    """A members-only indicator of the plan, with approved values of both countries."""
    hidden = IndicatorFactory(
        plan=reported.plan,
        code="SECRETX",
        name_es="CANARY indicador",
        name_en="CANARY indicator",
        visibility=Visibility.MEMBERS,
    )
    se = cast.secretariat
    report(cast.focal, hidden, "2023", orgs.gtm, value=777, approve_as=se)
    report(cast.ppt, hidden, "2023", orgs.pan, value=333, approve_as=se)
    return hidden


@pytest.mark.parametrize("who", LOWER_ROLES)
def test_a_members_only_indicator_is_absent_below_members(cast, orgs, secret, reported, who):
    user = getattr(cast, who)
    code = reported.plan.code
    for lang in ("es", "en"):
        for name, kwargs in (
            ("plan_dashboard", {"code": code}),
            ("body_dashboard", {"code": reported.plan.owner_body.code}),
            ("country_page", {"code": "GTM"}),
        ):
            text = page_text(user, name, lang, **kwargs)
            assert "CANARY" not in text and "SECRETX" not in text and "777" not in text
    assert "7 indicators" in page_text(user, "plan_dashboard", "en", code=code)
    downloads = [
        csv_rows(user, "plan_dashboard", "indicators", code=code),
        csv_rows(user, "body_dashboard", "indicators", code=reported.plan.owner_body.code),
        csv_rows(user, "country_page", "values", code="GTM"),
        csv_rows(user, "country_page", "missing", code="GTM"),
    ]
    for rows in downloads:
        assert "SECRETX" not in str(rows) and "CANARY" not in str(rows) and "777" not in str(rows)
    assert len(downloads[0]) == 1 + 7  # headings and the seven visible indicators
    hidden = client_for(user).get(
        url("plan_dashboard", "en", code=code) + f"?table=countries-{secret.pk}&format=csv"
    )
    missing = client_for(user).get(
        url("plan_dashboard", "en", code=code) + "?table=countries-987654321&format=csv"
    )
    assert hidden.status_code == missing.status_code == 404
    assert same_page(hidden.content, missing.content, str(secret.pk), "987654321")
    assert (
        client_for(user).get(url("country_map", "en") + f"?indicator={secret.pk}").status_code
        == 200
    )
    assert "CANARY" not in page_text(user, "country_map", "en", f"?indicator={secret.pk}")


def test_members_see_the_members_only_indicator(cast, secret, reported):
    text = page_text(cast.focal, "plan_dashboard", "en", code=reported.plan.code)
    assert "8 indicators" in text
    rows = csv_rows(cast.secretariat, "plan_dashboard", "indicators", code=reported.plan.code)
    assert {"SECRETX": "1110"}.items() <= {r[0]: r[5] for r in rows[1:]}.items()


@pytest.mark.parametrize("who,total", [("public", 1), ("civil", 2), ("observer", 2), ("focal", 3)])
def test_activity_counts_are_those_the_viewer_may_see(cast, canary, who, total):
    rows = csv_rows(getattr(cast, who), "plan_dashboard", "activities", code="public-plan")
    assert dict(r[:2] for r in rows)["Total"] == str(total)
    text = page_text(getattr(cast, who), "plan_dashboard", "en", code="public-plan")
    assert f"<dt>Activities</dt><dd>{total}</dd>" in text


def test_a_hidden_plan_or_body_dashboard_is_missing(cast, canary):
    client = client_for(cast.observer)
    hidden = client.get(url("plan_dashboard", "en", code=canary.closed_plan.code))
    missing = client.get(url("plan_dashboard", "en", code="no-such-plan"))
    assert hidden.status_code == missing.status_code == 404
    assert (
        client_for(cast.focal)
        .get(url("plan_dashboard", "en", code=canary.closed_plan.code))
        .status_code
        == 200
    )


# Country page -----------------------------------------------------------------------------


def test_a_country_page_shows_its_values_and_what_is_missing(cast, orgs, ind):
    report(cast.focal, ind.count, "2023", orgs.gtm, value=12, approve_as=cast.secretariat)
    report(cast.focal, ind.count, "2024", orgs.gtm, value=345)  # a draft
    public = csv_rows(cast.public, "country_page", "values", code="GTM")
    assert [(r[0], r[3], r[5]) for r in public[1:]] == [("2023", "12", "Approved")]
    own = csv_rows(cast.focal, "country_page", "values", code="GTM")
    assert {(r[0], r[3], r[5]) for r in own[1:]} == {
        ("2023", "12", "Approved"),
        ("2024", "345", "Draft"),
    }
    # Another country's official sees approved values only. The number is looked for in what
    # the page shows, not in its markup (where an id or a coordinate may hold those digits).
    draft = re.compile(r"(?<![\d.,])345(?![\d.,])")
    for who in ("observer", "ppt"):
        shown = re.sub(
            r"<[^>]*>", " ", page_text(getattr(cast, who), "country_page", "en", code="GTM")
        )
        assert not draft.search(shown)
    assert draft.search(
        re.sub(r"<[^>]*>", " ", page_text(cast.focal, "country_page", "en", code="gtm"))
    )
    # Missing: every indicator countries report, for each year that has ended (2023-2025),
    # except what the viewer sees reported.
    missing = {r[1]: r[3] for r in csv_rows(cast.public, "country_page", "missing", code="GTM")[1:]}
    assert missing["C1"] == "2024, 2025"  # the draft is not there for the public
    assert missing["P1"] == "2023, 2024, 2025"
    own_missing = {
        r[1]: r[3] for r in csv_rows(cast.focal, "country_page", "missing", code="GTM")[1:]
    }
    assert own_missing["C1"] == "2024, 2025"  # its own draft is not reported yet
    services.measurement_submit(
        actor=cast.focal, measurement=Measurement.objects.get(indicator=ind.count, period="2024")
    )
    own_missing = {
        r[1]: r[3] for r in csv_rows(cast.focal, "country_page", "missing", code="GTM")[1:]
    }
    assert own_missing["C1"] == "2025"
    # Plans are named as people know them (their title in English here), not by their code.
    plan = ind.count.plan
    for table in ("values", "missing"):
        rows = csv_rows(cast.focal, "country_page", table, code="GTM")[1:]
        assert {r[1 if table == "values" else 0] for r in rows} == {plan.title_en}, table
        assert plan.code not in {r[1 if table == "values" else 0] for r in rows}, table


def test_what_a_country_has_not_reported_is_counted_per_period_that_has_ended(cast, orgs, bodies):
    """Over plans that have ended and plans still running, quarters and the whole plan: the
    periods missing are exactly those ended without a value sent, whatever values exist for
    periods still running, in four queries."""
    from rumbo.indicators import dashboards_country, periods

    today = dt.date.today()
    ended_plan = PlanFactory(
        code="ended", owner_body=bodies.wg_lab, period_start=2023, period_end=2025
    )
    running = PlanFactory(
        code="running", owner_body=bodies.wg_lab, period_start=2025, period_end=today.year + 1
    )
    whole_ended = IndicatorFactory(plan=ended_plan, code="WE", frequency="plan")
    whole_running = IndicatorFactory(plan=running, code="WR", frequency="plan")
    quarterly = IndicatorFactory(plan=running, code="QR", frequency="quarter")
    yearly = IndicatorFactory(plan=running, code="YR", frequency="year")
    se = cast.secretariat
    report(se, whole_ended, periods.WHOLE_PLAN, orgs.gtm, value=1, approve_as=se)
    report(se, whole_running, periods.WHOLE_PLAN, orgs.gtm, value=2, approve_as=se)
    now = periods.of_date(today, "quarter")
    report(se, quarterly, "2025-Q1", orgs.gtm, value=3, approve_as=se)
    report(se, quarterly, now.code, orgs.gtm, value=4, approve_as=se)  # not ended: not owed
    report(se, yearly, str(today.year), orgs.gtm, value=5, approve_as=se)  # nor this one
    report(se, yearly, "2025", orgs.gtm, value=6)  # a draft: still missing
    mine = (whole_ended, whole_running, quarterly, yearly)
    with CaptureQueriesContext(connection) as queries:
        gaps, total = dashboards_country.gaps_of(cast.focal, orgs.gtm, limit=None)
    assert len(queries) == 4
    found = {g.indicator.code: [p.code for p in g.missing] for g in gaps}
    quarters = [
        p.code for p in periods.periods_between(2025, today.year + 1, "quarter") if p.end < today
    ]
    expected = {"QR": [q for q in quarters if q != "2025-Q1"], "YR": ["2025"]}
    assert {k: v for k, v in found.items() if k in {i.code for i in mine}} == expected
    assert "WE" not in found and "WR" not in found
    others = sum(len(g.missing) for g in gaps if g.indicator not in mine)
    assert total == others + len(expected["QR"]) + 1


def test_a_country_page_lists_its_commitments(cast, orgs, canary):
    from rumbo.plans.models import ActivityParty

    ActivityParty.objects.create(activity=canary.open_activity, organisation=orgs.gtm, role="lead")
    ActivityParty.objects.create(
        activity=canary.secret_activity, organisation=orgs.gtm, role="lead"
    )
    public = csv_rows(cast.public, "country_page", "commitments", code="GTM")
    assert [r[1] for r in public[1:]] == ["OA"]
    assert public[1][3] == "Lead"
    focal = csv_rows(cast.focal, "country_page", "commitments", code="GTM")
    assert sorted(r[1] for r in focal[1:]) == ["OA", "SA"]
    assert "CANARY" not in page_text(cast.public, "country_page", "es", code="GTM")


def test_only_member_countries_have_a_country_page(cast, orgs):
    client = client_for(cast.public)
    assert client.get(url("country_page", "en", code="OIM")).status_code == 404
    assert client.get(url("country_page", "en", code="XXX")).status_code == 404


# Map --------------------------------------------------------------------------------------


def test_the_map_colours_countries_by_the_chosen_figure(cast, orgs, reported):
    se = cast.secretariat
    count = reported.count
    count.refresh_from_db()
    services.targets_set(
        actor=se,
        indicator=count,
        targets={("plan", orgs.gtm.pk): D(60)},
        expected_version=count.version,
        reason="Guatemala's own target",
    )
    text = page_text(cast.public, "country_map", "en", f"?indicator={count.pk}&figure=achieved")
    assert 'class="chart chart-tiles"' in text and 'role="img"' in text
    assert '<table class="data">' in text
    response = client_for(cast.public).get(
        url("country_map", "en") + f"?indicator={count.pk}&figure=achieved&table=map&format=csv"
    )
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_country = {r[0]: r[1:] for r in table[1:]}
    assert by_country["Guatemala"] == ["30", "60", "50.0"]
    assert by_country["Panama"] == ["10", "", ""]  # no target: blank in a file
    # A plan alone offers its indicators reported by country.
    chooser = page_text(cast.public, "country_map", "en", f"?plan={reported.plan.code}")
    assert f'value="{count.pk}"' in chooser and f'value="{reported.text.pk}"' not in chooser


# Cost -------------------------------------------------------------------------------------


def _grow(cast, orgs, ind, n: int) -> None:
    """More indicators (after those of the first page: how many queries a page takes depends
    on the kinds of indicator it shows, never on how many), countries and values."""
    for k in range(n):
        country = OrganisationFactory(kind="member_state")
        extra = IndicatorFactory.create(plan=ind.plan, code=f"Z{n}{k}", unit=U.COUNT)
        extra.dimensions.add(ind.sex)
        report(cast.secretariat, extra, "2023", country, value=k + 1, approve_as=cast.secretariat)
        report(cast.focal, ind.count, f"{2023 + k % 3}", orgs.gtm, value=1)
        ActivityFactory(plan=ind.plan, status=Activity.Status.IN_PROGRESS)


@pytest.mark.parametrize("page", ["plan", "body", "country", "map"])
@pytest.mark.parametrize("who", ["public", "focal"])
def test_dashboards_take_a_fixed_number_of_queries(
    cast, orgs, reported, page, who, django_assert_num_queries
):
    ind = reported
    client = client_for(getattr(cast, who))
    paths = {
        "plan": url("plan_dashboard", "en", code=ind.plan.code),
        "body": url("body_dashboard", "en", code=ind.plan.owner_body.code),
        "country": url("country_page", "en", code="GTM"),
        "map": url("country_map", "en") + f"?indicator={ind.count.pk}",
    }
    _grow(cast, orgs, ind, 1)
    client.get(paths[page])
    with CaptureQueriesContext(connection) as small:
        assert client.get(paths[page]).status_code == 200
    _grow(cast, orgs, ind, 6)
    with django_assert_num_queries(len(small)):
        assert client.get(paths[page]).status_code == 200


def test_pages_stay_small_with_many_indicators(cast, orgs, ind):
    se = cast.secretariat
    for k in range(60):
        extra = IndicatorFactory(
            plan=ind.plan,
            code=f"M{k:02}",
            name_en="A long indicator name that says what is measured " * 3,
            frequency="quarter",
        )
        extra.dimensions.add(ind.sex)
        if k < 6:
            for quarter in range(1, 13):
                period = f"{2023 + (quarter - 1) // 4}-Q{(quarter - 1) % 4 + 1}"
                report(cast.focal, extra, period, orgs.gtm, value=quarter * 11, approve_as=se)
    for lang in ("es", "en"):
        for name, kwargs in (
            ("plan_dashboard", {"code": ind.plan.code}),
            ("body_dashboard", {"code": ind.plan.owner_body.code}),
            ("country_page", {"code": "GTM"}),
        ):
            for who in ("public", "focal"):
                size = len(get(getattr(cast, who), name, lang, **kwargs).content)
                assert size < 150_000, (name, lang, who, size)


def test_a_working_group_dashboard_counts_its_plans_and_its_activities_elsewhere(cast, bodies, ind):
    from rumbo.testing.factories import PlanFactory

    other = PlanFactory(code="other-plan")
    ActivityFactory(plan=ind.plan, status=Activity.Status.FINISHED)
    ActivityFactory(plan=other, working_group=bodies.wg_lab, status=Activity.Status.IN_PROGRESS)
    ActivityFactory(plan=other, working_group=bodies.wg_prot)  # another group's
    code = bodies.wg_lab.code
    rows = csv_rows(cast.public, "body_dashboard", "plans", code=code)
    assert rows[0][0] == "Plan" and rows[0][-2:] == ["Total", "Overdue"]
    totals = {r[0].split(" — ")[0]: r[-2] for r in rows[1:]}
    # The group's own plans (the shipped one too), and its activity in another plan only.
    assert totals["eval-plan"] == "1" and totals["other-plan"] == "1"
    indicators = csv_rows(cast.public, "body_dashboard", "indicators", code=code)
    assert {r[1] for r in indicators[1:]} == {"AV", "C1", "CU", "LT", "P1", "TX", "YN"}
    text = page_text(cast.public, "body_dashboard", "es", code=code)
    shown = sum(int(n) for n in totals.values())
    assert f"<dt>Actividades</dt><dd>{shown}</dd>" in text
    assert 'role="img"' in text


def test_overdue_follows_the_end_date_each_viewer_may_see(cast, ind):
    # A members-only concept note moved the end date into the past: below members the
    # activity keeps the date it had before, so it is not overdue for them.
    ActivityFactory(
        plan=ind.plan,
        status=Activity.Status.IN_PROGRESS,
        end_date=dt.date(2020, 1, 31),
        note_visibility=Visibility.MEMBERS,
        note_fields={"end_date": "2030-12-31"},
    )
    code = ind.plan.code
    overdue = "Overdue (open and past their end)"
    for who, expected in (("public", "0"), ("observer", "0"), ("focal", "1")):
        rows = dict(
            r[:2] for r in csv_rows(getattr(cast, who), "plan_dashboard", "activities", code=code)
        )
        assert rows[overdue] == expected, who


def test_a_computed_indicator_shows_its_rule_and_no_figures_by_country(cast, ind):
    counted = IndicatorFactory(
        plan=ind.plan,
        code="AAF",
        reported_by=Indicator.Reporter.COMPUTED,
        rule="activities_finished",
    )
    text = page_text(cast.public, "plan_dashboard", "en", code=ind.plan.code)
    panel = text[text.index(f'id="ind-{counted.pk}"') :]
    panel = panel[: panel.index("</article>")]
    assert "Counted by Rumbo" in panel and "whose status is finished" in panel
    assert "by country" not in panel and panel.count('role="img"') == 1


@pytest.mark.parametrize(("lang", "word"), [("es", "indicadores"), ("en", "indicators")])
def test_a_download_is_named_in_the_language_of_the_page(cast, ind, lang, word):
    response = client_for(cast.public).get(
        url("plan_dashboard", lang, code=ind.plan.code) + "?table=indicators&format=xlsx"
    )
    assert response.status_code == 200
    assert f'filename="{ind.plan.code}-{word}.xlsx"' in response["Content-Disposition"]
