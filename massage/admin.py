from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from massage.content import column, columns, language_codes
from massage.forms import StepForm
from massage.models import (
    Baby,
    Family,
    FocusTag,
    InstructorProfile,
    Invitation,
    Membership,
    Routine,
    Step,
    User,
)
from massage.services import library as library_services


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


# -- The routine library -------------------------------------------------------------------------

# The step form of the studio, so the admin checks amounts, photos and narration the same way.
NARRATION_FIELDS = [
    name
    for code in language_codes()
    for name in (column("narration", code), column("remove_narration", code))
]
STEP_FIELDS = [
    "order",
    *StepForm.Meta.fields,
    "photo",
    "remove_photo",
    *NARRATION_FIELDS,
    "files",
]


# Declared on StepForm rather than model fields (narration_en would clash with the model's own).
FORM_ONLY_FIELDS = {"photo", "remove_photo", *NARRATION_FIELDS}


def _model_fields(model_admin, request, obj, kwargs):
    """The form factory's kwargs with only model fields named (None still means "the form's")."""
    if "fields" not in kwargs:
        kwargs["fields"] = flatten_fieldsets(model_admin.get_fieldsets(request, obj))
    if kwargs["fields"] is not None:
        kwargs["fields"] = [name for name in kwargs["fields"] if name not in FORM_ONLY_FIELDS]
    return kwargs


def _save_step(form) -> None:
    library_services.step_save(step=form.instance, **form.file_changes())


@admin.display(description=_("files"))
def step_files(step):
    files = [(_("photo"), step.photo_large)] + [
        (f"{_('narration')} [{code}]", getattr(step, col))
        for code, col in zip(language_codes(), columns("narration"), strict=True)
    ]
    links = [(label, field.url) for label, field in files if field]
    if not links:
        return "—"
    return format_html_join(" · ", '<a href="{1}">{0}</a>', links)


class DeletesThroughLibrary:
    """Admin deletes go through the library's services, so files go too once committed."""

    def delete_one(self, obj):
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_one(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_one(obj)


class AuthorKindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("library", _("Library")), ("instructor", _("Instructor's"))]

    def queryset(self, request, queryset):
        if self.value() == "library":
            return queryset.filter(author__isnull=True)
        if self.value() == "instructor":
            return queryset.filter(author__isnull=False)
        return queryset


class StepInline(admin.StackedInline):
    model = Step
    form = StepForm
    fields = STEP_FIELDS
    readonly_fields = ["files"]
    extra = 0

    files = staticmethod(step_files)

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **_model_fields(self, request, obj, kwargs))


@admin.register(Routine)
class RoutineAdmin(DeletesThroughLibrary, TranslationAdmin):
    list_display = ["title", "slug", "author", "published", "follows_seed", "updated_at"]
    list_filter = [AuthorKindFilter, "published", "follows_seed", "focus"]
    list_select_related = ["author"]
    search_fields = ["title", "slug", "author__email"]
    raw_id_fields = ["author", "copied_from"]
    inlines = [StepInline]

    def save_model(self, request, obj, form, change):
        # Any admin save of a library routine keeps it from the seed loader (see library_load),
        # unless the admin just changed that very box.
        if obj.is_library and "follows_seed" not in form.changed_data:
            obj.follows_seed = False
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Step:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for step in formset.deleted_objects:
            library_services.step_delete(step=step, renumber=False)
        for step_form in formset.saved_forms:
            _save_step(step_form)
        return None

    def delete_one(self, routine):
        library_services.routine_delete(routine=routine)


@admin.register(Step)
class StepAdmin(DeletesThroughLibrary, admin.ModelAdmin):
    form = StepForm
    fields = ["routine", *STEP_FIELDS]
    readonly_fields = ["files"]
    list_display = ["__str__", "routine", "body_area", "has_photo"]
    list_filter = ["body_area", "routine__published"]
    list_select_related = ["routine"]
    search_fields = ["stroke", "routine__title", "routine__slug"]
    raw_id_fields = ["routine"]

    files = staticmethod(step_files)

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, **_model_fields(self, request, obj, kwargs))

    def save_model(self, request, obj, form, change):
        _save_step(form)
        if obj.routine.is_library:
            Routine.objects.filter(pk=obj.routine_id).update(follows_seed=False)

    def delete_one(self, step):
        library_services.step_delete(step=step)


@admin.register(FocusTag)
class FocusTagAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "routine_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(routine_count=Count("routines"))

    @admin.display(description=_("name"))
    def name(self, tag):
        return tag.get_slug_display()

    @admin.display(description=_("routines"), ordering="routine_count")
    def routine_count(self, tag):
        return tag.routine_count


@admin.register(InstructorProfile)
class InstructorProfileAdmin(admin.ModelAdmin):
    """Staff check an instructor's credential here; families see the badge once it is ticked."""

    list_display = ["user", "practice_name", "credential", "credential_verified"]
    list_filter = ["credential_verified"]
    list_editable = ["credential_verified"]
    search_fields = ["user__email", "user__display_name", "practice_name", "credential"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False  # instructors open their own profile
