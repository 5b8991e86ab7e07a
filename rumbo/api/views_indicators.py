"""Indicators over the API, with the pages' rules: what a caller sees comes from the
indicators' readers (an invisible indicator or value is a 404, like a missing one), who may
change what is decided by rumbo.indicators.access, and every change is a service of
rumbo.indicators.services (validation naming the field, version checks: 409 when the record
moved on since it was read, audit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from rumbo.core.params import RecordIdField
from rumbo.indicators import aggregation, periods, services
from rumbo.indicators.access import can_define_indicators
from rumbo.indicators.models import Indicator, Measurement
from rumbo.indicators.selectors import indicators_for, measurements_for, values_queryset
from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import organisations_for

from .query import CheckedInputMixin, clean_query
from .serializers_indicators import (
    VALUE_CONTENT,
    FigureSerializer,
    IndicatorSerializer,
    MeasurementChangeSerializer,
    MeasurementFilesRemoveSerializer,
    MeasurementFilesSerializer,
    MeasurementFilesUploadSerializer,
    MeasurementInputSerializer,
    MeasurementSerializer,
    ReturnSerializer,
    ReviewSerializer,
    TargetTableSerializer,
    figure_data,
)
from .views_tracking import run_service


# Query parameters -----------------------------------------------------------------------------
class CountryFilter(forms.Form):
    country = forms.CharField(
        required=False,
        max_length=3,
        help_text="ISO 3166-1 alpha-3 code of a member country: its figures, not the region's",
    )


class IndicatorFilters(forms.Form):
    plan = forms.CharField(required=False, help_text="plan code")
    kind = forms.ChoiceField(choices=Indicator.Kind.choices, required=False)
    unit = forms.ChoiceField(choices=Indicator.Unit.choices, required=False)


class FigureFilters(IndicatorFilters, CountryFilter):
    pass


class ValueFilters(forms.Form):
    indicator = RecordIdField(required=False, help_text="indicator id")
    plan = forms.CharField(required=False, help_text="plan code")
    country = forms.CharField(
        required=False, max_length=3, help_text="ISO 3166-1 alpha-3 code of a member country"
    )
    period = forms.CharField(required=False, max_length=10, help_text="2024, 2024-S1 or 2024-Q3")
    status = forms.ChoiceField(choices=Measurement.Status.choices, required=False)

    def clean_period(self) -> str:
        code = self.cleaned_data["period"]
        if not code:
            return ""
        try:
            return periods.parse(code).code
        except ValueError as exc:  # PeriodError, or a year the calendar does not have
            raise forms.ValidationError(
                _("“%(code)s” is not a period: write 2024, 2024-S1 or 2024-Q3.") % {"code": code}
            ) from exc


def _country(user: Any, code: str) -> Organisation | None:
    """The member country a filter names (none given: None), or a 400 naming `country`."""
    if not code:
        return None
    found = organisations_for(user).filter(code=code, kind=Organisation.Kind.MEMBER_STATE).first()
    if found is None:
        raise ApiValidationError({"country": [_("No member country has this code.")]})
    return found


def _indicator_filters(qs: QuerySet[Indicator], query: dict[str, Any]) -> QuerySet[Indicator]:
    if query.get("plan"):
        qs = qs.filter(plan__code=query["plan"])
    for name in ("kind", "unit"):
        if query.get(name):
            qs = qs.filter(**{name: query[name]})
    return qs


def _renamed(call: Callable[[], Any], names: dict[str, str]) -> Any:
    """run_service, with the services' internal field names (record ids) given as the API's
    caller wrote them (codes)."""
    try:
        return run_service(call)
    except ApiValidationError as exc:
        if isinstance(exc.detail, dict):
            exc.detail = {names.get(k, k): v for k, v in exc.detail.items()}
        raise


class QueryFormsMixin(CheckedInputMixin):
    """Query parameters of single-record actions, checked like those of lists (and
    documented in the schema from the same forms: rumbo.api.schema)."""

    query_forms: dict[str, type[forms.Form]] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        form = self.query_forms.get(getattr(self, "action", None) or "")
        if form is not None:
            clean_query(request.query_params, form)


# Indicators -----------------------------------------------------------------------------------
class IndicatorViewSet(QueryFormsMixin, viewsets.GenericViewSet):
    """Indicators of the plans the caller may see, with their design and targets. The plan's
    editors create and change them; changing the design once values exist needs a reason."""

    serializer_class = IndicatorSerializer
    filter_form = IndicatorFilters
    query_forms = {"figures": CountryFilter}
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Indicator]:
        qs = (
            indicators_for(self.request.user)
            .prefetch_related("dimensions__categories")
            .order_by("plan__code", "order", "id")
        )
        if self.action == "list":
            qs = _indicator_filters(qs, clean_query(self.request.query_params, IndicatorFilters))
        return qs

    def _read(self, pk: int) -> Response:
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:  # made at a level above the caller's own
            raise NotFound
        return Response(IndicatorSerializer(found).data)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(IndicatorSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(IndicatorSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        body = IndicatorSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("version", None)
        data.pop("reason", None)
        plan = data.pop("plan")
        if not can_define_indicators(request.user, plan):
            raise ApiPermissionDenied
        created = run_service(
            lambda: services.indicator_create(actor=request.user, plan=plan, data=data)
        )
        response = self._read(created.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    def partial_update(self, request: Request, pk: str) -> Response:
        indicator = self.get_object()
        if not can_define_indicators(request.user, indicator.plan):
            raise ApiPermissionDenied
        body = IndicatorSerializer(
            indicator, data=request.data, partial=True, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("plan", None)
        version = data.pop("version")
        reason = data.pop("reason", "")
        run_service(
            lambda: services.indicator_update(
                actor=request.user,
                indicator=indicator,
                data=data,
                expected_version=version,
                reason=reason,
            )
        )
        return self._read(indicator.pk)

    @extend_schema(methods=["GET"], request=None, responses=TargetTableSerializer)
    @extend_schema(methods=["PUT"], request=TargetTableSerializer, responses=TargetTableSerializer)
    @action(detail=True, methods=["get", "put"])
    def targets(self, request: Request, pk: str) -> Response:
        """The target table; PUT replaces it whole (a target left out is removed)."""
        indicator = self.get_object()
        if request.method == "PUT":
            if not can_define_indicators(request.user, indicator.plan):
                raise ApiPermissionDenied
            body = TargetTableSerializer(data=request.data, context=self.get_serializer_context())
            body.is_valid(raise_exception=True)
            rows = body.validated_data["targets"]
            table = {
                (r["period"], r["country"].pk if r["country"] else None): r["value"] for r in rows
            }
            # The service names a country's target by the country's id; the caller, by code.
            names = {
                f"target:{period}:{country.pk}": f"target:{period}:{country.code}"
                for period, country in ((r["period"], r["country"]) for r in rows)
                if country
            }
            _renamed(
                lambda: services.targets_set(
                    actor=request.user,
                    indicator=indicator,
                    targets=table,
                    expected_version=body.validated_data["version"],
                    reason=body.validated_data.get("reason", ""),
                ),
                names,
            )
            indicator = self.get_object()
        table_now = {"version": indicator.version, "targets": list(indicator.targets.all())}
        return Response(TargetTableSerializer(table_now).data)

    @extend_schema(responses=FigureSerializer)
    @action(detail=True, methods=["get"])
    def figures(self, request: Request, pk: str) -> Response:
        """The indicator's figures for the region, or for one country (`country`)."""
        indicator = self.get_object()
        country = _country(
            request.user, clean_query(request.query_params, CountryFilter)["country"]
        )
        [figure] = aggregation.figures(
            request.user, [indicator], country_id=country.pk if country else None
        )
        return Response(FigureSerializer(figure_data(figure, country)).data)


class IndicatorFigureViewSet(CheckedInputMixin, viewsets.GenericViewSet):
    """The figures of many indicators at once (a plan's, with `plan`): one page of
    indicators, aggregated in a fixed number of queries."""

    serializer_class = FigureSerializer
    filter_form = FigureFilters

    def get_queryset(self) -> QuerySet[Indicator]:
        qs = indicators_for(self.request.user).order_by("plan__code", "order", "id")
        return _indicator_filters(qs, clean_query(self.request.query_params, FigureFilters))

    def list(self, request: Request) -> Response:
        query = clean_query(request.query_params, FigureFilters)
        country = _country(request.user, query["country"])
        page = self.paginate_queryset(self.get_queryset()) or []
        found = aggregation.figures(request.user, page, country_id=country.pk if country else None)
        data = [figure_data(figure, country) for figure in found]
        return self.get_paginated_response(FigureSerializer(data, many=True).data)


# Values ---------------------------------------------------------------------------------------
class IndicatorValueViewSet(QueryFormsMixin, viewsets.GenericViewSet):
    """Reported values. Approved values are as visible as their indicator; the others only
    to their country's officials and the secretariat. A focal point records their country's
    values; the secretariat any, and approves them or returns them with comments."""

    serializer_class = MeasurementSerializer
    filter_form = ValueFilters
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Measurement]:
        qs = (
            measurements_for(self.request.user)
            .select_related("indicator__plan")
            .order_by("indicator__plan__code", "indicator__order", "indicator_id", "period", "id")
        )
        if self.action != "list":
            return qs
        query = clean_query(self.request.query_params, ValueFilters)
        if query["indicator"]:
            qs = qs.filter(indicator_id=query["indicator"])
        if query["plan"]:
            qs = qs.filter(indicator__plan__code=query["plan"])
        country = _country(self.request.user, query["country"])
        if country is not None:
            qs = qs.filter(country=country)
        for name in ("period", "status"):
            if query[name]:
                qs = qs.filter(**{name: query[name]})
        return qs

    def _read(self, pk: int) -> dict[str, Any]:
        return dict(MeasurementSerializer(self.get_queryset().get(pk=pk)).data)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MeasurementSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(MeasurementSerializer(self.get_object()).data)

    def _save(
        self,
        *,
        indicator: Indicator,
        period: str,
        country: Organisation | None,
        data: dict[str, Any],
        version: int | None,
        files: Sequence[Any] = (),
        remove_files: Sequence[int] = (),
    ) -> Measurement:
        parts = {
            p["category_id"]: {k: p.get(k) for k in ("value", "numerator", "denominator")}
            for p in data.get("parts", [])
        }
        given = services.ValueInput(
            value=data.get("value"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            text=data.get("text", ""),
            evidence=data.get("evidence", ""),
            comment=data.get("comment", ""),
            breakdown_note=data.get("breakdown_note", ""),
            parts=parts,
        )
        names = {
            f"part:{p['category_id']}": f"part:{p['dimension']}/{p['category']}"
            for p in data.get("parts", [])
        }
        return _renamed(
            lambda: services.measurement_save(
                actor=self.request.user,
                indicator=indicator,
                period=period,
                country=country,
                given=given,
                expected_version=version,
                reason=data.get("reason", ""),
                files=files,
                remove_files=remove_files,
            ),
            names,
        )

    def _current(self, m: Measurement) -> dict[str, Any]:
        """What `m` holds now, as `_save` takes it (a change sends only what changes)."""
        data: dict[str, Any] = {name: getattr(m, name) for name in VALUE_CONTENT}
        data["parts"] = [
            {
                "category_id": p.category_id,
                "dimension": p.category.dimension.code,
                "category": p.category.code,
                **p.as_dict(),
            }
            for p in m.parts.all()
        ]
        return data

    @extend_schema(
        request=MeasurementInputSerializer,
        responses={200: MeasurementSerializer, 201: MeasurementSerializer},
    )
    def create(self, request: Request) -> Response:
        """Record the value of an indicator for a period and a country (null: the region);
        if one is already recorded there, correct it (send the `version` read: 201 or 200)."""
        body = MeasurementInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        indicator, period, country = data["indicator"], data["period"], data["country"]
        existing = (
            values_queryset(request.user)
            .filter(indicator=indicator, period=period, country=country)
            .first()
        )
        if existing is not None and "version" not in data:
            raise ApiValidationError(
                {"version": [_("A value is already recorded here: send the version you read.")]}
            )
        saved = self._save(
            indicator=indicator,
            period=period,
            country=country,
            data=data,
            version=data.get("version"),
        )
        return Response(
            self._read(saved.pk),
            status=status.HTTP_200_OK if existing is not None else status.HTTP_201_CREATED,
        )

    @extend_schema(request=MeasurementChangeSerializer, responses=MeasurementSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Correct a value: the fields sent change, the others stay (`parts`, when sent,
        replaces the whole breakdown)."""
        m = self.get_object()
        if m.country_id is not None and m.country is None:
            raise ApiPermissionDenied  # a country the caller may not see is not theirs
        body = MeasurementChangeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        sent = dict(body.validated_data)
        data = self._current(m)
        data.update(sent)
        saved = self._save(
            indicator=m.indicator,
            period=m.period,
            country=m.country,
            data=data,
            version=sent["version"],
        )
        return Response(self._read(saved.pk))

    @extend_schema(methods=["GET"], request=None, responses=MeasurementFilesSerializer)
    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": MeasurementFilesUploadSerializer,
            "application/json": MeasurementFilesRemoveSerializer,
        },
        responses=MeasurementFilesSerializer,
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, JSONParser])
    def files(self, request: Request, pk: str) -> Response:
        """The value's evidence files (with the id of each) and its version. POST changes
        them as the value's form does: `files` to attach (multipart/form-data, 20 MB at most
        each), `remove_files` (ids) to take off, with the `version` read (409 if the value
        moved on) and, for an approved value or a locked period, a `reason`. One audited
        change of the value, under its rules; all or nothing."""
        m = self.get_object()
        if request.method == "POST":
            if m.country_id is not None and m.country is None:
                raise ApiPermissionDenied  # a country the caller may not see is not theirs
            multipart = (request.content_type or "").startswith("multipart/")
            body = (
                MeasurementFilesUploadSerializer if multipart else MeasurementFilesRemoveSerializer
            )(data=request.data)
            body.is_valid(raise_exception=True)
            sent = body.validated_data
            self._save(
                indicator=m.indicator,
                period=m.period,
                country=m.country,
                data={**self._current(m), "reason": sent.get("reason", "")},
                version=sent["version"],
                files=sent.get("files", []),
                remove_files=sent.get("remove_files", []),
            )
            m = self.get_object()
        listed = {"version": m.version, "files": list(m.files.all())}
        return Response(MeasurementFilesSerializer(listed).data)

    def _step(self, call: Callable[..., Measurement], **kwargs: Any) -> Response:
        m = self.get_object()
        saved = run_service(lambda: call(actor=self.request.user, measurement=m, **kwargs))
        return Response(self._read(saved.pk))

    def _reviewed(self, request: Request, call: Callable[..., Measurement]) -> Response:
        """A review step that takes nothing but the version the person saw."""
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._step(call, expected_version=body.validated_data.get("version"))

    @extend_schema(request=ReviewSerializer, responses=MeasurementSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Send the value to the secretariat for review."""
        return self._reviewed(request, services.measurement_submit)

    @extend_schema(request=ReviewSerializer, responses=MeasurementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """Approve the value: from now on it counts in the figures (the secretariat)."""
        return self._reviewed(request, services.measurement_approve)

    @extend_schema(request=ReturnSerializer, responses=MeasurementSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: str) -> Response:
        """Return the value to its reporter with comments (the secretariat)."""
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._step(
            services.measurement_return,
            comments=body.validated_data["comments"],
            expected_version=body.validated_data.get("version"),
        )
