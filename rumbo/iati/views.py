"""The IATI file of a plan, for anyone: it is the public's view whoever asks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from .builder import plan_xml
from .selectors import get_public_plan, plan_export


def plan_iati(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_public_plan(code)
    response = HttpResponse(plan_xml(plan_export(plan)), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-iati.xml"'
    return response
