from django.urls import path

from cues.views import cue_log, export, review, teaching

app_name = "cues"

urlpatterns = [
    path("sessions/<int:session_id>/cues/", cue_log.cue_create, name="cue-create"),
    path(
        "sessions/<int:session_id>/cues/<uuid:client_id>/undo/",
        cue_log.cue_undo,
        name="cue-undo",
    ),
    path(
        "sessions/<int:session_id>/cues/<uuid:client_id>/response/",
        cue_log.cue_respond,
        name="cue-respond",
    ),
    path(
        "sessions/<int:session_id>/cues/<uuid:client_id>/note/",
        review.cue_note,
        name="cue-note",
    ),
    path("sessions/<int:session_id>/review/", review.session_review, name="session-review"),
    path("babies/<int:baby_id>/history/", review.baby_history, name="baby-history"),
    path("babies/<int:baby_id>/report/", export.baby_report, name="baby-report"),
    path("families/<int:family_id>/export.csv", export.family_export_csv, name="export-csv"),
    path("families/<int:family_id>/export.json", export.family_export_json, name="export-json"),
    path("teaching/", teaching.teaching_dashboard, name="teaching-dashboard"),
    path("teaching/families/<int:family_id>/", teaching.teaching_family, name="teaching-family"),
    path(
        "teaching/families/<int:family_id>/massages/<int:session_id>/",
        teaching.teaching_session,
        name="teaching-session",
    ),
    path("teaching/families/<int:family_id>/note/", teaching.teaching_note, name="teaching-note"),
    path(
        "teaching/families/<int:family_id>/massages/<int:session_id>/note/",
        teaching.teaching_note,
        name="teaching-session-note",
    ),
    path("notes/<int:note_id>/reply/", review.note_reply, name="note-reply"),
    path(
        "teaching/families/<int:family_id>/babies/<int:baby_id>/",
        teaching.teaching_baby_history,
        name="teaching-baby-history",
    ),
]
