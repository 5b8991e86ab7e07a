from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/", include("rumbo.api.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("rumbo.core.urls")),
    path("", include("rumbo.organisations.urls")),
    path("", include("rumbo.plans.urls")),
    path("", include("rumbo.tracking.urls")),
    prefix_default_language=True,
)

handler404 = "rumbo.api.errors.not_found"  # JSON under /api/
