from django.urls import path

from . import views

urlpatterns = [
    path("pledges/", views.pledge_list, name="pledge_list"),
    path("pledges/pledges.csv", views.pledge_list, {"fmt": "csv"}, name="pledge_list_csv"),
    path("pledges/pledges.xlsx", views.pledge_list, {"fmt": "xlsx"}, name="pledge_list_xlsx"),
    path("pledges/new/", views.pledge_create, name="pledge_create"),
    path("pledges/<id:pk>/", views.pledge_detail, name="pledge_detail"),
    path("pledges/<id:pk>/edit/", views.pledge_edit, name="pledge_edit"),
    path(
        "pledges/<id:pk>/rounds/<year:year>-<month:month>/",
        views.pledge_round,
        name="pledge_round",
    ),
    path("pledges/files/<id:pk>/", views.pledge_file_download, name="pledge_file_download"),
]
