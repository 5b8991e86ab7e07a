"""The matrix page's columns and sortable headers, read from the request's query string."""

from __future__ import annotations

from django import template

from ..matrix import MatrixFilters
from ..matrix_layout import Layout, layout

register = template.Library()


@register.simple_tag(takes_context=True)
def matrix_layout(context: template.Context) -> Layout:
    """`{% matrix_layout as layout %}`: the columns shown and the headers of the table."""
    filters = context.get("filters") or MatrixFilters()
    return layout(context["request"].GET, filters)
