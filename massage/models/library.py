import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from massage.labels import CachedChoiceLabels
from massage.uploads import PHOTO_WIDTHS, srcset
from massage.vocabulary import BODY_AREAS, MOTIONS

MAX_STEP_SECONDS = 600
MAX_REPETITIONS = 60
MAX_SECONDS_PER_REPETITION = 60


class Focus(models.TextChoices):
    BONDING = "bonding", _("Bonding")
    GAS_COLIC = "gas_colic", _("Gas & colic")
    SLEEP = "sleep", _("Sleep")
    TEETHING = "teething", _("Teething")
    CONGESTION = "congestion", _("Congestion")
    PRETERM_HOME = "preterm_home", _("Born early, now at home")


class FocusTag(CachedChoiceLabels, models.Model):
    """One of the Focus values, as a row so routines can be filtered by it in every database."""

    slug = models.CharField(max_length=20, primary_key=True, choices=Focus, verbose_name=_("slug"))

    class Meta:
        verbose_name = _("focus tag")
        verbose_name_plural = _("focus tags")
        ordering = ["slug"]

    def __str__(self):
        return self.get_slug_display()


class RoutineQuerySet(models.QuerySet):
    def library(self):
        return self.filter(author__isnull=True, published=True)

    def with_total_seconds(self):
        """Annotate each routine with the sum of its steps' durations, in the database.

        A subquery rather than a join, so filters on other relations can't multiply the sum.
        """
        totals = (
            Step.objects.filter(routine=OuterRef("pk"))
            .order_by()
            .values("routine")
            .annotate(
                total=Sum(
                    Case(
                        When(seconds__isnull=False, then=F("seconds")),
                        default=F("repetitions") * F("seconds_per_repetition"),
                    )
                )
            )
            .values("total")
        )
        return self.annotate(
            total_seconds=Coalesce(Subquery(totals), 0),
            step_count=Coalesce(
                Subquery(
                    Step.objects.filter(routine=OuterRef("pk"))
                    .order_by()
                    .values("routine")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )


class Routine(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), max_length=600)
    min_age_months = models.PositiveSmallIntegerField(_("from age (months)"), default=0)
    max_age_months = models.PositiveSmallIntegerField(_("to age (months)"), default=12)
    focus = models.ManyToManyField(
        FocusTag, blank=True, related_name="routines", verbose_name=_("focus")
    )
    uses_oil = models.BooleanField(_("uses oil"), default=False)
    cautions = models.TextField(
        _("cautions"), blank=True, help_text=_("Safety notes for the whole routine, one per line.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routines",
        help_text=_("Empty for the shared library, which only the admin edits."),
        verbose_name=_("author"),
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    adapted_for = models.ForeignKey(
        "massage.Family",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="adapted_routines",
        help_text=_(
            "An instructor's copy made for one family (shorter steps, a step left out); the "
            "routine it was copied from stays as it was."
        ),
        verbose_name=_("adapted for"),
    )
    published = models.BooleanField(_("published"), default=False)
    follows_seed = models.BooleanField(
        _("follows the seed data"),
        default=True,
        help_text=_(
            "Library routines only. While ticked, loading the library resets this routine to the "
            "seed data; saving it in the admin unticks it, so the admin's edits are kept."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = RoutineQuerySet.as_manager()

    class Meta:
        verbose_name = _("routine")
        verbose_name_plural = _("routines")
        ordering = ["min_age_months", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age_months__lte=F("max_age_months")),
                name="routine_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_age_months__lte=72), name="routine_age_range_for_young_children"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("massage:routine-detail", args=[self.slug])

    @property
    def is_library(self):
        return self.author_id is None

    @property
    def caution_list(self):
        return [line.strip() for line in self.cautions.splitlines() if line.strip()]

    def fits_age(self, months):
        return months is None or self.min_age_months <= months <= self.max_age_months


def step_upload_to(step, filename):
    return f"routines/{step.routine_id}/{uuid.uuid4().hex}-{filename}"


class Step(CachedChoiceLabels, models.Model):
    BodyArea = models.TextChoices("BodyArea", [(k.upper(), (k, v)) for k, v in BODY_AREAS.items()])
    Motion = models.TextChoices("Motion", [(k.upper(), (k, v)) for k, v in MOTIONS.items()])

    routine = models.ForeignKey(
        Routine, on_delete=models.CASCADE, related_name="steps", verbose_name=_("routine")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    body_area = models.CharField(_("body area"), max_length=20, choices=BodyArea)
    stroke = models.CharField(_("stroke"), max_length=80)
    instruction = models.TextField(_("instruction"), max_length=500)
    motion = models.CharField(
        _("picture"),
        max_length=24,
        choices=Motion,
        help_text=_("The stroke's path drawn on the body map when the step has no photo."),
    )
    seconds = models.PositiveSmallIntegerField(_("seconds"), null=True, blank=True)
    repetitions = models.PositiveSmallIntegerField(_("repetitions"), null=True, blank=True)
    seconds_per_repetition = models.PositiveSmallIntegerField(
        _("seconds per repetition"), null=True, blank=True
    )
    caution = models.CharField(_("caution"), max_length=300, blank=True)
    optional = models.BooleanField(_("optional"), default=False)
    photo_small = models.FileField(
        upload_to=step_upload_to, blank=True, editable=False, verbose_name=_("photo small")
    )
    photo_large = models.FileField(
        upload_to=step_upload_to, blank=True, editable=False, verbose_name=_("photo large")
    )
    photo_width = models.PositiveIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("photo width")
    )
    photo_height = models.PositiveIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("photo height")
    )
    narration = models.FileField(
        upload_to=step_upload_to, blank=True, editable=False, verbose_name=_("narration")
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["routine", "order"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "order"], name="step_unique_order"),
            models.CheckConstraint(
                condition=(
                    Q(
                        seconds__isnull=False,
                        seconds__gte=1,
                        seconds__lte=MAX_STEP_SECONDS,
                        repetitions__isnull=True,
                    )
                    | Q(
                        seconds__isnull=True,
                        # Named, not implied by the ranges: a comparison with NULL is unknown,
                        # and a CHECK lets unknown pass.
                        repetitions__isnull=False,
                        seconds_per_repetition__isnull=False,
                        repetitions__gte=1,
                        repetitions__lte=MAX_REPETITIONS,
                        seconds_per_repetition__gte=1,
                        seconds_per_repetition__lte=MAX_SECONDS_PER_REPETITION,
                    )
                ),
                name="step_timed_or_counted",
                violation_error_message=_(
                    "Give the step either a time of 1 to 600 seconds, or 1 to 60 repetitions "
                    "of 1 to 60 seconds each."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.stroke}"

    @property
    def duration_seconds(self) -> int:
        if self.seconds:
            return self.seconds
        return (self.repetitions or 0) * (self.seconds_per_repetition or 0)

    @property
    def has_photo(self):
        return bool(self.photo_large)

    @property
    def photo_srcset(self) -> str:
        """The photo's renditions for ``<img srcset>``, each with its real width.

        Renditions are never upscaled: the small one is at most the smallest rendition width
        and the large one ``photo_width`` wide; a small original has only the one.
        """
        if not self.has_photo:
            return ""
        small_width = min(min(PHOTO_WIDTHS), self.photo_width)
        if small_width == self.photo_width or self.photo_small.name == self.photo_large.name:
            return srcset([(self.photo_large.url, self.photo_width)])
        return srcset(
            [(self.photo_small.url, small_width), (self.photo_large.url, self.photo_width)]
        )
