import json

from django import forms
from django.utils.translation import gettext_lazy as _

from sessions.models import MAX_STEP_VISIT_SECONDS, Outcome


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


class ProgressForm(SessionStepForm):
    """What the player sends as it goes: a sequence number, where it is, and time per step."""

    seq = forms.IntegerField(min_value=1, max_value=10_000_000)
    elapsed = forms.FloatField(min_value=0, max_value=MAX_STEP_VISIT_SECONDS)
    visits = forms.CharField(max_length=20_000, required=False)

    def clean_visits(self):
        raw = self.cleaned_data["visits"] or "{}"
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise forms.ValidationError(_("The step times could not be read.")) from error
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The step times could not be read."))
        visits = {}
        for key, value in data.items():
            step = self.steps.get(int(key)) if str(key).isdecimal() else None
            if step is None:
                raise forms.ValidationError(_("A step time is for a step outside this massage."))
            if (
                not isinstance(value, list)
                or len(value) != 2
                or not isinstance(value[0], int | float)
                or isinstance(value[0], bool)
                or not isinstance(value[1], bool)
                or not 0 <= value[0] <= MAX_STEP_VISIT_SECONDS
            ):
                raise forms.ValidationError(
                    _("Step times must be between 0 and %(max)d seconds.")
                    % {"max": MAX_STEP_VISIT_SECONDS}
                )
            visits[step] = (float(value[0]), value[1])
        return visits


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
        label=_("What happened? (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: started crying, fell asleep, needed a feed, phone rang."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
