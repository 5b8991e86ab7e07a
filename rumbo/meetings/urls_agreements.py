"""Agreements adopted at meetings and their country follow-up grid: pages and downloads."""

from django.urls import path

from . import views_agreements as A

urlpatterns = [
    path("meetings/<id:pk>/agreements/new/", A.agreement_create, name="agreement_create"),
    path("agreements/<id:pk>/", A.agreement_detail, name="agreement_detail"),
    path("agreements/<id:pk>/edit/", A.agreement_edit, name="agreement_edit"),
    path("agreements/<id:pk>/follow-up/<slug:code>/", A.follow_up_edit, name="follow_up_edit"),
    path("meetings/<id:pk>/follow-up/", A.meeting_follow_up, name="meeting_follow_up"),
    path(
        "meetings/<id:pk>/follow-up.csv",
        A.meeting_follow_up,
        {"fmt": "csv"},
        name="meeting_follow_up_csv",
    ),
    path(
        "meetings/<id:pk>/follow-up.xlsx",
        A.meeting_follow_up,
        {"fmt": "xlsx"},
        name="meeting_follow_up_xlsx",
    ),
    path("bodies/<slug:code>/follow-up/", A.body_follow_up, name="body_follow_up"),
    path("countries/<slug:code>/follow-up/", A.country_follow_up_page, name="country_follow_up"),
    path(
        "bodies/<slug:code>/follow-up.csv",
        A.body_follow_up,
        {"fmt": "csv"},
        name="body_follow_up_csv",
    ),
    path(
        "bodies/<slug:code>/follow-up.xlsx",
        A.body_follow_up,
        {"fmt": "xlsx"},
        name="body_follow_up_xlsx",
    ),
]
