"""The calendar's occurrences and their statuses: computed from Rumbo's own records where it
holds them, marked by hand otherwise; the visibility rule; freshness; the reminder batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rumbo.core.services import ConflictError
from rumbo.core.visibility import Visibility
from rumbo.meetings.tests.factories import MeetingFactory
from rumbo.obligations import selectors, services
from rumbo.obligations.occurrences import DONE, DUE, LATE
from rumbo.organisations.models import Body
from rumbo.plans.models import Activity
from rumbo.practices.models import GoodPractice
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.tracking.models import ConceptNote

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _occ(user, code, period, debtor_code=None, today=TODAY):
    ob = selectors.get_obligation_for(user, selectors.obligations_for(user).get(code=code).pk)
    for o in selectors.occurrences_for(user, [ob], today=today):
        body = o.debtor.body.code if o.debtor.body is not None else None
        if o.period.code == period and (debtor_code is None or body == debtor_code):
            return o
    return None


def test_the_seeded_obligations_quote_their_sources(seeded):
    pledges = seeded["network-pledge-follow-up"]
    assert pledges.months == [4, 6, 9, 12]
    assert "Abril, junio, septiembre, diciembre" in pledges.quote_es
    assert pledges.source_es.endswith("actividad 1.3")
    assert "semi anualmente" in seeded["se-semiannual-report-grcm"].quote_es
    assert "Compromisos logrados, en proceso y pendientes" in seeded["ppt-annual-report"].quote_es
    assert seeded["working-group-two-meetings"].times == 2
    assert "Una práctica por mes" in seeded["network-practice-a-month"].quote_es
    # What the text leaves open is said, never silently filled in.
    assert all(ob.assumption_es for ob in seeded.values())


def test_two_meetings_held_in_the_year_make_a_group_done(cast, bodies):
    MeetingFactory(body=bodies.wg_lab, start_date=dt.date(2024, 3, 1))
    MeetingFactory(body=bodies.wg_lab, start_date=dt.date(2024, 9, 1))
    MeetingFactory(body=bodies.wg_prot, start_date=dt.date(2024, 9, 1))
    # A planned meeting is not a meeting held.
    MeetingFactory(body=bodies.wg_prot, start_date=dt.date(2024, 10, 1), status="planned")
    after = dt.date(2025, 1, 15)
    lab = _occ(cast.wg, "working-group-two-meetings", "2024", "WG-LAB", today=after)
    prot = _occ(cast.wg, "working-group-two-meetings", "2024", "WG-PROT", today=after)
    assert (lab.status, lab.evidence) == (DONE, "2 reuniones realizadas")
    assert (prot.status, prot.evidence) == (LATE, "1 reunión realizada")


def test_a_good_practice_published_in_the_month_fulfils_the_month(cast):
    GoodPractice.objects.create(
        title_es="Práctica",
        summary_es="Resumen",
        organisation=cast.observer.organisation,
        submitted_by=cast.observer,
        status=GoodPractice.Status.PUBLISHED,
        publish_on=dt.date(2024, 3, 15),
    )
    assert _occ(cast.public, "network-practice-a-month", "2024-03").status == DONE
    assert _occ(cast.public, "network-practice-a-month", "2024-04").status == LATE


def test_a_concept_note_submitted_before_the_activity_fulfils_it(cast):
    plan = PlanFactory(code="ppt-2024")
    on_time, too_late, none = (
        ActivityFactory(
            plan=plan,
            code=code,
            start_date=dt.date(2024, 6, 10),
            start_precision=Activity.Precision.DAY,
        )
        for code in ("T1", "T2", "T3")
    )
    # A start given as a month is not a day: nothing falls due on a guess.
    ActivityFactory(plan=plan, code="T4", start_date=dt.date(2024, 6, 1), start_precision="month")
    moment = timezone.make_aware(dt.datetime(2024, 6, 1, 12))
    ConceptNote.objects.create(activity=on_time, status="submitted", submitted_at=moment)
    later = timezone.make_aware(dt.datetime(2024, 6, 20, 12))
    ConceptNote.objects.create(activity=too_late, status="approved", submitted_at=later)
    found = {
        o.subject.code: o.status
        for o in selectors.occurrences_for(cast.secretariat, today=TODAY)
        if o.obligation.code == "concept-note-before-activity" and o.subject.plan_id == plan.pk
    }
    assert found == {"T1": DONE, "T2": LATE, "T3": LATE}
    assert none.pk  # the third activity has no note at all
    # Concept notes are members-only: so is the obligation about them.
    assert (
        not selectors.obligations_for(cast.observer)
        .filter(code="concept-note-before-activity")
        .exists()
    )


def test_the_one_who_owes_it_marks_it_done_and_a_stale_form_is_refused(cast):
    occ = _occ(cast.secretariat, "se-semiannual-report-grcm", "2024-S1")
    assert occ.status == LATE
    with pytest.raises(PermissionDenied):
        services.fulfilment_record(
            actor=cast.focal, occurrence=occ, data={"done_on": dt.date(2024, 7, 20), "note": "x"}
        )
    done = services.fulfilment_record(
        actor=cast.secretariat,
        occurrence=occ,
        data={"done_on": dt.date(2024, 7, 20), "link": "https://example.org/informe"},
    )
    assert _occ(cast.public, "se-semiannual-report-grcm", "2024-S1").status == DONE
    assert done.version == 1
    # A second form opened before the first was saved: refused, not overwritten.
    with pytest.raises(ConflictError):
        services.fulfilment_record(
            actor=cast.secretariat,
            occurrence=occ,  # read when it was not marked yet
            data={"done_on": dt.date(2024, 7, 25), "note": "otra"},
        )
    fresh = _occ(cast.secretariat, "se-semiannual-report-grcm", "2024-S1")
    services.fulfilment_record(
        actor=cast.secretariat,
        occurrence=fresh,
        data={"done_on": dt.date(2024, 7, 21), "link": "https://example.org/informe"},
        expected_version=1,
    )
    with pytest.raises(ConflictError):
        services.fulfilment_record(
            actor=cast.secretariat,
            occurrence=fresh,
            data={"done_on": dt.date(2024, 7, 22), "link": "https://example.org/informe"},
            expected_version=1,
        )


def test_a_presidency_marks_only_its_own_year(cast):
    # PPT-2023 is Panama's presidency: Panama's PPT officials owe the 2023 work plan.
    occ = _occ(cast.ppt, "ppt-annual-work-plan", "2023")
    assert occ.debtor.key == ("country", cast.ppt.organisation_id)
    services.fulfilment_record(
        actor=cast.ppt, occurrence=occ, data={"done_on": dt.date(2023, 1, 20), "note": "Plan"}
    )
    other = _occ(cast.ppt, "ppt-annual-work-plan", "2024")
    assert other.debtor.key[0] == "presidency"  # no presidency recorded for 2024
    with pytest.raises(PermissionDenied):
        services.fulfilment_record(
            actor=cast.ppt, occurrence=other, data={"done_on": dt.date(2024, 1, 20), "note": "x"}
        )


def test_a_closed_groups_occurrences_and_fulfilments_never_reach_lower_roles(cast, closed_group):
    occ = _occ(cast.secretariat, "working-group-reports-grcm", "2024", "WG-CLOSED")
    f = services.fulfilment_record(
        actor=cast.secretariat,
        occurrence=occ,
        data={"done_on": dt.date(2024, 11, 1), "note": "CANARY informe"},
    )
    assert f.visibility == Visibility.MEMBERS
    for user in (cast.public, cast.civil, cast.observer):
        found = selectors.occurrences_for(user, today=TODAY)
        assert not [o for o in found if o.debtor.body == closed_group]
        assert not selectors.fulfilments_for(user).filter(pk=f.pk).exists()
    assert selectors.fulfilments_for(cast.focal).filter(pk=f.pk).exists()


def test_freshness_counts_what_came_due_and_what_is_done(cast, bodies):
    MeetingFactory(body=bodies.wg_lab, start_date=dt.date(2024, 3, 1))
    MeetingFactory(body=bodies.wg_lab, start_date=dt.date(2024, 4, 1))
    # WG-LAB in 2024 (up to TODAY, 31 December, the last day of its year): the meetings are
    # done; its 2024 report to the GRCM is due that day, not late yet; its 2023 ones came due
    # on 31 December 2023, more than a year before. So: 1 of 1.
    fresh = selectors.freshness_for(cast.wg, body=bodies.wg_lab, today=TODAY)
    assert (fresh.done, fresh.due, fresh.percent) == (0, 0, None)
    later = dt.date(2025, 1, 15)
    fresh = selectors.freshness_for(cast.wg, body=bodies.wg_lab, today=later)
    assert (fresh.done, fresh.due, fresh.percent) == (1, 2, 50)
    assert [o.obligation.code for o in fresh.late] == ["working-group-reports-grcm"]


def test_a_countrys_freshness_adds_its_indicator_values(cast, orgs):
    fresh = selectors.freshness_for(cast.focal, country=orgs.pan, today=dt.date(2024, 1, 15))
    # Panama held the 2023 presidency: its 2023 work plan (due 31 January 2023) came due in
    # the last year and is not marked; the values part counts as one.
    assert "ppt-annual-work-plan" in [o.obligation.code for o in fresh.late]
    assert fresh.done == 0
    assert fresh.values_missing is not None
    assert fresh.parts == fresh.due + 1


def test_freshness_reads_a_fixed_number_of_queries(cast, bodies, django_assert_max_num_queries):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            selectors.freshness_for(cast.focal, country=cast.focal.organisation, today=TODAY)
            selectors.freshness_for(cast.focal, body=bodies.wg_lab, today=TODAY)
        return len(ctx.captured_queries)

    before = count()
    for n in range(5):
        MeetingFactory(body=bodies.wg_lab, start_date=dt.date(2024, 1 + n, 1))
        BodyFactory_group(f"WG-X{n}")
    plan = PlanFactory(code="more")
    for n in range(5):
        ActivityFactory(
            plan=plan, start_date=dt.date(2024, 5, 1 + n), start_precision=Activity.Precision.DAY
        )
    assert count() == before


def BodyFactory_group(code: str) -> Body:
    from rumbo.testing.factories import BodyFactory

    BodyFactory(code=code, kind=Body.Kind.WORKING_GROUP, active_from=2023)
    return Body.objects.get(code=code)


def test_owed_by_groups_groups_what_is_not_done_by_who_owes_it(
    cast, bodies, closed_group, django_assert_max_num_queries
):
    # Ten, and two for each year of pledge follow-up rounds (2023 and 2024): what grows is
    # the span of the obligations, never the number of records.
    with django_assert_max_num_queries(14):
        owed = selectors.owed_by_groups(TODAY, 31)
    # The reminder job sees everything, closed groups too.
    assert ("body", closed_group.pk) in owed
    assert ("secretariat", 0) in owed
    assert ("body", bodies.wg_lab.pk) in owed
    assert all(not o.done for occs in owed.values() for o in occs)
    assert all(
        TODAY - dt.timedelta(days=365) <= o.due <= TODAY + dt.timedelta(days=31)
        for occs in owed.values()
        for o in occs
    )
    assert {o.status for occs in owed.values() for o in occs} <= {DUE, LATE}


def test_a_pledge_round_is_done_when_every_pledge_owing_an_update_got_one(cast):
    """The UN Network's quarterly monitoring of pledges, from the pledges themselves: a round
    is done when each pledge due in it was updated; a round no pledge owed is left to be
    marked by hand."""
    from rumbo.pledges.tests.factories import pledge, report

    first = pledge(cast.secretariat, "Compromiso A", pledged_on=dt.date(2024, 1, 15))
    second = pledge(cast.secretariat, "Compromiso B", pledged_on=dt.date(2024, 5, 2))
    report(cast.secretariat, first, 2024, 4)
    report(cast.secretariat, first, 2024, 6)
    report(cast.secretariat, second, 2024, 6)
    report(cast.secretariat, first, 2024, 9)
    april = _occ(cast.secretariat, "network-pledge-follow-up", "2024-04")
    june = _occ(cast.secretariat, "network-pledge-follow-up", "2024-06")
    september = _occ(cast.secretariat, "network-pledge-follow-up", "2024-09")
    before = _occ(cast.secretariat, "network-pledge-follow-up", "2023-12")
    assert (april.status, june.status) == (DONE, DONE)
    assert september.status == LATE  # the second pledge owed an update too
    assert "1 de 2" in september.evidence or "1 of 2" in september.evidence
    assert before.status == LATE and not before.computed_done  # no pledge yet: by hand
