from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cues import exports
from cues.models import NOTE_LENGTH, CueKind, Response
from sessions.forms import SessionStepForm

# Phone clocks drift a little; a cue from further in the future than this is refused.
CLOCK_SLACK = timedelta(minutes=2)
# The skew measured on one send includes that send's time on the network, which differs from
# send to send: applied to a phone whose clock is right, it would reorder cues tapped a moment
# apart (the first one sent slowly, the next quickly). A skew this small is taken as no skew.
SKEW_IGNORED_BELOW = timedelta(seconds=3)


def clock_skew(sent_at, now) -> timedelta:
    """How far the phone's clock is behind the server's, from the time it says it sent a request
    (`sent_at`, None for none): added to the phone's times to put them on the server's clock."""
    if sent_at is None or abs(now - sent_at) < SKEW_IGNORED_BELOW:
        return timedelta(0)
    return now - sent_at


class CueForm(SessionStepForm):
    """A cue as the player sends it. Without JavaScript, `at` is left out and means now.

    The player also sends its clock's time at sending (`sent_at`): the difference from the
    server's clock is the phone's skew, taken off `at`. Older players send no `sent_at`.
    """

    client_id = forms.UUIDField(error_messages={"invalid": _("The cue id is not a valid UUID.")})
    kind = forms.ChoiceField(
        choices=CueKind.choices,
        error_messages={"invalid_choice": _("That is not a cue the app knows.")},
    )
    sent_at = forms.DateTimeField(required=False)
    at = forms.DateTimeField(required=False)
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, data, *, session, steps):
        super().__init__(data, steps=steps)
        self.session = session

    def clean_at(self):
        """The cue's time on the server's clock; the service keeps it from running past now."""
        at = self.cleaned_data["at"]
        now = timezone.now()
        if at is None:
            return now
        sent_at = self.cleaned_data.get("sent_at")
        try:
            at += clock_skew(sent_at, now)
            if at > now + CLOCK_SLACK:
                raise forms.ValidationError(_("This cue's time is in the future."))
            if at < self.session.started_at - CLOCK_SLACK:
                raise forms.ValidationError(_("This cue's time is before the massage began."))
        except OverflowError as error:
            raise forms.ValidationError(_("This cue's time is out of range.")) from error
        return at

    def clean(self):
        cleaned = super().clean()
        cleaned.pop("sent_at", None)  # used up in `at`
        return cleaned


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        choices=Response.choices,
        error_messages={"invalid_choice": _("That is not one of the choices offered.")},
    )


class CueNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReportRangeForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the first day as a date, like 2025-03-01.")},
    )
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the last day as a date, like 2025-03-28.")},
    )

    def _within_reach(self, day):
        earliest = exports.REPORT_EARLIEST
        latest = timezone.localdate() + timedelta(days=366)
        if day is not None and not earliest <= day <= latest:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and a year from now.")
                % {"earliest": earliest.year}
            )
        return day

    def clean_start(self):
        return self._within_reach(self.cleaned_data.get("start"))

    def clean_end(self):
        return self._within_reach(self.cleaned_data.get("end"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The first day comes after the last day."))
            if end - start >= timedelta(days=exports.REPORT_MAX_DAYS):
                raise forms.ValidationError(
                    _("A report covers at most two years: please choose a shorter time.")
                )
        return cleaned


class InstructorNoteForm(forms.Form):
    """A word from the instructor to the family, or the family's reply: short, never empty."""

    text = forms.CharField(
        max_length=NOTE_LENGTH,
        strip=True,
        error_messages={
            "required": _("Write a few words first."),
            "max_length": _(
                "Keep it short: at most %(limit_value)d characters (this has %(show_value)d)."
            ),
        },
    )
