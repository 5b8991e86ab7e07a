"""Synthetic meetings for tests (never mixed with the seed data)."""

from __future__ import annotations

import datetime as dt

import factory

from rumbo.meetings.models import Meeting


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.MEETING
    title_es = factory.Sequence(lambda n: f"Reunión sintética {n}")
    title_en = factory.Sequence(lambda n: f"Synthetic meeting {n}")
    status = Meeting.Status.HELD
    start_date = dt.date(2030, 5, 5)
