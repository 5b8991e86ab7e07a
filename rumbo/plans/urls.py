from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<slug:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<slug:code>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<slug:code>/elements/new/", views.element_create, name="element_create"),
    path("plans/<slug:code>/activities/new/", views.activity_create, name="activity_create"),
    path("elements/<id:pk>/edit/", views.element_edit, name="element_edit"),
    path("activities/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<id:pk>/edit/", views.activity_edit, name="activity_edit"),
]
