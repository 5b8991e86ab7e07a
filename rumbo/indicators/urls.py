"""The evaluation pages: indicators and their values, dashboards, the Excel template."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("rumbo.indicators.urls_pages")),
    path("", include("rumbo.indicators.urls_dashboards")),
    path("", include("rumbo.indicators.urls_excel")),
]
