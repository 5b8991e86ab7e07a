"""Pagination of every API list: `limit` and `offset`, checked.

DRF's LimitOffsetPagination sends any `limit` to the database when no maximum is set (one
past the 64-bit range is a server error, and a large one a very long answer), and silently
replaces a malformed or negative one by the default. Here a larger limit is capped at
MAX_LIMIT, as the schema says, and a value that is not a whole number in range is refused
with 400 naming the parameter. An offset past the end gives an empty page: DRF never sends
it to the database."""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework import pagination
from rest_framework.request import Request

from .query import clean_query

MAX_LIMIT = 500


class PageQuery(forms.Form):
    limit = forms.IntegerField(min_value=1, required=False)
    offset = forms.IntegerField(min_value=0, required=False)


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        limit = clean_query(request.query_params, PageQuery)["limit"]
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        return clean_query(request.query_params, PageQuery)["offset"] or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Number of results to return per page: {self.default_limit} if not "
                    f"given, at most {self.max_limit} (a larger number gives {self.max_limit})."
                )
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"]["minimum"] = 0
        return parameters
