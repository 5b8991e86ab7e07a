from django.urls import URLPattern, URLResolver, path

from .views_excel import (
    indicator_import,
    indicator_import_apply,
    indicator_import_marked,
    indicator_template,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("indicators/template/", indicator_template, name="indicator_template"),
    path("indicators/import/", indicator_import, name="indicator_import"),
    path("indicators/import/<str:token>/", indicator_import_apply, name="indicator_import_apply"),
    path(
        "indicators/import/<str:token>/marked.xlsx",
        indicator_import_marked,
        name="indicator_import_marked",
    ),
]
