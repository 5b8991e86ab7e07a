from django.urls import path

from . import views

urlpatterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<id:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<id:pk>/download/", views.job_download, name="job_download"),
    path("jobs/<id:pk>/again/", views.job_run_again, name="job_run_again"),
]
