from django.urls import path

from . import views
from .views_excel import matrix_export, matrix_import, matrix_import_apply, matrix_import_marked
from .views_files import evidence_download
from .views_reports import plan_roadmap, semiannual_summary

urlpatterns = [
    path("matrix/", views.matrix_page, name="matrix"),
    path("matrix/export.xlsx", matrix_export, name="matrix_export"),
    path("matrix/import/", matrix_import, name="matrix_import"),
    path("matrix/import/<str:token>/", matrix_import_apply, name="matrix_import_apply"),
    path(
        "matrix/import/<str:token>/marked.xlsx", matrix_import_marked, name="matrix_import_marked"
    ),
    path("activities/<id:pk>/note/", views.concept_note, name="concept_note"),
    path("activities/<id:pk>/note/edit/", views.concept_note_edit, name="concept_note_edit"),
    path(
        "activities/<id:pk>/note/<str:action>/",
        views.concept_note_decide,
        name="concept_note_decide",
    ),
    path("activities/<id:pk>/progress/", views.progress_create, name="progress_create"),
    path("evidence/<id:pk>/", evidence_download, name="evidence_download"),
    path("plans/<slug:code>/roadmap/", plan_roadmap, name="plan_roadmap"),
    path("summary/", semiannual_summary, name="semiannual_summary"),
]
