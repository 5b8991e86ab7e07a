"""Meetings API: list and read the meetings the caller may see (filters: body, kind, year);
create and change them with the pages' permissions, version checks and audit."""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from rumbo.meetings import services
from rumbo.meetings.access import can_manage_meetings
from rumbo.meetings.models import Meeting
from rumbo.meetings.selectors import filter_meetings, meetings_with_parts_for

from .query import CheckedInputMixin, clean_query
from .serializers_meetings import MeetingSerializer
from .views_tracking import run_service


class MeetingFilters(forms.Form):
    body = forms.CharField(required=False, help_text="body code")
    kind = forms.ChoiceField(choices=Meeting.Kind.choices, required=False)
    year = forms.IntegerField(
        min_value=1900, max_value=2200, required=False, help_text="year the meeting starts"
    )


class MeetingViewSet(
    CheckedInputMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings and events of the bodies. PATCH sends the `version` that was read (409 if the
    meeting changed since); `agenda` and `participants`, when sent, replace the whole list."""

    serializer_class = MeetingSerializer
    filter_form = MeetingFilters
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = meetings_with_parts_for(self.request.user).order_by("-start_date", "-id")
        if self.action != "list":
            return qs
        chosen = clean_query(self.request.query_params, MeetingFilters)
        return filter_meetings(
            qs, body=chosen.get("body"), kind=chosen.get("kind"), year=chosen.get("year")
        )

    # The serializer is always this viewset's serializer_class.
    def perform_create(self, serializer: MeetingSerializer) -> None:  # type: ignore[override]
        data = serializer.meeting_data()
        if not can_manage_meetings(self.request.user, data.get("body")):
            raise ApiPermissionDenied
        agenda, people = serializer.parts()
        meeting = run_service(
            lambda: services.meeting_create(
                actor=self.request.user, data=data, agenda=agenda or (), participants=people or ()
            )
        )
        serializer.instance = self.get_queryset().get(pk=meeting.pk)

    def perform_update(self, serializer: MeetingSerializer) -> None:  # type: ignore[override]
        meeting: Any = serializer.instance
        if not can_manage_meetings(self.request.user, meeting.body):
            raise ApiPermissionDenied
        agenda, people = serializer.parts()
        version = serializer.validated_data.get("version")
        run_service(
            lambda: services.meeting_update(
                actor=self.request.user,
                meeting=meeting,
                data=serializer.meeting_data(),
                expected_version=version,
                agenda=agenda,
                participants=people,
            )
        )
        serializer.instance = self.get_queryset().get(pk=meeting.pk)
