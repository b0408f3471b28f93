from django.contrib import admin

from cues.models import CueEvent


@admin.register(CueEvent)
class CueEventAdmin(admin.ModelAdmin):
    list_display = ["kind", "valence", "potent", "session", "body_area", "at", "undone_at"]
    list_filter = ["valence", "potent", "kind"]
    search_fields = ["session__baby__name", "note"]
    raw_id_fields = ["session", "step", "recorded_by"]
    readonly_fields = ["client_id", "created_at", "undone_at"]
