from django import forms
from django.utils.translation import gettext_lazy as _

from massage.models import Baby, Family, Invitation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class FamilyForm(forms.ModelForm):
    class Meta:
        model = Family
        fields = ["name"]
        labels = {"name": _("What should we call your family?")}
        widgets = {"name": forms.TextInput(attrs={"placeholder": _("e.g. The Okafors")})}


class BabyForm(forms.ModelForm):
    class Meta:
        model = Baby
        fields = ["name", "birth_date", "due_date"]
        labels = {"name": _("Baby's name")}
        widgets = {
            "birth_date": DateInput(),
            "due_date": DateInput(),
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
        }


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["role", "email"]
        help_texts = {
            "email": _(
                "We'll email the link there. Or leave it empty and share the link yourself."
            ),
            "role": _(
                "Caregivers follow routines and log cues. Parents can also manage babies "
                "and who is in the family."
            ),
        }
        widgets = {"role": forms.RadioSelect}
