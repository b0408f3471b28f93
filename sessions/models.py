import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massage.content import KeptText, texts_by_language
from massage.labels import CachedChoiceLabels
from massage.models import Step, TeachingClass

MAX_STEP_VISIT_SECONDS = 3600
MAX_EXTRA_SECONDS = 600  # "+15 s" forty times on one step
# A step may take longer than planned (a slow stroke, a pause to soothe), but not without bound:
# time beyond its duration (with the seconds added) times this factor plus this margin is refused.
STEP_TIME_FACTOR = 3
STEP_TIME_MARGIN = 60
# A running session with no progress for this long was left behind: it is closed as interrupted.
STALE_AFTER = timedelta(hours=3)


def step_seconds_cap(step, extra_seconds=0) -> float:
    """The most time one step may record: its duration and the seconds added, with room to spare."""
    planned = step.duration_seconds + extra_seconds
    return min(planned * STEP_TIME_FACTOR + STEP_TIME_MARGIN, MAX_STEP_VISIT_SECONDS)


class BabyState(models.TextChoices):
    """Brazelton's six states of awareness. Quiet alert is the best time for massage."""

    DEEP_SLEEP = "deep_sleep", _("Deep sleep")
    LIGHT_SLEEP = "light_sleep", _("Light sleep")
    DROWSY = "drowsy", _("Drowsy")
    QUIET_ALERT = "quiet_alert", _("Quiet alert")
    ACTIVE_ALERT = "active_alert", _("Active, fussy")
    CRYING = "crying", _("Crying")


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")
    BABY_LED_END = "baby_led_end", _("Baby-led end")
    INTERRUPTED = "interrupted", _("Interrupted")


class MassageSessionQuerySet(models.QuerySet):
    def massages(self):
        """The sessions that count as a massage: every one still going, and every ended one with
        at least one step done (see `StepVisitQuerySet.done`).

        A session that ended before any step was done (closed in its first seconds, or every
        step skipped) is left out of the baby's history, its charts and Today; the exports keep
        it, marked with `counted_as_massage()`.
        """
        return self.filter(counted_as_massage())

    def with_counted(self):
        """Each session with `counted` (bool): whether it counts as a massage."""
        return self.annotate(
            counted=models.ExpressionWrapper(
                counted_as_massage(), output_field=models.BooleanField()
            )
        )


def counted_as_massage() -> Q:
    """The rule of `MassageSessionQuerySet.massages()`, for a query of sessions."""
    return Q(ended_at__isnull=True) | Exists(
        StepVisit.objects.done().filter(session=OuterRef("pk"))
    )


class MassageSession(CachedChoiceLabels, models.Model):
    """One massage: a routine followed with a baby, from the readiness check to its outcome."""

    baby = models.ForeignKey(
        "massage.Baby", on_delete=models.CASCADE, related_name="sessions", verbose_name=_("baby")
    )
    routine = models.ForeignKey(
        "massage.Routine",
        on_delete=models.SET_NULL,
        null=True,
        related_name="sessions",
        verbose_name=_("routine"),
    )
    routine_title = models.CharField(max_length=120, verbose_name=_("routine title"))
    # The title in each language the routine had then (massage.content.texts_by_language), so the
    # history reads in the language of whoever looks back; `routine_title` is as it was played.
    routine_titles = models.JSONField(default=dict, blank=True, verbose_name=_("routine's titles"))
    routine_title_shown = KeptText("routine_title", "routine_titles")
    routine_title_html = KeptText("routine_title", "routine_titles", html=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    client_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("client id")
    )
    started_at = models.DateTimeField(default=timezone.now, verbose_name=_("started at"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))
    last_activity_at = models.DateTimeField(
        default=timezone.now, verbose_name=_("last activity at")
    )
    state_at_start = models.CharField(_("baby's state"), max_length=20, choices=BabyState)
    readiness = models.JSONField(_("readiness answers"), default=dict)
    excluded_steps = models.JSONField(
        default=list,
        help_text=_("Ids of steps left out at the start, e.g. tummy strokes."),
        verbose_name=_("excluded steps"),
    )
    current_step = models.ForeignKey(
        "massage.Step",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current step"),
    )
    current_elapsed = models.FloatField(default=0, verbose_name=_("current elapsed"))
    progress_seq = models.PositiveIntegerField(default=0, verbose_name=_("progress seq"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, blank=True)
    end_reason = models.CharField(_("reason"), max_length=200, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    objects = MassageSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("massage session")
        verbose_name_plural = _("massage sessions")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["baby"],
                condition=Q(ended_at__isnull=True),
                name="one_running_session_per_baby",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, outcome="")
                | Q(ended_at__isnull=False) & ~Q(outcome=""),
                name="session_ended_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["baby", "-started_at"], name="session_baby_recent")]

    def __str__(self):
        return f"{self.routine_title} with {self.baby} on {self.started_at:%Y-%m-%d}"

    @property
    def is_running(self):
        return self.ended_at is None

    def is_stale(self, now=None) -> bool:
        """Running, but with no progress for hours: the massage was left behind."""
        now = now or timezone.now()
        return self.is_running and self.last_activity_at < now - STALE_AFTER

    @property
    def duration_seconds(self) -> int:
        end = self.ended_at or timezone.now()
        return max(int((end - self.started_at).total_seconds()), 0)

    def has_step_done(self) -> bool:
        """Whether at least one step was done so far: one query."""
        return self.visits.done().exists()

    def finish(self, *, outcome, reason="", note=None, at=None):
        """End a running session with its outcome. Ending twice changes nothing."""
        if not self.is_running:
            return False
        self.ended_at = at or timezone.now()
        self.outcome = outcome
        self.end_reason = reason
        fields = ["ended_at", "outcome", "end_reason"]
        if note is not None:
            self.note = note
            fields.append("note")
        self.save(update_fields=fields)
        return True


class StepVisitQuerySet(models.QuerySet):
    def done(self):
        """The steps really done: some time spent on them, and not skipped in the end.

        The player saves a step's time as it goes (and marks it skipped if the parent skips it),
        so a step opened and left at once has no time, and one skipped has `skipped` set.
        """
        return self.filter(skipped=False, seconds__gt=0)


class StepVisit(CachedChoiceLabels, models.Model):
    """Time spent on one step of a session, or that the step was skipped."""

    session = models.ForeignKey(
        MassageSession, on_delete=models.CASCADE, related_name="visits", verbose_name=_("session")
    )
    step = models.ForeignKey(
        "massage.Step",
        on_delete=models.SET_NULL,
        null=True,
        related_name="visits",
        verbose_name=_("step"),
    )
    # Copied from the step so the history stays readable if the routine is edited later.
    order = models.PositiveSmallIntegerField(verbose_name=_("order"))
    body_area = models.CharField(max_length=20, choices=Step.BodyArea, verbose_name=_("body area"))
    stroke = models.CharField(max_length=80, verbose_name=_("stroke"))
    # The stroke in each language the step was written in then (massage.content.texts_by_language),
    # so the history reads in the language of whoever looks back; `stroke` is as it was played.
    stroke_names = models.JSONField(default=dict, blank=True, verbose_name=_("stroke's names"))
    # The stroke's name in the page's language, else as played; and that, marked with its
    # language when it is not the page's (for a page's body).
    stroke_shown = KeptText("stroke", "stroke_names")
    stroke_html = KeptText("stroke", "stroke_names", html=True)
    seconds = models.FloatField(default=0, verbose_name=_("seconds"))
    extra_seconds = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Seconds the parent added to the step with “+15 s”."),
        verbose_name=_("extra seconds"),
    )
    skipped = models.BooleanField(default=False, verbose_name=_("skipped"))
    started_at = models.DateTimeField(default=timezone.now, verbose_name=_("started at"))

    objects = StepVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("step visit")
        verbose_name_plural = _("step visits")
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "step"], name="visit_unique_step"),
            models.CheckConstraint(
                condition=Q(seconds__gte=0, seconds__lte=MAX_STEP_VISIT_SECONDS),
                name="visit_seconds_sane",
            ),
            models.CheckConstraint(
                condition=Q(extra_seconds__lte=MAX_EXTRA_SECONDS), name="visit_extra_seconds_sane"
            ),
        ]

    def __str__(self):
        return f"{self.stroke} ({'skipped' if self.skipped else f'{self.seconds:.0f} s'})"

    @classmethod
    def of(cls, session, step, **fields):
        """An unsaved visit of `step`, with the step's order, area and stroke copied onto it."""
        return cls(
            session=session,
            step=step,
            order=step.order,
            body_area=step.body_area,
            stroke=step.stroke,
            stroke_names=texts_by_language(step, "stroke"),
            **fields,
        )


# -- Reminders ----------------------------------------------------------------------------------

ALL_WEEKDAYS = 0b111_1111  # Monday = 1 << 0 … Sunday = 1 << 6, as Assignment.suggested_weekdays
# A reminder goes out from its time until this much later (cron runs every few minutes); a run
# later than that leaves the slot unsent rather than reminding hours late.
REMINDER_WINDOW = timedelta(minutes=30)


def weekday_bits(weekdays) -> int:
    """The bitmask of weekday numbers (0 = Monday … 6 = Sunday)."""
    bits = 0
    for day in weekdays:
        bits |= 1 << int(day)
    return bits


def weekdays_of(bits: int) -> list[int]:
    """The weekday numbers (0 = Monday … 6 = Sunday) set in a bitmask, in order."""
    return [day for day in range(7) if bits & (1 << day)]


def in_words(items) -> str:
    """ "Mia", "Mia and Leo", "Mia, Leo and Ada"."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return _("%(some)s and %(last)s") % {"some": ", ".join(items[:-1]), "last": items[-1]}


def weekdays_in_words(bits: int) -> str:
    """ "every day", or the days in order: "Mondays and Thursdays"."""
    if bits & ALL_WEEKDAYS == ALL_WEEKDAYS:
        return str(_("every day"))
    return in_words(TeachingClass.WEEKDAY_PLURALS[day] for day in weekdays_of(bits))


def zone_or_default(name: str):
    """The zone named, or the site's TIME_ZONE when the name is empty or unknown."""
    try:
        return zoneinfo.ZoneInfo(name) if name else zoneinfo.ZoneInfo(settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class Reminder(models.Model):
    """A person's own reminder to massage, for one of their families: on some weekdays at a time
    of day in their time zone. Turned off, it is kept (with its days and time) for next time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="massage_reminders",
        verbose_name=_("user"),
    )
    family = models.ForeignKey(
        "massage.Family", on_delete=models.CASCADE, related_name="+", verbose_name=_("family")
    )
    weekdays = models.PositiveSmallIntegerField(_("days"))
    time = models.TimeField(_("time"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    active = models.BooleanField(default=True, verbose_name=_("active"))
    # Slots before this moment are never sent: a reminder turned on at 18:10 for 18:00 starts
    # tomorrow, not with a mail at once.
    active_since = models.DateTimeField(default=timezone.now, verbose_name=_("active since"))
    # The one-click unsubscribe link's token (it only turns this reminder off).
    token = models.CharField(max_length=64, unique=True, editable=False, verbose_name=_("token"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "family"], name="reminder_one_per_person"),
            models.CheckConstraint(
                condition=Q(weekdays__gte=1, weekdays__lte=ALL_WEEKDAYS),
                name="reminder_weekdays_valid",
            ),
        ]

    def __str__(self):
        return f"Reminder for {self.user} at {self.time:%H:%M}"

    @property
    def zone(self):
        return zone_or_default(self.time_zone)

    @property
    def weekday_numbers(self) -> list[int]:
        return weekdays_of(self.weekdays)

    def due_slot(self, now):
        """The slot (local date, time) this reminder is due for at `now`, or None.

        Due from the slot's moment until REMINDER_WINDOW after it, on the reminder's weekdays in
        its zone. Yesterday's date is looked at too, for a late-evening slot sent after midnight.
        A time that a clock change skips goes out when the clocks have moved on (02:30 on the
        spring morning is sent at 03:30); one that happens twice is sent the first time.
        """
        if not self.active:
            return None
        today = now.astimezone(self.zone).date()
        for day in (today, today - timedelta(days=1)):
            if not self.weekdays & (1 << day.weekday()):
                continue
            # In UTC, so that adding the window is not wall-clock arithmetic across a change.
            moment = datetime.combine(day, self.time, tzinfo=self.zone).astimezone(UTC)
            if moment < self.active_since:
                continue
            if moment <= now < moment + REMINDER_WINDOW:
                return day, self.time
        return None


class ReminderSent(models.Model):
    """One reminder's slot (its local date and time), claimed by the run that sends it.

    The row is inserted before the mail is queued, and the database lets only one in per slot: a
    second run, at once or later, finds it there and sends nothing.
    """

    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, related_name="sent", verbose_name=_("reminder")
    )
    slot_date = models.DateField(verbose_name=_("slot date"))
    slot_time = models.TimeField(verbose_name=_("slot time"))
    claimed_at = models.DateTimeField(default=timezone.now, verbose_name=_("claimed at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "slot_date", "slot_time"], name="reminder_sent_once_per_slot"
            )
        ]

    def __str__(self):
        return f"{self.reminder} on {self.slot_date} at {self.slot_time:%H:%M}"
