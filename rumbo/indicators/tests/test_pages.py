"""The indicator pages: what each role sees, the forms in both languages, the review, and
the number of queries each page takes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from rumbo.core.visibility import Visibility
from rumbo.indicators import services
from rumbo.indicators.models import Measurement, PeriodLock
from rumbo.testing.factories import IndicatorFactory
from rumbo.testing.http import client_for, url

from .conftest import D, report

S = Measurement.Status
ROLES = ("public", "civil", "observer", "focal", "ppt", "wg", "secretariat")


@pytest.fixture
def seen(cast, orgs, ind):
    """On the public plan: a members-only indicator with an approved value, and on a public
    indicator an approved value, a draft of Guatemala and a draft of Panama."""
    secret = IndicatorFactory(
        plan=ind.plan, code="SEC", name_en="CANARY secret indicator", visibility=Visibility.MEMBERS
    )
    report(
        cast.focal,
        secret,
        "2023",
        orgs.gtm,
        value=7,
        evidence="CANARY secret value",
        approve_as=cast.secretariat,
    )
    report(cast.focal, ind.count, "2023", orgs.gtm, value=5, approve_as=cast.secretariat)
    report(cast.focal, ind.count, "2024", orgs.gtm, value=6, evidence="GTM-DRAFT-EVIDENCE")
    report(cast.ppt, ind.count, "2024", orgs.pan, value=9, evidence="PAN-DRAFT-EVIDENCE")
    return secret


def get(user, name, lang="en", **kwargs):
    return client_for(user).get(url(name, lang, **kwargs))


def text(response) -> str:
    return response.content.decode()


# What each role sees ------------------------------------------------------------------------
@pytest.mark.parametrize("who", ROLES)
def test_a_members_only_indicator_and_its_value_only_reach_members(cast, ind, seen, who):
    user = getattr(cast, who)
    members = who in {"focal", "ppt", "wg", "secretariat"}
    listing = get(user, "indicator_list", code=ind.plan.code)
    assert listing.status_code == 200
    assert ("CANARY" in text(listing)) is members
    detail = get(user, "indicator_detail", pk=seen.pk)
    assert detail.status_code == (200 if members else 404)
    if members:
        assert "CANARY secret indicator" in text(detail)
    plan_page = get(user, "plan_detail", code=ind.plan.code)
    assert "CANARY" not in text(plan_page)  # the plan page links to the list, names none


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("public", set()),
        ("observer", set()),
        ("focal", {"GTM-DRAFT-EVIDENCE"}),
        ("ppt", {"PAN-DRAFT-EVIDENCE"}),
        ("secretariat", {"GTM-DRAFT-EVIDENCE", "PAN-DRAFT-EVIDENCE"}),
    ],
)
def test_a_countrys_draft_reaches_only_that_country_and_the_secretariat(
    cast, ind, seen, who, visible
):
    page = text(get(getattr(cast, who), "indicator_detail", pk=ind.count.pk))
    assert page.count('class="tag status-draft"') == len(visible)


def test_the_seeded_strategic_plan_lists_its_indicators_as_not_set(cast):
    page = text(get(cast.public, "indicator_list", lang="es", code="crm-sp-2023-2026"))
    assert page.count("sin definir") >= 8 * 3  # who reports, baseline and targets of each
    assert "no approved value yet" not in page


def test_the_detail_page_shows_the_definition_targets_values_and_designs(cast, orgs, ind):
    services.targets_set(
        actor=cast.secretariat,
        indicator=ind.count,
        targets={("2024", None): D(12), ("plan", None): D(30)},
    )
    report(cast.focal, ind.count, "2023", orgs.gtm, value=1234, approve_as=cast.secretariat)
    ind.count.refresh_from_db()
    services.indicator_update(
        actor=cast.secretariat,
        indicator=ind.count,
        data={"dimensions": []},
        expected_version=ind.count.version,
        reason="sex no longer asked",
    )
    page = text(get(cast.secretariat, "indicator_detail", lang="es", pk=ind.count.pk))
    assert "1.234" in page  # the Spanish way, grouped as the dashboards and downloads write it
    assert "Todo el plan: 30" in page
    assert "introducido con el diseño 1" in page
    form = text(
        get(cast.focal, "value_edit", lang="es", pk=ind.count.pk, period="2023", country="GTM")
    )
    assert "Este valor se introdujo con el diseño 1" in form
    assert "Sexo" in page and "sex no longer asked" in page


# Reporting ------------------------------------------------------------------------------------
def value_url(ind, period, place, lang="es"):
    return url("value_edit", lang, pk=ind.pk, period=period, country=place)


@pytest.mark.parametrize(
    ("who", "place", "status"),
    [
        ("public", "GTM", 302),
        ("civil", "GTM", 403),
        ("observer", "GTM", 403),
        ("wg", "GTM", 403),
        ("ppt", "GTM", 403),
        ("focal", "PAN", 403),
        ("focal", "region", 403),
        ("focal", "GTM", 200),
        ("secretariat", "PAN", 200),
        ("secretariat", "region", 200),
    ],
)
def test_only_a_countrys_reporters_and_the_secretariat_get_its_form(cast, ind, who, place, status):
    response = client_for(getattr(cast, who)).get(value_url(ind.count, "2023", place))
    assert response.status_code == status


def test_a_hidden_indicator_or_a_bad_period_is_not_found(cast, ind, seen):
    assert client_for(cast.observer).get(value_url(seen, "2023", "GTM")).status_code == 404
    assert client_for(cast.focal).get(value_url(ind.count, "2019", "GTM")).status_code == 404
    assert client_for(cast.focal).get(value_url(ind.count, "2023-Q1", "GTM")).status_code == 404


def post_value(user, ind, period, place, lang, data):
    with translation.override(lang):
        return client_for(user).post(value_url(ind, period, place, lang), data)


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("es", "15.000,50", "15000.50"),
        ("en", "15,000.50", "15000.50"),
        ("es", "15000,5", "15000.5"),
    ],
)
def test_amounts_are_saved_as_typed_in_either_language(cast, orgs, ind, lang, typed, expected):
    money = IndicatorFactory(plan=ind.plan, code="M", unit="money", currency="USD")
    response = post_value(cast.focal, money, "2023", "GTM", lang, {"value": typed, "save": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Measurement.objects.get(indicator=money).value == Decimal(expected)


@pytest.mark.parametrize(("lang", "typed"), [("es", "1.234"), ("en", "1,234"), ("es", "1234")])
def test_a_count_typed_with_thousands_marks_is_a_whole_number(cast, ind, lang, typed):
    post_value(cast.focal, ind.count, "2023", "GTM", lang, {"value": typed, "save": "1"})
    assert Measurement.objects.get(indicator=ind.count).value == 1234


@pytest.mark.parametrize("lang", ["es", "en"])
def test_saving_the_form_unchanged_keeps_every_value(cast, orgs, ind, lang):
    money = IndicatorFactory(plan=ind.plan, code="M", unit="money", currency="USD")
    money.dimensions.add(ind.sex)
    w, m = ind.cats["women"].pk, ind.cats["men"].pk
    first = {"value": "1500,25", f"part_{w}": "1000,25", f"part_{m}": "500", "comment": "c"}
    post_value(cast.focal, money, "2023", "GTM", "es", {**first, "save": "1"})
    saved = Measurement.objects.get(indicator=money)
    form = client_for(cast.focal).get(value_url(money, "2023", "GTM", lang))
    page = text(form)
    shown_value = "1500,25" if lang == "es" else "1500.25"
    assert f'value="{shown_value}"' in page
    # Send back exactly what the form shows.
    import re

    fields = dict(re.findall(r'<input type="text" name="([^"]+)" value="([^"]*)"', page))
    fields.update(re.findall(r'<input type="hidden" name="(version)" value="([^"]*)"', page))
    fields["comment"] = "c"
    response = post_value(cast.focal, money, "2023", "GTM", lang, {**fields, "save": "1"})
    assert response.status_code == 302
    again = Measurement.objects.get(indicator=money)
    assert (again.value, again.version) == (Decimal("1500.25"), saved.version)
    assert {p.category_id: p.value for p in again.parts.all()} == {
        w: Decimal("1000.25"),
        m: Decimal("500"),
    }


def test_a_breakdown_that_does_not_add_up_is_shown_next_to_the_breakdown(cast, ind):
    w, m = ind.cats["women"].pk, ind.cats["men"].pk
    response = post_value(
        cast.focal,
        ind.count,
        "2023",
        "GTM",
        "en",
        {"value": "10", f"part_{w}": "3", f"part_{m}": "4"},
    )
    assert response.status_code == 200
    page = text(response)
    group = page.split('id="breakdown-sex"')[1].split("</fieldset>")[0]
    assert "adds up to 7, not 10" in group
    assert not Measurement.objects.exists()
    # With the reason, it is accepted.
    note = {"breakdown_note": "2 not recorded by sex"}
    post_value(
        cast.focal,
        ind.count,
        "2023",
        "GTM",
        "en",
        {"value": "10", f"part_{w}": "3", f"part_{m}": "4", **note, "submit": "1"},
    )
    assert Measurement.objects.get().status == S.SUBMITTED


def test_a_percentage_has_numerator_and_denominator_and_yes_no_a_choice(cast, ind):
    page = text(client_for(cast.focal).get(value_url(ind.percent, "2023", "GTM")))
    assert 'name="numerator"' in page and 'name="denominator"' in page
    assert 'type="number"' not in page
    post_value(
        cast.focal, ind.percent, "2023", "GTM", "es", {"numerator": "1,5", "denominator": "3"}
    )
    assert Measurement.objects.get(indicator=ind.percent).value == Decimal("50")
    page = text(client_for(cast.focal).get(value_url(ind.yes_no, "2023", "GTM")))
    assert 'type="radio" name="value" value="1"' in page
    post_value(cast.focal, ind.yes_no, "2023", "GTM", "en", {"value": "1"})
    assert Measurement.objects.get(indicator=ind.yes_no).value == 1


def test_a_stale_form_is_refused_and_does_not_overwrite(cast, orgs, ind):
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=4)
    report(cast.focal, ind.count, "2023", orgs.gtm, value=5)  # someone else, meanwhile
    response = post_value(
        cast.focal, ind.count, "2023", "GTM", "en", {"value": "6", "version": m.version}
    )
    assert response.status_code == 200
    assert "Someone else changed" in text(response)
    assert Measurement.objects.get().value == 5


def test_the_secretariat_changes_an_approved_value_only_saying_why(cast, orgs, ind):
    m = report(cast.focal, ind.count, "2023", orgs.gtm, value=4, approve_as=cast.secretariat)
    form = text(client_for(cast.secretariat).get(value_url(ind.count, "2023", "GTM", "en")))
    assert 'name="reason"' in form
    response = post_value(
        cast.secretariat, ind.count, "2023", "GTM", "en", {"value": "8", "version": m.version}
    )
    assert 'id="id_reason_error"' in text(response) or "say why it changes" in text(response)
    assert Measurement.objects.get().value == 4
    post_value(
        cast.secretariat,
        ind.count,
        "2023",
        "GTM",
        "en",
        {"value": "8", "version": m.version, "reason": "typo in the report"},
    )
    assert Measurement.objects.get().value == 8


# Defining -------------------------------------------------------------------------------------
def indicator_data(**over):
    data = {
        "code": "N1",
        "order": "1",
        "kind": "result",
        "name_es": "Personas capacitadas",
        "name_en": "People trained",
        "unit": "count",
        "direction": "increase",
        "aggregation": "sum",
        "frequency": "year",
        "reported_by": "countries",
        "baseline_value": "1.500,5",
        "visibility": "0",
    }
    data.update(over)
    return data


def test_an_editor_defines_an_indicator_with_a_spanish_baseline(cast, ind):
    client = client_for(cast.secretariat)
    response = client.post(url("indicator_create", "es", code=ind.plan.code), indicator_data())
    assert response.status_code == 302
    new = ind.plan.indicators.get(code="N1")
    assert new.baseline_value == Decimal("1500.5")


def test_a_design_change_with_values_needs_a_reason_shown_on_its_field(cast, orgs, ind):
    report(cast.focal, ind.count, "2023", orgs.gtm, value=4)
    ind.count.refresh_from_db()
    client = client_for(cast.secretariat)
    edit = url("indicator_edit", "en", pk=ind.count.pk)
    data = indicator_data(
        code="C1", unit="count", frequency="semester", baseline_value="", version=ind.count.version
    )
    response = client.post(edit, data)
    assert response.status_code == 200
    assert 'id="id_reason_error"' in text(response)
    response = client.post(edit, {**data, "reason": "semesters from now on"})
    assert response.status_code == 302
    ind.count.refresh_from_db()
    assert (ind.count.frequency, ind.count.design) == ("semester", 2)
    assert Measurement.objects.get().design == 1
    detail = text(client.get(url("indicator_detail", "en", pk=ind.count.pk)))
    assert "semesters from now on" in detail  # the design history keeps the reason


def test_an_edit_opened_before_another_is_refused(cast, ind):
    client = client_for(cast.secretariat)
    edit = url("indicator_edit", "en", pk=ind.count.pk)
    old = ind.count.version
    client.post(edit, indicator_data(code="C1", name_en="First", version=old))
    response = client.post(edit, indicator_data(code="C1", name_en="Second", version=old))
    assert "Someone else changed" in text(response)
    ind.count.refresh_from_db()
    assert ind.count.name_en == "First"


def test_targets_are_typed_in_spanish_and_changing_one_needs_a_reason(cast, ind):
    client = client_for(cast.secretariat)
    page = url("indicator_targets", "es", pk=ind.count.pk)
    form = text(client.get(page))
    assert 'name="t_2023"' in form and 'name="t_plan"' in form and 'type="number"' not in form
    client.post(page, {"t_2023": "1.500,5", "t_plan": "4000", "version": ind.count.version})
    ind.count.refresh_from_db()
    assert {t.period: t.value for t in ind.count.targets.all()} == {
        "2023": Decimal("1500.5"),
        "plan": Decimal("4000"),
    }
    response = client.post(page, {"t_2023": "2000", "t_plan": "4000", "version": ind.count.version})
    assert 'id="id_reason_error"' in text(response)
    assert (
        client.post(
            page, {"t_2023": "2000", "t_plan": "4000", "version": ind.count.version, "reason": "r"}
        ).status_code
        == 302
    )


# The focal point's list and the review ----------------------------------------------------------
def test_the_report_page_lists_the_due_periods_state_for_the_country(cast, orgs, ind):
    # Plan 2023-2025, yearly: in 2026 the value due is 2025's.
    report(cast.ppt, ind.count, "2025", orgs.pan, value=9)
    m = report(cast.focal, ind.percent, "2025", orgs.gtm, numerator=1, denominator=2)
    m = services.measurement_submit(actor=cast.focal, measurement=m)
    services.measurement_return(actor=cast.secretariat, measurement=m, comments="Which survey?")
    report(cast.focal, ind.average, "2025", orgs.gtm, value=3, approve_as=cast.secretariat)
    page = text(get(cast.focal, "indicator_report"))
    rows = {
        code: page.split(f'<span class="code">{code}</span>')[1].split("</tr>")[0]
        for code in ("C1", "P1", "AV", "TX")
    }
    assert "missing" in rows["C1"]  # Panama's draft is not Guatemala's
    assert "Returned with comments" in rows["P1"] and "Which survey?" in rows["P1"]
    assert "Approved" in rows["AV"]
    assert url("value_edit", "en", pk=ind.count.pk, period="2025", country="GTM") in rows["C1"]
    assert get(cast.observer, "indicator_report").status_code == 403
    assert get(cast.public, "indicator_report").status_code == 302


def test_review_approve_and_return_with_comments(cast, orgs, ind):
    a = services.measurement_submit(
        actor=cast.focal, measurement=report(cast.focal, ind.count, "2023", orgs.gtm, value=4)
    )
    b = services.measurement_submit(
        actor=cast.focal, measurement=report(cast.focal, ind.count, "2024", orgs.gtm, value=5)
    )
    client = client_for(cast.secretariat)
    page = text(client.get(url("indicator_review", "en")))
    assert f'id="value-{a.pk}"' in page and f'id="value-{b.pk}"' in page
    client.post(url("value_decide", "en", pk=a.pk, action="approve"), {"version": a.version})
    client.post(
        url("value_decide", "en", pk=b.pk, action="return"),
        {"version": b.version, "comments": "source?"},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status, b.review_comment) == (S.APPROVED, S.RETURNED, "source?")
    report_page = text(get(cast.focal, "indicator_detail", pk=ind.count.pk))
    assert "source?" in report_page


def test_a_stale_approval_is_refused(cast, orgs, ind):
    m = services.measurement_submit(
        actor=cast.focal, measurement=report(cast.focal, ind.count, "2023", orgs.gtm, value=4)
    )
    client_for(cast.secretariat).post(
        url("value_decide", "en", pk=m.pk, action="approve"), {"version": m.version - 1}
    )
    m.refresh_from_db()
    assert m.status == S.SUBMITTED


def test_locking_needs_nothing_and_unlocking_a_reason(cast, ind):
    client = client_for(cast.secretariat)
    client.post(url("period_lock", "en", code=ind.plan.code), {"period": "2023"})
    assert PeriodLock.objects.filter(plan=ind.plan, period="2023").exists()
    client.post(url("period_unlock", "en", code=ind.plan.code), {"period": "2023"})
    assert PeriodLock.objects.filter(plan=ind.plan, period="2023").exists()
    client.post(url("period_unlock", "en", code=ind.plan.code), {"period": "2023", "reason": "fix"})
    assert not PeriodLock.objects.exists()


# Every mutating view, as each role ----------------------------------------------------------------
def mutations(ind, m):
    return {
        "indicator_create": (url("indicator_create", "en", code=ind.plan.code), indicator_data()),
        "indicator_edit": (
            url("indicator_edit", "en", pk=ind.count.pk),
            indicator_data(code="C1", version=ind.count.version, reason="x"),
        ),
        "indicator_targets": (
            url("indicator_targets", "en", pk=ind.count.pk),
            {"t_2023": "5", "version": ind.count.version},
        ),
        "value_edit": (value_url(ind.yes_no, "2024", "GTM", "en"), {"value": "1"}),
        "approve": (url("value_decide", "en", pk=m.pk, action="approve"), {}),
        "return": (url("value_decide", "en", pk=m.pk, action="return"), {"comments": "x"}),
        "lock": (url("period_lock", "en", code=ind.plan.code), {"period": "2024"}),
        "unlock": (
            url("period_unlock", "en", code=ind.plan.code),
            {"period": "2023", "reason": "x"},
        ),
    }


ALLOWED = {
    "indicator_create": {"secretariat", "wg"},
    "indicator_edit": {"secretariat", "wg"},
    "indicator_targets": {"secretariat", "wg"},
    "value_edit": {"secretariat", "focal"},
    "approve": {"secretariat"},
    "return": {"secretariat"},
    "lock": {"secretariat"},
    "unlock": {"secretariat"},
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_every_mutating_view_requires_its_permission(cast, orgs, ind, who, action):
    m = services.measurement_submit(
        actor=cast.focal, measurement=report(cast.focal, ind.count, "2023", orgs.gtm, value=4)
    )
    PeriodLock.objects.create(plan=ind.plan, period="2023")
    path, data = mutations(ind, m)[action]
    before = {
        "audit": _audit_count(),
        "values": list(Measurement.objects.values_list("status", "value")),
        "locks": PeriodLock.objects.count(),
    }
    response = client_for(getattr(cast, who)).post(path, data)
    if who in ALLOWED[action]:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert _audit_count() > before["audit"]
    else:
        # A value the person may not see is not found; one they see, refused.
        hidden = action in {"approve", "return"} and who not in {"focal", "secretariat"}
        assert response.status_code == (302 if who == "public" else 404 if hidden else 403)
        if who == "public":
            assert "/login/" in response["Location"]
        assert _audit_count() == before["audit"]
        assert list(Measurement.objects.values_list("status", "value")) == before["values"]
        assert PeriodLock.objects.count() == before["locks"]


def _audit_count() -> int:
    from rumbo.core.models import AuditEvent

    return AuditEvent.objects.count()


# Queries ------------------------------------------------------------------------------------------
def _grow(cast, orgs, ind, n):
    for k in range(n):
        extra = IndicatorFactory(plan=ind.plan, code=f"Q{n}{k}")
        extra.dimensions.add(ind.sex)
        services.targets_set(
            actor=cast.secretariat, indicator=extra, targets={("2023", None): D(3)}
        )
        report(cast.focal, extra, "2023", orgs.gtm, value=2, approve_as=cast.secretariat)
        report(cast.focal, extra, "2024", orgs.gtm, value=2)


@pytest.mark.parametrize(
    ("page", "who"),
    [
        ("list", "focal"),
        ("detail", "focal"),
        ("report", "focal"),
        ("list", "public"),
        ("detail", "secretariat"),
        ("review", "secretariat"),
    ],
)
def test_pages_take_a_fixed_number_of_queries(
    cast, orgs, ind, page, who, django_assert_num_queries
):
    user = getattr(cast, who)
    client = client_for(user)

    def path():
        return {
            "list": url("indicator_list", "en", code=ind.plan.code),
            "detail": url("indicator_detail", "en", pk=ind.count.pk),
            "report": url("indicator_report", "en"),
            "review": url("indicator_review", "en"),
        }[page]

    _grow(cast, orgs, ind, 1)
    report(cast.focal, ind.count, "2023", orgs.gtm, value=1, approve_as=cast.secretariat)
    client.get(path())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(path()).status_code == 200
    _grow(cast, orgs, ind, 4)
    report(cast.focal, ind.count, "2024", orgs.gtm, value=1, approve_as=cast.secretariat)
    report(cast.ppt, ind.count, "2023", orgs.pan, value=1, approve_as=cast.secretariat)
    with django_assert_num_queries(len(small)):
        assert client.get(path()).status_code == 200


def test_the_secretariat_gets_a_compact_mark_per_cell_a_country_its_named_links(cast, orgs, ind):
    """Reporting for any country, the secretariat would see "Report" in every cell: it gets
    a small mark that names the country and period to screen readers and as a tooltip. A
    focal point reports for its own country with words, also naming country and period."""
    page = text(get(cast.secretariat, "indicator_detail", pk=ind.count.pk))
    assert '<a class="on-behalf"' in page
    assert '<span class="sr">Report: Guatemala, 2024</span>' in page
    assert ">Report<" not in page
    own = text(get(cast.focal, "indicator_detail", pk=ind.count.pk))
    assert "on-behalf" not in own
    assert '>Report<span class="sr">: Guatemala, 2024</span>' in own
    es = text(get(cast.focal, "indicator_detail", "es", pk=ind.count.pk))
    assert '>Reportar<span class="sr">: Guatemala, 2024</span>' in es
