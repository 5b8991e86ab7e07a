from django.urls import path

from . import views

urlpatterns = [
    path("plans/<slug:code>/iati.xml", views.plan_iati, name="plan_iati"),
]
