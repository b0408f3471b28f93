"""Instructors and the families they teach: profiles, links, the family's consent, invitations.

A link says an instructor teaches a family; what the instructor may see is the family's consent,
a history of rows (who chose which scope, when). The link's current scope is its latest row, and
"revoked" is a scope like the others: nothing is deleted, so the family can see what it shared.
"""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massage.labels import CachedChoiceLabels
from massage.models.families import Family, SingleUseLink


class InstructorProfile(models.Model):
    """What families see of an instructor before they link: name (the user's), practice,
    credential and a short bio. Staff mark a credential as checked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="instructor_profile",
        verbose_name=_("user"),
    )
    practice_name = models.CharField(_("practice name"), max_length=120, blank=True)
    credential = models.CharField(
        _("credential"),
        max_length=120,
        blank=True,
        help_text=_("For example CIMI or CEIM, and who awarded it."),
    )
    bio = models.TextField(_("a few words about you"), max_length=1000, blank=True)
    credential_verified = models.BooleanField(
        _("credential checked by staff"), default=False, help_text=_("Shown to families.")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("instructor profile")
        verbose_name_plural = _("instructor profiles")

    def __str__(self):
        return str(self.user)


class Scope(models.TextChoices):
    """What a family lets an instructor see, each including the one before."""

    PRACTICE = "practice", _("Practice only")
    CUES = "practice_and_cues", _("Practice and cues")
    EVERYTHING = "everything", _("Everything, notes included")
    REVOKED = "revoked", _("Nothing (stopped sharing)")


SCOPE_DESCRIPTIONS = {
    Scope.PRACTICE: _(
        "What you were asked to practise, how often and how long you massaged, and how each "
        "massage ended."
    ),
    Scope.CUES: _("Also the cues you logged: the reviews and your baby's history page."),
    Scope.EVERYTHING: _("Also the notes you write on massages and cues."),
    Scope.REVOKED: _("Nothing any more. What was shared before is no longer shown."),
}
# The same, in the words an instructor reads of a family.
SCOPE_FOR_INSTRUCTOR = {
    Scope.PRACTICE: _(
        "What you suggested, how often and how long the family massages, and how each massage "
        "ended."
    ),
    Scope.CUES: _("Also the cues it logs: its reviews and each baby's history page."),
    Scope.EVERYTHING: _("Also the notes it writes on massages and cues."),
    Scope.REVOKED: _("Nothing any more."),
}


def scope_options(*, with_stop=True) -> list[tuple[str, str, str]]:
    """(value, label, what it shares) for each scope a parent can choose."""
    scopes = [*SCOPE_ORDER, Scope.REVOKED] if with_stop else SCOPE_ORDER
    return [(str(s.value), s.label, SCOPE_DESCRIPTIONS[s]) for s in scopes]


# In order of what they show; REVOKED shows nothing.
SCOPE_ORDER = [Scope.PRACTICE, Scope.CUES, Scope.EVERYTHING]


def scopes_at_least(scope) -> list[str]:
    """The scopes that show at least what `scope` shows."""
    return [str(s) for s in SCOPE_ORDER[SCOPE_ORDER.index(scope) :]]


class InstructorLinkQuerySet(models.QuerySet):
    def with_scope(self):
        """Annotate each link with `scope`: its latest consent row's (None before any)."""
        latest = Consent.objects.filter(link=OuterRef("pk")).order_by("-changed_at", "-pk")
        return self.annotate(scope=Subquery(latest.values("scope")[:1]))


class InstructorLink(models.Model):
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="teaching_links",
        verbose_name=_("instructor"),
    )
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="instructor_links", verbose_name=_("family")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = InstructorLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("instructor link")
        verbose_name_plural = _("instructor links")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instructor", "family"], name="instructor_link_unique_family"
            )
        ]

    def __str__(self):
        return f"{self.instructor} teaches {self.family}"


class Consent(CachedChoiceLabels, models.Model):
    """One choice a parent made about what an instructor sees. Never edited or deleted."""

    link = models.ForeignKey(
        InstructorLink, on_delete=models.CASCADE, related_name="consents", verbose_name=_("link")
    )
    scope = models.CharField(_("shares"), max_length=24, choices=Scope)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=[s.value for s in Scope]),
                name="consent_scope_valid",
            )
        ]
        # A link's latest consent (`with_scope`) is read on every instructor's page, for every
        # family shown: this index answers it without sorting the link's rows.
        indexes = [models.Index(fields=["link", "-changed_at", "-id"], name="consent_latest")]

    def __str__(self):
        return f"{self.link}: {self.scope}"


class TeachingInvitation(SingleUseLink):
    """A single-use, expiring link an instructor sends a family by email; resending makes a new
    token, and the old link stops working."""

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="teaching_invitations",
        verbose_name=_("instructor"),
    )
    email = models.EmailField(_("family's email"))
    link = models.ForeignKey(
        InstructorLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("link"),
    )

    class Meta:
        verbose_name = _("invitation to a class")
        verbose_name_plural = _("invitations to a class")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.instructor} invites {self.email}"


class TeachingClass(CachedChoiceLabels, models.Model):
    """A course an instructor runs for several families (the families it teaches, by link)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    # "Mondays": a word of its own, since not every language makes it by adding an "s".
    WEEKDAY_PLURALS = (
        _("Mondays"),
        _("Tuesdays"),
        _("Wednesdays"),
        _("Thursdays"),
        _("Fridays"),
        _("Saturdays"),
        _("Sundays"),
    )

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="teaching_classes",
        verbose_name=_("instructor"),
    )
    name = models.CharField(_("class name"), max_length=80)
    starts_on = models.DateField(_("first class"))
    meets_on = models.PositiveSmallIntegerField(_("meets every"), choices=Weekday)
    links = models.ManyToManyField(
        InstructorLink, related_name="classes", blank=True, verbose_name=_("families")
    )
    # Families who have the code may ask to join; the instructor approves each (JoinRequest).
    join_code = models.CharField(_("class code"), max_length=12, unique=True, null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True, verbose_name=_("archived at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-starts_on", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meets_on__gte=0, meets_on__lte=6), name="class_weekday_valid"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def meets_on_plural(self):
        """ "Mondays", for "Mondays, from 5 January"."""
        return self.WEEKDAY_PLURALS[self.meets_on]


MAX_TIMES_PER_WEEK = 14


class Assignment(models.Model):
    """A routine an instructor suggests to a class or to one family, so many times a week.

    Exactly one of `teaching_class` and `family` is set. While it runs, the routine is visible
    and startable for the families it is for, and Today shows how the week is going.
    """

    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments_made",
        verbose_name=_("instructor"),
    )
    routine = models.ForeignKey(
        "massage.Routine",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("routine"),
    )
    teaching_class = models.ForeignKey(
        TeachingClass,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("class"),
    )
    family = models.ForeignKey(
        Family,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("family"),
    )
    baby = models.ForeignKey(
        "massage.Baby",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        help_text=_("Only for one family: the baby it is for, or empty for all its babies."),
        verbose_name=_("baby"),
    )
    note = models.CharField(_("a note for the family"), max_length=500, blank=True)
    # Reminder times the instructor suggests; only the family turns a reminder on.
    # Weekdays as bits, Monday = 1 << 0 … Sunday = 1 << 6 (as TeachingClass.Weekday).
    suggested_weekdays = models.PositiveSmallIntegerField(_("suggested reminder days"), default=0)
    suggested_time = models.TimeField(_("suggested reminder time"), null=True, blank=True)
    times_per_week = models.PositiveSmallIntegerField(_("times a week"), default=3)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(teaching_class__isnull=False, family__isnull=True)
                    | models.Q(teaching_class__isnull=True, family__isnull=False)
                ),
                name="assignment_for_a_class_or_a_family",
            ),
            models.CheckConstraint(
                condition=models.Q(times_per_week__gte=1, times_per_week__lte=MAX_TIMES_PER_WEEK),
                name="assignment_times_per_week_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(baby__isnull=True) | models.Q(family__isnull=False),
                name="assignment_baby_only_for_a_family",
            ),
            models.CheckConstraint(
                condition=models.Q(suggested_weekdays__gte=0, suggested_weekdays__lte=127),
                name="assignment_suggested_weekdays_valid",
            ),
        ]

    def __str__(self):
        return f"{self.routine}, {self.times_per_week} times a week"


class HiddenAssignment(models.Model):
    """A family chose not to see an assignment on Today any more."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="hidden", verbose_name=_("assignment")
    )
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="+", verbose_name=_("family")
    )
    hidden_at = models.DateTimeField(auto_now_add=True, verbose_name=_("hidden at"))

    class Meta:
        verbose_name = _("hidden assignment")
        verbose_name_plural = _("hidden assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "family"], name="hidden_assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.assignment} hidden by {self.family}"


class JoinRequest(CachedChoiceLabels, models.Model):
    """A family asking, with a class's code, to join the class; the instructor decides.

    The parent chooses what to share when asking; on approval the family links to the
    instructor with that consent and joins the class. Declined and approved requests are kept.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the instructor")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    teaching_class = models.ForeignKey(
        TeachingClass,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("teaching class"),
    )
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("family")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    scope = models.CharField(_("shares"), max_length=24, choices=Scope)
    message = models.CharField(_("a word to the instructor"), max_length=300, blank=True)
    state = models.CharField(
        max_length=12, choices=State, default=State.PENDING, verbose_name=_("state")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))

    class Meta:
        verbose_name = _("request to join a class")
        verbose_name_plural = _("requests to join a class")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["teaching_class", "family"],
                condition=models.Q(state="pending"),
                name="one_pending_join_request_per_family_and_class",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "approved", "declined"]),
                name="join_request_state_valid",
            ),
        ]

    def __str__(self):
        return f"{self.family} asks to join {self.teaching_class}"
