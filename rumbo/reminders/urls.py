from django.urls import path

from . import views

# Pages, under the language prefix.
urlpatterns = [
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("bodies/<slug:code>/calendar.ics", views.body_calendar, name="body_calendar"),
]

# A person's feed: one address whatever the language (the feed is in the person's own).
feed_urlpatterns = [
    path("calendar/<str:token>.ics", views.personal_calendar, name="personal_calendar"),
]
