"""Periods and due dates of the obligations' rules (no database)."""

from __future__ import annotations

import datetime as dt

from rumbo.obligations import schedule


def test_named_months_are_the_periods_of_a_quarterly_rule():
    """The UN Network's pledge follow-up: "Abril, junio, septiembre, diciembre", each due by
    the last day of its month, from the plan's date to its end."""
    found = schedule.periods(
        frequency="quarterly",
        months=[4, 6, 9, 12],
        starts_on=dt.date(2023, 5, 1),
        ends_on=dt.date(2024, 12, 31),
        due_from="end",
        grace_days=0,
        horizon=dt.date(2030, 1, 1),
    )
    assert [(p.code, due) for p, due in found] == [
        ("2023-06", dt.date(2023, 6, 30)),
        ("2023-09", dt.date(2023, 9, 30)),
        ("2023-12", dt.date(2023, 12, 31)),
        ("2024-04", dt.date(2024, 4, 30)),
        ("2024-06", dt.date(2024, 6, 30)),
        ("2024-09", dt.date(2024, 9, 30)),
        ("2024-12", dt.date(2024, 12, 31)),
    ]


def test_semesters_due_after_their_end_and_only_up_to_the_horizon():
    found = schedule.periods(
        frequency="semiannual",
        months=[],
        starts_on=dt.date(2023, 1, 1),
        ends_on=None,
        due_from="end",
        grace_days=31,
        horizon=dt.date(2024, 3, 1),
    )
    assert [(p.code, due) for p, due in found] == [
        ("2023-S1", dt.date(2023, 7, 31)),
        ("2023-S2", dt.date(2024, 1, 31)),
    ]


def test_an_annual_plan_due_from_the_start_of_its_year():
    found = schedule.periods(
        frequency="annual",
        months=[],
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        due_from="start",
        grace_days=30,
        horizon=dt.date(2026, 1, 1),
    )
    assert [(p.code, due) for p, due in found] == [
        ("2023", dt.date(2023, 1, 31)),
        ("2024", dt.date(2024, 1, 31)),
    ]
