"""Read-only report pages: a plan's roadmap and the semi-annual summary. Views only adapt
HTTP to the selectors in roadmap.py and summary.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rumbo.organisations.selectors import working_groups_for
from rumbo.plans.selectors import get_plan_for, plans_for

from .roadmap import plan_roadmap as build_roadmap
from .summary import last_completed_semester, semiannual_figures


def plan_roadmap(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_plan_for(request.user, code)
    roadmap = build_roadmap(request.user, plan)
    return render(request, "tracking/roadmap.html", {"plan": plan, "roadmap": roadmap})


class SemesterForm(forms.Form):
    """The period and scope of the summary, read from the query string (links can be shared).
    Plans and working groups offered are only those the viewer may see."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("Semester"),
        coerce=int,
        choices=[
            (1, _("First semester (January–June)")),
            (2, _("Second semester (July–December)")),
        ],
    )
    plan = forms.ChoiceField(label=_("Plan"), required=False)
    group = forms.ChoiceField(label=_("Working group"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["plan"]).choices = [("", _("All plans"))] + [
            (p.code, f"{p} ({p.period_label})")
            for p in plans_for(user).order_by("-period_start", "code")
        ]
        cast(forms.ChoiceField, self.fields["group"]).choices = [("", _("All working groups"))] + [
            (b.code, str(b)) for b in working_groups_for(user).order_by("code")
        ]


def semiannual_summary(request: HttpRequest) -> HttpResponse:
    year, half = last_completed_semester()
    params = request.GET.copy()
    # An empty or missing period means the last completed semester.
    if not params.get("year"):
        params["year"] = str(year)
    if not params.get("half"):
        params["half"] = str(half)
    form = SemesterForm(params, user=request.user)
    figures = None
    if form.is_valid():
        data = form.cleaned_data
        figures = semiannual_figures(
            request.user,
            data["year"],
            data["half"],
            plan_code=data["plan"] or None,
            group_code=data["group"] or None,
        )
    return render(
        request,
        "tracking/summary.html",
        {"form": form, "figures": figures, "today": timezone.localdate()},
    )
