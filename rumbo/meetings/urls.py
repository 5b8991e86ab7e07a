from django.urls import path

from . import views
from .urls_agreements import urlpatterns as agreement_urls

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<id:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "meeting-documents/<id:pk>/",
        views.meeting_document_download,
        name="meeting_document_download",
    ),
    *agreement_urls,
]
