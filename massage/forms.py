from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from massage.content import (
    column,
    columns,
    language_codes,
    language_in_sentence,
    language_name,
)
from massage.converters import MAX_DIGITS
from massage.models import (
    Baby,
    Family,
    Focus,
    FocusTag,
    InstructorLink,
    InstructorProfile,
    Invitation,
    Routine,
    Scope,
    Step,
    TeachingClass,
    User,
)
from massage.models.library import MAX_REPETITIONS, MAX_SECONDS_PER_REPETITION, MAX_STEP_SECONDS
from massage.models.teaching import MAX_TIMES_PER_WEEK, SCOPE_DESCRIPTIONS
from massage.uploads import NarrationField, PhotoField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ProfileForm(forms.ModelForm):
    """Your name, as sign-up asks for it (massage/account_forms.py), and the app's language for
    you (the switch at the foot of each page sets it too)."""

    class Meta:
        model = User
        fields = ["display_name", "language"]
        labels = {"display_name": _("Your name"), "language": _("Language")}
        help_texts = {
            "display_name": _("How we greet you, and how your family sees you."),
            "language": _("The app's language for you, on every phone you use."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        name = self.fields["display_name"]
        name.required = True
        name.error_messages["required"] = _("Please give your name.")
        # Each language named in its own words, and the browser's choice as the blank one.
        language = self.fields["language"]
        language.widget = LanguageSelect()
        language.choices = [("", _("The one my browser asks for")), *settings.LANGUAGES]


class LanguageSelect(forms.Select):
    """A choice of languages, each named in its own words: each option says which language it
    is written in, so a screen reader reads "Español" as Spanish on an English page."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for its password, so an unattended phone can't do it."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


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


class LibraryFilterForm(forms.Form):
    """Filters of the library list. Age is a suggestion (routines outside it stay visible)."""

    MINUTES = [
        ("", _("Any length")),
        ("5", _("Up to 5 min")),
        ("10", _("Up to 10 min")),
        ("20", _("Up to 20 min")),
    ]

    baby = forms.TypedChoiceField(label=_("For"), required=False, coerce=int, empty_value=None)
    age = forms.IntegerField(label=_("Age in months"), required=False, min_value=0, max_value=72)
    minutes = forms.TypedChoiceField(
        label=_("Length"), choices=MINUTES, required=False, coerce=int, empty_value=None
    )
    focus = forms.ChoiceField(label=_("Focus"), required=False)

    def __init__(self, data, *, babies):
        if babies and "baby" not in data:
            # First visit: suggest routines for the first baby, and show that choice.
            data = data.copy()
            data["baby"] = str(babies[0].pk)
        super().__init__(data)
        self.babies = {baby.pk: baby for baby in babies}
        self.fields["baby"].choices = [("", _("Any age"))] + [
            (baby.pk, baby.name) for baby in babies
        ]
        self.fields["focus"].choices = [("", _("Anything")), *Focus.choices]
        if babies:
            del self.fields["age"]
        else:
            del self.fields["baby"]

    def chosen_baby(self):
        if "baby" not in self.fields:
            return None
        return self.babies.get(self.cleaned_data.get("baby"))


def _in_language(label, code):
    return _("%(field)s (%(language)s)") % {"field": label, "language": language_in_sentence(code)}


_in_language_lazy = lazy(_in_language, str)
_narration_label = lazy(
    lambda code: _("Narration (%(language)s, optional)") % {"language": language_in_sentence(code)},
    str,
)


class TextsInEachLanguage:
    """A form with a field per language for each translated text (massage/translation.py):
    ``title_en``, ``title_es``... each labelled with its language. A routine may be written in
    either language or both: a required text needs only one of them, and the page falls back to
    English where the page's language has none (massage/content.py)."""

    # name: (multiline, message when no language has it; None: optional)
    texts: dict = {}

    def _set_up_texts(self):
        for name, (multiline, _missing) in self.texts.items():
            for code in language_codes():
                field = self.fields[column(name, code)]
                field.label = _in_language_lazy(
                    self._meta.model._meta.get_field(name).verbose_name.capitalize(), code
                )
                field.required = False
                attrs = {"lang": code}
                if multiline:
                    field.widget = forms.Textarea(attrs={"rows": 3, **attrs})
                else:
                    field.widget.attrs.update(attrs)

    def _clean_texts(self, cleaned):
        for name, (_multiline, missing) in self.texts.items():
            for col in columns(name):
                if col in cleaned:  # empty is "", as the seed has it, never None
                    cleaned[col] = (cleaned[col] or "").strip()
            if missing and not any(cleaned.get(col) for col in columns(name)):
                self.add_error(columns(name)[0], missing)
        return cleaned


class RoutineForm(TextsInEachLanguage, forms.ModelForm):
    texts = {
        "title": (False, _("Give the routine a title, in English, Spanish or both.")),
        "summary": (True, _("Write a short summary, in English, Spanish or both.")),
        "cautions": (True, None),
    }
    focus = forms.ModelMultipleChoiceField(
        queryset=FocusTag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Focus"),
    )

    class Meta:
        model = Routine
        fields = [
            *columns("title"),
            *columns("summary"),
            "min_age_months",
            "max_age_months",
            "focus",
            "uses_oil",
            *columns("cautions"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_up_texts()
        for col in columns("cautions"):
            self.fields[col].help_text = _("Safety notes for the whole routine, one per line.")

    def clean(self):
        cleaned = self._clean_texts(super().clean())
        low, high = cleaned.get("min_age_months"), cleaned.get("max_age_months")
        if low is not None and high is not None and low > high:
            self.add_error("max_age_months", _("The upper age must not be below the lower age."))
        if high is not None and high > 72:
            self.add_error(
                "max_age_months", _("Routines are for children up to 6 years (72 months).")
            )
        return cleaned


NARRATION_HELP = _(
    "MP3, OGG, M4A or WAV up to 5 MB. Without it, the player reads the instruction aloud in "
    "this language, or plays the English recording when the page is in a language without one."
)


class StepForm(TextsInEachLanguage, forms.ModelForm):
    texts = {
        "stroke": (False, _("Name the stroke, in English, Spanish or both.")),
        "instruction": (True, _("Write the instruction, in English, Spanish or both.")),
        "caution": (False, None),
    }
    photo = PhotoField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP up to 10 MB. Location and camera details are removed."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Step
        fields = [
            "body_area",
            *columns("stroke"),
            *columns("instruction"),
            "motion",
            "seconds",
            "repetitions",
            "seconds_per_repetition",
            *columns("caution"),
            "optional",
        ]
        help_texts = {
            "seconds": _("Either a time in seconds…"),
            "repetitions": _("…or a number of strokes, with the seconds each one takes."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_up_texts()
        # A recording per language (narration_en, narration_es...), each with its remove box.
        for code in language_codes():
            self.fields[column("narration", code)] = NarrationField(
                label=_narration_label(code),
                required=False,
                help_text=NARRATION_HELP,
            )
            self.fields[column("remove_narration", code)] = forms.BooleanField(
                label=_in_language_lazy(_("Remove the narration"), code), required=False
            )
        # 1 at least: a 0 would otherwise pass as "no amount" and only fail in the database.
        limits = {
            "seconds": _("Between 1 and %(max)d seconds.") % {"max": MAX_STEP_SECONDS},
            "repetitions": _("Between 1 and %(max)d repetitions.") % {"max": MAX_REPETITIONS},
            "seconds_per_repetition": _("Between 1 and %(max)d seconds.")
            % {"max": MAX_SECONDS_PER_REPETITION},
        }
        maxima = {
            "seconds": MAX_STEP_SECONDS,
            "repetitions": MAX_REPETITIONS,
            "seconds_per_repetition": MAX_SECONDS_PER_REPETITION,
        }
        for name, message in limits.items():
            field = self.fields[name]
            field.min_value, field.max_value = 1, maxima[name]
            field.widget.attrs.update(min=1, max=maxima[name])
            field.validators = [
                MinValueValidator(1, message=message),
                MaxValueValidator(maxima[name], message=message),
            ]

    def clean(self):
        cleaned = self._clean_texts(super().clean())
        if {"seconds", "repetitions", "seconds_per_repetition"} & set(self.errors):
            return cleaned  # a number out of range: that field's own message says enough
        seconds, reps = cleaned.get("seconds"), cleaned.get("repetitions")
        if seconds and reps:
            raise forms.ValidationError(
                _("Give either seconds or repetitions, not both."), code="both_amounts"
            )
        if not seconds and not reps:
            raise forms.ValidationError(
                _("Give the step a time in seconds or a number of repetitions."),
                code="no_amount",
            )
        if reps and not cleaned.get("seconds_per_repetition"):
            self.add_error(
                "seconds_per_repetition", _("How long does one repetition take, roughly?")
            )
        if seconds:
            cleaned["seconds_per_repetition"] = None
        return cleaned

    def recordings(self) -> list[tuple[str, str, str]]:
        """(language code, name, address) of each recording the step has, to listen to."""
        found = []
        for code in language_codes():
            field = getattr(self.instance, column("narration", code))
            if field:
                found.append((code, language_name(code), field.url))
        return found

    def file_changes(self) -> dict:
        """What the form asks of the step's photo and narration, as library.step_save takes it."""
        data = self.cleaned_data
        return {
            "photo": data.get("photo"),
            "remove_photo": data.get("remove_photo"),
            "narrations": {
                code: data[column("narration", code)]
                for code in language_codes()
                if data.get(column("narration", code))
            },
            "remove_narrations": [
                code for code in language_codes() if data.get(column("remove_narration", code))
            ],
        }


class StudioStepForm(StepForm):
    """The studio's step form: "Remove the photo" (or narration) only when the step has one.

    The admin keeps StepForm, whose fieldsets name every field.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.has_photo:
            del self.fields["remove_photo"]
        for code in language_codes():
            if not getattr(self.instance, column("narration", code)):
                del self.fields[column("remove_narration", code)]


# The instructor's side ---------------------------------------------------------------------------


class PlainLabelsMixin:
    """Labels as the app writes them: no colon after them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class InstructorProfileForm(PlainLabelsMixin, forms.ModelForm):
    class Meta:
        model = InstructorProfile
        fields = ["practice_name", "credential", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        labels = {"bio": _("A few words about you, for the families")}


class TeachingInvitationForm(PlainLabelsMixin, forms.Form):
    email = forms.EmailField(
        label=_("The family's email"), help_text=_("They get a link to join your class.")
    )


class ScopeField(forms.ChoiceField):
    """What the family shares, with a plain sentence under each choice."""

    widget = forms.RadioSelect

    def __init__(self, *, with_stop=False, **kwargs):
        scopes = [Scope.PRACTICE, Scope.CUES, Scope.EVERYTHING] + (
            [Scope.REVOKED] if with_stop else []
        )
        super().__init__(
            choices=[(str(s.value), s.label) for s in scopes],
            error_messages={"required": _("Choose what your instructor may see.")},
            **kwargs,
        )
        self.descriptions = {str(s.value): SCOPE_DESCRIPTIONS[s] for s in scopes}


def _not_an_id(value) -> bool:
    """Whether a posted choice has more digits than any id (massage.converters.MAX_DIGITS): the
    database driver would raise OverflowError on it (SQLite's, at 2**63), a 500."""
    text = str(value).strip().lstrip("+-")
    return text.isdigit() and len(text.lstrip("0")) > MAX_DIGITS


class IdChoiceField(forms.ModelChoiceField):
    """A choice of a row by its id; an id too long for the database is just not a choice."""

    def to_python(self, value):
        if value not in self.empty_values and _not_an_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices of rows by their ids; an id too long for the database is just not a choice."""

    def _check_values(self, value):
        for each in value:
            if _not_an_id(each):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": each},
                )
        return super()._check_values(value)


class ScopeOptionsMixin:
    def scope_options(self):
        """Each scope's radio button with the sentence that says what it shares."""
        descriptions = self.fields["scope"].descriptions
        return [(choice, descriptions[str(choice.data["value"])]) for choice in self["scope"]]


class JoinClassForm(PlainLabelsMixin, ScopeOptionsMixin, forms.Form):
    family = IdChoiceField(
        queryset=Family.objects.none(),
        label=_("Which family joins"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your families.")},
    )
    scope = ScopeField(label=_("What may your instructor see?"))

    def __init__(self, *args, families, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = families
        if len(families) == 1:
            self.fields["family"].widget = forms.HiddenInput()
            self.fields["family"].initial = families[0].pk


class ConsentForm(PlainLabelsMixin, ScopeOptionsMixin, forms.Form):
    scope = ScopeField(label=_("What this instructor may see"), with_stop=True)


class TeachingClassForm(PlainLabelsMixin, forms.ModelForm):
    class Meta:
        model = TeachingClass
        fields = ["name", "starts_on", "meets_on"]
        widgets = {"starts_on": DateInput()}


class ClassFamiliesForm(PlainLabelsMixin, forms.Form):
    links = IdMultipleChoiceField(
        queryset=InstructorLink.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Families in this class"),
        error_messages={"invalid_choice": _("Choose among the families that share with you.")},
    )

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["links"].queryset = links
        self.fields["links"].label_from_instance = lambda link: link.family.name


class AssignmentForm(PlainLabelsMixin, forms.Form):
    routine = IdChoiceField(
        queryset=Routine.objects.none(),
        label=_("Routine"),
        error_messages={
            "invalid_choice": _("Choose a library routine or one of yours, published.")
        },
    )
    target = forms.ChoiceField(
        label=_("For"),
        error_messages={"invalid_choice": _("Choose one of your classes or families.")},
    )
    note = forms.CharField(
        label=_("A note for the family (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    times_per_week = forms.IntegerField(
        label=_("Times a week"),
        initial=3,
        min_value=1,
        max_value=MAX_TIMES_PER_WEEK,
        error_messages={
            "min_value": _("At least once a week."),
            "max_value": _("At most %(limit_value)s times a week."),
        },
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until (optional)"), required=False, widget=DateInput())
    # Reminder times to suggest: the family sees them and may use them; only it turns one on.
    suggested_weekdays = forms.TypedMultipleChoiceField(
        label=_("Suggest reminder days (optional)"),
        choices=TeachingClass.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose days of the week from the list.")},
    )
    suggested_time = forms.TimeField(
        label=_("Suggest a reminder time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Families see it when they set a reminder; only they can turn one on."),
        error_messages={"invalid": _("That is not a time. Write it like 18:30.")},
    )

    def __init__(self, *args, routines, classes, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["routine"].queryset = routines
        self.classes = {str(c.pk): c for c in classes}
        self.links = {str(link.pk): link for link in links}
        # One baby of a family: the links come with their family's babies prefetched.
        self.babies = {
            str(baby.pk): (link, baby) for link in links for baby in link.family.babies.all()
        }
        self.fields["target"].choices = [
            (_("Classes"), [(f"class-{pk}", c.name) for pk, c in self.classes.items()]),
            (
                _("Families"),
                [(f"family-{pk}", link.family.name) for pk, link in self.links.items()],
            ),
            (
                _("One baby"),
                [
                    (f"baby-{pk}", f"{baby.name} ({link.family.name})")
                    for pk, (link, baby) in self.babies.items()
                ],
            ),
        ]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date is before the start date."))
        target = cleaned.get("target", "")
        kind, _sep, pk = target.partition("-")
        cleaned["teaching_class"] = self.classes.get(pk) if kind == "class" else None
        link = self.links.get(pk) if kind == "family" else None
        cleaned["baby"] = None
        if kind == "baby" and pk in self.babies:
            link, cleaned["baby"] = self.babies[pk]
        cleaned["family"] = link.family if link else None
        days, at = cleaned.get("suggested_weekdays") or [], cleaned.get("suggested_time")
        if days and at is None and "suggested_time" not in self.errors:
            self.add_error("suggested_time", _("Add a time for the days you suggest."))
        elif at is not None and not days:
            self.add_error("suggested_weekdays", _("Choose at least one day for that time."))
        # Stored as bits, Monday = 1 << 0 … Sunday = 1 << 6; to the minute.
        cleaned["suggested_weekdays"] = sum(1 << day for day in set(days))
        if at is not None:
            cleaned["suggested_time"] = at.replace(second=0, microsecond=0)
        return cleaned


class ClassCodeForm(PlainLabelsMixin, forms.Form):
    """The code an instructor gives for a class, as a parent types it."""

    code = forms.CharField(
        label=_("Class code"),
        max_length=20,
        help_text=_("Eight letters and numbers, from your instructor."),
        error_messages={"required": _("Type the code your instructor gave you.")},
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )


class JoinRequestForm(JoinClassForm):
    """Asking to join a class with its code: the family, what it offers to share, a word."""

    message = forms.CharField(
        label=_("A word to the instructor (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example your baby's age, or what you hope the class helps with."),
        error_messages={
            "max_length": _(
                "Keep it to %(limit_value)d characters, please (this has %(show_value)d)."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].label = _("Which family asks")


class AdaptRoutineForm(PlainLabelsMixin, forms.Form):
    routine = IdChoiceField(
        queryset=Routine.objects.none(),
        label=_("Routine to adapt"),
        empty_label=_("Choose a routine"),
        error_messages={
            "required": _("Choose the routine to adapt."),
            "invalid_choice": _("Choose a library routine or one of yours, published."),
        },
    )

    def __init__(self, *args, routines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["routine"].queryset = routines
