"""Indicator pages: the plan's indicators, one indicator, its definition and targets, the
forms that report a value, the focal point's list and the secretariat's review."""

from django.urls import URLPattern, URLResolver, path

from . import views, views_files, views_values

urlpatterns: list[URLPattern | URLResolver] = [
    path("plans/<slug:code>/indicators/", views.indicator_list, name="indicator_list"),
    path("plans/<slug:code>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("plans/<slug:code>/periods/lock/", views_values.period_lock, name="period_lock"),
    path("plans/<slug:code>/periods/unlock/", views_values.period_unlock, name="period_unlock"),
    path("indicators/report/", views_values.report_values, name="indicator_report"),
    path("indicators/review/", views_values.review, name="indicator_review"),
    path("indicators/<id:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<id:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<id:pk>/targets/", views.indicator_targets, name="indicator_targets"),
    path(
        "indicators/<id:pk>/values/<str:period>/<slug:country>/",
        views_values.value_edit,
        name="value_edit",
    ),
    path(
        "indicators/files/<id:pk>/",
        views_files.measurement_file_download,
        name="measurement_file_download",
    ),
    path(
        "indicator-values/<id:pk>/<slug:action>/",
        views_values.value_decide,
        name="value_decide",
    ),
]
