from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cues.models import CueKind, Response

# Phone clocks drift a little; a cue from further in the future than this is refused.
CLOCK_SLACK = timedelta(minutes=2)


class CueForm(forms.Form):
    """A cue as the player sends it. Without JavaScript, `at` is left out and means now."""

    client_id = forms.UUIDField(error_messages={"invalid": _("The cue id is not a valid UUID.")})
    kind = forms.ChoiceField(
        choices=CueKind.choices,
        error_messages={"invalid_choice": _("That is not a cue the app knows.")},
    )
    step = forms.IntegerField(min_value=1)
    at = forms.DateTimeField(required=False)
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, data, *, session, steps):
        super().__init__(data)
        self.session = session
        self.steps = {step.pk: step for step in steps}

    def clean_step(self):
        step = self.steps.get(self.cleaned_data["step"])
        if step is None:
            raise forms.ValidationError(_("That step is not part of this massage."))
        return step

    def clean_at(self):
        at = self.cleaned_data["at"]
        now = timezone.now()
        if at is None:
            return now
        if at > now + CLOCK_SLACK:
            raise forms.ValidationError(_("This cue's time is in the future."))
        if at < self.session.started_at - CLOCK_SLACK:
            raise forms.ValidationError(_("This cue's time is before the massage began."))
        return min(at, now)


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        choices=Response.choices,
        error_messages={"invalid_choice": _("That is not one of the choices offered.")},
    )


class CueNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
