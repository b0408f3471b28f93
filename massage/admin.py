from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from massage.models import Baby, Family, Invitation, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_instructor", "is_staff", "date_joined"]
    list_filter = ["is_instructor", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "is_instructor"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


class BabyInline(admin.TabularInline):
    model = Baby
    extra = 0


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "memberships__user__email"]
    inlines = [MembershipInline, BabyInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "family", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["user", "family"]
    raw_id_fields = ["user", "family"]


@admin.register(Baby)
class BabyAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "birth_date", "due_date"]
    list_select_related = ["family"]
    search_fields = ["name", "family__name"]
    raw_id_fields = ["family"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["family", "email", "role", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["family"]
    readonly_fields = ["token_digest", "accepted_by", "accepted_at"]
    raw_id_fields = ["family", "invited_by"]
