from django.urls import path

from . import views

urlpatterns = [path("reports/new/", views.report_request, name="report_request")]
