from django.urls import path

from massage import converters  # noqa: F401 (registers <id:...> and <token:...>)
from sessions import views

app_name = "sessions"

urlpatterns = [
    path(
        "babies/<id:baby_id>/routines/<slug:slug>/start/",
        views.session_start,
        name="session-start",
    ),
    path(
        "babies/<id:baby_id>/routines/<slug:slug>/offline/",
        views.session_offline_player,
        name="session-offline-player",
    ),
    path(
        "routines/<id:routine_id>/figures/<token:version>/",
        views.routine_figures,
        name="routine-figures",
    ),
    path("sessions/<id:session_id>/", views.session_player, name="session-player"),
    path("sessions/<id:session_id>/progress/", views.session_progress, name="session-progress"),
    path("sessions/<id:session_id>/step/", views.session_step, name="session-step"),
    path("sessions/<id:session_id>/finish/", views.session_finish, name="session-finish"),
    path("sessions/<id:session_id>/summary/", views.session_summary, name="session-summary"),
    path("sessions/<id:session_id>/note/", views.session_note, name="session-note"),
    path("families/<id:family_id>/reminders/", views.reminder_edit, name="reminder-edit"),
    path("families/<id:family_id>/reminders/off/", views.reminder_off, name="reminder-off"),
    path(
        "reminders/unsubscribe/<token:token>/",
        views.reminder_unsubscribe,
        name="reminder-unsubscribe",
    ),
]
