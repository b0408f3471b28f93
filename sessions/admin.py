from django.contrib import admin

from sessions.models import MassageSession, StepVisit


class StepVisitInline(admin.TabularInline):
    model = StepVisit
    extra = 0
    readonly_fields = ["order", "stroke", "body_area", "seconds", "extra_seconds", "skipped"]
    exclude = ["step"]


@admin.register(MassageSession)
class MassageSessionAdmin(admin.ModelAdmin):
    list_display = ["routine_title", "baby", "started_at", "ended_at", "outcome"]
    list_filter = ["outcome", "state_at_start"]
    list_select_related = ["baby"]
    raw_id_fields = ["baby", "routine", "started_by", "current_step"]
    readonly_fields = ["client_id", "progress_seq"]
    inlines = [StepVisitInline]
