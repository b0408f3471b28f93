from django.urls import path

from cues.views import cue_log, export, icons, review, sync, teaching
from massage import converters  # noqa: F401 (registers <id:...> and <token:...>)

app_name = "cues"

urlpatterns = [
    # The phone's outbox: everything queued while offline, in one request.
    path("sync/", sync.outbox_sync, name="outbox-sync"),
    path("cues/icons/<token:version>/", icons.cue_icons, name="cue-icons"),
    path("sessions/<id:session_id>/cues/", cue_log.cue_create, name="cue-create"),
    path(
        "sessions/<id:session_id>/cues/<uuid:client_id>/undo/",
        cue_log.cue_undo,
        name="cue-undo",
    ),
    path(
        "sessions/<id:session_id>/cues/<uuid:client_id>/response/",
        cue_log.cue_respond,
        name="cue-respond",
    ),
    path(
        "sessions/<id:session_id>/cues/<uuid:client_id>/note/",
        review.cue_note,
        name="cue-note",
    ),
    path("sessions/<id:session_id>/review/", review.session_review, name="session-review"),
    path("babies/<id:baby_id>/history/", review.baby_history, name="baby-history"),
    path("babies/<id:baby_id>/report/", export.baby_report, name="baby-report"),
    path("families/<id:family_id>/export.csv", export.family_export_csv, name="export-csv"),
    path("families/<id:family_id>/export.json", export.family_export_json, name="export-json"),
    path("teaching/", teaching.teaching_dashboard, name="teaching-dashboard"),
    path("teaching/families/<id:family_id>/", teaching.teaching_family, name="teaching-family"),
    path(
        "teaching/families/<id:family_id>/massages/<id:session_id>/",
        teaching.teaching_session,
        name="teaching-session",
    ),
    path("teaching/families/<id:family_id>/note/", teaching.teaching_note, name="teaching-note"),
    path(
        "teaching/families/<id:family_id>/massages/<id:session_id>/note/",
        teaching.teaching_note,
        name="teaching-session-note",
    ),
    path("notes/<id:note_id>/reply/", review.note_reply, name="note-reply"),
    path(
        "teaching/families/<id:family_id>/babies/<id:baby_id>/",
        teaching.teaching_baby_history,
        name="teaching-baby-history",
    ),
]
