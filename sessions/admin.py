from django.contrib import admin

from sessions.models import MassageSession, Reminder, ReminderSent, StepVisit


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


class ReminderSentInline(admin.TabularInline):
    model = ReminderSent
    extra = 0
    readonly_fields = ["slot_date", "slot_time", "claimed_at", "sent_at"]
    can_delete = False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """To look into what was sent; people set and stop their reminders themselves."""

    list_display = ["user", "family", "time", "time_zone", "active"]
    list_filter = ["active"]
    list_select_related = ["user", "family"]
    raw_id_fields = ["user", "family"]
    readonly_fields = ["token", "active_since"]
    inlines = [ReminderSentInline]
