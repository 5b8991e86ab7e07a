from django.urls import path

from . import views

urlpatterns = [
    path("obligations/", views.obligation_calendar, name="obligation_calendar"),
    path("obligations/<id:pk>/", views.obligation_detail, name="obligation_detail"),
    path("obligations/<id:pk>/fulfil/", views.fulfil, name="obligation_fulfil"),
    path(
        "obligations/files/<id:pk>/",
        views.fulfilment_file_download,
        name="obligation_file_download",
    ),
    path("bodies/<slug:code>/obligations/", views.body_obligations, name="body_obligations"),
    path(
        "countries/<slug:code>/obligations/",
        views.country_obligations,
        name="country_obligations",
    ),
]
