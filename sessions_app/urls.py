"""Mounted at the site's root (mentoring/urls.py): the sessions' pages under "sessions/", and
the one-click "put this goal on a session's agenda" beside the goal pages under "programmes/"
(goals sit below sessions and cannot reach them)."""

from django.urls import include, path

from sessions_app.views import (
    agenda,
    availability,
    booking,
    calendars,
    feed,
    goal_agenda,
    reminders,
    series,
)

app_name = "sessions_app"

urlpatterns = [
    path(
        "sessions/",
        include(
            [
                *availability.urlpatterns,
                *booking.urlpatterns,
                *series.urlpatterns,
                *agenda.urlpatterns,
                *feed.urlpatterns,
                *calendars.urlpatterns,
                *reminders.urlpatterns,
            ]
        ),
    ),
    path("programmes/", include(goal_agenda.urlpatterns)),
]
