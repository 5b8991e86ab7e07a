"""Indicators over the API, with the pages' rules: what each role sees, who may record,
correct, review and design, the checks that name the field, conflicts, and the figures."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from rumbo.core.models import AuditEvent
from rumbo.core.visibility import Visibility
from rumbo.indicators import services
from rumbo.indicators.models import Dimension, Indicator
from rumbo.testing.api import api_for, conforms
from rumbo.testing.factories import IndicatorFactory, PlanFactory

pytestmark = pytest.mark.django_db
U = Indicator.Unit
PLAN = "ind-plan"


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def record(actor, indicator, period, country, *, approve_as=None, **fields):
    """A value recorded through the services (approved when a reviewer is given)."""
    given = services.ValueInput(
        **{k: Decimal(str(v)) if k != "text" else v for k, v in fields.items()}
    )
    m = services.measurement_save(
        actor=actor, indicator=indicator, period=period, country=country, given=given
    )
    if approve_as is not None:
        if m.reported_by_id != approve_as.pk:
            m = services.measurement_submit(actor=actor, measurement=m)
        m = services.measurement_approve(actor=approve_as, measurement=m)
    return m


@pytest.fixture
def ind(cast, orgs, bodies):
    """A public plan of 2023–2025 with a count broken down by sex, a percentage and a
    members-only indicator; values of Guatemala (approved and draft) and Mexico (submitted)."""
    plan = PlanFactory(code=PLAN, owner_body=bodies.wg_lab, period_start=2023, period_end=2025)
    sex = Dimension.objects.get(code="sex")
    count = IndicatorFactory(plan=plan, code="C1", unit=U.COUNT, order=1)
    count.dimensions.add(sex)
    percent = IndicatorFactory(plan=plan, code="P1", unit=U.PERCENT, order=2)
    secret = IndicatorFactory(
        plan=plan,
        code="S1",
        order=3,
        name_es="CANARY indicador",
        name_en="CANARY indicator",
        visibility=Visibility.MEMBERS,
    )
    se, focal = cast.secretariat, cast.focal
    return SimpleNamespace(
        plan=plan,
        count=count,
        percent=percent,
        secret=secret,
        gtm_approved=record(focal, count, "2023", orgs.gtm, approve_as=se, value=10),
        gtm_draft=record(focal, count, "2024", orgs.gtm, value=7),
        mex_submitted=services.measurement_submit(
            actor=se, measurement=record(se, count, "2023", orgs.mex, value=5)
        ),
        secret_approved=record(se, secret, "2023", orgs.gtm, approve_as=se, value=3),
    )


# Seeing ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "indicators", "values"),
    [
        ("public", 2, 1),
        ("civil", 2, 1),
        ("observer", 2, 1),
        ("focal", 3, 3),  # the members-only one; Guatemala's own draft, not Mexico's
        ("ppt", 3, 2),  # Panama's official: approved values only (Panama reported none)
        ("secretariat", 3, 4),
    ],
)
def test_each_role_sees_what_the_pages_show(schema, cast, ind, who, indicators, values):
    client = api_for(getattr(cast, who))
    listing = client.get(f"/api/v1/indicators/?plan={PLAN}").json()
    conforms(schema, "PaginatedIndicatorList", listing)
    assert listing["count"] == indicators
    found = client.get(f"/api/v1/indicator-values/?plan={PLAN}").json()
    conforms(schema, "PaginatedMeasurementList", found)
    assert found["count"] == values
    assert all(v["plan"] == PLAN for v in found["results"])
    figures = client.get(f"/api/v1/indicator-figures/?plan={PLAN}").json()
    conforms(schema, "PaginatedFigureList", figures)
    assert figures["count"] == indicators
    if indicators == 2:  # below members
        for response in (listing, found, figures):
            assert "CANARY" not in str(response)
        assert client.get(f"/api/v1/indicators/{ind.secret.pk}/").status_code == 404
        assert client.get(f"/api/v1/indicators/{ind.secret.pk}/figures/").status_code == 404
        hidden = f"/api/v1/indicator-values/{ind.secret_approved.pk}/"
        assert client.get(hidden).status_code == 404
    if who != "secretariat":  # another country's unapproved value: as if it did not exist
        missing = client.get("/api/v1/indicator-values/987654321/")
        hidden = client.get(f"/api/v1/indicator-values/{ind.mex_submitted.pk}/")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert ind.mex_submitted.pk not in {v["id"] for v in found["results"]}


def test_an_indicator_shows_its_design_targets_and_dimensions(schema, cast, orgs, ind):
    services.targets_set(
        actor=cast.secretariat,
        indicator=ind.count,
        targets={("2025", None): Decimal(30), ("2025", orgs.gtm.pk): Decimal(12)},
    )
    detail = api_for(None).get(f"/api/v1/indicators/{ind.count.pk}/").json()
    conforms(schema, "Indicator", detail)
    assert detail["plan"] == PLAN and detail["unit"] == "count" and detail["design"] == 1
    assert detail["dimension_codes"] == ["sex"]
    [sex] = detail["dimensions"]
    assert {c["code"] for c in sex["categories"]} >= {"women", "men"}
    targets = {(t["period"], t["country"]): t["value"] for t in detail["targets"]}
    assert targets == {("2025", None): "30.0000", ("2025", "GTM"): "12.0000"}
    assert detail["rule_text"] == ""


def test_list_filters_and_refusals(cast, ind):
    client = api_for(cast.secretariat)
    assert client.get(f"/api/v1/indicators/?plan={PLAN}&unit=percent").json()["count"] == 1
    assert client.get(f"/api/v1/indicators/?plan={PLAN}&kind=impact").json()["count"] == 0
    by_country = client.get(f"/api/v1/indicator-values/?plan={PLAN}&country=MEX").json()
    assert [v["id"] for v in by_country["results"]] == [ind.mex_submitted.pk]
    by_period = client.get(f"/api/v1/indicator-values/?indicator={ind.count.pk}&period=2024")
    assert [v["id"] for v in by_period.json()["results"]] == [ind.gtm_draft.pk]
    submitted = client.get(f"/api/v1/indicator-values/?plan={PLAN}&status=submitted").json()
    assert submitted["count"] == 1
    for query in (
        "/api/v1/indicators/?unit=nonsense",
        "/api/v1/indicator-values/?status=nonsense",
        "/api/v1/indicator-values/?period=0000",
        "/api/v1/indicator-values/?period=2024-Q5",
        "/api/v1/indicator-values/?country=XXX",
        "/api/v1/indicator-values/?country=OIM",  # not a member country
        f"/api/v1/indicator-values/?indicator={2**63}",
        "/api/v1/indicator-figures/?country=XXX",
        f"/api/v1/indicators/{ind.count.pk}/figures/?country=XXX",
    ):
        response = client.get(query)
        assert response.status_code == 400, query
        assert query.split("?")[1].split("=")[0] in response.json(), query
    for path in ("/api/v1/indicators/abc/", f"/api/v1/indicator-values/{2**63}/"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/indicators/?plan={PLAN}",
        f"/api/v1/indicator-values/?plan={PLAN}",
        f"/api/v1/indicator-figures/?plan={PLAN}",
    ],
)
def test_list_queries_do_not_grow_with_rows(cast, orgs, ind, path, django_assert_num_queries):
    client = api_for(cast.secretariat)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    sex = Dimension.objects.get(code="sex")
    for n in range(4):
        more = IndicatorFactory(plan=ind.plan, code=f"M{n}", unit=U.PERCENT)
        more.dimensions.add(sex)
        services.targets_set(
            actor=cast.secretariat, indicator=more, targets={("2024", orgs.pan.pk): Decimal(50)}
        )
        for country in (orgs.gtm, orgs.pan):
            se = cast.secretariat
            record(se, more, "2023", country, approve_as=se, numerator=1, denominator=2)
    assert queries() == before
    expected = {"indicators": 5, "indicator-values": 5, "indicator-figures": 8}
    with django_assert_num_queries(expected[path.split("/")[3]]):
        client.get(path)


@pytest.mark.parametrize(("lang", "words"), [("es", "Ningún país miembro"), ("en", "No member")])
def test_refusals_speak_the_callers_language(ind, lang, words):
    response = api_for(None).get("/api/v1/indicator-values/?country=XXX", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    assert response.json()["country"][0].startswith(words)


# Recording values -----------------------------------------------------------------------------
def test_a_focal_point_records_values_for_their_country_only(schema, cast, ind):
    client = api_for(cast.focal)
    body = {"indicator": ind.count.pk, "period": "2025", "country": "GTM", "value": "4"}
    created = client.post("/api/v1/indicator-values/", body, format="json")
    assert created.status_code == 201, created.json()
    conforms(schema, "Measurement", created.json())
    assert created.json()["status"] == "draft" and created.json()["value"] == "4.0000"
    for country in ("MEX", None):
        other = client.post(
            "/api/v1/indicator-values/", {**body, "country": country}, format="json"
        )
        assert other.status_code == 403
    observer = api_for(cast.observer).post("/api/v1/indicator-values/", body, format="json")
    assert observer.status_code == 403
    assert api_for(None).post("/api/v1/indicator-values/", body, format="json").status_code in (
        401,
        403,
    )
    hidden = client.post(
        "/api/v1/indicator-values/",
        {**body, "indicator": 987654321},
        format="json",
    )
    assert hidden.status_code == 400 and "indicator" in hidden.json()
    for period in ("0000", "2024-Q5", "plan", "2030"):  # not one, or not of this indicator
        wrong = client.post("/api/v1/indicator-values/", {**body, "period": period}, format="json")
        assert wrong.status_code == 400 and "period" in wrong.json(), period


def test_correcting_a_value_needs_the_version_read(cast, ind):
    client = api_for(cast.focal)
    body = {"indicator": ind.count.pk, "period": "2024", "country": "GTM", "value": "8"}
    unversioned = client.post("/api/v1/indicator-values/", body, format="json")
    assert unversioned.status_code == 400 and "version" in unversioned.json()
    version = ind.gtm_draft.version
    corrected = client.post(
        "/api/v1/indicator-values/", {**body, "version": version}, format="json"
    )
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["value"] == "8.0000" and corrected.json()["id"] == ind.gtm_draft.pk
    stale = client.patch(
        f"/api/v1/indicator-values/{ind.gtm_draft.pk}/",
        {"version": version, "comment": "otra"},
        format="json",
    )
    assert stale.status_code == 409
    patched = client.patch(
        f"/api/v1/indicator-values/{ind.gtm_draft.pk}/",
        {"version": corrected.json()["version"], "evidence": "Informe anual"},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["evidence"] == "Informe anual"
    assert patched.json()["value"] == "8.0000"  # fields not sent stay as they were


def test_a_percentage_is_given_by_numerator_and_denominator(schema, cast, ind):
    client = api_for(cast.focal)
    body = {"indicator": ind.percent.pk, "period": "2024", "country": "GTM"}
    missing = client.post("/api/v1/indicator-values/", {**body, "numerator": "3"}, format="json")
    assert missing.status_code == 400 and set(missing.json()) == {"denominator"}
    too_big = client.post(
        "/api/v1/indicator-values/", {**body, "numerator": "5", "denominator": "4"}, format="json"
    )
    assert too_big.status_code == 400 and "numerator" in too_big.json()
    saved = client.post(
        "/api/v1/indicator-values/",
        {**body, "numerator": "3", "denominator": "4", "value": "99"},
        format="json",
    )
    assert saved.status_code == 201, saved.json()
    assert saved.json()["value"] == "75.0000"  # computed, whatever value was sent


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "breakdown by sex adds up to 7"), ("es", "desglose por sexo")]
)
def test_a_breakdown_that_does_not_add_up_names_its_dimension(cast, ind, lang, words):
    client = api_for(cast.focal)
    body = {
        "indicator": ind.count.pk,
        "period": "2025",
        "country": "GTM",
        "value": "10",
        "parts": [
            {"dimension": "sex", "category": "women", "value": "4"},
            {"dimension": "sex", "category": "men", "value": "3"},
        ],
    }
    refused = client.post(
        "/api/v1/indicator-values/", body, format="json", HTTP_ACCEPT_LANGUAGE=lang
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["breakdown:sex"]
    assert words in refused.json()["breakdown:sex"][0]
    unknown = client.post(
        "/api/v1/indicator-values/",
        {**body, "parts": [{"dimension": "sex", "category": "nobody", "value": "10"}]},
        format="json",
    )
    assert unknown.status_code == 400 and "parts" in unknown.json()
    explained = client.post(
        "/api/v1/indicator-values/",
        {**body, "breakdown_note": "Tres personas no declararon su sexo."},
        format="json",
    )
    assert explained.status_code == 201, explained.json()
    parts = {p["category"]: p["value"] for p in explained.json()["parts"]}
    assert parts == {"women": "4.0000", "men": "3.0000"}


# Review ---------------------------------------------------------------------------------------
def test_submit_return_correct_and_approve(schema, cast, ind):
    focal, se = api_for(cast.focal), api_for(cast.secretariat)
    path = f"/api/v1/indicator-values/{ind.gtm_draft.pk}/"
    submitted = focal.post(path + "submit/", {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert focal.post(path + "approve/", {}, format="json").status_code == 403
    assert focal.post(path + "return/", {"comments": "x"}, format="json").status_code == 403
    blank = se.post(path + "return/", {"comments": ""}, format="json")
    assert blank.status_code == 400 and "comments" in blank.json()
    stale = se.post(path + "return/", {"comments": "Falta la fuente", "version": 1}, format="json")
    assert stale.status_code == 409
    returned = se.post(
        path + "return/",
        {"comments": "Falta la fuente", "version": submitted.json()["version"]},
        format="json",
    )
    assert returned.status_code == 200, returned.json()
    conforms(schema, "Measurement", returned.json())
    assert returned.json()["status"] == "returned"
    assert returned.json()["review_comment"] == "Falta la fuente"
    assert api_for(cast.observer).get(path).status_code == 404  # not approved yet
    again = se.post(path + "approve/", {}, format="json")
    assert again.status_code == 400  # a returned value of a country goes back to it first
    fixed = focal.patch(
        path, {"version": returned.json()["version"], "evidence": "Informe"}, format="json"
    )
    assert fixed.status_code == 200 and fixed.json()["status"] == "returned"
    assert focal.post(path + "submit/", {}, format="json").json()["status"] == "submitted"
    approved = se.post(path + "approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert api_for(cast.observer).get(path).json()["value"] == "7.0000"
    version = approved.json()["version"]
    for who in ("observer", "ppt"):  # they see the approved value; it is not theirs to change
        change = api_for(getattr(cast, who)).patch(
            path, {"version": version, "value": "1"}, format="json"
        )
        assert change.status_code == 403, who
    actions = AuditEvent.objects.for_object(ind.gtm_draft).count()
    assert actions >= 5  # created, submitted, returned, corrected, submitted, approved


# Design and targets ---------------------------------------------------------------------------
def test_plan_editors_create_and_change_indicators(schema, cast, ind):
    body = {
        "plan": PLAN,
        "kind": "output",
        "code": "N1",
        "name_es": "Talleres realizados",
        "name_en": "Workshops held",
        "unit": "count",
        "reported_by": "secretariat",
        "dimension_codes": ["sex"],
    }
    for who in ("observer", "focal"):
        response = api_for(getattr(cast, who)).post("/api/v1/indicators/", body, format="json")
        assert response.status_code == 403, who
    client = api_for(cast.wg)  # a member of the working group that owns the plan
    created = client.post("/api/v1/indicators/", body, format="json")
    assert created.status_code == 201, created.json()
    conforms(schema, "Indicator", created.json())
    assert created.json()["dimension_codes"] == ["sex"] and created.json()["version"] == 1
    duplicate = client.post("/api/v1/indicators/", body, format="json")
    assert duplicate.status_code == 400
    money = client.post(
        "/api/v1/indicators/", {**body, "code": "N2", "unit": "money"}, format="json"
    )
    assert money.status_code == 400 and "currency" in money.json()
    path = f"/api/v1/indicators/{ind.count.pk}/"
    change = {"name_en": "People trained", "version": ind.count.version}
    for who in ("observer", "focal", "ppt"):
        response = api_for(getattr(cast, who)).patch(path, change, format="json")
        assert response.status_code == 403, who
    assert api_for(None).patch(path, change, format="json").status_code in (401, 403)
    unversioned = client.patch(path, {"name_en": "People trained"}, format="json")
    assert unversioned.status_code == 400 and "version" in unversioned.json()
    renamed = client.patch(
        path, {"name_en": "People trained", "version": ind.count.version}, format="json"
    )
    assert renamed.status_code == 200 and renamed.json()["name_en"] == "People trained"
    stale = client.patch(path, {"name_en": "Other", "version": ind.count.version}, format="json")
    assert stale.status_code == 409
    version = renamed.json()["version"]
    redesign = {"frequency": "semester", "version": version}
    unexplained = client.patch(path, redesign, format="json")  # values exist
    assert unexplained.status_code == 400 and "reason" in unexplained.json()
    explained = client.patch(
        path, {**redesign, "reason": "The plan now reports twice a year."}, format="json"
    )
    assert explained.status_code == 200, explained.json()
    assert explained.json()["design"] == 2 and explained.json()["frequency"] == "semester"
    earlier = api_for(cast.secretariat).get(f"/api/v1/indicator-values/{ind.gtm_approved.pk}/")
    assert earlier.json()["design"] == 1  # values keep the design they were entered under


def test_the_target_table_is_replaced_whole(schema, cast, ind):
    client = api_for(cast.secretariat)
    path = f"/api/v1/indicators/{ind.percent.pk}/targets/"
    table = client.get(path).json()
    conforms(schema, "TargetTable", table)
    assert table["targets"] == []
    rows = [
        {"period": "2024", "country": None, "value": "40"},
        {"period": "plan", "country": None, "value": "60"},
        {"period": "2024", "country": "GTM", "value": "50"},
    ]
    assert (
        api_for(cast.focal)
        .put(path, {"version": table["version"], "targets": rows}, format="json")
        .status_code
        == 403
    )
    saved = client.put(path, {"version": table["version"], "targets": rows}, format="json")
    assert saved.status_code == 200, saved.json()
    conforms(schema, "TargetTable", saved.json())
    assert len(saved.json()["targets"]) == 3
    assert saved.json()["version"] == table["version"] + 1
    stale = client.put(path, {"version": table["version"], "targets": rows[:1]}, format="json")
    assert stale.status_code == 409
    version = saved.json()["version"]
    unexplained = client.put(path, {"version": version, "targets": rows[:1]}, format="json")
    assert unexplained.status_code == 400 and "reason" in unexplained.json()
    too_high = client.put(
        path,
        {
            "version": version,
            "targets": [*rows[:2], {"period": "2024", "country": "GTM", "value": "150"}],
        },
        format="json",
    )
    assert too_high.status_code == 400 and "target:2024:GTM" in too_high.json()
    twice = client.put(path, {"version": version, "targets": [rows[0], rows[0]]}, format="json")
    assert twice.status_code == 400 and "targets" in twice.json()
    trimmed = client.put(
        path,
        {"version": version, "targets": rows[:1], "reason": "Metas revisadas"},
        format="json",
    )
    assert trimmed.status_code == 200
    assert [t["period"] for t in trimmed.json()["targets"]] == ["2024"]


# Figures --------------------------------------------------------------------------------------
def test_figures_recompute_a_percentage_from_its_parts(schema, cast, orgs, ind):
    se = cast.secretariat
    record(cast.focal, ind.percent, "2023", orgs.gtm, approve_as=se, numerator=1, denominator=2)
    record(cast.ppt, ind.percent, "2023", orgs.pan, approve_as=se, numerator=1, denominator=8)
    record(cast.focal, ind.percent, "2024", orgs.gtm, numerator=2, denominator=2)  # a draft
    services.targets_set(actor=se, indicator=ind.percent, targets={("2023", None): Decimal(40)})
    path = f"/api/v1/indicators/{ind.percent.pk}/figures/"
    figure = api_for(None).get(path).json()
    conforms(schema, "Figure", figure)
    by_period = {p["period"]: p for p in figure["periods"]}
    assert list(by_period) == ["2023", "2024", "2025"]
    # 2 out of 10, not the average of 50% and 12.5%
    assert by_period["2023"]["value"] == "20.0000"
    assert (by_period["2023"]["numerator"], by_period["2023"]["denominator"]) == (
        "2.0000",
        "10.0000",
    )
    assert by_period["2023"]["reporting"] == 2
    assert by_period["2023"]["target"] == "40.0000" and by_period["2023"]["achieved"] == "50.0000"
    assert by_period["2024"]["reporting"] == 0 and by_period["2024"]["value"] is None
    assert figure["total"]["value"] == "20.0000"
    assert figure["targets"] == [{"period": "2023", "value": "40.0000"}]
    guatemala = api_for(None).get(path + "?country=GTM").json()
    assert guatemala["country"] == "GTM" and guatemala["periods"][0]["value"] == "50.0000"
    listed = api_for(None).get(f"/api/v1/indicator-figures/?plan={PLAN}&unit=percent").json()
    assert [f["total"]["value"] for f in listed["results"]] == ["20.0000"]


def test_figures_give_the_breakdown(cast, orgs, ind):
    women, men = (ind.count.dimensions.get().categories.get(code=c) for c in ("women", "men"))
    m = services.measurement_save(
        actor=cast.secretariat,
        indicator=ind.count,
        period="2025",
        country=orgs.pan,
        given=services.ValueInput(
            value=Decimal(9),
            parts={women.pk: {"value": Decimal(5)}, men.pk: {"value": Decimal(4)}},
        ),
    )
    services.measurement_approve(actor=cast.secretariat, measurement=m)
    figure = api_for(None).get(f"/api/v1/indicators/{ind.count.pk}/figures/").json()
    rows = {(b["dimension"], b["category"]): b for b in figure["breakdown"]}
    assert rows[("sex", "women")]["total"]["value"] == "5.0000"
    assert rows[("sex", "women")]["periods"] == [
        {
            "period": "2025",
            "label": "2025",
            "value": "5.0000",
            "numerator": None,
            "denominator": None,
            "reporting": 1,
        }
    ]
