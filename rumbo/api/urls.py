from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("elements", views.PlanElementViewSet, basename="element")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("organisations", views.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
