from django.urls import path

from . import views

urlpatterns = [
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/new/", views.practice_submit, name="practice_submit"),
    path("practices/review/", views.practice_review, name="practice_review"),
    path("practices/mine/", views.practice_mine, name="practice_mine"),
    path("practices/per-month/", views.practice_monthly, name="practice_monthly"),
    path("practices/<id:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<id:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("practices/<id:pk>/<str:action>/", views.practice_step, name="practice_step"),
    path("practices/files/<id:pk>/", views.practice_file_download, name="practice_file_download"),
]
