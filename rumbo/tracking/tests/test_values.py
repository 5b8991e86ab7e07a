"""Cell values as people type them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rumbo.tracking.xlsx import values as v


@pytest.mark.parametrize("raw", ["INF", "-Infinity", "NaN", "1.5", "abc", "1e400"])
def test_what_is_not_a_whole_number(raw):
    with pytest.raises(v.CellError):
        v.integer(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (7.0, 7), ("3,0", 3), ("", None), (None, None)],
)
def test_whole_numbers(raw, expected):
    assert v.integer(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.234,50", Decimal("1234.50")), ("1,234.50", Decimal("1234.50")), ("12,5", Decimal("12.5"))],
)
def test_decimal_comma_and_point(raw, expected):
    assert v.decimal(raw) == expected


@pytest.mark.parametrize("raw", ["INF", "NaN", "sNaN"])
def test_infinite_amounts_are_refused(raw):
    with pytest.raises(v.CellError):
        v.decimal(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2do año", 2), ("Año 3", 3), ("Year 1", 1), (2, 2), ("1er año", 1)],
)
def test_plan_years(raw, expected):
    assert v.plan_year(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31/12/2024", dt.date(2024, 12, 31)),
        ("2024-12-31", dt.date(2024, 12, 31)),
        (45657, dt.date(2024, 12, 31)),
        (dt.datetime(2024, 12, 31, 8), dt.date(2024, 12, 31)),
    ],
)
def test_dates(raw, expected):
    assert v.date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Finalizado", "finished"),
        ("en proceso de implementarse", "in_progress"),
        ("No alcanzado", "not_achieved"),
        ("In progress", "in_progress"),
        ("CANCELADA", "cancelled"),
    ],
)
def test_statuses_in_either_language(raw, expected):
    assert v.status(raw) == expected
