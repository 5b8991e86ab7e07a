import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from rumbo.indicators import periods


def test_codes_name_their_months():
    q = periods.parse("2024-Q3")
    assert (q.start, q.end, q.kind) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30), "quarter")
    s = periods.parse("2024-s2")
    assert (s.start, s.end) == (dt.date(2024, 7, 1), dt.date(2024, 12, 31))
    assert periods.parse("2024").end == dt.date(2024, 12, 31)
    assert periods.parse("plan", plan_years=(2023, 2026)).end == dt.date(2026, 12, 31)


@pytest.mark.parametrize("bad", ["2024-Q5", "2024-S3", "24", "2024/1", "", "Q1 2024", "0000"])
def test_a_bad_code_is_refused_with_the_forms_to_use(bad):
    with pytest.raises(periods.PeriodError, match="2024-S1"):
        periods.parse(bad)


def test_labels_in_both_languages():
    with translation.override("es"):
        assert periods.parse("2024-Q1").label() == "T1 2024"
        assert periods.parse("plan").label() == "Todo el plan"
    with translation.override("en"):
        assert periods.parse("2024-Q1").label() == "Q1 2024"
        assert periods.parse("2024-S2").label() == "S2 2024"


def test_a_year_contains_its_quarters_and_a_semester_its_own():
    year, s1 = periods.parse("2024"), periods.parse("2024-S1")
    assert year.contains(periods.parse("2024-Q4"))
    assert s1.contains(periods.parse("2024-Q2"))
    assert not s1.contains(periods.parse("2024-Q3"))
    assert not year.contains(periods.parse("2025-Q1"))


def test_periods_between_cover_the_plan_in_order():
    qs = periods.periods_between(2023, 2024, "quarter")
    assert [p.code for p in qs] == [f"{y}-Q{n}" for y in (2023, 2024) for n in range(1, 5)]
    assert sorted(qs) == qs


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["year", "semester", "quarter"]),
)
def test_a_day_falls_in_the_period_of_date_and_codes_round_trip(day, kind):
    p = periods.of_date(day, kind)
    assert p.start <= day <= p.end
    assert periods.parse(p.code) == p
