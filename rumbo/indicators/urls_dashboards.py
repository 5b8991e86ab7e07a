from django.urls import URLPattern, URLResolver, path

from . import views_dashboards as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("plans/<slug:code>/dashboard/", views.plan_dashboard, name="plan_dashboard"),
    path("bodies/<slug:code>/dashboard/", views.body_dashboard, name="body_dashboard"),
    path("countries/<slug:code>/", views.country_page, name="country_page"),
    path("dashboards/map/", views.country_map, name="country_map"),
]
