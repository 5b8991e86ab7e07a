"""Pledges over the API, read only: the pledges the caller may see (filters: organisation,
GCM objective, progress, year pledged), each with its rounds done, due or late. Pledges and
round updates are written through the pages (rumbo.pledges.services)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from rest_framework import viewsets

from rumbo.pledges.models import Pledge, PledgeUpdate
from rumbo.pledges.selectors import (
    NOT_REPORTED,
    PledgeFilters,
    filter_pledges,
    gcm_objectives,
    pledges_for,
    pledging_organisations_for,
)

from .query import CheckedInputMixin, clean_query
from .serializers_pledges import PledgeSerializer


class PledgeQuery(forms.Form):
    organisation = forms.CharField(required=False, help_text="code of the pledging organisation")
    gcm = forms.IntegerField(required=False, min_value=1, max_value=23, help_text="1 to 23")
    progress = forms.ChoiceField(
        required=False,
        choices=[("", ""), *PledgeUpdate.Status.choices, (NOT_REPORTED, NOT_REPORTED)],
        help_text="progress reported by the latest round",
    )
    year = forms.IntegerField(
        required=False, min_value=1990, max_value=2100, help_text="year pledged"
    )


class PledgeViewSet(CheckedInputMixin, viewsets.ReadOnlyModelViewSet):
    """Pledges: who pledged what (an amount in a currency and/or in kind), linked activities,
    plan actions and indicators, and the quarterly rounds (April, June, September, December)
    with each round's update."""

    serializer_class = PledgeSerializer
    filter_form = PledgeQuery

    def get_queryset(self) -> QuerySet[Pledge]:
        user = self.request.user
        qs = pledges_for(user).order_by("-pledged_on", "-id")
        if self.action != "list":
            return qs
        query = clean_query(self.request.query_params, PledgeQuery)
        organisation = gcm = None
        nothing = False
        if query["organisation"]:
            organisation = (
                pledging_organisations_for(user).filter(code=query["organisation"]).first()
            )
            nothing = organisation is None
        if query["gcm"]:
            gcm = gcm_objectives().filter(number=query["gcm"]).first()
        return filter_pledges(
            qs,
            PledgeFilters(
                organisation=organisation,
                gcm=gcm,
                status=query["progress"] or "",
                year=query["year"],
                nothing=nothing,
            ),
        )
