"""The quarterly rounds (April, June, September, December, due at the end of the month) and
what a pledge's page and the obligations calendar read from them."""

from __future__ import annotations

import datetime as dt

import pytest

from rumbo.pledges.models import PledgeUpdate
from rumbo.pledges.rounds import DONE, DUE, LATE, Round, round_of, rounds_between
from rumbo.pledges.selectors import get_pledge_for, pledge_rounds, pledge_rounds_status

from .factories import pledge, report


def test_a_round_is_due_on_the_last_day_of_its_month():
    assert Round(2024, 4).due == dt.date(2024, 4, 30)
    assert Round(2024, 6).due == dt.date(2024, 6, 30)
    assert Round(2024, 9).due == dt.date(2024, 9, 30)
    assert Round(2024, 12).due == dt.date(2024, 12, 31)


def test_the_round_of_a_day_is_the_first_due_on_or_after_it():
    assert round_of(dt.date(2024, 1, 15)) == Round(2024, 4)
    assert round_of(dt.date(2024, 4, 30)) == Round(2024, 4)
    assert round_of(dt.date(2024, 5, 1)) == Round(2024, 6)
    assert round_of(dt.date(2024, 10, 2)) == Round(2024, 12)
    assert rounds_between(dt.date(2024, 11, 1), dt.date(2025, 5, 1)) == [
        Round(2024, 12),
        Round(2025, 4),
        Round(2025, 6),
    ]


@pytest.mark.django_db
def test_a_pledges_rounds_are_done_due_or_late(cast):
    p = pledge(cast.focal, pledged_on=dt.date(2024, 1, 15))
    report(cast.focal, p, 2024, 6)
    p = get_pledge_for(cast.focal, p.pk)
    rows = pledge_rounds(p, today=dt.date(2024, 8, 10))
    assert [(r.round, r.state) for r in rows] == [
        (Round(2024, 9), DUE),
        (Round(2024, 6), DONE),
        (Round(2024, 4), LATE),
    ]


@pytest.mark.django_db
def test_no_round_is_due_after_the_one_that_fulfilled_the_pledge(cast):
    p = pledge(cast.focal, pledged_on=dt.date(2024, 1, 15))
    report(cast.focal, p, 2024, 4, status=PledgeUpdate.Status.FULFILLED)
    p = get_pledge_for(cast.focal, p.pk)
    rows = pledge_rounds(p, today=dt.date(2025, 3, 1))
    assert [(r.round, r.state) for r in rows] == [(Round(2024, 4), DONE)]


@pytest.mark.django_db
def test_rounds_status_counts_due_and_reported_pledges_as_the_viewer_sees_them(cast):
    started = pledge(cast.focal, "A", pledged_on=dt.date(2024, 1, 15))
    later = pledge(cast.focal, "B", pledged_on=dt.date(2024, 7, 1))
    ended = pledge(cast.focal, "C", pledged_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 5, 31))
    hidden = pledge(cast.focal, "D", pledged_on=dt.date(2024, 1, 1), visibility=3)
    report(cast.focal, started, 2024, 4)
    report(cast.focal, ended, 2024, 6)
    report(cast.focal, hidden, 2024, 4)
    rows = pledge_rounds_status(cast.observer, 2024)
    assert [(r.due_on, r.due, r.reported) for r in rows] == [
        (dt.date(2024, 4, 30), 2, 1),  # A (reported) and C; B not made yet
        (dt.date(2024, 6, 30), 2, 1),  # A, and C (reported, its last round)
        (dt.date(2024, 9, 30), 2, 0),  # A and B
        (dt.date(2024, 12, 31), 2, 0),
    ]
    members = pledge_rounds_status(cast.focal, 2024)
    assert (members[0].due, members[0].reported) == (3, 2)  # D counts for who may see it
    assert [r.due for r in pledge_rounds_status(cast.observer, 2023)] == [0, 0, 0, 0]
    assert later.pk
