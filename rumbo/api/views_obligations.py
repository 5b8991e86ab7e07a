"""The calendar of obligations over the API (read-only): the obligations a caller may see,
each with its occurrences up to the coming months and their statuses (done, due, late).
Marking an occurrence done is done on its page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.response import Response

from rumbo.obligations.models import Obligation
from rumbo.obligations.selectors import obligations_for, occurrences_for

from .query import CheckedInputMixin, clean_query
from .serializers_obligations import ObligationSerializer


class ObligationQuery(forms.Form):
    debtor = forms.ChoiceField(choices=Obligation.Debtor.choices, required=False)
    body = forms.CharField(required=False, help_text="code of the body that owes it")


class ObligationViewSet(CheckedInputMixin, viewsets.ReadOnlyModelViewSet):
    """Obligations the plans set, with their occurrences and statuses; the fulfilments shown
    are those the caller may see (as visible as the body the obligation concerns)."""

    serializer_class = ObligationSerializer
    filter_form = ObligationQuery

    def get_queryset(self) -> QuerySet[Obligation]:
        qs = obligations_for(self.request.user).order_by("code")
        if self.action != "list":
            return qs
        query = clean_query(self.request.query_params, ObligationQuery)
        if query["debtor"]:
            qs = qs.filter(debtor=query["debtor"])
        if query["body"]:
            qs = qs.filter(body__code=query["body"])
        return qs

    def _context_for(self, obligations: list[Obligation]) -> dict[str, Any]:
        found: dict[int, list[Any]] = {}
        for o in occurrences_for(self.request.user, obligations):
            found.setdefault(o.obligation.pk, []).append(o)
        return {**self.get_serializer_context(), "occurrences": found}

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = list(page if page is not None else self.get_queryset())
        data = ObligationSerializer(rows, many=True, context=self._context_for(rows)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        ob = self.get_object()
        return Response(ObligationSerializer(ob, context=self._context_for([ob])).data)
