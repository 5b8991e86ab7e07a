from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import (
    docs,
    views,
    views_agreements,
    views_approvals,
    views_indicators,
    views_meetings,
    views_obligations,
    views_pledges,
    views_practices,
    views_tracking,
)

router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("elements", views.PlanElementViewSet, basename="element")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("matrix", views_tracking.MatrixViewSet, basename="matrix-row")
router.register("concept-notes", views_tracking.ConceptNoteViewSet, basename="concept-note")
router.register(
    "progress-updates", views_tracking.ProgressUpdateViewSet, basename="progress-update"
)
router.register("indicators", views_indicators.IndicatorViewSet, basename="indicator")
router.register(
    "indicator-values", views_indicators.IndicatorValueViewSet, basename="indicator-value"
)
router.register(
    "indicator-figures", views_indicators.IndicatorFigureViewSet, basename="indicator-figure"
)
router.register("good-practices", views_practices.GoodPracticeViewSet, basename="good-practice")
router.register("meetings", views_meetings.MeetingViewSet, basename="meeting")
router.register("pledges", views_pledges.PledgeViewSet, basename="pledge")
router.register("agreements", views_agreements.AgreementViewSet, basename="agreement")
router.register("approvals", views_approvals.ApprovalQuestionViewSet, basename="approval")
router.register("obligations", views_obligations.ObligationViewSet, basename="obligation")

urlpatterns = [
    path("", docs.api_home, name="api-home"),  # the page for people, in their language
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
