from django.urls import path

from . import views

urlpatterns = [
    path("approvals/", views.question_list, name="approval_list"),
    path("approvals/new/", views.question_open, name="approval_open"),
    path("approvals/<id:pk>/", views.question_detail, name="approval_detail"),
    path("approvals/<id:pk>/position/", views.position_record, name="approval_position"),
    path("approvals/<id:pk>/settle/", views.question_settle, name="approval_settle"),
    path("approval-files/<id:pk>/", views.approval_file_download, name="approval_file_download"),
]
