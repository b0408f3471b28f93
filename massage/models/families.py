from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from massage.ages import describe_age, describe_ages, whole_months_between
from massage.labels import CachedChoiceLabels

# Babies born three or more weeks before their due date are preterm; for them the app counts
# age from the due date ("corrected age") when it suggests routines.
PRETERM_WEEKS_EARLY = 3
# A due date more than this far after the birth would mean a birth before 20 weeks of pregnancy.
MAX_WEEKS_EARLY = 20
# The app is for babies and toddlers.
MAX_AGE_YEARS = 6


class Family(models.Model):
    name = models.CharField(_("family name"), max_length=80)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="families",
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class Membership(CachedChoiceLabels, models.Model):
    class Role(models.TextChoices):
        PARENT = "parent", _("Parent")
        CAREGIVER = "caregiver", _("Caregiver")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("family")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.PARENT)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "family"], name="membership_unique_user_family"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["parent", "caregiver"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.family} ({self.get_role_display()})"

    @property
    def is_parent(self):
        return self.role == self.Role.PARENT


class Baby(models.Model):
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="babies", verbose_name=_("family")
    )
    name = models.CharField(_("name"), max_length=60)
    birth_date = models.DateField(_("birth date"))
    due_date = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        help_text=_(
            "Only if your baby was born early: the app then also shows the corrected age "
            "(counted from the due date) and suggests routines by it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("baby")
        verbose_name_plural = _("babies")
        ordering = ["birth_date", "name", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        """Each date within a baby's or toddler's range, checked before any date arithmetic.

        The birth date first; only a birth date in range is added to (9999-12-31 plus 20 weeks
        would overflow), and it then bounds the due date. Without one, the due date is held to
        the range a birth date in range would give it.
        """
        super().clean()
        today = timezone.localdate()
        earliest = date(today.year - MAX_AGE_YEARS, today.month, 1)
        errors = {}
        if self.birth_date:
            if self.birth_date > today:
                errors["birth_date"] = _("The birth date can't be in the future.")
            elif self.birth_date < earliest:
                errors["birth_date"] = _(
                    "This app is for babies and toddlers: the birth date is more than "
                    "%(years)d years ago."
                ) % {"years": MAX_AGE_YEARS}
        if self.due_date and self.birth_date and "birth_date" not in errors:
            # A birth date in range bounds the due date: from the birth to 20 weeks after.
            if self.due_date < self.birth_date:
                errors["due_date"] = _(
                    "The due date can't be before the birth date. It is only needed for a baby "
                    "born early: leave it empty if your baby came on time or late."
                )
            elif self.due_date > self.birth_date + timedelta(weeks=MAX_WEEKS_EARLY):
                errors["due_date"] = _(
                    "The due date is more than %(weeks)d weeks after the birth date. "
                    "Please check both dates."
                ) % {"weeks": MAX_WEEKS_EARLY}
        elif self.due_date:
            # No birth date to compare with: the due date's own range, the same as it allows.
            if self.due_date > today + timedelta(weeks=MAX_WEEKS_EARLY):
                errors["due_date"] = _(
                    "The due date can't be more than %(weeks)d weeks from today. Please check it."
                ) % {"weeks": MAX_WEEKS_EARLY}
            elif self.due_date < earliest:
                errors["due_date"] = _(
                    "This app is for babies and toddlers: the due date is more than "
                    "%(years)d years ago. Please check it."
                ) % {"years": MAX_AGE_YEARS}
        if errors:
            raise ValidationError(errors)

    @cached_property
    def weeks_early(self) -> int:
        if not self.due_date or self.due_date <= self.birth_date:
            return 0
        return (self.due_date - self.birth_date).days // 7

    @property
    def is_preterm(self) -> bool:
        return self.weeks_early >= PRETERM_WEEKS_EARLY

    def age_text(self, today: date | None = None) -> str:
        """The age from the birth date alone: "10 weeks"."""
        return describe_age(self.birth_date, today or timezone.localdate())

    def age_label(self, today: date | None = None) -> str:
        """The age as shown beside the baby's name: "10 weeks", or for a baby born early
        "10 weeks old, 2 weeks corrected"."""
        due = self.due_date if self.is_preterm else None
        return describe_ages(self.birth_date, due, today or timezone.localdate())

    def age_sentence(self, today: date | None = None) -> str:
        """The age to follow "Leo is": "10 weeks old" or "10 weeks old, 2 weeks corrected"."""
        due = self.due_date if self.is_preterm else None
        return describe_ages(self.birth_date, due, today or timezone.localdate(), old=True)

    def corrected_age_text(self, today: date | None = None) -> str:
        if not self.is_preterm:
            return ""
        return describe_age(self.due_date, today or timezone.localdate())

    def age_in_months(self, today: date | None = None) -> int:
        """Months of age used to suggest routines: corrected for babies born preterm."""
        today = today or timezone.localdate()
        start = self.due_date if self.is_preterm else self.birth_date
        return whole_months_between(start, today)


class SingleUseLink(CachedChoiceLabels, models.Model):
    """A link that works once and expires; only a digest of its token is stored (the link is
    shown or mailed once, when it is made). Used, withdrawn or expired, it is no longer pending."""

    token_digest = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class Invitation(SingleUseLink):
    """A single-use, expiring link that lets a second caregiver join a family."""

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("family")
    )
    email = models.EmailField(_("email (optional)"), blank=True)
    role = models.CharField(
        _("joins as"),
        max_length=16,
        choices=Membership.Role,
        default=Membership.Role.CAREGIVER,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Invitation to {self.family}"
