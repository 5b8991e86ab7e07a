"""Numbers as people type them in either language, shown back as each language writes them,
and forms saved unchanged that keep every amount (a number box once blanked "15000,50")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rumbo.core.numbers import format_decimal, parse_decimal
from rumbo.plans.models import Activity, BudgetLine
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.testing.forms import form_values
from rumbo.testing.http import client_for, url
from rumbo.tracking.models import ConceptNote


@pytest.mark.parametrize(
    "typed", ["15000,50", "15.000,50", "15000.50", "15,000.50", " 15 000,50 ", "15\u00a0000,50"]
)
def test_every_way_of_writing_a_number_reads_the_same(typed):
    assert parse_decimal(typed) == Decimal("15000.50")


@pytest.mark.parametrize(
    ("typed", "lang", "number"),
    [
        ("5.000", "es", "5000"),  # a Spanish amount: five thousand, never five
        ("5,000", "en", "5000"),
        ("5,000", "es", "5"),  # the Spanish decimal comma
        ("5.000", "en", "5"),
        ("1.234.567", "es", "1234567"),
        ("1,234,567", "en", "1234567"),
        ("1.234.567", "en", "1234567"),  # repeated: a grouping mark in either language
        ("0.500", "es", "0.5"),  # nobody groups a leading zero
        ("12.50", "es", "12.50"),  # two digits after the mark: decimals
        ("1234.567", "es", "1234.567"),  # a first group of four digits: not grouped
        ("-5.000", "es", "-5000"),
    ],
)
def test_a_single_mark_followed_by_three_digits_reads_as_the_language_writes_it(
    typed, lang, number
):
    assert parse_decimal(typed, lang) == Decimal(number)


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "1.2.3", "inf", "NaN", "", "12,5x"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed)


@given(
    st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False),
    st.sampled_from(["es", "en"]),
)
def test_a_number_shown_in_either_language_reads_back_unchanged(number, lang):
    assert parse_decimal(format_decimal(number, lang)) == number
    assert parse_decimal(format_decimal(number, lang), lang) == number


@pytest.fixture
def budgeted(cast, bodies):
    activity = ActivityFactory(plan=PlanFactory(code="num", owner_body=bodies.wg_lab), code="N1")
    BudgetLine.objects.create(
        activity=activity,
        amount=Decimal("15000.50"),
        committed=Decimal("1234.56"),
        spent=Decimal("1000.25"),
    )
    return activity


@pytest.mark.django_db
@pytest.mark.parametrize("lang,shown", [("es", "15000,50"), ("en", "15000.50")])
def test_an_activity_saved_unchanged_keeps_its_budget(cast, budgeted, lang, shown):
    client = client_for(cast.secretariat)
    page = client.get(url("activity_edit", lang, pk=budgeted.pk))
    data, inputs = form_values(page.content.decode())
    assert data["budget-0-amount"] == shown
    assert inputs["budget-0-amount"].get("type") == "text"
    assert inputs["budget-0-amount"].get("inputmode") == "decimal"
    response = client.post(url("activity_edit", lang, pk=budgeted.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    line = BudgetLine.objects.get(activity=budgeted)
    assert (line.amount, line.committed, line.spent) == (
        Decimal("15000.50"),
        Decimal("1234.56"),
        Decimal("1000.25"),
    )
    assert Activity.objects.get(pk=budgeted.pk).version == budgeted.version


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(
    "typed,expected",
    [("15000,50", "15000.50"), ("15.000,50", "15000.50"), ("15,000.50", "15000.50")],
)
def test_a_concept_note_budget_typed_either_way_is_kept(cast, budgeted, lang, typed, expected):
    client = client_for(cast.secretariat)
    target = url("concept_note_edit", lang, pk=budgeted.pk)
    data, _inputs = form_values(client.get(target).content.decode())
    data["budget_amount"] = typed
    assert client.post(target, data).status_code == 302
    note = ConceptNote.objects.get(activity=budgeted)
    assert note.budget_amount == Decimal(expected)
    # Saved again unchanged, in the other language too, it stays what it was.
    for other in ("es", "en"):
        edit = url("concept_note_edit", other, pk=budgeted.pk)
        again, _ = form_values(client.get(edit).content.decode())
        assert client.post(edit, again).status_code == 302
        note.refresh_from_db()
        assert note.budget_amount == Decimal(expected)


@pytest.mark.parametrize(("lang", "typed"), [("es", "5.000"), ("en", "5,000")])
def test_a_form_reads_an_amount_grouped_as_its_language_writes_it(lang, typed):
    from django.utils import translation

    from rumbo.core.forms import LocalizedDecimalField

    with translation.override(lang):
        assert LocalizedDecimalField(max_digits=12, decimal_places=2).clean(typed) == 5000
