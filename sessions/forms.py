import functools
import json
import math
import re
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from massage.models import TeachingClass
from sessions.models import MAX_EXTRA_SECONDS, MAX_STEP_VISIT_SECONDS, Outcome, step_seconds_cap


class SessionStepForm(forms.Form):
    """A form naming one step of the session by id: `step` comes back as that Step."""

    step = forms.IntegerField(min_value=1)

    def __init__(self, data, *, steps):
        super().__init__(data)
        self.steps = {step.pk: step for step in steps}

    def clean_step(self):
        step = self.steps.get(self.cleaned_data["step"])
        if step is None:
            raise forms.ValidationError(_("That step is not part of this massage."))
        return step


class StepMoveForm(SessionStepForm):
    """The player without JavaScript: next, previous or skip from the step on screen."""

    action = forms.ChoiceField(
        choices=[("next", "next"), ("previous", "previous"), ("skip", "skip")]
    )


class ProgressForm(SessionStepForm):
    """What the player sends as it goes: a sequence number, where it is, and time per step.

    `visits` maps step ids to [seconds, skipped, seconds added with "+15 s"] (the last may be
    left out). A step's time may not run far past its duration: see `step_seconds_cap`.
    """

    seq = forms.IntegerField(min_value=1, max_value=10_000_000)
    elapsed = forms.FloatField(min_value=0, max_value=MAX_STEP_VISIT_SECONDS)
    visits = forms.CharField(max_length=20_000, required=False)

    def clean_visits(self):
        raw = self.cleaned_data["visits"] or "{}"
        # The shape is checked before parsing: json.loads recurses once per nesting level, and
        # a few thousand levels (well inside max_length) raise RecursionError, not ValueError.
        if not FLAT_VISITS.fullmatch(raw):
            raise forms.ValidationError(_("The step times could not be read."))
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise forms.ValidationError(_("The step times could not be read.")) from error
        if not isinstance(data, dict) or len(data) > len(self.steps):
            raise forms.ValidationError(_("The step times could not be read."))
        visits = {}
        for key, value in data.items():
            step = self.steps.get(int(key)) if STEP_ID.fullmatch(key) else None
            if step is None:
                raise forms.ValidationError(_("A step time is for a step outside this massage."))
            if (
                not isinstance(value, list)
                or len(value) not in {2, 3}
                or not _is_number(value[0])
                or not isinstance(value[1], bool)
                or (len(value) == 3 and not _is_whole(value[2]))
            ):
                raise forms.ValidationError(_("The step times could not be read."))
            seconds, skipped, extra = float(value[0]), value[1], value[2] if len(value) == 3 else 0
            if not 0 <= extra <= MAX_EXTRA_SECONDS:
                raise forms.ValidationError(
                    _("At most %(max)d seconds can be added to a step.")
                    % {"max": MAX_EXTRA_SECONDS}
                )
            cap = step_seconds_cap(step, extra)
            if not 0 <= seconds <= cap:
                raise forms.ValidationError(
                    _("The time on “%(stroke)s” must be between 0 and %(max)d seconds.")
                    % {"stroke": step.stroke, "max": cap}
                )
            visits[step] = (seconds, skipped, extra)
        return visits

    def clean(self):
        cleaned = super().clean()
        step, elapsed, visits = (cleaned.get(k) for k in ("step", "elapsed", "visits"))
        if step is not None and elapsed is not None and visits is not None:
            extra = visits[step][2] if step in visits else 0
            cap = step_seconds_cap(step, extra)
            if elapsed > cap:
                self.add_error(
                    "elapsed",
                    _("The time on this step must be at most %(max)d seconds.") % {"max": cap},
                )
        return cleaned


# Ids as plain ASCII digits, short enough for int(): Python refuses to read over 4300 digits.
STEP_ID = re.compile(r"[0-9]{1,18}")
# `visits` as the player sends it: one flat object of "<step id>": [up to three plain values]
# (numbers, true or false), nothing nested, no strings as values. JSON's own parser reads what
# passes, so a value's type and range are still checked one by one below.
_VISIT = r'\s*"[0-9]{1,18}"\s*:\s*\[[-+.0-9eEtruefals,\s]{0,80}\]\s*'
FLAT_VISITS = re.compile(rf"\s*\{{(?:{_VISIT}(?:,{_VISIT})*)?\}}\s*", re.ASCII)


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


class FinishForm(forms.Form):
    OUTCOMES = [
        (Outcome.COMPLETED, _("We did the whole routine")),
        (Outcome.BABY_LED_END, _("My baby had had enough (baby-led end)")),
        (Outcome.ENDED_EARLY, _("I ended it early")),
    ]
    outcome = forms.ChoiceField(
        label=_("How did it end?"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("What happened?"),
        max_length=200,
        required=False,
        help_text=_(
            "For example: started crying, fell asleep, needed a feed, phone rang. "
            "Needed when your baby led the end."
        ),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, step_done=True, **kwargs):
        """`step_done`: whether any step of the massage was done; if none was, the whole
        routine can't have been, so that answer is not offered (nor taken)."""
        super().__init__(*args, **kwargs)
        if not step_done:
            outcome = self.fields["outcome"]
            outcome.choices = [c for c in self.OUTCOMES if c[0] != Outcome.COMPLETED]
            outcome.error_messages["invalid_choice"] = _(
                "No step was done yet, so this can't be the whole routine. "
                "Choose one of the other endings."
            )

    def clean(self):
        cleaned = super().clean()
        reason = cleaned.get("reason")
        if cleaned.get("outcome") == Outcome.BABY_LED_END and reason is not None and not reason:
            self.add_error(
                "reason",
                _("Tell us briefly how your baby showed they'd had enough, e.g. turned away."),
            )
        return cleaned


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def weekday_choices():
    """(0, "Monday") … (6, "Sunday"), as TeachingClass.Weekday numbers them."""
    return [(str(day.value), day.label) for day in TeachingClass.Weekday]


@functools.cache
def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ReminderForm(forms.Form):
    """A person's reminder: the weekdays, a time of day, and the time zone it is in."""

    weekdays = forms.MultipleChoiceField(
        label=_("On these days"),
        choices=weekday_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one day for the reminder."),
            "invalid_choice": _("Choose days of the week from the list."),
        },
    )
    time = forms.TimeField(
        label=_("At"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Choose a time for the reminder, like 18:30."),
            "invalid": _("That is not a time we understand. Write it like 18:30."),
        },
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        error_messages={
            "required": _("Choose your time zone."),
            "invalid_choice": _("Choose your time zone from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_weekdays(self):
        return sorted({int(day) for day in self.cleaned_data["weekdays"]})

    def clean_time(self):
        # Reminders are set to the minute.
        return self.cleaned_data["time"].replace(second=0, microsecond=0)
