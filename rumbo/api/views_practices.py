"""Good practices over the API: published ones for everyone; a participant's own
organisation's too, and every one for the secretariat. Submission, edits and the review's
steps go through rumbo.practices.services (permissions, validation, versions, audit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from rumbo.core.params import RecordIdField
from rumbo.organisations.selectors import organisations_for
from rumbo.practices import services
from rumbo.practices.access import can_review
from rumbo.practices.models import GoodPractice
from rumbo.practices.selectors import (
    PracticeFilters,
    countries_for,
    filter_practices,
    gcm_objectives,
    practices_for,
    published_q,
    topics_for,
)

from .query import CheckedInputMixin, clean_query
from .serializers_practices import (
    GoodPracticeSerializer,
    PracticeReturnSerializer,
    PracticeScheduleSerializer,
    PracticeStepSerializer,
    PracticeSubmitSerializer,
)
from .views_tracking import run_service


class PracticeQuery(forms.Form):
    country = forms.CharField(required=False, help_text="ISO 3166-1 alpha-3 code")
    topic = RecordIdField(required=False, help_text="id of a strategic-plan topic")
    gcm = forms.IntegerField(required=False, min_value=1, max_value=23, help_text="1 to 23")
    gender = forms.NullBooleanField(required=False, help_text="with a gender perspective")
    year = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    published = forms.NullBooleanField(required=False, help_text="published ones only (true)")


class GoodPracticeViewSet(CheckedInputMixin, viewsets.ModelViewSet):
    """Good practices. Anyone reads the published ones; a participant submits one for their
    organisation (POST) and reads and changes it while it is under review; the secretariat
    accepts it or returns it with comments, schedules its publication or publishes it."""

    serializer_class = GoodPracticeSerializer
    filter_form = PracticeQuery
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    # JSON only: in a form-encoded body an empty optional field counts as absent, so a
    # blank organisation code would pass where the schema says it may not.
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[GoodPractice]:
        user = self.request.user
        qs = practices_for(user).order_by("-publish_on", "-submitted_at", "-id")
        if self.action != "list":
            return qs
        query = clean_query(self.request.query_params, PracticeQuery)
        country = topic = gcm = None
        nothing = False
        if query["country"]:
            country = countries_for(user).filter(code=query["country"]).first()
            nothing = nothing or country is None
        if query["topic"]:
            topic = topics_for(user).filter(pk=query["topic"]).first()
            nothing = nothing or topic is None
        if query["gcm"]:
            gcm = gcm_objectives().filter(number=query["gcm"]).first()
        qs = filter_practices(
            qs,
            PracticeFilters(
                country=country,
                topic=topic,
                gcm=gcm,
                gender=query["gender"],
                year=query["year"],
                nothing=nothing,
            ),
        )
        if query["published"] is True:
            qs = qs.filter(published_q())
        return qs

    def get_serializer_class(self) -> Any:
        return PracticeSubmitSerializer if self.action == "create" else GoodPracticeSerializer

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        code = data.pop("organisation_code", None)
        organisation = None
        if code:
            if not can_review(self.request.user):
                raise ApiPermissionDenied
            organisation = organisations_for(self.request.user).filter(code=code).first()
            if organisation is None:
                raise ApiValidationError({"organisation_code": ["No such organisation."]})
        serializer.instance = run_service(
            lambda: services.practice_submit(
                actor=self.request.user, data=data, organisation=organisation
            )
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer: Any) -> None:
        practice = serializer.instance
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise ApiValidationError({"version": ["Send the version that was read."]})
        # A PATCH names what changes; the service takes the whole content.
        current: dict[str, Any] = {
            name: getattr(practice, name) for name in services.CONTENT if name not in services.LINKS
        }
        for name in services.LINKS:
            current[name] = list(getattr(practice, name).all())
        run_service(
            lambda: services.practice_update(
                actor=self.request.user,
                practice=practice,
                data={**current, **data},
                expected_version=version,
            )
        )
        serializer.instance = self.get_queryset().get(pk=practice.pk)

    def _step(self, request: Request, call: Any, body: type[PracticeStepSerializer]) -> Response:
        practice = self.get_object()
        given = body(data=request.data)
        given.is_valid(raise_exception=True)
        run_service(lambda: call(practice, dict(given.validated_data)))
        fresh = self.get_queryset().get(pk=practice.pk)
        return Response(GoodPracticeSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=PracticeStepSerializer, responses=GoodPracticeSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: str) -> Response:
        def call(p: GoodPractice, d: dict[str, Any]) -> Any:
            return services.practice_resubmit(
                actor=request.user, practice=p, expected_version=d["version"]
            )

        return self._step(request, call, PracticeStepSerializer)

    @extend_schema(request=PracticeStepSerializer, responses=GoodPracticeSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        def call(p: GoodPractice, d: dict[str, Any]) -> Any:
            return services.practice_accept(
                actor=request.user, practice=p, expected_version=d["version"]
            )

        return self._step(request, call, PracticeStepSerializer)

    @extend_schema(request=PracticeReturnSerializer, responses=GoodPracticeSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: str) -> Response:
        def call(p: GoodPractice, d: dict[str, Any]) -> Any:
            return services.practice_return(
                actor=request.user,
                practice=p,
                comments=d["comments"],
                expected_version=d["version"],
            )

        return self._step(request, call, PracticeReturnSerializer)

    @extend_schema(request=PracticeScheduleSerializer, responses=GoodPracticeSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str) -> Response:
        def call(p: GoodPractice, d: dict[str, Any]) -> Any:
            return services.practice_schedule(
                actor=request.user,
                practice=p,
                publish_on=d["publish_on"],
                expected_version=d["version"],
            )

        return self._step(request, call, PracticeScheduleSerializer)

    @extend_schema(request=PracticeStepSerializer, responses=GoodPracticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        def call(p: GoodPractice, d: dict[str, Any]) -> Any:
            return services.practice_publish(
                actor=request.user, practice=p, expected_version=d["version"]
            )

        return self._step(request, call, PracticeStepSerializer)
