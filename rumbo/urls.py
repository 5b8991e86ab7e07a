from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from rumbo.api.docs import api_docs
from rumbo.reminders.urls import feed_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/", include("rumbo.api.urls")),
    path("", include(feed_urlpatterns)),  # a person's calendar feed: one address in any language
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("api/", api_docs, name="api_docs"),  # the API's page for people, in their language
    path("", include("rumbo.core.urls")),
    path("", include("rumbo.organisations.urls")),
    path("", include("rumbo.plans.urls")),
    path("", include("rumbo.iati.urls")),
    path("", include("rumbo.tracking.urls")),
    path("", include("rumbo.indicators.urls")),
    path("", include("rumbo.practices.urls")),
    path("", include("rumbo.pledges.urls")),
    path("", include("rumbo.meetings.urls")),
    path("", include("rumbo.approvals.urls")),
    path("", include("rumbo.obligations.urls")),
    path("", include("rumbo.reminders.urls")),
    path("", include("rumbo.jobs.urls")),
    path("", include("rumbo.reports.urls")),
    prefix_default_language=True,
)

handler404 = "rumbo.api.errors.not_found"  # JSON under /api/
